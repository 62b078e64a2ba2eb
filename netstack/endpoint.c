/* netstack/endpoint.c: the endpoint API shared by UDP and TCP: life cycle,
 * binding and port allocation, names, readiness. Options are in sockopt.c. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "netstack/ns_impl.h"

#define EPHEMERAL_LO 32768
#define EPHEMERAL_HI 60999

static bool is_tcp(const struct ns_ep *ep)
{
    return ep->type == SOCK_STREAM;
}

int ns_ep_new(struct ns_stack *s, int family, int type, int protocol, struct ns_ep **out)
{
    if (family != AF_INET && family != AF_INET6)
        return -EAFNOSUPPORT;
    if (type == SOCK_STREAM) {
        if (protocol != 0 && protocol != IPPROTO_TCP)
            return -EPROTONOSUPPORT;
        protocol = IPPROTO_TCP;
    } else if (type == SOCK_DGRAM) {
        if (protocol != 0 && protocol != IPPROTO_UDP)
            return -EPROTONOSUPPORT;
        protocol = IPPROTO_UDP;
    } else {
        return -ESOCKTNOSUPPORT;
    }
    struct ns_ep *ep = xzalloc(sizeof(*ep));
    ep->st = s;
    ep->refs = 1;
    ep->family = family;
    ep->type = type;
    ep->protocol = protocol;
    ep->local.family = ep->remote.family = (uint16_t)family;
    if (family == AF_INET) {
        ns_addr_v4(&ep->local.addr, 0);
        ns_addr_v4(&ep->remote.addr, 0);
    }
    ep->ttl = ep->tos = ep->hoplimit = ep->tclass = -1;
    /* What Linux reports before anyone sets them. */
    ep->rcvbuf = is_tcp(ep) ? 131072 : 212992;
    ep->sndbuf = is_tcp(ep) ? 16384 : 212992;
    ep->next = s->eps;
    if (s->eps)
        s->eps->prev = ep;
    s->eps = ep;
    ep->in_stack = true;
    if (is_tcp(ep))
        ns_tcp_init_ep(ep);
    *out = ep;
    return 0;
}

void ns_ep_get(struct ns_ep *ep)
{
    ep->refs++;
}

void ns_ep_unlink(struct ns_ep *ep)
{
    struct ns_stack *s = ep->st;
    if (!ep->in_stack)
        return;
    if (ep->prev)
        ep->prev->next = ep->next;
    else
        s->eps = ep->next;
    if (ep->next)
        ep->next->prev = ep->prev;
    ep->next = ep->prev = NULL;
    ep->in_stack = false;
}

void ns_ep_put(struct ns_ep *ep)
{
    SB_BUG_ON(ep->refs <= 0);
    if (--ep->refs)
        return;
    ns_ep_unlink(ep);
    if (is_tcp(ep))
        ns_tcp_free(ep);
    else
        ns_udp_close(ep);
    free(ep);
}

void ns_ep_close(struct ns_ep *ep)
{
    ep->user_closed = true;
    ep->notify = NULL;
    if (is_tcp(ep))
        ns_tcp_close(ep);
    else
        ns_udp_close(ep);
    ns_ep_put(ep);
}

unsigned ns_ep_events(struct ns_ep *ep)
{
    return is_tcp(ep) ? ns_tcp_events(ep) : ns_udp_events(ep);
}

void ns_ep_set_notify(struct ns_ep *ep, void (*fn)(void *arg, unsigned events), void *arg)
{
    ep->notify = fn;
    ep->notify_arg = arg;
}

void ns_ep_set_owner(struct ns_ep *ep, uint32_t uid, unsigned long ino)
{
    ep->owner_uid = uid;
    ep->owner_ino = ino;
}

void ns_ep_notify(struct ns_ep *ep)
{
    if (ep->notify)
        ep->notify(ep->notify_arg, ns_ep_events(ep));
}

/* May an address of this family be used on this endpoint? */
bool ns_ep_family_ok(const struct ns_ep *ep, const struct ns_addr *a)
{
    if (ep->family == AF_INET)
        return ns_addr_is_v4(a);
    return !(ep->v6only && ns_addr_is_v4(a));
}

