/* time_nanosleep: nanosleep and relative clock_nanosleep sleep at least as
 * long as asked, report the remainder when interrupted, and reject bad
 * arguments (clock_nanosleep returns the error number). */
#include "conf.h"
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static double now(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void handler(int sig) {}

int main(void)
{
    struct timespec ts, rem;
    double t0, dt;
    pid_t me = getpid(), pid;
    int st, r, e;

    ts = (struct timespec){ 0, 50 * 1000000 };
    t0 = now(CLOCK_MONOTONIC);
    EQ("nanosleep 50 ms", nanosleep(&ts, NULL), 0);
    dt = now(CLOCK_MONOTONIC) - t0;
    TRUE("  slept >= 50 ms", dt >= 0.050);
    TRUE("  and < 2 s", dt < 2);

    ts = (struct timespec){ 0, 0 };
    EQ("nanosleep 0", nanosleep(&ts, NULL), 0);
    ts = (struct timespec){ 0, 1 };
    EQ("nanosleep 1 ns", nanosleep(&ts, NULL), 0);

    ts = (struct timespec){ 0, 30 * 1000000 };
    t0 = now(CLOCK_MONOTONIC);
    EQ("clock_nanosleep MONOTONIC 30 ms", clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL), 0);
    TRUE("  slept >= 30 ms", now(CLOCK_MONOTONIC) - t0 >= 0.030);
    t0 = now(CLOCK_REALTIME);
    EQ("clock_nanosleep REALTIME 30 ms", clock_nanosleep(CLOCK_REALTIME, 0, &ts, NULL), 0);
    TRUE("  slept >= 30 ms", now(CLOCK_REALTIME) - t0 >= 0.029);
    t0 = now(CLOCK_BOOTTIME);
    EQ("clock_nanosleep BOOTTIME 30 ms", clock_nanosleep(CLOCK_BOOTTIME, 0, &ts, NULL), 0);
    TRUE("  slept >= 30 ms", now(CLOCK_BOOTTIME) - t0 >= 0.030);

    /* Interrupted: EINTR with the remainder. */
    signal(SIGUSR1, handler);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        usleep(50000);
        kill(me, SIGUSR1);
        _exit(0);
    }
    ts = (struct timespec){ 3, 0 };
    rem = (struct timespec){ -1, -1 };
    t0 = now(CLOCK_MONOTONIC);
    errno = 0;
    r = nanosleep(&ts, &rem);
    e = errno;
    TRUE("interrupted nanosleep: -1 EINTR", r == -1 && e == EINTR);
    dt = now(CLOCK_MONOTONIC) - t0;
    TRUE("  remainder within (0, 3 s)", rem.tv_sec >= 0 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000 &&
                                            (rem.tv_sec > 0 || rem.tv_nsec > 0) && rem.tv_sec < 3);
    TRUE("  elapsed + remainder ~ 3 s", dt + rem.tv_sec + rem.tv_nsec / 1e9 > 2.9 &&
                                            dt + rem.tv_sec + rem.tv_nsec / 1e9 < 3.1);
    waitpid(pid, &st, 0);

    pid = fork();
    MUST(pid);
    if (pid == 0) {
        usleep(50000);
        kill(me, SIGUSR1);
        _exit(0);
    }
    rem = (struct timespec){ -1, -1 };
    r = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &rem);
    STREQ("interrupted clock_nanosleep returns", errname(r), "EINTR");
    TRUE("  remainder within (0, 3 s)", rem.tv_sec >= 0 && rem.tv_sec < 3 && rem.tv_nsec >= 0);
    waitpid(pid, &st, 0);

    /* Errors. */
    ts = (struct timespec){ 0, 1000000000 };
    ERR("nanosleep tv_nsec 1e9", nanosleep(&ts, NULL), EINVAL);
    ts = (struct timespec){ 0, -1 };
    ERR("nanosleep tv_nsec -1", nanosleep(&ts, NULL), EINVAL);
    ts = (struct timespec){ -1, 0 };
    ERR("nanosleep negative tv_sec", nanosleep(&ts, NULL), EINVAL);
    ERR("nanosleep bad pointer", nanosleep(BADPTR, NULL), EFAULT);
    ts = (struct timespec){ 0, 1000 };
    STREQ("clock_nanosleep THREAD_CPUTIME", errname(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL)), "EINVAL");
    STREQ("clock_nanosleep bad clock", errname(clock_nanosleep(42, 0, &ts, NULL)), "EINVAL");
    ts = (struct timespec){ 0, 1000000000 };
    STREQ("clock_nanosleep tv_nsec 1e9", errname(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL)), "EINVAL");
    return conf_done();
}
