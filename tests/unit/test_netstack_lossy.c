/* tests/unit/test_netstack_lossy.c: TCP between two stacks over a test link
 * that loses 5% of packets, reorders and duplicates some: 10 MB arrive
 * intact and in order with NewReno and with CUBIC; and a connection whose
 * link drops everything gives up with ETIMEDOUT. */
#include <netinet/tcp.h>
#include <poll.h>

#include "netstack_harness.h"

#define TOTAL (10u * 1024 * 1024)

static struct sim sm;
static struct ns_stack *a, *b;
static struct ns_nic *na, *nb;

static void link_up(uint32_t loss_ppm)
{
    memset(&sm, 0, sizeof(sm));
    a = sim_stack(&sm, 1001, 1000);
    b = sim_stack(&sm, 2002, 1000);
    struct ns_testlink_cfg cfg = {
        .seed = 77,
        .loss_ppm = loss_ppm,
        .dup_ppm = 10000,
        .reorder_ppm = 50000,
        .delay_ns = 1 * T_MS,
        .reorder_ns = 3 * T_MS,
    };
    cr_assert_eq(ns_testlink_pair(a, b, &cfg, &na, &nb), 0);
    struct ns_addr x;
    ns_addr_parse("10.0.0.1", &x);
    cr_assert_eq(ns_nic_add_addr(na, &x, 24), 0);
    ns_addr_parse("10.0.0.2", &x);
    cr_assert_eq(ns_nic_add_addr(nb, &x, 24), 0);
}

static void teardown(void)
{
    sim_free(&sm);
}

TestSuite(netstack_lossy, .fini = teardown);

/* Advance to the next deadline of either stack; false if none. */
static bool tick(void)
{
    uint64_t next = SB_MIN_U64(ns_stack_next_deadline(a), ns_stack_next_deadline(b));
    if (next == UINT64_MAX)
        return false;
    if (next > sm.now)
        sm.now = next;
    ns_stack_process(a, sm.now);
    ns_stack_process(b, sm.now);
    return true;
}

static void connect_pair(const char *cc, struct ns_ep **c, struct ns_ep **s)
{
    struct ns_ep *l;
    cr_assert_eq(ns_ep_new(b, AF_INET, SOCK_STREAM, 0, &l), 0);
    struct ns_sockaddr sa = sa_of("10.0.0.2", 9000);
    cr_assert_eq(ns_ep_bind(l, &sa), 0);
    cr_assert_eq(ns_ep_listen(l, 8), 0);
    cr_assert_eq(ns_ep_new(a, AF_INET, SOCK_STREAM, 0, c), 0);
    if (cc)
        cr_assert_eq(ns_ep_setsockopt(*c, IPPROTO_TCP, TCP_CONGESTION, cc, strlen(cc)), 0);
    cr_assert_eq(ns_ep_connect(*c, &sa), -EINPROGRESS);
    int r;
    while ((r = ns_ep_accept(l, s, NULL)) == -EAGAIN && sm.now < 60 * T_SEC)
        cr_assert(tick());
    cr_assert_eq(r, 0, "accept: %d", r);
    ns_ep_close(l);
}

static uint8_t pattern(uint64_t i)
{
    uint64_t z = i * 0x9e3779b97f4a7c15ULL;
    return (uint8_t)((z ^ (z >> 29)) >> 11);
}

static void transfer(const char *cc)
{
    link_up(50000);
    struct ns_ep *c, *s;
    connect_pair(cc, &c, &s);
    static uint8_t buf[65536];
    uint64_t sent = 0, got = 0, h_out = 1469598103934665603ULL, h_in = h_out;
    uint64_t start = sm.now;
    while (got < TOTAL) {
        while (sent < TOTAL) {
            size_t n = SB_MIN_U64(sizeof(buf), TOTAL - sent);
            for (size_t i = 0; i < n; i++)
                buf[i] = pattern(sent + i);
            ssize_t r = ns_ep_sendto(c, buf, n, 0, NULL);
            if (r == -EAGAIN)
                break;
            cr_assert(r > 0, "send: %zd", r);
            for (ssize_t i = 0; i < r; i++)
                h_out = (h_out ^ buf[i]) * 1099511628211ULL;
            sent += (uint64_t)r;
        }
        ssize_t r;
        while ((r = ns_ep_recvfrom(s, buf, sizeof(buf), 0, NULL)) > 0) {
            for (ssize_t i = 0; i < r; i++) {
                cr_assert_eq(buf[i], pattern(got + (uint64_t)i), "byte %llu",
                             (unsigned long long)(got + (uint64_t)i));
                h_in = (h_in ^ buf[i]) * 1099511628211ULL;
            }
            got += (uint64_t)r;
        }
        cr_assert_eq(r, -EAGAIN, "recv: %zd", r);
        cr_assert(tick(), "stalled at %llu of %u bytes", (unsigned long long)got, TOTAL);
        cr_assert(sm.now - start < 600 * T_SEC, "too slow: %llu bytes", (unsigned long long)got);
    }
    cr_assert_eq(h_in, h_out);
    cr_assert(STAT(a, tcp_retrans) > 0, "the link did lose packets");
    cr_assert(STAT(b, tcp_ooo_queued) > 0);
    cr_log_info("%s: 10 MB in %.1f simulated s, %llu retransmits (%llu fast, %llu rto)", cc,
                (double)(sm.now - start) / T_SEC, (unsigned long long)STAT(a, tcp_retrans),
                (unsigned long long)STAT(a, tcp_fast_retrans),
                (unsigned long long)STAT(a, tcp_rto));
    /* orderly close on the lossy link too */
    ns_ep_close(c);
    char x;
    while (ns_ep_recvfrom(s, &x, 1, 0, NULL) != 0)
        cr_assert(tick());
    ns_ep_close(s);
}

Test(netstack_lossy, ten_mb_newreno)
{
    transfer("reno");
}

Test(netstack_lossy, ten_mb_cubic)
{
    transfer("cubic");
}

Test(netstack_lossy, gives_up_with_etimedout)
{
    link_up(0);
    struct ns_ep *c, *s;
    connect_pair(NULL, &c, &s);
    ns_testlink_set_loss(na, 1000000);
    cr_assert_eq(ns_ep_sendto(c, "doomed", 6, 0, NULL), 6);
    uint64_t start = sm.now;
    int retrans_seen = 0;
    while (ns_ep_tcp_state(c) == TCP_ESTABLISHED) {
        struct tcp_info ti;
        size_t len = sizeof(ti);
        ns_ep_getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &len);
        if (ti.tcpi_retransmits > retrans_seen)
            retrans_seen = ti.tcpi_retransmits;
        cr_assert(tick());
        cr_assert(sm.now - start < 3600 * T_SEC);
    }
    cr_assert_eq(retrans_seen, 15, "tcp_retries2 attempts");
    cr_assert(ns_ep_events(c) & POLLERR);
    char x;
    cr_assert_eq(ns_ep_recvfrom(c, &x, 1, 0, NULL), -ETIMEDOUT);
    double secs = (double)(sm.now - start) / T_SEC;
    /* RFC 6298 back-off from 200 ms, capped at 120 s: Linux's ~15 min */
    cr_assert(secs > 600 && secs < 1000, "gave up after %.0f s", secs);
    cr_assert_eq(STAT(a, tcp_timeouts), 1);
    ns_ep_close(c);
    ns_ep_close(s);
}
