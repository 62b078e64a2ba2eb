/* IP_PKTINFO and IPV6_RECVPKTINFO control messages on UDP: the
 * destination address and interface of each datagram; MSG_CTRUNC when
 * the control buffer is too small. */
#include "conf.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int recv_ctl(int fd, char *ctl, size_t ctllen, int *flags)
{
    char buf[16];
    struct iovec iov = { buf, sizeof(buf) };
    struct msghdr mh = { 0 };

    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl;
    mh.msg_controllen = ctllen;
    if (recvmsg(fd, &mh, 0) < 0)
        return -1;
    *flags = mh.msg_flags;
    return (int)mh.msg_controllen;
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
    socklen_t len = sizeof(a);
    char ctl[256] __attribute__((aligned(8))), ip[64];
    struct cmsghdr *c;
    int r, s, one = 1, flags = 0, n;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(r = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(bind(r, (struct sockaddr *)&a, sizeof(a)));
    MUST(getsockname(r, (struct sockaddr *)&a, &len));
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));

    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    EQ("no control without the option", recv_ctl(r, ctl, sizeof(ctl), &flags), 0);
    OK("IP_PKTINFO on", setsockopt(r, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)));
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    n = recv_ctl(r, ctl, sizeof(ctl), &flags);
    EQ("control length", n, CMSG_SPACE(sizeof(struct in_pktinfo)));
    {
        struct msghdr mh = { .msg_control = ctl, .msg_controllen = (size_t)n };
        c = CMSG_FIRSTHDR(&mh);
        TRUE("cmsg", c != NULL);
        if (c) {
            struct in_pktinfo pi;
            EQ("level", c->cmsg_level, IPPROTO_IP);
            EQ("type", c->cmsg_type, IP_PKTINFO);
            EQ("len", c->cmsg_len, CMSG_LEN(sizeof(pi)));
            memcpy(&pi, CMSG_DATA(c), sizeof(pi));
            STREQ("ipi_addr", inet_ntop(AF_INET, &pi.ipi_addr, ip, sizeof(ip)), "127.0.0.1");
            TRUE("ipi_ifindex is lo", (unsigned)pi.ipi_ifindex == if_nametoindex("lo") ||
                                          pi.ipi_ifindex == 1);
        }
    }
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    n = recv_ctl(r, ctl, 8, &flags);
    TRUE("MSG_CTRUNC", flags & MSG_CTRUNC);
    close(r);

    /* A dual-stack v6 socket: IPV6_PKTINFO with the v4-mapped destination. */
    MUST(r = socket(AF_INET6, SOCK_DGRAM, 0));
    MUST(bind(r, (struct sockaddr *)&a6, sizeof(a6)));
    len = sizeof(a6);
    MUST(getsockname(r, (struct sockaddr *)&a6, &len));
    OK("IPV6_RECVPKTINFO on", setsockopt(r, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)));
    a.sin_port = a6.sin6_port;
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    n = recv_ctl(r, ctl, sizeof(ctl), &flags);
    EQ("v6 control length", n, CMSG_SPACE(sizeof(struct in6_pktinfo)));
    {
        struct msghdr mh = { .msg_control = ctl, .msg_controllen = (size_t)n };
        c = CMSG_FIRSTHDR(&mh);
        if (c) {
            struct in6_pktinfo pi;
            EQ("v6 level", c->cmsg_level, IPPROTO_IPV6);
            EQ("v6 type", c->cmsg_type, IPV6_PKTINFO);
            memcpy(&pi, CMSG_DATA(c), sizeof(pi));
            STREQ("ipi6_addr", inet_ntop(AF_INET6, &pi.ipi6_addr, ip, sizeof(ip)), "::ffff:127.0.0.1");
        }
    }
    close(r);
    close(s);
    return conf_done();
}
