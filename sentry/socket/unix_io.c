/* sentry/socket/unix_io.c: AF_UNIX data: stream bytes (with the message
 * pieces Linux keeps apart for credentials and passed files), datagrams and
 * sequenced packets (boundaries, truncation), and their ancillary data. */
#include "sentry/socket/unix_impl.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/xalloc.h"

static struct unix_msg *msg_alloc(size_t len)
{
    struct unix_msg *m = xzalloc(sizeof(*m) + len);

    m->len = len;
    m->truesize = len + UNIX_MSG_OVERHEAD;
    return m;
}

void unix_msg_free(struct unix_msg *m)
{
    if (m->sender) {
        __atomic_sub_fetch(&m->sender->wmem, m->truesize, __ATOMIC_RELAXED);
        waitq_wake_all(&m->sender->wq);
        unix_put(m->sender);
    }
    if (m->nfds) {
        unix_inflight_del(m->fds, m->nfds, m->fd_user);
        for (int i = 0; i < m->nfds; i++)
            unix_defer_put(m->fds[i]);
    }
    free(m->fds);
    free(m);
}

void unix_msgs_free(struct unix_msg *list)
{
    while (list) {
        struct unix_msg *next = list->next;
        unix_msg_free(list);
        list = next;
    }
}

/* The files and credentials of a send go with its (first) message. */
static int attach_scm(struct unix_msg *msg, struct sock_scm *scm)
{
    struct task *t = current_task;
    int r;

    if (scm && scm->has_creds)
        msg->cred = scm->creds;
    else
        unix_cur_creds(&msg->cred);
    if (!scm || !scm->nfds)
        return 0;
    msg->fd_user = t ? t->cred.uid : 0;
    if ((r = unix_inflight_add(scm->fds, scm->nfds, msg->fd_user)))
        return r;
    msg->fds = xzalloc(sizeof(struct file *) * scm->nfds);
    memcpy(msg->fds, scm->fds, sizeof(struct file *) * scm->nfds);
    msg->nfds = scm->nfds;
    scm->nfds = 0;
    return 0;
}

static void enqueue(struct unix_sock *r, struct unix_msg *msg)
{
    if (r->qtail)
        r->qtail->next = msg;
    else
        r->qhead = msg;
    r->qtail = msg;
    r->qlen++;
    r->qbytes += msg->len - msg->off;
}

static struct unix_msg *dequeue(struct unix_sock *u)
{
    struct unix_msg *m = u->qhead;

    u->qhead = m->next;
    if (!u->qhead)
        u->qtail = NULL;
    u->qlen--;
    u->qbytes -= m->len - m->off;
    m->next = NULL;
    return m;
}

/* The sender's address as a receiver sees it. */
static void copy_name(struct sock_msg *m, struct unix_sock *sender)
{
    struct unix_addr *a = sender ? __atomic_load_n(&sender->addr, __ATOMIC_ACQUIRE) : NULL;

    if (!m->want_name)
        return;
    m->namelen = 0;
    if (a) {
        memcpy(&m->name, &a->sun, a->len);
        m->namelen = a->len;
    }
}

static void peek_fds(struct sock_msg *m, struct unix_msg *msg)
{
    if (!m->scm) /* read(2): no room for them */
        return;
    for (int i = 0; i < msg->nfds; i++)
        m->scm->fds[i] = file_get(msg->fds[i]);
    m->scm->nfds = msg->nfds;
}

/* Files taken off a message: to the receiver's scm, or closed. */
static void take_fds(struct sock_msg *m, struct file **fds, int n, uid_t user)
{
    unix_inflight_del(fds, n, user);
    for (int i = 0; i < n; i++) {
        if (m->scm && i < SOCK_MAX_FDS)
            m->scm->fds[m->scm->nfds++] = fds[i];
        else
            unix_defer_put(fds[i]);
    }
    free(fds);
}

/* ---- SOCK_STREAM ---- */

struct stream_wait {
    struct unix_sock *u, *p;
    size_t have;
};

static bool stream_room(void *arg)
{
    struct stream_wait *w = arg;
    return __atomic_load_n(&w->u->wmem, __ATOMIC_RELAXED) < (size_t)w->u->sndbuf ||
           (w->u->shut & UNIX_SHUT_SEND) || w->p->dead || (w->p->shut & UNIX_SHUT_RCV);
}

