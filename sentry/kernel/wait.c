/* sentry/kernel/wait.c: wait queues and blocking of tasks.
 *
 * A blocked task sleeps on its own condvar. Wait queues hold the tasks to
 * wake when an object changes; senders of signals wake the target through
 * the same condvar. A waiter is queued before it tests its condition, so a
 * change made after the test always finds it.
 */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <time.h>

#include "lib/xalloc.h"

void waitq_init(struct waitq *wq)
{
    pthread_mutex_init(&wq->lock, NULL);
    wq->head = NULL;
}

static void add(struct waitq *wq, struct waiter *w)
{
    w->prev = NULL;
    pthread_mutex_lock(&wq->lock);
    w->next = wq->head;
    if (wq->head)
        wq->head->prev = w;
    wq->head = w;
    pthread_mutex_unlock(&wq->lock);
}

void waitq_add(struct waitq *wq, struct waiter *w, struct task *t)
{
    w->t = t;
    w->fn = NULL;
    w->exclusive = false;
    add(wq, w);
}

void waitq_add_fn(struct waitq *wq, struct waiter *w)
{
    add(wq, w);
}

void waitq_del(struct waitq *wq, struct waiter *w)
{
    pthread_mutex_lock(&wq->lock);
    if (w->prev)
        w->prev->next = w->next;
    else if (wq->head == w)
        wq->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->next = w->prev = NULL;
    pthread_mutex_unlock(&wq->lock);
}

struct poll_req *poll_req_new(struct task *t)
{
    struct poll_req *pr = xzalloc(sizeof(*pr) + POLL_MAX_WAITS * sizeof(pr->ent[0]));
    pr->t = t;
    pr->cap = POLL_MAX_WAITS;
    return pr;
}

void poll_wait(struct poll_req *pr, struct waitq *wq)
{
    if (!pr)
        return;
    if (pr->queue) {
        pr->queue(pr, wq);
        return;
    }
    if (pr->n >= pr->cap)
        return;
    pr->ent[pr->n].wq = wq;
    waitq_add(wq, &pr->ent[pr->n].w, pr->t);
    pr->n++;
}

void task_wake(struct task *t)
{
    pthread_mutex_lock(&t->wait_mu);
    t->woken = true;
    pthread_cond_signal(&t->wait_cv);
    pthread_mutex_unlock(&t->wait_mu);
}

void waitq_wake_all(struct waitq *wq)
{
    bool excl_done = false;

    pthread_mutex_lock(&wq->lock);
    for (struct waiter *w = wq->head; w; w = w->next) {
        if (!w->fn) {
            task_wake(w->t);
        } else if (!w->exclusive) {
            w->fn(w);
        } else if (!excl_done) {
            excl_done = w->fn(w);
        }
    }
    pthread_mutex_unlock(&wq->lock);
}

static int expired(const struct timespec *d)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > d->tv_sec || (now.tv_sec == d->tv_sec && now.tv_nsec >= d->tv_nsec);
}

int task_block(struct task *t, const struct timespec *deadline)
{
    int r = 0;

    pthread_mutex_lock(&t->wait_mu);
    while (!t->woken) {
        if (task_signal_pending(t)) {
            r = -EINTR;
            break;
        }
        if (deadline) {
            if (expired(deadline)) {
                r = -ETIMEDOUT;
                break;
            }
            pthread_cond_timedwait(&t->wait_cv, &t->wait_mu, deadline);
        } else {
            pthread_cond_wait(&t->wait_cv, &t->wait_mu);
        }
    }
    t->woken = false;
    pthread_mutex_unlock(&t->wait_mu);
    return r;
}

int task_wait_event(struct task *t, struct waitq *wq, bool (*cond)(void *arg), void *arg,
                    const struct timespec *deadline)
{
    struct waiter w;
    int r = 0;

    for (;;) {
        waitq_add(wq, &w, t);
        if (cond(arg)) {
            r = 0;
            break;
        }
        r = task_block(t, deadline);
        waitq_del(wq, &w);
        if (r == -EINTR)
            return -ERESTARTSYS;
        if (r == -ETIMEDOUT)
            return cond(arg) ? 0 : -ETIMEDOUT;
    }
    waitq_del(wq, &w);
    return r;
}
