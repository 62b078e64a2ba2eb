/* sentry/socket/unix_impl.h: AF_UNIX internals shared by unix.c (state,
 * names, connections, options), unix_io.c (messages, ancillary data) and
 * unix_gc.c (in-flight files).
 *
 * A unix_sock is reference counted (unix_get/unix_put): its file holds one,
 * a connected peer one, each queued message one on its sender, an accept
 * queue entry one on its embryo. Its lock covers its state, peer pointer,
 * queue and options; wmem (bytes of its messages still queued anywhere) is
 * atomic, so a sender and a receiver never hold two socket locks at once.
 *
 * Lock order: unix_gc_lock -> unix_table_lock -> unix_sock->lock ->
 * waitq locks. Two socket locks nest only as listener -> its embryo (the
 * collector scanning an accept queue). Files in messages are put outside every lock
 * (unix_defer_put), so a socket freed by its last in-flight reference never
 * runs its release under a lock or recursively.
 */
#ifndef SB_SENTRY_SOCKET_UNIX_IMPL_H
#define SB_SENTRY_SOCKET_UNIX_IMPL_H

#include <pthread.h>
#include <sys/un.h>

#include "sentry/kernel/kernel.h"
#include "sentry/socket/socket.h"

#define UNIX_SHUT_RCV 1
#define UNIX_SHUT_SEND 2
#define UNIX_SHUT_BOTH 3

#define UNIX_SNDBUF_DEF 212992 /* net.core.wmem_default */
#define UNIX_RCVBUF_DEF 212992
#define UNIX_BUF_MAX 212992    /* what setsockopt clamps to (doubled after) */
#define UNIX_SNDBUF_MIN 4608
#define UNIX_RCVBUF_MIN 2304
#define UNIX_DGRAM_QLEN 10     /* net.unix.max_dgram_qlen */
#define UNIX_SOMAXCONN 4096
#define UNIX_MSG_OVERHEAD 256  /* per message, as skb truesize counts */
#define UNIX_STREAM_CHUNK (64 * 1024)

enum unix_state { US_CLOSE, US_LISTEN, US_ESTABLISHED };

struct unix_addr {
    int ref;
    size_t len;                 /* as getsockname reports it */
    struct sockaddr_un sun;
    bool abstract;
    uint64_t dev, ino;          /* pathname: the node's identity */
};

struct unix_sock;

struct unix_msg {
    struct unix_msg *next;
    struct unix_sock *sender;   /* reference; NULL for accept entries */
    struct unix_sock *embryo;   /* listener queue: a connection to accept */
    size_t len, off, truesize;
    struct sock_ucred cred;
    struct file **fds;          /* references */
    int nfds;
    uid_t fd_user;              /* whose in-flight count the fds are on */
    uint8_t data[];
};

struct unix_sock {
    struct socket sock;         /* first: a struct socket * is a unix_sock * */
    pthread_mutex_t lock;
    int ref;
    enum unix_state state;
    int shut;                   /* UNIX_SHUT_* */
    int err;                    /* SO_ERROR (positive) */
    bool dead;                  /* released */
    bool connecting;
    struct unix_sock *peer;     /* reference */
    struct unix_addr *addr;     /* reference */
    struct unix_msg *qhead, *qtail;
    int qlen;
    size_t qbytes;              /* unread payload */
    size_t wmem;                /* atomic: truesize of own messages queued */
    int backlog;                /* listen backlog, or the dgram queue limit */
    struct waitq wq;            /* every change: data, room, state */
    /* options */
    int sndbuf, rcvbuf;
    bool passcred, reuseaddr, keepalive;
    int linger_on, linger_sec;
    uint64_t rcvtimeo_ns, sndtimeo_ns;
    bool rcvtimeo_zero, sndtimeo_zero; /* negative timeval: never wait */
    bool has_peercred;
    struct sock_ucred peercred;
    /* in-flight accounting (unix_gc_lock) */
    int inflight;
    int gc_count;
    bool gc_candidate, gc_live;
    /* every socket (unix_table_lock), and the bound ones */
    struct unix_sock *all_next, *all_prev;
    struct unix_sock *bound_next;
};

static inline struct unix_sock *unix_sk(struct socket *s)
{
    return (struct unix_sock *)s;
}

struct unix_sock *unix_get(struct unix_sock *u);
void unix_put(struct unix_sock *u);
void unix_addr_put(struct unix_addr *a);
struct unix_addr *unix_addr_get(struct unix_addr *a);

extern pthread_mutex_t unix_table_lock;
extern pthread_mutex_t unix_gc_lock;
extern struct unix_sock *unix_all; /* unix_table_lock */

/* The credentials a message or a connection carries: the current task's. */
void unix_cur_creds(struct sock_ucred *c);
/* Find the socket an address names (a reference): -ECONNREFUSED, -ENOENT,
 * -EPROTOTYPE (type differs), -EACCES... */
int unix_find(const struct sockaddr_storage *addr, size_t len, int type,
              struct unix_sock **out) SB_MUST_CHECK;
/* Check an address for connect/sendto: -EINVAL when malformed. */
int unix_addr_check(const struct sockaddr_storage *addr, size_t len) SB_MUST_CHECK;
int unix_autobind(struct unix_sock *u) SB_MUST_CHECK;

/* Wait on wq until cond: 0, -EAGAIN (non-blocking or timed out),
 * -ERESTARTSYS / -EINTR (signal; EINTR when a timeout is set). */
int unix_wait(struct waitq *wq, bool (*cond)(void *), void *arg, bool nonblock,
              const struct timespec *deadline);
/* The deadline of a blocking call from SO_RCVTIMEO/SO_SNDTIMEO (NULL:
 * none); *nonblock set when the timeout says never to wait. */
const struct timespec *unix_deadline(struct unix_sock *u, bool send, bool *nonblock,
                                     struct timespec *buf);

/* Messages (unix_io.c). */
long unix_stream_sendmsg(struct socket *s, struct sock_msg *m, int flags);
long unix_stream_recvmsg(struct socket *s, struct sock_msg *m, int flags);
long unix_dgram_sendmsg(struct socket *s, struct sock_msg *m, int flags);
long unix_dgram_recvmsg(struct socket *s, struct sock_msg *m, int flags);
/* Free messages taken off a queue: senders' wmem, files, references. */
void unix_msgs_free(struct unix_msg *list);
void unix_msg_free(struct unix_msg *msg);

/* In-flight files and the collector (unix_gc.c). */
int unix_inflight_add(struct file **fds, int n, uid_t user) SB_MUST_CHECK;
void unix_inflight_del(struct file **fds, int n, uid_t user);
void unix_gc(void);
/* Put files outside locks, iteratively (a release may free more). */
void unix_defer_put(struct file *f);

#endif
