/* netstack/ip.c: IPv4 and IPv6: header validation on input, header build on
 * output, routing to a NIC. Fragments are dropped and counted: nothing
 * local sends them (loopback MTU is 64 KiB, TCP respects the MSS). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/log.h"
#include "netstack/ns_impl.h"

#define IP4_HLEN 20
#define IP6_HLEN 40

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

int ns_ip_route(struct ns_stack *s, const struct ns_addr *dst, struct ns_addr *src,
                struct ns_nic **nic_out)
{
    bool v4 = ns_addr_is_v4(dst);
    struct ns_nic *best = NULL, *lo = NULL;
    int best_plen = -1;
    for (struct ns_nic *n = s->nics; n; n = n->next) {
        int plen;
        if (n->ops && strcmp(n->ops->kind, "loopback") == 0)
            lo = n;
        if (ns_nic_covers(n, dst, &plen) && plen > best_plen) {
            best = n;
            best_plen = plen;
        }
    }
    /* Our own addresses are reached through loopback, as on Linux. */
    if (lo && ns_addr_is_local(s, dst))
        best = lo;
    if (!best && v4 && ns_addr_is_v4_bcast(s, dst) && ns_addr_v4_get(dst) == 0xffffffff) {
        for (struct ns_nic *n = s->nics; n && !best; n = n->next)
            if (n != lo)
                best = n;
    }
    if (!best)
        return -ENETUNREACH;
    if (src) {
        bool found = false;
        /* Prefer an address of the NIC in dst's prefix, else the first of
         * the family. */
        for (int i = 0; i < best->naddrs && !found; i++) {
            int plen = best->prefix[i] + (v4 ? 96 : 0);
            struct ns_nic one = {.naddrs = 1};
            one.addrs[0] = best->addrs[i];
            one.prefix[0] = best->prefix[i];
            int got;
            if (ns_addr_is_v4(&best->addrs[i]) == v4 && ns_nic_covers(&one, dst, &got) &&
                got == plen) {
                *src = best->addrs[i];
                found = true;
            }
        }
        for (int i = 0; i < best->naddrs && !found; i++)
            if (ns_addr_is_v4(&best->addrs[i]) == v4) {
                *src = best->addrs[i];
                found = true;
            }
        if (!found)
            return -EADDRNOTAVAIL;
    }
    if (nic_out)
        *nic_out = best;
    return 0;
}

int ns_ip_output(struct ns_stack *s, struct ns_pkt *p, const struct ns_ip_tx *tx)
{
    struct ns_nic *nic;
    int r = ns_ip_route(s, &tx->dst, NULL, &nic);
    if (r < 0) {
        NS_COUNT(s, ip_out_noroute);
        ns_pkt_put(p);
        return r;
    }
    bool v4 = ns_addr_is_v4(&tx->dst);
    size_t hlen = v4 ? IP4_HLEN : IP6_HLEN;
    if (p->len + hlen > nic->mtu) {
        NS_COUNT(s, ip_out_nobufs);
        ns_pkt_put(p);
        return -EMSGSIZE;
    }
    size_t plen = p->len;
    uint8_t *h = ns_pkt_push(p, hlen);
    int ttl = tx->ttl >= 0 ? tx->ttl : 64;
    int tos = tx->tos >= 0 ? tx->tos : 0;
    if (v4) {
        size_t tot = plen + hlen;
        h[0] = 0x45;
        h[1] = (uint8_t)tos;
        h[2] = tot >> 8;
        h[3] = tot;
        uint16_t id = s->ip_id++;
        h[4] = id >> 8;
        h[5] = id;
        h[6] = 0x40; /* DF: we never fragment */
        h[7] = 0;
        h[8] = (uint8_t)ttl;
        h[9] = tx->proto;
        h[10] = h[11] = 0;
        memcpy(h + 12, tx->src.b + 12, 4);
        memcpy(h + 16, tx->dst.b + 12, 4);
        uint16_t c = ns_csum_fold(ns_csum_add(0, h, IP4_HLEN));
        h[10] = c >> 8;
        h[11] = c;
        NS_COUNT(s, ip4_out);
    } else {
        h[0] = 0x60 | (tos >> 4);
        h[1] = (uint8_t)(tos << 4);
        h[2] = h[3] = 0;
        h[4] = plen >> 8;
        h[5] = plen;
        h[6] = tx->proto;
        h[7] = (uint8_t)ttl;
        memcpy(h + 8, tx->src.b, 16);
        memcpy(h + 24, tx->dst.b, 16);
        NS_COUNT(s, ip6_out);
    }
    ns_nic_xmit(nic, p);
    return 0;
}

static void deliver(struct ns_stack *s, struct ns_pkt *p)
{
    switch (p->proto) {
    case IPPROTO_TCP:
        ns_tcp_input(s, p);
        return;
    case IPPROTO_UDP:
        ns_udp_input(s, p);
        return;
    case IPPROTO_ICMP:
        if (!p->v6) {
            ns_icmp_input(s, p);
            return;
        }
        break;
    case IPPROTO_ICMPV6:
        if (p->v6) {
            ns_icmp_input(s, p);
            return;
        }
        break;
    }
    if (p->v6)
        NS_COUNT(s, ip6_drop_proto);
    else
        NS_COUNT(s, ip4_drop_proto);
    ns_pkt_put(p);
}

