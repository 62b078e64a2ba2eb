/* sentry/syscalls/sys_signal.c: signal state, kill to self, futex, poll.
 *
 * This slice has one task and no delivery: actions and masks are stored
 * (and reported back) so libc works; a fatal signal sent to oneself ends
 * the task with the default action. Delivery comes with issue 3. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"

#define SIGBIT(s) (1ULL << ((s)-1))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

struct ksigaction {
    uint64_t handler, flags, restorer, mask;
};

long sys_rt_sigaction(struct task *t, const struct syscall_args *a)
{
    int sig = (int)a->a[0];
    struct ksigaction act, old;

    if (a->a[3] != 8)
        return -EINVAL;
    if (sig < 1 || sig > SB_NSIG)
        return -EINVAL;
    if (a->a[1] && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    old.handler = t->sigact[sig - 1].handler;
    old.flags = t->sigact[sig - 1].flags;
    old.restorer = t->sigact[sig - 1].restorer;
    old.mask = t->sigact[sig - 1].mask;
    if (a->a[1]) {
        if (mm_copy_in(t->mm, &act, a->a[1], sizeof(act)))
            return -EFAULT;
    }
    if (a->a[2] && mm_copy_out(t->mm, a->a[2], &old, sizeof(old)))
        return -EFAULT;
    if (a->a[1]) {
        t->sigact[sig - 1].handler = act.handler;
        t->sigact[sig - 1].flags = act.flags;
        t->sigact[sig - 1].restorer = act.restorer;
        t->sigact[sig - 1].mask = act.mask & ~UNBLOCKABLE;
    }
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
    if (a->a[2] && mm_copy_out(t->mm, a->a[2], &old, 8)) {
        return -EFAULT;
    }
    return 0;
}

long sys_sigaltstack(struct task *t, const struct syscall_args *a)
{
    stack_t ss, old = t->altstack;

    if (!old.ss_size)
        old.ss_flags = SS_DISABLE;
    if (a->a[0]) {
        if (mm_copy_in(t->mm, &ss, a->a[0], sizeof(ss)))
            return -EFAULT;
        if (ss.ss_flags & ~(SS_DISABLE | (1U << 31)))
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

/* The default action of sig, sent to t itself. */
long sys_signal_self(struct task *t, int sig)
{
    uint64_t h;

    if (sig == 0)
        return 0;
    h = t->sigact[sig - 1].handler;
    if (h == (uint64_t)SIG_IGN && sig != SIGKILL && sig != SIGSTOP)
        return 0;
    if (h != (uint64_t)SIG_DFL && sig != SIGKILL && sig != SIGSTOP) {
        sb_warn("signal %d to a handler: delivery is not implemented yet", sig);
        return 0;
    }
    switch (sig) {
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
    case SIGCONT:
        return 0;
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        return 0; /* job control with issue 3 */
    default:
        if (t->sigmask & SIGBIT(sig))
            return 0; /* stays pending until issue 3 delivers it */
        task_exit_group(t, sig);
        return 0;
    }
}

long sys_kill(struct task *t, const struct syscall_args *a)
{
    int pid = (int)a->a[0], sig = (int)a->a[1];

    if (sig < 0 || sig > SB_NSIG)
        return -EINVAL;
    if (pid != t->tgid && pid != 0 && pid != -1 && pid != -t->pgid)
        return -ESRCH;
    return sys_signal_self(t, sig);
}

long sys_tgkill(struct task *t, const struct syscall_args *a)
{
    int tgid = (int)a->a[0], tid = (int)a->a[1], sig = (int)a->a[2];

    if (sig < 0 || sig > SB_NSIG || tgid <= 0 || tid <= 0)
        return -EINVAL;
    if (tgid != t->tgid || tid != t->tid)
        return -ESRCH;
    return sys_signal_self(t, sig);
}

long sys_tkill(struct task *t, const struct syscall_args *a)
{
    int tid = (int)a->a[0], sig = (int)a->a[1];

    if (sig < 0 || sig > SB_NSIG || tid <= 0)
        return -EINVAL;
    if (tid != t->tid)
        return -ESRCH;
    return sys_signal_self(t, sig);
}

long sys_futex(struct task *t, const struct syscall_args *a)
{
    int op = (int)a->a[1] & FUTEX_CMD_MASK;
    uint32_t val;
    struct timespec ts;

    switch (op) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        if (a->a[0] & 3)
            return -EINVAL;
        if (mm_copy_in(t->mm, &val, a->a[0], 4))
            return -EFAULT;
        if (val != (uint32_t)a->a[2])
            return -EAGAIN;
        if (a->a[3]) {
            if (mm_copy_in(t->mm, &ts, a->a[3], sizeof(ts)))
                return -EFAULT;
            if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
                return -EINVAL;
            /* Nobody else can wake us: the wait ends by its timeout. */
            clock_nanosleep(op == FUTEX_WAIT ? CLOCK_MONOTONIC
                            : ((int)a->a[1] & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME
                                                                    : CLOCK_MONOTONIC,
                            op == FUTEX_WAIT ? 0 : TIMER_ABSTIME, &ts, NULL);
            return -ETIMEDOUT;
        }
        /* One task waiting with no timeout and no waker: Linux hangs too. */
        for (;;) {
            struct timespec hour = { 3600, 0 };
            clock_nanosleep(CLOCK_MONOTONIC, 0, &hour, NULL);
        }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        if (a->a[0] & 3)
            return -EINVAL;
        return 0;
    default:
        return -ENOSYS;
    }
}

long sys_poll(struct task *t, const struct syscall_args *a)
{
    uint64_t nfds = a->a[1];
    struct pollfd p;
    long ready = 0;

    if (nfds > (uint64_t)t->fdt->max)
        return -EINVAL;
    for (uint64_t i = 0; i < nfds; i++) {
        struct file *f;
        if (mm_copy_in(t->mm, &p, a->a[0] + i * sizeof(p), sizeof(p)))
            return -EFAULT;
        p.revents = 0;
        if (p.fd >= 0) {
            f = fdt_get(t->fdt, p.fd);
            if (!f) {
                p.revents = POLLNVAL;
            } else {
                p.revents = p.events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
                file_put(f);
            }
        }
        if (p.revents)
            ready++;
        if (mm_copy_out(t->mm, a->a[0] + i * sizeof(p), &p, sizeof(p)))
            return -EFAULT;
    }
    return ready;
}
