/* Socket options of TCP and UDP sockets: round trips, Linux's buffer
 * doubling, read-only options, bad lengths. */
#include "conf.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>

static int geti(int fd, int level, int name)
{
    int v = -1;
    socklen_t l = sizeof(v);
    if (getsockopt(fd, level, name, &v, &l))
        return -1;
    return l == sizeof(v) ? v : -2;
}

static int seti(int fd, int level, int name, int v)
{
    return setsockopt(fd, level, name, &v, sizeof(v));
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    struct timeval tv = { 1, 500000 }, tv2;
    struct linger lg = { 1, 7 }, lg2;
    socklen_t l;
    int s, u, v = 0;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    EQ("SO_TYPE", geti(s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    EQ("SO_DOMAIN", geti(s, SOL_SOCKET, SO_DOMAIN), AF_INET);
    EQ("SO_PROTOCOL", geti(s, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
    EQ("SO_ERROR", geti(s, SOL_SOCKET, SO_ERROR), 0);
    EQ("SO_REUSEADDR default", geti(s, SOL_SOCKET, SO_REUSEADDR), 0);
    OK("set SO_REUSEADDR", seti(s, SOL_SOCKET, SO_REUSEADDR, 1));
    EQ("SO_REUSEADDR", geti(s, SOL_SOCKET, SO_REUSEADDR), 1);
    OK("set SO_REUSEPORT", seti(s, SOL_SOCKET, SO_REUSEPORT, 1));
    EQ("SO_REUSEPORT", geti(s, SOL_SOCKET, SO_REUSEPORT), 1);
    EQ("SO_KEEPALIVE default", geti(s, SOL_SOCKET, SO_KEEPALIVE), 0);
    OK("set SO_KEEPALIVE", seti(s, SOL_SOCKET, SO_KEEPALIVE, 5));
    EQ("SO_KEEPALIVE", geti(s, SOL_SOCKET, SO_KEEPALIVE), 1);
    EQ("TCP_NODELAY default", geti(s, IPPROTO_TCP, TCP_NODELAY), 0);
    OK("set TCP_NODELAY", seti(s, IPPROTO_TCP, TCP_NODELAY, 1));
    EQ("TCP_NODELAY", geti(s, IPPROTO_TCP, TCP_NODELAY), 1);
    OK("set TCP_KEEPIDLE", seti(s, IPPROTO_TCP, TCP_KEEPIDLE, 30));
    EQ("TCP_KEEPIDLE", geti(s, IPPROTO_TCP, TCP_KEEPIDLE), 30);
    OK("set TCP_KEEPINTVL", seti(s, IPPROTO_TCP, TCP_KEEPINTVL, 5));
    EQ("TCP_KEEPINTVL", geti(s, IPPROTO_TCP, TCP_KEEPINTVL), 5);
    OK("set TCP_KEEPCNT", seti(s, IPPROTO_TCP, TCP_KEEPCNT, 4));
    EQ("TCP_KEEPCNT", geti(s, IPPROTO_TCP, TCP_KEEPCNT), 4);
    ERR("TCP_KEEPIDLE 0", seti(s, IPPROTO_TCP, TCP_KEEPIDLE, 0), EINVAL);
    OK("set SO_RCVBUF", seti(s, SOL_SOCKET, SO_RCVBUF, 8192));
    EQ("SO_RCVBUF doubled", geti(s, SOL_SOCKET, SO_RCVBUF), 16384);
    OK("set SO_SNDBUF", seti(s, SOL_SOCKET, SO_SNDBUF, 8192));
    EQ("SO_SNDBUF doubled", geti(s, SOL_SOCKET, SO_SNDBUF), 16384);
    OK("set SO_RCVBUF tiny", seti(s, SOL_SOCKET, SO_RCVBUF, 1));
    EQ("SO_RCVBUF minimum", geti(s, SOL_SOCKET, SO_RCVBUF), 2304);
    OK("set SO_RCVTIMEO", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    l = sizeof(tv2);
    OK("get SO_RCVTIMEO", getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv2, &l));
    TRUE("SO_RCVTIMEO round trip", l == sizeof(tv2) && tv2.tv_sec == 1 && tv2.tv_usec == 500000);
    tv.tv_usec = 1000000;
    ERR("SO_SNDTIMEO bad usec", setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), EDOM);
    ERR("SO_SNDTIMEO short", setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, 4), EINVAL);
    OK("set SO_LINGER", setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
    l = sizeof(lg2);
    OK("get SO_LINGER", getsockopt(s, SOL_SOCKET, SO_LINGER, &lg2, &l));
    TRUE("SO_LINGER round trip", l == sizeof(lg2) && lg2.l_onoff == 1 && lg2.l_linger == 7);
    ERR("short int option", setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, 2), EINVAL);
    ERR("unknown TCP option", seti(s, IPPROTO_TCP, 9999, 1), ENOPROTOOPT);
    ERR("unknown SOL_SOCKET option", seti(s, SOL_SOCKET, 9999, 1), ENOPROTOOPT);
    ERR("bad pointer", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, BADPTR, 4), EFAULT);
    l = 4;
    ERR("bad pointer get", getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, BADPTR, &l), EFAULT);
    EQ("IP_TTL default", geti(s, IPPROTO_IP, IP_TTL), 64);
    OK("set IP_TTL", seti(s, IPPROTO_IP, IP_TTL, 12));
    EQ("IP_TTL", geti(s, IPPROTO_IP, IP_TTL), 12);
    OK("set IP_TOS", seti(s, IPPROTO_IP, IP_TOS, 0x10));
    EQ("IP_TOS", geti(s, IPPROTO_IP, IP_TOS), 0x10);
    EQ("SO_ACCEPTCONN before listen", geti(s, SOL_SOCKET, SO_ACCEPTCONN), 0);
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(listen(s, 1));
    EQ("SO_ACCEPTCONN listening", geti(s, SOL_SOCKET, SO_ACCEPTCONN), 1);
    {
        char cc[32] = "";
        l = sizeof(cc);
        OK("get TCP_CONGESTION", getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc, &l));
        TRUE("congestion named", cc[0] != 0);
    }
    close(s);

    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    EQ("udp SO_TYPE", geti(u, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
    EQ("udp SO_PROTOCOL", geti(u, SOL_SOCKET, SO_PROTOCOL), IPPROTO_UDP);
    EQ("udp SO_BROADCAST default", geti(u, SOL_SOCKET, SO_BROADCAST), 0);
    OK("udp set SO_BROADCAST", seti(u, SOL_SOCKET, SO_BROADCAST, 1));
    EQ("udp SO_BROADCAST", geti(u, SOL_SOCKET, SO_BROADCAST), 1);
    ERR("udp TCP_NODELAY", seti(u, IPPROTO_TCP, TCP_NODELAY, 1), ENOPROTOOPT);
    close(u);
    MUST(u = socket(AF_INET6, SOCK_DGRAM, 0));
    EQ("v6 SO_DOMAIN", geti(u, SOL_SOCKET, SO_DOMAIN), AF_INET6);
    OK("set IPV6_V6ONLY", seti(u, IPPROTO_IPV6, IPV6_V6ONLY, 1));
    EQ("IPV6_V6ONLY", geti(u, IPPROTO_IPV6, IPV6_V6ONLY), 1);
    close(u);
    return conf_done();
}
