/* sentry/fs/inotify.c: inotify(7) for changes made inside the sandbox.
 *
 * A watch ties an instance to an inode (it holds a reference) and sits on
 * two lists: the inode's (ino->watches, walked by vfs_notify for every
 * event) and the instance's. Events queue on the instance, identical
 * consecutive ones coalesced, at most INOTIFY_QMAX (then one overflow
 * event). The host never takes part: only what the Sentry's own file
 * systems see happen is reported.
 * Lock order: anything -> ino_lock (leaf; the instance's waitq is woken
 * after it is dropped).
 */
#include "sentry/fs/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>

#include "lib/xalloc.h"
#include "sentry/kernel/kernel.h"

#define INOTIFY_QMAX 16384
#define INOTIFY_WATCH_MAX 65536

struct ievent {
    struct ievent *next;
    int wd;
    uint32_t mask, cookie, len; /* len: name bytes with NUL padding */
    char name[];
};

struct inotify_watch {
    struct inotify *in;
    struct inode *ino;
    int wd;
    uint32_t mask;
    struct inotify_watch *next_ino, *next_in;
};

struct inotify {
    struct ievent *head, *tail;
    size_t nevents, bytes;
    int next_wd;
    struct inotify_watch *watches;
    struct waitq wq;
};

static pthread_mutex_t ino_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t next_cookie;

uint32_t inotify_cookie(void)
{
    uint32_t c = __atomic_add_fetch(&next_cookie, 1, __ATOMIC_RELAXED);
    return c ? c : __atomic_add_fetch(&next_cookie, 1, __ATOMIC_RELAXED);
}

/* Queue an event (ino_lock held). */
static void queue(struct inotify *in, int wd, uint32_t mask, uint32_t cookie, const char *name)
{
    size_t nl = name ? strlen(name) : 0;
    uint32_t len = nl ? (uint32_t)((nl + 1 + 15) & ~15u) : 0;
    struct ievent *e, *t = in->tail;

    if (t && t->wd == wd && t->mask == mask && t->cookie == cookie &&
        ((!nl && !t->len) || (nl && t->len && !strcmp(t->name, name))))
        return; /* the same event again: coalesced, as Linux does */
    if (in->nevents >= INOTIFY_QMAX) {
        if (t && t->mask == IN_Q_OVERFLOW)
            return;
        wd = -1;
        mask = IN_Q_OVERFLOW;
        cookie = 0;
        len = 0;
        nl = 0;
    }
    e = xzalloc(sizeof(*e) + len);
    e->wd = wd;
    e->mask = mask;
    e->cookie = cookie;
    e->len = len;
    if (nl)
        memcpy(e->name, name, nl);
    if (in->tail)
        in->tail->next = e;
    else
        in->head = e;
    in->tail = e;
    in->nevents++;
    in->bytes += sizeof(struct inotify_event) + len;
}

/* Take w off its inode's list and its instance's (ino_lock held); the
 * caller puts the inode reference and frees w. */
static void unlink_watch(struct inotify_watch *w)
{
    struct inotify_watch **pp;

    for (pp = (struct inotify_watch **)&w->ino->watches; *pp; pp = &(*pp)->next_ino)
        if (*pp == w) {
            *pp = w->next_ino;
            break;
        }
    for (pp = &w->in->watches; *pp; pp = &(*pp)->next_in)
        if (*pp == w) {
            *pp = w->next_in;
            break;
        }
}

static void notify(struct inode *ino, uint32_t mask, const char *name, uint32_t cookie)
{
    struct inotify *woke[16];
    struct inotify_watch *dead = NULL;
    int nwoke = 0;

    pthread_mutex_lock(&ino_lock);
    for (struct inotify_watch *w = ino->watches, *next; w; w = next) {
        uint32_t m = mask & (w->mask | IN_ISDIR | IN_IGNORED | IN_UNMOUNT);
        next = w->next_ino;
        if (!(m & ~IN_ISDIR))
            continue;
        queue(w->in, w->wd, m, cookie, name);
        if (nwoke < 16)
            woke[nwoke++] = w->in;
        if ((w->mask & IN_ONESHOT) || (mask & IN_DELETE_SELF)) {
            /* The watch ends: IN_IGNORED follows. */
            queue(w->in, w->wd, IN_IGNORED, 0, NULL);
            unlink_watch(w);
            w->next_in = dead;
            dead = w;
        }
    }
    pthread_mutex_unlock(&ino_lock);
    for (int i = 0; i < nwoke; i++)
        waitq_wake_all(&woke[i]->wq);
    while (dead) {
        struct inotify_watch *w = dead;
        dead = w->next_in;
        inode_put(w->ino);
        free(w);
    }
}

/* ---- the instance file ---- */

static long in_read(struct file *f, void *buf, size_t n, uint64_t off);

static bool has_events(void *arg)
{
    struct inotify *in = arg;
    return __atomic_load_n(&in->nevents, __ATOMIC_ACQUIRE) > 0;
}

