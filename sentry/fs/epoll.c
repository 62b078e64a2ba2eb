/* sentry/fs/epoll.c: epoll(7) instances: interest lists, a ready list fed
 * by wake-ups, level- and edge-triggered reporting, EPOLLONESHOT,
 * EPOLLEXCLUSIVE, nesting with loop checks.
 *
 * Readiness is tracked per item, as Linux does: adding an item polls its
 * file once with a poll_req whose queue hook puts a callback waiter on each
 * wait queue the file registers. A wake-up of such a queue runs ep_wake,
 * which appends the item to the instance's ready list (if it is armed and
 * not there yet) and wakes the instance's waiters. epoll_wait then polls
 * only the items on the ready list: level-triggered ones that are still
 * ready go back to its tail, edge-triggered ones leave it until their file
 * wakes them again, one-shot ones are disarmed. A wait costs O(ready
 * items), not O(registered items).
 *
 * Items point at their file without a reference: the file's last file_put
 * calls ep_file_release (vfs_epoll_release_hook), which removes them from
 * every instance first, as Linux's eventpoll_release does. So an fd that is
 * dup'd keeps its items; closing the last fd of the file removes them.
 *
 * Lock order (outermost first):
 *   ep_global (every change to an interest list or a file's ep_links,
 *              loop checks, instance and file release; changes hold
 *              ep->mtx too, so either lock keeps the lists still)
 *   -> ep->mtx (interest list, item events; held by ctl, wait and the
 *               instance's own poll; nested instances' mtx below an outer
 *               one's, the loop check keeps that a DAG)
 *   -> file locks (the items' poll ops) -> waitq locks
 *   -> ep->lock (the ready list; taken by ep_wake under a file's waitq
 *               lock, so nothing here polls or queues while holding it)
 *   -> waitq locks of ep->wq (woken after ep->lock is dropped) -> task wait_mu.
 * file_put is never called with an ep->mtx held (it may take ep_global).
 */
#include "sentry/fs/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "lib/xalloc.h"
#include "sentry/kernel/kernel.h"

#define EP_MAX_NESTS 4
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_EXCLUSIVE_OK                                                                            \
    (EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND | EPOLLERR |       \
     EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)

struct eventpoll;
struct epitem;

/* One wait queue an item's file registered, with the callback waiter. */
struct ep_pwq {
    struct waiter w; /* first: ep_wake gets it */
    struct waitq *wq;
    struct epitem *epi;
    struct ep_pwq *next;
};

struct epitem {
    struct eventpoll *ep;
    struct file *file; /* no reference: see ep_file_release */
    int fd;
    uint32_t events; /* ep->mtx and ep->lock to change; either to read */
    uint64_t data;
    struct ep_pwq *pwqs;
    struct epitem *hnext;         /* hash chain (ep_global) */
    struct epitem *prev, *next;   /* all items of ep (ep_global) */
    struct epitem *rprev, *rnext; /* ready list (ep->lock) */
    bool ready;                   /* on the ready list (ep->lock) */
    struct epitem *fprev, *fnext; /* file->ep_links (ep_global) */
};

struct eventpoll {
    pthread_mutex_t mtx;
    pthread_mutex_t lock;
    struct epitem *rdhead, *rdtail;
    size_t nready;
    struct epitem *items;
    struct epitem **hash;
    size_t nbuckets, nitems;
    struct waitq wq;   /* epoll_wait callers and pollers of this instance */
    struct file *file; /* its own (no reference) */
};

static pthread_mutex_t ep_global = PTHREAD_MUTEX_INITIALIZER;
uint64_t epoll_items_polled;
static const struct file_ops epoll_fops;

bool epoll_is(struct file *f)
{
    return f->ops == &epoll_fops;
}

size_t epoll_nitems(struct file *f)
{
    struct eventpoll *ep = f->priv;
    size_t n;

    pthread_mutex_lock(&ep->mtx);
    n = ep->nitems;
    pthread_mutex_unlock(&ep->mtx);
    return n;
}

/* ---- the ready list (ep->lock held) ---- */

