/* netstack/tcp_ack.c: what an acceptable segment does: its ACK (window
 * update, RTT, congestion control, fast retransmit and recovery, the SACK
 * scoreboard, state changes on our FIN being acked), its data (in order or
 * into the out-of-order queue) and its FIN. */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "netstack/tcp.h"

void tcp_ack_input(struct ns_ep *ep, const struct tcp_seg *seg);
void tcp_data_input(struct ns_ep *ep, const struct tcp_seg *seg);
bool tcp_fin_input(struct ns_ep *ep, const struct tcp_seg *seg);

/* ---- SACK scoreboard ---- */

static void sack_add(struct tcp_cb *tc, uint32_t start, uint32_t end)
{
    struct tcp_blk *v = tc->sacked;
    int n = tc->nsacked, i = 0, j;
    while (i < n && SEQ_LT(v[i].end, start))
        i++;
    /* blocks i..j-1 overlap or touch [start, end): merge them */
    for (j = i; j < n && SEQ_LEQ(v[j].start, end); j++) {
        if (SEQ_LT(v[j].start, start))
            start = v[j].start;
        if (SEQ_GT(v[j].end, end))
            end = v[j].end;
    }
    if (j == i && n == TCP_MAX_SACKED)
        return; /* full: forgetting a block only costs a retransmission */
    memmove(v + i + 1, v + j, sizeof(*v) * (size_t)(n - j));
    v[i] = (struct tcp_blk){start, end};
    tc->nsacked = n - (j - i) + 1;
}

static void sack_update(struct tcp_cb *tc, const struct tcp_seg *seg)
{
    int k = 0;
    for (int i = 0; i < tc->nsacked; i++) {
        if (SEQ_LEQ(tc->sacked[i].end, tc->snd_una))
            continue;
        tc->sacked[k] = tc->sacked[i];
        if (SEQ_LT(tc->sacked[k].start, tc->snd_una))
            tc->sacked[k].start = tc->snd_una;
        k++;
    }
    tc->nsacked = k;
    if (!tc->sack_ok)
        return;
    for (int i = 0; i < seg->nsack; i++) {
        uint32_t s = seg->sack[i].start, e = seg->sack[i].end;
        /* Ignore D-SACKs and blocks outside what we sent. */
        if (!SEQ_LT(s, e) || SEQ_LEQ(s, tc->snd_una) || SEQ_GT(e, tc->snd_max))
            continue;
        sack_add(tc, s, e);
    }
}

/* In recovery, retransmit the next hole below the highest SACKed byte. */
static void sack_retransmit_hole(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    if (!tc->nsacked)
        return;
    uint32_t top = tc->sacked[tc->nsacked - 1].end;
    uint32_t seq = SEQ_GT(tc->rexmit_high, tc->snd_una) ? tc->rexmit_high : tc->snd_una;
    for (;;) {
        uint32_t next, e = tcp_sacked_end(tc, seq, &next);
        if (e == seq)
            break;
        seq = e;
    }
    if (!SEQ_LT(seq, top))
        return;
    uint32_t next;
    tcp_sacked_end(tc, seq, &next);
    uint32_t len = SB_MIN(next - seq, (uint32_t)tc->mss);
    tcp_retransmit_at(ep, seq, len);
    tc->rexmit_high = seq + len;
}

/* ---- ACK ---- */

static void enter_recovery(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    NS_COUNT(ep->st, tcp_fast_retrans);
    tc->ssthresh = tc->cc->ssthresh(ep);
    tc->cwnd = tc->ssthresh + 3 * tc->mss;
    tc->in_recovery = true;
    tc->recover = tc->snd_max;
    tcp_retransmit_at(ep, tc->snd_una, tc->mss);
    tc->rexmit_high = tc->snd_una + tc->mss;
    sack_retransmit_hole(ep);
}

static uint32_t sacked_bytes(const struct tcp_cb *tc)
{
    uint32_t n = 0;
    for (int i = 0; i < tc->nsacked; i++)
        n += tc->sacked[i].end - tc->sacked[i].start;
    return n;
}

