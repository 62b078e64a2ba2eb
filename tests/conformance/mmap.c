/* mmap: anonymous, fixed, file-backed and PROT_NONE mappings; errors. */
#include "conf.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define PG 4096UL
/* mmap returns MAP_FAILED, not -1: adapt it for ERR. */
#define MERR(name, expr, want) ERR(name, (expr) == MAP_FAILED ? -1L : 0L, want)

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

int main(void)
{
    const char *tmp = conf_tmp("mmap");
    unsigned char *p, *q, buf[8192];
    struct stat st;
    int fd;
    long n;

    TRUE("page size 4096", sysconf(_SC_PAGESIZE) == 4096);

    p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TRUE("anon mmap", p != MAP_FAILED);
    TRUE("anon page aligned", ((uintptr_t)p & (PG - 1)) == 0);
    TRUE("anon zero filled", all_bytes(p, 4 * PG, 0));
    memset(p, 0xab, 4 * PG);
    TRUE("anon writable", all_bytes(p, 4 * PG, 0xab));

    /* MAP_FIXED over the second page replaces it with zeros. */
    q = mmap(p + PG, PG, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    TRUE("MAP_FIXED at requested address", q == p + PG);
    TRUE("MAP_FIXED page zeroed", all_bytes(q, PG, 0));
    TRUE("neighbours kept", all_bytes(p, PG, 0xab) && all_bytes(p + 2 * PG, PG, 0xab));
    OK("munmap middle page", munmap(p + PG, PG));
    OK("munmap whole range (with hole)", munmap(p, 4 * PG));
    OK("munmap again (nothing mapped)", munmap(p, 4 * PG));

    /* Errors. */
    MERR("len 0", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    MERR("unaligned MAP_FIXED", mmap((void *)0x10000001UL, PG, PROT_READ,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL);
    MERR("no SHARED/PRIVATE", mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
    MERR("bad fd", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0), EBADF);
    MERR("unaligned offset", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 0, 100), EINVAL);
    ERR("munmap unaligned", munmap((void *)0x10000001UL, PG), EINVAL);
    ERR("munmap len 0", munmap((void *)0x10000000UL, 0), EINVAL);
    ERR("mprotect unmapped", mprotect((void *)0x10000000UL, PG, PROT_READ), ENOMEM);
    ERR("mprotect unaligned", mprotect((void *)0x10000001UL, PG, PROT_READ), EINVAL);

    /* PROT_NONE, then mprotect to read-write. */
    p = mmap(NULL, 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TRUE("PROT_NONE mmap", p != MAP_FAILED);
    OK("mprotect RW", mprotect(p, 2 * PG, PROT_READ | PROT_WRITE));
    p[0] = 1, p[2 * PG - 1] = 2;
    TRUE("writes after mprotect", p[0] == 1 && p[2 * PG - 1] == 2);
    OK("mprotect RO", mprotect(p, PG, PROT_READ));
    TRUE("read after RO", p[0] == 1);
    munmap(p, 2 * PG);

    /* Private file mapping equals read(); writes stay private. */
    fd = open("/etc/os-release", O_RDONLY);
    MUST(fd);
    MUST(fstat(fd, &st));
    n = read(fd, buf, sizeof(buf));
    TRUE("os-release < 1 page", n == st.st_size && n < (long)PG);
    p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    TRUE("file mmap", p != MAP_FAILED);
    TRUE("mapping == read()", memcmp(p, buf, n) == 0);
    TRUE("tail of last page zero", all_bytes(p + n, PG - n, 0));
    p[0] ^= 0xff;
    TRUE("private write visible in map", p[0] == (unsigned char)(buf[0] ^ 0xff));
    TRUE("private write not in file", pread(fd, buf + 4096, 1, 0) == 1 && buf[4096] == buf[0]);
    munmap(p, 2 * PG);
    MERR("MAP_SHARED|PROT_WRITE on O_RDONLY",
         mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
    close(fd);

    fd = open(tmp, O_WRONLY | O_CREAT, 0600);
    MERR("PROT_READ on O_WRONLY", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0), EACCES);
    close(fd);
    unlink(tmp);

    /* A hint address is honoured when free. */
    p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p, PG);
    q = mmap(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TRUE("free hint honoured", q == p);
    munmap(q, PG);
    q = mmap(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    TRUE("MAP_FIXED_NOREPLACE free", q == p);
    MERR("MAP_FIXED_NOREPLACE busy",
         mmap(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
         EEXIST);
    munmap(q, PG);
    return conf_done();
}
