/* sig_suspend: rt_sigsuspend and pause wait for a handled signal, return
 * EINTR, use the temporary mask (also inside the handler), restore the old
 * one; ignored and blocked signals do not wake them. A helper child sends
 * the signals. */
#include "conf.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int n_usr1, n_usr2, hup_blocked_in_handler;
static pid_t me;

static void handler(int sig)
{
    sigset_t cur;

    if (sig == SIGUSR1)
        n_usr1++;
    if (sig == SIGUSR2) {
        n_usr2++;
        sigprocmask(SIG_BLOCK, NULL, &cur);
        hup_blocked_in_handler = sigismember(&cur, SIGHUP);
    }
}

/* A child that sends sig1 after ms, then sig2 (if nonzero) after ms more. */
static pid_t sender(int ms, int sig1, int sig2)
{
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        usleep(ms * 1000);
        kill(me, sig1);
        if (sig2) {
            usleep(ms * 1000);
            kill(me, sig2);
        }
        _exit(0);
    }
    return pid;
}

int main(void)
{
    sigset_t block, empty, cur, tmp;
    pid_t pid;
    int st, r, e;

    me = getpid();
    signal(SIGUSR1, handler);
    signal(SIGUSR2, handler);
    signal(SIGHUP, handler);
    sigemptyset(&empty);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);

    /* Woken by a signal from another process. */
    pid = sender(30, SIGUSR1, 0);
    r = sigsuspend(&empty);
    e = errno;
    EQ("sigsuspend returns -1", r, -1);
    STREQ("errno", errname(e), "EINTR");
    EQ("handler ran once", n_usr1, 1);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    TRUE("old mask restored (SIGUSR1 blocked)", sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGUSR2));
    waitpid(pid, &st, 0);

    /* Already pending: returns at once. */
    raise(SIGUSR1);
    EQ("pending, not yet delivered", n_usr1, 1);
    errno = 0;
    r = sigsuspend(&empty);
    e = errno;
    TRUE("pending signal: sigsuspend returns EINTR at once", r == -1 && e == EINTR);
    EQ("handler ran", n_usr1, 2);

    /* A signal blocked by the temporary mask does not wake it. */
    tmp = empty;
    sigaddset(&tmp, SIGUSR1);
    sigaddset(&tmp, SIGHUP);
    pid = sender(30, SIGUSR1, SIGUSR2);
    r = sigsuspend(&tmp);
    e = errno;
    TRUE("woken by SIGUSR2, EINTR", r == -1 && e == EINTR);
    EQ("SIGUSR2 handled", n_usr2, 1);
    EQ("SIGUSR1 was not delivered during the wait", n_usr1, 2);
    EQ("handler mask included the temporary mask (SIGHUP)", hup_blocked_in_handler, 1);
    {
        sigset_t p;
        sigpending(&p);
        TRUE("SIGUSR1 pending afterwards", sigismember(&p, SIGUSR1));
    }
    waitpid(pid, &st, 0);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    EQ("SIGUSR1 delivered on unblock", n_usr1, 3);
    sigprocmask(SIG_BLOCK, &block, NULL);

    /* Ignored signals do not wake it. */
    signal(SIGURG, SIG_IGN);
    pid = sender(30, SIGURG, SIGUSR2);
    r = sigsuspend(&empty);
    EQ("woken by SIGUSR2, not by ignored SIGURG", n_usr2, 2);
    waitpid(pid, &st, 0);
    /* Nor do default-ignored ones. */
    signal(SIGURG, SIG_DFL);
    pid = sender(30, SIGWINCH, SIGUSR2);
    r = sigsuspend(&empty);
    EQ("woken by SIGUSR2, not by default-ignored SIGWINCH", n_usr2, 3);
    waitpid(pid, &st, 0);

    /* pause(). */
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    pid = sender(30, SIGUSR1, 0);
    r = pause();
    e = errno;
    TRUE("pause returns -1 EINTR", r == -1 && e == EINTR);
    EQ("handler ran", n_usr1, 4);
    waitpid(pid, &st, 0);

    ERR("rt_sigsuspend sigsetsize 4", syscall(SYS_rt_sigsuspend, &empty, 4), EINVAL);
    ERR("rt_sigsuspend bad pointer", syscall(SYS_rt_sigsuspend, BADPTR, 8), EFAULT);
    return conf_done();
}
