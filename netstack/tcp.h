/* netstack/tcp.h: TCP internals shared by the tcp_*.c files. */
#ifndef SB_NETSTACK_TCP_H
#define SB_NETSTACK_TCP_H

#include "netstack/ns_impl.h"

/* Sequence space comparisons, safe across wraparound. */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20

#define TCP_HLEN 20
#define TCP_MIN_RTO_MS 200
#define TCP_MAX_RTO_MS 120000
#define TCP_INIT_RTO_MS 1000
#define TCP_SYN_RETRIES 6
#define TCP_SYNACK_RETRIES 5
#define TCP_RETRIES2 15
#define TCP_DELACK_MS 40
#define TCP_FIN_TIMEOUT_MS 60000
#define TCP_DEFAULT_BUF (256 * 1024) /* Linux autotunes; we start roomy */
#define TCP_WSCALE 7

/* A parsed segment: header fields and options, payload in place. */
struct tcp_seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    const uint8_t *data;
    uint32_t dlen; /* payload bytes */
    uint32_t len;  /* dlen + SYN + FIN: sequence space used */
    int mss;       /* -1 if absent */
    int wscale;    /* -1 if absent */
    bool sack_ok, has_ts;
    uint32_t tsval, tsecr;
    int nsack;
    struct tcp_blk sack[4];
};

/* Parses header and options; false if malformed (counted by caller). */
bool tcp_parse(const uint8_t *h, size_t len, struct tcp_seg *seg, int *why);

struct tcp_cc_ops {
    const char *name;
    void (*init)(struct ns_ep *ep);
    void (*on_ack)(struct ns_ep *ep, uint32_t acked);
    uint32_t (*ssthresh)(struct ns_ep *ep); /* on loss: also records its state */
};
const struct tcp_cc_ops *tcp_cc_find(const char *name);
extern const struct tcp_cc_ops tcp_newreno, tcp_cubic;

static inline uint32_t tcp_flight(const struct tcp_cb *tc)
{
    return tc->snd_max - tc->snd_una;
}

static inline uint64_t tcp_now_ms(const struct ns_ep *ep)
{
    return ep->st->now / NS_MS;
}

/* tcp_output.c */
void tcp_output(struct ns_ep *ep);
void tcp_send_syn(struct ns_ep *ep);
void tcp_send_ack(struct ns_ep *ep);
void tcp_send_rst(struct ns_ep *ep);
void tcp_send_probe(struct ns_ep *ep);
void tcp_retransmit_at(struct ns_ep *ep, uint32_t seq, uint32_t maxlen);
void tcp_reply_rst(struct ns_stack *s, struct ns_pkt *p, const struct tcp_seg *seg);
void tcp_reply_rst_ep(struct ns_ep *ep, const struct tcp_seg *seg);
uint32_t tcp_rcv_space(const struct ns_ep *ep);
uint32_t tcp_sacked_end(const struct tcp_cb *tc, uint32_t seq, uint32_t *next_start);
void tcp_arm_rexmit(struct ns_ep *ep);

/* tcp_timer.c */
void tcp_timers_init(struct ns_ep *ep);
void tcp_timers_cancel(struct ns_ep *ep);
void tcp_rtt_sample(struct ns_ep *ep, uint32_t rtt_us);
void tcp_arm_keepalive(struct ns_ep *ep);
void tcp_arm_delack(struct ns_ep *ep);

/* tcp_api.c / tcp_input.c */
void tcp_set_state(struct ns_ep *ep, enum ns_tcp_state st);
void tcp_set_closed(struct ns_ep *ep, int err);
void tcp_enter_time_wait(struct ns_ep *ep);
void tcp_init_buffers(struct ns_ep *ep);
uint16_t tcp_mss_for(struct ns_stack *s, const struct ns_addr *dst);

#endif