static void dupack(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    tc->dupacks++;
    if (tc->in_recovery) {
        tc->cwnd += tc->mss; /* a segment left the network */
        sack_retransmit_hole(ep);
        return;
    }
    /* Three dupacks, or three segments' worth SACKed above a hole (RFC
     * 6675), mean loss; with few segments in flight and nothing new to
     * send, fewer dupacks will ever come (RFC 5827 early retransmit). */
    uint32_t segs = (tcp_flight(tc) + tc->mss - 1) / tc->mss;
    int thresh = 3;
    if (segs < 4 && tc->snd_max - tc->snd_una >= tc->sndq.len)
        thresh = segs > 1 ? (int)segs - 1 : 1;
    if (tc->dupacks >= thresh || sacked_bytes(tc) >= 3u * tc->mss) {
        enter_recovery(ep);
        return;
    }
    /* RFC 3042 limited transmit: tcp_output lets one new segment out per
     * early dupack, without touching cwnd. */
}

static void new_ack(struct ns_ep *ep, const struct tcp_seg *seg, uint32_t acked)
{
    struct tcp_cb *tc = &ep->tcp;
    if (tc->ts_ok && seg->has_ts && seg->tsecr) {
        uint32_t ms = (uint32_t)tcp_now_ms(ep) + tc->ts_off - seg->tsecr;
        if (ms < 60000)
            tcp_rtt_sample(ep, ms * 1000 + 500);
    } else if (tc->rtt_timing && SEQ_GT(seg->ack, tc->rtt_seq)) {
        tcp_rtt_sample(ep, (uint32_t)((ep->st->now - tc->rtt_start) / 1000));
        tc->rtt_timing = false;
    }
    tc->retries = 0;
    tc->backoff = 0;
    if (tc->in_recovery) {
        if (SEQ_GEQ(seg->ack, tc->recover)) {
            tc->in_recovery = false;
            tc->cwnd = SB_MIN(tc->ssthresh, tcp_flight(tc) + tc->mss);
        } else {
            /* Partial ack: the next hole is lost too (RFC 6582). */
            tcp_retransmit_at(ep, seg->ack, tc->mss);
            if (SEQ_LT(tc->rexmit_high, seg->ack + tc->mss))
                tc->rexmit_high = seg->ack + tc->mss;
            tc->cwnd = tc->cwnd > acked ? tc->cwnd - acked + tc->mss : tc->mss;
            sack_retransmit_hole(ep);
        }
    } else {
        tc->cc->on_ack(ep, acked);
    }
    tc->dupacks = 0;
}

static void ack_our_fin(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    switch (tc->state) {
    case TCPS_FIN_WAIT_1:
        tcp_set_state(ep, TCPS_FIN_WAIT_2);
        if (ep->user_closed)
            ns_timer_arm(ep->st, &tc->tw_t, ep->st->now + TCP_FIN_TIMEOUT_MS * NS_MS);
        break;
    case TCPS_CLOSING:
        tcp_enter_time_wait(ep);
        break;
    case TCPS_LAST_ACK:
        tcp_set_closed(ep, 0);
        break;
    default:
        break;
    }
}

static void established_from_synrcvd(struct ns_ep *ep, const struct tcp_seg *seg)
{
    struct tcp_cb *tc = &ep->tcp;
    struct ns_ep *lep = tc->parent;
    if (lep && lep->tcp.acceptq_len > lep->tcp.backlog) {
        /* Accept queue full: drop the ACK, the SYN-ACK timer retries. */
        NS_COUNT(ep->st, tcp_drop_listen_ovf);
        return;
    }
    tc->snd_una = seg->ack;
    tc->snd_wnd = (uint32_t)seg->wnd << tc->snd_wscale;
    tc->max_snd_wnd = tc->snd_wnd;
    tc->snd_wl1 = seg->seq;
    tc->snd_wl2 = seg->ack;
    tc->retries = tc->backoff = 0;
    ns_timer_cancel(&tc->rexmit_t);
    tcp_set_state(ep, TCPS_ESTABLISHED);
    tcp_arm_keepalive(ep);
    if (lep) {
        lep->tcp.synq_len--;
        ns_ep_get(ep); /* the accept queue's reference */
        ep->aq_next = NULL;
        if (lep->tcp.acceptq_tail)
            lep->tcp.acceptq_tail->aq_next = ep;
        else
            lep->tcp.acceptq_head = ep;
        lep->tcp.acceptq_tail = ep;
        lep->tcp.acceptq_len++;
        tc->in_acceptq = true;
        ns_ep_notify(lep);
    }
    ns_ep_notify(ep);
}

