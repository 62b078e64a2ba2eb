/* mmap_file_errors: access-mode rules for file mappings (EACCES), offsets,
 * lengths, non-mappable files, and mprotect limits on shared mappings. */
#include "conf.h"
#include <sys/mman.h>

#define PG 4096

static long mm(size_t len, int prot, int flags, int fd, off_t off)
{
    void *p = mmap(NULL, len, prot, flags, fd, off);
    if (p == MAP_FAILED)
        return -1;
    munmap(p, len);
    return 0;
}

int main(void)
{
    const char *d = conf_mkdtemp("mmap_file_errors");
    const char *f = conf_join(d, "f");
    int rw, ro, wo, ap, p[2], dfd;
    char *m;

    MUST(rw = open(f, O_RDWR | O_CREAT, 0644));
    MUST(ftruncate(rw, 4 * PG));
    MUST(ro = open(f, O_RDONLY));
    MUST(wo = open(f, O_WRONLY));
    MUST(ap = open(f, O_RDWR | O_APPEND));
    OK("shared read on O_RDONLY", mm(PG, PROT_READ, MAP_SHARED, ro, 0));
    ERR("shared write on O_RDONLY", mm(PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), EACCES);
    OK("private write on O_RDONLY", mm(PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0));
    ERR("any map of O_WRONLY", mm(PG, PROT_WRITE, MAP_SHARED, wo, 0), EACCES);
    OK("shared write on O_RDWR|O_APPEND", mm(PG, PROT_READ | PROT_WRITE, MAP_SHARED, ap, 0));
    OK("shared read on O_APPEND", mm(PG, PROT_READ, MAP_SHARED, ap, 0));
    ERR("unaligned offset", mm(PG, PROT_READ, MAP_SHARED, rw, 100), EINVAL);
    ERR("length 0", mm(0, PROT_READ, MAP_SHARED, rw, 0), EINVAL);
    OK("offset past EOF (mapping allowed)", mm(PG, PROT_READ, MAP_SHARED, rw, 100 * PG));
    ERR("neither SHARED nor PRIVATE", mm(PG, PROT_READ, 0, rw, 0), EINVAL);
    ERR("bad fd", mm(PG, PROT_READ, MAP_SHARED, -1, 0), EBADF);
    MUST(pipe(p));
    ERR("a pipe", mm(PG, PROT_READ, MAP_SHARED, p[0], 0), ENODEV);
    close(p[0]);
    close(p[1]);
    dfd = open(d, O_RDONLY | O_DIRECTORY);
    ERR("a directory", mm(PG, PROT_READ, MAP_SHARED, dfd, 0), ENODEV);
    close(dfd);

    m = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
    TRUE("read-only shared map", m != MAP_FAILED);
    ERR("mprotect it writable", mprotect(m, PG, PROT_READ | PROT_WRITE), EACCES);
    OK("mprotect PROT_NONE", mprotect(m, PG, PROT_NONE));
    munmap(m, PG);
    m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, ro, 0);
    OK("private map of O_RDONLY may become writable", mprotect(m, PG, PROT_READ | PROT_WRITE));
    munmap(m, PG);
    close(ro);
    m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
    TRUE("shared writable map", m != MAP_FAILED);
    OK("close the fd: the mapping stays", close(rw));
    m[0] = 'k';
    ro = open(f, O_RDONLY);
    {
        char c = 0;
        MUST(pread(ro, &c, 1, 0));
        EQ("  store reaches the file", c, 'k');
    }
    munmap(m, PG);
    close(ro);
    close(wo);
    close(ap);
    conf_rmtree(d);
    return conf_done();
}
