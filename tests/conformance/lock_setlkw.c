/* lock_setlkw: F_SETLKW in a child waits while the parent holds a
 * conflicting POSIX lock and gets it once released; F_GETLK reports the
 * holder's pid; a non-overlapping range does not wait. */
#include "conf.h"
#include <poll.h>

static int setlk(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
    return fcntl(fd, cmd, &fl);
}

int main(void)
{
    const char *d = conf_mkdtemp("lock_setlkw");
    const char *f = conf_join(d, "f");
    struct pollfd pfd;
    int fd, p[2], st;
    char c = 0;
    pid_t pid;

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    MUST(ftruncate(fd, 100));
    MUST(pipe(p));
    OK("parent write-locks 0..9", setlk(fd, F_SETLK, F_WRLCK, 0, 10));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int cfd = open(f, O_RDWR);
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1 };
        close(p[0]);
        if (fcntl(cfd, F_GETLK, &fl) || fl.l_type != F_WRLCK || fl.l_pid != getppid() ||
            fl.l_start != 0 || fl.l_len != 10)
            _exit(2);
        if (setlk(cfd, F_SETLK, F_WRLCK, 5, 1) != -1 || (errno != EAGAIN && errno != EACCES))
            _exit(3);
        if (setlk(cfd, F_SETLKW, F_WRLCK, 50, 10)) /* no conflict: no wait */
            _exit(4);
        if (write(p[1], "a", 1) != 1)
            _exit(5);
        if (setlk(cfd, F_SETLKW, F_WRLCK, 5, 1)) /* waits for the parent */
            _exit(6);
        if (write(p[1], "b", 1) != 1)
            _exit(7);
        _exit(0);
    }
    close(p[1]);
    EQ("child ran its checks", read(p[0], &c, 1), 1);
    EQ("  and is about to wait", c, 'a');
    pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
    EQ("child still waiting after 300 ms", poll(&pfd, 1, 300), 0);
    {
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 50, .l_len = 1 };
        OK("parent F_GETLK", fcntl(fd, F_GETLK, &fl));
        TRUE("  sees the child's lock on 50..59", fl.l_type == F_WRLCK && fl.l_pid == pid);
    }
    OK("parent unlocks", setlk(fd, F_SETLK, F_UNLCK, 0, 0));
    EQ("child got the lock", read(p[0], &c, 1), 1);
    EQ("  message", c, 'b');
    MUST(waitpid(pid, &st, 0));
    EQ("child exit", WIFEXITED(st) ? WEXITSTATUS(st) : 1000, 0);
    OK("child's locks went with it", setlk(fd, F_SETLK, F_WRLCK, 0, 0));
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
