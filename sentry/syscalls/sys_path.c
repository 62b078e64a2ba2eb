/* sentry/syscalls/sys_path.c: calls that name paths: mkdir, unlink, rename,
 * links, readlink, access, chdir/getcwd/chroot, truncate, chmod, utimes, statfs,
 * xattrs. */
#include "sentry/syscalls/syscalls.h"
#include "sentry/fs/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/inotify.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/fs.h>

static int child_exists(struct task *t, struct vpath *parent, const char *last,
                        struct vpath *child);

/* Resolve dirfd+upath to the parent directory and final name. *slash (if
 * asked) tells whether the path ended in '/', which the caller then
 * handles; callers that make non-directories pass NULL, and a trailing
 * slash on a name that does not exist is then ENOENT, as Linux says. */
static int parent_of_slash(struct task *t, int dirfd, uint64_t upath, struct vpath *parent,
                           char *last, bool *slash)
{
    char path[VFS_PATH_MAX];
    struct vpath start, c;
    size_t n;
    int r;

    if ((r = sys_copy_path(t, upath, path)) < 0)
        return r;
    if (!path[0])
        return -ENOENT;
    if ((r = sys_at_start(t, dirfd, path, &start)))
        return r;
    r = vfs_walk_parent(t->fs, &start, path, parent, last);
    vpath_put(&start);
    if (r == 0 && parent->d->dead) {
        vpath_put(parent);
        return -ENOENT;
    }
    if (r)
        return r;
    n = strlen(path);
    if (slash)
        *slash = n > 1 && path[n - 1] == '/';
    else if (n > 1 && path[n - 1] == '/' && last[0] && strcmp(last, ".") && strcmp(last, "..")) {
        if ((r = child_exists(t, parent, last, &c)) == 0)
            vpath_put(&c);
        else {
            vpath_put(parent);
            return -ENOENT;
        }
    }
    return 0;
}

static int parent_of(struct task *t, int dirfd, uint64_t upath, struct vpath *parent,
                     char *last)
{
    return parent_of_slash(t, dirfd, upath, parent, last, NULL);
}

static int lookup_at(struct task *t, int dirfd, uint64_t upath, unsigned flags,
                     struct vpath *out)
{
    char path[VFS_PATH_MAX];
    struct vpath start;
    int r;

    if ((r = sys_copy_path(t, upath, path)) < 0)
        return r;
    if ((r = sys_at_start(t, dirfd, path, &start)))
        return r;
    r = vfs_walk(t->fs, &start, path, flags, out);
    vpath_put(&start);
    return r;
}

/* Does `last` exist in parent? 0 if so (fills child), -ENOENT if not. */
static int child_exists(struct task *t, struct vpath *parent, const char *last,
                        struct vpath *child)
{
    return vfs_walk(t->fs, parent, last, 0, child);
}

/* Is `last` in parent already something (".", ".." and "/" included)? */
static bool name_taken(struct task *t, struct vpath *parent, const char *last)
{
    struct vpath c;

    if (!last[0] || !strcmp(last, ".") || !strcmp(last, ".."))
        return true;
    if (child_exists(t, parent, last, &c))
        return false;
    vpath_put(&c);
    return true;
}

static int ro(struct vpath *p)
{
    return p->mnt->flags & MS_RDONLY;
}

/* Removing victim from dir: write+search on dir, and the sticky bit rule. */
static int may_delete(struct task *t, struct inode *dir, struct inode *victim)
{
    struct stat ds, vs;
    int r;

    if ((r = vfs_permission(dir, MAY_WRITE | MAY_EXEC)))
        return r;
    if (vfs_getattr(dir, &ds) || !(ds.st_mode & S_ISVTX))
        return 0;
    if (vfs_getattr(victim, &vs))
        return 0;
    if (vs.st_uid == t->cred.fsuid || ds.st_uid == t->cred.fsuid || capable(t, CAP_FOWNER))
        return 0;
    return -EPERM;
}

static long do_mkdir(struct task *t, int dirfd, uint64_t upath, mode_t mode)
{
    char last[VFS_NAME_MAX + 1];
    struct vpath parent;
    struct inode *dir;
    bool slash;
    int r;

    if ((r = parent_of_slash(t, dirfd, upath, &parent, last, &slash)))
        return r;
    if (name_taken(t, &parent, last)) {
        vpath_put(&parent);
        return -EEXIST;
    }
    dir = parent.d->inode;
    if (ro(&parent) || !dir->iops->mkdir)
        r = -EROFS;
    else if ((r = vfs_permission(dir, MAY_WRITE | MAY_EXEC)) == 0)
        r = dir->iops->mkdir(dir, last, mode & ~t->fs->umask & 07777);
    if (!r)
        vfs_notify(dir, IN_CREATE | IN_ISDIR, last, 0);
    vpath_put(&parent);
    return r;
}

