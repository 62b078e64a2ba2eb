/* sentry/loader/stack.h: the initial stack: argv, envp, auxv. */
#ifndef SB_SENTRY_LOADER_STACK_H
#define SB_SENTRY_LOADER_STACK_H

#include <stdint.h>

#include "lib/cleanup.h"

struct mm;

struct stack_auxv {
    uint64_t phdr, phnum, entry, base, uid, euid, gid, egid, secure;
    const char *execfn;
    uint64_t stack_size; /* RLIMIT_STACK, page aligned (0: 8 MiB) */
    uint64_t sysinfo_ehdr; /* the vDSO's ELF header, 0: no vDSO */
};

/* Create the stack VMA below mm->stack_top and fill it; *sp gets the
 * initial stack pointer (pointing at argc). */
int loader_build_stack(struct mm *mm, const char *const *argv, const char *const *envp,
                       const struct stack_auxv *ax, uint64_t *sp) SB_MUST_CHECK;

#endif
