/* sentry/socket/inet.c: AF_INET and AF_INET6 sockets on the sandbox's
 * netstack: the stack and its thread, creation, names, connections,
 * options, readiness and release. Messages are in inet_io.c.
 *
 * Loopback only (--network=none): the stack has "lo" and nothing else.
 * SOCK_RAW is refused with EPERM, as Linux and gVisor refuse it without
 * CAP_NET_RAW (the sandbox does not grant raw sockets to anyone). */
#include "sentry/socket/inet_impl.h"

#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "lib/xalloc.h"

#ifndef POLLRDHUP
#define POLLRDHUP 0x2000
#endif
#ifndef SO_RCVTIMEO_NEW
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#endif
#define SO_RCVTIMEO_OLD_ 20
#define SO_SNDTIMEO_OLD_ 21

pthread_mutex_t inet_lock = PTHREAD_MUTEX_INITIALIZER;
struct ns_stack *inet_stack;
static pthread_cond_t inet_cv;
static uint64_t thread_until = UINT64_MAX; /* inet_lock: when the thread wakes */

static const struct sock_ops inet_ops;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void inet_lock_stack(void)
{
    pthread_mutex_lock(&inet_lock);
}

void inet_unlock(void)
{
    uint64_t d;

    ns_stack_process(inet_stack, now_ns());
    d = ns_stack_next_deadline(inet_stack);
    if (d < thread_until) {
        thread_until = d;
        pthread_cond_signal(&inet_cv);
    }
    pthread_mutex_unlock(&inet_lock);
}

/* Packets queued by an endpoint call are delivered by the inet_unlock that
 * follows every call, so a kick needs no thread wake-up of its own. */
static void stack_kick(void *arg)
{
    (void)arg;
}

/* The stack's clock: sleep until the next deadline (or a closer one set by
 * inet_unlock), then run what is due. */
static void *inet_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&inet_lock);
    for (;;) {
        uint64_t now = now_ns(), d;
        ns_stack_process(inet_stack, now);
        d = ns_stack_next_deadline(inet_stack);
        thread_until = d;
        if (d == UINT64_MAX) {
            pthread_cond_wait(&inet_cv, &inet_lock);
        } else if (d > now) {
            struct timespec ts = {(time_t)(d / 1000000000ull), (long)(d % 1000000000ull)};
            pthread_cond_timedwait(&inet_cv, &inet_lock, &ts);
        }
    }
    return NULL;
}

static int inet_create(int type, int protocol, bool kern, struct socket **out);
static int inet6_create(int type, int protocol, bool kern, struct socket **out);

int inet_init(void)
{
    struct ns_stack_cfg cfg = {.kick = stack_kick};
    pthread_condattr_t ca;
    pthread_t th;
    int r;

    cfg.seed = now_ns() ^ 0x5deece66dull;
    if ((r = ns_stack_new(&cfg, now_ns(), &inet_stack)))
        return r;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&inet_cv, &ca);
    pthread_condattr_destroy(&ca);
    if ((r = pthread_create(&th, NULL, inet_main, NULL))) {
        ns_stack_free(inet_stack);
        inet_stack = NULL;
        return -r;
    }
    pthread_detach(th);
    sock_family_register(AF_INET, inet_create);
    sock_family_register(AF_INET6, inet6_create);
    return 0;
}

size_t inet_proc_net(int which, char *buf, size_t len)
{
    size_t n;

    if (!inet_stack)
        return 0;
    pthread_mutex_lock(&inet_lock);
    n = ns_procnet_render(inet_stack, (enum ns_procnet)which, buf, len);
    pthread_mutex_unlock(&inet_lock);
    return n;
}

void inet_lo_stats(uint64_t *rx_pkts, uint64_t *tx_pkts)
{
    const struct ns_stats *st;

    *rx_pkts = *tx_pkts = 0;
    if (!inet_stack)
        return;
    pthread_mutex_lock(&inet_lock);
    st = ns_stack_stats(inet_stack);
    *rx_pkts = st->ip4_in + st->ip6_in;
    *tx_pkts = st->ip4_out + st->ip6_out;
    pthread_mutex_unlock(&inet_lock);
}

/* ---- sockets ---- */

static void on_notify(void *arg, unsigned events)
{
    struct inet_sock *is = arg;

    (void)events;
    waitq_wake_all(&is->wq);
}