void tcp_ack_input(struct ns_ep *ep, const struct tcp_seg *seg)
{
    struct tcp_cb *tc = &ep->tcp;
    if (tc->state == TCPS_SYN_RCVD) {
        if (SEQ_LEQ(seg->ack, tc->snd_una) || SEQ_GT(seg->ack, tc->snd_max)) {
            tcp_reply_rst_ep(ep, seg);
            return;
        }
        established_from_synrcvd(ep, seg);
        if (tc->state == TCPS_SYN_RCVD)
            return;
    }
    if (SEQ_GT(seg->ack, tc->snd_max)) {
        tcp_send_ack(ep); /* acks something not yet sent */
        return;
    }
    uint32_t wnd = (uint32_t)seg->wnd << tc->snd_wscale;
    bool wnd_changed = false;
    if (SEQ_LT(tc->snd_wl1, seg->seq) ||
        (tc->snd_wl1 == seg->seq && SEQ_LEQ(tc->snd_wl2, seg->ack))) {
        wnd_changed = wnd != tc->snd_wnd;
        tc->snd_wnd = wnd;
        tc->snd_wl1 = seg->seq;
        tc->snd_wl2 = seg->ack;
        if (wnd > tc->max_snd_wnd)
            tc->max_snd_wnd = wnd;
        if (wnd && tc->persist) {
            tc->persist = false;
            tc->backoff = 0;
            ns_timer_cancel(&tc->rexmit_t);
        }
    }
    if (SEQ_GT(seg->ack, tc->snd_una)) {
        uint32_t acked = seg->ack - tc->snd_una;
        size_t data = SB_MIN((size_t)acked, tc->sndq.len);
        ns_ring_drop(&tc->sndq, data);
        bool fin_acked = tc->fin_sent && SEQ_GT(seg->ack, tc->fin_seq);
        tc->snd_una = seg->ack;
        if (SEQ_LT(tc->snd_nxt, tc->snd_una))
            tc->snd_nxt = tc->snd_una;
        sack_update(tc, seg);
        new_ack(ep, seg, acked);
        if (tc->snd_una == tc->snd_max) {
            ns_timer_cancel(&tc->rexmit_t);
            tc->persist = false;
        } else {
            tcp_arm_rexmit(ep);
        }
        if (fin_acked)
            ack_our_fin(ep);
        ns_ep_notify(ep);
        return;
    }
    sack_update(tc, seg);
    if (seg->ack == tc->snd_una && seg->dlen == 0 && !(seg->flags & TH_FIN) && !wnd_changed &&
        tc->snd_una != tc->snd_max)
        dupack(ep);
}

/* ---- data ---- */

static void ooo_insert(struct ns_ep *ep, uint32_t seq, const uint8_t *data, uint32_t len, bool fin)
{
    struct tcp_cb *tc = &ep->tcp;
    uint32_t room = tcp_rcv_space(ep);
    if (tc->ooo_bytes + len > room) {
        NS_COUNT(ep->st, tcp_ooo_drop);
        return;
    }
    struct tcp_ooo **pp = &tc->ooo;
    while (*pp && SEQ_LT((*pp)->seq, seq))
        pp = &(*pp)->next;
    if (*pp && (*pp)->seq == seq && (*pp)->len >= len)
        return; /* duplicate */
    struct tcp_ooo *o = xzalloc(sizeof(*o) + len);
    o->seq = seq;
    o->len = len;
    o->fin = fin;
    memcpy(o->data, data, len);
    o->next = *pp;
    *pp = o;
    tc->ooo_bytes += len;
    tc->ooo_last = seq;
    NS_COUNT(ep->st, tcp_ooo_queued);
}

