/* poll(2) masks of TCP and UDP sockets through their life, as Linux sets
 * them: fresh, listening with a pending connection, connected, after the
 * peer's shutdown and close. */
#include "conf.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static int ev(int fd, int wait_ms, short want)
{
    struct pollfd p = { fd, (short)(POLLIN | POLLOUT | POLLRDHUP | POLLPRI), 0 };
    for (int i = 0; i < 50; i++) {
        if (poll(&p, 1, wait_ms) < 0)
            return -1;
        if (!want || (p.revents & want) == want)
            break;
        usleep(20000);
    }
    return p.revents;
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    char buf[8];
    int s, c, x, u;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    EQ("fresh tcp", ev(s, 0, 0), POLLOUT | POLLHUP);
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(listen(s, 4));
    MUST(getsockname(s, (struct sockaddr *)&a, &len));
    EQ("listener idle", ev(s, 0, 0), 0);
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(c, (struct sockaddr *)&a, sizeof(a)));
    EQ("listener with a connection", ev(s, 1000, POLLIN), POLLIN);
    MUST(x = accept(s, NULL, NULL));
    EQ("connected", ev(c, 1000, POLLOUT), POLLOUT);
    MUST(write(x, "ab", 2));
    EQ("readable", ev(c, 1000, POLLIN), POLLIN | POLLOUT);
    MUST(read(c, buf, 2));
    MUST(shutdown(x, SHUT_WR));
    EQ("peer shut down writing", ev(c, 1000, POLLRDHUP), POLLIN | POLLOUT | POLLRDHUP);
    MUST(shutdown(c, SHUT_WR));
    EQ("both shut down", ev(c, 1000, POLLHUP), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
    close(x);
    close(c);
    close(s);

    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    EQ("fresh udp", ev(u, 0, 0), POLLOUT);
    a.sin_port = 0;
    MUST(bind(u, (struct sockaddr *)&a, sizeof(a)));
    len = sizeof(a);
    MUST(getsockname(u, (struct sockaddr *)&a, &len));
    MUST(sendto(u, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    EQ("udp readable", ev(u, 1000, POLLIN), POLLIN | POLLOUT);
    close(u);
    return conf_done();
}
