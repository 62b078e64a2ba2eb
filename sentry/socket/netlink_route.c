/* sentry/socket/netlink_route.c: NETLINK_ROUTE requests answered from the
 * interface table: RTM_GETLINK (dump, or one link by index or name),
 * RTM_GETADDR (dump, filtered by family), and empty dumps of the tables
 * the sandbox has nothing in (routes, neighbours, rules). Changes
 * (RTM_NEW*, RTM_DEL*, RTM_SET*) answer EPERM: the view is fixed.
 *
 * The request bytes are the application's: every length is checked
 * before it is used. */
#include "sentry/socket/netif.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/xalloc.h"

#define NL_REPLY_MAX (1u << 20) /* a bound on one answer, far above lo's */

static int reply_grow(struct nl_reply *out, size_t n)
{
    if (n > NL_REPLY_MAX || out->len > NL_REPLY_MAX - n)
        return -ENOBUFS;
    if (out->len + n > out->cap) {
        out->cap = SB_MAX(out->cap * 2, out->len + n + 256);
        out->buf = xrealloc(out->buf, out->cap);
    }
    return 0;
}

/* Append n bytes (zeroed when data is NULL), padded to NLMSG_ALIGNTO. */
static int put(struct nl_reply *out, const void *data, size_t n)
{
    size_t pad = NLMSG_ALIGN(n) - n;
    int r;

    if ((r = reply_grow(out, n + pad)))
        return r;
    if (data)
        memcpy(out->buf + out->len, data, n);
    else
        memset(out->buf + out->len, 0, n);
    memset(out->buf + out->len + n, 0, pad);
    out->len += n + pad;
    return 0;
}

static int msg_begin(struct nl_reply *out, uint16_t type, uint16_t flags, uint32_t seq,
                     uint32_t portid, size_t *start)
{
    struct nlmsghdr h = { 0, type, flags, seq, portid };

    *start = out->len;
    return put(out, &h, sizeof(h));
}

static void msg_end(struct nl_reply *out, size_t start)
{
    uint32_t len = (uint32_t)(out->len - start);
    memcpy(out->buf + start + offsetof(struct nlmsghdr, nlmsg_len), &len, sizeof(len));
}

static int attr(struct nl_reply *out, uint16_t type, const void *data, size_t n)
{
    struct rtattr a = { (unsigned short)RTA_LENGTH(n), type };
    int r;

    if ((r = put(out, &a, sizeof(a))))
        return r;
    return put(out, data, n);
}

static int attr_u32(struct nl_reply *out, uint16_t type, uint32_t v)
{
    return attr(out, type, &v, sizeof(v));
}

static int attr_u8(struct nl_reply *out, uint16_t type, uint8_t v)
{
    return attr(out, type, &v, sizeof(v));
}

static int attr_str(struct nl_reply *out, uint16_t type, const char *s)
{
    return attr(out, type, s, strlen(s) + 1);
}

static int put_link(struct nl_reply *out, const struct netif *nif, uint16_t flags, uint32_t seq,
                    uint32_t portid)
{
    struct ifinfomsg ifi = {
        .ifi_family = AF_UNSPEC,
        .ifi_type = nif->type,
        .ifi_index = nif->index,
        .ifi_flags = nif->flags | ((nif->flags & IFF_RUNNING) ? IFF_LOWER_UP : 0),
    };
    struct rtnl_link_stats st;
    struct rtnl_link_stats64 st64;
    size_t start;
    int r = 0;

    memset(&st, 0, sizeof(st));
    memset(&st64, 0, sizeof(st64));
    if ((r = msg_begin(out, RTM_NEWLINK, flags, seq, portid, &start)) ||
        (r = put(out, &ifi, sizeof(ifi))) ||
        (r = attr_str(out, IFLA_IFNAME, nif->name)) ||
        (r = attr_u32(out, IFLA_TXQLEN, nif->txqlen)) ||
        (r = attr_u8(out, IFLA_OPERSTATE, IF_OPER_UNKNOWN)) ||
        (r = attr_u8(out, IFLA_LINKMODE, 0)) ||
        (r = attr_u32(out, IFLA_MTU, nif->mtu)) ||
        (r = attr_u32(out, IFLA_MIN_MTU, 0)) ||
        (r = attr_u32(out, IFLA_MAX_MTU, 0)) ||
        (r = attr_u32(out, IFLA_GROUP, 0)) ||
        (r = attr_u32(out, IFLA_PROMISCUITY, 0)) ||
        (r = attr_u32(out, IFLA_NUM_TX_QUEUES, 1)) ||
        (r = attr_u32(out, IFLA_NUM_RX_QUEUES, 1)) ||
        (r = attr_u8(out, IFLA_CARRIER, 1)) ||
        (r = attr_str(out, IFLA_QDISC, nif->qdisc)) ||
        (r = attr(out, IFLA_ADDRESS, nif->hwaddr, sizeof(nif->hwaddr))) ||
        (r = attr(out, IFLA_BROADCAST, nif->hwaddr, sizeof(nif->hwaddr))) ||
        (r = attr(out, IFLA_STATS64, &st64, sizeof(st64))) ||
        (r = attr(out, IFLA_STATS, &st, sizeof(st))))
        return r;
    msg_end(out, start);
    return 0;
}

