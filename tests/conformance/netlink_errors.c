/* netlink_errors: how a NETLINK_ROUTE socket answers bad and odd requests:
 * unknown types get NLMSG_ERROR -EOPNOTSUPP with the request appended;
 * NLM_F_ACK gets an error-0 ACK (header only, NLM_F_CAPPED); messages too
 * short, running past the buffer or without NLM_F_REQUEST are dropped;
 * a small receive buffer truncates with MSG_TRUNC; bad socket types,
 * protocols and addresses fail as Linux. */
#include "conf.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>

struct req {
    struct nlmsghdr h;
    struct ifinfomsg i;
};

static char buf[1 << 16];

static void request(int fd, unsigned len, unsigned type, unsigned flags, unsigned seq, int ifindex,
                    size_t sendlen)
{
    struct req r = { { len, (unsigned short)type, (unsigned short)flags, seq, 0 },
                     { .ifi_family = AF_UNSPEC, .ifi_index = ifindex } };
    MUST(send(fd, &r, sendlen, 0));
}

/* Receive one reply (or none) and describe it. */
static void expect(const char *name, int fd)
{
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    struct nlmsghdr *h = (void *)buf;

    if (n < 0) {
        printf("%s: none (%s)\n", name, errname(errno));
        return;
    }
    if (!NLMSG_OK(h, (size_t)n)) {
        printf("%s: FAIL bad reply of %zd bytes\n", name, n);
        return;
    }
    if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        printf("%s: error %s len %u seq %u capped %d echoed type %u\n", name,
               e->error ? errname(-e->error) : "0", h->nlmsg_len, h->nlmsg_seq,
               !!(h->nlmsg_flags & NLM_F_CAPPED), e->msg.nlmsg_type);
    } else {
        printf("%s: type %u seq %u\n", name, h->nlmsg_type, h->nlmsg_seq);
    }
}

int main(void)
{
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
    int fd;

    ERR("socket stream", socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE), ESOCKTNOSUPPORT);
    ERR("socket seqpacket", socket(AF_NETLINK, SOCK_SEQPACKET, NETLINK_ROUTE), ESOCKTNOSUPPORT);
    ERR("socket protocol 32", socket(AF_NETLINK, SOCK_RAW, 32), EPROTONOSUPPORT);
    ERR("socket protocol -1", socket(AF_NETLINK, SOCK_RAW, -1), EPROTONOSUPPORT);
    MUST(fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
    ERR("bind short", bind(fd, (struct sockaddr *)&sa, 4), EINVAL);
    sa.nl_family = AF_UNIX;
    ERR("bind wrong family", bind(fd, (struct sockaddr *)&sa, sizeof(sa)), EINVAL);
    sa.nl_family = AF_NETLINK;
    ERR("sendto short name", sendto(fd, buf, 16, 0, (struct sockaddr *)&sa, 4), EINVAL);
    ERR("recv empty", recv(fd, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

    request(fd, sizeof(struct req), 0x7ff, NLM_F_REQUEST, 1, 0, sizeof(struct req));
    expect("unknown type", fd);
    request(fd, sizeof(struct req), 0x7ff, NLM_F_REQUEST | NLM_F_ACK, 2, 0, sizeof(struct req));
    expect("unknown type with ack", fd);
    expect("after unknown", fd);
    request(fd, sizeof(struct req), NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 3, 0, sizeof(struct req));
    expect("noop ack", fd);
    request(fd, sizeof(struct req), NLMSG_NOOP, NLM_F_REQUEST, 4, 0, sizeof(struct req));
    expect("noop no ack", fd);
    request(fd, sizeof(struct req), RTM_GETLINK, NLM_F_DUMP | NLM_F_ACK, 5, 0, sizeof(struct req));
    expect("no NLM_F_REQUEST", fd);
    request(fd, 8, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 6, 0, sizeof(struct req));
    expect("nlmsg_len 8", fd);
    request(fd, 1000, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 7, 0, sizeof(struct req));
    expect("nlmsg_len past the end", fd);
    request(fd, sizeof(struct req), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 8, 0, 8);
    expect("8-byte send", fd);
    request(fd, NLMSG_LENGTH(1), RTM_GETLINK, NLM_F_REQUEST, 9, 0, NLMSG_LENGTH(1));
    expect("getlink short", fd);
    request(fd, sizeof(struct req), RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 10, 1, sizeof(struct req));
    expect("getlink index 1", fd);
    expect("getlink index 1 ack", fd);
    request(fd, sizeof(struct req), RTM_GETLINK, NLM_F_REQUEST, 11, 0x7fffffff, sizeof(struct req));
    expect("getlink no such index", fd);

    /* A dump asked for an ACK: parts, NLMSG_DONE, and no ACK after it. */
    request(fd, sizeof(struct req), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK, 20, 0,
            sizeof(struct req));
    {
        int dones = 0, errors = 0;
        ssize_t n;
        usleep(10000);
        while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
            for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
                dones += h->nlmsg_type == NLMSG_DONE;
                errors += h->nlmsg_type == NLMSG_ERROR;
            }
        }
        EQ("dump with ack: DONE", dones, 1);
        EQ("dump with ack: ERROR", errors, 0);
    }

    /* Two requests in one send: two answers, in order. */
    struct req two[2] = {
        { { sizeof(struct req), NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 12, 0 }, { 0 } },
        { { sizeof(struct req), NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 13, 0 }, { 0 } },
    };
    MUST(send(fd, two, sizeof(two), 0));
    expect("batch 1", fd);
    expect("batch 2", fd);

    /* A reply larger than the buffer: truncated, MSG_TRUNC, rest dropped. */
    request(fd, sizeof(struct req), 0x7ff, NLM_F_REQUEST, 14, 0, sizeof(struct req));
    {
        char small[16];
        struct iovec iov = { small, sizeof(small) };
        struct msghdr mh = { NULL, 0, &iov, 1, NULL, 0, 0 };
        EQ("peek trunc", recv(fd, small, sizeof(small), MSG_PEEK | MSG_TRUNC), 52);
        EQ("recvmsg small", recvmsg(fd, &mh, MSG_DONTWAIT), 16);
        TRUE("msg_flags MSG_TRUNC", mh.msg_flags & MSG_TRUNC);
        ERR("rest dropped", recv(fd, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    }
    {
        struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
        EQ("poll idle", poll(&p, 1, 0), 1);
        EQ("poll idle revents", p.revents, POLLOUT);
    }
    {
        int v = 0;
        socklen_t l = sizeof(v);
        OK("SO_RCVBUF set", setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){ 65536 }, sizeof(int)));
        OK("SO_RCVBUF get", getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &l));
        EQ("SO_RCVBUF doubled", v, 131072);
        l = sizeof(v);
        OK("SO_TYPE", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l));
        EQ("SO_TYPE raw", v, SOCK_RAW);
        OK("NETLINK_EXT_ACK off", setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &(int){ 0 }, sizeof(int)));
        ERR("NETLINK_ADD_MEMBERSHIP 0", setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &(int){ 0 }, sizeof(int)), EINVAL);
    }
    close(fd);
    return conf_done();
}
