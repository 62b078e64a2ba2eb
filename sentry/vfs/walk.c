/* sentry/vfs/walk.c: path resolution: components, "..", mounts, symlinks. */
#include "sentry/vfs/vfs.h"

#include <errno.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xalloc.h"

/* A cached or freshly looked-up child of d; new reference. */
static int child(struct dentry *d, const char *name, struct dentry **out)
{
    struct dentry *c;
    struct inode *ino;
    int r;

    pthread_mutex_lock(&vfs_lock);
    for (c = d->children; c; c = c->sibling) {
        if (!strcmp(c->name, name)) {
            *out = dentry_get(c);
            pthread_mutex_unlock(&vfs_lock);
            return 0;
        }
    }
    if (!d->inode->iops || !d->inode->iops->lookup) {
        pthread_mutex_unlock(&vfs_lock);
        return -ENOENT;
    }
    r = d->inode->iops->lookup(d->inode, name, &ino);
    if (r == 0)
        *out = (d->inode->sb && d->inode->sb->nocache) ? dentry_new_uncached(name, d, ino)
                                                       : dentry_new(name, d, ino);
    pthread_mutex_unlock(&vfs_lock);
    return r;
}

static void cross_mounts(struct vpath *p)
{
    pthread_mutex_lock(&vfs_lock);
    while (p->d->mounted) {
        struct mount *m = p->d->mounted;
        dentry_put(p->d);
        p->mnt = m;
        p->d = dentry_get(m->root);
    }
    pthread_mutex_unlock(&vfs_lock);
}

static int same(const struct vpath *a, const struct vpath *b)
{
    return a->mnt == b->mnt && a->d == b->d;
}

/* cur <- cur/name; cur is owned and replaced. */
static int step(struct fs_ctx *fs, struct vpath *cur, const char *name)
{
    struct dentry *c;
    int r;

    if (!S_ISDIR(cur->d->inode->mode))
        return -ENOTDIR;
    if (!vfs_cur_cred.dac_override && !vfs_cur_cred.dac_read_search &&
        (r = vfs_permission(cur->d->inode, MAY_EXEC)))
        return r;
    if (!strcmp(name, "."))
        return 0;
    if (!strcmp(name, "..")) {
        if (same(cur, &fs->root))
            return 0;
        pthread_mutex_lock(&vfs_lock);
        while (cur->d == cur->mnt->root && cur->mnt->parent) {
            struct mount *m = cur->mnt;
            dentry_put(cur->d);
            cur->mnt = m->parent;
            cur->d = dentry_get(m->mountpoint);
            if (same(cur, &fs->root)) {
                pthread_mutex_unlock(&vfs_lock);
                return 0;
            }
        }
        if (cur->d->parent) {
            struct dentry *p = dentry_get(cur->d->parent);
            dentry_put(cur->d);
            cur->d = p;
        }
        pthread_mutex_unlock(&vfs_lock);
        return 0;
    }
    if ((r = child(cur->d, name, &c)))
        return r;
    dentry_put(cur->d);
    cur->d = c;
    cross_mounts(cur);
    return 0;
}

