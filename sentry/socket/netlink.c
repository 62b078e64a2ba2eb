/* sentry/socket/netlink.c: AF_NETLINK sockets, NETLINK_ROUTE only.
 *
 * SOCK_RAW and SOCK_DGRAM (the same, as Linux). Other protocols answer
 * EPROTONOSUPPORT, as Linux does for a protocol no module provides: the
 * sandbox has no audit, netfilter, uevent or generic netlink (gVisor makes
 * the same choice for most of them). The kernel side (nl_pid 0) answers
 * requests at once, in sendmsg: each request's answer is one datagram on
 * the receive queue (a dump: all its parts and NLMSG_DONE together), then
 * its NLMSG_ERROR/ACK. Nothing is ever multicast: group memberships are
 * kept, no notification is sent. Unicast to another socket's port id is
 * refused (ECONNREFUSED): no user-space netlink peers here.
 *
 * Lock order: nl_table_lock -> netlink_sock->lock -> waitq locks.
 */
#include "sentry/socket/netif.h"

#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "sentry/kernel/kernel.h"
#include "sentry/socket/socket.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#define NL_BUF_MAX 212992 /* net.core.rmem_max / wmem_max */
#define NL_BUF_MIN 2304   /* SOCK_MIN_RCVBUF, about */
#define NL_GROUPS 64

struct nl_dgram {
    struct nl_dgram *next;
    size_t len;
    uint8_t data[];
};

struct netlink_sock {
    struct socket sock; /* first */
    pthread_mutex_t lock;
    struct waitq wq;
    bool bound;
    uint32_t portid;
    uint64_t groups;            /* bit g-1: member of group g */
    uint32_t dst_pid, dst_groups;
    struct nl_dgram *qhead, *qtail;
    size_t qbytes;
    int rcvbuf, sndbuf;
    int err;                    /* pending (ENOBUFS after an overrun) */
    bool passcred;
    unsigned nlflags;           /* bit n: NETLINK_* option n set */
    struct netlink_sock *table_next;
};

static pthread_mutex_t nl_table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct netlink_sock *nl_table; /* bound sockets */
static int32_t nl_rover = -4096;

static const struct sock_ops netlink_ops;

static struct netlink_sock *nl_sk(struct socket *s)
{
    return (struct netlink_sock *)s;
}

int netlink_create(int type, int protocol, bool kern, struct socket **out)
{
    struct netlink_sock *n;

    if (type != SOCK_RAW && type != SOCK_DGRAM)
        return -ESOCKTNOSUPPORT;
    if (protocol != NETLINK_ROUTE)
        return -EPROTONOSUPPORT;
    n = xzalloc(sizeof(*n));
    n->sock.family = AF_NETLINK;
    n->sock.type = type;
    n->sock.protocol = protocol;
    n->sock.ops = &netlink_ops;
    pthread_mutex_init(&n->lock, NULL);
    waitq_init(&n->wq);
    n->rcvbuf = NL_BUF_MAX;
    n->sndbuf = NL_BUF_MAX;
    *out = &n->sock;
    return 0;
}

/* ---- port ids ---- */

static bool portid_used(uint32_t id) /* nl_table_lock */
{
    for (struct netlink_sock *p = nl_table; p; p = p->table_next)
        if (p->portid == id)
            return true;
    return false;
}

/* Bind n to id, or (id 0) to the process's tgid if free, else to a
 * negative id as Linux's autobind. Once bound, an explicit bind(2) must
 * name the same id (EINVAL, even for 0); an autobind is a no-op. */
static int do_bind(struct netlink_sock *n, uint32_t id, bool explicit)
{
    int r = 0;

    pthread_mutex_lock(&nl_table_lock);
    pthread_mutex_lock(&n->lock);
    if (n->bound) {
        r = ((explicit || id) && id != n->portid) ? -EINVAL : 0;
        goto out;
    }
    if (!id) {
        if (current_task && current_task->proc && !portid_used((uint32_t)current_task->proc->tgid))
            id = (uint32_t)current_task->proc->tgid;
        while (!id || portid_used(id)) {
            id = (uint32_t)nl_rover--;
            if (nl_rover > -4096)
                nl_rover = -4096;
        }
    } else if (portid_used(id)) {
        r = -EADDRINUSE;
        goto out;
    }
    n->portid = id;
    n->bound = true;
    n->table_next = nl_table;
    nl_table = n;
out:
    pthread_mutex_unlock(&n->lock);
    pthread_mutex_unlock(&nl_table_lock);
    return r;
}

