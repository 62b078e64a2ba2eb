/* netstack/tcp_api.c: the TCP side of the endpoint API: connect, listen,
 * accept, send, recv, shutdown, close, readiness, and the life cycle of a
 * connection's state and references. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "netstack/tcp.h"

int ns_tcp_linux_state(enum ns_tcp_state st)
{
    static const int map[] = {
        [TCPS_CLOSED] = 7,      [TCPS_LISTEN] = 10,     [TCPS_SYN_SENT] = 2,
        [TCPS_SYN_RCVD] = 3,    [TCPS_ESTABLISHED] = 1, [TCPS_FIN_WAIT_1] = 4,
        [TCPS_FIN_WAIT_2] = 5,  [TCPS_CLOSE_WAIT] = 8,  [TCPS_CLOSING] = 11,
        [TCPS_LAST_ACK] = 9,    [TCPS_TIME_WAIT] = 6,
    };
    return map[st];
}

void ns_tcp_init_ep(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    tc->state = TCPS_CLOSED;
    tc->cc = &tcp_cubic; /* Linux's default */
    tc->keepidle = 7200;
    tc->keepintvl = 75;
    tc->keepcnt = 9;
    tc->rto_ms = TCP_INIT_RTO_MS;
    tc->mss = tc->adv_mss = 536;
    tc->quick = 16;
    tcp_timers_init(ep);
    ns_tcp_bufs_changed(ep);
}

/* Ring sizes follow SO_RCVBUF/SO_SNDBUF when set; Linux autotunes when not,
 * and a roomy fixed size stands in for that. */
void ns_tcp_bufs_changed(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    size_t rcv = ep->rcvbuf_set ? (size_t)ep->rcvbuf : TCP_DEFAULT_BUF;
    size_t snd = ep->sndbuf_set ? (size_t)ep->sndbuf : TCP_DEFAULT_BUF;
    if (!tc->rcvq.buf)
        ns_ring_init(&tc->rcvq, rcv);
    else if (tc->state == TCPS_CLOSED || tc->state == TCPS_LISTEN || rcv > tc->rcvq.cap)
        ns_ring_resize(&tc->rcvq, rcv); /* never shrink under an advertised window */
    if (!tc->sndq.buf)
        ns_ring_init(&tc->sndq, snd);
    else
        ns_ring_resize(&tc->sndq, snd);
    tcp_arm_keepalive(ep);
}

uint16_t tcp_mss_for(struct ns_stack *s, const struct ns_addr *dst)
{
    struct ns_nic *nic;
    if (ns_ip_route(s, dst, NULL, &nic) < 0)
        return 536;
    uint32_t hl = ns_addr_is_v4(dst) ? 40 : 60;
    return (uint16_t)SB_MIN(nic->mtu - hl, 65495u);
}

void tcp_set_state(struct ns_ep *ep, enum ns_tcp_state st)
{
    ep->tcp.state = st;
}

static void acceptq_remove(struct ns_ep *lep, struct ns_ep *c)
{
    struct ns_ep **pp = &lep->tcp.acceptq_head;
    struct ns_ep *prev = NULL;
    while (*pp && *pp != c) {
        prev = *pp;
        pp = &(*pp)->aq_next;
    }
    if (!*pp)
        return;
    *pp = c->aq_next;
    if (lep->tcp.acceptq_tail == c)
        lep->tcp.acceptq_tail = prev;
    lep->tcp.acceptq_len--;
    c->aq_next = NULL;
    c->tcp.in_acceptq = false;
}

/* The end of a connection: timers stop, the stack lets go. */
void tcp_set_closed(struct ns_ep *ep, int err)
{
    struct tcp_cb *tc = &ep->tcp;
    enum ns_tcp_state old = tc->state;
    tc->state = TCPS_CLOSED;
    tcp_timers_cancel(ep);
    tc->persist = false;
    if (err)
        ep->so_error = err;
    if (old == TCPS_SYN_RCVD && tc->parent && !tc->in_acceptq) {
        tc->parent->tcp.synq_len--;
        tc->parent = NULL;
    }
    ns_ep_notify(ep);
    if (tc->has_ref) {
        tc->has_ref = false;
        ns_ep_put(ep);
    }
}

