/* netstack/tcp_input.c: TCP segment arrival (RFC 9293 3.10.7): validation,
 * demultiplexing, LISTEN and SYN-SENT processing, then the synchronized
 * states: sequence check, RST, ACK (tcp_ack.c), data and FIN. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "netstack/tcp.h"

void tcp_ack_input(struct ns_ep *ep, const struct tcp_seg *seg);
void tcp_data_input(struct ns_ep *ep, const struct tcp_seg *seg);
bool tcp_fin_input(struct ns_ep *ep, const struct tcp_seg *seg);

static bool csum_ok(const struct ns_pkt *p)
{
    uint32_t sum = ns_csum_pseudo(&p->src, &p->dst, IPPROTO_TCP, (uint32_t)p->len);
    return ns_csum_fold(ns_csum_add(sum, p->data, p->len)) == 0;
}

static bool local_ok(const struct ns_ep *ep, const struct ns_pkt *p)
{
    if (!ns_ep_family_ok(ep, &p->dst))
        return false;
    if (ns_addr_is_any(&ep->local.addr))
        return ep->family == AF_INET6 || ns_addr_is_v4(&p->dst);
    return ns_addr_eq(&ep->local.addr, &p->dst);
}

static struct ns_ep *lookup(struct ns_stack *s, const struct ns_pkt *p, const struct tcp_seg *seg)
{
    struct ns_ep *listener = NULL;
    for (struct ns_ep *ep = s->eps; ep; ep = ep->next) {
        if (ep->protocol != IPPROTO_TCP || ep->local.port != seg->dport)
            continue;
        enum ns_tcp_state st = ep->tcp.state;
        if (st == TCPS_LISTEN) {
            if (local_ok(ep, p) &&
                (!listener || (ns_addr_is_any(&listener->local.addr) &&
                               !ns_addr_is_any(&ep->local.addr))))
                listener = ep;
            continue;
        }
        if (st == TCPS_CLOSED || !ep->connected)
            continue;
        if (ep->remote.port == seg->sport && ns_addr_eq(&ep->remote.addr, &p->src) &&
            ns_addr_eq(&ep->local.addr, &p->dst))
            return ep;
    }
    return listener;
}

static void take_options(struct ns_ep *ep, const struct tcp_seg *seg)
{
    struct tcp_cb *tc = &ep->tcp;
    uint16_t peer_mss = seg->mss > 0 ? (uint16_t)seg->mss : 536;
    tc->mss = SB_MIN(peer_mss, tc->adv_mss);
    if (seg->wscale >= 0) {
        tc->ws_ok = true;
        tc->snd_wscale = (uint8_t)seg->wscale;
        tc->rcv_wscale = TCP_WSCALE;
    } else {
        tc->ws_ok = false;
        tc->snd_wscale = tc->rcv_wscale = 0;
    }
    tc->sack_ok = seg->sack_ok;
    tc->ts_ok = seg->has_ts;
    if (tc->ts_ok) {
        tc->ts_recent = seg->tsval;
        tc->mss -= 12; /* room for the timestamp option in every segment */
    }
    if (tc->mss < 64)
        tc->mss = 64;
    tc->cc->init(ep);
}

