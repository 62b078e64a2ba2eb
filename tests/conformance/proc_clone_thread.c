/* proc_clone_thread: raw clone() of a thread with the flags a libc uses
 * (VM, FS, FILES, SIGHAND, THREAD, SYSVSEM, PARENT_SETTID, CHILD_CLEARTID),
 * of a CLONE_VM process, and CLONE_PARENT. The thread only makes raw system
 * calls: it runs on the parent's TLS. */
#include "conf.h"
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#define STACK_SIZE (256 * 1024)
static char stack1[STACK_SIZE] __attribute__((aligned(16)));
static char stack2[STACK_SIZE] __attribute__((aligned(16)));

static volatile long t_tid, t_pid, t_fd = -1, t_written;
static pid_t ptid, ctid;

static int thread_fn(void *arg)
{
    struct sigaction sa = { .sa_handler = SIG_IGN };

    t_tid = syscall(SYS_gettid);
    t_pid = syscall(SYS_getpid);
    t_written = (long)arg;
    /* CLONE_FILES: the parent sees this descriptor. */
    t_fd = syscall(SYS_open, "/dev/null", O_RDONLY);
    /* CLONE_FS: the parent's cwd changes too. */
    syscall(SYS_chdir, "/tmp");
    /* CLONE_SIGHAND: the parent's disposition changes too. */
    syscall(SYS_rt_sigaction, SIGUSR2, &sa, NULL, 8);
    return 0; /* glibc's clone calls SYS_exit with this */
}

static volatile int vm_flag;
static int vm_fn(void *arg)
{
    vm_flag = 42;
    return 6;
}

int main(void)
{
    pid_t me = getpid(), tid, pid;
    char cwd[256];
    struct sigaction old;
    int st, flags;

    MUST(chdir("/"));
    flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
            CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    ctid = -1;
    tid = clone(thread_fn, stack1 + STACK_SIZE, flags, (void *)1234L, &ptid, NULL, &ctid);
    MUST(tid);
    /* Wait for the kernel to clear ctid and wake us at thread exit. */
    while (ctid != 0)
        syscall(SYS_futex, &ctid, FUTEX_WAIT, ctid, NULL, NULL, 0);
    TRUE("clone returned tid > 0", tid > 0);
    TRUE("tid != pid", tid != me);
    TRUE("PARENT_SETTID stored tid", ptid == tid);
    TRUE("thread gettid == clone result", t_tid == tid);
    TRUE("thread getpid == process pid", t_pid == me);
    EQ("thread got its argument", t_written, 1234);
    EQ("CHILD_CLEARTID cleared at exit", ctid, 0);
    TRUE("CLONE_FILES: thread's fd open here", t_fd >= 0 && fcntl((int)t_fd, F_GETFD) == 0);
    close((int)t_fd);
    STREQ("CLONE_FS: thread's chdir seen", getcwd(cwd, sizeof(cwd)), "/tmp");
    MUST(chdir("/"));
    MUST(sigaction(SIGUSR2, NULL, &old));
    TRUE("CLONE_SIGHAND: thread's sigaction seen", old.sa_handler == SIG_IGN);
    signal(SIGUSR2, SIG_DFL);
    ERR("thread is not waitable", waitpid(tid, &st, __WALL | WNOHANG), ECHILD);
    /* ctid is cleared a moment before the thread is released: poll. */
    for (int i = 0; i < 2000 && syscall(SYS_tgkill, me, tid, 0) == 0; i++)
        usleep(1000);
    ERR("thread is gone", syscall(SYS_tgkill, me, tid, 0), ESRCH);

    /* CLONE_VM without CLONE_THREAD: a process sharing our memory. */
    pid = clone(vm_fn, stack2 + STACK_SIZE, CLONE_VM | SIGCHLD, NULL);
    MUST(pid);
    EQ("waitpid CLONE_VM child", waitpid(pid, &st, 0) == pid, 1);
    TRUE("CLONE_VM child status 6", WIFEXITED(st) && WEXITSTATUS(st) == 6);
    EQ("CLONE_VM child's write seen", vm_flag, 42);

    /* CLONE_PARENT from a child: the grandchild is our child. */
    {
        int p[2];
        pid_t gc = -1;

        MUST(pipe(p));
        pid = fork();
        MUST(pid);
        if (pid == 0) {
            pid_t g = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
            if (g == 0) {
                _exit(getppid() == me ? 8 : 9);
            }
            if (write(p[1], &g, sizeof(g)) != sizeof(g))
                _exit(1);
            _exit(0);
        }
        close(p[1]);
        EQ("read grandchild pid", read(p[0], &gc, sizeof(gc)), sizeof(gc));
        close(p[0]);
        MUST(waitpid(pid, &st, 0));
        TRUE("grandchild created", gc > 0);
        EQ("CLONE_PARENT child waitable by us", waitpid(gc, &st, 0) == gc, 1);
        TRUE("its getppid was us (status 8)", WIFEXITED(st) && WEXITSTATUS(st) == 8);
    }
    ERR("clone CLONE_THREAD without SIGHAND", syscall(SYS_clone, CLONE_THREAD | CLONE_VM, 0, 0, 0, 0), EINVAL);
    ERR("clone CLONE_SIGHAND without VM", syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0), EINVAL);
    return conf_done();
}
