/* sentry/fs/eventfd.c: eventfd(2): a 64-bit counter with blocking reads
 * and writes, EFD_SEMAPHORE, and poll readiness.
 * Lock order: eventfd->lock -> waitq locks (the waitq is woken after the
 * lock is dropped). */
#include "sentry/fs/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>

#include "lib/xalloc.h"
#include "sentry/kernel/kernel.h"

#define EFD_MAX UINT64_C(0xfffffffffffffffe)

struct eventfd {
    pthread_mutex_t lock;
    uint64_t count;
    bool semaphore;
    struct waitq wq; /* readers and writers, and pollers */
    unsigned id;
};

static bool readable(void *arg)
{
    struct eventfd *e = arg;
    return __atomic_load_n(&e->count, __ATOMIC_ACQUIRE) > 0;
}

struct wr_arg {
    struct eventfd *e;
    uint64_t v;
};

static bool room(void *arg)
{
    struct wr_arg *w = arg;
    return EFD_MAX - __atomic_load_n(&w->e->count, __ATOMIC_ACQUIRE) >= w->v;
}

static long e_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct eventfd *e = f->priv;
    uint64_t v;
    int r;

    if (len < 8)
        return -EINVAL;
    for (;;) {
        pthread_mutex_lock(&e->lock);
        if (e->count) {
            v = e->semaphore ? 1 : e->count;
            e->count -= v;
            pthread_mutex_unlock(&e->lock);
            break;
        }
        pthread_mutex_unlock(&e->lock);
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if ((r = task_wait_event(current_task, &e->wq, readable, e, NULL)))
            return r;
    }
    waitq_wake_all(&e->wq); /* writers waiting for room */
    memcpy(buf, &v, 8);
    return 8;
}

static long e_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    struct eventfd *e = f->priv;
    struct wr_arg wa = {e, 0};
    int r;

    if (len < 8)
        return -EINVAL;
    memcpy(&wa.v, buf, 8);
    if (wa.v == UINT64_MAX)
        return -EINVAL;
    for (;;) {
        pthread_mutex_lock(&e->lock);
        if (EFD_MAX - e->count >= wa.v) {
            e->count += wa.v;
            pthread_mutex_unlock(&e->lock);
            break;
        }
        pthread_mutex_unlock(&e->lock);
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if ((r = task_wait_event(current_task, &e->wq, room, &wa, NULL)))
            return r;
    }
    if (wa.v)
        waitq_wake_all(&e->wq);
    return 8;
}

static unsigned e_poll(struct file *f, struct poll_req *pr)
{
    struct eventfd *e = f->priv;
    unsigned m = 0;
    uint64_t c;

    if (pr)
        poll_wait(pr, &e->wq);
    c = __atomic_load_n(&e->count, __ATOMIC_ACQUIRE);
    if (c > 0)
        m |= POLLIN | POLLRDNORM;
    if (c == UINT64_MAX)
        m |= POLLERR;
    if (c < EFD_MAX)
        m |= POLLOUT | POLLWRNORM;
    return m;
}

static int e_fdinfo(struct file *f, char *buf, size_t cap)
{
    struct eventfd *e = f->priv;
    int n;

    pthread_mutex_lock(&e->lock);
    n = snprintf(buf, cap, "eventfd-count: %16" PRIx64 "\neventfd-id: %u\neventfd-semaphore: %d\n",
                 e->count, e->id, e->semaphore);
    pthread_mutex_unlock(&e->lock);
    return (int)SB_MIN((size_t)SB_MAX(n, 0), cap);
}

static void e_release(struct file *f)
{
    free(f->priv);
}

static const struct file_ops eventfd_fops = {
    .read = e_read,
    .write = e_write,
    .poll = e_poll,
    .fdinfo = e_fdinfo,
    .release = e_release,
};

int eventfd_new(unsigned initval, int flags, struct file **out)
{
    static struct super sb = {.fstype = "eventfd", .dev = 0x0e};
    static unsigned next_id;
    struct eventfd *e;

    if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC))
        return -EINVAL;
    e = xzalloc(sizeof(*e));
    pthread_mutex_init(&e->lock, NULL);
    waitq_init(&e->wq);
    e->count = initval;
    e->semaphore = flags & EFD_SEMAPHORE;
    e->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
    *out = anon_file_new(&sb, &eventfd_fops, O_RDWR | (flags & EFD_NONBLOCK ? O_NONBLOCK : 0), e);
    return 0;
}

bool eventfd_is(struct file *f)
{
    return f && f->ops == &eventfd_fops;
}

void eventfd_signal(struct file *f, uint64_t n)
{
    struct eventfd *e = f->priv;

    pthread_mutex_lock(&e->lock);
    n = SB_MIN(n, UINT64_MAX - e->count); /* saturates, as Linux's */
    e->count += n;
    pthread_mutex_unlock(&e->lock);
    waitq_wake_all(&e->wq);
}