static long do_mknod(struct task *t, int dirfd, uint64_t upath, mode_t mode, dev_t dev)
{
    char last[VFS_NAME_MAX + 1];
    struct vpath parent;
    struct inode *dir;
    int r;

    switch (mode & S_IFMT) {
    case 0:
        mode |= S_IFREG;
        break;
    case S_IFREG:
    case S_IFIFO:
    case S_IFSOCK:
        break;
    case S_IFCHR:
    case S_IFBLK:
        if (!capable(t, CAP_MKNOD))
            return -EPERM;
        break;
    case S_IFDIR:
        return -EPERM;
    default:
        return -EINVAL;
    }
    if ((r = parent_of(t, dirfd, upath, &parent, last)))
        return r;
    if (name_taken(t, &parent, last)) {
        vpath_put(&parent);
        return -EEXIST;
    }
    dir = parent.d->inode;
    if (ro(&parent))
        r = -EROFS;
    else if (!dir->iops->mknod)
        r = -EPERM;
    else if ((r = vfs_permission(dir, MAY_WRITE | MAY_EXEC)) == 0)
        r = dir->iops->mknod(dir, last, (mode & S_IFMT) | (mode & ~t->fs->umask & 07777), dev);
    if (!r)
        vfs_notify(dir, IN_CREATE, last, 0);
    vpath_put(&parent);
    return r;
}

long sys_mknod(struct task *t, const struct syscall_args *a)
{
    return do_mknod(t, AT_FDCWD, a->a[0], (mode_t)a->a[1], (dev_t)a->a[2]);
}

long sys_mknodat(struct task *t, const struct syscall_args *a)
{
    return do_mknod(t, (int)a->a[0], a->a[1], (mode_t)a->a[2], (dev_t)a->a[3]);
}

long sys_mkdir(struct task *t, const struct syscall_args *a)
{
    return do_mkdir(t, AT_FDCWD, a->a[0], (mode_t)a->a[1]);
}

long sys_mkdirat(struct task *t, const struct syscall_args *a)
{
    return do_mkdir(t, (int)a->a[0], a->a[1], (mode_t)a->a[2]);
}

static long do_unlink(struct task *t, int dirfd, uint64_t upath, int flags)
{
    char last[VFS_NAME_MAX + 1];
    struct vpath parent, c;
    struct inode *dir;
    int rmdir = flags & AT_REMOVEDIR, r;
    bool slash;

    if (flags & ~AT_REMOVEDIR)
        return -EINVAL;
    if ((r = parent_of_slash(t, dirfd, upath, &parent, last, &slash)))
        return r;
    if (!last[0] || !strcmp(last, ".") || !strcmp(last, "..")) {
        vpath_put(&parent);
        if (!rmdir)
            return -EISDIR;
        return !strcmp(last, ".") ? -EINVAL : !last[0] ? -EBUSY : -ENOTEMPTY;
    }
    if ((r = child_exists(t, &parent, last, &c))) {
        vpath_put(&parent);
        return r;
    }
    if (slash && !rmdir) {
        r = S_ISDIR(c.d->inode->mode) ? -EISDIR : -ENOTDIR; /* "f/" names a directory */
    } else if (c.d->mounted || c.d == c.mnt->root) {
        r = -EBUSY;
    } else if (rmdir && !S_ISDIR(c.d->inode->mode)) {
        r = -ENOTDIR;
    } else if (!rmdir && S_ISDIR(c.d->inode->mode)) {
        r = -EISDIR;
    } else {
        dir = parent.d->inode;
        if (ro(&parent) || !(rmdir ? dir->iops->rmdir : dir->iops->unlink))
            r = -EROFS;
        else if ((r = may_delete(t, dir, c.d->inode)) == 0)
            r = rmdir ? dir->iops->rmdir(dir, last) : dir->iops->unlink(dir, last);
        if (!r) {
            struct stat vs;
            bool gone = rmdir || vfs_getattr(c.d->inode, &vs) || vs.st_nlink == 0;
            dentry_forget(parent.d, last);
            if (!rmdir)
                vfs_notify(c.d->inode, IN_ATTRIB, NULL, 0); /* its link count */
            if (gone) /* Linux's order: the object's own events, then the dir's */
                vfs_notify(c.d->inode, IN_DELETE_SELF, NULL, 0);
            vfs_notify(dir, IN_DELETE | (rmdir ? IN_ISDIR : 0), last, 0);
        }
    }
    vpath_put(&c);
    vpath_put(&parent);
    return r;
}

long sys_unlink(struct task *t, const struct syscall_args *a)
{
    return do_unlink(t, AT_FDCWD, a->a[0], 0);
}

long sys_rmdir(struct task *t, const struct syscall_args *a)
{
    return do_unlink(t, AT_FDCWD, a->a[0], AT_REMOVEDIR);
}

