/* sentry/fs/hostfd.c: the caller's stdio fds, read and written on the host. */
#include "sentry/fs/fs.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "sentry/kernel/kernel.h"
#include <poll.h>

#define RD_CHUNK 65536

/* A readable stream (a tty or pipe on stdin) is read by a reader thread of
 * its own, so a task waiting for input waits on a Sentry wait queue and a
 * signal interrupts it; what the reader got stays for the next read. */
struct reader {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct waitq wq;
    size_t want;        /* a read the thread should do */
    bool busy, done;
    long got;           /* bytes in buf, or -errno */
    size_t off;         /* consumed so far */
    uint8_t buf[RD_CHUNK];
};

struct hostfd {
    int fd;
    struct stat st;
    struct reader *rd;
    char *name; /* what the caller's /proc/self/fd/N said (or NULL) */
};

static const struct inode_ops hostfd_iops;

const char *hostfd_name(struct inode *ino)
{
    if (ino->iops != &hostfd_iops)
        return NULL;
    return ((struct hostfd *)ino->priv)->name;
}

void hostfd_set_name(struct file *f, const char *name)
{
    struct hostfd *h = f->inode->priv;

    free(h->name);
    h->name = NULL;
    /* Device and pipe names only: a host file's path would tell the app
     * about the host's directories. */
    if (name && (!strncmp(name, "/dev/", 5) || !strncmp(name, "pipe:[", 6) ||
                 !strncmp(name, "socket:[", 8)))
        h->name = xstrdup(name);
}

static void *reader_main(void *arg)
{
    struct hostfd *h = arg;
    struct reader *rd = h->rd;

    pthread_mutex_lock(&rd->mu);
    for (;;) {
        size_t want;
        ssize_t n;
        while (!rd->want)
            pthread_cond_wait(&rd->cv, &rd->mu);
        want = rd->want;
        pthread_mutex_unlock(&rd->mu);
        do
            n = read(h->fd, rd->buf, want);
        while (n < 0 && errno == EINTR);
        pthread_mutex_lock(&rd->mu);
        rd->got = n < 0 ? -errno : n;
        rd->off = 0;
        rd->want = 0;
        rd->busy = false;
        rd->done = true;
        pthread_mutex_unlock(&rd->mu);
        waitq_wake_all(&rd->wq);
        pthread_mutex_lock(&rd->mu);
    }
    return NULL;
}

/* Ask the reader for input if none is there or coming (rd->mu held). */
static void request(struct reader *rd, size_t len)
{
    if (rd->done || rd->busy)
        return;
    rd->want = SB_MIN(len, (size_t)RD_CHUNK);
    rd->busy = true;
    pthread_cond_signal(&rd->cv);
}

static bool rd_done(void *arg)
{
    struct reader *rd = arg;
    bool d;
    pthread_mutex_lock(&rd->mu);
    d = rd->done;
    pthread_mutex_unlock(&rd->mu);
    return d;
}

static long reader_read(struct reader *rd, void *buf, size_t len, bool nonblock)
{
    long r;

    pthread_mutex_lock(&rd->mu);
    request(rd, len);
    if (!rd->done) {
        pthread_mutex_unlock(&rd->mu);
        if (nonblock)
            return -EAGAIN;
        r = task_wait_event(current_task, &rd->wq, rd_done, rd, NULL);
        if (r)
            return r; /* the input, when it comes, waits for the next read */
        pthread_mutex_lock(&rd->mu);
    }
    if (rd->got < 0) {
        r = rd->got;
        rd->done = false;
    } else {
        r = (long)SB_MIN(len, (size_t)rd->got - rd->off);
        memcpy(buf, rd->buf + rd->off, r);
        rd->off += r;
        if (rd->off >= (size_t)rd->got)
            rd->done = false;
    }
    pthread_mutex_unlock(&rd->mu);
    return r;
}

static unsigned h_poll(struct file *f, struct poll_req *pr)
{
    struct hostfd *h = f->inode->priv;
    struct reader *rd = h->rd;
    unsigned m = POLLOUT | POLLWRNORM;

    if (!rd)
        return POLLIN | POLLRDNORM | m;
    if (pr)
        poll_wait(pr, &rd->wq);
    pthread_mutex_lock(&rd->mu);
    if (rd->done)
        m |= POLLIN | POLLRDNORM;
    else
        request(rd, 4096); /* read ahead so readiness can be known */
    pthread_mutex_unlock(&rd->mu);
    return m;
}

static long h_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct hostfd *h = f->inode->priv;
    ssize_t n;

    if (h->rd && current_task)
        return reader_read(h->rd, buf, len, f->flags & O_NONBLOCK);
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
    if (n < 0 && errno == EPIPE && current_task)
        task_signal_self(current_task, SIGPIPE); /* the reader of the host pipe is gone */
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
    /* With a reader thread the fd and its state live as long as the
     * sandbox: the thread may be inside read(). */
    if (h->rd)
        return;
    close(h->fd);
    free(h->name);
    free(h);
}

/* Reopened through /proc/self/fd/N or /dev/stdin: the same host fd (all
 * state lives in the inode). */
static int h_open(struct inode *ino, struct file *f)
{
    struct hostfd *h = ino->priv;

    if (!S_ISREG(h->st.st_mode))
        f->fmode |= FILE_STREAM;
    return 0;
}

/* O_TRUNC of a reopened stdout that is a host file: the Sentry has no
 * host truncate call, and the caller's file keeps what was written. */
static int h_setattr(struct inode *ino, const struct setattr *sa)
{
    return sa->valid == SA_SIZE ? 0 : -EPERM;
}

static const struct inode_ops hostfd_iops = {
    .getattr = h_getattr, .release = h_release, .open = h_open, .setattr = h_setattr
};
static const struct file_ops hostfd_fops = {
    .read = h_read, .write = h_write, .ioctl = h_ioctl, .poll = h_poll
};

struct file *hostfd_file(int host_fd, int flags, const struct stat *st)
{
    static struct super sb = { .fstype = "host", .dev = 0x0c };
    struct hostfd *h = xzalloc(sizeof(*h));
    struct inode *ino;
    struct file *f;

    h->fd = host_fd;
    h->st = *st;
    if ((flags & O_ACCMODE) != O_WRONLY && !S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
        pthread_t th;
        pthread_attr_t at;
        h->rd = xzalloc(sizeof(*h->rd));
        pthread_mutex_init(&h->rd->mu, NULL);
        pthread_cond_init(&h->rd->cv, NULL);
        waitq_init(&h->rd->wq);
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&at, 64 * 1024);
        if (pthread_create(&th, &at, reader_main, h)) {
            free(h->rd);
            h->rd = NULL;
        }
        pthread_attr_destroy(&at);
    }
    ino = inode_new(&sb, &hostfd_iops, &hostfd_fops, st->st_mode, st->st_ino);
    ino->priv = h;
    f = file_new(NULL, ino, flags);
    inode_put(ino);
    if (!S_ISREG(st->st_mode))
        f->fmode |= FILE_STREAM;
    return f;
}
