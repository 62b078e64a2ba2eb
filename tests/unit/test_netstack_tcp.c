/* tests/unit/test_netstack_tcp.c: TCP over loopback: connect, accept,
 * exchange and close from either side, half close, RST on a closed port,
 * TIME_WAIT, listen backlog overflow, readiness and options. */
#include <netinet/tcp.h>
#include <poll.h>

#include "netstack_harness.h"

static struct sim sm;
static struct ns_stack *st;

static void setup(void)
{
    memset(&sm, 0, sizeof(sm));
    st = sim_stack(&sm, 7, 500); /* MSL 0.5 s: TIME_WAIT lasts 1 s */
}

static void teardown(void)
{
    sim_free(&sm);
}

TestSuite(netstack_tcp, .init = setup, .fini = teardown);

static struct ns_ep *tcp(int family)
{
    struct ns_ep *ep;
    cr_assert_eq(ns_ep_new(st, family, SOCK_STREAM, 0, &ep), 0);
    return ep;
}

static void step(void)
{
    sim_run(&sm, 1 * T_MS, NULL, NULL);
}

static struct ns_ep *listener(const char *ip, uint16_t port, int backlog)
{
    struct ns_sockaddr sa = sa_of(ip, port);
    struct ns_ep *l = tcp(sa.family);
    cr_assert_eq(ns_ep_bind(l, &sa), 0);
    cr_assert_eq(ns_ep_listen(l, backlog), 0);
    return l;
}

/* A connected pair: client c, accepted server side s. */
static void pair(const char *ip, uint16_t port, struct ns_ep **l, struct ns_ep **c,
                 struct ns_ep **s)
{
    *l = listener(ip, port, 16);
    struct ns_sockaddr sa = sa_of(ip, port);
    *c = tcp(sa.family);
    cr_assert_eq(ns_ep_connect(*c, &sa), -EINPROGRESS);
    cr_assert_eq(ns_ep_connect(*c, &sa), -EALREADY);
    cr_assert_eq(ns_ep_events(*c) & POLLOUT, 0, "not writable while connecting");
    step();
    cr_assert_eq(ns_ep_tcp_state(*c), TCP_ESTABLISHED);
    cr_assert(ns_ep_events(*c) & POLLOUT);
    cr_assert_eq(get_int(*c, SOL_SOCKET, SO_ERROR), 0);
    cr_assert(ns_ep_events(*l) & POLLIN);
    struct ns_sockaddr peer;
    cr_assert_eq(ns_ep_accept(*l, s, &peer), 0);
    struct ns_sockaddr cn;
    ns_ep_getsockname(*c, &cn);
    cr_assert_eq(peer.port, cn.port);
    cr_assert_eq(ns_ep_tcp_state(*s), TCP_ESTABLISHED);
}

static void exchange(struct ns_ep *a, struct ns_ep *b, size_t n)
{
    static char out[200000], in[200000];
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(i * 7 + 3);
    size_t sent = 0, got = 0;
    for (int rounds = 0; got < n && rounds < 10000; rounds++) {
        if (sent < n) {
            ssize_t r = ns_ep_sendto(a, out + sent, n - sent, 0, NULL);
            cr_assert(r > 0 || r == -EAGAIN, "send %zd", r);
            if (r > 0)
                sent += (size_t)r;
        }
        step();
        ssize_t r = ns_ep_recvfrom(b, in + got, n - got, 0, NULL);
        cr_assert(r > 0 || r == -EAGAIN, "recv %zd", r);
        if (r > 0)
            got += (size_t)r;
    }
    cr_assert_eq(got, n);
    cr_assert_eq(memcmp(in, out, n), 0);
}

static int fins, rsts;
static void fin_tap(void *arg, const void *pkt, size_t len, bool out)
{
    const uint8_t *p = pkt;
    if (!out || len < 40 || (p[0] >> 4) != 4 || p[9] != IPPROTO_TCP)
        return;
    fins += p[33] & 1;
    rsts += (p[33] >> 2) & 1;
}

