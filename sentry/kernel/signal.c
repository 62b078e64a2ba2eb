/* sentry/kernel/signal.c: sending, queueing and delivering signals.
 *
 * Signals are queued on a task or on its process; a task takes them on its
 * way back to the application (after a syscall, a fault, or an interrupt
 * from another Sentry thread). Default actions (terminate, stop, continue,
 * ignore) act on the whole process; handlers get an x86-64 rt_sigframe
 * holding the registers and the full XSAVE state, undone by rt_sigreturn.
 */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <poll.h>
#include <sys/wait.h>

#include "lib/log.h"
#include "lib/xalloc.h"


#define STOP_SIGS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define IGNORE_SIGS (SIGBIT(SIGCHLD) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH) | SIGBIT(SIGCONT))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define SYNC_SIGS (SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | \
                   SIGBIT(SIGFPE) | SIGBIT(SIGSYS))

struct waitq signal_queued_wq = { PTHREAD_MUTEX_INITIALIZER, NULL };

struct sighand *sighand_new(const struct sighand *copy)
{
    struct sighand *sh = xzalloc(sizeof(*sh));
    if (copy)
        memcpy(sh->act, copy->act, sizeof(sh->act));
    sh->ref = 1;
    return sh;
}

void sighand_put(struct sighand *sh)
{
    if (sh && !__atomic_sub_fetch(&sh->ref, 1, __ATOMIC_ACQ_REL))
        free(sh);
}

void signal_fill_kill_info(siginfo_t *si, int sig, int code, struct task *from)
{
    memset(si, 0, sizeof(*si));
    si->si_signo = sig;
    si->si_code = code;
    if (from) {
        si->si_pid = from->proc->tgid;
        si->si_uid = from->cred.uid;
    }
}

bool task_signal_pending(struct task *t)
{
    struct process *p = t->proc;
    uint64_t pend = __atomic_load_n(&t->pending.set, __ATOMIC_SEQ_CST) |
                    __atomic_load_n(&p->pending.set, __ATOMIC_SEQ_CST);
    return (pend & ~t->sigmask) || p->group_exit || p->stopped || t->exiting;
}

/* Make t notice: wake it if blocked, interrupt it if running app code. */
static void kick(struct kernel *k, struct task *t)
{
    task_wake(t);
    if (t->ctx)
        k->pops->ctx_interrupt(t->ctx);
}

static int queue(struct sigpending *sp, int sig, const siginfo_t *info, uint64_t limit)
{
    if (sig < SIGRTMIN && (sp->set & SIGBIT(sig)))
        return 0; /* standard signals do not queue */
    if (sig >= SIGRTMIN && info->si_code < 0 && (uint64_t)sp->nq >= limit)
        return -EAGAIN; /* RLIMIT_SIGPENDING, for queued (sigqueue) signals */
    if (sp->nq < (int)(sizeof(sp->q) / sizeof(sp->q[0]))) {
        sp->q[sp->nq].signo = sig;
        sp->q[sp->nq].info = *info;
        sp->nq++;
    } else if (sig >= SIGRTMIN) {
        return -EAGAIN; /* queue full */
    }
    __atomic_or_fetch(&sp->set, SIGBIT(sig), __ATOMIC_SEQ_CST);
    waitq_wake_all(&signal_queued_wq); /* signalfd pollers (k->lock -> waitq locks) */
    return 0;
}

static void unqueue_mask(struct sigpending *sp, uint64_t mask)
{
    int j = 0;
    for (int i = 0; i < sp->nq; i++)
        if (!(SIGBIT(sp->q[i].signo) & mask))
            sp->q[j++] = sp->q[i];
    sp->nq = j;
    __atomic_and_fetch(&sp->set, ~mask, __ATOMIC_SEQ_CST);
}

/* Take sig off sp, filling info. */
static void dequeue(struct sigpending *sp, int sig, siginfo_t *info)
{
    bool more = false;
    int i, found = -1;

    for (i = 0; i < sp->nq; i++) {
        if (sp->q[i].signo != sig)
            continue;
        if (found < 0)
            found = i;
        else
            more = true;
    }
    if (found >= 0) {
        *info = sp->q[found].info;
        memmove(&sp->q[found], &sp->q[found + 1], (sp->nq - found - 1) * sizeof(sp->q[0]));
        sp->nq--;
    } else {
        memset(info, 0, sizeof(*info));
        info->si_signo = sig;
        info->si_code = SI_KERNEL;
    }
    if (!more)
        __atomic_and_fetch(&sp->set, ~SIGBIT(sig), __ATOMIC_SEQ_CST);
}

