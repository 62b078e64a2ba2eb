/* getrandom: lengths, flags and errors of getrandom(2). */
#include "conf.h"
#include <sys/random.h>

static int nonzero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 1;
    return 0;
}

int main(void)
{
    static unsigned char a[65536], b[65536];

    EQ("len 0", getrandom(a, 0, 0), 0);
    EQ("len 1", getrandom(a, 1, 0), 1);
    EQ("len 16", getrandom(a, 16, 0), 16);
    EQ("len 256", getrandom(a, 256, 0), 256);
    EQ("len 4096", getrandom(a, 4096, 0), 4096);
    TRUE("4096 bytes not all zero", nonzero(a, 4096));
    EQ("len 65536", getrandom(b, sizeof(b), 0), 65536);
    TRUE("two draws differ", memcmp(a, b, 4096) != 0);
    memset(a, 0, sizeof(a));
    EQ("GRND_NONBLOCK", getrandom(a, 64, GRND_NONBLOCK), 64);
    TRUE("nonblock not all zero", nonzero(a, 64));
    EQ("GRND_RANDOM|NONBLOCK", getrandom(a, 16, GRND_RANDOM | GRND_NONBLOCK), 16);
    EQ("GRND_INSECURE", getrandom(a, 16, GRND_INSECURE), 16);
    ERR("bad flags", getrandom(a, 16, 0x100), EINVAL);
    ERR("RANDOM|INSECURE", getrandom(a, 16, GRND_RANDOM | GRND_INSECURE), EINVAL);
    ERR("bad buffer", syscall(SYS_getrandom, BADPTR, 16, 0), EFAULT);
    EQ("bad buffer len 0", syscall(SYS_getrandom, BADPTR, 0, 0), 0);
    /* Bytes are spread: every value shows up in 64 KiB. */
    {
        int seen[256] = { 0 }, all = 1;
        for (size_t i = 0; i < sizeof(b); i++)
            seen[b[i]] = 1;
        for (int i = 0; i < 256; i++)
            all &= seen[i];
        TRUE("all byte values in 64KiB", all);
    }
    return conf_done();
}
