/* sentry/vfs/open.c: open(2) semantics on top of the walk. */
#include "sentry/vfs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>

#include "lib/log.h"

#define O_CREAT_NEW VFS_O_CREATED

static int writable_access(int flags)
{
    int acc = flags & O_ACCMODE;
    return acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC);
}

int vfs_open_path(const struct vpath *p, int flags, struct file **out)
{
    struct inode *ino = p->d->inode;
    struct file *f;
    int r;

    if (flags & O_PATH) {
        f = file_new(p, ino, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        f->ops = NULL;
        *out = f;
        return 0;
    }
    if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
        return -ENOTDIR;
    /* A directory is never opened for writing; O_TRUNC and O_CREAT count
     * as asking to write. */
    if (S_ISDIR(ino->mode) && (writable_access(flags) || (flags & O_CREAT)))
        return -EISDIR;
    if (S_ISLNK(ino->mode))
        return -ELOOP;
    if (writable_access(flags) && (p->mnt->flags & MS_RDONLY) && !S_ISCHR(ino->mode))
        return -EROFS;
    if ((flags & O_ACCMODE) != O_RDONLY && S_ISREG(ino->mode) &&
        __atomic_load_n(&ino->execs, __ATOMIC_RELAXED) > 0)
        return -ETXTBSY;
    if (!S_ISLNK(ino->mode) && !(flags & O_CREAT_NEW)) {
        int want = ((flags & O_ACCMODE) != O_WRONLY ? MAY_READ : 0) |
                   ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) ? MAY_WRITE : 0);
        if ((r = vfs_permission(ino, want)))
            return r;
    }
    flags &= ~O_CREAT_NEW;
    f = file_new(p, ino, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC));
    flags &= ~O_CREAT;
    if (ino->iops && ino->iops->open && (r = ino->iops->open(ino, f))) {
        f->ops = NULL; /* a release belongs to an open that succeeded */
        file_put(f);
        return r;
    }
    if (f->ops && f->ops->open && (r = f->ops->open(f, flags))) {
        f->ops = NULL;
        file_put(f);
        return r;
    }
    /* Linux truncates for O_RDONLY|O_TRUNC too (write permission was
     * checked above). */
    if ((flags & O_TRUNC) && S_ISREG(ino->mode)) {
        struct setattr sa = { .valid = SA_SIZE, .size = 0 };
        if (!ino->iops->setattr) {
            file_put(f);
            return -EROFS;
        }
        if ((r = ino->iops->setattr(ino, &sa))) {
            file_put(f);
            return r;
        }
        vfs_notify_dentry(p->d, 0x2 /* IN_MODIFY */);
    }
    vfs_notify_dentry(p->d, 0x20 /* IN_OPEN */);
    *out = f;
    return 0;
}

/* Dangling-symlink creations followed so far by this thread's open. */
static __thread int create_depth;

int vfs_open(struct fs_ctx *fs, const struct vpath *start, const char *path, int flags,
             mode_t mode, struct file **out)
{
    return vfs_open_resolve(fs, start, path, flags, mode, 0, out);
}

int vfs_open_resolve(struct fs_ctx *fs, const struct vpath *start, const char *path, int flags,
                     mode_t mode, unsigned resolve, struct file **out)
{
    struct vpath p;
    int r;

    if (flags & O_CREAT) {
        char last[VFS_NAME_MAX + 1];
        struct vpath parent;
        struct inode *dir;

        if ((flags & O_DIRECTORY))
            return -EINVAL;
        if ((r = vfs_walk_parent_flags(fs, start, path, resolve, &parent, last)))
            return r;
        if (parent.d->dead) {
            vpath_put(&parent);
            return -ENOENT;
        }
        if (!last[0] || !strcmp(last, ".") || !strcmp(last, "..") ||
            path[strlen(path) - 1] == '/') {
            vpath_put(&parent);
            return -EISDIR;
        }
        r = vfs_walk(fs, &parent, last,
                     ((flags & (O_NOFOLLOW | O_EXCL)) ? 0 : WALK_FOLLOW) |
                         (resolve & (WALK_NO_XDEV | WALK_NO_MAGICLINKS | WALK_NO_SYMLINKS)),
                     &p);
        if (r == 0) {
            vpath_put(&parent);
            if (flags & O_EXCL) {
                vpath_put(&p);
                return -EEXIST;
            }
            goto have;
        }
        if (r != -ENOENT) {
            vpath_put(&parent);
            return r;
        }
        /* A dangling final symlink: O_CREAT creates its target (not with
         * O_EXCL or O_NOFOLLOW, which fail on the link itself). */
        {
            struct vpath lp;
            if (vfs_walk(fs, &parent, last, 0, &lp) == 0) {
                bool lnk = S_ISLNK(lp.d->inode->mode);
                char target[VFS_PATH_MAX];
                int n = -EINVAL;
                if (lnk && !(flags & (O_EXCL | O_NOFOLLOW)) && lp.d->inode->iops->readlink)
                    n = lp.d->inode->iops->readlink(lp.d->inode, target, sizeof(target) - 1);
                vpath_put(&lp);
                if (lnk && (flags & (O_EXCL | O_NOFOLLOW))) {
                    vpath_put(&parent);
                    return (flags & O_EXCL) ? -EEXIST : -ELOOP;
                }
                if (n > 0) {
                    target[n] = 0;
                    if (++create_depth > VFS_SYMLOOP_MAX) {
                        create_depth = 0;
                        vpath_put(&parent);
                        return -ELOOP;
                    }
                    r = (resolve & (WALK_NO_SYMLINKS | WALK_BENEATH | WALK_IN_ROOT))
                            ? -ELOOP
                            : vfs_open_resolve(fs, &parent, target, flags, mode, resolve, out);
                    create_depth = 0;
                    vpath_put(&parent);
                    return r;
                }
            }
        }
        dir = parent.d->inode;
        if (parent.mnt->flags & MS_RDONLY) {
            vpath_put(&parent);
            return -EROFS;
        }
        if (!dir->iops || !dir->iops->create) {
            vpath_put(&parent);
            return -EROFS;
        }
        if ((r = vfs_permission(dir, MAY_WRITE | MAY_EXEC))) {
            vpath_put(&parent);
            return r;
        }
        {
            struct inode *ino;
            struct dentry *d;
            r = dir->iops->create(dir, last, (mode & 07777 & ~fs->umask) | S_IFREG, &ino);
            if (r) {
                vpath_put(&parent);
                return r;
            }
            vfs_notify(dir, 0x100 /* IN_CREATE */, last, 0);
            pthread_mutex_lock(&vfs_lock);
            d = dentry_new(last, parent.d, ino);
            pthread_mutex_unlock(&vfs_lock);
            p.mnt = parent.mnt;
            p.d = d;
            vpath_put(&parent);
            /* A file we just made is ours to open, whatever its mode. */
            r = vfs_open_path(&p, (flags & ~O_TRUNC) | O_CREAT_NEW, out);
            vpath_put(&p);
            return r;
        }
    }
    r = vfs_walk(fs, start, path,
                 ((flags & O_NOFOLLOW) ? 0 : WALK_FOLLOW) |
                     ((flags & O_DIRECTORY) ? WALK_DIRECTORY : 0) | resolve,
                 &p);
    if (r)
        return r;
have:
    if (S_ISLNK(p.d->inode->mode) && !(flags & O_PATH)) {
        vpath_put(&p);
        return -ELOOP;
    }
    r = vfs_open_path(&p, flags, out);
    vpath_put(&p);
    return r;
}
