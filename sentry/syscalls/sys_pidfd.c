/* sentry/syscalls/sys_pidfd.c: pidfd_open, pidfd_send_signal, pidfd_getfd
 * and kcmp: calls that name processes and compare their objects. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <string.h>

#define PIDFD_SIGNAL_THREAD (1UL << 0)
#define PIDFD_SIGNAL_THREAD_GROUP (1UL << 1)
#define PIDFD_SIGNAL_PROCESS_GROUP (1UL << 2)

int sys_pidfd_get(struct task *t, int fd, struct pid_handle **out)
{
    struct file *f = fdt_get(t->fdt, fd);
    struct pid_handle *h = pidfd_file_handle(f);

    if (h)
        __atomic_add_fetch(&h->ref, 1, __ATOMIC_RELAXED);
    if (f)
        file_put(f);
    *out = h;
    return h ? 0 : -EBADF;
}

long sys_pidfd_open(struct task *t, const struct syscall_args *a)
{
    struct kernel *k = t->k;
    int pid = (int)a->a[0];
    struct pid_handle *h;
    struct task *leader;

    /* PIDFD_THREAD (O_EXCL, Linux 6.9) is not offered: EINVAL as before. */
    if (a->a[1] & ~(uint64_t)O_NONBLOCK)
        return -EINVAL;
    if (pid <= 0)
        return -EINVAL;
    pthread_mutex_lock(&k->lock);
    leader = pid_task(k, pid);
    if (!leader || !leader->proc || leader->proc->state == PROC_DEAD) {
        pthread_mutex_unlock(&k->lock);
        return -ESRCH;
    }
    if (leader->proc->tgid != pid) {
        pthread_mutex_unlock(&k->lock);
        return -ENOENT; /* a thread, not a process (as Linux 6.9+) */
    }
    h = pidfd_handle_of(leader->proc);
    pthread_mutex_unlock(&k->lock);
    return pidfd_install(t, h, (int)a->a[1]);
}

/* One process group (k->lock held), as kill(-pgid). */
static long kill_group(struct task *t, int pgid, int sig, const siginfo_t *si)
{
    struct process *p;
    int sent = 0, denied = 0;

    for_each_process(t->k, i, p) {
        long r;
        if (p->pgid != pgid || p->state != PROC_LIVE)
            continue;
        r = sys_kill_process(t, p, sig, si);
        denied += r == -EPERM;
        sent += r == 0;
    }
    return sent ? 0 : denied ? -EPERM : -ESRCH;
}

long sys_pidfd_send_signal(struct task *t, const struct syscall_args *a)
{
    struct kernel *k = t->k;
    int sig = (int)a->a[1];
    uint64_t flags = a->a[3];
    struct pid_handle *h;
    struct process *p;
    siginfo_t si;
    long r;

    if (flags & ~(PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP))
        return -EINVAL;
    if (__builtin_popcountll(flags) > 1)
        return -EINVAL;
    if ((r = sys_pidfd_get(t, (int)a->a[0], &h)))
        return r;
    if (a->a[2]) {
        bool self;
        if (mm_copy_in(t->mm, &si, a->a[2], sizeof(si))) {
            pidfd_handle_put(h);
            return -EFAULT;
        }
        self = h->tgid == t->proc->tgid && (flags & PIDFD_SIGNAL_PROCESS_GROUP) == 0;
        if (si.si_signo != sig || ((si.si_code >= 0 || si.si_code == SI_TKILL) && !self)) {
            pidfd_handle_put(h);
            return si.si_signo != sig ? -EINVAL : -EPERM;
        }
    } else {
        signal_fill_kill_info(&si, sig, flags & PIDFD_SIGNAL_THREAD ? SI_TKILL : SI_USER, t);
    }
    pthread_mutex_lock(&k->lock);
    p = h->proc;
    if (!p)
        r = -ESRCH;
    else if (sig < 0 || sig > SB_NSIG)
        r = -EINVAL;
    else if (flags & PIDFD_SIGNAL_PROCESS_GROUP)
        r = kill_group(t, p->pgid, sig, &si);
    else if (flags & PIDFD_SIGNAL_THREAD) {
        struct task *leader = pid_task(k, p->tgid);
        if (!leader || leader->proc != p || leader->exiting || p->state != PROC_LIVE)
            r = p->state == PROC_LIVE ? -ESRCH : 0;
        else
            r = sys_kill_process(t, p, 0, &si) ?: (sig ? signal_send_task(k, leader, sig, &si) : 0);
    } else {
        r = sys_kill_process(t, p, sig, &si);
    }
    pthread_mutex_unlock(&k->lock);
    pidfd_handle_put(h);
    return r;
}

