/* tests/unit/test_netstack_timers.c: the timer wheel (deadlines, far
 * timers, cancel), RTT estimation and the minimum RTO, Nagle, TCP_NODELAY
 * and TCP_CORK, delayed ACKs, and keepalive probing and giving up. */
#include <netinet/tcp.h>
#include <poll.h>

#include "netstack/ns_impl.h"
#include "netstack_harness.h"

static struct sim sm;
static struct ns_stack *a, *b;
static struct ns_nic *na, *nb;

static void teardown(void)
{
    sim_free(&sm);
}

TestSuite(netstack_timers, .fini = teardown);

static uint64_t fired_at[8];
static int fired_n;
static void on_timer(struct ns_timer *t)
{
    fired_at[fired_n++] = t->st->now;
}

Test(netstack_timers, wheel_deadlines_far_timers_and_cancel)
{
    memset(&sm, 0, sizeof(sm));
    a = sim_stack(&sm, 1, 0);
    struct ns_timer t[4];
    uint64_t base = sm.now;
    uint64_t when[4] = {base + 3 * T_MS + 500, base + 700 * T_MS, base + 5000 * T_SEC,
                        base + 10 * T_MS};
    for (int i = 0; i < 4; i++) {
        ns_timer_init(&t[i], on_timer);
        ns_timer_arm(a, &t[i], when[i]);
    }
    ns_timer_cancel(&t[3]);
    cr_assert_eq(ns_stack_next_deadline(a), when[0]);
    sim_run(&sm, 2 * T_SEC, NULL, NULL);
    cr_assert_eq(fired_n, 2);
    cr_assert_eq(fired_at[0], when[0], "fired at its deadline, not a tick later");
    cr_assert_eq(fired_at[1], when[1], "beyond one turn of the wheel");
    cr_assert_eq(ns_stack_next_deadline(a), when[2]);
    sim_run(&sm, 6000 * T_SEC, NULL, NULL);
    cr_assert_eq(fired_n, 3);
    cr_assert_eq(fired_at[2], when[2]);
    cr_assert_eq(ns_stack_next_deadline(a), UINT64_MAX);
}

/* Two stacks on a clean test link, one-way delay d. */
static void link_up(uint64_t d)
{
    memset(&sm, 0, sizeof(sm));
    a = sim_stack(&sm, 11, 1000);
    b = sim_stack(&sm, 12, 1000);
    struct ns_testlink_cfg cfg = {.seed = 9, .delay_ns = d};
    cr_assert_eq(ns_testlink_pair(a, b, &cfg, &na, &nb), 0);
    struct ns_addr x;
    ns_addr_parse("10.0.0.1", &x);
    ns_nic_add_addr(na, &x, 24);
    ns_addr_parse("10.0.0.2", &x);
    ns_nic_add_addr(nb, &x, 24);
}

static void connect_pair(struct ns_ep **c, struct ns_ep **s)
{
    struct ns_ep *l;
    cr_assert_eq(ns_ep_new(b, AF_INET, SOCK_STREAM, 0, &l), 0);
    struct ns_sockaddr sa = sa_of("10.0.0.2", 22);
    cr_assert_eq(ns_ep_bind(l, &sa), 0);
    cr_assert_eq(ns_ep_listen(l, 4), 0);
    cr_assert_eq(ns_ep_new(a, AF_INET, SOCK_STREAM, 0, c), 0);
    cr_assert_eq(ns_ep_connect(*c, &sa), -EINPROGRESS);
    sim_run(&sm, 200 * T_MS, NULL, NULL);
    cr_assert_eq(ns_ep_accept(l, s, NULL), 0);
    ns_ep_close(l);
}

static int data_segs, pure_acks;
static void count_tap(void *arg, const void *pkt, size_t len, bool out)
{
    const uint8_t *p = pkt;
    if (!out || len < 40 || p[9] != IPPROTO_TCP)
        return;
    size_t doff = (size_t)(p[32] >> 4) * 4;
    if (len > 20 + doff)
        data_segs++;
    else if (p[33] == 0x10)
        pure_acks++;
}

