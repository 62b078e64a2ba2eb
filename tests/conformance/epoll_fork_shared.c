/* epoll_fork_shared: after fork the child's epoll fd is the same instance:
 * items the child adds are seen by the parent, an edge consumed by one is
 * gone for the other, the parent's wait is woken by the child's write, and
 * the instance survives the child's exit. */
#include "conf.h"
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

int main(void)
{
    struct epoll_event ev, out[4];
    int ep, p[2], sync[2], efd, st, n;
    char c;
    uint64_t one = 1;

    MUST(pipe(p));
    MUST(pipe(sync));
    MUST(efd = eventfd(0, EFD_NONBLOCK));
    MUST(ep = epoll_create1(0));
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u32 = 1;
    OK("ADD eventfd (ET) before fork", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    MUST(write(efd, &one, 8));

    pid_t pid = fork();
    if (pid == 0) {
        struct epoll_event e2 = { .events = EPOLLIN, .data.u32 = 2 }, o[4];
        int ok = 1;
        /* The child takes the eventfd's edge. */
        if (epoll_wait(ep, o, 4, 0) != 1 || o[0].data.u32 != 1)
            ok = 0;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e2) != 0)
            ok = 0;
        if (write(sync[1], "s", 1) != 1)
            ok = 0;
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        if (write(p[1], "c", 1) != 1)
            ok = 0;
        _exit(ok ? 0 : 1);
    }
    MUST(read(sync[0], &c, 1)); /* the child has taken the edge */
    n = epoll_wait(ep, out, 4, 10000);
    TRUE("woken by the pipe the child added", n == 1 && out[0].data.u32 == 2);
    waitpid(pid, &st, 0);
    EQ("child saw the shared instance", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    n = epoll_wait(ep, out, 4, 0);
    TRUE("the edge the child took is gone; the pipe stays (LT)", n == 1 && out[0].data.u32 == 2);
    ERR("ADD of the child's item: EEXIST", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    OK("DEL it", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
    MUST(write(efd, &one, 8));
    n = epoll_wait(ep, out, 4, 0);
    TRUE("a new edge on the eventfd", n == 1 && out[0].data.u32 == 1);

    /* The child closes its copies: the parent's items stay. */
    pid = fork();
    if (pid == 0) {
        close(efd);
        close(ep);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    MUST(write(efd, &one, 8));
    n = epoll_wait(ep, out, 4, 0);
    TRUE("the child's close removed nothing", n == 1 && out[0].data.u32 == 1);
    return conf_done();
}
