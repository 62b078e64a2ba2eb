/* lock_ofd_fork: OFD locks follow the open file description across fork
 * (the child shares them), POSIX locks stay with the process; OFD and
 * POSIX locks conflict; F_OFD_SETLKW waits for a close in another process. */
#include "conf.h"
#include <poll.h>

static int setlk(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
    return fcntl(fd, cmd, &fl);
}

static const char *path;
static int shared_fd;

static int child_checks(void)
{
    int fresh = open(path, O_RDWR), res = 0;
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };

    if (fresh < 0)
        return 90;
    /* The inherited fd shares the parent's OFD lock on 0..9. */
    if (setlk(shared_fd, F_OFD_SETLK, F_WRLCK, 0, 10))
        res |= 1;
    /* A fresh open file conflicts with it. */
    if (setlk(fresh, F_OFD_SETLK, F_RDLCK, 0, 1) != -1 || errno != EAGAIN)
        res |= 2;
    /* POSIX locks of the parent (20..29) are not inherited: they conflict. */
    if (setlk(fresh, F_SETLK, F_WRLCK, 20, 1) != -1 || (errno != EAGAIN && errno != EACCES))
        res |= 4;
    /* F_GETLK on the OFD lock reports pid -1. */
    if (fcntl(fresh, F_GETLK, &fl) || fl.l_type != F_WRLCK || fl.l_pid != -1)
        res |= 8;
    /* An OFD write lock conflicts with the parent's POSIX lock too. */
    if (setlk(fresh, F_OFD_SETLK, F_WRLCK, 25, 1) != -1 || errno != EAGAIN)
        res |= 16;
    return res;
}

int main(void)
{
    const char *d = conf_mkdtemp("lock_ofd_fork");
    struct pollfd pfd;
    int fd, other, p[2], st;
    pid_t pid;
    char c;

    path = conf_join(d, "f");
    MUST(fd = open(path, O_RDWR | O_CREAT, 0644));
    MUST(ftruncate(fd, 100));
    OK("OFD write lock 0..9", setlk(fd, F_OFD_SETLK, F_WRLCK, 0, 10));
    OK("POSIX write lock 20..29", setlk(fd, F_SETLK, F_WRLCK, 20, 10));
    shared_fd = fd;
    EQ("child checks (0 = all as Linux)", conf_in_child(child_checks), 0);

    /* F_OFD_SETLKW on another open file waits until the holder's last close. */
    MUST(other = open(path, O_RDWR));
    MUST(pipe(p));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        close(p[0]);
        close(fd); /* the inherited reference would keep the lock alive */
        if (setlk(other, F_OFD_SETLKW, F_WRLCK, 0, 1))
            _exit(1);
        MUST(write(p[1], "g", 1));
        _exit(0);
    }
    close(p[1]);
    close(other);
    pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
    EQ("waiter blocked after 300 ms", poll(&pfd, 1, 300), 0);
    OK("close the lock holder's fd", close(fd));
    EQ("waiter got the lock", read(p[0], &c, 1), 1);
    MUST(waitpid(pid, &st, 0));
    EQ("waiter exit", WIFEXITED(st) ? WEXITSTATUS(st) : 1000, 0);
    conf_rmtree(d);
    return conf_done();
}
