/* epoll_nested: an epoll fd inside another epoll (and in poll/select) is
 * readable while one of its items is ready; the inner instance's events
 * are not consumed by that; a blocked outer wait is woken through the inner
 * one; an inner edge-triggered item stays reportable. */
#include "conf.h"
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

int main(void)
{
    struct epoll_event ev, out[4];
    struct pollfd pf;
    int inner, outer, p[2], efd, n;
    uint64_t one = 1;
    char buf[8];

    MUST(pipe(p));
    MUST(efd = eventfd(0, 0));
    MUST(inner = epoll_create1(0));
    MUST(outer = epoll_create1(0));
    ev.events = EPOLLIN;
    ev.data.u32 = 1;
    OK("pipe into inner", epoll_ctl(inner, EPOLL_CTL_ADD, p[0], &ev));
    ev.data.u32 = 2;
    OK("inner into outer", epoll_ctl(outer, EPOLL_CTL_ADD, inner, &ev));
    EQ("outer: nothing", epoll_wait(outer, out, 4, 0), 0);
    pf.fd = inner;
    pf.events = POLLIN;
    EQ("poll of inner: nothing", poll(&pf, 1, 0), 0);

    MUST(write(p[1], "a", 1));
    n = epoll_wait(outer, out, 4, 0);
    TRUE("outer reports inner", n == 1 && out[0].data.u32 == 2 && out[0].events == EPOLLIN);
    EQ("poll of inner: POLLIN", poll(&pf, 1, 0) == 1 ? pf.revents : 0, POLLIN);
    n = epoll_wait(inner, out, 4, 0);
    TRUE("inner still has the pipe", n == 1 && out[0].data.u32 == 1);
    MUST(read(p[0], buf, 1));
    EQ("drained: outer quiet", epoll_wait(outer, out, 4, 0), 0);
    EQ("inner quiet", epoll_wait(inner, out, 4, 0), 0);

    /* A blocked outer wait woken by a child's write into the inner's item. */
    ev.events = EPOLLIN;
    ev.data.u32 = 3;
    OK("eventfd into inner", epoll_ctl(inner, EPOLL_CTL_ADD, efd, &ev));
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        (void)!write(efd, &one, 8);
        _exit(0);
    }
    n = epoll_wait(outer, out, 4, 10000);
    TRUE("outer woken through inner", n == 1 && out[0].data.u32 == 2);
    waitpid(pid, NULL, 0);
    n = epoll_wait(inner, out, 4, 0);
    TRUE("inner reports the eventfd", n == 1 && out[0].data.u32 == 3);
    MUST(read(efd, &one, 8));

    /* Outer edge-triggered on inner: one report per edge. */
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u32 = 2;
    OK("MOD outer item to ET", epoll_ctl(outer, EPOLL_CTL_MOD, inner, &ev));
    MUST(write(p[1], "b", 1));
    EQ("outer ET: once", epoll_wait(outer, out, 4, 0), 1);
    EQ("outer ET: not again", epoll_wait(outer, out, 4, 0), 0);
    EQ("inner still reports (LT)", epoll_wait(inner, out, 4, 0), 1);

    /* Three levels. */
    int top;
    MUST(top = epoll_create1(0));
    ev.events = EPOLLIN;
    ev.data.u32 = 9;
    OK("outer into top", epoll_ctl(top, EPOLL_CTL_ADD, outer, &ev));
    ev.events = EPOLLIN;
    ev.data.u32 = 2;
    OK("outer item back to LT", epoll_ctl(outer, EPOLL_CTL_MOD, inner, &ev));
    n = epoll_wait(top, out, 4, 0);
    TRUE("top sees it through two levels", n == 1 && out[0].data.u32 == 9);
    MUST(read(p[0], buf, 1));
    EQ("drained: top quiet", epoll_wait(top, out, 4, 0), 0);
    return conf_done();
}
