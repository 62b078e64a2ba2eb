/* sentry/syscalls/sys_socket.c: the socket calls: decode addresses,
 * msghdrs, iovecs and control messages from the application, hand them to
 * the socket's family (sentry/socket/), and write results back with the
 * lengths Linux reports. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "lib/xalloc.h"
#include "sentry/socket/socket.h"

#define SOCK_FLAGS (SOCK_NONBLOCK | SOCK_CLOEXEC)
#define MAX_RW 0x7ffff000UL
#define UIO_MAXIOV_ 1024
#define OPTMEM_MAX 131072 /* net.core.optmem_max */
#define OPT_BUF 256

static void file_putp(struct file **f)
{
    if (*f)
        file_put(*f);
}
#define _cleanup_file_ __attribute__((cleanup(file_putp)))

/* The socket at fd (its file referenced in *fp): -EBADF or -ENOTSOCK. */
static int sock_at(struct task *t, int fd, struct file **fp, struct socket **sp)
{
    struct file *f = fdt_get(t->fdt, fd);

    if (!f)
        return -EBADF;
    if (!(*sp = sock_of(f))) {
        file_put(f);
        return -ENOTSOCK;
    }
    *fp = f;
    return 0;
}

/* move_addr_to_kernel: 0..128 bytes. */
static int addr_in(struct task *t, uint64_t uaddr, uint64_t ulen, struct sockaddr_storage *ss,
                   size_t *len)
{
    int l = (int)ulen;

    if (l < 0 || (size_t)l > sizeof(*ss))
        return -EINVAL;
    memset(ss, 0, sizeof(*ss));
    *len = (size_t)l;
    if (l && mm_copy_in(t->mm, ss, uaddr, (size_t)l))
        return -EFAULT;
    return 0;
}

/* move_addr_to_user: copy what fits, report the real length. */
static int addr_out(struct task *t, const struct sockaddr_storage *ss, size_t klen,
                    uint64_t uaddr, uint64_t ulenp)
{
    int len;

    if (mm_copy_in(t->mm, &len, ulenp, sizeof(len)))
        return -EFAULT;
    if ((size_t)len > klen && len >= 0)
        len = (int)klen;
    if (len < 0)
        return -EINVAL;
    if (len && mm_copy_out(t->mm, uaddr, ss, (size_t)len))
        return -EFAULT;
    len = (int)klen;
    return mm_copy_out(t->mm, ulenp, &len, sizeof(len)) ? -EFAULT : 0;
}

static int install(struct task *t, struct socket *s, int flags)
{
    struct file *f = sock_file_new(s, flags);
    int fd = fdt_install(t->fdt, f, 0, flags & SOCK_CLOEXEC);

    file_put(f); /* the table's reference, or the release on failure */
    return fd;
}

long sys_socket(struct task *t, const struct syscall_args *a)
{
    int domain = (int)a->a[0], type = (int)a->a[1], proto = (int)a->a[2];
    int flags = type & ~0xf;
    struct socket *s;
    int r;

    type &= 0xf;
    if (flags & ~SOCK_FLAGS)
        return -EINVAL;
    if (domain < 0 || domain >= AF_MAX)
        return -EAFNOSUPPORT;
    if (type >= 11 /* SOCK_MAX */)
        return -EINVAL;
    if ((r = sock_create(domain, type, proto, &s)))
        return r;
    return install(t, s, flags);
}

long sys_socketpair(struct task *t, const struct syscall_args *a)
{
    int domain = (int)a->a[0], type = (int)a->a[1], proto = (int)a->a[2];
    int flags = type & ~0xf, fd[2];
    struct socket *x, *y;
    int r;

    type &= 0xf;
    if (flags & ~SOCK_FLAGS)
        return -EINVAL;
    if (domain < 0 || domain >= AF_MAX)
        return -EAFNOSUPPORT;
    if (type >= 11)
        return -EINVAL;
    if (domain != AF_UNIX) /* AF_INET has no pairs (EOPNOTSUPP once it exists) */
        return -EAFNOSUPPORT;
    if ((r = unix_socketpair(type, proto, &x, &y)))
        return r;
    fd[0] = install(t, x, flags);
    if (fd[0] < 0) {
        y->ops->release(y);
        return fd[0];
    }
    fd[1] = install(t, y, flags);
    if (fd[1] < 0) {
        fdt_close(t->fdt, fd[0]);
        return fd[1];
    }
    if (mm_copy_out(t->mm, a->a[3], fd, sizeof(fd))) {
        fdt_close(t->fdt, fd[0]);
        fdt_close(t->fdt, fd[1]);
        return -EFAULT;
    }
    return 0;
}