/* Move what the out-of-order queue now continues into the receive queue. */
static bool ooo_drain(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    bool fin = false;
    while (tc->ooo && SEQ_LEQ(tc->ooo->seq, tc->rcv_nxt)) {
        struct tcp_ooo *o = tc->ooo;
        tc->ooo = o->next;
        tc->ooo_bytes -= o->len;
        uint32_t end = o->seq + o->len;
        if (SEQ_GT(end, tc->rcv_nxt)) {
            uint32_t skip = tc->rcv_nxt - o->seq;
            size_t n = ns_ring_write(&tc->rcvq, o->data + skip, o->len - skip);
            tc->rcv_nxt += (uint32_t)n;
        }
        if (o->fin && tc->rcv_nxt == end)
            fin = true;
        free(o);
    }
    return fin;
}

void tcp_data_input(struct ns_ep *ep, const struct tcp_seg *seg)
{
    struct tcp_cb *tc = &ep->tcp;
    if (tc->state != TCPS_ESTABLISHED && tc->state != TCPS_FIN_WAIT_1 &&
        tc->state != TCPS_FIN_WAIT_2)
        return;
    if (ep->user_closed) {
        /* Data for a closed socket: Linux resets. */
        tcp_send_rst(ep);
        tcp_set_closed(ep, 0);
        return;
    }
    uint32_t seq = seg->seq;
    const uint8_t *d = seg->data;
    uint32_t len = seg->dlen;
    if (SEQ_LT(seq, tc->rcv_nxt)) {
        uint32_t skip = tc->rcv_nxt - seq;
        if (skip >= len) {
            tcp_send_ack(ep); /* a duplicate: tell the sender where we are */
            return;
        }
        seq += skip;
        d += skip;
        len -= skip;
    }
    uint32_t room = tcp_rcv_space(ep);
    uint32_t limit = SB_MAX(room, tc->rcv_wnd_adv);
    uint32_t off = seq - tc->rcv_nxt;
    if (off >= limit) {
        tcp_send_ack(ep);
        return;
    }
    if (len > limit - off)
        len = limit - off;
    if (seq != tc->rcv_nxt) {
        ooo_insert(ep, seq, d, len, (seg->flags & TH_FIN) && len == seg->dlen);
        tcp_send_ack(ep); /* dup ACK with SACK: fast retransmit cue */
        return;
    }
    size_t n = ns_ring_write(&tc->rcvq, d, len);
    tc->rcv_nxt += (uint32_t)n;
    tc->rx_stamp = ep->st->now;
    bool had_ooo = tc->ooo != NULL;
    if (ooo_drain(ep))
        tcp_fin_input(ep, NULL);
    ns_ep_notify(ep);
    if (had_ooo || tc->quick > 0 || ++tc->unacked_segs >= 2 ||
        tc->state != TCPS_ESTABLISHED) {
        if (tc->quick > 0)
            tc->quick--;
        tcp_send_ack(ep);
    } else {
        tcp_arm_delack(ep);
    }
}

/* The peer's FIN; seg NULL when it came out of the out-of-order queue.
 * Returns whether it was taken. */
bool tcp_fin_input(struct ns_ep *ep, const struct tcp_seg *seg)
{
    struct tcp_cb *tc = &ep->tcp;
    if (seg) {
        if (seg->seq + seg->dlen != tc->rcv_nxt)
            return false; /* out of order: queued with its data, or dropped */
    }
    if (tc->fin_rcvd) {
        if (tc->state == TCPS_TIME_WAIT)
            tcp_enter_time_wait(ep); /* retransmitted FIN: restart 2MSL */
        tcp_send_ack(ep);
        return true;
    }
    tc->fin_rcvd = true;
    tc->rcv_nxt++;
    switch (tc->state) {
    case TCPS_SYN_RCVD:
    case TCPS_ESTABLISHED:
        tcp_set_state(ep, TCPS_CLOSE_WAIT);
        break;
    case TCPS_FIN_WAIT_1:
        if (tc->fin_sent && SEQ_GT(tc->snd_una, tc->fin_seq))
            tcp_enter_time_wait(ep);
        else
            tcp_set_state(ep, TCPS_CLOSING);
        break;
    case TCPS_FIN_WAIT_2:
        tcp_enter_time_wait(ep);
        break;
    default:
        break;
    }
    tcp_send_ack(ep);
    ns_ep_notify(ep);
    return true;
}
