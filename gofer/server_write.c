/* gofer/server_write.c: the Gofer's mutating operations: create, mkdir,
 * mknod, symlink, link, unlink, rename, setattr, fallocate.
 *
 * Every one names its objects by handle, or by a directory handle and one
 * checked component, and never follows a symlink on the host: creation is
 * O_CREAT|O_EXCL|O_NOFOLLOW (or mkdirat/mknodat/symlinkat, which never
 * follow), ownership and times go through AT_SYMLINK_NOFOLLOW/AT_EMPTY_PATH
 * on the handle's O_PATH fd, and data changes through a reopen that checks
 * the inode. A read-only server answers each of them EROFS.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/server_int.h"
#include "lib/cleanup.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif

/* Open flags CREATE takes (O_CREAT|O_EXCL|O_NOFOLLOW are added anyway, and
 * O_TRUNC of a new file is moot). */
#define CREATE_ALLOWED                                                         \
    (O_ACCMODE | O_APPEND | O_NONBLOCK | O_LARGEFILE | KERNEL_O_LARGEFILE |    \
     O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)

#define FALLOC_KNOWN 0x7f /* KEEP_SIZE ... UNSHARE_RANGE */

/* The identity of a handle as a parent, for srv_handle_new. */
static struct stat ident(const struct handle *h)
{
    struct stat st = { .st_dev = h->dev, .st_ino = h->ino, .st_mode = h->mode };

    return st;
}

