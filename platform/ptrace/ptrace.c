/* platform/ptrace/ptrace.c: the ptrace platform: stubs, SYSEMU, injection.
 *
 * Each address space is a stub process with one page of code at
 * PTRACE_STUB_ADDR, the host's vDSO block (moved to PTRACE_VDSO_END), and
 * nothing else mapped but MemoryFile ranges injected by the Sentry. New stub processes and threads are made by injecting clone
 * into an existing stub (the Sentry itself never forks after boot); the
 * Sentry thread that will run one seizes it.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <elf.h>
#include <sys/uio.h>
#include <linux/ptrace.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "platform/ptrace/ptrace.h"

#define STUB_OFF(sym) ((uint64_t)((sym) - ptrace_stub_start))
#define STUB_OPTS (PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP)
#define INTERRUPT_SIG SIGUSR2

/* The context the current Sentry thread runs. */
static __thread struct ptrace_ctx *cur_ctx;

/* Every stub process alive, so none outlives the sandbox: a stub parked
 * before any Sentry thread seized it has no tracer to take it down. */
static pthread_mutex_t stubs_mu = PTHREAD_MUTEX_INITIALIZER;
static pid_t *stubs;
static size_t nstubs, capstubs;

static void stub_register(pid_t pid)
{
    pthread_mutex_lock(&stubs_mu);
    if (nstubs == capstubs) {
        capstubs = capstubs ? capstubs * 2 : 64;
        stubs = xrealloc(stubs, capstubs * sizeof(*stubs));
    }
    stubs[nstubs++] = pid;
    pthread_mutex_unlock(&stubs_mu);
}

static void stub_unregister(pid_t pid)
{
    pthread_mutex_lock(&stubs_mu);
    for (size_t i = 0; i < nstubs; i++) {
        if (stubs[i] == pid) {
            stubs[i] = stubs[--nstubs];
            break;
        }
    }
    pthread_mutex_unlock(&stubs_mu);
}

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
    /* Stub processes forked from this one are reaped by the kernel. */
    signal(SIGCHLD, SIG_IGN);
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
    ptrace_stub_move_vdso(&p->vdso); /* told to the parent by PEEKDATA */
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
    __asm__ volatile("mov %0, %%r12\n"
                     "mov %1, %%r13\n"
                     "jmp *%2\n"
                     :
                     : "r"(p->vdso.lo), "r"(p->vdso.hi), "r"(PTRACE_STUB_ADDR)
                     : "r12", "r13", "memory");
    _exit(123);
}

/* Stop at the next SIGTRAP of tid (an int3 in the stub), passing over
 * unrelated stops. */
static int wait_trap(pid_t tid)
{
    int status;

    for (;;) {
        if (wait_stop(tid, &status) || !WIFSTOPPED(status))
            return -ECHILD;
        if (WSTOPSIG(status) == SIGTRAP && (status >> 16) == 0)
            return 0;
        if (ptrace(PTRACE_CONT, tid, 0, 0))
            return -errno;
    }
}

static int seize(pid_t tid)
{
    int status;

    if (ptrace(PTRACE_SEIZE, tid, 0, STUB_OPTS))
        return -errno;
    if (ptrace(PTRACE_INTERRUPT, tid, 0, 0))
        return -errno;
    for (;;) {
        if (wait_stop(tid, &status) || !WIFSTOPPED(status))
            return -ECHILD;
        if ((status >> 16) == PTRACE_EVENT_STOP)
            return 0;
        /* A signal stop first (e.g. an interrupt already queued): drop it. */
        if (ptrace(PTRACE_CONT, tid, 0, 0))
            return -errno;
    }
}

static long inject_at(struct ptrace_ctx *c, uint64_t site, long nr, uint64_t a0, uint64_t a1,
                      uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct user_regs_struct r = c->init_regs;
    int err;

    r.rip = PTRACE_STUB_ADDR + site;
    r.rax = nr;
    r.orig_rax = -1;
    r.rdi = a0;
    r.rsi = a1;
    r.rdx = a2;
    r.r10 = a3;
    r.r8 = a4;
    r.r9 = a5;
    if (ptrace(PTRACE_SETREGS, c->tid, 0, &r) || ptrace(PTRACE_CONT, c->tid, 0, 0))
        return -errno;
    if ((err = wait_trap(c->tid)))
        return err;
    if (ptrace(PTRACE_GETREGS, c->tid, 0, &r))
        return -errno;
    return (long)r.rax;
}

