/* platform/platform.h: how the Sentry runs application code.
 *
 * A platform gives address spaces (mappings of MemoryFile ranges) and
 * contexts (a CPU the Sentry thread switches into until the application
 * needs the kernel). It knows registers and mappings, not tasks or files.
 * Backends are ops tables registered by name.
 *
 * Lock order: a context is used only by the Sentry thread that created it;
 * an address space is used only by the Sentry thread(s) that created it
 * (ptrace: its tracer).
 */
#ifndef SB_PLATFORM_PLATFORM_H
#define SB_PLATFORM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>

struct platform;
struct address_space;
struct context;

/* The application thread's CPU state. */
struct cpu_state {
    struct user_regs_struct regs;
};

struct fault_info {
    uint64_t addr; /* faulting address (si_addr) */
    int signo;     /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
    int code;      /* si_code */
};

enum switch_reason {
    SW_SYSCALL,     /* regs.orig_rax holds the number; rip is past the insn */
    SW_FAULT,       /* fi filled */
    SW_INTERRUPTED, /* ctx_interrupt() or a host signal */
    SW_ERROR,       /* the context is gone (stub died) */
};

/* Pages of the host kernel a platform may leave mapped in the address
 * spaces it makes, at the same place in all of them: the vDSO and the data
 * pages it reads. They are not MemoryFile pages; the Sentry only keeps
 * VMAs for them. */
enum platform_special {
    PLATFORM_VVAR,        /* "[vvar]": clock and rng data, read-only */
    PLATFORM_VVAR_VCLOCK, /* "[vvar_vclock]": paravirt clock pages */
    PLATFORM_VDSO,        /* "[vdso]": the vDSO's ELF image */
    PLATFORM_NSPECIAL,
};

struct platform_special_range {
    uint64_t start, end;
    int prot;
    enum platform_special kind;
};

/* As /proc/PID/maps names them. */
extern const char *const platform_special_names[PLATFORM_NSPECIAL];

struct platform_cfg {
    int memfd;       /* the MemoryFile: every mapping is a range of it */
    int cpu;         /* preferred CPU for the first context, -1: current */
};

struct platform_ops {
    const char *name;
    int (*init)(const struct platform_cfg *cfg, struct platform **out);
    /* A new empty address space; the calling thread will run it. Only
     * before the Sentry locks itself down (it forks on the host). */
    int (*as_new)(struct platform *p, struct address_space **out);
    /* fork: a new address space holding a copy of parent's current
     * mappings, made through c (the calling thread's context, bound to
     * parent). Any thread may then run it. */
    int (*as_clone)(struct context *c, struct address_space *parent,
                    struct address_space **out);
    /* exec: a new empty address space made through c; the calling thread
     * will run it. */
    int (*as_new_from)(struct context *c, struct address_space **out);
    /* Map [addr, addr+len) to MemoryFile [off, off+len), replacing what is
     * there (MAP_FIXED|MAP_SHARED). prot: PROT_* */
    int (*as_map)(struct address_space *as, uint64_t addr, uint64_t len,
                  uint64_t off, int prot);
    int (*as_unmap)(struct address_space *as, uint64_t addr, uint64_t len);
    void (*as_release)(struct address_space *as);
    int (*ctx_new)(struct platform *p, struct context **out);
    /* A new thread of address space as (CLONE_VM), made through c; the
     * returned context must be first used by the thread that will run it. */
    int (*ctx_clone)(struct context *c, struct address_space *as, struct context **out);
    void (*ctx_release)(struct context *c);
    enum switch_reason (*ctx_switch)(struct context *c,
                                     struct address_space *as,
                                     struct cpu_state *cpu,
                                     struct fault_info *fi);
    void (*ctx_interrupt)(struct context *c);
    /* The FPU/XSAVE state of the context's thread, in XSAVE standard
     * format (as a signal frame holds it). get returns the size. */
    int (*fpu_get)(struct context *c, void *buf, size_t cap);
    int (*fpu_set)(struct context *c, const void *buf, size_t len);
    /* Keep the context's application thread on one host CPU of mask (bit
     * i: CPU i), the Sentry's own if mask has it; returns that CPU, which
     * is also what the host vDSO's getcpu tells the thread. */
    int (*ctx_pin)(struct context *c, uint64_t mask);
    /* Take every address space down at once (the sandbox ends). */
    void (*shutdown)(struct platform *p);
    /* CPU time consumed so far by the address space's threads, in ns. */
    uint64_t (*as_cpu_ns)(struct address_space *as);
    /* The special ranges a new address space made by as_new or as_new_from
     * holds (at most PLATFORM_NSPECIAL, lowest first); returns how many.
     * NULL: none. */
    int (*as_special)(struct address_space *as, struct platform_special_range *out);
    /* Highest application address + 1 (the platform may reserve the top). */
    uint64_t (*max_user_addr)(struct platform *p);
};

struct platform {
    const struct platform_ops *ops;
};

void platform_register(const struct platform_ops *ops);
const struct platform_ops *platform_lookup(const char *name);
/* Names of registered platforms, comma separated, for usage messages. */
const char *platform_names(void);

#endif
