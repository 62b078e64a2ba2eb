/* proc_exit_group_threads: exit_group from any thread ends every thread;
 * the main thread's SYS_exit leaves the process running; SIGKILL to one
 * thread kills the process; execve from a non-main thread keeps the pid and
 * leaves a single thread. Each case runs in a child process. */
#include "conf.h"
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

extern char **environ;
static char self[PATH_MAX];
static int pfd[2];
static pid_t worker_tid;

static void *blocker(void *arg)
{
    worker_tid = gettid();
    for (;;)
        pause();
    return NULL;
}

static void *exiter(void *arg)
{
    usleep(30000);
    _exit(4); /* exit_group */
}

static void *survivor(void *arg)
{
    char c;

    usleep(50000); /* the main thread has called SYS_exit by now */
    if (write(pfd[1], "a", 1) != 1)
        _exit(30);
    if (read(pfd[0], &c, 1) != 1) /* the parent's go-ahead (via a 2nd pipe) */
        _exit(31);
    exit(6);
}

static void *execer(void *arg)
{
    char pidbuf[32], *av[] = { self, "--after-exec", pidbuf, NULL };

    snprintf(pidbuf, sizeof(pidbuf), "%d", (int)getpid());
    usleep(20000);
    execve(self, av, environ);
    _exit(40);
}

static void *sleeper(void *arg)
{
    usleep(30000);
    return NULL;
}

static int count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static int status_of(pid_t pid)
{
    int st;

    MUST(waitpid(pid, &st, 0));
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : -1;
}

int main(int argc, char **argv)
{
    pthread_t t;
    pid_t pid;

    if (argc == 3 && strcmp(argv[1], "--after-exec") == 0)
        return getpid() == atoi(argv[2]) && gettid() == getpid() && count_tasks() == 1 ? 7 : 8;
    if (!realpath(argv[0], self)) {
        printf("setup failed: realpath\n");
        return CONF_EXIT_FAILED;
    }

    /* exit() in the main thread ends blocked threads. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        for (int i = 0; i < 3; i++)
            pthread_create(&t, NULL, blocker, NULL);
        usleep(20000);
        exit(3);
    }
    EQ("main thread exit(3) with 3 blocked threads", status_of(pid), 3);

    /* _exit() in another thread while main is in pthread_join. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        pthread_create(&t, NULL, blocker, NULL);
        pthread_create(&t, NULL, exiter, NULL);
        pthread_join(t, NULL);
        _exit(50);
    }
    EQ("_exit(4) from a non-main thread", status_of(pid), 4);

    /* SYS_exit of the main thread alone: the process lives on. */
    {
        int to_parent[2], to_child[2];
        char c;

        MUST(pipe(to_parent));
        MUST(pipe(to_child));
        pid = fork();
        MUST(pid);
        if (pid == 0) {
            pfd[0] = to_child[0];
            pfd[1] = to_parent[1];
            pthread_create(&t, NULL, survivor, NULL);
            syscall(SYS_exit, 0);
        }
        EQ("survivor thread runs after main's SYS_exit", read(to_parent[0], &c, 1), 1);
        {
            int st;
            EQ("process not yet reported exited", waitpid(pid, &st, WNOHANG), 0);
        }
        MUST(write(to_child[1], "g", 1));
        EQ("survivor's exit(6) is the process status", status_of(pid), 6);
        close(to_parent[0]), close(to_parent[1]), close(to_child[0]), close(to_child[1]);
    }

    /* SIGKILL to one thread kills them all. */
    {
        int p[2];
        pid_t tid = 0;

        MUST(pipe(p));
        pid = fork();
        MUST(pid);
        if (pid == 0) {
            pthread_create(&t, NULL, blocker, NULL);
            while (!__atomic_load_n(&worker_tid, __ATOMIC_SEQ_CST))
                usleep(1000);
            if (write(p[1], &worker_tid, sizeof(worker_tid)) != sizeof(worker_tid))
                _exit(60);
            for (;;)
                pause();
        }
        EQ("got worker tid", read(p[0], &tid, sizeof(tid)), sizeof(tid));
        OK("tgkill(worker, SIGKILL)", syscall(SYS_tgkill, pid, tid, SIGKILL));
        EQ("process killed by SIGKILL", status_of(pid), 1000 + SIGKILL);
        close(p[0]), close(p[1]);
    }

    /* execve from a non-main thread. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        pthread_create(&t, NULL, blocker, NULL);
        pthread_create(&t, NULL, execer, NULL);
        for (;;)
            pause();
    }
    EQ("exec from a thread: same pid, one thread (7)", status_of(pid), 7);

    /* pthread_exit in main, then in the last thread: status 0. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        pthread_create(&t, NULL, sleeper, NULL);
        pthread_exit(NULL);
    }
    EQ("last pthread_exit gives status 0", status_of(pid), 0);
    return conf_done();
}
