/* sentry/fs/goferfs.c: files served by the Gofer; data by donated host fds
 * (read with pread, written with pwrite), everything else by Gofer ops. */
#include "sentry/fs/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "sentry/mm/memfile.h"
#include "sentry/mm/rmap.h"

/* Lock order: gnode->lock and gfile->lock are leaves taken around Gofer
 * calls (the client's lock nests inside them). */

_Static_assert(SA_MODE == GOFER_SA_MODE && SA_UID == GOFER_SA_UID &&
                   SA_GID == GOFER_SA_GID && SA_SIZE == GOFER_SA_SIZE &&
                   SA_ATIME == GOFER_SA_ATIME && SA_MTIME == GOFER_SA_MTIME,
               "setattr masks agree");

#define V9FS_MAGIC 0x01021997 /* what statfs says of a "9p" mount */

struct gnode {
    uint32_t handle;
    pthread_mutex_t lock; /* st, stale, pending_fd */
    struct gofer_stat st;
    /* st may be out of date (written to, or a directory whose entries
     * changed): the next getattr asks the Gofer. Writes only set this, so
     * a run of writes costs no round trip, and a stat after them is exact
     * (sizes and times as the host has them: git compares both). */
    bool stale;
    int pending_fd; /* the fd CREATE donated, for the open that follows */
    /* Page cache, made by the first shared mapping: file offset ranges ->
     * MemoryFile pages that every MAP_SHARED mapping of the file maps.
     * read() and write() keep it coherent; msync and munmap write it back
     * (pc_fd). pc_lock is taken under mm->lock (faults) and before lock. */
    pthread_mutex_t pc_lock;
    struct rmap pages;
    int pc_fd;
};

/* An open regular file: the donated host fd(s). */
struct gfile {
    int fd;          /* opened with the file's access mode */
    bool fd_append;  /* fd has O_APPEND */
    int alt_fd;      /* the other O_APPEND state, made when F_SETFL flips
                      * it; -1 until then. Never closed before release, so
                      * readers need no lock. */
    pthread_mutex_t lock; /* making alt_fd */
};

struct gdir {
    uint64_t cookie; /* gofer cookie of the next entry */
    uint64_t index;  /* entries emitted so far ("." and ".." included) */
    bool eof;
};

static const struct inode_ops gofer_iops;
static const struct file_ops gofer_reg_fops, gofer_dir_fops;

static struct gofer_client *client_of(struct inode *ino)
{
    return ino->sb->priv;
}

static struct inode *gnode_inode(struct super *sb, uint32_t h, const struct gofer_stat *st)
{
    struct gnode *g = xzalloc(sizeof(*g));
    struct inode *ino;

    g->handle = h;
    g->st = *st;
    g->pending_fd = -1;
    g->pc_fd = -1;
    g->pages.merge = 1;
    pthread_mutex_init(&g->lock, NULL);
    pthread_mutex_init(&g->pc_lock, NULL);
    ino = inode_new(sb, &gofer_iops, S_ISDIR(st->mode) ? &gofer_dir_fops : &gofer_reg_fops,
                    st->mode, st->ino);
    ino->priv = g;
    return ino;
}

static void set_stat(struct inode *ino, const struct gofer_stat *st)
{
    struct gnode *g = ino->priv;

    pthread_mutex_lock(&g->lock);
    g->st = *st;
    g->stale = false;
    pthread_mutex_unlock(&g->lock);
}

static void mark_stale(struct inode *ino)
{
    struct gnode *g = ino->priv;

    __atomic_store_n(&g->stale, true, __ATOMIC_RELEASE);
}

static int g_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct gnode *g = dir->priv;
    struct gofer_name n = { name, (uint16_t)strlen(name) };
    struct gofer_stat st;
    uint32_t h;
    int err = 0, r;

    if (!gofer_name_valid(name, n.len))
        return -ENOENT;
    r = gofer_walk(client_of(dir), g->handle, &n, 1, &h, &st, &err);
    if (r < 0)
        return r;
    if (r == 0)
        return err ? -err : -ENOENT;
    *out = gnode_inode(dir->sb, h, &st);
    return 0;
}