static int addr_check(const struct sockaddr_storage *addr, size_t len, struct sockaddr_nl *nl)
{
    if (len < sizeof(*nl) || addr->ss_family != AF_NETLINK)
        return -EINVAL;
    memcpy(nl, addr, sizeof(*nl));
    return 0;
}

static int nl_bind(struct socket *s, const struct sockaddr_storage *addr, size_t len)
{
    struct netlink_sock *n = nl_sk(s);
    struct sockaddr_nl nl;
    int r;

    if ((r = addr_check(addr, len, &nl)))
        return r;
    if ((r = do_bind(n, nl.nl_pid, true)))
        return r;
    pthread_mutex_lock(&n->lock);
    n->groups = (n->groups & ~0xffffffffull) | nl.nl_groups;
    pthread_mutex_unlock(&n->lock);
    return 0;
}

static int nl_connect(struct socket *s, const struct sockaddr_storage *addr, size_t len)
{
    struct netlink_sock *n = nl_sk(s);
    struct sockaddr_nl nl;
    int r;

    if (len >= sizeof(addr->ss_family) && addr->ss_family == AF_UNSPEC) {
        pthread_mutex_lock(&n->lock);
        n->dst_pid = n->dst_groups = 0;
        pthread_mutex_unlock(&n->lock);
        return 0;
    }
    if ((r = addr_check(addr, len, &nl)))
        return r;
    if (nl.nl_groups)
        return -EPERM; /* sending to route groups needs CAP_NET_ADMIN */
    if ((r = do_bind(n, 0, false)))
        return r;
    pthread_mutex_lock(&n->lock);
    n->dst_pid = nl.nl_pid;
    n->dst_groups = nl.nl_groups;
    pthread_mutex_unlock(&n->lock);
    return 0;
}

static int nl_listen(struct socket *s, int backlog)
{
    return -EOPNOTSUPP;
}

static int nl_accept(struct socket *s, struct socket **out, bool nonblock)
{
    return -EOPNOTSUPP;
}

static int nl_shutdown(struct socket *s, int how)
{
    return -EOPNOTSUPP;
}

static int nl_getname(struct socket *s, struct sockaddr_storage *addr, size_t *len, bool peer)
{
    struct netlink_sock *n = nl_sk(s);
    struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

    pthread_mutex_lock(&n->lock);
    if (peer) {
        nl.nl_pid = n->dst_pid;
        nl.nl_groups = n->dst_groups;
    } else {
        nl.nl_pid = n->bound ? n->portid : 0;
        nl.nl_groups = (uint32_t)n->groups;
    }
    pthread_mutex_unlock(&n->lock);
    memset(addr, 0, sizeof(*addr));
    memcpy(addr, &nl, sizeof(nl));
    *len = sizeof(nl);
    return 0;
}

/* ---- the receive queue ---- */

/* Queue one datagram of the kernel's answer; an overrun drops it and
 * leaves ENOBUFS for the next receive, as Linux. n->lock held. */
static void enqueue(struct netlink_sock *n, const void *data, size_t len)
{
    struct nl_dgram *d;

    if (!len)
        return;
    if (n->qbytes && n->qbytes + len > (size_t)n->rcvbuf) {
        if (!(n->nlflags & (1u << NETLINK_NO_ENOBUFS)))
            n->err = ENOBUFS;
        return;
    }
    d = xzalloc(sizeof(*d) + len);
    d->next = NULL;
    d->len = len;
    memcpy(d->data, data, len);
    if (n->qtail)
        n->qtail->next = d;
    else
        n->qhead = d;
    n->qtail = d;
    n->qbytes += len;
}

