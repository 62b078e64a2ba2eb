/* sentry/syscalls/sys_signal.c: signal syscalls: actions, masks, sending,
 * waiting for signals, sigreturn. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "lib/timespec.h"
#include "lib/log.h"
#include <linux/capability.h>

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

long sys_rt_sigaction(struct task *t, const struct syscall_args *a)
{
    int sig = (int)a->a[0];
    struct ksigaction act, old;
    struct kernel *k = t->k;

    if (a->a[3] != 8)
        return -EINVAL;
    if (sig < 1 || sig > SB_NSIG)
        return -EINVAL;
    if (a->a[1] && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (a->a[1] && mm_copy_in(t->mm, &act, a->a[1], sizeof(act)))
        return -EFAULT;
    pthread_mutex_lock(&k->lock);
    old = t->proc->sighand->act[sig - 1];
    if (a->a[1]) {
        act.mask &= ~UNBLOCKABLE;
        t->proc->sighand->act[sig - 1] = act;
        /* Setting SIG_IGN (or a default-ignore action) discards pending ones. */
        if (act.handler == (uint64_t)SIG_IGN ||
            (act.handler == (uint64_t)SIG_DFL &&
             (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT))) {
            signal_discard(t->proc, sig);
        }
    }
    pthread_mutex_unlock(&k->lock);
    if (a->a[2] && mm_copy_out(t->mm, a->a[2], &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

long sys_rt_sigprocmask(struct task *t, const struct syscall_args *a)
{
    int how = (int)a->a[0];
    uint64_t set, old = t->sigmask;

    if (a->a[3] != 8)
        return -EINVAL;
    if (a->a[1]) {
        if (mm_copy_in(t->mm, &set, a->a[1], 8))
            return -EFAULT;
        switch (how) {
        case SIG_BLOCK:
            t->sigmask |= set;
            break;
        case SIG_UNBLOCK:
            t->sigmask &= ~set;
            break;
        case SIG_SETMASK:
            t->sigmask = set;
            break;
        default:
            return -EINVAL;
        }
        t->sigmask &= ~UNBLOCKABLE;
    }
    if (a->a[2] && mm_copy_out(t->mm, a->a[2], &old, 8))
        return -EFAULT;
    return 0;
}

long sys_rt_sigpending(struct task *t, const struct syscall_args *a)
{
    uint64_t set;

    if (a->a[1] > 8)
        return -EINVAL;
    set = (t->pending.set | t->proc->pending.set) & t->sigmask;
    return mm_copy_out(t->mm, a->a[0], &set, a->a[1]) ? -EFAULT : 0;
}

long sys_sigaltstack(struct task *t, const struct syscall_args *a)
{
    stack_t ss, old = t->altstack;
    uint64_t sp = t->cpu.regs.rsp, base = (uint64_t)t->altstack.ss_sp;
    bool on = t->altstack.ss_size && sp > base && sp - base <= t->altstack.ss_size;

    if (!old.ss_size)
        old.ss_flags = SS_DISABLE;
    else if (on)
        old.ss_flags = SS_ONSTACK;
    if (a->a[0]) {
        if (mm_copy_in(t->mm, &ss, a->a[0], sizeof(ss)))
            return -EFAULT;
        if (on)
            return -EPERM;
        if (ss.ss_flags & ~(SS_DISABLE | SS_ONSTACK | (1U << 31)))
            return -EINVAL;
        if (!(ss.ss_flags & SS_DISABLE) && ss.ss_size < 2048)
            return -ENOMEM;
    }
    if (a->a[1] && mm_copy_out(t->mm, a->a[1], &old, sizeof(old)))
        return -EFAULT;
    if (a->a[0]) {
        if (ss.ss_flags & SS_DISABLE)
            memset(&t->altstack, 0, sizeof(t->altstack));
        else
            t->altstack = ss;
    }
    return 0;
}

long sys_rt_sigreturn(struct task *t, const struct syscall_args *a)
{
    return signal_sigreturn(t);
}

/* May t send sig to a process of creds c? Root may; else same uid. */
static bool may_signal(struct task *t, struct task *target)
{
    return capable(t, CAP_KILL) || t->cred.uid == target->cred.uid ||
           t->cred.euid == target->cred.uid || t->cred.uid == target->cred.suid ||
           t->cred.euid == target->cred.suid;
}

long sys_kill_process(struct task *t, struct process *p, int sig, const siginfo_t *si)
{
    if (!p)
        return -ESRCH;
    if (p->state != PROC_LIVE)
        return 0; /* a zombie takes (and drops) signals */
    if (!p->threads || (!may_signal(t, p->threads) && !(sig == SIGCONT && p->sid == t->proc->sid)))
        return -EPERM;
    signal_send_process(t->k, p, sig, si);
    return 0;
}

long sys_kill(struct task *t, const struct syscall_args *a)
{
    struct kernel *k = t->k;
    int pid = (int)a->a[0], sig = (int)a->a[1], sent = 0, denied = 0;
    siginfo_t si;

    if (sig < 0 || sig > SB_NSIG)
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH; /* -pid would overflow; Linux says ESRCH */
    signal_fill_kill_info(&si, sig, SI_USER, t);
    pthread_mutex_lock(&k->lock);
    if (pid > 0) {
        long r = sys_kill_process(t, pid_process(k, pid), sig, &si);
        pthread_mutex_unlock(&k->lock);
        return r;
    }
    /* Process groups, or everyone (-1: all but init and the caller). */
    struct process *p;
    for_each_process(k, i, p) {
        if (p->state != PROC_LIVE)
            continue;
        if (pid == 0 && p->pgid != t->proc->pgid)
            continue;
        if (pid < -1 && p->pgid != -pid)
            continue;
        if (pid == -1 && (p == k->init || p == t->proc))
            continue;
        if (!p->threads || !may_signal(t, p->threads)) {
            denied++;
            continue;
        }
        signal_send_process(k, p, sig, &si);
        sent++;
    }
    pthread_mutex_unlock(&k->lock);
    if (!sent)
        return denied ? -EPERM : -ESRCH;
    return 0;
}

static long tkill_common(struct task *t, int tgid, int tid, int sig, const siginfo_t *info)
{
    struct kernel *k = t->k;
    struct task *target;
    siginfo_t si;

    if (sig < 0 || sig > SB_NSIG || tid <= 0)
        return -EINVAL;
    if (info)
        si = *info;
    else
        signal_fill_kill_info(&si, sig, SI_TKILL, t);
    pthread_mutex_lock(&k->lock);
    target = pid_task(k, tid);
    if (!target || target->exiting || (tgid > 0 && target->proc->tgid != tgid) ||
        target->proc->state != PROC_LIVE) {
        pthread_mutex_unlock(&k->lock);
        return -ESRCH;
    }
    if (!may_signal(t, target)) {
        pthread_mutex_unlock(&k->lock);
        return -EPERM;
    }
    {
        long r = sig ? signal_send_task(k, target, sig, &si) : 0;
        pthread_mutex_unlock(&k->lock);
        return r;
    }
}

long sys_tgkill(struct task *t, const struct syscall_args *a)
{
    if ((int)a->a[0] <= 0)
        return -EINVAL;
    return tkill_common(t, (int)a->a[0], (int)a->a[1], (int)a->a[2], NULL);
}

long sys_tkill(struct task *t, const struct syscall_args *a)
{
    return tkill_common(t, -1, (int)a->a[0], (int)a->a[1], NULL);
}

static long copy_user_info(struct task *t, int sig, uint64_t uinfo, siginfo_t *si, bool self)
{
    if (mm_copy_in(t->mm, si, uinfo, sizeof(*si)))
        return -EFAULT;
    /* Only the kernel may claim SI_USER/SI_KERNEL/SI_TKILL to others. */
    if ((si->si_code >= 0 || si->si_code == SI_TKILL) && !self)
        return -EPERM;
    si->si_signo = sig;
    return 0;
}

long sys_rt_sigqueueinfo(struct task *t, const struct syscall_args *a)
{
    struct kernel *k = t->k;
    int pid = (int)a->a[0], sig = (int)a->a[1];
    struct process *p;
    siginfo_t si;
    long r;

    if (sig < 0 || sig > SB_NSIG)
        return -EINVAL;
    if ((r = copy_user_info(t, sig, a->a[2], &si, pid == t->proc->tgid)))
        return r;
    pthread_mutex_lock(&k->lock);
    p = pid_process(k, pid);
    if (!p) {
        pthread_mutex_unlock(&k->lock);
        return -ESRCH;
    }
    if (p->threads && !may_signal(t, p->threads)) {
        pthread_mutex_unlock(&k->lock);
        return -EPERM;
    }
    r = p->state == PROC_LIVE ? signal_send_process(k, p, sig, &si) : 0;
    pthread_mutex_unlock(&k->lock);
    return r;
}

long sys_rt_tgsigqueueinfo(struct task *t, const struct syscall_args *a)
{
    siginfo_t si;
    long r;

    if ((int)a->a[2] < 0 || (int)a->a[2] > SB_NSIG)
        return -EINVAL;
    if ((r = copy_user_info(t, (int)a->a[2], a->a[3], &si, (int)a->a[0] == t->proc->tgid)))
        return r;
    return tkill_common(t, (int)a->a[0], (int)a->a[1], (int)a->a[2], &si);
}

long sys_rt_sigsuspend(struct task *t, const struct syscall_args *a)
{
    uint64_t mask;

    if (a->a[1] != 8)
        return -EINVAL;
    if (mm_copy_in(t->mm, &mask, a->a[0], 8))
        return -EFAULT;
    t->saved_sigmask = t->sigmask;
    t->restore_sigmask = true;
    t->sigmask = mask & ~UNBLOCKABLE;
    while (task_block(t, NULL) != -EINTR)
        ;
    return -ERESTARTNOHAND;
}

long sys_pause(struct task *t, const struct syscall_args *a)
{
    while (task_block(t, NULL) != -EINTR)
        ;
    return -ERESTARTNOHAND;
}

static void deadline_after(struct timespec *d, const struct timespec *rel)
{
    ts_deadline_in(d, rel);
}

long sys_rt_sigtimedwait(struct task *t, const struct syscall_args *a)
{
    uint64_t set;
    struct timespec ts, deadline;
    siginfo_t si;
    int sig, r;

    if (a->a[3] != 8)
        return -EINVAL;
    if (mm_copy_in(t->mm, &set, a->a[0], 8))
        return -EFAULT;
    set &= ~UNBLOCKABLE;
    if (a->a[2]) {
        if (mm_copy_in(t->mm, &ts, a->a[2], sizeof(ts)))
            return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
            return -EINVAL;
        deadline_after(&deadline, &ts);
    }
    for (;;) {
        sig = signal_take(t, set, &si);
        if (sig)
            break;
        /* Wait with the set unblocked so its signals wake us; others
         * still interrupt the wait. */
        {
            uint64_t saved = t->sigmask;
            t->sigmask &= ~set;
            r = task_block(t, a->a[2] ? &deadline : NULL);
            t->sigmask = saved;
        }
        if (r == -ETIMEDOUT) {
            sig = signal_take(t, set, &si);
            if (sig)
                break;
            return -EAGAIN;
        }
        if (r == -EINTR) {
            sig = signal_take(t, set, &si);
            if (sig)
                break;
            if (task_signal_pending(t))
                return -EINTR;
        }
    }
    if (a->a[1] && mm_copy_out(t->mm, a->a[1], &si, sizeof(si)))
        return -EFAULT;
    return sig;
}

