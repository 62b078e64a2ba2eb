/* kcmp: 0 for the same kernel object, 1 or 2 otherwise (in opposite order
 * when the arguments swap): files (dup'ed, inherited, reopened), address
 * spaces, fd tables, fs info and signal handlers of threads, forked and
 * vforked children, System V undo lists (shared by CLONE_SYSVSEM); ESRCH, EBADF, EINVAL for an unknown type, EPERM for
 * another uid. */
#include "conf.h"
#include <linux/kcmp.h>
#include <pthread.h>
#include <signal.h>

static long kcmp(pid_t a, pid_t b, int type, unsigned long i1, unsigned long i2)
{
    return syscall(SYS_kcmp, a, b, type, i1, i2);
}

/* Different objects: 1 or 2, and the reverse order the other way. */
static int differ(pid_t a, pid_t b, int type, unsigned long i1, unsigned long i2)
{
    long x = kcmp(a, b, type, i1, i2), y = kcmp(b, a, type, i2, i1);
    return (x == 1 && y == 2) || (x == 2 && y == 1);
}

static volatile int thread_tid;
static int thread_go[2];
static void *thread_main(void *arg)
{
    char c;
    thread_tid = gettid();
    (void)!read(thread_go[0], &c, 1);
    return NULL;
}

int main(void)
{
    pid_t me = getpid(), pid;
    int fd, fd2, fd3, go[2], st;
    pthread_t th;
    char c;

    fd = open("/proc/self/stat", O_RDONLY);
    fd2 = dup(fd);
    fd3 = open("/proc/self/stat", O_RDONLY);
    MUST(fd3);
    EQ("FILE: a dup is the same file", kcmp(me, me, KCMP_FILE, fd, fd2), 0);
    EQ("FILE: another open is not", differ(me, me, KCMP_FILE, fd, fd3), 1);
    ERR("FILE: bad fd", kcmp(me, me, KCMP_FILE, fd, 999), EBADF);
    ERR("FILE: bad first fd", kcmp(me, me, KCMP_FILE, 999, fd), EBADF);
    ERR("unknown type", kcmp(me, me, 99, 0, 0), EINVAL);
    ERR("no such process", kcmp(me, 99999, KCMP_VM, 0, 0), ESRCH);
    ERR("no such process first", kcmp(99999, me, KCMP_VM, 0, 0), ESRCH);
    EQ("VM: self", kcmp(me, me, KCMP_VM, 0, 0), 0);
    EQ("IO: self", kcmp(me, me, KCMP_IO, 0, 0), 0);

    MUST(pipe(thread_go));
    pthread_create(&th, NULL, thread_main, NULL);
    while (!thread_tid)
        usleep(1000);
    EQ("thread: VM shared", kcmp(me, thread_tid, KCMP_VM, 0, 0), 0);
    EQ("thread: FILES shared", kcmp(me, thread_tid, KCMP_FILES, 0, 0), 0);
    EQ("thread: FS shared", kcmp(me, thread_tid, KCMP_FS, 0, 0), 0);
    EQ("thread: SIGHAND shared", kcmp(me, thread_tid, KCMP_SIGHAND, 0, 0), 0);
    EQ("thread: the same file at fd", kcmp(me, thread_tid, KCMP_FILE, fd, fd), 0);
    EQ("thread: SYSVSEM shared (CLONE_SYSVSEM)", kcmp(me, thread_tid, KCMP_SYSVSEM, 0, 0), 0);
    (void)!write(thread_go[1], "x", 1);
    pthread_join(th, NULL);

    MUST(pipe(go));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        close(go[1]);
        (void)!read(go[0], &c, 1);
        _exit(0);
    }
    close(go[0]);
    EQ("fork: VM differs", differ(me, pid, KCMP_VM, 0, 0), 1);
    EQ("fork: FILES differs", differ(me, pid, KCMP_FILES, 0, 0), 1);
    EQ("fork: FS differs", differ(me, pid, KCMP_FS, 0, 0), 1);
    EQ("fork: SIGHAND differs", differ(me, pid, KCMP_SIGHAND, 0, 0), 1);
    EQ("fork: an inherited fd is the same file", kcmp(me, pid, KCMP_FILE, fd, fd), 0);
    EQ("fork: and its dup", kcmp(me, pid, KCMP_FILE, fd2, fd), 0);
    EQ("fork: not another open", differ(me, pid, KCMP_FILE, fd3, fd), 1);
    EQ("fork: SYSVSEM differs (threads made us an undo list)",
       differ(me, pid, KCMP_SYSVSEM, 0, 0), 1);
    {
        pid_t c2 = fork();
        MUST(c2);
        if (c2 == 0) {
            if (setuid(65534))
                _exit(100);
            _exit(kcmp(me, pid, KCMP_VM, 0, 0) == -1 && errno == EPERM ? 0 : 1);
        }
        EQ("another uid: EPERM", waitpid(c2, &st, 0) == c2 && WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    }
    close(go[1]);
    waitpid(pid, &st, 0);

    /* vfork: the child borrows our memory (and nothing else). */
    {
        volatile long vm = -1, files = -1;
        pid = vfork();
        if (pid == 0) {
            vm = kcmp(getppid(), getpid(), KCMP_VM, 0, 0);
            files = kcmp(getppid(), getpid(), KCMP_FILES, 0, 0);
            _exit(0);
        }
        waitpid(pid, &st, 0);
        EQ("vfork: VM shared", vm, 0);
        EQ("vfork: FILES not", files == 1 || files == 2, 1);
    }
    return conf_done();
}
