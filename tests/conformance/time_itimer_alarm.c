/* time_itimer_alarm: alarm() return values, ITIMER_REAL one-shot and
 * periodic, ITIMER_VIRTUAL and ITIMER_PROF firing on CPU time, getitimer
 * reading back, timers not inherited by fork, the default SIGALRM action,
 * and errors. */
#include "conf.h"
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static double tv(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Wait (blocked) for sig, up to 5 s; returns 1 if it came. */
static int wait_sig(int sig)
{
    sigset_t s;
    struct timespec to = { 5, 0 };

    sigemptyset(&s);
    sigaddset(&s, sig);
    return sigtimedwait(&s, NULL, &to) == sig;
}

int main(void)
{
    struct itimerval it, old;
    sigset_t s;
    double t0;
    pid_t pid;
    int st, n;

    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    sigaddset(&s, SIGVTALRM);
    sigaddset(&s, SIGPROF);
    sigprocmask(SIG_BLOCK, &s, NULL);

    /* alarm. */
    EQ("alarm(5) with none pending", alarm(5), 0);
    EQ("alarm(0) returns the remaining seconds (rounded)", alarm(0), 5);
    EQ("alarm(0) again", alarm(0), 0);
    alarm(10);
    MUST(getitimer(ITIMER_REAL, &old));
    TRUE("alarm is ITIMER_REAL: 9 s < value <= 10 s", tv(old.it_value) > 9 && tv(old.it_value) <= 10);
    TRUE("  no interval", tv(old.it_interval) == 0);
    alarm(0);

    /* One-shot. */
    it = (struct itimerval){ { 0, 0 }, { 0, 30000 } };
    OK("setitimer REAL 30 ms", setitimer(ITIMER_REAL, &it, &old));
    TRUE("  old value was zero", tv(old.it_value) == 0);
    MUST(getitimer(ITIMER_REAL, &old));
    TRUE("getitimer: 0 < remaining <= 30 ms", tv(old.it_value) > 0 && tv(old.it_value) <= 0.030);
    t0 = mono();
    EQ("SIGALRM arrived", wait_sig(SIGALRM), 1);
    TRUE("  after about 30 ms (>= 27 ms)", mono() - t0 >= 0.027);
    MUST(getitimer(ITIMER_REAL, &old));
    TRUE("one-shot: disarmed afterwards", tv(old.it_value) == 0);
    {
        struct timespec to = { 0, 50000000 };
        ERR("and does not fire again", sigtimedwait(&s, NULL, &to), EAGAIN);
    }

    /* Periodic. */
    it = (struct itimerval){ { 0, 10000 }, { 0, 10000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    t0 = mono();
    n = 0;
    for (int i = 0; i < 5; i++)
        n += wait_sig(SIGALRM);
    EQ("periodic 10 ms: 5 expirations", n, 5);
    TRUE("  took >= 40 ms", mono() - t0 >= 0.040);
    MUST(getitimer(ITIMER_REAL, &old));
    TRUE("  interval reads back 10 ms", old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 10000);
    OK("disarm, getting the old value", setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 0 } }, &old));
    TRUE("  old interval 10 ms", old.it_interval.tv_usec == 10000);
    sigtimedwait(&s, NULL, &(struct timespec){ 0, 20000000 }); /* drain */

    /* CPU-time timers fire while we burn CPU. */
    it = (struct itimerval){ { 0, 0 }, { 0, 50000 } };
    OK("setitimer VIRTUAL 50 ms", setitimer(ITIMER_VIRTUAL, &it, NULL));
    OK("setitimer PROF 50 ms", setitimer(ITIMER_PROF, &it, NULL));
    {
        sigset_t p;
        volatile unsigned long x = 0;
        int got_v = 0, got_p = 0;
        t0 = mono();
        while ((!got_v || !got_p) && mono() - t0 < 5) {
            for (int i = 0; i < 100000; i++)
                x += i;
            sigpending(&p);
            got_v = sigismember(&p, SIGVTALRM);
            got_p = sigismember(&p, SIGPROF);
        }
        EQ("SIGVTALRM after 50 ms of user time", got_v, 1);
        EQ("SIGPROF after 50 ms of CPU time", got_p, 1);
        wait_sig(SIGVTALRM);
        wait_sig(SIGPROF);
    }

    /* fork does not inherit timers. */
    alarm(30);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        struct itimerval c;
        getitimer(ITIMER_REAL, &c);
        _exit(tv(c.it_value) == 0 && alarm(0) == 0 ? 0 : 1);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("child starts with no alarm", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    alarm(0);

    /* Default action of SIGALRM. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 20000 } }, NULL);
        for (;;)
            pause();
    }
    MUST(waitpid(pid, &st, 0));
    TRUE("default SIGALRM kills", WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM);

    /* Errors. */
    it = (struct itimerval){ { 0, 0 }, { 0, 1000000 } };
    ERR("tv_usec 1e6", setitimer(ITIMER_REAL, &it, NULL), EINVAL);
    it = (struct itimerval){ { 0, 0 }, { -1, 0 } };
    ERR("negative tv_sec", setitimer(ITIMER_REAL, &it, NULL), EINVAL);
    ERR("unknown timer", setitimer(5, &it, NULL), EINVAL);
    ERR("getitimer unknown timer", getitimer(5, &old), EINVAL);
    return conf_done();
}