/* A SYN reached a listener: a child in SYN-RCVD, answered with a SYN-ACK. */
static void listen_input(struct ns_ep *lep, struct ns_pkt *p, const struct tcp_seg *seg)
{
    struct ns_stack *s = lep->st;
    struct tcp_cb *lt = &lep->tcp;
    if (seg->flags & TH_RST)
        return;
    if (seg->flags & TH_ACK) {
        tcp_reply_rst(s, p, seg);
        return;
    }
    if (!(seg->flags & TH_SYN))
        return;
    /* Linux drops the SYN when the accept queue is over the backlog; the
     * client retries on its own SYN timer. */
    if (lt->acceptq_len > lt->backlog || lt->synq_len >= SB_MAX(lt->backlog, 16) * 2) {
        NS_COUNT(s, tcp_drop_listen_ovf);
        return;
    }
    struct ns_ep *c;
    SB_BUG_ON(ns_ep_new(s, lep->family, SOCK_STREAM, 0, &c) < 0);
    c->refs = 1; /* the stack's reference, not a user's */
    c->tcp.has_ref = true;
    c->local.addr = p->dst;
    c->local.port = seg->dport;
    c->remote.addr = p->src;
    c->remote.port = seg->sport;
    c->bound = c->connected = true;
    c->reuseaddr = lep->reuseaddr;
    c->reuseport = lep->reuseport;
    c->keepalive = lep->keepalive;
    c->v6only = lep->v6only;
    c->ttl = lep->ttl;
    c->tos = lep->tos;
    c->hoplimit = lep->hoplimit;
    c->tclass = lep->tclass;
    c->rxopts = lep->rxopts;
    c->rcvbuf = lep->rcvbuf;
    c->sndbuf = lep->sndbuf;
    c->rcvbuf_set = lep->rcvbuf_set;
    c->sndbuf_set = lep->sndbuf_set;
    c->linger_on = lep->linger_on;
    c->linger_s = lep->linger_s;
    struct tcp_cb *tc = &c->tcp;
    tc->nodelay = lt->nodelay;
    tc->keepidle = lt->keepidle;
    tc->keepintvl = lt->keepintvl;
    tc->keepcnt = lt->keepcnt;
    tc->cc = lt->cc;
    tc->parent = lep;
    ns_tcp_bufs_changed(c);
    tc->adv_mss = tcp_mss_for(s, &p->src);
    tc->irs = seg->seq;
    tc->rcv_nxt = seg->seq + 1;
    tc->rcv_wup = tc->rcv_nxt;
    tc->iss = (uint32_t)ns_rand(s);
    tc->snd_una = tc->snd_nxt = tc->snd_max = tc->iss;
    tc->ts_off = (uint32_t)ns_rand(s);
    tc->snd_wnd = seg->wnd; /* a SYN's window is never scaled */
    tc->snd_wl1 = seg->seq;
    take_options(c, seg);
    tcp_set_state(c, TCPS_SYN_RCVD);
    lt->synq_len++;
    NS_COUNT(s, tcp_passive_opens);
    tcp_send_syn(c);
    tcp_arm_rexmit(c);
}

static void synsent_input(struct ns_ep *ep, struct ns_pkt *p, const struct tcp_seg *seg)
{
    struct tcp_cb *tc = &ep->tcp;
    bool ack = seg->flags & TH_ACK;
    if (ack && (SEQ_LEQ(seg->ack, tc->iss) || SEQ_GT(seg->ack, tc->snd_max))) {
        tcp_reply_rst(ep->st, p, seg);
        return;
    }
    if (seg->flags & TH_RST) {
        if (ack) {
            NS_COUNT(ep->st, tcp_in_rst);
            tcp_set_closed(ep, -ECONNREFUSED);
        }
        return;
    }
    if (!(seg->flags & TH_SYN))
        return;
    tc->irs = seg->seq;
    tc->rcv_nxt = seg->seq + 1;
    tc->rcv_wup = tc->rcv_nxt;
    take_options(ep, seg);
    tc->snd_wnd = seg->wnd;
    tc->snd_wl1 = seg->seq;
    tc->snd_wl2 = seg->ack;
    if (!ack) { /* simultaneous open */
        tcp_set_state(ep, TCPS_SYN_RCVD);
        tcp_send_syn(ep);
        return;
    }
    tc->snd_una = seg->ack;
    tc->max_snd_wnd = tc->snd_wnd;
    if (tc->retries == 0 && tc->rtt_timing)
        tcp_rtt_sample(ep, (uint32_t)((ep->st->now - tc->rtt_start) / 1000));
    tc->rtt_timing = false;
    tc->retries = tc->backoff = 0;
    ns_timer_cancel(&tc->rexmit_t);
    tcp_set_state(ep, TCPS_ESTABLISHED);
    tcp_send_ack(ep);
    tcp_arm_keepalive(ep);
    ns_ep_notify(ep);
    tcp_output(ep);
}

/* RFC 9293 3.10.7.4 first check, with RFC 7323 PAWS. */
static bool seq_acceptable(struct ns_ep *ep, const struct tcp_seg *seg)
{
    struct tcp_cb *tc = &ep->tcp;
    uint32_t wnd = SB_MAX(tcp_rcv_space(ep), tc->rcv_wnd_adv);
    uint32_t end = seg->seq + seg->len;
    if (seg->len == 0) {
        if (wnd == 0)
            return seg->seq == tc->rcv_nxt;
        return SEQ_LEQ(tc->rcv_nxt, seg->seq) && SEQ_LT(seg->seq, tc->rcv_nxt + wnd);
    }
    if (wnd == 0)
        return false;
    return (SEQ_LEQ(tc->rcv_nxt, seg->seq) && SEQ_LT(seg->seq, tc->rcv_nxt + wnd)) ||
           (SEQ_LT(tc->rcv_nxt, end) && SEQ_LEQ(end, tc->rcv_nxt + wnd));
}

