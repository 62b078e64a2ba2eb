/* timerfd_interval_abs: interval timers count every expiration between
 * reads; settime resets the count; TFD_TIMER_ABSTIME on CLOCK_MONOTONIC
 * and CLOCK_REALTIME, with an absolute time in the past expiring at once
 * and counting the periods already gone; gettime shows the interval;
 * TFD_TIMER_CANCEL_ON_SET is accepted. */
#include "conf.h"
#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>

static uint64_t rd(int fd)
{
    uint64_t v = 0;
    if (read(fd, &v, 8) != 8)
        return 0;
    return v;
}

int main(void)
{
    struct itimerspec its, cur;
    struct timespec now, sl = { 0, 120 * 1000 * 1000 };
    uint64_t v;
    int fd;

    fd = timerfd_create(CLOCK_MONOTONIC, 0);
    OK("timerfd_create", fd);
    memset(&its, 0, sizeof(its));
    its.it_value.tv_nsec = 10 * 1000 * 1000;
    its.it_interval.tv_nsec = 10 * 1000 * 1000;
    OK("every 10 ms", timerfd_settime(fd, 0, &its, NULL));
    OK("gettime", timerfd_gettime(fd, &cur));
    TRUE("interval shown", cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 10000000);
    nanosleep(&sl, NULL);
    v = rd(fd);
    TRUE("after 120 ms: several expirations in one read", v >= 5);
    v = rd(fd);
    TRUE("blocking read: at least one more", v >= 1);
    nanosleep(&sl, NULL);
    its.it_value.tv_sec = 100;
    its.it_value.tv_nsec = 0;
    its.it_interval.tv_nsec = 0;
    OK("re-arm for 100 s", timerfd_settime(fd, 0, &its, NULL));
    OK("non-blocking", fcntl(fd, F_SETFL, O_NONBLOCK));
    ERR("settime dropped the expirations", read(fd, &v, 8), EAGAIN);

    /* Absolute, in the future. */
    clock_gettime(CLOCK_MONOTONIC, &now);
    its.it_value = now;
    its.it_value.tv_nsec += 20 * 1000 * 1000;
    if (its.it_value.tv_nsec >= 1000000000) {
        its.it_value.tv_sec++;
        its.it_value.tv_nsec -= 1000000000;
    }
    its.it_interval.tv_sec = 0;
    OK("ABSTIME now+20ms", timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL));
    OK("blocking again", fcntl(fd, F_SETFL, 0));
    EQ("fires once", rd(fd), 1);

    /* Absolute, 10.5 periods of 10 s in the past: 11 expirations at once. */
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec < 200)
        conf_skip("CLOCK_MONOTONIC too young for a time 105 s ago");
    its.it_value.tv_sec = now.tv_sec - 105;
    its.it_value.tv_nsec = now.tv_nsec;
    its.it_interval.tv_sec = 10;
    its.it_interval.tv_nsec = 0;
    OK("ABSTIME 105 s ago, every 10 s", timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL));
    EQ("11 expirations at once", rd(fd), 11);
    OK("gettime", timerfd_gettime(fd, &cur));
    TRUE("next within the period", cur.it_value.tv_sec < 10 &&
                                       (cur.it_value.tv_sec > 0 || cur.it_value.tv_nsec > 0));
    TRUE("interval 10 s", cur.it_interval.tv_sec == 10);
    close(fd);

    /* CLOCK_REALTIME absolute, and CANCEL_ON_SET accepted. */
    fd = timerfd_create(CLOCK_REALTIME, 0);
    clock_gettime(CLOCK_REALTIME, &now);
    its.it_value = now;
    its.it_value.tv_nsec += 10 * 1000 * 1000;
    if (its.it_value.tv_nsec >= 1000000000) {
        its.it_value.tv_sec++;
        its.it_value.tv_nsec -= 1000000000;
    }
    its.it_interval.tv_sec = 0;
    OK("REALTIME ABSTIME|CANCEL_ON_SET",
       timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL));
    EQ("fires once", rd(fd), 1);
    its.it_value.tv_sec = now.tv_sec - 5;
    OK("REALTIME ABSTIME in the past", timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL));
    EQ("fires at once", rd(fd), 1);
    close(fd);
    return conf_done();
}
