/* A full listen backlog: the SYN waits (non-blocking connect stays in
 * progress, a second connect is EALREADY) until accept makes room and the
 * SYN is sent again; a blocking connect interrupted by a signal goes on. */
#include "conf.h"

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

static void on_alarm(int sig)
{
    (void)sig;
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    struct pollfd p;
    int s, c1, c2, x, e = -1, st;
    pid_t pid;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    OK("listen backlog 0", listen(s, 0));
    MUST(getsockname(s, (struct sockaddr *)&a, &len));
    MUST(c1 = socket(AF_INET, SOCK_STREAM, 0));
    OK("first connect", connect(c1, (struct sockaddr *)&a, sizeof(a)));
    MUST(c2 = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    ERR("second connect in progress", connect(c2, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
    usleep(100000);
    ERR("again: EALREADY", connect(c2, (struct sockaddr *)&a, sizeof(a)), EALREADY);
    p.fd = c2;
    p.events = POLLOUT;
    EQ("not yet writable", poll(&p, 1, 0), 0);
    MUST(x = accept(s, NULL, NULL));
    close(x);
    EQ("connects after accept", poll(&p, 1, 10000), 1);
    TRUE("pollout", p.revents & POLLOUT);
    len = sizeof(e);
    MUST(getsockopt(c2, SOL_SOCKET, SO_ERROR, &e, &len));
    EQ("so_error", e, 0);
    MUST(x = accept(s, NULL, NULL));
    TRUE("second accepted", x >= 0);
    close(x);
    close(c1);
    close(c2);

    /* A blocking connect waiting for room, interrupted by a signal: EINTR,
     * the attempt goes on (EALREADY), and completes after an accept. */
    {
        struct sigaction sa;
        struct itimerval it = { { 0, 0 }, { 0, 100000 } };
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_alarm;
        sigaction(SIGALRM, &sa, NULL);
        MUST(c1 = socket(AF_INET, SOCK_STREAM, 0));
        MUST(connect(c1, (struct sockaddr *)&a, sizeof(a)));
        MUST(c2 = socket(AF_INET, SOCK_STREAM, 0));
        setitimer(ITIMER_REAL, &it, NULL);
        ERR("blocking connect interrupted", connect(c2, (struct sockaddr *)&a, sizeof(a)), EINTR);
        MUST(fcntl(c2, F_SETFL, O_NONBLOCK));
        ERR("still connecting", connect(c2, (struct sockaddr *)&a, sizeof(a)), EALREADY);
        MUST(fcntl(c2, F_SETFL, 0));
        MUST(pid = fork());
        if (pid == 0) {
            usleep(200000);
            _exit(close(accept(s, NULL, NULL)) ? 1 : 0);
        }
        /* Blocking again: waits for the attempt to finish (Linux). */
        OK("blocking connect waits and reports it", connect(c2, (struct sockaddr *)&a, sizeof(a)));
        MUST(waitpid(pid, &st, 0));
        EQ("child accepted", st, 0);
        ERR("then EISCONN", connect(c2, (struct sockaddr *)&a, sizeof(a)), EISCONN);
        close(c1);
        close(c2);
    }
    close(s);
    return conf_done();
}
