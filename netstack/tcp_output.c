/* netstack/tcp_output.c: building and sending TCP segments: data with Nagle
 * and cork, SYN and SYN-ACK with options, ACKs with SACK blocks, RSTs,
 * probes and retransmissions. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/log.h"
#include "netstack/tcp.h"

#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_WS 3
#define OPT_SACK_PERM 4
#define OPT_SACK 5
#define OPT_TS 8

struct tcp_tx {
    struct ns_addr src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    uint8_t opts[40];
    size_t optlen;
    const struct ns_ring *data; /* payload source, or NULL */
    size_t off, len;
    int ttl, tos;
};

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static int xmit(struct ns_stack *s, const struct tcp_tx *t)
{
    size_t hlen = TCP_HLEN + t->optlen;
    struct ns_pkt *p = ns_pkt_alloc(NS_PKT_HEADROOM, hlen + t->len);
    if (!p)
        return -EMSGSIZE;
    uint8_t *h = p->data;
    put16(h, t->sport);
    put16(h + 2, t->dport);
    put32(h + 4, t->seq);
    put32(h + 8, t->ack);
    h[12] = (uint8_t)((hlen / 4) << 4);
    h[13] = t->flags;
    put16(h + 14, t->wnd);
    put16(h + 16, 0);
    put16(h + 18, 0);
    memcpy(h + TCP_HLEN, t->opts, t->optlen);
    if (t->len)
        SB_BUG_ON(ns_ring_peek(t->data, t->off, h + hlen, t->len) != t->len);
    uint32_t sum = ns_csum_pseudo(&t->src, &t->dst, IPPROTO_TCP, (uint32_t)(hlen + t->len));
    put16(h + 16, ns_csum_fold(ns_csum_add(sum, h, hlen + t->len)));
    struct ns_ip_tx ip = {.src = t->src, .dst = t->dst, .proto = IPPROTO_TCP};
    ip.ttl = t->ttl;
    ip.tos = t->tos;
    NS_COUNT(s, tcp_out);
    return ns_ip_output(s, p, &ip);
}

/* Free receive space: what we may advertise from rcv_nxt. */
uint32_t tcp_rcv_space(const struct ns_ep *ep)
{
    const struct tcp_cb *tc = &ep->tcp;
    return (uint32_t)(tc->rcvq.cap - tc->rcvq.len);
}

/* The window field, scaled, never moving the right edge left. */
static uint16_t adv_window(struct ns_ep *ep, bool syn)
{
    struct tcp_cb *tc = &ep->tcp;
    uint32_t wnd = tcp_rcv_space(ep);
    uint32_t old_right = tc->rcv_wup + tc->rcv_wnd_adv;
    if (SEQ_GT(old_right, tc->rcv_nxt + wnd))
        wnd = old_right - tc->rcv_nxt;
    uint8_t shift = syn ? 0 : tc->rcv_wscale;
    uint32_t max = 65535u << shift;
    if (wnd > max)
        wnd = max;
    /* Receiver SWS avoidance: do not open a sliver of window. */
    if (!syn && wnd < tc->adv_mss && wnd < tc->rcvq.cap / 2 &&
        SEQ_LEQ(tc->rcv_nxt + wnd, old_right))
        wnd = SEQ_GT(old_right, tc->rcv_nxt) ? old_right - tc->rcv_nxt : 0;
    wnd = (wnd >> shift) << shift;
    tc->rcv_wup = tc->rcv_nxt;
    tc->rcv_wnd_adv = wnd;
    return (uint16_t)(wnd >> shift);
}

static void opt_ts(struct ns_ep *ep, struct tcp_tx *t)
{
    uint8_t *o = t->opts + t->optlen;
    o[0] = OPT_NOP;
    o[1] = OPT_NOP;
    o[2] = OPT_TS;
    o[3] = 10;
    put32(o + 4, (uint32_t)tcp_now_ms(ep) + ep->tcp.ts_off);
    put32(o + 8, ep->tcp.ts_recent);
    t->optlen += 12;
}

