/* sig_stop_cont: job-control stop and continue as a parent sees them:
 * WUNTRACED/WCONTINUED reporting (once each), SIGCONT handlers, signals
 * held while stopped, SIGKILL on a stopped process, nanosleep resuming
 * transparently, every thread stopping, and stopping a whole group. */
#include "conf.h"
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

static volatile long *counter;
static int cont_pipe = -1;

static void on_cont(int sig)
{
    if (write(cont_pipe, "c", 1) != 1)
        _exit(70);
}

static void *spin(void *arg)
{
    for (;;)
        __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
    return NULL;
}

static pid_t pausing_child(void)
{
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0)
        for (;;)
            pause();
    return pid;
}

int main(void)
{
    pid_t pid, a, b;
    int st, p[2];
    char c;

    counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    /* Reporting. */
    pid = pausing_child();
    MUST(kill(pid, SIGSTOP));
    usleep(30000);
    EQ("stop not reported without WUNTRACED", waitpid(pid, &st, WNOHANG), 0);
    EQ("waitpid WUNTRACED", waitpid(pid, &st, WUNTRACED) == pid, 1);
    TRUE("WIFSTOPPED, WSTOPSIG SIGSTOP", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    EQ("stop reported once", waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
    MUST(kill(pid, SIGSTOP));
    usleep(20000);
    EQ("second SIGSTOP while stopped: nothing new", waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
    MUST(kill(pid, SIGCONT));
    EQ("waitpid WCONTINUED", waitpid(pid, &st, WCONTINUED) == pid, 1);
    TRUE("WIFCONTINUED", WIFCONTINUED(st));
    EQ("continue reported once", waitpid(pid, &st, WCONTINUED | WNOHANG), 0);

    /* Signals sent while stopped wait for the continue. */
    MUST(kill(pid, SIGSTOP));
    MUST(waitpid(pid, &st, WUNTRACED));
    MUST(kill(pid, SIGTERM));
    usleep(50000);
    EQ("SIGTERM while stopped: still alive", waitpid(pid, &st, WNOHANG), 0);
    MUST(kill(pid, SIGCONT));
    MUST(waitpid(pid, &st, 0));
    TRUE("dies of SIGTERM once continued", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);

    /* SIGKILL does not wait. */
    pid = pausing_child();
    MUST(kill(pid, SIGSTOP));
    MUST(waitpid(pid, &st, WUNTRACED));
    MUST(kill(pid, SIGKILL));
    MUST(waitpid(pid, &st, 0));
    TRUE("SIGKILL kills a stopped process", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

    /* A SIGCONT handler runs when continued. */
    MUST(pipe(p));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        cont_pipe = p[1];
        signal(SIGCONT, on_cont);
        for (;;)
            pause();
    }
    usleep(20000);
    MUST(kill(pid, SIGSTOP));
    MUST(waitpid(pid, &st, WUNTRACED));
    MUST(kill(pid, SIGCONT));
    EQ("SIGCONT handler ran in the child", read(p[0], &c, 1), 1);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    close(p[0]);
    close(p[1]);

    /* nanosleep resumes across stop/continue (restart_syscall). */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        struct timespec ts = { 0, 300 * 1000000 }, t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int r = nanosleep(&ts, NULL);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
        _exit(r == 0 ? (dt >= 0.299 ? 0 : 2) : 1);
    }
    usleep(50000);
    MUST(kill(pid, SIGSTOP));
    MUST(waitpid(pid, &st, WUNTRACED));
    usleep(50000);
    MUST(kill(pid, SIGCONT));
    MUST(waitpid(pid, &st, 0));
    EQ("nanosleep across stop/continue: returns 0 after the full time",
       WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* Every thread stops. */
    *counter = 0;
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, spin, NULL);
        for (;;)
            pause();
    }
    while (__atomic_load_n(counter, __ATOMIC_RELAXED) == 0)
        usleep(1000);
    MUST(kill(pid, SIGSTOP));
    MUST(waitpid(pid, &st, WUNTRACED));
    {
        long before = __atomic_load_n(counter, __ATOMIC_RELAXED);
        usleep(50000);
        TRUE("stopped process: its spinning thread stopped too", __atomic_load_n(counter, __ATOMIC_RELAXED) == before);
        MUST(kill(pid, SIGCONT));
        usleep(50000);
        TRUE("continued: the thread runs again", __atomic_load_n(counter, __ATOMIC_RELAXED) != before);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);

    /* Stop and continue a process group. */
    a = pausing_child();
    setpgid(a, a);
    b = pausing_child();
    setpgid(b, a);
    TRUE("two children in one group", getpgid(a) == a && getpgid(b) == a);
    MUST(kill(-a, SIGSTOP));
    MUST(waitpid(a, &st, WUNTRACED));
    TRUE("group stop: first stopped", WIFSTOPPED(st));
    MUST(waitpid(b, &st, WUNTRACED));
    TRUE("group stop: second stopped", WIFSTOPPED(st));
    MUST(kill(-a, SIGCONT));
    MUST(waitpid(a, &st, WCONTINUED));
    TRUE("group continue: first", WIFCONTINUED(st));
    MUST(waitpid(b, &st, WCONTINUED));
    TRUE("group continue: second", WIFCONTINUED(st));
    MUST(kill(-a, SIGKILL));
    MUST(waitpid(a, &st, 0));
    MUST(waitpid(b, &st, 0));
    TRUE("group killed", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    return conf_done();
}
