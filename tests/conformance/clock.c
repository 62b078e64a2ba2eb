/* clock: clock_gettime, clock_getres, gettimeofday, time, nanosleep. */
#include "conf.h"
#include <sys/time.h>
#include <time.h>

static long long ns(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
    struct timespec a, b, r;
    struct timeval tv;
    time_t t, t2;
    int mono = 1;
    static const struct { clockid_t id; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "REALTIME" }, { CLOCK_MONOTONIC, "MONOTONIC" },
        { CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME" },
        { CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME" },
        { CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" },
        { CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
        { CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" },
        { CLOCK_BOOTTIME, "BOOTTIME" },
    };

    for (unsigned i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
        char n[64];
        int ok = clock_gettime(clocks[i].id, &a) == 0 && a.tv_nsec >= 0 &&
                 a.tv_nsec < 1000000000L && ns(a) > 0;
        snprintf(n, sizeof(n), "gettime %s valid", clocks[i].name);
        TRUE(n, ok);
        snprintf(n, sizeof(n), "getres %s", clocks[i].name);
        OK(n, clock_getres(clocks[i].id, &r));
        snprintf(n, sizeof(n), "getres %s in (0,10ms]", clocks[i].name);
        TRUE(n, ns(r) > 0 && ns(r) <= 10000000);
    }
    OK("getres NULL", clock_getres(CLOCK_MONOTONIC, NULL));

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 10000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        mono &= ns(b) >= ns(a);
        a = b;
    }
    TRUE("monotonic non-decreasing x10000", mono);
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_BOOTTIME, &b);
    TRUE("boottime >= monotonic", ns(b) >= ns(a));

    t = time(&t2);
    TRUE("time() == *tloc", t == t2);
    clock_gettime(CLOCK_REALTIME, &a);
    TRUE("realtime within 1s of time()", a.tv_sec - t <= 1 && a.tv_sec >= t);
    TRUE("after 2020", t > 1577836800);
    OK("gettimeofday", gettimeofday(&tv, NULL));
    TRUE("tv_usec < 1e6", tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    TRUE("gettimeofday within 1s of realtime", tv.tv_sec - a.tv_sec <= 1 && tv.tv_sec >= a.tv_sec);
    OK("gettimeofday NULL", syscall(SYS_gettimeofday, NULL, NULL));

    ERR("gettime bad clock", clock_gettime(12345, &a), EINVAL);
    ERR("gettime bad clock raw", syscall(SYS_clock_gettime, 12345, &a), EINVAL);
    ERR("getres bad clock", clock_getres(12345, &r), EINVAL);
    ERR("gettime bad pointer", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BADPTR), EFAULT);
    ERR("gettimeofday bad pointer", syscall(SYS_gettimeofday, BADPTR, NULL), EFAULT);
    ERR("time bad pointer", syscall(SYS_time, BADPTR), EFAULT);

    /* Sleeping advances the monotonic clock by at least the request. */
    clock_gettime(CLOCK_MONOTONIC, &a);
    r.tv_sec = 0, r.tv_nsec = 20 * 1000000;
    OK("nanosleep 20ms", nanosleep(&r, NULL));
    clock_gettime(CLOCK_MONOTONIC, &b);
    TRUE("slept >= 20ms", ns(b) - ns(a) >= 20000000);
    TRUE("slept < 5s", ns(b) - ns(a) < 5000000000LL);
    r.tv_nsec = 1000000000;
    ERR("nanosleep nsec 1e9", nanosleep(&r, NULL), EINVAL);
    r.tv_sec = -1, r.tv_nsec = 0;
    ERR("nanosleep negative", nanosleep(&r, NULL), EINVAL);
    ERR("nanosleep bad pointer", syscall(SYS_nanosleep, BADPTR, NULL), EFAULT);
    clock_gettime(CLOCK_MONOTONIC, &a);
    a.tv_sec -= 1;
    EQ("clock_nanosleep abs past", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &a, NULL), 0);
    a.tv_sec = 0, a.tv_nsec = 1000000;
    EQ("clock_nanosleep rel 1ms", clock_nanosleep(CLOCK_MONOTONIC, 0, &a, NULL), 0);
    /* clock_nanosleep returns the error number instead of setting errno. */
    STREQ("clock_nanosleep bad clock",
          errname(clock_nanosleep(12345, 0, &a, NULL)), "EINVAL");
    return conf_done();
}