void ns_tcp_free(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    tcp_timers_cancel(ep);
    ns_ring_free(&tc->rcvq);
    ns_ring_free(&tc->sndq);
    while (tc->ooo) {
        struct tcp_ooo *o = tc->ooo;
        tc->ooo = o->next;
        free(o);
    }
}

int ns_tcp_listen(struct ns_ep *ep, int backlog)
{
    struct tcp_cb *tc = &ep->tcp;
    if (backlog < 0)
        backlog = 0;
    if (backlog > 4096)
        backlog = 4096; /* somaxconn */
    if (tc->state == TCPS_LISTEN) {
        tc->backlog = backlog;
        return 0;
    }
    if (tc->state != TCPS_CLOSED || ep->connected)
        return -EINVAL;
    if (!ep->bound) {
        int r = ns_ep_alloc_port(ep->st, ep, false);
        if (r < 0)
            return r;
    }
    /* Bind conflicts can appear now that we listen (SO_REUSEADDR). */
    tc->state = TCPS_LISTEN;
    if (ns_ep_check_bind(ep->st, ep, &ep->local.addr, ep->local.port) < 0) {
        tc->state = TCPS_CLOSED;
        return -EADDRINUSE;
    }
    tc->backlog = backlog;
    if (!tc->has_ref) {
        tc->has_ref = true;
        ns_ep_get(ep);
    }
    return 0;
}

int ns_tcp_accept(struct ns_ep *ep, struct ns_ep **out, struct ns_sockaddr *peer)
{
    struct tcp_cb *tc = &ep->tcp;
    if (tc->state != TCPS_LISTEN)
        return -EINVAL;
    struct ns_ep *c = tc->acceptq_head;
    if (!c)
        return -EAGAIN;
    acceptq_remove(ep, c);
    c->tcp.parent = NULL;
    /* The queue's reference becomes the caller's. */
    if (peer) {
        *peer = c->remote;
        peer->family = (uint16_t)c->family;
    }
    *out = c;
    ns_ep_notify(ep);
    return 0;
}

int ns_tcp_connect(struct ns_ep *ep, const struct ns_sockaddr *sa)
{
    struct ns_stack *s = ep->st;
    struct tcp_cb *tc = &ep->tcp;
    switch (tc->state) {
    case TCPS_CLOSED:
        break;
    case TCPS_SYN_SENT:
    case TCPS_SYN_RCVD:
        return -EALREADY;
    case TCPS_LISTEN:
        return -EISCONN;
    default:
        return -EISCONN;
    }
    if (ep->connected && tc->ever_connected && tc->state == TCPS_CLOSED && !ep->so_error)
        return -EISCONN;
    if (sa->family != ep->family)
        return -EAFNOSUPPORT;
    if (!ns_ep_family_ok(ep, &sa->addr))
        return -ENETUNREACH;
    struct ns_addr dst = sa->addr, src;
    if (ns_addr_is_any(&dst))
        ns_addr_parse(ns_addr_is_v4(&dst) ? "127.0.0.1" : "::1", &dst);
    if (ns_addr_is_multicast(&dst) || ns_addr_is_v4_bcast(s, &dst))
        return -ENETUNREACH;
    int r = ns_ip_route(s, &dst, &src, NULL);
    if (r < 0)
        return r;
    if (ns_addr_is_any(&ep->local.addr))
        ep->local.addr = src;
    if (!ep->bound && (r = ns_ep_alloc_port(s, ep, true)) < 0)
        return r;
    for (struct ns_ep *o = s->eps; o; o = o->next)
        if (o != ep && o->protocol == IPPROTO_TCP && o->connected &&
            o->tcp.state != TCPS_CLOSED && o->local.port == ep->local.port &&
            o->remote.port == sa->port && ns_addr_eq(&o->remote.addr, &dst) &&
            ns_addr_eq(&o->local.addr, &ep->local.addr))
            return -EADDRNOTAVAIL;
    ep->remote = *sa;
    ep->remote.addr = dst;
    ep->connected = true;
    ep->so_error = 0;
    tc->ever_connected = true;
    tc->adv_mss = tcp_mss_for(s, &dst);
    tc->iss = (uint32_t)ns_rand(s);
    tc->snd_una = tc->snd_nxt = tc->snd_max = tc->iss;
    tc->ts_off = (uint32_t)ns_rand(s);
    tc->rcv_wscale = TCP_WSCALE; /* offered; dropped if the peer does not */
    tc->retries = tc->backoff = 0;
    tc->rto_ms = TCP_INIT_RTO_MS;
    tc->rtt_timing = true;
    tc->rtt_start = s->now;
    tc->rtt_seq = tc->iss;
    tcp_set_state(ep, TCPS_SYN_SENT);
    if (!tc->has_ref) {
        tc->has_ref = true;
        ns_ep_get(ep);
    }
    NS_COUNT(s, tcp_active_opens);
    tcp_send_syn(ep);
    tcp_arm_rexmit(ep);
    return -EINPROGRESS;
}

