/* Ancillary data on a dual-stack AF_INET6 UDP socket, over IPv4 (no ::1
 * needed): the IPV6_* receive options and their ranges, IPV6_PKTINFO then
 * the IP_* cmsgs for an IPv4 datagram, and sendmsg to a v4-mapped peer
 * taking IP_* cmsgs and a v4-mapped IPV6_PKTINFO but ignoring IPV6_HOPLIMIT. */
#include "conf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "cmsgconf.h"

int main(void)
{
    struct sockaddr_in6 a = { .sin6_family = AF_INET6 }, m = { .sin6_family = AF_INET6 };
    socklen_t len = sizeof(a);
    int r, s, one = 1, v;
    size_t off;

    MUST(r = socket(AF_INET6, SOCK_DGRAM, 0));
    MUST(bind(r, (struct sockaddr *)&a, sizeof(a)));
    MUST(getsockname(r, (struct sockaddr *)&a, &len));
    MUST(s = socket(AF_INET6, SOCK_DGRAM, 0));
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &m.sin6_addr);
    m.sin6_port = a.sin6_port;

    EQ("IPV6_RECVHOPLIMIT default", getint(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT), 0);
    EQ("IPV6_RECVTCLASS default", getint(r, IPPROTO_IPV6, IPV6_RECVTCLASS), 0);
    EQ("IPV6_TCLASS default", getint(r, IPPROTO_IPV6, IPV6_TCLASS), 0);
    EQ("IPV6_UNICAST_HOPS default", getint(r, IPPROTO_IPV6, IPV6_UNICAST_HOPS), 64);
    OK("IPV6_RECVHOPLIMIT on", setsockopt(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)));
    OK("IPV6_RECVTCLASS on", setsockopt(r, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, sizeof(one)));
    OK("IPV6_2292HOPLIMIT on", setsockopt(r, IPPROTO_IPV6, IPV6_2292HOPLIMIT, &one, sizeof(one)));
    EQ("IPV6_RECVHOPLIMIT", getint(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT), 1);
    EQ("IPV6_RECVTCLASS", getint(r, IPPROTO_IPV6, IPV6_RECVTCLASS), 1);
    EQ("IPV6_2292HOPLIMIT", getint(r, IPPROTO_IPV6, IPV6_2292HOPLIMIT), 1);
    ERR("IPV6_RECVTCLASS short", setsockopt(r, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, 1), EINVAL);
    v = -2;
    ERR("IPV6_TCLASS -2", setsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)), EINVAL);
    ERR("IPV6_UNICAST_HOPS -2", setsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v)),
        EINVAL);
    v = 256;
    ERR("IPV6_TCLASS 256", setsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)), EINVAL);
    v = 0x20;
    OK("IPV6_TCLASS 0x20", setsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)));
    EQ("IPV6_TCLASS now", getint(s, IPPROTO_IPV6, IPV6_TCLASS), 0x20);
    v = -1;
    OK("IPV6_TCLASS -1", setsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)));
    EQ("IPV6_TCLASS after -1", getint(s, IPPROTO_IPV6, IPV6_TCLASS), 0);
    v = 3;
    OK("IPV6_UNICAST_HOPS 3", setsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v)));
    EQ("IP_TTL is separate", getint(s, IPPROTO_IP, IP_TTL), 64);

    /* An IPv4 datagram: IPV6_* hop limit / tclass are not reported. */
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&m, sizeof(m)));
    EQ("v4 datagram, v6 options only", recv_ctl(r, sizeof(ctl)), 0);
    OK("IPV6_RECVPKTINFO on", setsockopt(r, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)));
    OK("IP_RECVTTL on", setsockopt(r, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)));
    OK("IP_PKTINFO on", setsockopt(r, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)));
    v = 11;
    OK("IP_TTL 11 on the sender", setsockopt(s, IPPROTO_IP, IP_TTL, &v, sizeof(v)));
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&m, sizeof(m)));
    EQ("controllen", recv_ctl(r, sizeof(ctl)),
       CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo)) +
           CMSG_SPACE(sizeof(int)));
    off = 0;
    EQ("1 IPV6_PKTINFO", cmsg_at(off)->cmsg_type, IPV6_PKTINFO);
    {
        struct in6_pktinfo pi;
        char ip[64];
        memcpy(&pi, CMSG_DATA(cmsg_at(off)), sizeof(pi));
        STREQ("1 addr", inet_ntop(AF_INET6, &pi.ipi6_addr, ip, sizeof(ip)), "::ffff:127.0.0.1");
    }
    off += CMSG_SPACE(sizeof(struct in6_pktinfo));
    EQ("2 level", cmsg_at(off)->cmsg_level, IPPROTO_IP);
    EQ("2 IP_PKTINFO", cmsg_at(off)->cmsg_type, IP_PKTINFO);
    off += CMSG_SPACE(sizeof(struct in_pktinfo));
    EQ("3 IP_TTL", cmsg_at(off)->cmsg_type, IP_TTL);
    EQ("3 ttl is IP_TTL", cmsg_int(off), 11);
    ERR("IPV6_RECVPKTINFO no bytes", setsockopt(r, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, 0),
        EINVAL);
    OK("IPV6_RECVPKTINFO off", setsockopt(r, IPPROTO_IPV6, IPV6_RECVPKTINFO, "\0\0\0\0", 4));
    OK("IP_PKTINFO off (a byte)", setsockopt(r, IPPROTO_IP, IP_PKTINFO, "\0", 1));

    /* sendmsg to a v4-mapped peer: the IPv4 rules. */
    v = 99;
    OK("send IP_TTL 99", send_cmsg(s, &m, IPPROTO_IP, IP_TTL, &v, sizeof(v)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("  ttl", cmsg_int(0), 99);
    v = 300;
    OK("send IPV6_HOPLIMIT 300 (ignored)", send_cmsg(s, &m, IPPROTO_IPV6, IPV6_HOPLIMIT, &v,
                                                     sizeof(v)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("  ttl", cmsg_int(0), 11);
    {
        struct in6_pktinfo pi = { 0 };
        inet_pton(AF_INET6, "::ffff:127.0.0.1", &pi.ipi6_addr);
        OK("send IPV6_PKTINFO v4-mapped", send_cmsg(s, &m, IPPROTO_IPV6, IPV6_PKTINFO, &pi,
                                                    sizeof(pi)));
        MUST(recv_ctl(r, sizeof(ctl)));
        inet_pton(AF_INET6, "2001:db8::1", &pi.ipi6_addr);
        ERR("send IPV6_PKTINFO not v4-mapped", send_cmsg(s, &m, IPPROTO_IPV6, IPV6_PKTINFO, &pi,
                                                         sizeof(pi)), EINVAL);
    }
    v = 0;
    ERR("send IP_TTL 0", send_cmsg(s, &m, IPPROTO_IP, IP_TTL, &v, sizeof(v)), EINVAL);
    close(r);
    close(s);
    return conf_done();
}