/* The process h names, for ptrace-like access by t: a live thread of it
 * in *target (k->lock held). ESRCH when it has exited, EPERM if t may not
 * attach to it. */
static int ptrace_target(struct task *t, struct pid_handle *h, struct task **target)
{
    struct process *p = h->proc;

    if (!p || p->state != PROC_LIVE || !p->threads)
        return -ESRCH;
    if (!cred_may_ptrace(t, p->threads))
        return -EPERM;
    *target = p->threads;
    return 0;
}

long sys_pidfd_getfd(struct task *t, const struct syscall_args *a)
{
    struct kernel *k = t->k;
    struct pid_handle *h;
    struct task *target;
    struct file *f = NULL;
    long r;

    if (a->a[2])
        return -EINVAL;
    if ((r = sys_pidfd_get(t, (int)a->a[0], &h)))
        return r;
    pthread_mutex_lock(&k->lock);
    r = ptrace_target(t, h, &target);
    if (r == 0 && target->fdt)
        f = fdt_get(target->fdt, (int)a->a[1]);
    pthread_mutex_unlock(&k->lock);
    pidfd_handle_put(h);
    if (r)
        return r;
    if (!f)
        return -EBADF;
    r = fdt_install(t->fdt, f, 0, true);
    file_put(f);
    return r;
}

/* kcmp's order of two objects: 0 the same, else 1 or 2 by an order of
 * keyed pointers (Linux hides the real order the same way). */
static long kcmp_ptr(const void *x, const void *y)
{
    static const uint64_t k0 = 0x9e3779b97f4a7c15ULL, k1 = 0xbf58476d1ce4e5b9ULL | 1;
    uint64_t a = ((uintptr_t)x ^ k0) * k1, b = ((uintptr_t)y ^ k0) * k1;

    if (x == y)
        return 0;
    return (a < b) | ((a > b) << 1);
}

long sys_kcmp(struct task *t, const struct syscall_args *a)
{
    struct kernel *k = t->k;
    int type = (int)a->a[2];
    struct task *t1, *t2;
    struct file *f1 = NULL, *f2 = NULL;
    long r;

    pthread_mutex_lock(&k->lock);
    t1 = pid_task(k, (int)a->a[0]);
    t2 = pid_task(k, (int)a->a[1]);
    if (!t1 || !t2 || !t1->proc || !t2->proc) {
        r = -ESRCH;
    } else if (!cred_may_ptrace(t, t1) || !cred_may_ptrace(t, t2)) {
        r = -EPERM;
    } else {
        switch (type) {
        case KCMP_FILE:
            /* Put after unlocking: a last put may take other locks. */
            f1 = t1->fdt ? fdt_get(t1->fdt, (int)a->a[3]) : NULL;
            f2 = t2->fdt ? fdt_get(t2->fdt, (int)a->a[4]) : NULL;
            r = f1 && f2 ? kcmp_ptr(f1, f2) : -EBADF;
            break;
        case KCMP_VM:
            r = kcmp_ptr(t1->mm, t2->mm);
            break;
        case KCMP_FILES:
            r = kcmp_ptr(t1->fdt, t2->fdt);
            break;
        case KCMP_FS:
            r = kcmp_ptr(t1->fs, t2->fs);
            break;
        case KCMP_SIGHAND:
            r = kcmp_ptr(t1->proc->sighand, t2->proc->sighand);
            break;
        case KCMP_SYSVSEM:
            r = kcmp_ptr(t1->semundo, t2->semundo);
            break;
        case KCMP_IO:
            /* No I/O contexts exist here: all tasks compare equal, as
             * Linux's before any ioprio or block I/O makes one. */
            r = 0;
            break;
        case KCMP_EPOLL_TFD:
            r = -EOPNOTSUPP; /* as a kernel without CONFIG_EPOLL */
            break;
        default:
            r = -EINVAL;
        }
    }
    pthread_mutex_unlock(&k->lock);
    if (f1)
        file_put(f1);
    if (f2)
        file_put(f2);
    return r;
}
