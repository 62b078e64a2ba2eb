/* sentry/fs/timerfd.c: timerfd(2): a kernel timer of the timer thread
 * (kernel/timer.c) whose expirations are counted, read as a u64, and make
 * the file readable. TFD_TIMER_CANCEL_ON_SET is accepted, but the Sentry
 * never changes CLOCK_REALTIME, so no read ever fails with ECANCELED.
 * Lock order: timer_mu (inside timer.c) -> waitq locks. */
#include "sentry/fs/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>

#include "lib/xalloc.h"
#include "sentry/kernel/kernel.h"

struct timerfd {
    struct ktimer *tm;
    struct waitq wq;
    int clock;
    int settime_flags;
};

static bool expired(void *arg)
{
    struct timerfd *tf = arg;
    return timer_kernel_ticks(tf->tm, false) > 0;
}

static long tf_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct timerfd *tf = f->priv;
    uint64_t n;
    int r;

    if (len < 8)
        return -EINVAL;
    while (!(n = timer_kernel_ticks(tf->tm, true))) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if ((r = task_wait_event(current_task, &tf->wq, expired, tf, NULL)))
            return r;
    }
    memcpy(buf, &n, 8);
    return 8;
}

static unsigned tf_poll(struct file *f, struct poll_req *pr)
{
    struct timerfd *tf = f->priv;

    if (pr)
        poll_wait(pr, &tf->wq);
    return timer_kernel_ticks(tf->tm, false) ? POLLIN | POLLRDNORM : 0;
}

static int tf_fdinfo(struct file *f, char *buf, size_t cap)
{
    struct timerfd *tf = f->priv;
    struct itimerspec cur;
    int n;

    timer_kernel_get(tf->tm, &cur);
    n = snprintf(buf, cap,
                 "clockid: %d\nticks: %" PRIu64 "\nsettime flags: 0%o\n"
                 "it_value: (%ld, %ld)\nit_interval: (%ld, %ld)\n",
                 tf->clock, timer_kernel_ticks(tf->tm, false), tf->settime_flags,
                 (long)cur.it_value.tv_sec, cur.it_value.tv_nsec, (long)cur.it_interval.tv_sec,
                 cur.it_interval.tv_nsec);
    return (int)SB_MIN((size_t)SB_MAX(n, 0), cap);
}

static void tf_release(struct file *f)
{
    struct timerfd *tf = f->priv;

    timer_kernel_free(tf->tm);
    free(tf);
}

static const struct file_ops timerfd_fops = {
    .read = tf_read,
    .poll = tf_poll,
    .fdinfo = tf_fdinfo,
    .release = tf_release,
};

int timerfd_new(int clock, int flags, struct file **out)
{
    static struct super sb = {.fstype = "timerfd", .dev = 0x0e};
    struct timerfd *tf;

    if (flags & ~(TFD_NONBLOCK | TFD_CLOEXEC))
        return -EINVAL;
    tf = xzalloc(sizeof(*tf));
    waitq_init(&tf->wq);
    tf->clock = clock;
    tf->tm = timer_kernel_new(clock, &tf->wq);
    *out = anon_file_new(&sb, &timerfd_fops, O_RDWR | (flags & TFD_NONBLOCK ? O_NONBLOCK : 0), tf);
    return 0;
}

int timerfd_file_settime(struct file *f, int flags, const struct itimerspec *nv,
                         struct itimerspec *ov)
{
    struct timerfd *tf = f->priv;
    int r;

    if (f->ops != &timerfd_fops)
        return -EINVAL;
    if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
        return -EINVAL;
    r = timer_kernel_set(tf->tm, flags & TFD_TIMER_ABSTIME, nv, ov);
    if (r == 0) {
        tf->settime_flags = flags;
        waitq_wake_all(&tf->wq); /* the count went back to zero */
    }
    return r;
}

int timerfd_file_gettime(struct file *f, struct itimerspec *cur)
{
    struct timerfd *tf = f->priv;

    if (f->ops != &timerfd_fops)
        return -EINVAL;
    timer_kernel_get(tf->tm, cur);
    return 0;
}
