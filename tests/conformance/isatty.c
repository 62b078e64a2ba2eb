/* isatty: terminal ioctls on non-terminals, FIONREAD/FIOCLEX/FIONBIO. */
#include "conf.h"
#include <sys/ioctl.h>
#include <termios.h>

int main(void)
{
    const char *tmp = conf_tmp("isatty");
    struct termios t;
    int fd, n = -1;

    /* run.sh gives stdin /dev/null and captures stdout and stderr. */
    ERR("isatty(0) /dev/null", isatty(0) ? 0 : -1, ENOTTY);
    ERR("isatty(1) captured stdout", isatty(1) ? 0 : -1, ENOTTY);
    ERR("isatty(-1)", isatty(-1) ? 0 : -1, EBADF);
    ERR("isatty(999)", isatty(999) ? 0 : -1, EBADF);
    ERR("TCGETS stdout", ioctl(1, TCGETS, &t), ENOTTY);
    ERR("tcgetattr stdin", tcgetattr(0, &t), ENOTTY);
    ERR("TIOCGWINSZ stdout", ioctl(1, TIOCGWINSZ, &n), ENOTTY);
    ERR("ioctl bad fd", ioctl(-1, TCGETS, &t), EBADF);

    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    MUST(write(fd, "0123456789", 10));
    ERR("isatty regular file", isatty(fd) ? 0 : -1, ENOTTY);
    ERR("TCGETS regular file", ioctl(fd, TCGETS, &t), ENOTTY);
    MUST(lseek(fd, 3, SEEK_SET));
    OK("FIONREAD regular file", ioctl(fd, FIONREAD, &n));
    EQ("FIONREAD bytes left", n, 7);
    ERR("FIONREAD bad pointer", ioctl(fd, FIONREAD, BADPTR), EFAULT);
    OK("FIOCLEX", ioctl(fd, FIOCLEX));
    EQ("FIOCLEX sets FD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
    OK("FIONCLEX", ioctl(fd, FIONCLEX));
    EQ("FIONCLEX clears FD_CLOEXEC", fcntl(fd, F_GETFD), 0);
    n = 1;
    OK("FIONBIO on", ioctl(fd, FIONBIO, &n));
    EQ("O_NONBLOCK set", !!(fcntl(fd, F_GETFL) & O_NONBLOCK), 1);
    n = 0;
    OK("FIONBIO off", ioctl(fd, FIONBIO, &n));
    EQ("O_NONBLOCK cleared", !!(fcntl(fd, F_GETFL) & O_NONBLOCK), 0);
    ERR("unknown ioctl regular file", ioctl(fd, 0x7fff1234, &n), ENOTTY);
    close(fd);
    unlink(tmp);

    fd = open("/dev/null", O_RDWR);
    ERR("isatty /dev/null", isatty(fd) ? 0 : -1, ENOTTY);
    ERR("TCGETS /dev/null", ioctl(fd, TCGETS, &t), ENOTTY);
    close(fd);
    return conf_done();
}