long ptrace_stub_inject(struct ptrace_ctx *c, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
                        uint64_t a3, uint64_t a4, uint64_t a5)
{
    return inject_at(c, STUB_OFF(ptrace_stub_syscall), nr, a0, a1, a2, a3, a4, a5);
}

/* End c's stub thread alone (its process may live on) and reap it. */
static void stub_thread_exit(struct ptrace_ctx *c)
{
    int status;

    if (ptrace_stub_inject(c, SYS_exit, 0, 0, 0, 0, 0, 0) != -ECHILD)
        waitpid(c->tid, &status, __WALL);
    c->tid = 0;
}

/* Make c the calling thread's stub thread in as. */
static int bind(struct ptrace_ctx *c, struct ptrace_as *as)
{
    pid_t tid = 0;
    int seized = 0, r;

    pthread_mutex_lock(&as->lock);
    if (c->pending_tid) {
        tid = c->pending_tid;
        c->pending_tid = 0;
        seized = 1;
    } else if (as->fresh_tid && pthread_equal(as->creator, pthread_self())) {
        tid = as->fresh_tid;
        as->fresh_tid = 0;
    } else if (as->pending_tid) {
        tid = as->pending_tid;
        as->pending_tid = 0;
        seized = 1;
    }
    pthread_mutex_unlock(&as->lock);
    if (!tid)
        return -ESRCH;
    if (c->tid && c->as && c->as != as) {
        /* Leaving an address space others still use (vfork then exec):
         * our stub thread there goes. */
        stub_thread_exit(c);
    }
    if (seized && (r = seize(tid)))
        return r;
    if (ptrace(PTRACE_GETREGS, tid, 0, &c->init_regs))
        return -errno;
    c->tid = tid;
    c->as = as;
    return 0;
}

static void drain_pending(struct ptrace_ctx *c)
{
    struct ptrace_as *as = c->as;

    if (!as->npending)
        return;
    pthread_mutex_lock(&as->lock);
    for (size_t i = 0; i < as->npending; i++)
        ptrace_stub_inject(c, SYS_munmap, as->pending[i].addr, as->pending[i].len, 0, 0, 0, 0);
    as->npending = 0;
    pthread_mutex_unlock(&as->lock);
}

/* ---- platform ops ---- */

static int pt_init(const struct platform_cfg *cfg, struct platform **out)
{
    struct ptrace_platform *p = xzalloc(sizeof(*p));

    p->memfd = cfg->memfd;
    p->cpu = cfg->cpu >= 0 ? cfg->cpu : sched_getcpu();
    if (p->cpu >= 0) {
        /* Tracer and tracee on one CPU: a switch costs a fraction of a
         * cross-CPU wake-up. Sentry threads made later inherit this. */
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(p->cpu, &set);
        sched_setaffinity(0, sizeof(set), &set);
    }
    *out = &p->base;
    return 0;
}

static struct ptrace_as *as_alloc(struct ptrace_platform *p)
{
    struct ptrace_as *as = xzalloc(sizeof(*as));
    as->p = p;
    pthread_mutex_init(&as->lock, NULL);
    return as;
}

static int pt_as_new(struct platform *pl, struct address_space **out)
{
    struct ptrace_platform *p = (struct ptrace_platform *)pl;
    struct ptrace_as *as = as_alloc(p);
    pid_t parent = getpid(), pid;
    int status, r;

    pid = fork();
    if (pid < 0) {
        free(as);
        return -errno;
    }
    if (pid == 0)
        stub_child(p, parent);
    as->pid = pid;
    if ((r = wait_stop(pid, &status)))
        goto fail;
    if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
        r = -ECHILD;
        goto fail;
    }
    /* Where the child put the vDSO block (it wrote p->vdso in its copy). */
    for (size_t i = 0; i < sizeof(p->vdso) / sizeof(long); i++) {
        errno = 0;
        long w = ptrace(PTRACE_PEEKDATA, pid, (long *)&p->vdso + i, 0);
        if (errno) {
            r = -errno;
            goto fail;
        }
        ((long *)&p->vdso)[i] = w;
    }
    if (ptrace(PTRACE_SETOPTIONS, pid, 0, STUB_OPTS) || ptrace(PTRACE_CONT, pid, 0, 0)) {
        r = -errno;
        goto fail;
    }
    if ((r = wait_trap(pid)))
        goto fail;
    as->fresh_tid = pid;
    as->creator = pthread_self();
    stub_register(pid);
    *out = (struct address_space *)as;
    return 0;