Test(netstack_tcp, connect_accept_exchange_close_client_first)
{
    struct ns_ep *l, *c, *s;
    ns_nic_set_tap(ns_stack_nic(st, 1), fin_tap, NULL);
    pair("127.0.0.1", 8000, &l, &c, &s);
    exchange(c, s, 100000);
    exchange(s, c, 5000);
    ns_ep_close(c);
    step();
    cr_assert(ns_ep_events(s) & POLLRDHUP);
    char buf[8];
    cr_assert_eq(ns_ep_recvfrom(s, buf, sizeof(buf), 0, NULL), 0, "EOF after FIN");
    cr_assert_eq(ns_ep_tcp_state(s), TCP_CLOSE_WAIT);
    ns_ep_close(s);
    step();
    /* the client side sits in TIME_WAIT for 2*MSL, then goes */
    char pn[4096];
    ns_procnet_render(st, NS_PROC_TCP, pn, sizeof(pn));
    cr_assert(strstr(pn, " 06 "), "TIME_WAIT listed:\n%s", pn);
    sim_run(&sm, 2 * T_SEC, NULL, NULL);
    ns_procnet_render(st, NS_PROC_TCP, pn, sizeof(pn));
    cr_assert_null(strstr(pn, " 06 "), "TIME_WAIT gone:\n%s", pn);
    cr_assert_eq(fins, 2, "one FIN each way");
    cr_assert_eq(rsts, 0);
    ns_ep_close(l);
}

Test(netstack_tcp, server_closes_first_and_ipv6)
{
    struct ns_ep *l, *c, *s;
    pair("::1", 8001, &l, &c, &s);
    exchange(c, s, 3000);
    ns_ep_close(s);
    step();
    char buf[8];
    cr_assert_eq(ns_ep_recvfrom(c, buf, sizeof(buf), 0, NULL), 0);
    cr_assert_eq(ns_ep_tcp_state(c), TCP_CLOSE_WAIT);
    cr_assert_eq(ns_ep_sendto(c, "late", 4, 0, NULL), 4, "CLOSE_WAIT may still send");
    step();
    /* the server is gone: that data earns a RST */
    cr_assert_eq(ns_ep_tcp_state(c), TCP_CLOSE);
    cr_assert_eq(ns_ep_sendto(c, "x", 1, 0, NULL), -ECONNRESET);
    ns_ep_close(c);
    ns_ep_close(l);
}

Test(netstack_tcp, half_close_keeps_the_other_direction)
{
    struct ns_ep *l, *c, *s;
    pair("127.0.0.1", 8002, &l, &c, &s);
    cr_assert_eq(ns_ep_sendto(c, "request", 7, 0, NULL), 7);
    cr_assert_eq(ns_ep_shutdown(c, SHUT_WR), 0);
    cr_assert_eq(ns_ep_sendto(c, "x", 1, 0, NULL), -EPIPE);
    step();
    char buf[16];
    cr_assert_eq(ns_ep_recvfrom(s, buf, sizeof(buf), 0, NULL), 7);
    cr_assert_eq(ns_ep_recvfrom(s, buf, sizeof(buf), 0, NULL), 0);
    cr_assert_eq(ns_ep_tcp_state(c), TCP_FIN_WAIT2);
    cr_assert_eq(ns_ep_sendto(s, "response", 8, 0, NULL), 8);
    step();
    cr_assert_eq(ns_ep_recvfrom(c, buf, sizeof(buf), 0, NULL), 8);
    cr_assert_eq(memcmp(buf, "response", 8), 0);
    ns_ep_close(s);
    step();
    cr_assert_eq(ns_ep_recvfrom(c, buf, sizeof(buf), 0, NULL), 0);
    cr_assert_eq(ns_ep_tcp_state(c), TCP_TIME_WAIT);
    unsigned ev = ns_ep_events(c);
    cr_assert(ev & POLLHUP, "both directions shut: %#x", ev);
    ns_ep_close(c);
    ns_ep_close(l);
}

