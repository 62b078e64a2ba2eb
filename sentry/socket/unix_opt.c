/* sentry/socket/unix_opt.c: SOL_SOCKET options of AF_UNIX sockets. */
#include "sentry/socket/unix_impl.h"

#include <errno.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/time.h>

#ifndef SO_RCVTIMEO_NEW
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#endif
#define SO_RCVTIMEO_OLD_ 20
#define SO_SNDTIMEO_OLD_ 21

static int set_timeout(struct unix_sock *u, bool snd, const void *val, size_t len)
{
    uint64_t ns;
    bool zero;
    int r = sock_timeo_parse(val, len, &ns, &zero);

    if (r)
        return r;
    pthread_mutex_lock(&u->lock);
    if (snd) {
        u->sndtimeo_ns = ns;
        u->sndtimeo_zero = zero;
    } else {
        u->rcvtimeo_ns = ns;
        u->rcvtimeo_zero = zero;
    }
    pthread_mutex_unlock(&u->lock);
    return 0;
}

int unix_setsockopt(struct socket *s, int level, int name, const void *val, size_t len)
{
    struct unix_sock *u = unix_sk(s);
    int v = 0;

    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    switch (name) {
    case SO_RCVTIMEO_OLD_:
    case SO_RCVTIMEO_NEW:
        return set_timeout(u, false, val, len);
    case SO_SNDTIMEO_OLD_:
    case SO_SNDTIMEO_NEW:
        return set_timeout(u, true, val, len);
    case SO_LINGER: {
        struct linger l;
        if (len < sizeof(l))
            return -EINVAL;
        memcpy(&l, val, sizeof(l));
        pthread_mutex_lock(&u->lock);
        u->linger_on = l.l_onoff != 0;
        if (l.l_onoff)
            u->linger_sec = l.l_linger < 0 ? 0 : l.l_linger;
        pthread_mutex_unlock(&u->lock);
        return 0;
    }
    }
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(&v, val, sizeof(v));
    pthread_mutex_lock(&u->lock);
    switch (name) {
    case SO_SNDBUF:
    case SO_SNDBUFFORCE:
        if (name == SO_SNDBUFFORCE && !(current_task && capable(current_task, CAP_NET_ADMIN)))
            goto eperm;
        if (name == SO_SNDBUF && (unsigned)v > UNIX_BUF_MAX)
            v = UNIX_BUF_MAX;
        if (v < 0 || v > INT32_MAX / 2)
            v = INT32_MAX / 2;
        u->sndbuf = SB_MAX(v * 2, UNIX_SNDBUF_MIN);
        break;
    case SO_RCVBUF:
    case SO_RCVBUFFORCE:
        if (name == SO_RCVBUFFORCE && !(current_task && capable(current_task, CAP_NET_ADMIN)))
            goto eperm;
        if (name == SO_RCVBUF && (unsigned)v > UNIX_BUF_MAX)
            v = UNIX_BUF_MAX;
        if (v < 0 || v > INT32_MAX / 2)
            v = INT32_MAX / 2;
        u->rcvbuf = SB_MAX(v * 2, UNIX_RCVBUF_MIN);
        break;
    case SO_PASSCRED:
        u->passcred = v != 0;
        break;
    case SO_REUSEADDR:
        u->reuseaddr = v != 0;
        break;
    case SO_KEEPALIVE:
        u->keepalive = v != 0;
        break;
    default:
        pthread_mutex_unlock(&u->lock);
        return -ENOPROTOOPT;
    }
    pthread_mutex_unlock(&u->lock);
    waitq_wake_all(&u->wq); /* a bigger buffer may let a writer on */
    return 0;
eperm:
    pthread_mutex_unlock(&u->lock);
    return -EPERM;
}

int unix_getsockopt(struct socket *s, int level, int name, void *val, size_t *len)
{
    struct unix_sock *u = unix_sk(s);
    size_t lv = sizeof(int);
    int v = 0, r = 0;

    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    pthread_mutex_lock(&u->lock);
    switch (name) {
    case SO_TYPE:
        v = s->type;
        break;
    case SO_DOMAIN:
        v = AF_UNIX;
        break;
    case SO_PROTOCOL:
        v = 0;
        break;
    case SO_ACCEPTCONN:
        v = u->state == US_LISTEN;
        break;
    case SO_ERROR:
        v = u->err;
        u->err = 0;
        break;
    case SO_SNDBUF:
        v = u->sndbuf;
        break;
    case SO_RCVBUF:
        v = u->rcvbuf;
        break;
    case SO_PASSCRED:
        v = u->passcred;
        break;
    case SO_REUSEADDR:
        v = u->reuseaddr;
        break;
    case SO_KEEPALIVE:
        v = u->keepalive;
        break;
    case SO_PEERCRED: {
        struct sock_ucred c = { 0, (uint32_t)-1, (uint32_t)-1 };
        if (u->has_peercred)
            c = u->peercred;
        memcpy(val, &c, sizeof(c));
        lv = sizeof(c);
        goto out;
    }
    case SO_LINGER: {
        struct linger l = { u->linger_on, u->linger_on ? u->linger_sec : 0 };
        if (!u->linger_on)
            l.l_linger = u->linger_sec;
        memcpy(val, &l, sizeof(l));
        lv = sizeof(l);
        goto out;
    }
    case SO_RCVTIMEO_OLD_:
    case SO_RCVTIMEO_NEW:
        lv = sock_timeo_put(u->rcvtimeo_ns, val); /* a negative one reads 0, as Linux */
        goto out;
    case SO_SNDTIMEO_OLD_:
    case SO_SNDTIMEO_NEW:
        lv = sock_timeo_put(u->sndtimeo_ns, val);
        goto out;
    default:
        r = -ENOPROTOOPT;
        goto out;
    }
    memcpy(val, &v, sizeof(v));
out:
    pthread_mutex_unlock(&u->lock);
    if (!r && *len > lv)
        *len = lv;
    return r;
}
