/* proc_fork: fork return values, copied memory, shared open files, exit
 * status encoding and reaping several children. */
#include "conf.h"
#include <signal.h>
#include <sys/wait.h>

static int global = 1;

int main(void)
{
    const char *tmp = conf_tmp("proc_fork");
    pid_t me = getpid(), pid, pids[5], got;
    int st, i, fd, seen, local = 10;
    char buf[8];

    /* Return values and identity. */
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(getppid() == me && getpid() != me ? 0 : 1);
    TRUE("child pid > 0", pid > 0);
    TRUE("child pid != parent pid", pid != me);
    EQ("waitpid returns child", waitpid(pid, &st, 0) == pid, 1);
    TRUE("child saw getppid == parent, own pid", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ERR("waitpid reaped child again", waitpid(pid, &st, 0), ECHILD);
    ERR("wait with no children", wait(&st), ECHILD);

    /* Memory is copied: the child's writes are invisible to the parent. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int ok = global == 1 && local == 10;
        global = 2;
        local = 20;
        _exit(ok && global == 2 && local == 20 ? 0 : 1);
    }
    MUST(waitpid(pid, &st, 0));
    TRUE("child saw parent's values, then its own", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    EQ("parent global unchanged", global, 1);
    EQ("parent local unchanged", local, 10);

    /* Open files are shared: the offset moves for both. */
    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    MUST(write(fd, "abcdefgh", 8));
    MUST(lseek(fd, 0, SEEK_SET));
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(read(fd, buf, 3) == 3 && memcmp(buf, "abc", 3) == 0 ? 0 : 1);
    MUST(waitpid(pid, &st, 0));
    TRUE("child read via inherited fd", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    EQ("offset shared with child", lseek(fd, 0, SEEK_CUR), 3);
    EQ("parent continues at child's offset", read(fd, buf, 1), 1);
    EQ("next byte is 'd'", buf[0], 'd');
    close(fd);
    unlink(tmp);

    /* Exit status keeps the low 8 bits. */
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(0x1ff);
    MUST(waitpid(pid, &st, 0));
    TRUE("WIFEXITED", WIFEXITED(st));
    EQ("_exit(0x1ff) status", WEXITSTATUS(st), 255);
    pid = fork();
    MUST(pid);
    if (pid == 0)
        exit(256 + 7);
    MUST(waitpid(pid, &st, 0));
    EQ("exit(263) status", WEXITSTATUS(st), 7);

    /* Signal dispositions are inherited. */
    signal(SIGUSR1, SIG_IGN);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        raise(SIGUSR1);
        _exit(3);
    }
    MUST(waitpid(pid, &st, 0));
    TRUE("ignored SIGUSR1 inherited", WIFEXITED(st) && WEXITSTATUS(st) == 3);
    signal(SIGUSR1, SIG_DFL);

    /* Five children, reaped with wait(): each pid and status once. */
    for (i = 0; i < 5; i++) {
        pids[i] = fork();
        MUST(pids[i]);
        if (pids[i] == 0)
            _exit(10 + i);
    }
    seen = 0;
    for (i = 0; i < 5; i++) {
        got = wait(&st);
        for (int j = 0; j < 5; j++)
            if (got == pids[j] && WIFEXITED(st) && WEXITSTATUS(st) == 10 + j)
                seen |= 1 << j;
    }
    EQ("five children reaped with matching status", seen, 0x1f);
    ERR("then ECHILD", wait(&st), ECHILD);

    /* Each fork gives a distinct pid. */
    {
        pid_t a = fork();
        MUST(a);
        if (a == 0)
            _exit(0);
        pid_t b = fork();
        MUST(b);
        if (b == 0)
            _exit(0);
        TRUE("two children have distinct pids", a != b);
        waitpid(a, &st, 0);
        waitpid(b, &st, 0);
    }
    return conf_done();
}
