/* sentry/fs/tmpfs.c: an in-memory file system (also the base of devfs).
 *
 * Regular file data lives in MemoryFile pages (a sparse page map per file),
 * so MAP_SHARED mappings of a file and read/write see the same bytes. Directory entries carry ids that never
 * change, so getdents offsets stay stable across unlinks.
 * Lock order: vfs_lock -> tmpfs_lock.
 */
#include "sentry/fs/fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "sentry/fs/pipe.h"
#include "sentry/mm/memfile.h"
#include "sentry/mm/rmap.h"

/* linux/fs.h and sys/xattr.h values, without pulling those headers in. */
#define RENAME_NOREPLACE_ 1u
#define RENAME_EXCHANGE_ 2u
#define XATTR_CREATE_ 1
#define XATTR_REPLACE_ 2

static pthread_mutex_t tmpfs_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

struct tdirent {
    char *name;
    struct inode *ino;
    uint64_t id;
};

struct txattr {
    char *name;
    void *val;
    size_t len;
};

struct tsuper;

struct tnode {
    struct tsuper *ts;
    mode_t mode;
    uid_t uid;
    gid_t gid;
    nlink_t nlink;
    dev_t rdev;
    struct timespec atime, mtime, ctime;
    struct inode *parent; /* directories: for ".." ino; not a reference */
    /* regular */
    uint64_t size;
    struct rmap pages; /* file offset ranges -> MemoryFile offsets */
    unsigned seals;    /* memfd F_SEAL_*; -1 bit pattern unused */
    bool memfd;
    /* directory */
    struct tdirent *ents;
    size_t nents, capents;
    uint64_t next_id;
    /* symlink */
    char *target;
    struct txattr *xattrs;
    size_t nxattrs;
};

struct tsuper {
    struct super sb;
    uint64_t next_ino;
    uint64_t max_pages;  /* size=N; 0: no limit but the MemoryFile's */
    uint64_t used_pages; /* data pages allocated (tmpfs_lock) */
};

/* The MemoryFile file data lives in (the Sentry's; tests get their own). */
struct memfile *tmpfs_memfile;

static struct memfile *mf(void)
{
    static struct memfile own;
    if (!tmpfs_memfile) {
        SB_BUG_ON(memfile_init(&own, 1ULL << 32));
        tmpfs_memfile = &own;
    }
    return tmpfs_memfile;
}

/* rmap_remove/rmap_clear callback; arg is the file's tsuper. */
static void page_freed(void *arg, const struct mm_range *r)
{
    struct tsuper *ts = arg;

    memfile_free(mf(), r->off, r->end - r->start);
    ts->used_pages -= (r->end - r->start) / 4096;
}

/* MemoryFile offset of the file page at pgoff; a hole allocates when
 * alloc, else -ENOENT (reads as zeros). tmpfs_lock held. */
static int page_at(struct tnode *n, uint64_t pgoff, bool alloc, uint64_t *off)
{
    struct mm_range *r = rmap_find(&n->pages, pgoff), p = { 0 };
    int e;

    if (r) {
        *off = r->off + (pgoff - r->start);
        return 0;
    }
    if (!alloc)
        return -ENOENT;
    if (n->ts->max_pages && n->ts->used_pages >= n->ts->max_pages)
        return -ENOSPC;
    if ((e = memfile_alloc(mf(), 4096, off)))
        return e == -ENOMEM ? -ENOSPC : e;
    n->ts->used_pages++;
    p.start = pgoff;
    p.end = pgoff + 4096;
    p.off = *off;
    SB_BUG_ON(rmap_insert(&n->pages, &p));
    return 0;
}

static const struct inode_ops tmpfs_iops;
static const struct file_ops tmpfs_reg_fops, tmpfs_dir_fops;

static void now(struct timespec *ts)
{
    clock_gettime(CLOCK_REALTIME, ts);
}

