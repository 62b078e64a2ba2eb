/* IPv4 clients of a dual-stack (::) listener, seen as IPv4-mapped
 * addresses; IPV6_V6ONLY; a v4 address on a v6 socket. */
#include "conf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    struct sockaddr_in6 a = { .sin6_family = AF_INET6 }, p;
    struct sockaddr_in a4 = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    char buf[16], ip[64];
    int s, c, x, v = -1;

    /* A v4 address to a v6 socket's connect: EAFNOSUPPORT (short: EINVAL). */
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ERR("v6 connect short addr", connect(c, (struct sockaddr *)&a4, sizeof(a4)), EINVAL);
    close(c);

    /* Dual stack: listener on ::, client over IPv4. */
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_any;
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    OK("bind ::", bind(s, (struct sockaddr *)&a, sizeof(a)));
    OK("listen any", listen(s, 4));
    len = sizeof(a);
    MUST(getsockname(s, (struct sockaddr *)&a, &len));
    a4.sin_port = a.sin6_port;
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    OK("v4 connect to dual-stack", connect(c, (struct sockaddr *)&a4, sizeof(a4)));
    len = sizeof(p);
    MUST(x = accept(s, (struct sockaddr *)&p, &len));
    EQ("mapped peer len", len, sizeof(struct sockaddr_in6));
    EQ("mapped peer family", p.sin6_family, AF_INET6);
    STREQ("mapped peer addr", inet_ntop(AF_INET6, &p.sin6_addr, ip, sizeof(ip)),
          "::ffff:127.0.0.1");
    len = sizeof(p);
    MUST(getsockname(x, (struct sockaddr *)&p, &len));
    STREQ("mapped local addr", inet_ntop(AF_INET6, &p.sin6_addr, ip, sizeof(ip)),
          "::ffff:127.0.0.1");
    {
        struct sockaddr_in q;
        len = sizeof(q);
        MUST(getpeername(c, (struct sockaddr *)&q, &len));
        EQ("v4 side peer len", len, sizeof(q));
        STREQ("v4 side peer", inet_ntop(AF_INET, &q.sin_addr, ip, sizeof(ip)), "127.0.0.1");
    }
    EQ("v4 send", send(c, "pong", 4, 0), 4);
    EQ("v6 recv", recv(x, buf, 4, MSG_WAITALL), 4);
    TRUE("data", !memcmp(buf, "pong", 4));
    close(x);
    close(c);
    close(s);

    /* IPV6_V6ONLY: a v4 client is refused. */
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    v = 1;
    OK("set v6only", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v)));
    a.sin6_port = 0;
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(listen(s, 4));
    len = sizeof(a);
    MUST(getsockname(s, (struct sockaddr *)&a, &len));
    a4.sin_port = a.sin6_port;
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    ERR("v4 to v6only", connect(c, (struct sockaddr *)&a4, sizeof(a4)), ECONNREFUSED);
    close(c);
    close(s);
    return conf_done();
}
