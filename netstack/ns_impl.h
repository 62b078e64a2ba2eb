/* netstack/ns_impl.h: the stack's internal types, shared by its files only.
 * Lock order: none inside; see netstack.h. */
#ifndef SB_NETSTACK_NS_IMPL_H
#define SB_NETSTACK_NS_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/cleanup.h"
#include "netstack/netstack.h"
#include "netstack/pkt.h"

#define NS_MS 1000000ULL /* nanoseconds in a millisecond */
#define NS_SEC (1000 * NS_MS)

/* ---- Timers: a hashed wheel of 1 ms slots ---- */
#define NS_WHEEL_SLOTS 512

struct ns_timer {
    struct ns_timer *next, **pprev;
    struct ns_stack *st;
    uint64_t expiry; /* ns */
    uint64_t tick;   /* slot tick it was filed under */
    void (*fn)(struct ns_timer *t);
    bool armed;
};

void ns_timer_init(struct ns_timer *t, void (*fn)(struct ns_timer *t));
void ns_timer_arm(struct ns_stack *s, struct ns_timer *t, uint64_t expiry);
void ns_timer_cancel(struct ns_timer *t);

/* ---- NICs ---- */
struct ns_link_ops {
    const char *kind;
    /* Takes the packet (one reference). */
    void (*xmit)(struct ns_nic *nic, struct ns_pkt *p);
    void (*free)(struct ns_nic *nic);
};

#define NS_NIC_MAX_ADDRS 8
struct ns_nic {
    struct ns_nic *next;
    struct ns_stack *st;
    const struct ns_link_ops *ops;
    void *priv;
    char name[16];
    int index;
    unsigned flags;
    uint32_t mtu;
    int naddrs;
    struct ns_addr addrs[NS_NIC_MAX_ADDRS];
    int prefix[NS_NIC_MAX_ADDRS];
    struct ns_pktq rxq; /* packets waiting for their delivery time */
    void (*tap)(void *arg, const void *pkt, size_t len, bool out);
    void *tap_arg;
};

void ns_nic_enqueue_rx(struct ns_nic *nic, struct ns_pkt *p, uint64_t at);
void ns_nic_xmit(struct ns_nic *nic, struct ns_pkt *p);
struct ns_nic *ns_nic_new(struct ns_stack *s, const char *name, const struct ns_link_ops *ops,
                          uint32_t mtu, unsigned flags);

/* ---- Endpoints ---- */
enum ns_tcp_state {
    TCPS_CLOSED = 0,
    TCPS_LISTEN,
    TCPS_SYN_SENT,
    TCPS_SYN_RCVD,
    TCPS_ESTABLISHED,
    TCPS_FIN_WAIT_1,
    TCPS_FIN_WAIT_2,
    TCPS_CLOSE_WAIT,
    TCPS_CLOSING,
    TCPS_LAST_ACK,
    TCPS_TIME_WAIT,
};

struct ns_ring {
    uint8_t *buf;
    size_t cap, head, len;
};
void ns_ring_init(struct ns_ring *r, size_t cap);
void ns_ring_free(struct ns_ring *r);
size_t ns_ring_write(struct ns_ring *r, const void *src, size_t n);
size_t ns_ring_peek(const struct ns_ring *r, size_t off, void *dst, size_t n);
void ns_ring_drop(struct ns_ring *r, size_t n);
int ns_ring_resize(struct ns_ring *r, size_t cap);

struct udp_dgram {
    struct udp_dgram *next;
    struct ns_sockaddr from;
    struct ns_addr dst;
    int ifindex;
    uint16_t dport;
    uint8_t ttl, tos; /* of the IP header: TTL/hop limit, TOS/traffic class */
    bool v6;          /* came over IPv6 */
    uint64_t stamp;   /* arrival, stack clock */
    size_t len;
    uint8_t data[];
};

struct tcp_ooo {
    struct tcp_ooo *next;
    uint32_t seq, len;
    bool fin;
    uint8_t data[];
};

struct tcp_blk {
    uint32_t start, end;
};
#define TCP_MAX_SACKED 16

struct tcp_cc_ops;