long sys_bind(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    struct sockaddr_storage ss;
    struct socket *s;
    size_t len;
    int r;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    if ((r = addr_in(t, a->a[1], a->a[2], &ss, &len)))
        return r;
    return s->ops->bind(s, &ss, len);
}

long sys_connect(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    struct sockaddr_storage ss;
    struct socket *s;
    size_t len;
    int r;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    if ((r = addr_in(t, a->a[1], a->a[2], &ss, &len)))
        return r;
    return s->ops->connect(s, &ss, len);
}

long sys_listen(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    struct socket *s;
    int r;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    return s->ops->listen(s, (int)a->a[1]);
}

static long do_accept(struct task *t, int fd, uint64_t uaddr, uint64_t ulenp, int flags)
{
    _cleanup_file_ struct file *f = NULL;
    struct sockaddr_storage ss;
    struct socket *s, *n;
    struct file *nf;
    size_t len;
    int r, nfd;

    if (flags & ~SOCK_FLAGS)
        return -EINVAL;
    if ((r = sock_at(t, fd, &f, &s)))
        return r;
    if ((r = s->ops->accept(s, &n, sock_nonblock(s))))
        return r;
    nf = sock_file_new(n, flags);
    if (uaddr) {
        if ((r = n->ops->getname(n, &ss, &len, true)) == -ENOTCONN) {
            memset(&ss, 0, sizeof(ss));
            ss.ss_family = AF_UNIX;
            len = sizeof(sa_family_t);
            r = 0;
        }
        if (!r)
            r = addr_out(t, &ss, len, uaddr, ulenp);
        if (r) {
            file_put(nf);
            return r;
        }
    }
    nfd = fdt_install(t->fdt, nf, 0, flags & SOCK_CLOEXEC);
    file_put(nf);
    return nfd;
}

long sys_accept(struct task *t, const struct syscall_args *a)
{
    return do_accept(t, (int)a->a[0], a->a[1], a->a[2], 0);
}

long sys_accept4(struct task *t, const struct syscall_args *a)
{
    return do_accept(t, (int)a->a[0], a->a[1], a->a[2], (int)a->a[3]);
}

static long do_getname(struct task *t, const struct syscall_args *a, bool peer)
{
    _cleanup_file_ struct file *f = NULL;
    struct sockaddr_storage ss;
    struct socket *s;
    size_t len;
    int r;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    if ((r = s->ops->getname(s, &ss, &len, peer)))
        return r;
    return addr_out(t, &ss, len, a->a[1], a->a[2]);
}

long sys_getsockname(struct task *t, const struct syscall_args *a)
{
    return do_getname(t, a, false);
}

long sys_getpeername(struct task *t, const struct syscall_args *a)
{
    return do_getname(t, a, true);
}

long sys_shutdown(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    struct socket *s;
    int r;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    return s->ops->shutdown(s, (int)a->a[1]);
}

long sys_setsockopt(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    uint8_t kbuf[OPT_BUF] __attribute__((aligned(8)));
    int len = (int)a->a[4];
    struct socket *s;
    int r;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    if (len < 0)
        return -EINVAL;
    memset(kbuf, 0, sizeof(kbuf));
    if (len && mm_copy_in(t->mm, kbuf, a->a[3], SB_MIN((size_t)len, sizeof(kbuf))))
        return -EFAULT;
    return s->ops->setsockopt(s, (int)a->a[1], (int)a->a[2], kbuf, (size_t)len);
}

long sys_getsockopt(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    uint8_t kbuf[OPT_BUF] __attribute__((aligned(8)));
    struct socket *s;
    size_t klen;
    int len, r;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    if (mm_copy_in(t->mm, &len, a->a[4], sizeof(len)))
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    memset(kbuf, 0, sizeof(kbuf));
    klen = SB_MIN((size_t)len, sizeof(kbuf));
    if ((r = s->ops->getsockopt(s, (int)a->a[1], (int)a->a[2], kbuf, &klen)))
        return r;
    if (klen && mm_copy_out(t->mm, a->a[3], kbuf, klen))
        return -EFAULT;
    len = (int)klen;
    return mm_copy_out(t->mm, a->a[4], &len, sizeof(len)) ? -EFAULT : 0;
}

/* ---- messages ---- */

/* The app's struct msghdr (x86-64 layout). */
struct umsghdr {
    uint64_t name;
    uint32_t namelen;
    uint32_t pad0;
    uint64_t iov;
    uint64_t iovlen;
    uint64_t control;
    uint64_t controllen;
    int32_t flags;
    uint32_t pad1;
};