fail:
    syscall(SYS_tgkill, pid, pid, SIGKILL);
    waitpid(pid, &status, __WALL);
    free(as);
    return r;
}

/* Inject clone(flags) at the clone site through c; the child parks. */
static long clone_stub(struct ptrace_ctx *c, unsigned long flags)
{
    return inject_at(c, STUB_OFF(ptrace_stub_clone), SYS_clone, flags, 0, 0, 0, 0, 0);
}

static int pt_as_clone(struct context *cc, struct address_space *parent,
                       struct address_space **out)
{
    struct ptrace_ctx *c = (struct ptrace_ctx *)cc;
    struct ptrace_as *as;
    long pid;

    if (c->as != (struct ptrace_as *)parent || !c->tid)
        return -EINVAL;
    drain_pending(c);
    pid = clone_stub(c, SIGCHLD);
    if (pid < 0)
        return (int)pid;
    stub_register((pid_t)pid);
    as = as_alloc(c->p);
    as->pid = (pid_t)pid;
    as->pending_tid = (pid_t)pid;
    as->vdso_gone = c->as->vdso_gone;
    *out = (struct address_space *)as;
    return 0;
}

static int pt_as_new_from(struct context *cc, struct address_space **out)
{
    struct ptrace_ctx *c = (struct ptrace_ctx *)cc, nc = { 0 };
    struct ptrace_as *as;
    uint64_t lo, hi;
    long pid, r;
    int status;
    bool gone;

    if (!c->tid)
        return -EINVAL;
    pid = clone_stub(c, SIGCHLD);
    if (pid < 0)
        return (int)pid;
    stub_register((pid_t)pid);
    if ((r = seize((pid_t)pid)))
        goto fail;
    nc.p = c->p;
    nc.tid = (pid_t)pid;
    if (ptrace(PTRACE_GETREGS, nc.tid, 0, &nc.init_regs)) {
        r = -errno;
        goto fail;
    }
    /* Everything goes but the vDSO block, if the old image kept it whole. */
    gone = c->as->vdso_gone || !c->p->vdso.n;
    lo = gone ? PTRACE_STUB_ADDR : c->p->vdso.lo;
    hi = gone ? PTRACE_STUB_ADDR : c->p->vdso.hi;
    r = ptrace_stub_inject(&nc, SYS_munmap, 0, lo, 0, 0, 0, 0);
    if (r >= 0 && hi < PTRACE_STUB_ADDR)
        r = ptrace_stub_inject(&nc, SYS_munmap, hi, PTRACE_STUB_ADDR - hi, 0, 0, 0, 0);
    if (r < 0)
        goto fail;
    as = as_alloc(c->p);
    as->pid = (pid_t)pid;
    as->vdso_gone = gone;
    as->fresh_tid = (pid_t)pid;
    as->creator = pthread_self();
    *out = (struct address_space *)as;
    return 0;
fail:
    syscall(SYS_tgkill, (pid_t)pid, (pid_t)pid, SIGKILL);
    waitpid((pid_t)pid, &status, __WALL);
    stub_unregister((pid_t)pid);
    return (int)r;
}

/* A mapping change over [addr, addr+len): does it touch the vDSO block? */
static void note_vdso(struct ptrace_as *as, uint64_t addr, uint64_t len)
{
    const struct ptrace_vdso *v = &as->p->vdso;

    if (v->n && addr < v->hi && v->lo < addr + len)
        as->vdso_gone = true;
}

static int pt_as_map(struct address_space *a, uint64_t addr, uint64_t len, uint64_t off,
                     int prot)
{
    struct ptrace_as *as = (struct ptrace_as *)a;
    struct ptrace_ctx *c = cur_ctx;
    long r;

    note_vdso(as, addr, len);
    if (!c || c->as != as || !c->tid)
        return 0; /* not ours to run: the owner faults it in later */
    r = ptrace_stub_inject(c, SYS_mmap, addr, len, prot, MAP_SHARED | MAP_FIXED,
                           as->p->memfd, off);
    if (r < 0 && r > -4096)
        return (int)r;
    return r == (long)addr ? 0 : -EIO;
}

