/* sentry/fs/devpts.c: /dev/pts, /dev/ptmx and /dev/tty: pseudo-terminal
 * pairs (master and slave files over the line discipline of tty.c), and
 * the console of `sbx run -t`: a pair whose master the Sentry pumps to the
 * caller's stdin and stdout.
 *
 * /dev/pts is a tmpfs of its own: opening ptmx adds the slave node N (char
 * 136:N, mode 0620, owned by the opener); the node goes when the master is
 * closed (as Linux), the pair when the last file of it is closed.
 * Lock order: k->lock -> devpts_lock -> tty->lock (see tty.h).
 */
#include "sentry/fs/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "sentry/fs/tty.h"

#define PTY_MAX 256
#define PTY_SLAVE_MAJOR 136

static pthread_mutex_t devpts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tty *ptys[PTY_MAX];
static uint64_t next_id = 1;
static struct dentry *pts_root;

static const struct file_ops master_fops;
static const struct file_ops slave_fops;

static struct tty *tty_get(struct tty *tty)
{
    __atomic_add_fetch(&tty->ref, 1, __ATOMIC_RELAXED);
    return tty;
}

static void tty_put(struct tty *tty)
{
    pthread_mutex_lock(&devpts_lock);
    if (--tty->ref) {
        pthread_mutex_unlock(&devpts_lock);
        return;
    }
    ptys[tty->index] = NULL;
    pthread_mutex_unlock(&devpts_lock);
    free(tty);
}

/* The terminal with this id, if it still exists (a new reference). */
static struct tty *tty_by_id(uint64_t id)
{
    struct tty *r = NULL;

    if (!id)
        return NULL;
    pthread_mutex_lock(&devpts_lock);
    for (int i = 0; i < PTY_MAX && !r; i++)
        if (ptys[i] && ptys[i]->id == id)
            r = tty_get(ptys[i]);
    pthread_mutex_unlock(&devpts_lock);
    return r;
}

/* The controlling terminal of p (a new reference), or NULL. */
static struct tty *ctty_of(struct process *p)
{
    struct tty *tty = tty_by_id(p->ctty);
    bool ok;

    if (!tty)
        return NULL;
    pthread_mutex_lock(&tty->lock);
    ok = tty->sid && tty->sid == p->sid;
    pthread_mutex_unlock(&tty->lock);
    if (!ok) {
        tty_put(tty);
        return NULL;
    }
    return tty;
}

bool devpts_ctty_valid(struct process *p)
{
    struct tty *tty = ctty_of(p);

    if (tty)
        tty_put(tty);
    return tty != NULL;
}

void devpts_session_exit(struct process *p)
{
    struct tty *tty;

    if (p->sid != p->tgid || !(tty = ctty_of(p)))
        return;
    tty_disassociate(tty, true);
    tty_put(tty);
}

/* ---- the master ---- */

static long m_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    return tty_master_read(f->priv, buf, len, f->flags & O_NONBLOCK, current_task);
}

static long m_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    return tty_master_write(f->priv, buf, len, f->flags & O_NONBLOCK, current_task);
}

static unsigned m_poll(struct file *f, struct poll_req *pr)
{
    return tty_poll(f->priv, true, pr);
}

static int slave_open_file(struct tty *tty, int flags, struct fs_ctx *fs, struct file **out);

static long m_ioctl(struct file *f, unsigned cmd, void *karg)
{
    struct tty *tty = f->priv;

    if (cmd == TIOCGPTPEER) {
        unsigned long fl = *(unsigned long *)karg;
        struct file *sf;
        int r, fd;
        if (!current_task)
            return -EINVAL;
        if ((r = slave_open_file(tty, (int)fl, current_task->fs, &sf)))
            return r;
        fd = fdt_install(current_task->fdt, sf, 0, fl & O_CLOEXEC);
        file_put(sf);
        return fd;
    }
    return tty_ioctl(tty, f, true, cmd, karg);
}

static void m_release(struct file *f)
{
    struct tty *tty = f->priv;
    char name[16];

    if (!tty)
        return;
    pthread_mutex_lock(&tty->lock);
    tty->masters--;
    tty->hungup = true;
    tty_wake(tty);
    pthread_mutex_unlock(&tty->lock);
    /* The slave node goes with the master, as on Linux. */
    snprintf(name, sizeof(name), "%d", tty->index);
    if (pts_root->inode->iops->unlink(pts_root->inode, name) == 0)
        dentry_forget(pts_root, name);
    if (tty->node) {
        inode_put(tty->node);
        tty->node = NULL;
    }
    tty_hangup_session(tty);
    tty_put(tty);
}