/* NLMSG_ERROR for the request h (its first len bytes are valid). */
static void enqueue_ack(struct netlink_sock *n, const struct nlmsghdr *h, int err)
{
    bool capped = !err || (n->nlflags & (1u << NETLINK_CAP_ACK));
    size_t payload = capped ? sizeof(*h) : h->nlmsg_len;
    /* The echoed request is padded to NLMSG_ALIGNTO, as nlmsg_append. */
    size_t total = NLMSG_ALIGN(NLMSG_LENGTH(sizeof(int32_t) + payload));
    _cleanup_free_ uint8_t *buf = xzalloc(total);
    struct nlmsghdr rh = {
        .nlmsg_len = (uint32_t)total,
        .nlmsg_type = NLMSG_ERROR,
        .nlmsg_flags = capped ? NLM_F_CAPPED : 0,
        .nlmsg_seq = h->nlmsg_seq,
        .nlmsg_pid = n->portid,
    };
    int32_t e = err;

    memcpy(buf, &rh, sizeof(rh));
    memcpy(buf + NLMSG_HDRLEN, &e, sizeof(e));
    memcpy(buf + NLMSG_HDRLEN + sizeof(e), h, payload);
    enqueue(n, buf, total);
}

/* Answer each message of a request buffer, as netlink_rcv_skb: messages
 * too short or running past the buffer end the walk silently; those
 * without NLM_F_REQUEST and control types are only ACKed if asked. */
static void handle_requests(struct netlink_sock *n, const uint8_t *buf, size_t len)
{
    struct nl_reply rep = { 0 };

    while (len >= NLMSG_HDRLEN) {
        const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
        size_t step;
        int err = 0;

        if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len)
            break;
        if ((h->nlmsg_flags & NLM_F_REQUEST) && h->nlmsg_type >= NLMSG_MIN_TYPE) {
            rep.len = 0;
            err = netlink_route_request(h, h->nlmsg_len, n->portid, &rep);
            if (err >= 0)
                enqueue(n, rep.buf, rep.len);
        }
        if (err < 0 || (err == 0 && (h->nlmsg_flags & NLM_F_ACK)))
            enqueue_ack(n, h, err);
        step = NLMSG_ALIGN(h->nlmsg_len);
        if (step > len)
            step = len;
        buf += step;
        len -= step;
    }
    free(rep.buf);
}

static long nl_sendmsg(struct socket *s, struct sock_msg *m, int flags)
{
    struct netlink_sock *n = nl_sk(s);
    _cleanup_free_ uint8_t *buf = NULL;
    uint32_t dst_pid;
    size_t len = m->it.left;
    int r;

    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (m->namelen) {
        struct sockaddr_nl nl;
        if ((r = addr_check(&m->name, m->namelen, &nl)))
            return r;
        if (nl.nl_groups)
            return -EPERM;
        dst_pid = nl.nl_pid;
    } else {
        pthread_mutex_lock(&n->lock);
        dst_pid = n->dst_pid;
        pthread_mutex_unlock(&n->lock);
    }
    if (len > (size_t)n->sndbuf - 32)
        return -EMSGSIZE;
    if ((r = do_bind(n, 0, false)))
        return r;
    if (dst_pid)
        return -ECONNREFUSED; /* no user-space netlink peers */
    buf = xzalloc(len ? len : 1);
    if ((r = sock_iter_in(&m->it, buf, len)))
        return r;
    pthread_mutex_lock(&n->lock);
    handle_requests(n, buf, len);
    pthread_mutex_unlock(&n->lock);
    waitq_wake_all(&n->wq);
    return (long)len;
}

static bool readable(void *arg)
{
    struct netlink_sock *n = arg;
    return __atomic_load_n(&n->qhead, __ATOMIC_ACQUIRE) || __atomic_load_n(&n->err, __ATOMIC_RELAXED);
}

