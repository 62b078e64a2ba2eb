/* signalfd_basic: signalfd4 flags and errors, reading blocked signals as
 * signalfd_siginfo records (kill: pid and uid; sigqueue: the value; several
 * in one read), consuming them (sigpending empty after), EAGAIN and
 * EINVAL, poll readiness, a blocking read woken by a child's kill,
 * thread-directed signals, SIGKILL and SIGSTOP dropped from the mask. */
#include "conf.h"
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>

int main(void)
{
    struct signalfd_siginfo si[4];
    struct pollfd p;
    sigset_t m, pend;
    union sigval val;
    char small[64];
    int fd, st;

    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    sigaddset(&m, SIGRTMIN);
    MUST(sigprocmask(SIG_BLOCK, &m, NULL));

    ERR("bad flags", signalfd(-1, &m, 0x1), EINVAL);
    ERR("bad sizemask", syscall(SYS_signalfd4, -1, &m, 4, 0), EINVAL);
    ERR("bad mask pointer", syscall(SYS_signalfd4, -1, BADPTR, 8, 0), EFAULT);
    ERR("fd not open", signalfd(77, &m, 0), EBADF);
    ERR("fd not a signalfd", signalfd(0, &m, 0), EINVAL);
    fd = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
    OK("signalfd(-1, USR1|USR2|RTMIN, NONBLOCK|CLOEXEC)", fd);
    EQ("FD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
    TRUE("O_NONBLOCK", fcntl(fd, F_GETFL) & O_NONBLOCK);
    ERR("nothing pending: EAGAIN", read(fd, si, sizeof(si[0])), EAGAIN);
    ERR("buffer smaller than a record", read(fd, small, sizeof(small)), EINVAL);
    p.fd = fd;
    p.events = POLLIN;
    EQ("poll: not ready", poll(&p, 1, 0), 0);

    OK("kill SIGUSR1", kill(getpid(), SIGUSR1));
    EQ("poll: ready", poll(&p, 1, 0), 1);
    EQ("revents", p.revents, POLLIN);
    EQ("read one record", read(fd, si, sizeof(si)), sizeof(si[0]));
    EQ("ssi_signo", si[0].ssi_signo, SIGUSR1);
    EQ("ssi_code SI_USER", si[0].ssi_code, SI_USER);
    TRUE("ssi_pid is ours", si[0].ssi_pid == (uint32_t)getpid());
    TRUE("ssi_uid is ours", si[0].ssi_uid == getuid());
    sigpending(&pend);
    EQ("consumed: not pending", sigismember(&pend, SIGUSR1), 0);
    EQ("poll: not ready", poll(&p, 1, 0), 0);

    val.sival_int = 1234;
    OK("sigqueue SIGRTMIN", sigqueue(getpid(), SIGRTMIN, val));
    val.sival_int = 5678;
    OK("sigqueue SIGRTMIN again", sigqueue(getpid(), SIGRTMIN, val));
    OK("kill SIGUSR2", kill(getpid(), SIGUSR2));
    EQ("three records in one read", read(fd, si, sizeof(si)), 3 * sizeof(si[0]));
    EQ("1st: SIGUSR2 (lowest first)", si[0].ssi_signo, SIGUSR2);
    EQ("2nd: SIGRTMIN", si[1].ssi_signo, SIGRTMIN);
    EQ("2nd: SI_QUEUE", si[1].ssi_code, SI_QUEUE);
    EQ("2nd: value", si[1].ssi_int, 1234);
    EQ("3rd: value", si[2].ssi_int, 5678);
    ERR("all consumed", read(fd, si, sizeof(si)), EAGAIN);

    /* Signals outside the mask are not read. */
    sigset_t m2;
    sigemptyset(&m2);
    sigaddset(&m2, SIGHUP);
    MUST(sigprocmask(SIG_BLOCK, &m2, NULL));
    OK("kill SIGHUP (not in the mask)", kill(getpid(), SIGHUP));
    ERR("not read", read(fd, si, sizeof(si)), EAGAIN);
    EQ("poll: not ready", poll(&p, 1, 0), 0);
    sigpending(&pend);
    EQ("SIGHUP still pending", sigismember(&pend, SIGHUP), 1);
    signal(SIGHUP, SIG_IGN); /* discard it */
    close(fd);

    /* Blocking read, woken by a child's kill. */
    fd = signalfd(-1, &m, 0);
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    EQ("blocking read", read(fd, si, sizeof(si)), sizeof(si[0]));
    EQ("SIGUSR1", si[0].ssi_signo, SIGUSR1);
    TRUE("from the child", si[0].ssi_pid == (uint32_t)pid);
    waitpid(pid, &st, 0);
    EQ("child exit", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    /* The SIGCHLD is not in the mask: it stays. */

    /* Thread-directed (tgkill to ourselves). */
    OK("tgkill SIGUSR2", syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2));
    EQ("read it", read(fd, si, sizeof(si)), sizeof(si[0]));
    EQ("SIGUSR2", si[0].ssi_signo, SIGUSR2);
    EQ("SI_TKILL", si[0].ssi_code, SI_TKILL);
    close(fd);

    /* SIGKILL and SIGSTOP in the mask are ignored, not refused. */
    sigfillset(&m);
    fd = signalfd(-1, &m, SFD_NONBLOCK);
    OK("full mask", fd);
    close(fd);
    return conf_done();
}