/* Open of /dev/ptmx or /dev/pts/ptmx: a new pair. */
static int ptmx_open(struct file *f, int flags)
{
    struct tty *tty = xzalloc(sizeof(*tty));
    char name[16];
    int idx = -1;

    tty_init(tty);
    tty->ref = 1;
    tty->masters = 1;
    tty->locked = true;
    pthread_mutex_lock(&devpts_lock);
    for (int i = 0; i < PTY_MAX && idx < 0; i++)
        if (!ptys[i])
            idx = i;
    if (idx < 0) {
        pthread_mutex_unlock(&devpts_lock);
        free(tty);
        return -ENOSPC;
    }
    tty->index = idx;
    tty->id = next_id++;
    ptys[idx] = tty;
    pthread_mutex_unlock(&devpts_lock);
    snprintf(name, sizeof(name), "%d", idx);
    tty->node = inode_get(tmpfs_add(pts_root->inode, name, S_IFCHR | 0620,
                                    makedev(PTY_SLAVE_MAJOR, idx), &slave_fops, NULL));
    f->ops = &master_fops;
    f->priv = tty;
    f->fmode |= FILE_STREAM;
    return 0;
}

/* ---- the slave ---- */

static long s_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct tty *tty = f->priv;

    if (tty->hungup)
        return 0;
    return tty_slave_read(tty, buf, len, f->flags & O_NONBLOCK, current_task);
}

static long s_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    struct tty *tty = f->priv;

    if (tty->hungup)
        return -EIO;
    return tty_slave_write(tty, buf, len, f->flags & O_NONBLOCK, current_task);
}

static unsigned s_poll(struct file *f, struct poll_req *pr)
{
    return tty_poll(f->priv, false, pr);
}

static long s_ioctl(struct file *f, unsigned cmd, void *karg)
{
    struct tty *tty = f->priv;

    if (tty->hungup)
        return cmd == TIOCSPGRP ? -ENOTTY : -EIO;
    return tty_ioctl(tty, f, false, cmd, karg);
}

static void s_release(struct file *f)
{
    struct tty *tty = f->priv;

    if (!tty)
        return;
    pthread_mutex_lock(&tty->lock);
    if (--tty->slaves == 0)
        tty->slave_closed = true;
    tty_wake(tty);
    pthread_mutex_unlock(&tty->lock);
    tty_put(tty);
}

/* f becomes a slave file of tty (takes a reference on success). */
static int slave_attach(struct tty *tty, struct file *f, int flags, bool may_ctty)
{
    pthread_mutex_lock(&tty->lock);
    if (tty->locked || tty->hungup) {
        pthread_mutex_unlock(&tty->lock);
        return -EIO;
    }
    tty->slaves++;
    tty->slave_closed = false;
    pthread_mutex_unlock(&tty->lock);
    f->ops = &slave_fops;
    f->priv = tty_get(tty);
    f->fmode |= FILE_STREAM;
    if (may_ctty && !(flags & O_NOCTTY) && current_task)
        tty_open_set_ctty(tty, current_task, (flags & O_ACCMODE) != O_WRONLY);
    return 0;
}

/* Open of /dev/pts/N. */
static int pts_open(struct file *f, int flags)
{
    struct tty *tty = NULL;
    int r;

    pthread_mutex_lock(&devpts_lock);
    for (int i = 0; i < PTY_MAX && !tty; i++)
        if (ptys[i] && ptys[i]->node == f->inode)
            tty = tty_get(ptys[i]);
    pthread_mutex_unlock(&devpts_lock);
    if (!tty)
        return -EIO;
    r = slave_attach(tty, f, flags, true);
    tty_put(tty);
    return r;
}

/* A slave file of tty by its path (TIOCGPTPEER, the console). */
static int slave_open_file(struct tty *tty, int flags, struct fs_ctx *fs, struct file **out)
{
    struct vpath p;
    char path[32];
    struct file *f;
    int r;

    snprintf(path, sizeof(path), "%d", tty->index);
    {
        struct vpath root = { NULL, pts_root };
        pthread_mutex_lock(&vfs_lock);
        for (struct mount *m = vfs_mounts(); m && !root.mnt; m = m->next)
            if (m->root == pts_root)
                root.mnt = m;
        pthread_mutex_unlock(&vfs_lock);
        if (!root.mnt)
            return -EIO; /* /dev/pts is not mounted */
        if ((r = vfs_walk(fs, &root, path, 0, &p)))
            return r == -ENOENT ? -EIO : r;
    }
    f = file_new(&p, p.d->inode, (flags & ~(O_NOCTTY | O_CLOEXEC)) | O_LARGEFILE);
    vpath_put(&p);
    if ((r = slave_attach(tty, f, flags, false))) {
        file_put(f);
        return r;
    }
    *out = f;
    return 0;
}

/* Open of /dev/tty: the caller's controlling terminal. */
static int devtty_open(struct file *f, int flags)
{
    struct tty *tty;
    int r;

    if (!current_task || !(tty = ctty_of(current_task->proc)))
        return -ENXIO;
    r = slave_attach(tty, f, flags | O_NOCTTY, false);
    tty_put(tty);
    return r;
}

static const struct file_ops master_fops = {
    .read = m_read,
    .write = m_write,
    .poll = m_poll,
    .ioctl = m_ioctl,
    .release = m_release,
};

static const struct file_ops slave_fops = {
    .open = pts_open,
    .read = s_read,
    .write = s_write,
    .poll = s_poll,
    .ioctl = s_ioctl,
    .release = s_release,
};

