/* sentry/fs/hostfd.c: the caller's stdio fds, read and written on the host. */
#include "sentry/fs/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "lib/xalloc.h"

struct hostfd {
    int fd;
    struct stat st;
};

static long h_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct hostfd *h = f->inode->priv;
    ssize_t n;

    do
        n = read(h->fd, buf, len);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

static long h_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    struct hostfd *h = f->inode->priv;
    ssize_t n;

    do
        n = write(h->fd, buf, len);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

/* Only terminal queries reach the host; see the Sentry's seccomp filter. */
static long h_ioctl(struct file *f, unsigned cmd, void *karg)
{
    struct hostfd *h = f->inode->priv;

    if (!S_ISCHR(h->st.st_mode))
        return -ENOTTY;
    if (cmd != TCGETS && cmd != TIOCGWINSZ)
        return -ENOTTY;
    return ioctl(h->fd, cmd, karg) < 0 ? -errno : 0;
}

static int h_getattr(struct inode *ino, struct stat *st)
{
    struct hostfd *h = ino->priv;
    *st = h->st;
    return 0;
}

static void h_release(struct inode *ino)
{
    struct hostfd *h = ino->priv;
    close(h->fd);
    free(h);
}

static const struct inode_ops hostfd_iops = { .getattr = h_getattr, .release = h_release };
static const struct file_ops hostfd_fops = { .read = h_read, .write = h_write, .ioctl = h_ioctl };

struct file *hostfd_file(int host_fd, int flags, const struct stat *st)
{
    static struct super sb = { .fstype = "host", .dev = 0x0c };
    struct hostfd *h = xzalloc(sizeof(*h));
    struct inode *ino;
    struct file *f;

    h->fd = host_fd;
    h->st = *st;
    ino = inode_new(&sb, &hostfd_iops, &hostfd_fops, st->st_mode, st->st_ino);
    ino->priv = h;
    f = file_new(NULL, ino, flags);
    inode_put(ino);
    if (!S_ISREG(st->st_mode))
        f->fmode |= FILE_STREAM;
    return f;
}
