/* sentry/socket/unix.c: AF_UNIX sockets: creation, names (pathname,
 * abstract, autobind), connections, shutdown, readiness and release.
 *
 * Pathname sockets: bind makes an S_IFSOCK node through the directory's
 * mknod, whatever file system it is on (tmpfs, overlay, a Gofer mount where
 * the host only holds the name); the socket stays here, found again by the
 * node's (st_dev, st_ino) in the bound list. Abstract names are a namespace
 * of the sandbox. Messages and ancillary data are in unix_io.c. */
#include "sentry/socket/unix_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/inotify.h>
#include <sys/mount.h>

#include "lib/xalloc.h"

#ifndef POLLRDHUP
#define POLLRDHUP 0x2000
#endif

pthread_mutex_t unix_table_lock = PTHREAD_MUTEX_INITIALIZER;
struct unix_sock *unix_all;         /* unix_table_lock */
static struct unix_sock *unix_bound; /* unix_table_lock */
static unsigned autobind_next;       /* unix_table_lock */

static const struct sock_ops unix_stream_ops, unix_msg_ops;
static void release_sock(struct unix_sock *u, bool embryo);

struct unix_sock *unix_get(struct unix_sock *u)
{
    __atomic_add_fetch(&u->ref, 1, __ATOMIC_RELAXED);
    return u;
}

struct unix_addr *unix_addr_get(struct unix_addr *a)
{
    __atomic_add_fetch(&a->ref, 1, __ATOMIC_RELAXED);
    return a;
}

void unix_addr_put(struct unix_addr *a)
{
    if (a && !__atomic_sub_fetch(&a->ref, 1, __ATOMIC_ACQ_REL))
        free(a);
}

void unix_put(struct unix_sock *u)
{
    if (!u || __atomic_sub_fetch(&u->ref, 1, __ATOMIC_ACQ_REL))
        return;
    SB_BUG_ON(u->qhead || u->peer);
    unix_addr_put(u->addr);
    pthread_mutex_destroy(&u->lock);
    free(u);
}

void unix_cur_creds(struct sock_ucred *c)
{
    struct task *t = current_task;

    c->pid = t ? t->proc->tgid : 0;
    c->uid = t ? t->cred.euid : 0;
    c->gid = t ? t->cred.egid : 0;
}

static struct unix_sock *unix_alloc(int type)
{
    struct unix_sock *u = xzalloc(sizeof(*u));

    u->ref = 1;
    u->sock.family = AF_UNIX;
    u->sock.type = type;
    u->sock.ops = type == SOCK_STREAM ? &unix_stream_ops : &unix_msg_ops;
    u->sock.ino = sock_new_ino();
    pthread_mutex_init(&u->lock, NULL);
    waitq_init(&u->wq);
    u->sndbuf = UNIX_SNDBUF_DEF;
    u->rcvbuf = UNIX_RCVBUF_DEF;
    u->backlog = UNIX_DGRAM_QLEN;
    pthread_mutex_lock(&unix_table_lock);
    u->all_next = unix_all;
    if (unix_all)
        unix_all->all_prev = u;
    unix_all = u;
    pthread_mutex_unlock(&unix_table_lock);
    return u;
}

int unix_create(int type, int protocol, bool kern, struct socket **out)
{
    if (protocol && protocol != AF_UNIX)
        return -EPROTONOSUPPORT;
    switch (type) {
    case SOCK_RAW:
        type = SOCK_DGRAM; /* as Linux */
        break;
    case SOCK_STREAM:
    case SOCK_DGRAM:
    case SOCK_SEQPACKET:
        break;
    default:
        return -ESOCKTNOSUPPORT;
    }
    *out = &unix_alloc(type)->sock;
    return 0;
}

int unix_socketpair(int type, int protocol, struct socket **a, struct socket **b)
{
    struct unix_sock *x, *y;
    int r;

    if ((r = unix_create(type, protocol, false, a)))
        return r;
    if ((r = unix_create(type, protocol, false, b))) {
        (*a)->ops->release(*a);
        return r;
    }
    x = unix_sk(*a);
    y = unix_sk(*b);
    x->peer = unix_get(y);
    y->peer = unix_get(x);
    if (type != SOCK_DGRAM) {
        x->state = y->state = US_ESTABLISHED;
        unix_cur_creds(&x->peercred);
        y->peercred = x->peercred;
        x->has_peercred = y->has_peercred = true;
    }
    return 0;
}

