/* proc_wait4: wait4/waitpid selection (pid, -1, 0, -pgid), WNOHANG, the
 * status encoding, rusage of the reaped child, and errors. */
#include "conf.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

/* Fork a child that waits for a byte on pipe p (or EOF), then exits with code. */
static pid_t child_waiting(const int *p, int code, int own_group)
{
    char c;
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        if (own_group)
            setpgid(0, 0);
        close(p[1]);
        if (read(p[0], &c, 1) < 0)
            _exit(99);
        _exit(code);
    }
    if (own_group)
        setpgid(pid, pid); /* both sides: no race */
    return pid;
}

static double cpu_seconds(const struct rusage *ru)
{
    return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 + ru->ru_stime.tv_sec +
           ru->ru_stime.tv_usec / 1e6;
}

int main(void)
{
    struct rusage ru;
    int p[2], st, i;
    pid_t a, b, c, got;

    MUST(pipe(p));
    a = child_waiting(p, 11, 0);
    b = child_waiting(p, 12, 1);
    EQ("WNOHANG with running children returns 0", waitpid(-1, &st, WNOHANG), 0);
    EQ("wait4 WNOHANG for a given pid returns 0", wait4(a, &st, WNOHANG, &ru), 0);
    close(p[1]); /* both children see EOF */
    close(p[0]);

    /* waitpid(0): only children in our process group: a, not b. */
    got = waitpid(0, &st, 0);
    TRUE("waitpid(0) reaps the same-group child", got == a);
    TRUE("status 11", WIFEXITED(st) && WEXITSTATUS(st) == 11);
    usleep(20000);
    ERR("waitpid(0) WNOHANG: other group's child not eligible", waitpid(0, &st, WNOHANG), ECHILD);
    got = waitpid(-b, &st, 0);
    TRUE("waitpid(-pgid) reaps the child in that group", got == b);
    TRUE("status 12", WIFEXITED(st) && WEXITSTATUS(st) == 12);

    /* waitpid(pid) waits for that child even when another has exited. */
    MUST(pipe(p));
    a = fork();
    MUST(a);
    if (a == 0)
        _exit(21);
    b = child_waiting(p, 22, 0);
    close(p[0]);
    usleep(50000);
    EQ("waitpid(pid) WNOHANG ignores the other zombie", waitpid(b, &st, WNOHANG), 0);
    close(p[1]);
    got = waitpid(b, &st, 0);
    TRUE("waitpid(pid) returns that pid", got == b && WEXITSTATUS(st) == 22);
    got = waitpid(-1, &st, 0);
    TRUE("waitpid(-1) returns the zombie", got == a && WEXITSTATUS(st) == 21);

    /* Termination by a signal. */
    c = fork();
    MUST(c);
    if (c == 0) {
        pause();
        _exit(0);
    }
    usleep(20000);
    MUST(kill(c, SIGKILL));
    MUST(waitpid(c, &st, 0));
    TRUE("WIFSIGNALED", WIFSIGNALED(st));
    EQ("WTERMSIG", WTERMSIG(st), SIGKILL);
    TRUE("not WIFEXITED", !WIFEXITED(st));
    EQ("raw status of SIGKILL", st & 0x7f, 9);

    /* Exit codes 0..255 all round-trip. */
    {
        int okall = 1;
        for (i = 0; i < 256; i += 51) {
            c = fork();
            MUST(c);
            if (c == 0)
                _exit(i);
            MUST(waitpid(c, &st, 0));
            okall &= WIFEXITED(st) && WEXITSTATUS(st) == i && st == i << 8;
        }
        TRUE("exit codes encode as code << 8", okall);
    }

    /* rusage of a child that burned CPU. */
    c = fork();
    MUST(c);
    if (c == 0) {
        struct timespec t;
        volatile unsigned long x = 0;
        do {
            for (int k = 0; k < 100000; k++)
                x += k;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        } while (t.tv_sec == 0 && t.tv_nsec < 200000000);
        _exit(0);
    }
    memset(&ru, 0, sizeof(ru));
    EQ("wait4 with rusage", wait4(c, &st, 0, &ru) == c, 1);
    TRUE("child's cpu time >= 0.1 s", cpu_seconds(&ru) >= 0.1);
    TRUE("child's cpu time < 10 s", cpu_seconds(&ru) < 10);
    TRUE("child's maxrss > 0", ru.ru_maxrss > 0);

    /* Errors. */
    ERR("no children: ECHILD", waitpid(-1, &st, 0), ECHILD);
    ERR("pid that is not our child", waitpid(1, &st, WNOHANG), ECHILD);
    ERR("unknown option", waitpid(-1, &st, 0x10000), EINVAL);
    c = fork();
    MUST(c);
    if (c == 0)
        _exit(0);
    ERR("bad status pointer", wait4(c, BADPTR, 0, NULL), EFAULT);
    ERR("child was reaped anyway", waitpid(c, &st, WNOHANG), ECHILD);
    return conf_done();
}
