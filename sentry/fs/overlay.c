/* sentry/fs/overlay.c: the rootfs as a read-only lower layer under a
 * writable upper layer (a tmpfs of the Sentry's).
 *
 * The layout of the upper layer is Linux overlayfs's: a whiteout is a
 * character device 0:0 hiding the lower entry of that name; a directory
 * with the xattr trusted.overlay.opaque = "y" hides the whole lower
 * directory. Writing to anything that exists only below first copies it up
 * (data, mode, owner, times, user/security xattrs), creating its parent
 * directories in the upper layer as needed. A renamed directory is copied
 * up with everything below it and made opaque, so renames never need
 * Linux's redirect xattrs.
 *
 * Every overlay inode (onode) knows its parent onode and name, which is
 * what copy-up needs; a directory keeps a weak list of its live children so
 * that one name maps to one onode while anyone holds it (the dentry cache,
 * an open file), and renames and unlinks update that onode in place.
 *
 * Lock order: vfs_lock -> ovl_lock (recursive) -> the layers' locks. Reads
 * and writes of open files go straight to the layer's file, unlocked.
 */
#include "sentry/fs/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xalloc.h"

#define OVL_OPAQUE "trusted.overlay.opaque"
#define OVL_XATTR_PREFIX "trusted.overlay."
#define OVERLAYFS_MAGIC_ 0x794c7630
/* Inode numbers of objects with no lower layer: kept apart from the host's. */
#define UPPER_INO_BASE (1ULL << 40)
#define COPY_CHUNK (64u << 10)

static pthread_mutex_t ovl_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

struct ochild {
    char *name;
    struct inode *ino; /* weak: the child removes itself when released */
};

struct onode {
    struct inode *upper, *lower; /* references; at least one is set */
    struct inode *parent;        /* overlay directory (reference); NULL: root, unlinked */
    char *name;
    bool opaque; /* directory: the lower layer is not merged */
    struct ochild *kids;
    size_t nkids, capkids;
};

/* One entry of a merged directory listing. */
struct oent {
    char *name;
    uint64_t ino;
    unsigned type;
};

struct olist {
    struct oent *v;
    size_t n, cap;
};

struct odir {
    struct olist l;
    bool loaded;
};

static const struct inode_ops ovl_iops;
static const struct file_ops ovl_file_fops, ovl_dir_fops;

static struct inode *real(struct onode *n)
{
    return n->upper ? n->upper : n->lower;
}

/* ---- helpers on a layer's inodes ---- */

static bool is_whiteout(struct inode *u)
{
    struct stat st;

    if (!S_ISCHR(u->mode) || vfs_getattr(u, &st))
        return false;
    return st.st_rdev == 0;
}

static bool is_opaque(struct inode *u)
{
    char c = 0;

    if (!S_ISDIR(u->mode) || !u->iops->getxattr)
        return false;
    return u->iops->getxattr(u, OVL_OPAQUE, &c, 1) == 1 && c == 'y';
}

static int set_opaque(struct inode *u)
{
    if (!u->iops->setxattr)
        return -EOPNOTSUPP;
    return u->iops->setxattr(u, OVL_OPAQUE, "y", 1, 0);
}

static int layer_lookup(struct inode *dir, const char *name, struct inode **out)
{
    if (!dir || !S_ISDIR(dir->mode) || !dir->iops->lookup)
        return -ENOENT;
    return dir->iops->lookup(dir, name, out);
}

struct collect {
    struct dir_emit de;
    struct olist *l;
    int got;
};

static void olist_add(struct olist *l, const char *name, size_t len, uint64_t ino, unsigned type)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, l->cap * sizeof(l->v[0]));
    }
    l->v[l->n].name = xstrndup(name, len);
    l->v[l->n].ino = ino;
    l->v[l->n].type = type;
    l->n++;
}

static void olist_free(struct olist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].name);
    free(l->v);
    *l = (struct olist){ 0 };
}

static bool collect_emit(struct dir_emit *de, const char *name, size_t len, uint64_t ino,
                         unsigned type, uint64_t next)
{
    struct collect *c = (struct collect *)de;

    (void)next;
    c->got++;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return true;
    olist_add(c->l, name, len, ino, type);
    return true;
}