bool unix_file_is(struct file *f)
{
    struct socket *s = sock_of(f);
    return s && s->family == AF_UNIX;
}

/* ---- waiting ---- */

const struct timespec *unix_deadline(struct unix_sock *u, bool send, bool *nonblock,
                                     struct timespec *buf)
{
    if (send ? u->sndtimeo_zero : u->rcvtimeo_zero)
        *nonblock = true;
    return sock_deadline(send ? u->sndtimeo_ns : u->rcvtimeo_ns, buf);
}

int unix_wait(struct waitq *wq, bool (*cond)(void *), void *arg, bool nonblock,
              const struct timespec *deadline)
{
    int r;

    if (cond(arg))
        return 0;
    if (nonblock || !current_task)
        return -EAGAIN;
    r = task_wait_event(current_task, wq, cond, arg, deadline);
    if (r == -ETIMEDOUT)
        return -EAGAIN;
    if (r == -ERESTARTSYS && deadline)
        return -EINTR; /* a timeout set: no restart, as Linux */
    return r;
}

/* ---- names ---- */

int unix_addr_check(const struct sockaddr_storage *addr, size_t len)
{
    if (len < offsetof(struct sockaddr_un, sun_path) || len > sizeof(struct sockaddr_un))
        return -EINVAL;
    if (addr->ss_family != AF_UNIX)
        return -EINVAL;
    return 0;
}

/* The pathname in addr (cut at len or its NUL) into path. */
static void addr_path(const struct sockaddr_storage *addr, size_t len, char *path)
{
    size_t n = len - offsetof(struct sockaddr_un, sun_path);
    const struct sockaddr_un *sun = (const struct sockaddr_un *)addr;

    memcpy(path, sun->sun_path, n);
    path[n] = 0;
}

static struct unix_sock *bound_find_abstract(const struct sockaddr_storage *addr, size_t len)
{
    for (struct unix_sock *u = unix_bound; u; u = u->bound_next)
        if (u->addr->abstract && u->addr->len == len && !memcmp(&u->addr->sun, addr, len))
            return u;
    return NULL;
}

static struct unix_sock *bound_find_node(uint64_t dev, uint64_t ino)
{
    for (struct unix_sock *u = unix_bound; u; u = u->bound_next)
        if (!u->addr->abstract && u->addr->dev == dev && u->addr->ino == ino)
            return u;
    return NULL;
}

static void bound_remove(struct unix_sock *u)
{
    for (struct unix_sock **pp = &unix_bound; *pp; pp = &(*pp)->bound_next)
        if (*pp == u) {
            *pp = u->bound_next;
            u->bound_next = NULL;
            return;
        }
}

/* Give u the address a (unix_table_lock held): -EINVAL if u has one. */
static int set_addr(struct unix_sock *u, struct unix_addr *a)
{
    int r = 0;

    pthread_mutex_lock(&u->lock);
    if (u->addr || u->dead)
        r = -EINVAL;
    else
        u->addr = a;
    pthread_mutex_unlock(&u->lock);
    if (!r) {
        u->bound_next = unix_bound;
        unix_bound = u;
    }
    return r;
}

int unix_autobind(struct unix_sock *u)
{
    struct unix_addr *a;
    int r = 0;

    pthread_mutex_lock(&unix_table_lock);
    if (u->addr) {
        pthread_mutex_unlock(&unix_table_lock);
        return 0;
    }
    if (!autobind_next) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        autobind_next = (unsigned)(ts.tv_nsec ^ ts.tv_sec) & 0xfffff;
    }
    a = xzalloc(sizeof(*a));
    a->ref = 1;
    a->abstract = true;
    a->sun.sun_family = AF_UNIX;
    a->len = offsetof(struct sockaddr_un, sun_path) + 6;
    for (unsigned tries = 0;; tries++) {
        char name[8];
        if (tries > 0xfffff) {
            r = -ENOSPC;
            break;
        }
        snprintf(name, sizeof(name), "%05x", autobind_next++ & 0xfffff);
        memcpy(a->sun.sun_path + 1, name, 5);
        if (!bound_find_abstract((struct sockaddr_storage *)&a->sun, a->len))
            break;
    }
    if (!r && set_addr(u, a))
        r = 0; /* bound meanwhile: fine */
    else if (!r)
        a = NULL;
    pthread_mutex_unlock(&unix_table_lock);
    unix_addr_put(a);
    return r;
}