Test(netstack_tcp, connect_to_closed_port_is_refused)
{
    struct ns_ep *c = tcp(AF_INET);
    struct ns_sockaddr sa = sa_of("127.0.0.1", 8003);
    cr_assert_eq(ns_ep_connect(c, &sa), -EINPROGRESS);
    step();
    cr_assert(ns_ep_events(c) & POLLERR);
    cr_assert_eq(get_int(c, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
    cr_assert_eq(get_int(c, SOL_SOCKET, SO_ERROR), 0, "SO_ERROR clears");
    cr_assert_eq(ns_ep_tcp_state(c), TCP_CLOSE);
    cr_assert_eq(STAT(st, tcp_out_rst), 1);
    ns_ep_close(c);
}

Test(netstack_tcp, rst_in_established_is_econnreset)
{
    struct ns_ep *l, *c, *s;
    pair("127.0.0.1", 8004, &l, &c, &s);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    cr_assert_eq(ns_ep_setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
    ns_ep_close(s); /* abortive close */
    step();
    char buf[4];
    cr_assert(ns_ep_events(c) & POLLERR);
    cr_assert_eq(ns_ep_recvfrom(c, buf, 4, 0, NULL), -ECONNRESET);
    cr_assert_eq(ns_ep_recvfrom(c, buf, 4, 0, NULL), 0);
    ns_ep_close(c);
    ns_ep_close(l);
}

Test(netstack_tcp, time_wait_holds_the_port_unless_reuseaddr)
{
    struct ns_ep *l, *c, *s;
    pair("127.0.0.1", 8005, &l, &c, &s);
    ns_ep_close(l);
    ns_ep_close(s); /* the server closes first: it holds TIME_WAIT on 8005 */
    step();
    ns_ep_close(c);
    step();
    struct ns_ep *n = tcp(AF_INET);
    struct ns_sockaddr sa = sa_of("127.0.0.1", 8005);
    cr_assert_eq(ns_ep_bind(n, &sa), -EADDRINUSE);
    set_int(n, SOL_SOCKET, SO_REUSEADDR, 1);
    cr_assert_eq(ns_ep_bind(n, &sa), 0);
    cr_assert_eq(ns_ep_listen(n, 1), 0);
    ns_ep_close(n);
    sim_run(&sm, 2 * T_SEC, NULL, NULL);
    n = tcp(AF_INET);
    cr_assert_eq(ns_ep_bind(n, &sa), 0, "free after 2*MSL");
    ns_ep_close(n);
}

Test(netstack_tcp, listen_backlog_overflow_waits_for_accept)
{
    struct ns_ep *l = listener("127.0.0.1", 8006, 1);
    struct ns_sockaddr sa = sa_of("127.0.0.1", 8006);
    struct ns_ep *c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = tcp(AF_INET);
        cr_assert_eq(ns_ep_connect(c[i], &sa), -EINPROGRESS);
        step();
    }
    /* Linux queues backlog + 1; the third SYN is dropped and retried */
    cr_assert_eq(ns_ep_tcp_state(c[0]), TCP_ESTABLISHED);
    cr_assert_eq(ns_ep_tcp_state(c[1]), TCP_ESTABLISHED);
    cr_assert_eq(ns_ep_tcp_state(c[2]), TCP_SYN_SENT);
    cr_assert(STAT(st, tcp_drop_listen_ovf) >= 1);
    struct ns_ep *a[3];
    cr_assert_eq(ns_ep_accept(l, &a[0], NULL), 0);
    cr_assert_eq(ns_ep_accept(l, &a[1], NULL), 0);
    cr_assert_eq(ns_ep_accept(l, &a[2], NULL), -EAGAIN);
    sim_run(&sm, 2 * T_SEC, NULL, NULL); /* the SYN retransmit, 1 s later */
    cr_assert_eq(ns_ep_tcp_state(c[2]), TCP_ESTABLISHED);
    cr_assert_eq(ns_ep_accept(l, &a[2], NULL), 0);
    for (int i = 0; i < 3; i++) {
        ns_ep_close(a[i]);
        ns_ep_close(c[i]);
    }
    ns_ep_close(l);
}

Test(netstack_tcp, options_and_tcp_info)
{
    struct ns_ep *l, *c, *s;
    set_int(l = tcp(AF_INET), SOL_SOCKET, SO_REUSEADDR, 1);
    ns_ep_close(l);
    pair("127.0.0.1", 8007, &l, &c, &s);
    cr_assert_eq(get_int(l, SOL_SOCKET, SO_ACCEPTCONN), 1);
    cr_assert_eq(get_int(c, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    set_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
    cr_assert_eq(get_int(c, IPPROTO_TCP, TCP_NODELAY), 1);
    set_int(c, SOL_SOCKET, SO_KEEPALIVE, 1);
    set_int(c, IPPROTO_TCP, TCP_KEEPIDLE, 30);
    cr_assert_eq(get_int(c, IPPROTO_TCP, TCP_KEEPIDLE), 30);
    char cc[16] = {0};
    size_t len = sizeof(cc);
    cr_assert_eq(ns_ep_getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, cc, &len), 0);
    cr_assert_str_eq(cc, "cubic");
    cr_assert_eq(ns_ep_setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "reno", 4), 0);
    cr_assert_eq(ns_ep_setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "bbr9", 4), -ENOENT);
    exchange(c, s, 10000);
    struct tcp_info ti;
    len = sizeof(ti);
    cr_assert_eq(ns_ep_getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
    cr_assert_eq(ti.tcpi_state, TCP_ESTABLISHED);
    cr_assert(ti.tcpi_snd_cwnd >= 2);
    cr_assert(ti.tcpi_rtt > 0);
    cr_assert(ti.tcpi_options & TCPI_OPT_WSCALE);
    cr_assert(ti.tcpi_options & TCPI_OPT_SACK);
    cr_assert(ti.tcpi_options & TCPI_OPT_TIMESTAMPS);
    cr_assert_eq(ti.tcpi_retransmits, 0);
    ns_ep_close(c);
    ns_ep_close(s);
    ns_ep_close(l);
}

static int notified;
static void on_event(void *arg, unsigned ev)
{
    notified++;
    *(unsigned *)arg = ev;
}

Test(netstack_tcp, readiness_callback_fires)
{
    struct ns_ep *l = listener("127.0.0.1", 8008, 4);
    unsigned lev = 0, cev = 0;
    ns_ep_set_notify(l, on_event, &lev);
    struct ns_ep *c = tcp(AF_INET);
    ns_ep_set_notify(c, on_event, &cev);
    struct ns_sockaddr sa = sa_of("127.0.0.1", 8008);
    notified = 0;
    cr_assert_eq(ns_ep_connect(c, &sa), -EINPROGRESS);
    step();
    cr_assert(notified >= 2);
    cr_assert(lev & POLLIN);
    cr_assert(cev & POLLOUT);
    struct ns_ep *s;
    cr_assert_eq(ns_ep_accept(l, &s, NULL), 0);
    cr_assert_eq(ns_ep_events(l) & POLLIN, 0);
    ns_ep_close(s);
    step();
    cr_assert(cev & POLLRDHUP);
    ns_ep_close(c);
    ns_ep_close(l);
}

Test(netstack_tcp, procnet_lists_listener)
{
    struct ns_ep *l = listener("127.0.0.1", 0x1f90, 4);
    char buf[2048];
    size_t n = ns_procnet_render(st, NS_PROC_TCP, buf, sizeof(buf));
    cr_assert(n < sizeof(buf));
    cr_assert(strstr(buf, "0100007F:1F90 00000000:0000 0A"), "%s", buf);
    cr_assert_eq(ns_procnet_render(st, NS_PROC_TCP, NULL, 0), n, "length without a buffer");
    struct ns_ifinfo ifi;
    cr_assert_eq(ns_stack_ifinfo(st, 1, &ifi), 0);
    cr_assert_str_eq(ifi.name, "lo");
    cr_assert_eq(ifi.mtu, 65536);
    cr_assert_eq(ifi.naddrs, 2);
    ns_ep_close(l);
}

Test(netstack_tcp, dual_stack_listener_takes_ipv4)
{
    struct ns_ep *l = listener("::", 8009, 4);
    struct ns_ep *c = tcp(AF_INET);
    struct ns_sockaddr sa = sa_of("127.0.0.1", 8009);
    cr_assert_eq(ns_ep_connect(c, &sa), -EINPROGRESS);
    step();
    struct ns_ep *s;
    struct ns_sockaddr peer;
    cr_assert_eq(ns_ep_accept(l, &s, &peer), 0);
    cr_assert_eq(peer.family, AF_INET6);
    cr_assert(ns_addr_eq_test(&peer.addr, "::ffff:127.0.0.1"));
    exchange(c, s, 1000);
    ns_ep_close(s);
    ns_ep_close(c);
    /* with IPV6_V6ONLY the same connect is refused */
    ns_ep_close(l);
    struct ns_ep *l6 = tcp(AF_INET6);
    set_int(l6, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    struct ns_sockaddr any = sa_of("::", 8010);
    cr_assert_eq(ns_ep_bind(l6, &any), 0);
    cr_assert_eq(ns_ep_listen(l6, 4), 0);
    c = tcp(AF_INET);
    sa.port = 8010;
    cr_assert_eq(ns_ep_connect(c, &sa), -EINPROGRESS);
    step();
    cr_assert_eq(get_int(c, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
    ns_ep_close(c);
    ns_ep_close(l6);
}

Test(netstack_tcp, simultaneous_close_goes_through_closing)
{
    struct ns_ep *l, *c, *s;
    pair("127.0.0.1", 8011, &l, &c, &s);
    cr_assert_eq(ns_ep_shutdown(c, SHUT_WR), 0);
    cr_assert_eq(ns_ep_shutdown(s, SHUT_WR), 0);
    cr_assert_eq(ns_ep_tcp_state(c), TCP_FIN_WAIT1);
    cr_assert_eq(ns_ep_tcp_state(s), TCP_FIN_WAIT1);
    ns_stack_process(st, sm.now); /* both FINs cross: CLOSING, then acked */
    cr_assert_eq(ns_ep_tcp_state(c), TCP_TIME_WAIT);
    cr_assert_eq(ns_ep_tcp_state(s), TCP_TIME_WAIT);
    char buf[4];
    cr_assert_eq(ns_ep_recvfrom(c, buf, 4, 0, NULL), 0);
    cr_assert_eq(ns_ep_recvfrom(s, buf, 4, 0, NULL), 0);
    ns_ep_close(c);
    ns_ep_close(s);
    ns_ep_close(l);
}