static long in_read(struct file *f, void *buf, size_t n, uint64_t off)
{
    struct inotify *in = f->priv;
    size_t done = 0;
    int r;

    for (;;) {
        pthread_mutex_lock(&ino_lock);
        if (in->head)
            break;
        pthread_mutex_unlock(&ino_lock);
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if ((r = task_wait_event(current_task, &in->wq, has_events, in, NULL)))
            return r;
    }
    while (in->head) {
        struct ievent *e = in->head;
        struct inotify_event ev = { .wd = e->wd, .mask = e->mask, .cookie = e->cookie,
                                    .len = e->len };
        size_t sz = sizeof(ev) + e->len;
        if (done + sz > n)
            break;
        memcpy((char *)buf + done, &ev, sizeof(ev));
        memcpy((char *)buf + done + sizeof(ev), e->name, e->len);
        done += sz;
        in->head = e->next;
        if (!in->head)
            in->tail = NULL;
        in->nevents--;
        in->bytes -= sz;
        free(e);
    }
    pthread_mutex_unlock(&ino_lock);
    return done ? (long)done : -EINVAL; /* the first event does not fit */
}

static unsigned in_poll(struct file *f, struct poll_req *pr)
{
    struct inotify *in = f->priv;

    if (pr)
        poll_wait(pr, &in->wq);
    return has_events(in) ? POLLIN | POLLRDNORM : 0;
}

static long in_ioctl(struct file *f, unsigned cmd, void *karg)
{
    struct inotify *in = f->priv;

    if (cmd != FIONREAD)
        return -ENOTTY;
    pthread_mutex_lock(&ino_lock);
    *(int *)karg = (int)SB_MIN(in->bytes, (size_t)INT32_MAX);
    pthread_mutex_unlock(&ino_lock);
    return 0;
}

static void in_release(struct file *f)
{
    struct inotify *in = f->priv;
    struct inotify_watch *w;

    pthread_mutex_lock(&ino_lock);
    while ((w = in->watches)) {
        unlink_watch(w);
        pthread_mutex_unlock(&ino_lock);
        inode_put(w->ino);
        free(w);
        pthread_mutex_lock(&ino_lock);
    }
    pthread_mutex_unlock(&ino_lock);
    while (in->head) {
        struct ievent *e = in->head;
        in->head = e->next;
        free(e);
    }
    free(in);
}

static const struct file_ops inotify_fops = {
    .read = in_read,
    .poll = in_poll,
    .ioctl = in_ioctl,
    .release = in_release,
};

int inotify_new(int flags, struct file **out)
{
    static struct super sb = { .fstype = "anon_inodefs", .dev = 0x0e };
    struct inotify *in;

    if (flags & ~(IN_NONBLOCK | IN_CLOEXEC))
        return -EINVAL;
    if (!vfs_notify_hook)
        vfs_notify_hook = notify;
    in = xzalloc(sizeof(*in));
    waitq_init(&in->wq);
    in->next_wd = 1;
    *out = anon_file_new(&sb, &inotify_fops, O_RDONLY | (flags & IN_NONBLOCK ? O_NONBLOCK : 0), in);
    return 0;
}

bool inotify_is(struct file *f)
{
    return f->ops == &inotify_fops;
}

int inotify_add(struct file *f, struct inode *ino, uint32_t mask)
{
    struct inotify *in = f->priv;
    struct inotify_watch *w;
    int wd, n = 0;

    pthread_mutex_lock(&ino_lock);
    for (w = in->watches; w; w = w->next_in, n++)
        if (w->ino == ino)
            break;
    if (w) {
        if (mask & IN_MASK_CREATE) {
            pthread_mutex_unlock(&ino_lock);
            return -EEXIST;
        }
        w->mask = (mask & IN_MASK_ADD) ? (w->mask | mask) : mask;
        w->mask &= ~(uint32_t)(IN_MASK_ADD | IN_MASK_CREATE);
        wd = w->wd;
        pthread_mutex_unlock(&ino_lock);
        return wd;
    }
    if (n >= INOTIFY_WATCH_MAX) {
        pthread_mutex_unlock(&ino_lock);
        return -ENOSPC;
    }
    w = xzalloc(sizeof(*w));
    w->in = in;
    w->ino = inode_get(ino);
    w->wd = wd = in->next_wd++;
    w->mask = mask & ~(uint32_t)(IN_MASK_ADD | IN_MASK_CREATE);
    w->next_ino = ino->watches;
    ino->watches = w;
    w->next_in = in->watches;
    in->watches = w;
    pthread_mutex_unlock(&ino_lock);
    return wd;
}

int inotify_rm(struct file *f, int wd)
{
    struct inotify *in = f->priv;
    struct inotify_watch *w;

    pthread_mutex_lock(&ino_lock);
    for (w = in->watches; w && w->wd != wd; w = w->next_in)
        ;
    if (!w) {
        pthread_mutex_unlock(&ino_lock);
        return -EINVAL;
    }
    queue(in, wd, IN_IGNORED, 0, NULL);
    unlink_watch(w);
    pthread_mutex_unlock(&ino_lock);
    waitq_wake_all(&in->wq);
    inode_put(w->ino);
    free(w);
    return 0;
}
