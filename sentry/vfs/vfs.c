/* sentry/vfs/vfs.c: reference counting of inodes, dentries, files; mounts. */
#include "sentry/vfs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xalloc.h"

pthread_mutex_t vfs_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
/* Kernel-internal work (boot, tests) acts with full file privileges; a task
 * thread sets its own credentials before each syscall. */
__thread struct vfs_cred vfs_cur_cred = { .dac_override = true, .dac_read_search = true,
                                          .fowner = true };
static struct mount *mount_list; /* in mount order, oldest first */
static int next_mount_id = 20;

/* Append m to the mount list (vfs_lock held). */
static void mount_list_add(struct mount *m)
{
    struct mount **pp = &mount_list;

    m->id = next_mount_id++;
    while (*pp)
        pp = &(*pp)->next;
    *pp = m;
}
static uint64_t next_dev = 0x10;

uint64_t vfs_new_dev(void)
{
    return __atomic_fetch_add(&next_dev, 1, __ATOMIC_RELAXED);
}

struct inode *inode_new(struct super *sb, const struct inode_ops *iops,
                        const struct file_ops *fops, mode_t mode, uint64_t ino)
{
    struct inode *i = xzalloc(sizeof(*i));
    i->ref = 1;
    i->sb = sb;
    i->iops = iops;
    i->fops = fops;
    i->mode = mode;
    i->ino = ino;
    return i;
}

struct inode *inode_get(struct inode *i)
{
    __atomic_add_fetch(&i->ref, 1, __ATOMIC_RELAXED);
    return i;
}

void inode_put(struct inode *i)
{
    if (!i || __atomic_sub_fetch(&i->ref, 1, __ATOMIC_ACQ_REL))
        return;
    if (i->iops && i->iops->release)
        i->iops->release(i);
    vfs_lock_free_all(i);
    free(i);
}

struct dentry *dentry_new(const char *name, struct dentry *parent, struct inode *inode)
{
    struct dentry *d = xzalloc(sizeof(*d));
    d->ref = 1;
    d->name = xstrdup(name);
    d->inode = inode;
    if (parent) {
        d->parent = dentry_get(parent);
        /* the parent's child list owns one more reference */
        d->ref++;
        d->sibling = parent->children;
        parent->children = d;
    }
    return d;
}

struct dentry *dentry_new_uncached(const char *name, struct dentry *parent, struct inode *inode)
{
    struct dentry *d = xzalloc(sizeof(*d));
    d->ref = 1;
    d->name = xstrdup(name);
    d->inode = inode;
    if (parent)
        d->parent = dentry_get(parent);
    return d;
}

struct dentry *dentry_get(struct dentry *d)
{
    __atomic_add_fetch(&d->ref, 1, __ATOMIC_RELAXED);
    return d;
}

void dentry_put(struct dentry *d)
{
    while (d && !__atomic_sub_fetch(&d->ref, 1, __ATOMIC_ACQ_REL)) {
        struct dentry *parent = d->parent;
        inode_put(d->inode);
        free(d->name);
        free(d);
        d = parent;
    }
}

void dentry_forget(struct dentry *d, const char *name)
{
    struct dentry **pp;

    pthread_mutex_lock(&vfs_lock);
    for (pp = &d->children; *pp; pp = &(*pp)->sibling) {
        if (!strcmp((*pp)->name, name)) {
            struct dentry *c = *pp;
            *pp = c->sibling;
            c->sibling = NULL;
            c->dead = true;
            pthread_mutex_unlock(&vfs_lock);
            dentry_put(c);
            return;
        }
    }
    pthread_mutex_unlock(&vfs_lock);
}

/* Unlink child `name` from d's list (vfs_lock held); NULL if not cached. */
static struct dentry *child_take(struct dentry *d, const char *name)
{
    for (struct dentry **pp = &d->children; *pp; pp = &(*pp)->sibling) {
        if (!strcmp((*pp)->name, name)) {
            struct dentry *c = *pp;
            *pp = c->sibling;
            c->sibling = NULL;
            return c;
        }
    }
    return NULL;
}

/* Re-home c (its list reference) under np as `name` (vfs_lock held). The
 * old parent reference is returned for the caller to put after unlocking. */
static struct dentry *child_move(struct dentry *c, struct dentry *np, const char *name)
{
    struct dentry *old = c->parent;

    free(c->name);
    c->name = xstrdup(name);
    c->parent = dentry_get(np);
    c->sibling = np->children;
    np->children = c;
    return old;
}

