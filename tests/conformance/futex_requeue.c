/* futex_requeue: FUTEX_CMP_REQUEUE and FUTEX_REQUEUE move waiters from one
 * futex to another: return values, who is woken, the value check (EAGAIN),
 * requeue limits, and errors. */
#include "conf.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>

static int f1, f2;
static volatile int woke;

static long futex(int *uaddr, int op, long val, long val2, int *uaddr2, int val3)
{
    return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

/* Wait once on f1; count a real wake-up. */
static void *waiter(void *arg)
{
    if (futex(&f1, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0) == 0)
        __atomic_fetch_add(&woke, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void start(pthread_t *t, int n)
{
    f1 = f2 = 0;
    woke = 0;
    for (int i = 0; i < n; i++)
        pthread_create(&t[i], NULL, waiter, NULL);
    usleep(50000); /* all blocked on f1 */
}

static void finish(pthread_t *t, int n)
{
    futex(&f1, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0);
    futex(&f2, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
}

int main(void)
{
    pthread_t t[4];

    /* CMP_REQUEUE: wake 1, move the rest. */
    start(t, 4);
    EQ("CMP_REQUEUE wake 1, requeue all: woken + moved", futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, INT_MAX, &f2, 0), 4);
    usleep(20000);
    EQ("  one waiter returned", woke, 1);
    EQ("  nobody left on f1", futex(&f1, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 0);
    EQ("  the 3 moved ones wake on f2", futex(&f2, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 3);
    usleep(20000);
    EQ("  all four returned", woke, 4);
    finish(t, 4);

    /* Limits on the number requeued. */
    start(t, 4);
    EQ("CMP_REQUEUE wake 0, requeue 2", futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 0, 2, &f2, 0), 2);
    EQ("  two still on f1", futex(&f1, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 2);
    EQ("  two on f2", futex(&f2, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 2);
    usleep(20000);
    finish(t, 4);

    /* The value check. */
    start(t, 2);
    ERR("CMP_REQUEUE with a stale value: EAGAIN", futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, INT_MAX, &f2, 7), EAGAIN);
    EQ("  nobody moved", futex(&f2, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 0);
    usleep(20000);
    EQ("  nobody woken", woke, 0);
    finish(t, 2);

    /* Plain REQUEUE (no value check). */
    start(t, 3);
    EQ("REQUEUE wake 1, requeue all", futex(&f1, FUTEX_REQUEUE_PRIVATE, 1, INT_MAX, &f2, 0), 3);
    EQ("  two moved to f2", futex(&f2, FUTEX_WAKE_PRIVATE, INT_MAX, 0, NULL, 0), 2);
    usleep(20000);
    finish(t, 3);

    /* Nothing waiting. */
    EQ("CMP_REQUEUE with no waiters", futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &f2, f1), 0);

    /* Errors. */
    ERR("negative wake count", futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, -1, 1, &f2, f1), EINVAL);
    ERR("negative requeue count", futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, -1, &f2, f1), EINVAL);
    ERR("unaligned second address", futex(&f1, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, (int *)((char *)&f2 + 2), f1), EINVAL);
    ERR("unmapped first address", futex((int *)16, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &f2, 0), EFAULT);
    return conf_done();
}