static void rd_append(struct eventpoll *ep, struct epitem *epi)
{
    epi->rnext = NULL;
    epi->rprev = ep->rdtail;
    if (ep->rdtail)
        ep->rdtail->rnext = epi;
    else
        ep->rdhead = epi;
    ep->rdtail = epi;
    epi->ready = true;
    ep->nready++;
}

static void rd_unlink(struct eventpoll *ep, struct epitem *epi)
{
    if (epi->rprev)
        epi->rprev->rnext = epi->rnext;
    else
        ep->rdhead = epi->rnext;
    if (epi->rnext)
        epi->rnext->rprev = epi->rprev;
    else
        ep->rdtail = epi->rprev;
    epi->rprev = epi->rnext = NULL;
    epi->ready = false;
    ep->nready--;
}

/* Take the first ready item off the list (NULL: none). */
static struct epitem *rd_pop(struct eventpoll *ep)
{
    struct epitem *epi;

    pthread_mutex_lock(&ep->lock);
    epi = ep->rdhead;
    if (epi)
        rd_unlink(ep, epi);
    pthread_mutex_unlock(&ep->lock);
    return epi;
}

/* Queue epi as possibly ready and wake the instance's waiters. */
static bool mark_ready(struct eventpoll *ep, struct epitem *epi)
{
    bool armed;

    pthread_mutex_lock(&ep->lock);
    armed = epi->events & ~EP_PRIVATE_BITS;
    if (armed && !epi->ready)
        rd_append(ep, epi);
    pthread_mutex_unlock(&ep->lock);
    if (armed)
        waitq_wake_all(&ep->wq);
    return armed;
}

/* The callback on the items' wait queues (their waitq lock is held). */
static bool ep_wake(struct waiter *w)
{
    struct ep_pwq *pwq = (struct ep_pwq *)w;
    return mark_ready(pwq->epi->ep, pwq->epi);
}

/* The poll_req queue hook: a callback waiter on wq for the item. */
static void ep_queue(struct poll_req *pr, struct waitq *wq)
{
    struct epitem *epi = pr->priv;
    struct ep_pwq *pwq = xzalloc(sizeof(*pwq));

    pwq->wq = wq;
    pwq->epi = epi;
    pwq->w.fn = ep_wake;
    pwq->w.exclusive = epi->events & EPOLLEXCLUSIVE;
    pwq->next = epi->pwqs;
    epi->pwqs = pwq;
    waitq_add_fn(wq, &pwq->w);
}

/* The item's current events (of those it asks for), polling its file. */
static uint32_t item_poll(struct epitem *epi, struct poll_req *pr)
{
    __atomic_add_fetch(&epoll_items_polled, 1, __ATOMIC_RELAXED);
    return vfs_poll(epi->file, pr) & ~VFS_POLL_NONE & epi->events & ~EP_PRIVATE_BITS;
}

/* ---- the interest list (ep_global and ep->mtx held) ---- */

static size_t hash_of(struct file *f, int fd, size_t nbuckets)
{
    uint64_t h = ((uintptr_t)f >> 4) * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(unsigned)fd;
    h ^= h >> 29;
    return (size_t)(h * 0xbf58476d1ce4e5b9ULL >> 17) & (nbuckets - 1);
}

static struct epitem *find(struct eventpoll *ep, struct file *f, int fd)
{
    if (!ep->nbuckets)
        return NULL;
    for (struct epitem *e = ep->hash[hash_of(f, fd, ep->nbuckets)]; e; e = e->hnext)
        if (e->file == f && e->fd == fd)
            return e;
    return NULL;
}

static void hash_grow(struct eventpoll *ep)
{
    size_t n = ep->nbuckets ? ep->nbuckets * 2 : 16;
    struct epitem **h = xzalloc(n * sizeof(*h));

    for (struct epitem *e = ep->items; e; e = e->next) {
        size_t b = hash_of(e->file, e->fd, n);
        e->hnext = h[b];
        h[b] = e;
    }
    free(ep->hash);
    ep->hash = h;
    ep->nbuckets = n;
}