static struct inet_sock *wrap(int family, int type, int protocol, struct ns_ep *ep)
{
    struct inet_sock *is = xzalloc(sizeof(*is));

    is->sock.family = family;
    is->sock.type = type;
    is->sock.protocol = protocol;
    is->sock.ops = &inet_ops;
    is->sock.ino = sock_new_ino();
    is->ep = ep;
    waitq_init(&is->wq);
    pthread_mutex_init(&is->rlock, NULL);
    ns_ep_set_notify(ep, on_notify, is); /* inet_lock held by the caller */
    ns_ep_set_owner(ep, current_task ? current_task->cred.fsuid : 0, (unsigned long)is->sock.ino);
    return is;
}

static int create(int family, int type, int protocol, struct socket **out)
{
    struct ns_ep *ep;
    int r;

    if (type == SOCK_RAW)
        return -EPERM; /* no CAP_NET_RAW for anyone in the sandbox */
    if (type != SOCK_STREAM && type != SOCK_DGRAM)
        return -ESOCKTNOSUPPORT;
    if (protocol == 0)
        protocol = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    if (protocol != (type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP))
        return -EPROTONOSUPPORT;
    inet_lock_stack();
    r = ns_ep_new(inet_stack, family, type, protocol, &ep);
    if (!r)
        *out = &wrap(family, type, protocol, ep)->sock;
    inet_unlock();
    return r;
}

static int inet_create(int type, int protocol, bool kern, struct socket **out)
{
    (void)kern;
    return create(AF_INET, type, protocol, out);
}

static int inet6_create(int type, int protocol, bool kern, struct socket **out)
{
    (void)kern;
    return create(AF_INET6, type, protocol, out);
}

/* ---- waiting ---- */

struct wait_arg {
    struct inet_sock *is;
    unsigned mask;
};

static bool ready(void *arg)
{
    struct wait_arg *w = arg;
    unsigned ev;

    pthread_mutex_lock(&inet_lock);
    ev = ns_ep_events(w->is->ep);
    pthread_mutex_unlock(&inet_lock);
    return ev & (w->mask | POLLERR | POLLHUP);
}

int inet_wait(struct inet_sock *is, unsigned mask, bool nonblock, bool send)
{
    struct wait_arg w = {is, mask};
    struct timespec buf;
    const struct timespec *dl;
    int r;

    if (send ? is->sndtimeo_zero : is->rcvtimeo_zero)
        nonblock = true;
    if (nonblock || !current_task)
        return -EAGAIN;
    dl = sock_deadline(send ? is->sndtimeo_ns : is->rcvtimeo_ns, &buf);
    r = task_wait_event(current_task, &is->wq, ready, &w, dl);
    if (r == -ETIMEDOUT)
        return -EAGAIN;
    if (r == -ERESTARTSYS && dl)
        return -EINTR; /* a timeout set: no restart, as Linux */
    return r;
}

/* ---- names ---- */

/* A Linux sockaddr for this socket's family: EINVAL when short,
 * EAFNOSUPPORT for another family (AF_UNSPEC: *unspec). */
int inet_addr_in(struct inet_sock *is, const struct sockaddr_storage *addr, size_t len,
                 struct ns_sockaddr *sa, bool *unspec)
{
    struct sockaddr_storage tmp;

    *unspec = false;
    if (len < sizeof(sa_family_t))
        return -EINVAL;
    memset(&tmp, 0, sizeof(tmp));
    memcpy(&tmp, addr, SB_MIN(len, sizeof(tmp)));
    if (is->sock.family == AF_INET) {
        if (len < sizeof(struct sockaddr_in))
            return -EINVAL;
        if (tmp.ss_family == AF_UNSPEC)
            *unspec = true;
        else if (tmp.ss_family != AF_INET)
            return -EAFNOSUPPORT;
        tmp.ss_family = AF_INET;
        return ns_sockaddr_from_linux(&tmp, sizeof(struct sockaddr_in), sa);
    }
    if (len < 24 /* SIN6_LEN_RFC2133 */)
        return -EINVAL;
    if (tmp.ss_family == AF_UNSPEC)
        *unspec = true;
    else if (tmp.ss_family != AF_INET6)
        return -EAFNOSUPPORT;
    tmp.ss_family = AF_INET6;
    return ns_sockaddr_from_linux(&tmp, sizeof(struct sockaddr_in6), sa);
}

