/* netlink_getlink_lo: an RTM_GETLINK dump on a NETLINK_ROUTE socket lists
 * lo (index 1, loopback, up) with its attributes, every part carrying the
 * request's seq and the socket's port id, and ends with NLMSG_DONE.
 * Only facts about lo are printed: the host has other interfaces. */
#include "conf.h"

#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#define ARPHRD_LOOPBACK 772
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

static char buf[1 << 16];

int main(void)
{
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK }, from;
    socklen_t sl = sizeof(sa);
    int fd, done = 0, bad_seq = 0, bad_pid = 0, not_multi = 0, lo_seen = 0;
    struct {
        struct nlmsghdr h;
        struct ifinfomsg i;
    } req = { { sizeof(req), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 42, 0 }, { AF_UNSPEC } };
    struct iovec iov = { buf, sizeof(buf) };
    struct msghdr mh = { &from, sizeof(from), &iov, 1, NULL, 0, 0 };

    MUST(fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    OK("getsockname unbound", getsockname(fd, (struct sockaddr *)&sa, &sl));
    EQ("unbound len", sl, sizeof(sa));
    EQ("unbound pid", sa.nl_pid, 0);
    OK("bind pid 0", bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
    sl = sizeof(sa);
    OK("getsockname", getsockname(fd, (struct sockaddr *)&sa, &sl));
    EQ("family", sa.nl_family, AF_NETLINK);
    TRUE("pid != 0", sa.nl_pid != 0);
    EQ("send", send(fd, &req, sizeof(req), 0), sizeof(req));
    while (!done) {
        ssize_t n;
        mh.msg_namelen = sizeof(from);
        n = recvmsg(fd, &mh, 0);
        if (n <= 0) {
            printf("recvmsg: FAIL %zd %s\n", n, errname(errno));
            return CONF_EXIT_FAILED;
        }
        if (mh.msg_namelen != sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid != 0)
            printf("sender: FAIL not the kernel\n");
        for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            bad_seq += h->nlmsg_seq != 42;
            bad_pid += h->nlmsg_pid != sa.nl_pid;
            not_multi += !(h->nlmsg_flags & NLM_F_MULTI);
            if (h->nlmsg_type == NLMSG_DONE) {
                EQ("done len", h->nlmsg_len, NLMSG_LENGTH(sizeof(int)));
                EQ("done error", *(int *)NLMSG_DATA(h), 0);
                done = 1;
                break;
            }
            if (h->nlmsg_type != RTM_NEWLINK) {
                printf("type: FAIL %d\n", h->nlmsg_type);
                continue;
            }
            struct ifinfomsg *ifi = NLMSG_DATA(h);
            int alen = IFLA_PAYLOAD(h), is_lo = 0, mtu = -1, have_txq = 0, have_stats = 0,
                have_qdisc = 0, addr_zero = -1, have_oper = 0;
            for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
                switch (a->rta_type) {
                case IFLA_IFNAME:
                    is_lo = !strcmp(RTA_DATA(a), "lo");
                    break;
                case IFLA_MTU:
                    mtu = *(int *)RTA_DATA(a);
                    break;
                case IFLA_TXQLEN:
                    have_txq = 1;
                    break;
                case IFLA_STATS64:
                    have_stats = RTA_PAYLOAD(a) >= 23 * 8;
                    break;
                case IFLA_QDISC:
                    have_qdisc = 1;
                    break;
                case IFLA_OPERSTATE:
                    have_oper = 1;
                    break;
                case IFLA_ADDRESS: {
                    static const char z[6];
                    addr_zero = RTA_PAYLOAD(a) == 6 && !memcmp(RTA_DATA(a), z, 6);
                    break;
                }
                }
            }
            if (!is_lo)
                continue;
            lo_seen++;
            EQ("lo index", ifi->ifi_index, 1);
            EQ("lo type", ifi->ifi_type, ARPHRD_LOOPBACK);
            TRUE("lo up+loopback+running", (ifi->ifi_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING)) ==
                                               (IFF_UP | IFF_LOOPBACK | IFF_RUNNING));
            TRUE("lo lower_up", ifi->ifi_flags & IFF_LOWER_UP);
            TRUE("lo mtu > 0", mtu > 0);
            TRUE("lo txqlen", have_txq);
            TRUE("lo operstate", have_oper);
            TRUE("lo qdisc", have_qdisc);
            TRUE("lo stats64", have_stats);
            EQ("lo address zero", addr_zero, 1);
        }
    }
    EQ("lo seen", lo_seen, 1);
    EQ("bad seq", bad_seq, 0);
    EQ("bad pid", bad_pid, 0);
    EQ("not multi", not_multi, 0);
    ERR("nothing left", recv(fd, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    close(fd);
    return conf_done();
}