static void link_item(struct eventpoll *ep, struct epitem *epi)
{
    size_t b;

    if (ep->nitems + 1 > ep->nbuckets)
        hash_grow(ep);
    b = hash_of(epi->file, epi->fd, ep->nbuckets);
    epi->hnext = ep->hash[b];
    ep->hash[b] = epi;
    epi->next = ep->items;
    if (ep->items)
        ep->items->prev = epi;
    ep->items = epi;
    ep->nitems++;
    epi->fnext = epi->file->ep_links;
    if (epi->fnext)
        epi->fnext->fprev = epi;
    __atomic_store_n(&epi->file->ep_links, epi, __ATOMIC_RELEASE);
}

static void remove_item(struct eventpoll *ep, struct epitem *epi)
{
    struct epitem **pp;

    while (epi->pwqs) {
        struct ep_pwq *pwq = epi->pwqs;
        epi->pwqs = pwq->next;
        waitq_del(pwq->wq, &pwq->w); /* after this no ep_wake runs for it */
        free(pwq);
    }
    pthread_mutex_lock(&ep->lock);
    if (epi->ready)
        rd_unlink(ep, epi);
    pthread_mutex_unlock(&ep->lock);
    for (pp = &ep->hash[hash_of(epi->file, epi->fd, ep->nbuckets)]; *pp; pp = &(*pp)->hnext) {
        if (*pp == epi) {
            *pp = epi->hnext;
            break;
        }
    }
    if (epi->prev)
        epi->prev->next = epi->next;
    else
        ep->items = epi->next;
    if (epi->next)
        epi->next->prev = epi->prev;
    ep->nitems--;
    if (epi->fprev)
        epi->fprev->fnext = epi->fnext;
    else
        __atomic_store_n(&epi->file->ep_links, epi->fnext, __ATOMIC_RELEASE);
    if (epi->fnext)
        epi->fnext->fprev = epi->fprev;
    free(epi);
}

/* The last reference to f is going: its items leave every instance. */
static void ep_file_release(struct file *f)
{
    struct epitem *epi;

    pthread_mutex_lock(&ep_global);
    while ((epi = f->ep_links)) {
        struct eventpoll *ep = epi->ep;
        pthread_mutex_lock(&ep->mtx);
        remove_item(ep, epi);
        pthread_mutex_unlock(&ep->mtx);
    }
    pthread_mutex_unlock(&ep_global);
}

/* ---- nesting: loop and depth checks (ep_global held) ---- */

/* Depth of instances below ep (0: no epoll items), or -1 if `target` is
 * among them. */
static int depth_below(struct eventpoll *ep, struct eventpoll *target, int level)
{
    int max = 0;

    if (ep == target)
        return -1;
    if (level > EP_MAX_NESTS)
        return level;
    for (struct epitem *e = ep->items; e; e = e->next) {
        int d;
        if (!epoll_is(e->file))
            continue;
        d = depth_below(e->file->priv, target, level + 1);
        if (d < 0)
            return -1;
        max = SB_MAX(max, d + 1);
    }
    return max;
}

/* Depth of instances above the one whose file is f (0: in none). */
static int depth_above(struct file *f, int level)
{
    int max = 0;

    if (level > EP_MAX_NESTS)
        return level;
    for (struct epitem *e = f->ep_links; e; e = e->fnext)
        max = SB_MAX(max, 1 + depth_above(e->ep->file, level + 1));
    return max;
}

/* ---- epoll_wait ---- */

/* Report up to max ready events into evs; the count. (ep->mtx held) */
static int send_events(struct eventpoll *ep, struct epoll_event *evs, int max)
{
    size_t scan;
    int n = 0;

    pthread_mutex_lock(&ep->lock);
    scan = ep->nready;
    pthread_mutex_unlock(&ep->lock);
    while (scan-- && n < max) {
        struct epitem *epi = rd_pop(ep);
        uint32_t rev;

        if (!epi)
            break;
        /* Off the list before the poll: a wake-up from now on puts it back. */
        rev = item_poll(epi, NULL);
        if (!rev)
            continue;
        evs[n].events = rev;
        evs[n].data.u64 = epi->data;
        n++;
        pthread_mutex_lock(&ep->lock);
        if (epi->events & EPOLLONESHOT)
            epi->events &= EP_PRIVATE_BITS; /* disarmed until EPOLL_CTL_MOD */
        else if (!(epi->events & EPOLLET) && !epi->ready)
            rd_append(ep, epi); /* level-triggered: looked at again next time */
        pthread_mutex_unlock(&ep->lock);
    }
    return n;
}

