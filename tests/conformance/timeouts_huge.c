/* timeouts_huge: timeouts far in the future wait until a signal comes,
 * as on Linux (which clamps them at KTIME_MAX); none may wrap around to a
 * short wait or an immediate return. The sandbox once multiplied tv_sec by
 * 1e9 unchecked (undefined behaviour, and nanosleep of LONG_MAX seconds
 * returned at once). */
#include "conf.h"
#include <limits.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void tick(int s)
{
    (void)s;
}

static void arm(void)
{
    struct itimerval it = { { 0, 0 }, { 0, 100000 } }; /* 0.1 s, once */
    setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
    struct sigaction sa = { .sa_handler = tick }; /* no SA_RESTART */
    struct timespec huge = { LONG_MAX, 999999999 }, big = { (time_t)1 << 40, 0 };
    struct itimerval it = { { 0, 0 }, { (time_t)1 << 40, 0 } }, got;
    uint32_t word = 7;

    MUST(sigaction(SIGALRM, &sa, NULL) == 0);
    arm();
    ERR("nanosleep LONG_MAX s waits for the signal", nanosleep(&huge, NULL), EINTR);
    arm();
    EQ("clock_nanosleep abs LONG_MAX waits", clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &huge, NULL),
       EINTR);
    arm();
    EQ("clock_nanosleep rel 2^40 s waits", clock_nanosleep(CLOCK_MONOTONIC, 0, &big, NULL), EINTR);
    arm();
    ERR("futex wait LONG_MAX s", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 7, &huge, NULL, 0),
        EINTR);
    arm();
    ERR("futex wait_bitset abs LONG_MAX (realtime)",
        syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 7, &huge, NULL,
                FUTEX_BITSET_MATCH_ANY),
        EINTR);
    arm();
    ERR("ppoll LONG_MAX s", ppoll(NULL, 0, &huge, NULL), EINTR);
    arm();
    ERR("rt_sigtimedwait LONG_MAX s", ({
            sigset_t s;
            sigemptyset(&s);
            sigaddset(&s, SIGUSR1);
            sigtimedwait(&s, NULL, &huge);
        }),
        EINTR);
    {
        struct mq_attr at = { .mq_maxmsg = 1, .mq_msgsize = 8 };
        mqd_t q = mq_open("/sbx-conf-huge", O_CREAT | O_RDWR, 0600, &at);
        if (q != (mqd_t)-1) {
            mq_unlink("/sbx-conf-huge");
            arm();
            ERR("mq_timedreceive abs LONG_MAX", mq_timedreceive(q, (char *)&word, 8, NULL, &huge),
                EINTR);
            mq_close(q);
        }
    }
    /* A huge interval timer stays armed and reads back huge. */
    OK("setitimer 2^40 s", setitimer(ITIMER_REAL, &it, NULL));
    OK("getitimer", getitimer(ITIMER_REAL, &got));
    TRUE("still armed, far away", got.it_value.tv_sec > (time_t)1 << 30);
    it.it_value.tv_sec = 0;
    OK("disarm", setitimer(ITIMER_REAL, &it, NULL));
    return conf_done();
}
