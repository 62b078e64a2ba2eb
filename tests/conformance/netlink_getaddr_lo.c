/* netlink_getaddr_lo: RTM_GETADDR dumps: AF_INET lists 127.0.0.1/8 on lo
 * (index 1) with IFA_LOCAL, label "lo" and host scope; the family filter
 * holds (AF_INET6 dumps only IPv6 addresses, and lo's is ::1/128); a
 * MSG_PEEK|MSG_TRUNC receive tells the part's full length. */
#include "conf.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>

static char buf[1 << 16];

struct result {
    int other_family, lo4, lo4_local, lo4_label, lo4_scope, lo6_not_loopback;
};

static void dump(int fd, int family, int seq, struct result *r)
{
    struct {
        struct nlmsghdr h;
        struct ifaddrmsg a;
    } req = { { sizeof(req), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, (unsigned)seq, 0 },
              { .ifa_family = (unsigned char)family } };
    int done = 0;

    memset(r, 0, sizeof(*r));
    MUST(send(fd, &req, sizeof(req), 0));
    while (!done) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            printf("recv: FAIL %s\n", errname(errno));
            exit(CONF_EXIT_FAILED);
        }
        for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != (unsigned)seq)
                continue;
            if (h->nlmsg_type == NLMSG_DONE) {
                done = 1;
                break;
            }
            if (h->nlmsg_type != RTM_NEWADDR)
                continue;
            struct ifaddrmsg *ifa = NLMSG_DATA(h);
            int alen = IFA_PAYLOAD(h);
            if (family && ifa->ifa_family != family)
                r->other_family++;
            if (ifa->ifa_index != 1)
                continue;
            for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
                if (ifa->ifa_family == AF_INET && a->rta_type == IFA_ADDRESS &&
                    RTA_PAYLOAD(a) == 4 && !memcmp(RTA_DATA(a), "\x7f\0\0\x01", 4)) {
                    r->lo4 += ifa->ifa_prefixlen == 8;
                    r->lo4_scope = ifa->ifa_scope == RT_SCOPE_HOST;
                }
                if (ifa->ifa_family == AF_INET && a->rta_type == IFA_LOCAL &&
                    RTA_PAYLOAD(a) == 4 && !memcmp(RTA_DATA(a), "\x7f\0\0\x01", 4))
                    r->lo4_local = 1;
                if (ifa->ifa_family == AF_INET && a->rta_type == IFA_LABEL)
                    r->lo4_label = !strcmp(RTA_DATA(a), "lo");
                if (ifa->ifa_family == AF_INET6 && a->rta_type == IFA_ADDRESS) {
                    struct in6_addr lb = IN6ADDR_LOOPBACK_INIT;
                    if (RTA_PAYLOAD(a) != 16 || memcmp(RTA_DATA(a), &lb, 16) ||
                        ifa->ifa_prefixlen != 128 || ifa->ifa_scope != RT_SCOPE_HOST)
                        r->lo6_not_loopback++;
                }
            }
        }
    }
}

int main(void)
{
    struct result r;
    struct pollfd pfd;
    int fd;

    MUST(fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE));
    pfd = (struct pollfd){ fd, POLLIN, 0 };
    EQ("poll before", poll(&pfd, 1, 0), 0);

    dump(fd, AF_INET, 1, &r);
    EQ("inet: other families", r.other_family, 0);
    EQ("inet: lo 127.0.0.1/8", r.lo4, 1);
    EQ("inet: IFA_LOCAL", r.lo4_local, 1);
    EQ("inet: label lo", r.lo4_label, 1);
    EQ("inet: scope host", r.lo4_scope, 1);

    dump(fd, AF_INET6, 2, &r);
    EQ("inet6: other families", r.other_family, 0);
    EQ("inet6: lo addresses other than ::1/128 host", r.lo6_not_loopback, 0);
    EQ("inet6: no inet", r.lo4, 0);

    dump(fd, AF_UNSPEC, 3, &r);
    EQ("unspec: lo 127.0.0.1/8", r.lo4, 1);

    /* Peek at a part with a tiny buffer: MSG_TRUNC gives its length. */
    struct {
        struct nlmsghdr h;
        struct ifaddrmsg a;
    } req = { { sizeof(req), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 4, 0 }, { .ifa_family = AF_INET } };
    MUST(send(fd, &req, sizeof(req), 0));
    pfd.revents = 0;
    EQ("poll after send", poll(&pfd, 1, 1000), 1);
    TRUE("pollin", pfd.revents & POLLIN);
    char small[8];
    ssize_t full = recv(fd, small, sizeof(small), MSG_PEEK | MSG_TRUNC);
    TRUE("peek trunc > 8", full > 8);
    ssize_t got = recv(fd, buf, sizeof(buf), MSG_PEEK);
    TRUE("peek full = trunc length", got == full);
    TRUE("recv = peeked", recv(fd, buf, sizeof(buf), 0) == full);
    while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
        ;
    close(fd);
    return conf_done();
}
