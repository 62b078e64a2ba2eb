/* sig_blocked_read_interrupted: signals reaching a thread blocked in read
 * or write: a handled signal makes read fail EINTR (pipe and socket), an
 * ignored or blocked one does not; a write that already moved data returns
 * the partial count; stop/continue is invisible; a fatal signal kills. */
#include "conf.h"
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

static volatile int hits;
static void handler(int sig) { hits++; }

static pthread_t main_thread;
static int wfd;
static int target_process; /* kill() the process instead of the thread */

/* Thread: signal the main thread at 50 ms, then write data at 100 ms. */
static void *poker(void *arg)
{
    int sig = (int)(long)arg;

    usleep(50000);
    if (target_process)
        kill(getpid(), sig);
    else
        pthread_kill(main_thread, sig);
    usleep(50000);
    if (wfd >= 0 && write(wfd, "late", 4) != 4)
        _exit(90);
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    pthread_t t;
    char buf[16];
    int p[2], sv[2], st, e;
    long r;
    sigset_t s, pend;
    pid_t pid;

    main_thread = pthread_self();
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler; /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    MUST(pipe(p));

    /* Handled: EINTR. */
    wfd = p[1];
    pthread_create(&t, NULL, poker, (void *)(long)SIGUSR1);
    errno = 0;
    r = read(p[0], buf, sizeof(buf));
    e = errno;
    TRUE("pipe read interrupted by a handled signal: EINTR", r == -1 && e == EINTR);
    EQ("handler ran", hits, 1);
    pthread_join(t, NULL);
    EQ("data arrives later", read(p[0], buf, sizeof(buf)), 4);

    /* Ignored: the read keeps waiting. */
    signal(SIGUSR2, SIG_IGN);
    pthread_create(&t, NULL, poker, (void *)(long)SIGUSR2);
    r = read(p[0], buf, sizeof(buf));
    EQ("ignored signal: read not interrupted, returns the data", r, 4);
    pthread_join(t, NULL);

    /* Blocked: the read keeps waiting, the signal stays pending. */
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    hits = 0;
    pthread_create(&t, NULL, poker, (void *)(long)SIGUSR1);
    r = read(p[0], buf, sizeof(buf));
    EQ("blocked signal: read not interrupted", r, 4);
    sigpending(&pend);
    TRUE("signal pending", sigismember(&pend, SIGUSR1));
    pthread_join(t, NULL);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    EQ("delivered on unblock", hits, 1);

    /* Process-directed signal: delivered to the thread that can take it. */
    target_process = 1;
    hits = 0;
    {
        sigset_t old;
        pthread_sigmask(SIG_BLOCK, &s, &old); /* the poker inherits a blocked mask */
        pthread_create(&t, NULL, poker, (void *)(long)SIGUSR1);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    errno = 0;
    r = read(p[0], buf, sizeof(buf));
    e = errno;
    TRUE("kill() to the process interrupts the reading thread: EINTR", r == -1 && e == EINTR);
    pthread_join(t, NULL);
    read(p[0], buf, sizeof(buf));
    target_process = 0;

#ifdef CONF_WITH_SOCKETS
    /* Socket read. */
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    wfd = sv[1];
    pthread_create(&t, NULL, poker, (void *)(long)SIGUSR1);
    errno = 0;
    r = recv(sv[0], buf, sizeof(buf), 0);
    e = errno;
    TRUE("socket recv interrupted: EINTR", r == -1 && e == EINTR);
    pthread_join(t, NULL);
    EQ("socket data arrives later", recv(sv[0], buf, sizeof(buf), 0), 4);

#endif

    /* A write that moved some bytes returns the partial count. */
    {
        static char big[128 * 1024];
        int q[2];

        MUST(pipe(q));
        wfd = -1;
        pthread_create(&t, NULL, poker, (void *)(long)SIGUSR1);
        r = write(q[1], big, sizeof(big));
        EQ("interrupted 128 KiB write into an empty pipe returns 64 KiB", r, 65536);
        pthread_join(t, NULL);
        errno = 0;
        pthread_create(&t, NULL, poker, (void *)(long)SIGUSR1);
        r = write(q[1], big, 10);
        e = errno;
        TRUE("interrupted write with nothing written: EINTR", r == -1 && e == EINTR);
        pthread_join(t, NULL);
        close(q[0]);
        close(q[1]);
    }

    /* Stop and continue: the read just goes on. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        close(p[1]);
        r = read(p[0], buf, sizeof(buf));
        _exit(r == 4 ? 0 : r == -1 ? 100 + errno : 50);
    }
    usleep(50000);
    kill(pid, SIGSTOP);
    MUST(waitpid(pid, &st, WUNTRACED));
    kill(pid, SIGCONT);
    usleep(50000);
    MUST(write(p[1], "data", 4));
    MUST(waitpid(pid, &st, 0));
    EQ("stop/continue during read: read completes normally", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* A fatal signal kills the blocked reader. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        r = read(p[0], buf, sizeof(buf));
        _exit(1);
    }
    usleep(50000);
    kill(pid, SIGTERM);
    MUST(waitpid(pid, &st, 0));
    TRUE("SIGTERM kills a process blocked in read", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    return conf_done();
}
