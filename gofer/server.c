/* gofer/server.c: the Gofer's loop: receive, check, execute, reply. */
#include "gofer/gofer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gofer/proto.h"
#include "gofer/server_int.h"
#include "lib/log.h"

/* Open flags a client may ask for. O_NOFOLLOW, O_CLOEXEC and O_NOCTTY are
 * added anyway, so asking for them is harmless. */
#define OPEN_ALLOWED                                                           \
    (O_ACCMODE | O_DIRECTORY | O_NONBLOCK | O_LARGEFILE | KERNEL_O_LARGEFILE | \
     O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_APPEND | O_TRUNC)

#define RX_FDS_MAX 16 /* fds a hostile peer may attach that we still close */
#define DENTS_BUF 32768

/* ---- handle table ---- */

struct handle *srv_handle_get(struct server *s, uint32_t id)
{
    if (id == 0 || id >= s->nh || s->h[id].fd < 0)
        return NULL;
    return &s->h[id];
}

static int table_grow(struct server *s)
{
    uint32_t n = s->nh ? s->nh * 2 : 64, i;
    struct handle *nt;

    if (n > GOFER_HANDLE_MAX + 1)
        n = GOFER_HANDLE_MAX + 1;
    if (n <= s->nh)
        return -ENFILE;
    nt = realloc(s->h, n * sizeof(*nt));
    if (!nt)
        return -ENOMEM;
    /* Chain the new slots onto the free list in ascending order. */
    for (i = n - 1; i >= s->nh && i > 0; i--) {
        nt[i] = (struct handle){ .fd = -1, .parentfd = -1 };
        nt[i].next_free = s->free_head;
        s->free_head = i;
    }
    if (s->nh == 0)
        nt[0] = (struct handle){ .fd = -1, .parentfd = -1 };
    s->h = nt;
    s->nh = n;
    return 0;
}

int64_t srv_handle_new(struct server *s, int fd, int parentfd,
                       const char *name, size_t namelen, const struct stat *st,
                       const struct stat *pst)
{
    struct handle *h;
    uint32_t id;
    char *nm;
    int err;

    if (s->nlive >= GOFER_HANDLE_MAX)
        return -ENFILE;
    if (!s->free_head) {
        err = table_grow(s);
        if (err)
            return err;
    }
    nm = strndup(name, namelen);
    if (!nm)
        return -ENOMEM;
    id = s->free_head;
    h = &s->h[id];
    s->free_head = h->next_free;
    *h = (struct handle){
        .fd = fd,
        .parentfd = parentfd,
        .name = nm,
        .mode = st->st_mode,
        .dev = st->st_dev,
        .ino = st->st_ino,
        .pdev = pst->st_dev,
        .pino = pst->st_ino,
    };
    s->nlive++;
    return id;
}

static void handle_free(struct server *s, uint32_t id)
{
    struct handle *h = &s->h[id];

    close(h->fd);
    close(h->parentfd);
    free(h->name);
    *h = (struct handle){ .fd = -1, .parentfd = -1, .next_free = s->free_head };
    s->free_head = id;
    s->nlive--;
}

static void table_destroy(struct server *s)
{
    uint32_t i;

    for (i = 1; i < s->nh; i++)
        if (s->h[i].fd >= 0)
            handle_free(s, i);
    free(s->h);
    s->h = NULL;
    s->nh = 0;
}

/* ---- helpers ---- */

void srv_stat_to_wire(struct gofer_stat *g, const struct stat *st)
{
    *g = (struct gofer_stat){
        .ino = st->st_ino,
        .dev = st->st_dev,
        .nlink = st->st_nlink,
        .size = (uint64_t)st->st_size,
        .blocks = (uint64_t)st->st_blocks,
        .rdev = st->st_rdev,
        .mode = st->st_mode,
        .uid = st->st_uid,
        .gid = st->st_gid,
        .blksize = (uint32_t)st->st_blksize,
        .atime_sec = st->st_atim.tv_sec,
        .mtime_sec = st->st_mtim.tv_sec,
        .ctime_sec = st->st_ctim.tv_sec,
        .atime_nsec = (uint32_t)st->st_atim.tv_nsec,
        .mtime_nsec = (uint32_t)st->st_mtim.tv_nsec,
        .ctime_nsec = (uint32_t)st->st_ctim.tv_nsec,
    };
}

