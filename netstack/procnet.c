/* netstack/procnet.c: /proc/net/{tcp,tcp6,udp,udp6} in Linux's format. */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netstack/tcp.h"

struct out {
    char *buf;
    size_t len, pos;
};

static void emit(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->pos < o->len ? o->len - o->pos : 0;
    int n = vsnprintf(room ? o->buf + o->pos : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->pos += (size_t)n;
}

/* Addresses are printed as the kernel's in-memory words: each 32-bit word
 * of network-order bytes shown as a host-order (little-endian) hex number. */
static void emit_addr(struct out *o, const struct ns_addr *a, uint16_t port, bool v6)
{
    const uint8_t *b = v6 ? a->b : a->b + 12;
    for (int w = 0; w < (v6 ? 4 : 1); w++)
        emit(o, "%02X%02X%02X%02X", b[4 * w + 3], b[4 * w + 2], b[4 * w + 1], b[4 * w]);
    emit(o, ":%04X", port);
}

static bool wanted(const struct ns_ep *ep, bool tcp, bool v6)
{
    if ((ep->type == SOCK_STREAM) != tcp)
        return false;
    if (tcp && ep->tcp.state == TCPS_CLOSED)
        return false;
    if (!tcp && !ep->bound)
        return false;
    return (ep->family == AF_INET6) == v6;
}

size_t ns_procnet_render(struct ns_stack *s, enum ns_procnet which, char *buf, size_t len)
{
    struct out o = {.buf = buf, .len = len};
    bool tcp = which == NS_PROC_TCP || which == NS_PROC_TCP6;
    bool v6 = which == NS_PROC_TCP6 || which == NS_PROC_UDP6;
    if (v6)
        emit(&o, tcp ? "  sl  local_address                         remote_address                        "
                       "st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                     : "  sl  local_address                         remote_address                        "
                       "st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer "
                       "drops\n");
    else if (tcp)
        emit(&o, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid "
                 " timeout inode                                                     \n");
    else
        emit(&o, "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   "
                 "uid  timeout inode ref pointer drops             \n");
    /* Oldest first, as sockets appear in the kernel's hash walk order. */
    struct ns_ep *last = s->eps;
    while (last && last->next)
        last = last->next;
    int sl = 0;
    for (struct ns_ep *ep = last; ep; ep = ep->prev) {
        if (!wanted(ep, tcp, v6))
            continue;
        struct ns_addr raddr = ep->remote.addr;
        uint16_t rport = ep->connected ? ep->remote.port : 0;
        if (!ep->connected || (tcp && ep->tcp.state == TCPS_LISTEN))
            memset(&raddr, 0, sizeof(raddr)), ns_addr_v4(&raddr, 0);
        if (v6 && !ep->connected)
            memset(&raddr, 0, sizeof(raddr));
        emit(&o, tcp || v6 ? "%4d: " : "%5d: ", sl++);
        emit_addr(&o, &ep->local.addr, ep->local.port, v6);
        emit(&o, " ");
        emit_addr(&o, &raddr, rport, v6);
        int st = tcp ? ns_tcp_linux_state(ep->tcp.state) : (ep->connected ? 1 : 7);
        size_t txq = tcp ? ep->tcp.sndq.len : 0;
        size_t rxq = tcp ? (ep->tcp.state == TCPS_LISTEN ? (size_t)ep->tcp.acceptq_len
                                                          : ep->tcp.rcvq.len)
                         : ep->uq_bytes;
        int tr = 0;
        if (tcp && ep->tcp.rexmit_t.armed)
            tr = ep->tcp.persist ? 4 : 1;
        else if (tcp && ep->tcp.tw_t.armed)
            tr = 3;
        else if (tcp && ep->tcp.keep_t.armed)
            tr = 2;
        emit(&o, " %02X %08zX:%08zX %02X:%08X %08X %5u %8d %lu", st, txq, rxq, tr, 0,
             tcp ? (unsigned)ep->tcp.retries : 0u, ep->owner_uid, 0, ep->owner_ino);
        if (tcp)
            emit(&o, " 1 0000000000000000 %u 4 30 10 -1\n", ep->tcp.rto_ms / 10);
        else
            emit(&o, " 2 0000000000000000 0\n");
    }
    return o.pos;
}