long unix_stream_sendmsg(struct socket *s, struct sock_msg *m, int flags)
{
    struct unix_sock *u = unix_sk(s), *p;
    size_t len = m->it.left, sent = 0;
    bool nonblock = (flags & MSG_DONTWAIT) || sock_nonblock(s);
    struct timespec dlbuf;
    const struct timespec *dl;
    long err = 0;
    int shut;

    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    pthread_mutex_lock(&u->lock);
    if (m->namelen) {
        err = u->state == US_ESTABLISHED ? -EISCONN : -EOPNOTSUPP;
        pthread_mutex_unlock(&u->lock);
        return err;
    }
    p = u->peer ? unix_get(u->peer) : NULL;
    shut = u->shut;
    pthread_mutex_unlock(&u->lock);
    if (!p)
        return -ENOTCONN;
    if (shut & UNIX_SHUT_SEND)
        goto pipe_err;
    dl = unix_deadline(u, true, &nonblock, &dlbuf);
    while (sent < len) {
        struct stream_wait w = { u, p, 0 };
        struct unix_msg *msg;
        size_t chunk;
        int r;

        if ((r = unix_wait(&u->wq, stream_room, &w, nonblock, dl))) {
            err = r;
            break;
        }
        if ((u->shut & UNIX_SHUT_SEND) || p->dead || (p->shut & UNIX_SHUT_RCV))
            goto pipe_err;
        chunk = SB_MIN(len - sent, (size_t)SB_MAX(u->sndbuf / 2 - 64, 2048));
        chunk = SB_MIN(chunk, (size_t)UNIX_STREAM_CHUNK);
        msg = msg_alloc(chunk);
        if (sock_iter_in(&m->it, msg->data, chunk)) {
            unix_msg_free(msg);
            err = -EFAULT;
            break;
        }
        if ((r = attach_scm(msg, sent ? NULL : m->scm))) {
            unix_msg_free(msg);
            err = r;
            break;
        }
        msg->sender = unix_get(u);
        __atomic_add_fetch(&u->wmem, msg->truesize, __ATOMIC_RELAXED);
        pthread_mutex_lock(&p->lock);
        if (p->dead || (p->shut & UNIX_SHUT_RCV)) {
            pthread_mutex_unlock(&p->lock);
            unix_msg_free(msg);
            goto pipe_err;
        }
        enqueue(p, msg);
        pthread_mutex_unlock(&p->lock);
        waitq_wake_all(&p->wq);
        sent += chunk;
    }
    unix_put(p);
    return sent ? (long)sent : err;
pipe_err:
    unix_put(p);
    if (!sent && !(flags & MSG_NOSIGNAL) && current_task)
        task_signal_self(current_task, SIGPIPE);
    return sent ? (long)sent : -EPIPE;
}

static bool stream_readable(void *arg)
{
    struct stream_wait *w = arg;
    return w->u->qbytes > w->have || w->u->err || (w->u->shut & UNIX_SHUT_RCV) || w->u->dead;
}

static bool cred_eq(const struct sock_ucred *a, const struct sock_ucred *b)
{
    return a->pid == b->pid && a->uid == b->uid && a->gid == b->gid;
}

