/* unix_seqpacket: connection-oriented records: listen/accept, boundaries,
 * truncation, EOF when the peer closes, ENOTCONN, EPIPE, zero-length
 * records, EPROTOTYPE connecting to a stream listener. */
#include "conf.h"
#include "unixconf.h"
#include <signal.h>

int main(void)
{
    const char *dir = conf_mkdtemp("unix-seqp");
    struct sockaddr_un a = unix_sa(conf_join(dir, "s")), b = unix_sa(conf_join(dir, "stream"));
    struct iovec iov;
    struct msghdr m;
    char buf[64];
    int l, c, s, sl;

    signal(SIGPIPE, SIG_IGN);
    l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    MUST(l);
    OK("bind", bind(l, (struct sockaddr *)&a, sizeof(a)));
    OK("listen", listen(l, 2));
    EQ("listener poll: nothing", unix_revents(l), 0);
    c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    ERR("send before connect", send(c, "x", 1, 0), ENOTCONN);
    ERR("recv before connect", recv(c, buf, 1, 0), ENOTCONN);
    OK("connect", connect(c, (struct sockaddr *)&a, sizeof(a)));
    EQ("listener poll: IN", unix_revents(l), POLLIN);
    s = accept(l, NULL, NULL);
    TRUE("accept", s >= 0);
    EQ("send 'hello'", send(c, "hello", 5, 0), 5);
    EQ("send 'wo'", send(c, "wo", 2, 0), 2);
    EQ("recv: one record", recv(s, buf, sizeof(buf), 0), 5);
    memset(&m, 0, sizeof(m));
    iov.iov_base = buf;
    iov.iov_len = 1;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    EQ("short read", recvmsg(s, &m, 0), 1);
    EQ("  MSG_TRUNC", m.msg_flags & MSG_TRUNC, MSG_TRUNC);
    EQ("sendto with an address: ignored", sendto(s, "back", 4, 0, (struct sockaddr *)&b, sizeof(b)), 4);
    EQ("  arrives", recv(c, buf, sizeof(buf), 0), 4);
    close(c);
    EQ("peer closed: EOF", recv(s, buf, sizeof(buf), 0), 0);
    EQ("  poll: IN|OUT|HUP|RDHUP", unix_revents(s), POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
    ERR("  send: EPIPE", send(s, "x", 1, 0), EPIPE);
    close(s);

    sl = socket(AF_UNIX, SOCK_STREAM, 0);
    MUST(bind(sl, (struct sockaddr *)&b, sizeof(b)));
    MUST(listen(sl, 1));
    c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    ERR("connect to a stream listener: EPROTOTYPE", connect(c, (struct sockaddr *)&b, sizeof(b)), EPROTOTYPE);
    close(c);
    close(sl);
    close(l);
    conf_rmtree(dir);
    return conf_done();
}
