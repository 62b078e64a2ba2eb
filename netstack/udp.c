/* netstack/udp.c: UDP: datagram validation and demultiplexing, per-endpoint
 * bounded receive queues, sending with autobind. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "netstack/ns_impl.h"

#define UDP_HLEN 8
#define DGRAM_OVERHEAD 256 /* charged per datagram against SO_RCVBUF, like skb truesize */

static bool local_match(const struct ns_ep *ep, const struct ns_pkt *p, bool bcast)
{
    if (!ns_ep_family_ok(ep, &p->dst))
        return false;
    if (ns_addr_is_any(&ep->local.addr)) {
        /* 0.0.0.0 takes IPv4 only; :: takes both unless v6only. */
        return ep->family == AF_INET6 || ns_addr_is_v4(&p->dst);
    }
    if (ns_addr_eq(&ep->local.addr, &p->dst))
        return true;
    return bcast && ns_addr_is_v4_bcast(ep->st, &ep->local.addr);
}

static int score(const struct ns_ep *ep, const struct ns_pkt *p, uint16_t sport, uint16_t dport,
                 bool bcast)
{
    if (ep->protocol != IPPROTO_UDP || !ep->bound || ep->local.port != dport || ep->user_closed)
        return -1;
    if (!local_match(ep, p, bcast))
        return -1;
    int sc = ep->family == AF_INET6 ? 1 : 2;
    if (!ns_addr_is_any(&ep->local.addr))
        sc += 4;
    if (ep->connected) {
        if (!ns_addr_eq(&ep->remote.addr, &p->src) || ep->remote.port != sport)
            return -1;
        sc += 8;
    }
    return sc;
}

static void enqueue(struct ns_ep *ep, struct ns_pkt *p, uint16_t sport, uint16_t dport)
{
    struct ns_stack *s = ep->st;
    if (ep->shut_rd)
        return;
    if (ep->uq_bytes + p->len + DGRAM_OVERHEAD > (size_t)ep->rcvbuf) {
        NS_COUNT(s, udp_drop_rcvbuf);
        return;
    }
    struct udp_dgram *d = xzalloc(sizeof(*d) + p->len);
    d->from.family = (uint16_t)ep->family;
    d->from.port = sport;
    d->from.addr = p->src;
    d->dst = p->dst;
    d->ifindex = p->nic ? p->nic->index : 0;
    d->dport = dport;
    d->ttl = p->ttl;
    d->tos = p->tos;
    d->v6 = p->v6;
    d->stamp = s->now;
    d->len = p->len;
    memcpy(d->data, p->data, p->len);
    if (ep->uq_tail)
        ep->uq_tail->next = d;
    else
        ep->uq_head = d;
    ep->uq_tail = d;
    ep->uq_bytes += p->len + DGRAM_OVERHEAD;
    ns_ep_notify(ep);
}

static bool csum_ok(struct ns_pkt *p, uint16_t wire)
{
    if (wire == 0)
        return !p->v6; /* optional for IPv4, mandatory for IPv6 */
    uint32_t sum = ns_csum_pseudo(&p->src, &p->dst, IPPROTO_UDP, (uint32_t)p->len);
    return ns_csum_fold(ns_csum_add(sum, p->data, p->len)) == 0;
}

