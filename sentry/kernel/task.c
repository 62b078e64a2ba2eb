/* sentry/kernel/task.c: the task loop: switch into the app, dispatch the
 * syscall or fault, deliver signals; one host thread per task. */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "lib/log.h"
#include <linux/capability.h>
#include "lib/xalloc.h"
#include "sentry/syscalls/syscalls.h"

struct kernel *sb_kernel;
__thread struct task *current_task;

struct task *task_alloc(struct kernel *k)
{
    struct task *t = xzalloc(sizeof(*t));
    pthread_condattr_t ca;

    t->k = k;
    pthread_mutex_init(&t->wait_mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->wait_cv, &ca);
    pthread_condattr_destroy(&ca);
    return t;
}

static void *task_main(void *arg)
{
    struct task *t = arg;

    task_run(t);
    process_exit_thread(t);
    return NULL;
}

int task_start(struct task *t)
{
    pthread_attr_t attr;
    int r;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    r = pthread_create(&t->thread, &attr, task_main, t);
    pthread_attr_destroy(&attr);
    return -r;
}

static bool is_restart(long r)
{
    return r <= -512 && r >= -516;
}

void task_run(struct task *t)
{
    const struct platform_ops *pops = t->k->pops;
    struct fault_info fi;

    current_task = t;
    for (;;) {
        long ret = 0;
        enum switch_reason why;
        struct user_regs_struct *r = &t->cpu.regs;

        if (task_signal_pending(t) || t->restore_sigmask)
            signal_deliver(t, &ret, false);
        if (t->exiting || t->proc->group_exit)
            break;
        {
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            __atomic_store_n(&t->in_app, true, __ATOMIC_RELEASE);
            why = pops->ctx_switch(t->ctx, t->mm->as, &t->cpu, &fi);
            __atomic_add_fetch(&t->switches, 1, __ATOMIC_ACQ_REL);
            __atomic_store_n(&t->in_app, false, __ATOMIC_RELEASE);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            {
                uint64_t d = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ULL + t1.tv_nsec -
                             t0.tv_nsec;
                t->run_ns += d;
                __atomic_add_fetch(&t->proc->run_ns_total, d, __ATOMIC_RELAXED);
            }
        }
        switch (why) {
        case SW_SYSCALL: {
            struct syscall_args a;
            uint8_t insn[2];

            /* int $0x80 is the i386 ABI: refused. */
            if (r->rip >= 2 && mm_copy_in(t->mm, insn, r->rip - 2, 2) == 0 &&
                insn[0] == 0xcd && insn[1] == 0x80) {
                r->rax = (uint64_t)-ENOSYS;
                break;
            }
            a.nr = (int)r->orig_rax;
            a.a[0] = r->rdi;
            a.a[1] = r->rsi;
            a.a[2] = r->rdx;
            a.a[3] = r->r10;
            a.a[4] = r->r8;
            a.a[5] = r->r9;
            task_set_vfs_cred(t);
            t->restart_nr = a.nr;
            ret = syscall_dispatch(t, &a);
            if (a.nr == SYS_rt_sigreturn)
                ret = (long)r->rax;
            r->rax = (uint64_t)ret;
            if (task_signal_pending(t) || is_restart(ret) || t->restore_sigmask)
                signal_deliver(t, &ret, true);
            break;
        }
        case SW_FAULT:
            {
                siginfo_t si;
                int fr = -EFAULT;
                if (fi.signo == SIGSEGV || fi.signo == SIGBUS) {
                    fr = mm_fault(t->mm, fi.addr, fi.code, &t->fault_guard);
                    if (fr == 0)
                        break;
                    if (fr == -EIO) {
                        fi.signo = SIGBUS;
                        fi.code = BUS_ADRERR;
                    } else if (fi.signo == SIGSEGV && fi.code != SEGV_ACCERR) {
                        fi.code = SEGV_MAPERR;
                    }
                }
                memset(&si, 0, sizeof(si));
                si.si_signo = fi.signo;
                si.si_code = fi.code;
                si.si_addr = (void *)fi.addr;
                sb_debug("task %d: signal %d at rip %llx addr %lx", t->tid, fi.signo,
                         (unsigned long long)r->rip, (unsigned long)fi.addr);
                signal_force(t, fi.signo, &si);
            }
            signal_deliver(t, &ret, false);
            break;
        case SW_INTERRUPTED:
            break;
        case SW_ERROR:
            if (!t->proc->group_exit)
                sb_debug("task %d: lost its stub", t->tid);
            task_exit_group(t, SIGKILL);
            break;
        }
    }
}

void task_set_vfs_cred(struct task *t)
{
    vfs_cur_cred.fsuid = t->cred.fsuid;
    vfs_cur_cred.fsgid = t->cred.fsgid;
    vfs_cur_cred.dac_override = capable(t, CAP_DAC_OVERRIDE);
    vfs_cur_cred.dac_read_search = capable(t, CAP_DAC_READ_SEARCH);
    vfs_cur_cred.fowner = capable(t, CAP_FOWNER);
    vfs_cur_cred.groups = t->cred.groups;
    vfs_cur_cred.ngroups = t->cred.ngroups;
}

uint64_t task_thread_cpu_ns(struct task *t)
{
    /* The process clock is exact; a thread gets the share of it that its
     * time running app code is of all its threads' (exact with one). */
    uint64_t p = task_cpu_ns(t), total = __atomic_load_n(&t->proc->run_ns_total, __ATOMIC_RELAXED);
    if (!total || t->run_ns >= total)
        return p;
    return (uint64_t)((unsigned __int128)p * t->run_ns / total);
}

uint64_t task_cpu_ns(struct task *t)
{
    if (!t->mm || !t->mm->as || !t->k->pops->as_cpu_ns)
        return 0;
    return t->k->pops->as_cpu_ns(t->mm->as);
}
