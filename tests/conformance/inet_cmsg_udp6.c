/* RFC 3542 ancillary data on UDP over ::1 (skipped where the host has no
 * ::1): IPV6_PKTINFO, IPV6_HOPLIMIT, IPV6_TCLASS, IPV6_2292HOPLIMIT and
 * IPV6_ORIGDSTADDR in Linux's order; IPV6_HOPLIMIT / IPV6_TCLASS /
 * IPV6_PKTINFO cmsgs on sendmsg and their EINVAL rules. */
#include "conf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "cmsgconf.h"

int main(void)
{
    struct sockaddr_in6 a = { .sin6_family = AF_INET6 }, o;
    socklen_t len = sizeof(a);
    int r, s, one = 1, v;
    size_t off;

    a.sin6_addr = in6addr_loopback;
    MUST(r = socket(AF_INET6, SOCK_DGRAM, 0));
    if (bind(r, (struct sockaddr *)&a, sizeof(a)) && errno == EADDRNOTAVAIL)
        conf_skip("no ::1 on this host's lo");
    MUST(getsockname(r, (struct sockaddr *)&a, &len));
    MUST(s = socket(AF_INET6, SOCK_DGRAM, 0));
    OK("IPV6_RECVPKTINFO", setsockopt(r, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)));
    OK("IPV6_RECVHOPLIMIT", setsockopt(r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)));
    OK("IPV6_RECVTCLASS", setsockopt(r, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, sizeof(one)));
    OK("IPV6_RECVORIGDSTADDR", setsockopt(r, IPPROTO_IPV6, IPV6_RECVORIGDSTADDR, &one,
                                          sizeof(one)));
    OK("IP_RECVTTL (not for IPv6 datagrams)", setsockopt(r, IPPROTO_IP, IP_RECVTTL, &one,
                                                         sizeof(one)));
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    EQ("controllen", recv_ctl(r, sizeof(ctl)),
       CMSG_SPACE(sizeof(struct in6_pktinfo)) + 2 * CMSG_SPACE(sizeof(int)) +
           CMSG_SPACE(sizeof(struct sockaddr_in6)));
    EQ("flags", rflags, 0);
    off = 0;
    EQ("1 IPV6_PKTINFO", cmsg_at(off)->cmsg_type, IPV6_PKTINFO);
    {
        struct in6_pktinfo pi;
        memcpy(&pi, CMSG_DATA(cmsg_at(off)), sizeof(pi));
        TRUE("1 addr ::1", IN6_IS_ADDR_LOOPBACK(&pi.ipi6_addr));
    }
    off += CMSG_SPACE(sizeof(struct in6_pktinfo));
    EQ("2 IPV6_HOPLIMIT", cmsg_at(off)->cmsg_type, IPV6_HOPLIMIT);
    EQ("2 len", cmsg_at(off)->cmsg_len, CMSG_LEN(sizeof(int)));
    EQ("2 hop limit", cmsg_int(off), 64);
    off += CMSG_SPACE(sizeof(int));
    EQ("3 IPV6_TCLASS", cmsg_at(off)->cmsg_type, IPV6_TCLASS);
    EQ("3 tclass", cmsg_int(off), 0);
    off += CMSG_SPACE(sizeof(int));
    EQ("4 IPV6_ORIGDSTADDR", cmsg_at(off)->cmsg_type, IPV6_ORIGDSTADDR);
    memcpy(&o, CMSG_DATA(cmsg_at(off)), sizeof(o));
    TRUE("4 port", o.sin6_port == a.sin6_port);
    TRUE("4 addr", IN6_IS_ADDR_LOOPBACK(&o.sin6_addr));
    OK("IPV6_RECVPKTINFO off", setsockopt(r, IPPROTO_IPV6, IPV6_RECVPKTINFO, "\0\0\0\0", 4));
    OK("IPV6_RECVORIGDSTADDR off", setsockopt(r, IPPROTO_IPV6, IPV6_RECVORIGDSTADDR,
                                              "\0\0\0\0", 4));

    /* Socket options, then per-datagram cmsgs. */
    v = 7;
    OK("IPV6_UNICAST_HOPS 7", setsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v)));
    v = 0x48;
    OK("IPV6_TCLASS 0x48", setsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)));
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("sockopt hop limit", cmsg_int(0), 7);
    EQ("sockopt tclass", cmsg_int(CMSG_SPACE(sizeof(int))), 0x48);
    v = 255;
    OK("send IPV6_HOPLIMIT 255", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_HOPLIMIT, &v, sizeof(v)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("  hop limit", cmsg_int(0), 255);
    v = -1;
    OK("send IPV6_HOPLIMIT -1", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_HOPLIMIT, &v, sizeof(v)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("  hop limit is the socket's", cmsg_int(0), 7);
    v = 0xfc;
    OK("send IPV6_TCLASS 0xfc", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("  tclass", cmsg_int(CMSG_SPACE(sizeof(int))), 0xfc);
    v = 0;
    OK("send IPV6_TCLASS 0", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("  tclass 0", cmsg_int(CMSG_SPACE(sizeof(int))), 0);
    v = 5;
    OK("send IP_TTL (other level, ignored)", send_cmsg(s, &a, IPPROTO_IP, IP_TTL, &v, sizeof(v)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("  hop limit is the socket's", cmsg_int(0), 7);
    v = -2;
    ERR("send IPV6_HOPLIMIT -2", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_HOPLIMIT, &v, sizeof(v)),
        EINVAL);
    v = 256;
    ERR("send IPV6_HOPLIMIT 256", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_HOPLIMIT, &v, sizeof(v)),
        EINVAL);
    ERR("send IPV6_HOPLIMIT short", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_HOPLIMIT, &v, 2), EINVAL);
    ERR("send IPV6_TCLASS 256", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)), EINVAL);
    ERR("send IPV6_RECVHOPLIMIT (no such cmsg)",
        send_cmsg(s, &a, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)), EINVAL);
    {
        struct in6_pktinfo pi = { 0 };
        pi.ipi6_addr = in6addr_loopback;
        OK("send IPV6_PKTINFO ::1", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi)));
        MUST(recv_ctl(r, sizeof(ctl)));
        inet_pton(AF_INET6, "2001:db8::1", &pi.ipi6_addr);
        ERR("send IPV6_PKTINFO foreign", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_PKTINFO, &pi,
                                                   sizeof(pi)), EINVAL);
        pi.ipi6_addr = in6addr_any;
        pi.ipi6_ifindex = 9999;
        ERR("send IPV6_PKTINFO no such ifindex", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_PKTINFO, &pi,
                                                           sizeof(pi)), ENODEV);
        ERR("send IPV6_PKTINFO short", send_cmsg(s, &a, IPPROTO_IPV6, IPV6_PKTINFO, &pi, 16),
            EINVAL);
    }
    close(r);
    close(s);
    return conf_done();
}
