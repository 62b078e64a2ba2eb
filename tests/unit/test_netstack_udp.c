/* tests/unit/test_netstack_udp.c: UDP over loopback: bind, connect,
 * send/recv with addresses, ephemeral ports, EADDRINUSE and the reuse
 * options, truncation, IP_PKTINFO data, port-unreachable errors, IPv6. */
#include <poll.h>

#include "netstack_harness.h"

static struct sim sm;
static struct ns_stack *st;

static void setup(void)
{
    memset(&sm, 0, sizeof(sm));
    st = sim_stack(&sm, 42, 0);
}

static void teardown(void)
{
    sim_free(&sm);
}

TestSuite(netstack_udp, .init = setup, .fini = teardown);

static struct ns_ep *udp(int family)
{
    struct ns_ep *ep;
    cr_assert_eq(ns_ep_new(st, family, SOCK_DGRAM, 0, &ep), 0);
    return ep;
}

static void flush(void)
{
    sim_run(&sm, 10 * T_MS, NULL, NULL);
}

Test(netstack_udp, bind_send_recv_with_addresses)
{
    struct ns_ep *a = udp(AF_INET), *b = udp(AF_INET);
    struct ns_sockaddr sa = sa_of("127.0.0.1", 5000);
    cr_assert_eq(ns_ep_bind(a, &sa), 0);
    struct ns_sockaddr to = sa_of("127.0.0.1", 5000);
    cr_assert_eq(ns_ep_sendto(b, "hello", 5, 0, &to), 5);
    char buf[64];
    struct ns_msginfo mi;
    cr_assert_eq(ns_ep_recvfrom(a, buf, sizeof(buf), 0, &mi), -EAGAIN, "nothing before a step");
    flush();
    cr_assert(ns_ep_events(a) & POLLIN);
    cr_assert_eq(ns_ep_readable_bytes(a), 5);
    cr_assert_eq(ns_ep_recvfrom(a, buf, sizeof(buf), 0, &mi), 5);
    cr_assert_eq(memcmp(buf, "hello", 5), 0);
    struct ns_sockaddr bn;
    ns_ep_getsockname(b, &bn);
    cr_assert_eq(mi.from.port, bn.port);
    cr_assert_eq(mi.from.family, AF_INET);
    cr_assert(ns_addr_eq_test(&mi.from.addr, "127.0.0.1"));
    cr_assert(ns_addr_eq_test(&mi.dst, "127.0.0.1"));
    cr_assert_eq(mi.ifindex, 1);
    ns_ep_close(a);
    ns_ep_close(b);
}

Test(netstack_udp, ephemeral_ports_in_linux_range)
{
    struct ns_sockaddr any = sa_of("0.0.0.0", 0), name;
    uint16_t seen[64];
    for (int i = 0; i < 64; i++) {
        struct ns_ep *e = udp(AF_INET);
        cr_assert_eq(ns_ep_bind(e, &any), 0);
        ns_ep_getsockname(e, &name);
        cr_assert(name.port >= 32768 && name.port <= 60999, "port %u", name.port);
        cr_assert(name.port & 1, "bind(0) takes odd ports first, got %u", name.port);
        for (int j = 0; j < i; j++)
            cr_assert_neq(seen[j], name.port, "port handed out twice");
        seen[i] = name.port;
    }
    /* autobind on first send */
    struct ns_ep *e = udp(AF_INET);
    struct ns_sockaddr to = sa_of("127.0.0.1", 9);
    cr_assert_eq(ns_ep_sendto(e, "x", 1, 0, &to), 1);
    ns_ep_getsockname(e, &name);
    cr_assert(name.port >= 32768 && name.port <= 60999);
}

