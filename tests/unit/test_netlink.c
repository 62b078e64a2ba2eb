/* tests/unit/test_netlink.c: NETLINK_ROUTE sockets without tasks
 * (non-blocking paths only): the lo dumps, the family filter, truncation,
 * receive-queue overrun, and malformed requests (short, overlong, bad
 * attribute lengths, random bytes) that must get an error or nothing,
 * never a crash or a malformed reply. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/socket/netif.h"
#include "sentry/socket/socket.h"

static uint8_t rbuf[1 << 16];

static struct socket *nl_new(void)
{
    struct socket *s;
    cr_assert_eq(netlink_create(SOCK_RAW, NETLINK_ROUTE, false, &s), 0);
    return s;
}

static long nl_send(struct socket *s, const void *buf, size_t len)
{
    struct sock_msg m;
    memset(&m, 0, sizeof(m));
    sock_iter_kernel(&m.it, (void *)buf, len);
    return s->ops->sendmsg(s, &m, 0);
}

static long nl_recv(struct socket *s, size_t room, int flags, int *out_flags)
{
    struct sock_msg m;
    long r;
    memset(&m, 0, sizeof(m));
    sock_iter_kernel(&m.it, rbuf, room);
    r = s->ops->recvmsg(s, &m, flags | MSG_DONTWAIT);
    if (out_flags)
        *out_flags = m.out_flags;
    return r;
}

static long request(struct socket *s, uint16_t type, uint16_t flags, uint8_t family)
{
    struct {
        struct nlmsghdr h;
        struct ifaddrmsg a;
    } req = { { sizeof(req), type, flags, 7, 0 }, { .ifa_family = family } };
    return nl_send(s, &req, sizeof(req));
}

/* Every message of a reply is well formed; counts types. */
static int walk(size_t n, int type, int *done)
{
    int count = 0;
    struct nlmsghdr *h = (void *)rbuf;
    int len = (int)n;
    for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        if (h->nlmsg_type == type)
            count++;
        if (h->nlmsg_type == NLMSG_DONE && done)
            (*done)++;
    }
    cr_assert_eq(len, 0, "reply ends with a partial message");
    return count;
}

Test(netlink, getlink_dump_lists_lo_then_done)
{
    struct socket *s = nl_new();
    int done = 0;
    long n;

    cr_assert_eq(request(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC), 24);
    n = nl_recv(s, sizeof(rbuf), 0, NULL);
    cr_assert_gt(n, 0);
    cr_assert_eq(walk((size_t)n, RTM_NEWLINK, &done), 1);
    cr_assert_eq(done, 1);
    cr_assert_eq(nl_recv(s, sizeof(rbuf), 0, NULL), -EAGAIN);
    s->ops->release(s);
}

Test(netlink, getaddr_dump_filters_by_family)
{
    struct socket *s = nl_new();
    int fams[] = { AF_UNSPEC, AF_INET, AF_INET6, AF_PACKET }, want[] = { 2, 1, 1, 0 };

    for (int i = 0; i < 4; i++) {
        int done = 0;
        long n;
        cr_assert_eq(request(s, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, (uint8_t)fams[i]), 24);
        n = nl_recv(s, sizeof(rbuf), 0, NULL);
        cr_assert_gt(n, 0);
        cr_assert_eq(walk((size_t)n, RTM_NEWADDR, &done), want[i], "family %d", fams[i]);
        cr_assert_eq(done, 1);
    }
    s->ops->release(s);
}

Test(netlink, small_buffer_truncates_and_drops_the_rest)
{
    struct socket *s = nl_new();
    int fl = 0;
    long full;

    cr_assert_eq(request(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC), 24);
    full = nl_recv(s, 8, MSG_PEEK | MSG_TRUNC, &fl);
    cr_assert_gt(full, 8);
    cr_assert(fl & MSG_TRUNC);
    cr_assert_eq(nl_recv(s, 8, 0, &fl), 8);
    cr_assert(fl & MSG_TRUNC);
    cr_assert_eq(nl_recv(s, sizeof(rbuf), 0, NULL), -EAGAIN);
    s->ops->release(s);
}

Test(netlink, overrun_reports_enobufs)
{
    struct socket *s = nl_new();
    int small = 1, got_enobufs = 0;

    cr_assert_eq(s->ops->setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
    for (int i = 0; i < 50; i++)
        cr_assert_eq(request(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC), 24);
    for (int i = 0; i < 100; i++) {
        long r = nl_recv(s, sizeof(rbuf), 0, NULL);
        if (r == -ENOBUFS)
            got_enobufs++;
        if (r == -EAGAIN)
            break;
    }
    cr_assert_eq(got_enobufs, 1);
    s->ops->release(s);
}

Test(netlink, getlink_by_name_checks_attribute_lengths)
{
    struct socket *s = nl_new();
    struct {
        struct nlmsghdr h;
        struct ifinfomsg i;
        struct rtattr a;
        char name[8];
    } req = { { sizeof(req), RTM_GETLINK, NLM_F_REQUEST, 1, 0 }, { 0 },
              { 200 /* past the message */, IFLA_IFNAME }, "lo" };
    struct nlmsgerr *e;

    cr_assert_eq(nl_send(s, &req, sizeof(req)), sizeof(req));
    cr_assert_gt(nl_recv(s, sizeof(rbuf), 0, NULL), 0);
    e = NLMSG_DATA((struct nlmsghdr *)rbuf);
    cr_assert_eq(((struct nlmsghdr *)rbuf)->nlmsg_type, NLMSG_ERROR);
    cr_assert_eq(e->error, -EINVAL);

    req.a.rta_len = RTA_LENGTH(3);
    cr_assert_eq(nl_send(s, &req, sizeof(req)), sizeof(req));
    cr_assert_gt(nl_recv(s, sizeof(rbuf), 0, NULL), 0);
    cr_assert_eq(((struct nlmsghdr *)rbuf)->nlmsg_type, RTM_NEWLINK);
    s->ops->release(s);
}

Test(netlink, random_requests_get_wellformed_answers)
{
    struct socket *s = nl_new();
    uint8_t msg[512];
    unsigned seed = 12345;

    for (int iter = 0; iter < 20000; iter++) {
        size_t len = (size_t)(rand_r(&seed) % sizeof(msg));
        struct nlmsghdr h;
        for (size_t i = 0; i < len; i++)
            msg[i] = (uint8_t)rand_r(&seed);
        if (len >= sizeof(h) && (iter & 1)) {
            /* Mostly plausible headers, to reach the route code. */
            memcpy(&h, msg, sizeof(h));
            h.nlmsg_len = (uint32_t)(rand_r(&seed) % (len + 8));
            h.nlmsg_type = (uint16_t)(RTM_BASE + rand_r(&seed) % 80);
            h.nlmsg_flags |= NLM_F_REQUEST;
            memcpy(msg, &h, sizeof(h));
        }
        cr_assert_eq(nl_send(s, msg, len), (long)len);
        for (;;) {
            long n = nl_recv(s, sizeof(rbuf), 0, NULL);
            if (n == -EAGAIN)
                break;
            if (n == -ENOBUFS)
                continue;
            cr_assert_gt(n, 0);
            walk((size_t)n, -1, NULL);
        }
    }
    s->ops->release(s);
}

Test(netlink, unsupported_protocols_and_types)
{
    struct socket *s;
    cr_assert_eq(netlink_create(SOCK_RAW, 16 /* NETLINK_GENERIC */, false, &s), -EPROTONOSUPPORT);
    cr_assert_eq(netlink_create(SOCK_STREAM, NETLINK_ROUTE, false, &s), -ESOCKTNOSUPPORT);
}