static int pt_as_unmap(struct address_space *a, uint64_t addr, uint64_t len)
{
    struct ptrace_as *as = (struct ptrace_as *)a;
    struct ptrace_ctx *c = cur_ctx;
    long r;

    note_vdso(as, addr, len);
    if (!c || c->as != as || !c->tid) {
        pthread_mutex_lock(&as->lock);
        if (as->npending == as->cappending) {
            as->cappending = as->cappending ? as->cappending * 2 : 16;
            as->pending = xrealloc(as->pending, as->cappending * sizeof(as->pending[0]));
        }
        as->pending[as->npending++] = (struct ptrace_range){ addr, len };
        pthread_mutex_unlock(&as->lock);
        return 0;
    }
    r = ptrace_stub_inject(c, SYS_munmap, addr, len, 0, 0, 0, 0);
    return r < 0 ? (int)r : 0;
}

static void pt_as_release(struct address_space *a)
{
    struct ptrace_as *as = (struct ptrace_as *)a;
    struct ptrace_ctx *c = cur_ctx;
    int status;

    if (!as)
        return;
    syscall(SYS_tgkill, as->pid, as->pid, SIGKILL);
    stub_unregister(as->pid);
    /* Reap what this thread traces in it; other tracers see the death. */
    if (c && c->as == as && c->tid) {
        waitpid(c->tid, &status, __WALL);
        c->tid = 0;
        c->as = NULL;
    } else if (as->fresh_tid && pthread_equal(as->creator, pthread_self())) {
        waitpid(as->fresh_tid, &status, __WALL);
    }
    free(as->pending);
    free(as);
}

static int pt_ctx_new(struct platform *pl, struct context **out)
{
    struct ptrace_ctx *c = xzalloc(sizeof(*c));
    c->p = (struct ptrace_platform *)pl;
    c->cpu = -1;
    *out = (struct context *)c;
    return 0;
}

static int pt_ctx_clone(struct context *cc, struct address_space *a, struct context **out)
{
    struct ptrace_ctx *c = (struct ptrace_ctx *)cc, *nc;
    const unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
                                CLONE_THREAD | CLONE_SYSVSEM;
    long tid;

    if (c->as != (struct ptrace_as *)a || !c->tid)
        return -EINVAL;
    tid = clone_stub(c, flags);
    if (tid < 0)
        return (int)tid;
    nc = xzalloc(sizeof(*nc));
    nc->p = c->p;
    nc->cpu = c->cpu; /* a clone keeps its creator's affinity */
    nc->pending_tid = (pid_t)tid;
    nc->pending_pid = c->as->pid;
    *out = (struct context *)nc;
    return 0;
}

static void pt_ctx_release(struct context *cc)
{
    struct ptrace_ctx *c = (struct ptrace_ctx *)cc;

    if (!c)
        return;
    if (c->tid)
        stub_thread_exit(c);
    if (c->pending_tid)
        syscall(SYS_tgkill, c->pending_pid, c->pending_tid, SIGKILL);
    if (cur_ctx == c)
        cur_ctx = NULL;
    free(c);
}

static enum switch_reason pt_ctx_switch(struct context *cc, struct address_space *a,
                                        struct cpu_state *cpu, struct fault_info *fi)
{
    struct ptrace_ctx *c = (struct ptrace_ctx *)cc;
    struct ptrace_as *as = (struct ptrace_as *)a;
    int status, sig;
    siginfo_t si;

    cur_ctx = c;
    if (c->as != as || !c->tid) {
        if (bind(c, as))
            return SW_ERROR;
    }
    drain_pending(c);
    cpu->regs.orig_rax = -1;
    if (ptrace(PTRACE_SETREGS, c->tid, 0, &cpu->regs))
        return SW_ERROR;
    if (ptrace(PTRACE_SYSEMU, c->tid, 0, 0))
        return SW_ERROR;
    if (wait_stop(c->tid, &status) || !WIFSTOPPED(status))
        return SW_ERROR;
    sig = WSTOPSIG(status);
    if (sig == (SIGTRAP | 0x80) ||
        (sig == SIGTRAP && (status >> 16) == PTRACE_EVENT_SECCOMP)) {
        if (ptrace(PTRACE_GETREGS, c->tid, 0, &cpu->regs))
            return SW_ERROR;
        return SW_SYSCALL;
    }
    if (ptrace(PTRACE_GETREGS, c->tid, 0, &cpu->regs))
        return SW_ERROR;
    switch (sig) {
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGTRAP:
        if ((status >> 16) != 0)
            return SW_INTERRUPTED; /* a ptrace event stop, not a fault */
        if (ptrace(PTRACE_GETSIGINFO, c->tid, 0, &si))
            return SW_ERROR;
        if (si.si_code == SI_USER || si.si_code == SI_TKILL)
            return SW_INTERRUPTED; /* a host signal, not a fault */
        fi->addr = (uint64_t)si.si_addr;
        fi->signo = sig;
        fi->code = si.si_code;
        return SW_FAULT;
    default:
        /* ctx_interrupt, or another host signal: not the app's. The next
         * switch resumes with signal 0, which drops it. */
        return SW_INTERRUPTED;
    }
}

