/* TCP over ::1 (skipped where the host has no ::1). */
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

    a.sin6_addr = in6addr_loopback;
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    if (bind(s, (struct sockaddr *)&a, sizeof(a)) && errno == EADDRNOTAVAIL)
        conf_skip("no ::1 on this host's lo");
    close(s);
    MUST(s = socket(AF_INET6, SOCK_STREAM, 0));
    len = sizeof(v);
    OK("get v6only", getsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len));
    EQ("v6only default", v, 0);
    OK("bind ::1", bind(s, (struct sockaddr *)&a, sizeof(a)));
    OK("listen", listen(s, 4));
    len = sizeof(a);
    MUST(getsockname(s, (struct sockaddr *)&a, &len));
    EQ("sockname len", len, sizeof(struct sockaddr_in6));
    STREQ("sockname addr", inet_ntop(AF_INET6, &a.sin6_addr, ip, sizeof(ip)), "::1");
    MUST(c = socket(AF_INET6, SOCK_STREAM, 0));
    OK("connect ::1", connect(c, (struct sockaddr *)&a, sizeof(a)));
    len = sizeof(p);
    MUST(x = accept(s, (struct sockaddr *)&p, &len));
    EQ("peer len", len, sizeof(p));
    EQ("peer family", p.sin6_family, AF_INET6);
    STREQ("peer addr", inet_ntop(AF_INET6, &p.sin6_addr, ip, sizeof(ip)), "::1");
    EQ("send", send(c, "ping", 4, 0), 4);
    EQ("recv", recv(x, buf, 4, MSG_WAITALL), 4);
    TRUE("data", !memcmp(buf, "ping", 4));
    close(x);
    close(c);
    close(s);

    return conf_done();
}