long sys_unlinkat(struct task *t, const struct syscall_args *a)
{
    return do_unlink(t, (int)a->a[0], a->a[1], (int)a->a[2]);
}

static long do_rename(struct task *t, int ofd, uint64_t opath, int nfd, uint64_t npath,
                      unsigned flags)
{
    char olast[VFS_NAME_MAX + 1], nlast[VFS_NAME_MAX + 1];
    struct vpath op, np, oc;
    bool oslash, nslash;
    int r;

    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
        return -EINVAL;
    if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
        return -EINVAL;
    if (flags & RENAME_WHITEOUT)
        return capable(t, CAP_MKNOD) ? -EINVAL : -EPERM; /* overlay's own; not for apps here */
    if ((r = parent_of_slash(t, ofd, opath, &op, olast, &oslash)))
        return r;
    if ((r = parent_of_slash(t, nfd, npath, &np, nlast, &nslash))) {
        vpath_put(&op);
        return r;
    }
    if (!olast[0] || !strcmp(olast, ".") || !strcmp(olast, "..") || !nlast[0] ||
        !strcmp(nlast, ".") || !strcmp(nlast, "..")) {
        r = -EBUSY;
        goto out;
    }
    if ((r = child_exists(t, &op, olast, &oc)))
        goto out;
    if (oc.d->mounted)
        r = -EBUSY;
    else if ((oslash || nslash) && !S_ISDIR(oc.d->inode->mode))
        r = -ENOTDIR; /* a trailing slash names a directory */
    vpath_put(&oc);
    if (r)
        goto out;
    if (op.mnt != np.mnt) {
        r = -EXDEV;
        goto out;
    }
    if (ro(&op) || !op.d->inode->iops->rename) {
        r = -EROFS;
        goto out;
    }
    if ((r = vfs_permission(op.d->inode, MAY_WRITE | MAY_EXEC)) ||
        (r = vfs_permission(np.d->inode, MAY_WRITE | MAY_EXEC)))
        goto out;
    /* The sticky-bit rule for what leaves the old name and what the new
     * name replaces. */
    if ((r = child_exists(t, &op, olast, &oc)) == 0) {
        r = may_delete(t, op.d->inode, oc.d->inode);
        vpath_put(&oc);
    }
    if (r)
        goto out;
    if (child_exists(t, &np, nlast, &oc) == 0) {
        r = may_delete(t, np.d->inode, oc.d->inode);
        vpath_put(&oc);
        if (r)
            goto out;
    }
    {
        struct inode *moved = NULL;
        if (child_exists(t, &op, olast, &oc) == 0) {
            moved = inode_get(oc.d->inode);
            vpath_put(&oc);
        }
        r = op.d->inode->iops->rename(op.d->inode, olast, np.d->inode, nlast, flags);
        if (!r) {
            uint32_t cookie = inotify_cookie(), dir = moved && S_ISDIR(moved->mode) ? IN_ISDIR : 0;
            dentry_rename(op.d, olast, np.d, nlast, flags & RENAME_EXCHANGE);
            vfs_notify(op.d->inode, IN_MOVED_FROM | dir, olast, cookie);
            vfs_notify(np.d->inode, IN_MOVED_TO | dir, nlast, cookie);
            vfs_notify(moved, IN_MOVE_SELF, NULL, 0);
        }
        inode_put(moved);
    }
out:
    vpath_put(&op);
    vpath_put(&np);
    return r;
}

long sys_rename(struct task *t, const struct syscall_args *a)
{
    return do_rename(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

long sys_renameat(struct task *t, const struct syscall_args *a)
{
    return do_rename(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], 0);
}

long sys_renameat2(struct task *t, const struct syscall_args *a)
{
    return do_rename(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], (unsigned)a->a[4]);
}

static long do_symlink(struct task *t, uint64_t utarget, int dirfd, uint64_t upath)
{
    char target[VFS_PATH_MAX], last[VFS_NAME_MAX + 1];
    struct vpath parent, c;
    int r;

    if ((r = sys_copy_path(t, utarget, target)) < 0)
        return r;
    if (!target[0])
        return -ENOENT;
    if ((r = parent_of(t, dirfd, upath, &parent, last)))
        return r;
    if (!last[0] || !strcmp(last, ".") || !strcmp(last, "..")) {
        vpath_put(&parent);
        return -EEXIST;
    }
    if (child_exists(t, &parent, last, &c) == 0) {
        vpath_put(&c);
        vpath_put(&parent);
        return -EEXIST;
    }
    if (ro(&parent) || !parent.d->inode->iops->symlink)
        r = -EROFS;
    else if ((r = vfs_permission(parent.d->inode, MAY_WRITE | MAY_EXEC)) == 0)
        r = parent.d->inode->iops->symlink(parent.d->inode, last, target);
    if (!r)
        vfs_notify(parent.d->inode, IN_CREATE, last, 0);
    vpath_put(&parent);
    return r;
}