static long nl_recvmsg(struct socket *s, struct sock_msg *m, int flags)
{
    struct netlink_sock *n = nl_sk(s);
    struct sockaddr_nl from = { .nl_family = AF_NETLINK };
    struct nl_dgram *d;
    size_t want = m->it.left, k;
    long r;

    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (flags & MSG_ERRQUEUE)
        return -EAGAIN;
    for (;;) {
        pthread_mutex_lock(&n->lock);
        if (n->qhead)
            break;
        if (n->err) {
            r = -n->err;
            n->err = 0;
            pthread_mutex_unlock(&n->lock);
            return r;
        }
        pthread_mutex_unlock(&n->lock);
        if ((flags & MSG_DONTWAIT) || sock_nonblock(s) || !current_task)
            return -EAGAIN;
        r = task_wait_event(current_task, &n->wq, readable, n, NULL);
        if (r < 0)
            return r;
    }
    d = n->qhead;
    k = SB_MIN(d->len, want);
    if ((r = sock_iter_out(&m->it, d->data, k))) {
        pthread_mutex_unlock(&n->lock);
        return r;
    }
    r = (flags & MSG_TRUNC) ? (long)d->len : (long)k;
    if (k < d->len)
        m->out_flags |= MSG_TRUNC;
    if (!(flags & MSG_PEEK)) {
        n->qhead = d->next;
        if (!n->qhead)
            n->qtail = NULL;
        n->qbytes -= d->len;
        free(d);
    }
    pthread_mutex_unlock(&n->lock);
    memset(&m->name, 0, sizeof(m->name));
    memcpy(&m->name, &from, sizeof(from));
    m->namelen = sizeof(from);
    return r;
}

static unsigned nl_poll(struct socket *s, struct poll_req *pr)
{
    struct netlink_sock *n = nl_sk(s);
    unsigned mask = POLLOUT | POLLWRNORM;

    if (pr)
        poll_wait(pr, &n->wq);
    pthread_mutex_lock(&n->lock);
    if (n->qhead)
        mask |= POLLIN | POLLRDNORM;
    if (n->err)
        mask |= POLLERR;
    pthread_mutex_unlock(&n->lock);
    return mask;
}

/* ---- options ---- */

static int nl_setsockopt(struct socket *s, int level, int name, const void *val, size_t len)
{
    struct netlink_sock *n = nl_sk(s);
    int v;

    if (len < sizeof(int))
        return -EINVAL;
    memcpy(&v, val, sizeof(v));
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_RCVBUF:
        case SO_SNDBUF:
        case SO_RCVBUFFORCE:
        case SO_SNDBUFFORCE:
            if ((name == SO_RCVBUF || name == SO_SNDBUF) && v > NL_BUF_MAX)
                v = NL_BUF_MAX;
            if (v < 0 || v > INT32_MAX / 2)
                v = v < 0 ? 0 : INT32_MAX / 2;
            v = SB_MAX(v * 2, NL_BUF_MIN);
            pthread_mutex_lock(&n->lock);
            if (name == SO_RCVBUF || name == SO_RCVBUFFORCE)
                n->rcvbuf = v;
            else
                n->sndbuf = v;
            pthread_mutex_unlock(&n->lock);
            return 0;
        case SO_PASSCRED:
            n->passcred = v != 0;
            return 0;
        case SO_TIMESTAMP:
        case SO_KEEPALIVE:
        case SO_REUSEADDR:
        case SO_PRIORITY:
            return 0; /* harmless, no effect on netlink */
        }
        return -ENOPROTOOPT;
    }
    if (level != SOL_NETLINK)
        return -ENOPROTOOPT;
    switch (name) {
    case NETLINK_ADD_MEMBERSHIP:
    case NETLINK_DROP_MEMBERSHIP:
        if (v <= 0 || v > NL_GROUPS)
            return -EINVAL;
        if (do_bind(n, 0, false))
            return -EINVAL;
        pthread_mutex_lock(&n->lock);
        if (name == NETLINK_ADD_MEMBERSHIP)
            n->groups |= 1ull << (v - 1);
        else
            n->groups &= ~(1ull << (v - 1));
        pthread_mutex_unlock(&n->lock);
        return 0;
    case NETLINK_PKTINFO:
    case NETLINK_BROADCAST_ERROR:
    case NETLINK_NO_ENOBUFS:
    case NETLINK_LISTEN_ALL_NSID:
    case NETLINK_CAP_ACK:
    case NETLINK_EXT_ACK:
    case NETLINK_GET_STRICT_CHK:
        pthread_mutex_lock(&n->lock);
        if (v)
            n->nlflags |= 1u << name;
        else
            n->nlflags &= ~(1u << name);
        pthread_mutex_unlock(&n->lock);
        return 0;
    }
    return -ENOPROTOOPT;
}