static int g_getattr(struct inode *ino, struct stat *st)
{
    struct gnode *g = ino->priv;
    struct gofer_stat gs;

    pthread_mutex_lock(&g->lock);
    if (__atomic_load_n(&g->stale, __ATOMIC_ACQUIRE)) {
        /* Clear first: a write racing with this refetch sets it again. */
        __atomic_store_n(&g->stale, false, __ATOMIC_RELEASE);
        if (gofer_stat(client_of(ino), g->handle, &gs) == 0)
            g->st = gs;
        else
            g->stale = true;
    }
    gs = g->st;
    pthread_mutex_unlock(&g->lock);

    st->st_dev = ino->sb->dev;
    st->st_ino = gs.ino;
    st->st_mode = gs.mode;
    st->st_nlink = gs.nlink;
    st->st_uid = gs.uid;
    st->st_gid = gs.gid;
    st->st_rdev = gs.rdev;
    st->st_size = gs.size;
    st->st_blksize = gs.blksize;
    st->st_blocks = gs.blocks;
    st->st_atim.tv_sec = gs.atime_sec;
    st->st_atim.tv_nsec = gs.atime_nsec;
    st->st_mtim.tv_sec = gs.mtime_sec;
    st->st_mtim.tv_nsec = gs.mtime_nsec;
    st->st_ctim.tv_sec = gs.ctime_sec;
    st->st_ctim.tv_nsec = gs.ctime_nsec;
    return 0;
}

static int g_readlink(struct inode *ino, char *buf, size_t cap)
{
    struct gnode *g = ino->priv;
    if (!S_ISLNK(ino->mode))
        return -EINVAL;
    return gofer_readlink(client_of(ino), g->handle, buf, cap);
}

static int g_open(struct inode *ino, struct file *f)
{
    struct gnode *g = ino->priv;
    bool append = f->flags & O_APPEND;
    struct gfile *gf;
    int fd = -1;

    if (S_ISDIR(ino->mode)) {
        f->priv = xzalloc(sizeof(struct gdir));
        return 0;
    }
    if (!S_ISREG(ino->mode))
        return -ENXIO;
    /* Just created: CREATE donated an O_RDWR fd already (the Sentry checks
     * the access mode); an O_APPEND open wants its own. */
    pthread_mutex_lock(&g->lock);
    if (g->pending_fd >= 0) {
        if (!append)
            fd = g->pending_fd;
        else
            close(g->pending_fd);
        g->pending_fd = -1;
    }
    pthread_mutex_unlock(&g->lock);
    if (fd < 0)
        fd = gofer_open(client_of(ino), g->handle,
                        (f->flags & O_ACCMODE) | (append ? O_APPEND : 0));
    if (fd < 0)
        return fd;
    gf = xzalloc(sizeof(*gf));
    gf->fd = fd;
    gf->fd_append = append;
    gf->alt_fd = -1;
    pthread_mutex_init(&gf->lock, NULL);
    f->priv = gf;
    return 0;
}

/* ---- page cache for shared mappings ---- */

static void pc_page_freed(void *arg, const struct mm_range *r)
{
    memfile_free(tmpfs_memfile, r->off, r->end - r->start);
}

/* Copy cached bytes over buf, which holds [off, off+len) of the file as the
 * host has it (pc_lock held). */
static void pc_overlay_read(struct gnode *g, void *buf, size_t len, uint64_t off)
{
    for (size_t i = rmap_lower_bound(&g->pages, off);
         i < g->pages.n && g->pages.v[i].start < off + len; i++) {
        struct mm_range *r = &g->pages.v[i];
        uint64_t a = SB_MAX(r->start, off), b = SB_MIN(r->end, off + len);
        memcpy((char *)buf + (a - off), (char *)memfile_ptr(tmpfs_memfile, r->off) + (a - r->start),
               b - a);
    }
}