static int i_bind(struct socket *s, const struct sockaddr_storage *addr, size_t len)
{
    struct inet_sock *is = inet_sk(s);
    struct ns_sockaddr sa;
    bool unspec;
    int r;

    if ((r = inet_addr_in(is, addr, len, &sa, &unspec)))
        return r;
    if (unspec) {
        /* Linux takes AF_UNSPEC as AF_INET for INADDR_ANY only. */
        const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
        if (s->family != AF_INET || in->sin_addr.s_addr != htonl(INADDR_ANY))
            return -EAFNOSUPPORT;
    }
    inet_lock_stack();
    r = ns_ep_bind(is->ep, &sa);
    inet_unlock();
    return r;
}

static int i_getname(struct socket *s, struct sockaddr_storage *addr, size_t *len, bool peer)
{
    struct inet_sock *is = inet_sk(s);
    struct ns_sockaddr sa;
    int r;

    inet_lock_stack();
    r = peer ? ns_ep_getpeername(is->ep, &sa) : ns_ep_getsockname(is->ep, &sa);
    inet_unlock();
    if (r)
        return r;
    memset(addr, 0, sizeof(*addr));
    *len = ns_sockaddr_to_linux(&sa, addr, sizeof(*addr));
    return 0;
}

static int i_listen(struct socket *s, int backlog)
{
    struct inet_sock *is = inet_sk(s);
    int r;

    if (s->type != SOCK_STREAM)
        return -EOPNOTSUPP;
    inet_lock_stack();
    r = ns_ep_listen(is->ep, backlog);
    inet_unlock();
    return r;
}

static int i_accept(struct socket *s, struct socket **out, bool nonblock)
{
    struct inet_sock *is = inet_sk(s);
    struct ns_sockaddr peer;
    struct ns_ep *n;
    int r;

    if (s->type != SOCK_STREAM)
        return -EOPNOTSUPP;
    for (;;) {
        inet_lock_stack();
        r = ns_ep_accept(is->ep, &n, &peer);
        if (!r)
            *out = &wrap(s->family, s->type, s->protocol, n)->sock;
        inet_unlock();
        if (r != -EAGAIN)
            return r;
        if ((r = inet_wait(is, POLLIN, nonblock, false)))
            return r;
    }
}

static int sock_error(struct inet_sock *is)
{
    int err = 0;
    size_t len = sizeof(err);

    if (ns_ep_getsockopt(is->ep, SOL_SOCKET, SO_ERROR, &err, &len))
        return 0;
    return err;
}

static int i_connect(struct socket *s, const struct sockaddr_storage *addr, size_t len)
{
    struct inet_sock *is = inet_sk(s);
    struct ns_sockaddr sa;
    bool unspec;
    int r, err;

    if ((r = inet_addr_in(is, addr, len, &sa, &unspec)))
        return r;
    if (unspec)
        sa.family = AF_UNSPEC;
    inet_lock_stack();
    r = ns_ep_connect(is->ep, &sa);
    if (s->type == SOCK_STREAM && is->connecting && r != -EALREADY) {
        is->connecting = false;
        if (r == -EISCONN)
            r = 0;
    }
    if (r == -EINPROGRESS || r == -EALREADY)
        is->connecting = true;
    inet_unlock();
    if ((r != -EINPROGRESS && r != -EALREADY) || s->type != SOCK_STREAM)
        return r;
    /* A blocking connect while one is in progress waits for it (Linux);
     * a non-blocking one says EALREADY. */
    if (r == -EALREADY && sock_nonblock(s))
        return r;
    r = inet_wait(is, POLLOUT, sock_nonblock(s), true);
    if (r == -EAGAIN)
        return -EINPROGRESS;
    if (r)
        return r;
    inet_lock_stack();
    is->connecting = false;
    err = sock_error(is);
    if (!err && ns_ep_tcp_state(is->ep) != TCP_ESTABLISHED &&
        ns_ep_tcp_state(is->ep) != TCP_CLOSE_WAIT)
        err = ECONNREFUSED;
    inet_unlock();
    return -err;
}

