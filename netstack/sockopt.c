/* netstack/sockopt.c: socket options at SOL_SOCKET, IPPROTO_IP and
 * IPPROTO_IPV6 (IPPROTO_TCP ones are in tcp_api.c), with Linux's rules for
 * lengths and the doubling of buffer sizes. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "netstack/ns_impl.h"

#define RMEM_MAX 212992
#define WMEM_MAX 212992
#define SOCK_MIN_RCVBUF 2304
#define SOCK_MIN_SNDBUF 4608

static int get_int(const void *val, size_t len, int *out)
{
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(out, val, sizeof(int));
    return 0;
}

static int put_int(void *val, size_t *len, int v)
{
    size_t n = SB_MIN(*len, sizeof(int));
    memcpy(val, &v, n);
    *len = n;
    return 0;
}

static int sol_socket_set(struct ns_ep *ep, int name, const void *val, size_t len)
{
    int v, r;
    if (name == SO_LINGER) {
        struct linger l;
        if (len < sizeof(l))
            return -EINVAL;
        memcpy(&l, val, sizeof(l));
        ep->linger_on = l.l_onoff != 0;
        ep->linger_s = l.l_linger;
        return 0;
    }
    if ((r = get_int(val, len, &v)) < 0)
        return r;
    switch (name) {
    case SO_REUSEADDR:
        ep->reuseaddr = v != 0;
        return 0;
    case SO_REUSEPORT:
        ep->reuseport = v != 0;
        return 0;
    case SO_BROADCAST:
        ep->broadcast = v != 0;
        return 0;
    case SO_KEEPALIVE:
        ep->keepalive = v != 0;
        if (ep->type == SOCK_STREAM)
            ns_tcp_bufs_changed(ep); /* re-arms the keepalive timer */
        return 0;
    case SO_RCVBUF:
        v = SB_MIN((unsigned)v, RMEM_MAX);
        ep->rcvbuf = SB_MAX(v * 2, SOCK_MIN_RCVBUF);
        ep->rcvbuf_set = true;
        if (ep->type == SOCK_STREAM)
            ns_tcp_bufs_changed(ep);
        return 0;
    case SO_SNDBUF:
        v = SB_MIN((unsigned)v, WMEM_MAX);
        ep->sndbuf = SB_MAX(v * 2, SOCK_MIN_SNDBUF);
        ep->sndbuf_set = true;
        if (ep->type == SOCK_STREAM)
            ns_tcp_bufs_changed(ep);
        return 0;
    }
    return -ENOPROTOOPT;
}

static int sol_socket_get(struct ns_ep *ep, int name, void *val, size_t *len)
{
    switch (name) {
    case SO_LINGER: {
        struct linger l = {.l_onoff = ep->linger_on, .l_linger = ep->linger_s};
        size_t n = SB_MIN(*len, sizeof(l));
        memcpy(val, &l, n);
        *len = n;
        return 0;
    }
    case SO_ERROR: {
        int e = ep->so_error;
        ep->so_error = 0;
        return put_int(val, len, -e);
    }
    case SO_REUSEADDR:
        return put_int(val, len, ep->reuseaddr);
    case SO_REUSEPORT:
        return put_int(val, len, ep->reuseport);
    case SO_BROADCAST:
        return put_int(val, len, ep->broadcast);
    case SO_KEEPALIVE:
        return put_int(val, len, ep->keepalive);
    case SO_RCVBUF:
        return put_int(val, len, ep->rcvbuf);
    case SO_SNDBUF:
        return put_int(val, len, ep->sndbuf);
    case SO_TYPE:
        return put_int(val, len, ep->type);
    case SO_DOMAIN:
        return put_int(val, len, ep->family);
    case SO_PROTOCOL:
        return put_int(val, len, ep->protocol);
    case SO_ACCEPTCONN:
        return put_int(val, len, ep->type == SOCK_STREAM && ep->tcp.state == TCPS_LISTEN);
    }
    return -ENOPROTOOPT;
}

/* The receive options that are a flag each, by level and name. */
static const struct {
    int level, name;
    unsigned bit;
} rx_flags[] = {
    {IPPROTO_IP, IP_PKTINFO, NS_RXO_PKTINFO},
    {IPPROTO_IP, IP_RECVTTL, NS_RXO_TTL},
    {IPPROTO_IP, IP_RECVTOS, NS_RXO_TOS},
    {IPPROTO_IP, IP_RECVORIGDSTADDR, NS_RXO_ORIGDSTADDR},
    {IPPROTO_IPV6, IPV6_RECVPKTINFO, NS_RXO6_PKTINFO},
    {IPPROTO_IPV6, IPV6_RECVHOPLIMIT, NS_RXO6_HOPLIMIT},
    {IPPROTO_IPV6, IPV6_RECVTCLASS, NS_RXO6_TCLASS},
    {IPPROTO_IPV6, IPV6_RECVORIGDSTADDR, NS_RXO6_ORIGDSTADDR},
    {IPPROTO_IPV6, IPV6_2292PKTINFO, NS_RXO6_2292PKTINFO},
    {IPPROTO_IPV6, IPV6_2292HOPLIMIT, NS_RXO6_2292HOPLIMIT},
};

