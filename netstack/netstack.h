/* netstack/netstack.h: the public API of the user-space TCP/IP stack.
 *
 * The stack has no file descriptors, no threads and no clock of its own:
 * the caller hands it the time ("now", nanoseconds of a monotonic clock) on
 * every call that may need it and drives it with ns_stack_process(), calling
 * again no later than ns_stack_next_deadline().
 *
 * Lock order: the stack has no lock. The caller serialises every call on a
 * stack and on its endpoints (one lock around the whole stack). Callbacks
 * (readiness, kick, link transmit) are made with that lock held and must not
 * call back into the stack.
 *
 * Errors are negative Linux errno values. Socket options, MSG_* flags, poll
 * event bits and address families use the Linux ABI values, so the Sentry
 * passes them through.
 *
 * Addresses: every address is 16 bytes; IPv4 is kept as ::ffff:a.b.c.d.
 * Links carry raw IP packets (no Ethernet, so no ARP or NDP yet).
 *
 * Driving it (what the Sentry does):
 *   - create: ns_stack_new(&cfg, now, &s); "lo" (index 1, 127.0.0.1/8, ::1)
 *     exists at once.
 *   - after any endpoint call, and whenever cfg.kick fires (a packet was
 *     queued), call ns_stack_process(s, now): loopback packets are delivered
 *     there, one round after they were sent, and expired timers run.
 *   - sleep until ns_stack_next_deadline(s) (or until kicked), then process.
 *   - readiness: ns_ep_set_notify() gets the new poll mask whenever it may
 *     have changed; wake the endpoint's waiters from it, nothing more.
 *   - blocking calls are the caller's loop: call, get -EAGAIN /
 *     -EINPROGRESS, wait for the mask, call again.
 * Not done yet: IP fragment reassembly (fragments are dropped and counted
 * in ip4_drop_frag / ip6_drop_frag), ARP/NDP and Ethernet links, multicast
 * group membership, urgent data, SYN cookies, TIME_WAIT reuse by a new SYN,
 * path MTU discovery.
 */
#ifndef SB_NETSTACK_NETSTACK_H
#define SB_NETSTACK_NETSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ns_stack;
struct ns_ep;
struct ns_nic;
struct ns_pkt;

struct ns_addr {
    uint8_t b[16];
};

struct ns_sockaddr {
    uint16_t family; /* AF_INET or AF_INET6 */
    uint16_t port;   /* host byte order */
    struct ns_addr addr;
    uint32_t scope_id;
    uint32_t flowinfo;
};

/* Linux struct sockaddr_in / sockaddr_in6 bytes <-> ns_sockaddr. */
int ns_sockaddr_from_linux(const void *sa, size_t len, struct ns_sockaddr *out);
size_t ns_sockaddr_to_linux(const struct ns_sockaddr *sa, void *out, size_t len);
void ns_addr_v4(struct ns_addr *a, uint32_t host_order);
bool ns_addr_is_v4(const struct ns_addr *a);
int ns_addr_parse(const char *s, struct ns_addr *out); /* "127.0.0.1", "::1" */

