/* platform/ptrace/ptrace.h: internals of the ptrace platform.
 *
 * An address space is a stub process; a context is the stub thread that one
 * Sentry thread traces inside the address space it currently runs. ptrace
 * binds a tracee to one tracer thread, so a context is only ever used by
 * the Sentry thread that bound it, and injections into an address space go
 * through the calling thread's own stub thread. Work for an address space
 * that the calling thread cannot do (an unmap from a thread that does not
 * run in it) waits in as->pending until an owner next switches in.
 *
 * Lock order: as->lock is a leaf.
 */
#ifndef SB_PLATFORM_PTRACE_PTRACE_H
#define SB_PLATFORM_PTRACE_PTRACE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "platform/platform.h"

/* The stub page sits at the last page of the user address space. */
#define PTRACE_STUB_ADDR 0x7fffffffe000ULL
#define PTRACE_STUB_SIZE 0x1000ULL
/* The host kernel's vDSO and its data pages stay mapped in every stub, so
 * clock reads need no syscall, but moved (mremap) to end here: in the gap
 * between the application's stack top (1 MiB under the stub page) and the
 * stub page, at one address in every sandbox, like the rest of its
 * layout. Left where the Sentry has them, they would tell the application
 * where the Sentry's libraries and heap mappings are (the host puts the
 * vDSO next to them). */
#define PTRACE_VDSO_END (PTRACE_STUB_ADDR - 0x10000ULL)
#define PTRACE_VDSO_MAX 0x80000ULL /* the most the block may span */

/* Where the vDSO block sits in a new stub; n == 0: the stub has none. */
struct ptrace_vdso {
    struct platform_special_range r[PLATFORM_NSPECIAL];
    int n;
    uint64_t lo, hi; /* the span of r[], or both PTRACE_STUB_ADDR */
};

struct ptrace_platform {
    struct platform base;
    int memfd;
    int cpu;
    struct ptrace_vdso vdso; /* as the first stub reported it */
};

struct ptrace_range {
    uint64_t addr, len;
};

struct ptrace_as {
    struct ptrace_platform *p;
    pid_t pid;              /* the stub process */
    pid_t fresh_tid;        /* traced by its creator thread, not yet bound */
    pthread_t creator;
    pid_t pending_tid;      /* parked clone child nobody traces yet */
    pthread_mutex_t lock;
    struct ptrace_range *pending; /* unmaps for the next owner */
    size_t npending, cappending;
    bool vdso_gone; /* some of the vDSO block was unmapped or replaced */
};

struct ptrace_ctx {
    struct ptrace_platform *p;
    struct ptrace_as *as;   /* the address space the stub thread is in */
    pid_t tid;              /* the stub thread this Sentry thread traces */
    pid_t pending_tid;      /* a parked stub thread to seize on first use */
    pid_t pending_pid;      /* ... and its process */
    struct user_regs_struct init_regs; /* regs at a park point */
    int cpu;                /* the host CPU the stub thread is pinned to, -1: unknown */
};

extern const char ptrace_stub_start[], ptrace_stub_end[];
extern const char ptrace_stub_park[], ptrace_stub_syscall[], ptrace_stub_clone[];
extern const char ptrace_stub_cpumasks[];

/* Run one syscall inside the stub thread of c; returns the raw result. */
long ptrace_stub_inject(struct ptrace_ctx *c, long nr, uint64_t a0, uint64_t a1,
                        uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
/* In a new stub child, before its unmap: move the host's vDSO block to
 * end at PTRACE_VDSO_END and say where its pieces went (n = 0 and nothing
 * kept if the layout is not the one expected). */
void ptrace_stub_move_vdso(struct ptrace_vdso *out);
/* Install the instruction-pointer filter: from the stub page, allow; from
 * anywhere else, SECCOMP_RET_TRACE (the Sentry answers or refuses). */
int ptrace_stub_install_filter(void);

#endif