static int bind_abstract(struct unix_sock *u, const struct sockaddr_storage *addr, size_t len)
{
    struct unix_addr *a = xzalloc(sizeof(*a));
    int r;

    a->ref = 1;
    a->abstract = true;
    a->len = len;
    memcpy(&a->sun, addr, len);
    pthread_mutex_lock(&unix_table_lock);
    if (bound_find_abstract(addr, len))
        r = -EADDRINUSE;
    else
        r = set_addr(u, a);
    pthread_mutex_unlock(&unix_table_lock);
    if (r)
        unix_addr_put(a);
    return r;
}

static int bind_path(struct unix_sock *u, const struct sockaddr_storage *addr, size_t len)
{
    struct task *t = current_task;
    char path[sizeof(struct sockaddr_un) + 1], last[VFS_NAME_MAX + 1];
    struct vpath parent, node;
    struct unix_addr *a;
    struct stat st;
    struct unix_sock *stale;
    int r;

    addr_path(addr, len, path);
    r = vfs_walk_parent(t->fs, NULL, path, &parent, last);
    if (r)
        return r;
    if (parent.d->dead) {
        vpath_put(&parent);
        return -ENOENT;
    }
    if (!last[0] || !strcmp(last, ".") || !strcmp(last, "..") ||
        vfs_walk(t->fs, &parent, last, 0, &node) == 0) {
        if (last[0] && strcmp(last, ".") && strcmp(last, ".."))
            vpath_put(&node);
        vpath_put(&parent);
        return -EADDRINUSE;
    }
    if (parent.mnt->flags & MS_RDONLY)
        r = -EROFS;
    else if (!parent.d->inode->iops->mknod)
        r = -EPERM;
    else
        r = vfs_permission(parent.d->inode, MAY_WRITE | MAY_EXEC);
    if (!r && __atomic_load_n(&u->addr, __ATOMIC_ACQUIRE))
        r = -EINVAL;
    if (!r)
        r = parent.d->inode->iops->mknod(parent.d->inode, last,
                                          S_IFSOCK | (0777 & ~t->fs->umask), 0);
    if (r) {
        vpath_put(&parent);
        return r;
    }
    vfs_notify(parent.d->inode, IN_CREATE, last, 0);
    r = vfs_walk(t->fs, &parent, last, 0, &node);
    vpath_put(&parent);
    if (r)
        return r;
    r = vfs_getattr(node.d->inode, &st);
    vpath_put(&node);
    if (r)
        return r;
    a = xzalloc(sizeof(*a));
    a->ref = 1;
    a->len = offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
    a->sun.sun_family = AF_UNIX;
    memcpy(a->sun.sun_path, path, strlen(path));
    a->dev = st.st_dev;
    a->ino = st.st_ino;
    pthread_mutex_lock(&unix_table_lock);
    /* A socket bound to a node since unlinked whose number came back. */
    while ((stale = bound_find_node(a->dev, a->ino)))
        bound_remove(stale);
    r = set_addr(u, a);
    pthread_mutex_unlock(&unix_table_lock);
    if (r)
        unix_addr_put(a);
    return r;
}

static int u_bind(struct socket *s, const struct sockaddr_storage *addr, size_t len)
{
    struct unix_sock *u = unix_sk(s);
    int r;

    if (len == offsetof(struct sockaddr_un, sun_path) && addr->ss_family == AF_UNIX)
        return unix_autobind(u);
    if ((r = unix_addr_check(addr, len)))
        return r;
    if (((const struct sockaddr_un *)addr)->sun_path[0] == 0)
        return bind_abstract(u, addr, len);
    return bind_path(u, addr, len);
}

int unix_find(const struct sockaddr_storage *addr, size_t len, int type, struct unix_sock **out)
{
    const struct sockaddr_un *sun = (const struct sockaddr_un *)addr;
    struct unix_sock *u;
    int r = 0;

    if (sun->sun_path[0] == 0) {
        pthread_mutex_lock(&unix_table_lock);
        u = bound_find_abstract(addr, len);
        if (u)
            unix_get(u);
        pthread_mutex_unlock(&unix_table_lock);
    } else {
        struct task *t = current_task;
        char path[sizeof(struct sockaddr_un) + 1];
        struct vpath node;
        struct stat st;

        addr_path(addr, len, path);
        if (!path[0])
            return -ENOENT;
        if ((r = vfs_walk(t->fs, NULL, path, WALK_FOLLOW, &node)))
            return r;
        r = vfs_permission(node.d->inode, MAY_WRITE);
        if (!r && !S_ISSOCK(node.d->inode->mode))
            r = -ECONNREFUSED;
        if (!r)
            r = vfs_getattr(node.d->inode, &st);
        vpath_put(&node);
        if (r)
            return r;
        pthread_mutex_lock(&unix_table_lock);
        u = bound_find_node(st.st_dev, st.st_ino);
        if (u)
            unix_get(u);
        pthread_mutex_unlock(&unix_table_lock);
    }
    if (!u)
        return -ECONNREFUSED;
    if (u->sock.type != type) {
        unix_put(u);
        return -EPROTOTYPE;
    }
    *out = u;
    return 0;
}

