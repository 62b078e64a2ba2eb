/* aio_poll: IOCB_CMD_POLL: completes at once when ready, waits otherwise
 * (woken by a write from another thread while io_getevents blocks), its
 * field checks, io_cancel of a pending one (EINPROGRESS, then an event
 * with res 0), IOCB_FLAG_RESFD seen through epoll on the eventfd,
 * io_getevents interrupted by a signal (EINTR), io_pgetevents with a mask,
 * the result of a woken POLL being the file's whole readiness (Linux
 * reports its wake-up key, not masked by the events asked for),
 * and fork: the child has not the context, but shares its ring mapping. */
#include "conf.h"
#include "aioconf.h"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>

static void prep_poll(struct iocb *cb, int fd, unsigned events, uint64_t data)
{
    memset(cb, 0, sizeof(*cb));
    cb->aio_lio_opcode = IOCB_CMD_POLL;
    cb->aio_fildes = fd;
    cb->aio_buf = events;
    cb->aio_data = data;
}

static int pfd[2];

static void *writer(void *arg)
{
    (void)arg;
    usleep(50000);
    if (write(pfd[1], "x", 1) != 1)
        return (void *)1;
    return NULL;
}

static void on_alarm(int s) { (void)s; }

int main(void)
{
    aio_context_t ctx = 0;
    struct iocb cb[2], *v[2] = { &cb[0], &cb[1] };
    struct io_event ev[4];
    struct timespec zero = { 0, 0 };
    struct sigaction sa = { 0 };
    pthread_t th;
    char c;
    int efd, ep, st;

    MUST(pipe(pfd));
    MUST(io_setup(16, &ctx));

    /* ready at once: the write end */
    prep_poll(&cb[0], pfd[1], POLLOUT, 1);
    EQ("poll_ready_submit", io_submit(ctx, 1, v), 1);
    EQ("poll_ready_event", io_getevents(ctx, 1, 4, ev, &zero), 1);
    EQ("poll_ready_res", ev[0].res, POLLOUT);
    EQ("poll_ready_data", ev[0].data, 1);

    /* field checks */
    prep_poll(&cb[0], pfd[0], 0x10000, 0);
    ERR("poll_bad_events", io_submit(ctx, 1, v), EINVAL);
    prep_poll(&cb[0], pfd[0], POLLIN, 0);
    cb[0].aio_offset = 1;
    ERR("poll_offset", io_submit(ctx, 1, v), EINVAL);

    /* waits, woken by another thread's write */
    prep_poll(&cb[0], pfd[0], POLLIN, 2);
    EQ("poll_wait_submit", io_submit(ctx, 1, v), 1);
    EQ("poll_not_yet", io_getevents(ctx, 1, 4, ev, &zero), 0);
    MUST(pthread_create(&th, NULL, writer, NULL) ? -1 : 0);
    EQ("poll_woken", io_getevents(ctx, 1, 4, ev, NULL), 1);
    pthread_join(th, NULL);
    EQ("poll_woken_res", ev[0].res, POLLIN | POLLRDNORM);
    EQ("poll_woken_data", ev[0].data, 2);
    MUST(read(pfd[0], &c, 1));

    /* cancel a pending one */
    prep_poll(&cb[0], pfd[0], POLLIN, 3);
    EQ("cancel_submit", io_submit(ctx, 1, v), 1);
    ERR("cancel_pending", io_cancel(ctx, &cb[0], ev), EINPROGRESS);
    EQ("cancel_event", io_getevents(ctx, 1, 4, ev, NULL), 1);
    EQ("cancel_res", ev[0].res, 0);
    EQ("cancel_data", ev[0].data, 3);
    ERR("cancel_again", io_cancel(ctx, &cb[0], ev), EINVAL);

    /* RESFD, watched by epoll */
    MUST(efd = eventfd(0, EFD_NONBLOCK));
    MUST(ep = epoll_create1(0));
    {
        struct epoll_event ee = { .events = EPOLLIN }, out;
        uint64_t cnt;
        MUST(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ee));
        prep_poll(&cb[0], pfd[0], POLLIN, 4);
        cb[0].aio_flags = IOCB_FLAG_RESFD;
        cb[0].aio_resfd = efd;
        EQ("resfd_submit", io_submit(ctx, 1, v), 1);
        EQ("resfd_epoll_idle", epoll_wait(ep, &out, 1, 0), 0);
        MUST(write(pfd[1], "y", 1));
        EQ("resfd_epoll_ready", epoll_wait(ep, &out, 1, 2000), 1);
        EQ("resfd_count", read(efd, &cnt, 8), 8);
        EQ("resfd_value", cnt, 1);
        EQ("resfd_event", io_getevents(ctx, 1, 4, ev, NULL), 1);
        EQ("resfd_res", ev[0].res, POLLIN | POLLRDNORM);
        MUST(read(pfd[0], &c, 1));
    }

    /* two polls on one pipe, one write wakes both */
    prep_poll(&cb[0], pfd[0], POLLIN, 5);
    prep_poll(&cb[1], pfd[0], POLLIN | POLLRDNORM, 6);
    EQ("two_submit", io_submit(ctx, 2, v), 2);
    MUST(write(pfd[1], "z", 1));
    EQ("two_events", io_getevents(ctx, 2, 4, ev, NULL), 2);
    EQ("two_res", ev[0].res + ev[1].res, 2 * (POLLIN | POLLRDNORM));
    MUST(read(pfd[0], &c, 1));

    /* a signal ends a blocked io_getevents with EINTR */
    sa.sa_handler = on_alarm;
    MUST(sigaction(SIGALRM, &sa, NULL));
    prep_poll(&cb[0], pfd[0], POLLIN, 7);
    EQ("intr_submit", io_submit(ctx, 1, v), 1);
    alarm(1);
    ERR("getevents_eintr", io_getevents(ctx, 1, 4, ev, NULL), EINTR);
    /* io_pgetevents: SIGALRM blocked by its mask, so the timeout ends it */
    {
        sigset_t m;
        struct { const sigset_t *mask; size_t size; } ss = { &m, 8 };
        struct timespec ts = { 1, 500 * 1000 * 1000 };
        sigemptyset(&m);
        sigaddset(&m, SIGALRM);
        MUST(sigprocmask(SIG_BLOCK, &m, NULL));
        alarm(1);
        EQ("pgetevents_masked_timeout", syscall(SYS_io_pgetevents, ctx, 1, 4, ev, &ts, &ss), 0);
        ss.size = 4;
        ERR("pgetevents_bad_size", syscall(SYS_io_pgetevents, ctx, 1, 4, ev, &ts, &ss), EINVAL);
        ss.size = 8;
        sigemptyset(&m);
        /* the pending SIGALRM interrupts at once under the empty mask */
        ERR("pgetevents_eintr", syscall(SYS_io_pgetevents, ctx, 1, 4, ev, NULL, &ss), EINTR);
        sigaddset(&m, SIGALRM);
        MUST(sigprocmask(SIG_UNBLOCK, &m, NULL));
    }

    /* fork: no context in the child, the ring mapping shared */
    pid_t pid = fork();
    if (pid == 0) {
        unsigned char vec;
        int bad = 0;
        if (syscall(SYS_io_submit, ctx, 1, v) != -1 || errno != EINVAL)
            bad |= 1;
        /* the ring is a shared mapping: the child sees it (Linux marks
         * it VM_DONTEXPAND, not VM_DONTCOPY) */
        if (mincore((void *)ctx, 4096, &vec) != 0 || *(unsigned *)(ctx + 16) != 0xa10a10a1)
            bad |= 2;
        _exit(bad);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("child_no_ctx", WEXITSTATUS(st), 0);

    /* the pending POLL goes with io_destroy */
    OK("destroy", io_destroy(ctx));
    ERR("cancel_destroyed", io_cancel(ctx, &cb[0], ev), EINVAL);
    return conf_done();
}
