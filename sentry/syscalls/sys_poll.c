/* sentry/syscalls/sys_poll.c: poll, ppoll, select, pselect6 and pipes. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include "lib/timespec.h"
#include "lib/xalloc.h"
#include "sentry/fs/pipe.h"

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

/* The waits go, then the files they wait on: each file polled stays
 * referenced while its wait queues hold our waiters (Linux's poll table
 * holds the file too), so a close by another thread cannot free a wait
 * queue under us. */
static void drop_waits(struct poll_req *pr, struct file **held, size_t n)
{
    for (int i = 0; i < pr->n; i++)
        waitq_del(pr->ent[i].wq, &pr->ent[i].w);
    pr->n = 0;
    for (size_t i = 0; i < n; i++) {
        if (held[i])
            file_put(held[i]);
        held[i] = NULL;
    }
}

/* Poll fds (kernel copy); returns the ready count, 0 on timeout, -EINTR.
 * An fd that is not open is POLLNVAL. */
static long do_poll(struct task *t, struct pollfd *fds, size_t nfds,
                    const struct timespec *deadline)
{
    struct poll_req *pr = poll_req_new(t);
    _cleanup_free_ struct file **held = xzalloc(SB_MAX(nfds, (size_t)1) * sizeof(*held));
    bool last = false;
    long ready;
    int r;

    for (;;) {
        ready = 0;
        for (size_t i = 0; i < nfds; i++) {
            struct file *f;
            unsigned m;
            fds[i].revents = 0;
            if (fds[i].fd < 0)
                continue;
            f = fdt_get(t->fdt, fds[i].fd);
            if (!f) {
                fds[i].revents = POLLNVAL;
                ready++;
                continue;
            }
            m = vfs_poll(f, last ? NULL : pr);
            held[i] = f; /* put by drop_waits */
            fds[i].revents = (short)(m & ((unsigned)fds[i].events | POLLERR | POLLHUP | POLLNVAL));
            if (fds[i].revents)
                ready++;
        }
        if (ready || last)
            break;
        if (deadline && deadline->tv_sec == 0 && deadline->tv_nsec == 0)
            break;
        r = task_block(t, deadline);
        drop_waits(pr, held, nfds);
        if (r == -EINTR) {
            free(pr);
            return -EINTR;
        }
        /* Timed out: one last look without waiting, as Linux does (a file
         * closed meanwhile then shows POLLNVAL). */
        last = r == -ETIMEDOUT;
    }
    drop_waits(pr, held, nfds);
    free(pr);
    return ready;
}

static int ts_deadline(const struct timespec *rel, struct timespec *d)
{
    if (rel->tv_sec < 0 || rel->tv_nsec < 0 || rel->tv_nsec >= 1000000000)
        return -EINVAL;
    if (!rel->tv_sec && !rel->tv_nsec) {
        d->tv_sec = d->tv_nsec = 0; /* poll once */
        return 0;
    }
    ts_deadline_in(d, rel);
    return 0;
}

static long poll_common(struct task *t, uint64_t ufds, uint64_t nfds, const struct timespec *d)
{
    _cleanup_free_ struct pollfd *fds = NULL;
    long r;

    if (nfds > (uint64_t)t->fdt->max && nfds > 1024)
        return -EINVAL;
    fds = xzalloc(sizeof(*fds) * (nfds ? nfds : 1));
    if (nfds && mm_copy_in(t->mm, fds, ufds, sizeof(*fds) * nfds))
        return -EFAULT;
    r = do_poll(t, fds, nfds, d);
    if (r >= 0 && nfds) {
        for (uint64_t i = 0; i < nfds; i++)
            if (mm_copy_out(t->mm, ufds + i * sizeof(*fds) + offsetof(struct pollfd, revents),
                            &fds[i].revents, sizeof(short)))
                return -EFAULT;
    }
    return r;
}