static unsigned rx_flag(int level, int name)
{
    for (size_t i = 0; i < sizeof(rx_flags) / sizeof(rx_flags[0]); i++)
        if (rx_flags[i].level == level && rx_flags[i].name == name)
            return rx_flags[i].bit;
    return 0;
}

/* do_ip_setsockopt: an int, or a byte when shorter; nothing reads as 0. */
static int ip_set(struct ns_ep *ep, int name, const void *val, size_t len)
{
    unsigned bit = rx_flag(IPPROTO_IP, name);
    int v = 0;

    if (len >= sizeof(int))
        memcpy(&v, val, sizeof(int));
    else if (len >= 1)
        v = *(const uint8_t *)val;
    if (bit) {
        ep->rxopts = v ? ep->rxopts | bit : ep->rxopts & ~bit;
        return 0;
    }
    switch (name) {
    case IP_TTL:
        if (len < 1 || (v != -1 && (v < 1 || v > 255)))
            return -EINVAL;
        ep->ttl = v;
        return 0;
    case IP_TOS:
        ep->tos = v & 0xff;
        return 0;
    }
    return -ENOPROTOOPT;
}

/* do_ipv6_setsockopt: shorter than an int is EINVAL. */
static int ip6_set(struct ns_ep *ep, int name, const void *val, size_t len)
{
    unsigned bit = rx_flag(IPPROTO_IPV6, name);
    int v, r;

    if (ep->family != AF_INET6)
        return -ENOPROTOOPT;
    if (!bit && name != IPV6_V6ONLY && name != IPV6_UNICAST_HOPS && name != IPV6_TCLASS)
        return -ENOPROTOOPT;
    if ((r = get_int(val, len, &v)) < 0)
        return r;
    if (bit) {
        ep->rxopts = v ? ep->rxopts | bit : ep->rxopts & ~bit;
        return 0;
    }
    switch (name) {
    case IPV6_V6ONLY:
        if (ep->bound)
            return -EINVAL;
        ep->v6only = v != 0;
        return 0;
    case IPV6_UNICAST_HOPS:
        if (v < -1 || v > 255)
            return -EINVAL;
        ep->hoplimit = v;
        return 0;
    default: /* IPV6_TCLASS; RFC 3542 6.5: -1 is the default, 0 */
        if (v < -1 || v > 255)
            return -EINVAL;
        ep->tclass = v < 0 ? 0 : v;
        return 0;
    }
}

/* do_ip_getsockopt: a byte when the room is short and the value fits. */
static int ip_get(struct ns_ep *ep, int name, void *val, size_t *len)
{
    unsigned bit = rx_flag(IPPROTO_IP, name);
    int v;

    if (bit)
        v = (ep->rxopts & bit) != 0;
    else if (name == IP_TTL)
        v = ep->ttl >= 0 ? ep->ttl : 64;
    else if (name == IP_TOS)
        v = ep->tos >= 0 ? ep->tos : 0;
    else
        return -ENOPROTOOPT;
    if (*len > 0 && *len < sizeof(int)) {
        *(uint8_t *)val = (uint8_t)v;
        *len = 1;
        return 0;
    }
    return put_int(val, len, v);
}

static int ip6_get(struct ns_ep *ep, int name, void *val, size_t *len)
{
    unsigned bit = rx_flag(IPPROTO_IPV6, name);

    if (ep->family != AF_INET6)
        return -EOPNOTSUPP; /* do_ip_getsockopt: not SOL_IP */
    if (bit)
        return put_int(val, len, (ep->rxopts & bit) != 0);
    switch (name) {
    case IPV6_V6ONLY:
        return put_int(val, len, ep->v6only);
    case IPV6_UNICAST_HOPS:
        return put_int(val, len, ep->hoplimit >= 0 ? ep->hoplimit : 64);
    case IPV6_TCLASS:
        return put_int(val, len, ep->tclass >= 0 ? ep->tclass : 0);
    }
    return -ENOPROTOOPT;
}

int ns_ep_setsockopt(struct ns_ep *ep, int level, int name, const void *val, size_t len)
{
    switch (level) {
    case SOL_SOCKET:
        return sol_socket_set(ep, name, val, len);
    case IPPROTO_IP:
        return ip_set(ep, name, val, len);
    case IPPROTO_IPV6:
        return ip6_set(ep, name, val, len);
    case IPPROTO_TCP:
        if (ep->type != SOCK_STREAM)
            return -EOPNOTSUPP;
        return ns_tcp_setsockopt(ep, name, val, len);
    }
    return -ENOPROTOOPT;
}

int ns_ep_getsockopt(struct ns_ep *ep, int level, int name, void *val, size_t *len)
{
    switch (level) {
    case SOL_SOCKET:
        return sol_socket_get(ep, name, val, len);
    case IPPROTO_IP:
        return ip_get(ep, name, val, len);
    case IPPROTO_IPV6:
        return ip6_get(ep, name, val, len);
    case IPPROTO_TCP:
        if (ep->type != SOCK_STREAM)
            return -EOPNOTSUPP;
        return ns_tcp_getsockopt(ep, name, val, len);
    }
    return -ENOPROTOOPT;
}
