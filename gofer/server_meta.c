/* gofer/server_meta.c: the Gofer's statfs, fsync and extended attributes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "gofer/server_int.h"
#include "lib/cleanup.h"

#define XATTR_LIST_BUF 65536 /* the kernel's XATTR_LIST_MAX */

int srv_op_statfs(struct server *s, size_t len)
{
    struct gofer_thandle th;
    struct gofer_statfs g;
    struct handle *h;
    struct statfs sf;
    int err;

    err = gofer_decode_fixed(s->rx, len, GOFER_T_STATFS, &th, sizeof(th));
    if (err)
        return err;
    h = srv_handle_get(s, th.handle);
    if (!h)
        return -EBADF;
    if (fstatfs(h->fd, &sf) < 0) /* O_PATH fds are fine for fstatfs */
        return -errno;
    g = (struct gofer_statfs){
        .type = (uint64_t)sf.f_type,
        .bsize = (uint64_t)sf.f_bsize,
        .blocks = sf.f_blocks,
        .bfree = sf.f_bfree,
        .bavail = sf.f_bavail,
        .files = sf.f_files,
        .ffree = sf.f_ffree,
        .namelen = (uint64_t)sf.f_namelen,
        .frsize = (uint64_t)sf.f_frsize,
        .flags = (uint64_t)sf.f_flags,
    };
    memcpy(srv_body(s), &g, sizeof(g));
    return sizeof(g);
}

int srv_op_fsync(struct server *s, size_t len)
{
    _cleanup_close_ int fd = -1;
    struct gofer_tfsync tf;
    struct handle *h;
    int err;

    err = gofer_decode_fixed(s->rx, len, GOFER_T_FSYNC, &tf, sizeof(tf));
    if (err)
        return err;
    h = srv_handle_get(s, tf.handle);
    if (!h)
        return -EBADF;
    fd = srv_reopen_any(h); /* fsync flushes the inode, whatever the fd */
    if (fd < 0)
        return fd;
    if ((tf.datasync ? fdatasync(fd) : fsync(fd)) < 0)
        return -errno;
    return 0;
}

/* LISTXATTR: the host's list with only the names we serve, at out. */
static int list_user(int fd, char *out, size_t cap)
{
    _cleanup_free_ char *all = malloc(XATTR_LIST_BUF);
    size_t used = 0;
    ssize_t n, off;

    if (!all)
        return -ENOMEM;
    n = flistxattr(fd, all, XATTR_LIST_BUF);
    if (n < 0)
        return -errno;
    for (off = 0; off < n;) {
        size_t l = strnlen(all + off, (size_t)(n - off));

        if (gofer_xattr_name_valid(all + off, l)) {
            if (used + l + 1 > cap)
                return -E2BIG;
            memcpy(out + used, all + off, l + 1);
            used += l + 1;
        }
        off += (ssize_t)l + 1;
    }
    return (int)used;
}

int srv_op_xattr(struct server *s, size_t len, uint16_t op)
{
    char name[GOFER_XATTR_NAME_MAX + 1], *out;
    _cleanup_close_ int fd = -1;
    struct gofer_rxattr rx = { 0 };
    struct gofer_txattr tx;
    struct gofer_name n;
    const void *value = NULL;
    struct handle *h;
    ssize_t r;
    int err;

    err = gofer_decode_xattr(s->rx, len, op, &tx, &n, &value);
    if (err)
        return err;
    if ((op == GOFER_T_SETXATTR || op == GOFER_T_REMOVEXATTR) && !s->writable)
        return -EROFS;
    h = srv_handle_get(s, tx.handle);
    if (!h)
        return -EBADF;
    if (op == GOFER_T_SETXATTR && (tx.flags & ~(uint32_t)(XATTR_CREATE |
                                                          XATTR_REPLACE)))
        return -EINVAL;
    if (n.p) {
        memcpy(name, n.p, n.len);
        name[n.len] = '\0';
    }
    out = srv_body(s) + sizeof(rx);
    if (!S_ISREG(h->mode) && !S_ISDIR(h->mode)) {
        /* "user." attributes exist on files and directories only. */
        switch (op) {
        case GOFER_T_GETXATTR:
            return -ENODATA;
        case GOFER_T_LISTXATTR:
            memcpy(srv_body(s), &rx, sizeof(rx));
            return sizeof(rx);
        default:
            return -EPERM;
        }
    }
    fd = srv_reopen_any(h);
    if (fd < 0)
        return fd;
    switch (op) {
    case GOFER_T_GETXATTR:
        r = fgetxattr(fd, name, tx.size ? out : NULL,
                      SB_MIN(tx.size, GOFER_XATTR_SIZE_MAX));
        if (r < 0)
            return errno == ERANGE && tx.size > GOFER_XATTR_SIZE_MAX ? -E2BIG
                                                                      : -errno;
        if ((size_t)r > GOFER_XATTR_SIZE_MAX)
            return -E2BIG;
        rx.len = (uint32_t)r;
        memcpy(srv_body(s), &rx, sizeof(rx));
        return (int)(sizeof(rx) + (tx.size ? (size_t)r : 0));
    case GOFER_T_LISTXATTR:
        err = list_user(fd, out, GOFER_XATTR_SIZE_MAX);
        if (err < 0)
            return err;
        if (tx.size && (uint32_t)err > tx.size)
            return -ERANGE;
        rx.len = (uint32_t)err;
        memcpy(srv_body(s), &rx, sizeof(rx));
        return (int)(sizeof(rx) + (tx.size ? (size_t)err : 0));
    case GOFER_T_SETXATTR:
        if (fsetxattr(fd, name, value, tx.size, (int)tx.flags) < 0)
            return -errno;
        return 0;
    default: /* REMOVEXATTR */
        if (fremovexattr(fd, name) < 0)
            return -errno;
        return 0;
    }
}
