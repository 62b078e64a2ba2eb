/* sentry/socket/inet_cmsg.c: ancillary data of AF_INET/AF_INET6 datagrams:
 * the control messages sendmsg takes (ip_cmsg_send, ip6_datagram_send_ctl,
 * __sock_cmsg_send) and the ones recvmsg reports (sock_recv_cmsgs,
 * ip_cmsg_recv_offset, ip6_datagram_recv_ctl), in Linux's order. */
#include "sentry/socket/inet_impl.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#ifndef SO_TIMESTAMP_NEW
#define SO_TIMESTAMP_NEW 63
#define SO_TIMESTAMPNS_NEW 64
#endif
#ifndef SO_TIMESTAMPING_NEW
#define SO_TIMESTAMPING_NEW 65
#endif
#ifndef IP_PROTOCOL
#define IP_PROTOCOL 52
#endif
#ifndef IPV6_FLOWINFO
#define IPV6_FLOWINFO 11
#endif
#define SOF_TX_RECORD_MASK 0x303u /* SOF_TIMESTAMPING_TX_{HARDWARE,SOFTWARE,SCHED,ACK} */

static int cmsg_int(const struct sock_cmsg_in *c, int lo, int hi, int *out)
{
    int v;

    if (c->len != sizeof(int))
        return -EINVAL;
    memcpy(&v, c->data, sizeof(v));
    if (v < lo || v > hi)
        return -EINVAL;
    *out = v;
    return 0;
}

/* __sock_cmsg_send: SOL_SOCKET on an inet socket. */
static int sol_cmsg(const struct sock_cmsg_in *c)
{
    uint32_t v;

    switch (c->type) {
    case SO_MARK:
    case SO_TIMESTAMPING_OLD:
    case SO_TIMESTAMPING_NEW:
        if (c->len != sizeof(uint32_t))
            return -EINVAL;
        memcpy(&v, c->data, sizeof(v));
        if (c->type != SO_MARK && (v & ~SOF_TX_RECORD_MASK))
            return -EINVAL;
        return 0; /* no mark, no transmit timestamps: nothing to do */
    case SCM_RIGHTS:
    case SCM_CREDENTIALS:
        return 0; /* "semantically in SOL_UNIX": ignored */
    }
    return -EINVAL;
}

/* ip_cmsg_send: IPv4 destination; a v6 socket may also give IPV6_PKTINFO
 * with a v4-mapped address. */
static int ip4_cmsg(const struct sock_cmsg_in *c, bool v6sock, struct ns_txopts *o)
{
    if (v6sock && c->level == IPPROTO_IPV6 && c->type == IPV6_PKTINFO) {
        struct in6_pktinfo pi;
        if (c->len < sizeof(pi))
            return -EINVAL;
        memcpy(&pi, c->data, sizeof(pi));
        if (!IN6_IS_ADDR_V4MAPPED(&pi.ipi6_addr))
            return -EINVAL;
        if (pi.ipi6_ifindex)
            o->ifindex = (int)pi.ipi6_ifindex;
        o->has_src = true;
        memcpy(o->src.b, &pi.ipi6_addr, 16);
        return 0;
    }
    if (c->level != IPPROTO_IP)
        return 0;
    switch (c->type) {
    case IP_PKTINFO: {
        struct in_pktinfo pi;
        if (c->len != sizeof(pi))
            return -EINVAL;
        memcpy(&pi, c->data, sizeof(pi));
        if (pi.ipi_ifindex)
            o->ifindex = pi.ipi_ifindex;
        o->has_src = true;
        ns_addr_v4(&o->src, ntohl(pi.ipi_spec_dst.s_addr));
        return 0;
    }
    case IP_TTL:
        return cmsg_int(c, 1, 255, &o->ttl);
    case IP_TOS:
        if (c->len == 1) {
            o->tos = c->data[0];
            return 0;
        }
        return cmsg_int(c, 0, 255, &o->tos);
    case IP_PROTOCOL: {
        int proto;
        return cmsg_int(c, 1, 255, &proto); /* only raw sockets use it */
    }
    case IP_RETOPTS:
        return c->len ? -EINVAL : 0; /* no IP options: an empty set only */
    }
    return -EINVAL;
}