/* SACK blocks from the out-of-order queue, the latest segment's first. */
static void opt_sack(struct ns_ep *ep, struct tcp_tx *t)
{
    struct tcp_cb *tc = &ep->tcp;
    struct tcp_blk blk[8];
    int n = 0;
    for (struct tcp_ooo *o = tc->ooo; o; o = o->next) {
        uint32_t e = o->seq + o->len;
        if (n && SEQ_LEQ(o->seq, blk[n - 1].end)) {
            if (SEQ_GT(e, blk[n - 1].end))
                blk[n - 1].end = e;
        } else if (n < 8) {
            blk[n++] = (struct tcp_blk){o->seq, e};
        }
    }
    if (!n)
        return;
    for (int i = 1; i < n; i++)
        if (SEQ_GEQ(tc->ooo_last, blk[i].start) && SEQ_LT(tc->ooo_last, blk[i].end)) {
            struct tcp_blk x = blk[i];
            memmove(blk + 1, blk, sizeof(blk[0]) * (size_t)i);
            blk[0] = x;
        }
    int room = (int)((40 - t->optlen - 4) / 8);
    if (n > room)
        n = room;
    if (n <= 0)
        return;
    uint8_t *o = t->opts + t->optlen;
    o[0] = OPT_NOP;
    o[1] = OPT_NOP;
    o[2] = OPT_SACK;
    o[3] = (uint8_t)(2 + 8 * n);
    for (int i = 0; i < n; i++) {
        put32(o + 4 + 8 * i, blk[i].start);
        put32(o + 8 + 8 * i, blk[i].end);
    }
    t->optlen += 4 + 8 * (size_t)n;
}

static void tx_init(struct ns_ep *ep, struct tcp_tx *t, uint32_t seq, uint8_t flags)
{
    struct tcp_cb *tc = &ep->tcp;
    memset(t, 0, sizeof(*t));
    t->src = ep->local.addr;
    t->dst = ep->remote.addr;
    t->sport = ep->local.port;
    t->dport = ep->remote.port;
    t->seq = seq;
    t->flags = flags;
    t->ttl = ns_ep_tx_ttl(ep, ns_addr_is_v4(&t->dst));
    t->tos = ns_ep_tx_tos(ep, ns_addr_is_v4(&t->dst));
    if (flags & TH_ACK) {
        t->ack = tc->rcv_nxt;
        tc->last_ack_sent = tc->rcv_nxt;
        tc->unacked_segs = 0;
        ns_timer_cancel(&tc->delack_t);
    }
    if (!(flags & TH_SYN)) {
        t->wnd = adv_window(ep, false);
        if (tc->ts_ok)
            opt_ts(ep, t);
        if (tc->sack_ok && tc->ooo && !(flags & TH_RST))
            opt_sack(ep, t);
    }
}

void tcp_send_syn(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    bool synack = tc->state == TCPS_SYN_RCVD;
    struct tcp_tx t;
    tx_init(ep, &t, tc->iss, synack ? TH_SYN | TH_ACK : TH_SYN);
    t.wnd = adv_window(ep, true);
    uint8_t *o = t.opts;
    o[0] = OPT_MSS;
    o[1] = 4;
    put16(o + 2, tc->adv_mss);
    t.optlen = 4;
    /* On a SYN-ACK, only what the SYN offered. */
    if (!synack || tc->sack_ok) {
        o[t.optlen++] = OPT_SACK_PERM;
        o[t.optlen++] = 2;
    }
    if (!synack || tc->ts_ok) {
        o[t.optlen] = OPT_TS;
        o[t.optlen + 1] = 10;
        put32(o + t.optlen + 2, (uint32_t)tcp_now_ms(ep) + tc->ts_off);
        put32(o + t.optlen + 6, synack ? tc->ts_recent : 0);
        t.optlen += 10;
    }
    if (!synack || tc->ws_ok) {
        o[t.optlen++] = OPT_NOP;
        o[t.optlen++] = OPT_WS;
        o[t.optlen++] = 3;
        o[t.optlen++] = TCP_WSCALE;
    }
    while (t.optlen % 4)
        o[t.optlen++] = OPT_NOP;
    (void)xmit(ep->st, &t);
    if (SEQ_LT(tc->snd_nxt, tc->iss + 1))
        tc->snd_nxt = tc->iss + 1;
    if (SEQ_LT(tc->snd_max, tc->snd_nxt))
        tc->snd_max = tc->snd_nxt;
}

