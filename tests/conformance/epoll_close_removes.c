/* epoll_close_removes: an item belongs to the open file description, not
 * the fd: closing one fd of a dup'd file keeps reporting (with the old
 * fd's data), closing the last one removes it; a new file on the same fd
 * number can then be added; DEL by a closed fd is EBADF; closing the epoll
 * fd while items exist is fine. */
#include "conf.h"
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

int main(void)
{
    struct epoll_event ev, out[4];
    int ep, p[2], dupfd, efd;
    uint64_t one = 1;

    MUST(pipe(p));
    MUST(ep = epoll_create1(0));
    MUST(dupfd = dup(p[0]));
    ev.events = EPOLLIN;
    ev.data.u32 = 100;
    OK("ADD the original fd", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    ev.data.u32 = 200;
    OK("ADD the dup too (another key)", epoll_ctl(ep, EPOLL_CTL_ADD, dupfd, &ev));
    MUST(write(p[1], "x", 1));
    EQ("both items report", epoll_wait(ep, out, 4, 0), 2);
    OK("DEL by the dup", epoll_ctl(ep, EPOLL_CTL_DEL, dupfd, NULL));
    EQ("one left", epoll_wait(ep, out, 4, 0), 1);
    OK("close the original fd", close(p[0]));
    int n = epoll_wait(ep, out, 4, 0);
    TRUE("the item lives on through the dup", n == 1 && out[0].data.u32 == 100);
    ERR("DEL by the closed fd", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), EBADF);
    ERR("DEL by the dup: not its key", epoll_ctl(ep, EPOLL_CTL_DEL, dupfd, NULL), ENOENT);
    OK("close the dup (the last reference)", close(dupfd));
    EQ("the item is gone", epoll_wait(ep, out, 4, 0), 0);

    /* The same fd number, a new file. */
    MUST(efd = eventfd(1, 0));
    if (efd != p[0] && dup2(efd, p[0]) >= 0) {
        close(efd);
        efd = p[0];
    }
    ev.data.u32 = 300;
    OK("ADD a new file on the old number", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    n = epoll_wait(ep, out, 4, 0);
    TRUE("reports the new file", n == 1 && out[0].data.u32 == 300);

    /* dup2 over an fd also closes the file it held. */
    int q[2];
    MUST(pipe(q));
    ev.data.u32 = 400;
    OK("ADD another pipe", epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev));
    MUST(write(q[1], "y", 1));
    EQ("two ready", epoll_wait(ep, out, 4, 0), 2);
    MUST(dup2(efd, q[0]));
    n = epoll_wait(ep, out, 4, 0);
    TRUE("dup2 over it removed the pipe's item", n == 1 && out[0].data.u32 == 300);

    /* Close the instance with items in it; the files live on. */
    OK("close the epoll fd", close(ep));
    EQ("the eventfd still works", write(efd, &one, 8), 8);
    return conf_done();
}
