/* platform/ptrace/ptrace.c: the ptrace platform: stubs, SYSEMU, injection.
 *
 * Each address space is a stub process with one page of code at
 * PTRACE_STUB_ADDR and nothing else mapped but MemoryFile ranges injected by
 * the Sentry. The Sentry thread that created a stub is its tracer and the
 * only thread that may switch into it or inject into it.
 */

#include <errno.h>
#include <stddef.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ptrace.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "platform/ptrace/ptrace.h"

#define STUB_OFF(sym) ((uint64_t)((sym) - ptrace_stub_start))

/* Wait for a stop of `pid`, retrying EINTR. */
static int wait_stop(pid_t pid, int *status)
{
    for (;;) {
        pid_t r = waitpid(pid, status, __WALL);
        if (r == pid)
            return 0;
        if (r < 0 && errno != EINTR)
            return -errno;
    }
}

static _Noreturn void stub_child(struct ptrace_platform *p, pid_t parent)
{
    void *page;
    size_t len = ptrace_stub_end - ptrace_stub_start;

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
        _exit(127);
    setsid(); /* terminal signals to the caller's group never reach a stub */
    if (p->cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(p->cpu, &set);
        sched_setaffinity(0, sizeof(set), &set);
    }
    /* glibc registered an rseq area in our TLS; it is about to vanish. */
#ifdef SYS_rseq
    {
        extern const ptrdiff_t __rseq_offset __attribute__((weak));
        extern const unsigned int __rseq_size __attribute__((weak));
        if (&__rseq_size && __rseq_size) {
            void *area = (char *)__builtin_thread_pointer() + __rseq_offset;
            syscall(SYS_rseq, area, 32, 1 /* UNREGISTER */, 0x53053053);
        }
    }
#endif
    page = mmap((void *)PTRACE_STUB_ADDR, PTRACE_STUB_SIZE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (page == MAP_FAILED)
        _exit(126);
    memcpy(page, ptrace_stub_start, len);
    if (mprotect(page, PTRACE_STUB_SIZE, PROT_READ | PROT_EXEC))
        _exit(126);
    if (p->memfd > 0)
        syscall(SYS_close_range, 0, p->memfd - 1, 0);
    syscall(SYS_close_range, p->memfd + 1, ~0U, 0);
    if (ptrace(PTRACE_TRACEME, 0, 0, 0))
        _exit(125);
    raise(SIGSTOP);
    if (ptrace_stub_install_filter())
        _exit(124);
    ((void (*)(void))PTRACE_STUB_ADDR)();
    _exit(123);
}

int ptrace_stub_new(struct ptrace_platform *p, struct ptrace_as *as)
{
    pid_t parent = getpid();
    int status, r;
    pid_t pid = fork();

    if (pid < 0)
        return -errno;
    if (pid == 0)
        stub_child(p, parent);
    as->p = p;
    as->pid = pid;
    if ((r = wait_stop(pid, &status)))
        goto fail;
    if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
        r = -ECHILD;
        goto fail;
    }
    if (ptrace(PTRACE_SETOPTIONS, pid, 0,
               PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP)) {
        r = -errno;
        goto fail;
    }
    if (ptrace(PTRACE_CONT, pid, 0, 0)) {
        r = -errno;
        goto fail;
    }
    for (;;) {
        if ((r = wait_stop(pid, &status)))
            goto fail;
        if (!WIFSTOPPED(status)) {
            r = -ECHILD;
            goto fail;
        }
        if (WSTOPSIG(status) == SIGTRAP)
            break;
        ptrace(PTRACE_CONT, pid, 0, 0); /* e.g. a stray SIGCHLD */
    }
    if (ptrace(PTRACE_GETREGS, pid, 0, &as->init_regs)) {
        r = -errno;
        goto fail;
    }
    return 0;
fail:
    kill(pid, SIGKILL);
    waitpid(pid, &status, __WALL);
    return r;
}

long ptrace_stub_inject(struct ptrace_as *as, long nr, uint64_t a0, uint64_t a1,
                        uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct user_regs_struct r = as->init_regs;
    int status;

    r.rip = PTRACE_STUB_ADDR + STUB_OFF(ptrace_stub_syscall);
    r.rax = nr;
    r.orig_rax = -1;
    r.rdi = a0;
    r.rsi = a1;
    r.rdx = a2;
    r.r10 = a3;
    r.r8 = a4;
    r.r9 = a5;
    if (ptrace(PTRACE_SETREGS, as->pid, 0, &r) ||
        ptrace(PTRACE_CONT, as->pid, 0, 0))
        return -errno;
    for (;;) {
        if (wait_stop(as->pid, &status) || !WIFSTOPPED(status))
            return -ECHILD;
        if (WSTOPSIG(status) == SIGTRAP)
            break;
        if (ptrace(PTRACE_CONT, as->pid, 0, 0))
            return -errno;
    }
    if (ptrace(PTRACE_GETREGS, as->pid, 0, &r))
        return -errno;
    return (long)r.rax;
}