/* ip6_datagram_send_ctl: IPv6 destination. */
static int ip6_cmsg(const struct sock_cmsg_in *c, struct ns_txopts *o)
{
    int v;

    if (c->level != IPPROTO_IPV6)
        return 0;
    switch (c->type) {
    case IPV6_PKTINFO:
    case IPV6_2292PKTINFO: {
        struct in6_pktinfo pi;
        if (c->len < sizeof(pi))
            return -EINVAL;
        memcpy(&pi, c->data, sizeof(pi));
        if (pi.ipi6_ifindex)
            o->ifindex = (int)pi.ipi6_ifindex;
        if (!o->ifindex && IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
            return -EINVAL;
        o->has_src = true;
        memcpy(o->src.b, &pi.ipi6_addr, 16);
        return 0;
    }
    case IPV6_FLOWINFO:
        return c->len < 4 ? -EINVAL : 0; /* flow labels are not sent */
    case IPV6_HOPLIMIT:
    case IPV6_2292HOPLIMIT:
        return cmsg_int(c, -1, 255, &o->ttl);
    case IPV6_TCLASS:
        return cmsg_int(c, -1, 255, &o->tos);
    case IPV6_DONTFRAG:
        return cmsg_int(c, 0, 1, &v); /* nothing is fragmented here */
    }
    return -EINVAL; /* extension headers are not supported either */
}

int inet_cmsg_send(struct inet_sock *is, const uint8_t *ctl, size_t clen, bool v4dst,
                   struct ns_txopts *o)
{
    struct sock_cmsg_in c;
    size_t off = 0;
    int r;

    memset(o, 0, sizeof(*o));
    o->ttl = o->tos = -1;
    while ((r = sock_cmsg_next(ctl, clen, &off, &c)) > 0) {
        if (c.level == SOL_SOCKET)
            r = sol_cmsg(&c);
        else if (c.level == IPPROTO_UDP)
            r = -EINVAL; /* UDP_SEGMENT (GSO) is not supported */
        else if (v4dst)
            r = ip4_cmsg(&c, is->sock.family == AF_INET6, o);
        else
            r = ip6_cmsg(&c, o);
        if (r < 0)
            return r;
    }
    return r;
}

/* ---- receive ---- */

static void add_cmsg(struct sock_msg *m, int level, int type, const void *data, size_t len)
{
    struct sock_cmsg *c;

    if (m->ncmsgs >= SOCK_CMSG_MAX || len > sizeof(c->data))
        return;
    c = &m->cmsgs[m->ncmsgs++];
    c->level = level;
    c->type = type;
    c->len = len;
    memcpy(c->data, data, len);
}

/* __sock_recv_timestamp: the arrival time, on the realtime clock. */
static void timestamp(struct sock_msg *m, uint64_t stamp_mono, bool ns, bool nw)
{
    struct timespec rt, mono;
    uint64_t now_rt, now_mono, t;
    int64_t tv[2];

    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    now_rt = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
    now_mono = (uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec;
    t = now_rt - (now_mono > stamp_mono ? now_mono - stamp_mono : 0);
    tv[0] = (int64_t)(t / 1000000000ull);
    if (ns) {
        tv[1] = (int64_t)(t % 1000000000ull);
        add_cmsg(m, SOL_SOCKET, nw ? SO_TIMESTAMPNS_NEW : SO_TIMESTAMPNS_OLD, tv, sizeof(tv));
    } else {
        tv[1] = (int64_t)(t % 1000000000ull / 1000);
        add_cmsg(m, SOL_SOCKET, nw ? SO_TIMESTAMP_NEW : SO_TIMESTAMP_OLD, tv, sizeof(tv));
    }
}

/* ip_cmsg_recv_offset: an IPv4 datagram. */
static void ip4_recv(struct sock_msg *m, const struct ns_msginfo *mi, unsigned rx)
{
    int ttl = mi->ttl;
    uint8_t tos = (uint8_t)mi->tos;

    if (rx & NS_RXO_PKTINFO) {
        struct in_pktinfo pi;
        memset(&pi, 0, sizeof(pi));
        pi.ipi_ifindex = mi->ifindex;
        memcpy(&pi.ipi_addr, &mi->dst.b[12], 4);
        pi.ipi_spec_dst = pi.ipi_addr;
        add_cmsg(m, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
    }
    if (rx & NS_RXO_TTL)
        add_cmsg(m, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
    if (rx & NS_RXO_TOS)
        add_cmsg(m, IPPROTO_IP, IP_TOS, &tos, 1);
    if (rx & NS_RXO_ORIGDSTADDR) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_port = htons(mi->dport);
        memcpy(&sin.sin_addr, &mi->dst.b[12], 4);
        add_cmsg(m, IPPROTO_IP, IP_ORIGDSTADDR, &sin, sizeof(sin));
    }
}

static void pktinfo6(struct sock_msg *m, const struct ns_msginfo *mi, int type)
{
    struct in6_pktinfo pi;

    memset(&pi, 0, sizeof(pi));
    memcpy(&pi.ipi6_addr, mi->dst.b, 16);
    pi.ipi6_ifindex = (unsigned)mi->ifindex;
    add_cmsg(m, IPPROTO_IPV6, type, &pi, sizeof(pi));
}

/* ip6_datagram_recv_specific_ctl: an IPv6 datagram. */
static void ip6_recv(struct sock_msg *m, const struct ns_msginfo *mi, unsigned rx)
{
    int hlim = mi->ttl, tclass = mi->tos;

    if (rx & NS_RXO6_HOPLIMIT)
        add_cmsg(m, IPPROTO_IPV6, IPV6_HOPLIMIT, &hlim, sizeof(hlim));
    if (rx & NS_RXO6_TCLASS)
        add_cmsg(m, IPPROTO_IPV6, IPV6_TCLASS, &tclass, sizeof(tclass));
    if (rx & NS_RXO6_2292PKTINFO)
        pktinfo6(m, mi, IPV6_2292PKTINFO);
    if (rx & NS_RXO6_2292HOPLIMIT)
        add_cmsg(m, IPPROTO_IPV6, IPV6_2292HOPLIMIT, &hlim, sizeof(hlim));
    if (rx & NS_RXO6_ORIGDSTADDR) {
        struct sockaddr_in6 sin6;
        memset(&sin6, 0, sizeof(sin6));
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(mi->dport);
        memcpy(&sin6.sin6_addr, mi->dst.b, 16);
        add_cmsg(m, IPPROTO_IPV6, IPV6_ORIGDSTADDR, &sin6, sizeof(sin6));
    }
}

void inet_cmsg_recv(struct inet_sock *is, struct sock_msg *m, const struct ns_msginfo *mi,
                    unsigned rx)
{
    bool ts, ns, nw;

    pthread_mutex_lock(&inet_lock);
    ts = is->tstamp;
    ns = is->tstamp_ns;
    nw = is->tstamp_new;
    pthread_mutex_unlock(&inet_lock);
    if (ts)
        timestamp(m, mi->stamp_ns, ns, nw);
    if (is->sock.type == SOCK_STREAM)
        return; /* tcp_recvmsg reports timestamps only */
    if (is->sock.family == AF_INET) {
        ip4_recv(m, mi, rx);
        return;
    }
    /* udpv6_recvmsg: the common part, then by the datagram's family. */
    if (rx & NS_RXO6_PKTINFO)
        pktinfo6(m, mi, IPV6_PKTINFO);
    if (mi->v6)
        ip6_recv(m, mi, rx);
    else
        ip4_recv(m, mi, rx);
}