/* write(): the same bytes into cached pages (pc_lock held). */
static void pc_overlay_write(struct gnode *g, const void *buf, size_t len, uint64_t off)
{
    for (size_t i = rmap_lower_bound(&g->pages, off);
         i < g->pages.n && g->pages.v[i].start < off + len; i++) {
        struct mm_range *r = &g->pages.v[i];
        uint64_t a = SB_MAX(r->start, off), b = SB_MIN(r->end, off + len);
        memcpy((char *)memfile_ptr(tmpfs_memfile, r->off) + (a - r->start),
               (const char *)buf + (a - off), b - a);
    }
}

static int g_get_page(struct inode *ino, uint64_t pgoff, uint64_t *mf_off)
{
    struct gnode *g = ino->priv;
    struct mm_range *r, p = { 0 };
    int e = 0;

    if (!S_ISREG(ino->mode))
        return -ENODEV;
    pthread_mutex_lock(&g->pc_lock);
    if (g->pc_fd < 0) {
        g->pc_fd = gofer_open(client_of(ino), g->handle, O_RDWR);
        if (g->pc_fd < 0)
            g->pc_fd = gofer_open(client_of(ino), g->handle, O_RDONLY);
        if (g->pc_fd < 0) {
            e = g->pc_fd;
            g->pc_fd = -1;
            goto out;
        }
    }
    if ((r = rmap_find(&g->pages, pgoff))) {
        *mf_off = r->off + (pgoff - r->start);
    } else {
        ssize_t n;
        if ((e = memfile_alloc(tmpfs_memfile, 4096, mf_off)))
            goto out;
        n = pread(g->pc_fd, memfile_ptr(tmpfs_memfile, *mf_off), 4096, (off_t)pgoff);
        if (n < 0) {
            e = -errno;
            memfile_free(tmpfs_memfile, *mf_off, 4096);
            goto out;
        }
        p.start = pgoff;
        p.end = pgoff + 4096;
        p.off = *mf_off;
        SB_BUG_ON(rmap_insert(&g->pages, &p));
    }
    memfile_ref(tmpfs_memfile, *mf_off, 4096);
out:
    pthread_mutex_unlock(&g->pc_lock);
    return e;
}

static int g_getattr(struct inode *ino, struct stat *st);

/* msync/munmap: cached pages of [off, off+len) go to the host, up to the
 * file's size (a mapping never grows a file). */
static int g_writeback(struct inode *ino, uint64_t off, uint64_t len)
{
    struct gnode *g = ino->priv;
    struct stat st;
    int e = 0;

    pthread_mutex_lock(&g->pc_lock);
    if (g->pc_fd < 0 || !g->pages.n || g_getattr(ino, &st)) {
        pthread_mutex_unlock(&g->pc_lock);
        return 0;
    }
    for (size_t i = rmap_lower_bound(&g->pages, off);
         i < g->pages.n && g->pages.v[i].start < off + len && !e; i++) {
        struct mm_range *r = &g->pages.v[i];
        uint64_t a = SB_MAX(r->start, off), b = SB_MIN(SB_MIN(r->end, off + len), (uint64_t)st.st_size);
        if (a >= b)
            continue;
        if (pwrite(g->pc_fd, (char *)memfile_ptr(tmpfs_memfile, r->off) + (a - r->start), b - a,
                   (off_t)a) < 0)
            e = errno == EBADF ? 0 : -errno; /* a read-only file: nothing to write */
    }
    pthread_mutex_unlock(&g->pc_lock);
    if (!e)
        mark_stale(ino);
    return e;
}

