/* netstack/addr.c: addresses, Linux sockaddr conversion, Internet checksums
 * and the names of the counters. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "netstack/ns_impl.h"

static const uint8_t v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

void ns_addr_v4(struct ns_addr *a, uint32_t host_order)
{
    memcpy(a->b, v4_prefix, 12);
    a->b[12] = host_order >> 24;
    a->b[13] = host_order >> 16;
    a->b[14] = host_order >> 8;
    a->b[15] = host_order;
}

bool ns_addr_is_v4(const struct ns_addr *a)
{
    return memcmp(a->b, v4_prefix, 12) == 0;
}

uint32_t ns_addr_v4_get(const struct ns_addr *a)
{
    return (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 | (uint32_t)a->b[14] << 8 |
           a->b[15];
}

bool ns_addr_eq(const struct ns_addr *a, const struct ns_addr *b)
{
    return memcmp(a->b, b->b, 16) == 0;
}

bool ns_addr_is_any(const struct ns_addr *a)
{
    static const uint8_t zero[16];
    if (ns_addr_is_v4(a))
        return ns_addr_v4_get(a) == 0;
    return memcmp(a->b, zero, 16) == 0;
}

bool ns_addr_is_loopback(const struct ns_addr *a)
{
    static const uint8_t one[16] = {[15] = 1};
    if (ns_addr_is_v4(a))
        return a->b[12] == 127;
    return memcmp(a->b, one, 16) == 0;
}

bool ns_addr_is_multicast(const struct ns_addr *a)
{
    if (ns_addr_is_v4(a))
        return (a->b[12] & 0xf0) == 0xe0;
    return a->b[0] == 0xff;
}

bool ns_addr_is_v4_bcast(const struct ns_stack *s, const struct ns_addr *a)
{
    if (!ns_addr_is_v4(a))
        return false;
    uint32_t v = ns_addr_v4_get(a);
    if (v == 0xffffffff)
        return true;
    for (struct ns_nic *n = s->nics; n; n = n->next)
        for (int i = 0; i < n->naddrs; i++) {
            if (!ns_addr_is_v4(&n->addrs[i]) || n->prefix[i] >= 31 || n->prefix[i] < 8)
                continue;
            uint32_t mask = ~0u << (32 - n->prefix[i]) >> 0;
            uint32_t mine = ns_addr_v4_get(&n->addrs[i]);
            if ((v & mask) == (mine & mask) && (v | mask) == 0xffffffff)
                return true;
        }
    return false;
}

static bool prefix_match(const struct ns_addr *a, const struct ns_addr *net, int plen)
{
    int bytes = plen / 8, bits = plen % 8;
    if (memcmp(a->b, net->b, bytes))
        return false;
    if (!bits)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - bits));
    return (a->b[bytes] & mask) == (net->b[bytes] & mask);
}

/* Local: an address of a NIC, or anything in the loopback NIC's prefixes
 * (all of 127.0.0.0/8 is ours, as on Linux). */
bool ns_addr_is_local(struct ns_stack *s, const struct ns_addr *a)
{
    for (struct ns_nic *n = s->nics; n; n = n->next)
        for (int i = 0; i < n->naddrs; i++) {
            if (ns_addr_eq(a, &n->addrs[i]))
                return true;
            int plen = n->prefix[i] + (ns_addr_is_v4(&n->addrs[i]) ? 96 : 0);
            if (n->ops && strcmp(n->ops->kind, "loopback") == 0 &&
                prefix_match(a, &n->addrs[i], plen))
                return true;
        }
    return false;
}

bool ns_nic_covers(const struct ns_nic *n, const struct ns_addr *a, int *plen_out)
{
    int best = -1;
    for (int i = 0; i < n->naddrs; i++) {
        if (ns_addr_is_v4(&n->addrs[i]) != ns_addr_is_v4(a))
            continue;
        int plen = n->prefix[i] + (ns_addr_is_v4(a) ? 96 : 0);
        if (prefix_match(a, &n->addrs[i], plen) && plen > best)
            best = plen;
    }
    *plen_out = best;
    return best >= 0;
}

int ns_addr_parse(const char *s, struct ns_addr *out)
{
    struct in_addr a4;
    if (inet_pton(AF_INET, s, &a4) == 1) {
        ns_addr_v4(out, ntohl(a4.s_addr));
        return 0;
    }
    if (inet_pton(AF_INET6, s, out->b) == 1)
        return 0;
    return -EINVAL;
}

