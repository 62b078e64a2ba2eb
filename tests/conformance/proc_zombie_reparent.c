/* proc_zombie_reparent: an exited child stays a zombie (signalable, still
 * has a process group, Z in /proc) until reaped; an orphan is reparented to
 * the nearest subreaper (we set PR_SET_CHILD_SUBREAPER; in a pid namespace
 * the init is the same process) and reaped by it. */
#include "conf.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static char proc_state(pid_t pid)
{
    char path[64], buf[512], *p;
    int fd, n;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return '?';
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return '?';
    buf[n] = 0;
    p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : '?';
}

int main(void)
{
    pid_t me = getpid(), pid, mid, gc = -1;
    int st, p[2], q[2];
    siginfo_t si;

    /* Zombie. */
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(3);
    memset(&si, 0, sizeof(si));
    MUST(waitid(P_PID, pid, &si, WEXITED | WNOWAIT)); /* it has exited */
    OK("kill(zombie, 0) succeeds", kill(pid, 0));
    OK("kill(zombie, SIGKILL) succeeds", kill(pid, SIGKILL));
    TRUE("getpgid(zombie) is our group", getpgid(pid) == getpgrp());
    TRUE("/proc/PID/stat state of a zombie is Z", proc_state(pid) == 'Z');
    EQ("reaped", waitpid(pid, &st, 0) == pid, 1);
    TRUE("status still 3 (the late SIGKILL changed nothing)", WIFEXITED(st) && WEXITSTATUS(st) == 3);
    ERR("kill after reaping", kill(pid, 0), ESRCH);
    TRUE("/proc/PID gone after reaping", proc_state(pid) == '?');

    /* Reparenting: mid forks gc and exits; gc is then our child. */
    OK("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
    {
        int v = -1;
        OK("PR_GET_CHILD_SUBREAPER", prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0));
        EQ("subreaper flag", v, 1);
    }
    MUST(pipe(p));
    MUST(pipe(q));
    mid = fork();
    MUST(mid);
    if (mid == 0) {
        pid_t g = fork();
        if (g < 0)
            _exit(1);
        if (g == 0) {
            char c;
            int ok;
            close(p[1]);
            /* Wait until mid has exited. */
            if (read(p[0], &c, 1) != 0)
                _exit(20);
            for (int i = 0; i < 2000 && getppid() != me; i++)
                usleep(1000);
            ok = getppid() == me;
            if (write(q[1], &ok, sizeof(ok)) != sizeof(ok))
                _exit(21);
            _exit(9);
        }
        if (write(q[1], &g, sizeof(g)) != sizeof(g))
            _exit(1);
        _exit(0);
    }
    close(p[0]);
    close(q[1]);
    EQ("got grandchild pid", read(q[0], &gc, sizeof(gc)), sizeof(gc));
    EQ("mid exits", waitpid(mid, &st, 0) == mid && WIFEXITED(st) && WEXITSTATUS(st) == 0, 1);
    close(p[1]); /* grandchild sees EOF: mid is gone */
    {
        int ok = 0;
        EQ("grandchild reported", read(q[0], &ok, sizeof(ok)), sizeof(ok));
        EQ("orphan's getppid became us", ok, 1);
    }
    EQ("orphan is now waitable by us", waitpid(gc, &st, 0) == gc, 1);
    TRUE("orphan's status 9", WIFEXITED(st) && WEXITSTATUS(st) == 9);

    /* An orphan that exits before anyone waits becomes our zombie. */
    mid = fork();
    MUST(mid);
    if (mid == 0) {
        pid_t g = fork();
        if (g == 0) {
            usleep(50000);
            _exit(5);
        }
        _exit(g > 0 ? 0 : 1);
    }
    MUST(waitpid(mid, &st, 0));
    memset(&si, 0, sizeof(si));
    EQ("waitid for the adopted grandchild", waitid(P_ALL, 0, &si, WEXITED), 0);
    EQ("adopted grandchild status", si.si_status, 5);
    TRUE("its pid is neither ours nor mid's", si.si_pid != me && si.si_pid != mid && si.si_pid > 0);
    ERR("nothing left", waitpid(-1, &st, WNOHANG), ECHILD);
    return conf_done();
}
