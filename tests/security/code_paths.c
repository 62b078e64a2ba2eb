/* code_paths: ways to run a system call or touch memory that bypass the
 * usual path: a `syscall` in a JIT page, `int $0x80`, the vsyscall page,
 * the ptrace stub's own page (its code is where the stub's seccomp filter
 * lets host calls through), the host's vDSO the sandbox maps, and
 * /proc/self/mem.
 * usage: code_paths ATTEMPT; see sec.h for the verdicts. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <elf.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>

#include "sec.h"

#define STUB_PAGE 0x7fffffffe000UL /* platform/ptrace/ptrace.h */
#define VSYSCALL_GTOD 0xffffffffff600000UL
#define VSYSCALL_TIME 0xffffffffff600400UL

static sigjmp_buf jump_back;
static volatile long trap_rax;
static volatile int trap_sig;

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    (void)si;
    trap_sig = sig;
    trap_rax = uc->uc_mcontext.gregs[REG_RAX];
    siglongjmp(jump_back, 1);
}

static void catch_traps(void)
{
    struct sigaction sa = {.sa_sigaction = on_trap, .sa_flags = SA_SIGINFO | SA_NODEFER};
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* jit-syscall: `mov $39, %eax; syscall; ret` written into a fresh
 * PROT_EXEC page is a getpid the Sentry answers: pid 1, not a host pid. */
static void attempt_jit(void)
{
    static const unsigned char code[] = {0xb8, 39, 0, 0, 0, 0x0f, 0x05, 0xc3};
    unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        sec_escape("mmap: %s", strerror(errno));
    /* Far from the text, at the end of the page. */
    memcpy(p + 4096 - sizeof(code), code, sizeof(code));
    if (mprotect(p, 4096, PROT_READ | PROT_EXEC))
        sec_escape("mprotect(PROT_EXEC): %s", strerror(errno));
    long pid = ((long (*)(void))(p + 4096 - sizeof(code)))();
    long want = syscall(SYS_getpid);
    if (pid != want || pid != 1)
        sec_escape("getpid from a JIT page = %ld, from libc %ld; want 1 for both", pid, want);
    sec_ok("a syscall in a JIT page is the Sentry's: getpid = 1");
}

/* int80: the i386 gate is refused (or, if one day emulated, the sandbox's
 * getpid); never the host's. */
static void attempt_int80(void)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) /* i386 getpid */ : "memory");
    if (ret != -ENOSYS && ret != 1)
        sec_escape("int $0x80 getpid = %ld, want -ENOSYS (or 1)", ret);
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(1L), "b"(42L) /* i386 exit(42) */ : "memory");
    if (ret != -ENOSYS)
        sec_escape("int $0x80 exit(42) returned %ld, want -ENOSYS", ret);
    sec_ok("int $0x80: %s", ret == -ENOSYS ? "ENOSYS" : "the sandbox's getpid");
}

/* vsyscall: a call through the legacy page reaches the stub's seccomp filter
 * instead of SYSEMU; the Sentry answers it (or it faults). It must not write
 * where the app cannot (the stub page) nor stop the sandbox. */
static void attempt_vsyscall(void)
{
    catch_traps();
    long t = -1;
    const char *how = "answered";
    if (sigsetjmp(jump_back, 1) == 0) {
        t = ((long (*)(long *))VSYSCALL_TIME)(NULL);
        long now = time(NULL);
        if (t != -ENOSYS && (t < now - 5 || t > now + 5))
            sec_escape("vsyscall time() = %ld, now %ld", t, now);
        how = t == -ENOSYS ? "ENOSYS" : "the sandbox's time";
    } else {
        how = trap_sig == SIGSEGV ? "SIGSEGV" : "a signal";
        if (trap_sig != SIGSEGV)
            sec_escape("vsyscall time(): signal %d", trap_sig);
    }
    /* gettimeofday into the stub page, which the app cannot write. */
    unsigned char before[64], after[64];
    volatile int readable = 0;
    if (sigsetjmp(jump_back, 1) == 0) {
        memcpy(before, (void *)STUB_PAGE, sizeof(before));
        readable = 1;
    }
    if (sigsetjmp(jump_back, 1) == 0)
        ((long (*)(void *, void *))VSYSCALL_GTOD)((void *)STUB_PAGE, NULL);
    if (readable && sigsetjmp(jump_back, 1) == 0) {
        memcpy(after, (void *)STUB_PAGE, sizeof(after));
        if (memcmp(before, after, sizeof(before)))
            sec_escape("vsyscall gettimeofday wrote into the stub page");
    }
    if (syscall(SYS_getpid) != 1)
        sec_escape("after vsyscall calls getpid != 1");
    sec_ok("vsyscall: %s; no write to the stub page; the sandbox goes on", how);
}

