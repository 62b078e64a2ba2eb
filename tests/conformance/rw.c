/* rw: read(2) and write(2) on stdio, files and directories. */
#include "conf.h"
#include <sys/stat.h>

int main(void)
{
    char buf[4096];
    struct stat st;
    const char *tmp = conf_tmp("rw");
    int fd, wfd;

    /* stdout is a file or pipe here; stderr is not compared. */
    EQ("write fd1", write(1, "raw line on fd 1\n", 17), 17);
    EQ("write fd2", write(2, "rw: stderr line\n", 16), 16);
    EQ("write fd1 len0", write(1, "x", 0), 0);
    ERR("write fd-1", write(-1, "x", 1), EBADF);
    ERR("write fd1000", write(1000, "x", 1), EBADF);
    ERR("write bad buffer", write(1, BADPTR, 5), EFAULT);
    ERR("read fd-1", read(-1, buf, 1), EBADF);
    ERR("read fd1000", read(1000, buf, 1), EBADF);
    EQ("read stdin /dev/null", read(0, buf, sizeof(buf)), 0);

    fd = open("/etc/os-release", O_RDONLY);
    OK("open os-release", fd);
    MUST(fstat(fd, &st));
    EQ("read 10", read(fd, buf, 10), 10);
    TRUE("read rest == size-10",
         read(fd, buf + 10, sizeof(buf) - 10) == st.st_size - 10);
    EQ("read at eof", read(fd, buf, sizeof(buf)), 0);
    TRUE("content has ID=", memmem(buf, st.st_size, "ID=", 3) != NULL);
    ERR("write to O_RDONLY fd", write(fd, "x", 1), EBADF);
    MUST(lseek(fd, 0, SEEK_SET));
    ERR("read into bad buffer", read(fd, BADPTR, 16), EFAULT);
    close(fd);

    fd = open("/etc", O_RDONLY | O_DIRECTORY);
    OK("open dir", fd);
    ERR("read dir", read(fd, buf, sizeof(buf)), EISDIR);
    ERR("write dir", write(fd, "x", 1), EBADF);
    close(fd);

    wfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    OK("create tmp", wfd);
    EQ("write tmp", write(wfd, "abcdef", 6), 6);
    ERR("read O_WRONLY fd", read(wfd, buf, 1), EBADF);
    close(wfd);
    wfd = open(tmp, O_WRONLY | O_APPEND);
    OK("open O_APPEND", wfd);
    MUST(lseek(wfd, 0, SEEK_SET));
    EQ("append write", write(wfd, "gh", 2), 2);
    EQ("offset after append", lseek(wfd, 0, SEEK_CUR), 8);
    close(wfd);
    fd = open(tmp, O_RDONLY);
    memset(buf, 0, sizeof(buf));
    EQ("read back", read(fd, buf, sizeof(buf)), 8);
    STREQ("content", buf, "abcdefgh");
    /* Large write crossing pages, then read in odd-sized chunks. */
    close(fd);
    wfd = open(tmp, O_RDWR | O_TRUNC);
    for (int i = 0; i < (int)sizeof(buf); i++)
        buf[i] = (char)(i * 7);
    EQ("write 4096", write(wfd, buf, sizeof(buf)), 4096);
    MUST(lseek(wfd, 0, SEEK_SET));
    {
        char in[4096];
        long tot = 0, n;
        while ((n = read(wfd, in + tot, 1000)) > 0)
            tot += n;
        EQ("chunked read total", tot, 4096);
        TRUE("chunked read equal", memcmp(in, buf, sizeof(in)) == 0);
    }
    close(wfd);
    OK("unlink", unlink(tmp));
    return conf_done();
}
