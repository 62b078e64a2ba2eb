/* platform/ptrace/ptrace.h: internals of the ptrace platform. */
#ifndef SB_PLATFORM_PTRACE_PTRACE_H
#define SB_PLATFORM_PTRACE_PTRACE_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "platform/platform.h"

/* The stub page sits at the last page of the user address space. */
#define PTRACE_STUB_ADDR 0x7fffffffe000ULL
#define PTRACE_STUB_SIZE 0x1000ULL

struct ptrace_platform {
    struct platform base;
    int memfd;
    int cpu;
};

struct ptrace_as {
    struct ptrace_platform *p;
    pid_t pid;                          /* the stub process (one thread) */
    struct user_regs_struct init_regs;  /* regs at the park point */
};

struct ptrace_ctx {
    struct ptrace_platform *p;
};

extern const char ptrace_stub_start[], ptrace_stub_end[];
extern const char ptrace_stub_park[], ptrace_stub_syscall[];

/* Run one syscall inside the stub; returns the raw result (-errno). */
long ptrace_stub_inject(struct ptrace_as *as, long nr, uint64_t a0, uint64_t a1,
                        uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
int ptrace_stub_new(struct ptrace_platform *p, struct ptrace_as *as);
/* Install the instruction-pointer filter: from the stub page, allow; from
 * anywhere else, SECCOMP_RET_TRACE (the Sentry answers or refuses). */
int ptrace_stub_install_filter(void);

#endif
