/* tls: arch_prctl FS/GS bases and __thread variables. */
#include "conf.h"
#include <asm/prctl.h>
#include <stdint.h>

static __thread int tvar = 42;
static __thread char tarr[256];
static __thread long tzero;

/* arch_prctl without libc: while FS points elsewhere, nothing may touch TLS
 * (libc's syscall() would write errno through FS on failure). */
static long raw_arch_prctl(long code, unsigned long arg)
{
    long r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "0"((long)SYS_arch_prctl), "D"(code), "S"(arg)
                     : "rcx", "r11", "memory");
    return r;
}

static unsigned long fs_self(void)
{
    unsigned long v;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    return v;
}

int main(void)
{
    unsigned long fs = 0, gs = 1, fs2 = 0;
    int ok = 1;

    EQ("__thread initialised", tvar, 42);
    tvar = 43;
    EQ("__thread written", tvar, 43);
    for (int i = 0; i < 256; i++)
        ok &= tarr[i] == 0;
    TRUE("__thread array zeroed", ok);
    memset(tarr, 'x', sizeof(tarr));
    TRUE("__thread array written", tarr[255] == 'x');
    EQ("__thread bss zero", tzero, 0);
    {
        int e;
        errno = 0;
        close(-1);
        e = errno;
        EQ("errno (a __thread) set by libc", e, EBADF);
    }

    OK("ARCH_GET_FS", syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
    TRUE("fs base non-zero", fs != 0);
    TRUE("fs:0 is the TCB self pointer", fs_self() == fs);
    TRUE("__thread var below fs base",
         (uintptr_t)&tvar < fs && fs - (uintptr_t)&tvar < 65536);
    OK("ARCH_GET_GS", syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
    EQ("gs base zero", gs, 0);

    /* Set FS to itself and to a copy, then back. */
    OK("ARCH_SET_FS same", syscall(SYS_arch_prctl, ARCH_SET_FS, fs));
    OK("ARCH_GET_FS again", syscall(SYS_arch_prctl, ARCH_GET_FS, &fs2));
    TRUE("unchanged", fs2 == fs);
    {
        static unsigned long fake_tcb[64];
        unsigned long seen;
        long set, back;

        fake_tcb[0] = 0x1234abcd;
        set = raw_arch_prctl(ARCH_SET_FS, (unsigned long)fake_tcb);
        seen = fs_self();
        back = raw_arch_prctl(ARCH_SET_FS, fs); /* before libc runs again */
        EQ("ARCH_SET_FS other", set, 0);
        EQ("ARCH_SET_FS back", back, 0);
        TRUE("fs:0 reads new base", seen == 0x1234abcd);
        TRUE("restored", fs_self() == fs && tvar == 43);
    }
    OK("ARCH_SET_GS", syscall(SYS_arch_prctl, ARCH_SET_GS, 0x10000UL));
    OK("ARCH_GET_GS after set", syscall(SYS_arch_prctl, ARCH_GET_GS, &gs));
    TRUE("gs base set", gs == 0x10000UL);
    syscall(SYS_arch_prctl, ARCH_SET_GS, 0UL);

    ERR("ARCH_SET_FS non-canonical", syscall(SYS_arch_prctl, ARCH_SET_FS, 1UL << 63), EPERM);
    ERR("ARCH_GET_FS bad pointer", syscall(SYS_arch_prctl, ARCH_GET_FS, BADPTR), EFAULT);
    ERR("bad code", syscall(SYS_arch_prctl, 0x9999, 0), EINVAL);
    TRUE("fs intact after errors", fs_self() == fs);
    return conf_done();
}