static void g_release(struct inode *ino)
{
    struct gnode *g = ino->priv;
    if (g) {
        if (g->pending_fd >= 0)
            close(g->pending_fd);
        rmap_clear(&g->pages, pc_page_freed, NULL);
        if (g->pc_fd >= 0)
            close(g->pc_fd);
        pthread_mutex_destroy(&g->pc_lock);
        (void)gofer_close(client_of(ino), g->handle);
        pthread_mutex_destroy(&g->lock);
        free(g);
    }
}

static long g_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct gfile *gf = f->priv;
    struct gnode *g = f->inode->priv;
    ssize_t n = pread(gf->fd, buf, len, off);

    if (n > 0 && __atomic_load_n(&g->pages.n, __ATOMIC_ACQUIRE)) {
        /* Mapped shared: the pages may hold newer bytes than the host. */
        pthread_mutex_lock(&g->pc_lock);
        pc_overlay_read(g, buf, (size_t)n, off);
        pthread_mutex_unlock(&g->pc_lock);
    }
    return n < 0 ? -errno : n;
}

/* The host fd whose O_APPEND matches the file's now (F_SETFL may have
 * flipped it since the open), or -errno. */
static int write_fd(struct file *f, struct gfile *gf, bool append)
{
    struct gnode *g = f->inode->priv;
    int fd;

    if (append == gf->fd_append)
        return gf->fd;
    pthread_mutex_lock(&gf->lock);
    fd = gf->alt_fd;
    if (fd < 0) {
        fd = gofer_open(client_of(f->inode), g->handle,
                        (f->flags & O_ACCMODE) | (append ? O_APPEND : 0));
        if (fd >= 0)
            __atomic_store_n(&gf->alt_fd, fd, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&gf->lock);
    return fd;
}

/* pwrite on the donated fd. O_APPEND: the host fd has O_APPEND too, so the
 * host puts the data at the end whatever off says (Linux pwrite with
 * O_APPEND), atomically against other appenders, even outside the sandbox. */
static long g_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    struct gfile *gf = f->priv;
    struct gnode *g = f->inode->priv;
    int fd = write_fd(f, gf, f->flags & O_APPEND);
    ssize_t n;

    if (fd < 0)
        return fd;
    n = pwrite(fd, buf, len, (off_t)off);
    if (n < 0)
        return -errno;
    mark_stale(f->inode);
    if (__atomic_load_n(&g->pages.n, __ATOMIC_ACQUIRE)) {
        /* Keep shared mappings coherent with write(). With O_APPEND the
         * host chose the place: the bytes end at the new size. */
        struct stat st;
        if ((f->flags & O_APPEND) && g_getattr(f->inode, &st) == 0)
            off = (uint64_t)st.st_size - (uint64_t)n;
        pthread_mutex_lock(&g->pc_lock);
        pc_overlay_write(g, buf, (size_t)n, off);
        pthread_mutex_unlock(&g->pc_lock);
    }
    return n;
}

static void g_file_release(struct file *f)
{
    struct gfile *gf = f->priv;

    if (S_ISDIR(f->inode->mode)) {
        free(f->priv);
        return;
    }
    close(gf->fd);
    if (gf->alt_fd >= 0)
        close(gf->alt_fd);
    pthread_mutex_destroy(&gf->lock);
    free(gf);
}

static int g_fsync(struct file *f, bool datasync)
{
    struct gnode *g = f->inode->priv;

    return gofer_fsync(client_of(f->inode), g->handle, datasync);
}

static int g_fallocate(struct file *f, int mode, uint64_t off, uint64_t len)
{
    struct gnode *g = f->inode->priv;
    struct gofer_stat st;
    int r;

    r = gofer_fallocate(client_of(f->inode), g->handle, mode, off, len, &st);
    if (r)
        return r;
    set_stat(f->inode, &st);
    return 0;
}

/* ---- the namespace ---- */

/* Owner of a new object in dir: the caller's fsuid, and fsgid unless dir
 * is set-group-ID (then dir's group, as Linux does). */
