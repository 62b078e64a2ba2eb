/* platform/ptrace/stub_x86_64.c: the stub's code page and its seccomp filter. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/ptrace/ptrace.h"

/* Copied to PTRACE_STUB_ADDR. Entered once by the new stub: unmap every
 * page below the stub page, then park on int3. The injection site is
 * `syscall; int3`. The clone site is `syscall` after which the parent
 * traps and the child (rax == 0) parks in a pause loop until a Sentry
 * thread seizes it. No stack is used anywhere. Position independent. */
__asm__(".pushsection .text\n"
        ".globl ptrace_stub_start, ptrace_stub_end\n"
        ".globl ptrace_stub_park, ptrace_stub_syscall, ptrace_stub_clone\n"
        ".balign 16\n"
        "ptrace_stub_start:\n"
        "  mov $11, %eax\n"               /* munmap(0, PTRACE_STUB_ADDR) */
        "  xor %edi, %edi\n"
        "  movabs $0x7fffffffe000, %rsi\n"
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
        "ptrace_stub_end:\n"
        ".popsection\n");

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
