/* sentry/syscalls/sys_epoll.c: epoll_create(1), epoll_ctl, epoll_wait,
 * epoll_pwait, epoll_pwait2 (the instances are in fs/epoll.c). */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <limits.h>
#include <sys/epoll.h>
#include <time.h>

#include "lib/timespec.h"
#include "lib/xalloc.h"
#include "sentry/fs/fs.h"

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define EP_MAX_EVENTS (INT_MAX / (int)sizeof(struct epoll_event))
#define EP_MIN_BATCH 1024

static long do_create(struct task *t, int flags)
{
    struct file *f;
    int r, fd;

    if ((r = epoll_new(flags, &f)))
        return r;
    fd = fdt_install(t->fdt, f, 0, flags & EPOLL_CLOEXEC);
    file_put(f);
    return fd;
}

long sys_epoll_create(struct task *t, const struct syscall_args *a)
{
    if ((int)a->a[0] <= 0)
        return -EINVAL;
    return do_create(t, 0);
}

long sys_epoll_create1(struct task *t, const struct syscall_args *a)
{
    return do_create(t, (int)a->a[0]);
}

long sys_epoll_ctl(struct task *t, const struct syscall_args *a)
{
    int op = (int)a->a[1], fd = (int)a->a[2];
    struct epoll_event ev = {0};
    struct file *ep, *tf;
    long r;

    if (op != EPOLL_CTL_DEL && mm_copy_in(t->mm, &ev, a->a[3], sizeof(ev)))
        return -EFAULT;
    if (!(ep = fdt_get(t->fdt, (int)a->a[0])))
        return -EBADF;
    if (!(tf = fdt_get(t->fdt, fd))) {
        file_put(ep);
        return -EBADF;
    }
    r = epoll_ctl_file(ep, op, tf, fd, op == EPOLL_CTL_DEL ? NULL : &ev);
    file_put(tf);
    file_put(ep);
    return r;
}

/* The shared part: check, wait, copy the events out. */
static long do_wait(struct task *t, int epfd, uint64_t uevs, int max,
                    const struct timespec *deadline)
{
    _cleanup_free_ struct epoll_event *evs = NULL;
    struct file *f;
    long r;

    if (max <= 0 || max > EP_MAX_EVENTS)
        return -EINVAL;
    /* Linux's access_ok: the array must lie below the top of user space. */
    if (uevs + (uint64_t)max * sizeof(struct epoll_event) > 0x7ffffffff000ULL ||
        uevs + (uint64_t)max * sizeof(struct epoll_event) < uevs)
        return -EFAULT;
    if (!(f = fdt_get(t->fdt, epfd)))
        return -EBADF;
    if (!epoll_is(f)) {
        file_put(f);
        return -EINVAL;
    }
    /* The buffer is bounded by the watched files (a wait reports each at
     * most once), not by the app's max; a floor covers files added while
     * the wait blocks. */
    max = (int)SB_MIN((size_t)max, SB_MAX(epoll_nitems(f), (size_t)EP_MIN_BATCH));
    evs = xzalloc(sizeof(*evs) * (size_t)max);
    r = epoll_wait_file(t, f, evs, max, deadline);
    file_put(f);
    if (r > 0 && mm_copy_out(t->mm, uevs, evs, sizeof(*evs) * (size_t)r))
        return -EFAULT;
    return r;
}

static void deadline_ms(int ms, struct timespec *d)
{
    if (ms == 0) {
        d->tv_sec = d->tv_nsec = 0;
        return;
    }
    {
        struct timespec rel = { ms / 1000, (long)(ms % 1000) * 1000000 };
        ts_deadline_in(d, &rel);
    }
}

long sys_epoll_wait(struct task *t, const struct syscall_args *a)
{
    int ms = (int)a->a[3];
    struct timespec d;

    if (ms >= 0)
        deadline_ms(ms, &d);
    return do_wait(t, (int)a->a[0], a->a[1], (int)a->a[2], ms >= 0 ? &d : NULL);
}

/* epoll_pwait(2): the mask is in force during the wait; after an EINTR the
 * signal's delivery restores the old one (as sigsuspend). */
static long pwait(struct task *t, const struct syscall_args *a, const struct timespec *d)
{
    uint64_t m;
    long r;

    if (a->a[4]) {
        if (a->a[5] != 8)
            return -EINVAL;
        if (mm_copy_in(t->mm, &m, a->a[4], 8))
            return -EFAULT;
        t->saved_sigmask = t->sigmask;
        t->restore_sigmask = true;
        t->sigmask = m & ~UNBLOCKABLE;
    }
    r = do_wait(t, (int)a->a[0], a->a[1], (int)a->a[2], d);
    if (r != -EINTR && t->restore_sigmask) {
        t->sigmask = t->saved_sigmask;
        t->restore_sigmask = false;
    }
    return r;
}

long sys_epoll_pwait(struct task *t, const struct syscall_args *a)
{
    int ms = (int)a->a[3];
    struct timespec d;

    if (ms >= 0)
        deadline_ms(ms, &d);
    return pwait(t, a, ms >= 0 ? &d : NULL);
}

long sys_epoll_pwait2(struct task *t, const struct syscall_args *a)
{
    struct timespec rel, d;

    if (a->a[3]) {
        if (mm_copy_in(t->mm, &rel, a->a[3], sizeof(rel)))
            return -EFAULT;
        if (rel.tv_sec < 0 || rel.tv_nsec < 0 || rel.tv_nsec >= 1000000000)
            return -EINVAL;
        if (!rel.tv_sec && !rel.tv_nsec) {
            d = rel;
        } else {
            ts_deadline_in(&d, &rel);
        }
    }
    return pwait(t, a, a->a[3] ? &d : NULL);
}
