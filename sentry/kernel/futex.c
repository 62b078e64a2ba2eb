/* sentry/kernel/futex.c: futexes: wait, wake, requeue, wake_op, bitsets.
 *
 * Waiters hash by key: (mm, address) for private memory, the MemoryFile
 * offset for shared memory (so processes sharing pages meet). The value
 * check of a wait and the wake both run under the bucket lock, so a wake
 * after the app changed the word never misses a waiter.
 * PI futexes are not provided (ENOSYS). Lock order: bucket lock -> mm lock.
 */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <linux/futex.h>
#include <string.h>
#include <time.h>

#include "lib/timespec.h"

#define NBUCKETS 256

struct fwaiter {
    struct fwaiter *next, *prev;
    const void *space; /* mm for private keys, NULL for shared */
    uint64_t key;
    uint32_t bitset;
    struct task *t;
    bool woken;
};

struct bucket {
    pthread_mutex_t lock;
    struct fwaiter *head;
};

static struct bucket buckets[NBUCKETS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_buckets(void)
{
    for (int i = 0; i < NBUCKETS; i++)
        pthread_mutex_init(&buckets[i].lock, NULL);
}

static struct bucket *bucket_of(const void *space, uint64_t key)
{
    uint64_t h = key ^ ((uint64_t)(uintptr_t)space * 0x9e3779b97f4a7c15ULL);
    h ^= h >> 29;
    return &buckets[(h * 0xbf58476d1ce4e5b9ULL >> 56) % NBUCKETS];
}

struct fkey {
    const void *space;
    uint64_t key;
};

static int get_key(struct task *t, uint64_t uaddr, bool private_flag, struct fkey *k)
{
    bool shared = false;
    int r;

    if (uaddr & 3)
        return -EINVAL;
    if (private_flag) {
        k->space = t->mm;
        k->key = uaddr;
        return 0;
    }
    if ((r = mm_futex_key(t->mm, uaddr, &k->key, &shared)))
        return r;
    k->space = shared ? NULL : (const void *)t->mm;
    return 0;
}

static void unlink_w(struct bucket *b, struct fwaiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        b->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->next = w->prev = NULL;
}

static void link_w(struct bucket *b, struct fwaiter *w)
{
    /* FIFO: append */
    struct fwaiter **pp = &b->head, *last = NULL;
    while (*pp) {
        last = *pp;
        pp = &(*pp)->next;
    }
    w->prev = last;
    w->next = NULL;
    *pp = w;
}

struct read_arg {
    uint32_t v;
};

static void read_u32(uint32_t *p, void *arg)
{
    ((struct read_arg *)arg)->v = __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static long futex_wait(struct task *t, uint64_t uaddr, bool priv, uint32_t val,
                       const struct timespec *deadline, uint32_t bitset)
{
    struct fkey k;
    struct fwaiter w = { 0 };
    struct bucket *b;
    struct read_arg ra;
    int r;

    if (!bitset)
        return -EINVAL;
    if ((r = get_key(t, uaddr, priv, &k)))
        return r;
    b = bucket_of(k.space, k.key);
    pthread_mutex_lock(&b->lock);
    if ((r = mm_with_u32(t->mm, uaddr, false, read_u32, &ra))) {
        pthread_mutex_unlock(&b->lock);
        return r;
    }
    if (ra.v != val) {
        pthread_mutex_unlock(&b->lock);
        return -EAGAIN;
    }
    w.space = k.space;
    w.key = k.key;
    w.bitset = bitset;
    w.t = t;
    link_w(b, &w);
    pthread_mutex_unlock(&b->lock);

    for (;;) {
        r = task_block(t, deadline);
        pthread_mutex_lock(&b->lock);
        if (w.woken) {
            pthread_mutex_unlock(&b->lock);
            return 0;
        }
        if (r) {
            /* The waiter may have been requeued to another bucket. */
            struct bucket *cur = bucket_of(w.space, w.key);
            if (cur != b) {
                pthread_mutex_unlock(&b->lock);
                b = cur;
                pthread_mutex_lock(&b->lock);
                if (w.woken) {
                    pthread_mutex_unlock(&b->lock);
                    return 0;
                }
            }
            unlink_w(b, &w);
            pthread_mutex_unlock(&b->lock);
            if (r == -ETIMEDOUT)
                return -ETIMEDOUT;
            return deadline ? -EINTR : -ERESTARTSYS;
        }
        /* Woken for another reason (a stale wake): wait again. */
        {
            struct bucket *cur = bucket_of(w.space, w.key);
            pthread_mutex_unlock(&b->lock);
            b = cur;
        }
    }
}

static int wake_key(const struct fkey *k, int n, uint32_t bitset)
{
    struct bucket *b = bucket_of(k->space, k->key);
    struct fwaiter *w, *next;
    int woken = 0;

    pthread_mutex_lock(&b->lock);
    for (w = b->head; w && woken < n; w = next) {
        next = w->next;
        if (w->space != k->space || w->key != k->key || !(w->bitset & bitset))
            continue;
        unlink_w(b, w);
        w->woken = true;
        task_wake(w->t);
        woken++;
    }
    pthread_mutex_unlock(&b->lock);
    return woken;
}

int futex_wake_addr(struct task *t, uint64_t uaddr, int n, bool shared)
{
    struct fkey k;

    pthread_once(&once, init_buckets);
    if (get_key(t, uaddr, !shared, &k))
        return 0;
    return wake_key(&k, n, FUTEX_BITSET_MATCH_ANY);
}

static long futex_requeue(struct task *t, uint64_t uaddr, bool priv, int nwake, int nreq,
                          uint64_t uaddr2, bool cmp, uint32_t val3)
{
    struct fkey k1, k2;
    struct bucket *b1, *b2;
    struct fwaiter *w, *next;
    long done = 0;
    int r;

    if (nwake < 0 || nreq < 0)
        return -EINVAL;
    if ((r = get_key(t, uaddr, priv, &k1)) || (r = get_key(t, uaddr2, priv, &k2)))
        return r;
    b1 = bucket_of(k1.space, k1.key);
    b2 = bucket_of(k2.space, k2.key);
    if (b1 < b2) {
        pthread_mutex_lock(&b1->lock);
        pthread_mutex_lock(&b2->lock);
    } else {
        pthread_mutex_lock(&b2->lock);
        if (b1 != b2)
            pthread_mutex_lock(&b1->lock);
    }
    if (cmp) {
        struct read_arg ra;
        if ((r = mm_with_u32(t->mm, uaddr, false, read_u32, &ra))) {
            done = r;
            goto out;
        }
        if (ra.v != val3) {
            done = -EAGAIN;
            goto out;
        }
    }
    for (w = b1->head; w; w = next) {
        next = w->next;
        if (w->space != k1.space || w->key != k1.key)
            continue;
        if (done < nwake) {
            unlink_w(b1, w);
            w->woken = true;
            task_wake(w->t);
            done++;
        } else if (done < (long)nwake + nreq) {
            unlink_w(b1, w);
            w->space = k2.space;
            w->key = k2.key;
            link_w(b2, w);
            done++;
        } else {
            break;
        }
    }
out:
    pthread_mutex_unlock(&b1->lock);
    if (b1 != b2)
        pthread_mutex_unlock(&b2->lock);
    return done;
}

struct wake_op_arg {
    uint32_t op, cmp, oparg, cmparg;
    uint32_t old;
    int bad;
};

static void do_op(uint32_t *p, void *arg)
{
    struct wake_op_arg *a = arg;
    uint32_t old = __atomic_load_n(p, __ATOMIC_SEQ_CST), nv;

    for (;;) {
        switch (a->op) {
        case FUTEX_OP_SET:
            nv = a->oparg;
            break;
        case FUTEX_OP_ADD:
            nv = old + a->oparg;
            break;
        case FUTEX_OP_OR:
            nv = old | a->oparg;
            break;
        case FUTEX_OP_ANDN:
            nv = old & ~a->oparg;
            break;
        case FUTEX_OP_XOR:
            nv = old ^ a->oparg;
            break;
        default:
            a->bad = 1;
            return;
        }
        if (__atomic_compare_exchange_n(p, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    a->old = old;
}

static long futex_wake_op(struct task *t, uint64_t uaddr, bool priv, int n, int n2,
                          uint64_t uaddr2, uint32_t val3)
{
    struct wake_op_arg oa = { 0 };
    struct fkey k1, k2;
    bool ok;
    long woken;
    int r;

    oa.op = (val3 >> 28) & 7;
    oa.cmp = (val3 >> 24) & 15;
    /* Both arguments are 12-bit, sign-extended (as Linux decodes them). */
    oa.oparg = (uint32_t)((int32_t)(val3 << 8) >> 20);
    oa.cmparg = (uint32_t)((int32_t)(val3 << 20) >> 20);
    if ((val3 >> 28) & FUTEX_OP_OPARG_SHIFT) {
        if (oa.oparg > 31)
            return -EINVAL;
        oa.oparg = 1U << oa.oparg;
    }
    if ((r = get_key(t, uaddr, priv, &k1)) || (r = get_key(t, uaddr2, priv, &k2)))
        return r;
    if ((r = mm_with_u32(t->mm, uaddr2, true, do_op, &oa)))
        return r;
    if (oa.bad)
        return -ENOSYS;
    woken = wake_key(&k1, n, FUTEX_BITSET_MATCH_ANY);
    switch (oa.cmp) {
    case FUTEX_OP_CMP_EQ:
        ok = oa.old == oa.cmparg;
        break;
    case FUTEX_OP_CMP_NE:
        ok = oa.old != oa.cmparg;
        break;
    case FUTEX_OP_CMP_LT:
        ok = (int32_t)oa.old < (int32_t)oa.cmparg;
        break;
    case FUTEX_OP_CMP_LE:
        ok = (int32_t)oa.old <= (int32_t)oa.cmparg;
        break;
    case FUTEX_OP_CMP_GT:
        ok = (int32_t)oa.old > (int32_t)oa.cmparg;
        break;
    case FUTEX_OP_CMP_GE:
        ok = (int32_t)oa.old >= (int32_t)oa.cmparg;
        break;
    default:
        return -ENOSYS;
    }
    if (ok)
        woken += wake_key(&k2, n2, FUTEX_BITSET_MATCH_ANY);
    return woken;
}

static int to_deadline(struct task *t, uint64_t uts, bool absolute, bool realtime,
                       struct timespec *d)
{
    struct timespec ts;

    if (mm_copy_in(t->mm, &ts, uts, sizeof(ts)))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
        return -EINVAL;
    if (absolute && realtime)
        ts_deadline_at_realtime(d, &ts); /* task_block waits on CLOCK_MONOTONIC */
    else if (absolute)
        *d = ts;
    else
        ts_deadline_in(d, &ts);
    return 0;
}

long kernel_futex(struct task *t, uint64_t uaddr, int op, uint32_t val, uint64_t utime,
                  uint64_t uaddr2, uint32_t val3)
{
    int cmd = op & FUTEX_CMD_MASK;
    bool priv = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
    struct timespec d;
    int r;

    pthread_once(&once, init_buckets);
    if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_LOCK_PI2 &&
        cmd != FUTEX_WAIT_REQUEUE_PI)
        return -ENOSYS;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        if (utime) {
            r = to_deadline(t, utime, cmd == FUTEX_WAIT_BITSET, realtime, &d);
            if (r)
                return r;
        }
        return futex_wait(t, uaddr, priv, val, utime ? &d : NULL,
                          cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
        struct fkey k;
        if (cmd == FUTEX_WAKE_BITSET && !val3)
            return -EINVAL;
        if ((r = get_key(t, uaddr, priv, &k)))
            return r;
        return wake_key(&k, (int)val, cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3);
    }
    case FUTEX_REQUEUE:
        return futex_requeue(t, uaddr, priv, (int)val, (int)utime, uaddr2, false, 0);
    case FUTEX_CMP_REQUEUE:
        return futex_requeue(t, uaddr, priv, (int)val, (int)utime, uaddr2, true, val3);
    case FUTEX_WAKE_OP:
        return futex_wake_op(t, uaddr, priv, (int)val, (int)utime, uaddr2, val3);
    default:
        return -ENOSYS;
    }
}

/* ---- robust futexes: released when their owner thread dies ---- */

#define ROBUST_LIST_LIMIT 2048

struct owner_died_arg {
    int tid;
    bool wake;
};

static void mark_owner_died(uint32_t *p, void *arg)
{
    struct owner_died_arg *a = arg;
    uint32_t v = __atomic_load_n(p, __ATOMIC_SEQ_CST);

    for (;;) {
        uint32_t nv;
        if ((int)(v & FUTEX_TID_MASK) != a->tid)
            return;
        nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (__atomic_compare_exchange_n(p, &v, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            a->wake = v & FUTEX_WAITERS;
            return;
        }
    }
}

static void release_one(struct task *t, uint64_t uaddr)
{
    struct owner_died_arg a = { .tid = t->tid };

    if (mm_with_u32(t->mm, uaddr, true, mark_owner_died, &a) == 0 && a.wake)
        futex_wake_addr(t, uaddr, 1, true);
}

void futex_exit_robust_list(struct task *t)
{
    struct {
        uint64_t next;
        int64_t futex_offset;
        uint64_t list_op_pending;
    } head;
    uint64_t entry, pending;
    int n = 0;

    if (!t->robust_list || !t->mm)
        return;
    pthread_once(&once, init_buckets);
    if (mm_copy_in(t->mm, &head, t->robust_list, sizeof(head)))
        return;
    entry = head.next;
    pending = head.list_op_pending & ~1ULL;
    while (entry != t->robust_list && n++ < ROBUST_LIST_LIMIT) {
        uint64_t next;
        uint64_t e = entry & ~1ULL;
        if (!e || mm_copy_in(t->mm, &next, e, sizeof(next)))
            break;
        if (e != pending)
            release_one(t, e + head.futex_offset);
        entry = next;
    }
    if (pending)
        release_one(t, pending + head.futex_offset);
}
