/* locks: fcntl record locks, POSIX (per process) and OFD (per open file). */
#include "conf.h"

static int setlk(int fd, int cmd, short type, short whence, off_t start, off_t len)
{
    struct flock fl = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = len };
    return fcntl(fd, cmd, &fl);
}

int main(void)
{
    const char *tmp = conf_tmp("locks");
    struct flock fl;
    int fd, fd2, ro;

    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    MUST(write(fd, "0123456789", 10));

    /* POSIX locks of one process never conflict with each other. */
    OK("setlk write 0..4", setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 5));
    OK("setlk read over it (same process)", setlk(fd, F_SETLK, F_RDLCK, SEEK_SET, 2, 5));
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    OK("getlk own locks", fcntl(fd, F_GETLK, &fl));
    EQ("getlk reports unlocked", fl.l_type, F_UNLCK);
    OK("unlock all", setlk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    OK("lock to EOF (len 0)", setlk(fd, F_SETLK, F_WRLCK, SEEK_END, 0, 0));
    OK("negative len", setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, -5));
    ERR("negative len before 0", setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 2, -5), EINVAL);
    ERR("negative start", setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1), EINVAL);
    ERR("bad type", setlk(fd, F_SETLK, 42, SEEK_SET, 0, 1), EINVAL);
    ERR("bad whence", setlk(fd, F_SETLK, F_WRLCK, 42, 0, 1), EINVAL);
    ERR("bad pointer", fcntl(fd, F_SETLK, BADPTR), EFAULT);
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_UNLCK;
    ERR("getlk with F_UNLCK", fcntl(fd, F_GETLK, &fl), EINVAL);
    ERR("setlk bad fd", setlk(99, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);

    ro = open(tmp, O_RDONLY);
    MUST(ro);
    ERR("write lock on O_RDONLY", setlk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
    OK("read lock on O_RDONLY", setlk(ro, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));

    /* OFD locks belong to the open file: two opens conflict. */
    fd2 = open(tmp, O_RDWR);
    MUST(fd2);
    OK("unlock posix", setlk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    OK("ofd write lock fd", setlk(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 4));
    ERR("ofd write lock fd2 conflicts", setlk(fd2, F_OFD_SETLK, F_WRLCK, SEEK_SET, 2, 2), EAGAIN);
    ERR("ofd read lock fd2 conflicts", setlk(fd2, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1), EAGAIN);
    OK("ofd lock fd2 elsewhere", setlk(fd2, F_OFD_SETLK, F_WRLCK, SEEK_SET, 4, 4));
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_RDLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 1;
    fl.l_len = 1;
    OK("ofd getlk", fcntl(fd2, F_OFD_GETLK, &fl));
    EQ("ofd getlk type", fl.l_type, F_WRLCK);
    EQ("ofd getlk start", fl.l_start, 0);
    EQ("ofd getlk len", fl.l_len, 4);
    EQ("ofd getlk pid", fl.l_pid, -1);
    {
        struct flock bad = { .l_type = F_WRLCK, .l_pid = 1 };
        ERR("ofd with l_pid", fcntl(fd, F_OFD_SETLK, &bad), EINVAL);
    }
    OK("ofd unlock fd", setlk(fd, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0));
    OK("fd2 now gets it", setlk(fd2, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 4));
    close(fd2);
    OK("closing fd2 released its ofd locks", setlk(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0));

    close(ro);
    close(fd);
    unlink(tmp);
    return conf_done();
}
