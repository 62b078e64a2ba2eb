/* futex_bitset_timeout: FUTEX_WAIT_BITSET with absolute CLOCK_MONOTONIC and
 * CLOCK_REALTIME deadlines (past and future), WAKE_BITSET matching, the
 * interplay with plain WAIT/WAKE, and errors. */
#include "conf.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <time.h>

static int word;
static volatile int woke;
static unsigned wait_bits;

static long futex(int *uaddr, int op, int val, const struct timespec *ts, unsigned bits)
{
    return syscall(SYS_futex, uaddr, op, val, ts, NULL, bits);
}

static struct timespec after(clockid_t clk, long ms)
{
    struct timespec t;

    clock_gettime(clk, &t);
    t.tv_nsec += ms * 1000000;
    t.tv_sec += t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    return t;
}

static int reached(clockid_t clk, const struct timespec *dl)
{
    struct timespec t;

    clock_gettime(clk, &t);
    return t.tv_sec > dl->tv_sec || (t.tv_sec == dl->tv_sec && t.tv_nsec >= dl->tv_nsec);
}

static void *bit_waiter(void *arg)
{
    long r;

    if (wait_bits)
        r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, wait_bits);
    else
        r = futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, 0);
    if (r == 0)
        __atomic_fetch_add(&woke, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

int main(void)
{
    struct timespec dl, past = { 1, 0 };
    pthread_t t;

    /* Absolute deadlines. */
    dl = after(CLOCK_MONOTONIC, 40);
    ERR("WAIT_BITSET, monotonic deadline +40 ms", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &dl, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
    TRUE("  returned at or after the deadline", reached(CLOCK_MONOTONIC, &dl));
    dl = after(CLOCK_REALTIME, 40);
    ERR("WAIT_BITSET|CLOCK_REALTIME, deadline +40 ms",
        futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &dl, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
    TRUE("  returned at or after the deadline", reached(CLOCK_REALTIME, &dl));
    ERR("deadline in the past", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &past, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
    dl = after(CLOCK_MONOTONIC, 1000);
    ERR("value mismatch beats the timeout", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &dl, FUTEX_BITSET_MATCH_ANY), EAGAIN);

    /* Bitset matching. */
    struct { unsigned wait, wake; int plain_wake; int expect; const char *name; } c[] = {
        { 0x1, 0x2, 0, 0, "WAKE_BITSET 0x2 vs waiter 0x1: not woken" },
        { 0x3, 0x2, 0, 1, "WAKE_BITSET 0x2 vs waiter 0x3: woken" },
        { 0x1, 0, 1, 1, "plain WAKE wakes a bitset waiter" },
        { 0, 0x80, 0, 1, "WAKE_BITSET wakes a plain waiter" },
    };
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        word = 0;
        woke = 0;
        wait_bits = c[i].wait;
        pthread_create(&t, NULL, bit_waiter, NULL);
        usleep(40000);
        long n = c[i].plain_wake ? futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, 0)
                                 : futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, c[i].wake);
        EQ(c[i].name, n, c[i].expect);
        if (!n)
            futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, 0);
        pthread_join(t, NULL);
    }

    /* Errors. */
    ERR("WAIT_BITSET bitset 0", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, 0), EINVAL);
    ERR("WAKE_BITSET bitset 0", futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, 0), EINVAL);
    ERR("CLOCK_REALTIME with WAKE", futex(&word, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, 0), ENOSYS);
    dl = (struct timespec){ 0, 1000000000 };
    ERR("deadline tv_nsec 1e9", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &dl, 1), EINVAL);
    return conf_done();
}
