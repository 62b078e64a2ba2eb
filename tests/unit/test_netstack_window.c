/* tests/unit/test_netstack_window.c: window scaling, SACK and timestamps
 * are negotiated when both ends offer them and left out when the SYN does
 * not; SACK blocks flow and are honoured under loss; a zero window is
 * probed, then reopened by the reader's window update. */
#include <netinet/tcp.h>
#include <poll.h>

#include "netstack_harness.h"

static struct sim sm;
static struct ns_stack *a, *b;
static struct ns_nic *na, *nb;

/* What the tap saw of TCP segments leaving a NIC. */
struct seen {
    int syn, synack, sack_blocks, zero_windows, segs, max_wnd;
    bool synack_ws, synack_sack, synack_ts;
};
static struct seen seen_a, seen_b;

static void tap(void *arg, const void *pkt, size_t len, bool out)
{
    struct seen *s = arg;
    const uint8_t *p = pkt;
    if (!out || len < 20 || (p[0] >> 4) != 4 || p[9] != IPPROTO_TCP)
        return;
    size_t ihl = (size_t)(p[0] & 0xf) * 4;
    const uint8_t *t = p + ihl;
    size_t doff = (size_t)(t[12] >> 4) * 4;
    uint8_t fl = t[13];
    s->segs++;
    if ((fl & 0x02) && !(fl & 0x10))
        s->syn++;
    int wnd = t[14] << 8 | t[15];
    if (!(fl & 0x02) && !(fl & 0x04) && wnd == 0)
        s->zero_windows++;
    if (!(fl & 0x02) && wnd > s->max_wnd)
        s->max_wnd = wnd;
    for (size_t i = 20; i < doff;) {
        uint8_t k = t[i];
        if (k == 0)
            break;
        if (k == 1) {
            i++;
            continue;
        }
        if ((fl & 0x12) == 0x12) {
            s->synack_ws |= k == 3;
            s->synack_sack |= k == 4;
            s->synack_ts |= k == 8;
        }
        if (k == 5)
            s->sack_blocks += (t[i + 1] - 2) / 8;
        i += t[i + 1];
    }
    if ((fl & 0x12) == 0x12)
        s->synack++;
}

static void link_up(uint32_t loss_ppm)
{
    memset(&sm, 0, sizeof(sm));
    memset(&seen_a, 0, sizeof(seen_a));
    memset(&seen_b, 0, sizeof(seen_b));
    a = sim_stack(&sm, 5, 1000);
    b = sim_stack(&sm, 6, 1000);
    struct ns_testlink_cfg cfg = {.seed = 3, .loss_ppm = loss_ppm, .delay_ns = 2 * T_MS};
    cr_assert_eq(ns_testlink_pair(a, b, &cfg, &na, &nb), 0);
    struct ns_addr x;
    ns_addr_parse("10.0.0.1", &x);
    ns_nic_add_addr(na, &x, 24);
    ns_addr_parse("10.0.0.2", &x);
    ns_nic_add_addr(nb, &x, 24);
    ns_nic_set_tap(na, tap, &seen_a);
    ns_nic_set_tap(nb, tap, &seen_b);
}

static void teardown(void)
{
    sim_free(&sm);
}

TestSuite(netstack_window, .fini = teardown);

static void run(uint64_t ns)
{
    sim_run(&sm, ns, NULL, NULL);
}

static void connect_pair(struct ns_ep **c, struct ns_ep **s, int rcvbuf)
{
    struct ns_ep *l;
    cr_assert_eq(ns_ep_new(b, AF_INET, SOCK_STREAM, 0, &l), 0);
    if (rcvbuf)
        set_int(l, SOL_SOCKET, SO_RCVBUF, rcvbuf);
    struct ns_sockaddr sa = sa_of("10.0.0.2", 443);
    cr_assert_eq(ns_ep_bind(l, &sa), 0);
    cr_assert_eq(ns_ep_listen(l, 4), 0);
    cr_assert_eq(ns_ep_new(a, AF_INET, SOCK_STREAM, 0, c), 0);
    cr_assert_eq(ns_ep_connect(*c, &sa), -EINPROGRESS);
    run(50 * T_MS);
    cr_assert_eq(ns_ep_accept(l, s, NULL), 0);
    ns_ep_close(l);
}