static void new_owner(struct inode *dir, uint32_t *uid, uint32_t *gid)
{
    struct gnode *d = dir->priv;

    *uid = vfs_cur_cred.fsuid;
    *gid = vfs_cur_cred.fsgid;
    pthread_mutex_lock(&d->lock);
    if (d->st.mode & S_ISGID)
        *gid = d->st.gid;
    pthread_mutex_unlock(&d->lock);
}

static int g_create(struct inode *dir, const char *name, mode_t mode, struct inode **out)
{
    struct gnode *d = dir->priv;
    struct gofer_stat st;
    struct inode *ino;
    uint32_t uid, gid, h;
    int fd;

    new_owner(dir, &uid, &gid);
    fd = gofer_create(client_of(dir), d->handle, name, O_RDWR, mode & 07777, uid, gid, &h,
                      &st);
    if (fd < 0)
        return fd;
    mark_stale(dir);
    ino = gnode_inode(dir->sb, h, &st);
    ((struct gnode *)ino->priv)->pending_fd = fd;
    *out = ino;
    return 0;
}

static int g_mkdir(struct inode *dir, const char *name, mode_t mode)
{
    struct gnode *d = dir->priv;
    uint32_t uid, gid;
    int r;

    new_owner(dir, &uid, &gid);
    r = gofer_mkdir(client_of(dir), d->handle, name, mode & 07777, uid, gid, NULL);
    if (!r)
        mark_stale(dir);
    return r;
}

static int g_mknod(struct inode *dir, const char *name, mode_t mode, dev_t rdev)
{
    struct gnode *d = dir->priv;
    uint32_t uid, gid;
    int r;

    if (S_ISCHR(mode) || S_ISBLK(mode))
        return -EPERM; /* the Gofer makes no device nodes */
    new_owner(dir, &uid, &gid);
    r = gofer_mknod(client_of(dir), d->handle, name, mode & (S_IFMT | 07777), uid, gid,
                    NULL);
    if (!r)
        mark_stale(dir);
    return r;
}

static int g_tmpfile(struct inode *dir, mode_t mode, struct inode **out)
{
    struct gnode *d = dir->priv;
    struct gofer_stat st;
    struct inode *ino;
    uint32_t uid, gid, h;
    int fd;

    new_owner(dir, &uid, &gid);
    fd = gofer_tmpfile(client_of(dir), d->handle, O_RDWR, mode & 07777, uid, gid, &h, &st);
    if (fd < 0)
        return fd;
    ino = gnode_inode(dir->sb, h, &st);
    ((struct gnode *)ino->priv)->pending_fd = fd; /* for the open that follows */
    *out = ino;
    return 0;
}

static int g_symlink(struct inode *dir, const char *name, const char *target)
{
    struct gnode *d = dir->priv;
    uint32_t uid, gid;
    int r;

    if (!target[0])
        return -ENOENT;
    if (strlen(target) >= GOFER_PATH_MAX)
        return -ENAMETOOLONG;
    new_owner(dir, &uid, &gid);
    r = gofer_symlink(client_of(dir), d->handle, name, target, uid, gid, NULL);
    if (!r)
        mark_stale(dir);
    return r;
}

static int g_link(struct inode *dir, const char *name, struct inode *target)
{
    struct gnode *d = dir->priv, *t = target->priv;
    struct gofer_stat st;
    int r;

    if (target->sb != dir->sb)
        return -EXDEV;
    r = gofer_link(client_of(dir), t->handle, d->handle, name, &st);
    if (r)
        return r;
    set_stat(target, &st);
    mark_stale(dir);
    return 0;
}

static int g_unlink(struct inode *dir, const char *name)
{
    struct gnode *d = dir->priv;
    int r = gofer_unlink(client_of(dir), d->handle, name, 0);

    if (!r)
        mark_stale(dir);
    return r;
}

static int g_rmdir(struct inode *dir, const char *name)
{
    struct gnode *d = dir->priv;
    int r = gofer_unlink(client_of(dir), d->handle, name, GOFER_UNLINK_DIR);

    if (!r)
        mark_stale(dir);
    return r;
}