static int put_addr(struct nl_reply *out, const struct netif *nif, const struct netif_addr *a,
                    uint16_t flags, uint32_t seq, uint32_t portid)
{
    struct ifaddrmsg ifa = {
        .ifa_family = (uint8_t)a->family,
        .ifa_prefixlen = (uint8_t)a->prefix,
        .ifa_flags = IFA_F_PERMANENT,
        .ifa_scope = (uint8_t)a->scope,
        .ifa_index = (uint32_t)nif->index,
    };
    struct ifa_cacheinfo ci = { .ifa_prefered = 0xffffffffu, .ifa_valid = 0xffffffffu };
    size_t alen = a->family == AF_INET ? 4 : 16, start;
    uint32_t aflags = IFA_F_PERMANENT | (a->family == AF_INET6 ? IFA_F_NOPREFIXROUTE : 0);
    int r;

    if ((r = msg_begin(out, RTM_NEWADDR, flags, seq, portid, &start)) ||
        (r = put(out, &ifa, sizeof(ifa))) ||
        (r = attr(out, IFA_ADDRESS, a->addr, alen)))
        return r;
    if (a->family == AF_INET &&
        ((r = attr(out, IFA_LOCAL, a->addr, alen)) || (r = attr_str(out, IFA_LABEL, nif->name))))
        return r;
    if ((r = attr_u32(out, IFA_FLAGS, aflags)) || (r = attr(out, IFA_CACHEINFO, &ci, sizeof(ci))))
        return r;
    msg_end(out, start);
    return 0;
}

static int put_done(struct nl_reply *out, uint32_t seq, uint32_t portid)
{
    int32_t zero = 0;
    size_t start;
    int r;

    if ((r = msg_begin(out, NLMSG_DONE, NLM_F_MULTI, seq, portid, &start)) ||
        (r = put(out, &zero, sizeof(zero))))
        return r;
    msg_end(out, start);
    return 0;
}

/* The request's family byte (rtgenmsg, ifinfomsg and ifaddrmsg all start
 * with it), AF_UNSPEC when the payload is empty. */
static int req_family(const struct nlmsghdr *h)
{
    return h->nlmsg_len > NLMSG_HDRLEN ? *((const uint8_t *)h + NLMSG_HDRLEN) : AF_UNSPEC;
}

/* RTM_GETLINK without NLM_F_DUMP: one link by ifi_index or IFLA_IFNAME. */
static int get_link(const struct nlmsghdr *h, uint32_t portid, struct nl_reply *out)
{
    const struct netif *nif = NULL;
    struct ifinfomsg ifi;
    size_t off, len = h->nlmsg_len;
    const uint8_t *p = (const uint8_t *)h;

    if (len < NLMSG_LENGTH(sizeof(ifi)))
        return -EINVAL;
    memcpy(&ifi, p + NLMSG_HDRLEN, sizeof(ifi));
    if (ifi.ifi_index > 0) {
        nif = netif_by_index(ifi.ifi_index);
    } else {
        char name[IFNAMSIZ];
        bool have = false;
        /* Walk the attributes, each checked against what remains. */
        for (off = NLMSG_LENGTH(sizeof(ifi)); off + sizeof(struct rtattr) <= len;) {
            struct rtattr a;
            memcpy(&a, p + off, sizeof(a));
            if (a.rta_len < sizeof(a) || a.rta_len > len - off)
                break; /* as nla_ok: the rest is ignored */
            if (a.rta_type == IFLA_IFNAME) {
                size_t n = a.rta_len - sizeof(a);
                if (n >= IFNAMSIZ)
                    n = IFNAMSIZ - 1;
                memcpy(name, p + off + sizeof(a), n);
                name[n] = 0;
                have = true;
            }
            off += RTA_ALIGN(a.rta_len);
        }
        if (!have)
            return -EINVAL;
        nif = netif_by_name(name);
    }
    if (!nif)
        return -ENODEV;
    return put_link(out, nif, 0, h->nlmsg_seq, portid);
}

int netlink_route_request(const void *msg, size_t len, uint32_t portid, struct nl_reply *out)
{
    struct nlmsghdr h;
    bool dump;
    int kind, fam, r;

    if (len < NLMSG_HDRLEN)
        return -EINVAL;
    memcpy(&h, msg, sizeof(h));
    if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
        return -EINVAL;
    if (h.nlmsg_type > RTM_MAX)
        return -EOPNOTSUPP;
    if (h.nlmsg_type < RTM_BASE)
        return -EOPNOTSUPP;
    kind = (h.nlmsg_type - RTM_BASE) & 3;
    if (kind != 2) /* NEW, DEL, SET: not in this sandbox */
        return -EPERM;
    dump = (h.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
    fam = req_family(msg);
    switch (h.nlmsg_type) {
    case RTM_GETLINK:
        if (!dump)
            return get_link(msg, portid, out);
        for (int i = 0; i < netif_count(); i++)
            if ((r = put_link(out, netif_at(i), NLM_F_MULTI, h.nlmsg_seq, portid)))
                return r;
        break;
    case RTM_GETADDR:
        if (!dump)
            return -EOPNOTSUPP;
        for (int i = 0; i < netif_count(); i++) {
            const struct netif *nif = netif_at(i);
            for (int j = 0; j < nif->naddrs; j++) {
                if (fam != AF_UNSPEC && fam != nif->addrs[j].family)
                    continue;
                if ((r = put_addr(out, nif, &nif->addrs[j], NLM_F_MULTI, h.nlmsg_seq, portid)))
                    return r;
            }
        }
        break;
    case RTM_GETROUTE:
    case RTM_GETNEIGH:
    case RTM_GETRULE:
        /* Nothing in the main table, no neighbours, no rules: empty. */
        if (!dump)
            return -EOPNOTSUPP;
        break;
    default:
        return -EOPNOTSUPP;
    }
    if ((r = put_done(out, h.nlmsg_seq, portid)))
        return r;
    return 1;
}