static void rst_input(struct ns_ep *ep, const struct tcp_seg *seg)
{
    struct tcp_cb *tc = &ep->tcp;
    if (seg->seq != tc->rcv_nxt) {
        tcp_send_ack(ep); /* RFC 5961 challenge ACK */
        return;
    }
    NS_COUNT(ep->st, tcp_in_rst);
    switch (tc->state) {
    case TCPS_SYN_RCVD:
        tcp_set_closed(ep, tc->parent ? 0 : -ECONNREFUSED);
        return;
    case TCPS_ESTABLISHED:
    case TCPS_FIN_WAIT_1:
    case TCPS_FIN_WAIT_2:
    case TCPS_CLOSE_WAIT:
        tcp_set_closed(ep, -ECONNRESET);
        return;
    default:
        tcp_set_closed(ep, 0);
    }
}

static void sync_input(struct ns_ep *ep, const struct tcp_seg *seg)
{
    struct tcp_cb *tc = &ep->tcp;
    if (tc->ts_ok && seg->has_ts && !(seg->flags & TH_RST) &&
        (int32_t)(seg->tsval - tc->ts_recent) < 0) {
        NS_COUNT(ep->st, tcp_drop_paws);
        tcp_send_ack(ep);
        return;
    }
    if (!seq_acceptable(ep, seg)) {
        NS_COUNT(ep->st, tcp_drop_badseg);
        if (!(seg->flags & TH_RST))
            tcp_send_ack(ep);
        return;
    }
    if (seg->flags & TH_RST) {
        rst_input(ep, seg);
        return;
    }
    if (seg->flags & TH_SYN) {
        tcp_send_ack(ep); /* RFC 5961: challenge, do not reset */
        return;
    }
    if (!(seg->flags & TH_ACK))
        return;
    /* RFC 7323: remember the newest timestamp of an in-order segment. */
    if (tc->ts_ok && seg->has_ts && SEQ_LEQ(seg->seq, tc->last_ack_sent))
        tc->ts_recent = seg->tsval;
    tc->last_rcv = ep->st->now;
    tc->keep_probes = 0;
    tcp_ack_input(ep, seg);
    if (tc->state == TCPS_CLOSED || tc->state == TCPS_LISTEN)
        return;
    if (seg->dlen)
        tcp_data_input(ep, seg);
    if (tc->state != TCPS_CLOSED && (seg->flags & TH_FIN))
        tcp_fin_input(ep, seg);
    if (tc->state != TCPS_CLOSED)
        tcp_output(ep);
}

void ns_tcp_input(struct ns_stack *s, struct ns_pkt *p)
{
    struct tcp_seg seg;
    int why;
    NS_COUNT(s, tcp_in);
    if (!tcp_parse(p->data, p->len, &seg, &why)) {
        if (why == 1)
            NS_COUNT(s, tcp_drop_short);
        else if (why == 2)
            NS_COUNT(s, tcp_drop_doff);
        else
            NS_COUNT(s, tcp_drop_opts);
        goto out;
    }
    if (!csum_ok(p)) {
        NS_COUNT(s, tcp_drop_csum);
        goto out;
    }
    /* TCP is unicast only. */
    if (ns_addr_is_multicast(&p->dst) || ns_addr_is_v4_bcast(s, &p->dst))
        goto out;
    struct ns_ep *ep = lookup(s, p, &seg);
    if (!ep) {
        NS_COUNT(s, tcp_drop_noport);
        tcp_reply_rst(s, p, &seg);
        goto out;
    }
    ns_ep_get(ep); /* it may close under us */
    switch (ep->tcp.state) {
    case TCPS_LISTEN:
        listen_input(ep, p, &seg);
        break;
    case TCPS_SYN_SENT:
        synsent_input(ep, p, &seg);
        break;
    default:
        sync_input(ep, &seg);
    }
    ns_ep_put(ep);
out:
    ns_pkt_put(p);
}
