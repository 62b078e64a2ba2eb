/* CLONE_PIDFD and waitid(P_PIDFD): clone() stores the pidfd at parent_tid,
 * clone3() at args.pidfd; EINVAL with CLONE_DETACHED and, in clone(), with
 * CLONE_PARENT_SETTID (the same field); EFAULT for a bad pointer; the
 * child's own table does not get it. waitid on a pidfd: EBADF, EINVAL for
 * a negative fd, ECHILD for a process that is not a child (or reaped),
 * EAGAIN on a non-blocking pidfd whose child still runs. */
#include "conf.h"
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <poll.h>
#include <stdint.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static long raw_clone(unsigned long flags, void *ptid)
{
    return syscall(SYS_clone, flags, NULL, ptid, NULL, 0);
}

static long clone3_pidfd(int *pidfd, unsigned long flags, int *ptid)
{
    struct clone_args ca;
    memset(&ca, 0, sizeof(ca));
    ca.flags = flags;
    ca.pidfd = (uintptr_t)pidfd;
    ca.parent_tid = (uintptr_t)ptid;
    ca.exit_signal = SIGCHLD;
    return syscall(SYS_clone3, &ca, sizeof(ca));
}

int main(void)
{
    int pidfd = -1, tid = 0, st;
    siginfo_t si;
    long pid;

    ERR("clone: CLONE_PIDFD|CLONE_PARENT_SETTID",
        raw_clone(CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, &pidfd), EINVAL);
    ERR("clone: CLONE_PIDFD|CLONE_DETACHED", raw_clone(CLONE_PIDFD | CLONE_DETACHED | SIGCHLD, &pidfd),
        EINVAL);
    ERR("clone: bad pidfd pointer", raw_clone(CLONE_PIDFD | SIGCHLD, BADPTR), EFAULT);
    ERR("clone3: pidfd and parent_tid the same",
        clone3_pidfd(&pidfd, CLONE_PIDFD | CLONE_PARENT_SETTID, &pidfd), EINVAL);

    pid = raw_clone(CLONE_PIDFD | SIGCHLD, &pidfd);
    MUST(pid);
    if (pid == 0) {
        /* The child: its table has no pidfd (the parent's came later). */
        _exit(fcntl(3, F_GETFD) == -1 && errno == EBADF ? 5 : 6);
    }
    EQ("clone: pidfd stored (lowest free fd)", pidfd, 3);
    EQ("  close-on-exec", fcntl(pidfd, F_GETFD), FD_CLOEXEC);
    {
        struct pollfd p = { pidfd, POLLIN, 0 };
        EQ("  readable when the child exits", poll(&p, 1, 5000), 1);
    }
    memset(&si, 0, sizeof(si));
    OK("waitid(P_PIDFD, WNOWAIT)", waitid(P_PIDFD, pidfd, &si, WEXITED | WNOWAIT));
    TRUE("  si_pid is the child", si.si_pid == pid);
    EQ("  exited 5: the child had no fd 3", si.si_code == CLD_EXITED ? si.si_status : -1, 5);
    OK("waitid(P_PIDFD) reaps", waitid(P_PIDFD, pidfd, &si, WEXITED));
    ERR("again: ECHILD", waitid(P_PIDFD, pidfd, &si, WEXITED), ECHILD);
    ERR("waitpid too: ECHILD", waitpid(pid, &st, 0), ECHILD);
    close(pidfd);

    pidfd = -1;
    pid = clone3_pidfd(&pidfd, CLONE_PIDFD | CLONE_PARENT_SETTID, &tid);
    MUST(pid);
    if (pid == 0)
        _exit(9);
    EQ("clone3: pidfd and parent_tid both stored", pidfd >= 0 && tid == pid, 1);
    OK("waitid(P_PIDFD)", waitid(P_PIDFD, pidfd, &si, WEXITED));
    EQ("  status", si.si_status, 9);
    close(pidfd);

    ERR("waitid: fd 999", waitid(P_PIDFD, 999, &si, WEXITED), EBADF);
    ERR("waitid: fd 0 is no pidfd", waitid(P_PIDFD, 0, &si, WEXITED), EBADF);
    ERR("waitid: fd -1", waitid(P_PIDFD, -1, &si, WEXITED), EINVAL);
    pidfd = syscall(SYS_pidfd_open, getpid(), 0);
    ERR("waitid: ourselves is no child", waitid(P_PIDFD, pidfd, &si, WEXITED | WNOHANG), ECHILD);
    close(pidfd);

    pid = fork();
    MUST(pid);
    if (pid == 0) {
        for (;;)
            pause();
    }
    pidfd = syscall(SYS_pidfd_open, pid, O_NONBLOCK);
    ERR("non-blocking pidfd, child running: EAGAIN", waitid(P_PIDFD, pidfd, &si, WEXITED), EAGAIN);
    si.si_pid = 1;
    OK("  with WNOHANG: 0", waitid(P_PIDFD, pidfd, &si, WEXITED | WNOHANG));
    EQ("  and si_pid 0", si.si_pid, 0);
    kill(pid, SIGKILL);
    fcntl(pidfd, F_SETFL, 0);
    OK("blocking again: waits for it", waitid(P_PIDFD, pidfd, &si, WEXITED));
    EQ("  killed", si.si_code == CLD_KILLED && si.si_status == SIGKILL, 1);
    close(pidfd);
    return conf_done();
}
