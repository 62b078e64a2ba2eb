/* sig_fpu_preserved: signal frames save and restore the full FPU state.
 * The main code holds values in xmm0-15 (ymm0-15 with AVX), the x87 stack,
 * a non-default MXCSR and x87 control word, and spins while a 1 ms timer
 * interrupts it; the handler clobbers all of that. Afterwards every value is
 * intact. The handler also checks it starts from the default FPU control
 * state (MXCSR 0x1f80, x87 control word 0x037f), as Linux sets up. */
#include "conf.h"
#include <signal.h>
#include <sys/time.h>

#define NSIG_WANTED 10
#define STR2(x) #x
#define STR(x) STR2(x)

static volatile int hits;
static volatile unsigned h_mxcsr = 0xdead, h_fcw = 0xdead;
static int use_avx;
static unsigned char junk[16 * 32] __attribute__((aligned(32)));

static void handler(int sig)
{
    unsigned mx;
    unsigned short cw;

    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    if (hits == 0) {
        h_mxcsr = mx;
        h_fcw = cw;
    }
    hits++;
    /* Clobber everything. */
    mx = 0x1f80 | (2u << 13); /* round up */
    cw = 0x037f | (3u << 10); /* round toward zero */
    __asm__ volatile("ldmxcsr %0" ::"m"(mx));
    __asm__ volatile("fninit\n\tfldcw %0\n\t"
                     "fldpi\n\tfldpi\n\tfldpi\n\tfldpi\n\t"
                     "fldl2e\n\tfldl2e\n\tfldl2e\n\tfldl2e\n\t" ::"m"(cw)
                     : "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
    if (use_avx) {
        __asm__ volatile("vmovdqu 0(%0), %%ymm0\n\tvmovdqu 32(%0), %%ymm1\n\t"
                         "vmovdqu 64(%0), %%ymm2\n\tvmovdqu 96(%0), %%ymm3\n\t"
                         "vmovdqu 128(%0), %%ymm4\n\tvmovdqu 160(%0), %%ymm5\n\t"
                         "vmovdqu 192(%0), %%ymm6\n\tvmovdqu 224(%0), %%ymm7\n\t"
                         "vmovdqu 256(%0), %%ymm8\n\tvmovdqu 288(%0), %%ymm9\n\t"
                         "vmovdqu 320(%0), %%ymm10\n\tvmovdqu 352(%0), %%ymm11\n\t"
                         "vmovdqu 384(%0), %%ymm12\n\tvmovdqu 416(%0), %%ymm13\n\t"
                         "vmovdqu 448(%0), %%ymm14\n\tvmovdqu 480(%0), %%ymm15\n\t"
                         "vzeroupper\n\t" ::"r"(junk)
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                           "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    } else {
        __asm__ volatile("movdqu 0(%0), %%xmm0\n\tmovdqu 16(%0), %%xmm1\n\t"
                         "movdqu 32(%0), %%xmm2\n\tmovdqu 48(%0), %%xmm3\n\t"
                         "movdqu 64(%0), %%xmm4\n\tmovdqu 80(%0), %%xmm5\n\t"
                         "movdqu 96(%0), %%xmm6\n\tmovdqu 112(%0), %%xmm7\n\t"
                         "movdqu 128(%0), %%xmm8\n\tmovdqu 144(%0), %%xmm9\n\t"
                         "movdqu 160(%0), %%xmm10\n\tmovdqu 176(%0), %%xmm11\n\t"
                         "movdqu 192(%0), %%xmm12\n\tmovdqu 208(%0), %%xmm13\n\t"
                         "movdqu 224(%0), %%xmm14\n\tmovdqu 240(%0), %%xmm15\n\t" ::"r"(junk)
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                           "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    }
    /* Some real floating-point work too. */
    volatile double d = 1.0;
    for (int i = 1; i < 50; i++)
        d = d * 1.0001 + 1.0 / i;
    /* Leave the x87 stack full: sigreturn must restore the interrupted one. */
}

/* Spin (up to a cap) until `hits` reaches NSIG_WANTED; registers loaded from
 * in[] before and stored to out[] after. */
static void spin_with_regs(const unsigned char *in, unsigned char *out, const double *xin,
                           double *xout)
{
    unsigned long cap = 4000000000UL;
    volatile int *h = &hits;

#define SPIN_LOOP                                                           \
    "1:\n\t"                                                                \
    "cmpl $" STR(NSIG_WANTED) ", (%[h])\n\t"                                 \
    "jge 2f\n\t"                                                            \
    "decq %[cap]\n\t"                                                       \
    "jnz 1b\n\t"                                                            \
    "2:\n\t"
#define X87_LOAD                                                            \
    "fldl 0(%[xi])\n\tfldl 8(%[xi])\n\tfldl 16(%[xi])\n\tfldl 24(%[xi])\n\t" \
    "fldl 32(%[xi])\n\tfldl 40(%[xi])\n\tfldl 48(%[xi])\n\tfldl 56(%[xi])\n\t"
#define X87_STORE                                                           \
    "fstpl 0(%[xo])\n\tfstpl 8(%[xo])\n\tfstpl 16(%[xo])\n\tfstpl 24(%[xo])\n\t" \
    "fstpl 32(%[xo])\n\tfstpl 40(%[xo])\n\tfstpl 48(%[xo])\n\tfstpl 56(%[xo])\n\t"
#define CLOBBERS                                                            \
    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", \
        "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "st", "st(1)", "st(2)", \
        "st(3)", "st(4)", "st(5)", "st(6)", "st(7)", "memory", "cc"

    if (use_avx) {
        __asm__ volatile(
            "vmovdqu 0(%[in]), %%ymm0\n\tvmovdqu 32(%[in]), %%ymm1\n\t"
            "vmovdqu 64(%[in]), %%ymm2\n\tvmovdqu 96(%[in]), %%ymm3\n\t"
            "vmovdqu 128(%[in]), %%ymm4\n\tvmovdqu 160(%[in]), %%ymm5\n\t"
            "vmovdqu 192(%[in]), %%ymm6\n\tvmovdqu 224(%[in]), %%ymm7\n\t"
            "vmovdqu 256(%[in]), %%ymm8\n\tvmovdqu 288(%[in]), %%ymm9\n\t"
            "vmovdqu 320(%[in]), %%ymm10\n\tvmovdqu 352(%[in]), %%ymm11\n\t"
            "vmovdqu 384(%[in]), %%ymm12\n\tvmovdqu 416(%[in]), %%ymm13\n\t"
            "vmovdqu 448(%[in]), %%ymm14\n\tvmovdqu 480(%[in]), %%ymm15\n\t"
            X87_LOAD SPIN_LOOP X87_STORE
            "vmovdqu %%ymm0, 0(%[out])\n\tvmovdqu %%ymm1, 32(%[out])\n\t"
            "vmovdqu %%ymm2, 64(%[out])\n\tvmovdqu %%ymm3, 96(%[out])\n\t"
            "vmovdqu %%ymm4, 128(%[out])\n\tvmovdqu %%ymm5, 160(%[out])\n\t"
            "vmovdqu %%ymm6, 192(%[out])\n\tvmovdqu %%ymm7, 224(%[out])\n\t"
            "vmovdqu %%ymm8, 256(%[out])\n\tvmovdqu %%ymm9, 288(%[out])\n\t"
            "vmovdqu %%ymm10, 320(%[out])\n\tvmovdqu %%ymm11, 352(%[out])\n\t"
            "vmovdqu %%ymm12, 384(%[out])\n\tvmovdqu %%ymm13, 416(%[out])\n\t"
            "vmovdqu %%ymm14, 448(%[out])\n\tvmovdqu %%ymm15, 480(%[out])\n\t"
            "vzeroupper\n\t"
            : [cap] "+r"(cap)
            : [in] "r"(in), [out] "r"(out), [xi] "r"(xin), [xo] "r"(xout), [h] "r"(h)
            : CLOBBERS);
    } else {
        __asm__ volatile(
            "movdqu 0(%[in]), %%xmm0\n\tmovdqu 16(%[in]), %%xmm1\n\t"
            "movdqu 32(%[in]), %%xmm2\n\tmovdqu 48(%[in]), %%xmm3\n\t"
            "movdqu 64(%[in]), %%xmm4\n\tmovdqu 80(%[in]), %%xmm5\n\t"
            "movdqu 96(%[in]), %%xmm6\n\tmovdqu 112(%[in]), %%xmm7\n\t"
            "movdqu 128(%[in]), %%xmm8\n\tmovdqu 144(%[in]), %%xmm9\n\t"
            "movdqu 160(%[in]), %%xmm10\n\tmovdqu 176(%[in]), %%xmm11\n\t"
            "movdqu 192(%[in]), %%xmm12\n\tmovdqu 208(%[in]), %%xmm13\n\t"
            "movdqu 224(%[in]), %%xmm14\n\tmovdqu 240(%[in]), %%xmm15\n\t"
            X87_LOAD SPIN_LOOP X87_STORE
            "movdqu %%xmm0, 0(%[out])\n\tmovdqu %%xmm1, 16(%[out])\n\t"
            "movdqu %%xmm2, 32(%[out])\n\tmovdqu %%xmm3, 48(%[out])\n\t"
            "movdqu %%xmm4, 64(%[out])\n\tmovdqu %%xmm5, 80(%[out])\n\t"
            "movdqu %%xmm6, 96(%[out])\n\tmovdqu %%xmm7, 112(%[out])\n\t"
            "movdqu %%xmm8, 128(%[out])\n\tmovdqu %%xmm9, 144(%[out])\n\t"
            "movdqu %%xmm10, 160(%[out])\n\tmovdqu %%xmm11, 176(%[out])\n\t"
            "movdqu %%xmm12, 192(%[out])\n\tmovdqu %%xmm13, 208(%[out])\n\t"
            "movdqu %%xmm14, 224(%[out])\n\tmovdqu %%xmm15, 240(%[out])\n\t"
            : [cap] "+r"(cap)
            : [in] "r"(in), [out] "r"(out), [xi] "r"(xin), [xo] "r"(xout), [h] "r"(h)
            : CLOBBERS);
    }
}

int main(void)
{
    static unsigned char in[16 * 32], out[16 * 32];
    double xin[8], xout[8];
    struct sigaction sa;
    struct itimerval it = { { 0, 1000 }, { 0, 1000 } }, off = { { 0, 0 }, { 0, 0 } };
    unsigned mx, mx_before, mx_after;
    unsigned short cw, cw_after;
    volatile double q_before, q_after, q_nearest, one = 1.0, ten = 10.0;
    int nbytes;

    use_avx = __builtin_cpu_supports("avx");
    nbytes = use_avx ? 16 * 32 : 16 * 16;
    for (int i = 0; i < (int)sizeof(in); i++) {
        in[i] = (unsigned char)(i * 7 + 3);
        junk[i] = (unsigned char)(0xa5 ^ i);
    }
    for (int i = 0; i < 8; i++)
        xin[i] = 1.5 + i * 0.25;

    /* Non-default rounding: SSE rounds down, x87 rounds up. */
    mx = 0x1f80 | (1u << 13);
    cw = 0x037f | (2u << 10);
    __asm__ volatile("ldmxcsr %0" ::"m"(mx));
    __asm__ volatile("fldcw %0" ::"m"(cw));
    q_before = one / ten;
    __asm__ volatile("stmxcsr %0" : "=m"(mx_before)); /* with the inexact flag now */

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    spin_with_regs(in, out, xin, xout);
    setitimer(ITIMER_REAL, &off, NULL);

    __asm__ volatile("stmxcsr %0" : "=m"(mx_after));
    __asm__ volatile("fnstcw %0" : "=m"(cw_after));
    q_after = one / ten;
    {
        unsigned dflt = 0x1f80;
        unsigned short dcw = 0x037f;
        __asm__ volatile("ldmxcsr %0" ::"m"(dflt));
        __asm__ volatile("fldcw %0" ::"m"(dcw));
    }
    q_nearest = one / ten;

    TRUE("signals arrived while the registers were live", hits >= NSIG_WANTED);
    TRUE("handler started with MXCSR 0x1f80", h_mxcsr == 0x1f80);
    TRUE("handler started with x87 control word 0x037f", h_fcw == 0x037f);
    TRUE(use_avx ? "ymm0-15 preserved" : "xmm0-15 preserved (no AVX)", memcmp(in, out, nbytes) == 0);
    {
        int ok = 1;
        for (int i = 0; i < 8; i++)
            ok &= xout[i] == xin[7 - i];
        TRUE("x87 stack preserved", ok);
    }
    TRUE("MXCSR preserved, flags included", mx_after == mx_before && (mx_before & ~0x3fu) == mx);
    TRUE("x87 control word preserved", cw_after == cw);
    TRUE("1/10 rounded down differs from 1/10 rounded to nearest", q_before != q_nearest);
    TRUE("SSE division still rounds down afterwards", q_after == q_before);
    return conf_done();
}
