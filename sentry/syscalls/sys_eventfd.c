/* sentry/syscalls/sys_eventfd.c: eventfd(2), timerfd_create/settime/gettime
 * and signalfd(4) (the files are in fs/eventfd.c, timerfd.c, signalfd.c). */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>

#include "sentry/fs/fs.h"

static long install(struct task *t, struct file *f, bool cloexec)
{
    int fd = fdt_install(t->fdt, f, 0, cloexec);
    file_put(f);
    return fd;
}

long sys_eventfd(struct task *t, const struct syscall_args *a)
{
    struct file *f;
    int r;

    if ((r = eventfd_new((unsigned)a->a[0], 0, &f)))
        return r;
    return install(t, f, false);
}

long sys_eventfd2(struct task *t, const struct syscall_args *a)
{
    int flags = (int)a->a[1];
    struct file *f;
    int r;

    if ((r = eventfd_new((unsigned)a->a[0], flags, &f)))
        return r;
    return install(t, f, flags & EFD_CLOEXEC);
}

long sys_timerfd_create(struct task *t, const struct syscall_args *a)
{
    int clock = (int)a->a[0], flags = (int)a->a[1];
    struct file *f;
    int r;

    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
        break;
    case CLOCK_REALTIME_ALARM:
    case CLOCK_BOOTTIME_ALARM:
        if (!capable(t, 35 /* CAP_WAKE_ALARM */))
            return -EPERM;
        break;
    default:
        return -EINVAL;
    }
    if ((r = timerfd_new(clock, flags, &f)))
        return r;
    return install(t, f, flags & TFD_CLOEXEC);
}

long sys_timerfd_settime(struct task *t, const struct syscall_args *a)
{
    struct itimerspec nv, ov;
    struct file *f;
    long r;

    if (mm_copy_in(t->mm, &nv, a->a[2], sizeof(nv)))
        return -EFAULT;
    if (!(f = fdt_get(t->fdt, (int)a->a[0])))
        return -EBADF;
    r = timerfd_file_settime(f, (int)a->a[1], &nv, &ov);
    file_put(f);
    if (r == 0 && a->a[3] && mm_copy_out(t->mm, a->a[3], &ov, sizeof(ov)))
        return -EFAULT;
    return r;
}

long sys_timerfd_gettime(struct task *t, const struct syscall_args *a)
{
    struct itimerspec cur;
    struct file *f;
    long r;

    if (!(f = fdt_get(t->fdt, (int)a->a[0])))
        return -EBADF;
    r = timerfd_file_gettime(f, &cur);
    file_put(f);
    if (r == 0 && mm_copy_out(t->mm, a->a[1], &cur, sizeof(cur)))
        return -EFAULT;
    return r;
}

static long do_signalfd(struct task *t, int fd, uint64_t umask, uint64_t size, int flags)
{
    uint64_t mask;
    struct file *f;
    long r;

    if (size != 8)
        return -EINVAL;
    if (flags & ~(SFD_NONBLOCK | SFD_CLOEXEC))
        return -EINVAL;
    if (mm_copy_in(t->mm, &mask, umask, 8))
        return -EFAULT;
    if (fd == -1) {
        if ((r = signalfd_new(mask, flags, &f)))
            return r;
        return install(t, f, flags & SFD_CLOEXEC);
    }
    if (!(f = fdt_get(t->fdt, fd)))
        return -EBADF;
    r = signalfd_set_mask(f, mask);
    file_put(f);
    return r ? r : fd;
}

long sys_signalfd(struct task *t, const struct syscall_args *a)
{
    return do_signalfd(t, (int)a->a[0], a->a[1], a->a[2], 0);
}

long sys_signalfd4(struct task *t, const struct syscall_args *a)
{
    return do_signalfd(t, (int)a->a[0], a->a[1], a->a[2], (int)a->a[3]);
}