long sys_poll(struct task *t, const struct syscall_args *a)
{
    int timeout = (int)a->a[2];
    struct timespec rel, d;
    long r;

    if (timeout >= 0) {
        rel.tv_sec = timeout / 1000;
        rel.tv_nsec = (long)(timeout % 1000) * 1000000;
        ts_deadline(&rel, &d);
    }
    r = poll_common(t, a->a[0], a->a[1], timeout >= 0 ? &d : NULL);
    return r == -EINTR ? -ERESTARTNOHAND : r;
}

static int set_temp_mask(struct task *t, uint64_t umask, uint64_t size)
{
    uint64_t m;

    if (!umask)
        return 0;
    if (size != 8)
        return -EINVAL;
    if (mm_copy_in(t->mm, &m, umask, 8))
        return -EFAULT;
    t->saved_sigmask = t->sigmask;
    t->restore_sigmask = true;
    t->sigmask = m & ~UNBLOCKABLE;
    return 0;
}

long sys_ppoll(struct task *t, const struct syscall_args *a)
{
    struct timespec rel, d;
    long r;

    if (a->a[2]) {
        if (mm_copy_in(t->mm, &rel, a->a[2], sizeof(rel)))
            return -EFAULT;
        if ((r = ts_deadline(&rel, &d)))
            return r;
    }
    if ((r = set_temp_mask(t, a->a[3], a->a[4])))
        return r;
    r = poll_common(t, a->a[0], a->a[1], a->a[2] ? &d : NULL);
    if (r == -EINTR)
        return -ERESTARTNOHAND;
    if (t->restore_sigmask) {
        t->sigmask = t->saved_sigmask;
        t->restore_sigmask = false;
    }
    return r;
}