ssize_t ns_tcp_send(struct ns_ep *ep, const void *buf, size_t len, int flags)
{
    struct tcp_cb *tc = &ep->tcp;
    if (ep->so_error) {
        int e = ep->so_error;
        ep->so_error = 0;
        return e;
    }
    if (ep->shut_wr || tc->fin_queued)
        return -EPIPE;
    switch (tc->state) {
    case TCPS_ESTABLISHED:
    case TCPS_CLOSE_WAIT:
        break;
    case TCPS_SYN_SENT:
    case TCPS_SYN_RCVD:
        return -EAGAIN;
    case TCPS_CLOSED:
        return tc->ever_connected ? -EPIPE : -ENOTCONN;
    default:
        return ep->connected ? -EPIPE : -ENOTCONN;
    }
    if (len == 0)
        return 0;
    size_t n = ns_ring_write(&tc->sndq, buf, len);
    if (n == 0)
        return -EAGAIN;
    tcp_output(ep);
    return (ssize_t)n;
}

/* After the reader frees space, tell the sender if the window grew a lot
 * (as Linux's tcp_cleanup_rbuf): this is the zero-window update. */
static void maybe_window_update(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    if (tc->state != TCPS_ESTABLISHED && tc->state != TCPS_FIN_WAIT_1 &&
        tc->state != TCPS_FIN_WAIT_2)
        return;
    uint32_t adv_left = SEQ_GT(tc->rcv_wup + tc->rcv_wnd_adv, tc->rcv_nxt)
                            ? tc->rcv_wup + tc->rcv_wnd_adv - tc->rcv_nxt
                            : 0;
    uint32_t now = tcp_rcv_space(ep);
    if (now >= 2 * adv_left && now - adv_left >= tc->adv_mss)
        tcp_send_ack(ep);
}

ssize_t ns_tcp_recv(struct ns_ep *ep, void *buf, size_t len, int flags)
{
    struct tcp_cb *tc = &ep->tcp;
    if (tc->state == TCPS_LISTEN)
        return -ENOTCONN;
    if (tc->rcvq.len && len) {
        size_t n = ns_ring_peek(&tc->rcvq, 0, buf, len);
        if (!(flags & MSG_PEEK)) {
            ns_ring_drop(&tc->rcvq, n);
            maybe_window_update(ep);
            ns_ep_notify(ep);
        }
        return (ssize_t)n;
    }
    if (ep->so_error) {
        int e = ep->so_error;
        ep->so_error = 0;
        return e;
    }
    if (tc->fin_rcvd || ep->shut_rd)
        return 0;
    if (tc->state == TCPS_CLOSED)
        return tc->ever_connected || ep->connected ? 0 : -ENOTCONN;
    if (len == 0)
        return 0;
    return -EAGAIN;
}