const struct file_ops devpts_ptmx_fops = { .open = ptmx_open };
const struct file_ops devpts_tty_fops = { .open = devtty_open };

struct dentry *devpts_new(void)
{
    struct dentry *root = tmpfs_new("devpts", 0755);

    tmpfs_add(root->inode, "ptmx", S_IFCHR | 0000, makedev(5, 2), &devpts_ptmx_fops, NULL);
    pts_root = dentry_get(root);
    return root;
}

/* ---- the console of `sbx run -t` ----
 * Two Sentry threads pump bytes between the caller's stdin/stdout and the
 * console's master (host read and write only, both on the allow-list); a
 * third waits for sbx to report a SIGWINCH on a pipe and copies the host
 * terminal's size (TIOCGWINSZ, also allowed). */
static struct {
    struct tty *tty;
    struct file *master;
    int in, out, winch, wsfd;
    bool writing;
} con = { .in = -1, .out = -1, .winch = -1, .wsfd = -1 };

static void *con_input(void *arg)
{
    uint8_t buf[4096], eof;
    bool canon;
    ssize_t n;

    for (;;) {
        n = read(con.in, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        (void)tty_master_write(con.tty, buf, (size_t)n, false, NULL);
    }
    /* The caller's input ended: type the EOF character once, so a program
     * reading lines sees the end, as it would at a terminal. */
    pthread_mutex_lock(&con.tty->lock);
    canon = con.tty->tio.c_lflag & ICANON;
    eof = con.tty->tio.c_cc[VEOF];
    pthread_mutex_unlock(&con.tty->lock);
    if (canon && eof != _POSIX_VDISABLE)
        (void)tty_master_write(con.tty, &eof, 1, false, NULL);
    return NULL;
}

static void *con_output(void *arg)
{
    struct tty *tty = con.tty;
    uint8_t buf[4096];

    pthread_mutex_lock(&tty->lock);
    for (;;) {
        size_t n, done = 0;
        while (!tty->olen)
            pthread_cond_wait(&tty->kcv, &tty->lock);
        n = tty_take_output(tty, buf, sizeof(buf));
        con.writing = true;
        tty_wake(tty);
        pthread_mutex_unlock(&tty->lock);
        while (done < n) {
            ssize_t w = write(con.out, buf + done, n - done);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break; /* the caller's stdout is gone: drop the output */
            done += (size_t)w;
        }
        pthread_mutex_lock(&tty->lock);
        con.writing = false;
        pthread_cond_broadcast(&tty->kcv);
    }
    return NULL;
}

static void *con_winch(void *arg)
{
    for (;;) {
        struct winsize ws;
        char c;
        ssize_t n = read(con.winch, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        if (ioctl(con.wsfd, TIOCGWINSZ, &ws) == 0)
            tty_resize(con.tty, &ws);
    }
}

static void start_thread(void *(*fn)(void *))
{
    pthread_attr_t at;
    pthread_t th;

    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&at, 64 * 1024);
    if (pthread_create(&th, &at, fn, NULL))
        sb_warn("console: no thread: %s", strerror(errno));
    pthread_attr_destroy(&at);
}

int devpts_console_start(struct task *t, int host_in, int host_out, int winch_fd)
{
    struct winsize ws;
    struct file *s;
    int r;

    if ((r = vfs_open(t->fs, NULL, "/dev/ptmx", O_RDWR | O_NOCTTY, 0, &con.master)))
        return r;
    if (con.master->ops != &master_fops)
        return -ENODEV;
    con.tty = con.master->priv;
    con.tty->locked = false;
    if ((r = slave_open_file(con.tty, O_RDWR, t->fs, &s)))
        return r;
    for (int i = 0; i < 3; i++)
        (void)fdt_install_at(t->fdt, s, i, false);
    file_put(s);
    tty_set_ctty(con.tty, t);
    con.in = host_in;
    con.out = host_out;
    con.winch = winch_fd;
    if (host_in >= 0 && ioctl(host_in, TIOCGWINSZ, &ws) == 0)
        con.wsfd = host_in;
    else if (host_out >= 0 && ioctl(host_out, TIOCGWINSZ, &ws) == 0)
        con.wsfd = host_out;
    if (con.wsfd >= 0)
        con.tty->ws = ws;
    if (host_in >= 0)
        start_thread(con_input);
    if (host_out >= 0)
        start_thread(con_output);
    if (winch_fd >= 0 && con.wsfd >= 0)
        start_thread(con_winch);
    return 0;
}

void devpts_console_drain(void)
{
    struct tty *tty = con.tty;
    struct timespec dl;

    if (!tty || con.out < 0)
        return;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_sec += 5; /* a stuck reader of our stdout does not hold us longer */
    pthread_mutex_lock(&tty->lock);
    while (tty->olen || con.writing)
        if (pthread_cond_timedwait(&tty->kcv, &tty->lock, &dl))
            break;
    pthread_mutex_unlock(&tty->lock);
}