static int g_rename(struct inode *odir, const char *oname, struct inode *ndir,
                    const char *nname, unsigned flags)
{
    struct gnode *o = odir->priv, *n = ndir->priv;
    int r;

    if (odir->sb != ndir->sb)
        return -EXDEV;
    r = gofer_rename(client_of(odir), o->handle, oname, n->handle, nname, flags);
    if (!r) {
        mark_stale(odir);
        mark_stale(ndir);
    }
    return r;
}

static int g_setattr(struct inode *ino, const struct setattr *sa)
{
    struct gnode *g = ino->priv;
    struct gofer_tsetattr ta = {
        .handle = g->handle,
        .valid = sa->valid & GOFER_SA_ALL,
        .mode = sa->mode & 07777,
        .uid = sa->uid,
        .gid = sa->gid,
        .size = sa->size,
        .atime_sec = sa->atime.tv_sec,
        .atime_nsec = (uint32_t)sa->atime.tv_nsec,
        .mtime_sec = sa->mtime.tv_sec,
        .mtime_nsec = (uint32_t)sa->mtime.tv_nsec,
    };
    struct gofer_stat st;
    int r;

    r = gofer_setattr(client_of(ino), &ta, &st);
    if (r)
        return r;
    set_stat(ino, &st);
    if ((sa->valid & SA_SIZE) && __atomic_load_n(&g->pages.n, __ATOMIC_ACQUIRE)) {
        /* Truncated: cached pages past the end go (mappings keep their
         * copies), the tail of the last one reads as zeros. */
        uint64_t keep = (sa->size + 4095) & ~4095ULL;
        struct mm_range *r;
        pthread_mutex_lock(&g->pc_lock);
        rmap_remove(&g->pages, keep, UINT64_MAX, pc_page_freed, NULL);
        if ((sa->size & 4095) && (r = rmap_find(&g->pages, sa->size & ~4095ULL)))
            memset((char *)memfile_ptr(tmpfs_memfile, r->off) +
                       (sa->size & ~4095ULL) - r->start + (sa->size & 4095),
                   0, 4096 - (sa->size & 4095));
        pthread_mutex_unlock(&g->pc_lock);
    }
    return 0;
}

/* ---- extended attributes, statfs ---- */

/* What Linux says of a name before asking the file system, and then what
 * the Gofer serves ("user." only). */
static int xattr_name_check(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > GOFER_XATTR_NAME_MAX)
        return -ERANGE;
    if (!gofer_xattr_name_valid(name, n))
        return -EOPNOTSUPP;
    return 0;
}

static int g_getxattr(struct inode *ino, const char *name, void *buf, size_t cap)
{
    struct gnode *g = ino->priv;
    int r = xattr_name_check(name);

    return r ? r : gofer_getxattr(client_of(ino), g->handle, name, buf, cap);
}

static int g_setxattr(struct inode *ino, const char *name, const void *val, size_t len,
                      int flags)
{
    struct gnode *g = ino->priv;
    int r = xattr_name_check(name);

    if (r)
        return r;
    r = gofer_setxattr(client_of(ino), g->handle, name, val, len, flags);
    if (!r)
        mark_stale(ino); /* ctime */
    return r;
}

static int g_listxattr(struct inode *ino, char *buf, size_t cap)
{
    struct gnode *g = ino->priv;

    return gofer_listxattr(client_of(ino), g->handle, buf, cap);
}

static int g_removexattr(struct inode *ino, const char *name)
{
    struct gnode *g = ino->priv;
    int r = xattr_name_check(name);

    if (r)
        return r;
    r = gofer_removexattr(client_of(ino), g->handle, name);
    if (!r)
        mark_stale(ino);
    return r;
}