void ns_udp_input(struct ns_stack *s, struct ns_pkt *p)
{
    NS_COUNT(s, udp_in);
    if (p->len < UDP_HLEN) {
        NS_COUNT(s, udp_drop_short);
        goto out;
    }
    const uint8_t *h = p->data;
    uint16_t sport = (uint16_t)(h[0] << 8 | h[1]), dport = (uint16_t)(h[2] << 8 | h[3]);
    size_t ulen = (size_t)(h[4] << 8 | h[5]);
    if (ulen < UDP_HLEN || ulen > p->len) {
        NS_COUNT(s, udp_drop_len);
        goto out;
    }
    ns_pkt_trim(p, ulen);
    if (!csum_ok(p, (uint16_t)(h[6] << 8 | h[7]))) {
        NS_COUNT(s, udp_drop_csum);
        goto out;
    }
    bool multi = ns_addr_is_multicast(&p->dst) || ns_addr_is_v4_bcast(s, &p->dst);
    ns_pkt_pull(p, UDP_HLEN);
    if (multi) {
        bool any = false;
        for (struct ns_ep *ep = s->eps; ep; ep = ep->next)
            if (score(ep, p, sport, dport, true) >= 0) {
                enqueue(ep, p, sport, dport);
                any = true;
            }
        if (!any)
            NS_COUNT(s, udp_drop_noport);
        goto out;
    }
    struct ns_ep *best = NULL;
    int best_sc = -1, nbest = 0;
    /* SO_REUSEPORT groups spread flows by a hash of the 4-tuple. */
    uint32_t hash = (uint32_t)sport * 2654435761u ^ ns_addr_v4_get(&p->src) ^ p->src.b[0];
    for (struct ns_ep *ep = s->eps; ep; ep = ep->next) {
        int sc = score(ep, p, sport, dport, false);
        if (sc < 0 || sc < best_sc)
            continue;
        if (sc > best_sc) {
            best_sc = sc;
            best = ep;
            nbest = 1;
        } else if (ep->reuseport && best->reuseport && (hash % (uint32_t)++nbest) == 0) {
            best = ep;
        }
    }
    if (!best) {
        NS_COUNT(s, udp_drop_noport);
        ns_pkt_push(p, UDP_HLEN);
        ns_icmp_send_unreach(s, p, p->v6);
        goto out;
    }
    enqueue(best, p, sport, dport);
out:
    ns_pkt_put(p);
}

/* The source address and interface IP_PKTINFO / IPV6_PKTINFO ask for. */
static int txopts_src(struct ns_stack *s, const struct ns_txopts *o, bool v4, struct ns_addr *src)
{
    if (o->ifindex && !ns_stack_nic(s, o->ifindex))
        return -ENODEV;
    if (!o->has_src || ns_addr_is_any(&o->src))
        return 0;
    /* ip_route_output finds no route from a foreign IPv4 source;
     * ip6_datagram_send_ctl refuses a foreign IPv6 one. */
    if (ns_addr_is_v4(&o->src) != v4 || !ns_addr_is_local(s, &o->src))
        return v4 ? -ENETUNREACH : -EINVAL;
    *src = o->src;
    return 0;
}

ssize_t ns_udp_sendto(struct ns_ep *ep, const void *buf, size_t len, int flags,
                      const struct ns_sockaddr *to, const struct ns_txopts *o)
{
    struct ns_stack *s = ep->st;
    struct ns_sockaddr dst;
    if (ep->shut_wr)
        return -EPIPE;
    if (to) {
        if (to->family != AF_INET && to->family != AF_INET6)
            return -EAFNOSUPPORT;
        if (ep->family == AF_INET && to->family != AF_INET)
            return -EAFNOSUPPORT;
        dst = *to;
        if (!ns_ep_family_ok(ep, &dst.addr))
            return -ENETUNREACH;
        if (!dst.port)
            return -EINVAL;
    } else {
        if (!ep->connected)
            return -EDESTADDRREQ;
        dst = ep->remote;
    }
    if (ns_addr_is_any(&dst.addr))
        ns_addr_parse(ns_addr_is_v4(&dst.addr) ? "127.0.0.1" : "::1", &dst.addr);
    bool v4 = ns_addr_is_v4(&dst.addr);
    if (len > (v4 ? 65507u : 65527u))
        return -EMSGSIZE;
    if (ns_addr_is_v4_bcast(s, &dst.addr) && !ep->broadcast)
        return -EACCES;
    struct ns_addr src;
    int r = ns_ip_route(s, &dst.addr, &src, NULL);
    if (r < 0)
        return r;
    if (!ns_addr_is_any(&ep->local.addr) && !ns_addr_is_v4_bcast(s, &ep->local.addr))
        src = ep->local.addr;
    if (o && (r = txopts_src(s, o, v4, &src)) < 0)
        return r;
    if (!ep->bound && (r = ns_ep_alloc_port(s, ep, false)) < 0)
        return r;
    struct ns_pkt *p = ns_pkt_alloc(NS_PKT_HEADROOM, UDP_HLEN + len);
    uint8_t *h = p->data;
    size_t ulen = UDP_HLEN + len;
    h[0] = ep->local.port >> 8;
    h[1] = ep->local.port;
    h[2] = dst.port >> 8;
    h[3] = dst.port;
    h[4] = ulen >> 8;
    h[5] = ulen;
    h[6] = h[7] = 0;
    if (len)
        memcpy(h + UDP_HLEN, buf, len);
    uint32_t sum = ns_csum_pseudo(&src, &dst.addr, IPPROTO_UDP, (uint32_t)ulen);
    uint16_t c = ns_csum_fold(ns_csum_add(sum, h, ulen));
    if (c == 0)
        c = 0xffff; /* 0 means "no checksum" on the wire */
    h[6] = c >> 8;
    h[7] = c;
    struct ns_ip_tx tx = {.src = src, .dst = dst.addr, .proto = IPPROTO_UDP};
    tx.ttl = o && o->ttl >= 0 ? o->ttl : ns_ep_tx_ttl(ep, v4);
    tx.tos = o && o->tos >= 0 ? o->tos : ns_ep_tx_tos(ep, v4);
    NS_COUNT(s, udp_out);
    r = ns_ip_output(s, p, &tx);
    return r < 0 ? r : (ssize_t)len;
}

