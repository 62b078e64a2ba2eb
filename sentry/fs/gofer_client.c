/* sentry/fs/gofer_client.c: synchronous, validating client of the Gofer. */
#include "sentry/fs/gofer_client.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"

#define HDR_LEN sizeof(struct gofer_hdr)
#define ERR_REPLY_LEN (HDR_LEN + sizeof(struct gofer_rerror))
#define RX_FDS_MAX 4 /* more than the one OPEN donates, to close extras */

/* A positive errno a peer may legitimately report. */
static bool errno_ok(int32_t e)
{
    return e > 0 && e < 4096;
}

void gofer_client_init(struct gofer_client *c, int sock)
{
    c->sock = sock;
    c->next_tag = 1;
    SB_BUG_ON(pthread_mutex_init(&c->lock, NULL) != 0);
}

void gofer_client_destroy(struct gofer_client *c)
{
    pthread_mutex_destroy(&c->lock);
}

static void close_fds(struct msghdr *msg)
{
    struct cmsghdr *cm;

    for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
        size_t i, n;

        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (i = 0; i < n; i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
            close(fd);
        }
    }
}

/* The single fd a reply carries, or -1 if it carries none or anything
 * more (then everything received is closed). */
static int take_one_fd(struct msghdr *msg)
{
    struct cmsghdr *cm = CMSG_FIRSTHDR(msg);
    int fd;

    if (!cm || CMSG_NXTHDR(msg, cm) || cm->cmsg_level != SOL_SOCKET ||
        cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int))) {
        close_fds(msg);
        return -1;
    }
    memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
    return fd;
}