static struct tcp_info info(struct ns_ep *ep)
{
    struct tcp_info ti;
    size_t len = sizeof(ti);
    cr_assert_eq(ns_ep_getsockopt(ep, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
    return ti;
}

Test(netstack_window, scaling_sack_and_timestamps_negotiated)
{
    link_up(0);
    struct ns_ep *c, *s;
    connect_pair(&c, &s, 0);
    cr_assert_eq(seen_a.syn, 1);
    cr_assert_eq(seen_b.synack, 1);
    cr_assert(seen_b.synack_ws && seen_b.synack_sack && seen_b.synack_ts);
    struct tcp_info ti = info(c);
    cr_assert_eq(ti.tcpi_options & (TCPI_OPT_WSCALE | TCPI_OPT_SACK | TCPI_OPT_TIMESTAMPS),
                 TCPI_OPT_WSCALE | TCPI_OPT_SACK | TCPI_OPT_TIMESTAMPS);
    cr_assert_eq(ti.tcpi_snd_wscale, 7);
    cr_assert_eq(ti.tcpi_rcv_wscale, 7);
    cr_assert_eq(ti.tcpi_snd_mss, 1500 - 40 - 12, "MSS from the MTU, minus timestamps");
    /* the 256 KiB window is advertised as 2048 << 7 */
    cr_assert_eq(ns_ep_sendto(c, "hello", 5, 0, NULL), 5);
    run(50 * T_MS);
    cr_assert(seen_b.max_wnd > 2000 && seen_b.max_wnd <= 2048, "window field %d", seen_b.max_wnd);
    ns_ep_close(c);
    ns_ep_close(s);
}

Test(netstack_window, options_left_out_when_the_syn_has_none)
{
    link_up(0);
    struct ns_ep *l;
    cr_assert_eq(ns_ep_new(b, AF_INET, SOCK_STREAM, 0, &l), 0);
    struct ns_sockaddr sa = sa_of("10.0.0.2", 444);
    cr_assert_eq(ns_ep_bind(l, &sa), 0);
    cr_assert_eq(ns_ep_listen(l, 4), 0);
    /* a bare SYN 10.0.0.1:1000 -> 10.0.0.2:444 */
    uint8_t p[40] = {0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, IPPROTO_TCP, 0, 0, 10, 0, 0, 1,
                     10, 0, 0, 2};
    uint8_t *t = p + 20;
    t[0] = 1000 >> 8;
    t[1] = 1000 & 0xff;
    t[2] = 444 >> 8;
    t[3] = 444 & 0xff;
    t[7] = 1;
    t[12] = 5 << 4;
    t[13] = 0x02;
    t[14] = 0x10;
    uint32_t sum = 0;
    for (int i = 12; i < 20; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    sum += IPPROTO_TCP + 20;
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)(t[i] << 8 | t[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    t[16] = (uint8_t)(~sum >> 8);
    t[17] = (uint8_t)~sum;
    sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    p[10] = (uint8_t)(~sum >> 8);
    p[11] = (uint8_t)~sum;
    ns_nic_input(nb, p, sizeof(p));
    cr_assert_eq(seen_b.synack, 1);
    cr_assert(!seen_b.synack_ws && !seen_b.synack_sack && !seen_b.synack_ts,
              "only what the SYN offered");
    ns_ep_close(l);
}

Test(netstack_window, sack_blocks_sent_and_honoured)
{
    link_up(30000);
    struct ns_ep *c, *s;
    connect_pair(&c, &s, 0);
    static char buf[1 << 20], in[65536];
    size_t sent = 0, got = 0;
    while (got < sizeof(buf)) {
        if (sent < sizeof(buf)) {
            ssize_t r = ns_ep_sendto(c, buf + sent, sizeof(buf) - sent, 0, NULL);
            if (r > 0)
                sent += (size_t)r;
        }
        run(5 * T_MS);
        ssize_t r;
        while ((r = ns_ep_recvfrom(s, in, sizeof(in), 0, NULL)) > 0)
            got += (size_t)r;
        cr_assert(sm.now < 300 * T_SEC);
    }
    cr_assert(seen_b.sack_blocks > 0, "the receiver sent SACK blocks");
    cr_assert(STAT(a, tcp_fast_retrans) > 0);
    cr_log_info("sack blocks %d, fast retransmits %llu, rto %llu, skipped %llu",
                seen_b.sack_blocks, (unsigned long long)STAT(a, tcp_fast_retrans),
                (unsigned long long)STAT(a, tcp_rto), (unsigned long long)STAT(a, tcp_sack_skipped));
    cr_assert(STAT(a, tcp_sack_skipped) > 0, "SACKed data is not sent again");
    ns_ep_close(c);
    ns_ep_close(s);
}

Test(netstack_window, zero_window_probe_then_update)
{
    link_up(0);
    struct ns_ep *c, *s;
    connect_pair(&c, &s, 4096); /* 8 KiB receive buffer */
    static char out[100000], in[100000];
    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (char)(i % 251);
    ssize_t n = ns_ep_sendto(c, out, sizeof(out), 0, NULL);
    cr_assert(n > 0);
    run(3 * T_SEC);
    cr_assert(seen_b.zero_windows > 0, "the reader's full buffer shows as a zero window");
    cr_assert(STAT(a, tcp_zwin_probes) > 0, "the sender probes it");
    cr_assert_eq(ns_ep_tcp_state(c), TCP_ESTABLISHED, "probes are not retransmissions");
    size_t sent = (size_t)n, got = 0;
    while (got < sizeof(out)) {
        ssize_t r = ns_ep_recvfrom(s, in + got, sizeof(in) - got, 0, NULL);
        if (r > 0)
            got += (size_t)r;
        if (sent < sizeof(out) && (r = ns_ep_sendto(c, out + sent, sizeof(out) - sent, 0,
                                                     NULL)) > 0)
            sent += (size_t)r;
        run(5 * T_MS); /* well under the probe interval: the update did it */
        cr_assert(sm.now < 20 * T_SEC, "stuck at %zu", got);
    }
    cr_assert_eq(memcmp(in, out, sizeof(out)), 0);
    ns_ep_close(c);
    ns_ep_close(s);
}
