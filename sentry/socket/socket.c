/* sentry/socket/socket.c: sockfs: socket files, the family registry, and
 * the data iterators the families copy through. */
#include "sentry/socket/socket.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "lib/timespec.h"
#include "lib/xalloc.h"
#include "sentry/kernel/kernel.h"

static struct super sock_sb = { .fstype = "sockfs", .dev = 0x08 };
static uint64_t sock_ino_next = 20000;
static sock_create_fn families[AF_MAX];

uint64_t sock_new_ino(void)
{
    return __atomic_add_fetch(&sock_ino_next, 1, __ATOMIC_RELAXED);
}

void sock_family_register(int family, sock_create_fn create)
{
    if (family > 0 && family < AF_MAX)
        families[family] = create;
}

int sock_create(int family, int type, int protocol, struct socket **out)
{
    if (family == AF_UNIX)
        return unix_create(type, protocol, false, out);
    /* AF_INET/AF_INET6: the netstack registers its creator here. */
    if (family <= 0 || family >= AF_MAX || !families[family])
        return -EAFNOSUPPORT;
    return families[family](type, protocol, false, out);
}

int sock_cmsg_next(const uint8_t *ctl, size_t clen, size_t *off, struct sock_cmsg_in *c)
{
    uint64_t len;

    if (*off > clen || clen - *off < SOCK_CM_HDR)
        return 0;
    memcpy(&len, ctl + *off, sizeof(len));
    if (len < SOCK_CM_HDR || len > clen - *off)
        return -EINVAL;
    memcpy(&c->level, ctl + *off + 8, sizeof(int));
    memcpy(&c->type, ctl + *off + 12, sizeof(int));
    c->data = ctl + *off + SOCK_CM_HDR;
    c->len = (size_t)len - SOCK_CM_HDR;
    *off += SOCK_CM_ALIGN((size_t)len); /* may pass clen: the next call ends */
    return 1;
}

/* ---- iterators ---- */

void sock_iter_user(struct sock_iter *it, struct mm *mm, const struct iovec *iov, int niov,
                    size_t total)
{
    memset(it, 0, sizeof(*it));
    it->mm = mm;
    it->iov = iov;
    it->niov = niov;
    it->left = total;
}

void sock_iter_kernel(struct sock_iter *it, void *buf, size_t len)
{
    memset(it, 0, sizeof(*it));
    it->kbuf = buf;
    it->klen = len;
    it->left = len;
}

static int iter_move(struct sock_iter *it, void *kbuf, size_t n, bool in)
{
    uint8_t *p = kbuf;

    if (n > it->left)
        n = it->left;
    if (!it->mm) {
        if (in)
            memcpy(p, it->kbuf + it->off, n);
        else
            memcpy(it->kbuf + it->off, p, n);
        it->off += n;
        it->left -= n;
        return 0;
    }
    while (n) {
        size_t k;
        uint64_t ua;
        if (it->idx >= it->niov)
            return -EFAULT;
        if (it->off >= it->iov[it->idx].iov_len) {
            it->idx++;
            it->off = 0;
            continue;
        }
        k = SB_MIN(n, it->iov[it->idx].iov_len - it->off);
        ua = (uint64_t)it->iov[it->idx].iov_base + it->off;
        if (in ? mm_copy_in(it->mm, p, ua, k) : mm_copy_out(it->mm, ua, p, k))
            return -EFAULT;
        p += k;
        n -= k;
        it->off += k;
        it->left -= k;
    }
    return 0;
}

int sock_iter_in(struct sock_iter *it, void *dst, size_t n)
{
    return iter_move(it, dst, n, true);
}

int sock_iter_out(struct sock_iter *it, const void *src, size_t n)
{
    return iter_move(it, (void *)src, n, false);
}

void sock_scm_release(struct sock_scm *scm)
{
    if (!scm)
        return;
    for (int i = 0; i < scm->nfds; i++)
        file_put(scm->fds[i]);
    scm->nfds = 0;
}

struct sock_timeval {
    int64_t sec, usec;
};

