/* sig_nodefer_resethand: a handler's own signal is blocked while it runs
 * (a re-raise is deferred) unless SA_NODEFER (it nests); sa_mask still
 * applies with SA_NODEFER; SA_RESETHAND resets the action to SIG_DFL on
 * delivery (the next one kills). */
#include "conf.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int depth, max_depth, total, self_blocked;

static void handler(int sig)
{
    sigset_t cur;

    total++;
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    if (total == 1)
        self_blocked = sigismember(&cur, sig);
    if (total == 1)
        raise(sig); /* nested now, or deferred until we return */
    depth--;
}

static volatile int once_hits, once_blocked;

static void once(int sig)
{
    sigset_t cur;

    once_hits++;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    once_blocked = sigismember(&cur, sig);
}

static void setup(int flags, int mask_self)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (mask_self)
        sigaddset(&sa.sa_mask, SIGUSR1);
    sigaction(SIGUSR1, &sa, NULL);
    depth = max_depth = total = 0;
    self_blocked = -1;
}

int main(void)
{
    struct sigaction q;
    pid_t pid;
    int st;

    setup(0, 0);
    raise(SIGUSR1);
    EQ("default: handler ran twice", total, 2);
    EQ("default: signal blocked in its handler", self_blocked, 1);
    EQ("default: re-raise deferred (max depth 1)", max_depth, 1);

    setup(SA_NODEFER, 0);
    raise(SIGUSR1);
    EQ("SA_NODEFER: handler ran twice", total, 2);
    EQ("SA_NODEFER: signal not blocked", self_blocked, 0);
    EQ("SA_NODEFER: re-raise nests (max depth 2)", max_depth, 2);

    setup(SA_NODEFER, 1);
    raise(SIGUSR1);
    EQ("SA_NODEFER + sa_mask: blocked by sa_mask", self_blocked, 1);
    EQ("SA_NODEFER + sa_mask: deferred", max_depth, 1);

    /* SA_RESETHAND: once. Run in a child: the re-raise finds SIG_DFL. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        setup(SA_RESETHAND, 0);
        raise(SIGUSR1);
        _exit(100 + total);
    }
    MUST(waitpid(pid, &st, 0));
    TRUE("SA_RESETHAND: the re-raise killed the child", WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1);

    /* SA_RESETHAND with a handler that does not re-raise. */
    {
        struct sigaction sa;
        sigset_t s;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = once;
        sa.sa_flags = SA_RESETHAND;
        sigaction(SIGUSR1, &sa, NULL);
        sigaction(SIGUSR1, NULL, &q);
        TRUE("SA_RESETHAND reads back", q.sa_handler == once && (q.sa_flags & SA_RESETHAND));
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        sigprocmask(SIG_BLOCK, &s, NULL);
        raise(SIGUSR1);
        sigaction(SIGUSR1, NULL, &q);
        TRUE("still installed while only pending", q.sa_handler == once);
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        EQ("delivered once", once_hits, 1);
        EQ("SA_RESETHAND alone still blocks the signal in the handler", once_blocked, 1);
        sigaction(SIGUSR1, NULL, &q);
        TRUE("reset to SIG_DFL after delivery", q.sa_handler == SIG_DFL);

        sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        sigaction(SIGUSR1, &sa, NULL);
        raise(SIGUSR1);
        EQ("RESETHAND|NODEFER: delivered", once_hits, 2);
        EQ("RESETHAND|NODEFER: not blocked in the handler", once_blocked, 0);
    }
    return conf_done();
}