void dentry_rename(struct dentry *od, const char *oname, struct dentry *nd, const char *nname,
                   bool exchange)
{
    struct dentry *c, *v, *put[3] = { NULL, NULL, NULL };

    pthread_mutex_lock(&vfs_lock);
    c = child_take(od, oname);
    v = child_take(nd, nname);
    if (exchange) {
        if (c)
            put[0] = child_move(c, nd, nname);
        if (v)
            put[1] = child_move(v, od, oname);
    } else {
        if (v) {
            v->dead = true;
            put[2] = v;
        }
        if (c)
            put[0] = child_move(c, nd, nname);
    }
    pthread_mutex_unlock(&vfs_lock);
    for (int i = 0; i < 3; i++)
        if (put[i])
            dentry_put(put[i]);
}

void vpath_get(struct vpath *p)
{
    if (p->d)
        dentry_get(p->d);
}

void vpath_put(struct vpath *p)
{
    if (p->d)
        dentry_put(p->d);
    p->d = NULL;
    p->mnt = NULL;
}

struct mount *vfs_mount_root(struct dentry *root, const char *fstype, const char *source)
{
    struct mount *m = xzalloc(sizeof(*m));
    m->root = root;
    m->fstype = fstype;
    m->source = xstrdup(source);
    pthread_mutex_lock(&vfs_lock);
    mount_list_add(m);
    pthread_mutex_unlock(&vfs_lock);
    return m;
}

int vfs_mount_at(struct vpath *where, struct dentry *root, const char *fstype,
                 const char *source, int flags)
{
    struct mount *m;

    if (!S_ISDIR(where->d->inode->mode) && !S_ISDIR(root->inode->mode))
        ; /* file on file bind: allowed */
    else if (S_ISDIR(where->d->inode->mode) != S_ISDIR(root->inode->mode))
        return -ENOTDIR;
    m = xzalloc(sizeof(*m));
    m->root = root;
    m->fstype = fstype;
    m->source = xstrdup(source);
    m->flags = flags;
    pthread_mutex_lock(&vfs_lock);
    m->parent = where->mnt;
    m->mountpoint = dentry_get(where->d);
    /* Stack on whatever is mounted there already. */
    while (m->mountpoint->mounted) {
        struct mount *top = m->mountpoint->mounted;
        dentry_put(m->mountpoint);
        m->parent = top;
        m->mountpoint = dentry_get(top->root);
    }
    m->mountpoint->mounted = m;
    mount_list_add(m);
    pthread_mutex_unlock(&vfs_lock);
    return 0;
}

void (*vfs_notify_hook)(struct inode *ino, uint32_t mask, const char *name, uint32_t cookie);

void vfs_notify_dentry(struct dentry *d, uint32_t mask)
{
    struct dentry *parent;
    char name[VFS_NAME_MAX + 1];

    if (!d || !vfs_notify_hook)
        return;
    if (S_ISDIR(d->inode->mode))
        mask |= 0x40000000; /* IN_ISDIR */
    vfs_notify(d->inode, mask, NULL, 0);
    pthread_mutex_lock(&vfs_lock);
    parent = d->parent && !d->dead ? dentry_get(d->parent) : NULL;
    snprintf(name, sizeof(name), "%s", d->name);
    pthread_mutex_unlock(&vfs_lock);
    if (parent) {
        vfs_notify(parent->inode, mask, name, 0);
        dentry_put(parent);
    }
}

struct mount *vfs_anon_mount(void)
{
    static struct mount anon = { .fstype = "anon_inodefs", .source = "none" };
    return &anon;
}

struct mount *vfs_mount_of(const struct vpath *p)
{
    return p->d == p->mnt->root ? p->mnt : NULL;
}

int vfs_umount(struct mount *m)
{
    struct mount **pp;

    pthread_mutex_lock(&vfs_lock);
    if (!m->parent || m->root->mounted) {
        pthread_mutex_unlock(&vfs_lock);
        return -EBUSY; /* the root, or something is mounted on top */
    }
    for (struct mount *c = mount_list; c; c = c->next)
        if (c->parent == m) {
            pthread_mutex_unlock(&vfs_lock);
            return -EBUSY;
        }
    m->mountpoint->mounted = NULL;
    for (pp = &mount_list; *pp; pp = &(*pp)->next)
        if (*pp == m) {
            *pp = m->next;
            break;
        }
    pthread_mutex_unlock(&vfs_lock);
    /* Open files and cwds may still name m in their vpaths (mounts are not
     * reference counted), so the struct stays; it is small. */
    dentry_put(m->mountpoint);
    m->mountpoint = NULL;
    m->next = NULL;
    return 0;
}

