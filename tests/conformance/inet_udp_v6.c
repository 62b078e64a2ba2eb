/* UDP on AF_INET6: a dual-stack socket receiving from IPv4 (mapped
 * source), sending back to a mapped address; ::1 when the host has it. */
#include "conf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 }, from6;
    struct sockaddr_in a4 = { .sin_family = AF_INET }, from4;
    socklen_t l;
    char buf[32], ip[64];
    int s6, s4;

    MUST(s6 = socket(AF_INET6, SOCK_DGRAM, 0));
    a6.sin6_addr = in6addr_any;
    OK("bind ::", bind(s6, (struct sockaddr *)&a6, sizeof(a6)));
    l = sizeof(a6);
    MUST(getsockname(s6, (struct sockaddr *)&a6, &l));
    EQ("sockname len", l, sizeof(a6));
    MUST(s4 = socket(AF_INET, SOCK_DGRAM, 0));
    a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a4.sin_port = a6.sin6_port;
    EQ("v4 sendto dual-stack", sendto(s4, "v4 hello", 8, 0, (struct sockaddr *)&a4, sizeof(a4)), 8);
    l = sizeof(from6);
    EQ("v6 recvfrom", recvfrom(s6, buf, sizeof(buf), 0, (struct sockaddr *)&from6, &l), 8);
    EQ("from len", l, sizeof(from6));
    EQ("from family", from6.sin6_family, AF_INET6);
    STREQ("from mapped", inet_ntop(AF_INET6, &from6.sin6_addr, ip, sizeof(ip)), "::ffff:127.0.0.1");
    EQ("reply to mapped", sendto(s6, "reply", 5, 0, (struct sockaddr *)&from6, l), 5);
    l = sizeof(from4);
    EQ("v4 recvfrom", recvfrom(s4, buf, sizeof(buf), 0, (struct sockaddr *)&from4, &l), 5);
    EQ("v4 from len", l, sizeof(from4));
    STREQ("v4 from", inet_ntop(AF_INET, &from4.sin_addr, ip, sizeof(ip)), "127.0.0.1");
    TRUE("v4 from port", from4.sin_port == a6.sin6_port);
    EQ("v6 sendto a sockaddr_in", sendto(s6, "x", 1, 0, (struct sockaddr *)&a4, sizeof(a4)), 1);
    EQ("v6 gets it", recv(s6, buf, sizeof(buf), 0), 1);
    close(s4);
    close(s6);

    /* v6only: a v4-mapped destination is unreachable. */
    {
        int one = 1;
        MUST(s6 = socket(AF_INET6, SOCK_DGRAM, 0));
        MUST(setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
        ERR("v6only to mapped", sendto(s6, "x", 1, 0, (struct sockaddr *)&from6, sizeof(from6)),
            ENETUNREACH);
        close(s6);
    }
    return conf_done();
}