/* shutdown(SHUT_RD) of a listener: Linux disconnects it (tcp_disconnect):
 * it stops listening, its queue is dropped, blocked accepts get EINVAL,
 * and it keeps the port it was bound to. The netstack has no such call, so
 * the endpoint is replaced by a fresh one bound to the same address
 * (inet_lock held). */
static void listener_disconnect(struct inet_sock *is)
{
    struct ns_sockaddr local;
    struct ns_ep *n;
    int reuse = 0;
    size_t len = sizeof(reuse);

    if (ns_ep_getsockname(is->ep, &local) ||
        ns_ep_new(inet_stack, is->sock.family, is->sock.type, is->sock.protocol, &n))
        return;
    (void)ns_ep_getsockopt(is->ep, SOL_SOCKET, SO_REUSEADDR, &reuse, &len);
    ns_ep_set_notify(is->ep, NULL, NULL);
    ns_ep_close(is->ep);
    (void)ns_ep_setsockopt(n, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse));
    (void)ns_ep_bind(n, &local);
    ns_ep_set_notify(n, on_notify, is);
    ns_ep_set_owner(n, current_task ? current_task->cred.fsuid : 0, (unsigned long)is->sock.ino);
    is->ep = n;
}

static int i_shutdown(struct socket *s, int how)
{
    struct inet_sock *is = inet_sk(s);
    int r = 0;

    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    inet_lock_stack();
    if (s->type == SOCK_STREAM && ns_ep_tcp_state(is->ep) == TCP_LISTEN) {
        if (how != SHUT_WR)
            listener_disconnect(is);
    } else {
        r = ns_ep_shutdown(is->ep, how);
    }
    inet_unlock();
    waitq_wake_all(&is->wq);
    return r;
}

/* ---- options ---- */

static int set_timeout(struct inet_sock *is, bool snd, const void *val, size_t len)
{
    uint64_t ns;
    bool zero;
    int r = sock_timeo_parse(val, len, &ns, &zero);

    if (r)
        return r;
    pthread_mutex_lock(&inet_lock);
    if (snd) {
        is->sndtimeo_ns = ns;
        is->sndtimeo_zero = zero;
    } else {
        is->rcvtimeo_ns = ns;
        is->rcvtimeo_zero = zero;
    }
    pthread_mutex_unlock(&inet_lock);
    return 0;
}

static int get_timeout(struct inet_sock *is, bool snd, void *val, size_t *len)
{
    uint64_t ns;

    pthread_mutex_lock(&inet_lock);
    ns = snd ? is->sndtimeo_ns : is->rcvtimeo_ns;
    pthread_mutex_unlock(&inet_lock);
    if (*len < 2 * sizeof(int64_t)) /* a timeval */
        return -EINVAL;
    *len = sock_timeo_put(ns, val);
    return 0;
}

/* SOL_SOCKET options programs set that change nothing here. */
static bool sol_ignored(int name)
{
    switch (name) {
    case SO_PRIORITY:
    case SO_OOBINLINE:
    case SO_RCVLOWAT:
    case SO_SNDLOWAT:
    case SO_PASSCRED:
        return true;
    }
    return false;
}

#ifndef SO_TIMESTAMP_NEW
#define SO_TIMESTAMP_NEW 63
#define SO_TIMESTAMPNS_NEW 64
#endif

static bool is_tstamp_opt(int name)
{
    return name == SO_TIMESTAMP_OLD || name == SO_TIMESTAMPNS_OLD || name == SO_TIMESTAMP_NEW ||
           name == SO_TIMESTAMPNS_NEW;
}

/* __sock_set_timestamps: on sets the flavour, off clears both. */
static void set_tstamp(struct inet_sock *is, int name, bool on)
{
    pthread_mutex_lock(&inet_lock);
    if (on) {
        is->tstamp = true;
        is->tstamp_ns = name == SO_TIMESTAMPNS_OLD || name == SO_TIMESTAMPNS_NEW;
        is->tstamp_new = name == SO_TIMESTAMP_NEW || name == SO_TIMESTAMPNS_NEW;
    } else {
        is->tstamp = is->tstamp_ns = false;
    }
    pthread_mutex_unlock(&inet_lock);
}