struct mount *vfs_mounts(void)
{
    return mount_list;
}

struct file *file_new(const struct vpath *path, struct inode *ino, int flags)
{
    struct file *f = xzalloc(sizeof(*f));
    f->ref = 1;
    f->flags = flags;
    if (path) {
        f->path = *path;
        vpath_get(&f->path);
    }
    f->inode = inode_get(ino);
    f->ops = ino->fops;
    if ((flags & O_ACCMODE) != O_RDONLY && !(flags & O_PATH)) {
        __atomic_add_fetch(&ino->writers, 1, __ATOMIC_RELAXED);
        f->fmode |= FILE_COUNTS_WRITER;
    }
    pthread_mutex_init(&f->lock, NULL);
    return f;
}

struct file *file_get(struct file *f)
{
    __atomic_add_fetch(&f->ref, 1, __ATOMIC_RELAXED);
    return f;
}

void (*vfs_epoll_release_hook)(struct file *f);

void file_put(struct file *f)
{
    if (!f || __atomic_sub_fetch(&f->ref, 1, __ATOMIC_ACQ_REL))
        return;
    if (__atomic_load_n(&f->ep_links, __ATOMIC_ACQUIRE) && vfs_epoll_release_hook)
        vfs_epoll_release_hook(f);
    if (f->path.d && !(f->flags & O_PATH))
        vfs_notify_dentry(f->path.d, (f->flags & O_ACCMODE) != O_RDONLY ? 0x8 /* IN_CLOSE_WRITE */
                                                                          : 0x10 /* NOWRITE */);
    if (f->ops && f->ops->release)
        f->ops->release(f);
    vfs_lock_release_owner(f->inode, f); /* OFD locks */
    if (f->fmode & FILE_COUNTS_WRITER)
        __atomic_sub_fetch(&f->inode->writers, 1, __ATOMIC_RELAXED);
    inode_put(f->inode);
    vpath_put(&f->path);
    free(f);
}

int vfs_getattr(struct inode *ino, struct stat *st)
{
    memset(st, 0, sizeof(*st));
    if (ino->iops && ino->iops->getattr)
        return ino->iops->getattr(ino, st);
    st->st_mode = ino->mode;
    st->st_ino = ino->ino;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    if (ino->sb)
        st->st_dev = ino->sb->dev;
    return 0;
}

int vfs_permission(struct inode *ino, int mask)
{
    const struct vfs_cred *c = &vfs_cur_cred;
    struct stat st;
    int bits, r;

    if ((r = vfs_getattr(ino, &st)))
        return r;
    if (c->dac_override) {
        /* Everything but executing a file with no x bit at all. */
        if (!(mask & MAY_EXEC) || S_ISDIR(st.st_mode) || (st.st_mode & 0111))
            return 0;
    }
    if (c->dac_read_search && !(mask & MAY_WRITE) &&
        (!(mask & MAY_EXEC) || S_ISDIR(st.st_mode)))
        return 0;
    if (st.st_uid == c->fsuid) {
        bits = (st.st_mode >> 6) & 7;
    } else {
        bool in = st.st_gid == c->fsgid;
        for (int i = 0; !in && i < c->ngroups; i++)
            in = c->groups[i] == st.st_gid;
        bits = in ? (st.st_mode >> 3) & 7 : st.st_mode & 7;
    }
    return (bits & mask) == mask ? 0 : -EACCES;
}

long vfs_kernel_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    if (!f->ops || !f->ops->read)
        return -EINVAL;
    return f->ops->read(f, buf, len, off);
}

struct fs_ctx *fs_ctx_new(const struct vpath *root)
{
    struct fs_ctx *fs = xzalloc(sizeof(*fs));
    fs->ref = 1;
    fs->root = vpath_copy(root);
    fs->cwd = vpath_copy(root);
    fs->umask = 022;
    return fs;
}

struct fs_ctx *fs_ctx_copy(const struct fs_ctx *fs)
{
    struct fs_ctx *n = fs_ctx_new(&fs->root);
    vpath_put(&n->cwd);
    n->cwd = vpath_copy(&fs->cwd);
    n->umask = fs->umask;
    return n;
}

void fs_ctx_put(struct fs_ctx *fs)
{
    if (!fs || __atomic_sub_fetch(&fs->ref, 1, __ATOMIC_ACQ_REL))
        return;
    vpath_put(&fs->root);
    vpath_put(&fs->cwd);
    free(fs);
}
