/* sentry/socket/socket.h: sockets as files: the family-independent layer.
 *
 * A socket is a file of sockfs (S_IFSOCK, "socket:[ino]") whose priv is a
 * struct socket; its family's sock_ops do the work. AF_UNIX lives entirely
 * in the Sentry (socket/unix*.c); AF_INET/AF_INET6 (socket/inet*.c) wrap
 * endpoints of the sandbox's netstack and register their creators with
 * sock_family_register at boot (inet_init).
 *
 * Data moves through a sock_iter: the application's iovecs (copied on
 * demand, -EFAULT for a bad pointer) or a Sentry buffer (file read/write,
 * splice). Ancillary data arrives parsed (struct sock_scm) and leaves as
 * objects the syscall layer turns into cmsgs.
 *
 * Lock order: unix_gc_lock -> unix_table_lock -> unix_sock->lock (one at a
 * time, never two socket locks together) -> waitq locks -> fdtable->lock.
 * inet: inet_sock->rlock -> inet_lock (the whole netstack) -> waitq locks
 * (see inet_impl.h); no unix and inet lock are ever held together.
 */
#ifndef SB_SENTRY_SOCKET_SOCKET_H
#define SB_SENTRY_SOCKET_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "sentry/vfs/vfs.h"

struct task;
struct poll_req;
struct socket;
struct mm;

/* Where the bytes of a send or receive are. */
struct sock_iter {
    struct mm *mm;            /* app iovecs; NULL: kbuf */
    const struct iovec *iov;  /* app iovecs (iov_base are app addresses) */
    int niov, idx;
    size_t off;               /* into iov[idx], or into kbuf */
    uint8_t *kbuf;
    size_t klen;
    size_t left;              /* bytes still to move */
};

void sock_iter_user(struct sock_iter *it, struct mm *mm, const struct iovec *iov, int niov,
                    size_t total);
void sock_iter_kernel(struct sock_iter *it, void *buf, size_t len);
/* Move n bytes (n <= it->left) between the iterator and buf; -EFAULT. */
int sock_iter_in(struct sock_iter *it, void *dst, size_t n) SB_MUST_CHECK;
int sock_iter_out(struct sock_iter *it, const void *src, size_t n) SB_MUST_CHECK;

#define SOCK_MAX_FDS 253 /* SCM_MAX_FD */

struct sock_ucred {
    int32_t pid;
    uint32_t uid, gid;
};

/* Ancillary data of one message. Files are references. */
struct sock_scm {
    struct file *fds[SOCK_MAX_FDS];
    int nfds;
    bool has_creds;          /* send: SCM_CREDENTIALS given; recv: to report */
    struct sock_ucred creds;
};
void sock_scm_release(struct sock_scm *scm);

/* One control message of a sendmsg buffer (struct cmsghdr, x86-64). */
#define SOCK_CM_HDR 16u
#define SOCK_CM_ALIGN(n) (((n) + 7) & ~(size_t)7)
struct sock_cmsg_in {
    int level, type;
    const uint8_t *data; /* cmsg_len - SOCK_CM_HDR bytes, unaligned */
    size_t len;
};
/* for_each_cmsghdr with CMSG_OK: 1 and the message at *off (which moves
 * on), 0 at the end, -EINVAL for a cmsg_len that is short or overruns. */
int sock_cmsg_next(const uint8_t *ctl, size_t clen, size_t *off, struct sock_cmsg_in *c)
    SB_MUST_CHECK;

/* recv: a control message a family reports besides SCM_RIGHTS and
 * SCM_CREDENTIALS (IP_PKTINFO, IPV6_PKTINFO, SCM_TIMESTAMP...), laid out by
 * the family, in the order it reports them. */
#define SOCK_CMSG_MAX 12
struct sock_cmsg {
    int level, type;
    size_t len;
    uint8_t data[40];
};

/* A send or receive: data, an address, ancillary data, flags. */
struct sock_msg {
    struct sock_iter it;
    /* send: the destination (namelen 0: none); recv: the source, namelen
     * set to its real length (0: none). */
    struct sockaddr_storage name;
    size_t namelen;
    bool want_name;
    struct sock_scm *scm;    /* send: NULL if none; recv: filled */
    /* send, AF_INET/AF_INET6 only: the app's control bytes, unparsed
     * (sock_cmsg_next walks them); scm is NULL then. */
    const uint8_t *ctl;
    size_t ctllen;
    int out_flags;           /* recv: MSG_TRUNC, MSG_CTRUNC... */
    struct sock_cmsg cmsgs[SOCK_CMSG_MAX]; /* recv: want_cmsgs set by recvmsg */
    int ncmsgs;
    bool want_cmsgs;
};

