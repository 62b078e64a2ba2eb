/* sentry/syscalls/sys_process_vm.c: process_vm_readv and process_vm_writev:
 * copies between the caller's memory and another process's, page by page
 * through a Sentry buffer, as far as both sides allow. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <sys/uio.h>

#include "lib/cleanup.h"
#include "lib/xalloc.h"

#define VM_IOV_MAX 1024
#define VM_RW_MAX 0x7ffff000UL
#define VM_PAGE 4096UL

/* Copy cnt iovecs in from uiov: EINVAL for too many or a negative length,
 * EFAULT; *total is their sum (capped as Linux caps one call's count). */
static int iov_in(struct task *t, uint64_t uiov, uint64_t cnt, struct iovec **out,
                  uint64_t *total)
{
    struct iovec *v;

    *total = 0;
    if (cnt > VM_IOV_MAX)
        return -EINVAL;
    v = xzalloc(sizeof(*v) * (cnt ? cnt : 1));
    *out = v;
    if (cnt && mm_copy_in(t->mm, v, uiov, sizeof(*v) * cnt))
        return -EFAULT;
    for (uint64_t i = 0; i < cnt; i++) {
        if ((ssize_t)v[i].iov_len < 0)
            return -EINVAL;
        *total += v[i].iov_len;
    }
    return 0;
}

/* The address space of pid (any of its threads), for ptrace-attach
 * access: ESRCH (no such task, or it has no memory left), EPERM. */
static int remote_mm(struct task *t, int pid, struct mm **out)
{
    struct kernel *k = t->k;
    struct task *target;
    int r = 0;

    pthread_mutex_lock(&k->lock);
    target = pid_task(k, pid);
    if (!target || !target->proc || !target->mm)
        r = -ESRCH;
    else if (target->mm != t->mm && !cred_may_ptrace(t, target))
        r = -EPERM;
    else
        *out = mm_get(target->mm);
    pthread_mutex_unlock(&k->lock);
    return r;
}

static long vm_rw(struct task *t, const struct syscall_args *a, bool write)
{
    _cleanup_free_ struct iovec *lv = NULL;
    _cleanup_free_ struct iovec *rv = NULL;
    uint64_t lcnt = a->a[2], rcnt = a->a[4], ltotal, rtotal, left, li = 0, ri = 0, lo = 0,
             ro = 0;
    uint8_t buf[VM_PAGE];
    struct mm *rmm;
    long done = 0;
    int r;

    if (a->a[5])
        return -EINVAL;
    if ((r = iov_in(t, a->a[1], lcnt, &lv, &ltotal)))
        return r;
    if (ltotal == 0)
        return 0;
    if ((r = iov_in(t, a->a[3], rcnt, &rv, &rtotal)))
        return r;
    if (rtotal == 0)
        return 0;
    if ((r = remote_mm(t, (int)a->a[0], &rmm)))
        return r;
    left = SB_MIN(ltotal, VM_RW_MAX);
    while (left && li < lcnt && ri < rcnt) {
        uint64_t la = (uint64_t)lv[li].iov_base + lo, ra = (uint64_t)rv[ri].iov_base + ro;
        uint64_t n = SB_MIN(lv[li].iov_len - lo, rv[ri].iov_len - ro);

        if (lv[li].iov_len == lo) {
            li++, lo = 0;
            continue;
        }
        if (rv[ri].iov_len == ro) {
            ri++, ro = 0;
            continue;
        }
        /* Within one page on each side: a page either side cannot reach
         * ends the copy there. */
        n = SB_MIN(n, SB_MIN(VM_PAGE - ra % VM_PAGE, VM_PAGE - la % VM_PAGE));
        n = SB_MIN(n, left);
        if (write ? mm_copy_in(t->mm, buf, la, n) || mm_copy_out(rmm, ra, buf, n)
                  : mm_copy_in(rmm, buf, ra, n) || mm_copy_out(t->mm, la, buf, n))
            break;
        done += (long)n;
        left -= n;
        lo += n;
        ro += n;
    }
    mm_put(rmm);
    return done ? done : -EFAULT;
}

long sys_process_vm_readv(struct task *t, const struct syscall_args *a)
{
    return vm_rw(t, a, false);
}

long sys_process_vm_writev(struct task *t, const struct syscall_args *a)
{
    return vm_rw(t, a, true);
}
