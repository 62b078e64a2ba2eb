/* time_clock_nanosleep_abs: clock_nanosleep with TIMER_ABSTIME on the
 * monotonic, realtime, boottime and process CPU clocks: wakes at or after
 * the deadline, returns at once for past deadlines, leaves the remainder
 * alone when interrupted, and resumes across stop/continue. */
#include "conf.h"
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static struct timespec plus(struct timespec t, long ms)
{
    t.tv_nsec += ms * 1000000;
    t.tv_sec += t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    return t;
}

static struct timespec now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t;
}

static int reached(clockid_t c, struct timespec dl)
{
    struct timespec t = now(c);
    return t.tv_sec > dl.tv_sec || (t.tv_sec == dl.tv_sec && t.tv_nsec >= dl.tv_nsec);
}

static double secs(struct timespec t) { return t.tv_sec + t.tv_nsec / 1e9; }

static void handler(int sig) {}

static volatile int stop_spin;
static void *spin(void *arg)
{
    while (!stop_spin)
        ;
    return NULL;
}

int main(void)
{
    static const struct { clockid_t c; const char *name; } clocks[] = {
        { CLOCK_MONOTONIC, "MONOTONIC" },
        { CLOCK_REALTIME, "REALTIME" },
        { CLOCK_BOOTTIME, "BOOTTIME" },
    };
    struct timespec dl, rem, t0;
    char name[96];
    pid_t me = getpid(), pid;
    int st, r;

    for (size_t i = 0; i < 3; i++) {
        dl = plus(now(clocks[i].c), 40);
        snprintf(name, sizeof(name), "%s deadline +40 ms", clocks[i].name);
        EQ(name, clock_nanosleep(clocks[i].c, TIMER_ABSTIME, &dl, NULL), 0);
        snprintf(name, sizeof(name), "  %s reached the deadline", clocks[i].name);
        TRUE(name, reached(clocks[i].c, dl));
    }

    t0 = now(CLOCK_MONOTONIC);
    dl = (struct timespec){ t0.tv_sec - 1, 0 };
    EQ("deadline a second ago: returns 0", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL), 0);
    dl = (struct timespec){ 0, 0 };
    EQ("deadline 0: returns 0", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL), 0);
    TRUE("  both at once (< 1 s)", secs(now(CLOCK_MONOTONIC)) - secs(t0) < 1);

    /* Interrupted by a handler: EINTR, remainder untouched. */
    signal(SIGUSR1, handler);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        usleep(50000);
        kill(me, SIGUSR1);
        _exit(0);
    }
    dl = plus(now(CLOCK_MONOTONIC), 3000);
    rem = (struct timespec){ 123, 456 };
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, &rem);
    STREQ("interrupted absolute sleep", errname(r), "EINTR");
    TRUE("  remainder not written", rem.tv_sec == 123 && rem.tv_nsec == 456);
    TRUE("  returned early", !reached(CLOCK_MONOTONIC, dl));
    waitpid(pid, &st, 0);

    /* Stop/continue (no handler): the sleep goes on to its deadline. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        struct timespec d = plus(now(CLOCK_MONOTONIC), 300);
        int rr = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &d, NULL);
        _exit(rr == 0 && reached(CLOCK_MONOTONIC, d) ? 0 : 1);
    }
    usleep(50000);
    kill(pid, SIGSTOP);
    MUST(waitpid(pid, &st, WUNTRACED));
    usleep(30000);
    kill(pid, SIGCONT);
    MUST(waitpid(pid, &st, 0));
    EQ("stop/continue: absolute sleep completes at its deadline", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* Process CPU clock: a spinning thread brings the deadline. */
    {
        pthread_t t;
        pthread_create(&t, NULL, spin, NULL);
        dl = plus(now(CLOCK_PROCESS_CPUTIME_ID), 100);
        r = clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, TIMER_ABSTIME, &dl, NULL);
        EQ("PROCESS_CPUTIME deadline +100 ms of CPU", r, 0);
        TRUE("  process CPU time reached it", reached(CLOCK_PROCESS_CPUTIME_ID, dl));
        stop_spin = 1;
        pthread_join(t, NULL);
    }

    dl = (struct timespec){ 0, 1000000000 };
    STREQ("absolute tv_nsec 1e9", errname(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL)), "EINVAL");
    dl = (struct timespec){ -1, 0 };
    STREQ("absolute negative tv_sec", errname(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL)), "EINVAL");
    return conf_done();
}
