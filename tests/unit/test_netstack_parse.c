/* tests/unit/test_netstack_parse.c: the input path against malformed
 * packets: truncated, bad lengths, bad checksums, bad IHL, fragments, TCP
 * options that overflow or have zero length, huge data offsets. Each is
 * dropped and counted; then thousands of random mutations of valid packets
 * must not crash the stack. ICMP echo is answered on IPv4 and IPv6. */
#include <netinet/tcp.h>

#include "netstack/ns_impl.h" /* the checksum helpers */
#include "netstack_harness.h"

#define TH_SYN_FLAG 0x02

static struct sim sm;
static struct ns_stack *st;
static struct ns_nic *lo;

static void setup(void)
{
    memset(&sm, 0, sizeof(sm));
    st = sim_stack(&sm, 99, 0);
    lo = ns_stack_nic(st, 1);
    cr_assert_not_null(lo);
}

static void teardown(void)
{
    sim_free(&sm);
}

TestSuite(netstack_parse, .init = setup, .fini = teardown);

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint32_t pseudo(bool v6, uint8_t proto, size_t len)
{
    static const uint8_t lo4[4] = {127, 0, 0, 1};
    static const uint8_t lo6[16] = {[15] = 1};
    uint32_t sum = 0;
    const uint8_t *a = v6 ? lo6 : lo4;
    size_t n = v6 ? 16 : 4;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < n; i += 2)
            sum += (uint32_t)(a[i] << 8 | a[i + 1]);
    return sum + proto + (uint32_t)len;
}

/* An IP packet 127.0.0.1 -> 127.0.0.1 (or ::1 -> ::1) around payload. */
static size_t ip_wrap(uint8_t *out, bool v6, uint8_t proto, const uint8_t *pl, size_t n)
{
    if (v6) {
        memset(out, 0, 40);
        out[0] = 0x60;
        out[4] = (uint8_t)(n >> 8);
        out[5] = (uint8_t)n;
        out[6] = proto;
        out[7] = 64;
        out[23] = 1;
        out[39] = 1;
        memcpy(out + 40, pl, n);
        return 40 + n;
    }
    memset(out, 0, 20);
    out[0] = 0x45;
    out[2] = (uint8_t)((20 + n) >> 8);
    out[3] = (uint8_t)(20 + n);
    out[8] = 64;
    out[9] = proto;
    out[12] = out[16] = 127;
    out[15] = out[19] = 1;
    uint16_t c = csum(out, 20, 0);
    out[10] = (uint8_t)(c >> 8);
    out[11] = (uint8_t)c;
    memcpy(out + 20, pl, n);
    return 20 + n;
}

static size_t udp_pkt(uint8_t *out, bool v6, uint16_t dport, size_t dlen)
{
    uint8_t u[64] = {0x30, 0x39, (uint8_t)(dport >> 8), (uint8_t)dport, 0, (uint8_t)(8 + dlen)};
    memset(u + 8, 'u', dlen);
    uint16_t c = csum(u, 8 + dlen, pseudo(v6, IPPROTO_UDP, 8 + dlen));
    u[6] = (uint8_t)(c >> 8);
    u[7] = (uint8_t)c;
    return ip_wrap(out, v6, IPPROTO_UDP, u, 8 + dlen);
}

/* A TCP segment with the given options (padded by the caller). */
static size_t tcp_pkt(uint8_t *out, bool v6, uint16_t dport, uint8_t flags, const uint8_t *opt,
                      size_t optlen, int doff_override)
{
    uint8_t t[128] = {0x30, 0x39, (uint8_t)(dport >> 8), (uint8_t)dport, 0, 0, 0, 1};
    size_t hl = 20 + optlen;
    t[12] = (uint8_t)((doff_override >= 0 ? (size_t)doff_override : hl / 4) << 4);
    t[13] = flags;
    t[14] = 0xff;
    t[15] = 0xff;
    if (optlen)
        memcpy(t + 20, opt, optlen);
    uint16_t c = csum(t, hl, pseudo(v6, IPPROTO_TCP, hl));
    t[16] = (uint8_t)(c >> 8);
    t[17] = (uint8_t)c;
    return ip_wrap(out, v6, IPPROTO_TCP, t, hl);
}

