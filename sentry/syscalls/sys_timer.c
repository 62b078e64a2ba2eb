/* sentry/syscalls/sys_timer.c: alarm, setitimer, getitimer, timer_*. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

long sys_alarm(struct task *t, const struct syscall_args *a)
{
    struct itimerval nv, ov;
    unsigned secs = (unsigned)a->a[0];

    memset(&nv, 0, sizeof(nv));
    nv.it_value.tv_sec = secs;
    timer_setitimer(t, ITIMER_REAL, &nv, &ov);
    /* remaining seconds, rounded (never 0 for a pending alarm) */
    return ov.it_value.tv_sec + (ov.it_value.tv_usec >= 500000 ||
                                 (!ov.it_value.tv_sec && ov.it_value.tv_usec) ? 1 : 0);
}

long sys_setitimer(struct task *t, const struct syscall_args *a)
{
    struct itimerval nv, ov;
    long r;

    if (a->a[1] && mm_copy_in(t->mm, &nv, a->a[1], sizeof(nv)))
        return -EFAULT;
    r = timer_setitimer(t, (int)a->a[0], a->a[1] ? &nv : NULL, &ov);
    if (r)
        return r;
    if (a->a[2] && mm_copy_out(t->mm, a->a[2], &ov, sizeof(ov)))
        return -EFAULT;
    return 0;
}

long sys_getitimer(struct task *t, const struct syscall_args *a)
{
    struct itimerval ov;
    long r = timer_setitimer(t, (int)a->a[0], NULL, &ov);

    if (r)
        return r;
    return mm_copy_out(t->mm, a->a[1], &ov, sizeof(ov)) ? -EFAULT : 0;
}

long sys_timer_create(struct task *t, const struct syscall_args *a)
{
    struct sigevent sev;
    int id;
    long r;

    if (a->a[1] && mm_copy_in(t->mm, &sev, a->a[1], sizeof(sev)))
        return -EFAULT;
    r = timer_posix_create(t, (clockid_t)a->a[0], a->a[1] ? &sev : NULL, &id);
    if (r)
        return r;
    if (mm_copy_out(t->mm, a->a[2], &id, sizeof(id))) {
        timer_posix_delete(t, id);
        return -EFAULT;
    }
    return 0;
}

long sys_timer_settime(struct task *t, const struct syscall_args *a)
{
    struct itimerspec nv, ov;
    long r;

    if (mm_copy_in(t->mm, &nv, a->a[2], sizeof(nv)))
        return -EFAULT;
    r = timer_posix_settime(t, (int)a->a[0], (int)a->a[1], &nv, &ov);
    if (r)
        return r;
    if (a->a[3] && mm_copy_out(t->mm, a->a[3], &ov, sizeof(ov)))
        return -EFAULT;
    return 0;
}

long sys_timer_gettime(struct task *t, const struct syscall_args *a)
{
    struct itimerspec cur;
    long r = timer_posix_gettime(t, (int)a->a[0], &cur);

    if (r)
        return r;
    return mm_copy_out(t->mm, a->a[1], &cur, sizeof(cur)) ? -EFAULT : 0;
}

long sys_timer_getoverrun(struct task *t, const struct syscall_args *a)
{
    return timer_posix_getoverrun(t, (int)a->a[0]);
}

long sys_timer_delete(struct task *t, const struct syscall_args *a)
{
    return timer_posix_delete(t, (int)a->a[0]);
}
