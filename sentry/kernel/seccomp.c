/* sentry/kernel/seccomp.c: the Sentry's own host syscall filter.
 *
 * Installed after boot; from then on the Sentry can make only these calls.
 * Anything else kills the whole Sentry (SECCOMP_RET_KILL_PROCESS), and sbx
 * reports that. The Sentry never opens a host path after boot: open,
 * openat, socket, connect, execve... are absent.
 */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <dlfcn.h>
#include <ucontext.h>
#include <stdio.h>
#include <unistd.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <linux/falloc.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>

/* What glibc's pthread_create passes to clone. */
#define SENTRY_THREAD_CLONE_FLAGS                                                          \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |    \
     CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

struct allowed {
    const char *name;
    const char *why;
};

static const struct allowed allowed[] = {
    { "read", "the caller's stdin, handed over at boot" },
    { "write", "the caller's stdout/stderr, and log lines" },
    { "pread64", "file data from host fds the Gofer donated" },
    { "pwrite64", "file data to host fds the Gofer donated (writable mounts)" },
    { "close", "closing donated fds when the app closes its files" },
    { "sendmsg", "requests to the Gofer" },
    { "recvmsg", "replies from the Gofer, with donated fds (SCM_RIGHTS)" },
    { "ptrace", "the ptrace platform: SEIZE, SETOPTIONS, SYSEMU, CONT, INTERRUPT, GET/SETREGS(ET), GETSIGINFO only" },
    { "wait4", "the ptrace platform: stops of the stub processes" },
    { "tgkill", "SIGKILL of a stub when its address space goes, SIGUSR2 to interrupt a "
                "running stub thread (args: those two signals only)" },
    { "mmap", "the Sentry's own heap; never PROT_EXEC" },
    { "munmap", "the Sentry's own heap" },
    { "mprotect", "the Sentry's own heap (malloc arenas); never PROT_EXEC" },
    { "mremap", "realloc of large Sentry buffers" },
    { "brk", "the Sentry's own heap" },
    { "madvise", "malloc returning memory" },
    { "fallocate", "punching freed pages out of the MemoryFile (PUNCH_HOLE|KEEP_SIZE only)" },
    { "futex", "the Sentry's own locks (wait/wake/requeue/wake-op; no PI)" },
    { "clock_gettime", "clocks for the app (when the vDSO falls back)" },
    { "getrandom", "getrandom(2) and /dev/urandom for the app" },
    { "ioctl", "TCGETS and TIOCGWINSZ on the caller's terminal only" },
    { "exit_group", "the Sentry's exit" },
    { "exit", "a Sentry thread ends with its task" },
    { "clone", "a Sentry thread per application thread (thread flags only)" },
    { "rt_sigprocmask", "glibc blocks signals around creating a thread" },
};

#ifdef SB_ASAN
/* Sanitizer builds only: what the ASan/UBSan runtime calls on its own. */
static const char *const asan_extra[] = {
    "sigaltstack", "getpid", "gettid", "tgkill", "rt_sigprocmask", "rt_sigaction",
    "sched_yield", "prctl", "openat", "readlink", "fstat", "newfstatat", "lseek",
    "sched_getaffinity", "getrlimit", "prlimit64", "close", "read", "munmap",
};
#endif

int sentry_seccomp_list(const char **names, const char **why, int cap)
{
    int n = (int)(sizeof(allowed) / sizeof(allowed[0]));
    for (int i = 0; i < n && i < cap; i++) {
        if (names)
            names[i] = allowed[i].name;
        if (why)
            why[i] = allowed[i].why;
    }
    return n;
}

/* Debugging aid (--debug-seccomp-log): report who made a forbidden call,
 * naming the return addresses found on the stack (no syscalls used). */
static void on_sigsys(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uint64_t *sp = (uint64_t *)uc->uc_mcontext.gregs[REG_RSP];
    char line[256];
    int n = snprintf(line, sizeof(line), "sbx: forbidden host syscall %d\n", si->si_syscall);

    (void)!write(2, line, n);
    for (int i = -1; i < 200; i++) {
        Dl_info di;
        uint64_t a = i < 0 ? (uint64_t)uc->uc_mcontext.gregs[REG_RIP] : sp[i];
        if (dladdr((void *)a, &di) && di.dli_sname) {
            n = snprintf(line, sizeof(line), "  %s+%#lx (%s)\n", di.dli_sname,
                         (unsigned long)(a - (uint64_t)di.dli_saddr), di.dli_fname);
            (void)!write(2, line, n);
        } else if (dladdr((void *)a, &di) && di.dli_fname && strstr(di.dli_fname, "sbx")) {
            /* our own static functions: an offset for addr2line */
            n = snprintf(line, sizeof(line), "  %s+%#lx\n", di.dli_fname,
                         (unsigned long)(a - (uint64_t)di.dli_fbase));
            (void)!write(2, line, n);
        }
    }
    _exit(99);
}