struct tcp_cb {
    enum ns_tcp_state state;
    /* send sequence space; sndq holds bytes from snd_una on */
    uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
    uint32_t max_snd_wnd;
    struct ns_ring sndq;
    bool fin_queued, fin_sent;
    uint32_t fin_seq;
    /* receive */
    uint32_t irs, rcv_nxt, rcv_wup, rcv_wnd_adv; /* last advertised window (bytes) */
    struct ns_ring rcvq;
    struct tcp_ooo *ooo;
    size_t ooo_bytes;
    bool fin_rcvd;
    /* negotiated options */
    uint16_t mss, adv_mss;
    uint8_t snd_wscale, rcv_wscale;
    bool ws_ok, sack_ok, ts_ok;
    uint32_t ts_recent, ts_off;
    uint32_t last_ack_sent;
    /* RTT, RFC 6298, microseconds */
    uint32_t srtt_us, rttvar_us, rto_ms;
    bool rtt_valid, rtt_timing;
    uint32_t rtt_seq;
    uint64_t rtt_start;
    int backoff, retries;
    uint32_t total_retrans;
    /* congestion control */
    const struct tcp_cc_ops *cc;
    uint32_t cwnd, ssthresh, cwnd_acc;
    int dupacks;
    bool in_recovery;
    uint32_t recover, rexmit_high;
    double cubic_wmax, cubic_k;
    uint64_t cubic_epoch;
    uint32_t cubic_origin;
    /* SACK scoreboard (peer's blocks above snd_una), sorted, disjoint */
    struct tcp_blk sacked[TCP_MAX_SACKED];
    int nsacked;
    /* timers */
    struct ns_timer rexmit_t, delack_t, keep_t, tw_t;
    bool persist; /* rexmit_t is the zero-window probe timer */
    int unacked_segs;
    uint64_t last_rcv;
    int keep_probes;
    /* options */
    bool nodelay, cork;
    int keepidle, keepintvl, keepcnt; /* seconds, seconds, count */
    /* listener */
    int backlog, acceptq_len, synq_len;
    struct ns_ep *acceptq_head, *acceptq_tail; /* linked by aq_next */
    struct ns_ep *parent;                      /* listener while in its queues */
    bool in_acceptq;
    bool has_ref;   /* the stack holds a reference until CLOSED */
    bool ever_connected;
    int quick;      /* segments still acknowledged at once (quick-ack mode) */
    uint32_t ooo_last; /* seq of the latest out-of-order segment: first SACK block */
    uint64_t rx_stamp; /* when data last arrived in order (SO_TIMESTAMP) */
};

struct ns_ep {
    struct ns_ep *next, *prev; /* stack's list */
    struct ns_ep *aq_next;
    struct ns_stack *st;
    int refs;
    int family, type, protocol;
    struct ns_sockaddr local, remote;
    bool bound, connected, user_closed, in_stack;
    bool shut_rd, shut_wr;
    int so_error;
    uint32_t owner_uid;      /* /proc/net: the socket's owner and inode */
    unsigned long owner_ino;
    /* options */
    bool reuseaddr, reuseport, broadcast, v6only, keepalive;
    unsigned rxopts;  /* NS_RXO_*: what recvmsg reports */
    bool linger_on;
    int linger_s;
    int ttl, tos;     /* IP_TTL, IP_TOS; -1: default */
    int hoplimit, tclass; /* IPV6_UNICAST_HOPS, IPV6_TCLASS; -1: default */
    int rcvbuf, sndbuf; /* as getsockopt reports them (doubled) */
    bool rcvbuf_set, sndbuf_set;
    /* readiness */
    void (*notify)(void *arg, unsigned events);
    void *notify_arg;
    /* UDP */
    struct udp_dgram *uq_head, *uq_tail;
    size_t uq_bytes;
    /* TCP */
    struct tcp_cb tcp;
};

/* ---- The stack ---- */
struct ns_stack {
    uint64_t now;
    uint64_t wheel_tick;
    struct ns_timer *wheel[NS_WHEEL_SLOTS];
    unsigned ntimers;
    struct ns_nic *nics;
    int next_ifindex;
    struct ns_ep *eps; /* every endpoint: doubly linked */
    struct ns_stats stats;
    uint64_t rng;
    uint32_t msl_ms;
    uint16_t ip_id;
    struct ns_stack_cfg cfg;
    bool kicked;
};

#define NS_COUNT(s, field) ((s)->stats.field++)

uint64_t ns_rand(struct ns_stack *s);
void ns_kick(struct ns_stack *s);

