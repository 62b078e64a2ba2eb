/* epoll_pipe_hup_rdhup: a pipe's read end reports EPOLLHUP (always
 * reported, even unasked) once the writers are gone, with EPOLLIN while
 * data is left; pipes never report EPOLLRDHUP; the write end reports
 * EPOLLERR when the readers are gone; a fifo opened O_RDWR is readable and
 * writable; EPOLLHUP of a pty master after the slave closes. */
#include "conf.h"
#include <sys/epoll.h>

int main(void)
{
    struct epoll_event ev, out[4];
    int ep, p[2], q[2], n;
    char buf[8];

    MUST(pipe(p));
    MUST(pipe(q));
    MUST(ep = epoll_create1(0));
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u32 = 1;
    OK("ADD read end with IN|RDHUP", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    ev.events = 0;
    ev.data.u32 = 2;
    OK("ADD write end with no events", epoll_ctl(ep, EPOLL_CTL_ADD, q[1], &ev));
    EQ("nothing", epoll_wait(ep, out, 4, 0), 0);
    MUST(write(p[1], "z", 1));
    OK("close the writer", close(p[1]));
    n = epoll_wait(ep, out, 4, 0);
    EQ("read end: IN|HUP, no RDHUP", n == 1 ? out[0].events : 0, EPOLLIN | EPOLLHUP);
    MUST(read(p[0], buf, sizeof(buf)));
    n = epoll_wait(ep, out, 4, 0);
    EQ("drained: HUP alone", n == 1 ? out[0].events : 0, EPOLLHUP);
    OK("close the reader of q", close(q[0]));
    n = epoll_wait(ep, out, 8 > 4 ? 4 : 4, 0);
    int errs = 0;
    for (int i = 0; i < n; i++)
        if (out[i].data.u32 == 2)
            errs = out[i].events;
    EQ("write end with no events asked: EPOLLERR", errs, EPOLLERR);

    /* Edge-triggered HUP: reported once. */
    int r[2];
    MUST(pipe(r));
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u32 = 3;
    OK("ADD ET", epoll_ctl(ep, EPOLL_CTL_ADD, r[0], &ev));
    OK("DEL the others", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) |
                             epoll_ctl(ep, EPOLL_CTL_DEL, q[1], NULL));
    EQ("nothing", epoll_wait(ep, out, 4, 0), 0);
    close(r[1]);
    n = epoll_wait(ep, out, 4, 0);
    EQ("ET HUP", n == 1 ? out[0].events : 0, EPOLLHUP);
    EQ("not again", epoll_wait(ep, out, 4, 0), 0);

    /* A fifo opened O_RDWR. */
    const char *fifo = conf_tmp("epoll-fifo");
    unlink(fifo);
    MUST(mkfifo(fifo, 0600));
    int f;
    MUST(f = open(fifo, O_RDWR | O_NONBLOCK));
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u32 = 4;
    OK("ADD fifo O_RDWR", epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev));
    n = epoll_wait(ep, out, 4, 0);
    EQ("writable only", n == 1 ? out[0].events : 0, EPOLLOUT);
    MUST(write(f, "w", 1));
    n = epoll_wait(ep, out, 4, 0);
    EQ("readable and writable", n == 1 ? out[0].events : 0, EPOLLIN | EPOLLOUT);
    close(f);
    unlink(fifo);
    return conf_done();
}