static bool ignored(struct process *p, int sig)
{
    uint64_t h = p->sighand->act[sig - 1].handler;
    if (sig == SIGKILL || sig == SIGSTOP)
        return false;
    return h == (uint64_t)SIG_IGN || (h == (uint64_t)SIG_DFL && (IGNORE_SIGS & SIGBIT(sig)));
}

static void group_exit_locked(struct kernel *k, struct process *p, int status)
{
    if (p->group_exit)
        return;
    sb_debug("process %d: group exit, status %#x", p->tgid, status);
    p->group_exit = true;
    p->exit_status = status;
    p->stopped = false;
    waitq_wake_all(&p->stop_wq);
    for (struct task *t = p->threads; t; t = t->tg_next)
        kick(k, t);
}

static void continue_locked(struct kernel *k, struct process *p)
{
    unqueue_mask(&p->pending, STOP_SIGS);
    for (struct task *t = p->threads; t; t = t->tg_next)
        unqueue_mask(&t->pending, STOP_SIGS);
    if (p->stopped) {
        p->stopped = false;
        p->stop_to_report = false;
        p->cont_to_report = true;
        signal_notify_parent(p, CLD_CONTINUED, SIGCONT);
        waitq_wake_all(&p->stop_wq);
        if (p->parent)
            waitq_wake_all(&p->parent->child_wq);
    }
}

/* Common part of sending (k->lock held). target_t: thread-directed. */
static int send_locked(struct kernel *k, struct process *p, struct task *target_t, int sig,
                       const siginfo_t *info)
{
    struct task *t;

    if (sig == 0 || p->state != PROC_LIVE || p->group_exit)
        return 0;
    if (sig == SIGKILL) {
        group_exit_locked(k, p, SIGKILL);
        return 0;
    }
    if (sig == SIGCONT)
        continue_locked(k, p);
    if (STOP_SIGS & SIGBIT(sig)) {
        unqueue_mask(&p->pending, SIGBIT(SIGCONT));
        for (t = p->threads; t; t = t->tg_next)
            unqueue_mask(&t->pending, SIGBIT(SIGCONT));
    }
    if (ignored(p, sig)) {
        bool blocked = target_t ? (target_t->sigmask & SIGBIT(sig))
                                : (p->threads && (p->threads->sigmask & SIGBIT(sig)));
        if (!blocked)
            return 0;
    }
    if (target_t) {
        int r = queue(&target_t->pending, sig, info, p->rlim[RLIMIT_SIGPENDING].cur);
        if (r)
            return r;
        kick(k, target_t);
        return 0;
    }
    {
        int r = queue(&p->pending, sig, info, p->rlim[RLIMIT_SIGPENDING].cur);
        if (r)
            return r;
    }
    /* Wake a thread that can take it, or the first one. */
    for (t = p->threads; t; t = t->tg_next) {
        if (!(t->sigmask & SIGBIT(sig))) {
            kick(k, t);
            return 0;
        }
    }
    if (p->threads)
        task_wake(p->threads); /* sigtimedwait waiters */
    for (t = p->threads; t; t = t->tg_next)
        task_wake(t);
    return 0;
}

int signal_send_process(struct kernel *k, struct process *p, int sig, const siginfo_t *info)
{
    return send_locked(k, p, NULL, sig, info);
}

int signal_send_task(struct kernel *k, struct task *t, int sig, const siginfo_t *info)
{
    return send_locked(k, t->proc, t, sig, info);
}

void signal_notify_parent(struct process *child, int code, int status)
{
    struct process *parent = child->parent;
    struct ksigaction *a;
    siginfo_t si;

    if (!parent || parent->state != PROC_LIVE)
        return;
    if (code == CLD_EXITED || code == CLD_KILLED || code == CLD_DUMPED) {
        if (child->exit_signal <= 0)
            return;
    }
    a = &parent->sighand->act[SIGCHLD - 1];
    if ((code == CLD_STOPPED || code == CLD_CONTINUED) && (a->flags & SA_NOCLDSTOP))
        return;
    memset(&si, 0, sizeof(si));
    si.si_signo = code == CLD_EXITED || code == CLD_KILLED ? child->exit_signal : SIGCHLD;
    si.si_code = code;
    si.si_pid = child->tgid;
    si.si_uid = child->threads ? child->threads->cred.uid : 0;
    si.si_status = status;
    send_locked(sb_kernel, parent, NULL, si.si_signo, &si);
}