ssize_t ns_udp_recvfrom(struct ns_ep *ep, void *buf, size_t len, int flags, struct ns_msginfo *mi)
{
    struct udp_dgram *d = ep->uq_head;
    if (!d) {
        if (ep->so_error) {
            int e = ep->so_error;
            ep->so_error = 0;
            return e;
        }
        return ep->shut_rd ? 0 : -EAGAIN;
    }
    size_t n = SB_MIN(len, d->len);
    memcpy(buf, d->data, n);
    if (mi) {
        mi->from = d->from;
        mi->dst = d->dst;
        mi->dport = d->dport;
        mi->ifindex = d->ifindex;
        mi->ttl = d->ttl;
        mi->tos = d->tos;
        mi->v6 = d->v6;
        mi->stamp_ns = d->stamp;
        mi->full_len = d->len;
        mi->flags = d->len > len ? MSG_TRUNC : 0;
    }
    ssize_t ret = (flags & MSG_TRUNC) ? (ssize_t)d->len : (ssize_t)n;
    if (!(flags & MSG_PEEK)) {
        ep->uq_head = d->next;
        if (!ep->uq_head)
            ep->uq_tail = NULL;
        ep->uq_bytes -= d->len + DGRAM_OVERHEAD;
        free(d);
    }
    return ret;
}

void ns_udp_close(struct ns_ep *ep)
{
    while (ep->uq_head) {
        struct udp_dgram *d = ep->uq_head;
        ep->uq_head = d->next;
        free(d);
    }
    ep->uq_tail = NULL;
    ep->uq_bytes = 0;
}

unsigned ns_udp_events(struct ns_ep *ep)
{
    unsigned ev = POLLOUT;
    if (ep->uq_head)
        ev |= POLLIN;
    if (ep->so_error)
        ev |= POLLERR;
    if (ep->shut_rd)
        ev |= POLLIN | POLLRDHUP;
    if (ep->shut_rd && ep->shut_wr)
        ev |= POLLHUP;
    return ev;
}

void ns_udp_icmp_error(struct ns_stack *s, const struct ns_addr *src, const struct ns_addr *dst,
                       uint16_t sport, uint16_t dport, int err)
{
    for (struct ns_ep *ep = s->eps; ep; ep = ep->next) {
        if (ep->protocol != IPPROTO_UDP || !ep->connected || ep->local.port != sport ||
            ep->remote.port != dport || !ns_addr_eq(&ep->remote.addr, dst))
            continue;
        if (!ns_addr_is_any(&ep->local.addr) && !ns_addr_eq(&ep->local.addr, src))
            continue;
        ep->so_error = err;
        ns_ep_notify(ep);
    }
}
