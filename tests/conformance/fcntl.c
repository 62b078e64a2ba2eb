/* fcntl: descriptor flags, status flags and F_DUPFD. */
#include "conf.h"
#include <sys/resource.h>

int main(void)
{
    const char *tmp = conf_tmp("fcntl");
    struct rlimit rl;
    int fd, wfd, rwfd, d, d2;

    fd = open("/etc/passwd", O_RDONLY);
    MUST(fd);
    EQ("F_GETFD new fd", fcntl(fd, F_GETFD), 0);
    EQ("F_SETFD FD_CLOEXEC", fcntl(fd, F_SETFD, FD_CLOEXEC), 0);
    EQ("F_GETFD after set", fcntl(fd, F_GETFD), FD_CLOEXEC);
    EQ("F_SETFD 0", fcntl(fd, F_SETFD, 0), 0);
    EQ("F_GETFD after clear", fcntl(fd, F_GETFD), 0);
    EQ("F_SETFD ignores unknown bits", fcntl(fd, F_SETFD, 0x100 | FD_CLOEXEC), 0);
    EQ("F_GETFD only FD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
    fcntl(fd, F_SETFD, 0);

    wfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    rwfd = open(tmp, O_RDWR);
    MUST(wfd);
    MUST(rwfd);
    EQ("F_GETFL O_RDONLY", fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
    EQ("F_GETFL O_WRONLY", fcntl(wfd, F_GETFL) & O_ACCMODE, O_WRONLY);
    EQ("F_GETFL O_RDWR", fcntl(rwfd, F_GETFL) & O_ACCMODE, O_RDWR);
    EQ("F_GETFL no O_APPEND", fcntl(rwfd, F_GETFL) & O_APPEND, 0);
    EQ("F_SETFL O_APPEND|O_NONBLOCK", fcntl(rwfd, F_SETFL, O_APPEND | O_NONBLOCK), 0);
    EQ("F_GETFL has O_APPEND", !!(fcntl(rwfd, F_GETFL) & O_APPEND), 1);
    EQ("F_GETFL has O_NONBLOCK", !!(fcntl(rwfd, F_GETFL) & O_NONBLOCK), 1);
    EQ("F_SETFL cannot change access mode", fcntl(fd, F_SETFL, O_RDWR), 0);
    EQ("access mode kept", fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
    EQ("F_SETFL 0", fcntl(rwfd, F_SETFL, 0), 0);
    EQ("F_GETFL cleared", fcntl(rwfd, F_GETFL) & (O_APPEND | O_NONBLOCK), 0);
    {
        int afd = open(tmp, O_WRONLY | O_APPEND);
        EQ("O_APPEND at open shows in F_GETFL", !!(fcntl(afd, F_GETFL) & O_APPEND), 1);
        close(afd);
    }

    /* F_DUPFD picks the lowest free fd >= arg. */
    d = fcntl(fd, F_DUPFD, 500);
    EQ("F_DUPFD 500", d, 500);
    d2 = fcntl(fd, F_DUPFD, 500);
    EQ("F_DUPFD 500 again", d2, 501);
    EQ("F_DUPFD no cloexec", fcntl(d, F_GETFD), 0);
    close(d2);
    d2 = fcntl(fd, F_DUPFD_CLOEXEC, 500);
    EQ("F_DUPFD_CLOEXEC reuses 501", d2, 501);
    EQ("F_DUPFD_CLOEXEC sets cloexec", fcntl(d2, F_GETFD), FD_CLOEXEC);
    close(d), close(d2);
    d = fcntl(fd, F_DUPFD, 0);
    TRUE("F_DUPFD 0 returns a new fd", d >= 0 && d != fd);
    close(d);
    ERR("F_DUPFD negative", fcntl(fd, F_DUPFD, -1), EINVAL);
    MUST(getrlimit(RLIMIT_NOFILE, &rl));
    ERR("F_DUPFD >= RLIMIT_NOFILE", fcntl(fd, F_DUPFD, (int)rl.rlim_cur), EINVAL);

    /* Status flags live in the open file, descriptor flags in the fd. */
    d = fcntl(rwfd, F_DUPFD, 0);
    fcntl(d, F_SETFD, FD_CLOEXEC);
    EQ("cloexec not shared with dup", fcntl(rwfd, F_GETFD), 0);
    fcntl(d, F_SETFL, O_APPEND);
    EQ("O_APPEND shared with dup", !!(fcntl(rwfd, F_GETFL) & O_APPEND), 1);
    close(d);

    ERR("F_GETFD bad fd", fcntl(-1, F_GETFD), EBADF);
    ERR("F_GETFD closed fd", fcntl(999, F_GETFD), EBADF);
    ERR("F_SETFD bad fd", fcntl(999, F_SETFD, 0), EBADF);
    ERR("F_GETFL bad fd", fcntl(999, F_GETFL), EBADF);
    ERR("F_DUPFD bad fd", fcntl(999, F_DUPFD, 0), EBADF);
    ERR("unknown cmd", fcntl(fd, 0x7777), EINVAL);
    {
        int nfd = open("/dev/null", O_RDWR);
        EQ("/dev/null F_GETFL O_RDWR", fcntl(nfd, F_GETFL) & O_ACCMODE, O_RDWR);
        close(nfd);
    }
    EQ("stdin F_GETFD", fcntl(0, F_GETFD), 0);
    close(fd), close(wfd), close(rwfd);
    unlink(tmp);
    return conf_done();
}