static int send_req(struct gofer_client *c, const void *req, size_t len)
{
    struct iovec iov = { .iov_base = (void *)req, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t n;

    do
        n = sendmsg(c->sock, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EPIPE || errno == ECONNRESET ? -EIO : -errno;
    return 0;
}

/* Receive the reply to `tag` into rep (cap bytes, at least ERR_REPLY_LEN).
 * Returns the reply length of an R_OK, -err of an R_ERROR, -EPROTO for
 * garbage. A donated fd goes to *fd_out if fd_out, else is closed. */
static int recv_rep(struct gofer_client *c, uint32_t tag, void *rep,
                    size_t cap, int *fd_out)
{
    union {
        char buf[CMSG_SPACE(RX_FDS_MAX * sizeof(int))];
        struct cmsghdr align;
    } cm;
    struct iovec iov = { .iov_base = rep, .iov_len = cap };
    struct msghdr msg;
    struct gofer_rerror re;
    struct gofer_hdr h;
    ssize_t n;
    int fd = -1;

    for (;;) {
        msg = (struct msghdr){ .msg_iov = &iov,
                               .msg_iovlen = 1,
                               .msg_control = cm.buf,
                               .msg_controllen = sizeof(cm.buf) };
        n = recvmsg(c->sock, &msg, MSG_CMSG_CLOEXEC);
        if (n >= 0)
            break;
        if (errno != EINTR)
            return errno == ECONNRESET ? -EIO : -errno;
    }
    if (n == 0)
        return -EIO; /* the Gofer hung up */
    if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
        close_fds(&msg);
        return -EPROTO;
    }
    if (msg.msg_controllen) {
        fd = take_one_fd(&msg);
        if (fd < 0 || !fd_out) {
            if (fd >= 0)
                close(fd);
            return -EPROTO;
        }
    }
    if (gofer_decode_hdr(rep, (size_t)n, &h) < 0 || h.tag != tag)
        goto proto;
    if (h.op == GOFER_R_ERROR) {
        if (fd >= 0 ||
            gofer_decode_fixed(rep, (size_t)n, GOFER_R_ERROR, &re,
                               sizeof(re)) < 0 ||
            !errno_ok(re.err))
            goto proto;
        return -re.err;
    }
    if (h.op != GOFER_R_OK)
        goto proto;
    if (fd_out)
        *fd_out = fd;
    return (int)n;
proto:
    if (fd >= 0)
        close(fd);
    sb_warn("gofer client: malformed reply (%zd bytes)", n);
    return -EPROTO;
}

/* Send req (its tag is filled in here) and receive the reply to it. */
static int transact(struct gofer_client *c, void *req, size_t reqlen,
                    void *rep, size_t cap, int *fd_out)
{
    uint32_t tag;
    int ret;

    SB_BUG_ON(cap < ERR_REPLY_LEN || reqlen < HDR_LEN);
    if (fd_out)
        *fd_out = -1;
    pthread_mutex_lock(&c->lock);
    tag = c->next_tag++;
    memcpy((char *)req + offsetof(struct gofer_hdr, tag), &tag, sizeof(tag));
    ret = send_req(c, req, reqlen);
    if (!ret)
        ret = recv_rep(c, tag, rep, cap, fd_out);
    pthread_mutex_unlock(&c->lock);
    return ret;
}

/* Send an encoded request and expect an R_OK of exactly want_body bytes. */
static int var_call(struct gofer_client *c, void *req, int reqlen, void *out,
                    size_t want_body, int *fd_out)
{
    char rep[HDR_LEN + sizeof(struct gofer_rcreate) + ERR_REPLY_LEN];
    int n;

    if (reqlen < 0)
        return reqlen;
    n = transact(c, req, (size_t)reqlen, rep, sizeof(rep), fd_out);
    if (n < 0)
        return n;
    if ((size_t)n != HDR_LEN + want_body) {
        if (fd_out && *fd_out >= 0) {
            close(*fd_out);
            *fd_out = -1;
        }
        return -EPROTO;
    }
    if (want_body)
        memcpy(out, rep + HDR_LEN, want_body);
    return 0;
}

/* Send a fixed-body request and expect an R_OK of exactly want_body bytes,
 * copied to out. */
static int simple_call(struct gofer_client *c, uint16_t op, const void *body,
                       size_t body_len, void *out, size_t want_body,
                       int *fd_out)
{
    char req[HDR_LEN + sizeof(struct gofer_tsetattr)];

    return var_call(c, req, gofer_encode_simple(req, sizeof(req), op, 0, body, body_len), out,
                    want_body, fd_out);
}

int gofer_attach(struct gofer_client *c, uint32_t *handle,
                 struct gofer_stat *st)
{
    struct gofer_rattach ra;
    int err;

    err = simple_call(c, GOFER_T_ATTACH, NULL, 0, &ra, sizeof(ra), NULL);
    if (err)
        return err;
    if (ra.handle == 0 || ra.pad != 0)
        return -EPROTO;
    *handle = ra.handle;
    if (st)
        *st = ra.st;
    return 0;
}

int gofer_walk(struct gofer_client *c, uint32_t h,
               const struct gofer_name *names, unsigned n,
               uint32_t *handles_out, struct gofer_stat *stats_out,
               int *err_out)
{
    char req[HDR_LEN + sizeof(struct gofer_twalk) +
             GOFER_WALK_MAX * (sizeof(uint16_t) + GOFER_NAME_MAX)];
    char rep[HDR_LEN + sizeof(struct gofer_rwalk) +
             GOFER_WALK_MAX * sizeof(struct gofer_walk_entry)];
    const char *p = rep + HDR_LEN + sizeof(struct gofer_rwalk);
    struct gofer_walk_entry e;
    struct gofer_rwalk rw;
    unsigned i;
    int len;

    *err_out = 0;
    if (n > GOFER_WALK_MAX)
        return -EINVAL;
    if (n == 0)
        return 0;
    len = gofer_encode_walk(req, sizeof(req), 0, h, names, n);
    if (len < 0)
        return len;
    len = transact(c, req, (size_t)len, rep, sizeof(rep), NULL);
    if (len < 0)
        return len;
    if ((size_t)len < HDR_LEN + sizeof(rw))
        return -EPROTO;
    memcpy(&rw, rep + HDR_LEN, sizeof(rw));
    if (rw.pad != 0 || rw.nwalked > n ||
        (size_t)len != HDR_LEN + sizeof(rw) + rw.nwalked * sizeof(e) ||
        (rw.err != 0 && (!errno_ok(rw.err) || rw.nwalked == n)))
        return -EPROTO;
    for (i = 0; i < rw.nwalked; i++) {
        memcpy(&e, p + i * sizeof(e), sizeof(e));
        if (e.handle == 0 || e.pad != 0)
            return -EPROTO;
    }
    for (i = 0; i < rw.nwalked; i++) {
        memcpy(&e, p + i * sizeof(e), sizeof(e));
        handles_out[i] = e.handle;
        if (stats_out)
            stats_out[i] = e.st;
    }
    *err_out = rw.err;
    return rw.nwalked;
}

int gofer_stat(struct gofer_client *c, uint32_t h, struct gofer_stat *st)
{
    struct gofer_thandle th = { .handle = h };

    return simple_call(c, GOFER_T_STAT, &th, sizeof(th), st, sizeof(*st),
                       NULL);
}

int gofer_open(struct gofer_client *c, uint32_t h, int flags)
{
    struct gofer_topen to = { .handle = h, .flags = (uint32_t)flags };
    int fd = -1, err;

    err = simple_call(c, GOFER_T_OPEN, &to, sizeof(to), NULL, 0, &fd);
    if (err)
        return err;
    if (fd < 0)
        return -EPROTO; /* R_OK without the fd */
    return fd;
}

int gofer_readlink(struct gofer_client *c, uint32_t h, char *buf, size_t cap)
{
    struct gofer_thandle th = { .handle = h };
    char req[HDR_LEN + sizeof(th)];
    char rep[HDR_LEN + sizeof(struct gofer_rreadlink) + GOFER_PATH_MAX];
    const char *target = rep + HDR_LEN + sizeof(struct gofer_rreadlink);
    struct gofer_rreadlink rr;
    int n;

    n = gofer_encode_simple(req, sizeof(req), GOFER_T_READLINK, 0, &th,
                            sizeof(th));
    if (n < 0)
        return n;
    n = transact(c, req, (size_t)n, rep, sizeof(rep), NULL);
    if (n < 0)
        return n;
    if ((size_t)n < HDR_LEN + sizeof(rr))
        return -EPROTO;
    memcpy(&rr, rep + HDR_LEN, sizeof(rr));
    if (rr.pad != 0 || rr.len == 0 || rr.len >= GOFER_PATH_MAX ||
        (size_t)n != HDR_LEN + sizeof(rr) + rr.len ||
        memchr(target, '\0', rr.len))
        return -EPROTO;
    n = (int)SB_MIN((size_t)rr.len, cap);
    memcpy(buf, target, (size_t)n);
    return n;
}

/* Check every entry of a GETDENTS reply body before any is delivered. */
static int dents_check(const char *p, size_t len, uint32_t count)
{
    const char *end = p + len;
    struct gofer_dirent d;
    uint32_t i;

    for (i = 0; i < count; i++) {
        if ((size_t)(end - p) < sizeof(d))
            return -EPROTO;
        memcpy(&d, p, sizeof(d));
        p += sizeof(d);
        if (d.pad != 0 || d.pad2 != 0 || (size_t)(end - p) < d.namelen ||
            !gofer_name_valid(p, d.namelen))
            return -EPROTO;
        p += d.namelen;
    }
    return p == end ? 0 : -EPROTO;
}

int gofer_getdents_max(struct gofer_client *c, uint32_t h, uint64_t cookie,
                       uint32_t max_bytes, gofer_dirent_fn cb, void *arg)
{
    struct gofer_tgetdents tg = {
        .handle = h,
        .max_bytes = max_bytes,
        .cookie = cookie,
    };
    char req[HDR_LEN + sizeof(tg)];
    _cleanup_free_ char *rep = NULL;
    struct gofer_rgetdents rg;
    const char *p;
    uint32_t i;
    int n, err;

    n = gofer_encode_simple(req, sizeof(req), GOFER_T_GETDENTS, 0, &tg,
                            sizeof(tg));
    if (n < 0)
        return n;
    rep = malloc(GOFER_MSG_MAX);
    SB_BUG_ON(!rep);
    n = transact(c, req, (size_t)n, rep, GOFER_MSG_MAX, NULL);
    if (n < 0)
        return n;
    if ((size_t)n < HDR_LEN + sizeof(rg) ||
        (size_t)n - HDR_LEN > SB_MAX(max_bytes, sizeof(rg)))
        return -EPROTO;
    memcpy(&rg, rep + HDR_LEN, sizeof(rg));
    p = rep + HDR_LEN + sizeof(rg);
    if (rg.pad != 0 ||
        dents_check(p, (size_t)n - HDR_LEN - sizeof(rg), rg.count) < 0)
        return -EPROTO;

    for (i = 0; i < rg.count; i++) {
        char name[GOFER_NAME_MAX + 1];
        struct gofer_dirent d;

        memcpy(&d, p, sizeof(d));
        p += sizeof(d);
        memcpy(name, p, d.namelen);
        name[d.namelen] = '\0';
        p += d.namelen;
        err = cb(arg, d.ino, d.next, d.type, name, d.namelen);
        if (err < 0)
            return err;
        if (err > 0)
            break; /* the caller keeps the cookie of what it took */
    }
    return (int)rg.count;
}

int gofer_getdents(struct gofer_client *c, uint32_t h, uint64_t cookie,
                   gofer_dirent_fn cb, void *arg)
{
    return gofer_getdents_max(c, h, cookie, GOFER_MSG_MAX - HDR_LEN, cb, arg);
}

int gofer_close(struct gofer_client *c, uint32_t h)
{
    struct gofer_thandle th = { .handle = h };

    return simple_call(c, GOFER_T_CLOSE, &th, sizeof(th), NULL, 0, NULL);
}

/* ---- writes ---- */

#define NAMED_REQ_MAX (HDR_LEN + 32 + 2 * GOFER_NAME_MAX + GOFER_PATH_MAX)

/* The reply of CREATE or TMPFILE: a donated fd and a regular file's handle
 * (-EPROTO otherwise). Returns the fd. */
static int created(int err, int fd, const struct gofer_rcreate *rc, uint32_t *handle,
                   struct gofer_stat *st)
{
    if (err)
        return err;
    if (fd < 0 || rc->handle == 0 || rc->pad != 0 || !S_ISREG(rc->st.mode)) {
        if (fd >= 0)
            close(fd);
        return -EPROTO;
    }
    *handle = rc->handle;
    if (st)
        *st = rc->st;
    return fd;
}

int gofer_create(struct gofer_client *c, uint32_t dir, const char *name,
                 int flags, uint32_t mode, uint32_t uid, uint32_t gid,
                 uint32_t *handle, struct gofer_stat *st)
{
    struct gofer_tcreate tc = {
        .dir = dir,
        .flags = (uint32_t)flags,
        .mode = mode,
        .uid = uid,
        .gid = gid,
    };
    char req[NAMED_REQ_MAX];
    struct gofer_rcreate rc;
    int fd = -1, err;

    err = var_call(c, req,
                   gofer_encode_create(req, sizeof(req), GOFER_T_CREATE, 0,
                                       &tc, name),
                   &rc, sizeof(rc), &fd);
    return created(err, fd, &rc, handle, st);
}

int gofer_tmpfile(struct gofer_client *c, uint32_t dir, int flags, uint32_t mode, uint32_t uid,
                  uint32_t gid, uint32_t *handle, struct gofer_stat *st)
{
    struct gofer_tcreate tc = {
        .dir = dir, .flags = (uint32_t)flags, .mode = mode, .uid = uid, .gid = gid
    };
    char req[NAMED_REQ_MAX];
    struct gofer_rcreate rc;
    int fd = -1, err;

    err = var_call(c, req,
                   gofer_encode_simple(req, sizeof(req), GOFER_T_TMPFILE, 0, &tc, sizeof(tc)),
                   &rc, sizeof(rc), &fd);
    return created(err, fd, &rc, handle, st);
}

static int mkobj(struct gofer_client *c, uint16_t op, uint32_t dir,
                 const char *name, uint32_t mode, uint32_t uid, uint32_t gid,
                 struct gofer_stat *st)
{
    struct gofer_tcreate tc = {
        .dir = dir, .mode = mode, .uid = uid, .gid = gid
    };
    char req[NAMED_REQ_MAX];
    struct gofer_stat g;
    int err;

    err = var_call(c, req, gofer_encode_create(req, sizeof(req), op, 0, &tc, name),
                   &g, sizeof(g), NULL);
    if (err)
        return err;
    if (st)
        *st = g;
    return 0;
}

int gofer_mkdir(struct gofer_client *c, uint32_t dir, const char *name,
                uint32_t mode, uint32_t uid, uint32_t gid,
                struct gofer_stat *st)
{
    return mkobj(c, GOFER_T_MKDIR, dir, name, mode, uid, gid, st);
}

int gofer_mknod(struct gofer_client *c, uint32_t dir, const char *name,
                uint32_t mode, uint32_t uid, uint32_t gid,
                struct gofer_stat *st)
{
    return mkobj(c, GOFER_T_MKNOD, dir, name, mode, uid, gid, st);
}

int gofer_symlink(struct gofer_client *c, uint32_t dir, const char *name,
                  const char *target, uint32_t uid, uint32_t gid,
                  struct gofer_stat *st)
{
    struct gofer_tsymlink ts = { .dir = dir, .uid = uid, .gid = gid };
    char req[NAMED_REQ_MAX];
    struct gofer_stat g;
    int err;

    err = var_call(c, req,
                   gofer_encode_symlink(req, sizeof(req), 0, &ts, name, target),
                   &g, sizeof(g), NULL);
    if (err)
        return err;
    if (st)
        *st = g;
    return 0;
}

int gofer_link(struct gofer_client *c, uint32_t target, uint32_t dir,
               const char *name, struct gofer_stat *st)
{
    struct gofer_tlink tl = { .target = target, .dir = dir };
    char req[NAMED_REQ_MAX];
    struct gofer_stat g;
    int err;

    err = var_call(c, req, gofer_encode_link(req, sizeof(req), 0, &tl, name),
                   &g, sizeof(g), NULL);
    if (err)
        return err;
    if (st)
        *st = g;
    return 0;
}

int gofer_unlink(struct gofer_client *c, uint32_t dir, const char *name,
                 unsigned flags)
{
    struct gofer_tunlink tu = { .dir = dir, .flags = flags };
    char req[NAMED_REQ_MAX];

    return var_call(c, req, gofer_encode_unlink(req, sizeof(req), 0, &tu, name),
                    NULL, 0, NULL);
}

int gofer_rename(struct gofer_client *c, uint32_t olddir, const char *oldname,
                 uint32_t newdir, const char *newname, unsigned flags)
{
    struct gofer_trename tr = {
        .olddir = olddir, .newdir = newdir, .flags = flags
    };
    char req[NAMED_REQ_MAX];

    return var_call(c, req,
                    gofer_encode_rename(req, sizeof(req), 0, &tr, oldname,
                                        newname),
                    NULL, 0, NULL);
}

int gofer_setattr(struct gofer_client *c, const struct gofer_tsetattr *ta,
                  struct gofer_stat *st)
{
    struct gofer_stat g;
    int err;

    err = simple_call(c, GOFER_T_SETATTR, ta, sizeof(*ta), &g, sizeof(g), NULL);
    if (err)
        return err;
    if (st)
        *st = g;
    return 0;
}

int gofer_statfs(struct gofer_client *c, uint32_t h, struct gofer_statfs *out)
{
    struct gofer_thandle th = { .handle = h };

    return simple_call(c, GOFER_T_STATFS, &th, sizeof(th), out, sizeof(*out),
                       NULL);
}

int gofer_fsync(struct gofer_client *c, uint32_t h, bool datasync)
{
    struct gofer_tfsync tf = { .handle = h, .datasync = datasync };

    return simple_call(c, GOFER_T_FSYNC, &tf, sizeof(tf), NULL, 0, NULL);
}

int gofer_fallocate(struct gofer_client *c, uint32_t h, int mode, uint64_t off,
                    uint64_t len, struct gofer_stat *st)
{
    struct gofer_tfallocate tf = {
        .handle = h, .mode = mode, .off = off, .len = len
    };
    struct gofer_stat g;
    int err;

    err = simple_call(c, GOFER_T_FALLOCATE, &tf, sizeof(tf), &g, sizeof(g),
                      NULL);
    if (err)
        return err;
    if (st)
        *st = g;
    return 0;
}

/* GETXATTR and LISTXATTR: a reply of rxattr, then len bytes if cap. */
static int xattr_read(struct gofer_client *c, uint16_t op, uint32_t h,
                      const char *name, void *buf, size_t cap)
{
    struct gofer_txattr tx = {
        .handle = h,
        .size = (uint32_t)SB_MIN(cap, (size_t)GOFER_XATTR_SIZE_MAX),
    };
    char req[HDR_LEN + sizeof(tx) + GOFER_XATTR_NAME_MAX];
    _cleanup_free_ char *rep = NULL;
    struct gofer_rxattr rx;
    const char *v;
    int n;

    n = gofer_encode_xattr(req, sizeof(req), op, 0, &tx, name, NULL);
    if (n < 0)
        return n;
    rep = malloc(GOFER_MSG_MAX);
    SB_BUG_ON(!rep);
    n = transact(c, req, (size_t)n, rep, GOFER_MSG_MAX, NULL);
    if (n < 0)
        return n;
    if ((size_t)n < HDR_LEN + sizeof(rx))
        return -EPROTO;
    memcpy(&rx, rep + HDR_LEN, sizeof(rx));
    v = rep + HDR_LEN + sizeof(rx);
    if (rx.pad != 0 || rx.len > GOFER_XATTR_SIZE_MAX ||
        (tx.size && rx.len > tx.size) ||
        (size_t)n != HDR_LEN + sizeof(rx) + (tx.size ? rx.len : 0))
        return -EPROTO;
    if (tx.size && op == GOFER_T_LISTXATTR) {
        /* Only whole, valid names. */
        size_t off = 0;

        while (off < rx.len) {
            size_t l = strnlen(v + off, rx.len - off);

            if (off + l == rx.len || !gofer_xattr_name_valid(v + off, l))
                return -EPROTO;
            off += l + 1;
        }
    }
    if (tx.size)
        memcpy(buf, v, rx.len);
    return (int)rx.len;
}

int gofer_getxattr(struct gofer_client *c, uint32_t h, const char *name,
                   void *buf, size_t cap)
{
    return xattr_read(c, GOFER_T_GETXATTR, h, name, buf, cap);
}

int gofer_listxattr(struct gofer_client *c, uint32_t h, char *buf, size_t cap)
{
    return xattr_read(c, GOFER_T_LISTXATTR, h, NULL, buf, cap);
}

int gofer_setxattr(struct gofer_client *c, uint32_t h, const char *name,
                   const void *value, size_t size, int flags)
{
    struct gofer_txattr tx = {
        .handle = h, .size = (uint32_t)size, .flags = (uint32_t)flags
    };
    _cleanup_free_ char *req = NULL;

    if (size > GOFER_XATTR_SIZE_MAX)
        return -E2BIG;
    req = malloc(GOFER_MSG_MAX);
    SB_BUG_ON(!req);
    return var_call(c, req,
                    gofer_encode_xattr(req, GOFER_MSG_MAX, GOFER_T_SETXATTR, 0,
                                       &tx, name, value),
                    NULL, 0, NULL);
}

int gofer_removexattr(struct gofer_client *c, uint32_t h, const char *name)
{
    struct gofer_txattr tx = { .handle = h };
    char req[HDR_LEN + sizeof(tx) + GOFER_XATTR_NAME_MAX];

    return var_call(c, req,
                    gofer_encode_xattr(req, sizeof(req), GOFER_T_REMOVEXATTR,
                                       0, &tx, name, NULL),
                    NULL, 0, NULL);
}