long sys_symlink(struct task *t, const struct syscall_args *a)
{
    return do_symlink(t, a->a[0], AT_FDCWD, a->a[1]);
}

long sys_symlinkat(struct task *t, const struct syscall_args *a)
{
    return do_symlink(t, a->a[0], (int)a->a[1], a->a[2]);
}

static long do_link(struct task *t, int ofd, uint64_t opath, int nfd, uint64_t npath, int flags)
{
    char last[VFS_NAME_MAX + 1];
    struct vpath old, parent;
    int r;

    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    if ((r = lookup_at(t, ofd, opath,
                       ((flags & AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : 0) |
                           ((flags & AT_EMPTY_PATH) ? WALK_EMPTY : 0),
                       &old)))
        return r;
    if (old.d->dead) {
        vpath_put(&old);
        return -ENOENT;
    }
    if ((r = parent_of(t, nfd, npath, &parent, last))) {
        vpath_put(&old);
        return r;
    }
    if (name_taken(t, &parent, last)) {
        r = -EEXIST;
    } else if (S_ISDIR(old.d->inode->mode)) {
        r = -EPERM;
    } else if (old.mnt != parent.mnt) {
        r = -EXDEV;
    } else if (ro(&parent) || !parent.d->inode->iops->link) {
        r = -EROFS;
    } else {
        r = parent.d->inode->iops->link(parent.d->inode, last, old.d->inode);
        if (!r) {
            vfs_notify(old.d->inode, IN_ATTRIB, NULL, 0);
            vfs_notify(parent.d->inode, IN_CREATE, last, 0);
        }
    }
    vpath_put(&old);
    vpath_put(&parent);
    return r;
}

long sys_link(struct task *t, const struct syscall_args *a)
{
    return do_link(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

long sys_linkat(struct task *t, const struct syscall_args *a)
{
    return do_link(t, (int)a->a[0], a->a[1], (int)a->a[2], a->a[3], (int)a->a[4]);
}

static bool empty_path(struct task *t, uint64_t upath)
{
    char c = 1;
    return mm_copy_in(t->mm, &c, upath, 1) == 0 && c == 0;
}

static long do_readlink(struct task *t, int dirfd, uint64_t upath, uint64_t ubuf, long size)
{
    char target[VFS_PATH_MAX];
    struct vpath p;
    int r, n;

    if (size <= 0)
        return -EINVAL;
    /* An empty path names dirfd itself (an O_PATH fd of a symlink). */
    if ((r = lookup_at(t, dirfd, upath, WALK_EMPTY, &p)))
        return r;
    if (!S_ISLNK(p.d->inode->mode) || !p.d->inode->iops->readlink) {
        vpath_put(&p);
        return empty_path(t, upath) ? -ENOENT : -EINVAL;
    }
    n = p.d->inode->iops->readlink(p.d->inode, target, sizeof(target));
    vpath_put(&p);
    if (n < 0)
        return n;
    if (n > size)
        n = (int)size;
    return mm_copy_out(t->mm, ubuf, target, n) ? -EFAULT : n;
}

long sys_readlink(struct task *t, const struct syscall_args *a)
{
    return do_readlink(t, AT_FDCWD, a->a[0], a->a[1], (long)(int)a->a[2]);
}

long sys_readlinkat(struct task *t, const struct syscall_args *a)
{
    return do_readlink(t, (int)a->a[0], a->a[1], a->a[2], (long)(int)a->a[3]);
}

static long do_access(struct task *t, int dirfd, uint64_t upath, int mode, int flags)
{
    struct vpath p;
    struct stat st;
    int r;

    if (mode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    if ((r = lookup_at(t, dirfd, upath,
                       ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW) |
                           ((flags & AT_EMPTY_PATH) ? WALK_EMPTY : 0),
                       &p)))
        return r;
    r = vfs_getattr(p.d->inode, &st);
    if (!r && (mode & W_OK) && ro(&p) && !S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode) &&
        !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode))
        r = -EROFS;
    if (!r) {
        uid_t uid = (flags & AT_EACCESS) ? t->cred.euid : t->cred.uid;
        gid_t gid = (flags & AT_EACCESS) ? t->cred.egid : t->cred.gid;
        int bits;
        if (uid == 0) {
            /* CAP_DAC_OVERRIDE: all but exec of a file with no x bit. */
            if ((mode & X_OK) && !S_ISDIR(st.st_mode) && !(st.st_mode & 0111))
                r = -EACCES;
        } else {
            bits = st.st_uid == uid                                  ? (st.st_mode >> 6) & 7
                   : (st.st_gid == gid || cred_in_group(&t->cred, st.st_gid)) ? (st.st_mode >> 3) & 7
                                                                              : st.st_mode & 7;
            if ((mode & bits) != mode)
                r = -EACCES;
        }
    }
    vpath_put(&p);
    return r;
}

long sys_access(struct task *t, const struct syscall_args *a)
{
    return do_access(t, AT_FDCWD, a->a[0], (int)a->a[1], 0);
}

long sys_faccessat(struct task *t, const struct syscall_args *a)
{
    return do_access(t, (int)a->a[0], a->a[1], (int)a->a[2], 0);
}

long sys_faccessat2(struct task *t, const struct syscall_args *a)
{
    return do_access(t, (int)a->a[0], a->a[1], (int)a->a[2], (int)a->a[3]);
}

long sys_getcwd(struct task *t, const struct syscall_args *a)
{
    static const char unreach[] = "(unreachable)";
    char buf[VFS_PATH_MAX + 32];
    bool outside;
    int n = vfs_path_name_reach(t->fs, &t->fs->cwd, buf + sizeof(unreach) - 1,
                                sizeof(buf) - sizeof(unreach), &outside);

    if (n < 0)
        return n;
    if (t->fs->cwd.d->dead)
        return -ENOENT;
    if (outside) { /* a cwd outside the chroot: Linux says so in front */
        memcpy(buf, unreach, sizeof(unreach) - 1);
        n += sizeof(unreach) - 1;
    } else {
        memmove(buf, buf + sizeof(unreach) - 1, n + 1);
    }
    if ((uint64_t)n + 1 > a->a[1])
        return -ERANGE;
    return mm_copy_out(t->mm, a->a[0], buf, n + 1) ? -EFAULT : n + 1;
}

static long set_cwd(struct task *t, struct vpath *p)
{
    int r;

    if (!S_ISDIR(p->d->inode->mode)) {
        vpath_put(p);
        return -ENOTDIR;
    }
    if ((r = vfs_permission(p->d->inode, MAY_EXEC))) {
        vpath_put(p);
        return r;
    }
    vpath_put(&t->fs->cwd);
    t->fs->cwd = *p;
    return 0;
}

long sys_chdir(struct task *t, const struct syscall_args *a)
{
    struct vpath p;
    int r = lookup_at(t, AT_FDCWD, a->a[0], WALK_FOLLOW, &p);
    return r ? r : set_cwd(t, &p);
}

/* chroot: the fs context's root moves (shared with CLONE_FS tasks, as on
 * Linux); walks stop ".." there and absolute names start there. The cwd
 * stays where it is, possibly outside the new root. */
long sys_chroot(struct task *t, const struct syscall_args *a)
{
    struct vpath p;
    int r = lookup_at(t, AT_FDCWD, a->a[0], WALK_FOLLOW | WALK_DIRECTORY, &p);

    if (r)
        return r;
    if (!S_ISDIR(p.d->inode->mode))
        r = -ENOTDIR;
    else if ((r = vfs_permission(p.d->inode, MAY_EXEC)) == 0 && !capable(t, CAP_SYS_CHROOT))
        r = -EPERM;
    if (r) {
        vpath_put(&p);
        return r;
    }
    vpath_put(&t->fs->root);
    t->fs->root = p;
    return 0;
}

long sys_fchdir(struct task *t, const struct syscall_args *a)
{
    struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    struct vpath p;

    if (!f)
        return -EBADF;
    if (!f->path.d) {
        file_put(f);
        return -ENOTDIR;
    }
    p = vpath_copy(&f->path);
    file_put(f);
    return set_cwd(t, &p);
}

static long do_setattr(struct vpath *p, struct inode *ino, const struct setattr *sa)
{
    uint32_t ev = sa->valid == SA_SIZE ? IN_MODIFY : IN_ATTRIB;
    int r;

    if (p && ro(p))
        return -EROFS;
    if (!ino->iops || !ino->iops->setattr)
        return -EROFS;
    if ((r = ino->iops->setattr(ino, sa)))
        return r;
    if (p)
        vfs_notify_dentry(p->d, ev);
    else
        vfs_notify(ino, ev, NULL, 0);
    return 0;
}

long sys_truncate(struct task *t, const struct syscall_args *a)
{
    struct setattr sa = { .valid = SA_SIZE, .size = a->a[1] };
    struct vpath p;
    int r;

    if ((int64_t)a->a[1] < 0)
        return -EINVAL;
    if ((r = lookup_at(t, AT_FDCWD, a->a[0], WALK_FOLLOW, &p)))
        return r;
    if (S_ISDIR(p.d->inode->mode))
        r = -EISDIR;
    else if (!S_ISREG(p.d->inode->mode))
        r = -EINVAL;
    else if (ro(&p))
        r = -EROFS;
    else if ((r = vfs_permission(p.d->inode, MAY_WRITE)) == 0 &&
             (r = sys_fsize_check(t, sa.size)) == 0)
        r = (int)do_setattr(&p, p.d->inode, &sa);
    vpath_put(&p);
    return r;
}

long sys_ftruncate(struct task *t, const struct syscall_args *a)
{
    struct setattr sa = { .valid = SA_SIZE, .size = a->a[1] };
    struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r;

    if (!f || !f->ops) {
        if (f)
            file_put(f);
        return -EBADF;
    }
    if ((int64_t)a->a[1] < 0)
        r = -EINVAL;
    else if (!S_ISREG(f->inode->mode) || (f->flags & O_ACCMODE) == O_RDONLY)
        r = -EINVAL;
    else if (!(r = sys_fsize_check(t, sa.size)))
        r = do_setattr(NULL, f->inode, &sa);
    file_put(f);
    return r;
}

/* Only the owner (or CAP_FOWNER) changes modes and times. */
static long owner_ok(struct task *t, struct inode *ino)
{
    struct stat st;
    int r = vfs_getattr(ino, &st);

    if (r)
        return r;
    if (st.st_uid != t->cred.fsuid && !capable(t, CAP_FOWNER))
        return -EPERM;
    return 0;
}

static long do_chmod(struct task *t, int dirfd, uint64_t upath, mode_t mode, int flags)
{
    struct setattr sa = { .valid = SA_MODE, .mode = mode & 07777 };
    struct vpath p;
    int r;

    if ((r = lookup_at(t, dirfd, upath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &p)))
        return r;
    r = (int)owner_ok(t, p.d->inode);
    if (!r)
        r = (int)do_setattr(&p, p.d->inode, &sa);
    vpath_put(&p);
    return r;
}

long sys_chmod(struct task *t, const struct syscall_args *a)
{
    return do_chmod(t, AT_FDCWD, a->a[0], (mode_t)a->a[1], 0);
}

long sys_fchmodat(struct task *t, const struct syscall_args *a)
{
    return do_chmod(t, (int)a->a[0], a->a[1], (mode_t)a->a[2], 0);
}

long sys_fchmod(struct task *t, const struct syscall_args *a)
{
    struct setattr sa = { .valid = SA_MODE, .mode = (mode_t)a->a[1] & 07777 };
    struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r;

    if (!f)
        return -EBADF;
    r = (f->flags & O_PATH) ? -EBADF : owner_ok(t, f->inode);
    if (!r)
        r = do_setattr(f->path.d ? &f->path : NULL, f->inode, &sa);
    file_put(f);
    return r;
}

/* Setting times: explicit values need the owner (or CAP_FOWNER); "now"
 * also write permission. */
static int utimes_allowed(struct task *t, struct inode *ino, bool explicit_times)
{
    struct stat st;
    int r;

    if ((r = vfs_getattr(ino, &st)))
        return r;
    if (st.st_uid == t->cred.fsuid || capable(t, CAP_FOWNER))
        return 0;
    if (explicit_times)
        return -EPERM;
    return vfs_permission(ino, MAY_WRITE);
}

/* utimensat and the older calls: ts NULL means both "now". upath 0 is the
 * fd itself (futimens). */
static long do_utimens(struct task *t, int dirfd, uint64_t upath, const struct timespec *tsp,
                       int flags)
{
    struct timespec ts[2];
    struct setattr sa = { .valid = SA_ATIME | SA_MTIME };
    struct vpath p;
    int r;
    bool explicit_times = false;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    if (tsp) {
        ts[0] = tsp[0];
        ts[1] = tsp[1];
    } else {
        ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
    }
    for (int i = 0; i < 2; i++) {
        if (ts[i].tv_nsec != UTIME_NOW && ts[i].tv_nsec != UTIME_OMIT)
            explicit_times = true;
        if (ts[i].tv_nsec == UTIME_NOW)
            clock_gettime(CLOCK_REALTIME, &ts[i]);
        else if (ts[i].tv_nsec == UTIME_OMIT)
            sa.valid &= ~(i ? SA_MTIME : SA_ATIME);
        else if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000)
            return -EINVAL;
    }
    sa.atime = ts[0];
    sa.mtime = ts[1];
    if (!upath) {
        struct file *f = fdt_get(t->fdt, dirfd);
        if (!f)
            return -EBADF;
        r = utimes_allowed(t, f->inode, explicit_times);
        if (!r)
            r = (int)do_setattr(f->path.d ? &f->path : NULL, f->inode, &sa);
        file_put(f);
        return r;
    }
    if ((r = lookup_at(t, dirfd, upath,
                       ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW) |
                           ((flags & AT_EMPTY_PATH) ? WALK_EMPTY : 0),
                       &p)))
        return r;
    r = ro(&p) ? -EROFS : utimes_allowed(t, p.d->inode, explicit_times);
    if (!r)
        r = (int)do_setattr(&p, p.d->inode, &sa);
    vpath_put(&p);
    return r;
}