static int g_statfs(struct inode *ino, struct statfs *out)
{
    struct gnode *g = ino->priv;
    struct gofer_statfs gs;
    int r = gofer_statfs(client_of(ino), g->handle, &gs);

    if (r)
        return r;
    memset(out, 0, sizeof(*out));
    out->f_type = V9FS_MAGIC;
    out->f_bsize = (long)gs.bsize;
    out->f_blocks = gs.blocks;
    out->f_bfree = gs.bfree;
    out->f_bavail = gs.bavail;
    out->f_files = gs.files;
    out->f_ffree = gs.ffree;
    out->f_namelen = (long)gs.namelen;
    out->f_frsize = (long)gs.frsize;
    out->f_flags = (long)gs.flags;
    return 0;
}

struct emit_state {
    struct file *f;
    struct gdir *d;
    struct dir_emit *de;
    uint64_t skip; /* entries to pass over (after a seek) */
    bool full;
};

static int g_dirent_cb(void *arg, uint64_t ino, uint64_t next, unsigned type,
                       const char *name, size_t namelen)
{
    struct emit_state *s = arg;

    if (s->skip) {
        s->skip--;
    } else if (!s->de->emit(s->de, name, namelen, ino, type, s->d->index + 1)) {
        s->full = true;
        return 1;
    }
    s->d->cookie = next;
    s->d->index++;
    return 0;
}

static int g_getdents(struct file *f, struct dir_emit *de)
{
    struct gdir *d = f->priv;
    struct gnode *g = f->inode->priv;
    struct emit_state s = { .f = f, .d = d, .de = de };

    if (f->pos != d->index) {
        /* Seeked: restart and skip to the wanted index. */
        d->cookie = 0;
        d->index = 0;
        d->eof = false;
        s.skip = f->pos;
    }
    while (d->index < 2) {
        if (s.skip) {
            s.skip--;
        } else if (!de->emit(de, d->index ? ".." : ".", d->index + 1,
                             d->index ? 0 : f->inode->ino, DT_DIR, d->index + 1)) {
            goto out;
        }
        d->index++;
    }
    while (!d->eof && !s.full) {
        int r = gofer_getdents(client_of(f->inode), g->handle, d->cookie, g_dirent_cb, &s);
        if (r < 0)
            return r;
        if (r == 0)
            d->eof = true;
    }
out:
    f->pos = d->index;
    return 0;
}

static const struct inode_ops gofer_iops = {
    .get_page = g_get_page,
    .writeback = g_writeback,
    .lookup = g_lookup,
    .getattr = g_getattr,
    .setattr = g_setattr,
    .readlink = g_readlink,
    .open = g_open,
    .create = g_create,
    .mkdir = g_mkdir,
    .symlink = g_symlink,
    .link = g_link,
    .unlink = g_unlink,
    .rmdir = g_rmdir,
    .rename = g_rename,
    .release = g_release,
    .mknod = g_mknod,
    .tmpfile = g_tmpfile,
    .getxattr = g_getxattr,
    .setxattr = g_setxattr,
    .listxattr = g_listxattr,
    .removexattr = g_removexattr,
    .statfs = g_statfs,
};

static const struct file_ops gofer_reg_fops = {
    .read = g_read,
    .write = g_write,
    .release = g_file_release,
    .fsync = g_fsync,
    .fallocate = g_fallocate,
};

static const struct file_ops gofer_dir_fops = {
    .getdents = g_getdents,
    .release = g_file_release,
    .fsync = g_fsync,
};

int goferfs_mount(struct gofer_client *c, const char *source, struct dentry **root)
{
    struct super *sb = xzalloc(sizeof(*sb));
    struct gofer_stat st;
    uint32_t h;
    int r;

    sb->fstype = "9p";
    sb->dev = vfs_new_dev();
    sb->priv = c;
    if ((r = gofer_attach(c, &h, &st))) {
        free(sb);
        return r;
    }
    *root = dentry_new("/", NULL, gnode_inode(sb, h, &st));
    return 0;
}
