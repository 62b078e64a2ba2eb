/* lock_deadlock: two processes each hold one byte and wait for the other's:
 * the second F_SETLKW fails with EDEADLK instead of hanging. */
#include "conf.h"
#include <time.h>

static int setlk(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
    return fcntl(fd, cmd, &fl);
}

/* Wait (up to 5 s) until process pid sleeps, then 200 ms more. */
static void wait_sleeping(pid_t pid)
{
    char path[64], buf[512], *s;
    struct timespec ts = { 0, 10000000 };

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    for (int i = 0; i < 500; i++) {
        int fd = open(path, O_RDONLY);
        long n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
        if (fd >= 0)
            close(fd);
        if (n > 0) {
            buf[n] = 0;
            s = strrchr(buf, ')');
            if (s && s[1] == ' ' && s[2] == 'S')
                break;
        }
        nanosleep(&ts, NULL);
    }
    ts.tv_nsec = 200000000;
    nanosleep(&ts, NULL);
}

int main(void)
{
    const char *d = conf_mkdtemp("lock_deadlock");
    const char *f = conf_join(d, "f");
    int fd, p[2], st;
    char c;
    pid_t pid, parent = getpid();

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    MUST(ftruncate(fd, 10));
    MUST(pipe(p));
    OK("parent locks byte 0", setlk(fd, F_SETLK, F_WRLCK, 0, 1));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int cfd = open(f, O_RDWR);
        close(p[0]);
        if (setlk(cfd, F_SETLK, F_WRLCK, 1, 1))
            _exit(2);
        if (write(p[1], "x", 1) != 1)
            _exit(3);
        wait_sleeping(parent); /* the parent now waits for byte 1 */
        if (setlk(cfd, F_SETLKW, F_WRLCK, 0, 1) != -1)
            _exit(4);
        if (errno != EDEADLK)
            _exit(5);
        _exit(0); /* exiting releases byte 1 */
    }
    close(p[1]);
    MUST(read(p[0], &c, 1));
    OK("parent waits for byte 1, gets it after the child", setlk(fd, F_SETLKW, F_WRLCK, 1, 1));
    MUST(waitpid(pid, &st, 0));
    EQ("child saw EDEADLK (0 = yes)", WIFEXITED(st) ? WEXITSTATUS(st) : 1000, 0);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
