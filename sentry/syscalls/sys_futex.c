/* sentry/syscalls/sys_futex.c: futex(2) and the robust list. */
#include "sentry/syscalls/syscalls.h"

long kernel_futex(struct task *t, uint64_t uaddr, int op, uint32_t val, uint64_t utime,
                  uint64_t uaddr2, uint32_t val3);

long sys_futex(struct task *t, const struct syscall_args *a)
{
    return kernel_futex(t, a->a[0], (int)a->a[1], (uint32_t)a->a[2], a->a[3], a->a[4],
                        (uint32_t)a->a[5]);
}
