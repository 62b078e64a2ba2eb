/* unix_dgram_basic: datagrams: boundaries kept, sendto an address, the
 * sender's address at the receiver, connected and unconnected sends,
 * ENOTCONN, EPERM to a socket connected elsewhere, ECONNREFUSED when the
 * connected peer is gone, AF_UNSPEC disconnect. */
#include "conf.h"
#include "unixconf.h"

int main(void)
{
    const char *dir = conf_mkdtemp("unix-dgram");
    struct sockaddr_un as = unix_sa(conf_join(dir, "server")), ac = unix_sa(conf_join(dir, "client")), from;
    socklen_t len;
    char buf[64];
    int s, c, o, sv[2];

    s = socket(AF_UNIX, SOCK_DGRAM, 0);
    c = socket(AF_UNIX, SOCK_DGRAM, 0);
    MUST(s);
    MUST(c);
    OK("bind server", bind(s, (struct sockaddr *)&as, sizeof(as)));
    ERR("send unconnected without address", send(c, "x", 1, 0), ENOTCONN);
    EQ("sendto from an unbound socket", sendto(c, "one", 3, 0, (struct sockaddr *)&as, sizeof(as)), 3);
    len = sizeof(from);
    EQ("recvfrom", recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 3);
    EQ("  unbound sender: address length 0", len, 0);
    OK("bind client", bind(c, (struct sockaddr *)&ac, sizeof(ac)));
    EQ("sendto 'two'", sendto(c, "two", 3, 0, (struct sockaddr *)&as, sizeof(as)), 3);
    EQ("sendto 'three'", sendto(c, "three", 5, 0, (struct sockaddr *)&as, sizeof(as)), 5);
    len = sizeof(from);
    EQ("recvfrom: one message", recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 3);
    TRUE("  from the client's path", len > 2 && !strcmp(from.sun_path, ac.sun_path));
    EQ("next message", recv(s, buf, sizeof(buf), 0), 5);
    EQ("empty datagram", sendto(c, "", 0, 0, (struct sockaddr *)&as, sizeof(as)), 0);
    EQ("  received as 0 bytes", recv(s, buf, sizeof(buf), MSG_DONTWAIT), 0);
    ERR("  then nothing", recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

    OK("connect client to server", connect(c, (struct sockaddr *)&as, sizeof(as)));
    EQ("send connected", send(c, "four", 4, 0), 4);
    EQ("  arrives", recv(s, buf, sizeof(buf), 0), 4);
    len = sizeof(from);
    OK("getpeername", getpeername(c, (struct sockaddr *)&from, &len));
    TRUE("  the server", !strcmp(from.sun_path, as.sun_path));
    OK("connect server to client", connect(s, (struct sockaddr *)&ac, sizeof(ac)));
    o = socket(AF_UNIX, SOCK_DGRAM, 0);
    ERR("a third socket sending to the connected server: EPERM",
        sendto(o, "x", 1, 0, (struct sockaddr *)&as, sizeof(as)), EPERM);
    ERR("  connect to it: EPERM", connect(o, (struct sockaddr *)&as, sizeof(as)), EPERM);
    {
        struct sockaddr sa0 = { .sa_family = AF_UNSPEC };
        OK("AF_UNSPEC disconnects", connect(c, &sa0, sizeof(sa0)));
        ERR("  send: ENOTCONN", send(c, "x", 1, 0), ENOTCONN);
        len = sizeof(from);
        ERR("  getpeername: ENOTCONN", getpeername(c, (struct sockaddr *)&from, &len), ENOTCONN);
    }
    close(o);
    close(s);
    close(c);

    MUST(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    EQ("pair: send", send(sv[0], "hi", 2, 0), 2);
    EQ("  recv", recv(sv[1], buf, sizeof(buf), 0), 2);
    close(sv[1]);
    ERR("peer gone: ECONNREFUSED", send(sv[0], "x", 1, 0), ECONNREFUSED);
    ERR("  then ENOTCONN", send(sv[0], "x", 1, 0), ENOTCONN);
    close(sv[0]);
    s = socket(AF_UNIX, SOCK_DGRAM, 0);
    ERR("sendto a path nobody bound", sendto(s, "x", 1, 0, (struct sockaddr *)&as, sizeof(as)), ECONNREFUSED);
    unlink(as.sun_path);
    ERR("sendto a path that is gone", sendto(s, "x", 1, 0, (struct sockaddr *)&as, sizeof(as)), ENOENT);
    close(s);
    conf_rmtree(dir);
    return conf_done();
}