Test(netstack_udp, eaddrinuse_and_reuse_options)
{
    struct ns_sockaddr sa = sa_of("127.0.0.1", 6000), any = sa_of("0.0.0.0", 6000);
    struct ns_ep *a = udp(AF_INET), *b = udp(AF_INET), *c = udp(AF_INET);
    cr_assert_eq(ns_ep_bind(a, &sa), 0);
    cr_assert_eq(ns_ep_bind(b, &sa), -EADDRINUSE);
    cr_assert_eq(ns_ep_bind(b, &any), -EADDRINUSE, "wildcard overlaps 127.0.0.1");
    struct ns_sockaddr other = sa_of("127.0.0.2", 6000);
    cr_assert_eq(ns_ep_bind(b, &other), 0, "different address, same port is fine");
    cr_assert_eq(ns_ep_bind(c, &sa), -EADDRINUSE);

    /* SO_REUSEADDR on both: UDP shares the port */
    struct ns_sockaddr p2 = sa_of("127.0.0.1", 6001);
    struct ns_ep *d = udp(AF_INET), *e = udp(AF_INET), *f = udp(AF_INET);
    set_int(d, SOL_SOCKET, SO_REUSEADDR, 1);
    set_int(e, SOL_SOCKET, SO_REUSEADDR, 1);
    cr_assert_eq(ns_ep_bind(d, &p2), 0);
    cr_assert_eq(ns_ep_bind(e, &p2), 0);
    cr_assert_eq(ns_ep_bind(f, &p2), -EADDRINUSE, "the third did not ask");

    /* SO_REUSEPORT: shared; datagrams go to one member */
    struct ns_sockaddr p3 = sa_of("127.0.0.1", 6002);
    struct ns_ep *g = udp(AF_INET), *h = udp(AF_INET);
    set_int(g, SOL_SOCKET, SO_REUSEPORT, 1);
    set_int(h, SOL_SOCKET, SO_REUSEPORT, 1);
    cr_assert_eq(get_int(g, SOL_SOCKET, SO_REUSEPORT), 1);
    cr_assert_eq(ns_ep_bind(g, &p3), 0);
    cr_assert_eq(ns_ep_bind(h, &p3), 0);
    struct ns_ep *snd = udp(AF_INET);
    for (int i = 0; i < 10; i++)
        cr_assert_eq(ns_ep_sendto(snd, "z", 1, 0, &p3), 1);
    flush();
    char buf[4];
    int got = 0;
    while (ns_ep_recvfrom(g, buf, 4, 0, NULL) == 1)
        got++;
    while (ns_ep_recvfrom(h, buf, 4, 0, NULL) == 1)
        got++;
    cr_assert_eq(got, 10, "each datagram delivered exactly once");
    cr_assert_eq(ns_ep_bind(g, &p3), -EINVAL, "bind twice");
}

Test(netstack_udp, connect_filters_and_default_destination)
{
    struct ns_ep *srv = udp(AF_INET), *cl = udp(AF_INET), *other = udp(AF_INET);
    struct ns_sockaddr sa = sa_of("127.0.0.1", 7000);
    cr_assert_eq(ns_ep_bind(srv, &sa), 0);
    cr_assert_eq(ns_ep_sendto(cl, "x", 1, 0, NULL), -EDESTADDRREQ);
    cr_assert_eq(ns_ep_connect(cl, &sa), 0);
    struct ns_sockaddr peer, me;
    cr_assert_eq(ns_ep_getpeername(cl, &peer), 0);
    cr_assert_eq(peer.port, 7000);
    ns_ep_getsockname(cl, &me);
    cr_assert(me.port >= 32768 && me.port <= 60999);
    cr_assert(ns_addr_eq_test(&me.addr, "127.0.0.1"), "source chosen by the route");
    cr_assert_eq(ns_ep_sendto(cl, "ping", 4, 0, NULL), 4);
    flush();
    char buf[16];
    struct ns_msginfo mi;
    cr_assert_eq(ns_ep_recvfrom(srv, buf, sizeof(buf), 0, &mi), 4);
    /* reply; and a stranger's datagram the connected socket must not see */
    cr_assert_eq(ns_ep_sendto(srv, "pong", 4, 0, &mi.from), 4);
    cr_assert_eq(ns_ep_sendto(other, "evil", 4, 0, &me), 4);
    flush();
    cr_assert_eq(ns_ep_recvfrom(cl, buf, sizeof(buf), 0, &mi), 4);
    cr_assert_eq(memcmp(buf, "pong", 4), 0);
    cr_assert_eq(ns_ep_recvfrom(cl, buf, sizeof(buf), 0, &mi), -EAGAIN);
}

