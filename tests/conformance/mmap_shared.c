/* mmap_shared: MAP_SHARED of a tmpfs file is coherent with read/write. */
#include "conf.h"
#include <sys/mman.h>

#define PG 4096UL

int main(void)
{
    const char *tmp = conf_tmp("mmap_shared");
    unsigned char *p, buf[8192];
    int fd;

    /* Shared mapping of a /tmp file is coherent with read/write. */
    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    OK("ftruncate 2 pages", ftruncate(fd, 2 * PG));
    p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    TRUE("shared file mmap", p != MAP_FAILED);
    memcpy(p + PG, "shared!", 7);
    TRUE("store seen by pread", pread(fd, buf, 7, PG) == 7 && !memcmp(buf, "shared!", 7));
    EQ("pwrite", pwrite(fd, "PW", 2, 10), 2);
    TRUE("pwrite seen in map", p[10] == 'P' && p[11] == 'W');
    OK("msync", msync(p, 2 * PG, MS_SYNC));
    munmap(p, 2 * PG);
    p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, PG);
    TRUE("mmap at file offset", p != MAP_FAILED && !memcmp(p, "shared!", 7));
    munmap(p, PG);
    close(fd);
    unlink(tmp);
    return conf_done();
}
