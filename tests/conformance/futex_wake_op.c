/* futex_wake_op: FUTEX_WAKE_OP: the atomic operation on the second word
 * (SET, ADD, OR, ANDN, XOR, OPARG_SHIFT), the comparison with its old value
 * deciding whether waiters there are woken, the combined return count, and
 * errors. */
#include "conf.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>

static int f1, f2;
static volatile int woke1, woke2;

static long wake_op(int n1, int n2, int op)
{
    return syscall(SYS_futex, &f1, FUTEX_WAKE_OP_PRIVATE, n1, n2, &f2, op);
}

static void *wait1(void *arg)
{
    if (syscall(SYS_futex, &f1, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) == 0)
        __atomic_fetch_add(&woke1, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void *wait2(void *arg)
{
    if (syscall(SYS_futex, &f2, FUTEX_WAIT_PRIVATE, (int)(long)arg, NULL, NULL, 0) == 0)
        __atomic_fetch_add(&woke2, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

int main(void)
{
    pthread_t t[4];

    /* Operations, no waiters. */
    f2 = 10;
    EQ("ADD 5, no waiters: returns 0", wake_op(1, 1, FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 10)), 0);
    EQ("  f2 = 10 + 5", f2, 15);
    wake_op(1, 1, FUTEX_OP(FUTEX_OP_SET, 3, FUTEX_OP_CMP_EQ, 0));
    EQ("SET 3", f2, 3);
    wake_op(1, 1, FUTEX_OP(FUTEX_OP_OR, 0x30, FUTEX_OP_CMP_EQ, 0));
    EQ("OR 0x30", f2, 0x33);
    wake_op(1, 1, FUTEX_OP(FUTEX_OP_ANDN, 0x11, FUTEX_OP_CMP_EQ, 0));
    EQ("ANDN 0x11", f2, 0x22);
    wake_op(1, 1, FUTEX_OP(FUTEX_OP_XOR, 0xff, FUTEX_OP_CMP_EQ, 0));
    EQ("XOR 0xff", f2, 0xdd);
    wake_op(1, 1, FUTEX_OP((FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT), 4, FUTEX_OP_CMP_EQ, 0));
    EQ("SET with OPARG_SHIFT 4: 1 << 4", f2, 16);
    wake_op(1, 1, FUTEX_OP(FUTEX_OP_ADD, -1 & 0xfff, FUTEX_OP_CMP_EQ, 0));
    EQ("ADD -1 (12-bit sign-extended)", f2, 15);

    /* Waking: 2 waiters on f1, 2 on f2 (f2 is 0 while they wait). */
    f1 = 0;
    f2 = 0;
    woke1 = woke2 = 0;
    pthread_create(&t[0], NULL, wait1, NULL);
    pthread_create(&t[1], NULL, wait1, NULL);
    pthread_create(&t[2], NULL, wait2, (void *)0L);
    pthread_create(&t[3], NULL, wait2, (void *)0L);
    usleep(50000);
    /* old f2 == 0 > 5 is false: only f1 waiters. */
    EQ("comparison false: wakes on f1 only", wake_op(1, 2, FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_GT, 5)), 1);
    EQ("  f2 set to 1", f2, 1);
    /* old f2 == 1 == 1 is true: f1 and f2 waiters. */
    EQ("comparison true: wakes on both (1 + 2)", wake_op(1, 2, FUTEX_OP(FUTEX_OP_SET, 2, FUTEX_OP_CMP_EQ, 1)), 3);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    EQ("f1 waiters woken", woke1, 2);
    EQ("f2 waiters woken", woke2, 2);

    /* Other comparisons, checked through waiters on f2. */
    {
        static const struct { int cmp, arg, old; int wakes; const char *name; } c[] = {
            { FUTEX_OP_CMP_NE, 7, 7, 0, "CMP_NE 7 vs 7" },
            { FUTEX_OP_CMP_NE, 6, 7, 1, "CMP_NE 6 vs 7" },
            { FUTEX_OP_CMP_LT, 8, 7, 1, "CMP_LT: 7 < 8" },
            { FUTEX_OP_CMP_LE, 7, 7, 1, "CMP_LE: 7 <= 7" },
            { FUTEX_OP_CMP_GE, 8, 7, 0, "CMP_GE: 7 >= 8" },
        };
        for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
            woke2 = 0;
            f2 = c[i].old;
            pthread_create(&t[0], NULL, wait2, (void *)(long)c[i].old);
            usleep(30000);
            EQ(c[i].name, wake_op(0, 1, FUTEX_OP(FUTEX_OP_ADD, 0, c[i].cmp, c[i].arg)), c[i].wakes);
            if (!c[i].wakes)
                syscall(SYS_futex, &f2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
            pthread_join(t[0], NULL);
        }
    }

    /* Errors. */
    ERR("unknown operation", wake_op(1, 1, (7 << 28)), ENOSYS);
    ERR("unknown comparison", wake_op(1, 1, (FUTEX_OP_ADD << 28) | (9 << 24)), ENOSYS);
    ERR("unmapped second address", syscall(SYS_futex, &f1, FUTEX_WAKE_OP_PRIVATE, 1, 1, (int *)16, 0), EFAULT);
    return conf_done();
}