/* Every entry of a layer's directory, "." and ".." left out. */
static int layer_list(struct inode *dir, struct olist *out)
{
    struct collect c = { .de.emit = collect_emit, .l = out };
    struct file *f;
    int r = 0;

    if (!dir->fops || !dir->fops->getdents)
        return -ENOTDIR;
    f = file_new(NULL, dir, O_RDONLY | O_DIRECTORY);
    if (dir->iops->open && (r = dir->iops->open(dir, f))) {
        f->ops = NULL; /* nothing to release */
        file_put(f);
        return r;
    }
    do {
        c.got = 0;
        r = f->ops->getdents(f, &c.de);
    } while (r == 0 && c.got > 0);
    file_put(f);
    return r;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* glibc's qsort asks the host for its memory size (sysinfo) on large
 * arrays, which the Sentry's seccomp filter forbids: a shell sort here. */
static void sort_names(char **v, size_t n)
{
    static const size_t gaps[] = { 1750, 701, 301, 132, 57, 23, 10, 4, 1 };

    for (size_t g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
        size_t gap = gaps[g];
        for (size_t i = gap; i < n; i++) {
            char *x = v[i];
            size_t j = i;
            for (; j >= gap && strcmp(v[j - gap], x) > 0; j -= gap)
                v[j] = v[j - gap];
            v[j] = x;
        }
    }
}

static bool in_sorted(char **v, size_t n, const char *name)
{
    return n && bsearch(&name, v, n, sizeof(*v), name_cmp);
}

/* The merged listing of a directory given by its layers. *whiteouts (if
 * asked) gets the upper layer's whiteout names. */
static int merged_list(struct inode *upper, struct inode *lower, bool opaque, struct olist *out,
                       struct olist *whiteouts)
{
    struct olist ul = { 0 }, ll = { 0 }, wl = { 0 };
    char **names = NULL, **wh = NULL;
    size_t nn = 0, nw = 0;
    int r = 0;

    if (upper && (r = layer_list(upper, &ul)))
        goto out;
    names = xzalloc((ul.n + 1) * sizeof(*names));
    wh = xzalloc((ul.n + 1) * sizeof(*wh));
    for (size_t i = 0; i < ul.n; i++) {
        struct oent *e = &ul.v[i];
        if (e->type == DT_CHR) {
            struct inode *c;
            bool w = false;
            if (layer_lookup(upper, e->name, &c) == 0) {
                w = is_whiteout(c);
                inode_put(c);
            }
            if (w) {
                wh[nw++] = e->name;
                olist_add(&wl, e->name, strlen(e->name), 0, DT_CHR);
                continue;
            }
        }
        names[nn++] = e->name;
        olist_add(out, e->name, strlen(e->name), e->ino + UPPER_INO_BASE, e->type);
    }
    sort_names(names, nn);
    sort_names(wh, nw);
    if (lower && !opaque) {
        if ((r = layer_list(lower, &ll)))
            goto out;
        for (size_t i = 0; i < ll.n; i++) {
            struct oent *e = &ll.v[i];
            if (in_sorted(names, nn, e->name) || in_sorted(wh, nw, e->name))
                continue;
            olist_add(out, e->name, strlen(e->name), e->ino, e->type);
        }
    }
out:
    free(names);
    free(wh);
    olist_free(&ul);
    olist_free(&ll);
    if (whiteouts)
        *whiteouts = wl;
    else
        olist_free(&wl);
    return r;
}

/* What the layers hold under `name` in directory d. */
static int lookup_layers(struct onode *d, const char *name, struct inode **u, struct inode **l,
                         bool *opaque)
{
    int r;

    *u = *l = NULL;
    *opaque = false;
    if (d->upper && layer_lookup(d->upper, name, u) == 0) {
        if (is_whiteout(*u)) {
            inode_put(*u);
            *u = NULL;
            return -ENOENT;
        }
        if (!S_ISDIR((*u)->mode))
            return 0;
        *opaque = is_opaque(*u);
        if (*opaque)
            return 0;
    }
    if (d->lower && !d->opaque) {
        r = layer_lookup(d->lower, name, l);
        if (r == 0 && *u && !S_ISDIR((*l)->mode)) {
            inode_put(*l);
            *l = NULL;
        } else if (r && r != -ENOENT && !*u) {
            return r;
        }
    }
    return *u || *l ? 0 : -ENOENT;
}

/* ---- onodes ---- */

static void kid_add(struct onode *d, const char *name, struct inode *ino)
{
    if (d->nkids == d->capkids) {
        d->capkids = d->capkids ? d->capkids * 2 : 8;
        d->kids = xrealloc(d->kids, d->capkids * sizeof(d->kids[0]));
    }
    d->kids[d->nkids].name = xstrdup(name);
    d->kids[d->nkids].ino = ino;
    d->nkids++;
}

static struct ochild *kid_find(struct onode *d, const char *name)
{
    for (size_t i = 0; i < d->nkids; i++)
        if (!strcmp(d->kids[i].name, name))
            return &d->kids[i];
    return NULL;
}

static void kid_del(struct onode *d, struct ochild *k)
{
    size_t i = k - d->kids;

    free(k->name);
    memmove(k, k + 1, (d->nkids - i - 1) * sizeof(*k));
    d->nkids--;
}

/* A new reference to a live child, or NULL (none, or being released). */
static struct inode *kid_get(struct onode *d, const char *name)
{
    struct ochild *k = kid_find(d, name);
    int ref;

    if (!k)
        return NULL;
    ref = __atomic_load_n(&k->ino->ref, __ATOMIC_ACQUIRE);
    while (ref > 0)
        if (__atomic_compare_exchange_n(&k->ino->ref, &ref, ref + 1, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return k->ino;
    kid_del(d, k); /* dying: its release finds it gone */
    return NULL;
}

/* Forget that child `name` of dir exists under that name (unlink, rename
 * away): the onode keeps its layers for open files but has no parent. */
static void detach_kid(struct inode *dir, const char *name)
{
    struct onode *d = dir->priv;
    struct ochild *k = kid_find(d, name);
    struct onode *c;

    if (!k)
        return;
    c = k->ino->priv;
    kid_del(d, k);
    if (c->parent == dir) {
        c->parent = NULL;
        free(c->name);
        c->name = NULL;
        inode_put(dir);
    }
}

static struct inode *onode_new(struct super *sb, struct inode *parent, const char *name,
                               struct inode *upper, struct inode *lower, bool opaque)
{
    struct onode *n = xzalloc(sizeof(*n));
    struct inode *r = upper ? upper : lower, *ino;

    n->upper = upper;
    n->lower = lower;
    n->opaque = opaque;
    ino = inode_new(sb, &ovl_iops, S_ISDIR(r->mode) ? &ovl_dir_fops : &ovl_file_fops, r->mode,
                    lower ? lower->ino : upper->ino + UPPER_INO_BASE);
    ino->priv = n;
    if (parent && name) {
        n->parent = inode_get(parent);
        n->name = xstrdup(name);
        kid_add(parent->priv, name, ino);
    }
    return ino;
}

static int o_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct inode *u, *l;
    bool opaque;
    int r;

    pthread_mutex_lock(&ovl_lock);
    if ((*out = kid_get(dir->priv, name))) {
        pthread_mutex_unlock(&ovl_lock);
        return 0;
    }
    r = lookup_layers(dir->priv, name, &u, &l, &opaque);
    if (r == 0)
        *out = onode_new(dir->sb, dir, name, u, l, opaque);
    pthread_mutex_unlock(&ovl_lock);
    return r;
}

static void o_release(struct inode *ino)
{
    struct onode *n = ino->priv;
    struct inode *parent;

    if (!n)
        return;
    pthread_mutex_lock(&ovl_lock);
    parent = n->parent;
    if (parent) {
        struct onode *d = parent->priv;
        for (size_t i = 0; i < d->nkids; i++)
            if (d->kids[i].ino == ino) {
                kid_del(d, &d->kids[i]);
                break;
            }
    }
    /* Children hold their parent, so none is left; stale entries of
     * children that died without finding us are freed here. */
    for (size_t i = 0; i < n->nkids; i++)
        free(n->kids[i].name);
    pthread_mutex_unlock(&ovl_lock);
    free(n->kids);
    free(n->name);
    inode_put(n->upper);
    inode_put(n->lower);
    inode_put(parent);
    free(n);
}

/* ---- copy-up ---- */

static int copy_data(struct inode *lower, struct inode *upper, uint64_t size)
{
    struct file *lf = file_new(NULL, lower, O_RDONLY), *uf;
    char *buf;
    uint64_t off = 0;
    int r = 0;

    if (lower->iops->open && (r = lower->iops->open(lower, lf))) {
        lf->ops = NULL;
        file_put(lf);
        return r;
    }
    uf = file_new(NULL, upper, O_WRONLY);
    buf = xzalloc(COPY_CHUNK);
    while (off < size) {
        long n = lf->ops->read(lf, buf, COPY_CHUNK, off), w = 0;
        bool zero = true;

        if (n < 0) {
            r = (int)n;
            break;
        }
        if (n == 0)
            break;
        for (long i = 0; i < n && zero; i++)
            zero = !buf[i];
        while (!zero && w < n) { /* holes stay holes */
            long k = uf->ops->write(uf, buf + w, (size_t)(n - w), off + (uint64_t)w);
            if (k <= 0) {
                r = k < 0 ? (int)k : -EIO;
                break;
            }
            w += k;
        }
        if (r)
            break;
        off += (uint64_t)n;
    }
    free(buf);
    file_put(uf);
    file_put(lf);
    if (!r && upper->iops->setattr) {
        struct setattr sa = { .valid = SA_SIZE, .size = size };
        r = upper->iops->setattr(upper, &sa);
    }
    return r;
}

static void copy_xattrs(struct inode *lower, struct inode *upper)
{
    char *names, *val;
    int len;

    if (!lower->iops->listxattr || !lower->iops->getxattr || !upper->iops->setxattr)
        return;
    len = lower->iops->listxattr(lower, NULL, 0);
    if (len <= 0)
        return;
    names = xzalloc((size_t)len + 1);
    val = xzalloc(65536);
    len = lower->iops->listxattr(lower, names, (size_t)len);
    for (char *p = names; len > 0 && p < names + len; p += strlen(p) + 1) {
        int n;
        if (strncmp(p, "user.", 5) && strncmp(p, "security.", 9))
            continue;
        n = lower->iops->getxattr(lower, p, val, 65536);
        if (n >= 0)
            (void)upper->iops->setxattr(upper, p, val, (size_t)n, 0);
    }
    free(names);
    free(val);
}

/* Give ino an upper layer (ovl_lock held). data false: a regular file's
 * bytes are not copied (it is about to be truncated to 0). */
static int copy_up_data(struct inode *ino, bool data)
{
    struct onode *n = ino->priv, *pn;
    struct inode *dir, *u = NULL, *l = n->lower;
    struct setattr sa;
    struct stat st;
    int r;

    if (n->upper)
        return 0;
    if (!n->parent)
        return -ENOENT; /* unlinked while only in the lower layer */
    if ((r = copy_up_data(n->parent, true)))
        return r;
    pn = n->parent->priv;
    dir = pn->upper;
    if ((r = vfs_getattr(l, &st)))
        return r;
    switch (st.st_mode & S_IFMT) {
    case S_IFDIR:
        r = dir->iops->mkdir(dir, n->name, st.st_mode & 07777);
        break;
    case S_IFREG:
        r = dir->iops->create(dir, n->name, S_IFREG | (st.st_mode & 07777), &u);
        if (r == 0 && data)
            r = copy_data(l, u, (uint64_t)st.st_size);
        break;
    case S_IFLNK: {
        char target[VFS_PATH_MAX];
        int len = l->iops->readlink ? l->iops->readlink(l, target, sizeof(target) - 1) : -EINVAL;
        if (len < 0) {
            r = len;
            break;
        }
        target[len] = '\0';
        r = dir->iops->symlink(dir, n->name, target);
        break;
    }
    default:
        r = dir->iops->mknod ? dir->iops->mknod(dir, n->name, st.st_mode, st.st_rdev) : -EPERM;
        break;
    }
    if (r == 0 && !u)
        r = layer_lookup(dir, n->name, &u);
    if (r) {
        if (u) {
            (void)dir->iops->unlink(dir, n->name);
            inode_put(u);
        }
        return r;
    }
    copy_xattrs(l, u);
    sa = (struct setattr){ .valid = SA_UID | SA_GID | SA_ATIME | SA_MTIME,
                           .uid = st.st_uid,
                           .gid = st.st_gid,
                           .atime = st.st_atim,
                           .mtime = st.st_mtim };
    if (!S_ISLNK(st.st_mode)) {
        sa.valid |= SA_MODE;
        sa.mode = st.st_mode & 07777;
    }
    if (u->iops->setattr)
        (void)u->iops->setattr(u, &sa);
    n->upper = u;
    return 0;
}

static int copy_up(struct inode *ino)
{
    return copy_up_data(ino, true);
}

/* Copy up a whole tree and make its directories opaque (before a rename:
 * the moved directory then needs nothing from its old lower place). */
static int copy_up_tree(struct inode *ino)
{
    struct onode *n = ino->priv;
    struct olist l = { 0 };
    int r;

    if ((r = copy_up(ino)))
        return r;
    if (!S_ISDIR(ino->mode) || n->opaque || !n->lower)
        return 0;
    if ((r = merged_list(n->upper, n->lower, false, &l, NULL)))
        return r;
    for (size_t i = 0; i < l.n && !r; i++) {
        struct inode *c;
        if ((r = o_lookup(ino, l.v[i].name, &c)) == 0) {
            r = copy_up_tree(c);
            inode_put(c);
        }
    }
    olist_free(&l);
    if (!r && (r = set_opaque(n->upper)) == 0)
        n->opaque = true;
    return r;
}

/* ---- inode operations ---- */

static int o_getattr(struct inode *ino, struct stat *st)
{
    struct onode *n = ino->priv;
    int r = vfs_getattr(real(n), st);

    st->st_dev = ino->sb->dev;
    st->st_ino = ino->ino;
    return r;
}

static int o_setattr(struct inode *ino, const struct setattr *sa)
{
    struct onode *n = ino->priv;
    int r;

    pthread_mutex_lock(&ovl_lock);
    r = copy_up_data(ino, !((sa->valid & SA_SIZE) && sa->size == 0));
    pthread_mutex_unlock(&ovl_lock);
    if (r)
        return r;
    if (!n->upper->iops->setattr)
        return -EPERM;
    return n->upper->iops->setattr(n->upper, sa);
}

static int o_readlink(struct inode *ino, char *buf, size_t cap)
{
    struct inode *r = real(ino->priv);

    if (!r->iops->readlink)
        return -EINVAL;
    return r->iops->readlink(r, buf, cap);
}

/* Before making `name` in dir: it must not exist; the dir gets an upper
 * layer and a whiteout of that name is removed (*had_whiteout). */
static int prepare_new(struct inode *dir, const char *name, bool *had_whiteout)
{
    struct onode *d = dir->priv;
    struct inode *u, *l, *w;
    bool opaque;
    int r;

    *had_whiteout = false;
    r = lookup_layers(d, name, &u, &l, &opaque);
    if (r == 0) {
        inode_put(u);
        inode_put(l);
        return -EEXIST;
    }
    if (r != -ENOENT)
        return r;
    if ((r = copy_up(dir)))
        return r;
    if (layer_lookup(d->upper, name, &w) == 0) {
        bool wh = is_whiteout(w);
        inode_put(w);
        if (wh) {
            if ((r = d->upper->iops->unlink(d->upper, name)))
                return r;
            *had_whiteout = true;
        }
    }
    return 0;
}

static int o_create(struct inode *dir, const char *name, mode_t mode, struct inode **out)
{
    struct onode *d = dir->priv;
    struct inode *u;
    bool wh;
    int r;

    pthread_mutex_lock(&ovl_lock);
    if ((r = prepare_new(dir, name, &wh)) == 0 &&
        (r = d->upper->iops->create(d->upper, name, mode, &u)) == 0)
        *out = onode_new(dir->sb, dir, name, u, NULL, false);
    pthread_mutex_unlock(&ovl_lock);
    return r;
}

static int o_mkdir(struct inode *dir, const char *name, mode_t mode)
{
    struct onode *d = dir->priv;
    struct inode *u;
    bool wh;
    int r;

    pthread_mutex_lock(&ovl_lock);
    if ((r = prepare_new(dir, name, &wh)) == 0 &&
        (r = d->upper->iops->mkdir(d->upper, name, mode)) == 0 && wh &&
        layer_lookup(d->upper, name, &u) == 0) {
        /* In place of a deleted lower directory: nothing shows through. */
        r = set_opaque(u);
        inode_put(u);
    }
    pthread_mutex_unlock(&ovl_lock);
    return r;
}

static int o_symlink(struct inode *dir, const char *name, const char *target)
{
    struct onode *d = dir->priv;
    bool wh;
    int r;

    pthread_mutex_lock(&ovl_lock);
    if ((r = prepare_new(dir, name, &wh)) == 0)
        r = d->upper->iops->symlink(d->upper, name, target);
    pthread_mutex_unlock(&ovl_lock);
    return r;
}

static int o_mknod(struct inode *dir, const char *name, mode_t mode, dev_t rdev)
{
    struct onode *d = dir->priv;
    bool wh;
    int r;

    pthread_mutex_lock(&ovl_lock);
    if ((r = prepare_new(dir, name, &wh)) == 0)
        r = d->upper->iops->mknod ? d->upper->iops->mknod(d->upper, name, mode, rdev) : -EPERM;
    pthread_mutex_unlock(&ovl_lock);
    return r;
}

static int o_link(struct inode *dir, const char *name, struct inode *target)
{
    struct onode *d = dir->priv, *t = target->priv;
    bool wh;
    int r;

    if (target->sb != dir->sb)
        return -EXDEV;
    pthread_mutex_lock(&ovl_lock);
    if ((r = copy_up(target)) == 0 && (r = prepare_new(dir, name, &wh)) == 0)
        r = d->upper->iops->link(d->upper, name, t->upper);
    pthread_mutex_unlock(&ovl_lock);
    return r;
}

static int o_tmpfile(struct inode *dir, mode_t mode, struct inode **out)
{
    struct onode *d = dir->priv;
    struct inode *u;
    int r;

    pthread_mutex_lock(&ovl_lock);
    if ((r = copy_up(dir)) == 0) {
        if (!d->upper->iops->tmpfile)
            r = -EOPNOTSUPP;
        else if ((r = d->upper->iops->tmpfile(d->upper, mode, &u)) == 0)
            *out = onode_new(dir->sb, NULL, NULL, u, NULL, false);
    }
    pthread_mutex_unlock(&ovl_lock);
    return r;
}

static int make_whiteout(struct inode *udir, const char *name)
{
    if (!udir->iops->mknod)
        return -EPERM;
    return udir->iops->mknod(udir, name, S_IFCHR, 0);
}

/* Remove the whiteouts an upper directory holds (before rmdir of it). */
static int clear_whiteouts(struct inode *u, struct olist *wl)
{
    int r = 0;

    for (size_t i = 0; i < wl->n && !r; i++)
        r = u->iops->unlink(u, wl->v[i].name);
    return r;
}

static int remove_entry(struct inode *dir, const char *name, bool want_dir)
{
    struct onode *d = dir->priv;
    struct inode *u, *l, *v;
    struct olist ents = { 0 }, wl = { 0 };
    bool opaque;
    int r;

    pthread_mutex_lock(&ovl_lock);
    if ((r = lookup_layers(d, name, &u, &l, &opaque)))
        goto out;
    v = u ? u : l;
    if (want_dir && !S_ISDIR(v->mode)) {
        r = -ENOTDIR;
        goto out;
    }
    if (!want_dir && S_ISDIR(v->mode)) {
        r = -EISDIR;
        goto out;
    }
    if (want_dir) {
        if ((r = merged_list(u, l, opaque, &ents, &wl)))
            goto out;
        if (ents.n) {
            r = -ENOTEMPTY;
            goto out;
        }
    }
    if ((r = copy_up(dir)))
        goto out;
    if (u) {
        if (want_dir && (r = clear_whiteouts(u, &wl)))
            goto out;
        r = want_dir ? d->upper->iops->rmdir(d->upper, name)
                     : d->upper->iops->unlink(d->upper, name);
        if (r)
            goto out;
    }
    if (l)
        r = make_whiteout(d->upper, name);
    if (!r)
        detach_kid(dir, name);
out:
    pthread_mutex_unlock(&ovl_lock);
    olist_free(&ents);
    olist_free(&wl);
    inode_put(u);
    inode_put(l);
    return r;
}

static int o_unlink(struct inode *dir, const char *name)
{
    return remove_entry(dir, name, false);
}

static int o_rmdir(struct inode *dir, const char *name)
{
    return remove_entry(dir, name, true);
}

#define RENAME_NOREPLACE_ 1u
#define RENAME_EXCHANGE_ 2u

static int o_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
                    unsigned flags)
{
    struct onode *od = odir->priv, *nd = ndir->priv, *sn;
    struct inode *s = NULL, *t = NULL, *w;
    struct olist ents = { 0 }, wl = { 0 };
    bool src_lower, dst_lower = false;
    int r;

    if (odir->sb != ndir->sb)
        return -EXDEV;
    pthread_mutex_lock(&ovl_lock);
    if ((r = o_lookup(odir, oname, &s)))
        goto out;
    r = o_lookup(ndir, nname, &t);
    if (r && r != -ENOENT)
        goto out;
    r = 0;
    if (s == t)
        goto out; /* the same object: nothing to do */
    if (t && (flags & RENAME_NOREPLACE_)) {
        r = -EEXIST;
        goto out;
    }
    if (!t && (flags & RENAME_EXCHANGE_)) {
        r = -ENOENT;
        goto out;
    }
    if (t && !(flags & RENAME_EXCHANGE_)) {
        struct onode *tn = t->priv;
        if (S_ISDIR(s->mode) && !S_ISDIR(t->mode)) {
            r = -ENOTDIR;
            goto out;
        }
        if (!S_ISDIR(s->mode) && S_ISDIR(t->mode)) {
            r = -EISDIR;
            goto out;
        }
        if (S_ISDIR(t->mode)) {
            if ((r = merged_list(tn->upper, tn->lower, tn->opaque, &ents, &wl)))
                goto out;
            if (ents.n) {
                r = -ENOTEMPTY;
                goto out;
            }
        }
    }
    sn = s->priv;
    src_lower = sn->lower != NULL;
    if ((r = copy_up(odir)) || (r = copy_up(ndir)) || (r = copy_up_tree(s)))
        goto out;
    if (t) {
        struct onode *tn = t->priv;
        dst_lower = tn->lower != NULL;
        if ((r = (flags & RENAME_EXCHANGE_) ? copy_up_tree(t) : copy_up_data(t, false)))
            goto out;
        if (S_ISDIR(t->mode) && !(flags & RENAME_EXCHANGE_) && (r = clear_whiteouts(tn->upper, &wl)))
            goto out;
    } else if (layer_lookup(nd->upper, nname, &w) == 0) {
        bool wh = is_whiteout(w);
        inode_put(w);
        if (wh && (r = nd->upper->iops->unlink(nd->upper, nname)))
            goto out;
        dst_lower = wh;
    }
    r = od->upper->iops->rename(od->upper, oname, nd->upper, nname, flags & RENAME_EXCHANGE_);
    if (r)
        goto out;
    if (flags & RENAME_EXCHANGE_) {
        struct onode *tn = t->priv;
        detach_kid(odir, oname);
        detach_kid(ndir, nname);
        sn->parent = inode_get(ndir);
        sn->name = xstrdup(nname);
        kid_add(nd, nname, s);
        tn->parent = inode_get(odir);
        tn->name = xstrdup(oname);
        kid_add(od, oname, t);
        /* Each name now has an upper entry that hides the lower one. */
    } else {
        if (src_lower)
            r = make_whiteout(od->upper, oname);
        detach_kid(ndir, nname);
        detach_kid(odir, oname);
        sn->parent = inode_get(ndir);
        sn->name = xstrdup(nname);
        kid_add(nd, nname, s);
        if (S_ISDIR(s->mode) && dst_lower && !sn->opaque && set_opaque(sn->upper) == 0)
            sn->opaque = true;
    }
out:
    pthread_mutex_unlock(&ovl_lock);
    olist_free(&ents);
    olist_free(&wl);
    inode_put(s);
    inode_put(t);
    return r;
}

static bool ovl_private_xattr(const char *name)
{
    return !strncmp(name, OVL_XATTR_PREFIX, strlen(OVL_XATTR_PREFIX));
}

static int o_getxattr(struct inode *ino, const char *name, void *buf, size_t cap)
{
    struct inode *r = real(ino->priv);

    if (ovl_private_xattr(name))
        return -ENODATA;
    if (!r->iops->getxattr)
        return -EOPNOTSUPP;
    return r->iops->getxattr(r, name, buf, cap);
}

static int o_setxattr(struct inode *ino, const char *name, const void *val, size_t len,
                      int flags)
{
    struct onode *n = ino->priv;
    int r;

    if (ovl_private_xattr(name))
        return -EPERM;
    pthread_mutex_lock(&ovl_lock);
    r = copy_up(ino);
    pthread_mutex_unlock(&ovl_lock);
    if (r)
        return r;
    if (!n->upper->iops->setxattr)
        return -EOPNOTSUPP;
    return n->upper->iops->setxattr(n->upper, name, val, len, flags);
}

static int o_removexattr(struct inode *ino, const char *name)
{
    struct onode *n = ino->priv;
    int r;

    if (ovl_private_xattr(name))
        return -EPERM;
    pthread_mutex_lock(&ovl_lock);
    r = copy_up(ino);
    pthread_mutex_unlock(&ovl_lock);
    if (r)
        return r;
    if (!n->upper->iops->removexattr)
        return -EOPNOTSUPP;
    return n->upper->iops->removexattr(n->upper, name);
}

static int o_listxattr(struct inode *ino, char *buf, size_t cap)
{
    struct inode *r = real(ino->priv);
    char *all;
    int len, n = 0;

    if (!r->iops->listxattr)
        return 0;
    len = r->iops->listxattr(r, NULL, 0);
    if (len <= 0)
        return len;
    all = xzalloc((size_t)len + 1);
    len = r->iops->listxattr(r, all, (size_t)len);
    for (char *p = all; len > 0 && p < all + len; p += strlen(p) + 1) {
        size_t l = strlen(p) + 1;
        if (ovl_private_xattr(p))
            continue;
        if (cap && (size_t)n + l > cap) {
            n = -ERANGE;
            break;
        }
        if (cap)
            memcpy(buf + n, p, l);
        n += (int)l;
    }
    free(all);
    return len < 0 ? len : n;
}

static int o_statfs(struct inode *ino, struct statfs *s)
{
    struct inode *uroot = ino->sb->priv; /* the upper layer's root */
    int r;

    if (!uroot->iops->statfs)
        return -ENOSYS;
    r = uroot->iops->statfs(uroot, s);
    s->f_type = OVERLAYFS_MAGIC_;
    return r;
}

static int o_get_page(struct inode *ino, uint64_t pgoff, uint64_t *mf_off)
{
    struct onode *n = ino->priv;

    /* Only the upper layer has pages to share; a lower file is copied. */
    if (!n->upper || !n->upper->iops->get_page)
        return -ENODEV;
    return n->upper->iops->get_page(n->upper, pgoff, mf_off);
}

/* ---- open files ---- */

static int o_open(struct inode *ino, struct file *f)
{
    struct onode *n = ino->priv;
    int acc = f->flags & O_ACCMODE, r = 0;
    bool w = acc == O_WRONLY || acc == O_RDWR || (f->flags & O_TRUNC);
    struct inode *rl;
    struct file *inner;

    if (S_ISDIR(ino->mode)) {
        f->priv = xzalloc(sizeof(struct odir));
        return 0;
    }
    if (w && (S_ISREG(ino->mode) || S_ISLNK(ino->mode))) {
        pthread_mutex_lock(&ovl_lock);
        r = copy_up_data(ino, !(f->flags & O_TRUNC));
        pthread_mutex_unlock(&ovl_lock);
        if (r)
            return r;
    }
    rl = real(n);
    inner = file_new(&f->path, rl, f->flags);
    if (rl->iops->open && (r = rl->iops->open(rl, inner))) {
        inner->ops = NULL;
        file_put(inner);
        return r;
    }
    f->fmode |= inner->fmode & FILE_STREAM;
    f->priv = inner;
    return 0;
}

static struct file *inner_of(struct file *f)
{
    struct file *in = f->priv;

    in->flags = f->flags; /* F_SETFL changes (O_APPEND, O_NONBLOCK) */
    return in;
}

static long o_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct file *in = inner_of(f);

    if (!in->ops || !in->ops->read)
        return -EINVAL;
    return in->ops->read(in, buf, len, off);
}