/* ---- Counters: every drop has a reason. ---- */
#define NS_STATS(X)                                                                                \
    X(ip4_in) X(ip4_out) X(ip4_drop_short) X(ip4_drop_version) X(ip4_drop_ihl)                     \
    X(ip4_drop_len) X(ip4_drop_csum) X(ip4_drop_frag) X(ip4_drop_not_local) X(ip4_drop_martian)    \
    X(ip4_drop_proto) X(ip6_in) X(ip6_out) X(ip6_drop_short) X(ip6_drop_version) X(ip6_drop_len)  \
    X(ip6_drop_exthdr) X(ip6_drop_frag) X(ip6_drop_not_local) X(ip6_drop_martian)                  \
    X(ip6_drop_proto) X(ip_out_noroute) X(ip_out_nobufs) X(icmp_in) X(icmp_drop_short)             \
    X(icmp_drop_csum) X(icmp_in_echo) X(icmp_out_echo_reply) X(icmp_in_echo_reply)                 \
    X(icmp_in_unreach) X(icmp_out_unreach) X(udp_in) X(udp_out) X(udp_drop_short)                  \
    X(udp_drop_len) X(udp_drop_csum) X(udp_drop_noport) X(udp_drop_rcvbuf) X(tcp_in) X(tcp_out)    \
    X(tcp_drop_short) X(tcp_drop_csum) X(tcp_drop_doff) X(tcp_drop_opts) X(tcp_drop_noport)        \
    X(tcp_drop_badseg) X(tcp_drop_paws) X(tcp_drop_listen_ovf) X(tcp_out_rst) X(tcp_in_rst)        \
    X(tcp_retrans) X(tcp_rto) X(tcp_fast_retrans) X(tcp_sack_skipped) X(tcp_ooo_queued)            \
    X(tcp_ooo_drop) X(tcp_active_opens) X(tcp_passive_opens) X(tcp_timeouts)                       \
    X(tcp_zwin_probes) X(tcp_keepalive_probes) X(link_drop_qfull) X(link_drop_down)

struct ns_stats {
#define NS_STATS_FIELD(n) uint64_t n;
    NS_STATS(NS_STATS_FIELD)
#undef NS_STATS_FIELD
};
#define NS_STATS_COUNT (sizeof(struct ns_stats) / sizeof(uint64_t))
const char *ns_stats_name(size_t i);

/* ---- The stack ---- */
struct ns_stack_cfg {
    uint64_t seed;        /* PRNG seed: ISNs, ephemeral ports (0: fixed default) */
    uint32_t msl_ms;      /* TIME_WAIT lasts 2*MSL; 0 means Linux's 30 s MSL */
    bool no_loopback;     /* do not create "lo" */
    void (*kick)(void *arg); /* work was queued: call ns_stack_process soon */
    void *kick_arg;
};

int ns_stack_new(const struct ns_stack_cfg *cfg, uint64_t now_ns, struct ns_stack **out);
/* Frees the stack, its NICs and every endpoint (the caller's included). */
void ns_stack_free(struct ns_stack *s);
/* Deliver queued packets and run expired timers until nothing is due. */
void ns_stack_process(struct ns_stack *s, uint64_t now_ns);
/* When to call ns_stack_process next; UINT64_MAX if never; <= now if now. */
uint64_t ns_stack_next_deadline(const struct ns_stack *s);
uint64_t ns_stack_now(const struct ns_stack *s);
const struct ns_stats *ns_stack_stats(const struct ns_stack *s);

/* ---- NICs (link endpoints) ---- */
struct ns_ifinfo {
    char name[16];
    int index;
    unsigned flags; /* IFF_UP | IFF_LOOPBACK | IFF_RUNNING ... */
    uint32_t mtu;
    int naddrs;
    struct {
        struct ns_addr addr;
        int prefix;
    } addrs[8];
};

/* The loopback NIC "lo", index 1, is created by ns_stack_new. */
struct ns_nic *ns_stack_nic(struct ns_stack *s, int ifindex);
int ns_stack_ifinfo(struct ns_stack *s, int ifindex, struct ns_ifinfo *out);
int ns_nic_add_addr(struct ns_nic *nic, const struct ns_addr *a, int prefix);
int ns_nic_index(const struct ns_nic *nic);
/* Raw IP packet received on a link: parsed and handled now (copied). */
void ns_nic_input(struct ns_nic *nic, const void *pkt, size_t len);
/* Observe every IP packet the NIC sends (out=true) or receives. */
void ns_nic_set_tap(struct ns_nic *nic, void (*tap)(void *arg, const void *pkt, size_t len,
                                                   bool out),
                    void *arg);

/* A pair of NICs joining two stacks, for tests: each packet sent is
 * dropped, duplicated or delayed (which reorders) by a seeded PRNG. */
