/* EPIPE and SIGPIPE on TCP after shutdown(SHUT_WR), MSG_NOSIGNAL, and the
 * default action killing the writer. */
#include "conf.h"

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

static volatile int sigpipes;
static int g_c;

static void on_pipe(int sig)
{
    (void)sig;
    sigpipes++;
}

static int die_by_sigpipe(void)
{
    signal(SIGPIPE, SIG_DFL);
    write(g_c, "x", 1);
    return 0;
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    int s, c, x;
    char buf[8];

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(listen(s, 4));
    MUST(getsockname(s, (struct sockaddr *)&a, &len));
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(c, (struct sockaddr *)&a, sizeof(a)));
    MUST(x = accept(s, NULL, NULL));
    signal(SIGPIPE, on_pipe);
    OK("shutdown wr", shutdown(c, SHUT_WR));
    ERR("send after shutdown", send(c, "x", 1, 0), EPIPE);
    EQ("sigpipe raised", sigpipes, 1);
    ERR("send nosignal", send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    EQ("no sigpipe with MSG_NOSIGNAL", sigpipes, 1);
    ERR("write after shutdown", write(c, "x", 1), EPIPE);
    EQ("sigpipe from write", sigpipes, 2);
    EQ("peer sees eof", read(x, buf, sizeof(buf)), 0);
    EQ("peer can still send", send(x, "ok", 2, 0), 2);
    EQ("half-closed side reads", recv(c, buf, 2, MSG_WAITALL), 2);
    g_c = c;
    EQ("default action kills", conf_in_child(die_by_sigpipe), 1000 + SIGPIPE);
    close(x);
    close(c);
    close(s);
    return conf_done();
}
