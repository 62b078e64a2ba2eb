/* proc_clone3: clone3 used like fork, its settid flags, exit signals other
 * than SIGCHLD (and __WALL to reap them), CLONE_CLEAR_SIGHAND, and argument
 * validation. Children use raw kill/getpid: glibc's raise() would use the
 * parent's cached tid. */
#include "conf.h"
#include <linux/sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static long clone3(struct clone_args *a, size_t size)
{
    return syscall(SYS_clone3, a, size);
}

static void handler(int sig)
{
}

int main(void)
{
    struct clone_args a;
    pid_t me = getpid(), ptid = 0, ctid = 0;
    long pid;
    int st;

    /* Fork-like. */
    memset(&a, 0, sizeof(a));
    a.exit_signal = SIGCHLD;
    pid = clone3(&a, sizeof(a));
    MUST(pid);
    if (pid == 0)
        _exit(getppid() == me ? 4 : 5);
    TRUE("clone3 returns child pid > 0", pid > 0);
    EQ("waitpid clone3 child", waitpid(pid, &st, 0) == pid, 1);
    TRUE("child status 4 (getppid == parent)", WIFEXITED(st) && WEXITSTATUS(st) == 4);

    /* PARENT_SETTID / CHILD_SETTID. */
    memset(&a, 0, sizeof(a));
    a.flags = CLONE_PARENT_SETTID | CLONE_CHILD_SETTID;
    a.parent_tid = (unsigned long)&ptid;
    a.child_tid = (unsigned long)&ctid;
    a.exit_signal = SIGCHLD;
    pid = clone3(&a, CLONE_ARGS_SIZE_VER0);
    MUST(pid);
    if (pid == 0)
        _exit(ctid == syscall(SYS_gettid) ? 0 : 1);
    TRUE("parent_tid == pid", ptid == pid);
    EQ("parent's ctid untouched", ctid, 0);
    MUST(waitpid(pid, &st, 0));
    TRUE("child_tid set in child", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* exit_signal 0: only __WALL/__WCLONE see the child. */
    memset(&a, 0, sizeof(a));
    pid = clone3(&a, sizeof(a));
    MUST(pid);
    if (pid == 0)
        _exit(3);
    usleep(30000);
    ERR("waitpid without __WALL", waitpid(pid, &st, 0), ECHILD);
    EQ("waitpid __WALL", waitpid(pid, &st, __WALL) == pid, 1);
    TRUE("status 3", WIFEXITED(st) && WEXITSTATUS(st) == 3);

    /* exit_signal SIGUSR1: sent to us at the child's exit. */
    {
        sigset_t set;
        siginfo_t si;
        struct timespec to = { 5, 0 };

        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigprocmask(SIG_BLOCK, &set, NULL);
        memset(&a, 0, sizeof(a));
        a.exit_signal = SIGUSR1;
        pid = clone3(&a, sizeof(a));
        MUST(pid);
        if (pid == 0)
            _exit(2);
        EQ("exit_signal delivered", sigtimedwait(&set, &si, &to), SIGUSR1);
        EQ("si_code CLD_EXITED", si.si_code, CLD_EXITED);
        TRUE("si_pid == child", si.si_pid == pid);
        EQ("si_status", si.si_status, 2);
        EQ("reaped with __WCLONE", waitpid(pid, &st, __WCLONE) == pid, 1);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
    }

    /* CLONE_CLEAR_SIGHAND: handlers reset to default in the child; an
     * ignored signal stays ignored. */
    signal(SIGUSR1, handler);
    signal(SIGUSR2, SIG_IGN);
    memset(&a, 0, sizeof(a));
    a.flags = CLONE_CLEAR_SIGHAND;
    a.exit_signal = SIGCHLD;
    pid = clone3(&a, sizeof(a));
    MUST(pid);
    if (pid == 0) {
        pid_t self = (pid_t)syscall(SYS_getpid);
        syscall(SYS_kill, self, SIGUSR2);
        syscall(SYS_kill, self, SIGUSR1);
        _exit(0);
    }
    MUST(waitpid(pid, &st, 0));
    TRUE("CLEAR_SIGHAND child killed by SIGUSR1", WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        raise(SIGUSR1);
        _exit(0);
    }
    MUST(waitpid(pid, &st, 0));
    TRUE("plain fork keeps the handler", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);

    /* Validation. */
    memset(&a, 0, sizeof(a));
    a.exit_signal = SIGCHLD;
    ERR("size below VER0", clone3(&a, CLONE_ARGS_SIZE_VER0 - 8), EINVAL);
    {
        static char big[8192];
        memcpy(big, &a, sizeof(a));
        ERR("size above a page", clone3((struct clone_args *)big, 8192), E2BIG);
        big[sizeof(a) + 4] = 1;
        ERR("nonzero bytes past the struct", clone3((struct clone_args *)big, sizeof(a) + 8), E2BIG);
    }
    ERR("bad pointer", clone3(BADPTR, sizeof(a)), EFAULT);
    a.exit_signal = 65;
    ERR("exit_signal 65", clone3(&a, sizeof(a)), EINVAL);
    a.exit_signal = SIGCHLD;
    a.flags = CLONE_THREAD;
    ERR("CLONE_THREAD without SIGHAND", clone3(&a, sizeof(a)), EINVAL);
    a.flags = CLONE_SIGHAND | CLONE_CLEAR_SIGHAND | CLONE_VM;
    ERR("CLEAR_SIGHAND with SIGHAND", clone3(&a, sizeof(a)), EINVAL);
    a.flags = CLONE_SIGHAND;
    ERR("CLONE_SIGHAND without VM", clone3(&a, sizeof(a)), EINVAL);
    ERR("no children left", waitpid(-1, &st, __WALL | WNOHANG), ECHILD);
    return conf_done();
}
