/* Blocking TCP/UDP calls: SO_RCVTIMEO and SO_SNDTIMEO give EAGAIN, a signal
 * without SA_RESTART gives EINTR (accept, recv, connect-free waits), a
 * handler with SA_RESTART restarts a blocking recv that then gets data. */
#include "conf.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>

static void on_alarm(int sig)
{
    (void)sig;
}

static void arm(int restart)
{
    struct sigaction sa;
    struct itimerval it = { { 0, 0 }, { 0, 100000 } };

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    struct timeval tv = { 0, 100000 };
    socklen_t len = sizeof(a);
    char buf[16];
    int s, c, x, u, st;
    pid_t pid;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(listen(s, 4));
    MUST(getsockname(s, (struct sockaddr *)&a, &len));

    arm(0);
    ERR("accept interrupted", accept(s, NULL, NULL), EINTR);
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(c, (struct sockaddr *)&a, sizeof(a)));
    MUST(x = accept(s, NULL, NULL));
    arm(0);
    ERR("recv interrupted", recv(c, buf, sizeof(buf), 0), EINTR);
    OK("set SO_RCVTIMEO", setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    ERR("recv timed out", recv(c, buf, sizeof(buf), 0), EAGAIN);
    OK("listener SO_RCVTIMEO", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    ERR("accept timed out", accept(s, NULL, NULL), EAGAIN);

    /* Fill the send buffer until a timed send gives up. */
    {
        static char big[65536];
        int full = 0;
        OK("set SO_SNDTIMEO", setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
        for (int i = 0; i < 20000 && !full; i++) {
            long r = send(c, big, sizeof(big), 0);
            if (r < 0)
                full = errno == EAGAIN ? 1 : -errno;
        }
        EQ("send timed out with EAGAIN", full, 1);
    }
    close(x);
    close(c);

    /* SA_RESTART: the recv restarts and gets what a child sends later. */
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(c, (struct sockaddr *)&a, sizeof(a)));
    tv.tv_usec = 0;
    MUST(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    MUST(x = accept(s, NULL, NULL));
    MUST(pid = fork());
    if (pid == 0) {
        usleep(300000);
        _exit(write(x, "late", 4) == 4 ? 0 : 1);
    }
    arm(1);
    EQ("restarted recv", recv(c, buf, 4, MSG_WAITALL), 4);
    TRUE("data", !memcmp(buf, "late", 4));
    MUST(waitpid(pid, &st, 0));
    EQ("child", st, 0);

    /* UDP recvfrom with a signal. */
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    a.sin_port = 0;
    MUST(bind(u, (struct sockaddr *)&a, sizeof(a)));
    arm(0);
    ERR("udp recv interrupted", recv(u, buf, sizeof(buf), 0), EINTR);
    close(u);
    close(x);
    close(c);
    close(s);
    return conf_done();
}
