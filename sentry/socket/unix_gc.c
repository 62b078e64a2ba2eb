/* sentry/socket/unix_gc.c: files in flight in AF_UNIX messages: the per-user
 * count RLIMIT_NOFILE bounds (ETOOMANYREFS, as Linux), and a collector for
 * sockets kept alive only by messages in each other's queues (a socket sent
 * over itself, or two sent over each other, then closed).
 *
 * The collector is Linux's classic mark and sweep: candidates are sockets
 * whose every file reference is an in-flight one; references from
 * candidates' queues are subtracted; what is left with outside references
 * is live, and so is all it reaches; the rest is garbage and its queue is
 * purged, which breaks the cycles. It runs when a unix socket is released
 * and while files are in flight. */
#include "sentry/socket/unix_impl.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/resource.h>

#include "lib/xalloc.h"

pthread_mutex_t unix_gc_lock = PTHREAD_MUTEX_INITIALIZER;
static long total_inflight; /* unix_gc_lock */

struct user_count {
    uid_t uid;
    long n;
};
static struct user_count *users; /* unix_gc_lock */
static int nusers;

static struct user_count *user_of(uid_t uid)
{
    for (int i = 0; i < nusers; i++)
        if (users[i].uid == uid)
            return &users[i];
    users = xrealloc(users, sizeof(*users) * (nusers + 1));
    users[nusers] = (struct user_count){ uid, 0 };
    return &users[nusers++];
}

static struct unix_sock *unix_of_file(struct file *f)
{
    return unix_file_is(f) ? unix_sk(sock_of(f)) : NULL;
}

int unix_inflight_add(struct file **fds, int n, uid_t user)
{
    struct task *t = current_task;
    struct user_count *uc;

    pthread_mutex_lock(&unix_gc_lock);
    uc = user_of(user);
    if (t && (uint64_t)uc->n > t->proc->rlim[RLIMIT_NOFILE].cur &&
        !capable(t, CAP_SYS_RESOURCE) && !capable(t, CAP_SYS_ADMIN)) {
        pthread_mutex_unlock(&unix_gc_lock);
        return -ETOOMANYREFS;
    }
    uc->n += n;
    for (int i = 0; i < n; i++) {
        struct unix_sock *u = unix_of_file(fds[i]);
        if (u) {
            u->inflight++;
            total_inflight++;
        }
    }
    pthread_mutex_unlock(&unix_gc_lock);
    return 0;
}

void unix_inflight_del(struct file **fds, int n, uid_t user)
{
    pthread_mutex_lock(&unix_gc_lock);
    user_of(user)->n -= n;
    for (int i = 0; i < n; i++) {
        struct unix_sock *u = unix_of_file(fds[i]);
        if (u) {
            u->inflight--;
            total_inflight--;
        }
    }
    pthread_mutex_unlock(&unix_gc_lock);
}

/* fn on each unix socket in flight in u's queue (and its embryos'). */
static void scan(struct unix_sock *u, void (*fn)(struct unix_sock *x, void *arg), void *arg)
{
    pthread_mutex_lock(&u->lock);
    for (struct unix_msg *m = u->qhead; m; m = m->next) {
        struct unix_sock *e = m->embryo;
        if (e) {
            pthread_mutex_lock(&e->lock);
            for (struct unix_msg *em = e->qhead; em; em = em->next)
                for (int i = 0; i < em->nfds; i++) {
                    struct unix_sock *x = unix_of_file(em->fds[i]);
                    if (x)
                        fn(x, arg);
                }
            pthread_mutex_unlock(&e->lock);
            continue;
        }
        for (int i = 0; i < m->nfds; i++) {
            struct unix_sock *x = unix_of_file(m->fds[i]);
            if (x)
                fn(x, arg);
        }
    }
    pthread_mutex_unlock(&u->lock);
}

static void dec_count(struct unix_sock *x, void *arg)
{
    if (x->gc_candidate)
        x->gc_count--;
}

struct mark_ctx {
    struct unix_sock **stack;
    int n, cap;
};

static void mark_live(struct unix_sock *x, void *arg)
{
    struct mark_ctx *c = arg;

    if (!x->gc_candidate || x->gc_live)
        return;
    x->gc_live = true;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->stack = xrealloc(c->stack, sizeof(*c->stack) * c->cap);
    }
    c->stack[c->n++] = x;
}

void unix_gc(void)
{
    struct mark_ctx mc = { 0 };
    struct unix_msg *hit = NULL;
    struct unix_sock *u;

    pthread_mutex_lock(&unix_gc_lock);
    if (!total_inflight) {
        pthread_mutex_unlock(&unix_gc_lock);
        return;
    }
    pthread_mutex_lock(&unix_table_lock);
    for (u = unix_all; u; u = u->all_next) {
        struct file *f = u->sock.file;
        u->gc_candidate = u->gc_live = false;
        if (f && u->inflight > 0 &&
            __atomic_load_n(&f->ref, __ATOMIC_ACQUIRE) == u->inflight) {
            u->gc_candidate = true;
            u->gc_count = u->inflight;
        }
    }
    for (u = unix_all; u; u = u->all_next)
        if (u->gc_candidate)
            scan(u, dec_count, NULL);
    for (u = unix_all; u; u = u->all_next)
        if (u->gc_candidate && u->gc_count > 0)
            mark_live(u, &mc);
    while (mc.n)
        scan(mc.stack[--mc.n], mark_live, &mc);
    /* Garbage: purge the messages of its queue. */
    for (u = unix_all; u; u = u->all_next) {
        if (!u->gc_candidate || u->gc_live)
            continue;
        pthread_mutex_lock(&u->lock);
        {
            struct unix_msg *keep = NULL, **kp = &keep, *m = u->qhead, *next;
            u->qtail = NULL;
            for (; m; m = next) {
                next = m->next;
                m->next = NULL;
                if (m->embryo) { /* a listener's entries go when it does */
                    *kp = m;
                    kp = &m->next;
                    u->qtail = m;
                    continue;
                }
                u->qlen--;
                u->qbytes -= m->len - m->off;
                m->next = hit;
                hit = m;
            }
            u->qhead = keep;
        }
        pthread_mutex_unlock(&u->lock);
    }
    for (u = unix_all; u; u = u->all_next)
        u->gc_candidate = u->gc_live = false;
    pthread_mutex_unlock(&unix_table_lock);
    pthread_mutex_unlock(&unix_gc_lock);
    free(mc.stack);
    unix_msgs_free(hit);
}

/* ---- putting files without recursion ---- */

static __thread struct file **pending;
static __thread int npending, cappending;
static __thread bool draining;

void unix_defer_put(struct file *f)
{
    if (npending == cappending) {
        cappending = cappending ? cappending * 2 : 16;
        pending = xrealloc(pending, sizeof(*pending) * cappending);
    }
    pending[npending++] = f;
    if (draining)
        return;
    draining = true;
    while (npending)
        file_put(pending[--npending]);
    draining = false;
}
