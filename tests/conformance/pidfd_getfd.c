/* pidfd_getfd: a duplicate of another process's fd (the same open file:
 * shared offset), close-on-exec; flags EINVAL, bad pidfd or target fd
 * EBADF, an exited process ESRCH, another uid or a non-dumpable process
 * EPERM for the unprivileged. */
#include "conf.h"
#include <signal.h>
#include <sys/prctl.h>

static int pidfd_open(pid_t pid, unsigned flags)
{
    return syscall(SYS_pidfd_open, pid, flags);
}

static int getfd(int pidfd, int fd, unsigned flags)
{
    return syscall(SYS_pidfd_getfd, pidfd, fd, flags);
}

/* A child that opens a file at fd 10, reads 3 bytes, reports, and waits. */
static pid_t holder(const char *path, int *ready, int *release, int dumpable)
{
    int r[2], w[2];
    pid_t pid;

    if (pipe(r) || pipe(w))
        return -1;
    pid = fork();
    if (pid == 0) {
        char c[3];
        int f = open(path, O_RDONLY);
        close(r[0]);
        close(w[1]);
        if (f < 0 || dup2(f, 10) != 10 || read(10, c, 3) != 3)
            _exit(1);
        prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0);
        (void)!write(r[1], "r", 1);
        (void)!read(w[0], c, 1);
        _exit(0);
    }
    close(r[1]);
    close(w[0]);
    *ready = r[0];
    *release = w[1];
    return pid;
}

static int unprivileged_getfd(int pidfd)
{
    pid_t c = fork();
    int st;
    if (c == 0) {
        if (setuid(65534))
            _exit(100);
        _exit(getfd(pidfd, 10, 0) == -1 ? errno : 0);
    }
    return waitpid(c, &st, 0) == c && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
    const char *path = conf_tmp("getfd");
    int ready, release, pfd, fd, st;
    char c[8];
    pid_t pid;

    fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    MUST(fd);
    MUST(write(fd, "abcdefgh", 8));
    close(fd);

    pid = holder(path, &ready, &release, 1);
    MUST(pid);
    EQ("holder ready", read(ready, c, 1), 1);
    pfd = pidfd_open(pid, 0);
    MUST(pfd);
    ERR("flags 1", getfd(pfd, 10, 1), EINVAL);
    ERR("bad pidfd", getfd(999, 10, 0), EBADF);
    ERR("not a pidfd", getfd(ready, 10, 0), EBADF);
    ERR("no such target fd", getfd(pfd, 999, 0), EBADF);
    ERR("target fd -1", getfd(pfd, -1, 0), EBADF);
    fd = getfd(pfd, 10, 0);
    OK("pidfd_getfd", fd);
    EQ("  close-on-exec", fcntl(fd, F_GETFD), FD_CLOEXEC);
    EQ("  the same open file: its offset", lseek(fd, 0, SEEK_CUR), 3);
    EQ("  reads on from there", read(fd, c, 2), 2);
    EQ("  data", c[0] == 'd' && c[1] == 'e', 1);
    close(fd);
    EQ("unprivileged, another uid: EPERM", unprivileged_getfd(pfd), EPERM);
    close(release);
    EQ("holder exits", waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
    ERR("reaped: ESRCH", getfd(pfd, 10, 0), ESRCH);
    close(pfd);
    close(ready);

    /* A zombie has no files: ESRCH too. */
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(0);
    pfd = pidfd_open(pid, 0);
    {
        siginfo_t si;
        MUST(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
    }
    ERR("zombie: ESRCH", getfd(pfd, 0, 0), ESRCH);
    waitpid(pid, &st, 0);
    close(pfd);

    /* Same uid, unprivileged: allowed while the target is dumpable. */
    {
        pid_t mid = fork();
        MUST(mid);
        if (mid == 0) {
            int res = 0, p2;
            if (setuid(65534))
                _exit(100);
            pid = holder(path, &ready, &release, 1);
            (void)!read(ready, c, 1);
            p2 = pidfd_open(pid, 0);
            res |= getfd(p2, 10, 0) >= 0 ? 0 : 1;
            close(release);
            waitpid(pid, NULL, 0);
            close(p2);
            pid = holder(path, &ready, &release, 0);
            (void)!read(ready, c, 1);
            p2 = pidfd_open(pid, 0);
            res |= getfd(p2, 10, 0) == -1 && errno == EPERM ? 0 : 2;
            close(release);
            waitpid(pid, NULL, 0);
            _exit(res);
        }
        EQ("unprivileged same uid: dumpable ok, non-dumpable EPERM",
           waitpid(mid, &st, 0) == mid && WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    }
    unlink(path);
    return conf_done();
}
