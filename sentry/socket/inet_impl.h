/* sentry/socket/inet_impl.h: AF_INET/AF_INET6 internals shared by inet.c
 * (the stack, its thread, names, connections, options, readiness) and
 * inet_io.c (send and receive).
 *
 * The sandbox has one netstack (netstack/netstack.h). It has no lock of its
 * own: inet_lock serialises every call on it and on its endpoints. Every
 * endpoint call is followed by ns_stack_process (inet_unlock does it), so
 * loopback packets are delivered before the syscall returns; the inet
 * thread sleeps on inet_cv until ns_stack_next_deadline or a kick and runs
 * the stack's timers. The endpoint's notify callback (made under inet_lock)
 * wakes the socket's wait queue and nothing more.
 *
 * Lock order: inet_sock->rlock -> inet_lock -> waitq locks (an epoll's
 * ready-list lock after). rlock is never held while waiting.
 * A blocked task waits on the socket's waitq with no lock held; its
 * condition takes inet_lock (waitq_add has dropped the waitq lock by then).
 */
#ifndef SB_SENTRY_SOCKET_INET_IMPL_H
#define SB_SENTRY_SOCKET_INET_IMPL_H

#include <pthread.h>

#include "netstack/netstack.h"
#include "sentry/kernel/kernel.h"
#include "sentry/socket/socket.h"

extern pthread_mutex_t inet_lock;
extern struct ns_stack *inet_stack; /* inet_lock */

struct inet_sock {
    struct socket sock;    /* first: a struct socket * is an inet_sock * */
    struct ns_ep *ep;      /* inet_lock */
    struct waitq wq;       /* woken by the endpoint's notify callback */
    pthread_mutex_t rlock; /* one stream reader at a time (peek, copy, take) */
    /* SO_RCVTIMEO / SO_SNDTIMEO: kept here, the Sentry blocks */
    uint64_t rcvtimeo_ns, sndtimeo_ns;
    bool rcvtimeo_zero, sndtimeo_zero;
    /* A connect returned EINPROGRESS (or was interrupted): the next one
     * that finds the connection made reports success once, as Linux. */
    bool connecting;
    /* SO_TIMESTAMP (tstamp), SO_TIMESTAMPNS (and tstamp_ns), their _NEW
     * forms (tstamp_new): sock_flag RCVTSTAMP, RCVTSTAMPNS, TSTAMP_NEW.
     * inet_lock. */
    bool tstamp, tstamp_ns, tstamp_new;
};

static inline struct inet_sock *inet_sk(struct socket *s)
{
    return (struct inet_sock *)s;
}

/* Take the stack lock; inet_unlock runs the stack (loopback delivery,
 * timers), wakes the inet thread if its deadline moved closer, unlocks. */
void inet_lock_stack(void);
void inet_unlock(void);

/* Wait until the endpoint's poll mask has a bit of `mask` (POLLERR and
 * POLLHUP always count): 0, -EAGAIN (non-blocking or timed out),
 * -ERESTARTSYS / -EINTR (signal; EINTR when a timeout is set). */
int inet_wait(struct inet_sock *is, unsigned mask, bool nonblock, bool send);

/* A Linux sockaddr for this socket's family: EINVAL when short,
 * EAFNOSUPPORT for another family; *unspec for AF_UNSPEC. */
int inet_addr_in(struct inet_sock *is, const struct sockaddr_storage *addr, size_t len,
                 struct ns_sockaddr *sa, bool *unspec) SB_MUST_CHECK;

/* sendmsg's control messages for a datagram to an IPv4 (v4dst) or IPv6
 * peer: per-datagram options, or -EINVAL (or another errno) as Linux. */
int inet_cmsg_send(struct inet_sock *is, const uint8_t *ctl, size_t clen, bool v4dst,
                   struct ns_txopts *o) SB_MUST_CHECK;
/* recvmsg's control messages (rx: ns_ep_rx_opts) for a datagram, or for
 * stream data (a timestamp only), into m. Takes inet_lock. */
void inet_cmsg_recv(struct inet_sock *is, struct sock_msg *m, const struct ns_msginfo *mi,
                    unsigned rx);

long inet_sendmsg(struct socket *s, struct sock_msg *m, int flags);
long inet_recvmsg(struct socket *s, struct sock_msg *m, int flags);

#endif