/* ---- delivery ---- */

/* The kernel's x86-64 struct sigcontext (the ABI signal handlers see). */
struct kmcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;
    uint64_t reserved1[8];
};

struct kfpx_sw_bytes {
    uint32_t magic1, extended_size;
    uint64_t xfeatures;
    uint32_t xstate_size;
    uint32_t padding[7];
};

struct rt_sigframe {
    uint64_t pretcode;
    struct {
        uint64_t uc_flags;
        uint64_t uc_link;
        stack_t uc_stack;
        struct kmcontext mc;
        uint64_t uc_sigmask;
    } uc;
    siginfo_t info;
};
_Static_assert(sizeof(struct kmcontext) == 256, "sigcontext is 256 bytes");

#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define XSAVE_MAX 16384
#define FIX_EFLAGS 0x40dd5 /* CF PF AF ZF SF TF DF OF NT RF AC ID */

static bool on_altstack(struct task *t, uint64_t sp)
{
    uint64_t b = (uint64_t)t->altstack.ss_sp;
    return t->altstack.ss_size && sp > b && sp - b <= t->altstack.ss_size;
}

static int setup_frame(struct task *t, int sig, const struct ksigaction *act,
                       const siginfo_t *info, uint64_t oldmask)
{
    struct kernel *k = t->k;
    struct user_regs_struct *r = &t->cpu.regs;
    _cleanup_free_ uint8_t *fpu = xzalloc(XSAVE_MAX);
    struct rt_sigframe f;
    uint64_t sp = r->rsp, fpaddr, frame;
    int fplen;
    uint32_t magic2 = FP_XSTATE_MAGIC2;

    fplen = k->pops->fpu_get(t->ctx, fpu, XSAVE_MAX - 64);
    if (fplen < 512) {
        sb_debug("task %d: no FPU state for a signal frame: %d", t->tid, fplen);
        return -EFAULT;
    }
    sp -= 128; /* the red zone */
    if ((act->flags & SA_ONSTACK) && t->altstack.ss_size && !(t->altstack.ss_flags & SS_DISABLE) &&
        !on_altstack(t, r->rsp))
        sp = (uint64_t)t->altstack.ss_sp + t->altstack.ss_size;
    fpaddr = (sp - fplen - 4) & ~63ULL;
    frame = ((fpaddr - sizeof(f)) & ~15ULL) - 8;

    memset(&f, 0, sizeof(f));
    f.pretcode = act->restorer;
    f.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
    f.uc.uc_stack.ss_sp = t->altstack.ss_sp;
    f.uc.uc_stack.ss_size = t->altstack.ss_size;
    f.uc.uc_stack.ss_flags = !t->altstack.ss_size ? SS_DISABLE
                             : on_altstack(t, r->rsp) ? SS_ONSTACK : 0;
    f.uc.mc.r8 = r->r8;
    f.uc.mc.r9 = r->r9;
    f.uc.mc.r10 = r->r10;
    f.uc.mc.r11 = r->r11;
    f.uc.mc.r12 = r->r12;
    f.uc.mc.r13 = r->r13;
    f.uc.mc.r14 = r->r14;
    f.uc.mc.r15 = r->r15;
    f.uc.mc.rdi = r->rdi;
    f.uc.mc.rsi = r->rsi;
    f.uc.mc.rbp = r->rbp;
    f.uc.mc.rbx = r->rbx;
    f.uc.mc.rdx = r->rdx;
    f.uc.mc.rax = r->rax;
    f.uc.mc.rcx = r->rcx;
    f.uc.mc.rsp = r->rsp;
    f.uc.mc.rip = r->rip;
    f.uc.mc.eflags = r->eflags;
    f.uc.mc.cs = 0x33;
    f.uc.mc.ss = 0x2b;
    if (sig == SIGSEGV || sig == SIGBUS) {
        f.uc.mc.trapno = 14;
        f.uc.mc.cr2 = (uint64_t)info->si_addr;
    }
    f.uc.mc.oldmask = oldmask;
    f.uc.mc.fpstate = fpaddr;
    f.uc.uc_sigmask = oldmask;
    f.info = *info;
    {
        /* The software-reserved bytes of the XSAVE area say its size. */
        struct kfpx_sw_bytes *sw = (struct kfpx_sw_bytes *)(fpu + 464);
        sw->magic1 = FP_XSTATE_MAGIC1;
        sw->extended_size = fplen + 4;
        sw->xstate_size = fplen;
        if (!sw->xfeatures)
            sw->xfeatures = *(uint64_t *)(fpu + 512) | 3;
    }
    if (mm_copy_out(t->mm, fpaddr, fpu, fplen) ||
        mm_copy_out(t->mm, fpaddr + fplen, &magic2, 4) ||
        mm_copy_out(t->mm, frame, &f, sizeof(f))) {
        sb_debug("task %d: signal frame at %lx does not fit", t->tid, (unsigned long)frame);
        return -EFAULT;
    }

    r->rsp = frame;
    r->rip = act->handler;
    r->rdi = sig;
    r->rsi = frame + offsetof(struct rt_sigframe, info);
    r->rdx = frame + offsetof(struct rt_sigframe, uc);
    r->rax = 0;
    r->eflags &= ~(0x100 | 0x400 | 0x40000); /* TF DF AC */

    /* The handler starts with a clean FPU, as on Linux. */
    memset(fpu, 0, 512);
    *(uint16_t *)(fpu + 0) = 0x37f;        /* fcw */
    *(uint32_t *)(fpu + 24) = 0x1f80;      /* mxcsr */
    *(uint32_t *)(fpu + 28) = 0xffff;      /* mxcsr_mask */
    memset(fpu + 512, 0, 8);               /* xstate_bv: all in init state */
    k->pops->fpu_set(t->ctx, fpu, fplen);
    return 0;
}