int sock_timeo_parse(const void *val, size_t len, uint64_t *ns, bool *zero)
{
    struct sock_timeval tv;

    if (len < sizeof(tv))
        return -EINVAL;
    memcpy(&tv, val, sizeof(tv));
    if (tv.usec < 0 || tv.usec >= 1000000)
        return -EDOM;
    *ns = 0;
    *zero = tv.sec < 0; /* as Linux: never wait */
    if (tv.sec >= 0 && tv.sec <= (int64_t)(UINT64_MAX / 2000000000ull))
        *ns = (uint64_t)tv.sec * 1000000000ull + (uint64_t)tv.usec * 1000ull;
    return 0; /* farther than that: too far to matter, none */
}

size_t sock_timeo_put(uint64_t ns, void *val)
{
    struct sock_timeval tv = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull / 1000) };

    memcpy(val, &tv, sizeof(tv));
    return sizeof(tv);
}

const struct timespec *sock_deadline(uint64_t timeo_ns, struct timespec *buf)
{
    struct timespec rel;

    if (!timeo_ns)
        return NULL;
    rel = ns_to_ts(timeo_ns);
    ts_deadline_in(buf, &rel);
    return buf;
}

/* ---- the file ---- */

static long s_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct socket *s = f->priv;
    struct sock_msg m;

    memset(&m, 0, sizeof(m));
    sock_iter_kernel(&m.it, buf, len);
    return s->ops->recvmsg(s, &m, 0);
}

static long s_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    struct socket *s = f->priv;
    struct sock_msg m;

    memset(&m, 0, sizeof(m));
    sock_iter_kernel(&m.it, (void *)buf, len);
    return s->ops->sendmsg(s, &m, 0);
}

static unsigned s_poll(struct file *f, struct poll_req *pr)
{
    struct socket *s = f->priv;
    return s->ops->poll(s, pr);
}

static long s_ioctl(struct file *f, unsigned cmd, void *karg)
{
    struct socket *s = f->priv;
    int v = 0;
    long r;

    switch (cmd) {
    case FIONREAD: /* SIOCINQ */
    case SIOCOUTQ:
        if (!s->ops->ioctl)
            return -ENOTTY;
        r = s->ops->ioctl(s, cmd, &v);
        if (r < 0)
            return r;
        memcpy(karg, &v, sizeof(v));
        return 0;
    default:
        return -ENOTTY;
    }
}

static void s_release(struct file *f)
{
    struct socket *s = f->priv;

    if (s)
        s->ops->release(s);
}

static const struct file_ops sock_fops = {
    .read = s_read,
    .write = s_write,
    .poll = s_poll,
    .ioctl = s_ioctl,
    .release = s_release,
};

static int sock_ino_open(struct inode *ino, struct file *f)
{
    return -ENXIO; /* reopening through /proc/PID/fd: as Linux */
}

static const struct inode_ops sock_iops = { .open = sock_ino_open };

struct file *sock_file_new(struct socket *s, int flags)
{
    struct inode *ino;
    struct file *f;

    if (!s->ino)
        s->ino = sock_new_ino();
    ino = inode_new(&sock_sb, &sock_iops, &sock_fops, S_IFSOCK | 0777, s->ino);
    f = file_new(NULL, ino, O_RDWR | (flags & O_NONBLOCK));
    inode_put(ino);
    f->priv = s;
    f->fmode |= FILE_STREAM;
    s->file = f;
    return f;
}

struct socket *sock_of(struct file *f)
{
    return f && f->ops == &sock_fops ? f->priv : NULL;
}

bool sock_nonblock(struct socket *s)
{
    return s->file && (__atomic_load_n(&s->file->flags, __ATOMIC_RELAXED) & O_NONBLOCK);
}

long sock_rw(struct task *t, struct file *f, const struct iovec *iov, int niov, bool wr)
{
    struct socket *s = f->priv;
    struct sock_msg m;
    size_t total = 0;

    for (int i = 0; i < niov; i++) {
        if (iov[i].iov_len > 0x7ffff000UL - total) {
            total = 0x7ffff000UL;
            break;
        }
        total += iov[i].iov_len;
    }
    memset(&m, 0, sizeof(m));
    sock_iter_user(&m.it, t->mm, iov, niov, total);
    return wr ? s->ops->sendmsg(s, &m, 0) : s->ops->recvmsg(s, &m, 0);
}
