/* sentry/syscalls/sys_xattr.c: extended attributes (get/set/list/remove,
 * by path, by path without following, by fd).
 *
 * Namespaces as Linux: user.* on regular files and directories, by the
 * mode bits; trusted.* with CAP_SYS_ADMIN only (hidden from others in
 * lists); security.* for anyone who may write the file; system.* (POSIX
 * ACLs) is not supported: EOPNOTSUPP. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/xattr.h>
#include <linux/capability.h>

#include "lib/xalloc.h"

#define XATTR_NAME_MAX_ 255
#define XATTR_SIZE_MAX_ 65536

enum xns { NS_USER, NS_TRUSTED, NS_SECURITY, NS_BAD };

static enum xns xattr_ns(const char *name)
{
    if (!strncmp(name, "user.", 5))
        return NS_USER;
    if (!strncmp(name, "trusted.", 8))
        return NS_TRUSTED;
    if (!strncmp(name, "security.", 9))
        return NS_SECURITY;
    return NS_BAD;
}

/* The object an xattr call names: by path (follow or not) or by fd. */
struct xtarget {
    struct vpath p;  /* path calls */
    struct file *f;  /* fd calls */
    struct inode *ino;
    bool ro;
};

static int xtarget_get(struct task *t, int fd, uint64_t upath, bool follow, struct xtarget *x)
{
    char path[VFS_PATH_MAX];
    struct vpath start;
    int r;

    memset(x, 0, sizeof(*x));
    if (fd >= 0) {
        x->f = fdt_get(t->fdt, fd);
        if (!x->f || (x->f->flags & O_PATH)) {
            if (x->f)
                file_put(x->f);
            return -EBADF;
        }
        x->ino = x->f->inode;
        x->ro = x->f->path.mnt && (x->f->path.mnt->flags & MS_RDONLY);
        return 0;
    }
    if ((r = sys_copy_path(t, upath, path)) < 0)
        return r;
    if ((r = sys_at_start(t, AT_FDCWD, path, &start)))
        return r;
    r = vfs_walk(t->fs, &start, path, follow ? WALK_FOLLOW : 0, &x->p);
    vpath_put(&start);
    if (r)
        return r;
    x->ino = x->p.d->inode;
    x->ro = x->p.mnt->flags & MS_RDONLY;
    return 0;
}

static void xtarget_put(struct xtarget *x)
{
    if (x->f)
        file_put(x->f);
    else if (x->p.d)
        vpath_put(&x->p);
}

static long copy_name(struct task *t, uint64_t uname, char *name)
{
    long n = mm_strncpy_in(t->mm, name, uname, XATTR_NAME_MAX_ + 1);

    if (n == -ENAMETOOLONG || n == 0)
        return -ERANGE;
    return n < 0 ? n : 0;
}

/* May the caller use attribute `name` on ino (write: set/remove)? */
static int xattr_may(struct task *t, struct inode *ino, const char *name, bool write)
{
    if (!strcmp(name, "user.") || !strcmp(name, "trusted.") || !strcmp(name, "security."))
        return -EINVAL; /* a namespace with no name in it */
    switch (xattr_ns(name)) {
    case NS_USER:
        if (!S_ISREG(ino->mode) && !S_ISDIR(ino->mode))
            return write ? -EPERM : -ENODATA;
        return vfs_permission(ino, write ? MAY_WRITE : MAY_READ);
    case NS_TRUSTED:
        if (!capable(t, CAP_SYS_ADMIN))
            return write ? -EPERM : -ENODATA;
        return 0;
    case NS_SECURITY:
        return write ? vfs_permission(ino, MAY_WRITE) : 0;
    default:
        return -EOPNOTSUPP;
    }
}

static long do_getxattr(struct task *t, int fd, uint64_t upath, bool follow, uint64_t uname,
                        uint64_t uval, size_t size)
{
    char name[XATTR_NAME_MAX_ + 1];
    struct xtarget x;
    void *buf = NULL;
    long r;

    if ((r = copy_name(t, uname, name)))
        return r;
    if ((r = xtarget_get(t, fd, upath, follow, &x)))
        return r;
    if (!x.ino->iops || !x.ino->iops->getxattr) {
        r = -EOPNOTSUPP;
    } else if ((r = xattr_may(t, x.ino, name, false)) == 0) {
        size = SB_MIN(size, (size_t)XATTR_SIZE_MAX_);
        if (size)
            buf = xzalloc(size);
        r = x.ino->iops->getxattr(x.ino, name, buf, size);
        if (r > 0 && size && mm_copy_out(t->mm, uval, buf, (size_t)r))
            r = -EFAULT;
        free(buf);
    }
    xtarget_put(&x);
    return r;
}

static long do_setxattr(struct task *t, int fd, uint64_t upath, bool follow, uint64_t uname,
                        uint64_t uval, size_t size, int flags)
{
    char name[XATTR_NAME_MAX_ + 1];
    struct xtarget x;
    void *buf = NULL;
    long r;

    if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
        return -EINVAL;
    if ((r = copy_name(t, uname, name)))
        return r;
    if (size > XATTR_SIZE_MAX_)
        return -E2BIG;
    buf = xzalloc(size ? size : 1);
    if (size && mm_copy_in(t->mm, buf, uval, size)) {
        free(buf);
        return -EFAULT;
    }
    if ((r = xtarget_get(t, fd, upath, follow, &x))) {
        free(buf);
        return r;
    }
    if (x.ro)
        r = -EROFS;
    else if (!x.ino->iops || !x.ino->iops->setxattr)
        r = -EOPNOTSUPP;
    else if ((r = xattr_may(t, x.ino, name, true)) == 0)
        r = x.ino->iops->setxattr(x.ino, name, buf, size, flags);
    if (!r)
        vfs_notify(x.ino, 0x4 /* IN_ATTRIB */, NULL, 0);
    xtarget_put(&x);
    free(buf);
    return r;
}