int epoll_wait_file(struct task *t, struct file *f, struct epoll_event *evs, int max,
                    const struct timespec *deadline)
{
    struct eventpoll *ep = f->priv;
    bool once = deadline && !deadline->tv_sec && !deadline->tv_nsec;
    struct waiter w;
    bool avail;
    int n, r;

    for (;;) {
        pthread_mutex_lock(&ep->mtx);
        n = send_events(ep, evs, max);
        pthread_mutex_unlock(&ep->mtx);
        if (n || once)
            return n;
        waitq_add(&ep->wq, &w, t);
        pthread_mutex_lock(&ep->lock);
        avail = ep->rdhead != NULL;
        pthread_mutex_unlock(&ep->lock);
        r = avail ? 0 : task_block(t, deadline);
        waitq_del(&ep->wq, &w);
        if (r == -EINTR)
            return -EINTR;
        if (r == -ETIMEDOUT) {
            pthread_mutex_lock(&ep->mtx);
            n = send_events(ep, evs, max);
            pthread_mutex_unlock(&ep->mtx);
            return n;
        }
    }
}

/* ---- the instance as a file ---- */

/* Is any item ready? Non-ready items leave the ready list; ready ones stay
 * (nothing is consumed: this is a poll of the instance). (ep->mtx held) */
static bool any_ready(struct eventpoll *ep)
{
    size_t scan;
    bool found = false;

    pthread_mutex_lock(&ep->lock);
    scan = ep->nready;
    pthread_mutex_unlock(&ep->lock);
    while (scan-- && !found) {
        struct epitem *epi = rd_pop(ep);

        if (!epi)
            break;
        if (!item_poll(epi, NULL))
            continue;
        found = true;
        pthread_mutex_lock(&ep->lock);
        if (!epi->ready)
            rd_append(ep, epi);
        pthread_mutex_unlock(&ep->lock);
    }
    return found;
}

static unsigned ep_poll(struct file *f, struct poll_req *pr)
{
    struct eventpoll *ep = f->priv;
    bool r;

    if (pr)
        poll_wait(pr, &ep->wq);
    pthread_mutex_lock(&ep->mtx);
    r = any_ready(ep);
    pthread_mutex_unlock(&ep->mtx);
    return r ? POLLIN | POLLRDNORM : 0;
}

static int ep_fdinfo(struct file *f, char *buf, size_t cap)
{
    struct eventpoll *ep = f->priv;
    size_t len = 0;

    pthread_mutex_lock(&ep->mtx);
    for (struct epitem *e = ep->items; e && len < cap; e = e->next) {
        int n = snprintf(buf + len, cap - len,
                         "tfd: %8d events: %8x data: %16" PRIx64 "  pos:%" PRIu64 " ino:%" PRIx64
                         " sdev:%" PRIx64 "\n",
                         e->fd, e->events, e->data, e->file->pos, e->file->inode->ino,
                         e->file->inode->sb ? e->file->inode->sb->dev : 0);
        if (n < 0 || (size_t)n >= cap - len)
            break;
        len += (size_t)n;
    }
    pthread_mutex_unlock(&ep->mtx);
    return (int)len;
}

static void ep_release(struct file *f)
{
    struct eventpoll *ep = f->priv;

    pthread_mutex_lock(&ep_global);
    pthread_mutex_lock(&ep->mtx);
    while (ep->items)
        remove_item(ep, ep->items);
    pthread_mutex_unlock(&ep->mtx);
    pthread_mutex_unlock(&ep_global);
    free(ep->hash);
    free(ep);
}

