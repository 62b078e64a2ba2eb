/* sig_chld_waitpid: SIGCHLD to the parent: siginfo for exit, kill, stop and
 * continue; reaping from the handler with waitpid(WNOHANG); coalescing of
 * several exits while blocked; SA_NOCLDSTOP; SA_NOCLDWAIT and SIG_IGN
 * auto-reaping (wait then fails ECHILD). */
#include "conf.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int hits, last_code, last_status, last_pid, reaped_mask, reap_in_handler;

static void handler(int sig, siginfo_t *si, void *uc)
{
    int st;
    pid_t pid;

    hits++;
    last_code = si->si_code;
    last_status = si->si_status;
    last_pid = si->si_pid;
    if (reap_in_handler) {
        int saved = errno;
        while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
            if (WIFEXITED(st))
                reaped_mask |= 1 << WEXITSTATUS(st);
        errno = saved;
    }
}

static void set_chld(int flags)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART | flags;
    sigaction(SIGCHLD, &sa, NULL);
    hits = 0;
}

static pid_t child(int ms, int code)
{
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        usleep(ms * 1000);
        _exit(code);
    }
    return pid;
}

int main(void)
{
    sigset_t chld, empty;
    pid_t pid, pids[3];
    siginfo_t si;
    int st, e, r;

    sigemptyset(&empty);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);

    /* Exit. */
    set_chld(0);
    pid = child(10, 5);
    while (hits == 0)
        sigsuspend(&empty);
    EQ("SIGCHLD on exit", hits, 1);
    EQ("si_code CLD_EXITED", last_code, CLD_EXITED);
    EQ("si_status 5", last_status, 5);
    TRUE("si_pid is the child", last_pid == pid);
    EQ("child still waitable after the signal", waitpid(pid, &st, 0) == pid, 1);

    /* Killed. */
    pid = child(5000, 0);
    kill(pid, SIGKILL);
    while (hits < 2)
        sigsuspend(&empty);
    EQ("si_code CLD_KILLED", last_code, CLD_KILLED);
    EQ("si_status SIGKILL", last_status, SIGKILL);
    waitpid(pid, &st, 0);

    /* Stop and continue: reported unless SA_NOCLDSTOP. */
    set_chld(0);
    pid = child(5000, 0);
    kill(pid, SIGSTOP);
    while (hits < 1)
        sigsuspend(&empty);
    EQ("si_code CLD_STOPPED", last_code, CLD_STOPPED);
    EQ("si_status SIGSTOP", last_status, SIGSTOP);
    kill(pid, SIGCONT);
    while (hits < 2)
        sigsuspend(&empty);
    EQ("si_code CLD_CONTINUED", last_code, CLD_CONTINUED);
    EQ("si_status SIGCONT", last_status, SIGCONT);
    set_chld(SA_NOCLDSTOP);
    kill(pid, SIGSTOP);
    MUST(waitpid(pid, &st, WUNTRACED)); /* it has stopped */
    kill(pid, SIGCONT);
    MUST(waitpid(pid, &st, WCONTINUED));
    sigpending(&chld);
    TRUE("SA_NOCLDSTOP: no SIGCHLD for stop or continue", !sigismember(&chld, SIGCHLD) && hits == 0);
    kill(pid, SIGKILL);
    while (hits < 1)
        sigsuspend(&empty);
    EQ("SA_NOCLDSTOP still reports the kill", last_code, CLD_KILLED);
    waitpid(pid, &st, 0);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);

    /* Reaping from the handler. */
    set_chld(0);
    reap_in_handler = 1;
    reaped_mask = 0;
    child(20, 1);
    child(40, 2);
    child(60, 3);
    while (reaped_mask != 0xe)
        sigsuspend(&empty);
    EQ("handler reaped all three", reaped_mask, 0xe);
    ERR("nothing left", waitpid(-1, &st, WNOHANG), ECHILD);
    reap_in_handler = 0;

    /* Three exits while blocked: one pending SIGCHLD. */
    set_chld(0);
    for (int i = 0; i < 3; i++)
        pids[i] = child(0, 10 + i);
    for (int i = 0; i < 3; i++)
        MUST(waitid(P_PID, pids[i], &si, WEXITED | WNOWAIT)); /* all are zombies */
    sigsuspend(&empty);
    EQ("three exits while blocked: handler ran once", hits, 1);
    for (int i = 0; i < 3; i++)
        MUST(waitpid(pids[i], &st, 0));

    /* SA_NOCLDWAIT: no zombies; the signal is still sent. */
    set_chld(SA_NOCLDWAIT);
    pid = child(20, 4);
    errno = 0;
    r = wait(&st);
    e = errno;
    TRUE("SA_NOCLDWAIT: wait blocks until the exit, then ECHILD", r == -1 && e == ECHILD);
    sigsuspend(&empty);
    EQ("SA_NOCLDWAIT: SIGCHLD still delivered", hits, 1);
    ERR("no zombie left", kill(pid, 0), ESRCH);

    /* SIG_IGN: also no zombies. */
    signal(SIGCHLD, SIG_IGN);
    pid = child(20, 4);
    errno = 0;
    r = waitpid(-1, &st, 0);
    e = errno;
    TRUE("SIG_IGN: waitpid blocks until the exit, then ECHILD", r == -1 && e == ECHILD);
    ERR("no zombie left", kill(pid, 0), ESRCH);

    /* SIG_DFL: children are kept as zombies. */
    signal(SIGCHLD, SIG_DFL);
    pid = child(0, 6);
    EQ("SIG_DFL: zombie kept and reaped", waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 6, 1);
    return conf_done();
}
