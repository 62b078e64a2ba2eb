/* gofer/seccomp.c: the Gofer's own seccomp filter.
 *
 * The Gofer only ever works on fds it holds (its root and the handles),
 * by name relative to them, and talks to one socket. Everything else kills
 * it: no open by absolute path is possible without openat on an fd, no
 * exec, no network, no ptrace, no mounts. The list is what gofer/server*.c
 * and glibc underneath them call; tests/unit runs every operation under it.
 */
#include "gofer/gofer.h"

#include <errno.h>
#include <seccomp.h>
#include <stddef.h>

static const char *const allowed[] = {
    /* the requests and replies, with donated fds */
    "recvmsg", "sendmsg",
    /* handles: opening by name relative to a held fd, and closing */
    "openat", "close", "fcntl", "lseek", "getdents64", "readlinkat", "newfstatat", "fstat",
    "fstatfs",
    /* the operations */
    "mkdirat", "mknodat", "symlinkat", "linkat", "unlinkat", "renameat", "renameat2", "fchown", "fchownat",
    "fchmod", "fchmodat", "fchmodat2", "utimensat", "ftruncate", "fallocate", "fsync",
    "fdatasync", "fgetxattr", "fsetxattr", "flistxattr", "fremovexattr", "umask",
    /* memory of its own (malloc), log lines, the end */
    "brk", "mmap", "munmap", "mremap", "madvise", "futex", "write", "exit_group", "exit",
    "rt_sigreturn",
};

int gofer_seccomp_count(void)
{
    return (int)(sizeof(allowed) / sizeof(allowed[0]));
}

int gofer_seccomp_install(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    int r = 0;

    if (!ctx)
        return -ENOMEM;
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !r; i++) {
        int nr = seccomp_syscall_resolve_name(allowed[i]);
        if (nr == __NR_SCMP_ERROR)
            continue; /* not on this kernel's table (fchmodat2 on old headers) */
        r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
    }
#ifdef SB_ASAN
    /* Sanitizer builds: what the ASan/UBSan runtime calls on its own. */
    static const char *const asan_extra[] = {
        "sigaltstack", "getpid", "gettid", "tgkill", "rt_sigprocmask", "rt_sigaction",
        "sched_yield", "prctl", "readlink", "lseek", "read", "sched_getaffinity",
        "getrlimit", "prlimit64", "mprotect", "open",
    };
    for (size_t i = 0; i < sizeof(asan_extra) / sizeof(asan_extra[0]) && !r; i++)
        r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name(asan_extra[i]), 0);
#endif
    if (!r)
        r = seccomp_load(ctx);
    seccomp_release(ctx);
    return r;
}
