/* unix_abstract: abstract names (sun_path[0] == 0): no file, the exact
 * length is the name, EADDRINUSE, connect by name, the name goes with the
 * socket, getsockname returns the length given. */
#include "conf.h"
#include "unixconf.h"

int main(void)
{
    char name[64];
    socklen_t la, lb, len;
    struct sockaddr_un a, b, got;
    char buf[8];
    int l, x, c, s;

    snprintf(name, sizeof(name), "conf-abstract-%08d", (int)getpid());
    a = unix_abs(name, &la);
    l = socket(AF_UNIX, SOCK_STREAM, 0);
    OK("bind abstract", bind(l, (struct sockaddr *)&a, la));
    len = sizeof(got);
    OK("getsockname", getsockname(l, (struct sockaddr *)&got, &len));
    EQ("  the length given", len, la);
    TRUE("  the same bytes", !memcmp(&got, &a, la));
    x = socket(AF_UNIX, SOCK_STREAM, 0);
    ERR("same name again: EADDRINUSE", bind(x, (struct sockaddr *)&a, la), EADDRINUSE);
    /* A longer name with the same prefix is another name. */
    OK("  one byte longer is another name", bind(x, (struct sockaddr *)&a, la + 1));
    OK("listen", listen(l, 1));
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    ERR("connect to the longer one (not listening)", connect(c, (struct sockaddr *)&a, la + 1), ECONNREFUSED);
    OK("connect by name", connect(c, (struct sockaddr *)&a, la));
    s = accept(l, NULL, NULL);
    EQ("data", write(c, "ab", 2), 2);
    EQ("  arrives", read(s, buf, sizeof(buf)), 2);
    len = sizeof(got);
    OK("getpeername of the client", getpeername(c, (struct sockaddr *)&got, &len));
    EQ("  length", len, la);
    TRUE("  leading NUL", got.sun_path[0] == 0);
    close(s);
    close(c);
    close(l);
    close(x);
    l = socket(AF_UNIX, SOCK_DGRAM, 0);
    OK("the name is free once its socket is closed", bind(l, (struct sockaddr *)&a, la));
    b = unix_abs("", &lb);
    c = socket(AF_UNIX, SOCK_DGRAM, 0);
    EQ("sendto by abstract name", sendto(c, "z", 1, 0, (struct sockaddr *)&a, la), 1);
    EQ("  arrives", recv(l, buf, sizeof(buf), 0), 1);
    ERR("connect to an unused abstract name", connect(c, (struct sockaddr *)&b, lb), ECONNREFUSED);
    close(c);
    close(l);
    return conf_done();
}
