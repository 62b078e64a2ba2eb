/* sig_action_flags: rt_sigaction old/new actions, SA_SIGINFO contents for
 * kill, tgkill and sigqueue, the mask during a handler (sa_mask plus the
 * signal), its restoration, and errors. */
#include "conf.h"
#include <signal.h>
#include <ucontext.h>

static volatile int hits, got_signo, got_code, got_pid_ok, got_uid_ok, got_value;
static volatile int ctx_ok, mask_has_self, mask_has_extra, mask_has_other;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
    sigset_t cur;

    hits++;
    got_signo = si->si_signo;
    got_code = si->si_code;
    got_pid_ok = si->si_pid == getpid();
    got_uid_ok = si->si_uid == getuid();
    got_value = si->si_value.sival_int;
    ctx_ok = uc != NULL;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    mask_has_self = sigismember(&cur, sig);
    mask_has_extra = sigismember(&cur, SIGUSR2);
    mask_has_other = sigismember(&cur, SIGHUP);
}

static void plain_handler(int sig)
{
    hits++;
}

int main(void)
{
    struct sigaction sa, old;
    sigset_t cur;

    /* Default disposition reads back as SIG_DFL, flags 0. */
    OK("query SIGUSR1", sigaction(SIGUSR1, NULL, &old));
    TRUE("default is SIG_DFL", old.sa_handler == SIG_DFL);

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = info_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    OK("install SA_SIGINFO handler", sigaction(SIGUSR1, &sa, &old));
    TRUE("old action was SIG_DFL", old.sa_handler == SIG_DFL);
    OK("read back", sigaction(SIGUSR1, NULL, &old));
    TRUE("handler read back", old.sa_sigaction == info_handler);
    TRUE("SA_SIGINFO read back", (old.sa_flags & SA_SIGINFO) != 0);
    TRUE("sa_mask read back", sigismember(&old.sa_mask, SIGUSR2) && !sigismember(&old.sa_mask, SIGHUP));

    /* kill(): SI_USER. */
    hits = 0;
    OK("kill self SIGUSR1", kill(getpid(), SIGUSR1));
    EQ("handler ran once", hits, 1);
    EQ("si_signo", got_signo, SIGUSR1);
    EQ("si_code SI_USER", got_code, SI_USER);
    EQ("si_pid is us", got_pid_ok, 1);
    EQ("si_uid is us", got_uid_ok, 1);
    EQ("ucontext passed", ctx_ok, 1);
    EQ("signal blocked in its handler", mask_has_self, 1);
    EQ("sa_mask blocked in the handler", mask_has_extra, 1);
    EQ("other signals not blocked", mask_has_other, 0);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    TRUE("mask restored after the handler", !sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2));

    /* tgkill(): SI_TKILL. */
    OK("tgkill self", syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
    EQ("si_code SI_TKILL", got_code, SI_TKILL);
    EQ("tgkill si_pid is us", got_pid_ok, 1);

    /* sigqueue(): SI_QUEUE with a value. */
    {
        union sigval v = { .sival_int = 4242 };
        OK("sigqueue self", sigqueue(getpid(), SIGUSR1, v));
        EQ("si_code SI_QUEUE", got_code, SI_QUEUE);
        EQ("si_value", got_value, 4242);
    }

    /* Replacing returns the previous action. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = plain_handler;
    OK("replace with plain handler", sigaction(SIGUSR1, &sa, &old));
    TRUE("old was the SA_SIGINFO handler", old.sa_sigaction == info_handler && (old.sa_flags & SA_SIGINFO));
    hits = 0;
    raise(SIGUSR1);
    EQ("plain handler ran", hits, 1);
    sa.sa_handler = SIG_IGN;
    OK("ignore", sigaction(SIGUSR1, &sa, NULL));
    raise(SIGUSR1);
    EQ("ignored: no handler", hits, 1);
    sa.sa_handler = SIG_DFL;
    OK("back to default", sigaction(SIGUSR1, &sa, &old));
    TRUE("old was SIG_IGN", old.sa_handler == SIG_IGN);

    /* Errors. */
    sa.sa_handler = plain_handler;
    ERR("SIGKILL", sigaction(SIGKILL, &sa, NULL), EINVAL);
    ERR("SIGSTOP", sigaction(SIGSTOP, &sa, NULL), EINVAL);
    sa.sa_handler = SIG_IGN;
    ERR("ignore SIGKILL", sigaction(SIGKILL, &sa, NULL), EINVAL);
    OK("query SIGKILL is allowed", sigaction(SIGKILL, NULL, &old));
    TRUE("SIGKILL is SIG_DFL", old.sa_handler == SIG_DFL);
    ERR("signal 0", syscall(SYS_rt_sigaction, 0, NULL, &old, 8), EINVAL);
    ERR("signal 65", syscall(SYS_rt_sigaction, 65, NULL, &old, 8), EINVAL);
    ERR("sigsetsize 4", syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4), EINVAL);
    ERR("bad act pointer", syscall(SYS_rt_sigaction, SIGUSR1, BADPTR, NULL, 8), EFAULT);
    OK("SIGRTMAX (64) is valid", syscall(SYS_rt_sigaction, 64, NULL, &old, 8));
    return conf_done();
}
