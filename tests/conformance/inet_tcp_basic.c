/* TCP over 127.0.0.1 with a forked client: accept, echo, MSG_PEEK,
 * MSG_WAITALL, FIONREAD, shutdown(SHUT_WR) and end of stream. */
#include "conf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static int child(struct sockaddr_in *a)
{
    char buf[64];
    size_t got = 0;
    long n;
    int c = socket(AF_INET, SOCK_STREAM, 0);

    if (c < 0 || connect(c, (struct sockaddr *)a, sizeof(*a)))
        return 1;
    if (write(c, "hello world", 11) != 11)
        return 2;
    if (shutdown(c, SHUT_WR))
        return 3;
    while ((n = read(c, buf + got, sizeof(buf) - got)) > 0)
        got += (size_t)n;
    if (n < 0 || got != 11 || memcmp(buf, "HELLO WORLD", 11))
        return 4;
    if (read(c, buf, 1) != 0)
        return 5;
    close(c);
    return 0;
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET }, p, l;
    socklen_t len = sizeof(a);
    char buf[64], ip[32];
    int s, c, st, avail = 0;
    pid_t pid;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    OK("bind", bind(s, (struct sockaddr *)&a, sizeof(a)));
    OK("listen", listen(s, 4));
    MUST(getsockname(s, (struct sockaddr *)&a, &len));
    EQ("sockname len", len, sizeof(a));
    TRUE("port assigned", ntohs(a.sin_port) != 0);
    MUST(pid = fork());
    if (pid == 0)
        _exit(child(&a));
    len = sizeof(p);
    MUST(c = accept(s, (struct sockaddr *)&p, &len));
    EQ("peer len", len, sizeof(p));
    EQ("peer family", p.sin_family, AF_INET);
    STREQ("peer addr", inet_ntop(AF_INET, &p.sin_addr, ip, sizeof(ip)), "127.0.0.1");
    len = sizeof(l);
    MUST(getsockname(c, (struct sockaddr *)&l, &len));
    TRUE("accepted local port is the listener's", l.sin_port == a.sin_port);
    len = sizeof(l);
    MUST(getpeername(c, (struct sockaddr *)&l, &len));
    TRUE("getpeername = accept addr", l.sin_port == p.sin_port);
    EQ("recv waitall", recv(c, buf, 11, MSG_WAITALL), 11);
    TRUE("data", !memcmp(buf, "hello world", 11));
    EQ("recv eof", recv(c, buf, sizeof(buf), 0), 0);
    EQ("recv eof again", read(c, buf, sizeof(buf)), 0);
    OK("fionread", ioctl(c, FIONREAD, &avail));
    EQ("fionread value", avail, 0);
    EQ("send back", send(c, "HELLO WORLD", 11, 0), 11);
    OK("close", close(c));
    MUST(waitpid(pid, &st, 0));
    EQ("child status", WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st), 0);

    /* MSG_PEEK and FIONREAD on a loopback pair in one process. */
    {
        int x, y;
        struct pollfd pfd;
        MUST(x = socket(AF_INET, SOCK_STREAM, 0));
        MUST(connect(x, (struct sockaddr *)&a, sizeof(a)));
        MUST(y = accept(s, NULL, NULL));
        EQ("send", send(x, "abcdef", 6, 0), 6);
        pfd.fd = y;
        pfd.events = POLLIN;
        EQ("poll in", poll(&pfd, 1, 5000), 1);
        OK("fionread2", ioctl(y, FIONREAD, &avail));
        EQ("fionread2 value", avail, 6);
        EQ("peek", recv(y, buf, 3, MSG_PEEK), 3);
        TRUE("peek data", !memcmp(buf, "abc", 3));
        EQ("read after peek", recv(y, buf, sizeof(buf), 0), 6);
        TRUE("read data", !memcmp(buf, "abcdef", 6));
        ERR("dontwait empty", recv(y, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
        EQ("send more", send(x, "xyz", 3, 0), 3);
        EQ("poll in again", poll(&pfd, 1, 5000), 1);
        ERR("recv into a bad buffer", recv(y, BADPTR, 3, 0), EFAULT);
        EQ("data still there", recv(y, buf, sizeof(buf), 0), 3);
        TRUE("same data", !memcmp(buf, "xyz", 3));
        ERR("send from a bad buffer", send(x, BADPTR, 3, 0), EFAULT);
        OK("shutdown rd+wr", shutdown(x, SHUT_RDWR));
        EQ("eof after peer shutdown", recv(y, buf, sizeof(buf), 0), 0);
        ERR("shutdown bad how", shutdown(x, 7), EINVAL);
        close(x);
        close(y);
    }
    {
        int u;
        MUST(u = socket(AF_INET, SOCK_STREAM, 0));
        ERR("recv unconnected", recv(u, buf, 1, 0), ENOTCONN);
        ERR("getpeername unconnected", getpeername(u, (struct sockaddr *)&p, &len), ENOTCONN);
        ERR("shutdown unconnected", shutdown(u, SHUT_RD), ENOTCONN);
        close(u);
    }
    close(s);
    return conf_done();
}
