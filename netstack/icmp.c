/* netstack/icmp.c: ICMP and ICMPv6: echo replies, port unreachable out,
 * and unreachable errors in (reported to the UDP endpoint they concern). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/log.h"
#include "netstack/ns_impl.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_UNREACH 3
#define ICMP_ECHO 8
#define ICMP6_UNREACH 1
#define ICMP6_ECHO 128
#define ICMP6_ECHO_REPLY 129

static uint16_t icmp_csum(const struct ns_pkt *p, const struct ns_addr *src,
                          const struct ns_addr *dst, bool v6)
{
    uint32_t sum = v6 ? ns_csum_pseudo(src, dst, IPPROTO_ICMPV6, (uint32_t)p->len) : 0;
    return ns_csum_fold(ns_csum_add(sum, p->data, p->len));
}

static void send_icmp(struct ns_stack *s, struct ns_pkt *p, const struct ns_addr *src,
                      const struct ns_addr *dst, bool v6)
{
    p->data[2] = p->data[3] = 0;
    uint16_t c = icmp_csum(p, src, dst, v6);
    p->data[2] = c >> 8;
    p->data[3] = c;
    struct ns_ip_tx tx = {.src = *src, .dst = *dst, .ttl = -1, .tos = -1};
    tx.proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    (void)ns_ip_output(s, p, &tx);
}

static void echo_reply(struct ns_stack *s, struct ns_pkt *p)
{
    NS_COUNT(s, icmp_in_echo);
    /* Answer from the address that was asked, unless it was a broadcast. */
    struct ns_addr src = p->dst, dst = p->src;
    if (!ns_addr_is_local(s, &src) && ns_ip_route(s, &dst, &src, NULL) < 0) {
        ns_pkt_put(p);
        return;
    }
    struct ns_pkt *r = ns_pkt_alloc(NS_PKT_HEADROOM, p->len);
    memcpy(r->data, p->data, p->len);
    r->data[0] = p->v6 ? ICMP6_ECHO_REPLY : ICMP_ECHO_REPLY;
    bool v6 = p->v6;
    ns_pkt_put(p);
    NS_COUNT(s, icmp_out_echo_reply);
    send_icmp(s, r, &src, &dst, v6);
}

/* An unreachable error quotes the offending IP header and 8 bytes of it:
 * find the UDP ports in the quote and tell the endpoint. */
static void unreach_input(struct ns_stack *s, struct ns_pkt *p)
{
    NS_COUNT(s, icmp_in_unreach);
    const uint8_t *q = p->data + 8;
    size_t qlen = p->len - 8;
    struct ns_addr src, dst;
    uint8_t proto;
    size_t hl;
    if (!p->v6) {
        if (qlen < 20 || (q[0] >> 4) != 4)
            return;
        hl = (size_t)(q[0] & 0xf) * 4;
        if (hl < 20 || qlen < hl + 8)
            return;
        ns_addr_v4(&src, (uint32_t)q[12] << 24 | q[13] << 16 | q[14] << 8 | q[15]);
        ns_addr_v4(&dst, (uint32_t)q[16] << 24 | q[17] << 16 | q[18] << 8 | q[19]);
        proto = q[9];
    } else {
        hl = 40;
        if (qlen < hl + 8 || (q[0] >> 4) != 6)
            return;
        memcpy(src.b, q + 8, 16);
        memcpy(dst.b, q + 24, 16);
        proto = q[6];
    }
    if (proto != IPPROTO_UDP)
        return;
    uint16_t sport = (uint16_t)(q[hl] << 8 | q[hl + 1]);
    uint16_t dport = (uint16_t)(q[hl + 2] << 8 | q[hl + 3]);
    uint8_t code = p->data[1];
    bool port_unreach = p->v6 ? code == 4 : code == 3;
    ns_udp_icmp_error(s, &src, &dst, sport, dport, port_unreach ? -ECONNREFUSED : -EHOSTUNREACH);
}

void ns_icmp_input(struct ns_stack *s, struct ns_pkt *p)
{
    NS_COUNT(s, icmp_in);
    if (p->len < 8) {
        NS_COUNT(s, icmp_drop_short);
        ns_pkt_put(p);
        return;
    }
    if (icmp_csum(p, &p->src, &p->dst, p->v6) != 0) {
        NS_COUNT(s, icmp_drop_csum);
        ns_pkt_put(p);
        return;
    }
    uint8_t type = p->data[0];
    if (type == (p->v6 ? ICMP6_ECHO : ICMP_ECHO)) {
        echo_reply(s, p);
        return;
    }
    if (type == (p->v6 ? ICMP6_ECHO_REPLY : ICMP_ECHO_REPLY))
        NS_COUNT(s, icmp_in_echo_reply);
    else if (type == (p->v6 ? ICMP6_UNREACH : ICMP_UNREACH))
        unreach_input(s, p);
    ns_pkt_put(p);
}

/* Port unreachable in answer to orig (its IP header already pulled: we
 * rebuild a minimal quote from the parsed fields and the transport bytes). */
void ns_icmp_send_unreach(struct ns_stack *s, struct ns_pkt *orig, bool v6)
{
    if (ns_addr_is_multicast(&orig->dst) || ns_addr_is_v4_bcast(s, &orig->dst))
        return;
    size_t hl = v6 ? 40 : 20;
    size_t quote = SB_MIN(orig->len, (size_t)(v6 ? 1232 - 48 : 8));
    struct ns_pkt *r = ns_pkt_alloc(NS_PKT_HEADROOM, 8 + hl + quote);
    uint8_t *d = r->data;
    memset(d, 0, 8 + hl);
    d[0] = v6 ? ICMP6_UNREACH : ICMP_UNREACH;
    d[1] = v6 ? 4 : 3;
    uint8_t *q = d + 8;
    size_t tot = hl + orig->len;
    if (!v6) {
        q[0] = 0x45;
        q[2] = tot >> 8;
        q[3] = tot;
        q[8] = orig->ttl;
        q[9] = orig->proto;
        memcpy(q + 12, orig->src.b + 12, 4);
        memcpy(q + 16, orig->dst.b + 12, 4);
        uint16_t c = ns_csum_fold(ns_csum_add(0, q, 20));
        q[10] = c >> 8;
        q[11] = c;
    } else {
        q[0] = 0x60;
        q[4] = orig->len >> 8;
        q[5] = orig->len;
        q[6] = orig->proto;
        q[7] = orig->ttl;
        memcpy(q + 8, orig->src.b, 16);
        memcpy(q + 24, orig->dst.b, 16);
    }
    memcpy(q + hl, orig->data, quote);
    NS_COUNT(s, icmp_out_unreach);
    send_icmp(s, r, &orig->dst, &orig->src, v6);
}
