/* IPv4 ancillary data on UDP: IP_RECVTTL, IP_RECVTOS, IP_PKTINFO,
 * IP_RECVORIGDSTADDR and SO_TIMESTAMP(NS) cmsgs in Linux's order, put_cmsg
 * truncation (MSG_CTRUNC, a partial cmsg), and the IP_TTL / IP_TOS /
 * IP_PKTINFO cmsgs sendmsg takes, with their EINVAL rules. */
#include "conf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "cmsgconf.h"

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET }, o;
    socklen_t len = sizeof(a);
    int r, s, one = 1, zero = 0, v;
    long n;
    size_t off;
    struct timeval before, after;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(r = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(bind(r, (struct sockaddr *)&a, sizeof(a)));
    MUST(getsockname(r, (struct sockaddr *)&a, &len));
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));

    /* Options. */
    EQ("IP_RECVTTL default", getint(r, IPPROTO_IP, IP_RECVTTL), 0);
    EQ("IP_RECVTOS default", getint(r, IPPROTO_IP, IP_RECVTOS), 0);
    EQ("IP_RECVORIGDSTADDR default", getint(r, IPPROTO_IP, IP_RECVORIGDSTADDR), 0);
    EQ("SO_TIMESTAMP default", getint(r, SOL_SOCKET, SO_TIMESTAMP), 0);
    OK("IP_RECVTTL on", setsockopt(r, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)));
    OK("IP_RECVTOS on (a byte)", setsockopt(r, IPPROTO_IP, IP_RECVTOS, "\1", 1));
    OK("IP_RECVORIGDSTADDR on", setsockopt(r, IPPROTO_IP, IP_RECVORIGDSTADDR, &one, sizeof(one)));
    OK("IP_PKTINFO on", setsockopt(r, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)));
    OK("SO_TIMESTAMP on", setsockopt(r, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof(one)));
    EQ("IP_RECVTTL", getint(r, IPPROTO_IP, IP_RECVTTL), 1);
    EQ("IP_RECVTOS", getint(r, IPPROTO_IP, IP_RECVTOS), 1);
    EQ("IP_RECVORIGDSTADDR", getint(r, IPPROTO_IP, IP_RECVORIGDSTADDR), 1);
    EQ("SO_TIMESTAMP", getint(r, SOL_SOCKET, SO_TIMESTAMP), 1);
    {
        unsigned char b = 0xaa;
        socklen_t l = 1;
        OK("IP_TTL get into a byte", getsockopt(s, IPPROTO_IP, IP_TTL, &b, &l));
        EQ("  len", l, 1);
        EQ("  value", b, 64);
    }
    ERR("IP_TTL 0", setsockopt(s, IPPROTO_IP, IP_TTL, &zero, sizeof(zero)), EINVAL);
    v = 256;
    ERR("IP_TTL 256", setsockopt(s, IPPROTO_IP, IP_TTL, &v, sizeof(v)), EINVAL);
    ERR("IP_TTL no bytes", setsockopt(s, IPPROTO_IP, IP_TTL, &v, 0), EINVAL);
    ERR("IPV6_RECVHOPLIMIT on a v4 socket", setsockopt(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
                                                       sizeof(one)), ENOPROTOOPT);
    EQ("IPV6_RECVHOPLIMIT get on a v4 socket", getint(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT),
       -100 - EOPNOTSUPP);

    /* Every cmsg, in order: timestamp, pktinfo, ttl, tos, origdstaddr. */
    gettimeofday(&before, NULL);
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    n = recv_ctl(r, sizeof(ctl));
    gettimeofday(&after, NULL);
    EQ("controllen", n,
       CMSG_SPACE(sizeof(struct timeval)) + CMSG_SPACE(sizeof(struct in_pktinfo)) +
           CMSG_SPACE(sizeof(int)) + CMSG_SPACE(1) + CMSG_SPACE(sizeof(struct sockaddr_in)));
    EQ("flags", rflags, 0);
    off = 0;
    EQ("1 level", cmsg_at(off)->cmsg_level, SOL_SOCKET);
    EQ("1 type SCM_TIMESTAMP", cmsg_at(off)->cmsg_type, SCM_TIMESTAMP);
    EQ("1 len", cmsg_at(off)->cmsg_len, CMSG_LEN(sizeof(struct timeval)));
    {
        struct timeval tv;
        memcpy(&tv, CMSG_DATA(cmsg_at(off)), sizeof(tv));
        TRUE("timestamp within the call",
             timercmp(&tv, &before, >=) && !timercmp(&tv, &after, >) && tv.tv_usec < 1000000);
    }
    off += CMSG_SPACE(sizeof(struct timeval));
    EQ("2 level", cmsg_at(off)->cmsg_level, IPPROTO_IP);
    EQ("2 type IP_PKTINFO", cmsg_at(off)->cmsg_type, IP_PKTINFO);
    EQ("2 len", cmsg_at(off)->cmsg_len, CMSG_LEN(sizeof(struct in_pktinfo)));
    off += CMSG_SPACE(sizeof(struct in_pktinfo));
    EQ("3 level", cmsg_at(off)->cmsg_level, IPPROTO_IP);
    EQ("3 type IP_TTL", cmsg_at(off)->cmsg_type, IP_TTL);
    EQ("3 len", cmsg_at(off)->cmsg_len, CMSG_LEN(sizeof(int)));
    EQ("3 ttl", cmsg_int(off), 64);
    off += CMSG_SPACE(sizeof(int));
    EQ("4 type IP_TOS", cmsg_at(off)->cmsg_type, IP_TOS);
    EQ("4 len (one byte)", cmsg_at(off)->cmsg_len, CMSG_LEN(1));
    EQ("4 tos", *CMSG_DATA(cmsg_at(off)), 0);
    off += CMSG_SPACE(1);
    EQ("5 type IP_ORIGDSTADDR", cmsg_at(off)->cmsg_type, IP_ORIGDSTADDR);
    EQ("5 len", cmsg_at(off)->cmsg_len, CMSG_LEN(sizeof(struct sockaddr_in)));
    memcpy(&o, CMSG_DATA(cmsg_at(off)), sizeof(o));
    EQ("5 family", o.sin_family, AF_INET);
    TRUE("5 port is the receiver's", o.sin_port == a.sin_port);
    TRUE("5 addr is 127.0.0.1", o.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    OK("SO_TIMESTAMP off", setsockopt(r, SOL_SOCKET, SO_TIMESTAMP, &zero, sizeof(zero)));
    OK("IP_PKTINFO off", setsockopt(r, IPPROTO_IP, IP_PKTINFO, &zero, sizeof(zero)));
    OK("IP_RECVORIGDSTADDR off (no bytes)", setsockopt(r, IPPROTO_IP, IP_RECVORIGDSTADDR, &one, 0));
    EQ("IP_RECVORIGDSTADDR now", getint(r, IPPROTO_IP, IP_RECVORIGDSTADDR), 0);

    /* Truncation: TTL fits, TOS does not (MSG_CTRUNC). */
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    EQ("short: controllen", recv_ctl(r, CMSG_SPACE(sizeof(int)) + 8), CMSG_SPACE(sizeof(int)));
    TRUE("short: MSG_CTRUNC", rflags & MSG_CTRUNC);
    EQ("short: ttl kept", cmsg_int(0), 64);
    /* A partial cmsg: the header and what fits of the data. */
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    EQ("partial: controllen", recv_ctl(r, CMSG_LEN(sizeof(int)) - 2), CMSG_LEN(sizeof(int)) - 2);
    TRUE("partial: MSG_CTRUNC", rflags & MSG_CTRUNC);
    EQ("partial: cmsg_len", cmsg_at(0)->cmsg_len, CMSG_LEN(sizeof(int)) - 2);
    EQ("partial: type", cmsg_at(0)->cmsg_type, IP_TTL);
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    EQ("no buffer: controllen", recv_ctl(r, 0), 0);
    TRUE("no buffer: MSG_CTRUNC", rflags & MSG_CTRUNC);

    /* The socket's IP_TTL / IP_TOS reach the receiver. */
    v = 9;
    OK("IP_TTL 9", setsockopt(s, IPPROTO_IP, IP_TTL, &v, sizeof(v)));
    v = 0x28;
    OK("IP_TOS 0x28", setsockopt(s, IPPROTO_IP, IP_TOS, &v, sizeof(v)));
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("sockopt ttl", cmsg_int(0), 9);
    EQ("sockopt tos", *CMSG_DATA(cmsg_at(CMSG_SPACE(sizeof(int)))), 0x28);

    /* Per-datagram cmsgs win over the socket's options. */
    v = 200;
    OK("send IP_TTL 200", send_cmsg(s, &a, IPPROTO_IP, IP_TTL, &v, sizeof(v)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("cmsg ttl", cmsg_int(0), 200);
    EQ("  tos is the socket's", *CMSG_DATA(cmsg_at(CMSG_SPACE(sizeof(int)))), 0x28);
    v = 0xb8;
    OK("send IP_TOS 0xb8 (int)", send_cmsg(s, &a, IPPROTO_IP, IP_TOS, &v, sizeof(v)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("cmsg tos", *CMSG_DATA(cmsg_at(CMSG_SPACE(sizeof(int)))), 0xb8);
    EQ("  ttl is the socket's", cmsg_int(0), 9);
    OK("send IP_TOS 0x04 (byte)", send_cmsg(s, &a, IPPROTO_IP, IP_TOS, "\x04", 1));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("byte tos", *CMSG_DATA(cmsg_at(CMSG_SPACE(sizeof(int)))), 4);
    {
        struct in_pktinfo pi = { 0 };
        pi.ipi_spec_dst.s_addr = htonl(INADDR_LOOPBACK);
        OK("send IP_PKTINFO 127.0.0.1", send_cmsg(s, &a, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi)));
        MUST(recv_ctl(r, sizeof(ctl)));
        pi.ipi_spec_dst.s_addr = htonl(0x0afffe01);
        ERR("send IP_PKTINFO foreign source", send_cmsg(s, &a, IPPROTO_IP, IP_PKTINFO, &pi,
                                                        sizeof(pi)), ENETUNREACH);
        pi.ipi_spec_dst.s_addr = 0;
        pi.ipi_ifindex = 9999;
        ERR("send IP_PKTINFO no such ifindex", send_cmsg(s, &a, IPPROTO_IP, IP_PKTINFO, &pi,
                                                         sizeof(pi)), ENODEV);
        ERR("send IP_PKTINFO short", send_cmsg(s, &a, IPPROTO_IP, IP_PKTINFO, &pi, 8), EINVAL);
    }
    v = 0;
    ERR("send IP_TTL 0", send_cmsg(s, &a, IPPROTO_IP, IP_TTL, &v, sizeof(v)), EINVAL);
    v = 256;
    ERR("send IP_TTL 256", send_cmsg(s, &a, IPPROTO_IP, IP_TTL, &v, sizeof(v)), EINVAL);
    ERR("send IP_TTL as a byte", send_cmsg(s, &a, IPPROTO_IP, IP_TTL, "\x05", 1), EINVAL);
    ERR("send IP_TOS 256", send_cmsg(s, &a, IPPROTO_IP, IP_TOS, &v, sizeof(v)), EINVAL);
    ERR("send IP_TOS 2 bytes", send_cmsg(s, &a, IPPROTO_IP, IP_TOS, "\1\1", 2), EINVAL);
    ERR("send IP_RECVTTL (no such cmsg)", send_cmsg(s, &a, IPPROTO_IP, IP_RECVTTL, &one,
                                                    sizeof(one)), EINVAL);
    ERR("send SOL_SOCKET SO_TIMESTAMP", send_cmsg(s, &a, SOL_SOCKET, SO_TIMESTAMP, &one,
                                                  sizeof(one)), EINVAL);
    OK("send SCM_RIGHTS (ignored)", send_cmsg(s, &a, SOL_SOCKET, SCM_RIGHTS, &zero, sizeof(zero)));
    MUST(recv_ctl(r, sizeof(ctl)));
    v = 5;
    OK("send IPV6_HOPLIMIT (other level, ignored)",
       send_cmsg(s, &a, IPPROTO_IPV6, IPV6_HOPLIMIT, &v, sizeof(v)));
    MUST(recv_ctl(r, sizeof(ctl)));
    EQ("  ttl is the socket's", cmsg_int(0), 9);
    {
        /* cmsg_len shorter than a header, or past the buffer. */
        char c[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8))) = { 0 };
        struct iovec iov = { "x", 1 };
        struct msghdr mh = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov,
                             .msg_iovlen = 1, .msg_control = c, .msg_controllen = sizeof(c) };
        struct cmsghdr *cm = (struct cmsghdr *)c;
        cm->cmsg_level = IPPROTO_IP;
        cm->cmsg_type = IP_TTL;
        cm->cmsg_len = 8;
        ERR("cmsg_len 8", sendmsg(s, &mh, 0), EINVAL);
        cm->cmsg_len = sizeof(c) + 1;
        ERR("cmsg_len past the buffer", sendmsg(s, &mh, 0), EINVAL);
        mh.msg_controllen = 8; /* no whole header: nothing parsed */
        OK("controllen 8", sendmsg(s, &mh, 0));
        MUST(recv_ctl(r, sizeof(ctl)));
    }
    {
        /* No destination: EDESTADDRREQ wins over a bad cmsg. */
        struct sockaddr_in none = { 0 };
        int u;
        char c[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8))) = { 0 };
        struct iovec iov = { "x", 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c,
                             .msg_controllen = sizeof(c) };
        struct cmsghdr *cm = (struct cmsghdr *)c;
        (void)none;
        MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
        cm->cmsg_level = IPPROTO_IP;
        cm->cmsg_type = IP_TTL;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        ERR("no destination, bad TTL", sendmsg(u, &mh, 0), EDESTADDRREQ);
        close(u);
    }

    /* SO_TIMESTAMPNS: a timespec; it turns SO_TIMESTAMP off. */
    OK("IP_RECVTTL off", setsockopt(r, IPPROTO_IP, IP_RECVTTL, &zero, sizeof(zero)));
    OK("IP_RECVTOS off", setsockopt(r, IPPROTO_IP, IP_RECVTOS, &zero, sizeof(zero)));
    OK("SO_TIMESTAMP on", setsockopt(r, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof(one)));
    OK("SO_TIMESTAMPNS on", setsockopt(r, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)));
    EQ("SO_TIMESTAMP now", getint(r, SOL_SOCKET, SO_TIMESTAMP), 0);
    EQ("SO_TIMESTAMPNS now", getint(r, SOL_SOCKET, SO_TIMESTAMPNS), 1);
    ERR("SO_TIMESTAMPNS short", setsockopt(r, SOL_SOCKET, SO_TIMESTAMPNS, &one, 2), EINVAL);
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    EQ("ns controllen", recv_ctl(r, sizeof(ctl)), CMSG_SPACE(sizeof(struct timespec)));
    EQ("ns type SCM_TIMESTAMPNS", cmsg_at(0)->cmsg_type, SCM_TIMESTAMPNS);
    {
        struct timespec ts;
        memcpy(&ts, CMSG_DATA(cmsg_at(0)), sizeof(ts));
        TRUE("ns in range", ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000 &&
                                ts.tv_sec >= before.tv_sec && ts.tv_sec <= after.tv_sec + 60);
    }
    OK("SO_TIMESTAMPNS off", setsockopt(r, SOL_SOCKET, SO_TIMESTAMPNS, &zero, sizeof(zero)));
    EQ("SO_TIMESTAMP after off", getint(r, SOL_SOCKET, SO_TIMESTAMP), 0);
    MUST(sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)));
    EQ("nothing on", recv_ctl(r, sizeof(ctl)), 0);

    /* TCP: IP_RECVTOS / IP_RECVTTL are not reported. */
    {
        struct sockaddr_in t = { .sin_family = AF_INET };
        int l, c, acc;
        t.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof(t);
        MUST(l = socket(AF_INET, SOCK_STREAM, 0));
        MUST(bind(l, (struct sockaddr *)&t, sizeof(t)));
        MUST(listen(l, 1));
        MUST(getsockname(l, (struct sockaddr *)&t, &len));
        MUST(c = socket(AF_INET, SOCK_STREAM, 0));
        MUST(connect(c, (struct sockaddr *)&t, sizeof(t)));
        MUST(acc = accept(l, NULL, NULL));
        OK("tcp SO_TIMESTAMP", setsockopt(acc, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof(one)));
        OK("tcp IP_RECVTOS", setsockopt(acc, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one)));
        OK("tcp IP_RECVTTL", setsockopt(acc, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)));
        MUST(write(c, "hello", 5));
        usleep(20000);
        /* Linux stamps TCP data only now and then on loopback (native runs
         * differ from one to the next): what is required is that no TOS or
         * TTL cmsg comes, and a timestamp if anything. */
        {
            long n = recv_ctl(acc, sizeof(ctl));
            TRUE("tcp: a timestamp or nothing",
                 n == 0 || (n == (long)CMSG_SPACE(sizeof(struct timeval)) &&
                            cmsg_at(0)->cmsg_type == SCM_TIMESTAMP));
        }
        close(acc);
        close(c);
        close(l);
    }
    close(r);
    close(s);
    return conf_done();
}
