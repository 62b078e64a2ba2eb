/* sentry/fs/pipe.c: pipes: a ring buffer, reader and writer counts, and
 * wait queues; 64 KiB by default, PIPE_BUF-atomic writes.
 * Lock order: pipe->lock -> waitq locks. */
#include "sentry/fs/pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>

#include "lib/xalloc.h"
#include "sentry/kernel/kernel.h"

#define PIPE_DEF (64 * 1024)
#define PIPE_MAX (1024 * 1024)
#define PIPE_ATOMIC 4096

struct pipe {
    pthread_mutex_t lock;
    uint8_t *buf;
    size_t cap, head, len; /* data is buf[head .. head+len) mod cap */
    int readers, writers;
    struct waitq rq, wq;   /* readers wait for data, writers for room */
    int ref;
    struct file *async[8]; /* ends with O_ASYNC (not references) */
    /* Named pipes (fifo_open): the inode this pipe serves, the registry
     * link, and open counts that only grow (a blocked open waits for the
     * other side's count to move, so an open+close still wakes it). */
    struct inode *fifo;
    struct pipe *fifo_next;
    unsigned long ropens, wopens;
};

static pthread_mutex_t fifo_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pipe *fifo_list; /* fifo_lock */

/* Send the O_ASYNC signal of ends that want it (POLL_IN / POLL_OUT). */
static void notify_async(struct pipe *p, bool readers)
{
    struct file *targets[8];
    int n = 0;

    pthread_mutex_lock(&p->lock);
    for (int i = 0; i < 8; i++) {
        struct file *f = p->async[i];
        if (f && (((f->flags & O_ACCMODE) == O_RDONLY) == readers))
            targets[n++] = file_get(f);
    }
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < n; i++) {
        struct file *f = targets[i];
        if (f->owner)
            kernel_send_io_signal(f->owner, f->async_sig ? f->async_sig : SIGIO, f->async_fd,
                                  readers ? POLL_IN : POLL_OUT, f->async_sig != 0);
        file_put(f);
    }
}

static void p_fasync(struct file *f, int fd, bool on)
{
    struct pipe *p = f->priv;

    pthread_mutex_lock(&p->lock);
    for (int i = 0; i < 8; i++) {
        if (p->async[i] == f)
            p->async[i] = NULL;
    }
    if (on) {
        for (int i = 0; i < 8; i++) {
            if (!p->async[i]) {
                p->async[i] = f;
                break;
            }
        }
        f->async_fd = fd;
    }
    pthread_mutex_unlock(&p->lock);
}

static struct super pipe_sb = { .fstype = "pipefs", .dev = 0x0d };
static uint64_t pipe_ino = 1000;

static void pipe_put(struct pipe *p)
{
    if (p->fifo) {
        /* Under fifo_lock: fifo_open may be taking a new reference. */
        pthread_mutex_lock(&fifo_lock);
        if (--p->ref) {
            pthread_mutex_unlock(&fifo_lock);
            return;
        }
        for (struct pipe **pp = &fifo_list; *pp; pp = &(*pp)->fifo_next)
            if (*pp == p) {
                *pp = p->fifo_next;
                break;
            }
        pthread_mutex_unlock(&fifo_lock);
    } else if (__atomic_sub_fetch(&p->ref, 1, __ATOMIC_ACQ_REL)) {
        return;
    }
    free(p->buf);
    free(p);
}

static bool readable_or_eof(void *arg)
{
    struct pipe *p = arg;
    return p->len > 0 || p->writers == 0;
}