static long do_removexattr(struct task *t, int fd, uint64_t upath, bool follow,
                           uint64_t uname)
{
    char name[XATTR_NAME_MAX_ + 1];
    struct xtarget x;
    long r;

    if ((r = copy_name(t, uname, name)))
        return r;
    if ((r = xtarget_get(t, fd, upath, follow, &x)))
        return r;
    if (x.ro)
        r = -EROFS;
    else if (!x.ino->iops || !x.ino->iops->removexattr)
        r = -EOPNOTSUPP;
    else if ((r = xattr_may(t, x.ino, name, true)) == 0)
        r = x.ino->iops->removexattr(x.ino, name);
    if (!r)
        vfs_notify(x.ino, 0x4 /* IN_ATTRIB */, NULL, 0);
    xtarget_put(&x);
    return r;
}

static long do_listxattr(struct task *t, int fd, uint64_t upath, bool follow, uint64_t ubuf,
                         size_t size)
{
    struct xtarget x;
    char *all = NULL, *out = NULL;
    size_t n = 0;
    long r;
    int len;

    if ((r = xtarget_get(t, fd, upath, follow, &x)))
        return r;
    if (!x.ino->iops || !x.ino->iops->listxattr) {
        r = 0; /* no attributes */
        goto out;
    }
    if ((len = x.ino->iops->listxattr(x.ino, NULL, 0)) < 0) {
        r = len;
        goto out;
    }
    all = xzalloc((size_t)len + 1);
    if ((len = x.ino->iops->listxattr(x.ino, all, (size_t)len)) < 0) {
        r = len;
        goto out;
    }
    out = xzalloc((size_t)len + 1);
    /* Hide the namespaces the caller may not see. */
    for (char *p = all; p < all + len; p += strlen(p) + 1) {
        if (xattr_ns(p) == NS_TRUSTED && !capable(t, CAP_SYS_ADMIN))
            continue;
        memcpy(out + n, p, strlen(p) + 1);
        n += strlen(p) + 1;
    }
    if (!size)
        r = (long)n;
    else if (size < n)
        r = -ERANGE;
    else
        r = mm_copy_out(t->mm, ubuf, out, n) ? -EFAULT : (long)n;
out:
    free(all);
    free(out);
    xtarget_put(&x);
    return r;
}

long sys_getxattr(struct task *t, const struct syscall_args *a)
{
    return do_getxattr(t, -1, a->a[0], true, a->a[1], a->a[2], a->a[3]);
}

long sys_lgetxattr(struct task *t, const struct syscall_args *a)
{
    return do_getxattr(t, -1, a->a[0], false, a->a[1], a->a[2], a->a[3]);
}

long sys_fgetxattr(struct task *t, const struct syscall_args *a)
{
    if ((int)a->a[0] < 0)
        return -EBADF;
    return do_getxattr(t, (int)a->a[0], 0, false, a->a[1], a->a[2], a->a[3]);
}

long sys_setxattr(struct task *t, const struct syscall_args *a)
{
    return do_setxattr(t, -1, a->a[0], true, a->a[1], a->a[2], a->a[3], (int)a->a[4]);
}

long sys_lsetxattr(struct task *t, const struct syscall_args *a)
{
    return do_setxattr(t, -1, a->a[0], false, a->a[1], a->a[2], a->a[3], (int)a->a[4]);
}

long sys_fsetxattr(struct task *t, const struct syscall_args *a)
{
    if ((int)a->a[0] < 0)
        return -EBADF;
    return do_setxattr(t, (int)a->a[0], 0, false, a->a[1], a->a[2], a->a[3], (int)a->a[4]);
}

long sys_listxattr(struct task *t, const struct syscall_args *a)
{
    return do_listxattr(t, -1, a->a[0], true, a->a[1], a->a[2]);
}

long sys_llistxattr(struct task *t, const struct syscall_args *a)
{
    return do_listxattr(t, -1, a->a[0], false, a->a[1], a->a[2]);
}

long sys_flistxattr(struct task *t, const struct syscall_args *a)
{
    if ((int)a->a[0] < 0)
        return -EBADF;
    return do_listxattr(t, (int)a->a[0], 0, false, a->a[1], a->a[2]);
}

long sys_removexattr(struct task *t, const struct syscall_args *a)
{
    return do_removexattr(t, -1, a->a[0], true, a->a[1]);
}

long sys_lremovexattr(struct task *t, const struct syscall_args *a)
{
    return do_removexattr(t, -1, a->a[0], false, a->a[1]);
}

long sys_fremovexattr(struct task *t, const struct syscall_args *a)
{
    if ((int)a->a[0] < 0)
        return -EBADF;
    return do_removexattr(t, (int)a->a[0], 0, false, a->a[1]);
}