long unix_stream_recvmsg(struct socket *s, struct sock_msg *m, int flags)
{
    struct unix_sock *u = unix_sk(s);
    size_t len = m->it.left, copied = 0, target;
    bool nonblock = (flags & MSG_DONTWAIT) || sock_nonblock(s);
    bool peek = flags & MSG_PEEK, check_creds = false, named = false;
    struct unix_msg *done = NULL, **donep = &done;
    struct file **got = NULL;
    int ngot = 0;
    uid_t got_user = 0;
    struct sock_ucred cr = { 0 };
    struct timespec dlbuf;
    const struct timespec *dl;
    long err = 0;

    if (flags & MSG_OOB)
        return -EINVAL;
    dl = unix_deadline(u, false, &nonblock, &dlbuf);
    target = (flags & MSG_WAITALL) ? len : SB_MIN(len, (size_t)1);
    pthread_mutex_lock(&u->lock);
    if (u->state != US_ESTABLISHED) {
        pthread_mutex_unlock(&u->lock);
        return -EINVAL;
    }
    if (m->want_name)
        m->namelen = 0;
    for (;;) {
        struct unix_msg *msg = u->qhead;
        size_t skip = 0, chunk;

        if (peek) { /* start after what this call has already peeked */
            skip = copied;
            while (msg && skip >= msg->len - msg->off) {
                skip -= msg->len - msg->off;
                msg = msg->next;
            }
        }
        if (!msg) {
            struct stream_wait w = { u, NULL, peek ? copied : 0 };
            int r;
            if (copied >= target)
                break;
            if (u->err) {
                err = -u->err;
                u->err = 0;
                break;
            }
            if (u->shut & UNIX_SHUT_RCV)
                break;
            pthread_mutex_unlock(&u->lock);
            r = unix_wait(&u->wq, stream_readable, &w, nonblock, dl);
            pthread_mutex_lock(&u->lock);
            if (r) {
                err = r;
                break;
            }
            continue;
        }
        /* Never glue pieces of different writers' credentials. */
        if (check_creds) {
            if (!cred_eq(&cr, &msg->cred))
                break;
        } else if (u->passcred) {
            cr = msg->cred;
            check_creds = true;
        }
        if (!named) {
            copy_name(m, msg->sender);
            named = true;
        }
        chunk = SB_MIN(msg->len - msg->off - skip, len - copied);
        if (sock_iter_out(&m->it, msg->data + msg->off + skip, chunk)) {
            if (!copied)
                err = -EFAULT;
            break;
        }
        copied += chunk;
        if (!peek) {
            msg->off += chunk;
            u->qbytes -= chunk;
            if (msg->nfds) {
                got = msg->fds;
                ngot = msg->nfds;
                got_user = msg->fd_user;
                msg->fds = NULL;
                msg->nfds = 0;
            }
            if (msg->off < msg->len)
                break;
            *donep = dequeue(u);
            donep = &(*donep)->next;
            if (got)
                break;
        } else if (msg->nfds) {
            peek_fds(m, msg);
            break;
        }
        if (copied >= len)
            break;
    }
    pthread_mutex_unlock(&u->lock);
    unix_msgs_free(done);
    if (got)
        take_fds(m, got, ngot, got_user);
    if (check_creds && m->scm) {
        m->scm->has_creds = true;
        m->scm->creds = cr;
    }
    return copied ? (long)copied : err;
}

/* ---- SOCK_DGRAM and SOCK_SEQPACKET ---- */

static bool own_room(void *arg)
{
    struct unix_sock *u = arg;
    return __atomic_load_n(&u->wmem, __ATOMIC_RELAXED) < (size_t)u->sndbuf || u->dead;
}

struct dgram_wait {
    struct unix_sock *u, *other;
};

static bool other_room(void *arg)
{
    struct dgram_wait *w = arg;
    return w->other->dead || w->other->qlen <= w->other->backlog || w->other->peer == w->u;
}

long unix_dgram_sendmsg(struct socket *s, struct sock_msg *m, int flags)
{
    struct unix_sock *u = unix_sk(s), *other = NULL;
    size_t len = m->it.left;
    bool nonblock = (flags & MSG_DONTWAIT) || sock_nonblock(s);
    struct timespec dlbuf;
    const struct timespec *dl;
    struct unix_msg *msg;
    long r;

    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    pthread_mutex_lock(&u->lock);
    if (s->type == SOCK_SEQPACKET) {
        r = u->err ? -u->err : u->state != US_ESTABLISHED ? -ENOTCONN : 0;
        u->err = 0;
        if (r) {
            pthread_mutex_unlock(&u->lock);
            return r;
        }
        m->namelen = 0;
    }
    if (u->shut & UNIX_SHUT_SEND) {
        pthread_mutex_unlock(&u->lock);
        return -EPIPE;
    }
    if (!m->namelen) {
        other = u->peer ? unix_get(u->peer) : NULL;
        if (!other) {
            pthread_mutex_unlock(&u->lock);
            return -ENOTCONN;
        }
    }
    pthread_mutex_unlock(&u->lock);
    if (m->namelen && (r = unix_addr_check(&m->name, m->namelen)))
        return r;
    if (u->passcred && (r = unix_autobind(u)))
        goto out;
    r = -EMSGSIZE;
    if (len > (size_t)u->sndbuf - 32)
        goto out;
    dl = unix_deadline(u, true, &nonblock, &dlbuf);
    if ((r = unix_wait(&u->wq, own_room, u, nonblock, dl)))
        goto out;
    msg = msg_alloc(len);
    if ((r = attach_scm(msg, m->scm)) || (r = sock_iter_in(&m->it, msg->data, len))) {
        unix_msg_free(msg);
        goto out;
    }
    msg->sender = unix_get(u);
    __atomic_add_fetch(&u->wmem, msg->truesize, __ATOMIC_RELAXED);
    for (;;) {
        if (!other && (r = unix_find(&m->name, m->namelen, s->type, &other)))
            break;
        pthread_mutex_lock(&other->lock);
        if (other->peer && other->peer != u) {
            r = -EPERM;
        } else if (other->dead) {
            bool was_peer;
            pthread_mutex_unlock(&other->lock);
            if (s->type == SOCK_SEQPACKET) {
                r = -EPIPE;
                break;
            }
            /* A connected peer is gone: disconnect, as Linux does. */
            pthread_mutex_lock(&u->lock);
            was_peer = u->peer == other;
            if (was_peer) {
                u->peer = NULL;
                u->state = US_CLOSE;
            }
            pthread_mutex_unlock(&u->lock);
            if (was_peer) {
                unix_put(other); /* u->peer's reference */
                r = -ECONNREFUSED;
                break;
            }
            unix_put(other);
            other = NULL;
            if (!m->namelen) {
                r = -ECONNRESET;
                break;
            }
            continue;
        } else if (other->shut & UNIX_SHUT_RCV) {
            r = -EPIPE;
        } else if (other->peer != u && other->qlen > other->backlog) {
            struct dgram_wait w = { u, other };
            pthread_mutex_unlock(&other->lock);
            if ((r = unix_wait(&other->wq, other_room, &w, nonblock, dl)))
                break;
            continue;
        } else {
            enqueue(other, msg);
            msg = NULL;
            r = (long)len;
        }
        pthread_mutex_unlock(&other->lock);
        break;
    }
    if (r >= 0 && other)
        waitq_wake_all(&other->wq);
    if (msg)
        unix_msg_free(msg);
out:
    unix_put(other);
    return r;
}

