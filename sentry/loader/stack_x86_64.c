/* sentry/loader/stack_x86_64.c: the System V x86-64 initial process stack. */
#include "sentry/loader/stack.h"

#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "lib/xalloc.h"
#include "sentry/mm/mm.h"

#define STACK_SIZE (8ULL << 20)
#define MAX_ARG_BYTES (2ULL << 20)

static int push(struct mm *mm, uint64_t *sp, const void *data, size_t len)
{
    *sp -= len;
    return mm_copy_out(mm, *sp, data, len);
}

int loader_build_stack(struct mm *mm, const char *const *argv, const char *const *envp,
                       const struct stack_auxv *ax, uint64_t *spp)
{
    uint64_t top = mm->stack_top, sp = top, *vec;
    size_t argc = 0, envc = 0, nvec, i, total = 0;
    uint64_t execfn_p, platform_p, random_p;
    uint8_t rnd[16];
    unsigned a, b, c, d;
    long r;

    uint64_t size = ax->stack_size ? ax->stack_size : STACK_SIZE;

    r = mm_mmap(mm, top - size, size, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, NULL, 0);
    if (r < 0)
        return (int)r;
    while (argv[argc])
        total += strlen(argv[argc++]) + 1;
    while (envp[envc])
        total += strlen(envp[envc++]) + 1;
    if (total > MAX_ARG_BYTES)
        return -E2BIG;

    if ((r = push(mm, &sp, ax->execfn, strlen(ax->execfn) + 1)))
        return (int)r;
    execfn_p = sp;
    if ((r = push(mm, &sp, "x86_64", 7)))
        return (int)r;
    platform_p = sp;
    if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
        return -EIO;
    if ((r = push(mm, &sp, rnd, sizeof(rnd))))
        return (int)r;
    random_p = sp;

    nvec = 1 + argc + 1 + envc + 1 + 2 * 24;
    vec = xzalloc(nvec * sizeof(uint64_t));
    i = 0;
    vec[i++] = argc;
    mm->env_end = sp;
    for (size_t k = envc; k-- > 0;) {
        if ((r = push(mm, &sp, envp[k], strlen(envp[k]) + 1)))
            goto out;
    }
    mm->env_start = sp;
    mm->arg_end = sp;
    for (size_t k = argc; k-- > 0;) {
        if ((r = push(mm, &sp, argv[k], strlen(argv[k]) + 1)))
            goto out;
    }
    mm->arg_start = sp;
    /* Pointers in order: walk the strings again from arg_start. */
    {
        uint64_t p = mm->arg_start;
        for (size_t k = 0; k < argc; k++) {
            vec[i++] = p;
            p += strlen(argv[k]) + 1;
        }
        vec[i++] = 0;
        p = mm->env_start;
        for (size_t k = 0; k < envc; k++) {
            vec[i++] = p;
            p += strlen(envp[k]) + 1;
        }
        vec[i++] = 0;
    }
#define AUX(t, v)                                                              \
    do {                                                                       \
        vec[i++] = (t);                                                        \
        vec[i++] = (v);                                                        \
    } while (0)
    if (ax->sysinfo_ehdr) /* first, as Linux's ARCH_DLINFO puts it */
        AUX(AT_SYSINFO_EHDR, ax->sysinfo_ehdr);
    __cpuid(1, a, b, c, d);
    AUX(AT_HWCAP, d);
    AUX(AT_PAGESZ, 4096);
    AUX(AT_CLKTCK, 100);
    AUX(AT_PHDR, ax->phdr);
    AUX(AT_PHENT, sizeof(Elf64_Phdr));
    AUX(AT_PHNUM, ax->phnum);
    AUX(AT_BASE, ax->base);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, ax->entry);
    AUX(AT_UID, ax->uid);
    AUX(AT_EUID, ax->euid);
    AUX(AT_GID, ax->gid);
    AUX(AT_EGID, ax->egid);
    AUX(AT_SECURE, ax->secure);
    AUX(AT_RANDOM, random_p);
    AUX(AT_HWCAP2, 0);
    AUX(AT_EXECFN, execfn_p);
    AUX(AT_PLATFORM, platform_p);
    {
        /* Signal frames hold the XSAVE area: tell libc how big. */
        unsigned xa = 0, xb = 0, xc = 0, xd = 0;
        __cpuid_count(0xd, 0, xa, xb, xc, xd);
        AUX(AT_MINSIGSTKSZ, xb ? xb + 1024 : 2048);
    }
    AUX(AT_NULL, 0);
#undef AUX
    /* 16-byte alignment of the final sp (where argc sits). */
    sp = (sp - i * sizeof(uint64_t)) & ~15ULL;
    if ((r = mm_copy_out(mm, sp, vec, i * sizeof(uint64_t))))
        goto out;
    *spp = sp;
    r = 0;
out:
    free(vec);
    return (int)r;
}
