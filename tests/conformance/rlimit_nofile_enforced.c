/* rlimit_nofile_enforced: RLIMIT_NOFILE bounds every way of making a
 * descriptor (open, dup, dup2, F_DUPFD, pipe, socket, accept-like pairs),
 * only new numbers count (existing higher fds stay usable), it is
 * inherited by fork and set on others with prlimit; soft > hard and
 * hard > nr_open are refused. */
#include "conf.h"
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define LIM 16

int main(void)
{
    struct rlimit rl, orig;
    int fd, last = -1, high, p[2], sv[2], st;
    pid_t pid;

    MUST(getrlimit(RLIMIT_NOFILE, &orig));
    high = dup2(0, 40); /* opened before the limit is lowered */
    MUST(high);
    rl.rlim_cur = LIM;
    rl.rlim_max = orig.rlim_max;
    OK("lower the soft limit to 16", setrlimit(RLIMIT_NOFILE, &rl));

    while ((fd = open("/dev/null", O_RDONLY)) >= 0) {
        last = fd;
    }
    STREQ("open until it fails", errname(errno), "EMFILE");
    EQ("highest fd opened", last, LIM - 1);
    ERR("dup", dup(0), EMFILE);
    ERR("dup2 to 16", dup2(0, LIM), EBADF);
    ERR("F_DUPFD from 0", fcntl(0, F_DUPFD, 0), EMFILE);
    ERR("F_DUPFD from 16", fcntl(0, F_DUPFD, LIM), EINVAL);
    ERR("pipe", pipe(p), EMFILE);
    ERR("socket", socket(AF_UNIX, SOCK_STREAM, 0), EMFILE);
    TRUE("fd 40 from before still works", fcntl(high, F_GETFD) == 0 && read(high, &st, 0) == 0);
    EQ("dup2 onto an existing fd below the limit", dup2(0, LIM - 1), LIM - 1);

    close(LIM - 1);
    ERR("pipe with one free slot", pipe(p), EMFILE);
    ERR("socketpair with one free slot", socketpair(AF_UNIX, SOCK_STREAM, 0, sv), EMFILE);
    EQ("one open fits", open("/dev/null", O_RDONLY), LIM - 1);
    close(LIM - 1);
    close(LIM - 2);
    OK("pipe with two free slots", pipe(p));
    close(p[0]);
    close(p[1]);

    /* Inherited by fork. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        struct rlimit c;
        getrlimit(RLIMIT_NOFILE, &c);
        _exit(c.rlim_cur == LIM ? 0 : 1);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("child inherits the limit", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* prlimit on a child. */
    {
        int q[2];
        char c;
        MUST(close(3));
        MUST(close(4));
        MUST(pipe(q));
        pid = fork();
        MUST(pid);
        if (pid == 0) {
            struct rlimit cl;
            if (read(q[0], &c, 1) != 1)
                _exit(2);
            getrlimit(RLIMIT_NOFILE, &cl);
            _exit(cl.rlim_cur == 8 ? 0 : 1);
        }
        struct rlimit nl = { 8, orig.rlim_max }, old;
        OK("prlimit(child, 8)", prlimit(pid, RLIMIT_NOFILE, &nl, &old));
        EQ("  old value", old.rlim_cur, LIM);
        MUST(write(q[1], "g", 1));
        MUST(waitpid(pid, &st, 0));
        EQ("  the child sees 8", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
        close(q[0]);
        close(q[1]);
    }

    /* Errors. */
    rl.rlim_cur = orig.rlim_max == RLIM_INFINITY ? orig.rlim_max : orig.rlim_max + 1;
    rl.rlim_max = orig.rlim_max;
    if (orig.rlim_max != RLIM_INFINITY)
        ERR("soft above hard", setrlimit(RLIMIT_NOFILE, &rl), EINVAL);
    else
        printf("soft above hard: skipped (hard is infinite)\n");
    rl.rlim_cur = rl.rlim_max = 1 << 30; /* far above fs.nr_open */
    ERR("hard above nr_open", setrlimit(RLIMIT_NOFILE, &rl), EPERM);
    rl = orig;
    OK("restore", setrlimit(RLIMIT_NOFILE, &rl));
    fd = open("/dev/null", O_RDONLY);
    TRUE("opens again", fd >= 0);
    return conf_done();
}