static int u_getname(struct socket *s, struct sockaddr_storage *addr, size_t *len, bool peer)
{
    struct unix_sock *u = unix_sk(s), *p = NULL;
    struct unix_addr *a = NULL;

    pthread_mutex_lock(&u->lock);
    if (peer) {
        p = u->peer ? unix_get(u->peer) : NULL;
        /* A stream peer counts only while connected. */
        if (p && u->sock.type != SOCK_DGRAM && u->state != US_ESTABLISHED) {
            unix_put(p);
            p = NULL;
        }
    } else if (u->addr) {
        a = unix_addr_get(u->addr);
    }
    pthread_mutex_unlock(&u->lock);
    if (peer) {
        if (!p)
            return -ENOTCONN;
        pthread_mutex_lock(&p->lock);
        a = p->addr ? unix_addr_get(p->addr) : NULL;
        pthread_mutex_unlock(&p->lock);
        unix_put(p);
    }
    memset(addr, 0, sizeof(*addr));
    addr->ss_family = AF_UNIX;
    *len = offsetof(struct sockaddr_un, sun_path);
    if (a) {
        memcpy(addr, &a->sun, a->len);
        *len = a->len;
        unix_addr_put(a);
    }
    return 0;
}

/* ---- connections ---- */

static int u_listen(struct socket *s, int backlog)
{
    struct unix_sock *u = unix_sk(s);
    int r = 0;

    if (s->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    if ((unsigned)backlog > UNIX_SOMAXCONN)
        backlog = UNIX_SOMAXCONN;
    pthread_mutex_lock(&u->lock);
    if (!u->addr)
        r = -EINVAL;
    else if (u->state != US_CLOSE && u->state != US_LISTEN)
        r = -EINVAL;
    else {
        u->backlog = backlog;
        u->state = US_LISTEN;
        unix_cur_creds(&u->peercred); /* what connecting clients will see */
        u->has_peercred = true;
    }
    pthread_mutex_unlock(&u->lock);
    waitq_wake_all(&u->wq);
    return r;
}

static bool backlog_room(void *arg)
{
    struct unix_sock *l = arg;
    return l->dead || l->qlen <= l->backlog;
}

static int stream_connect(struct unix_sock *u, const struct sockaddr_storage *addr, size_t len)
{
    struct unix_sock *other, *n;
    struct unix_msg *entry;
    struct sock_ucred lcred;
    struct timespec dlbuf;
    const struct timespec *dl;
    bool nonblock = sock_nonblock(&u->sock), embryo_used = false;
    int r, state_err = 0;

    if ((r = unix_addr_check(addr, len)))
        return r;
    if (u->passcred && (r = unix_autobind(u)))
        return r;
    dl = unix_deadline(u, true, &nonblock, &dlbuf);
    pthread_mutex_lock(&u->lock);
    if (u->state == US_ESTABLISHED)
        state_err = -EISCONN;
    else if (u->state != US_CLOSE || u->connecting)
        state_err = -EINVAL;
    else
        u->connecting = true;
    pthread_mutex_unlock(&u->lock);
    n = unix_alloc(u->sock.type);

    for (;;) {
        if ((r = unix_find(addr, len, u->sock.type, &other)))
            goto out;
        pthread_mutex_lock(&other->lock);
        if (other->dead) {
            pthread_mutex_unlock(&other->lock);
            unix_put(other);
            continue;
        }
        if (other->state != US_LISTEN || (other->shut & UNIX_SHUT_RCV)) {
            r = -ECONNREFUSED;
            break;
        }
        if (other->qlen > other->backlog) {
            pthread_mutex_unlock(&other->lock);
            r = unix_wait(&other->wq, backlog_room, other, nonblock, dl);
            unix_put(other);
            if (r)
                goto out;
            continue;
        }
        r = state_err;
        break;
    }
    if (r) {
        pthread_mutex_unlock(&other->lock);
        unix_put(other);
        goto out;
    }
    embryo_used = true;
    /* The embryo (made before any socket lock: unix_alloc takes the
     * table lock): the server's end, queued for accept. */
    n->state = US_ESTABLISHED;
    n->peer = unix_get(u);
    n->addr = other->addr ? unix_addr_get(other->addr) : NULL;
    n->sndbuf = other->sndbuf;
    n->rcvbuf = other->rcvbuf;
    n->passcred = other->passcred;
    unix_cur_creds(&n->peercred);
    n->has_peercred = true;
    entry = xzalloc(sizeof(*entry));
    entry->embryo = n; /* the queue's reference */
    if (other->qtail)
        other->qtail->next = entry;
    else
        other->qhead = entry;
    other->qtail = entry;
    other->qlen++;
    lcred = other->peercred;
    pthread_mutex_unlock(&other->lock);
    waitq_wake_all(&other->wq);
    unix_put(other);

    pthread_mutex_lock(&u->lock);
    u->peercred = lcred;
    u->has_peercred = true;
    u->peer = unix_get(n);
    u->state = US_ESTABLISHED;
    u->connecting = false;
    pthread_mutex_unlock(&u->lock);
    waitq_wake_all(&u->wq);
    return 0;
out:
    if (!embryo_used) {
        release_sock(n, false);
        unix_put(n);
    }
    if (!state_err) {
        pthread_mutex_lock(&u->lock);
        u->connecting = false;
        pthread_mutex_unlock(&u->lock);
    }
    return r;
}

/* Drop u's dgram peer (connect to another, AF_UNSPEC, peer gone). */
static void dgram_disconnect(struct unix_sock *u, struct unix_sock *only)
{
    struct unix_sock *old;

    pthread_mutex_lock(&u->lock);
    old = u->peer;
    if (only && old != only)
        old = NULL;
    else
        u->peer = NULL;
    if (old)
        u->state = US_CLOSE;
    pthread_mutex_unlock(&u->lock);
    if (old) {
        waitq_wake_all(&old->wq);
        unix_put(old);
    }
}

static int dgram_connect(struct unix_sock *u, const struct sockaddr_storage *addr, size_t len)
{
    struct unix_sock *other, *old;
    int r;

    if (len < sizeof(sa_family_t))
        return -EINVAL;
    if (addr->ss_family == AF_UNSPEC) {
        dgram_disconnect(u, NULL);
        return 0;
    }
    if ((r = unix_addr_check(addr, len)))
        return r;
    if (u->passcred && (r = unix_autobind(u)))
        return r;
    if ((r = unix_find(addr, len, u->sock.type, &other)))
        return r;
    pthread_mutex_lock(&other->lock);
    if (other->peer && other->peer != u)
        r = -EPERM; /* it talks only to its own peer */
    else if (other->dead)
        r = -ECONNREFUSED;
    pthread_mutex_unlock(&other->lock);
    if (r) {
        unix_put(other);
        return r;
    }
    pthread_mutex_lock(&u->lock);
    old = u->peer;
    u->peer = other; /* find's reference */
    u->state = US_ESTABLISHED;
    pthread_mutex_unlock(&u->lock);
    if (old) {
        waitq_wake_all(&old->wq);
        unix_put(old);
    }
    return 0;
}

static int u_connect(struct socket *s, const struct sockaddr_storage *addr, size_t len)
{
    if (s->type == SOCK_DGRAM)
        return dgram_connect(unix_sk(s), addr, len);
    return stream_connect(unix_sk(s), addr, len);
}

static bool accept_ready(void *arg)
{
    struct unix_sock *u = arg;
    return u->qhead || u->dead || (u->shut & UNIX_SHUT_RCV) || u->state != US_LISTEN;
}

static int u_accept(struct socket *s, struct socket **out, bool nonblock)
{
    struct unix_sock *u = unix_sk(s), *n;
    struct unix_msg *e;
    struct timespec dlbuf;
    const struct timespec *dl;
    int r;

    if (s->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    dl = unix_deadline(u, false, &nonblock, &dlbuf);
    for (;;) {
        pthread_mutex_lock(&u->lock);
        if (u->state != US_LISTEN) {
            pthread_mutex_unlock(&u->lock);
            return -EINVAL;
        }
        if ((e = u->qhead)) {
            u->qhead = e->next;
            if (!u->qhead)
                u->qtail = NULL;
            u->qlen--;
            pthread_mutex_unlock(&u->lock);
            break;
        }
        if (u->shut & UNIX_SHUT_RCV) {
            pthread_mutex_unlock(&u->lock);
            return -EINVAL;
        }
        pthread_mutex_unlock(&u->lock);
        if ((r = unix_wait(&u->wq, accept_ready, u, nonblock, dl)))
            return r;
    }
    waitq_wake_all(&u->wq); /* room in the backlog */
    n = e->embryo;
    free(e);
    *out = &n->sock;
    return 0;
}

static int u_shutdown(struct socket *s, int how)
{
    struct unix_sock *u = unix_sk(s), *p;
    int mode;

    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    mode = how + 1; /* SHUT_RD -> RCV, SHUT_WR -> SEND */
    pthread_mutex_lock(&u->lock);
    u->shut |= mode;
    p = u->peer ? unix_get(u->peer) : NULL;
    pthread_mutex_unlock(&u->lock);
    waitq_wake_all(&u->wq);
    if (p && s->type != SOCK_DGRAM) {
        int pm = ((mode & UNIX_SHUT_RCV) ? UNIX_SHUT_SEND : 0) |
                 ((mode & UNIX_SHUT_SEND) ? UNIX_SHUT_RCV : 0);
        pthread_mutex_lock(&p->lock);
        p->shut |= pm;
        pthread_mutex_unlock(&p->lock);
        waitq_wake_all(&p->wq);
    }
    unix_put(p);
    return 0;
}

/* ---- readiness ---- */

static unsigned u_poll(struct socket *s, struct poll_req *pr)
{
    struct unix_sock *u = unix_sk(s), *p = NULL;
    unsigned m = 0;
    bool writable;

    if (pr)
        poll_wait(pr, &u->wq);
    pthread_mutex_lock(&u->lock);
    if (u->err)
        m |= POLLERR;
    if (u->shut == UNIX_SHUT_BOTH)
        m |= POLLHUP;
    if (u->shut & UNIX_SHUT_RCV)
        m |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (u->qhead)
        m |= POLLIN | POLLRDNORM;
    if (s->type != SOCK_DGRAM && u->state == US_CLOSE)
        m |= POLLHUP;
    writable = u->state != US_LISTEN &&
               __atomic_load_n(&u->wmem, __ATOMIC_RELAXED) * 4 <= (size_t)u->sndbuf;
    if (writable && s->type == SOCK_DGRAM && u->peer)
        p = unix_get(u->peer);
    pthread_mutex_unlock(&u->lock);
    if (p) {
        /* A dgram sender waits for room in its peer's queue. */
        if (pr)
            poll_wait(pr, &p->wq);
        pthread_mutex_lock(&p->lock);
        if (p->peer != u && p->qlen > p->backlog)
            writable = false;
        pthread_mutex_unlock(&p->lock);
        unix_put(p);
    }
    if (writable)
        m |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return m;
}

static long u_ioctl(struct socket *s, unsigned cmd, int *out)
{
    struct unix_sock *u = unix_sk(s);
    long r = 0;

    switch (cmd) {
    case SIOCINQ:
        pthread_mutex_lock(&u->lock);
        if (u->state == US_LISTEN)
            r = -EINVAL;
        else if (s->type == SOCK_DGRAM)
            *out = u->qhead ? (int)u->qhead->len : 0;
        else
            *out = (int)u->qbytes;
        pthread_mutex_unlock(&u->lock);
        return r;
    case SIOCOUTQ:
        *out = (int)__atomic_load_n(&u->wmem, __ATOMIC_RELAXED);
        return 0;
    }
    return -ENOTTY;
}

/* ---- release ---- */

static void release_sock(struct unix_sock *u, bool embryo)
{
    struct unix_sock *p;
    struct unix_msg *q;
    bool had_data;

    pthread_mutex_lock(&unix_table_lock);
    if (u->addr)
        bound_remove(u);
    if (u->all_prev)
        u->all_prev->all_next = u->all_next;
    else if (unix_all == u)
        unix_all = u->all_next;
    if (u->all_next)
        u->all_next->all_prev = u->all_prev;
    u->all_next = u->all_prev = NULL;
    pthread_mutex_unlock(&unix_table_lock);

    pthread_mutex_lock(&u->lock);
    u->dead = true;
    u->shut = UNIX_SHUT_BOTH;
    u->state = US_CLOSE;
    p = u->peer;
    u->peer = NULL;
    q = u->qhead;
    had_data = q != NULL;
    u->qhead = u->qtail = NULL;
    u->qlen = 0;
    u->qbytes = 0;
    u->sock.file = NULL;
    pthread_mutex_unlock(&u->lock);
    waitq_wake_all(&u->wq);

    if (p) {
        if (u->sock.type != SOCK_DGRAM) {
            pthread_mutex_lock(&p->lock);
            p->shut = UNIX_SHUT_BOTH;
            if (had_data || embryo)
                p->err = ECONNRESET;
            pthread_mutex_unlock(&p->lock);
        }
        waitq_wake_all(&p->wq);
        unix_put(p);
    }
    /* Connections never accepted go with their listener. */
    for (struct unix_msg *m = q, *next; m; m = next) {
        next = m->next;
        if (m->embryo) {
            release_sock(m->embryo, true);
            unix_put(m->embryo);
            m->next = NULL;
            free(m);
        } else {
            m->next = NULL;
            unix_msgs_free(m);
        }
    }
    unix_gc(); /* cycles of in-flight sockets this one may have closed */
}

static void u_release(struct socket *s)
{
    struct unix_sock *u = unix_sk(s);

    release_sock(u, false);
    unix_put(u);
}

/* ---- /proc/net/unix ---- */

void unix_proc_net(void (*emit)(void *arg, const char *line), void *arg)
{
    char line[256 + sizeof(struct sockaddr_un) * 2];

    emit(arg, "Num       RefCount Protocol Flags    Type St Inode Path\n");
    pthread_mutex_lock(&unix_table_lock);
    for (struct unix_sock *u = unix_all; u; u = u->all_next) {
        int n;
        pthread_mutex_lock(&u->lock);
        n = snprintf(line, sizeof(line), "%016x: %08X %08X %08X %04X %02X %5lu", 0,
                     (unsigned)__atomic_load_n(&u->ref, __ATOMIC_RELAXED) + 1, 0,
                     u->state == US_LISTEN ? 0x10000 : 0, u->sock.type,
                     u->state == US_ESTABLISHED ? 3 : 1, (unsigned long)u->sock.ino);
        if (u->addr) {
            size_t plen = u->addr->len - offsetof(struct sockaddr_un, sun_path);
            line[n++] = ' ';
            if (u->addr->abstract) {
                line[n++] = '@';
                for (size_t i = 1; i < plen; i++)
                    line[n++] = u->addr->sun.sun_path[i] ? u->addr->sun.sun_path[i] : '@';
            } else {
                memcpy(line + n, u->addr->sun.sun_path, plen - 1);
                n += (int)plen - 1;
            }
        }
        line[n++] = '\n';
        line[n] = 0;
        pthread_mutex_unlock(&u->lock);
        emit(arg, line);
    }
    pthread_mutex_unlock(&unix_table_lock);
}

/* ---- options ---- */

int unix_setsockopt(struct socket *s, int level, int name, const void *val, size_t len);
int unix_getsockopt(struct socket *s, int level, int name, void *val, size_t *len);

static const struct sock_ops unix_stream_ops = {
    .bind = u_bind,
    .connect = u_connect,
    .listen = u_listen,
    .accept = u_accept,
    .getname = u_getname,
    .sendmsg = unix_stream_sendmsg,
    .recvmsg = unix_stream_recvmsg,
    .shutdown = u_shutdown,
    .setsockopt = unix_setsockopt,
    .getsockopt = unix_getsockopt,
    .poll = u_poll,
    .ioctl = u_ioctl,
    .release = u_release,
};

/* Datagram and seqpacket: message boundaries kept; the type decides the
 * rest inside unix_dgram_*. */
static const struct sock_ops unix_msg_ops = {
    .bind = u_bind,
    .connect = u_connect,
    .listen = u_listen,
    .accept = u_accept,
    .getname = u_getname,
    .sendmsg = unix_dgram_sendmsg,
    .recvmsg = unix_dgram_recvmsg,
    .shutdown = u_shutdown,
    .setsockopt = unix_setsockopt,
    .getsockopt = unix_getsockopt,
    .poll = u_poll,
    .ioctl = u_ioctl,
    .release = u_release,
};