static void send_fin(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    if (tc->fin_queued)
        return;
    tc->fin_queued = true;
    if (tc->state == TCPS_ESTABLISHED || tc->state == TCPS_SYN_RCVD)
        tcp_set_state(ep, TCPS_FIN_WAIT_1);
    else if (tc->state == TCPS_CLOSE_WAIT)
        tcp_set_state(ep, TCPS_LAST_ACK);
    tcp_output(ep);
}

int ns_tcp_shutdown(struct ns_ep *ep, int how)
{
    struct tcp_cb *tc = &ep->tcp;
    if (tc->state == TCPS_CLOSED || tc->state == TCPS_LISTEN || tc->state == TCPS_SYN_SENT)
        return -ENOTCONN;
    if (how != SHUT_WR)
        ep->shut_rd = true;
    if (how != SHUT_RD) {
        ep->shut_wr = true;
        send_fin(ep);
    }
    ns_ep_notify(ep);
    return 0;
}

static void abort_children(struct ns_ep *lep)
{
    struct ns_stack *s = lep->st;
    while (lep->tcp.acceptq_head) {
        struct ns_ep *c = lep->tcp.acceptq_head;
        acceptq_remove(lep, c);
        c->tcp.parent = NULL;
        c->user_closed = true;
        if (c->tcp.state != TCPS_CLOSED)
            tcp_send_rst(c);
        tcp_set_closed(c, 0);
        ns_ep_put(c); /* the queue's reference */
    }
    for (struct ns_ep *c = s->eps, *nx; c; c = nx) {
        nx = c->next;
        if (c->protocol == IPPROTO_TCP && c->tcp.parent == lep) {
            c->user_closed = true;
            tcp_send_rst(c);
            tcp_set_closed(c, 0);
        }
    }
}

void ns_tcp_close(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    switch (tc->state) {
    case TCPS_LISTEN:
        abort_children(ep);
        tcp_set_closed(ep, 0);
        return;
    case TCPS_CLOSED:
    case TCPS_SYN_SENT:
        tcp_set_closed(ep, 0);
        return;
    default:
        break;
    }
    /* Unread data, or SO_LINGER with a zero timeout: abort with RST. */
    if (tc->rcvq.len || (ep->linger_on && ep->linger_s == 0)) {
        if (tc->state != TCPS_TIME_WAIT)
            tcp_send_rst(ep);
        tcp_set_closed(ep, 0);
        return;
    }
    ep->shut_wr = ep->shut_rd = true;
    send_fin(ep);
    if (tc->state == TCPS_FIN_WAIT_2 && !tc->tw_t.armed)
        ns_timer_arm(ep->st, &tc->tw_t, ep->st->now + TCP_FIN_TIMEOUT_MS * NS_MS);
}

unsigned ns_tcp_events(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    unsigned ev = 0;
    if (ep->so_error)
        ev |= POLLERR;
    switch (tc->state) {
    case TCPS_LISTEN:
        return ev | (tc->acceptq_head ? POLLIN : 0);
    case TCPS_SYN_SENT:
    case TCPS_SYN_RCVD:
        return ev;
    case TCPS_CLOSED:
        ev |= POLLHUP | POLLOUT;
        if (tc->ever_connected)
            ev |= POLLIN | POLLRDHUP;
        return ev;
    default:
        break;
    }
    if (tc->rcvq.len)
        ev |= POLLIN;
    if (tc->fin_rcvd || ep->shut_rd)
        ev |= POLLIN | POLLRDHUP;
    if ((tc->fin_rcvd || ep->shut_rd) && ep->shut_wr)
        ev |= POLLHUP;
    /* Writable as Linux's sk_stream_is_writeable: free >= queued / 2. */
    size_t free_space = tc->sndq.cap - tc->sndq.len;
    if (ep->shut_wr || (free_space > 0 && free_space >= tc->sndq.len / 2))
        ev |= POLLOUT;
    return ev;
}
