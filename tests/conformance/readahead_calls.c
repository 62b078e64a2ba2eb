/* readahead_calls: readahead(2) and posix_fadvise on files, pipes and bad
 * descriptors. */
#include "conf.h"

int main(void)
{
    const char *d = conf_mkdtemp("readahead_calls");
    const char *f = conf_join(d, "f");
    static char buf[65536];
    int fd, wo, p[2], dfd;

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    MUST(write(fd, buf, sizeof(buf)));
    OK("readahead a file", readahead(fd, 0, sizeof(buf)));
    OK("readahead past EOF", readahead(fd, 1 << 20, 4096));
    OK("readahead count 0", readahead(fd, 0, 0));
    EQ("  offset unmoved", lseek(fd, 0, SEEK_CUR), sizeof(buf));
    OK("readahead /etc/passwd", ({ int r0 = open("/etc/passwd", O_RDONLY); long r = readahead(r0, 0, 4096); close(r0); r; }));
    MUST(pipe(p));
    ERR("readahead a pipe", readahead(p[0], 0, 4096), EINVAL);
    ERR("readahead bad fd", readahead(-1, 0, 4096), EBADF);
    wo = open(f, O_WRONLY);
    ERR("readahead O_WRONLY", readahead(wo, 0, 4096), EBADF);
    dfd = open(d, O_RDONLY | O_DIRECTORY);
    ERR("readahead a directory", readahead(dfd, 0, 4096), EINVAL);
    EQ("fadvise WILLNEED", posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED), 0);
    EQ("fadvise SEQUENTIAL", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL), 0);
    EQ("fadvise DONTNEED", posix_fadvise(fd, 0, 4096, POSIX_FADV_DONTNEED), 0);
    EQ("fadvise O_WRONLY fd", posix_fadvise(wo, 0, 0, POSIX_FADV_NORMAL), 0);
    EQ("fadvise bad advice (EINVAL)", posix_fadvise(fd, 0, 0, 42), EINVAL);
    EQ("fadvise negative len (EINVAL)", posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL), EINVAL);
    EQ("fadvise pipe (ESPIPE)", posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL), ESPIPE);
    EQ("fadvise bad fd (EBADF)", posix_fadvise(-1, 0, 0, POSIX_FADV_NORMAL), EBADF);
    close(dfd);
    close(wo);
    close(p[0]);
    close(p[1]);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