/* ---- platform ops ---- */

static int pt_init(const struct platform_cfg *cfg, struct platform **out)
{
    struct ptrace_platform *p = xzalloc(sizeof(*p));

    p->memfd = cfg->memfd;
    p->cpu = cfg->cpu >= 0 ? cfg->cpu : sched_getcpu();
    if (p->cpu >= 0) {
        /* Tracer and tracee on one CPU: ~10 us per switch instead of ~56. */
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(p->cpu, &set);
        sched_setaffinity(0, sizeof(set), &set);
    }
    *out = &p->base;
    return 0;
}

static int pt_as_new(struct platform *pl, struct address_space **out)
{
    struct ptrace_platform *p = (struct ptrace_platform *)pl;
    struct ptrace_as *as = xzalloc(sizeof(*as));
    int r = ptrace_stub_new(p, as);

    if (r) {
        free(as);
        return r;
    }
    *out = (struct address_space *)as;
    return 0;
}

static int pt_as_map(struct address_space *a, uint64_t addr, uint64_t len,
                     uint64_t off, int prot)
{
    struct ptrace_as *as = (struct ptrace_as *)a;
    long r = ptrace_stub_inject(as, SYS_mmap, addr, len, prot,
                                MAP_SHARED | MAP_FIXED, as->p->memfd, off);
    if (r < 0 && r > -4096)
        return (int)r;
    return r == (long)addr ? 0 : -EIO;
}

static int pt_as_unmap(struct address_space *a, uint64_t addr, uint64_t len)
{
    struct ptrace_as *as = (struct ptrace_as *)a;
    long r = ptrace_stub_inject(as, SYS_munmap, addr, len, 0, 0, 0, 0);
    return r < 0 ? (int)r : 0;
}

static void pt_as_release(struct address_space *a)
{
    struct ptrace_as *as = (struct ptrace_as *)a;
    int status;

    if (!as)
        return;
    kill(as->pid, SIGKILL);
    waitpid(as->pid, &status, __WALL);
    free(as);
}

static int pt_ctx_new(struct platform *pl, struct context **out)
{
    struct ptrace_ctx *c = xzalloc(sizeof(*c));
    c->p = (struct ptrace_platform *)pl;
    *out = (struct context *)c;
    return 0;
}

static void pt_ctx_release(struct context *c)
{
    free(c);
}

static enum switch_reason pt_ctx_switch(struct context *c, struct address_space *a,
                                        struct cpu_state *cpu, struct fault_info *fi)
{
    struct ptrace_as *as = (struct ptrace_as *)a;
    int status, sig;
    siginfo_t si;

    cpu->regs.orig_rax = -1;
    if (ptrace(PTRACE_SETREGS, as->pid, 0, &cpu->regs))
        return SW_ERROR;
    sig = 0;
    for (;;) {
        if (ptrace(PTRACE_SYSEMU, as->pid, 0, sig))
            return SW_ERROR;
        if (wait_stop(as->pid, &status) || !WIFSTOPPED(status))
            return SW_ERROR;
        sig = WSTOPSIG(status);
        if (sig == (SIGTRAP | 0x80) ||
            (sig == SIGTRAP && (status >> 16) == PTRACE_EVENT_SECCOMP)) {
            if (ptrace(PTRACE_GETREGS, as->pid, 0, &cpu->regs))
                return SW_ERROR;
            return SW_SYSCALL;
        }
        switch (sig) {
        case SIGSEGV:
        case SIGBUS:
        case SIGILL:
        case SIGFPE:
        case SIGTRAP:
            if (ptrace(PTRACE_GETSIGINFO, as->pid, 0, &si) ||
                ptrace(PTRACE_GETREGS, as->pid, 0, &cpu->regs))
                return SW_ERROR;
            fi->addr = (uint64_t)si.si_addr;
            fi->signo = sig;
            fi->code = si.si_code;
            return SW_FAULT;
        default:
            /* A host signal (e.g. SIGSTOP, SIGWINCH): not the app's. */
            sig = 0;
            if (ptrace(PTRACE_GETREGS, as->pid, 0, &cpu->regs))
                return SW_ERROR;
            return SW_INTERRUPTED;
        }
    }
}

static void pt_ctx_interrupt(struct context *c)
{
    (void)c; /* one thread per sandbox so far; nothing to kick */
}

static uint64_t pt_max_user_addr(struct platform *p)
{
    return PTRACE_STUB_ADDR;
}

const struct platform_ops ptrace_platform_ops = {
    .name = "ptrace",
    .init = pt_init,
    .as_new = pt_as_new,
    .as_map = pt_as_map,
    .as_unmap = pt_as_unmap,
    .as_release = pt_as_release,
    .ctx_new = pt_ctx_new,
    .ctx_release = pt_ctx_release,
    .ctx_switch = pt_ctx_switch,
    .ctx_interrupt = pt_ctx_interrupt,
    .max_user_addr = pt_max_user_addr,
};
