/* sentry/syscalls/sys_futex.c: futex(2) and the robust list. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>

long kernel_futex(struct task *t, uint64_t uaddr, int op, uint32_t val, uint64_t utime,
                  uint64_t uaddr2, uint32_t val3);

long sys_futex(struct task *t, const struct syscall_args *a)
{
    return kernel_futex(t, a->a[0], (int)a->a[1], (uint32_t)a->a[2], a->a[3], a->a[4],
                        (uint32_t)a->a[5]);
}

long sys_get_robust_list(struct task *t, const struct syscall_args *a)
{
    int pid = (int)a->a[0];
    uint64_t head, len = 24;

    if (pid) {
        struct task *o;
        pthread_mutex_lock(&t->k->lock);
        o = pid_task(t->k, pid);
        head = o ? o->robust_list : 0;
        pthread_mutex_unlock(&t->k->lock);
        if (!o)
            return -ESRCH;
    } else {
        head = t->robust_list;
    }
    if (mm_copy_out(t->mm, a->a[1], &head, sizeof(head)) ||
        mm_copy_out(t->mm, a->a[2], &len, sizeof(len)))
        return -EFAULT;
    return 0;
}
