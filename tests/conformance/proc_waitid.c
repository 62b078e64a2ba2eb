/* proc_waitid: waitid's siginfo for exit, kill, stop and continue; WNOWAIT,
 * WNOHANG, P_ALL/P_PID/P_PGID, and option errors. */
#include "conf.h"
#include <signal.h>
#include <sys/wait.h>

static pid_t child_pausing(void)
{
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

int main(void)
{
    siginfo_t si;
    pid_t pid, pid2;

    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(42);

    /* WNOWAIT: report, but leave it waitable. */
    memset(&si, 0, sizeof(si));
    EQ("waitid WEXITED|WNOWAIT", waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
    EQ("si_signo SIGCHLD", si.si_signo, SIGCHLD);
    EQ("si_code CLD_EXITED", si.si_code, CLD_EXITED);
    EQ("si_status 42", si.si_status, 42);
    TRUE("si_pid == child", si.si_pid == pid);
    TRUE("si_uid == our uid", si.si_uid == getuid());
    memset(&si, 0, sizeof(si));
    EQ("waitid P_ALL after WNOWAIT", waitid(P_ALL, 0, &si, WEXITED), 0);
    TRUE("same child again", si.si_pid == pid && si.si_status == 42);
    ERR("now gone", waitid(P_PID, pid, &si, WEXITED | WNOHANG), ECHILD);

    /* WNOHANG with nothing to report: 0 and si_pid 0. */
    pid = child_pausing();
    memset(&si, 0xff, sizeof(si));
    EQ("WNOHANG, running child: returns 0", waitid(P_PID, pid, &si, WEXITED | WNOHANG), 0);
    EQ("WNOHANG, running child: si_pid 0", si.si_pid, 0);

    /* Stop, continue, kill. */
    MUST(kill(pid, SIGSTOP));
    memset(&si, 0, sizeof(si));
    EQ("waitid WSTOPPED", waitid(P_PID, pid, &si, WSTOPPED), 0);
    EQ("si_code CLD_STOPPED", si.si_code, CLD_STOPPED);
    EQ("si_status SIGSTOP", si.si_status, SIGSTOP);
    EQ("stop reported once", waitid(P_PID, pid, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == 0, 1);
    MUST(kill(pid, SIGCONT));
    memset(&si, 0, sizeof(si));
    EQ("waitid WCONTINUED", waitid(P_PID, pid, &si, WCONTINUED), 0);
    EQ("si_code CLD_CONTINUED", si.si_code, CLD_CONTINUED);
    EQ("si_status SIGCONT", si.si_status, SIGCONT);
    MUST(kill(pid, SIGTERM));
    memset(&si, 0, sizeof(si));
    EQ("waitid WEXITED after SIGTERM", waitid(P_PID, pid, &si, WEXITED), 0);
    EQ("si_code CLD_KILLED", si.si_code, CLD_KILLED);
    EQ("si_status SIGTERM", si.si_status, SIGTERM);

    /* P_PGID: a child in its own group. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        setpgid(0, 0);
        usleep(30000);
        _exit(7);
    }
    setpgid(pid, pid);
    pid2 = fork();
    MUST(pid2);
    if (pid2 == 0)
        _exit(8);
    memset(&si, 0, sizeof(si));
    EQ("waitid P_PGID", waitid(P_PGID, pid, &si, WEXITED), 0);
    TRUE("P_PGID returned the child in that group", si.si_pid == pid && si.si_status == 7);
    memset(&si, 0, sizeof(si));
    EQ("waitid P_ALL", waitid(P_ALL, 0, &si, WEXITED), 0);
    TRUE("then the other child", si.si_pid == pid2 && si.si_status == 8);

    /* Errors. */
    ERR("no options", waitid(P_ALL, 0, &si, 0), EINVAL);
    ERR("WNOHANG alone", waitid(P_ALL, 0, &si, WNOHANG), EINVAL);
    ERR("bad idtype", waitid((idtype_t)42, 0, &si, WEXITED), EINVAL);
    ERR("unknown option bit", waitid(P_ALL, 0, &si, WEXITED | 0x100000), EINVAL);
    ERR("no children", waitid(P_ALL, 0, &si, WEXITED), ECHILD);
    ERR("P_PID not a child", waitid(P_PID, 0x3ffffff0, &si, WEXITED), ECHILD);
    return conf_done();
}