static bool dgram_readable(void *arg)
{
    struct unix_sock *u = arg;
    return u->qhead || u->err || (u->shut & UNIX_SHUT_RCV) || u->dead ||
           (u->sock.type == SOCK_SEQPACKET && u->state != US_ESTABLISHED);
}

long unix_dgram_recvmsg(struct socket *s, struct sock_msg *m, int flags)
{
    struct unix_sock *u = unix_sk(s);
    bool nonblock = (flags & MSG_DONTWAIT) || sock_nonblock(s);
    bool seq = s->type == SOCK_SEQPACKET;
    struct timespec dlbuf;
    const struct timespec *dl;
    struct unix_msg *msg;
    struct file **got = NULL;
    int ngot = 0;
    uid_t got_user = 0;
    size_t size;
    long r;

    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    dl = unix_deadline(u, false, &nonblock, &dlbuf);
    pthread_mutex_lock(&u->lock);
    if (seq && u->state != US_ESTABLISHED) {
        pthread_mutex_unlock(&u->lock);
        return -ENOTCONN;
    }
    for (;;) {
        if (u->err) {
            r = -u->err;
            u->err = 0;
            pthread_mutex_unlock(&u->lock);
            return r;
        }
        if ((msg = u->qhead))
            break;
        if (u->shut & UNIX_SHUT_RCV) {
            pthread_mutex_unlock(&u->lock);
            return nonblock && !seq ? -EAGAIN : 0;
        }
        if (seq && u->state != US_ESTABLISHED) {
            pthread_mutex_unlock(&u->lock);
            return -ENOTCONN;
        }
        pthread_mutex_unlock(&u->lock);
        if ((r = unix_wait(&u->wq, dgram_readable, u, nonblock, dl)))
            return r;
        pthread_mutex_lock(&u->lock);
    }
    if (!(flags & MSG_PEEK)) {
        dequeue(u);
        got = msg->fds;
        ngot = msg->nfds;
        got_user = msg->fd_user;
        msg->fds = NULL;
        msg->nfds = 0;
    } else if (msg->nfds) {
        peek_fds(m, msg);
    }
    copy_name(m, msg->sender);
    if (u->passcred && m->scm) {
        m->scm->has_creds = true;
        m->scm->creds = msg->cred;
    }
    size = m->it.left;
    if (size > msg->len)
        size = msg->len;
    else if (size < msg->len)
        m->out_flags |= MSG_TRUNC;
    r = sock_iter_out(&m->it, msg->data, size);
    r = r ? r : (flags & MSG_TRUNC) ? (long)msg->len : (long)size;
    pthread_mutex_unlock(&u->lock);
    if (!(flags & MSG_PEEK)) {
        waitq_wake_all(&u->wq); /* senders waiting for room */
        unix_msg_free(msg);
    }
    if (got)
        take_fds(m, got, ngot, got_user);
    return r;
}
