/* sentry/syscalls/sys_splice.c: splice, tee and vmsplice.
 *
 * There are no page references to move between a pipe and a file here:
 * the bytes are copied through a Sentry buffer, at most one pipe's worth
 * per call, which is what splice(2) promises anyway (it may move less than
 * asked). */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/uio.h>

#include "lib/xalloc.h"
#include "sentry/fs/pipe.h"

#define SPLICE_F_MOVE_ 1u
#define SPLICE_F_NONBLOCK_ 2u
#define SPLICE_F_MORE_ 4u
#define SPLICE_F_GIFT_ 8u
#define SPLICE_CHUNK (64u << 10)

static bool is_pipe(struct file *f)
{
    return pipe_is(f);
}

/* The offset a splice end uses: *uoff when given (never for a pipe), else
 * the file position. */
static long get_off(struct task *t, struct file *f, uint64_t uoff, int64_t *off)
{
    if (uoff) {
        if (is_pipe(f))
            return -ESPIPE;
        if (mm_copy_in(t->mm, off, uoff, sizeof(*off)))
            return -EFAULT;
        if (*off < 0)
            return -EINVAL;
        return 0;
    }
    *off = (int64_t)f->pos;
    return 0;
}

static long put_off(struct task *t, struct file *f, uint64_t uoff, int64_t off)
{
    if (uoff)
        return mm_copy_out(t->mm, uoff, &off, sizeof(off)) ? -EFAULT : 0;
    if (!is_pipe(f))
        f->pos = (uint64_t)off;
    return 0;
}

long sys_splice(struct task *t, const struct syscall_args *a)
{
    struct file *in = fdt_get(t->fdt, (int)a->a[0]), *out = fdt_get(t->fdt, (int)a->a[2]);
    size_t len = a->a[4];
    unsigned flags = (unsigned)a->a[5];
    bool nb = flags & SPLICE_F_NONBLOCK_;
    int64_t ioff = 0, ooff = 0;
    char *buf = NULL;
    long r, n = 0;

    if (!in || !out) {
        r = -EBADF;
        goto out;
    }
    if (flags & ~(SPLICE_F_MOVE_ | SPLICE_F_NONBLOCK_ | SPLICE_F_MORE_ | SPLICE_F_GIFT_)) {
        r = -EINVAL;
        goto out;
    }
    if ((in->flags & O_PATH) || (out->flags & O_PATH) || (in->flags & O_ACCMODE) == O_WRONLY ||
        (out->flags & O_ACCMODE) == O_RDONLY || !in->ops || !out->ops || !in->ops->read ||
        !out->ops->write) {
        r = -EBADF;
        goto out;
    }
    if (!is_pipe(in) && !is_pipe(out)) {
        r = -EINVAL;
        goto out;
    }
    if (is_pipe(in) && is_pipe(out) && pipe_same(in, out)) {
        r = -EINVAL;
        goto out;
    }
    if (out->flags & O_APPEND) {
        r = -EINVAL;
        goto out;
    }
    if ((r = get_off(t, in, a->a[1], &ioff)) || (r = get_off(t, out, a->a[3], &ooff)))
        goto out;
    if (len == 0)
        goto out;
    len = SB_MIN(len, (size_t)SPLICE_CHUNK);
    if (is_pipe(out)) {
        size_t room = pipe_room(out);
        if (!room && (nb || (out->flags & O_NONBLOCK))) {
            r = -EAGAIN;
            goto out;
        }
        if (room)
            len = SB_MIN(len, room);
    }
    buf = xzalloc(len);
    if (!a->a[1] && !is_pipe(in))
        pthread_mutex_lock(&in->lock);
    if (is_pipe(in))
        n = pipe_read_flags(in, buf, len, nb, false);
    else
        n = in->ops->read(in, buf, len, (uint64_t)ioff);
    if (n > 0) {
        long w = 0;
        while (w < n) {
            long k = is_pipe(out) ? pipe_write_flags(out, buf + w, (size_t)(n - w), nb)
                                  : out->ops->write(out, buf + w, (size_t)(n - w),
                                                    (uint64_t)(ooff + w));
            if (k <= 0) {
                if (!w)
                    w = k ? k : -EIO;
                break;
            }
            w += k;
        }
        if (w > 0) {
            if (!is_pipe(in))
                ioff += w; /* only what went through counts as read */
            ooff += w;
        }
        n = w;
    }
    if (n > 0 && !is_pipe(in))
        r = put_off(t, in, a->a[1], ioff);
    if (!a->a[1] && !is_pipe(in))
        pthread_mutex_unlock(&in->lock);
    if (n > 0 && !r && !is_pipe(out)) {
        if (!a->a[3])
            pthread_mutex_lock(&out->lock);
        r = put_off(t, out, a->a[3], ooff);
        if (!a->a[3])
            pthread_mutex_unlock(&out->lock);
    }
    if (!r)
        r = n;
out:
    free(buf);
    file_put(in);
    file_put(out);
    return r;
}

