/* A full listen backlog: the SYN waits (non-blocking connect stays in
 * progress, a second connect is EALREADY) until accept makes room and the
 * SYN is sent again. */
#include "conf.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    struct pollfd p;
    int s, c1, c2, x, e = -1;

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
    close(s);
    return conf_done();
}