struct sock_ops {
    int (*bind)(struct socket *s, const struct sockaddr_storage *addr, size_t len);
    int (*connect)(struct socket *s, const struct sockaddr_storage *addr, size_t len);
    int (*listen)(struct socket *s, int backlog);
    /* A new socket (its file made by the caller with file flags). */
    int (*accept)(struct socket *s, struct socket **out, bool nonblock);
    int (*getname)(struct socket *s, struct sockaddr_storage *addr, size_t *len, bool peer);
    long (*sendmsg)(struct socket *s, struct sock_msg *m, int flags);
    long (*recvmsg)(struct socket *s, struct sock_msg *m, int flags);
    int (*shutdown)(struct socket *s, int how);
    int (*setsockopt)(struct socket *s, int level, int name, const void *val, size_t len);
    /* *len in: the caller's room; out: the length to report. */
    int (*getsockopt)(struct socket *s, int level, int name, void *val, size_t *len);
    unsigned (*poll)(struct socket *s, struct poll_req *pr);
    long (*ioctl)(struct socket *s, unsigned cmd, int *out);
    void (*release)(struct socket *s);
};

struct socket {
    int family, type, protocol;
    const struct sock_ops *ops;
    struct file *file; /* the file this socket is (no reference); NULL until made */
    uint64_t ino;
};

/* A family's socket(2): a new socket of type/protocol (type without flags). */
typedef int (*sock_create_fn)(int type, int protocol, bool kern, struct socket **out);
void sock_family_register(int family, sock_create_fn create);
int sock_create(int family, int type, int protocol, struct socket **out) SB_MUST_CHECK;

/* The file of a socket (status flags: O_NONBLOCK), one reference. */
struct file *sock_file_new(struct socket *s, int flags);
/* The socket behind f, or NULL if f is not one. */
struct socket *sock_of(struct file *f);
uint64_t sock_new_ino(void);

/* A datagram from the kernel (nl_pid 0) on the netlink socket f (mq_notify's
 * SIGEV_THREAD cookie): -ENOTSOCK if f is no socket, -EINVAL if not a
 * netlink one. data NULL: only the check. */
int netlink_kernel_send(struct file *f, const void *data, size_t len);

/* O_NONBLOCK of the socket's file. */
bool sock_nonblock(struct socket *s);

/* read/write/readv/writev on a socket file: a recvmsg/sendmsg with no
 * address and no ancillary data (keeps message boundaries). */
long sock_rw(struct task *t, struct file *f, const struct iovec *iov, int niov, bool wr);

/* SO_RCVTIMEO/SO_SNDTIMEO values (a 64-bit timeval, old and new names
 * alike). parse: *ns the timeout (0: none), *zero for a negative one
 * (never wait, as Linux); -EINVAL short, -EDOM bad usec. put: ns as a
 * timeval into val, its size returned. */
int sock_timeo_parse(const void *val, size_t len, uint64_t *ns, bool *zero);
size_t sock_timeo_put(uint64_t ns, void *val);

/* A deadline from a timeout (NULL when none); nonblock gives now. */
const struct timespec *sock_deadline(uint64_t timeo_ns, struct timespec *buf);

/* AF_UNIX (socket/unix.c). */
int unix_create(int type, int protocol, bool kern, struct socket **out) SB_MUST_CHECK;
int unix_socketpair(int type, int protocol, struct socket **a, struct socket **b) SB_MUST_CHECK;
/* /proc/net/unix: the sandbox's unix sockets, appended to a buffer by fn. */
void unix_proc_net(void (*emit)(void *arg, const char *line), void *arg);
/* Is f an AF_UNIX socket file (fd passing GC)? */
bool unix_file_is(struct file *f);

/* AF_INET/AF_INET6 on the sandbox's netstack (socket/inet.c): make the
 * stack and its timer thread (before the seccomp lock-down), register the
 * families. */
int inet_init(void) SB_MUST_CHECK;
/* /proc/net/{tcp,tcp6,udp,udp6} (which: enum ns_procnet), like snprintf. */
size_t inet_proc_net(int which, char *buf, size_t len);
/* Packets through lo, for /proc/net/dev. */
void inet_lo_stats(uint64_t *rx_pkts, uint64_t *tx_pkts);

#endif