void tcp_send_ack(struct ns_ep *ep)
{
    struct tcp_tx t;
    tx_init(ep, &t, ep->tcp.snd_nxt, TH_ACK);
    (void)xmit(ep->st, &t);
}

void tcp_send_rst(struct ns_ep *ep)
{
    struct tcp_tx t;
    tx_init(ep, &t, ep->tcp.snd_nxt, TH_RST | TH_ACK);
    NS_COUNT(ep->st, tcp_out_rst);
    (void)xmit(ep->st, &t);
}

/* Zero-window and keepalive probe: an old sequence number the peer must
 * answer with an ACK that carries its window. */
void tcp_send_probe(struct ns_ep *ep)
{
    struct tcp_tx t;
    tx_init(ep, &t, ep->tcp.snd_una - 1, TH_ACK);
    (void)xmit(ep->st, &t);
}

void tcp_reply_rst(struct ns_stack *s, struct ns_pkt *p, const struct tcp_seg *seg)
{
    if (seg->flags & TH_RST)
        return;
    struct tcp_tx t = {.src = p->dst, .dst = p->src, .sport = seg->dport, .dport = seg->sport};
    t.ttl = t.tos = -1;
    if (seg->flags & TH_ACK) {
        t.seq = seg->ack;
        t.flags = TH_RST;
    } else {
        t.ack = seg->seq + seg->len;
        t.flags = TH_RST | TH_ACK;
    }
    NS_COUNT(s, tcp_out_rst);
    (void)xmit(s, &t);
}

/* End of the SACKed block holding seq (seq if none); *next_start gets the
 * start of the first block above seq, or snd_max. */
uint32_t tcp_sacked_end(const struct tcp_cb *tc, uint32_t seq, uint32_t *next_start)
{
    uint32_t end = seq;
    if (next_start)
        *next_start = tc->snd_max;
    for (int i = 0; i < tc->nsacked; i++) {
        const struct tcp_blk *b = &tc->sacked[i];
        if (SEQ_LEQ(b->start, seq) && SEQ_LT(seq, b->end))
            end = b->end;
        else if (SEQ_GT(b->start, seq) && next_start && SEQ_LT(b->start, *next_start))
            *next_start = b->start;
    }
    return end;
}

/* One segment of data (and the FIN if it reaches it) from seq. */
static uint32_t send_data(struct ns_ep *ep, uint32_t seq, uint32_t len)
{
    struct tcp_cb *tc = &ep->tcp;
    size_t off = seq - tc->snd_una;
    bool fin = tc->fin_queued && off + len == tc->sndq.len;
    struct tcp_tx t;
    tx_init(ep, &t, seq, TH_ACK | (len ? TH_PSH : 0) | (fin ? TH_FIN : 0));
    t.data = &tc->sndq;
    t.off = off;
    t.len = len;
    if (xmit(ep->st, &t) < 0)
        return 0;
    if (fin) {
        tc->fin_sent = true;
        tc->fin_seq = tc->snd_una + (uint32_t)tc->sndq.len;
    }
    return len + (fin ? 1 : 0);
}

void tcp_retransmit_at(struct ns_ep *ep, uint32_t seq, uint32_t maxlen)
{
    struct tcp_cb *tc = &ep->tcp;
    size_t off = seq - tc->snd_una;
    if (off > tc->sndq.len)
        return;
    uint32_t len = (uint32_t)SB_MIN(SB_MIN((size_t)tc->mss, maxlen), tc->sndq.len - off);
    if (!len && !(tc->fin_sent && seq == tc->fin_seq))
        return;
    if (tc->rtt_timing && SEQ_LEQ(seq, tc->rtt_seq) && SEQ_LT(tc->rtt_seq, seq + len + 1))
        tc->rtt_timing = false; /* Karn: no sample from a retransmitted segment */
    NS_COUNT(ep->st, tcp_retrans);
    tc->total_retrans++;
    send_data(ep, seq, len);
}

void tcp_arm_rexmit(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    uint64_t rto = (uint64_t)tc->rto_ms << tc->backoff;
    if (rto > TCP_MAX_RTO_MS)
        rto = TCP_MAX_RTO_MS;
    ns_timer_arm(ep->st, &tc->rexmit_t, ep->st->now + rto * NS_MS);
}

