/* sentry/syscalls/sys_aio.c: Linux native AIO: io_setup, io_submit,
 * io_getevents, io_pgetevents, io_cancel, io_destroy.
 *
 * A context is Linux's: a ring (struct aio_ring and its io_events) mapped
 * in the app's memory, whose address is the aio_context_t, so libaio and
 * user-space reapers can read it. The Sentry keeps the tail; the head is
 * read back from the ring (user space may consume events itself) and is
 * written there by io_getevents. Contexts belong to an address space
 * and die with it (exec, exit); fork's child shares the ring mapping (a
 * MAP_SHARED one, as Linux's) but not the context.
 *
 * Reads, writes and syncs are done inside io_submit through the same file
 * ops as preadv/pwritev (what Linux does for buffered files); their
 * result, an errno included, is the event's res. IOCB_CMD_POLL waits:
 * callback waiters on the file's wait queues hand it to one worker
 * thread (started at boot), which polls again and completes it (ring,
 * eventfd). Only POLL
 * requests are cancellable, as in Linux.
 *
 * Lock order: aio_lock -> mm->lock; aio_lock -> waitq locks -> work_mu.
 * A poll op is never called with aio_lock held.
 */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "lib/timespec.h"
#include "lib/xalloc.h"
#include "sentry/fs/fs.h"

#define AIO_RING_MAGIC 0xa10a10a1
#define AIO_MAX_NR 65536 /* /proc/sys/fs/aio-max-nr */
#define AIO_POLL_WAITS 4
#define RWF_AIO_ (RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND)
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

struct aio_ring {
    unsigned id, nr, head, tail;
    unsigned magic, compat_features, incompat_features, header_length;
};

struct aio_req;

struct aio_ctx {
    struct aio_ctx *next;
    int refs;        /* the table's and callers' (aio_lock) */
    bool dead;       /* destroyed: no more events, not found */
    struct mm *mm;   /* valid while !dead */
    uint64_t id;     /* the ring's address */
    uint64_t ring_len;
    unsigned nr;       /* ring entries */
    unsigned max_reqs; /* what io_setup asked: counted in aio-nr */
    unsigned tail, head; /* head: the last one seen (the ring's wins) */
    unsigned inflight;   /* submitted, not yet in the ring */
    uint64_t gen;        /* bumped per event put in the ring */
    struct aio_req *active; /* pending POLL requests */
    struct waitq wq;        /* io_getevents, io_destroy */
};

struct aio_poll_wait {
    struct waiter w; /* first: the callback finds the request from it */
    struct waitq *wq;
    struct aio_req *req;
};

struct aio_req {
    int refs; /* atomic */
    struct aio_ctx *ctx;
    struct aio_req *next;      /* in ctx->active (aio_lock) */
    struct aio_req *work_next; /* in the worker's list (work_mu) */
    bool queued;               /* in the worker's list (work_mu) */
    bool done;                 /* completed or cancelled (aio_lock) */
    struct file *file, *resfd;
    unsigned events;
    struct io_event ev;
    int nwaits;
    struct aio_poll_wait waits[AIO_POLL_WAITS];
};

static pthread_mutex_t aio_lock = PTHREAD_MUTEX_INITIALIZER;
static struct aio_ctx *aio_ctxs;
static unsigned long aio_nr;

static pthread_mutex_t work_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER;
static struct aio_req *work_head;

unsigned long aio_nr_get(void)
{
    unsigned long n;

    pthread_mutex_lock(&aio_lock);
    n = aio_nr;
    pthread_mutex_unlock(&aio_lock);
    return n;
}

/* ---- contexts ---- */

static void ctx_put(struct aio_ctx *c) /* aio_lock held */
{
    if (--c->refs == 0)
        free(c);
}

static struct aio_ctx *ctx_find(struct mm *mm, uint64_t id) /* aio_lock held; a reference */
{
    for (struct aio_ctx *c = aio_ctxs; c; c = c->next)
        if (c->mm == mm && c->id == id && !c->dead) {
            c->refs++;
            return c;
        }
    return NULL;
}

static void req_put(struct aio_req *r)
{
    if (__atomic_sub_fetch(&r->refs, 1, __ATOMIC_ACQ_REL))
        return;
    if (r->file)
        file_put(r->file);
    if (r->resfd)
        file_put(r->resfd);
    free(r);
}

static void req_unwait(struct aio_req *r)
{
    for (int i = 0; i < r->nwaits; i++)
        waitq_del(r->waits[i].wq, &r->waits[i].w);
    r->nwaits = 0;
}

