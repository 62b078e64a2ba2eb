/* netstack/tcp_timer.c: TCP's timers: retransmission (RFC 6298, with
 * back-off and give-up), zero-window persist, delayed ACK, keepalive,
 * TIME_WAIT and the orphaned FIN_WAIT_2 timeout. */
#include <errno.h>
#include <stddef.h>

#include "lib/log.h"
#include "netstack/tcp.h"

#define EP_OF(t, field) ((struct ns_ep *)((char *)(t)-offsetof(struct ns_ep, tcp.field)))

void tcp_rtt_sample(struct ns_ep *ep, uint32_t r)
{
    struct tcp_cb *tc = &ep->tcp;
    if (r == 0)
        r = 1;
    if (!tc->rtt_valid) {
        tc->srtt_us = r;
        tc->rttvar_us = r / 2;
        tc->rtt_valid = true;
    } else {
        uint32_t d = tc->srtt_us > r ? tc->srtt_us - r : r - tc->srtt_us;
        tc->rttvar_us = (3 * tc->rttvar_us + d) / 4;
        tc->srtt_us = (7 * tc->srtt_us + r) / 8;
    }
    uint32_t rto = (tc->srtt_us + SB_MAX(1000u, 4 * tc->rttvar_us)) / 1000;
    tc->rto_ms = SB_MIN(SB_MAX(rto, (uint32_t)TCP_MIN_RTO_MS), (uint32_t)TCP_MAX_RTO_MS);
}

static void give_up(struct ns_ep *ep)
{
    NS_COUNT(ep->st, tcp_timeouts);
    tcp_set_closed(ep, -ETIMEDOUT);
}

static void rexmit_fire(struct ns_timer *t)
{
    struct ns_ep *ep = EP_OF(t, rexmit_t);
    struct tcp_cb *tc = &ep->tcp;
    if (tc->persist) {
        NS_COUNT(ep->st, tcp_zwin_probes);
        tcp_send_probe(ep);
        if (tc->backoff < 16)
            tc->backoff++;
        tcp_arm_rexmit(ep);
        return;
    }
    if (tc->state == TCPS_SYN_SENT || tc->state == TCPS_SYN_RCVD) {
        int max = tc->state == TCPS_SYN_SENT ? TCP_SYN_RETRIES : TCP_SYNACK_RETRIES;
        if (++tc->retries > max) {
            give_up(ep);
            return;
        }
        tc->rtt_timing = false;
        tc->backoff++;
        NS_COUNT(ep->st, tcp_retrans);
        tcp_send_syn(ep);
        tcp_arm_rexmit(ep);
        return;
    }
    if (tc->snd_una == tc->snd_max || tc->state == TCPS_CLOSED || tc->state == TCPS_TIME_WAIT)
        return;
    if (++tc->retries > TCP_RETRIES2) {
        give_up(ep);
        return;
    }
    NS_COUNT(ep->st, tcp_rto);
    /* Everything outstanding is presumed lost: go back to snd_una in slow
     * start, skipping what the peer SACKed. */
    tc->ssthresh = tc->cc->ssthresh(ep);
    tc->cwnd = tc->mss;
    tc->cwnd_acc = 0;
    tc->in_recovery = false;
    tc->dupacks = 0;
    tc->rtt_timing = false;
    tc->snd_nxt = tc->snd_una;
    tc->rexmit_high = tc->snd_una;
    if (tc->backoff < 16)
        tc->backoff++;
    tcp_output(ep);
    tcp_arm_rexmit(ep);
}

static void delack_fire(struct ns_timer *t)
{
    struct ns_ep *ep = EP_OF(t, delack_t);
    if (ep->tcp.state >= TCPS_ESTABLISHED && ep->tcp.state != TCPS_TIME_WAIT)
        tcp_send_ack(ep);
}

void tcp_arm_delack(struct ns_ep *ep)
{
    if (!ep->tcp.delack_t.armed)
        ns_timer_arm(ep->st, &ep->tcp.delack_t, ep->st->now + TCP_DELACK_MS * NS_MS);
}

void tcp_arm_keepalive(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    if (!ep->keepalive || (tc->state != TCPS_ESTABLISHED && tc->state != TCPS_CLOSE_WAIT)) {
        ns_timer_cancel(&tc->keep_t);
        return;
    }
    uint64_t base = tc->last_rcv ? tc->last_rcv : ep->st->now;
    ns_timer_arm(ep->st, &tc->keep_t, base + (uint64_t)tc->keepidle * NS_SEC);
}

static void keep_fire(struct ns_timer *t)
{
    struct ns_ep *ep = EP_OF(t, keep_t);
    struct tcp_cb *tc = &ep->tcp;
    if (!ep->keepalive || (tc->state != TCPS_ESTABLISHED && tc->state != TCPS_CLOSE_WAIT))
        return;
    uint64_t now = ep->st->now;
    uint64_t idle_at = tc->last_rcv + (uint64_t)tc->keepidle * NS_SEC;
    if (tc->keep_probes == 0 && now < idle_at) {
        ns_timer_arm(ep->st, t, idle_at);
        return;
    }
    if (tc->keep_probes >= tc->keepcnt) {
        give_up(ep);
        return;
    }
    tc->keep_probes++;
    NS_COUNT(ep->st, tcp_keepalive_probes);
    tcp_send_probe(ep);
    ns_timer_arm(ep->st, t, now + (uint64_t)tc->keepintvl * NS_SEC);
}

static void tw_fire(struct ns_timer *t)
{
    struct ns_ep *ep = EP_OF(t, tw_t);
    /* TIME_WAIT over, or an orphan waited too long in FIN_WAIT_2. */
    tcp_set_closed(ep, 0);
}

void tcp_enter_time_wait(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    tcp_set_state(ep, TCPS_TIME_WAIT);
    ns_timer_cancel(&tc->rexmit_t);
    ns_timer_cancel(&tc->keep_t);
    ns_timer_cancel(&tc->delack_t);
    ns_timer_arm(ep->st, &tc->tw_t, ep->st->now + 2ULL * ep->st->msl_ms * NS_MS);
}

void tcp_timers_init(struct ns_ep *ep)
{
    ns_timer_init(&ep->tcp.rexmit_t, rexmit_fire);
    ns_timer_init(&ep->tcp.delack_t, delack_fire);
    ns_timer_init(&ep->tcp.keep_t, keep_fire);
    ns_timer_init(&ep->tcp.tw_t, tw_fire);
}

void tcp_timers_cancel(struct ns_ep *ep)
{
    ns_timer_cancel(&ep->tcp.rexmit_t);
    ns_timer_cancel(&ep->tcp.delack_t);
    ns_timer_cancel(&ep->tcp.keep_t);
    ns_timer_cancel(&ep->tcp.tw_t);
}