Test(netstack_udp, truncation_peek_and_msg_trunc)
{
    struct ns_ep *a = udp(AF_INET), *b = udp(AF_INET);
    struct ns_sockaddr sa = sa_of("127.0.0.1", 7100);
    cr_assert_eq(ns_ep_bind(a, &sa), 0);
    cr_assert_eq(ns_ep_sendto(b, "0123456789", 10, 0, &sa), 10);
    cr_assert_eq(ns_ep_sendto(b, "abcdefghij", 10, 0, &sa), 10);
    cr_assert_eq(ns_ep_sendto(b, "", 0, 0, &sa), 0, "empty datagrams exist");
    flush();
    char buf[16] = {0};
    struct ns_msginfo mi;
    cr_assert_eq(ns_ep_recvfrom(a, buf, 4, MSG_PEEK, &mi), 4);
    cr_assert_eq(mi.flags & MSG_TRUNC, MSG_TRUNC);
    cr_assert_eq(ns_ep_recvfrom(a, buf, 4, 0, &mi), 4);
    cr_assert_eq(memcmp(buf, "0123", 4), 0);
    cr_assert_eq(mi.full_len, 10);
    /* the rest of a truncated datagram is gone */
    cr_assert_eq(ns_ep_recvfrom(a, buf, 3, MSG_TRUNC, &mi), 10, "MSG_TRUNC: real length");
    cr_assert_eq(memcmp(buf, "abc", 3), 0);
    cr_assert_eq(ns_ep_recvfrom(a, buf, 16, 0, &mi), 0);
    cr_assert_eq(mi.flags, 0);
    cr_assert_eq(ns_ep_recvfrom(a, buf, 16, 0, &mi), -EAGAIN);
    struct ns_sockaddr big = sa;
    static char huge[70000];
    cr_assert_eq(ns_ep_sendto(b, huge, 65508, 0, &big), -EMSGSIZE);
    cr_assert_eq(ns_ep_sendto(b, huge, 65507, 0, &big), 65507);
    flush();
    cr_assert_eq(ns_ep_recvfrom(a, huge, sizeof(huge), 0, &mi), 65507);
}

Test(netstack_udp, receive_queue_is_bounded)
{
    struct ns_ep *a = udp(AF_INET), *b = udp(AF_INET);
    struct ns_sockaddr sa = sa_of("127.0.0.1", 7200);
    set_int(a, SOL_SOCKET, SO_RCVBUF, 4096);
    cr_assert_eq(get_int(a, SOL_SOCKET, SO_RCVBUF), 8192, "Linux doubles it");
    cr_assert_eq(ns_ep_bind(a, &sa), 0);
    static char data[1000];
    for (int i = 0; i < 20; i++)
        cr_assert_eq(ns_ep_sendto(b, data, sizeof(data), 0, &sa), 1000);
    flush();
    int n = 0;
    while (ns_ep_recvfrom(a, data, sizeof(data), 0, NULL) == 1000)
        n++;
    cr_assert(n > 0 && n < 20, "kept %d", n);
    cr_assert_eq(STAT(st, udp_drop_rcvbuf), (uint64_t)(20 - n));
}

Test(netstack_udp, closed_port_gives_econnrefused_to_connected_socket)
{
    struct ns_ep *a = udp(AF_INET);
    struct ns_sockaddr sa = sa_of("127.0.0.1", 7300);
    cr_assert_eq(ns_ep_connect(a, &sa), 0);
    cr_assert_eq(ns_ep_sendto(a, "x", 1, 0, NULL), 1);
    flush();
    cr_assert_eq(STAT(st, udp_drop_noport), 1);
    cr_assert_eq(STAT(st, icmp_out_unreach), 1);
    cr_assert(ns_ep_events(a) & POLLERR);
    char buf[4];
    cr_assert_eq(ns_ep_recvfrom(a, buf, 4, 0, NULL), -ECONNREFUSED);
    cr_assert_eq(ns_ep_recvfrom(a, buf, 4, 0, NULL), -EAGAIN, "reported once");
}