struct umcmsghdr {
    uint64_t len;
    int32_t level, type;
};
#define CM_ALIGN(n) (((n) + 7) & ~(size_t)7)
#define CM_HDR sizeof(struct umcmsghdr)

/* The iovecs of a message: EMSGSIZE over 1024, EINVAL for a negative
 * length; the total is capped as Linux caps it. */
static int iov_in(struct task *t, uint64_t uiov, uint64_t n, struct iovec **out, size_t *total)
{
    struct iovec *iov;

    *total = 0;
    if (n > UIO_MAXIOV_)
        return -EMSGSIZE;
    iov = xzalloc(sizeof(*iov) * (n ? n : 1));
    if (n && mm_copy_in(t->mm, iov, uiov, sizeof(*iov) * n)) {
        free(iov);
        return -EFAULT;
    }
    for (uint64_t i = 0; i < n; i++) {
        if ((ssize_t)iov[i].iov_len < 0) {
            free(iov);
            return -EINVAL;
        }
        if (iov[i].iov_len > MAX_RW - *total)
            iov[i].iov_len = MAX_RW - *total;
        *total += iov[i].iov_len;
    }
    *out = iov;
    return 0;
}

/* Parse SOL_SOCKET control messages (__scm_send). */
static int scm_parse(struct task *t, const uint8_t *ctl, size_t clen, struct sock_scm *scm)
{
    struct sock_cmsg_in c;
    size_t off = 0;
    int r;

    while ((r = sock_cmsg_next(ctl, clen, &off, &c)) > 0) {
        if (c.level != SOL_SOCKET)
            continue;
        if (c.type == SCM_RIGHTS) {
            int num = (int)(c.len / sizeof(int));
            if (num > SOCK_MAX_FDS || scm->nfds + num > SOCK_MAX_FDS)
                return -EINVAL;
            for (int i = 0; i < num; i++) {
                int fd;
                struct file *f;
                memcpy(&fd, c.data + i * sizeof(int), sizeof(fd));
                if (fd < 0 || !(f = fdt_get(t->fdt, fd)))
                    return -EBADF;
                scm->fds[scm->nfds++] = f;
            }
        } else if (c.type == SCM_CREDENTIALS) {
            struct ucred uc;
            const struct creds *cr = &t->cred;
            bool found;
            if (c.len != sizeof(uc))
                return -EINVAL;
            memcpy(&uc, c.data, sizeof(uc));
            if (uc.uid == (uid_t)-1 || uc.gid == (gid_t)-1)
                return -EINVAL;
            if (!(uc.pid == t->proc->tgid || capable(t, CAP_SYS_ADMIN)) ||
                !(uc.uid == cr->uid || uc.uid == cr->euid || uc.uid == cr->suid ||
                  capable(t, CAP_SETUID)) ||
                !(uc.gid == cr->gid || uc.gid == cr->egid || uc.gid == cr->sgid ||
                  capable(t, CAP_SETGID)))
                return -EPERM;
            pthread_mutex_lock(&t->k->lock);
            found = uc.pid > 0 && uc.pid < PID_MAX && pid_process(t->k, uc.pid);
            pthread_mutex_unlock(&t->k->lock);
            if (!found)
                return -ESRCH;
            scm->has_creds = true;
            scm->creds = (struct sock_ucred){ uc.pid, uc.uid, uc.gid };
        } else {
            return -EINVAL;
        }
    }
    return r;
}

static long do_sendmsg(struct task *t, struct socket *s, const struct umsghdr *h, int flags)
{
    _cleanup_free_ struct iovec *iov = NULL;
    _cleanup_free_ uint8_t *ctl = NULL;
    struct sock_scm *scm = NULL;
    struct sock_msg m;
    size_t total;
    long r;

    memset(&m, 0, sizeof(m));
    if (h->name && h->namelen) {
        if ((r = addr_in(t, h->name, h->namelen, &m.name, &m.namelen)))
            return r;
    }
    if ((r = iov_in(t, h->iov, h->iovlen, &iov, &total)))
        return r;
    if (h->controllen) {
        if (h->controllen > INT32_MAX || h->controllen > OPTMEM_MAX)
            return -ENOBUFS;
        ctl = xzalloc(h->controllen);
        if (mm_copy_in(t->mm, ctl, h->control, h->controllen))
            return -EFAULT;
    }
    if (h->controllen && (s->family == AF_INET || s->family == AF_INET6)) {
        /* ip_cmsg_send / ip6_datagram_send_ctl read every level. */
        m.ctl = ctl;
        m.ctllen = h->controllen;
    } else if (h->controllen) {
        scm = xzalloc(sizeof(*scm));
        if ((r = scm_parse(t, ctl, h->controllen, scm))) {
            sock_scm_release(scm);
            free(scm);
            return r;
        }
    }
    sock_iter_user(&m.it, t->mm, iov, (int)h->iovlen, total);
    m.scm = scm;
    r = s->ops->sendmsg(s, &m, flags);
    sock_scm_release(scm); /* what the family did not take */
    free(scm);
    return r;
}