static const struct file_ops epoll_fops = {
    .poll = ep_poll,
    .fdinfo = ep_fdinfo,
    .release = ep_release,
};

int epoll_new(int flags, struct file **out)
{
    static struct super sb = {.fstype = "eventpoll", .dev = 0x0e};
    struct eventpoll *ep;

    if (flags & ~EPOLL_CLOEXEC)
        return -EINVAL;
    if (!vfs_epoll_release_hook)
        vfs_epoll_release_hook = ep_file_release;
    ep = xzalloc(sizeof(*ep));
    pthread_mutex_init(&ep->mtx, NULL);
    pthread_mutex_init(&ep->lock, NULL);
    waitq_init(&ep->wq);
    *out = anon_file_new(&sb, &epoll_fops, O_RDWR, ep);
    ep->file = *out;
    return 0;
}

/* ---- epoll_ctl ---- */

static int ctl_add(struct eventpoll *ep, struct file *tf, int fd, const struct epoll_event *ev)
{
    struct epitem *epi;
    struct poll_req pr = {0};

    if (find(ep, tf, fd))
        return -EEXIST;
    epi = xzalloc(sizeof(*epi));
    epi->ep = ep;
    epi->file = tf;
    epi->fd = fd;
    epi->events = ev->events | EPOLLERR | EPOLLHUP;
    epi->data = ev->data.u64;
    link_item(ep, epi);
    pr.t = current_task;
    pr.queue = ep_queue;
    pr.priv = epi;
    if (item_poll(epi, &pr))
        mark_ready(ep, epi);
    return 0;
}

static int ctl_mod(struct eventpoll *ep, struct epitem *epi, const struct epoll_event *ev)
{
    if (epi->events & EPOLLEXCLUSIVE)
        return -EINVAL;
    pthread_mutex_lock(&ep->lock);
    epi->events = ev->events | EPOLLERR | EPOLLHUP;
    epi->data = ev->data.u64;
    pthread_mutex_unlock(&ep->lock);
    /* The waits stay registered; a file ready now is reported. */
    if (item_poll(epi, NULL))
        mark_ready(ep, epi);
    return 0;
}

int epoll_ctl_file(struct file *f, int op, struct file *tf, int fd, const struct epoll_event *ev)
{
    struct eventpoll *ep = f->priv;
    struct epitem *epi;
    int r;

    if (vfs_poll(tf, NULL) & VFS_POLL_NONE)
        return -EPERM;
    if (f == tf || !epoll_is(f))
        return -EINVAL;
    if ((op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD) && (ev->events & EPOLLEXCLUSIVE)) {
        if (op == EPOLL_CTL_MOD)
            return -EINVAL;
        if (epoll_is(tf) || (ev->events & ~EP_EXCLUSIVE_OK))
            return -EINVAL;
    }
    if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL)
        return -EINVAL;
    /* MOD changes no list: the instance's mtx is enough to read them
     * (every change holds both locks). */
    if (op != EPOLL_CTL_MOD)
        pthread_mutex_lock(&ep_global);
    if (op == EPOLL_CTL_ADD && epoll_is(tf)) {
        int below = depth_below(tf->priv, ep, 0);
        if (below < 0 || below + 1 + depth_above(f, 0) > EP_MAX_NESTS) {
            pthread_mutex_unlock(&ep_global);
            return -ELOOP;
        }
    }
    pthread_mutex_lock(&ep->mtx);
    epi = find(ep, tf, fd);
    switch (op) {
    case EPOLL_CTL_ADD:
        r = epi ? -EEXIST : ctl_add(ep, tf, fd, ev);
        break;
    case EPOLL_CTL_DEL:
        r = -ENOENT;
        if (epi) {
            remove_item(ep, epi);
            r = 0;
        }
        break;
    default:
        r = epi ? ctl_mod(ep, epi, ev) : -ENOENT;
        break;
    }
    pthread_mutex_unlock(&ep->mtx);
    if (op != EPOLL_CTL_MOD)
        pthread_mutex_unlock(&ep_global);
    return r;
}
