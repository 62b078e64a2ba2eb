/* UDP over 127.0.0.1: sendto/recvfrom, source addresses, MSG_PEEK,
 * MSG_TRUNC, FIONREAD, empty datagrams, connected UDP and ECONNREFUSED. */
#include "conf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static int bound(struct sockaddr_in *a)
{
    socklen_t l = sizeof(*a);
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    memset(a, 0, sizeof(*a));
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s);
    MUST(bind(s, (struct sockaddr *)a, sizeof(*a)));
    MUST(getsockname(s, (struct sockaddr *)a, &l));
    return s;
}

int main(void)
{
    struct sockaddr_in aa, ab, ac, from, closed;
    socklen_t l;
    char buf[64], ip[32];
    int a, b, c, avail = -1;
    struct msghdr mh;
    struct iovec iov;
    struct pollfd pfd;

    a = bound(&aa);
    b = bound(&ab);
    c = bound(&ac);
    EQ("sendto", sendto(b, "datagram one", 12, 0, (struct sockaddr *)&aa, sizeof(aa)), 12);
    EQ("sendto 2", sendto(b, "two", 3, 0, (struct sockaddr *)&aa, sizeof(aa)), 3);
    pfd.fd = a;
    pfd.events = POLLIN;
    EQ("poll", poll(&pfd, 1, 5000), 1);
    OK("fionread", ioctl(a, FIONREAD, &avail));
    EQ("fionread next datagram", avail, 12);
    EQ("peek", recv(a, buf, 4, MSG_PEEK), 4);
    l = sizeof(from);
    EQ("recvfrom", recvfrom(a, buf, sizeof(buf), 0, (struct sockaddr *)&from, &l), 12);
    EQ("from len", l, sizeof(from));
    STREQ("from addr", inet_ntop(AF_INET, &from.sin_addr, ip, sizeof(ip)), "127.0.0.1");
    TRUE("from port", from.sin_port == ab.sin_port);
    TRUE("payload", !memcmp(buf, "datagram one", 12));
    EQ("boundaries kept", recv(a, buf, sizeof(buf), 0), 3);
    ERR("empty dontwait", recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

    /* Truncation. */
    EQ("send long", sendto(b, "0123456789", 10, 0, (struct sockaddr *)&aa, sizeof(aa)), 10);
    memset(&mh, 0, sizeof(mh));
    iov.iov_base = buf;
    iov.iov_len = 4;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    EQ("recvmsg short", recvmsg(a, &mh, 0), 4);
    TRUE("MSG_TRUNC flag", mh.msg_flags & MSG_TRUNC);
    TRUE("rest discarded", recv(a, buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN);
    EQ("send long 2", sendto(b, "0123456789", 10, 0, (struct sockaddr *)&aa, sizeof(aa)), 10);
    EQ("recv MSG_TRUNC gives full length", recv(a, buf, 4, MSG_TRUNC), 10);
    EQ("empty datagram", sendto(b, "", 0, 0, (struct sockaddr *)&aa, sizeof(aa)), 0);
    EQ("recv empty", recv(a, buf, sizeof(buf), 0), 0);

    /* Connected UDP: default destination, and a filter on the source. */
    ERR("send unconnected", send(b, "x", 1, 0), EDESTADDRREQ);
    OK("connect", connect(a, (struct sockaddr *)&ab, sizeof(ab)));
    l = sizeof(from);
    OK("getpeername", getpeername(a, (struct sockaddr *)&from, &l));
    TRUE("peer port", from.sin_port == ab.sin_port);
    EQ("send connected", send(a, "hi", 2, 0), 2);
    EQ("peer got it", recv(b, buf, sizeof(buf), 0), 2);
    EQ("c sends to a", sendto(c, "from c", 6, 0, (struct sockaddr *)&aa, sizeof(aa)), 6);
    EQ("b sends to a", sendto(b, "from b", 6, 0, (struct sockaddr *)&aa, sizeof(aa)), 6);
    EQ("only b's arrives", recv(a, buf, sizeof(buf), 0), 6);
    TRUE("it is b's", !memcmp(buf, "from b", 6));
    {
        struct sockaddr un = { .sa_family = AF_UNSPEC };
        OK("disconnect", connect(a, &un, sizeof(un)));
        ERR("getpeername after disconnect", getpeername(a, (struct sockaddr *)&from, &l), ENOTCONN);
    }

    /* A closed port: the ICMP error shows on the connected socket. */
    closed = ac;
    close(c);
    MUST(c = socket(AF_INET, SOCK_DGRAM, 0));
    OK("connect closed port", connect(c, (struct sockaddr *)&closed, sizeof(closed)));
    EQ("send to closed port", send(c, "x", 1, 0), 1);
    pfd.fd = c;
    pfd.events = POLLIN;
    poll(&pfd, 1, 5000);
    TRUE("pollerr", pfd.revents & POLLERR);
    ERR("recv refused", recv(c, buf, sizeof(buf), 0), ECONNREFUSED);
    ERR("then nothing", recv(c, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    {
        static char big[65600];
        ERR("one byte more", sendto(b, big, 65508, 0, (struct sockaddr *)&aa, sizeof(aa)), EMSGSIZE);
    }
    ERR("sendto short addr", sendto(b, "x", 1, 0, (struct sockaddr *)&aa, 8), EINVAL);
    close(a);
    close(b);
    close(c);
    return conf_done();
}