static struct tcp_info info(struct ns_ep *ep)
{
    struct tcp_info ti;
    size_t len = sizeof(ti);
    cr_assert_eq(ns_ep_getsockopt(ep, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
    return ti;
}

Test(netstack_timers, rtt_estimate_and_min_rto)
{
    link_up(5 * T_MS);
    struct ns_ep *c, *s;
    connect_pair(&c, &s);
    static char buf[100000], in[100000];
    for (int i = 0; i < 20; i++) {
        cr_assert(ns_ep_sendto(c, buf, 5000, 0, NULL) > 0);
        sim_run(&sm, 100 * T_MS, NULL, NULL);
        while (ns_ep_recvfrom(s, in, sizeof(in), 0, NULL) > 0)
            ;
    }
    struct tcp_info ti = info(c);
    cr_assert(ti.tcpi_rtt >= 9000 && ti.tcpi_rtt <= 60000, "srtt %u us for a 10 ms RTT",
              ti.tcpi_rtt);
    cr_assert_eq(ti.tcpi_rto, 200000, "Linux's 200 ms floor");
    ns_ep_close(c);
    ns_ep_close(s);
}

Test(netstack_timers, nagle_nodelay_and_cork)
{
    link_up(1 * T_MS);
    struct ns_ep *c, *s;
    connect_pair(&c, &s);
    ns_nic_set_tap(na, count_tap, NULL);
    char in[64];
    /* Nagle: the second and third small writes wait for the first's ACK */
    data_segs = 0;
    for (int i = 0; i < 3; i++)
        cr_assert_eq(ns_ep_sendto(c, "x", 1, 0, NULL), 1);
    cr_assert_eq(data_segs, 1);
    sim_run(&sm, 100 * T_MS, NULL, NULL);
    cr_assert_eq(data_segs, 2, "coalesced after the ACK");
    cr_assert_eq(ns_ep_recvfrom(s, in, sizeof(in), 0, NULL), 3);
    /* TCP_NODELAY: each write is a segment */
    set_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
    data_segs = 0;
    for (int i = 0; i < 3; i++)
        cr_assert_eq(ns_ep_sendto(c, "y", 1, 0, NULL), 1);
    cr_assert_eq(data_segs, 3);
    sim_run(&sm, 100 * T_MS, NULL, NULL);
    cr_assert_eq(ns_ep_recvfrom(s, in, sizeof(in), 0, NULL), 3);
    /* TCP_CORK: nothing until uncorked */
    set_int(c, IPPROTO_TCP, TCP_CORK, 1);
    data_segs = 0;
    for (int i = 0; i < 3; i++)
        cr_assert_eq(ns_ep_sendto(c, "z", 1, 0, NULL), 1);
    sim_run(&sm, 100 * T_MS, NULL, NULL);
    cr_assert_eq(data_segs, 0);
    set_int(c, IPPROTO_TCP, TCP_CORK, 0);
    cr_assert_eq(data_segs, 1);
    sim_run(&sm, 100 * T_MS, NULL, NULL);
    cr_assert_eq(ns_ep_recvfrom(s, in, sizeof(in), 0, NULL), 3);
    ns_ep_close(c);
    ns_ep_close(s);
}

Test(netstack_timers, delayed_ack_after_quickack)
{
    link_up(1 * T_MS);
    struct ns_ep *c, *s;
    connect_pair(&c, &s);
    set_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
    char in[64];
    for (int i = 0; i < 20; i++) { /* use up quick-ack mode */
        cr_assert_eq(ns_ep_sendto(c, "q", 1, 0, NULL), 1);
        sim_run(&sm, 100 * T_MS, NULL, NULL);
        cr_assert_eq(ns_ep_recvfrom(s, in, sizeof(in), 0, NULL), 1);
    }
    ns_nic_set_tap(nb, count_tap, NULL);
    pure_acks = 0;
    cr_assert_eq(ns_ep_sendto(c, "d", 1, 0, NULL), 1);
    sim_run(&sm, 20 * T_MS, NULL, NULL);
    cr_assert_eq(pure_acks, 0, "the ACK waits for a reply to ride on");
    sim_run(&sm, 30 * T_MS, NULL, NULL);
    cr_assert_eq(pure_acks, 1, "40 ms later it goes alone");
    ns_ep_close(c);
    ns_ep_close(s);
}

Test(netstack_timers, keepalive_probes_then_gives_up)
{
    link_up(1 * T_MS);
    struct ns_ep *c, *s;
    connect_pair(&c, &s);
    set_int(c, SOL_SOCKET, SO_KEEPALIVE, 1);
    set_int(c, IPPROTO_TCP, TCP_KEEPIDLE, 10);
    set_int(c, IPPROTO_TCP, TCP_KEEPINTVL, 2);
    set_int(c, IPPROTO_TCP, TCP_KEEPCNT, 3);
    sim_run(&sm, 60 * T_SEC, NULL, NULL);
    cr_assert_eq(ns_ep_tcp_state(c), TCP_ESTABLISHED, "answered probes keep it up");
    uint64_t probes = STAT(a, tcp_keepalive_probes);
    cr_assert(probes >= 4, "a probe every idle period (%llu)", (unsigned long long)probes);
    /* fresh traffic, then silence: the idle time counts from here */
    cr_assert_eq(ns_ep_sendto(s, "k", 1, 0, NULL), 1);
    sim_run(&sm, 50 * T_MS, NULL, NULL);
    char x;
    cr_assert_eq(ns_ep_recvfrom(c, &x, 1, 0, NULL), 1);
    ns_testlink_set_loss(na, 1000000);
    uint64_t start = sm.now;
    while (ns_ep_tcp_state(c) == TCP_ESTABLISHED && sm.now - start < 100 * T_SEC)
        sim_run(&sm, 100 * T_MS, NULL, NULL);
    double secs = (double)(sm.now - start) / T_SEC;
    cr_assert(secs >= 14 && secs <= 17, "idle 10 s + 3 probes 2 s apart: %.1f s", secs);
    cr_assert_eq(ns_ep_recvfrom(c, &x, 1, 0, NULL), -ETIMEDOUT);
    ns_ep_close(c);
    ns_ep_close(s);
}

static int kicks;
static void on_kick(void *arg)
{
    kicks++;
}

Test(netstack_timers, kick_when_work_is_queued)
{
    struct ns_stack_cfg cfg = {.seed = 1, .kick = on_kick};
    struct ns_stack *s;
    cr_assert_eq(ns_stack_new(&cfg, T_SEC, &s), 0);
    struct ns_ep *u;
    cr_assert_eq(ns_ep_new(s, AF_INET, SOCK_DGRAM, 0, &u), 0);
    struct ns_sockaddr to = sa_of("127.0.0.1", 9999);
    kicks = 0;
    cr_assert_eq(ns_ep_sendto(u, "a", 1, 0, &to), 1);
    cr_assert_eq(ns_ep_sendto(u, "b", 1, 0, &to), 1);
    cr_assert_eq(kicks, 1, "one kick until the caller processes");
    cr_assert_eq(ns_stack_next_deadline(s), T_SEC, "due now");
    ns_stack_process(s, T_SEC);
    cr_assert_eq(ns_stack_next_deadline(s), UINT64_MAX);
    cr_assert_eq(ns_ep_sendto(u, "c", 1, 0, &to), 1);
    cr_assert_eq(kicks, 2);
    ns_ep_close(u);
    ns_stack_free(s);
}