long signal_sigreturn(struct task *t)
{
    struct user_regs_struct *r = &t->cpu.regs;
    struct rt_sigframe f;
    uint64_t frame = r->rsp - 8;
    _cleanup_free_ uint8_t *fpu = NULL;
    struct kfpx_sw_bytes sw;

    if (mm_copy_in(t->mm, &f, frame, sizeof(f)))
        goto bad;
    r->r8 = f.uc.mc.r8;
    r->r9 = f.uc.mc.r9;
    r->r10 = f.uc.mc.r10;
    r->r11 = f.uc.mc.r11;
    r->r12 = f.uc.mc.r12;
    r->r13 = f.uc.mc.r13;
    r->r14 = f.uc.mc.r14;
    r->r15 = f.uc.mc.r15;
    r->rdi = f.uc.mc.rdi;
    r->rsi = f.uc.mc.rsi;
    r->rbp = f.uc.mc.rbp;
    r->rbx = f.uc.mc.rbx;
    r->rdx = f.uc.mc.rdx;
    r->rax = f.uc.mc.rax;
    r->rcx = f.uc.mc.rcx;
    r->rsp = f.uc.mc.rsp;
    r->rip = f.uc.mc.rip;
    r->eflags = (r->eflags & ~FIX_EFLAGS) | (f.uc.mc.eflags & FIX_EFLAGS);
    r->cs = 0x33;
    r->ss = 0x2b;
    t->sigmask = f.uc.uc_sigmask & ~UNBLOCKABLE;
    if (f.uc.mc.fpstate) {
        if (mm_copy_in(t->mm, &sw, f.uc.mc.fpstate + 464, sizeof(sw)))
            goto bad;
        if (sw.magic1 == FP_XSTATE_MAGIC1 && sw.xstate_size >= 512 &&
            sw.xstate_size <= XSAVE_MAX) {
            fpu = xzalloc(sw.xstate_size);
            if (mm_copy_in(t->mm, fpu, f.uc.mc.fpstate, sw.xstate_size))
                goto bad;
            t->k->pops->fpu_set(t->ctx, fpu, sw.xstate_size);
        } else {
            fpu = xzalloc(512);
            if (mm_copy_in(t->mm, fpu, f.uc.mc.fpstate, 512))
                goto bad;
            t->k->pops->fpu_set(t->ctx, fpu, 512);
        }
    }
    return (long)r->rax;
bad:
    pthread_mutex_lock(&t->k->lock);
    group_exit_locked(t->k, t->proc, SIGSEGV);
    pthread_mutex_unlock(&t->k->lock);
    return 0;
}

