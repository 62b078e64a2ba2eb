/* memfd: memfd_create, its /proc name, seals (F_ADD_SEALS, F_GET_SEALS)
 * and what they forbid; shared mappings of a memfd. */
#include "conf.h"
#include <sys/mman.h>
#include <sys/wait.h>

int main(void)
{
    char link[256], p[64], buf[8] = "", big[300];
    int fd, g, st;
    long r;
    char *m;
    pid_t pid;

    fd = memfd_create("conf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    MUST(fd);
    EQ("close-on-exec", fcntl(fd, F_GETFD), FD_CLOEXEC);
    EQ("write", write(fd, "hello", 5), 5);
    EQ("pread", pread(fd, buf, 5, 0), 5);
    STREQ("contents", buf, "hello");
    snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
    r = readlink(p, link, sizeof(link) - 1);
    link[r > 0 ? r : 0] = 0;
    STREQ("name in /proc", link, "/memfd:conf (deleted)");
    EQ("no seals yet", fcntl(fd, F_GET_SEALS), 0);

    /* A shared mapping is the file itself, also in a child. */
    MUST(ftruncate(fd, 4096));
    m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    TRUE("mmap shared", m != MAP_FAILED);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        memcpy(m + 100, "child", 5);
        _exit(0);
    }
    MUST(waitpid(pid, &st, 0));
    memset(buf, 0, sizeof(buf));
    EQ("child's store seen by pread", pread(fd, buf, 5, 100), 5);
    STREQ("  bytes", buf, "child");
    munmap(m, 4096);

    OK("add GROW|SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK));
    EQ("seals read back", fcntl(fd, F_GET_SEALS), F_SEAL_GROW | F_SEAL_SHRINK);
    ERR("write past the end", pwrite(fd, "x", 1, 5000), EPERM);
    EQ("write inside", pwrite(fd, "y", 1, 0), 1);
    ERR("shrink", ftruncate(fd, 1), EPERM);
    ERR("grow", ftruncate(fd, 8192), EPERM);
    OK("add SEAL|WRITE", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_WRITE));
    ERR("write when sealed", write(fd, "x", 1), EPERM);
    ERR("add after F_SEAL_SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    ERR("unknown seal", fcntl(fd, F_ADD_SEALS, 0x1000), EINVAL);

    g = memfd_create("n", 0);
    MUST(g);
    EQ("without ALLOW_SEALING: F_SEAL_SEAL", fcntl(g, F_GET_SEALS), F_SEAL_SEAL);
    ERR("  adding fails", fcntl(g, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    memset(big, 'a', 299);
    big[299] = 0;
    ERR("name over 249 bytes", memfd_create(big, 0), EINVAL);
    ERR("unknown flag", memfd_create("x", 0x100), EINVAL);
    ERR("bad name pointer", memfd_create(BADPTR, 0), EFAULT);
    {
        int pp[2];
        MUST(pipe(pp));
        ERR("seals of a pipe", fcntl(pp[0], F_GET_SEALS), EINVAL);
    }
    return conf_done();
}