static size_t icmp_echo(uint8_t *out, bool v6)
{
    uint8_t m[16] = {v6 ? 128 : 8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g'};
    uint16_t c = csum(m, 12, v6 ? pseudo(true, IPPROTO_ICMPV6, 12) : 0);
    m[2] = (uint8_t)(c >> 8);
    m[3] = (uint8_t)c;
    return ip_wrap(out, v6, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, m, 12);
}

static void feed(const uint8_t *p, size_t n)
{
    ns_nic_input(lo, p, n);
    sim_run(&sm, T_MS, NULL, NULL);
}

#define EXPECT_DROP(field, pkt, len)                                                               \
    do {                                                                                           \
        uint64_t before = STAT(st, field);                                                         \
        feed(pkt, len);                                                                            \
        cr_assert_eq(STAT(st, field), before + 1, "%s not counted", #field);                       \
    } while (0)

Test(netstack_parse, ipv4_header_errors)
{
    uint8_t p[256], q[256];
    size_t n = udp_pkt(p, false, 53, 4);
    for (size_t len = 0; len < 20; len++)
        EXPECT_DROP(ip4_drop_short, p, len);
    memcpy(q, p, n);
    q[0] = 0x55;
    EXPECT_DROP(ip4_drop_version, q, n);
    memcpy(q, p, n);
    q[0] = 0x44; /* IHL 4 */
    EXPECT_DROP(ip4_drop_ihl, q, n);
    memcpy(q, p, n);
    q[0] = 0x4f; /* IHL 15: 60 bytes > 32 */
    EXPECT_DROP(ip4_drop_ihl, q, n);
    memcpy(q, p, n);
    q[3] += 1; /* total length one past the buffer */
    EXPECT_DROP(ip4_drop_len, q, n);
    memcpy(q, p, n);
    q[2] = 0;
    q[3] = 10; /* total length under the header */
    EXPECT_DROP(ip4_drop_len, q, n);
    memcpy(q, p, n);
    q[11] ^= 0x5a;
    EXPECT_DROP(ip4_drop_csum, q, n);
    /* fragments: MF, and an offset, with a fixed checksum */
    for (int k = 0; k < 2; k++) {
        memcpy(q, p, n);
        q[6] = k ? 0x00 : 0x20;
        q[7] = k ? 0x10 : 0x00;
        q[10] = q[11] = 0;
        uint16_t c = csum(q, 20, 0);
        q[10] = (uint8_t)(c >> 8);
        q[11] = (uint8_t)c;
        EXPECT_DROP(ip4_drop_frag, q, n);
    }
    /* not for us: 10.1.2.3 */
    memcpy(q, p, n);
    q[16] = 10;
    q[10] = q[11] = 0;
    uint16_t c = csum(q, 20, 0);
    q[10] = (uint8_t)(c >> 8);
    q[11] = (uint8_t)c;
    EXPECT_DROP(ip4_drop_not_local, q, n);
    /* trailing bytes beyond total length are trimmed, not an error */
    memcpy(q, p, n);
    memset(q + n, 0xee, 7);
    EXPECT_DROP(udp_drop_noport, q, n + 7);
}

Test(netstack_parse, ipv6_header_errors)
{
    uint8_t p[256], q[256];
    size_t n = udp_pkt(p, true, 53, 4);
    for (size_t len = 1; len < 40; len += 3)
        EXPECT_DROP(ip6_drop_short, p, len);
    memcpy(q, p, n);
    q[5] += 1;
    EXPECT_DROP(ip6_drop_len, q, n);
    /* a fragment header */
    uint8_t frag[8] = {IPPROTO_UDP, 0, 0, 1, 0, 0, 0, 1};
    uint8_t body[64];
    memcpy(body, frag, 8);
    memcpy(body + 8, p + 40, n - 40);
    size_t m = ip_wrap(q, true, 44, body, 8 + n - 40);
    EXPECT_DROP(ip6_drop_frag, q, m);
    /* a destination-options header longer than the packet */
    uint8_t dst[8] = {IPPROTO_UDP, 200, 1, 4, 0, 0, 0, 0};
    memcpy(body, dst, 8);
    m = ip_wrap(q, true, 60, body, 8 + n - 40);
    EXPECT_DROP(ip6_drop_exthdr, q, m);
    /* a good one is skipped */
    dst[1] = 0;
    memcpy(body, dst, 8);
    m = ip_wrap(q, true, 60, body, 8 + n - 40);
    EXPECT_DROP(udp_drop_noport, q, m);
    /* UDP over IPv6 must carry a checksum */
    memcpy(q, p, n);
    q[46] = q[47] = 0;
    EXPECT_DROP(udp_drop_csum, q, n);
}

Test(netstack_parse, udp_errors)
{
    uint8_t p[256], q[256];
    size_t n = udp_pkt(p, false, 53, 4);
    size_t m = ip_wrap(q, false, IPPROTO_UDP, p + 20, 7); /* 7-byte UDP */
    EXPECT_DROP(udp_drop_short, q, m);
    memcpy(q, p, n);
    q[25] = 40; /* UDP length past the datagram */
    EXPECT_DROP(udp_drop_len, q, n);
    memcpy(q, p, n);
    q[25] = 4; /* under its own header */
    EXPECT_DROP(udp_drop_len, q, n);
    memcpy(q, p, n);
    q[26] ^= 1;
    EXPECT_DROP(udp_drop_csum, q, n);
    memcpy(q, p, n);
    q[26] = q[27] = 0; /* IPv4: zero means no checksum */
    EXPECT_DROP(udp_drop_noport, q, n);
}

Test(netstack_parse, tcp_header_and_option_errors)
{
    uint8_t p[256];
    size_t n;
    n = tcp_pkt(p, false, 80, TH_SYN_FLAG, NULL, 0, 4);
    EXPECT_DROP(tcp_drop_doff, p, n);
    n = tcp_pkt(p, false, 80, TH_SYN_FLAG, NULL, 0, 15); /* 60-byte header in 20 */
    EXPECT_DROP(tcp_drop_doff, p, n);
    uint8_t q[256];
    size_t m = ip_wrap(q, false, IPPROTO_TCP, p + 20, 19);
    EXPECT_DROP(tcp_drop_short, q, m);
    static const uint8_t overflow[] = {2, 4, 5, 0xb4, 8, 30, 0, 0}; /* TS says 30 bytes */
    n = tcp_pkt(p, false, 80, TH_SYN_FLAG, overflow, sizeof(overflow), -1);
    EXPECT_DROP(tcp_drop_opts, p, n);
    static const uint8_t zero_len[] = {1, 1, 99, 0};
    n = tcp_pkt(p, false, 80, TH_SYN_FLAG, zero_len, sizeof(zero_len), -1);
    EXPECT_DROP(tcp_drop_opts, p, n);
    static const uint8_t one_len[] = {1, 1, 99, 1};
    n = tcp_pkt(p, false, 80, TH_SYN_FLAG, one_len, sizeof(one_len), -1);
    EXPECT_DROP(tcp_drop_opts, p, n);
    static const uint8_t no_len_byte[] = {1, 1, 1, 2};
    n = tcp_pkt(p, false, 80, TH_SYN_FLAG, no_len_byte, sizeof(no_len_byte), -1);
    EXPECT_DROP(tcp_drop_opts, p, n);
    static const uint8_t bad_mss[] = {2, 3, 1, 1};
    n = tcp_pkt(p, false, 80, TH_SYN_FLAG, bad_mss, sizeof(bad_mss), -1);
    EXPECT_DROP(tcp_drop_opts, p, n);
    static const uint8_t bad_sack[] = {1, 1, 5, 6, 0, 0, 0, 0};
    n = tcp_pkt(p, false, 80, TH_SYN_FLAG, bad_sack, sizeof(bad_sack), -1);
    EXPECT_DROP(tcp_drop_opts, p, n);
    static const uint8_t fine[] = {2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 0, 0, 99, 2, 0, 0};
    n = tcp_pkt(p, false, 80, TH_SYN_FLAG, fine, sizeof(fine), -1);
    /* parsed fine, nobody listens: answered with a RST (which, looped back
     * to a port nobody has either, is dropped in silence) */
    EXPECT_DROP(tcp_out_rst, p, n);
    p[n - 1] ^= 0x40;
    EXPECT_DROP(tcp_drop_csum, p, n);
    n = tcp_pkt(p, true, 80, TH_SYN_FLAG, fine, sizeof(fine), -1);
    EXPECT_DROP(tcp_out_rst, p, n);
}

Test(netstack_parse, icmp_echo_is_answered)
{
    uint8_t p[128];
    for (int v6 = 0; v6 < 2; v6++) {
        size_t n = icmp_echo(p, v6);
        uint64_t replies = STAT(st, icmp_in_echo_reply);
        EXPECT_DROP(icmp_out_echo_reply, p, n);
        cr_assert_eq(STAT(st, icmp_in_echo_reply), replies + 1, "the reply came back on lo");
        p[n - 1] ^= 1;
        EXPECT_DROP(icmp_drop_csum, p, n);
        uint8_t q[128];
        size_t m = ip_wrap(q, v6, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, p + (v6 ? 40 : 20), 7);
        EXPECT_DROP(icmp_drop_short, q, m);
    }
}

static uint64_t rng = 12345;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

Test(netstack_parse, fuzzed_packets_never_crash)
{
    /* Something to reach: a TCP listener and a UDP socket on both families. */
    struct ns_ep *l, *u;
    cr_assert_eq(ns_ep_new(st, AF_INET6, SOCK_STREAM, 0, &l), 0);
    struct ns_sockaddr sa = sa_of("::", 80);
    cr_assert_eq(ns_ep_bind(l, &sa), 0);
    cr_assert_eq(ns_ep_listen(l, 64), 0);
    cr_assert_eq(ns_ep_new(st, AF_INET6, SOCK_DGRAM, 0, &u), 0);
    sa.port = 53;
    cr_assert_eq(ns_ep_bind(u, &sa), 0);

    static const uint8_t syn_opts[] = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1,
                                       0, 0, 0, 0, 1, 3, 3, 7};
    static const uint8_t sack[] = {1, 1, 5, 10, 0, 0, 0, 5, 0, 0, 0, 9};
    uint8_t seeds[8][256];
    size_t lens[8];
    lens[0] = udp_pkt(seeds[0], false, 53, 20);
    lens[1] = udp_pkt(seeds[1], true, 53, 20);
    lens[2] = tcp_pkt(seeds[2], false, 80, TH_SYN_FLAG, syn_opts, sizeof(syn_opts), -1);
    lens[3] = tcp_pkt(seeds[3], true, 80, TH_SYN_FLAG, syn_opts, sizeof(syn_opts), -1);
    lens[4] = tcp_pkt(seeds[4], false, 80, 0x10, sack, sizeof(sack), -1);
    lens[5] = icmp_echo(seeds[5], false);
    lens[6] = icmp_echo(seeds[6], true);
    lens[7] = tcp_pkt(seeds[7], true, 80, 0x11, sack, sizeof(sack), -1);
    uint8_t q[512];
    for (int i = 0; i < 100000; i++) {
        int k = (int)(rnd() % 8);
        size_t n = lens[k];
        memcpy(q, seeds[k], n);
        int muts = 1 + (int)(rnd() % 6);
        for (int m = 0; m < muts; m++) {
            switch (rnd() % 4) {
            case 0:
                q[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
                break;
            case 1:
                q[rnd() % n] = (uint8_t)rnd();
                break;
            case 2:
                n = rnd() % (n + 1); /* truncate */
                if (!n)
                    n = 1;
                break;
            case 3:
                if (n < sizeof(q) - 16) {
                    for (int j = 0; j < 16; j++)
                        q[n + (size_t)j] = (uint8_t)rnd();
                    n += rnd() % 16;
                }
                break;
            }
        }
        ns_nic_input(lo, q, n);
        if (i % 64 == 0)
            sim_run(&sm, 50 * T_MS, NULL, NULL);
    }
    sim_run(&sm, 200 * T_SEC, NULL, NULL); /* let every SYN-RCVD child time out */
    const struct ns_stats *s = ns_stack_stats(st);
    uint64_t drops = s->ip4_drop_csum + s->ip4_drop_len + s->tcp_drop_csum + s->udp_drop_csum;
    cr_assert(drops > 1000, "mutations were seen and dropped (%llu)", (unsigned long long)drops);
    for (size_t i = 0; i < NS_STATS_COUNT; i++)
        cr_log_info("%s %llu", ns_stats_name(i),
                    (unsigned long long)((const uint64_t *)s)[i]);
    ns_ep_close(l);
    ns_ep_close(u);
}

Test(netstack_parse, fast_checksum_matches_rfc1071)
{
    static uint8_t buf[3000];
    for (int i = 0; i < 2000; i++) {
        size_t n = rnd() % sizeof(buf);
        for (size_t j = 0; j < n; j++)
            buf[j] = (uint8_t)rnd();
        if (i % 7 == 0)
            memset(buf, 0xff, n); /* carries everywhere */
        uint32_t seed = rnd() & 0xfffff;
        uint16_t want = csum(buf, n, seed);
        cr_assert_eq(ns_csum_fold(ns_csum_add(seed, buf, n)), want, "len %zu", n);
    }
}