/* rseq is refused after the lock-down, and glibc aborts a new thread whose
 * registration fails if its creator has rseq on. So turn it off in the
 * thread that locks down (the one that makes every later Sentry thread):
 * unregister, and mark the area "registration failed" (cpu_id -2), which
 * glibc's pthread_create reads to leave rseq off in the threads it makes. */
static void rseq_off(void)
{
#ifdef SYS_rseq
    extern const ptrdiff_t __rseq_offset __attribute__((weak));
    extern const unsigned int __rseq_size __attribute__((weak));

    if (&__rseq_size && __rseq_size) {
        char *area = (char *)__builtin_thread_pointer() + __rseq_offset;
        int32_t failed = -2; /* RSEQ_CPU_ID_REGISTRATION_FAILED */

        /* glibc registers 32 bytes (the area's size), whatever
         * __rseq_size (the feature size, 20 on this glibc) says. */
        if (syscall(SYS_rseq, area, 32, 1 /* UNREGISTER */, 0x53053053) < 0 &&
            syscall(SYS_rseq, area, __rseq_size, 1, 0x53053053) < 0)
            return;
        memcpy(area + 4, &failed, sizeof(failed)); /* struct rseq.cpu_id */
    }
#endif
}

int sentry_seccomp_install(bool log_only)
{
    scmp_filter_ctx ctx;

    if (log_only) {
        struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
        sigaction(SIGSYS, &sa, NULL);
    }
    ctx = seccomp_init(log_only ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS);
    int r = 0;

    if (!ctx)
        return -ENOMEM;
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !r; i++) {
        const char *n = allowed[i].name;
        int nr = seccomp_syscall_resolve_name(n);
        if (nr == __NR_SCMP_ERROR) {
            r = -EINVAL;
            break;
        }
        if (!strcmp(n, "ioctl")) {
            r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A1(SCMP_CMP_EQ, TCGETS));
            if (!r)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                     SCMP_A1(SCMP_CMP_EQ, TIOCGWINSZ));
        } else if (!strcmp(n, "tgkill")) {
            r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A2(SCMP_CMP_EQ, SIGKILL));
            if (!r)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A2(SCMP_CMP_EQ, SIGUSR2));
        } else if (!strcmp(n, "clone")) {
            r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                 SCMP_A0(SCMP_CMP_EQ, SENTRY_THREAD_CLONE_FLAGS));
        } else if (!strcmp(n, "ptrace")) {
            /* What the ptrace platform asks, nothing else (no PEEK/POKE of
             * other memory, no ATTACH to anything not ours). */
            static const long req[] = { PTRACE_SEIZE,      PTRACE_SETOPTIONS, PTRACE_SYSEMU,
                                        PTRACE_CONT,       PTRACE_INTERRUPT,  PTRACE_GETREGS,
                                        PTRACE_SETREGS,    PTRACE_GETREGSET,  PTRACE_SETREGSET,
                                        PTRACE_GETSIGINFO };
            for (size_t j = 0; j < sizeof(req) / sizeof(req[0]) && !r; j++)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A0(SCMP_CMP_EQ, req[j]));
        } else if (!strcmp(n, "futex")) {
            /* glibc's own locks, condition variables and joins: wait and
             * wake (plain, bitset, requeue, wake-op), private or not. No
             * PI futexes: the app's futexes never reach the host. */
            static const long cmd[] = { FUTEX_WAIT,        FUTEX_WAKE,    FUTEX_REQUEUE,
                                        FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP, FUTEX_WAIT_BITSET,
                                        FUTEX_WAKE_BITSET };
            for (size_t j = 0; j < sizeof(cmd) / sizeof(cmd[0]) && !r; j++)
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                     SCMP_A1(SCMP_CMP_MASKED_EQ, FUTEX_CMD_MASK, cmd[j]));
        } else if (!strcmp(n, "fallocate")) {
            /* Punching freed pages out of the MemoryFile only. */
            r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                 SCMP_A1(SCMP_CMP_EQ, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE));
        } else if (!strcmp(n, "mmap") || !strcmp(n, "mprotect")) {
            r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
                                 SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
        } else {
            r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
        }
    }
    /* Refused with an errno, not allowed: glibc copes without them. */
    if (!r)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    if (!r)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(set_robust_list), 0);
    /* glibc registers rseq for each new thread; rseq_off() above makes it
     * skip that (sched_getcpu falls back to the vDSO; nothing of ours uses
     * rseq). A thread that still tries gets ENOSYS. */
    if (!r)
        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(rseq), 0);
#ifdef SB_ASAN
    for (size_t i = 0; i < sizeof(asan_extra) / sizeof(asan_extra[0]) && !r; i++)
        r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name(asan_extra[i]), 0);
#endif
    if (!r)
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
    if (!r)
        rseq_off();
    if (!r)
        r = seccomp_load(ctx);
    seccomp_release(ctx);
    return r;
}
