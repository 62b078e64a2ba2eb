/* sentry/kernel/task.c: the task loop: switch into the app, dispatch, exit. */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "lib/log.h"
#include "sentry/syscalls/syscalls.h"

struct kernel *sb_kernel;

void task_exit_group(struct task *t, int wait_status)
{
    if (t->exiting)
        return;
    t->exiting = true;
    t->exit_status = wait_status;
}

static void fatal_signal(struct task *t, int sig)
{
    int core = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
               sig == SIGTRAP || sig == SIGABRT || sig == SIGQUIT || sig == SIGSYS;
    /* No core files are written: report the signal without the core bit. */
    (void)core;
    task_exit_group(t, sig);
}

int task_run(struct task *t)
{
    const struct platform_ops *pops = t->k->pops;
    struct fault_info fi;

    while (!t->exiting) {
        enum switch_reason why = pops->ctx_switch(t->ctx, t->mm->as, &t->cpu, &fi);
        struct user_regs_struct *r = &t->cpu.regs;

        switch (why) {
        case SW_SYSCALL: {
            struct syscall_args a;
            uint8_t insn[2];
            long ret;

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
            vfs_cur_cred.fsuid = t->cred.fsuid;
            vfs_cur_cred.fsgid = t->cred.fsgid;
            ret = syscall_dispatch(t, &a);
            r->rax = (uint64_t)ret;
            break;
        }
        case SW_FAULT:
            if ((fi.signo == SIGSEGV || fi.signo == SIGBUS) &&
                mm_fault(t->mm, fi.addr, fi.code) == 0)
                break;
            sb_debug("task %d: fatal signal %d at rip %llx addr %lx", t->tid, fi.signo,
                     (unsigned long long)r->rip, (unsigned long)fi.addr);
            fatal_signal(t, fi.signo);
            break;
        case SW_INTERRUPTED:
            break;
        case SW_ERROR:
            sb_err("task %d: lost its stub process", t->tid);
            task_exit_group(t, SIGKILL);
            break;
        }
    }
    return t->exit_status;
}
