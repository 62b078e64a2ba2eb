/* sig_mask_pending: sigprocmask semantics, pending sets, coalescing of
 * standard signals, queueing and ordering of real-time signals, SIG_IGN
 * discarding pending signals, and what fork does to the mask and pending. */
#include "conf.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int count[65];
static volatile int order[16], norder, values[16];

static void handler(int sig, siginfo_t *si, void *uc)
{
    count[sig]++;
    if (norder < 16) {
        values[norder] = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
        order[norder++] = sig;
    }
}

static void install(int sig)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    /* Block everything in the handler: the next pending signal is then
     * delivered only after it returns, so handlers run in dequeue order. */
    sigfillset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static sigset_t one(int sig)
{
    sigset_t s;

    sigemptyset(&s);
    sigaddset(&s, sig);
    return s;
}

int main(void)
{
    sigset_t s, old, pend;
    int st;
    pid_t pid;

    install(SIGUSR1);
    install(SIGUSR2);
    install(SIGHUP);
    install(SIGRTMIN);
    install(SIGRTMIN + 1);

    /* Mask operations. */
    sigprocmask(SIG_SETMASK, NULL, &old);
    TRUE("initial mask empty of SIGUSR1", !sigismember(&old, SIGUSR1));
    s = one(SIGUSR1);
    OK("SIG_BLOCK SIGUSR1", sigprocmask(SIG_BLOCK, &s, &old));
    TRUE("old mask lacked it", !sigismember(&old, SIGUSR1));
    s = one(SIGUSR2);
    OK("SIG_BLOCK SIGUSR2", sigprocmask(SIG_BLOCK, &s, NULL));
    sigprocmask(SIG_BLOCK, NULL, &old);
    TRUE("both blocked", sigismember(&old, SIGUSR1) && sigismember(&old, SIGUSR2));
    OK("SIG_UNBLOCK SIGUSR2", sigprocmask(SIG_UNBLOCK, &s, NULL));
    sigprocmask(SIG_BLOCK, NULL, &old);
    TRUE("SIGUSR1 only", sigismember(&old, SIGUSR1) && !sigismember(&old, SIGUSR2));
    sigfillset(&s);
    OK("SIG_SETMASK all", sigprocmask(SIG_SETMASK, &s, NULL));
    sigprocmask(SIG_BLOCK, NULL, &old);
    TRUE("SIGKILL and SIGSTOP cannot be blocked", !sigismember(&old, SIGKILL) && !sigismember(&old, SIGSTOP));
    TRUE("SIGTERM blocked", sigismember(&old, SIGTERM));
    ERR("invalid how", syscall(SYS_rt_sigprocmask, 42, &s, NULL, 8), EINVAL);
    ERR("sigsetsize 4", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &s, NULL, 4), EINVAL);
    ERR("bad set pointer", syscall(SYS_rt_sigprocmask, SIG_BLOCK, BADPTR, NULL, 8), EFAULT);
    s = one(SIGUSR1);
    OK("SIG_SETMASK {SIGUSR1}", sigprocmask(SIG_SETMASK, &s, NULL));

    /* Blocked standard signal: pending, coalesced, delivered on unblock. */
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGUSR1);
    EQ("not delivered while blocked", count[SIGUSR1], 0);
    sigpending(&pend);
    TRUE("pending", sigismember(&pend, SIGUSR1));
    TRUE("nothing else pending", !sigismember(&pend, SIGUSR2) && !sigismember(&pend, SIGHUP));
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    EQ("three raises, delivered once", count[SIGUSR1], 1);
    sigpending(&pend);
    TRUE("no longer pending", !sigismember(&pend, SIGUSR1));

    /* Real-time signals queue, in order, with values; lower number first. */
    sigemptyset(&s);
    sigaddset(&s, SIGRTMIN);
    sigaddset(&s, SIGRTMIN + 1);
    sigaddset(&s, SIGHUP);
    sigprocmask(SIG_BLOCK, &s, NULL);
    norder = 0;
    sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 10 });
    sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 1 });
    sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 2 });
    sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 3 });
    sigqueue(getpid(), SIGHUP, (union sigval){ .sival_int = 7 });
    sigqueue(getpid(), SIGHUP, (union sigval){ .sival_int = 8 });
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    EQ("deliveries", norder, 5);
    EQ("standard SIGHUP first", order[0], SIGHUP);
    EQ("SIGHUP once, first value", values[0], 7);
    TRUE("then SIGRTMIN x3 in queue order", order[1] == SIGRTMIN && order[2] == SIGRTMIN &&
                                              order[3] == SIGRTMIN && values[1] == 1 &&
                                              values[2] == 2 && values[3] == 3);
    TRUE("then SIGRTMIN+1", order[4] == SIGRTMIN + 1 && values[4] == 10);

    /* A blocked signal is queued even when ignored... */
    s = one(SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, NULL);
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    sigpending(&pend);
    TRUE("blocked + ignored: still pending", sigismember(&pend, SIGUSR2));
    /* ...and setting SIG_IGN again discards it. */
    signal(SIGUSR2, SIG_IGN);
    sigpending(&pend);
    TRUE("setting SIG_IGN discards pending", !sigismember(&pend, SIGUSR2));
    install(SIGUSR2);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    EQ("nothing delivered", count[SIGUSR2], 0);

    /* fork: the mask is inherited, pending signals are not. */
    s = one(SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, NULL);
    raise(SIGUSR1);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        sigset_t m, p;
        sigprocmask(SIG_BLOCK, NULL, &m);
        sigpending(&p);
        _exit((sigismember(&m, SIGUSR1) ? 0 : 1) | (sigismember(&p, SIGUSR1) ? 2 : 0));
    }
    MUST(waitpid(pid, &st, 0));
    EQ("child: mask inherited, pending cleared", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    count[SIGUSR1] = 0;
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    EQ("parent's pending SIGUSR1 delivered", count[SIGUSR1], 1);
    return conf_done();
}
