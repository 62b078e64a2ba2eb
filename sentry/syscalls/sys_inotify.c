/* sentry/syscalls/sys_inotify.c: inotify_init(1), inotify_add_watch,
 * inotify_rm_watch (the events come from fs/inotify.c via vfs_notify). */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/inotify.h>

#include "sentry/fs/fs.h"

static long do_init(struct task *t, int flags)
{
    struct file *f;
    int r, fd;

    if ((r = inotify_new(flags, &f)))
        return r;
    fd = fdt_install(t->fdt, f, 0, flags & IN_CLOEXEC);
    file_put(f);
    return fd;
}

long sys_inotify_init(struct task *t, const struct syscall_args *a)
{
    return do_init(t, 0);
}

long sys_inotify_init1(struct task *t, const struct syscall_args *a)
{
    return do_init(t, (int)a->a[0]);
}

long sys_inotify_add_watch(struct task *t, const struct syscall_args *a)
{
    uint32_t mask = (uint32_t)a->a[2];
    char path[VFS_PATH_MAX];
    struct vpath p;
    struct file *f;
    long r;

    if (!(f = fdt_get(t->fdt, (int)a->a[0])))
        return -EBADF;
    if (!inotify_is(f) || !(mask & IN_ALL_EVENTS) ||
        ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))) {
        file_put(f);
        return -EINVAL;
    }
    if ((r = sys_copy_path(t, a->a[1], path)) < 0) {
        file_put(f);
        return r;
    }
    r = vfs_walk(t->fs, NULL, path,
                 ((mask & IN_DONT_FOLLOW) ? 0 : WALK_FOLLOW) |
                     ((mask & IN_ONLYDIR) ? WALK_DIRECTORY : 0),
                 &p);
    if (r == 0) {
        /* Watching needs read permission on the object. */
        if ((r = vfs_permission(p.d->inode, MAY_READ)) == 0)
            r = inotify_add(f, p.d->inode,
                            mask & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK | IN_MASK_ADD |
                                    IN_MASK_CREATE));
        vpath_put(&p);
    }
    file_put(f);
    return r;
}

long sys_inotify_rm_watch(struct task *t, const struct syscall_args *a)
{
    struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r;

    if (!f)
        return -EBADF;
    r = inotify_is(f) ? inotify_rm(f, (int)a->a[1]) : -EINVAL;
    file_put(f);
    return r;
}