static long select_common(struct task *t, int n, uint64_t uin, uint64_t uout, uint64_t uex,
                          const struct timespec *d)
{
    fd_set in, out, ex;
    _cleanup_free_ struct pollfd *fds = NULL;
    int nf = 0;
    long r;

    if (n < 0 || n > FD_SETSIZE)
        return -EINVAL;
    FD_ZERO(&in);
    FD_ZERO(&out);
    FD_ZERO(&ex);
    size_t bytes = ((size_t)n + 63) / 64 * 8;
    if ((uin && mm_copy_in(t->mm, &in, uin, bytes)) ||
        (uout && mm_copy_in(t->mm, &out, uout, bytes)) ||
        (uex && mm_copy_in(t->mm, &ex, uex, bytes)))
        return -EFAULT;
    fds = xzalloc(sizeof(*fds) * (n ? n : 1));
    for (int fd = 0; fd < n; fd++) {
        short ev = (FD_ISSET(fd, &in) ? POLLIN : 0) | (FD_ISSET(fd, &out) ? POLLOUT : 0) |
                   (FD_ISSET(fd, &ex) ? POLLPRI : 0);
        if (!ev)
            continue;
        {
            struct file *f = fdt_get(t->fdt, fd);
            if (!f)
                return -EBADF;
            file_put(f);
        }
        fds[nf].fd = fd;
        fds[nf].events = ev;
        nf++;
    }
    r = do_poll(t, fds, nf, d);
    if (r < 0)
        return r;
    FD_ZERO(&in);
    FD_ZERO(&out);
    FD_ZERO(&ex);
    r = 0;
    /* An fd closed during the wait (all were open before it) is POLLNVAL,
     * which Linux 6.x counts in every set it was asked for. */
    for (int i = 0; i < nf; i++) {
        if ((fds[i].events & POLLIN) && (fds[i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) {
            FD_SET(fds[i].fd, &in);
            r++;
        }
        if ((fds[i].events & POLLOUT) && (fds[i].revents & (POLLOUT | POLLERR | POLLNVAL))) {
            FD_SET(fds[i].fd, &out);
            r++;
        }
        if ((fds[i].events & POLLPRI) && (fds[i].revents & (POLLPRI | POLLNVAL))) {
            FD_SET(fds[i].fd, &ex);
            r++;
        }
    }
    if ((uin && mm_copy_out(t->mm, uin, &in, bytes)) ||
        (uout && mm_copy_out(t->mm, uout, &out, bytes)) ||
        (uex && mm_copy_out(t->mm, uex, &ex, bytes)))
        return -EFAULT;
    return r;
}

long sys_select(struct task *t, const struct syscall_args *a)
{
    struct timeval tv;
    struct timespec rel, d;
    long r;

    if (a->a[4]) {
        if (mm_copy_in(t->mm, &tv, a->a[4], sizeof(tv)))
            return -EFAULT;
        if (tv.tv_sec < 0 || tv.tv_usec < 0)
            return -EINVAL;
        rel.tv_sec = tv.tv_sec + tv.tv_usec / 1000000;
        rel.tv_nsec = (tv.tv_usec % 1000000) * 1000;
        if ((r = ts_deadline(&rel, &d)))
            return r;
    }
    r = select_common(t, (int)a->a[0], a->a[1], a->a[2], a->a[3], a->a[4] ? &d : NULL);
    if (a->a[4] && r >= 0) {
        struct timespec now;
        int64_t left;
        clock_gettime(CLOCK_MONOTONIC, &now);
        left = (d.tv_sec - now.tv_sec) * 1000000LL + (d.tv_nsec - now.tv_nsec) / 1000;
        if (left < 0 || (!rel.tv_sec && !rel.tv_nsec))
            left = 0;
        tv.tv_sec = left / 1000000;
        tv.tv_usec = left % 1000000;
        (void)!mm_copy_out(t->mm, a->a[4], &tv, sizeof(tv));
    }
    return r == -EINTR ? -ERESTARTNOHAND : r;
}

long sys_pselect6(struct task *t, const struct syscall_args *a)
{
    struct timespec rel, d;
    struct {
        uint64_t ss, len;
    } sm;
    long r;

    if (a->a[4]) {
        if (mm_copy_in(t->mm, &rel, a->a[4], sizeof(rel)))
            return -EFAULT;
        if ((r = ts_deadline(&rel, &d)))
            return r;
    }
    if (a->a[5]) {
        if (mm_copy_in(t->mm, &sm, a->a[5], sizeof(sm)))
            return -EFAULT;
        if ((r = set_temp_mask(t, sm.ss, sm.len)))
            return r;
    }
    r = select_common(t, (int)a->a[0], a->a[1], a->a[2], a->a[3], a->a[4] ? &d : NULL);
    if (r == -EINTR)
        return -ERESTARTNOHAND;
    if (t->restore_sigmask) {
        t->sigmask = t->saved_sigmask;
        t->restore_sigmask = false;
    }
    return r;
}

static long do_pipe(struct task *t, uint64_t ufds, int flags)
{
    struct file *rd, *wr;
    int fds[2];

    if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return -EINVAL;
    pipe_create(&rd, &wr, flags);
    fds[0] = fdt_install(t->fdt, rd, 0, flags & O_CLOEXEC);
    if (fds[0] >= 0) {
        fds[1] = fdt_install(t->fdt, wr, 0, flags & O_CLOEXEC);
        if (fds[1] < 0) {
            (void)fdt_close(t->fdt, fds[0]);
            fds[0] = fds[1];
        }
    }
    file_put(rd);
    file_put(wr);
    if (fds[0] < 0)
        return fds[0];
    if (mm_copy_out(t->mm, ufds, fds, sizeof(fds))) {
        (void)fdt_close(t->fdt, fds[0]);
        (void)fdt_close(t->fdt, fds[1]);
        return -EFAULT;
    }
    return 0;
}

long sys_pipe(struct task *t, const struct syscall_args *a)
{
    return do_pipe(t, a->a[0], 0);
}

long sys_pipe2(struct task *t, const struct syscall_args *a)
{
    return do_pipe(t, a->a[0], (int)a->a[1]);
}
