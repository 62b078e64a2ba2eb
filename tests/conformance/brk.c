/* brk: the program break grows, is usable, shrinks and refuses nonsense. */
#include "conf.h"

#define PG 4096UL

static unsigned long sys_brk(unsigned long addr)
{
    return (unsigned long)syscall(SYS_brk, addr);
}

int main(void)
{
    unsigned long cur, r, grown, shrunk, regrow, low, huge, after;
    int zero_ok = 1, rw_ok = 1, regrow_zero = 1;
    void *s0, *s1, *s2;

    /* Print once first so stdio's buffer is allocated before we move the
     * break; every other result is printed after it is restored. */
    printf("brk test\n");
    cur = sys_brk(0);
    r = sys_brk(cur + 16 * PG);
    grown = r;
    if (r == cur + 16 * PG) {
        for (unsigned long i = 0; i < 16 * PG; i++)
            zero_ok &= ((unsigned char *)cur)[i] == 0;
        memset((void *)cur, 0x5a, 16 * PG);
        for (unsigned long i = 0; i < 16 * PG; i++)
            rw_ok &= ((unsigned char *)cur)[i] == 0x5a;
    }
    shrunk = sys_brk(cur + PG);
    regrow = sys_brk(cur + 4 * PG);
    if (regrow == cur + 4 * PG)
        for (unsigned long i = 2 * PG; i < 4 * PG; i++)
            regrow_zero &= ((unsigned char *)cur)[i] == 0;
    low = sys_brk(4096);               /* below the data segment */
    huge = sys_brk(0xfffffffffffff000UL); /* beyond user space */
    after = sys_brk(cur);

    TRUE("brk(0) > 0", cur > 0);
    TRUE("grow 16 pages", grown == cur + 16 * PG);
    TRUE("new memory zero", zero_ok);
    TRUE("new memory writable", rw_ok);
    TRUE("shrink returns new break", shrunk == cur + PG);
    TRUE("regrow returns new break", regrow == cur + 4 * PG);
    TRUE("regrown pages zeroed", regrow_zero);
    TRUE("brk below start keeps break", low == cur + 4 * PG);
    TRUE("huge brk keeps break", huge == cur + 4 * PG);
    TRUE("restore", after == cur);
    TRUE("brk(0) after restore", sys_brk(0) == cur);

    /* glibc's sbrk on top of it. */
    s0 = sbrk(0);
    s1 = sbrk(8 * PG);
    s2 = sbrk(0);
    TRUE("sbrk returns old break", s1 == s0);
    TRUE("sbrk moved break", (char *)s2 == (char *)s0 + 8 * PG);
    memset(s1, 1, 8 * PG);
    TRUE("sbrk memory usable", ((char *)s1)[8 * PG - 1] == 1);
    TRUE("sbrk(-n)", sbrk(-(long)(8 * PG)) == s2);
    TRUE("sbrk back", sbrk(0) == s0);

    /* malloc still works around our moves. */
    {
        char *m = malloc(1 << 20);
        TRUE("malloc 1M", m != NULL);
        if (m)
            memset(m, 3, 1 << 20), free(m);
        m = malloc(100);
        TRUE("malloc small", m != NULL);
        free(m);
    }
    return conf_done();
}
