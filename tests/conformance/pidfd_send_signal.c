/* pidfd_send_signal: flags (0 and the 6.9 scope flags, one at most), EBADF
 * for a bad fd or a file that is no pidfd, a siginfo must match the signal
 * and may claim SI_USER only to oneself, permission as kill(2); a zombie
 * takes signals, a reaped process is ESRCH. */
#include "conf.h"
#include <signal.h>

#define PIDFD_SIGNAL_THREAD (1UL << 0)
#define PIDFD_SIGNAL_THREAD_GROUP (1UL << 1)
#define PIDFD_SIGNAL_PROCESS_GROUP (1UL << 2)

static int pidfd_open(pid_t pid, unsigned flags)
{
    return syscall(SYS_pidfd_open, pid, flags);
}

static int send(int fd, int sig, siginfo_t *si, unsigned flags)
{
    return syscall(SYS_pidfd_send_signal, fd, sig, si, flags);
}

static volatile sig_atomic_t got_sig, got_code, got_val;
static void on_sig(int sig, siginfo_t *si, void *uc)
{
    got_sig = sig;
    got_code = si->si_code;
    got_val = si->si_value.sival_int;
}

static pid_t sleeper(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

static int term_sig(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFSIGNALED(st) ? WTERMSIG(st) : 100 + WEXITSTATUS(st);
}

int main(void)
{
    struct sigaction sa;
    siginfo_t si;
    pid_t pid;
    int fd, self, st;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    pid = sleeper();
    MUST(pid);
    fd = pidfd_open(pid, 0);
    MUST(fd);
    OK("signal 0", send(fd, 0, NULL, 0));
    ERR("signal 65", send(fd, 65, NULL, 0), EINVAL);
    ERR("flags 8", send(fd, 0, NULL, 8), EINVAL);
    ERR("two scope flags", send(fd, 0, NULL, PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP), EINVAL);
    OK("PIDFD_SIGNAL_THREAD_GROUP, signal 0", send(fd, 0, NULL, PIDFD_SIGNAL_THREAD_GROUP));
    ERR("fd 999", send(999, 0, NULL, 0), EBADF);
    ERR("fd -1", send(-1, 0, NULL, 0), EBADF);
    ERR("stdin is no pidfd", send(0, 0, NULL, 0), EBADF);
    ERR("info: bad pointer", send(fd, SIGUSR1, BADPTR, 0), EFAULT);
    memset(&si, 0, sizeof(si));
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    ERR("info: si_signo differs", send(fd, SIGUSR2, &si, 0), EINVAL);
    si.si_code = SI_USER;
    ERR("info: SI_USER to another", send(fd, SIGUSR1, &si, 0), EPERM);
    OK("SIGTERM", send(fd, SIGTERM, NULL, 0));
    {
        siginfo_t w;
        memset(&w, 0, sizeof(w));
        MUST(waitid(P_PID, pid, &w, WEXITED | WNOWAIT));
        EQ("  it died of it", w.si_code == CLD_KILLED && w.si_status == SIGTERM, 1);
    }
    OK("zombie: takes a signal", send(fd, SIGKILL, NULL, 0));
    EQ("reaped", term_sig(pid), SIGTERM);
    ERR("reaped: ESRCH", send(fd, 0, NULL, 0), ESRCH);
    close(fd);

    /* To ourselves, with our own siginfo. */
    self = pidfd_open(getpid(), 0);
    memset(&si, 0, sizeof(si));
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_value.sival_int = 1234;
    OK("self, SI_QUEUE info", send(self, SIGUSR1, &si, 0));
    EQ("  delivered with our code and value",
       got_sig == SIGUSR1 && got_code == SI_QUEUE && got_val == 1234, 1);
    got_sig = 0;
    OK("self, no info", send(self, SIGUSR1, NULL, 0));
    EQ("  delivered as SI_USER", got_sig == SIGUSR1 && got_code == SI_USER, 1);
    got_sig = 0;
    OK("self, PIDFD_SIGNAL_THREAD", send(self, SIGUSR1, NULL, PIDFD_SIGNAL_THREAD));
    EQ("  delivered as SI_TKILL", got_sig == SIGUSR1 && got_code == SI_TKILL, 1);

    /* Process group scope. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        setpgid(0, 0);
        if (fork() == 0) {
            for (;;)
                pause();
        }
        for (;;)
            pause();
    }
    setpgid(pid, pid);
    fd = pidfd_open(pid, 0);
    OK("PIDFD_SIGNAL_PROCESS_GROUP SIGKILL", send(fd, SIGKILL, NULL, PIDFD_SIGNAL_PROCESS_GROUP));
    EQ("  the leader dies", term_sig(pid), SIGKILL);
    close(fd);

    /* Permission: as kill(2), from an unprivileged child. */
    pid = sleeper();
    MUST(pid);
    fd = pidfd_open(pid, 0);
    {
        pid_t c = fork();
        MUST(c);
        if (c == 0) {
            if (setuid(65534))
                _exit(1);
            _exit(send(fd, SIGTERM, NULL, 0) == -1 && errno == EPERM ? 0 : 2);
        }
        EQ("another uid: EPERM", waitpid(c, &st, 0) == c && WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    }
    kill(pid, SIGKILL);
    EQ("still alive till now", term_sig(pid), SIGKILL);
    close(fd);
    close(self);
    return conf_done();
}
