/* sig_pipe: writing to a pipe or socket with no reader raises SIGPIPE
 * (default: death) and fails EPIPE when the signal is ignored, handled or
 * blocked; MSG_NOSIGNAL suppresses it; a writer blocked on a full pipe
 * gets EPIPE when the last reader goes away. */
#include "conf.h"
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

static volatile int hits, h_code;

static void handler(int sig, siginfo_t *si, void *uc)
{
    hits++;
    h_code = si->si_code;
}

static int close_reader_later_fd = -1;
static void *close_later(void *arg)
{
    usleep(50000);
    close(close_reader_later_fd);
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    int p[2], sv[2], st, e;
    long r;
    pid_t pid;
    sigset_t s, pend;

    /* Default action: the writer dies of SIGPIPE. */
    MUST(pipe(p));
    close(p[0]);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        r = write(p[1], "x", 1);
        _exit(r == -1 ? 100 + errno : 50);
    }
    MUST(waitpid(pid, &st, 0));
    TRUE("default: writer killed by SIGPIPE", WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);

    /* Ignored: EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    ERR("ignored: write fails EPIPE", write(p[1], "x", 1), EPIPE);
    {
        struct iovec v = { "x", 1 };
        ERR("writev too", writev(p[1], &v, 1), EPIPE);
    }

    /* Handled: handler runs, then EPIPE. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGPIPE, &sa, NULL);
    errno = 0;
    r = write(p[1], "x", 1);
    e = errno;
    TRUE("handled: write fails EPIPE", r == -1 && e == EPIPE);
    EQ("handler ran", hits, 1);
    EQ("si_code SI_USER (sent by the kernel as a user signal)", h_code, SI_USER);

    /* Blocked: EPIPE and the signal stays pending. */
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    sigprocmask(SIG_BLOCK, &s, NULL);
    ERR("blocked: write fails EPIPE", write(p[1], "x", 1), EPIPE);
    sigpending(&pend);
    TRUE("SIGPIPE pending", sigismember(&pend, SIGPIPE));
    EQ("handler not yet run", hits, 1);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    EQ("delivered on unblock", hits, 2);
    close(p[1]);

#ifdef CONF_WITH_SOCKETS
    /* Sockets. */
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    close(sv[1]);
    hits = 0;
    ERR("socket write with peer closed: EPIPE", write(sv[0], "x", 1), EPIPE);
    EQ("  with SIGPIPE", hits, 1);
    ERR("send MSG_NOSIGNAL: EPIPE", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    EQ("  without SIGPIPE", hits, 1);
    close(sv[0]);

#endif

    /* Reading end closed while the writer is blocked on a full pipe. */
    MUST(pipe(p));
    {
        static char big[65536 + 4096];
        pthread_t t;
        hits = 0;
        close_reader_later_fd = p[0];
        pthread_create(&t, NULL, close_later, NULL);
        errno = 0;
        r = write(p[1], big, sizeof(big));
        e = errno;
        pthread_join(t, NULL);
        TRUE("blocked writer: partial count when the reader leaves", r == 65536);
        EQ("  SIGPIPE sent even so", hits, 1);
        ERR("next write fails EPIPE", write(p[1], big, 1), EPIPE);
        EQ("  with SIGPIPE", hits, 2);
        (void)e;
    }
    close(p[1]);

    /* A reader still open in another process: no EPIPE. */
    MUST(pipe(p));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        char c;
        close(p[1]);
        _exit(read(p[0], &c, 1) == 1 ? 0 : 1);
    }
    close(p[0]);
    EQ("reader alive in a child: write succeeds", write(p[1], "y", 1), 1);
    MUST(waitpid(pid, &st, 0));
    ERR("after the child exits: EPIPE", write(p[1], "y", 1), EPIPE);
    close(p[1]);
    return conf_done();
}