static long pipe_do_read(struct pipe *p, void *buf, size_t n, bool nonblock, bool peek)
{
    size_t done = 0;
    int r;

    if (!n)
        return 0;
    pthread_mutex_lock(&p->lock);
    while (p->len == 0) {
        if (p->writers == 0) {
            pthread_mutex_unlock(&p->lock);
            return 0;
        }
        if (nonblock) {
            pthread_mutex_unlock(&p->lock);
            return -EAGAIN;
        }
        pthread_mutex_unlock(&p->lock);
        r = task_wait_event(current_task, &p->rq, readable_or_eof, p, NULL);
        if (r)
            return r;
        pthread_mutex_lock(&p->lock);
    }
    if (peek) { /* tee: copy without consuming */
        for (size_t h = p->head, left = p->len; done < n && left;) {
            size_t k = SB_MIN(SB_MIN(n - done, left), p->cap - h);
            memcpy((uint8_t *)buf + done, p->buf + h, k);
            h = (h + k) % p->cap;
            left -= k;
            done += k;
        }
        pthread_mutex_unlock(&p->lock);
        return (long)done;
    }
    while (done < n && p->len) {
        size_t k = SB_MIN(SB_MIN(n - done, p->len), p->cap - p->head);
        memcpy((uint8_t *)buf + done, p->buf + p->head, k);
        p->head = (p->head + k) % p->cap;
        p->len -= k;
        done += k;
    }
    if (!p->len)
        p->head = 0;
    pthread_mutex_unlock(&p->lock);
    waitq_wake_all(&p->wq);
    notify_async(p, false);
    return (long)done;
}

static long p_read(struct file *f, void *buf, size_t n, uint64_t off)
{
    return pipe_do_read(f->priv, buf, n, f->flags & O_NONBLOCK, false);
}

struct room_arg {
    struct pipe *p;
    size_t need;
};

static bool room_or_broken(void *arg)
{
    struct room_arg *a = arg;
    return a->p->cap - a->p->len >= a->need || a->p->readers == 0;
}

static long pipe_do_write(struct pipe *p, const void *buf, size_t n, bool nonblock)
{
    size_t done = 0;
    int r;

    if (!n)
        return 0;
    pthread_mutex_lock(&p->lock);
    while (done < n) {
        size_t room, want;
        if (p->readers == 0) {
            pthread_mutex_unlock(&p->lock);
            /* SIGPIPE, even after a partial write, as Linux does. */
            if (current_task)
                task_signal_self(current_task, SIGPIPE);
            return done ? (long)done : -EPIPE;
        }
        room = p->cap - p->len;
        /* Up to PIPE_BUF bytes go in one piece; more may be split. */
        want = (n - done <= PIPE_ATOMIC && done == 0) ? n : 1;
        if (room < want) {
            struct room_arg ra = { p, want };
            if (nonblock) {
                pthread_mutex_unlock(&p->lock);
                return done ? (long)done : -EAGAIN;
            }
            pthread_mutex_unlock(&p->lock);
            if (done)
                waitq_wake_all(&p->rq);
            r = task_wait_event(current_task, &p->wq, room_or_broken, &ra, NULL);
            if (r)
                return done ? (long)done : r;
            pthread_mutex_lock(&p->lock);
            continue;
        }
        while (done < n && p->len < p->cap) {
            size_t tail = (p->head + p->len) % p->cap;
            size_t k = SB_MIN(n - done, SB_MIN(p->cap - p->len, p->cap - tail));
            memcpy(p->buf + tail, (const uint8_t *)buf + done, k);
            p->len += k;
            done += k;
        }
    }
    pthread_mutex_unlock(&p->lock);
    waitq_wake_all(&p->rq);
    notify_async(p, true);
    return (long)done;
}

static long p_write(struct file *f, const void *buf, size_t n, uint64_t off)
{
    return pipe_do_write(f->priv, buf, n, f->flags & O_NONBLOCK);
}

long pipe_read_flags(struct file *f, void *buf, size_t n, bool nonblock, bool peek)
{
    return pipe_do_read(f->priv, buf, n, nonblock || (f->flags & O_NONBLOCK), peek);
}

long pipe_write_flags(struct file *f, const void *buf, size_t n, bool nonblock)
{
    return pipe_do_write(f->priv, buf, n, nonblock || (f->flags & O_NONBLOCK));
}

size_t pipe_room(struct file *f)
{
    struct pipe *p = f->priv;
    size_t r;

    pthread_mutex_lock(&p->lock);
    r = p->cap - p->len;
    pthread_mutex_unlock(&p->lock);
    return r;
}