long sys_tee(struct task *t, const struct syscall_args *a)
{
    struct file *in = fdt_get(t->fdt, (int)a->a[0]), *out = fdt_get(t->fdt, (int)a->a[1]);
    size_t len = a->a[2];
    unsigned flags = (unsigned)a->a[3];
    bool nb = flags & SPLICE_F_NONBLOCK_;
    char *buf = NULL;
    long r = 0, n;

    if (!in || !out) {
        r = -EBADF;
        goto out;
    }
    if (flags & ~(SPLICE_F_MOVE_ | SPLICE_F_NONBLOCK_ | SPLICE_F_MORE_ | SPLICE_F_GIFT_) ||
        !is_pipe(in) || !is_pipe(out) || pipe_same(in, out) ||
        (in->flags & O_ACCMODE) == O_WRONLY || (out->flags & O_ACCMODE) == O_RDONLY) {
        r = -EINVAL;
        goto out;
    }
    if (!len)
        goto out;
    len = SB_MIN(len, (size_t)SPLICE_CHUNK);
    {
        size_t room = pipe_room(out);
        if (!room && (nb || (out->flags & O_NONBLOCK))) {
            r = -EAGAIN;
            goto out;
        }
        if (room)
            len = SB_MIN(len, room);
    }
    buf = xzalloc(len);
    n = pipe_read_flags(in, buf, len, nb, true);
    if (n > 0)
        n = pipe_write_flags(out, buf, (size_t)n, nb);
    r = n;
out:
    free(buf);
    file_put(in);
    file_put(out);
    return r;
}

/* vmsplice: user memory into a pipe's write end, or (Linux allows it) a
 * pipe's read end into user memory. */
long sys_vmsplice(struct task *t, const struct syscall_args *a)
{
    struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    uint64_t nr = a->a[2];
    unsigned flags = (unsigned)a->a[3];
    bool nb = flags & SPLICE_F_NONBLOCK_;
    struct iovec *iov = NULL;
    char *buf = NULL;
    long r = 0, total = 0;

    if (!f)
        return -EBADF;
    if (!is_pipe(f)) {
        r = -EBADF;
        goto out;
    }
    if (flags & ~(SPLICE_F_MOVE_ | SPLICE_F_NONBLOCK_ | SPLICE_F_MORE_ | SPLICE_F_GIFT_) ||
        nr > 1024) {
        r = -EINVAL;
        goto out;
    }
    iov = xzalloc(sizeof(*iov) * (nr ? nr : 1));
    if (nr && mm_copy_in(t->mm, iov, a->a[1], sizeof(*iov) * nr)) {
        r = -EFAULT;
        goto out;
    }
    for (uint64_t i = 0; i < nr; i++) {
        size_t len = SB_MIN(iov[i].iov_len, (size_t)SPLICE_CHUNK);
        long n;

        if ((ssize_t)iov[i].iov_len < 0) {
            r = -EINVAL;
            goto out;
        }
        if (!len)
            continue;
        free(buf);
        buf = xzalloc(len);
        if ((f->flags & O_ACCMODE) == O_RDONLY) {
            n = pipe_read_flags(f, buf, len, nb || total, false);
            if (n > 0 && mm_copy_out(t->mm, (uint64_t)iov[i].iov_base, buf, (size_t)n))
                n = -EFAULT;
        } else {
            if (mm_copy_in(t->mm, buf, (uint64_t)iov[i].iov_base, len)) {
                n = -EFAULT;
            } else {
                n = pipe_write_flags(f, buf, len, nb);
            }
        }
        if (n <= 0) {
            if (!total)
                r = n;
            break;
        }
        total += n;
        if ((size_t)n < len)
            break;
    }
    if (total)
        r = total;
out:
    free(buf);
    free(iov);
    file_put(f);
    return r;
}