static int pt_ctx_pin(struct context *cc, uint64_t mask)
{
    struct ptrace_ctx *c = (struct ptrace_ctx *)cc;
    int own = c->p->cpu, cpu;
    long r;

    if (!mask)
        return -EINVAL;
    if (!c->tid)
        return -ESRCH;
    cpu = own >= 0 && own < 64 && ((mask >> own) & 1) ? own : __builtin_ctzll(mask);
    if (cpu == c->cpu)
        return cpu;
    r = ptrace_stub_inject(c, SYS_sched_setaffinity, 0, sizeof(uint64_t),
                           PTRACE_STUB_ADDR + STUB_OFF(ptrace_stub_cpumasks) + 8 * cpu, 0, 0, 0);
    if (r < 0)
        return (int)r;
    c->cpu = cpu;
    return cpu;
}

static void pt_ctx_interrupt(struct context *cc)
{
    struct ptrace_ctx *c = (struct ptrace_ctx *)cc;
    pid_t tid = __atomic_load_n(&c->tid, __ATOMIC_ACQUIRE);
    struct ptrace_as *as = c->as;

    if (tid && as)
        syscall(SYS_tgkill, as->pid, tid, INTERRUPT_SIG);
}

static int pt_fpu_get(struct context *cc, void *buf, size_t cap)
{
    struct ptrace_ctx *c = (struct ptrace_ctx *)cc;
    struct iovec iov = { buf, cap };

    if (!c->tid)
        return -ESRCH;
    if (ptrace(PTRACE_GETREGSET, c->tid, NT_X86_XSTATE, &iov))
        return -errno;
    return (int)iov.iov_len;
}

static int pt_fpu_set(struct context *cc, const void *buf, size_t len)
{
    struct ptrace_ctx *c = (struct ptrace_ctx *)cc;
    struct iovec iov = { (void *)buf, len };

    if (!c->tid)
        return -ESRCH;
    if (ptrace(PTRACE_SETREGSET, c->tid, NT_X86_XSTATE, &iov))
        return -errno;
    return 0;
}

static uint64_t pt_as_cpu_ns(struct address_space *a)
{
    struct ptrace_as *as = (struct ptrace_as *)a;
    /* The process CPU clock of the stub: ((~pid) << 3) | CPUCLOCK_SCHED. */
    clockid_t id = (clockid_t)((~(unsigned)as->pid) << 3) | 2;
    struct timespec ts;

    if (!as || clock_gettime(id, &ts))
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void pt_shutdown(struct platform *p)
{
    pthread_mutex_lock(&stubs_mu);
    for (size_t i = 0; i < nstubs; i++)
        syscall(SYS_tgkill, stubs[i], stubs[i], SIGKILL);
    nstubs = 0;
    pthread_mutex_unlock(&stubs_mu);
}

static int pt_as_special(struct address_space *a, struct platform_special_range *out)
{
    struct ptrace_as *as = (struct ptrace_as *)a;
    const struct ptrace_vdso *v = &as->p->vdso;

    if (as->vdso_gone)
        return 0;
    memcpy(out, v->r, v->n * sizeof(v->r[0]));
    return v->n;
}

static uint64_t pt_max_user_addr(struct platform *p)
{
    return PTRACE_STUB_ADDR;
}

const struct platform_ops ptrace_platform_ops = {
    .name = "ptrace",
    .init = pt_init,
    .as_new = pt_as_new,
    .as_clone = pt_as_clone,
    .as_new_from = pt_as_new_from,
    .as_map = pt_as_map,
    .as_unmap = pt_as_unmap,
    .as_release = pt_as_release,
    .ctx_new = pt_ctx_new,
    .ctx_clone = pt_ctx_clone,
    .ctx_release = pt_ctx_release,
    .ctx_switch = pt_ctx_switch,
    .ctx_interrupt = pt_ctx_interrupt,
    .ctx_pin = pt_ctx_pin,
    .max_user_addr = pt_max_user_addr,
    .as_special = pt_as_special,
    .fpu_get = pt_fpu_get,
    .as_cpu_ns = pt_as_cpu_ns,
    .shutdown = pt_shutdown,
    .fpu_set = pt_fpu_set,
};