/* Does wildcard-or-address a of endpoint e reach address b? */
static bool covers(const struct ns_ep *e, const struct ns_addr *a, const struct ns_ep *o,
                   const struct ns_addr *b)
{
    if (ns_addr_eq(a, b))
        return true;
    if (!ns_addr_is_any(a))
        return false;
    if (ns_addr_is_v4(a)) /* 0.0.0.0 */
        return ns_addr_is_v4(b) || (ns_addr_is_any(b) && !o->v6only && o->family == AF_INET6);
    return e->v6only ? !ns_addr_is_v4(b) : true;
}

static bool ep_conflicts(const struct ns_ep *ep, const struct ns_addr *a, const struct ns_ep *o)
{
    if (!covers(ep, a, o, &o->local.addr) && !covers(o, &o->local.addr, ep, a))
        return false;
    if (ep->reuseport && o->reuseport)
        return false;
    if (is_tcp(ep) && o->tcp.state == TCPS_TIME_WAIT && ep->reuseaddr)
        return false;
    if (ep->reuseaddr && o->reuseaddr) {
        if (!is_tcp(ep))
            return false;
        if (ep->tcp.state != TCPS_LISTEN && o->tcp.state != TCPS_LISTEN)
            return false;
    }
    return true;
}

int ns_ep_check_bind(struct ns_stack *s, struct ns_ep *ep, const struct ns_addr *a, uint16_t port)
{
    for (struct ns_ep *o = s->eps; o; o = o->next) {
        if (o == ep || !o->bound || o->protocol != ep->protocol || o->local.port != port)
            continue;
        if (is_tcp(o) && o->tcp.state == TCPS_CLOSED && !o->connected && o->user_closed)
            continue;
        if (ep_conflicts(ep, a, o))
            return -EADDRINUSE;
    }
    return 0;
}

/* Linux hands bind(0) odd ports first and connect() even ones, from a
 * random start, so the two rarely collide. */
int ns_ep_alloc_port(struct ns_stack *s, struct ns_ep *ep, bool for_connect)
{
    uint32_t n = EPHEMERAL_HI - EPHEMERAL_LO + 1;
    uint32_t off = (uint32_t)(ns_rand(s) % n);
    for (int pass = 0; pass < 2; pass++) {
        bool want_odd = (pass == 0) != for_connect;
        for (uint32_t i = 0; i < n; i++) {
            uint16_t port = (uint16_t)(EPHEMERAL_LO + (off + i) % n);
            if ((port & 1) != want_odd)
                continue;
            if (ns_ep_check_bind(s, ep, &ep->local.addr, port) == 0) {
                ep->local.port = port;
                ep->bound = true;
                return 0;
            }
        }
    }
    return -EADDRINUSE;
}

int ns_ep_bind(struct ns_ep *ep, const struct ns_sockaddr *sa)
{
    struct ns_stack *s = ep->st;
    if (ep->bound)
        return -EINVAL;
    if (sa->family != ep->family)
        return ep->family == AF_INET ? -EAFNOSUPPORT : -EINVAL;
    if (!ns_ep_family_ok(ep, &sa->addr))
        return -EINVAL;
    const struct ns_addr *a = &sa->addr;
    if (!ns_addr_is_any(a) && !ns_addr_is_local(s, a) && !ns_addr_is_multicast(a) &&
        !ns_addr_is_v4_bcast(s, a))
        return -EADDRNOTAVAIL;
    if (sa->port && ns_ep_check_bind(s, ep, a, sa->port) < 0)
        return -EADDRINUSE;
    ep->local.addr = *a;
    if (!sa->port)
        return ns_ep_alloc_port(s, ep, false);
    ep->local.port = sa->port;
    ep->bound = true;
    return 0;
}

int ns_ep_listen(struct ns_ep *ep, int backlog)
{
    if (!is_tcp(ep))
        return -EOPNOTSUPP;
    return ns_tcp_listen(ep, backlog);
}

int ns_ep_accept(struct ns_ep *ep, struct ns_ep **out, struct ns_sockaddr *peer)
{
    if (!is_tcp(ep))
        return -EOPNOTSUPP;
    return ns_tcp_accept(ep, out, peer);
}