static bool dst_ok(struct ns_stack *s, const struct ns_addr *dst)
{
    return ns_addr_is_local(s, dst) || ns_addr_is_multicast(dst) || ns_addr_is_v4_bcast(s, dst);
}

#define DROP(field)                                                                                \
    do {                                                                                           \
        NS_COUNT(s, field);                                                                        \
        ns_pkt_put(p);                                                                             \
        return;                                                                                    \
    } while (0)

static void ip4_input(struct ns_stack *s, struct ns_pkt *p)
{
    const uint8_t *h = p->data;
    NS_COUNT(s, ip4_in);
    if (p->len < IP4_HLEN)
        DROP(ip4_drop_short);
    size_t ihl = (size_t)(h[0] & 0xf) * 4;
    if (ihl < IP4_HLEN || ihl > p->len)
        DROP(ip4_drop_ihl);
    size_t tot = get16(h + 2);
    if (tot < ihl || tot > p->len)
        DROP(ip4_drop_len);
    if (ns_csum_fold(ns_csum_add(0, h, ihl)) != 0)
        DROP(ip4_drop_csum);
    if ((get16(h + 6) & 0x3fff) != 0) /* MF or an offset */
        DROP(ip4_drop_frag);
    p->v6 = false;
    ns_addr_v4(&p->src, (uint32_t)h[12] << 24 | h[13] << 16 | h[14] << 8 | h[15]);
    ns_addr_v4(&p->dst, (uint32_t)h[16] << 24 | h[17] << 16 | h[18] << 8 | h[19]);
    p->proto = h[9];
    p->ttl = h[8];
    p->tos = h[1];
    if (ns_addr_is_multicast(&p->src) || ns_addr_is_v4_bcast(s, &p->src))
        DROP(ip4_drop_martian);
    /* We do not forward: the TTL only matters to routers. */
    if (!dst_ok(s, &p->dst))
        DROP(ip4_drop_not_local);
    ns_pkt_trim(p, tot);
    ns_pkt_pull(p, ihl);
    deliver(s, p);
}

static void ip6_input(struct ns_stack *s, struct ns_pkt *p)
{
    const uint8_t *h = p->data;
    NS_COUNT(s, ip6_in);
    if (p->len < IP6_HLEN)
        DROP(ip6_drop_short);
    size_t plen = get16(h + 4);
    if (plen + IP6_HLEN > p->len)
        DROP(ip6_drop_len);
    p->v6 = true;
    memcpy(p->src.b, h + 8, 16);
    memcpy(p->dst.b, h + 24, 16);
    p->ttl = h[7];
    p->tos = (uint8_t)((h[0] & 0xf) << 4 | h[1] >> 4);
    uint8_t nh = h[6];
    if (ns_addr_is_multicast(&p->src))
        DROP(ip6_drop_martian);
    /* A v4-mapped address on the wire would alias an IPv4 peer. */
    if (ns_addr_is_v4(&p->src) || ns_addr_is_v4(&p->dst))
        DROP(ip6_drop_martian);
    if (!dst_ok(s, &p->dst))
        DROP(ip6_drop_not_local);
    ns_pkt_trim(p, plen + IP6_HLEN);
    ns_pkt_pull(p, IP6_HLEN);
    /* Skip hop-by-hop, routing and destination options headers. */
    for (int n = 0; n < 8; n++) {
        if (nh == 44)
            DROP(ip6_drop_frag);
        if (nh != 0 && nh != 43 && nh != 60)
            break;
        if (p->len < 8)
            DROP(ip6_drop_exthdr);
        size_t elen = ((size_t)p->data[1] + 1) * 8;
        if (elen > p->len)
            DROP(ip6_drop_exthdr);
        /* A routing header with segments left would need forwarding. */
        if (nh == 43 && p->data[3] != 0)
            DROP(ip6_drop_exthdr);
        nh = p->data[0];
        ns_pkt_pull(p, elen);
    }
    if (nh == 0 || nh == 43 || nh == 60 || nh == 44)
        DROP(ip6_drop_exthdr);
    p->proto = nh;
    deliver(s, p);
}

void ns_ip_input(struct ns_nic *nic, struct ns_pkt *p)
{
    struct ns_stack *s = nic->st;
    p->nic = nic;
    if (nic->tap)
        nic->tap(nic->tap_arg, p->data, p->len, false);
    if (p->len < 1) {
        NS_COUNT(s, ip4_drop_short);
        ns_pkt_put(p);
        return;
    }
    switch (p->data[0] >> 4) {
    case 4:
        ip4_input(s, p);
        return;
    case 6:
        ip6_input(s, p);
        return;
    }
    NS_COUNT(s, ip4_drop_version);
    ns_pkt_put(p);
}