/* The ring's head as user space left it (aio_lock held). */
static unsigned ring_head(struct aio_ctx *c)
{
    unsigned h;

    if (!mm_copy_in(c->mm, &h, c->id + offsetof(struct aio_ring, head), sizeof(h)))
        c->head = h % c->nr;
    return c->head;
}

/* Put an event in c's ring, signal its eventfd and wake the waiters
 * (aio_lock held; dropped on a dead context). */
static void ring_put(struct aio_ctx *c, const struct io_event *ev, struct file *resfd)
{
    if (c->dead)
        return;
    /* An unmapped ring loses the event, as the app asked for. */
    if (!mm_copy_out(c->mm, c->id + sizeof(struct aio_ring) + (uint64_t)c->tail * sizeof(*ev), ev,
                     sizeof(*ev))) {
        c->tail = (c->tail + 1) % c->nr;
        if (mm_copy_out(c->mm, c->id + offsetof(struct aio_ring, tail), &c->tail,
                        sizeof(c->tail))) {
            /* the header went: the Sentry's tail still counts */
        }
    }
    c->gen++;
    if (resfd)
        eventfd_signal(resfd, 1);
    waitq_wake_all(&c->wq);
}

/* Cancel (no event) the pending POLL requests of a context going away. */
static void ctx_kill(struct aio_ctx *c) /* aio_lock held */
{
    struct aio_req *r;

    c->dead = true;
    aio_nr -= c->max_reqs;
    while ((r = c->active)) {
        c->active = r->next;
        r->done = true;
        req_unwait(r);
        req_put(r);
    }
    for (struct aio_ctx **pp = &aio_ctxs; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    waitq_wake_all(&c->wq);
    ctx_put(c); /* the table's */
}

static void aio_mm_release(struct mm *mm)
{
    pthread_mutex_lock(&aio_lock);
    for (struct aio_ctx *c = aio_ctxs, *n; c; c = n) {
        n = c->next;
        if (c->mm == mm)
            ctx_kill(c);
    }
    pthread_mutex_unlock(&aio_lock);
}


long sys_io_setup(struct task *t, const struct syscall_args *a)
{
    unsigned nr_events = (unsigned)a->a[0], n;
    struct aio_ring ring = { .id = ~0u, .magic = AIO_RING_MAGIC, .compat_features = 1,
                             .header_length = sizeof(ring) };
    uint64_t cur, len;
    struct aio_ctx *c;
    long addr;

    if (mm_copy_in(t->mm, &cur, a->a[1], sizeof(cur)))
        return -EFAULT;
    if (cur || !nr_events)
        return -EINVAL;
    /* Linux's sizing: room for per-CPU batches, doubled (unsigned). */
    n = SB_MAX(nr_events, (unsigned)(t->k->ncpus > 0 ? t->k->ncpus : 1) * 4) * 2;
    if (n > 0x10000000u / sizeof(struct io_event))
        return -EINVAL;
    if (!n || nr_events > AIO_MAX_NR)
        return -EAGAIN;
    len = (sizeof(ring) + (uint64_t)(n + 2) * sizeof(struct io_event) + MM_PAGE - 1) &
          ~(MM_PAGE - 1);
    ring.nr = (unsigned)((len - sizeof(ring)) / sizeof(struct io_event));
    addr = mm_mmap(t->mm, 0, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, NULL, 0);
    if (addr < 0)
        return addr;
    if (mm_copy_out(t->mm, (uint64_t)addr, &ring, sizeof(ring))) {
        (void)mm_munmap(t->mm, (uint64_t)addr, len);
        return -ENOMEM;
    }
    pthread_mutex_lock(&aio_lock);
    if (aio_nr + nr_events > AIO_MAX_NR) {
        pthread_mutex_unlock(&aio_lock);
        (void)mm_munmap(t->mm, (uint64_t)addr, len);
        return -EAGAIN;
    }
    c = xzalloc(sizeof(*c));
    c->refs = 1;
    c->mm = t->mm;
    c->id = (uint64_t)addr;
    c->ring_len = len;
    c->nr = ring.nr;
    c->max_reqs = nr_events;
    waitq_init(&c->wq);
    c->next = aio_ctxs;
    aio_ctxs = c;
    aio_nr += nr_events;
    pthread_mutex_unlock(&aio_lock);
    if (mm_copy_out(t->mm, a->a[1], &c->id, sizeof(c->id))) {
        pthread_mutex_lock(&aio_lock);
        ctx_kill(c);
        pthread_mutex_unlock(&aio_lock);
        (void)mm_munmap(t->mm, (uint64_t)addr, len);
        return -EFAULT;
    }
    return 0;
}

static bool idle_cond(void *arg)
{
    struct aio_ctx *c = arg;
    bool idle;

    pthread_mutex_lock(&aio_lock);
    idle = c->inflight == 0;
    pthread_mutex_unlock(&aio_lock);
    return idle;
}

long sys_io_destroy(struct task *t, const struct syscall_args *a)
{
    struct aio_ctx *c;
    uint64_t id, len;

    pthread_mutex_lock(&aio_lock);
    if (!(c = ctx_find(t->mm, a->a[0]))) {
        pthread_mutex_unlock(&aio_lock);
        return -EINVAL;
    }
    id = c->id;
    len = c->ring_len;
    ctx_kill(c);
    pthread_mutex_unlock(&aio_lock);
    (void)mm_munmap(t->mm, id, len);
    /* Linux waits for the requests still running (uninterruptibly): a
     * signal ends the wait here, the requests finish into nothing. */
    (void)task_wait_event(t, &c->wq, idle_cond, c, NULL);
    pthread_mutex_lock(&aio_lock);
    ctx_put(c);
    pthread_mutex_unlock(&aio_lock);
    return 0;
}

/* ---- IOCB_CMD_POLL ---- */


static bool poll_wake(struct waiter *w) /* under the file's waitq lock */
{
    struct aio_req *r = ((struct aio_poll_wait *)w)->req;

    pthread_mutex_lock(&work_mu);
    if (!r->queued) {
        r->queued = true;
        __atomic_add_fetch(&r->refs, 1, __ATOMIC_RELAXED);
        r->work_next = work_head;
        work_head = r;
        pthread_cond_signal(&work_cv);
    }
    pthread_mutex_unlock(&work_mu);
    return true;
}

static void poll_queue(struct poll_req *pr, struct waitq *wq)
{
    struct aio_req *r = pr->priv;
    struct aio_poll_wait *pw;

    if (r->nwaits >= AIO_POLL_WAITS)
        return;
    pw = &r->waits[r->nwaits++];
    pw->req = r;
    pw->wq = wq;
    pw->w.fn = poll_wake;
    pw->w.exclusive = false;
    waitq_add_fn(wq, &pw->w);
}

/* Complete r with mask unless it is done already (aio_lock held). */
static void poll_complete(struct aio_req *r, unsigned mask)
{
    struct aio_ctx *c = r->ctx;

    if (r->done)
        return;
    r->done = true;
    r->ev.res = mask;
    ring_put(c, &r->ev, r->resfd);
    for (struct aio_req **pp = &c->active; *pp; pp = &(*pp)->next)
        if (*pp == r) {
            *pp = r->next;
            req_put(r); /* the active list's: may be the last */
            break;
        }
}

static void *worker_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct aio_req *r;
        unsigned mask;

        pthread_mutex_lock(&work_mu);
        while (!work_head)
            pthread_cond_wait(&work_cv, &work_mu);
        r = work_head;
        work_head = r->work_next;
        r->queued = false;
        pthread_mutex_unlock(&work_mu);
        if (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
            /* Linux reports the wake-up's key, the file's readiness
             * not masked by the events asked for: the nearest here is
             * the whole poll mask. */
            mask = vfs_poll(r->file, NULL) & ~VFS_POLL_NONE;
            pthread_mutex_lock(&aio_lock);
            if ((mask & r->events) && !r->done) {
                req_unwait(r);
                poll_complete(r, mask);
            }
            pthread_mutex_unlock(&aio_lock);
        }
        req_put(r);
    }
    return NULL;
}