struct ns_testlink_cfg {
    uint64_t seed;
    uint32_t mtu;           /* default 1500 */
    uint32_t loss_ppm;      /* drop probability, parts per million */
    uint32_t dup_ppm;       /* duplication probability */
    uint32_t reorder_ppm;   /* probability of extra delay */
    uint64_t delay_ns;      /* one-way delay */
    uint64_t reorder_ns;    /* extra delay of a reordered packet (max) */
    uint32_t qlimit;        /* packets in flight per direction (default 1000) */
};
int ns_testlink_pair(struct ns_stack *a, struct ns_stack *b, const struct ns_testlink_cfg *cfg,
                     struct ns_nic **na, struct ns_nic **nb);
/* Change loss at run time (1000000: drop everything). */
void ns_testlink_set_loss(struct ns_nic *nic, uint32_t loss_ppm);

/* ---- Endpoints (sockets) ----
 * ns_ep_new(s, AF_INET|AF_INET6, SOCK_STREAM|SOCK_DGRAM, 0, &ep). The caller
 * owns one reference and gives it back with ns_ep_close(); a TCP endpoint
 * then finishes its close in the stack on its own.
 * No call blocks: what would block returns -EAGAIN (connect: -EINPROGRESS,
 * completion shows as POLLOUT and SO_ERROR). */
int ns_ep_new(struct ns_stack *s, int family, int type, int protocol, struct ns_ep **out);
void ns_ep_close(struct ns_ep *ep);
int ns_ep_bind(struct ns_ep *ep, const struct ns_sockaddr *sa);
int ns_ep_listen(struct ns_ep *ep, int backlog);
int ns_ep_accept(struct ns_ep *ep, struct ns_ep **out, struct ns_sockaddr *peer);
int ns_ep_connect(struct ns_ep *ep, const struct ns_sockaddr *sa);
int ns_ep_shutdown(struct ns_ep *ep, int how); /* SHUT_RD, SHUT_WR, SHUT_RDWR */
int ns_ep_getsockname(struct ns_ep *ep, struct ns_sockaddr *sa);
int ns_ep_getpeername(struct ns_ep *ep, struct ns_sockaddr *sa);

/* What a received datagram or segment carried (IP_PKTINFO and friends).
 * For TCP only from, full_len, flags and stamp_ns (when in-order data
 * last arrived) are set. */
struct ns_msginfo {
    struct ns_sockaddr from;
    struct ns_addr dst; /* destination address of the datagram */
    uint16_t dport;     /* its destination port (IP_ORIGDSTADDR) */
    int ifindex;        /* interface it arrived on */
    int ttl;            /* IPv4 TTL or IPv6 hop limit of its IP header */
    int tos;            /* IPv4 TOS or IPv6 traffic class */
    bool v6;            /* it came over IPv6 (else IPv4, maybe to a v6 endpoint) */
    uint64_t stamp_ns;  /* when it arrived: the stack's clock (now_ns) */
    size_t full_len;    /* datagram length before truncation */
    int flags;          /* out: MSG_TRUNC */
};

/* What recvmsg should report (ns_ep_rx_opts), set by the IPPROTO_IP /
 * IPPROTO_IPV6 options of the same names. */
#define NS_RXO_PKTINFO (1u << 0)       /* IP_PKTINFO */
#define NS_RXO_TTL (1u << 1)           /* IP_RECVTTL */
#define NS_RXO_TOS (1u << 2)           /* IP_RECVTOS */
#define NS_RXO_ORIGDSTADDR (1u << 3)   /* IP_RECVORIGDSTADDR */
#define NS_RXO6_PKTINFO (1u << 8)      /* IPV6_RECVPKTINFO */
#define NS_RXO6_HOPLIMIT (1u << 9)     /* IPV6_RECVHOPLIMIT */
#define NS_RXO6_TCLASS (1u << 10)      /* IPV6_RECVTCLASS */
#define NS_RXO6_ORIGDSTADDR (1u << 11) /* IPV6_RECVORIGDSTADDR */
#define NS_RXO6_2292PKTINFO (1u << 12) /* IPV6_2292PKTINFO */
#define NS_RXO6_2292HOPLIMIT (1u << 13) /* IPV6_2292HOPLIMIT */
unsigned ns_ep_rx_opts(const struct ns_ep *ep);