static int put_int(void *val, size_t *len, int v)
{
    if (*len < sizeof(int))
        return -EINVAL;
    memcpy(val, &v, sizeof(v));
    *len = sizeof(v);
    return 0;
}

static int nl_getsockopt(struct socket *s, int level, int name, void *val, size_t *len)
{
    struct netlink_sock *n = nl_sk(s);
    int v;

    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_TYPE:
            return put_int(val, len, s->type);
        case SO_DOMAIN:
            return put_int(val, len, AF_NETLINK);
        case SO_PROTOCOL:
            return put_int(val, len, s->protocol);
        case SO_RCVBUF:
            return put_int(val, len, n->rcvbuf);
        case SO_SNDBUF:
            return put_int(val, len, n->sndbuf);
        case SO_PASSCRED:
            return put_int(val, len, n->passcred);
        case SO_ACCEPTCONN:
            return put_int(val, len, 0);
        case SO_ERROR:
            pthread_mutex_lock(&n->lock);
            v = n->err;
            n->err = 0;
            pthread_mutex_unlock(&n->lock);
            return put_int(val, len, v);
        }
        return -ENOPROTOOPT;
    }
    if (level != SOL_NETLINK)
        return -ENOPROTOOPT;
    switch (name) {
    case NETLINK_PKTINFO:
    case NETLINK_BROADCAST_ERROR:
    case NETLINK_NO_ENOBUFS:
    case NETLINK_LISTEN_ALL_NSID:
    case NETLINK_CAP_ACK:
    case NETLINK_EXT_ACK:
    case NETLINK_GET_STRICT_CHK:
        return put_int(val, len, !!(n->nlflags & (1u << name)));
    case NETLINK_LIST_MEMBERSHIPS: {
        uint32_t g[NL_GROUPS / 32];
        size_t room = *len;
        pthread_mutex_lock(&n->lock);
        g[0] = (uint32_t)n->groups;
        g[1] = (uint32_t)(n->groups >> 32);
        pthread_mutex_unlock(&n->lock);
        memcpy(val, g, SB_MIN(room, sizeof(g)) & ~(size_t)3);
        *len = sizeof(g);
        return 0;
    }
    }
    return -ENOPROTOOPT;
}

static void nl_release(struct socket *s)
{
    struct netlink_sock *n = nl_sk(s);

    pthread_mutex_lock(&nl_table_lock);
    for (struct netlink_sock **pp = &nl_table; *pp; pp = &(*pp)->table_next) {
        if (*pp == n) {
            *pp = n->table_next;
            break;
        }
    }
    pthread_mutex_unlock(&nl_table_lock);
    while (n->qhead) {
        struct nl_dgram *d = n->qhead;
        n->qhead = d->next;
        free(d);
    }
    pthread_mutex_destroy(&n->lock);
    free(n);
}

static const struct sock_ops netlink_ops = {
    .bind = nl_bind,
    .connect = nl_connect,
    .listen = nl_listen,
    .accept = nl_accept,
    .getname = nl_getname,
    .sendmsg = nl_sendmsg,
    .recvmsg = nl_recvmsg,
    .shutdown = nl_shutdown,
    .setsockopt = nl_setsockopt,
    .getsockopt = nl_getsockopt,
    .poll = nl_poll,
    .release = nl_release,
};

int netlink_kernel_send(struct file *f, const void *data, size_t len)
{
    struct socket *s = sock_of(f);
    struct netlink_sock *n;

    if (!s)
        return -ENOTSOCK;
    if (s->ops != &netlink_ops)
        return -EINVAL;
    if (!data)
        return 0;
    n = nl_sk(s);
    pthread_mutex_lock(&n->lock);
    enqueue(n, data, len);
    pthread_mutex_unlock(&n->lock);
    waitq_wake_all(&n->wq);
    return 0;
}
