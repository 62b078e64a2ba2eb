/* epoll_level: level-triggered epoll on a pipe and an eventfd: reported on
 * every wait while ready, not after draining; user data returned intact;
 * maxevents limits the batch and the rest comes next; EPOLL_CTL_MOD
 * changes the events and data; EPOLL_CTL_DEL stops reports; epoll_pwait
 * and epoll_pwait2 (a zero timespec polls). */
#include "conf.h"
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>

int main(void)
{
    struct epoll_event ev, out[8];
    struct timespec zero = { 0, 0 };
    int ep, p[2], efd, n;
    uint64_t one = 1;
    char buf[16];

    MUST(pipe(p));
    MUST(efd = eventfd(0, EFD_NONBLOCK));
    ep = epoll_create1(0);
    OK("epoll_create1(0)", ep);
    EQ("no FD_CLOEXEC", fcntl(ep, F_GETFD), 0);
    ev.events = EPOLLIN;
    ev.data.u64 = 0x1122334455667788ULL;
    OK("ADD pipe read end", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    ev.events = EPOLLIN;
    ev.data.u64 = 0xdeadbeefcafef00dULL;
    OK("ADD eventfd", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    EQ("nothing ready", epoll_wait(ep, out, 8, 0), 0);
    EQ("nothing ready after 10 ms", epoll_wait(ep, out, 8, 10), 0);

    MUST(write(p[1], "abc", 3));
    n = epoll_wait(ep, out, 8, -1);
    EQ("pipe ready", n, 1);
    EQ("EPOLLIN", out[0].events, EPOLLIN);
    TRUE("data intact", out[0].data.u64 == 0x1122334455667788ULL);
    EQ("still ready: reported again", epoll_wait(ep, out, 8, 0), 1);
    EQ("and again", epoll_wait(ep, out, 8, 0), 1);
    MUST(read(p[0], buf, 2));
    EQ("one byte left: ready", epoll_wait(ep, out, 8, 0), 1);
    MUST(read(p[0], buf, 1));
    EQ("drained: not ready", epoll_wait(ep, out, 8, 0), 0);

    MUST(write(p[1], "x", 1));
    MUST(write(efd, &one, 8));
    EQ("both ready", epoll_wait(ep, out, 8, 0), 2);
    EQ("maxevents 1: one", epoll_wait(ep, out, 1, 0), 1);
    uint64_t first = out[0].data.u64;
    EQ("maxevents 1: one", epoll_wait(ep, out, 1, 0), 1);
    TRUE("the other one next (round robin)", out[0].data.u64 != first);

    /* MOD: new data, and EPOLLOUT on the eventfd. */
    ev.events = EPOLLOUT;
    ev.data.u64 = 77;
    OK("MOD eventfd to EPOLLOUT", epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev));
    OK("DEL pipe", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    n = epoll_wait(ep, out, 8, 0);
    EQ("one ready", n, 1);
    EQ("EPOLLOUT", out[0].events, EPOLLOUT);
    EQ("new data", out[0].data.u64, 77);
    ev.events = EPOLLIN | EPOLLOUT;
    OK("MOD to IN|OUT", epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev));
    n = epoll_wait(ep, out, 8, 0);
    EQ("IN|OUT", n == 1 ? out[0].events : 0, EPOLLIN | EPOLLOUT);

    /* epoll_pwait and epoll_pwait2. */
    sigset_t m;
    sigemptyset(&m);
    EQ("epoll_pwait", epoll_pwait(ep, out, 8, 0, &m), 1);
    EQ("epoll_pwait, NULL mask", epoll_pwait(ep, out, 8, 0, NULL), 1);
    EQ("epoll_pwait2, zero timespec", syscall(SYS_epoll_pwait2, ep, out, 8, &zero, NULL, 8), 1);
    MUST(read(efd, &one, 8));
    ev.events = EPOLLIN;
    OK("MOD to IN", epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev));
    EQ("epoll_pwait2: nothing", syscall(SYS_epoll_pwait2, ep, out, 8, &zero, NULL, 8), 0);
    struct timespec ms = { 0, 10 * 1000 * 1000 };
    EQ("epoll_pwait2: 10 ms", syscall(SYS_epoll_pwait2, ep, out, 8, &ms, NULL, 8), 0);
    ms.tv_nsec = 1000000000;
    ERR("epoll_pwait2: bad timespec", syscall(SYS_epoll_pwait2, ep, out, 8, &ms, NULL, 8), EINVAL);
    ERR("epoll_pwait: bad sigsetsize", syscall(SYS_epoll_pwait, ep, out, 8, 0, &m, 4), EINVAL);

    /* The old epoll_create. */
    int ep2 = epoll_create(1);
    OK("epoll_create(1)", ep2);
    ERR("epoll_create(0)", epoll_create(0), EINVAL);
    ERR("epoll_create(-1)", epoll_create(-1), EINVAL);
    int ep3 = epoll_create1(EPOLL_CLOEXEC);
    EQ("EPOLL_CLOEXEC", fcntl(ep3, F_GETFD), FD_CLOEXEC);
    ERR("epoll_create1 bad flag", epoll_create1(1), EINVAL);
    return conf_done();
}