/* Pick the signal to take: synchronous faults first, then the lowest. */
static int next_signal(struct task *t, bool *shared)
{
    uint64_t own = t->pending.set & ~t->sigmask;
    uint64_t sh = t->proc->pending.set & ~t->sigmask;
    uint64_t m;

    if (own & SYNC_SIGS) {
        *shared = false;
        return __builtin_ctzll(own & SYNC_SIGS) + 1;
    }
    if (own) {
        *shared = false;
        return __builtin_ctzll(own) + 1;
    }
    m = sh & SYNC_SIGS ? sh & SYNC_SIGS : sh;
    if (m) {
        *shared = true;
        return __builtin_ctzll(m) + 1;
    }
    return 0;
}

static bool not_stopped(void *arg)
{
    struct process *p = arg;
    return !p->stopped || p->group_exit;
}

/* Set up a restart of the interrupted syscall (no handler ran). */
static void restart_syscall(struct task *t, long *ret)
{
    struct user_regs_struct *r = &t->cpu.regs;

    switch (-*ret) {
    case ERESTARTSYS:
    case ERESTARTNOINTR:
    case ERESTARTNOHAND:
        r->rip -= 2;
        *ret = t->restart_nr;
        break;
    case ERESTART_RESTARTBLOCK:
        r->rip -= 2;
        *ret = 219; /* restart_syscall */
        break;
    }
}

void signal_deliver(struct task *t, long *ret, bool from_syscall)
{
    struct kernel *k = t->k;
    struct process *p = t->proc;
    bool restarting = from_syscall && *ret <= -ERESTARTSYS && *ret >= -ERESTART_RESTARTBLOCK;

    pthread_mutex_lock(&k->lock);
    for (;;) {
        struct ksigaction act;
        siginfo_t info;
        bool shared;
        int sig;

        if (p->group_exit || t->exiting) {
            t->exiting = true;
            break;
        }
        if (p->stopped) {
            pthread_mutex_unlock(&k->lock);
            task_wait_event(t, &p->stop_wq, not_stopped, p, NULL);
            pthread_mutex_lock(&k->lock);
            continue;
        }
        sig = next_signal(t, &shared);
        if (!sig)
            break;
        dequeue(shared ? &p->pending : &t->pending, sig, &info);
        act = p->sighand->act[sig - 1];
        if (act.handler == (uint64_t)SIG_IGN && sig != SIGKILL && sig != SIGSTOP)
            continue;
        if (act.handler == (uint64_t)SIG_DFL || sig == SIGKILL || sig == SIGSTOP) {
            if (IGNORE_SIGS & SIGBIT(sig))
                continue;
            if (STOP_SIGS & SIGBIT(sig)) {
                p->stopped = true;
                p->stop_sig = sig;
                p->stop_to_report = true;
                p->cont_to_report = false;
                for (struct task *o = p->threads; o; o = o->tg_next)
                    if (o != t)
                        kick(k, o);
                signal_notify_parent(p, CLD_STOPPED, sig);
                if (p->parent)
                    waitq_wake_all(&p->parent->child_wq);
                continue;
            }
            group_exit_locked(k, p, sig);
            t->exiting = true;
            break;
        }
        /* A handler. */
        pthread_mutex_unlock(&k->lock);
        if (restarting) {
            long e = -*ret;
            if (e == ERESTARTNOINTR || (e == ERESTARTSYS && (act.flags & SA_RESTART))) {
                restart_syscall(t, ret);
            } else {
                *ret = -EINTR;
            }
            t->cpu.regs.rax = (uint64_t)*ret;
            restarting = false;
        }
        {
            uint64_t oldmask = t->restore_sigmask ? t->saved_sigmask : t->sigmask;
            t->restore_sigmask = false;
            if (setup_frame(t, sig, &act, &info, oldmask)) {
                pthread_mutex_lock(&k->lock);
                group_exit_locked(k, p, SIGSEGV);
                t->exiting = true;
                pthread_mutex_unlock(&k->lock);
                return;
            }
            *ret = 0; /* rax is set by the frame */
            t->sigmask |= act.mask;
            if (!(act.flags & SA_NODEFER))
                t->sigmask |= SIGBIT(sig);
            t->sigmask &= ~UNBLOCKABLE;
            if (act.flags & SA_RESETHAND) {
                pthread_mutex_lock(&k->lock);
                p->sighand->act[sig - 1].handler = (uint64_t)SIG_DFL;
                p->sighand->act[sig - 1].flags &= ~SA_SIGINFO;
                pthread_mutex_unlock(&k->lock);
            }
        }
        t->cpu.regs.rax = 0;
        return;
    }
    pthread_mutex_unlock(&k->lock);
    if (t->exiting)
        return;
    if (restarting) {
        restart_syscall(t, ret);
        t->cpu.regs.rax = (uint64_t)*ret;
    }
    if (t->restore_sigmask) {
        t->sigmask = t->saved_sigmask;
        t->restore_sigmask = false;
    }
}