/* chmod without following a final symlink (fchmodat2, Linux 6.6). */
static int chmod_nofollow(int dirfd, const char *name, mode_t mode, int flags)
{
    if (syscall(SYS_fchmodat2, dirfd, name, mode,
                flags | AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    return 0;
}

/* The owner the Sentry asked for. EPERM (a Gofer without CAP_CHOWN) is not
 * an error: the object keeps the Gofer's ids and the Sentry shows that. A
 * chown clears S_ISUID/S_ISGID of a regular file: put them back. */
static int give_owner(int dirfd, const char *name, int fd, uint32_t uid,
                      uint32_t gid, mode_t mode)
{
    int r = fd >= 0 ? fchown(fd, uid, gid)
                    : fchownat(dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW);

    if (r < 0)
        return errno == EPERM ? 0 : -errno;
    if (S_ISREG(mode) && (mode & (S_ISUID | S_ISGID))) {
        if (fd >= 0)
            r = fchmod(fd, mode & 07777) < 0 ? -errno : 0;
        else
            r = chmod_nofollow(dirfd, name, mode & 07777, 0);
        if (r < 0 && r != -EPERM)
            return r;
    }
    return 0;
}

static int reply_stat(struct server *s, const struct stat *st)
{
    struct gofer_stat g;

    srv_stat_to_wire(&g, st);
    memcpy(srv_body(s), &g, sizeof(g));
    return sizeof(g);
}

static int reply_statat(struct server *s, int dirfd, const char *name)
{
    struct stat st;

    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    return reply_stat(s, &st);
}

int srv_op_create(struct server *s, size_t len, int *fd_out)
{
    _cleanup_close_ int fd = -1, pathfd = -1, pfd = -1;
    char name[GOFER_NAME_MAX + 1];
    struct gofer_rcreate rc = { 0 };
    struct gofer_tcreate tc;
    struct gofer_name n;
    struct stat st, pst, pathst;
    struct handle *dir;
    int64_t id;
    int err, flags;

    err = gofer_decode_create(s->rx, len, GOFER_T_CREATE, &tc, &n);
    if (err)
        return err;
    if (!s->writable)
        return -EROFS;
    err = srv_dir_get(s, tc.dir, &dir);
    if (err)
        return err;
    if ((tc.flags & ~(uint32_t)CREATE_ALLOWED) ||
        (tc.flags & O_ACCMODE) == O_ACCMODE ||
        (tc.mode & ~(uint32_t)(S_IFMT | 07777)) ||
        ((tc.mode & S_IFMT) && (tc.mode & S_IFMT) != S_IFREG))
        return -EINVAL;
    srv_name_copy(name, &n);
    pst = ident(dir);
    flags = (int)(tc.flags & ~(uint32_t)(KERNEL_O_LARGEFILE | O_TRUNC));
    fd = openat(dir->fd, name,
                flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                tc.mode & 07777);
    if (fd < 0)
        return -errno;
    err = give_owner(dir->fd, name, fd, tc.uid, tc.gid,
                     S_IFREG | (tc.mode & 07777));
    if (err)
        return err;
    /* The handle: an O_PATH fd of the same inode, found by the name we
     * just made (a host process could have swapped it: check). */
    pathfd = openat(dir->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (pathfd < 0)
        return -errno;
    if (fstat(fd, &st) < 0 || srv_stat_fd(pathfd, &pathst) < 0)
        return -errno;
    if (st.st_dev != pathst.st_dev || st.st_ino != pathst.st_ino)
        return -ESTALE;
    pfd = fcntl(dir->fd, F_DUPFD_CLOEXEC, 0);
    if (pfd < 0)
        return -errno;
    id = srv_handle_new(s, pathfd, pfd, name, n.len, &st, &pst);
    if (id < 0)
        return (int)id;
    steal_fd(&pathfd);
    steal_fd(&pfd);
    rc.handle = (uint32_t)id;
    srv_stat_to_wire(&rc.st, &st);
    memcpy(srv_body(s), &rc, sizeof(rc));
    *fd_out = steal_fd(&fd);
    return sizeof(rc);
}

int srv_op_tmpfile(struct server *s, size_t len, int *fd_out)
{
    _cleanup_close_ int fd = -1, pathfd = -1, pfd = -1;
    struct gofer_rcreate rc = { 0 };
    struct gofer_tcreate tc;
    struct stat st, pst;
    struct handle *dir;
    int64_t id;
    int err, acc;

    err = gofer_decode_fixed(s->rx, len, GOFER_T_TMPFILE, &tc, sizeof(tc));
    if (err)
        return err;
    if (tc.namelen != 0 || tc.pad != 0)
        return -EPROTO;
    if (!s->writable)
        return -EROFS;
    err = srv_dir_get(s, tc.dir, &dir);
    if (err)
        return err;
    acc = (int)(tc.flags & O_ACCMODE);
    if ((acc != O_WRONLY && acc != O_RDWR) ||
        (tc.flags & ~(uint32_t)(O_ACCMODE | O_EXCL | O_APPEND | O_NONBLOCK | O_LARGEFILE |
                                KERNEL_O_LARGEFILE | O_CLOEXEC)) ||
        (tc.mode & ~(uint32_t)07777))
        return -EINVAL;
    /* "." of the directory's own fd: nothing is looked up by name. */
    fd = openat(dir->fd, ".",
                O_TMPFILE | acc | (int)(tc.flags & (O_EXCL | O_APPEND | O_NONBLOCK)) | O_CLOEXEC,
                tc.mode & 07777);
    if (fd < 0)
        return -errno;
    if (fchown(fd, tc.uid, tc.gid) < 0 && errno != EPERM)
        return -errno;
    if (fstat(fd, &st) < 0)
        return -errno;
    /* The handle's fd: a second open file of the same inode (no name to
     * reopen it by; LINK uses it with AT_EMPTY_PATH). */
    pathfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    pfd = fcntl(dir->fd, F_DUPFD_CLOEXEC, 0);
    if (pathfd < 0 || pfd < 0)
        return -errno;
    pst = ident(dir);
    id = srv_handle_new(s, pathfd, pfd, "", 0, &st, &pst);
    if (id < 0)
        return (int)id;
    steal_fd(&pathfd);
    steal_fd(&pfd);
    rc.handle = (uint32_t)id;
    srv_stat_to_wire(&rc.st, &st);
    memcpy(srv_body(s), &rc, sizeof(rc));
    *fd_out = steal_fd(&fd);
    return sizeof(rc);
}

int srv_op_mkobj(struct server *s, size_t len, uint16_t op)
{
    char name[GOFER_NAME_MAX + 1];
    struct gofer_tcreate tc;
    struct gofer_name n;
    struct handle *dir;
    mode_t type, perm;
    int err, r;

    err = gofer_decode_create(s->rx, len, op, &tc, &n);
    if (err)
        return err;
    if (!s->writable)
        return -EROFS;
    err = srv_dir_get(s, tc.dir, &dir);
    if (err)
        return err;
    if (tc.mode & ~(uint32_t)(S_IFMT | 07777))
        return -EINVAL;
    type = tc.mode & S_IFMT;
    perm = tc.mode & 07777;
    srv_name_copy(name, &n);
    if (op == GOFER_T_MKDIR) {
        if (type && type != S_IFDIR)
            return -EINVAL;
        r = mkdirat(dir->fd, name, perm);
        type = S_IFDIR;
    } else {
        if (type == 0)
            type = S_IFREG;
        if (type == S_IFCHR || type == S_IFBLK)
            return -EPERM; /* devices are not the sandbox's to make */
        if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK)
            return -EINVAL;
        r = mknodat(dir->fd, name, type | perm, 0);
    }
    if (r < 0)
        return -errno;
    err = give_owner(dir->fd, name, -1, tc.uid, tc.gid, type | perm);
    if (err)
        return err;
    return reply_statat(s, dir->fd, name);
}

int srv_op_symlink(struct server *s, size_t len)
{
    char name[GOFER_NAME_MAX + 1], target[GOFER_PATH_MAX];
    struct gofer_tsymlink ts;
    struct gofer_name n;
    struct handle *dir;
    const char *tp;
    int err;

    err = gofer_decode_symlink(s->rx, len, &ts, &n, &tp);
    if (err)
        return err;
    if (!s->writable)
        return -EROFS;
    err = srv_dir_get(s, ts.dir, &dir);
    if (err)
        return err;
    srv_name_copy(name, &n);
    /* The target is data: only the Sentry's walk ever interprets it. */
    memcpy(target, tp, ts.targetlen);
    target[ts.targetlen] = '\0';
    if (symlinkat(target, dir->fd, name) < 0)
        return -errno;
    err = give_owner(dir->fd, name, -1, ts.uid, ts.gid, S_IFLNK | 0777);
    if (err)
        return err;
    return reply_statat(s, dir->fd, name);
}

int srv_op_link(struct server *s, size_t len)
{
    char name[GOFER_NAME_MAX + 1];
    struct handle *t, *dir;
    struct gofer_tlink tl;
    struct gofer_name n;
    struct stat st;
    int err;

    err = gofer_decode_link(s->rx, len, &tl, &n);
    if (err)
        return err;
    if (!s->writable)
        return -EROFS;
    t = srv_handle_get(s, tl.target);
    if (!t)
        return -EBADF;
    err = srv_dir_get(s, tl.dir, &dir);
    if (err)
        return err;
    if (S_ISDIR(t->mode))
        return -EPERM;
    srv_name_copy(name, &n);
    /* By the handle itself (needs CAP_DAC_READ_SEARCH), else by its name,
     * checking that the new link is the handle's inode. */
    if (linkat(t->fd, "", dir->fd, name, AT_EMPTY_PATH) < 0) {
        if (errno != ENOENT)
            return -errno;
        if (linkat(t->parentfd, t->name, dir->fd, name, 0) < 0)
            return -errno;
        if (fstatat(dir->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
        if (st.st_dev != t->dev || st.st_ino != t->ino) {
            (void)unlinkat(dir->fd, name, 0);
            return -ESTALE;
        }
    }
    return reply_statat(s, dir->fd, name);
}

int srv_op_unlink(struct server *s, size_t len)
{
    char name[GOFER_NAME_MAX + 1];
    struct gofer_tunlink tu;
    struct gofer_name n;
    struct handle *dir;
    int err;

    err = gofer_decode_unlink(s->rx, len, &tu, &n);
    if (err)
        return err;
    if (!s->writable)
        return -EROFS;
    err = srv_dir_get(s, tu.dir, &dir);
    if (err)
        return err;
    srv_name_copy(name, &n);
    if (unlinkat(dir->fd, name,
                 (tu.flags & GOFER_UNLINK_DIR) ? AT_REMOVEDIR : 0) < 0)
        return -errno;
    return 0;
}

int srv_op_rename(struct server *s, size_t len)
{
    char oname[GOFER_NAME_MAX + 1], nname[GOFER_NAME_MAX + 1];
    struct gofer_name on, nn;
    struct handle *od, *nd;
    struct gofer_trename tr;
    int err;

    err = gofer_decode_rename(s->rx, len, &tr, &on, &nn);
    if (err)
        return err;
    if (!s->writable)
        return -EROFS;
    if ((tr.flags & ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
        tr.flags == (RENAME_NOREPLACE | RENAME_EXCHANGE))
        return -EINVAL;
    err = srv_dir_get(s, tr.olddir, &od);
    if (!err)
        err = srv_dir_get(s, tr.newdir, &nd);
    if (err)
        return err;
    srv_name_copy(oname, &on);
    srv_name_copy(nname, &nn);
    if (renameat2(od->fd, oname, nd->fd, nname, tr.flags) < 0)
        return -errno;
    srv_handles_renamed(s, od, &on, nd, &nn, tr.flags & RENAME_EXCHANGE);
    return 0;
}

static bool nsec_ok(uint32_t nsec)
{
    return nsec < 1000000000u || nsec == UTIME_NOW || nsec == UTIME_OMIT;
}

int srv_op_setattr(struct server *s, size_t len)
{
    struct gofer_tsetattr ta;
    struct timespec ts[2];
    struct handle *h;
    struct stat st;
    int err;

    err = gofer_decode_fixed(s->rx, len, GOFER_T_SETATTR, &ta, sizeof(ta));
    if (err)
        return err;
    if (!s->writable)
        return -EROFS;
    h = srv_handle_get(s, ta.handle);
    if (!h)
        return -EBADF;
    /* Check everything before changing anything. */
    if (ta.valid & GOFER_SA_SIZE) {
        if (S_ISDIR(h->mode))
            return -EISDIR;
        if (!S_ISREG(h->mode) || ta.size > INT64_MAX)
            return -EINVAL;
    }
    if (ta.valid & GOFER_SA_MODE) {
        if (ta.mode & ~07777u)
            return -EINVAL;
        if (S_ISLNK(h->mode))
            return -EOPNOTSUPP; /* fchmodat(AT_SYMLINK_NOFOLLOW) on Linux */
    }
    if (((ta.valid & GOFER_SA_ATIME) && !nsec_ok(ta.atime_nsec)) ||
        ((ta.valid & GOFER_SA_MTIME) && !nsec_ok(ta.mtime_nsec)))
        return -EINVAL;

    if (ta.valid & GOFER_SA_SIZE) {
        _cleanup_close_ int fd = srv_reopen_regular(h, O_WRONLY);

        if (fd < 0)
            return fd;
        if (ftruncate(fd, (off_t)ta.size) < 0)
            return -errno;
    }
    if (ta.valid & (GOFER_SA_UID | GOFER_SA_GID)) {
        uid_t uid = (ta.valid & GOFER_SA_UID) ? ta.uid : (uid_t)-1;
        gid_t gid = (ta.valid & GOFER_SA_GID) ? ta.gid : (gid_t)-1;

        if (fchownat(h->fd, "", uid, gid,
                     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
    }
    if (ta.valid & GOFER_SA_MODE) {
        err = chmod_nofollow(h->fd, "", ta.mode, AT_EMPTY_PATH);
        if (err == -ENOSYS) {
            /* Before fchmodat2: through a real fd of the file. */
            _cleanup_close_ int fd = srv_reopen_any(h);

            if (fd < 0)
                return fd;
            err = fchmod(fd, ta.mode) < 0 ? -errno : 0;
        }
        if (err)
            return err;
    }
    if (ta.valid & (GOFER_SA_ATIME | GOFER_SA_MTIME)) {
        ts[0] = (struct timespec){ .tv_nsec = UTIME_OMIT };
        ts[1] = ts[0];
        if (ta.valid & GOFER_SA_ATIME)
            ts[0] = (struct timespec){ ta.atime_sec, ta.atime_nsec };
        if (ta.valid & GOFER_SA_MTIME)
            ts[1] = (struct timespec){ ta.mtime_sec, ta.mtime_nsec };
        if (utimensat(h->fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
    }
    err = srv_stat_fd(h->fd, &st);
    if (err)
        return err;
    return reply_stat(s, &st);
}

int srv_op_fallocate(struct server *s, size_t len)
{
    _cleanup_close_ int fd = -1;
    struct gofer_tfallocate tf;
    struct handle *h;
    struct stat st;
    int err;

    err = gofer_decode_fixed(s->rx, len, GOFER_T_FALLOCATE, &tf, sizeof(tf));
    if (err)
        return err;
    if (!s->writable)
        return -EROFS;
    h = srv_handle_get(s, tf.handle);
    if (!h)
        return -EBADF;
    if (S_ISDIR(h->mode))
        return -EISDIR;
    if (!S_ISREG(h->mode))
        return -ENODEV;
    if (tf.mode & ~FALLOC_KNOWN)
        return -EOPNOTSUPP;
    if (tf.off > INT64_MAX || tf.len > INT64_MAX || tf.len == 0)
        return -EINVAL;
    fd = srv_reopen_regular(h, O_WRONLY);
    if (fd < 0)
        return fd;
    if (fallocate(fd, tf.mode, (off_t)tf.off, (off_t)tf.len) < 0)
        return -errno;
    if (fstat(fd, &st) < 0)
        return -errno;
    return reply_stat(s, &st);
}
