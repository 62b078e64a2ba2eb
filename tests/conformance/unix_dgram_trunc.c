/* unix_dgram_trunc: a datagram read into a short buffer: the rest is lost,
 * MSG_TRUNC in msg_flags, recv(MSG_TRUNC) returns the real length, peek
 * keeps it; EMSGSIZE above the send buffer; the queue limit for senders
 * not connected back (EAGAIN), FIONREAD is the next message's size. */
#include "conf.h"
#include "unixconf.h"
#include <sys/ioctl.h>

int main(void)
{
    int sv[2], n, s, c;
    char buf[64];
    struct iovec iov = { buf, 4 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
    static char big[300000];
    const char *dir = conf_mkdtemp("unix-trunc");
    struct sockaddr_un a = unix_sa(conf_join(dir, "s"));

    MUST(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    EQ("send 10", send(sv[0], "0123456789", 10, 0), 10);
    EQ("send 3", send(sv[0], "abc", 3, 0), 3);
    OK("FIONREAD", ioctl(sv[1], FIONREAD, &n));
    EQ("  the first message's size", n, 10);
    EQ("peek 4 with MSG_TRUNC: real length", recv(sv[1], buf, 4, MSG_PEEK | MSG_TRUNC), 10);
    EQ("recvmsg into 4", recvmsg(sv[1], &m, 0), 4);
    TRUE("  0123", !memcmp(buf, "0123", 4));
    EQ("  msg_flags MSG_TRUNC", m.msg_flags & MSG_TRUNC, MSG_TRUNC);
    m.msg_flags = 0;
    EQ("the rest is gone: next message", recvmsg(sv[1], &m, 0), 3);
    EQ("  no MSG_TRUNC", m.msg_flags, 0);
    EQ("send 8", send(sv[0], "abcdefgh", 8, 0), 8);
    EQ("recv 2 with MSG_TRUNC", recv(sv[1], buf, 2, MSG_TRUNC), 8);

    ERR("EMSGSIZE above the send buffer", send(sv[0], big, sizeof(big), 0), EMSGSIZE);
    n = 4096;
    MUST(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &n, sizeof(n)));
    ERR("  with SO_SNDBUF 4096 (8192): 9000 bytes", send(sv[0], big, 9000, 0), EMSGSIZE);
    EQ("  8000 bytes fit", send(sv[0], big, 8000, 0), 8000);
    EQ("  received", recv(sv[1], big, sizeof(big), 0), 8000);
    close(sv[0]);
    close(sv[1]);

    s = socket(AF_UNIX, SOCK_DGRAM, 0);
    c = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(connect(c, (struct sockaddr *)&a, sizeof(a)));
    for (n = 0; n < 100 && send(c, "q", 1, 0) == 1; n++)
        ;
    ERR("queue full for a one-way sender: EAGAIN", send(c, "q", 1, 0), EAGAIN);
    EQ("  after max_dgram_qlen + 1 messages", n, 11);
    EQ("  poll: not writable", unix_revents(c) & POLLOUT, 0);
    EQ("read one", recv(s, buf, sizeof(buf), 0), 1);
    EQ("  poll: writable again", unix_revents(c) & POLLOUT, POLLOUT);
    EQ("  send fits again", send(c, "q", 1, 0), 1);
    close(s);
    close(c);
    conf_rmtree(dir);
    return conf_done();
}