static int do_walk(struct fs_ctx *fs, const struct vpath *start, const char *path,
                   unsigned flags, struct vpath *out, char *last)
{
    _cleanup_free_ char *buf = NULL;
    struct fs_ctx scoped;
    struct mount *start_mnt;
    struct vpath cur;
    size_t pos = 0;
    int nlinks = 0, r = 0;

    if (strlen(path) >= VFS_PATH_MAX)
        return -ENAMETOOLONG;
    if (!*path && !(flags & WALK_EMPTY))
        return -ENOENT;
    buf = xstrdup(path);
    if (flags & (WALK_BENEATH | WALK_IN_ROOT)) {
        /* openat2 scoping: the start is the root the walk may not leave
         * (IN_ROOT: "/" and ".." clamp to it; BENEATH: they fail). */
        scoped = *fs;
        scoped.root = *(start ? start : &fs->cwd);
        fs = &scoped;
        if (buf[0] == '/' && (flags & WALK_BENEATH))
            return -EXDEV;
    }
    if (buf[0] == '/')
        cur = vpath_copy(&fs->root);
    else
        cur = vpath_copy(start ? start : &fs->cwd);
    start_mnt = cur.mnt;
    if (last)
        last[0] = 0;

    for (;;) {
        char name[VFS_NAME_MAX + 1];
        size_t len, rest;
        int is_last, trailing_slash;
        struct vpath next;

        while (buf[pos] == '/')
            pos++;
        if (!buf[pos])
            break;
        len = strcspn(buf + pos, "/");
        if (len > VFS_NAME_MAX) {
            r = -ENAMETOOLONG;
            goto fail;
        }
        memcpy(name, buf + pos, len);
        name[len] = 0;
        pos += len;
        rest = pos;
        while (buf[rest] == '/')
            rest++;
        is_last = !buf[rest];
        trailing_slash = is_last && buf[pos] == '/';
        if (is_last && last) {
            if (!S_ISDIR(cur.d->inode->mode)) {
                r = -ENOTDIR;
                goto fail;
            }
            strcpy(last, name);
            break;
        }
        if ((flags & WALK_BENEATH) && !strcmp(name, "..") && same(&cur, &fs->root)) {
            r = -EXDEV;
            goto fail;
        }
        next = vpath_copy(&cur);
        if ((r = step(fs, &next, name))) {
            vpath_put(&next);
            goto fail;
        }
        if ((flags & WALK_NO_XDEV) && next.mnt != start_mnt) {
            vpath_put(&next);
            r = -EXDEV;
            goto fail;
        }
        if (S_ISLNK(next.d->inode->mode) &&
            (!is_last || (flags & WALK_FOLLOW) || trailing_slash)) {
            char target[VFS_PATH_MAX];
            char *nb;
            int n;

            if (++nlinks > VFS_SYMLOOP_MAX || (flags & WALK_NO_SYMLINKS)) {
                vpath_put(&next);
                r = -ELOOP;
                goto fail;
            }
            if (next.d->inode->iops->follow_link) {
                struct vpath jump;
                if (next.d->inode->iops->follow_link(next.d->inode, &jump) == 0) {
                    vpath_put(&next);
                    if (flags & (WALK_NO_MAGICLINKS | WALK_BENEATH | WALK_IN_ROOT)) {
                        vpath_put(&jump);
                        r = (flags & WALK_NO_MAGICLINKS) ? -ELOOP : -EXDEV;
                        goto fail;
                    }
                    vpath_put(&cur);
                    cur = jump;
                    cross_mounts(&cur);
                    if ((flags & WALK_NO_XDEV) && cur.mnt != start_mnt) {
                        r = -EXDEV;
                        goto fail;
                    }
                    if (trailing_slash && !S_ISDIR(cur.d->inode->mode)) {
                        r = -ENOTDIR;
                        goto fail;
                    }
                    continue;
                }
            }
            n = next.d->inode->iops->readlink(next.d->inode, target, sizeof(target) - 1);
            vpath_put(&next);
            if (n < 0) {
                r = n;
                goto fail;
            }
            if (n == 0) {
                r = -ENOENT;
                goto fail;
            }
            target[n] = 0;
            /* The target and the rest each fit PATH_MAX, as Linux
             * resolves them separately. */
            if (strlen(buf + pos) >= VFS_PATH_MAX) {
                r = -ENAMETOOLONG;
                goto fail;
            }
            nb = xzalloc(n + strlen(buf + pos) + 2);
            strcpy(nb, target);
            strcat(nb, buf + pos);
            free(buf);
            buf = nb;
            pos = 0;
            if (buf[0] == '/') {
                if (flags & WALK_BENEATH) {
                    r = -EXDEV;
                    goto fail;
                }
                vpath_put(&cur);
                cur = vpath_copy(&fs->root);
                if ((flags & WALK_NO_XDEV) && cur.mnt != start_mnt) {
                    r = -EXDEV;
                    goto fail;
                }
            }
            continue;
        }
        vpath_put(&cur);
        cur = next;
        if (trailing_slash && !S_ISDIR(cur.d->inode->mode)) {
            r = -ENOTDIR;
            goto fail;
        }
    }
    if ((flags & WALK_DIRECTORY) && !last && !S_ISDIR(cur.d->inode->mode)) {
        r = -ENOTDIR;
        goto fail;
    }
    *out = cur;
    return 0;
fail:
    vpath_put(&cur);
    return r;
}

int vfs_walk(struct fs_ctx *fs, const struct vpath *start, const char *path,
             unsigned flags, struct vpath *out)
{
    return do_walk(fs, start, path, flags, out, NULL);
}

int vfs_walk_parent(struct fs_ctx *fs, const struct vpath *start, const char *path,
                    struct vpath *parent, char last[VFS_NAME_MAX + 1])
{
    return do_walk(fs, start, path, 0, parent, last);
}

int vfs_walk_parent_flags(struct fs_ctx *fs, const struct vpath *start, const char *path,
                          unsigned flags, struct vpath *parent, char last[VFS_NAME_MAX + 1])
{
    return do_walk(fs, start, path, flags & ~(WALK_FOLLOW | WALK_DIRECTORY), parent, last);
}

int vfs_path_name(struct fs_ctx *fs, const struct vpath *p, char *buf, size_t cap)
{
    bool outside;
    return vfs_path_name_outside(fs, p, buf, cap, &outside);
}

int vfs_path_name_outside(struct fs_ctx *fs, const struct vpath *p, char *buf, size_t cap,
                          bool *outside)
{
    char *tmp = xzalloc(VFS_PATH_MAX);
    size_t pos = VFS_PATH_MAX - 1;
    struct vpath cur = *p;
    int r = 0, dead = p->d->dead;

    *outside = false;
    pthread_mutex_lock(&vfs_lock);
    while (!same(&cur, &fs->root)) {
        size_t n;
        if (cur.d == cur.mnt->root) {
            if (!cur.mnt->parent) {
                *outside = true; /* the top, and root was not on the way */
                break;
            }
            cur.d = cur.mnt->mountpoint;
            cur.mnt = cur.mnt->parent;
            continue;
        }
        if (!cur.d->parent) {
            *outside = true;
            break;
        }
        n = strlen(cur.d->name);
        if (n + 1 > pos) {
            r = -ENAMETOOLONG;
            goto out;
        }
        pos -= n;
        memcpy(tmp + pos, cur.d->name, n);
        tmp[--pos] = '/';
        cur.d = cur.d->parent;
    }
    if (pos == VFS_PATH_MAX - 1)
        tmp[--pos] = '/';
    {
        size_t len = VFS_PATH_MAX - 1 - pos;
        const char *suffix = dead ? " (deleted)" : "";
        if (len + strlen(suffix) + 1 > cap) {
            r = -ERANGE;
            goto out;
        }
        memcpy(buf, tmp + pos, len);
        strcpy(buf + len, suffix);
        r = (int)(len + strlen(suffix));
    }
out:
    pthread_mutex_unlock(&vfs_lock);
    free(tmp);
    return r;
}