static struct inode *tnode_new(struct super *sb, mode_t mode, dev_t rdev,
                               const struct file_ops *fops)
{
    struct tsuper *ts = (struct tsuper *)sb;
    struct tnode *n = xzalloc(sizeof(*n));
    struct inode *ino;

    n->ts = ts;
    n->mode = mode;
    n->pages.merge = 1;
    n->uid = vfs_cur_cred.fsuid;
    n->gid = vfs_cur_cred.fsgid;
    n->nlink = S_ISDIR(mode) ? 2 : 1;
    n->rdev = rdev;
    now(&n->atime);
    n->mtime = n->ctime = n->atime;
    if (!fops)
        fops = S_ISDIR(mode) ? &tmpfs_dir_fops : S_ISREG(mode) ? &tmpfs_reg_fops : NULL;
    ino = inode_new(sb, &tmpfs_iops, fops, mode, ++ts->next_ino);
    ino->priv = n;
    return ino;
}

static struct tdirent *find(struct tnode *d, const char *name)
{
    for (size_t i = 0; i < d->nents; i++)
        if (!strcmp(d->ents[i].name, name))
            return &d->ents[i];
    return NULL;
}

static void add_entry(struct inode *dir, const char *name, struct inode *ino)
{
    struct tnode *d = dir->priv;

    if (d->nents == d->capents) {
        d->capents = d->capents ? d->capents * 2 : 8;
        d->ents = xrealloc(d->ents, d->capents * sizeof(d->ents[0]));
    }
    d->ents[d->nents++] = (struct tdirent){ xstrdup(name), ino, d->next_id++ };
    now(&d->mtime);
    d->ctime = d->mtime;
}

static void del_entry(struct tnode *d, struct tdirent *e)
{
    size_t i = e - d->ents;
    free(e->name);
    memmove(&d->ents[i], &d->ents[i + 1], (d->nents - i - 1) * sizeof(*e));
    d->nents--;
    now(&d->mtime);
    d->ctime = d->mtime;
}

static int t_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct tdirent *e;
    int r = -ENOENT;

    pthread_mutex_lock(&tmpfs_lock);
    if ((e = find(dir->priv, name))) {
        *out = inode_get(e->ino);
        r = 0;
    }
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

static int t_getattr(struct inode *ino, struct stat *st)
{
    struct tnode *n = ino->priv;

    pthread_mutex_lock(&tmpfs_lock);
    st->st_dev = ino->sb->dev;
    st->st_ino = ino->ino;
    st->st_mode = n->mode;
    st->st_nlink = n->nlink;
    st->st_uid = n->uid;
    st->st_gid = n->gid;
    st->st_rdev = n->rdev;
    st->st_size = S_ISREG(n->mode) ? n->size
                  : S_ISLNK(n->mode) ? strlen(n->target)
                  : S_ISDIR(n->mode) ? 40 + 20 * n->nents : 0;
    st->st_blksize = 4096;
    st->st_blocks = 0; /* pages that hold data: holes take none */
    for (size_t i = 0; S_ISREG(n->mode) && i < n->pages.n; i++)
        st->st_blocks += (blkcnt_t)((n->pages.v[i].end - n->pages.v[i].start) / 512);
    st->st_atim = n->atime;
    st->st_mtim = n->mtime;
    st->st_ctim = n->ctime;
    pthread_mutex_unlock(&tmpfs_lock);
    return 0;
}

static int resize(struct tnode *n, uint64_t size)
{
    if (size > (1ULL << 34))
        return -EFBIG;
    if (size < n->size) {
        uint64_t keep = (size + 4095) & ~4095ULL, off;
        rmap_remove(&n->pages, keep, UINT64_MAX, page_freed, n->ts);
        /* the tail of the last page reads as zeros if it grows again */
        if ((size & 4095) && page_at(n, size & ~4095ULL, false, &off) == 0)
            memset((uint8_t *)memfile_ptr(mf(), off) + (size & 4095), 0, 4096 - (size & 4095));
    }
    n->size = size;
    return 0;
}