/* ---- Addresses ---- */
bool ns_addr_is_any(const struct ns_addr *a);
bool ns_addr_eq(const struct ns_addr *a, const struct ns_addr *b);
bool ns_addr_is_loopback(const struct ns_addr *a);
bool ns_addr_is_multicast(const struct ns_addr *a);
bool ns_addr_is_v4_bcast(const struct ns_stack *s, const struct ns_addr *a);
uint32_t ns_addr_v4_get(const struct ns_addr *a); /* host order */
bool ns_addr_is_local(struct ns_stack *s, const struct ns_addr *a);
bool ns_nic_covers(const struct ns_nic *n, const struct ns_addr *a, int *plen_out);

/* ---- Checksums ---- */
uint32_t ns_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t ns_csum_fold(uint32_t sum);
uint32_t ns_csum_pseudo(const struct ns_addr *src, const struct ns_addr *dst, uint8_t proto,
                        uint32_t len);

/* ---- IP ---- */
struct ns_ip_tx {
    struct ns_addr src, dst;
    uint8_t proto;
    int ttl, tos;
};
/* Prepend the IP header and send; takes the packet. */
int ns_ip_output(struct ns_stack *s, struct ns_pkt *p, const struct ns_ip_tx *tx);
/* Source address for reaching dst; -ENETUNREACH if no route. */
int ns_ip_route(struct ns_stack *s, const struct ns_addr *dst, struct ns_addr *src,
                struct ns_nic **nic);
void ns_ip_input(struct ns_nic *nic, struct ns_pkt *p);
void ns_icmp_input(struct ns_stack *s, struct ns_pkt *p);
void ns_icmp_send_unreach(struct ns_stack *s, struct ns_pkt *orig, bool v6);

/* ---- Endpoints, common ---- */
void ns_ep_get(struct ns_ep *ep);
void ns_ep_put(struct ns_ep *ep);
void ns_ep_notify(struct ns_ep *ep);
bool ns_ep_family_ok(const struct ns_ep *ep, const struct ns_addr *a);
int ns_ep_alloc_port(struct ns_stack *s, struct ns_ep *ep, bool for_connect);
int ns_ep_check_bind(struct ns_stack *s, struct ns_ep *ep, const struct ns_addr *a, uint16_t port);
void ns_ep_unlink(struct ns_ep *ep);
/* The TTL and TOS a packet to an IPv4 (v4) or IPv6 peer gets (-1: default). */
static inline int ns_ep_tx_ttl(const struct ns_ep *ep, bool v4)
{
    return v4 ? ep->ttl : ep->hoplimit;
}
static inline int ns_ep_tx_tos(const struct ns_ep *ep, bool v4)
{
    return v4 ? ep->tos : ep->tclass;
}

/* ---- UDP ---- */
void ns_udp_input(struct ns_stack *s, struct ns_pkt *p);
ssize_t ns_udp_sendto(struct ns_ep *ep, const void *buf, size_t len, int flags,
                      const struct ns_sockaddr *to, const struct ns_txopts *o);
ssize_t ns_udp_recvfrom(struct ns_ep *ep, void *buf, size_t len, int flags,
                        struct ns_msginfo *mi);
void ns_udp_close(struct ns_ep *ep);
void ns_udp_icmp_error(struct ns_stack *s, const struct ns_addr *src, const struct ns_addr *dst,
                       uint16_t sport, uint16_t dport, int err);
unsigned ns_udp_events(struct ns_ep *ep);

/* ---- TCP ---- */
void ns_tcp_input(struct ns_stack *s, struct ns_pkt *p);
void ns_tcp_init_ep(struct ns_ep *ep);
int ns_tcp_listen(struct ns_ep *ep, int backlog);
int ns_tcp_accept(struct ns_ep *ep, struct ns_ep **out, struct ns_sockaddr *peer);
int ns_tcp_connect(struct ns_ep *ep, const struct ns_sockaddr *sa);
ssize_t ns_tcp_send(struct ns_ep *ep, const void *buf, size_t len, int flags);
ssize_t ns_tcp_recv(struct ns_ep *ep, void *buf, size_t len, int flags);
int ns_tcp_shutdown(struct ns_ep *ep, int how);
void ns_tcp_close(struct ns_ep *ep);
void ns_tcp_free(struct ns_ep *ep);
unsigned ns_tcp_events(struct ns_ep *ep);
int ns_tcp_setsockopt(struct ns_ep *ep, int name, const void *val, size_t len);
int ns_tcp_getsockopt(struct ns_ep *ep, int name, void *val, size_t *len);
void ns_tcp_bufs_changed(struct ns_ep *ep);
int ns_tcp_linux_state(enum ns_tcp_state st);

#endif
