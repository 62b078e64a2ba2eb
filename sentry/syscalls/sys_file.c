/* sentry/syscalls/sys_file.c: open, close, read, write, seek, stat, getdents,
 * fcntl, dup, ioctl. */
#include "sentry/syscalls/syscalls.h"

#include <dirent.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <sys/mount.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/stat.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <signal.h>
#include <termios.h>

#include "lib/xalloc.h"
#include "sentry/fs/fs.h"
#include "sentry/fs/pipe.h"
#include "sentry/fs/tty.h"
#include "sentry/socket/netif.h"
#include "sentry/socket/socket.h"

#define IO_CHUNK (64 * 1024)
#define RW_MAX 0x7ffff000L

static void file_putp(struct file **f)
{
    if (*f)
        file_put(*f);
}
#define _cleanup_file_ __attribute__((cleanup(file_putp)))

static int readable(struct file *f)
{
    if (!f->ops)
        return -EBADF; /* O_PATH */
    if ((f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    if (S_ISDIR(f->inode->mode))
        return -EISDIR;
    if (!f->ops->read)
        return -EINVAL;
    return 0;
}

static int writable(struct file *f)
{
    if (!f->ops || (f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    if (!f->ops->write)
        return -EINVAL;
    return 0;
}

/* Read up to len bytes at off into app memory; one host read for streams. */
static long do_read(struct task *t, struct file *f, uint64_t buf, size_t len, uint64_t off,
                    uint64_t *newoff)
{
    _cleanup_free_ uint8_t *kbuf = NULL;
    size_t done = 0;

    if (len > RW_MAX)
        len = RW_MAX;
    if (len == 0)
        return 0;
    kbuf = xzalloc(SB_MIN(len, IO_CHUNK));
    while (done < len) {
        size_t k = SB_MIN(len - done, IO_CHUNK);
        long n = f->ops->read(f, kbuf, k, off + done);
        if (n < 0)
            return done ? (long)done : n;
        if (n && mm_copy_out(t->mm, buf + done, kbuf, n))
            return done ? (long)done : -EFAULT;
        done += n;
        if ((size_t)n < k || (f->fmode & FILE_STREAM))
            break;
    }
    if (done && f->path.d)
        vfs_notify_dentry(f->path.d, IN_ACCESS);
    if (newoff)
        *newoff = off + done;
    return (long)done;
}

static long do_write(struct task *t, struct file *f, uint64_t buf, size_t len, uint64_t off,
                     uint64_t *newoff)
{
    _cleanup_free_ uint8_t *kbuf = NULL;
    size_t done = 0;

    if (len > RW_MAX)
        len = RW_MAX;
    if (len == 0) /* a device still answers (/dev/full: ENOSPC) */
        return S_ISCHR(f->inode->mode) && f->ops->write ? f->ops->write(f, "", 0, off) : 0;
    if (f->ops->flags & FOPS_WRITE_DISCARDS)
        return (long)len;
    if (S_ISREG(f->inode->mode) && t->proc->rlim[RLIMIT_FSIZE].cur != RLIM_INFINITY) {
        /* RLIMIT_FSIZE: a write that starts at the limit fails, one that
         * crosses it is cut short. */
        uint64_t lim = t->proc->rlim[RLIMIT_FSIZE].cur, at = off;
        struct stat st;
        if ((f->flags & O_APPEND) && !vfs_getattr(f->inode, &st))
            at = (uint64_t)st.st_size;
        if (at >= lim)
            return sys_fsize_check(t, at + 1);
        if (at + len > lim)
            len = lim - at;
    }
    kbuf = xzalloc(SB_MIN(len, IO_CHUNK));
    while (done < len) {
        size_t k = SB_MIN(len - done, IO_CHUNK);
        long n;
        if (mm_copy_in(t->mm, kbuf, buf + done, k))
            return done ? (long)done : -EFAULT;
        n = f->ops->write(f, kbuf, k, off + done);
        if (n < 0)
            return done ? (long)done : n;
        done += n;
        if ((size_t)n < k)
            break;
    }
    if (done && f->path.d)
        vfs_notify_dentry(f->path.d, IN_MODIFY);
    if (newoff) {
        *newoff = off + done;
        if (f->flags & O_APPEND) {
            struct stat st;
            if (!vfs_getattr(f->inode, &st))
                *newoff = st.st_size;
        }
    }
    return (long)done;
}

/* The file position is serialized across threads; streams (pipes, ttys,
 * eventfds...) have none, and a reader blocked on one must not keep a
 * writer of the same file out. */
static void pos_lock(struct file *f)
{
    if (!(f->fmode & FILE_STREAM))
        pthread_mutex_lock(&f->lock);
}

static void pos_unlock(struct file *f)
{
    if (!(f->fmode & FILE_STREAM))
        pthread_mutex_unlock(&f->lock);
}

long sys_read(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r;

    if (!f)
        return -EBADF;
    if ((r = readable(f)))
        return r;
    if (sock_of(f)) { /* no f->lock: a socket reads and writes at once */
        struct iovec iov = { (void *)a->a[1], SB_MIN(a->a[2], (uint64_t)RW_MAX) };
        return sock_rw(t, f, &iov, 1, false);
    }
    pos_lock(f);
    r = do_read(t, f, a->a[1], a->a[2], f->pos, &f->pos);
    pos_unlock(f);
    return r;
}

long sys_write(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r;

    if (!f)
        return -EBADF;
    if ((r = writable(f)))
        return r;
    if (sock_of(f)) {
        struct iovec iov = { (void *)a->a[1], SB_MIN(a->a[2], (uint64_t)RW_MAX) };
        return sock_rw(t, f, &iov, 1, true);
    }
    pos_lock(f);
    r = do_write(t, f, a->a[1], a->a[2], f->pos, &f->pos);
    pos_unlock(f);
    return r;
}

long sys_pread64(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r;

    if (!f)
        return -EBADF;
    if ((r = readable(f)))
        return r;
    if ((int64_t)a->a[3] < 0)
        return -EINVAL;
    if (f->fmode & FILE_STREAM)
        return -ESPIPE;
    return do_read(t, f, a->a[1], a->a[2], a->a[3], NULL);
}

long sys_pwrite64(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r;

    if (!f)
        return -EBADF;
    if ((r = writable(f)))
        return r;
    if ((int64_t)a->a[3] < 0)
        return -EINVAL;
    if (f->fmode & FILE_STREAM)
        return -ESPIPE;
    return do_write(t, f, a->a[1], a->a[2], a->a[3], NULL);
}

static long do_rwv(struct task *t, int fd, uint64_t uiov, uint64_t cnt, int64_t off, int wr)
{
    _cleanup_file_ struct file *f = fdt_get(t->fdt, fd);
    _cleanup_free_ struct iovec *iov = NULL;
    long r;

    if (!f)
        return -EBADF;
    if ((r = wr ? writable(f) : readable(f)))
        return r;
    if (cnt > 1024)
        return -EINVAL;
    if (off != -1 && off < 0)
        return -EINVAL;
    if (off != -1 && (f->fmode & FILE_STREAM))
        return -ESPIPE;
    iov = xzalloc(sizeof(*iov) * (cnt ? cnt : 1));
    if (cnt && mm_copy_in(t->mm, iov, uiov, sizeof(*iov) * cnt))
        return -EFAULT;
    for (uint64_t i = 0; i < cnt; i++)
        if ((ssize_t)iov[i].iov_len < 0)
            return -EINVAL;
    return sys_rw_iov(t, f, iov, cnt, off, wr);
}

long sys_rw_iov(struct task *t, struct file *f, const struct iovec *iov, uint64_t cnt,
                int64_t off, int wr)
{
    long r, total = 0;
    uint64_t pos;

    if (sock_of(f)) /* one message for all the vectors */
        return sock_rw(t, f, iov, (int)cnt, wr);
    if (off == -1)
        pos_lock(f);
    pos = off == -1 ? f->pos : (uint64_t)off;
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t np = pos;
        if (!iov[i].iov_len)
            continue;
        r = wr ? do_write(t, f, (uint64_t)iov[i].iov_base, iov[i].iov_len, pos, &np)
               : do_read(t, f, (uint64_t)iov[i].iov_base, iov[i].iov_len, pos, &np);
        if (r < 0) {
            if (!total)
                total = r;
            break;
        }
        total += r;
        pos = np;
        if ((size_t)r < iov[i].iov_len)
            break;
    }
    if (off == -1) {
        if (total > 0)
            f->pos = pos;
        pos_unlock(f);
    }
    return total;
}

long sys_readv(struct task *t, const struct syscall_args *a)
{
    return do_rwv(t, (int)a->a[0], a->a[1], a->a[2], -1, 0);
}

long sys_writev(struct task *t, const struct syscall_args *a)
{
    return do_rwv(t, (int)a->a[0], a->a[1], a->a[2], -1, 1);
}

long sys_preadv(struct task *t, const struct syscall_args *a)
{
    if ((int64_t)a->a[3] < 0)
        return -EINVAL;
    return do_rwv(t, (int)a->a[0], a->a[1], a->a[2], (int64_t)a->a[3], 0);
}

long sys_pwritev(struct task *t, const struct syscall_args *a)
{
    if ((int64_t)a->a[3] < 0)
        return -EINVAL;
    return do_rwv(t, (int)a->a[0], a->a[1], a->a[2], (int64_t)a->a[3], 1);
}

#define RWF_KNOWN_ (RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND)

/* preadv2/pwritev2: offset -1 is the file position; flags per call. The
 * sandbox's files have no I/O queue to skip or sync, so HIPRI, NOWAIT,
 * DSYNC and SYNC need nothing more; APPEND writes at the end. */
long sys_preadv2(struct task *t, const struct syscall_args *a)
{
    int64_t off = (int64_t)a->a[3];

    if (a->a[5] & ~(uint64_t)RWF_KNOWN_)
        return -EOPNOTSUPP;
    if (off < -1)
        return -EINVAL;
    return do_rwv(t, (int)a->a[0], a->a[1], a->a[2], off, 0);
}

long sys_pwritev2(struct task *t, const struct syscall_args *a)
{
    int64_t off = (int64_t)a->a[3];
    struct file *f;
    struct stat st;
    long r;

    if (a->a[5] & ~(uint64_t)RWF_KNOWN_)
        return -EOPNOTSUPP;
    if (off < -1)
        return -EINVAL;
    if (!(a->a[5] & RWF_APPEND) || off == -1) {
        if (!(a->a[5] & RWF_APPEND))
            return do_rwv(t, (int)a->a[0], a->a[1], a->a[2], off, 1);
    }
    /* RWF_APPEND: at the end of the file, whatever the offset says. */
    if (!(f = fdt_get(t->fdt, (int)a->a[0])))
        return -EBADF;
    r = vfs_getattr(f->inode, &st);
    if (!r && (f->fmode & FILE_STREAM))
        off = -1; /* streams have no end to seek to */
    else if (!r && off == -1) {
        pthread_mutex_lock(&f->lock);
        f->pos = (uint64_t)st.st_size;
        pthread_mutex_unlock(&f->lock);
    } else if (!r) {
        off = st.st_size;
    }
    file_put(f);
    if (r)
        return r;
    return do_rwv(t, (int)a->a[0], a->a[1], a->a[2], off, 1);
}

long sys_syncfs(struct task *t, const struct syscall_args *a)
{
    struct file *f = fdt_get(t->fdt, (int)a->a[0]);

    if (!f)
        return -EBADF;
    file_put(f);
    return 0; /* the Sentry's file systems have nothing to write back */
}

long sys_sync(struct task *t, const struct syscall_args *a)
{
    return 0; /* syncfs of every mount: nothing to write back anywhere */
}

/* O_TMPFILE: an unnamed file in the directory `path` names, linkable later
 * with linkat(AT_EMPTY_PATH). */
static int open_tmpfile(struct task *t, const struct vpath *start, const char *path, int flags,
                        mode_t mode, struct file **out)
{
    char name[32];
    struct vpath dir, p;
    struct inode *ino;
    int r;

    if ((flags & O_ACCMODE) != O_WRONLY && (flags & O_ACCMODE) != O_RDWR)
        return -EINVAL;
    if ((r = vfs_walk(t->fs, start, path, WALK_FOLLOW | WALK_DIRECTORY, &dir)))
        return r;
    if (dir.mnt->flags & MS_RDONLY)
        r = -EROFS;
    else if (!dir.d->inode->iops || !dir.d->inode->iops->tmpfile)
        r = -EOPNOTSUPP;
    else if (!(r = vfs_permission(dir.d->inode, MAY_WRITE | MAY_EXEC)))
        r = dir.d->inode->iops->tmpfile(dir.d->inode, (mode & 07777 & ~t->fs->umask), &ino);
    if (r) {
        vpath_put(&dir);
        return r;
    }
    snprintf(name, sizeof(name), "#%llu", (unsigned long long)ino->ino);
    p.mnt = dir.mnt;
    p.d = dentry_new_uncached(name, dir.d, ino); /* takes the inode reference */
    p.d->dead = (flags & O_EXCL) != 0;            /* never to be linked */
    vpath_put(&dir);
    r = vfs_open_path(&p, (flags & ~(O_TMPFILE | O_CREAT | O_EXCL | O_TRUNC)) | VFS_O_CREATED, out);
    vpath_put(&p);
    return r;
}

static long do_open(struct task *t, int dirfd, uint64_t upath, int flags, mode_t mode)
{
    char path[VFS_PATH_MAX];
    struct vpath start;
    struct file *f;
    int r, fd;

    if ((r = sys_copy_path(t, upath, path)) < 0)
        return r;
    if ((r = sys_at_start(t, dirfd, path, &start)))
        return r;
    if ((flags & O_TMPFILE) == O_TMPFILE)
        r = open_tmpfile(t, &start, path, flags, mode, &f);
    else
        r = vfs_open(t->fs, &start, path, flags, mode, &f);
    vpath_put(&start);
    if (r)
        return r;
    f->flags = (f->flags & ~O_CLOEXEC) | O_LARGEFILE;
    fd = fdt_install(t->fdt, f, 0, flags & O_CLOEXEC);
    file_put(f);
    return fd;
}

/* openat2(2): open_how {flags, mode, resolve}, extensible by size. */
long sys_openat2(struct task *t, const struct syscall_args *a)
{
    struct {
        uint64_t flags, mode, resolve;
    } how;
    size_t size = a->a[3];
    uint64_t valid = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK |
                     O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW |
                     O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE | O_SYNC | 0100000;
    unsigned resolve = 0;
    char path[VFS_PATH_MAX];
    struct vpath start;
    struct file *f;
    long r;
    int fd;

    if (size < sizeof(how))
        return -EINVAL;
    if (size > 4096)
        return -E2BIG;
    if (mm_copy_in(t->mm, &how, a->a[2], sizeof(how)))
        return -EFAULT;
    for (size_t off = sizeof(how); off < size; off += 8) { /* unknown fields must be 0 */
        uint8_t tail[8] = { 0 };
        size_t k = SB_MIN((size_t)8, size - off);
        if (mm_copy_in(t->mm, tail, a->a[2] + off, k))
            return -EFAULT;
        for (size_t i = 0; i < k; i++)
            if (tail[i])
                return -E2BIG;
    }
    if (how.flags & ~valid)
        return -EINVAL;
    if (how.resolve & ~(uint64_t)0x3f)
        return -EINVAL;
    if ((how.resolve & 0x08) && (how.resolve & 0x10))
        return -EINVAL; /* BENEATH and IN_ROOT */
    if (how.mode & ~(uint64_t)07777)
        return -EINVAL;
    if (how.mode && !(how.flags & O_CREAT) && (how.flags & O_TMPFILE) != O_TMPFILE)
        return -EINVAL;
    if ((how.flags & O_PATH) && (how.flags & ~(uint64_t)(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)))
        return -EINVAL;
    if ((how.resolve & 0x20) && (how.flags & (O_CREAT | O_TRUNC | O_TMPFILE)))
        return -EAGAIN; /* RESOLVE_CACHED cannot create or truncate */
    resolve = ((how.resolve & 0x01) ? WALK_NO_XDEV : 0) |
              ((how.resolve & 0x02) ? WALK_NO_MAGICLINKS : 0) |
              ((how.resolve & 0x04) ? WALK_NO_SYMLINKS : 0) |
              ((how.resolve & 0x08) ? WALK_BENEATH : 0) | ((how.resolve & 0x10) ? WALK_IN_ROOT : 0);
    if ((r = sys_copy_path(t, a->a[1], path)) < 0)
        return r;
    if ((r = sys_at_start(t, (int)a->a[0], path, &start)))
        return r;
    if (resolve & (WALK_BENEATH | WALK_IN_ROOT)) {
        /* The scope is the dirfd even for absolute paths. */
        if ((int)a->a[0] != AT_FDCWD && path[0] == '/') {
            vpath_put(&start);
            struct file *df = fdt_get(t->fdt, (int)a->a[0]);
            if (!df)
                return -EBADF;
            start = vpath_copy(&df->path);
            file_put(df);
        }
    }
    if ((how.flags & O_TMPFILE) == O_TMPFILE)
        r = open_tmpfile(t, &start, path, (int)how.flags, (mode_t)how.mode, &f);
    else
        r = vfs_open_resolve(t->fs, &start, path, (int)how.flags, (mode_t)how.mode, resolve, &f);
    vpath_put(&start);
    if (r)
        return r;
    f->flags = (f->flags & ~O_CLOEXEC) | O_LARGEFILE;
    fd = fdt_install(t->fdt, f, 0, how.flags & O_CLOEXEC);
    file_put(f);
    return fd;
}

long sys_open(struct task *t, const struct syscall_args *a)
{
    return do_open(t, AT_FDCWD, a->a[0], (int)a->a[1], (mode_t)a->a[2]);
}

long sys_openat(struct task *t, const struct syscall_args *a)
{
    return do_open(t, (int)a->a[0], a->a[1], (int)a->a[2], (mode_t)a->a[3]);
}

long sys_creat(struct task *t, const struct syscall_args *a)
{
    return do_open(t, AT_FDCWD, a->a[0], O_CREAT | O_WRONLY | O_TRUNC, (mode_t)a->a[1]);
}

long sys_close(struct task *t, const struct syscall_args *a)
{
    return fdt_close(t->fdt, (int)a->a[0]);
}

long sys_close_range(struct task *t, const struct syscall_args *a)
{
    unsigned first = (unsigned)a->a[0], last = (unsigned)a->a[1];
    unsigned flags = (unsigned)a->a[2];

    if (flags & ~(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE))
        return -EINVAL;
    if (first > last)
        return -EINVAL;
    if (flags & CLOSE_RANGE_UNSHARE)
        fdt_unshare(&t->fdt);
    for (unsigned fd = first; fd <= last && fd < (unsigned)t->fdt->cap; fd++) {
        if (flags & CLOSE_RANGE_CLOEXEC)
            (void)fdt_set_cloexec(t->fdt, fd, true);
        else
            (void)fdt_close(t->fdt, fd);
    }
    return 0;
}

long sys_lseek(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    int64_t off = (int64_t)a->a[1], base;
    int whence = (int)a->a[2];
    struct stat st;

    if (!f)
        return -EBADF;
    if (!f->ops)
        return -EBADF;
    if (f->fmode & FILE_STREAM)
        return -ESPIPE;
    if (f->ops->flags & FOPS_NOSEEK_ZERO) {
        if (whence < SEEK_SET || whence > SEEK_HOLE)
            return -EINVAL;
        f->pos = 0;
        return 0;
    }
    pthread_mutex_lock(&f->lock);
    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)f->pos;
        break;
    case SEEK_END:
    case SEEK_DATA:
    case SEEK_HOLE:
        if (vfs_getattr(f->inode, &st)) {
            base = -1;
            break;
        }
        if (whence == SEEK_END) {
            base = st.st_size;
            break;
        }
        pthread_mutex_unlock(&f->lock);
        if (off < 0 || off >= st.st_size)
            return -ENXIO;
        if (f->ops->seek_data) {
            int64_t r = f->ops->seek_data(f, whence, (uint64_t)off);
            if (r < 0)
                return r;
            off = SB_MIN(r, (int64_t)st.st_size);
        } else if (whence == SEEK_HOLE) {
            off = st.st_size;
        }
        pthread_mutex_lock(&f->lock);
        f->pos = (uint64_t)off;
        pthread_mutex_unlock(&f->lock);
        return off;
    default:
        pthread_mutex_unlock(&f->lock);
        return -EINVAL;
    }
    if (base < 0 || (off > 0 && base + off < base) || base + off < 0) {
        pthread_mutex_unlock(&f->lock);
        return -EINVAL;
    }
    f->pos = base + off;
    pthread_mutex_unlock(&f->lock);
    return base + off;
}

static long stat_out(struct task *t, struct inode *ino, uint64_t ubuf)
{
    struct stat st;
    int r = vfs_getattr(ino, &st);
    if (r)
        return r;
    return mm_copy_out(t->mm, ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

static long do_fstatat(struct task *t, int dirfd, uint64_t upath, uint64_t ubuf, int flags,
                       struct stat *kst)
{
    char path[VFS_PATH_MAX];
    struct vpath start, p;
    int r;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if ((r = sys_copy_path(t, upath, path)) < 0)
        return r;
    if (!path[0] && (flags & AT_EMPTY_PATH)) {
        _cleanup_file_ struct file *f = NULL;
        if (dirfd == AT_FDCWD)
            return kst ? vfs_getattr(t->fs->cwd.d->inode, kst)
                       : stat_out(t, t->fs->cwd.d->inode, ubuf);
        f = fdt_get(t->fdt, dirfd);
        if (!f)
            return -EBADF;
        return kst ? vfs_getattr(f->inode, kst) : stat_out(t, f->inode, ubuf);
    }
    if ((r = sys_at_start(t, dirfd, path, &start)))
        return r;
    r = vfs_walk(t->fs, &start, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &p);
    vpath_put(&start);
    if (r)
        return r;
    r = kst ? vfs_getattr(p.d->inode, kst) : (int)stat_out(t, p.d->inode, ubuf);
    vpath_put(&p);
    return r;
}

long sys_stat(struct task *t, const struct syscall_args *a)
{
    return do_fstatat(t, AT_FDCWD, a->a[0], a->a[1], 0, NULL);
}

long sys_lstat(struct task *t, const struct syscall_args *a)
{
    return do_fstatat(t, AT_FDCWD, a->a[0], a->a[1], AT_SYMLINK_NOFOLLOW, NULL);
}

long sys_newfstatat(struct task *t, const struct syscall_args *a)
{
    return do_fstatat(t, (int)a->a[0], a->a[1], a->a[2], (int)a->a[3], NULL);
}

long sys_fstat(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    if (!f)
        return -EBADF;
    return stat_out(t, f->inode, a->a[1]);
}

long sys_statx(struct task *t, const struct syscall_args *a)
{
    int flags = (int)a->a[2];
    unsigned mask = (unsigned)a->a[3];
    struct statx sx;
    struct stat st;
    long r;

    if (mask & STATX__RESERVED)
        return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
        return -EINVAL;
    r = do_fstatat(t, (int)a->a[0], a->a[1], 0, flags, &st);
    if (r)
        return r;
    memset(&sx, 0, sizeof(sx));
    sx.stx_mask = STATX_BASIC_STATS;
    sx.stx_blksize = st.st_blksize;
    sx.stx_nlink = st.st_nlink;
    sx.stx_uid = st.st_uid;
    sx.stx_gid = st.st_gid;
    sx.stx_mode = st.st_mode;
    sx.stx_ino = st.st_ino;
    sx.stx_size = st.st_size;
    sx.stx_blocks = st.st_blocks;
    sx.stx_atime.tv_sec = st.st_atim.tv_sec;
    sx.stx_atime.tv_nsec = st.st_atim.tv_nsec;
    sx.stx_mtime.tv_sec = st.st_mtim.tv_sec;
    sx.stx_mtime.tv_nsec = st.st_mtim.tv_nsec;
    sx.stx_ctime.tv_sec = st.st_ctim.tv_sec;
    sx.stx_ctime.tv_nsec = st.st_ctim.tv_nsec;
    sx.stx_rdev_major = major(st.st_rdev);
    sx.stx_rdev_minor = minor(st.st_rdev);
    sx.stx_dev_major = major(st.st_dev);
    sx.stx_dev_minor = minor(st.st_dev);
    return mm_copy_out(t->mm, a->a[4], &sx, sizeof(sx)) ? -EFAULT : 0;
}

struct dents_buf {
    struct dir_emit de;
    uint8_t *buf;
    size_t len, cap;
    bool old; /* struct linux_dirent (getdents), not linux_dirent64 */
};

/* The old getdents(2) record: d_type is the last byte of the record. */
struct linux_dirent_ {
    uint64_t d_ino;
    uint64_t d_off;
    unsigned short d_reclen;
    char d_name[];
};

static bool dents_emit(struct dir_emit *de, const char *name, size_t len, uint64_t ino,
                       unsigned type, uint64_t next)
{
    struct dents_buf *b = (struct dents_buf *)de;
    size_t reclen = b->old ? (offsetof(struct linux_dirent_, d_name) + len + 2 + 7) & ~7UL
                           : (offsetof(struct dirent64, d_name) + len + 1 + 7) & ~7UL;

    if (b->len + reclen > b->cap)
        return false;
    memset(b->buf + b->len, 0, reclen);
    if (b->old) {
        struct linux_dirent_ *d = (struct linux_dirent_ *)(b->buf + b->len);
        d->d_ino = ino ? ino : 1;
        d->d_off = next;
        d->d_reclen = (unsigned short)reclen;
        memcpy(d->d_name, name, len);
        b->buf[b->len + reclen - 1] = (uint8_t)type;
    } else {
        struct dirent64 *d = (struct dirent64 *)(b->buf + b->len);
        d->d_ino = ino ? ino : 1;
        d->d_off = (int64_t)next;
        d->d_reclen = (unsigned short)reclen;
        d->d_type = (unsigned char)type;
        memcpy(d->d_name, name, len);
    }
    b->len += reclen;
    return true;
}

static long do_getdents(struct task *t, const struct syscall_args *a, bool old)
{
    _cleanup_file_ struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    _cleanup_free_ uint8_t *kbuf = NULL;
    struct dents_buf b = { .de.emit = dents_emit, .old = old };
    size_t count = (size_t)(unsigned)a->a[2];
    int r;

    if (!f || !f->ops)
        return -EBADF;
    if (!S_ISDIR(f->inode->mode) || !f->ops->getdents)
        return -ENOTDIR;
    b.cap = SB_MIN(count, (size_t)1 << 20);
    kbuf = xzalloc(b.cap ? b.cap : 1);
    b.buf = kbuf;
    pthread_mutex_lock(&f->lock);
    r = f->ops->getdents(f, &b.de);
    pthread_mutex_unlock(&f->lock);
    if (r < 0)
        return r;
    if (b.len == 0) {
        /* Nothing fit, though entries remain: the buffer is too small. */
        struct dents_buf probe = { .de.emit = dents_emit, .old = old };
        uint8_t tmp[512];
        uint64_t save = f->pos;
        probe.buf = tmp;
        probe.cap = sizeof(tmp);
        pthread_mutex_lock(&f->lock);
        f->ops->getdents(f, &probe.de);
        f->pos = save;
        pthread_mutex_unlock(&f->lock);
        if (probe.len)
            return -EINVAL;
        return 0;
    }
    if (mm_copy_out(t->mm, a->a[1], kbuf, b.len))
        return -EFAULT;
    return (long)b.len;
}

long sys_getdents64(struct task *t, const struct syscall_args *a)
{
    return do_getdents(t, a, false);
}

long sys_getdents(struct task *t, const struct syscall_args *a)
{
    return do_getdents(t, a, true);
}

long sys_dup(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    if (!f)
        return -EBADF;
    return fdt_install(t->fdt, f, 0, false);
}

static long do_dup3(struct task *t, int oldfd, int newfd, int flags)
{
    _cleanup_file_ struct file *f = fdt_get(t->fdt, oldfd);
    if (!f)
        return -EBADF;
    if (newfd < 0 || newfd >= t->fdt->max)
        return -EBADF;
    return fdt_install_at(t->fdt, f, newfd, flags & O_CLOEXEC);
}

long sys_dup2(struct task *t, const struct syscall_args *a)
{
    int oldfd = (int)a->a[0], newfd = (int)a->a[1];

    if (oldfd == newfd) {
        _cleanup_file_ struct file *f = fdt_get(t->fdt, oldfd);
        return f ? newfd : -EBADF;
    }
    return do_dup3(t, oldfd, newfd, 0);
}

long sys_dup3(struct task *t, const struct syscall_args *a)
{
    int flags = (int)a->a[2];

    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    if (a->a[0] == a->a[1])
        return -EINVAL;
    return do_dup3(t, (int)a->a[0], (int)a->a[1], flags);
}

static int wait_lock_change(struct task *t, unsigned long gen);

static long do_lock(struct task *t, struct file *f, int cmd, uint64_t uflock)
{
    int ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
    const void *owner = ofd ? (const void *)f : t->fdt->lock_owner;
    struct flock fl;
    int64_t base = 0, start;
    uint64_t s, e;
    struct vfs_lock_info li;
    int r;

    if (mm_copy_in(t->mm, &fl, uflock, sizeof(fl)))
        return -EFAULT;
    if (!f->ops)
        return -EBADF;
    if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
        return -EINVAL;
    if (ofd && fl.l_pid != 0)
        return -EINVAL;
    switch (fl.l_whence) {
    case SEEK_SET:
        break;
    case SEEK_CUR:
        base = (int64_t)f->pos;
        break;
    case SEEK_END: {
        struct stat st;
        if ((r = vfs_getattr(f->inode, &st)))
            return r;
        base = st.st_size;
        break;
    }
    default:
        return -EINVAL;
    }
    if (__builtin_add_overflow(base, (int64_t)fl.l_start, &start))
        return -EOVERFLOW;
    if (fl.l_len > 0) {
        int64_t last;
        if (start < 0)
            return -EINVAL;
        if (__builtin_add_overflow(start, (int64_t)fl.l_len - 1, &last))
            return -EOVERFLOW;
        s = (uint64_t)start;
        e = (uint64_t)last;
    } else if (fl.l_len == 0) {
        if (start < 0)
            return -EINVAL;
        s = (uint64_t)start;
        e = UINT64_MAX;
    } else {
        if (start + fl.l_len < 0)
            return -EINVAL;
        s = (uint64_t)(start + fl.l_len);
        e = (uint64_t)start - 1;
    }
    if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
        if (fl.l_type == F_UNLCK)
            return -EINVAL;
        if (vfs_lock_test(f->inode, owner, fl.l_type, s, e, &li)) {
            fl.l_type = (short)li.type;
            fl.l_whence = SEEK_SET;
            fl.l_start = (off_t)li.start;
            fl.l_len = li.end == UINT64_MAX ? 0 : (off_t)(li.end - li.start + 1);
            fl.l_pid = li.pid;
        } else {
            fl.l_type = F_UNLCK;
        }
        return mm_copy_out(t->mm, uflock, &fl, sizeof(fl)) ? -EFAULT : 0;
    }
    if (fl.l_type == F_RDLCK && (f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    if (fl.l_type == F_WRLCK && (f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    for (;;) {
        unsigned long gen = __atomic_load_n(&vfs_lock_gen, __ATOMIC_ACQUIRE);
        r = vfs_lock_set_info(f->inode, owner, ofd ? -1 : t->proc->tgid, fl.l_type, s, e, &li);
        if (r != -EAGAIN || (cmd != F_SETLKW && cmd != F_OFD_SETLKW))
            return r;
        /* Deadlock detection covers process-owned locks, as Linux's. */
        if (!ofd && (r = vfs_lock_wait_begin(owner, li.pid > 0 ? li.owner : NULL)))
            return r;
        r = wait_lock_change(t, gen);
        if (!ofd)
            vfs_lock_wait_end(owner);
        if (r)
            return r;
    }
}

/* Lock waiters sleep here; any release anywhere wakes them all to retry. */
static struct waitq lock_wq = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void lock_changed(void)
{
    waitq_wake_all(&lock_wq);
}

static bool gen_moved(void *arg)
{
    return __atomic_load_n(&vfs_lock_gen, __ATOMIC_ACQUIRE) != *(unsigned long *)arg;
}

static int wait_lock_change(struct task *t, unsigned long gen)
{
    if (!vfs_lock_changed)
        vfs_lock_changed = lock_changed;
    return task_wait_event(t, &lock_wq, gen_moved, &gen, NULL);
}

long sys_flock(struct task *t, const struct syscall_args *a)
{
    int op = (int)a->a[1], type;
    struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r;

    if (!f)
        return -EBADF;
    switch (op & ~LOCK_NB) {
    case LOCK_SH:
        type = F_RDLCK;
        break;
    case LOCK_EX:
        type = F_WRLCK;
        break;
    case LOCK_UN:
        type = F_UNLCK;
        break;
    default:
        file_put(f);
        return -EINVAL;
    }
    if (f->flags & O_PATH) {
        file_put(f);
        return -EBADF;
    }
    for (;;) {
        unsigned long gen = __atomic_load_n(&vfs_lock_gen, __ATOMIC_ACQUIRE);
        r = vfs_flock_set(f->inode, f, type);
        if (r != -EAGAIN || (op & LOCK_NB))
            break;
        if ((r = wait_lock_change(t, gen)))
            break;
    }
    file_put(f);
    return r == -EAGAIN ? -EWOULDBLOCK : r;
}

long sys_fcntl(struct task *t, const struct syscall_args *a)
{
    int fd = (int)a->a[0], cmd = (int)a->a[1];
    _cleanup_file_ struct file *f = fdt_get(t->fdt, fd);
    const int settable = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;

    if (!f)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if ((int)a->a[2] < 0 || (int)a->a[2] >= t->fdt->max)
            return -EINVAL;
        return fdt_install(t->fdt, f, (int)a->a[2], cmd == F_DUPFD_CLOEXEC);
    case F_GETFD:
        return fdt_get_cloexec(t->fdt, fd) > 0 ? FD_CLOEXEC : 0;
    case F_SETFD:
        return fdt_set_cloexec(t->fdt, fd, a->a[2] & FD_CLOEXEC);
    case F_GETFL:
        return f->flags;
    case F_ADD_SEALS:
        if ((f->flags & O_ACCMODE) == O_RDONLY)
            return -EPERM;
        return tmpfs_seals(f->inode, (unsigned)a->a[2], true);
    case F_GET_SEALS:
        return tmpfs_seals(f->inode, 0, false);
    case F_GETPIPE_SZ:
        return pipe_is(f) ? pipe_get_size(f) : -EBADF;
    case F_SETPIPE_SZ:
        if (!pipe_is(f))
            return -EBADF;
        if ((long)a->a[2] < 0 || a->a[2] > 0x80000000UL)
            return -EINVAL;
        return pipe_set_size(f, a->a[2]);
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return do_lock(t, f, cmd, a->a[2]);
    case F_SETFL:
        if (!f->ops)
            return -EBADF;
        if (((int)a->a[2] ^ f->flags) & O_ASYNC) {
            if (f->ops->fasync)
                f->ops->fasync(f, fd, (int)a->a[2] & O_ASYNC);
        }
        f->flags = (f->flags & ~settable) | ((int)a->a[2] & settable);
        return 0;
    case F_SETOWN:
        f->owner = (int)a->a[2];
        return 0;
    case F_GETOWN:
        return f->owner;
    case F_SETOWN_EX: {
        struct f_owner_ex ox;
        if (mm_copy_in(t->mm, &ox, a->a[2], sizeof(ox)))
            return -EFAULT;
        if (ox.type != F_OWNER_TID && ox.type != F_OWNER_PID && ox.type != F_OWNER_PGRP)
            return -EINVAL;
        f->owner = ox.type == F_OWNER_PGRP ? -ox.pid : ox.pid;
        return 0;
    }
    case F_GETOWN_EX: {
        struct f_owner_ex ox = { f->owner < 0 ? F_OWNER_PGRP : F_OWNER_PID,
                                 f->owner < 0 ? -f->owner : f->owner };
        return mm_copy_out(t->mm, a->a[2], &ox, sizeof(ox)) ? -EFAULT : 0;
    }
    case F_SETSIG:
        if (a->a[2] > SB_NSIG)
            return -EINVAL;
        f->async_sig = (int)a->a[2];
        return 0;
    case F_GETSIG:
        return f->async_sig;
    case F_NOTIFY:
        /* dnotify: dropping a directory's watch (no event bits) works;
         * asking for events is refused as by a kernel without dnotify */
        if (!((unsigned)a->a[2] & ~(unsigned)DN_MULTISHOT))
            return 0;
        return !f->inode || !S_ISDIR(f->inode->mode) ? -ENOTDIR : -EINVAL;
    default:
        return -EINVAL;
    }
}

long sys_ioctl(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    unsigned cmd = (unsigned)a->a[1];
    uint8_t kbuf[128] __attribute__((aligned(8)));
    int on;
    long r;

    if (!f || !f->ops)
        return -EBADF;
    switch (cmd) {
    case FIOCLEX:
    case FIONCLEX:
        return fdt_set_cloexec(t->fdt, (int)a->a[0], cmd == FIOCLEX);
    case FIONBIO:
        if (mm_copy_in(t->mm, &on, a->a[2], sizeof(on)))
            return -EFAULT;
        f->flags = on ? (f->flags | O_NONBLOCK) : (f->flags & ~O_NONBLOCK);
        return 0;
    case FIONREAD: {
        struct stat st;
        int avail;
        if (pipe_is(f)) {
            avail = pipe_nread(f);
            return mm_copy_out(t->mm, a->a[2], &avail, sizeof(avail)) ? -EFAULT : 0;
        }
        if (!S_ISREG(f->inode->mode) && f->ops->ioctl) {
            memset(kbuf, 0, sizeof(kbuf));
            if ((r = f->ops->ioctl(f, FIONREAD, kbuf)))
                return r;
            return mm_copy_out(t->mm, a->a[2], kbuf, sizeof(int)) ? -EFAULT : 0;
        }
        if (!S_ISREG(f->inode->mode) || vfs_getattr(f->inode, &st))
            return -ENOTTY;
        avail = st.st_size > (off_t)f->pos ? (int)SB_MIN(st.st_size - (off_t)f->pos, INT32_MAX) : 0;
        return mm_copy_out(t->mm, a->a[2], &avail, sizeof(avail)) ? -EFAULT : 0;
    }
    default: {
        /* Terminal ioctls: the argument moves by the table in tty_ioctl.c
         * (kernel struct sizes: termios 36 bytes, winsize 8, ints 4). */
        size_t in, out;
        bool val, handled;
        if (sock_of(f)) { /* SIOCGIF*: any socket family answers them */
            r = netif_ioctl(t, sock_of(f), cmd, a->a[2], &handled);
            if (handled)
                return r;
        }
        if (!tty_ioctl_arg(cmd, &in, &out, &val) || !f->ops->ioctl)
            return -ENOTTY;
        memset(kbuf, 0, sizeof(kbuf));
        if (val)
            memcpy(kbuf, &a->a[2], sizeof(a->a[2]));
        else if (in && mm_copy_in(t->mm, kbuf, a->a[2], in))
            return -EFAULT;
        if ((r = f->ops->ioctl(f, cmd, kbuf)) < 0)
            return r;
        if (out && mm_copy_out(t->mm, a->a[2], kbuf, out))
            return -EFAULT;
        return r;
    }
    }
}

/* sendfile: copy through a Sentry buffer (no zero-copy yet). */
long sys_sendfile(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *out = fdt_get(t->fdt, (int)a->a[0]);
    _cleanup_file_ struct file *in = fdt_get(t->fdt, (int)a->a[1]);
    _cleanup_free_ uint8_t *kbuf = NULL;
    uint64_t uoff = a->a[2], count = a->a[3], off, done = 0;
    int64_t soff = 0;
    long r;

    if (!out || !in)
        return -EBADF;
    if ((r = readable(in)) || (r = writable(out)))
        return r == -EISDIR ? -EINVAL : r;
    if (out->flags & O_APPEND)
        return -EINVAL;
    if (uoff) {
        if (in->fmode & FILE_STREAM)
            return -ESPIPE;
        if (mm_copy_in(t->mm, &soff, uoff, sizeof(soff)))
            return -EFAULT;
        if (soff < 0)
            return -EINVAL;
        off = (uint64_t)soff;
    } else {
        off = in->pos;
    }
    if (count > RW_MAX)
        count = RW_MAX;
    kbuf = xzalloc(IO_CHUNK);
    while (done < count) {
        size_t k = SB_MIN(count - done, IO_CHUNK);
        long n = in->ops->read(in, kbuf, k, off);
        long w, wdone = 0;
        if (n < 0) {
            r = n;
            break;
        }
        if (n == 0)
            break;
        while (wdone < n) {
            pthread_mutex_lock(&out->lock);
            w = out->ops->write(out, kbuf + wdone, n - wdone, out->pos);
            if (w > 0 && !(out->fmode & FILE_STREAM))
                out->pos += w;
            pthread_mutex_unlock(&out->lock);
            if (w <= 0) {
                /* what the output already took is sent: count it, or
                 * the caller sends it again (non-blocking socket full) */
                r = w ? w : -EIO;
                off += (uint64_t)wdone;
                done += (uint64_t)wdone;
                goto stop;
            }
            wdone += w;
        }
        off += n;
        done += n;
        if ((size_t)n < k || (in->fmode & FILE_STREAM))
            break;
    }
stop:
    if (uoff) {
        soff = (int64_t)off;
        if (mm_copy_out(t->mm, uoff, &soff, sizeof(soff)))
            return -EFAULT;
    } else {
        in->pos = off;
    }
    if (done)
        return (long)done;
    return r < 0 ? r : 0;
}

long sys_memfd_create(struct task *t, const struct syscall_args *a)
{
    unsigned flags = (unsigned)a->a[1];
    char name[256];
    struct file *f;
    long n;
    int fd;

    if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | 0x8U /* NOEXEC_SEAL */ |
                  0x10U /* EXEC */ | (0x3fU << 26) /* hugetlb sizes */))
        return -EINVAL;
    if (!(flags & MFD_HUGETLB) && (flags & (0x3fU << 26)))
        return -EINVAL;
    n = mm_strncpy_in(t->mm, name, a->a[0], 250);
    if (n == -ENAMETOOLONG)
        return -EINVAL; /* longer than 249 bytes */
    if (n < 0)
        return n;
    tmpfs_memfd(name, flags & (MFD_ALLOW_SEALING | 0x8U), &f);
    if (flags & 0x8U) /* MFD_NOEXEC_SEAL implies sealing and no exec */
        tmpfs_seals(f->inode, 0, false);
    fd = fdt_install(t->fdt, f, 0, flags & MFD_CLOEXEC);
    file_put(f);
    return fd;
}

/* copy_file_range: between regular files, through a Sentry buffer. */
long sys_copy_file_range(struct task *t, const struct syscall_args *a)
{
    _cleanup_file_ struct file *in = fdt_get(t->fdt, (int)a->a[0]);
    _cleanup_file_ struct file *out = fdt_get(t->fdt, (int)a->a[2]);
    _cleanup_free_ uint8_t *kbuf = NULL;
    uint64_t uin = a->a[1], uout = a->a[3], len = a->a[4], done = 0;
    int64_t oin, oout;
    long r = 0;

    if (a->a[5])
        return -EINVAL;
    if (!in || !out || !in->ops || !out->ops)
        return -EBADF;
    if ((in->flags & O_ACCMODE) == O_WRONLY || (out->flags & O_ACCMODE) == O_RDONLY ||
        (out->flags & O_APPEND))
        return -EBADF;
    if (S_ISDIR(in->inode->mode) || S_ISDIR(out->inode->mode))
        return -EISDIR;
    if (!S_ISREG(in->inode->mode) || !S_ISREG(out->inode->mode) || !in->ops->read ||
        !out->ops->write)
        return -EINVAL;
    if (uin) {
        if (mm_copy_in(t->mm, &oin, uin, sizeof(oin)))
            return -EFAULT;
    } else {
        oin = (int64_t)in->pos;
    }
    if (uout) {
        if (mm_copy_in(t->mm, &oout, uout, sizeof(oout)))
            return -EFAULT;
    } else {
        oout = (int64_t)out->pos;
    }
    if (oin < 0 || oout < 0)
        return -EINVAL;
    if (len > RW_MAX)
        len = RW_MAX;
    if (in->inode == out->inode && (uint64_t)oin < (uint64_t)oout + len &&
        (uint64_t)oout < (uint64_t)oin + len)
        return -EINVAL;
    kbuf = xzalloc(IO_CHUNK);
    while (done < len) {
        size_t k = SB_MIN(len - done, IO_CHUNK);
        long n = in->ops->read(in, kbuf, k, (uint64_t)oin + done), w;
        if (n <= 0) {
            r = n;
            break;
        }
        w = out->ops->write(out, kbuf, n, (uint64_t)oout + done);
        if (w <= 0) {
            r = w;
            break;
        }
        done += w;
        if (w < n || (size_t)n < k)
            break;
    }
    if (!done && r < 0)
        return r;
    if (uin) {
        oin += done;
        if (mm_copy_out(t->mm, uin, &oin, sizeof(oin)))
            return -EFAULT;
    } else {
        in->pos += done;
    }
    if (uout) {
        oout += done;
        if (mm_copy_out(t->mm, uout, &oout, sizeof(oout)))
            return -EFAULT;
    } else {
        out->pos += done;
    }
    return (long)done;
}

long sys_fallocate(struct task *t, const struct syscall_args *a)
{
    int mode = (int)a->a[1];
    int64_t off = (int64_t)a->a[2], len = (int64_t)a->a[3];
    struct file *f;
    long r;

    if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE |
                 FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE))
        return -EOPNOTSUPP;
    if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
        return -EOPNOTSUPP;
    if (off < 0 || len <= 0)
        return -EINVAL;
    if (!(f = fdt_get(t->fdt, (int)a->a[0])))
        return -EBADF;
    if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_RDONLY)
        r = -EBADF;
    else if ((f->fmode & FILE_STREAM) || S_ISFIFO(f->inode->mode))
        r = -ESPIPE;
    else if (S_ISDIR(f->inode->mode))
        r = -EISDIR;
    else if (!S_ISREG(f->inode->mode))
        r = -ENODEV;
    else if ((uint64_t)off + (uint64_t)len > (uint64_t)INT64_MAX)
        r = -EFBIG;
    else if (mode & (FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE))
        r = -EOPNOTSUPP;
    else if (!f->ops || !f->ops->fallocate)
        r = -EOPNOTSUPP;
    else
        r = f->ops->fallocate(f, mode, (uint64_t)off, (uint64_t)len);
    if (!r && f->path.d)
        vfs_notify_dentry(f->path.d, IN_MODIFY);
    file_put(f);
    return r;
}

long sys_readahead(struct task *t, const struct syscall_args *a)
{
    struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r = 0;

    if (!f)
        return -EBADF;
    if ((f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_WRONLY)
        r = -EBADF;
    else if (!S_ISREG(f->inode->mode))
        r = -EINVAL;
    file_put(f);
    return r;
}
