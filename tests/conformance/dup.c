/* dup: dup, dup2 and dup3 semantics: numbering, sharing, errors. */
#include "conf.h"
#include <sys/resource.h>
#include <sys/stat.h>

int main(void)
{
    struct stat a, b;
    struct rlimit rl;
    char buf[16];
    int fd, d, x, y, z;

    fd = open("/etc/passwd", O_RDONLY);
    MUST(fd);
    d = dup(fd);
    TRUE("dup returns new fd", d >= 0 && d != fd);
    MUST(fstat(fd, &a));
    MUST(fstat(d, &b));
    TRUE("dup same file", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    EQ("read 5 via original", read(fd, buf, 5), 5);
    EQ("dup shares offset", lseek(d, 0, SEEK_CUR), 5);
    EQ("seek via dup", lseek(d, 1, SEEK_SET), 1);
    EQ("original sees seek", lseek(fd, 0, SEEK_CUR), 1);
    EQ("dup has no cloexec", fcntl(d, F_GETFD), 0);
    close(d);
    EQ("original still usable", read(fd, buf, 1), 1);

    /* Lowest free descriptor. */
    x = dup(fd), y = dup(fd), z = dup(fd);
    MUST(x);
    MUST(y);
    MUST(z);
    close(y);
    EQ("dup fills the hole", dup(fd) == y, 1);
    close(x), close(y), close(z);

    ERR("dup -1", dup(-1), EBADF);
    ERR("dup closed", dup(999), EBADF);

    EQ("dup2 same fd returns fd", dup2(fd, fd) == fd, 1);
    ERR("dup2 same closed fd", dup2(999, 999), EBADF);
    ERR("dup2 bad old", dup2(999, 600), EBADF);
    ERR("dup2 negative new", dup2(fd, -1), EBADF);
    MUST(getrlimit(RLIMIT_NOFILE, &rl));
    ERR("dup2 new >= RLIMIT_NOFILE", dup2(fd, (int)rl.rlim_cur), EBADF);
    EQ("dup2 to 600", dup2(fd, 600), 600);
    TRUE("600 same file", fstat(600, &b) == 0 && b.st_ino == a.st_ino);

    /* dup2 onto an open fd closes it silently. */
    x = open("/dev/null", O_RDONLY);
    MUST(x);
    EQ("dup2 over open fd", dup2(fd, x) == x, 1);
    TRUE("target now the new file", fstat(x, &b) == 0 && b.st_ino == a.st_ino &&
                                      b.st_dev == a.st_dev);
    close(x);
    /* dup2 clears cloexec on the new fd. */
    fcntl(600, F_SETFD, FD_CLOEXEC);
    EQ("dup2 onto cloexec fd", dup2(fd, 600), 600);
    EQ("dup2 result has no cloexec", fcntl(600, F_GETFD), 0);

    ERR("dup3 same fd", dup3(fd, fd, 0), EINVAL);
    ERR("dup3 bad flags", dup3(fd, 601, 0x1), EINVAL);
    ERR("dup3 bad old", dup3(999, 601, 0), EBADF);
    EQ("dup3 O_CLOEXEC", dup3(fd, 601, O_CLOEXEC), 601);
    EQ("dup3 sets cloexec", fcntl(601, F_GETFD), FD_CLOEXEC);
    EQ("dup3 no flags", dup3(fd, 601, 0), 601);
    EQ("dup3 cleared cloexec", fcntl(601, F_GETFD), 0);
    close(600), close(601);
    ERR("closed after close", fcntl(600, F_GETFD), EBADF);

    /* The original fd outlives its dups and vice versa. */
    d = dup(fd);
    close(fd);
    TRUE("dup survives close of original", read(d, buf, 1) == 1);
    close(d);
    return conf_done();
}
