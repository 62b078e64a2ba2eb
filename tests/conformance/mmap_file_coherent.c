/* mmap_file_coherent: MAP_SHARED file mappings: stores visible to read(),
 * write() visible in the mapping, msync, two processes mapping the file
 * (separately opened) see each other's stores, data kept after munmap,
 * MAP_PRIVATE copies not written back, SIGBUS past EOF. */
#include "conf.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

#define PG 4096

static const char *path;
static sigjmp_buf jb;

static void on_bus(int s) { siglongjmp(jb, 1); }

static int child_store(void)
{
    int fd = open(path, O_RDWR);
    char *m = fd < 0 ? MAP_FAILED : mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int spins = 0;

    if (m == MAP_FAILED)
        return 90;
    memcpy(m + PG + 100, "from child", 10);
    /* Wait (bounded) for the parent's answer through the mapping. */
    while (memcmp(m + 200, "from parent", 11) && spins++ < 5000)
        usleep(1000);
    return memcmp(m + 200, "from parent", 11) ? 1 : 0;
}

int main(void)
{
    const char *d = conf_mkdtemp("mmap_file_coherent");
    char buf[64];
    char *m, *pm;
    int fd, st;
    pid_t pid;

    path = conf_join(d, "f");
    MUST(fd = open(path, O_RDWR | O_CREAT, 0644));
    MUST(ftruncate(fd, 2 * PG));
    m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    TRUE("mmap MAP_SHARED", m != MAP_FAILED);
    if (m == MAP_FAILED)
        return conf_done();
    memcpy(m + 10, "stored", 6);
    memset(buf, 0, sizeof(buf));
    EQ("store seen by read", pread(fd, buf, 6, 10), 6);
    STREQ("  data", buf, "stored");
    EQ("write seen in the mapping", pwrite(fd, "written", 7, PG), 7);
    TRUE("  data", !memcmp(m + PG, "written", 7));
    OK("msync MS_SYNC", msync(m, 2 * PG, MS_SYNC));
    OK("msync MS_ASYNC", msync(m, PG, MS_ASYNC));
    OK("msync MS_INVALIDATE", msync(m, PG, MS_INVALIDATE));
    ERR("msync unaligned", msync(m + 1, PG, MS_SYNC), EINVAL);
    ERR("msync SYNC|ASYNC", msync(m, PG, MS_SYNC | MS_ASYNC), EINVAL);

    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(child_store());
    for (int i = 0; i < 5000 && memcmp(m + PG + 100, "from child", 10); i++)
        usleep(1000);
    TRUE("child's store seen in the parent's mapping", !memcmp(m + PG + 100, "from child", 10));
    memcpy(m + 200, "from parent", 11);
    MUST(waitpid(pid, &st, 0));
    EQ("parent's store seen by the child", WIFEXITED(st) ? WEXITSTATUS(st) : 1000, 0);

    pm = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    TRUE("mmap MAP_PRIVATE", pm != MAP_FAILED);
    TRUE("  sees file data", !memcmp(pm + 10, "stored", 6));
    memcpy(pm + 10, "PRIVAT", 6);
    memset(buf, 0, sizeof(buf));
    MUST(pread(fd, buf, 6, 10));
    STREQ("  private store not in the file", buf, "stored");
    TRUE("  shared mapping unchanged", !memcmp(m + 10, "stored", 6));
    munmap(pm, PG);

    OK("munmap", munmap(m, 2 * PG));
    memset(buf, 0, sizeof(buf));
    EQ("data kept after munmap", pread(fd, buf, 10, PG + 100), 10);
    STREQ("  data", buf, "from child");

    /* A mapping larger than the file: the page past EOF raises SIGBUS. */
    MUST(ftruncate(fd, PG));
    m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    TRUE("map 3 pages of a 1-page file", m != MAP_FAILED);
    signal(SIGBUS, on_bus);
    {
        volatile int got = 0;
        if (sigsetjmp(jb, 1) == 0) {
            volatile char c = m[2 * PG];
            (void)c;
        } else
            got = 1;
        EQ("SIGBUS on a page past EOF", got, 1);
        TRUE("page 0 readable", m[10] == 's');
        MUST(ftruncate(fd, 3 * PG));
        got = 0;
        if (sigsetjmp(jb, 1) == 0)
            m[2 * PG] = 'x';
        else
            got = 1;
        EQ("after growing the file: no SIGBUS", got, 0);
        EQ("  and the store reached the file", (pread(fd, buf, 1, 2 * PG), buf[0]), 'x');
    }
    munmap(m, 3 * PG);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