long sys_sendto(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    struct socket *s;
    struct sock_msg m;
    struct iovec iov = { (void *)a->a[1], SB_MIN(a->a[2], (uint64_t)MAX_RW) };
    long r;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    memset(&m, 0, sizeof(m));
    if (a->a[4] && (r = addr_in(t, a->a[4], a->a[5], &m.name, &m.namelen)))
        return r;
    sock_iter_user(&m.it, t->mm, &iov, 1, iov.iov_len);
    return s->ops->sendmsg(s, &m, (int)a->a[3]);
}

long sys_sendmsg(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    struct umsghdr h;
    struct socket *s;
    long r;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    if (mm_copy_in(t->mm, &h, a->a[1], sizeof(h)))
        return -EFAULT;
    return do_sendmsg(t, s, &h, (int)a->a[2]);
}

/* put_cmsg: one control message into the app's buffer at *ctl. */
static void put_cmsg(struct task *t, uint64_t *ctl, uint64_t *room, int *mflags, int level,
                     int type, const void *data, size_t dlen)
{
    struct umcmsghdr c = { CM_HDR + dlen, level, type };
    size_t cmlen = CM_HDR + dlen;

    if (!*ctl || *room < CM_HDR) {
        *mflags |= MSG_CTRUNC;
        return;
    }
    if (*room < cmlen) {
        *mflags |= MSG_CTRUNC;
        cmlen = *room;
    }
    c.len = cmlen;
    if (mm_copy_out(t->mm, *ctl, &c, CM_HDR) ||
        mm_copy_out(t->mm, *ctl + CM_HDR, data, cmlen - CM_HDR))
        return;
    cmlen = SB_MIN(CM_ALIGN(CM_HDR + dlen), *room);
    *ctl += cmlen;
    *room -= cmlen;
}

/* scm_detach_fds: install the passed files, as many as the buffer holds. */
static void put_fds(struct task *t, uint64_t *ctl, uint64_t *room, int *mflags, struct sock_scm *scm,
                    bool cloexec)
{
    int max = *room > CM_HDR ? (int)((*room - CM_HDR) / sizeof(int)) : 0;
    int n = SB_MIN(max, scm->nfds), i;
    int fds[SOCK_MAX_FDS];

    for (i = 0; i < n; i++) {
        int fd = fdt_install(t->fdt, scm->fds[i], 0, cloexec);
        if (fd < 0)
            break;
        fds[i] = fd;
    }
    if (i > 0) {
        struct umcmsghdr c = { CM_HDR + i * sizeof(int), SOL_SOCKET, SCM_RIGHTS };
        size_t cmlen;
        if (mm_copy_out(t->mm, *ctl, &c, CM_HDR) ||
            mm_copy_out(t->mm, *ctl + CM_HDR, fds, i * sizeof(int))) {
            ; /* the files are installed all the same, as Linux */
        }
        cmlen = SB_MIN(CM_ALIGN(CM_HDR + i * sizeof(int)), *room);
        *ctl += cmlen;
        *room -= cmlen;
    }
    if (i < scm->nfds || (scm->nfds && max <= 0))
        *mflags |= MSG_CTRUNC;
    /* Installed ones hold their own references now; the rest close. */
    sock_scm_release(scm);
}