bool pipe_same(struct file *a, struct file *b)
{
    return a->priv == b->priv;
}

static unsigned p_poll(struct file *f, struct poll_req *pr)
{
    struct pipe *p = f->priv;
    unsigned m = 0;
    int acc = f->flags & O_ACCMODE;
    bool rd = acc != O_WRONLY, wr = acc != O_RDONLY; /* a fifo may be O_RDWR */

    if (pr && rd)
        poll_wait(pr, &p->rq);
    if (pr && wr)
        poll_wait(pr, &p->wq);
    pthread_mutex_lock(&p->lock);
    if (rd) {
        if (p->len)
            m |= POLLIN | POLLRDNORM;
        if (!p->writers)
            m |= POLLHUP;
    }
    if (wr) {
        if (p->cap - p->len >= PIPE_ATOMIC)
            m |= POLLOUT | POLLWRNORM;
        if (!p->readers)
            m |= POLLERR;
    }
    pthread_mutex_unlock(&p->lock);
    return m;
}

static void p_release(struct file *f)
{
    struct pipe *p = f->priv;

    pthread_mutex_lock(&p->lock);
    for (int i = 0; i < 8; i++)
        if (p->async[i] == f)
            p->async[i] = NULL;
    if ((f->flags & O_ACCMODE) != O_WRONLY)
        p->readers--;
    if ((f->flags & O_ACCMODE) != O_RDONLY)
        p->writers--;
    pthread_mutex_unlock(&p->lock);
    waitq_wake_all(&p->rq);
    waitq_wake_all(&p->wq);
    pipe_put(p);
}

static long p_ioctl(struct file *f, unsigned cmd, void *karg)
{
    return -ENOTTY;
}

static const struct file_ops pipe_fops = {
    .read = p_read,
    .write = p_write,
    .poll = p_poll,
    .fasync = p_fasync,
    .release = p_release,
    .ioctl = p_ioctl,
};

bool pipe_is(struct file *f)
{
    return f->ops == &pipe_fops;
}

int pipe_nread(struct file *f)
{
    struct pipe *p = f->priv;
    int n;
    pthread_mutex_lock(&p->lock);
    n = (int)p->len;
    pthread_mutex_unlock(&p->lock);
    return n;
}

long pipe_get_size(struct file *f)
{
    return (long)((struct pipe *)f->priv)->cap;
}

long pipe_set_size(struct file *f, unsigned long want)
{
    struct pipe *p = f->priv;
    size_t cap = 4096;
    uint8_t *nb;

    if (want > PIPE_MAX)
        return -EPERM;
    while (cap < want)
        cap <<= 1;
    pthread_mutex_lock(&p->lock);
    if (cap < p->len) {
        pthread_mutex_unlock(&p->lock);
        return -EBUSY;
    }
    nb = xzalloc(cap);
    for (size_t i = 0; i < p->len; i++)
        nb[i] = p->buf[(p->head + i) % p->cap];
    free(p->buf);
    p->buf = nb;
    p->cap = cap;
    p->head = 0;
    pthread_mutex_unlock(&p->lock);
    waitq_wake_all(&p->wq);
    return (long)cap;
}

struct open_wait {
    struct pipe *p;
    unsigned long *count, seen;
};

static bool count_moved(void *arg)
{
    struct open_wait *w = arg;
    return __atomic_load_n(w->count, __ATOMIC_ACQUIRE) != w->seen;
}