static long o_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    struct file *in = inner_of(f);

    if (!in->ops || !in->ops->write)
        return -EINVAL;
    return in->ops->write(in, buf, len, off);
}

static long o_ioctl(struct file *f, unsigned cmd, void *karg)
{
    struct file *in = inner_of(f);

    if (!in->ops || !in->ops->ioctl)
        return -ENOTTY;
    return in->ops->ioctl(in, cmd, karg);
}

static unsigned o_poll(struct file *f, struct poll_req *pr)
{
    struct file *in = inner_of(f);

    return vfs_poll(in, pr);
}

static int o_fsync(struct file *f, bool datasync)
{
    struct file *in = inner_of(f);

    if (!in->ops || !in->ops->fsync)
        return 0;
    return in->ops->fsync(in, datasync);
}

static int o_fallocate(struct file *f, int mode, uint64_t off, uint64_t len)
{
    struct file *in = inner_of(f);

    if (!in->ops || !in->ops->fallocate)
        return -EOPNOTSUPP;
    return in->ops->fallocate(in, mode, off, len);
}

static int64_t o_seek_data(struct file *f, int whence, uint64_t off)
{
    struct file *in = inner_of(f);

    if (!in->ops || !in->ops->seek_data)
        return whence == SEEK_HOLE ? INT64_MAX : (int64_t)off;
    return in->ops->seek_data(in, whence, off);
}