long sys_utimensat(struct task *t, const struct syscall_args *a)
{
    struct timespec ts[2];

    if (a->a[2] && mm_copy_in(t->mm, ts, a->a[2], sizeof(ts)))
        return -EFAULT;
    return do_utimens(t, (int)a->a[0], a->a[1], a->a[2] ? ts : NULL, (int)a->a[3]);
}

/* utimes/futimesat: struct timeval pairs (NULL: now). */
static long do_utimes_tv(struct task *t, int dirfd, uint64_t upath, uint64_t utv)
{
    struct timeval tv[2];
    struct timespec ts[2];

    if (!upath)
        return -EFAULT;
    if (!utv)
        return do_utimens(t, dirfd, upath, NULL, 0);
    if (mm_copy_in(t->mm, tv, utv, sizeof(tv)))
        return -EFAULT;
    for (int i = 0; i < 2; i++) {
        if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
            return -EINVAL;
        ts[i].tv_sec = tv[i].tv_sec;
        ts[i].tv_nsec = tv[i].tv_usec * 1000;
    }
    return do_utimens(t, dirfd, upath, ts, 0);
}

long sys_utimes(struct task *t, const struct syscall_args *a)
{
    return do_utimes_tv(t, AT_FDCWD, a->a[0], a->a[1]);
}

