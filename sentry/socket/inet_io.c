/* sentry/socket/inet_io.c: sending and receiving on AF_INET/AF_INET6
 * sockets: the Sentry's blocking loops around the netstack's non-blocking
 * calls, bounce buffers between the app's iovecs and the stack, SIGPIPE. */
#include "sentry/socket/inet_impl.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/xalloc.h"

#ifndef POLLRDHUP
#define POLLRDHUP 0x2000
#endif

#define INET_CHUNK (64 * 1024)
#define INET_DGRAM_MAX 65536

/* The control messages of a datagram: 1 and *o, or 0 when it has no
 * destination at all (sendto reports EDESTADDRREQ before them). */
static int dgram_opts(struct inet_sock *is, struct sock_msg *m, const struct ns_sockaddr *to,
                      struct ns_txopts *o)
{
    struct ns_sockaddr peer;
    int r;

    if (!to) {
        inet_lock_stack();
        r = ns_ep_getpeername(is->ep, &peer);
        inet_unlock();
        if (r < 0)
            return 0;
        to = &peer;
    }
    r = inet_cmsg_send(is, m->ctl, m->ctllen, ns_addr_is_v4(&to->addr), o);
    return r < 0 ? r : 1;
}

static long dgram_send(struct inet_sock *is, struct sock_msg *m, int flags, bool nonblock)
{
    struct ns_sockaddr to, *top = NULL;
    struct ns_txopts opts, *op = NULL;
    size_t len = m->it.left;
    _cleanup_free_ uint8_t *kbuf = NULL;
    bool unspec;
    long n;
    int r;

    if (m->namelen && is->sock.family == AF_INET6 && m->name.ss_family == AF_INET &&
        m->namelen >= sizeof(struct sockaddr_in)) {
        /* udpv6_sendmsg hands a sockaddr_in to IPv4: the netstack keeps
         * IPv4 as ::ffff:a.b.c.d, so that is a v4-mapped destination. */
        if ((r = ns_sockaddr_from_linux(&m->name, sizeof(struct sockaddr_in), &to)))
            return r;
        to.family = AF_INET6;
        top = &to;
    } else if (m->namelen) {
        if ((r = inet_addr_in(is, &m->name, m->namelen, &to, &unspec)))
            return r;
        if (!unspec) /* AF_UNSPEC: as if no address, as Linux */
            top = &to;
    }
    if (len > INET_DGRAM_MAX)
        return -EMSGSIZE;
    if (m->ctllen && (r = dgram_opts(is, m, top, &opts)) < 0)
        return r;
    else if (m->ctllen && r)
        op = &opts;
    kbuf = xrealloc(NULL, len ? len : 1);
    if (sock_iter_in(&m->it, kbuf, len))
        return -EFAULT;
    for (;;) {
        inet_lock_stack();
        n = ns_ep_sendmsg(is->ep, kbuf, len, flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL), top, op);
        inet_unlock();
        if (n != -EAGAIN)
            return n;
        if ((r = inet_wait(is, POLLOUT, nonblock, true)))
            return r;
    }
}

static long stream_send(struct inet_sock *is, struct sock_msg *m, int flags, bool nonblock)
{
    size_t len = m->it.left, sent = 0;
    _cleanup_free_ uint8_t *kbuf =
        xrealloc(NULL, SB_MIN(SB_MAX(len, (size_t)1), (size_t)INET_CHUNK));
    long err = 0;

    do {
        size_t c = SB_MIN(len - sent, (size_t)INET_CHUNK), off = 0;
        if (sock_iter_in(&m->it, kbuf, c)) {
            err = -EFAULT;
            break;
        }
        do {
            long n;
            inet_lock_stack();
            n = ns_ep_sendto(is->ep, kbuf + off, c - off,
                             flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_WAITALL), NULL);
            inet_unlock();
            if (n > 0) {
                off += (size_t)n;
                continue;
            }
            if (n == 0 && c == 0)
                break;
            if (n == -EAGAIN || n == 0) {
                int r = inet_wait(is, POLLOUT, nonblock, true);
                if (!r)
                    continue;
                err = r;
            } else {
                /* Never connected, or listening: tcp_sendmsg's
                 * sk_stream_wait_connect says EPIPE. */
                err = n == -ENOTCONN ? -EPIPE : n;
            }
            sent += off;
            goto out;
        } while (off < c);
        sent += c;
    } while (sent < len);
out:
    if (sent)
        return (long)sent;
    if (err == -EPIPE && !(flags & MSG_NOSIGNAL) && current_task)
        task_signal_self(current_task, SIGPIPE);
    return err;
}

long inet_sendmsg(struct socket *s, struct sock_msg *m, int flags)
{
    struct inet_sock *is = inet_sk(s);
    bool nonblock = sock_nonblock(s) || (flags & MSG_DONTWAIT);

    if (s->type == SOCK_DGRAM)
        return dgram_send(is, m, flags, nonblock);
    return stream_send(is, m, flags, nonblock);
}

