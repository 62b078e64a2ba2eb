/* epoll_edge: EPOLLET reports a readiness once per new edge: a pipe with
 * data unread is not reported again until more data arrives; a drained
 * then refilled pipe is; EPOLLOUT of a pipe write end edges when room comes
 * back; an eventfd written twice reports twice; MOD re-arms the edge. */
#include "conf.h"
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

static char big[65536];

int main(void)
{
    struct epoll_event ev, out[8];
    int ep, p[2], efd;
    uint64_t one = 1;
    char buf[16];

    MUST(pipe2(p, O_NONBLOCK));
    MUST(efd = eventfd(0, EFD_NONBLOCK));
    MUST(ep = epoll_create1(EPOLL_CLOEXEC));
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u32 = 1;
    OK("ADD pipe EPOLLIN|EPOLLET", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    EQ("nothing", epoll_wait(ep, out, 8, 0), 0);
    MUST(write(p[1], "ab", 2));
    EQ("edge: reported", epoll_wait(ep, out, 8, 0), 1);
    EQ("EPOLLIN", out[0].events, EPOLLIN);
    EQ("same edge: not again", epoll_wait(ep, out, 8, 0), 0);
    MUST(read(p[0], buf, 1));
    EQ("partial read: no new edge", epoll_wait(ep, out, 8, 0), 0);
    MUST(write(p[1], "c", 1));
    EQ("more data: a new edge", epoll_wait(ep, out, 8, 0), 1);
    EQ("then quiet", epoll_wait(ep, out, 8, 10), 0);
    MUST(read(p[0], buf, sizeof(buf)));
    EQ("drained: quiet", epoll_wait(ep, out, 8, 0), 0);
    MUST(write(p[1], "d", 1));
    EQ("refilled: reported", epoll_wait(ep, out, 8, 0), 1);
    ev.events = EPOLLIN | EPOLLET;
    OK("MOD (same events)", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    EQ("MOD re-arms: reported since still readable", epoll_wait(ep, out, 8, 0), 1);
    EQ("then quiet", epoll_wait(ep, out, 8, 0), 0);
    MUST(read(p[0], buf, sizeof(buf)));

    /* The write end: EPOLLOUT edges. */
    ev.events = EPOLLOUT | EPOLLET;
    ev.data.u32 = 2;
    OK("ADD write end EPOLLOUT|EPOLLET", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
    EQ("writable at once", epoll_wait(ep, out, 8, 0), 1);
    EQ("data 2", out[0].data.u32, 2);
    EQ("not again", epoll_wait(ep, out, 8, 0), 0);
    while (write(p[1], big, sizeof(big)) > 0)
        ;
    int n = epoll_wait(ep, out, 8, 0);
    TRUE("full: only the reader's edge (data 1)", n == 1 && out[0].data.u32 == 1);
    while (read(p[0], big, sizeof(big)) > 0)
        ;
    n = epoll_wait(ep, out, 8, 0);
    TRUE("drained: the writer's edge (data 2)", n == 1 && out[0].data.u32 == 2 &&
                                                    out[0].events == EPOLLOUT);
    EQ("not again", epoll_wait(ep, out, 8, 0), 0);

    /* eventfd: each write is an edge. */
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u32 = 3;
    OK("ADD eventfd", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    MUST(write(efd, &one, 8));
    EQ("first write", epoll_wait(ep, out, 8, 0), 1);
    EQ("quiet", epoll_wait(ep, out, 8, 0), 0);
    MUST(write(efd, &one, 8));
    EQ("second write: again, unread", epoll_wait(ep, out, 8, 0), 1);
    MUST(read(efd, &one, 8));
    EQ("after the read: quiet", epoll_wait(ep, out, 8, 0), 0);

    /* An edge while another thread... here: another process writes while we
     * wait with a timeout. */
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        (void)!write(efd, &one, 8);
        _exit(0);
    }
    n = epoll_wait(ep, out, 8, 10000);
    TRUE("woken by a child's write", n == 1 && out[0].data.u32 == 3);
    waitpid(pid, NULL, 0);
    return conf_done();
}