long sys_futimesat(struct task *t, const struct syscall_args *a)
{
    return do_utimes_tv(t, (int)a->a[0], a->a[1], a->a[2]);
}

/* utime: struct utimbuf {actime, modtime} in seconds. */
long sys_utime(struct task *t, const struct syscall_args *a)
{
    int64_t ub[2];
    struct timespec ts[2];

    if (!a->a[1])
        return do_utimens(t, AT_FDCWD, a->a[0], NULL, 0);
    if (mm_copy_in(t->mm, ub, a->a[1], sizeof(ub)))
        return -EFAULT;
    ts[0] = (struct timespec){ ub[0], 0 };
    ts[1] = (struct timespec){ ub[1], 0 };
    return do_utimens(t, AT_FDCWD, a->a[0], ts, 0);
}

/* f_type per file system type, as Linux's magic numbers. */
static long fs_magic(const char *fstype)
{
    static const struct {
        const char *name;
        long magic;
    } m[] = {
        { "tmpfs", 0x01021994 },   { "devtmpfs", 0x01021994 }, { "9p", 0x01021997 },
        { "proc", 0x9fa0 },        { "sysfs", 0x62656572 },    { "pipefs", 0x50495045 },
        { "devpts", 0x1cd1 },      { "overlay", 0x794c7630 },  { "sockfs", 0x534f434b },
        { "anon_inodefs", 0x09041934 }, { "host", 0x09041934 },
    };

    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        if (!strcmp(m[i].name, fstype))
            return m[i].magic;
    return 0x01021994;
}

