/* sig_kill_targets: kill() addressing: a pid, a process group (-pgid),
 * our own group (0), every process we may signal (-1, done as an unused
 * uid so it can only reach our own children), signal 0 as a probe, and
 * errors. */
#include "conf.h"
#include <signal.h>
#include <sys/wait.h>

static volatile int hits;
static void handler(int sig) { hits++; }

static pid_t pausing_child(void)
{
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0)
        for (;;)
            pause();
    return pid;
}

static int killed_by(pid_t pid, int sig)
{
    int st;

    return waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

int main(void)
{
    pid_t a, b, c, pid;
    int st;

    /* One pid. */
    a = pausing_child();
    OK("kill(pid, 0) probes", kill(a, 0));
    OK("kill(pid, SIGTERM)", kill(a, SIGTERM));
    TRUE("  killed by it", killed_by(a, SIGTERM));
    ERR("kill(reaped pid, 0)", kill(a, 0), ESRCH);

    /* A process group. */
    a = pausing_child();
    setpgid(a, a);
    b = pausing_child();
    setpgid(b, a);
    c = pausing_child(); /* stays in our group */
    OK("kill(-pgid, 0) probes the group", kill(-a, 0));
    OK("kill(-pgid, SIGTERM)", kill(-a, SIGTERM));
    TRUE("  first member killed", killed_by(a, SIGTERM));
    TRUE("  second member killed", killed_by(b, SIGTERM));
    EQ("  process outside the group untouched", waitpid(c, &st, WNOHANG), 0);
    ERR("kill(-pgid) of an empty group", kill(-a, SIGTERM), ESRCH);
    kill(c, SIGKILL);
    waitpid(c, &st, 0);

    /* Our own group (0), from a child that leads a new group. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        pid_t g1, g2;
        int res = 0;
        setpgid(0, 0);
        g1 = pausing_child();
        g2 = pausing_child();
        signal(SIGUSR1, handler); /* the children keep the default action */
        usleep(20000);
        if (kill(0, SIGUSR1) != 0)
            _exit(100);
        res |= hits == 1 ? 1 : 0;
        res |= killed_by(g1, SIGUSR1) ? 2 : 0;
        res |= killed_by(g2, SIGUSR1) ? 4 : 0;
        _exit(res);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("kill(0): sender and both group members got it", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 7);

    /* kill(-1): every process we may signal but ourselves. */
    if (geteuid() == 0) {
        pid = fork();
        MUST(pid);
        if (pid == 0) {
            pid_t g1, g2;
            int res = 0;
            if (setresgid(54321, 54321, 54321) || setresuid(54321, 54321, 54321))
                _exit(100);
            if (getuid() != 54321 || geteuid() != 54321)
                _exit(101); /* never kill(-1) with privileges */
            g1 = pausing_child();
            g2 = pausing_child();
            signal(SIGTERM, handler); /* would count if we signalled ourselves */
            usleep(20000);
            if (kill(-1, SIGTERM) != 0)
                _exit(102);
            res |= hits == 0 ? 1 : 0;
            res |= killed_by(g1, SIGTERM) ? 2 : 0;
            res |= killed_by(g2, SIGTERM) ? 4 : 0;
            _exit(res);
        }
        MUST(waitpid(pid, &st, 0));
        EQ("kill(-1) as an unprivileged uid: its children, not itself",
           WIFEXITED(st) ? WEXITSTATUS(st) : -1, 7);
    } else {
        printf("kill(-1) check: skipped (not root)\n");
    }

    /* Errors. */
    ERR("no such pid", kill(0x3ffffff0, 0), ESRCH);
    ERR("no such group", kill(-0x3ffffff0, 0), ESRCH);
    ERR("signal 65", kill(getpid(), 65), EINVAL);
    ERR("signal -1", kill(getpid(), -1), EINVAL);
    ERR("INT_MIN pid", kill((pid_t)0x80000000, 0), ESRCH);
    return conf_done();
}
