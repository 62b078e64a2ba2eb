/* timerfd_basic: create flags and clocks, a one-shot timer read as a count
 * of 1, EAGAIN before it fires, gettime of a disarmed timer, remaining time
 * no more than what was set, disarming with zero, poll and select
 * readiness, EINVAL for bad values, flags and non-timerfd fds. */
#include "conf.h"
#include <poll.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/timerfd.h>
#include <time.h>

int main(void)
{
    struct itimerspec its, cur;
    struct pollfd p;
    uint64_t v;
    char small[4];
    fd_set rs;
    int fd;

    ERR("bad clock", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
    ERR("bad flags", timerfd_create(CLOCK_MONOTONIC, 0x4), EINVAL);
    fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
    OK("CLOCK_REALTIME", fd);
    EQ("FD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
    close(fd);
    fd = timerfd_create(CLOCK_BOOTTIME, 0);
    OK("CLOCK_BOOTTIME", fd);
    close(fd);

    fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    OK("CLOCK_MONOTONIC, NONBLOCK", fd);
    OK("gettime: new", timerfd_gettime(fd, &cur));
    TRUE("disarmed: all zero", !cur.it_value.tv_sec && !cur.it_value.tv_nsec &&
                                   !cur.it_interval.tv_sec && !cur.it_interval.tv_nsec);
    ERR("read when never armed", read(fd, &v, 8), EAGAIN);

    memset(&its, 0, sizeof(its));
    its.it_value.tv_sec = 100;
    OK("arm for 100 s", timerfd_settime(fd, 0, &its, NULL));
    OK("gettime", timerfd_gettime(fd, &cur));
    TRUE("remaining in (0, 100 s]", cur.it_value.tv_sec <= 100 &&
                                        (cur.it_value.tv_sec > 0 || cur.it_value.tv_nsec > 0));
    TRUE("no interval", !cur.it_interval.tv_sec && !cur.it_interval.tv_nsec);
    ERR("not yet: EAGAIN", read(fd, &v, 8), EAGAIN);
    p.fd = fd;
    p.events = POLLIN;
    EQ("poll: not ready", poll(&p, 1, 0), 0);
    memset(&its, 0, sizeof(its));
    OK("disarm, asking the old value", timerfd_settime(fd, 0, &its, &cur));
    TRUE("old value was armed", cur.it_value.tv_sec > 0 || cur.it_value.tv_nsec > 0);
    OK("gettime", timerfd_gettime(fd, &cur));
    TRUE("disarmed", !cur.it_value.tv_sec && !cur.it_value.tv_nsec);

    its.it_value.tv_nsec = 20 * 1000 * 1000;
    OK("arm for 20 ms", timerfd_settime(fd, 0, &its, NULL));
    EQ("poll with a long timeout: ready", poll(&p, 1, 10000), 1);
    EQ("POLLIN", p.revents, POLLIN);
    FD_ZERO(&rs);
    FD_SET(fd, &rs);
    EQ("select: ready", select(fd + 1, &rs, NULL, NULL, NULL), 1);
    ERR("read of 4 bytes", read(fd, small, 4), EINVAL);
    EQ("read 8", read(fd, &v, 8), 8);
    EQ("one expiration", v, 1);
    ERR("then EAGAIN", read(fd, &v, 8), EAGAIN);
    OK("gettime after expiry", timerfd_gettime(fd, &cur));
    TRUE("disarmed after a one-shot", !cur.it_value.tv_sec && !cur.it_value.tv_nsec);

    /* Blocking read. */
    OK("clear O_NONBLOCK", fcntl(fd, F_SETFL, 0));
    its.it_value.tv_nsec = 10 * 1000 * 1000;
    OK("arm for 10 ms", timerfd_settime(fd, 0, &its, NULL));
    EQ("blocking read", read(fd, &v, 8), 8);
    EQ("one expiration", v, 1);

    its.it_value.tv_nsec = 1000000000;
    ERR("tv_nsec 1e9", timerfd_settime(fd, 0, &its, NULL), EINVAL);
    its.it_value.tv_nsec = 0;
    its.it_value.tv_sec = -1;
    ERR("negative", timerfd_settime(fd, 0, &its, NULL), EINVAL);
    its.it_value.tv_sec = 1;
    ERR("bad settime flags", timerfd_settime(fd, 0x100, &its, NULL), EINVAL);
    ERR("bad new value pointer", timerfd_settime(fd, 0, BADPTR, NULL), EFAULT);
    ERR("bad gettime pointer", timerfd_gettime(fd, BADPTR), EFAULT);
    ERR("settime on a closed fd", timerfd_settime(99, 0, &its, NULL), EBADF);
    ERR("settime on stdin", timerfd_settime(0, 0, &its, NULL), EINVAL);
    ERR("gettime on stdin", timerfd_gettime(0, &cur), EINVAL);
    close(fd);
    return conf_done();
}