int pipe_fifo_open(struct inode *ino, struct file *f)
{
    int acc = f->flags & O_ACCMODE, r = 0;
    struct open_wait w;
    struct pipe *p;

    pthread_mutex_lock(&fifo_lock);
    for (p = fifo_list; p && p->fifo != ino; p = p->fifo_next)
        ;
    if (!p) {
        p = xzalloc(sizeof(*p));
        pthread_mutex_init(&p->lock, NULL);
        p->cap = PIPE_DEF;
        p->buf = xzalloc(p->cap);
        waitq_init(&p->rq);
        waitq_init(&p->wq);
        p->fifo = ino;
        p->fifo_next = fifo_list;
        fifo_list = p;
    }
    p->ref++;
    pthread_mutex_unlock(&fifo_lock);

    pthread_mutex_lock(&p->lock);
    w = (struct open_wait){ .p = p };
    if (acc == O_WRONLY && !p->readers && (f->flags & O_NONBLOCK)) {
        pthread_mutex_unlock(&p->lock);
        pipe_put(p);
        return -ENXIO;
    }
    if (acc != O_WRONLY) {
        p->readers++;
        __atomic_add_fetch(&p->ropens, 1, __ATOMIC_RELEASE);
    }
    if (acc != O_RDONLY) {
        p->writers++;
        __atomic_add_fetch(&p->wopens, 1, __ATOMIC_RELEASE);
    }
    /* Blocking opens of one side wait for the other side to appear. */
    if (acc == O_RDONLY && !p->writers && !(f->flags & O_NONBLOCK)) {
        w.count = &p->wopens;
        w.seen = p->wopens;
    } else if (acc == O_WRONLY && !p->readers) {
        w.count = &p->ropens;
        w.seen = p->ropens;
    }
    pthread_mutex_unlock(&p->lock);
    waitq_wake_all(&p->rq);
    waitq_wake_all(&p->wq);
    if (w.count) {
        r = task_wait_event(current_task, acc == O_RDONLY ? &p->rq : &p->wq, count_moved, &w,
                            NULL);
        if (r) {
            pthread_mutex_lock(&p->lock);
            if (acc == O_RDONLY)
                p->readers--;
            else
                p->writers--;
            pthread_mutex_unlock(&p->lock);
            waitq_wake_all(&p->rq);
            waitq_wake_all(&p->wq);
            pipe_put(p);
            return r;
        }
    }
    f->priv = p;
    f->ops = &pipe_fops;
    f->fmode |= FILE_STREAM;
    return 0;
}

/* Reopening an anonymous pipe through /proc/PID/fd/N (or /dev/stdin): a
 * new end of the same pipe, as the open flags ask. */
static int pipe_reopen(struct inode *ino, struct file *f)
{
    struct pipe *p = ino->priv;
    int acc = f->flags & O_ACCMODE;

    pthread_mutex_lock(&p->lock);
    if (acc != O_WRONLY)
        p->readers++;
    if (acc != O_RDONLY)
        p->writers++;
    pthread_mutex_unlock(&p->lock);
    __atomic_add_fetch(&p->ref, 1, __ATOMIC_ACQ_REL);
    waitq_wake_all(&p->rq);
    waitq_wake_all(&p->wq);
    f->priv = p;
    f->fmode |= FILE_STREAM;
    return 0;
}

static void pipe_ino_release(struct inode *ino)
{
    pipe_put(ino->priv);
}

static const struct inode_ops pipe_iops = { .open = pipe_reopen, .release = pipe_ino_release };

int pipe_create(struct file **rd, struct file **wr, int flags)
{
    struct pipe *p = xzalloc(sizeof(*p));
    struct inode *ino;

    pthread_mutex_init(&p->lock, NULL);
    p->cap = PIPE_DEF;
    p->buf = xzalloc(p->cap);
    p->readers = p->writers = 1;
    p->ref = 3; /* the two ends and the inode */
    waitq_init(&p->rq);
    waitq_init(&p->wq);
    ino = inode_new(&pipe_sb, &pipe_iops, &pipe_fops, S_IFIFO | 0600,
                    __atomic_add_fetch(&pipe_ino, 1, __ATOMIC_RELAXED));
    ino->priv = p;
    *rd = file_new(NULL, ino, O_RDONLY | (flags & O_NONBLOCK) | O_LARGEFILE);
    *wr = file_new(NULL, ino, O_WRONLY | (flags & O_NONBLOCK) | O_LARGEFILE);
    inode_put(ino);
    (*rd)->priv = p;
    (*wr)->priv = p;
    (*rd)->fmode |= FILE_STREAM;
    (*wr)->fmode |= FILE_STREAM;
    return 0;
}