int ns_ep_connect(struct ns_ep *ep, const struct ns_sockaddr *sa)
{
    if (is_tcp(ep))
        return ns_tcp_connect(ep, sa);
    /* UDP: AF_UNSPEC dissolves the association. */
    if (sa->family == AF_UNSPEC) {
        ep->connected = false;
        memset(&ep->remote.addr, 0, sizeof(ep->remote.addr));
        if (ep->family == AF_INET)
            ns_addr_v4(&ep->remote.addr, 0);
        ep->remote.port = 0;
        return 0;
    }
    if (sa->family != ep->family || !ns_ep_family_ok(ep, &sa->addr))
        return -EAFNOSUPPORT;
    if (!sa->port)
        return -EINVAL;
    struct ns_addr dst = sa->addr, src;
    if (ns_addr_is_any(&dst)) /* as Linux: the unspecified address is loopback */
        ns_addr_parse(ns_addr_is_v4(&dst) ? "127.0.0.1" : "::1", &dst);
    int r = ns_ip_route(ep->st, &dst, &src, NULL);
    if (r < 0)
        return r;
    if (ns_addr_is_any(&ep->local.addr) && !ep->bound)
        ep->local.addr = src;
    if (!ep->bound && (r = ns_ep_alloc_port(ep->st, ep, true)) < 0)
        return r;
    ep->remote = *sa;
    ep->remote.addr = dst;
    ep->connected = true;
    ep->so_error = 0;
    return 0;
}

int ns_ep_shutdown(struct ns_ep *ep, int how)
{
    if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
        return -EINVAL;
    if (is_tcp(ep))
        return ns_tcp_shutdown(ep, how);
    if (!ep->connected)
        return -ENOTCONN;
    if (how != SHUT_WR)
        ep->shut_rd = true;
    if (how != SHUT_RD)
        ep->shut_wr = true;
    ns_ep_notify(ep);
    return 0;
}

int ns_ep_getsockname(struct ns_ep *ep, struct ns_sockaddr *sa)
{
    *sa = ep->local;
    sa->family = (uint16_t)ep->family;
    return 0;
}

int ns_ep_getpeername(struct ns_ep *ep, struct ns_sockaddr *sa)
{
    if (!ep->connected)
        return -ENOTCONN;
    if (is_tcp(ep) && ep->tcp.state != TCPS_ESTABLISHED && ep->tcp.state != TCPS_CLOSE_WAIT &&
        ep->tcp.state != TCPS_FIN_WAIT_1 && ep->tcp.state != TCPS_FIN_WAIT_2 &&
        ep->tcp.state != TCPS_CLOSING && ep->tcp.state != TCPS_LAST_ACK &&
        ep->tcp.state != TCPS_TIME_WAIT)
        return -ENOTCONN;
    *sa = ep->remote;
    sa->family = (uint16_t)ep->family;
    return 0;
}

ssize_t ns_ep_sendto(struct ns_ep *ep, const void *buf, size_t len, int flags,
                     const struct ns_sockaddr *to)
{
    return ns_ep_sendmsg(ep, buf, len, flags, to, NULL);
}

ssize_t ns_ep_sendmsg(struct ns_ep *ep, const void *buf, size_t len, int flags,
                      const struct ns_sockaddr *to, const struct ns_txopts *o)
{
    if (is_tcp(ep))
        return ns_tcp_send(ep, buf, len, flags);
    return ns_udp_sendto(ep, buf, len, flags, to, o);
}

unsigned ns_ep_rx_opts(const struct ns_ep *ep)
{
    return ep->rxopts;
}

ssize_t ns_ep_recvfrom(struct ns_ep *ep, void *buf, size_t len, int flags, struct ns_msginfo *mi)
{
    if (mi)
        memset(mi, 0, sizeof(*mi));
    if (is_tcp(ep)) {
        ssize_t r = ns_tcp_recv(ep, buf, len, flags);
        if (r >= 0 && mi) {
            mi->from = ep->remote;
            mi->from.family = (uint16_t)ep->family;
            mi->full_len = (size_t)r;
            mi->stamp_ns = ep->tcp.rx_stamp;
        }
        return r;
    }
    return ns_udp_recvfrom(ep, buf, len, flags, mi);
}

int ns_ep_readable_bytes(struct ns_ep *ep)
{
    if (is_tcp(ep))
        return ep->tcp.state == TCPS_LISTEN ? -EINVAL : (int)ep->tcp.rcvq.len;
    return ep->uq_head ? (int)ep->uq_head->len : 0;
}

int ns_ep_tcp_state(struct ns_ep *ep)
{
    return is_tcp(ep) ? ns_tcp_linux_state(ep->tcp.state) : 0;
}
