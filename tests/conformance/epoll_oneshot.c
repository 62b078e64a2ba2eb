/* epoll_oneshot: EPOLLONESHOT reports once, then the item is disarmed (no
 * reports even with new data) until EPOLL_CTL_MOD re-arms it; ADD again is
 * EEXIST; DEL of a disarmed item works; with EPOLLET too. */
#include "conf.h"
#include <sys/epoll.h>

int main(void)
{
    struct epoll_event ev, out[4];
    int ep, p[2];
    char buf[8];

    MUST(pipe(p));
    MUST(ep = epoll_create1(0));
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u32 = 9;
    OK("ADD EPOLLIN|EPOLLONESHOT", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    MUST(write(p[1], "a", 1));
    EQ("reported once", epoll_wait(ep, out, 4, 0), 1);
    EQ("data", out[0].data.u32, 9);
    EQ("disarmed though readable", epoll_wait(ep, out, 4, 0), 0);
    MUST(write(p[1], "b", 1));
    EQ("new data: still disarmed", epoll_wait(ep, out, 4, 10), 0);
    ERR("ADD again: EEXIST", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    ev.data.u32 = 10;
    OK("MOD re-arms", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    EQ("reported", epoll_wait(ep, out, 4, 0), 1);
    EQ("new data value", out[0].data.u32, 10);
    EQ("disarmed again", epoll_wait(ep, out, 4, 0), 0);
    MUST(read(p[0], buf, sizeof(buf)));

    ev.events = EPOLLIN | EPOLLONESHOT | EPOLLET;
    OK("MOD to ONESHOT|ET (not ready)", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    EQ("nothing", epoll_wait(ep, out, 4, 0), 0);
    MUST(write(p[1], "c", 1));
    EQ("edge reported", epoll_wait(ep, out, 4, 0), 1);
    MUST(write(p[1], "d", 1));
    EQ("new edge, but disarmed", epoll_wait(ep, out, 4, 0), 0);
    OK("DEL the disarmed item", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    ERR("DEL again: ENOENT", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
    ERR("MOD after DEL: ENOENT", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT);
    return conf_done();
}
