/* open_cloexec: O_CLOEXEC, F_DUPFD_CLOEXEC, dup3 and pipe2 close-on-exec,
 * checked across a real execve of this program. */
#include "conf.h"

int main(int argc, char **argv)
{
    const char *d;
    int fd, keep, dupc, d3, p[2], nc;
    char a[6][16];

    if (argc == 7 && !strcmp(argv[1], "child")) {
        const char *what[] = { "O_CLOEXEC fd", "F_DUPFD_CLOEXEC fd", "dup3 O_CLOEXEC fd", "pipe2 O_CLOEXEC fd" };
        for (int i = 0; i < 4; i++) {
            char n[64];
            snprintf(n, sizeof(n), "after exec: %s closed", what[i]);
            ERR(n, fcntl(atoi(argv[2 + i]), F_GETFD), EBADF);
        }
        EQ("after exec: plain fd still open, no FD_CLOEXEC", fcntl(atoi(argv[6]), F_GETFD), 0);
        return conf_done();
    }
    d = conf_mkdtemp("open_cloexec");
    fd = open(conf_join(d, "f"), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    MUST(fd);
    EQ("O_CLOEXEC sets FD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
    EQ("O_CLOEXEC not in F_GETFL", (fcntl(fd, F_GETFL) & O_CLOEXEC) != 0, 0);
    keep = open(conf_join(d, "f"), O_RDONLY);
    MUST(keep);
    EQ("plain open: no FD_CLOEXEC", fcntl(keep, F_GETFD), 0);
    dupc = fcntl(keep, F_DUPFD_CLOEXEC, 20);
    TRUE("F_DUPFD_CLOEXEC >= 20", dupc >= 20);
    EQ("  has FD_CLOEXEC", fcntl(dupc, F_GETFD), FD_CLOEXEC);
    d3 = dup3(keep, 30, O_CLOEXEC);
    EQ("dup3 to 30", d3, 30);
    EQ("  has FD_CLOEXEC", fcntl(d3, F_GETFD), FD_CLOEXEC);
    ERR("dup3 same fd", dup3(keep, keep, O_CLOEXEC), EINVAL);
    ERR("dup3 bad flags", dup3(keep, 31, O_APPEND), EINVAL);
    MUST(pipe2(p, O_CLOEXEC));
    EQ("pipe2 read end FD_CLOEXEC", fcntl(p[0], F_GETFD), FD_CLOEXEC);
    EQ("pipe2 write end FD_CLOEXEC", fcntl(p[1], F_GETFD), FD_CLOEXEC);
    nc = dup(fd);
    EQ("dup clears FD_CLOEXEC", fcntl(nc, F_GETFD), 0);
    close(nc);
    fflush(stdout);
    snprintf(a[0], 16, "%d", fd);
    snprintf(a[1], 16, "%d", dupc);
    snprintf(a[2], 16, "%d", d3);
    snprintf(a[3], 16, "%d", p[0]);
    snprintf(a[4], 16, "%d", keep);
    {
        pid_t pid = fork();
        int st;
        MUST(pid);
        if (pid == 0) {
            char *args[] = { argv[0], "child", a[0], a[1], a[2], a[3], a[4], NULL };
            execv("/proc/self/exe", args);
            printf("setup failed: execv: %s\n", errname(errno));
            _exit(99);
        }
        MUST(waitpid(pid, &st, 0));
        EQ("child exit", WIFEXITED(st) ? WEXITSTATUS(st) : 1000, 0);
    }
    conf_rmtree(d);
    return conf_done();
}
