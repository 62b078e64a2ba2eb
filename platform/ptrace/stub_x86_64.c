/* platform/ptrace/stub_x86_64.c: the stub's code page and its seccomp filter. */
#include <elf.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "platform/ptrace/ptrace.h"

/* Copied to PTRACE_STUB_ADDR. Entered once by the new stub with the vDSO
 * block's span in r12 and r13 (both PTRACE_STUB_ADDR if none): unmap every
 * page below the stub page but that span, then park on int3. The injection site is
 * `syscall; int3`. The clone site is `syscall` after which the parent
 * traps and the child (rax == 0) parks in a pause loop until a Sentry
 * thread seizes it. Then a table of one-CPU affinity masks, for injected
 * sched_setaffinity calls (the stub has no other memory of its own). No stack is used anywhere. Position independent. */
__asm__(".pushsection .text\n"
        ".globl ptrace_stub_start, ptrace_stub_end\n"
        ".globl ptrace_stub_park, ptrace_stub_syscall, ptrace_stub_clone\n"
        ".globl ptrace_stub_cpumasks\n"
        ".balign 16\n"
        "ptrace_stub_start:\n"
        "  mov $11, %eax\n"               /* munmap(0, r12) */
        "  xor %edi, %edi\n"
        "  mov %r12, %rsi\n"
        "  syscall\n"
        "  mov $11, %eax\n"               /* munmap(r13, STUB_ADDR - r13) */
        "  mov %r13, %rdi\n"
        "  movabs $0x7fffffffe000, %rsi\n"
        "  sub %r13, %rsi\n"
        "  syscall\n"
        "ptrace_stub_park:\n"
        "  int3\n"
        "  jmp ptrace_stub_park\n"
        "ptrace_stub_syscall:\n"
        "  syscall\n"
        "  int3\n"
        "  jmp ptrace_stub_park\n"
        "ptrace_stub_clone:\n"
        "  syscall\n"
        "  test %rax, %rax\n"
        "  jnz ptrace_stub_park\n"
        "1:\n"
        "  mov $34, %eax\n"               /* pause() */
        "  syscall\n"
        "  jmp 1b\n"
        ".balign 8\n"
        "ptrace_stub_cpumasks:\n"
        "  .set sb_cpu, 0\n"
        "  .rept 64\n"
        "  .quad 1 << sb_cpu\n"
        "  .set sb_cpu, sb_cpu + 1\n"
        "  .endr\n"
        "ptrace_stub_end:\n"
        ".popsection\n");

#define PG 4096ULL

/* The host lays the block out as [vvar] [vvar_vclock] [vdso] (6.13 on;
 * older kernels: one [vvar]). The data pages are VM_PFNMAP special
 * mappings, which madvise(MADV_COLD) refuses with EINVAL (and which leaves
 * other pages as they are); a special mapping cannot be split, so mremap
 * of a part of one fails with EINVAL and of exactly one succeeds. */
void ptrace_stub_move_vdso(struct ptrace_vdso *out)
{
    uint64_t base = getauxval(AT_SYSINFO_EHDR), lo, hi, top, delta, start;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
    uint64_t ends[PLATFORM_NSPECIAL];
    int nvvar = 0;

    out->n = 0;
    out->lo = out->hi = PTRACE_STUB_ADDR;
    if (!base || (base & (PG - 1)) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
        return;
    hi = base;
    for (int i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff) + i;
        if (ph->p_type == PT_LOAD)
            hi = SB_MAX(hi, (base + ph->p_vaddr + ph->p_memsz + PG - 1) & ~(PG - 1));
    }
    for (lo = base; lo > base - PTRACE_VDSO_MAX; lo -= PG)
        if (madvise((void *)(lo - PG), PG, MADV_COLD) == 0 || errno != EINVAL)
            break;
    if (hi - lo > PTRACE_VDSO_MAX || hi == base)
        return;
    delta = PTRACE_VDSO_END - hi;
    /* Nothing of ours may sit there (the Sentry's stack could, rarely):
     * mremap would drop it. madvise of an unmapped page is ENOMEM. */
    for (top = lo + delta; top < PTRACE_VDSO_END; top += PG)
        if (madvise((void *)top, PG, MADV_NORMAL) == 0 || errno != ENOMEM)
            return;
    if (mremap((void *)base, hi - base, hi - base, MREMAP_MAYMOVE | MREMAP_FIXED,
               (void *)(base + delta)) == MAP_FAILED)
        return;
    /* The data mappings, top down, one at a time. */
    for (top = base; top > lo; nvvar++) {
        uint64_t n;
        if (nvvar == 2)
            return; /* not a layout we know */
        for (n = PG; n <= top - lo; n += PG)
            if (mremap((void *)(top - n), n, n, MREMAP_MAYMOVE | MREMAP_FIXED,
                       (void *)(top - n + delta)) != MAP_FAILED)
                break;
        if (n > top - lo)
            return;
        ends[nvvar] = top;
        top -= n;
    }
    /* Lowest first: [vvar], then [vvar_vclock] if the host has two. */
    start = lo;
    for (int i = nvvar - 1; i >= 0; i--) {
        out->r[out->n++] = (struct platform_special_range){
            start + delta, ends[i] + delta, PROT_READ,
            i == nvvar - 1 ? PLATFORM_VVAR : PLATFORM_VVAR_VCLOCK };
        start = ends[i];
    }
    out->r[out->n++] = (struct platform_special_range){ base + delta, hi + delta,
                                                        PROT_READ | PROT_EXEC, PLATFORM_VDSO };
    out->lo = lo + delta;
    out->hi = hi + delta;
}

int ptrace_stub_install_filter(void)
{
    const uint32_t ip_lo = offsetof(struct seccomp_data, instruction_pointer);
    const uint32_t ip_hi = ip_lo + 4;
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ip_hi),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(PTRACE_STUB_ADDR >> 32), 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ip_lo),
        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~(uint32_t)(PTRACE_STUB_SIZE - 1)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)PTRACE_STUB_ADDR, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        return -errno;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
        return -errno;
    return 0;
}