int ns_sockaddr_from_linux(const void *sa, size_t len, struct ns_sockaddr *out)
{
    sa_family_t fam;
    if (len < sizeof(fam))
        return -EINVAL;
    memcpy(&fam, sa, sizeof(fam));
    memset(out, 0, sizeof(*out));
    if (fam == AF_INET) {
        struct sockaddr_in in;
        if (len < sizeof(in))
            return -EINVAL;
        memcpy(&in, sa, sizeof(in));
        out->family = AF_INET;
        out->port = ntohs(in.sin_port);
        ns_addr_v4(&out->addr, ntohl(in.sin_addr.s_addr));
        return 0;
    }
    if (fam == AF_INET6) {
        struct sockaddr_in6 in6;
        if (len < sizeof(in6))
            return -EINVAL;
        memcpy(&in6, sa, sizeof(in6));
        out->family = AF_INET6;
        out->port = ntohs(in6.sin6_port);
        memcpy(out->addr.b, &in6.sin6_addr, 16);
        out->scope_id = in6.sin6_scope_id;
        out->flowinfo = ntohl(in6.sin6_flowinfo);
        return 0;
    }
    return -EAFNOSUPPORT;
}

size_t ns_sockaddr_to_linux(const struct ns_sockaddr *sa, void *out, size_t len)
{
    if (sa->family == AF_INET) {
        struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(sa->port)};
        in.sin_addr.s_addr = htonl(ns_addr_v4_get(&sa->addr));
        memcpy(out, &in, SB_MIN(len, sizeof(in)));
        return sizeof(in);
    }
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(sa->port)};
    memcpy(&in6.sin6_addr, sa->addr.b, 16);
    in6.sin6_scope_id = sa->scope_id;
    in6.sin6_flowinfo = htonl(sa->flowinfo);
    memcpy(out, &in6, SB_MIN(len, sizeof(in6)));
    return sizeof(in6);
}

/* ---- RFC 1071 checksums ---- */

/* Sum 64 bits at a time in host order; the ones' complement sum commutes
 * with byte order, so one swap of the folded result makes it big-endian.
 * data must start at an even offset of what is being summed. */
uint32_t ns_csum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t acc = 0;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        acc += w;
        acc += acc < w; /* end-around carry */
        p += 8;
        len -= 8;
    }
    while (len >= 2) {
        uint16_t w;
        memcpy(&w, p, 2);
        acc += w;
        acc += acc < w;
        p += 2;
        len -= 2;
    }
    if (len) {
        uint16_t w = 0;
        memcpy(&w, p, 1); /* the high-order byte of a big-endian word */
        acc += w;
        acc += acc < w;
    }
    acc = (acc >> 32) + (acc & 0xffffffff);
    acc = (acc >> 32) + (acc & 0xffffffff);
    acc = (acc >> 16) + (acc & 0xffff);
    acc = (acc >> 16) + (acc & 0xffff);
    uint16_t host = (uint16_t)acc;
    uint64_t total = (uint64_t)sum + ntohs(host);
    return (uint32_t)((total & 0xffffffff) + (total >> 32));
}

uint16_t ns_csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint32_t ns_csum_pseudo(const struct ns_addr *src, const struct ns_addr *dst, uint8_t proto,
                        uint32_t len)
{
    uint32_t sum = 0;
    if (ns_addr_is_v4(src)) {
        sum = ns_csum_add(sum, src->b + 12, 4);
        sum = ns_csum_add(sum, dst->b + 12, 4);
        uint8_t tail[4] = {0, proto, len >> 8, len};
        return ns_csum_add(sum, tail, 4);
    }
    sum = ns_csum_add(sum, src->b, 16);
    sum = ns_csum_add(sum, dst->b, 16);
    uint8_t tail[8] = {len >> 24, len >> 16, len >> 8, len, 0, 0, 0, proto};
    return ns_csum_add(sum, tail, 8);
}

static const char *const stat_names[] = {
#define NS_STATS_NAME(n) #n,
    NS_STATS(NS_STATS_NAME)
#undef NS_STATS_NAME
};

const char *ns_stats_name(size_t i)
{
    return i < SB_ARRAY_SIZE(stat_names) ? stat_names[i] : NULL;
}
