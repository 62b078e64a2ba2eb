/* unix_stream_shutdown: shutdown(SHUT_RD/WR/RDWR) on a stream pair: EOF,
 * EPIPE, what poll reports, pending data still read after SHUT_RD, and
 * ECONNRESET when the peer closes with data unread. */
#include "conf.h"
#include "unixconf.h"
#include <signal.h>

int main(void)
{
    int sv[2], p[2];
    char buf[16];

    signal(SIGPIPE, SIG_IGN);
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    EQ("poll of a fresh pair", unix_revents(sv[0]), POLLOUT);
    ERR("shutdown bad how", shutdown(sv[0], 3), EINVAL);
    EQ("write before shutdown", write(sv[1], "abc", 3), 3);
    OK("SHUT_RD", shutdown(sv[0], SHUT_RD));
    EQ("  pending data is still read", read(sv[0], buf, sizeof(buf)), 3);
    EQ("  then EOF", read(sv[0], buf, sizeof(buf)), 0);
    EQ("  poll: IN|OUT|RDHUP", unix_revents(sv[0]), POLLIN | POLLOUT | POLLRDHUP);
    ERR("  the peer's write: EPIPE", write(sv[1], "x", 1), EPIPE);
    EQ("  the peer's poll: OUT", unix_revents(sv[1]), POLLOUT);
    OK("SHUT_WR on the peer", shutdown(sv[1], SHUT_WR));
    EQ("  sv[0] still IN|OUT|RDHUP", unix_revents(sv[0]), POLLIN | POLLOUT | POLLRDHUP);
    close(sv[0]);
    close(sv[1]);

    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    OK("SHUT_WR", shutdown(sv[0], SHUT_WR));
    ERR("  own write: EPIPE", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    EQ("  peer reads EOF", read(sv[1], buf, sizeof(buf)), 0);
    EQ("  peer poll: IN|OUT|RDHUP", unix_revents(sv[1]), POLLIN | POLLOUT | POLLRDHUP);
    EQ("  peer can still write", write(sv[1], "back", 4), 4);
    EQ("  and we read it", read(sv[0], buf, sizeof(buf)), 4);
    OK("SHUT_RDWR", shutdown(sv[0], SHUT_RDWR));
    EQ("  poll: IN|OUT|HUP|RDHUP", unix_revents(sv[0]), POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
    close(sv[0]);
    close(sv[1]);

    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    EQ("write to the peer", write(sv[0], "unread", 6), 6);
    close(sv[1]);
    ERR("peer closed with our data unread: ECONNRESET", read(sv[0], buf, sizeof(buf)), ECONNRESET);
    EQ("  then EOF", read(sv[0], buf, sizeof(buf)), 0);
    close(sv[0]);

    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    EQ("write then close", write(sv[1], "last", 4), 4);
    close(sv[1]);
    EQ("  the data arrives", read(sv[0], buf, sizeof(buf)), 4);
    EQ("  then EOF", read(sv[0], buf, sizeof(buf)), 0);
    EQ("  poll: IN|OUT|HUP|RDHUP", unix_revents(sv[0]), POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
    close(sv[0]);

    p[0] = socket(AF_UNIX, SOCK_STREAM, 0);
    OK("shutdown of an unconnected socket", shutdown(p[0], SHUT_RDWR));
    ERR("read unconnected", read(p[0], buf, 1), EINVAL);
    ERR("write unconnected", write(p[0], "x", 1), ENOTCONN);
    close(p[0]);
    return conf_done();
}