static void o_file_release(struct file *f)
{
    file_put(f->priv);
}

static int o_getdents(struct file *f, struct dir_emit *de)
{
    struct odir *d = f->priv;
    struct onode *n = f->inode->priv;
    int r;

    if (!d->loaded || f->pos == 0) {
        olist_free(&d->l);
        pthread_mutex_lock(&ovl_lock);
        r = merged_list(n->upper, n->lower, n->opaque, &d->l, NULL);
        pthread_mutex_unlock(&ovl_lock);
        if (r)
            return r;
        d->loaded = true;
    }
    while (f->pos < 2) {
        uint64_t ino = f->inode->ino;
        if (f->pos == 1 && n->parent)
            ino = n->parent->ino;
        if (!de->emit(de, f->pos ? ".." : ".", f->pos + 1, ino, DT_DIR, f->pos + 1))
            return 0;
        f->pos++;
    }
    while (f->pos - 2 < d->l.n) {
        struct oent *e = &d->l.v[f->pos - 2];
        if (!de->emit(de, e->name, strlen(e->name), e->ino, e->type, f->pos + 1))
            return 0;
        f->pos++;
    }
    return 0;
}

static void o_dir_release(struct file *f)
{
    struct odir *d = f->priv;

    if (d) {
        olist_free(&d->l);
        free(d);
    }
}