static int t_setattr(struct inode *ino, const struct setattr *sa)
{
    struct tnode *n = ino->priv;
    int r = 0;

    pthread_mutex_lock(&tmpfs_lock);
    if (sa->valid & SA_SIZE) {
        if (S_ISDIR(n->mode)) {
            r = -EISDIR;
            goto out;
        }
        if (!S_ISREG(n->mode)) {
            r = -EINVAL;
            goto out;
        }
        if ((sa->size < n->size && (n->seals & F_SEAL_SHRINK)) ||
            (sa->size > n->size && (n->seals & F_SEAL_GROW))) {
            r = -EPERM;
            goto out;
        }
        if ((r = resize(n, sa->size)))
            goto out;
        now(&n->mtime);
    }
    if (sa->valid & SA_MODE)
        n->mode = (n->mode & S_IFMT) | (sa->mode & 07777);
    if (sa->valid & SA_UID)
        n->uid = sa->uid;
    if (sa->valid & SA_GID)
        n->gid = sa->gid;
    if (sa->valid & SA_ATIME)
        n->atime = sa->atime;
    if (sa->valid & SA_MTIME)
        n->mtime = sa->mtime;
    now(&n->ctime);
out:
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

static int t_readlink(struct inode *ino, char *buf, size_t cap)
{
    struct tnode *n = ino->priv;
    size_t len;

    if (!S_ISLNK(n->mode))
        return -EINVAL;
    len = SB_MIN(strlen(n->target), cap);
    memcpy(buf, n->target, len);
    return (int)len;
}

/* A set-group-ID directory gives new entries its group, and new
 * directories its set-group-ID bit. */
static void inherit_sgid(struct tnode *d, struct tnode *n)
{
    if (!(d->mode & S_ISGID))
        return;
    n->gid = d->gid;
    if (S_ISDIR(n->mode))
        n->mode |= S_ISGID;
}

static int t_create_node(struct inode *dir, const char *name, mode_t mode,
                         const char *target, struct inode **out)
{
    struct tnode *d = dir->priv;
    struct inode *ino;

    pthread_mutex_lock(&tmpfs_lock);
    if (find(d, name)) {
        pthread_mutex_unlock(&tmpfs_lock);
        return -EEXIST;
    }
    ino = tnode_new(dir->sb, mode, 0, NULL);
    inherit_sgid(d, ino->priv);
    if (target)
        ((struct tnode *)ino->priv)->target = xstrdup(target);
    if (S_ISDIR(mode)) {
        ((struct tnode *)ino->priv)->parent = dir;
        d->nlink++;
    }
    add_entry(dir, name, ino);
    if (out)
        *out = inode_get(ino);
    pthread_mutex_unlock(&tmpfs_lock);
    return 0;
}

static int t_create(struct inode *dir, const char *name, mode_t mode, struct inode **out)
{
    return t_create_node(dir, name, S_IFREG | (mode & 07777), NULL, out);
}

static int t_mkdir(struct inode *dir, const char *name, mode_t mode)
{
    return t_create_node(dir, name, S_IFDIR | (mode & 07777), NULL, NULL);
}

static int t_symlink(struct inode *dir, const char *name, const char *target)
{
    return t_create_node(dir, name, S_IFLNK | 0777, target, NULL);
}

static int t_mknod(struct inode *dir, const char *name, mode_t mode, dev_t rdev)
{
    struct inode *ino;
    int r;

    if (S_ISDIR(mode) || S_ISLNK(mode))
        return -EINVAL;
    r = t_create_node(dir, name, mode, NULL, &ino);
    if (r)
        return r;
    ((struct tnode *)ino->priv)->rdev = S_ISCHR(mode) || S_ISBLK(mode) ? rdev : 0;
    inode_put(ino);
    return 0;
}

static int t_tmpfile(struct inode *dir, mode_t mode, struct inode **out)
{
    struct inode *ino = tnode_new(dir->sb, S_IFREG | (mode & 07777), 0, NULL);

    inherit_sgid(dir->priv, ino->priv);
    ((struct tnode *)ino->priv)->nlink = 0;
    *out = ino;
    return 0;
}

/* ---- extended attributes (any namespace; the syscall layer checks who
 * may use trusted.* and security.*) ---- */

static struct txattr *xattr_find(struct tnode *n, const char *name)
{
    for (size_t i = 0; i < n->nxattrs; i++)
        if (!strcmp(n->xattrs[i].name, name))
            return &n->xattrs[i];
    return NULL;
}

static int t_getxattr(struct inode *ino, const char *name, void *buf, size_t cap)
{
    struct txattr *x;
    int r;

    pthread_mutex_lock(&tmpfs_lock);
    x = xattr_find(ino->priv, name);
    if (!x)
        r = -ENODATA;
    else if (cap && cap < x->len)
        r = -ERANGE;
    else {
        if (cap)
            memcpy(buf, x->val, x->len);
        r = (int)x->len;
    }
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

static int t_setxattr(struct inode *ino, const char *name, const void *val, size_t len,
                      int flags)
{
    struct tnode *n = ino->priv;
    struct txattr *x;
    int r = 0;

    pthread_mutex_lock(&tmpfs_lock);
    x = xattr_find(n, name);
    if (x && (flags & XATTR_CREATE_)) {
        r = -EEXIST;
    } else if (!x && (flags & XATTR_REPLACE_)) {
        r = -ENODATA;
    } else {
        if (!x) {
            n->xattrs = xrealloc(n->xattrs, (n->nxattrs + 1) * sizeof(*x));
            x = &n->xattrs[n->nxattrs++];
            x->name = xstrdup(name);
            x->val = NULL;
        }
        free(x->val);
        x->val = xzalloc(len ? len : 1);
        memcpy(x->val, val, len);
        x->len = len;
        now(&n->ctime);
    }
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

static int t_listxattr(struct inode *ino, char *buf, size_t cap)
{
    struct tnode *n = ino->priv;
    size_t need = 0;
    int r;

    pthread_mutex_lock(&tmpfs_lock);
    for (size_t i = 0; i < n->nxattrs; i++)
        need += strlen(n->xattrs[i].name) + 1;
    if (cap && cap < need) {
        r = -ERANGE;
    } else {
        if (cap) {
            char *p = buf;
            for (size_t i = 0; i < n->nxattrs; i++) {
                size_t l = strlen(n->xattrs[i].name) + 1;
                memcpy(p, n->xattrs[i].name, l);
                p += l;
            }
        }
        r = (int)need;
    }
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

static int t_removexattr(struct inode *ino, const char *name)
{
    struct tnode *n = ino->priv;
    struct txattr *x;
    int r = 0;

    pthread_mutex_lock(&tmpfs_lock);
    x = xattr_find(n, name);
    if (!x) {
        r = -ENODATA;
    } else {
        size_t i = x - n->xattrs;
        free(x->name);
        free(x->val);
        memmove(x, x + 1, (n->nxattrs - i - 1) * sizeof(*x));
        n->nxattrs--;
        now(&n->ctime);
    }
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

#define TMPFS_MAGIC_ 0x01021994
static int t_statfs(struct inode *ino, struct statfs *s)
{
    struct tsuper *ts = (struct tsuper *)ino->sb;
    uint64_t total;

    memset(s, 0, sizeof(*s));
    pthread_mutex_lock(&tmpfs_lock);
    total = ts->max_pages ? ts->max_pages : mf()->size / 4096;
    s->f_type = TMPFS_MAGIC_;
    s->f_bsize = s->f_frsize = 4096;
    s->f_blocks = total;
    s->f_bfree = s->f_bavail = total > ts->used_pages ? total - ts->used_pages : 0;
    s->f_files = 1 << 20;
    s->f_ffree = (1 << 20) - SB_MIN(ts->next_ino, (uint64_t)(1 << 20) - 1);
    s->f_namelen = VFS_NAME_MAX;
    pthread_mutex_unlock(&tmpfs_lock);
    return 0;
}

static int t_link(struct inode *dir, const char *name, struct inode *target)
{
    struct tnode *d = dir->priv;
    int r = 0;

    if (target->sb != dir->sb)
        return -EXDEV;
    if (S_ISDIR(target->mode))
        return -EPERM;
    pthread_mutex_lock(&tmpfs_lock);
    if (find(d, name)) {
        r = -EEXIST;
    } else {
        add_entry(dir, name, inode_get(target));
        ((struct tnode *)target->priv)->nlink++;
        now(&((struct tnode *)target->priv)->ctime);
    }
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

static int remove_entry(struct inode *dir, const char *name, int want_dir)
{
    struct tnode *d = dir->priv;
    struct tdirent *e;
    struct inode *ino;
    struct tnode *n;

    pthread_mutex_lock(&tmpfs_lock);
    e = find(d, name);
    if (!e) {
        pthread_mutex_unlock(&tmpfs_lock);
        return -ENOENT;
    }
    ino = e->ino;
    n = ino->priv;
    if (want_dir && !S_ISDIR(n->mode)) {
        pthread_mutex_unlock(&tmpfs_lock);
        return -ENOTDIR;
    }
    if (!want_dir && S_ISDIR(n->mode)) {
        pthread_mutex_unlock(&tmpfs_lock);
        return -EISDIR;
    }
    if (want_dir && n->nents) {
        pthread_mutex_unlock(&tmpfs_lock);
        return -ENOTEMPTY;
    }
    del_entry(d, e);
    if (S_ISDIR(n->mode)) {
        d->nlink--;
        n->nlink = 0;
    } else {
        n->nlink--;
    }
    now(&n->ctime);
    pthread_mutex_unlock(&tmpfs_lock);
    inode_put(ino);
    return 0;
}

static int t_unlink(struct inode *dir, const char *name)
{
    return remove_entry(dir, name, 0);
}

static int t_rmdir(struct inode *dir, const char *name)
{
    return remove_entry(dir, name, 1);
}

static bool is_below(struct inode *ino, struct inode *dir)
{
    for (struct inode *p = dir; p; p = ((struct tnode *)p->priv)->parent)
        if (p == ino)
            return true;
    return false;
}

/* RENAME_EXCHANGE: swap two existing entries (tmpfs_lock held). */
static int exchange(struct inode *odir, struct tdirent *oe, struct inode *ndir,
                    struct tdirent *ne)
{
    struct tnode *od = odir->priv, *nd = ndir->priv;
    struct inode *a, *b;

    if (!ne)
        return -ENOENT;
    a = oe->ino;
    b = ne->ino;
    if (a == b)
        return 0;
    if ((S_ISDIR(a->mode) && is_below(a, ndir)) || (S_ISDIR(b->mode) && is_below(b, odir)))
        return -EINVAL;
    oe->ino = b;
    ne->ino = a;
    if (odir != ndir) {
        if (S_ISDIR(a->mode)) {
            od->nlink--;
            nd->nlink++;
            ((struct tnode *)a->priv)->parent = ndir;
        }
        if (S_ISDIR(b->mode)) {
            nd->nlink--;
            od->nlink++;
            ((struct tnode *)b->priv)->parent = odir;
        }
    }
    now(&od->mtime);
    od->ctime = od->mtime;
    nd->mtime = nd->ctime = od->mtime;
    ((struct tnode *)a->priv)->ctime = od->mtime;
    ((struct tnode *)b->priv)->ctime = od->mtime;
    return 0;
}

static int t_rename(struct inode *odir, const char *oname, struct inode *ndir,
                    const char *nname, unsigned flags)
{
    struct tnode *od = odir->priv, *nd = ndir->priv;
    struct tdirent *oe, *ne;
    struct inode *ino, *victim = NULL;
    int r = 0;

    if (odir->sb != ndir->sb)
        return -EXDEV;
    if (flags & ~(RENAME_NOREPLACE_ | RENAME_EXCHANGE_))
        return -EINVAL;
    pthread_mutex_lock(&tmpfs_lock);
    oe = find(od, oname);
    if (!oe) {
        r = -ENOENT;
        goto out;
    }
    ino = oe->ino;
    ne = find(nd, nname);
    if (flags & RENAME_EXCHANGE_) {
        r = exchange(odir, oe, ndir, ne);
        goto out;
    }
    if (ne && (flags & RENAME_NOREPLACE_)) {
        r = -EEXIST;
        goto out;
    }
    if (ne && ne->ino == ino)
        goto out;
    /* Moving a directory below itself. */
    if (S_ISDIR(ino->mode) && is_below(ino, ndir)) {
        r = -EINVAL;
        goto out;
    }
    if (ne) {
        struct tnode *vn = ne->ino->priv;
        if (S_ISDIR(ino->mode) && !S_ISDIR(vn->mode)) {
            r = -ENOTDIR;
            goto out;
        }
        if (!S_ISDIR(ino->mode) && S_ISDIR(vn->mode)) {
            r = -EISDIR;
            goto out;
        }
        if (S_ISDIR(vn->mode) && vn->nents) {
            r = -ENOTEMPTY;
            goto out;
        }
        victim = ne->ino;
        if (S_ISDIR(vn->mode)) {
            nd->nlink--;
            vn->nlink = 0;
        } else {
            vn->nlink--;
        }
        del_entry(nd, ne);
        oe = find(od, oname);
    }
    inode_get(ino);
    del_entry(od, oe);
    add_entry(ndir, nname, ino);
    inode_put(ino); /* the entry moved; drop the extra get */
    if (S_ISDIR(ino->mode) && odir != ndir) {
        od->nlink--;
        nd->nlink++;
        ((struct tnode *)ino->priv)->parent = ndir;
    }
    now(&((struct tnode *)ino->priv)->ctime);
out:
    pthread_mutex_unlock(&tmpfs_lock);
    if (victim)
        inode_put(victim);
    return r;
}

static void t_release(struct inode *ino)
{
    struct tnode *n = ino->priv;

    if (!n)
        return;
    for (size_t i = 0; i < n->nents; i++) {
        free(n->ents[i].name);
        inode_put(n->ents[i].ino);
    }
    free(n->ents);
    rmap_clear(&n->pages, page_freed, n->ts);
    for (size_t i = 0; i < n->nxattrs; i++) {
        free(n->xattrs[i].name);
        free(n->xattrs[i].val);
    }
    free(n->xattrs);
    free(n->target);
    free(n);
}

/* A reference to the MemoryFile page backing file offset pgoff (shared
 * mappings map it directly). */
static int t_get_page(struct inode *ino, uint64_t pgoff, uint64_t *off)
{
    struct tnode *n = ino->priv;
    int r;

    if (!S_ISREG(n->mode))
        return -ENODEV;
    pthread_mutex_lock(&tmpfs_lock);
    r = page_at(n, pgoff, true, off);
    if (!r)
        memfile_ref(mf(), *off, 4096);
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

static int t_open(struct inode *ino, struct file *f)
{
    if (S_ISFIFO(ino->mode))
        return pipe_fifo_open(ino, f);
    if (S_ISSOCK(ino->mode) || ((S_ISCHR(ino->mode) || S_ISBLK(ino->mode)) && !ino->fops))
        return -ENXIO; /* no driver behind the node */
    return 0;
}

static long t_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct tnode *n = f->inode->priv;
    long r = 0;

    pthread_mutex_lock(&tmpfs_lock);
    if (off < n->size) {
        uint64_t done = 0;
        r = (long)SB_MIN(len, n->size - off);
        while (done < (uint64_t)r) {
            uint64_t pos = off + done, pg = pos & ~4095ULL, moff;
            size_t k = SB_MIN((uint64_t)r - done, 4096 - (pos & 4095));
            if (page_at(n, pg, false, &moff) == 0)
                memcpy((uint8_t *)buf + done, (uint8_t *)memfile_ptr(mf(), moff) + (pos & 4095), k);
            else
                memset((uint8_t *)buf + done, 0, k);
            done += k;
        }
    }
    now(&n->atime);
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

static long t_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    struct tnode *n = f->inode->priv;
    long r;

    pthread_mutex_lock(&tmpfs_lock);
    if (f->flags & O_APPEND)
        off = n->size;
    if (off + len < off || off + len > (1ULL << 34)) {
        r = -EFBIG;
        goto out;
    }
    if (n->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) {
        r = -EPERM;
        goto out;
    }
    if ((n->seals & F_SEAL_GROW) && off + len > n->size) {
        if (off >= n->size) {
            r = -EPERM;
            goto out;
        }
        len = n->size - off;
    }
    uint64_t done = 0;
    while (done < len) {
        uint64_t pos = off + done, moff;
        size_t k = SB_MIN(len - done, 4096 - (pos & 4095));
        if ((r = page_at(n, pos & ~4095ULL, true, &moff))) {
            if (done)
                break;
            goto out;
        }
        memcpy((uint8_t *)memfile_ptr(mf(), moff) + (pos & 4095), (const uint8_t *)buf + done, k);
        done += k;
        if (pos + k > n->size)
            n->size = pos + k;
    }
    now(&n->mtime);
    n->ctime = n->mtime;
    r = (long)done;
out:
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

#define FALLOC_KEEP_SIZE_ 1
#define FALLOC_PUNCH_HOLE_ 2
#define FALLOC_ZERO_RANGE_ 0x10

/* Zero [from, to) of the file's bytes that have pages (tmpfs_lock held). */
static void zero_bytes(struct tnode *n, uint64_t from, uint64_t to)
{
    while (from < to) {
        uint64_t pg = from & ~4095ULL, moff;
        size_t k = SB_MIN(to - from, 4096 - (from & 4095));
        if (page_at(n, pg, false, &moff) == 0)
            memset((uint8_t *)memfile_ptr(mf(), moff) + (from & 4095), 0, k);
        from += k;
    }
}

static int t_fallocate(struct file *f, int mode, uint64_t off, uint64_t len)
{
    struct tnode *n = f->inode->priv;
    uint64_t end = off + len, moff;
    int r = 0;

    if (!S_ISREG(n->mode))
        return -ENODEV;
    if (end < off || end > (1ULL << 34))
        return -EFBIG;
    pthread_mutex_lock(&tmpfs_lock);
    if (mode & (FALLOC_PUNCH_HOLE_ | FALLOC_ZERO_RANGE_)) {
        uint64_t lo = (off + 4095) & ~4095ULL, hi = end & ~4095ULL;
        if (n->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) {
            r = -EPERM;
            goto out;
        }
        if (lo < hi)
            rmap_remove(&n->pages, lo, hi, page_freed, n->ts);
        zero_bytes(n, off, SB_MIN(lo, end));
        if (hi >= lo)
            zero_bytes(n, SB_MAX(hi, off), end);
        if ((mode & FALLOC_ZERO_RANGE_) && !(mode & FALLOC_KEEP_SIZE_) && end > n->size)
            n->size = end;
    } else {
        if ((n->seals & F_SEAL_GROW) && end > n->size && !(mode & FALLOC_KEEP_SIZE_)) {
            r = -EPERM;
            goto out;
        }
        for (uint64_t pg = off & ~4095ULL; pg < end; pg += 4096)
            if ((r = page_at(n, pg, true, &moff)))
                goto out;
        if (!(mode & FALLOC_KEEP_SIZE_) && end > n->size)
            n->size = end;
    }
    now(&n->mtime);
    n->ctime = n->mtime;
out:
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

static int64_t t_seek_data(struct file *f, int whence, uint64_t off)
{
    struct tnode *n = f->inode->priv;
    int64_t r;

    pthread_mutex_lock(&tmpfs_lock);
    size_t i = rmap_lower_bound(&n->pages, off);
    /* rmap_lower_bound: the first range whose end is past off */
    if (whence == SEEK_DATA) {
        if (i < n->pages.n)
            r = (int64_t)SB_MAX(n->pages.v[i].start, off);
        else
            r = -ENXIO;
        if (r >= 0 && (uint64_t)r >= n->size)
            r = -ENXIO;
    } else {
        uint64_t h = off;
        while (i < n->pages.n && n->pages.v[i].start <= h) {
            h = SB_MAX(h, n->pages.v[i].end);
            i++;
        }
        r = (int64_t)SB_MIN(h, n->size);
    }
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}

static int t_getdents(struct file *f, struct dir_emit *de)
{
    struct tnode *d = f->inode->priv;

    pthread_mutex_lock(&tmpfs_lock);
    /* pos: 0 ".", 1 "..", then entry with id k lives at k + 2. */
    while (f->pos < 2) {
        struct inode *pi = d->parent ? d->parent : f->inode;
        if (!de->emit(de, f->pos ? ".." : ".", f->pos + 1, f->pos ? pi->ino : f->inode->ino,
                      DT_DIR, f->pos + 1))
            goto out;
        f->pos++;
    }
    for (size_t i = 0; i < d->nents; i++) {
        struct tdirent *e = &d->ents[i];
        if (e->id + 2 < f->pos)
            continue;
        if (!de->emit(de, e->name, strlen(e->name), e->ino->ino, vfs_dtype(e->ino->mode),
                      e->id + 3))
            goto out;
        f->pos = e->id + 3;
    }
out:
    pthread_mutex_unlock(&tmpfs_lock);
    return 0;
}

static const struct inode_ops tmpfs_iops = {
    .lookup = t_lookup,
    .getattr = t_getattr,
    .setattr = t_setattr,
    .readlink = t_readlink,
    .open = t_open,
    .create = t_create,
    .mkdir = t_mkdir,
    .symlink = t_symlink,
    .link = t_link,
    .unlink = t_unlink,
    .rmdir = t_rmdir,
    .rename = t_rename,
    .release = t_release,
    .get_page = t_get_page,
    .mknod = t_mknod,
    .tmpfile = t_tmpfile,
    .getxattr = t_getxattr,
    .setxattr = t_setxattr,
    .listxattr = t_listxattr,
    .removexattr = t_removexattr,
    .statfs = t_statfs,
};

static const struct file_ops tmpfs_reg_fops = {
    .read = t_read,
    .write = t_write,
    .fallocate = t_fallocate,
    .seek_data = t_seek_data,
};

static const struct file_ops tmpfs_dir_fops = {
    .getdents = t_getdents,
};

struct dentry *tmpfs_new(const char *fstype, mode_t root_mode)
{
    struct tsuper *ts = xzalloc(sizeof(*ts));
    struct inode *root;

    ts->sb.fstype = fstype;
    ts->sb.dev = vfs_new_dev();
    root = tnode_new(&ts->sb, S_IFDIR | (root_mode & 07777), 0, NULL);
    return dentry_new("/", NULL, root);
}

void tmpfs_set_limit(struct dentry *root, uint64_t bytes)
{
    ((struct tsuper *)root->inode->sb)->max_pages = (bytes + 4095) / 4096;
}

struct inode *tmpfs_add(struct inode *dir, const char *name, mode_t mode, dev_t rdev,
                        const struct file_ops *fops, const char *symlink_target)
{
    struct inode *ino = tnode_new(dir->sb, mode, rdev, fops);

    if (symlink_target)
        ((struct tnode *)ino->priv)->target = xstrdup(symlink_target);
    if (S_ISDIR(mode)) {
        ((struct tnode *)ino->priv)->parent = dir;
        ((struct tnode *)dir->priv)->nlink++;
    }
    pthread_mutex_lock(&tmpfs_lock);
    add_entry(dir, name, ino);
    pthread_mutex_unlock(&tmpfs_lock);
    return ino;
}

/* ---- memfd ---- */

static struct dentry *memfd_root;
static struct mount *memfd_mnt;

int tmpfs_memfd(const char *name, bool sealing, struct file **out)
{
    struct inode *ino;
    struct tnode *n;
    struct dentry *d;
    struct vpath p;
    char nm[VFS_NAME_MAX + 1];

    pthread_mutex_lock(&tmpfs_lock);
    if (!memfd_root) {
        memfd_root = tmpfs_new("tmpfs", 01777);
        memfd_mnt = xzalloc(sizeof(*memfd_mnt)); /* internal: not in /proc/mounts */
        memfd_mnt->root = memfd_root;
        memfd_mnt->fstype = "tmpfs";
        memfd_mnt->source = xstrdup("tmpfs");
    }
    pthread_mutex_unlock(&tmpfs_lock);
    ino = tnode_new(memfd_root->inode->sb, S_IFREG | 0777, 0, NULL);
    n = ino->priv;
    n->memfd = true;
    n->seals = sealing ? 0 : F_SEAL_SEAL;
    snprintf(nm, sizeof(nm), "memfd:%s", name);
    d = dentry_new_uncached(nm, memfd_root, ino);
    d->dead = true; /* shows as "/memfd:NAME (deleted)" */
    n->nlink = 0;
    p.mnt = memfd_mnt;
    p.d = d;
    *out = file_new(&p, ino, O_RDWR | O_LARGEFILE);
    dentry_put(d);
    return 0;
}

int tmpfs_seals(struct inode *ino, unsigned add, bool set)
{
    struct tnode *n = ino->priv;
    int r;

    if (ino->iops != &tmpfs_iops || !n->memfd)
        return -EINVAL;
    pthread_mutex_lock(&tmpfs_lock);
    if (!set) {
        r = (int)n->seals;
    } else if (add & ~(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
                       F_SEAL_FUTURE_WRITE)) {
        r = -EINVAL;
    } else if (n->seals & F_SEAL_SEAL) {
        r = -EPERM;
    } else {
        n->seals |= add;
        r = 0;
    }
    pthread_mutex_unlock(&tmpfs_lock);
    return r;
}