static long do_recvmsg(struct task *t, struct socket *s, uint64_t uh, struct umsghdr *h,
                       int flags)
{
    _cleanup_free_ struct iovec *iov = NULL;
    struct sock_scm *scm;
    struct sock_msg m;
    uint64_t ctl = h->control, room = h->controllen;
    int mflags = flags & MSG_CMSG_CLOEXEC;
    size_t total;
    long r, r2;

    if ((r = iov_in(t, h->iov, h->iovlen, &iov, &total)))
        return r;
    memset(&m, 0, sizeof(m));
    scm = xzalloc(sizeof(*scm));
    sock_iter_user(&m.it, t->mm, iov, (int)h->iovlen, total);
    m.want_name = h->name && h->namelen;
    m.scm = scm;
    m.want_cmsgs = true;
    r = s->ops->recvmsg(s, &m, flags & ~MSG_CMSG_CLOEXEC);
    if (r < 0) {
        sock_scm_release(scm);
        free(scm);
        return r;
    }
    mflags |= m.out_flags;
    if (scm->has_creds) {
        struct ucred uc = { scm->creds.pid, scm->creds.uid, scm->creds.gid };
        put_cmsg(t, &ctl, &room, &mflags, SOL_SOCKET, SCM_CREDENTIALS, &uc, sizeof(uc));
    }
    if (scm->nfds)
        put_fds(t, &ctl, &room, &mflags, scm, flags & MSG_CMSG_CLOEXEC);
    for (int i = 0; i < m.ncmsgs && i < SOCK_CMSG_MAX; i++)
        put_cmsg(t, &ctl, &room, &mflags, m.cmsgs[i].level, m.cmsgs[i].type, m.cmsgs[i].data,
                 SB_MIN(m.cmsgs[i].len, sizeof(m.cmsgs[i].data)));
    free(scm);
    if (h->name) {
        struct sockaddr_storage ss = m.name;
        if ((r2 = addr_out(t, &ss, m.want_name ? m.namelen : 0, h->name,
                           uh + offsetof(struct umsghdr, namelen))))
            return r2;
    }
    h->controllen = ctl - h->control;
    h->flags = mflags;
    if (mm_copy_out(t->mm, uh + offsetof(struct umsghdr, controllen), &h->controllen,
                    sizeof(h->controllen)) ||
        mm_copy_out(t->mm, uh + offsetof(struct umsghdr, flags), &h->flags, sizeof(h->flags)))
        return -EFAULT;
    return r;
}

long sys_recvfrom(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    struct socket *s;
    struct sock_msg m;
    struct iovec iov = { (void *)a->a[1], SB_MIN(a->a[2], (uint64_t)MAX_RW) };
    long r;
    int r2;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    memset(&m, 0, sizeof(m));
    sock_iter_user(&m.it, t->mm, &iov, 1, iov.iov_len);
    m.want_name = a->a[4] != 0;
    r = s->ops->recvmsg(s, &m, (int)a->a[3] & ~MSG_CMSG_CLOEXEC);
    if (r >= 0 && a->a[4] && (r2 = addr_out(t, &m.name, m.namelen, a->a[4], a->a[5])))
        return r2;
    return r;
}

long sys_recvmsg(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    struct umsghdr h;
    struct socket *s;
    long r;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    if (mm_copy_in(t->mm, &h, a->a[1], sizeof(h)))
        return -EFAULT;
    return do_recvmsg(t, s, a->a[1], &h, (int)a->a[2]);
}

/* struct mmsghdr: a msghdr and the length moved. */
#define MMSG_SIZE 64

long sys_sendmmsg(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    unsigned vlen = (unsigned)a->a[2], i;
    struct socket *s;
    long r = 0;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    if (vlen > UIO_MAXIOV_)
        vlen = UIO_MAXIOV_;
    for (i = 0; i < vlen; i++) {
        uint64_t uh = a->a[1] + (uint64_t)i * MMSG_SIZE;
        struct umsghdr h;
        unsigned n;
        if (mm_copy_in(t->mm, &h, uh, sizeof(h))) {
            r = -EFAULT;
            break;
        }
        if ((r = do_sendmsg(t, s, &h, (int)a->a[3])) < 0)
            break;
        n = (unsigned)r;
        if (mm_copy_out(t->mm, uh + sizeof(h), &n, sizeof(n))) {
            r = -EFAULT;
            break;
        }
    }
    return i ? (long)i : r;
}

long sys_recvmmsg(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = NULL;
    unsigned vlen = (unsigned)a->a[2], i;
    int flags = (int)a->a[3];
    struct socket *s;
    long r = 0;

    if ((r = sock_at(t, (int)a->a[0], &f, &s)))
        return r;
    if (vlen > UIO_MAXIOV_)
        vlen = UIO_MAXIOV_;
    for (i = 0; i < vlen; i++) {
        uint64_t uh = a->a[1] + (uint64_t)i * MMSG_SIZE;
        struct umsghdr h;
        unsigned n;
        if (mm_copy_in(t->mm, &h, uh, sizeof(h))) {
            r = -EFAULT;
            break;
        }
        if ((r = do_recvmsg(t, s, uh, &h, flags & ~MSG_WAITFORONE)) < 0)
            break;
        n = (unsigned)r;
        if (mm_copy_out(t->mm, uh + sizeof(h), &n, sizeof(n))) {
            r = -EFAULT;
            break;
        }
        if (flags & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
    }
    return i ? (long)i : r;
}