static const struct inode_ops ovl_iops = {
    .lookup = o_lookup,
    .getattr = o_getattr,
    .setattr = o_setattr,
    .readlink = o_readlink,
    .open = o_open,
    .create = o_create,
    .mkdir = o_mkdir,
    .symlink = o_symlink,
    .link = o_link,
    .unlink = o_unlink,
    .rmdir = o_rmdir,
    .rename = o_rename,
    .release = o_release,
    .get_page = o_get_page,
    .mknod = o_mknod,
    .tmpfile = o_tmpfile,
    .getxattr = o_getxattr,
    .setxattr = o_setxattr,
    .listxattr = o_listxattr,
    .removexattr = o_removexattr,
    .statfs = o_statfs,
};

static const struct file_ops ovl_file_fops = {
    .read = o_read,
    .write = o_write,
    .ioctl = o_ioctl,
    .poll = o_poll,
    .fsync = o_fsync,
    .fallocate = o_fallocate,
    .seek_data = o_seek_data,
    .release = o_file_release,
};

static const struct file_ops ovl_dir_fops = {
    .getdents = o_getdents,
    .release = o_dir_release,
};

struct dentry *overlay_new(struct dentry *lower, struct dentry *upper)
{
    struct super *sb = xzalloc(sizeof(*sb));
    struct inode *root;
    struct stat st;

    sb->fstype = "overlay";
    sb->dev = vfs_new_dev();
    sb->priv = upper->inode;
    /* The root looks like the lower root: mode, owner, times. */
    if (vfs_getattr(lower->inode, &st) == 0 && upper->inode->iops->setattr) {
        struct setattr sa = { .valid = SA_MODE | SA_UID | SA_GID | SA_ATIME | SA_MTIME,
                              .mode = st.st_mode & 07777,
                              .uid = st.st_uid,
                              .gid = st.st_gid,
                              .atime = st.st_atim,
                              .mtime = st.st_mtim };
        (void)upper->inode->iops->setattr(upper->inode, &sa);
    }
    root = onode_new(sb, NULL, NULL, inode_get(upper->inode), inode_get(lower->inode), false);
    dentry_put(lower);
    dentry_put(upper);
    return dentry_new("/", NULL, root);
}