int aio_init(void)
{
    pthread_t th;
    int r;

    mm_release_hook = aio_mm_release;
    if ((r = pthread_create(&th, NULL, worker_main, NULL)))
        return -r;
    pthread_detach(th);
    return 0;
}

static int submit_poll(struct task *t, struct aio_ctx *c, struct aio_req *r,
                       const struct iocb *cb)
{
    struct poll_req pr = { .t = t, .queue = poll_queue, .priv = r };
    unsigned mask;

    if ((uint16_t)cb->aio_buf != cb->aio_buf)
        return -EINVAL;
    if (cb->aio_offset || cb->aio_nbytes || cb->aio_rw_flags)
        return -EINVAL;
    r->events = (unsigned)cb->aio_buf | POLLERR | POLLHUP;
    r->refs = 2; /* the submitter's and the active list's */
    mask = vfs_poll(r->file, &pr) & r->events & ~VFS_POLL_NONE;
    pthread_mutex_lock(&aio_lock);
    r->next = c->active;
    c->active = r;
    if (mask) {
        req_unwait(r);
        poll_complete(r, mask);
    }
    pthread_mutex_unlock(&aio_lock);
    if (!mask && r->nwaits)
        poll_wake(&r->waits[0].w); /* a wake-up before it was listed is not lost */
    req_put(r);
    return 0;
}