static bool may_send_small(struct ns_ep *ep, uint32_t len, size_t avail)
{
    struct tcp_cb *tc = &ep->tcp;
    if (len >= tc->mss)
        return true;
    if (len < avail) /* limited by window, not by data */
        return true;
    if (tc->cork)
        return tc->fin_queued;
    /* Nagle: one small segment in flight at a time. */
    return tc->nodelay || tc->snd_nxt == tc->snd_una || tc->fin_queued;
}

/* Send what the windows allow. */
void tcp_output(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    if (tc->state < TCPS_ESTABLISHED || tc->state == TCPS_TIME_WAIT)
        return;
    bool sent = false;
    for (int guard = 0; guard < 100000; guard++) {
        uint32_t next_sacked;
        uint32_t e = tcp_sacked_end(tc, tc->snd_nxt, &next_sacked);
        if (e != tc->snd_nxt && SEQ_LT(tc->snd_nxt, tc->snd_max)) {
            NS_COUNT(ep->st, tcp_sack_skipped);
            tc->snd_nxt = e; /* the peer has it: skip */
            continue;
        }
        size_t off = tc->snd_nxt - tc->snd_una;
        if (off > tc->sndq.len)
            break; /* only the FIN is beyond the data, and it is sent */
        size_t avail = tc->sndq.len - off;
        uint32_t cw = tc->cwnd;
        if (!tc->in_recovery) /* RFC 3042 limited transmit */
            cw += (uint32_t)SB_MIN(tc->dupacks, 2) * tc->mss;
        uint32_t wnd = SB_MIN(tc->snd_wnd, cw);
        uint32_t inflight = tc->snd_nxt - tc->snd_una;
        uint32_t usable = wnd > inflight ? wnd - inflight : 0;
        uint32_t len = (uint32_t)SB_MIN(SB_MIN(avail, (size_t)tc->mss), (size_t)usable);
        if (SEQ_LT(tc->snd_nxt, tc->snd_max) && SEQ_GT(tc->snd_nxt + len, next_sacked))
            len = next_sacked - tc->snd_nxt; /* stop at the next SACKed block */
        /* The FIN rides on the last data, once (again after a rewind). */
        bool fin_now = tc->fin_queued && len == avail &&
                       (!tc->fin_sent || SEQ_LEQ(tc->snd_nxt, tc->fin_seq));
        if (len == 0 && !fin_now)
            break;
        if (len && !fin_now && !may_send_small(ep, len, avail))
            break;
        if (!tc->rtt_timing && !tc->ts_ok && tc->snd_nxt == tc->snd_max && len) {
            tc->rtt_timing = true;
            tc->rtt_seq = tc->snd_nxt;
            tc->rtt_start = ep->st->now;
        }
        bool rexmit = SEQ_LT(tc->snd_nxt, tc->snd_max);
        if (rexmit) {
            NS_COUNT(ep->st, tcp_retrans);
            tc->total_retrans++;
        }
        uint32_t used = send_data(ep, tc->snd_nxt, len);
        if (!used)
            break;
        tc->snd_nxt += used;
        if (SEQ_GT(tc->snd_nxt, tc->snd_max))
            tc->snd_max = tc->snd_nxt;
        sent = true;
        if (used > len)
            break; /* that was the FIN */
    }
    if (sent && !tc->rexmit_t.armed) {
        tc->persist = false;
        tcp_arm_rexmit(ep);
    }
    /* Data waits on a zero window: probe it. */
    if (!sent && tc->snd_wnd == 0 && tc->snd_una == tc->snd_max &&
        (tc->sndq.len > 0 || (tc->fin_queued && !tc->fin_sent)) && !tc->rexmit_t.armed) {
        tc->persist = true;
        tcp_arm_rexmit(ep);
    }
}

/* RST for an unacceptable ACK on a connection in SYN-RCVD. */
void tcp_reply_rst_ep(struct ns_ep *ep, const struct tcp_seg *seg)
{
    struct tcp_tx t;
    tx_init(ep, &t, seg->ack, TH_RST);
    t.optlen = 0;
    NS_COUNT(ep->st, tcp_out_rst);
    (void)xmit(ep->st, &t);
}