/* Per-datagram sending options (the IP_TTL, IP_TOS, IP_PKTINFO,
 * IPV6_HOPLIMIT, IPV6_TCLASS, IPV6_PKTINFO control messages), already
 * validated for range by the caller. ttl/tos -1: the endpoint's own. */
struct ns_txopts {
    int ttl, tos;
    bool has_src;        /* src given: it must be an address of ours */
    struct ns_addr src;  /* any: chosen by routing */
    int ifindex;         /* 0: any; else it must exist */
};

/* flags: MSG_PEEK, MSG_TRUNC (return the full datagram length), MSG_DONTWAIT
 * and MSG_WAITALL are accepted and ignored (never blocking is the rule).
 * Returns bytes, 0 at end of stream, or -errno. */
ssize_t ns_ep_sendto(struct ns_ep *ep, const void *buf, size_t len, int flags,
                     const struct ns_sockaddr *to);
ssize_t ns_ep_recvfrom(struct ns_ep *ep, void *buf, size_t len, int flags,
                       struct ns_msginfo *mi);
/* ns_ep_sendto with per-datagram options (o may be NULL; TCP ignores them).
 * A non-local o->src is -ENETUNREACH (IPv4) or -EINVAL (IPv6), an unknown
 * o->ifindex -ENODEV. */
ssize_t ns_ep_sendmsg(struct ns_ep *ep, const void *buf, size_t len, int flags,
                      const struct ns_sockaddr *to, const struct ns_txopts *o);

/* Socket options, Linux levels/names/values: SOL_SOCKET (SO_REUSEADDR,
 * SO_REUSEPORT, SO_KEEPALIVE, SO_LINGER, SO_RCVBUF, SO_SNDBUF, SO_BROADCAST,
 * SO_ERROR, SO_TYPE, SO_DOMAIN, SO_ACCEPTCONN, SO_PROTOCOL), IPPROTO_TCP
 * (TCP_NODELAY, TCP_CORK, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT,
 * TCP_CONGESTION, TCP_INFO, TCP_MAXSEG), IPPROTO_IP (IP_TTL, IP_TOS,
 * IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IP_RECVORIGDSTADDR), IPPROTO_IPV6
 * (IPV6_V6ONLY, IPV6_UNICAST_HOPS, IPV6_TCLASS, IPV6_RECVPKTINFO,
 * IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS, IPV6_RECVORIGDSTADDR,
 * IPV6_2292PKTINFO, IPV6_2292HOPLIMIT). IP_* options work on AF_INET6
 * endpoints too (they govern IPv4 traffic), as on Linux. *len is in/out
 * for get. */
int ns_ep_setsockopt(struct ns_ep *ep, int level, int name, const void *val, size_t len);
int ns_ep_getsockopt(struct ns_ep *ep, int level, int name, void *val, size_t *len);

/* Readiness: POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDHUP. The callback is
 * called (lock held) whenever the mask may have changed. */
unsigned ns_ep_events(struct ns_ep *ep);
void ns_ep_set_notify(struct ns_ep *ep, void (*fn)(void *arg, unsigned events), void *arg);
/* Bytes readable now (FIONREAD); for UDP the next datagram's length. */
int ns_ep_readable_bytes(struct ns_ep *ep);
int ns_ep_tcp_state(struct ns_ep *ep); /* TCP_ESTABLISHED ... (Linux numbers), 0 for UDP */

/* ---- /proc/net and interfaces ---- */
/* The uid and inode number /proc/net shows for the endpoint (0 0 unset). */
void ns_ep_set_owner(struct ns_ep *ep, uint32_t uid, unsigned long ino);
enum ns_procnet { NS_PROC_TCP, NS_PROC_TCP6, NS_PROC_UDP, NS_PROC_UDP6 };
/* Renders the whole file (header line included) into buf, like snprintf:
 * returns the length it needed. */
size_t ns_procnet_render(struct ns_stack *s, enum ns_procnet which, char *buf, size_t len);

#endif