int srv_stat_fd(int fd, struct stat *st)
{
    if (fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    return 0;
}

/* ---- operations: each returns the reply body length (placed at srv_body(s))
 * or -errno for an R_ERROR reply. ---- */

static int op_attach(struct server *s, size_t len)
{
    struct gofer_rattach ra = { 0 };
    _cleanup_close_ int fd = -1, pfd = -1;
    struct stat st, pst;
    int64_t id;
    int err;

    err = gofer_decode_fixed(s->rx, len, GOFER_T_ATTACH, NULL, 0);
    if (err)
        return err;
    if (s->root_name) {
        /* A single file: reopened by name in its directory, and only if it
         * is still the file we were given. */
        fd = openat(s->rootfd, s->root_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return -errno;
        err = srv_stat_fd(fd, &st);
        if (err)
            return err;
        if (!S_ISREG(st.st_mode) || st.st_dev != s->root_dev ||
            st.st_ino != s->root_ino)
            return -ESTALE;
        pfd = fcntl(s->rootfd, F_DUPFD_CLOEXEC, 0);
        if (pfd < 0)
            return -errno;
        err = srv_stat_fd(pfd, &pst);
        if (err)
            return err;
        id = srv_handle_new(s, fd, pfd, s->root_name, strlen(s->root_name),
                            &st, &pst);
    } else {
        fd = openat(s->rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return -errno;
        err = srv_stat_fd(fd, &st);
        if (err)
            return err;
        pfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (pfd < 0)
            return -errno;
        id = srv_handle_new(s, fd, pfd, ".", 1, &st, &st);
    }
    if (id < 0)
        return (int)id;
    steal_fd(&fd);
    steal_fd(&pfd);
    ra.handle = (uint32_t)id;
    srv_stat_to_wire(&ra.st, &st);
    memcpy(srv_body(s), &ra, sizeof(ra));
    return sizeof(ra);
}

/* Walk one name from the directory `dirfd`; on success store a handle. */
static int64_t walk_one(struct server *s, int dirfd, const struct stat *dst,
                        const struct gofer_name *n, struct stat *st)
{
    _cleanup_close_ int fd = -1, pfd = -1;
    char name[GOFER_NAME_MAX + 1];
    int64_t id;
    int err;

    srv_name_copy(name, n);
    fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    err = srv_stat_fd(fd, st);
    if (err)
        return err;
    pfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    if (pfd < 0)
        return -errno;
    id = srv_handle_new(s, fd, pfd, name, n->len, st, dst);
    if (id < 0)
        return id;
    steal_fd(&fd);
    steal_fd(&pfd);
    return id;
}

static int op_walk(struct server *s, size_t len)
{
    struct gofer_name names[GOFER_WALK_MAX];
    struct gofer_rwalk rw = { 0 };
    struct gofer_walk_entry e;
    struct gofer_twalk tw;
    char *out = srv_body(s) + sizeof(rw);
    struct handle *start;
    struct stat cur = { 0 };
    int curfd, err;
    unsigned i;

    err = gofer_decode_walk(s->rx, len, &tw, names);
    if (err)
        return err;
    start = srv_handle_get(s, tw.handle);
    if (!start)
        return -EBADF;
    curfd = start->fd; /* fds stay valid when the table moves */
    cur.st_mode = start->mode;
    cur.st_dev = start->dev;
    cur.st_ino = start->ino;

    for (i = 0; i < tw.nnames; i++) {
        struct stat st;
        int64_t id;

        if (!S_ISDIR(cur.st_mode)) {
            /* Stopped at a symlink the Sentry must resolve: err 0. */
            rw.err = (i > 0 && S_ISLNK(cur.st_mode)) ? 0 : ENOTDIR;
            break;
        }
        id = walk_one(s, curfd, &cur, &names[i], &st);
        if (id < 0) {
            rw.err = (int32_t)-id;
            break;
        }
        e = (struct gofer_walk_entry){ .handle = (uint32_t)id };
        srv_stat_to_wire(&e.st, &st);
        memcpy(out, &e, sizeof(e));
        out += sizeof(e);
        rw.nwalked++;
        curfd = s->h[id].fd;
        cur = st;
    }
    memcpy(srv_body(s), &rw, sizeof(rw));
    return (int)(out - srv_body(s));
}

static int op_stat(struct server *s, size_t len)
{
    struct gofer_thandle th;
    struct gofer_stat g;
    struct handle *h;
    struct stat st;
    int err;

    err = gofer_decode_fixed(s->rx, len, GOFER_T_STAT, &th, sizeof(th));
    if (err)
        return err;
    h = srv_handle_get(s, th.handle);
    if (!h)
        return -EBADF;
    err = srv_stat_fd(h->fd, &st);
    if (err)
        return err;
    srv_stat_to_wire(&g, &st);
    memcpy(srv_body(s), &g, sizeof(g));
    return sizeof(g);
}

int srv_reopen_regular(struct handle *h, int flags)
{
    _cleanup_close_ int fd = -1;
    struct stat st;
    int fl;

    /* An unnamed O_TMPFILE handle: its fd is a real open file (O_RDWR). */
    if (!h->name[0] && S_ISREG(h->mode)) {
        fd = fcntl(h->fd, F_DUPFD_CLOEXEC, 0);
        if (fd < 0)
            return -errno;
        if ((flags & O_TRUNC) && ftruncate(fd, 0) < 0)
            return -errno;
        return steal_fd(&fd);
    }

    /* O_NONBLOCK so that a fifo swapped in under the name cannot block us;
     * O_TRUNC only once we know it is our file. */
    fd = openat(h->parentfd, h->name,
                (flags & ~(O_TRUNC | O_CREAT | O_EXCL)) | O_NONBLOCK |
                    O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0)
        return -errno;
    if (!S_ISREG(st.st_mode) || st.st_dev != h->dev || st.st_ino != h->ino)
        return -ESTALE;
    if ((flags & O_TRUNC) && ftruncate(fd, 0) < 0)
        return -errno;
    if (!(flags & O_NONBLOCK)) {
        fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
            return -errno;
    }
    return steal_fd(&fd);
}

int srv_reopen_any(struct handle *h)
{
    int fd;

    if (S_ISREG(h->mode))
        return srv_reopen_regular(h, O_RDONLY);
    if (!S_ISDIR(h->mode))
        return -EINVAL;
    fd = openat(h->fd, ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

void srv_name_copy(char out[GOFER_NAME_MAX + 1], const struct gofer_name *n)
{
    memcpy(out, n->p, n->len);
    out[n->len] = '\0';
}

int srv_dir_get(struct server *s, uint32_t id, struct handle **out)
{
    struct handle *h = srv_handle_get(s, id);

    if (!h)
        return -EBADF;
    if (!S_ISDIR(h->mode))
        return -ENOTDIR;
    *out = h;
    return 0;
}

static bool named(const struct handle *h, const struct handle *dir,
                  const struct gofer_name *n)
{
    return h->pdev == dir->dev && h->pino == dir->ino &&
           strlen(h->name) == n->len && !memcmp(h->name, n->p, n->len);
}

/* Move handle h to (dir, n); on failure it keeps its old, now stale, name
 * (reopening it then fails ENOENT or ESTALE, never reaches another file). */
static void rename_handle(struct handle *h, const struct handle *dir,
                          const struct gofer_name *n)
{
    char *nm = strndup(n->p, n->len);
    int pfd = fcntl(dir->fd, F_DUPFD_CLOEXEC, 0);

    if (!nm || pfd < 0) {
        free(nm);
        if (pfd >= 0)
            close(pfd);
        return;
    }
    close(h->parentfd);
    free(h->name);
    h->parentfd = pfd;
    h->name = nm;
    h->pdev = dir->dev;
    h->pino = dir->ino;
}

void srv_handles_renamed(struct server *s, const struct handle *odir,
                         const struct gofer_name *oname,
                         const struct handle *ndir,
                         const struct gofer_name *nname, bool exchange)
{
    uint32_t i;

    /* Each handle is tested on its own old name before it is moved, so
     * one pass does an exchange too. */
    for (i = 1; i < s->nh; i++) {
        struct handle *h = &s->h[i];

        if (h->fd < 0 || h == odir || h == ndir)
            continue;
        if (named(h, odir, oname))
            rename_handle(h, ndir, nname);
        else if (exchange && named(h, ndir, nname))
            rename_handle(h, odir, oname);
    }
}

static int op_open(struct server *s, size_t len, int *fd_out)
{
    struct gofer_topen to;
    struct handle *h;
    int flags, fd, err;
    bool writing;

    err = gofer_decode_fixed(s->rx, len, GOFER_T_OPEN, &to, sizeof(to));
    if (err)
        return err;
    h = srv_handle_get(s, to.handle);
    if (!h)
        return -EBADF;
    if (to.flags & ~(uint32_t)OPEN_ALLOWED)
        return -EINVAL;
    if ((to.flags & O_ACCMODE) == O_ACCMODE)
        return -EINVAL;
    writing = (to.flags & O_ACCMODE) != O_RDONLY || (to.flags & O_TRUNC);
    if (writing && !s->writable)
        return -EROFS;
    flags = (int)(to.flags & ~(uint32_t)KERNEL_O_LARGEFILE);

    if (S_ISDIR(h->mode)) {
        if (writing)
            return -EISDIR;
        /* A directory's O_PATH fd reopens itself: no rename race. */
        fd = openat(h->fd, ".", flags | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC |
                                    O_NOCTTY);
        if (fd < 0)
            return -errno;
    } else if (S_ISREG(h->mode)) {
        fd = srv_reopen_regular(h, flags);
        if (fd < 0)
            return fd;
    } else if (S_ISLNK(h->mode)) {
        return -ELOOP; /* as open(O_NOFOLLOW) says; the Sentry resolves */
    } else {
        /* Devices, fifos, sockets: never opened by the Gofer (a fifo would
         * block it, a device is not the Sentry's to reach). */
        return -ENXIO;
    }
    *fd_out = fd;
    return 0;
}

static int op_readlink(struct server *s, size_t len)
{
    struct gofer_rreadlink rr = { 0 };
    struct gofer_thandle th;
    struct handle *h;
    ssize_t n;
    int err;

    err = gofer_decode_fixed(s->rx, len, GOFER_T_READLINK, &th, sizeof(th));
    if (err)
        return err;
    h = srv_handle_get(s, th.handle);
    if (!h)
        return -EBADF;
    if (!S_ISLNK(h->mode))
        return -EINVAL;
    n = readlinkat(h->fd, "", srv_body(s) + sizeof(rr), GOFER_PATH_MAX);
    if (n < 0)
        return -errno;
    if ((size_t)n >= GOFER_PATH_MAX)
        return -ENAMETOOLONG;
    rr.len = (uint32_t)n;
    memcpy(srv_body(s), &rr, sizeof(rr));
    return (int)(sizeof(rr) + n);
}

static int op_getdents(struct server *s, size_t len)
{
    struct gofer_rgetdents rg = { 0 };
    struct gofer_tgetdents tg;
    _cleanup_close_ int dfd = -1;
    size_t used = sizeof(rg), budget;
    struct handle *h;
    bool full = false;
    int err;

    err = gofer_decode_fixed(s->rx, len, GOFER_T_GETDENTS, &tg, sizeof(tg));
    if (err)
        return err;
    h = srv_handle_get(s, tg.handle);
    if (!h)
        return -EBADF;
    if (!S_ISDIR(h->mode))
        return -ENOTDIR;
    budget = SB_MIN((size_t)tg.max_bytes, BODY_MAX);
    /* Room for at least one entry with the longest name, like getdents'
     * EINVAL for a buffer too small. */
    if (budget < sizeof(rg) + sizeof(struct gofer_dirent) + GOFER_NAME_MAX)
        return -EINVAL;
    if (tg.cookie > INT64_MAX)
        return -EINVAL;

    dfd = openat(h->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    if (lseek(dfd, (off_t)tg.cookie, SEEK_SET) < 0)
        return -errno;

    while (!full) {
        ssize_t n = getdents64(dfd, s->dbuf, DENTS_BUF), off;

        if (n < 0)
            return -errno;
        if (n == 0)
            break;
        for (off = 0; off < n;) {
            struct dirent64 *d = (struct dirent64 *)(s->dbuf + off);
            size_t maxname = d->d_reclen - offsetof(struct dirent64, d_name);
            size_t nl = strnlen(d->d_name, maxname);
            struct gofer_dirent gd;

            off += d->d_reclen;
            if (!gofer_name_valid(d->d_name, nl))
                continue; /* "." and ".." (the Sentry makes its own) */
            if (used + sizeof(gd) + nl > budget) {
                full = true;
                break;
            }
            gd = (struct gofer_dirent){
                .ino = d->d_ino,
                .next = (uint64_t)d->d_off,
                .type = d->d_type,
                .namelen = (uint8_t)nl,
            };
            memcpy(srv_body(s) + used, &gd, sizeof(gd));
            memcpy(srv_body(s) + used + sizeof(gd), d->d_name, nl);
            used += sizeof(gd) + nl;
            rg.count++;
        }
    }
    memcpy(srv_body(s), &rg, sizeof(rg));
    return (int)used;
}

static int op_close(struct server *s, size_t len)
{
    struct gofer_thandle th;
    int err;

    err = gofer_decode_fixed(s->rx, len, GOFER_T_CLOSE, &th, sizeof(th));
    if (err)
        return err;
    if (!srv_handle_get(s, th.handle))
        return -EBADF;
    handle_free(s, th.handle);
    return 0;
}

/* ---- transport ---- */

static int send_packet(struct server *s, size_t len, int fd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } cm;
    struct iovec iov = { .iov_base = s->tx, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    struct cmsghdr *c;

    if (fd >= 0) {
        memset(&cm, 0, sizeof(cm));
        msg.msg_control = cm.buf;
        msg.msg_controllen = sizeof(cm.buf);
        c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    for (;;) {
        if (sendmsg(s->sock, &msg, MSG_NOSIGNAL) >= 0)
            return 0;
        if (errno != EINTR)
            return -errno;
    }
}

static int send_error(struct server *s, uint32_t tag, int err)
{
    struct gofer_rerror re = { .err = err };
    int n;

    n = gofer_encode_simple(s->tx, GOFER_MSG_MAX, GOFER_R_ERROR, tag, &re,
                            sizeof(re));
    SB_BUG_ON(n < 0);
    return send_packet(s, (size_t)n, -1);
}

/* Receive one request into s->rx. Returns its length, 0 at EOF, or -errno.
 * *bad is set for a packet that arrived truncated or carrying fds (which
 * are closed: the Gofer takes nothing but bytes). */
static ssize_t recv_packet(struct server *s, bool *bad)
{
    union {
        char buf[CMSG_SPACE(RX_FDS_MAX * sizeof(int))];
        struct cmsghdr align;
    } cm;
    struct iovec iov = { .iov_base = s->rx, .iov_len = GOFER_MSG_MAX };
    struct msghdr msg;
    struct cmsghdr *c;
    ssize_t n;

    for (;;) {
        msg = (struct msghdr){ .msg_iov = &iov,
                               .msg_iovlen = 1,
                               .msg_control = cm.buf,
                               .msg_controllen = sizeof(cm.buf) };
        n = recvmsg(s->sock, &msg, MSG_CMSG_CLOEXEC);
        if (n >= 0)
            break;
        if (errno != EINTR)
            return -errno;
    }
    *bad = msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC);
    for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        size_t i, nfd;

        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (i = 0; i < nfd; i++) {
            int fd;

            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
            close(fd);
        }
        *bad = true;
    }
    return n;
}

static int handle_request(struct server *s, size_t len, bool bad)
{
    struct gofer_hdr h;
    uint32_t tag = 0;
    int fd = -1, n, err;

    /* Answer with the tag the peer wrote, if it wrote that much. */
    if (len >= offsetof(struct gofer_hdr, tag) + sizeof(tag))
        memcpy(&tag, s->rx + offsetof(struct gofer_hdr, tag), sizeof(tag));
    if (bad || gofer_decode_hdr(s->rx, len, &h) < 0) {
        sb_debug("gofer: malformed packet (%zu bytes)", len);
        return send_error(s, tag, EPROTO);
    }

    switch (h.op) {
    case GOFER_T_ATTACH:
        n = op_attach(s, len);
        break;
    case GOFER_T_WALK:
        n = op_walk(s, len);
        break;
    case GOFER_T_STAT:
        n = op_stat(s, len);
        break;
    case GOFER_T_OPEN:
        n = op_open(s, len, &fd);
        break;
    case GOFER_T_READLINK:
        n = op_readlink(s, len);
        break;
    case GOFER_T_GETDENTS:
        n = op_getdents(s, len);
        break;
    case GOFER_T_CLOSE:
        n = op_close(s, len);
        break;
    case GOFER_T_TMPFILE:
        n = srv_op_tmpfile(s, len, &fd);
        break;
    case GOFER_T_CREATE:
        n = srv_op_create(s, len, &fd);
        break;
    case GOFER_T_MKDIR:
    case GOFER_T_MKNOD:
        n = srv_op_mkobj(s, len, h.op);
        break;
    case GOFER_T_SYMLINK:
        n = srv_op_symlink(s, len);
        break;
    case GOFER_T_LINK:
        n = srv_op_link(s, len);
        break;
    case GOFER_T_UNLINK:
        n = srv_op_unlink(s, len);
        break;
    case GOFER_T_RENAME:
        n = srv_op_rename(s, len);
        break;
    case GOFER_T_SETATTR:
        n = srv_op_setattr(s, len);
        break;
    case GOFER_T_FALLOCATE:
        n = srv_op_fallocate(s, len);
        break;
    case GOFER_T_STATFS:
        n = srv_op_statfs(s, len);
        break;
    case GOFER_T_FSYNC:
        n = srv_op_fsync(s, len);
        break;
    case GOFER_T_GETXATTR:
    case GOFER_T_SETXATTR:
    case GOFER_T_LISTXATTR:
    case GOFER_T_REMOVEXATTR:
        n = srv_op_xattr(s, len, h.op);
        break;
    default: /* a reply sent to us */
        n = -EPROTO;
        break;
    }
    sb_debug("gofer: %s tag %u -> %d", gofer_op_name(h.op), tag, n);
    if (n < 0)
        return send_error(s, tag, -n);

    n = gofer_encode_hdr(s->tx, GOFER_MSG_MAX, GOFER_R_OK, tag, (size_t)n);
    SB_BUG_ON(n < 0);
    err = send_packet(s, (size_t)n, fd);
    if (fd >= 0)
        close(fd); /* donated (or lost with the peer): not ours to keep */
    return err;
}

static int serve(int sock, int rootfd, const char *root_name, unsigned flags)
{
    struct server s = {
        .sock = sock,
        .rootfd = rootfd,
        .root_name = root_name,
        .writable = flags & GOFER_SERVE_WRITABLE,
    };
    int ret = 0;

    if (root_name) {
        struct stat st;

        if (!gofer_name_valid(root_name, strlen(root_name)))
            return -EINVAL;
        if (fstatat(rootfd, root_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
        if (!S_ISREG(st.st_mode))
            return -EINVAL;
        s.root_dev = st.st_dev;
        s.root_ino = st.st_ino;
    }
    /* Modes of new objects are the Sentry's (it applied the app's umask). */
    if (s.writable)
        umask(0);
    s.rx = malloc(GOFER_MSG_MAX);
    s.tx = malloc(GOFER_MSG_MAX);
    s.dbuf = malloc(DENTS_BUF);
    if (!s.rx || !s.tx || !s.dbuf) {
        ret = -ENOMEM;
        goto out;
    }
    for (;;) {
        bool bad = false;
        ssize_t n = recv_packet(&s, &bad);

        if (n <= 0) {
            ret = (int)n;
            break;
        }
        ret = handle_request(&s, (size_t)n, bad);
        if (ret == -EPIPE || ret == -ECONNRESET) {
            ret = 0; /* the Sentry went away mid-request */
            break;
        }
        if (ret < 0) {
            sb_err("gofer: send reply: %s", strerror(-ret));
            break;
        }
    }
out:
    table_destroy(&s);
    free(s.rx);
    free(s.tx);
    free(s.dbuf);
    return ret;
}

int gofer_serve(int sock, int root_dirfd, unsigned flags)
{
    return serve(sock, root_dirfd, NULL, flags);
}

int gofer_serve_file(int sock, int dirfd, const char *name, unsigned flags)
{
    return serve(sock, dirfd, name, flags);
}