static int get_tstamp(struct inet_sock *is, int name)
{
    bool on, ns, nw;

    pthread_mutex_lock(&inet_lock);
    on = is->tstamp;
    ns = is->tstamp_ns;
    nw = is->tstamp_new;
    pthread_mutex_unlock(&inet_lock);
    switch (name) {
    case SO_TIMESTAMP_OLD:
        return on && !nw && !ns;
    case SO_TIMESTAMPNS_OLD:
        return ns && !nw;
    case SO_TIMESTAMP_NEW:
        return on && nw;
    }
    return ns && nw;
}

static int i_setsockopt(struct socket *s, int level, int name, const void *val, size_t len)
{
    struct inet_sock *is = inet_sk(s);
    int r;

    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_RCVTIMEO_OLD_:
        case SO_RCVTIMEO_NEW:
            return set_timeout(is, false, val, len);
        case SO_SNDTIMEO_OLD_:
        case SO_SNDTIMEO_NEW:
            return set_timeout(is, true, val, len);
        }
        if (sol_ignored(name))
            return len < sizeof(int) ? -EINVAL : 0;
        if (is_tstamp_opt(name)) {
            int v;
            if (len < sizeof(int))
                return -EINVAL;
            memcpy(&v, val, sizeof(v));
            set_tstamp(is, name, v != 0);
            return 0;
        }
    }
    if (level == IPPROTO_TCP && s->type != SOCK_STREAM)
        return -ENOPROTOOPT; /* udp_setsockopt passes it to IP, which knows nothing of it */
    inet_lock_stack();
    r = ns_ep_setsockopt(is->ep, level, name, val, len);
    inet_unlock();
    waitq_wake_all(&is->wq); /* a bigger buffer may let a writer on */
    return r;
}

static int i_getsockopt(struct socket *s, int level, int name, void *val, size_t *len)
{
    struct inet_sock *is = inet_sk(s);
    int r;

    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_RCVTIMEO_OLD_:
        case SO_RCVTIMEO_NEW:
            return get_timeout(is, false, val, len);
        case SO_SNDTIMEO_OLD_:
        case SO_SNDTIMEO_NEW:
            return get_timeout(is, true, val, len);
        }
        if (sol_ignored(name) || is_tstamp_opt(name)) {
            int v = is_tstamp_opt(name) ? get_tstamp(is, name)
                                        : name == SO_RCVLOWAT || name == SO_SNDLOWAT;
            *len = SB_MIN(*len, sizeof(int));
            memcpy(val, &v, *len);
            return 0;
        }
    }
    if (level == IPPROTO_TCP && s->type != SOCK_STREAM)
        return -ENOPROTOOPT;
    inet_lock_stack();
    r = ns_ep_getsockopt(is->ep, level, name, val, len);
    inet_unlock();
    return r;
}

/* ---- readiness, ioctl, release ---- */

static unsigned i_poll(struct socket *s, struct poll_req *pr)
{
    struct inet_sock *is = inet_sk(s);
    unsigned ev;

    poll_wait(pr, &is->wq);
    pthread_mutex_lock(&inet_lock);
    ev = ns_ep_events(is->ep);
    pthread_mutex_unlock(&inet_lock);
    return ev;
}

static long i_ioctl(struct socket *s, unsigned cmd, int *out)
{
    struct inet_sock *is = inet_sk(s);
    int r;

    if (cmd != FIONREAD)
        return -ENOTTY;
    inet_lock_stack();
    if (s->type == SOCK_STREAM && ns_ep_tcp_state(is->ep) == TCP_LISTEN)
        r = -EINVAL;
    else
        r = ns_ep_readable_bytes(is->ep);
    inet_unlock();
    if (r < 0)
        return r;
    *out = r;
    return 0;
}

static void i_release(struct socket *s)
{
    struct inet_sock *is = inet_sk(s);

    inet_lock_stack();
    ns_ep_set_notify(is->ep, NULL, NULL);
    ns_ep_close(is->ep);
    is->ep = NULL;
    inet_unlock();
    pthread_mutex_destroy(&is->rlock);
    free(is);
}

static const struct sock_ops inet_ops = {
    .bind = i_bind,
    .connect = i_connect,
    .listen = i_listen,
    .accept = i_accept,
    .getname = i_getname,
    .sendmsg = inet_sendmsg,
    .recvmsg = inet_recvmsg,
    .shutdown = i_shutdown,
    .setsockopt = i_setsockopt,
    .getsockopt = i_getsockopt,
    .poll = i_poll,
    .ioctl = i_ioctl,
    .release = i_release,
};
