/* Ephemeral ports: connect and sendto pick one in
 * net.ipv4.ip_local_port_range (32768..60999); bind to port 0 too.
 * Unbound sockets name the wildcard. */
#include "conf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int in_range(int fd)
{
    struct sockaddr_in a;
    socklen_t l = sizeof(a);
    int p;

    if (getsockname(fd, (struct sockaddr *)&a, &l))
        return 0;
    p = ntohs(a.sin_port);
    return p >= 32768 && p <= 60999;
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET }, z;
    struct sockaddr_in6 z6;
    socklen_t l;
    char ip[64];
    int s, c, u, t, x;

    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    l = sizeof(z);
    OK("unbound getsockname", getsockname(t, (struct sockaddr *)&z, &l));
    EQ("len", l, sizeof(z));
    EQ("family", z.sin_family, AF_INET);
    EQ("port 0", ntohs(z.sin_port), 0);
    STREQ("wildcard", inet_ntop(AF_INET, &z.sin_addr, ip, sizeof(ip)), "0.0.0.0");
    l = 4;
    OK("short buffer", getsockname(t, (struct sockaddr *)&z, &l));
    EQ("real length reported", l, sizeof(z));
    close(t);
    MUST(t = socket(AF_INET6, SOCK_DGRAM, 0));
    l = sizeof(z6);
    OK("v6 unbound getsockname", getsockname(t, (struct sockaddr *)&z6, &l));
    EQ("v6 len", l, sizeof(z6));
    STREQ("v6 wildcard", inet_ntop(AF_INET6, &z6.sin6_addr, ip, sizeof(ip)), "::");
    close(t);

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    TRUE("bind port 0 is ephemeral", in_range(s));
    l = sizeof(a);
    MUST(getsockname(s, (struct sockaddr *)&a, &l));
    MUST(listen(s, 4));
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(c, (struct sockaddr *)&a, sizeof(a)));
    TRUE("connect picks an ephemeral port", in_range(c));
    MUST(x = accept(s, NULL, NULL));
    {
        struct sockaddr_in p, q;
        socklen_t lp = sizeof(p), lq = sizeof(q);
        MUST(getpeername(x, (struct sockaddr *)&p, &lp));
        MUST(getsockname(c, (struct sockaddr *)&q, &lq));
        TRUE("server sees that port", p.sin_port == q.sin_port);
    }
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    EQ("udp sendto autobinds", sendto(u, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)), 1);
    TRUE("udp port ephemeral", in_range(u));
    close(u);
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(connect(u, (struct sockaddr *)&a, sizeof(a)));
    TRUE("udp connect autobinds", in_range(u));
    l = sizeof(z);
    MUST(getsockname(u, (struct sockaddr *)&z, &l));
    STREQ("udp connect picks the source", inet_ntop(AF_INET, &z.sin_addr, ip, sizeof(ip)), "127.0.0.1");
    close(u);
    close(x);
    close(c);
    close(s);
    return conf_done();
}