void signal_discard(struct process *p, int sig)
{
    unqueue_mask(&p->pending, SIGBIT(sig));
    for (struct task *o = p->threads; o; o = o->tg_next)
        unqueue_mask(&o->pending, SIGBIT(sig));
}

void task_exit_group(struct task *t, int wait_status)
{
    pthread_mutex_lock(&t->k->lock);
    group_exit_locked(t->k, t->proc, wait_status);
    t->exiting = true;
    pthread_mutex_unlock(&t->k->lock);
}

void process_group_exit(struct kernel *k, struct process *p, int wait_status)
{
    group_exit_locked(k, p, wait_status);
}

void signal_force(struct task *t, int sig, const siginfo_t *info)
{
    struct kernel *k = t->k;
    struct ksigaction *a;

    pthread_mutex_lock(&k->lock);
    a = &t->proc->sighand->act[sig - 1];
    if (a->handler == (uint64_t)SIG_IGN || (t->sigmask & SIGBIT(sig))) {
        a->handler = (uint64_t)SIG_DFL;
        t->sigmask &= ~SIGBIT(sig);
    }
    (void)queue(&t->pending, sig, info, UINT64_MAX);
    pthread_mutex_unlock(&k->lock);
}

/* Take a pending signal of `set` without running a handler (sigtimedwait).
 * Returns the signal or 0. */
int signal_take(struct task *t, uint64_t set, siginfo_t *info)
{
    struct kernel *k = t->k;
    uint64_t m;
    int sig = 0;

    pthread_mutex_lock(&k->lock);
    m = t->pending.set & set;
    if (m) {
        sig = __builtin_ctzll(m) + 1;
        dequeue(&t->pending, sig, info);
    } else if ((m = t->proc->pending.set & set)) {
        sig = __builtin_ctzll(m) + 1;
        dequeue(&t->proc->pending, sig, info);
    }
    pthread_mutex_unlock(&k->lock);
    return sig;
}

void kernel_send_io_signal(int owner, int sig, int fd, int code, bool info)
{
    struct kernel *k = sb_kernel;
    siginfo_t si;

    memset(&si, 0, sizeof(si));
    si.si_signo = sig;
    if (info) {
        si.si_code = code;
        si.si_fd = fd;
        si.si_band = code == POLL_IN ? (POLLIN | POLLRDNORM) : (POLLOUT | POLLWRNORM);
    } else {
        si.si_code = SI_KERNEL;
    }
    pthread_mutex_lock(&k->lock);
    if (owner > 0) {
        struct process *p = pid_process(k, owner);
        if (p)
            send_locked(k, p, NULL, sig, &si);
    } else {
        struct process *p;
        for_each_process(k, i, p)
            if (p->pgid == -owner)
                send_locked(k, p, NULL, sig, &si);
    }
    pthread_mutex_unlock(&k->lock);
}

/* A signal the kernel sends the task itself (SIGPIPE on EPIPE). */
void task_signal_self(struct task *t, int sig)
{
    siginfo_t si;

    /* As Linux's send_sig(): SI_USER, from the task itself. */
    signal_fill_kill_info(&si, sig, SI_USER, t);
    pthread_mutex_lock(&t->k->lock);
    signal_send_task(t->k, t, sig, &si);
    pthread_mutex_unlock(&t->k->lock);
}
