/* sentry/socket/netif.h: the sandbox's network view: its interfaces (only
 * `lo` in --network=none), the SIOCGIF* ioctls every socket answers,
 * AF_NETLINK route sockets, and the text of /proc/net/{dev,if_inet6}.
 *
 * The interface table is static and read-only: no locks. Netlink sockets
 * lock their own state (netlink_sock->lock, then waitq locks); the port id
 * table has nl_table_lock, taken before no socket lock.
 */
#ifndef SB_SENTRY_SOCKET_NETIF_H
#define SB_SENTRY_SOCKET_NETIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/cleanup.h"

struct task;
struct socket;

/* One address of an interface. */
struct netif_addr {
    int family;        /* AF_INET or AF_INET6 */
    uint8_t addr[16];  /* network order; 4 bytes used for AF_INET */
    int prefix;
    int scope;         /* RT_SCOPE_* */
};

struct netif {
    const char *name;
    int index;
    unsigned flags;    /* IFF_* as SIOCGIFFLAGS shows them */
    unsigned mtu;
    unsigned txqlen;
    unsigned short type; /* ARPHRD_* */
    uint8_t hwaddr[6];
    const char *qdisc;
    const char *operstate; /* sysfs text */
    int naddrs;
    const struct netif_addr *addrs;
};

int netif_count(void);
const struct netif *netif_at(int i);
const struct netif *netif_by_name(const char *name);
const struct netif *netif_by_index(int index);

/* SIOCGIF* / SIOCSIF* on a socket: *handled false when cmd is not one of
 * them (the caller goes on with its other ioctls). arg is the app's
 * pointer; the ifreq/ifconf are copied in and out here. */
long netif_ioctl(struct task *t, struct socket *s, unsigned cmd, uint64_t arg, bool *handled);

/* /proc/net/dev and /proc/net/if_inet6, line by line through emit. */
void netif_proc_dev(void (*emit)(void *arg, const char *line), void *arg);
void netif_proc_if_inet6(void (*emit)(void *arg, const char *line), void *arg);

/* AF_NETLINK (socket/netlink.c): NETLINK_ROUTE only. */
int netlink_create(int type, int protocol, bool kern, struct socket **out) SB_MUST_CHECK;

/* NETLINK_ROUTE (socket/netlink_route.c): answer one request message
 * (header checked: nlmsg_len within len, >= 16). Replies are appended to
 * the reply buffer by put(); returns 0 or -errno for an NLMSG_ERROR, or 1
 * when the request was a dump (no ACK follows it, as Linux). */
struct nl_reply {
    uint8_t *buf;
    size_t len, cap;
};
int netlink_route_request(const void *msg, size_t len, uint32_t portid, struct nl_reply *out);

#endif