/* ---- io_submit ---- */

/* The read/write/sync of one iocb; its result is the event's res. */
static long do_rw(struct task *t, struct file *f, const struct iocb *cb, const struct iovec *iov,
                  uint64_t cnt)
{
    int64_t off = cb->aio_offset;
    bool wr = cb->aio_lio_opcode == IOCB_CMD_PWRITE || cb->aio_lio_opcode == IOCB_CMD_PWRITEV;
    struct stat st;
    long r;

    if (f->fmode & FILE_STREAM) {
        off = -1; /* pipes and sockets have no position to honour */
    } else if (wr && ((cb->aio_rw_flags & RWF_APPEND) || (f->flags & O_APPEND))) {
        if ((r = vfs_getattr(f->inode, &st)))
            return r;
        off = st.st_size;
    }
    r = sys_rw_iov(t, f, iov, cnt, off, wr);
    if (r == -ERESTARTSYS || r == -ERESTARTNOHAND || r == -ERESTARTNOINTR)
        r = -EINTR;
    return r;
}

static int check_rw(struct task *t, struct file *f, const struct iocb *cb, struct iovec **iov,
                    uint64_t *cnt)
{
    bool wr = cb->aio_lio_opcode == IOCB_CMD_PWRITE || cb->aio_lio_opcode == IOCB_CMD_PWRITEV;
    bool vec = cb->aio_lio_opcode == IOCB_CMD_PREADV || cb->aio_lio_opcode == IOCB_CMD_PWRITEV;
    int r;

    if ((cb->aio_flags & IOCB_FLAG_IOPRIO) && (r = sys_ioprio_check(t, cb->aio_reqprio)))
        return r;
    if ((uint32_t)cb->aio_rw_flags & ~(uint32_t)RWF_AIO_)
        return -EOPNOTSUPP;
    if (wr ? (f->flags & O_ACCMODE) == O_RDONLY : (f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    if (S_ISDIR(f->inode->mode) || (wr ? !f->ops->write : !f->ops->read))
        return -EINVAL;
    if (!vec) {
        *cnt = 1;
        *iov = xzalloc(sizeof(**iov));
        (*iov)->iov_base = (void *)cb->aio_buf;
        (*iov)->iov_len = cb->aio_nbytes;
    } else {
        if (cb->aio_nbytes > 1024)
            return -EINVAL;
        *cnt = cb->aio_nbytes;
        *iov = xzalloc(sizeof(**iov) * (*cnt ? *cnt : 1));
        if (*cnt && mm_copy_in(t->mm, *iov, cb->aio_buf, sizeof(**iov) * *cnt))
            return -EFAULT;
        for (uint64_t i = 0; i < *cnt; i++)
            if ((ssize_t)(*iov)[i].iov_len < 0)
                return -EINVAL;
    }
    if (cb->aio_offset < 0 && !(f->fmode & FILE_STREAM))
        return -EINVAL;
    return 0;
}

/* Reserve a ring slot for a request: Linux keeps one free. */
static int slot_get(struct aio_ctx *c) /* aio_lock held */
{
    unsigned queued = (c->tail + c->nr - ring_head(c)) % c->nr;

    if (c->dead || queued + c->inflight + 1 >= c->nr)
        return -EAGAIN;
    c->inflight++;
    return 0;
}

static int submit_one(struct task *t, struct aio_ctx *c, uint64_t ucb)
{
    _cleanup_free_ struct iovec *iov = NULL;
    struct aio_req *r;
    struct iocb cb;
    uint64_t cnt = 0;
    uint32_t key = 0;
    int err;
    long res;

    if (mm_copy_in(t->mm, &cb, ucb, sizeof(cb)))
        return -EFAULT;
    if (cb.aio_reserved2 || (int64_t)cb.aio_nbytes < 0)
        return -EINVAL;
    pthread_mutex_lock(&aio_lock);
    err = slot_get(c);
    pthread_mutex_unlock(&aio_lock);
    if (err)
        return err;
    r = xzalloc(sizeof(*r));
    r->refs = 1;
    r->ctx = c;
    r->ev.data = cb.aio_data;
    r->ev.obj = ucb;
    if (!(r->file = fdt_get(t->fdt, (int)cb.aio_fildes)) || !r->file->ops) {
        err = -EBADF;
        goto out;
    }
    if (cb.aio_flags & IOCB_FLAG_RESFD) {
        r->resfd = fdt_get(t->fdt, (int)cb.aio_resfd);
        if (!r->resfd || !eventfd_is(r->resfd)) {
            err = r->resfd ? -EINVAL : -EBADF;
            goto out;
        }
    }
    if (mm_copy_out(t->mm, ucb + offsetof(struct iocb, aio_key), &key, sizeof(key))) {
        err = -EFAULT;
        goto out;
    }
    switch (cb.aio_lio_opcode) {
    case IOCB_CMD_PREAD:
    case IOCB_CMD_PWRITE:
    case IOCB_CMD_PREADV:
    case IOCB_CMD_PWRITEV:
        if ((err = check_rw(t, r->file, &cb, &iov, &cnt)))
            goto out;
        res = do_rw(t, r->file, &cb, iov, cnt);
        break;
    case IOCB_CMD_FSYNC:
    case IOCB_CMD_FDSYNC:
        if (cb.aio_buf || cb.aio_offset || cb.aio_nbytes || cb.aio_rw_flags ||
            (!r->file->ops->fsync && (r->file->fmode & FILE_STREAM))) {
            err = -EINVAL;
            goto out;
        }
        res = r->file->ops->fsync ? r->file->ops->fsync(r->file, cb.aio_lio_opcode == IOCB_CMD_FDSYNC)
                                  : 0;
        break;
    case IOCB_CMD_POLL:
        pthread_mutex_lock(&aio_lock);
        c->inflight--; /* a POLL request holds its place on the active list */
        pthread_mutex_unlock(&aio_lock);
        if ((err = submit_poll(t, c, r, &cb))) {
            req_put(r);
            return err;
        }
        return 0;
    default:
        err = -EINVAL;
        goto out;
    }
    r->ev.res = res;
    pthread_mutex_lock(&aio_lock);
    c->inflight--;
    ring_put(c, &r->ev, r->resfd);
    if (c->dead)
        waitq_wake_all(&c->wq); /* io_destroy waits for the last one */
    pthread_mutex_unlock(&aio_lock);
    req_put(r);
    return 0;
out:
    pthread_mutex_lock(&aio_lock);
    c->inflight--;
    pthread_mutex_unlock(&aio_lock);
    req_put(r);
    return err;
}

long sys_io_submit(struct task *t, const struct syscall_args *a)
{
    long nr = (long)a->a[1], i;
    struct aio_ctx *c;
    int err = 0;

    if (nr < 0)
        return -EINVAL;
    pthread_mutex_lock(&aio_lock);
    c = ctx_find(t->mm, a->a[0]);
    pthread_mutex_unlock(&aio_lock);
    if (!c)
        return -EINVAL;
    if (nr > (long)c->nr)
        nr = c->nr;
    for (i = 0; i < nr; i++) {
        uint64_t ucb;
        if (mm_copy_in(t->mm, &ucb, a->a[2] + (uint64_t)i * 8, 8)) {
            err = -EFAULT;
            break;
        }
        if ((err = submit_one(t, c, ucb)))
            break;
    }
    pthread_mutex_lock(&aio_lock);
    ctx_put(c);
    pthread_mutex_unlock(&aio_lock);
    return i ? i : err;
}

/* ---- io_cancel ---- */

long sys_io_cancel(struct task *t, const struct syscall_args *a)
{
    struct aio_ctx *c;
    uint32_t key;
    long r = -EINVAL;

    if (mm_copy_in(t->mm, &key, a->a[1] + offsetof(struct iocb, aio_key), sizeof(key)))
        return -EFAULT;
    if (key)
        return -EINVAL;
    pthread_mutex_lock(&aio_lock);
    if ((c = ctx_find(t->mm, a->a[0]))) {
        for (struct aio_req *q = c->active; q; q = q->next)
            if (q->ev.obj == a->a[1]) {
                req_unwait(q);
                poll_complete(q, 0);
                r = -EINPROGRESS; /* the event comes through the ring */
                break;
            }
        ctx_put(c);
    }
    pthread_mutex_unlock(&aio_lock);
    return r;
}

/* ---- io_getevents ---- */

/* Move up to max events from the ring to uevents: the count or -EFAULT. */
static long read_ring(struct aio_ctx *c, uint64_t uevents, long max) /* aio_lock held */
{
    unsigned head = ring_head(c);
    long n = 0;

    while (n < max && head != c->tail) {
        struct io_event ev;
        if (mm_copy_in(c->mm, &ev, c->id + sizeof(struct aio_ring) + (uint64_t)head * sizeof(ev),
                       sizeof(ev)) ||
            mm_copy_out(c->mm, uevents + (uint64_t)n * sizeof(ev), &ev, sizeof(ev))) {
            if (!n)
                return -EFAULT;
            break;
        }
        head = (head + 1) % c->nr;
        n++;
    }
    if (n) {
        c->head = head;
        if (mm_copy_out(c->mm, c->id + offsetof(struct aio_ring, head), &head, sizeof(head))) {
            /* the header went: c->head still counts */
        }
    }
    return n;
}

struct gen_wait {
    struct aio_ctx *c;
    uint64_t gen;
};

static bool gen_cond(void *arg)
{
    struct gen_wait *w = arg;
    bool moved;

    pthread_mutex_lock(&aio_lock);
    moved = w->c->gen != w->gen || w->c->dead;
    pthread_mutex_unlock(&aio_lock);
    return moved;
}

static long getevents(struct task *t, const struct syscall_args *a, const struct timespec *rel)
{
    long min_nr = (long)a->a[1], nr = (long)a->a[2], got = 0, n;
    struct timespec dl;
    struct gen_wait w;
    bool poll_once = rel && (rel->tv_sec < 0 || (!rel->tv_sec && rel->tv_nsec <= 0));
    int r;

    pthread_mutex_lock(&aio_lock);
    if (!(w.c = ctx_find(t->mm, a->a[0]))) {
        pthread_mutex_unlock(&aio_lock);
        return -EINVAL;
    }
    if (min_nr > nr || min_nr < 0) {
        ctx_put(w.c);
        pthread_mutex_unlock(&aio_lock);
        return -EINVAL;
    }
    if (rel && !poll_once) {
        ts_deadline_in(&dl, rel);
    }
    for (;;) {
        n = w.c->dead ? -EINVAL : read_ring(w.c, a->a[3] + (uint64_t)got * sizeof(struct io_event),
                                            nr - got);
        if (n > 0)
            got += n;
        if (n < 0 || got >= min_nr || poll_once) {
            if (!got)
                got = n < 0 ? n : 0;
            break;
        }
        w.gen = w.c->gen;
        pthread_mutex_unlock(&aio_lock);
        r = task_wait_event(t, &w.c->wq, gen_cond, &w, rel ? &dl : NULL);
        pthread_mutex_lock(&aio_lock);
        if (r) { /* a signal or the timeout: what came so far */
            if (!got && r != -ETIMEDOUT)
                got = -EINTR;
            break;
        }
    }
    ctx_put(w.c);
    pthread_mutex_unlock(&aio_lock);
    return got;
}

long sys_io_getevents(struct task *t, const struct syscall_args *a)
{
    struct timespec rel;

    if (a->a[4] && mm_copy_in(t->mm, &rel, a->a[4], sizeof(rel)))
        return -EFAULT;
    return getevents(t, a, a->a[4] ? &rel : NULL);
}

long sys_io_pgetevents(struct task *t, const struct syscall_args *a)
{
    struct {
        uint64_t sigmask, size;
    } us;
    struct timespec rel;
    uint64_t m;
    long r;

    if (a->a[4] && mm_copy_in(t->mm, &rel, a->a[4], sizeof(rel)))
        return -EFAULT;
    if (a->a[5] && mm_copy_in(t->mm, &us, a->a[5], sizeof(us)))
        return -EFAULT;
    if (a->a[5] && us.sigmask) {
        if (us.size != 8)
            return -EINVAL;
        if (mm_copy_in(t->mm, &m, us.sigmask, 8))
            return -EFAULT;
        t->saved_sigmask = t->sigmask;
        t->restore_sigmask = true;
        t->sigmask = m & ~UNBLOCKABLE;
    }
    r = getevents(t, a, a->a[4] ? &rel : NULL);
    if (r == -EINTR)
        return -ERESTARTNOHAND; /* the handler runs under the temporary mask */
    if (t->restore_sigmask && !task_signal_pending(t)) {
        t->sigmask = t->saved_sigmask;
        t->restore_sigmask = false;
    }
    return r;
}
