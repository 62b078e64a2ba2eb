/* sentry/syscalls/sys_mount.c: mount(2) and umount2(2) inside the sandbox.
 *
 * The sandbox has one mount table. With CAP_SYS_ADMIN (in the sandbox's
 * own credentials) an app mounts tmpfs (size=, mode=), proc, bind mounts of
 * what it can already see, remounts read-only or read-write, and changes
 * propagation (accepted: there is nothing to propagate to). Nothing here
 * reaches the host: every file system is the Sentry's own or a view of
 * one already mounted. */
#include "sentry/syscalls/syscalls.h"

#include "sentry/kernel/mqueue.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/capability.h>

#include "lib/xalloc.h"
#include "sentry/fs/fs.h"

#define MOUNT_DATA_MAX 4096
#define PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)

/* tmpfs options: size=N[kmg], mode=OCTAL, and the ones with no effect here. */
static int tmpfs_opts(char *data, uint64_t *size, mode_t *mode)
{
    for (char *tok = strtok(data, ","); tok; tok = strtok(NULL, ",")) {
        char *end;
        if (!strncmp(tok, "size=", 5)) {
            unsigned long long v = strtoull(tok + 5, &end, 0);
            switch (*end) {
            case 'k': case 'K': v <<= 10; end++; break;
            case 'm': case 'M': v <<= 20; end++; break;
            case 'g': case 'G': v <<= 30; end++; break;
            }
            if (*end || end == tok + 5)
                return -EINVAL;
            *size = v;
        } else if (!strncmp(tok, "mode=", 5)) {
            unsigned long v = strtoul(tok + 5, &end, 8);
            if (*end || end == tok + 5 || v > 07777)
                return -EINVAL;
            *mode = (mode_t)v;
        } else if (strncmp(tok, "nr_inodes=", 10) && strncmp(tok, "uid=", 4) &&
                   strncmp(tok, "gid=", 4) && strcmp(tok, "rw") && strcmp(tok, "ro")) {
            return -EINVAL;
        }
    }
    return 0;
}

static long copy_opt_str(struct task *t, uint64_t uaddr, char *buf, size_t cap)
{
    long n;

    if (!uaddr) {
        buf[0] = '\0';
        return 0;
    }
    n = mm_strncpy_in(t->mm, buf, uaddr, cap);
    return n < 0 ? n : 0;
}

static int new_fs(const char *fstype, char *data, struct dentry **root, const char **type)
{
    if (!strcmp(fstype, "tmpfs")) {
        uint64_t size = 0;
        mode_t mode = 01777;
        int r = tmpfs_opts(data, &size, &mode);
        if (r)
            return r;
        *root = tmpfs_new("tmpfs", mode);
        if (size)
            tmpfs_set_limit(*root, size);
        *type = "tmpfs";
        return 0;
    }
    if (!strcmp(fstype, "proc")) {
        *root = procfs_new();
        *type = "proc";
        return 0;
    }
    if (!strcmp(fstype, "mqueue")) {
        *root = mqueue_fs_root();
        *type = "mqueue";
        return 0;
    }
    return -ENODEV;
}

long sys_mount(struct task *t, const struct syscall_args *a)
{
    char source[VFS_PATH_MAX], target[VFS_PATH_MAX], fstype[64], data[MOUNT_DATA_MAX];
    unsigned long flags = a->a[3];
    struct vpath where, src;
    struct dentry *root;
    const char *type;
    long r;

    if (!capable(t, CAP_SYS_ADMIN))
        return -EPERM;
    if ((r = sys_copy_path(t, a->a[1], target)) < 0)
        return r;
    if ((r = copy_opt_str(t, a->a[0], source, sizeof(source))) ||
        (r = copy_opt_str(t, a->a[2], fstype, sizeof(fstype))) ||
        (r = copy_opt_str(t, a->a[4], data, sizeof(data))))
        return r == -ENAMETOOLONG ? -EINVAL : r;
    if ((r = sys_at_start(t, AT_FDCWD, target, &where)))
        return r;
    {
        struct vpath start = where;
        r = vfs_walk(t->fs, &start, target, WALK_FOLLOW, &where);
        vpath_put(&start);
        if (r)
            return r;
    }
    if (flags & MS_REMOUNT) {
        struct mount *m = vfs_mount_of(&where);
        if (!m)
            r = -EINVAL;
        else
            m->flags = (m->flags & ~MS_RDONLY) | (int)(flags & MS_RDONLY);
    } else if (flags & PROPAGATION) {
        r = vfs_mount_of(&where) ? 0 : -EINVAL;
    } else if (flags & MS_MOVE) {
        r = -EINVAL; /* not supported: no app we run moves mounts */
    } else if (flags & MS_BIND) {
        if (!source[0]) {
            r = -ENOENT;
        } else if ((r = vfs_walk(t->fs, NULL, source, WALK_FOLLOW, &src)) == 0) {
            if (S_ISDIR(src.d->inode->mode) != S_ISDIR(where.d->inode->mode))
                r = -ENOTDIR;
            else
                r = vfs_mount_at(&where, dentry_get(src.d), src.mnt->fstype,
                                 src.mnt->source ? src.mnt->source : "none",
                                 (int)(flags & MS_RDONLY));
            if (r)
                dentry_put(src.d);
            vpath_put(&src);
        }
    } else if (!S_ISDIR(where.d->inode->mode)) {
        r = -ENOTDIR;
    } else if ((r = new_fs(fstype, data, &root, &type)) == 0) {
        r = vfs_mount_at(&where, root, type, source[0] ? source : type, (int)(flags & MS_RDONLY));
        if (r)
            dentry_put(root);
    }
    vpath_put(&where);
    return r;
}

long sys_umount2(struct task *t, const struct syscall_args *a)
{
    char target[VFS_PATH_MAX];
    int flags = (int)a->a[1];
    struct vpath p, start;
    struct mount *m;
    long r;

    if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
        return -EINVAL;
    if (!capable(t, CAP_SYS_ADMIN))
        return -EPERM;
    if ((r = sys_copy_path(t, a->a[0], target)) < 0)
        return r;
    if ((r = sys_at_start(t, AT_FDCWD, target, &start)))
        return r;
    r = vfs_walk(t->fs, &start, target, (flags & UMOUNT_NOFOLLOW) ? 0 : WALK_FOLLOW, &p);
    vpath_put(&start);
    if (r)
        return r;
    m = vfs_mount_of(&p);
    if (!m)
        r = -EINVAL;
    else if (flags & MNT_EXPIRE)
        r = -EAGAIN;
    else
        r = vfs_umount(m);
    vpath_put(&p);
    return r;
}