static long statfs_out(struct task *t, struct inode *ino, struct mount *mnt, uint64_t ubuf)
{
    struct statfs s;

    memset(&s, 0, sizeof(s));
    if (ino->iops && ino->iops->statfs) {
        int r = ino->iops->statfs(ino, &s);
        if (r)
            return r;
    } else {
        s.f_bsize = 4096;
        s.f_frsize = 4096;
        s.f_namelen = VFS_NAME_MAX;
    }
    /* the fs may be a tmpfs serving as something else (sysfs, devtmpfs) */
    if (!ino->iops || !ino->iops->statfs || !strcmp(ino->sb->fstype, "sysfs"))
        s.f_type = fs_magic(ino->sb->fstype);
    s.f_flags |= 0x0020; /* ST_VALID: f_flags is meaningful */
    if (mnt && (mnt->flags & MS_RDONLY))
        s.f_flags |= ST_RDONLY;
    return mm_copy_out(t->mm, ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

long sys_statfs(struct task *t, const struct syscall_args *a)
{
    struct vpath p;
    int r = lookup_at(t, AT_FDCWD, a->a[0], WALK_FOLLOW, &p);

    if (r)
        return r;
    r = (int)statfs_out(t, p.d->inode, p.mnt, a->a[1]);
    vpath_put(&p);
    return r;
}

long sys_fstatfs(struct task *t, const struct syscall_args *a)
{
    struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r;

    if (!f)
        return -EBADF;
    r = statfs_out(t, f->inode, f->path.mnt, a->a[1]);
    file_put(f);
    return r;
}

static long do_fsync(struct task *t, int fd, bool datasync)
{
    struct file *f = fdt_get(t->fdt, fd);
    long r = 0;

    if (!f)
        return -EBADF;
    if (f->flags & O_PATH)
        r = -EBADF;
    else if (f->ops && f->ops->fsync)
        r = f->ops->fsync(f, datasync);
    else if (f->fmode & FILE_STREAM)
        r = -EINVAL; /* pipes and sockets */
    file_put(f);
    return r;
}

long sys_fsync(struct task *t, const struct syscall_args *a)
{
    return do_fsync(t, (int)a->a[0], false);
}

long sys_fdatasync(struct task *t, const struct syscall_args *a)
{
    return do_fsync(t, (int)a->a[0], true);
}

long sys_sync_file_range(struct task *t, const struct syscall_args *a)
{
    int64_t off = (int64_t)a->a[1], n = (int64_t)a->a[2];
    unsigned flags = (unsigned)a->a[3];
    struct file *f;
    long r = 0;

    if (flags & ~7u)
        return -EINVAL;
    if (off < 0 || n < 0 || off + n < off)
        return -EINVAL;
    if (!(f = fdt_get(t->fdt, (int)a->a[0])))
        return -EBADF;
    if (f->flags & O_PATH)
        r = -EBADF;
    else if (!S_ISREG(f->inode->mode) && !S_ISDIR(f->inode->mode) && !S_ISLNK(f->inode->mode) &&
             !S_ISBLK(f->inode->mode))
        r = -ESPIPE;
    else if ((flags & 2u) && f->ops && f->ops->fsync)
        r = f->ops->fsync(f, true);
    file_put(f);
    return r;
}

long sys_fadvise64(struct task *t, const struct syscall_args *a)
{
    struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r = 0;

    if (!f)
        return -EBADF;
    if (f->fmode & FILE_STREAM)
        r = -ESPIPE;
    else if (a->a[3] > 5 || (int64_t)a->a[2] < 0)
        r = -EINVAL;
    file_put(f);
    return r;
}

long sys_umask(struct task *t, const struct syscall_args *a)
{
    mode_t old = t->fs->umask;
    t->fs->umask = a->a[0] & 0777;
    return old;
}

static long chown_inode(struct task *t, struct vpath *p, struct inode *ino, uint32_t uid,
                        uint32_t gid)
{
    struct setattr sa = { 0 };
    struct stat st;
    int r;

    if ((r = vfs_getattr(ino, &st)))
        return r;
    if (!capable(t, CAP_CHOWN)) {
        if ((uid != (uint32_t)-1 && uid != st.st_uid) || st.st_uid != t->cred.fsuid ||
            (gid != (uint32_t)-1 && gid != st.st_gid && !cred_in_group(&t->cred, gid)))
            return -EPERM;
    }
    if (uid != (uint32_t)-1) {
        sa.valid |= SA_UID;
        sa.uid = uid;
    }
    if (gid != (uint32_t)-1) {
        sa.valid |= SA_GID;
        sa.gid = gid;
    }
    /* As Linux (even for root): chown of a non-directory drops set-user-ID,
     * and set-group-ID when group execute is on. */
    if (!S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode) &&
        ((st.st_mode & S_ISUID) || (st.st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))) {
        sa.valid |= SA_MODE;
        sa.mode = st.st_mode & 07777 & ~(mode_t)(S_ISUID | ((st.st_mode & S_IXGRP) ? S_ISGID : 0));
    }
    if (!sa.valid)
        return (p && ro(p)) ? -EROFS : 0;
    return do_setattr(p, ino, &sa);
}

static long do_chown(struct task *t, int dirfd, uint64_t upath, uint32_t uid, uint32_t gid,
                     int flags)
{
    struct vpath p;
    int r;

    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    if ((r = lookup_at(t, dirfd, upath,
                       ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW) |
                           ((flags & AT_EMPTY_PATH) ? WALK_EMPTY : 0),
                       &p)))
        return r;
    r = (int)chown_inode(t, &p, p.d->inode, uid, gid);
    vpath_put(&p);
    return r;
}

long sys_chown(struct task *t, const struct syscall_args *a)
{
    return do_chown(t, AT_FDCWD, a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2], 0);
}

long sys_lchown(struct task *t, const struct syscall_args *a)
{
    return do_chown(t, AT_FDCWD, a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2],
                    AT_SYMLINK_NOFOLLOW);
}

long sys_fchownat(struct task *t, const struct syscall_args *a)
{
    return do_chown(t, (int)a->a[0], a->a[1], (uint32_t)a->a[2], (uint32_t)a->a[3],
                    (int)a->a[4]);
}

long sys_fchown(struct task *t, const struct syscall_args *a)
{
    struct file *f = fdt_get(t->fdt, (int)a->a[0]);
    long r;

    if (!f || !f->ops) {
        if (f)
            file_put(f);
        return -EBADF;
    }
    r = chown_inode(t, f->path.d ? &f->path : NULL, f->inode, (uint32_t)a->a[1],
                    (uint32_t)a->a[2]);
    file_put(f);
    return r;
}