static void set_name(struct sock_msg *m, const struct ns_sockaddr *from)
{
    if (!m->want_name)
        return;
    memset(&m->name, 0, sizeof(m->name));
    m->namelen = ns_sockaddr_to_linux(from, &m->name, sizeof(m->name));
}

static long dgram_recv(struct inet_sock *is, struct sock_msg *m, int flags, bool nonblock)
{
    size_t len = m->it.left, klen = SB_MIN(len, (size_t)INET_DGRAM_MAX);
    _cleanup_free_ uint8_t *kbuf = xrealloc(NULL, klen ? klen : 1);
    struct ns_msginfo mi;
    unsigned rx = 0;
    long n;
    int r;

    for (;;) {
        memset(&mi, 0, sizeof(mi));
        inet_lock_stack();
        n = ns_ep_recvfrom(is->ep, kbuf, klen, flags & (MSG_PEEK | MSG_TRUNC), &mi);
        if (n >= 0 && m->want_cmsgs)
            rx = ns_ep_rx_opts(is->ep);
        inet_unlock();
        if (n != -EAGAIN)
            break;
        if ((r = inet_wait(is, POLLIN, nonblock, false)))
            return r;
    }
    if (n < 0)
        return n;
    if (sock_iter_out(&m->it, kbuf, SB_MIN((size_t)n, klen)))
        return -EFAULT;
    m->out_flags |= mi.flags & MSG_TRUNC;
    set_name(m, &mi.from);
    if (m->want_cmsgs)
        inet_cmsg_recv(is, m, &mi, rx);
    return n;
}

static long stream_recv(struct inet_sock *is, struct sock_msg *m, int flags, bool nonblock)
{
    size_t len = m->it.left, copied = 0;
    size_t target = (flags & MSG_WAITALL) && !(flags & MSG_PEEK) ? len : 1;
    _cleanup_free_ uint8_t *kbuf =
        xrealloc(NULL, SB_MIN(SB_MAX(len, (size_t)1), (size_t)INET_CHUNK));
    struct ns_msginfo mi;

    if (flags & MSG_OOB)
        return -EINVAL; /* no urgent data: as Linux with none pending */
    if (!len) {
        /* Still report a socket that cannot read. */
        long n;
        inet_lock_stack();
        n = ns_ep_recvfrom(is->ep, kbuf, 0, flags & MSG_PEEK, &mi);
        inet_unlock();
        return n == -EAGAIN ? 0 : n;
    }
    while (copied < len) {
        size_t c = SB_MIN(len - copied, (size_t)INET_CHUNK);
        long n;
        int r;

        if (!m->it.mm || (flags & MSG_PEEK)) {
            inet_lock_stack();
            n = ns_ep_recvfrom(is->ep, kbuf, c, flags & MSG_PEEK, &mi);
            inet_unlock();
            if (n > 0 && sock_iter_out(&m->it, kbuf, (size_t)n))
                return copied ? (long)copied : -EFAULT;
        } else {
            /* Into the app's memory: peek, copy, then take only what was
             * copied, so a bad buffer loses no data (as Linux). rlock
             * keeps another reader from taking the peeked bytes. */
            size_t before = m->it.left, done;
            pthread_mutex_lock(&is->rlock);
            inet_lock_stack();
            n = ns_ep_recvfrom(is->ep, kbuf, c, MSG_PEEK, &mi);
            inet_unlock();
            if (n > 0) {
                bool fault = sock_iter_out(&m->it, kbuf, (size_t)n) != 0;
                done = before - m->it.left;
                if (done) {
                    inet_lock_stack();
                    (void)ns_ep_recvfrom(is->ep, kbuf, done, 0, &mi);
                    inet_unlock();
                }
                pthread_mutex_unlock(&is->rlock);
                if (fault)
                    return copied + done ? (long)(copied + done) : -EFAULT;
            } else {
                pthread_mutex_unlock(&is->rlock);
            }
        }
        if (n > 0) {
            copied += (size_t)n;
            if (copied >= target || (flags & MSG_PEEK))
                break;
            continue;
        }
        if (n == 0)
            break;
        if (n != -EAGAIN)
            return copied ? (long)copied : n;
        if ((r = inet_wait(is, POLLIN | POLLRDHUP, nonblock, false)))
            return copied ? (long)copied : r;
    }
    if (copied && m->want_cmsgs)
        inet_cmsg_recv(is, m, &mi, 0);
    return (long)copied;
}

long inet_recvmsg(struct socket *s, struct sock_msg *m, int flags)
{
    struct inet_sock *is = inet_sk(s);
    bool nonblock = sock_nonblock(s) || (flags & MSG_DONTWAIT);

    if (s->type == SOCK_DGRAM)
        return dgram_recv(is, m, flags, nonblock);
    return stream_recv(is, m, flags, nonblock);
}
