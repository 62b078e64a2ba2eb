/* sentry/fs/goferfs.c: files served by the Gofer; data by donated host fds. */
#include "sentry/fs/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"

struct gnode {
    uint32_t handle;
    struct gofer_stat st;
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
    ino = inode_new(sb, &gofer_iops, S_ISDIR(st->mode) ? &gofer_dir_fops : &gofer_reg_fops,
                    st->mode, st->ino);
    ino->priv = g;
    return ino;
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

    st->st_dev = ino->sb->dev;
    st->st_ino = g->st.ino;
    st->st_mode = g->st.mode;
    st->st_nlink = g->st.nlink;
    st->st_uid = g->st.uid;
    st->st_gid = g->st.gid;
    st->st_rdev = g->st.rdev;
    st->st_size = g->st.size;
    st->st_blksize = g->st.blksize;
    st->st_blocks = g->st.blocks;
    st->st_atim.tv_sec = g->st.atime_sec;
    st->st_atim.tv_nsec = g->st.atime_nsec;
    st->st_mtim.tv_sec = g->st.mtime_sec;
    st->st_mtim.tv_nsec = g->st.mtime_nsec;
    st->st_ctim.tv_sec = g->st.ctime_sec;
    st->st_ctim.tv_nsec = g->st.ctime_nsec;
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
    int fd;

    if (S_ISDIR(ino->mode)) {
        f->priv = xzalloc(sizeof(struct gdir));
        return 0;
    }
    if (!S_ISREG(ino->mode))
        return -ENXIO;
    fd = gofer_open(client_of(ino), g->handle, O_RDONLY);
    if (fd < 0)
        return fd;
    f->priv = (void *)(intptr_t)fd;
    return 0;
}

static void g_release(struct inode *ino)
{
    struct gnode *g = ino->priv;
    if (g) {
        (void)gofer_close(client_of(ino), g->handle);
        free(g);
    }
}

static long g_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    int fd = (int)(intptr_t)f->priv;
    ssize_t n = pread(fd, buf, len, off);
    return n < 0 ? -errno : n;
}

static long g_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    return -EBADF;
}

static void g_file_release(struct file *f)
{
    if (S_ISDIR(f->inode->mode))
        free(f->priv);
    else
        close((int)(intptr_t)f->priv);
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
    .lookup = g_lookup,
    .getattr = g_getattr,
    .readlink = g_readlink,
    .open = g_open,
    .release = g_release,
};

static const struct file_ops gofer_reg_fops = {
    .read = g_read,
    .write = g_write,
    .release = g_file_release,
};

static const struct file_ops gofer_dir_fops = {
    .getdents = g_getdents,
    .release = g_file_release,
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