/* stub-page: the page the stub runs from is outside the app's address
 * space: it cannot be mapped over, unmapped, moved onto or reprotected. If
 * it is readable, jumping to its `syscall` still gets the Sentry's answer. */
static void attempt_stub_page(void)
{
    void *p = mmap((void *)STUB_PAGE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sec_want("mmap(MAP_FIXED) over the stub page", p == MAP_FAILED ? -1 : (long)p, errno, ENOMEM,
             EINVAL, EPERM);
    p = mmap((void *)STUB_PAGE, 4096, PROT_READ, MAP_FIXED_NOREPLACE | MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    sec_want("mmap(MAP_FIXED_NOREPLACE) at the stub page", p == MAP_FAILED ? -1 : (long)p, errno,
             ENOMEM, EINVAL, EPERM, EEXIST);
    sec_want("munmap(stub page)", munmap((void *)STUB_PAGE, 4096), errno, EINVAL, ENOMEM);
    sec_want("mprotect(stub page, RWX)",
             mprotect((void *)STUB_PAGE, 4096, PROT_READ | PROT_WRITE | PROT_EXEC), errno, ENOMEM,
             EINVAL, EACCES);
    void *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long r = syscall(SYS_mremap, q, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, STUB_PAGE);
    sec_want("mremap onto the stub page", r, errno, EINVAL, ENOMEM);
    r = syscall(SYS_madvise, STUB_PAGE, 4096, MADV_DONTNEED);
    sec_want("madvise(stub page)", r, errno, ENOMEM, EINVAL);
    sec_ok("stub page: not mappable, unmappable, movable or reprotectable");
}

/* stub-jump: read the stub's code (if the host lets the app read it, the
 * Sentry never sees that), find a `syscall; int3` site and jump to it with
 * getpid in rax. The filter lets host calls through from there, but SYSEMU
 * stops every call first: rax must come back as the sandbox's pid 1. */
static void attempt_stub_jump(void)
{
    catch_traps();
    static unsigned char code[4096];
    if (sigsetjmp(jump_back, 1) == 0) {
        memcpy(code, (void *)STUB_PAGE, sizeof(code));
    } else {
        sec_ok("the stub page is not readable from the app (signal %d)", trap_sig);
    }
    long site = -1;
    for (int i = 0; i + 2 < (int)sizeof(code); i++)
        if (code[i] == 0x0f && code[i + 1] == 0x05 && code[i + 2] == 0xcc) {
            site = i;
            break;
        }
    if (site < 0)
        sec_skip("readable stub page has no `syscall; int3` site to jump to");
    trap_sig = 0;
    if (sigsetjmp(jump_back, 1) == 0) {
        __asm__ volatile("mov $39, %%eax\n\t"
                         "jmp *%0\n\t" ::"r"(STUB_PAGE + site)
                         : "rax", "rcx", "r11", "memory");
    }
    if (trap_sig != SIGTRAP)
        sec_escape("jump to the stub's syscall ended with signal %d, want SIGTRAP", trap_sig);
    if (trap_rax != 1)
        sec_escape("getpid from the stub's own syscall = %ld, want the sandbox's 1", trap_rax);
    sec_ok("the stub page is readable, but a call from it is the Sentry's: getpid = 1");
}

/* proc-self-mem: writing one's own memory through /proc/self/mem works as
 * in Linux (or is not offered); the stub page is not reachable through it,
 * and /proc/self/maps does not mention the Sentry's memory file. */
static void attempt_proc_self_mem(void)
{
    static volatile char target[16] = "before";
    char buf[4096];
    int fd = open("/proc/self/mem", O_RDWR);
    if (fd < 0) {
        sec_want("open /proc/self/mem", fd, errno, ENOENT, EACCES);
    } else {
        if (pwrite(fd, "after", 6, (off_t)(unsigned long)target) != 6 ||
            strcmp((const char *)target, "after"))
            sec_escape("write to own memory through /proc/self/mem: %s", strerror(errno));
        long r = pread(fd, buf, 64, (off_t)STUB_PAGE);
        sec_want("pread(/proc/self/mem, stub page)", r, errno, EIO, EFAULT);
        r = pwrite(fd, "x", 1, (off_t)STUB_PAGE);
        sec_want("pwrite(/proc/self/mem, stub page)", r, errno, EIO, EFAULT);
        close(fd);
    }
    if (sec_read_file("/proc/self/maps", buf, sizeof(buf)) < 0)
        sec_escape("/proc/self/maps: %s", strerror(errno));
    if (strstr(buf, "memfd:") || strstr(buf, "sbx-sentry") || strstr(buf, "7fffffffe000"))
        sec_escape("/proc/self/maps shows the Sentry's memory:\n%s", buf);
    sec_ok("/proc/self/mem %s; stub page EIO; maps shows only the app",
           fd < 0 ? "absent" : "writes own memory");
}

static void landing(void)
{
    siglongjmp(jump_back, 1);
}

/* vdso: the host's vDSO stays mapped in the sandbox. A `syscall` inside
 * its text is still the Sentry's (SYSEMU stops every syscall; the stub's
 * filter sends calls from outside the stub page to the Sentry): a mkdir made
 * from there lands in the sandbox's tree. Its data pages cannot be made
 * writable, nor cut, and it sits apart from the Sentry's own mappings. */
static void attempt_vdso(void)
{
    unsigned long base = getauxval(AT_SYSINFO_EHDR), vvar = 0;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
    static char path[64];
    static unsigned long stack[8192];
    const unsigned char *text = (const unsigned char *)base;
    long site = -1;
    char maps[8192], *l;
    struct stat st;

    if (!base)
        sec_skip("no vDSO (AT_SYSINFO_EHDR absent)");
    for (long i = 0; i + 1 < 2 * 4096; i++)
        if (text[i] == 0x0f && text[i + 1] == 0x05) {
            site = i;
            break;
        }
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || site < 0)
        sec_escape("the vDSO at %#lx is no ELF image with a syscall in it", base);
    snprintf(path, sizeof(path), "/tmp/vdso-syscall-%d", getpid());
    for (size_t i = 0; i < sizeof(stack) / sizeof(stack[0]); i++)
        stack[i] = (unsigned long)landing; /* any `ret` after the call comes back */
    catch_traps();
    if (sigsetjmp(jump_back, 1) == 0) {
        unsigned long sp = (unsigned long)&stack[4096];
        __asm__ volatile("mov %1, %%rsp\n\t"
                         "mov %1, %%rbp\n\t"
                         "mov $83, %%eax\n\t" /* mkdir(path, 0700) */
                         "mov %2, %%rdi\n\t"
                         "mov $0700, %%esi\n\t"
                         "jmp *%0\n\t" ::"r"(base + site),
                         "r"(sp), "r"(path)
                         : "rax", "rdi", "rsi", "rcx", "r11", "memory");
    }
    if (stat(path, &st) || !S_ISDIR(st.st_mode))
        sec_escape("mkdir from the vDSO's syscall did not reach the Sentry: %s", strerror(errno));
    rmdir(path);
    if (sec_read_file("/proc/self/maps", maps, sizeof(maps)) < 0)
        sec_escape("/proc/self/maps: %s", strerror(errno));
    l = strstr(maps, " [vvar]\n");
    if (!l)
        sec_skip("no [vvar] in /proc/self/maps");
    while (l > maps && l[-1] != '\n')
        l--;
    vvar = strtoul(l, NULL, 16);
    sec_want("mprotect([vvar], PROT_WRITE)", mprotect((void *)vvar, 4096, PROT_READ | PROT_WRITE),
             errno, EACCES);
    sec_want("munmap(part of [vvar])", munmap((void *)vvar, 4096), errno, EINVAL);
    sec_ok("a syscall in the vDSO is the Sentry's; [vvar] stays read-only and whole");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ATTEMPT\n", argv[0]);
        return 2;
    }
    const char *a = argv[1];
    if (!strcmp(a, "jit-syscall"))
        attempt_jit();
    if (!strcmp(a, "int80"))
        attempt_int80();
    if (!strcmp(a, "vsyscall"))
        attempt_vsyscall();
    if (!strcmp(a, "stub-page"))
        attempt_stub_page();
    if (!strcmp(a, "stub-jump"))
        attempt_stub_jump();
    if (!strcmp(a, "proc-self-mem"))
        attempt_proc_self_mem();
    if (!strcmp(a, "vdso"))
        attempt_vdso();
    fprintf(stderr, "%s: unknown attempt '%s'\n", argv[0], a);
    return 2;
}