Test(netstack_udp, ipv6_and_dual_stack)
{
    struct ns_ep *s6 = udp(AF_INET6), *c6 = udp(AF_INET6), *c4 = udp(AF_INET);
    struct ns_sockaddr any6 = sa_of("::", 7400);
    cr_assert_eq(ns_ep_bind(s6, &any6), 0);
    struct ns_sockaddr to6 = sa_of("::1", 7400), to4 = sa_of("127.0.0.1", 7400);
    cr_assert_eq(ns_ep_sendto(c6, "six", 3, 0, &to6), 3);
    cr_assert_eq(ns_ep_sendto(c4, "four", 4, 0, &to4), 4);
    flush();
    char buf[8];
    struct ns_msginfo mi;
    cr_assert_eq(ns_ep_recvfrom(s6, buf, 8, 0, &mi), 3);
    cr_assert(ns_addr_eq_test(&mi.from.addr, "::1"));
    cr_assert(ns_addr_eq_test(&mi.dst, "::1"));
    cr_assert_eq(ns_ep_recvfrom(s6, buf, 8, 0, &mi), 4, ":: without V6ONLY takes IPv4 too");
    cr_assert(ns_addr_eq_test(&mi.from.addr, "127.0.0.1"), "as ::ffff:127.0.0.1");
    cr_assert_eq(mi.from.family, AF_INET6);

    struct ns_ep *only = udp(AF_INET6), *v4 = udp(AF_INET);
    set_int(only, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    struct ns_sockaddr a6 = sa_of("::", 7500), a4 = sa_of("0.0.0.0", 7500);
    cr_assert_eq(ns_ep_bind(only, &a6), 0);
    cr_assert_eq(ns_ep_bind(v4, &a4), 0, "a v6-only wildcard leaves IPv4 free");
    struct ns_ep *dual = udp(AF_INET6);
    struct ns_sockaddr a4b = sa_of("0.0.0.0", 7600), a6b = sa_of("::", 7600);
    struct ns_ep *v4b = udp(AF_INET);
    cr_assert_eq(ns_ep_bind(v4b, &a4b), 0);
    cr_assert_eq(ns_ep_bind(dual, &a6b), -EADDRINUSE, "a dual-stack wildcard overlaps");
}

Test(netstack_udp, broadcast_needs_so_broadcast)
{
    struct ns_ep *a = udp(AF_INET);
    struct ns_sockaddr bc = sa_of("255.255.255.255", 7700);
    cr_assert_eq(ns_ep_sendto(a, "x", 1, 0, &bc), -EACCES);
    set_int(a, SOL_SOCKET, SO_BROADCAST, 1);
    cr_assert_eq(get_int(a, SOL_SOCKET, SO_BROADCAST), 1);
    set_int(a, IPPROTO_IP, IP_PKTINFO, 1);
    cr_assert_eq(get_int(a, IPPROTO_IP, IP_PKTINFO), 1);
    set_int(a, IPPROTO_IP, IP_TTL, 7);
    cr_assert_eq(get_int(a, IPPROTO_IP, IP_TTL), 7);
}

Test(netstack_udp, procnet_udp_lines)
{
    struct ns_ep *a = udp(AF_INET), *b = udp(AF_INET6);
    struct ns_sockaddr sa = sa_of("127.0.0.1", 0x35), s6 = sa_of("::1", 0x36);
    cr_assert_eq(ns_ep_bind(a, &sa), 0);
    cr_assert_eq(ns_ep_bind(b, &s6), 0);
    char buf[2048];
    ns_procnet_render(st, NS_PROC_UDP, buf, sizeof(buf));
    cr_assert(strstr(buf, "0100007F:0035 00000000:0000 07"), "%s", buf);
    cr_assert_null(strstr(buf, ":0036"), "IPv6 sockets are in udp6");
    ns_procnet_render(st, NS_PROC_UDP6, buf, sizeof(buf));
    cr_assert(strstr(buf, "00000000000000000000000001000000:0036 "), "%s", buf);
}

/* Each datagram carries its own TTL/hop limit and TOS/traffic class to the
 * receiver: the endpoint's options, or the per-datagram ones. */
Test(netstack_udp, datagram_carries_ttl_and_tos)
{
    struct ns_ep *a = udp(AF_INET6), *b = udp(AF_INET6);
    struct ns_sockaddr sa = sa_of("::", 5002);
    cr_assert_eq(ns_ep_bind(a, &sa), 0);
    int v = 17;
    cr_assert_eq(ns_ep_setsockopt(b, IPPROTO_IP, IP_TTL, &v, sizeof(v)), 0);
    v = 0x28;
    cr_assert_eq(ns_ep_setsockopt(b, IPPROTO_IP, IP_TOS, &v, sizeof(v)), 0);
    v = 33;
    cr_assert_eq(ns_ep_setsockopt(b, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, sizeof(v)), 0);
    v = 0xb8;
    cr_assert_eq(ns_ep_setsockopt(b, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)), 0);
    struct ns_sockaddr to4 = sa_of("::ffff:127.0.0.1", 5002), to6 = sa_of("::1", 5002);
    struct ns_txopts o = {.ttl = 3, .tos = 4};
    uint64_t sent = ns_stack_now(st);
    cr_assert_eq(ns_ep_sendto(b, "a", 1, 0, &to4), 1);
    cr_assert_eq(ns_ep_sendto(b, "b", 1, 0, &to6), 1);
    cr_assert_eq(ns_ep_sendmsg(b, "c", 1, 0, &to6, &o), 1);
    flush();
    char buf[8];
    struct ns_msginfo mi;
    cr_assert_eq(ns_ep_recvfrom(a, buf, sizeof(buf), 0, &mi), 1);
    cr_assert(!mi.v6);
    cr_assert_eq(mi.ttl, 17, "IP_TTL for an IPv4 peer");
    cr_assert_eq(mi.tos, 0x28);
    cr_assert_eq(mi.dport, 5002);
    cr_assert_eq(ns_ep_recvfrom(a, buf, sizeof(buf), 0, &mi), 1);
    cr_assert(mi.v6);
    cr_assert_eq(mi.ttl, 33, "IPV6_UNICAST_HOPS for an IPv6 peer");
    cr_assert_eq(mi.tos, 0xb8, "traffic class across the header's nibbles");
    cr_assert(mi.stamp_ns >= sent && mi.stamp_ns <= ns_stack_now(st), "arrival time");
    cr_assert_eq(ns_ep_recvfrom(a, buf, sizeof(buf), 0, &mi), 1);
    cr_assert_eq(mi.ttl, 3);
    cr_assert_eq(mi.tos, 4);
    /* A source that is not ours, an interface that does not exist. */
    o = (struct ns_txopts){.ttl = -1, .tos = -1, .has_src = true};
    ns_addr_parse("2001:db8::1", &o.src);
    cr_assert_eq(ns_ep_sendmsg(b, "d", 1, 0, &to6, &o), -EINVAL);
    o.has_src = false;
    o.ifindex = 99;
    cr_assert_eq(ns_ep_sendmsg(b, "d", 1, 0, &to6, &o), -ENODEV);
    ns_ep_close(a);
    ns_ep_close(b);
}

Test(netstack_udp, receive_options_are_flags)
{
    struct ns_ep *a = udp(AF_INET6);
    int one = 1, v = 0;
    size_t len = sizeof(v);
    cr_assert_eq(ns_ep_rx_opts(a), 0);
    cr_assert_eq(ns_ep_setsockopt(a, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)), 0);
    cr_assert_eq(ns_ep_setsockopt(a, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one)), 0);
    cr_assert_eq(ns_ep_rx_opts(a), NS_RXO6_HOPLIMIT | NS_RXO_TOS);
    cr_assert_eq(ns_ep_getsockopt(a, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &v, &len), 0);
    cr_assert_eq(v, 1);
    cr_assert_eq(ns_ep_setsockopt(a, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, 2), -EINVAL);
    v = -2;
    cr_assert_eq(ns_ep_setsockopt(a, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)), -EINVAL);
    ns_ep_close(a);
}
