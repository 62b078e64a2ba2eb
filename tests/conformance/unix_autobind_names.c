/* unix_autobind_names: bind with only the family autobinds to a 5-hex-digit
 * abstract name (length 8); an unbound socket's name is just the family;
 * getsockname with a short buffer reports the full length; sending with
 * SO_PASSCRED autobinds; bind of a bound socket: EINVAL, autobind again: 0. */
#include "conf.h"
#include "unixconf.h"
#include <ctype.h>

static int hex5(const struct sockaddr_un *a)
{
    for (int i = 1; i <= 5; i++)
        if (!isxdigit((unsigned char)a->sun_path[i]) || isupper((unsigned char)a->sun_path[i]))
            return 0;
    return a->sun_path[0] == 0;
}

int main(void)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX }, got, got2;
    socklen_t len;
    int s, t, sv[2], one = 1;
    char buf[8];

    s = socket(AF_UNIX, SOCK_STREAM, 0);
    len = sizeof(got);
    OK("getsockname unbound", getsockname(s, (struct sockaddr *)&got, &len));
    EQ("  length 2", len, 2);
    EQ("  family", got.sun_family, AF_UNIX);
    OK("autobind", bind(s, (struct sockaddr *)&a, sizeof(sa_family_t)));
    len = sizeof(got);
    OK("getsockname", getsockname(s, (struct sockaddr *)&got, &len));
    EQ("  length 8", len, 8);
    TRUE("  \\0 and 5 lowercase hex digits", hex5(&got));
    len = 4;
    OK("getsockname into 4 bytes", getsockname(s, (struct sockaddr *)&got2, &len));
    EQ("  reports 8", len, 8);
    OK("autobind again: nothing to do", bind(s, (struct sockaddr *)&a, sizeof(sa_family_t)));
    ERR("bind a bound socket", bind(s, (struct sockaddr *)&(struct sockaddr_un){ .sun_family = AF_UNIX, .sun_path = "\0other" }, 9), EINVAL);
    t = socket(AF_UNIX, SOCK_STREAM, 0);
    OK("a second autobind", bind(t, (struct sockaddr *)&a, sizeof(sa_family_t)));
    len = sizeof(got2);
    OK("  getsockname", getsockname(t, (struct sockaddr *)&got2, &len));
    TRUE("  a different name", memcmp(&got, &got2, 8) != 0);
    close(s);
    close(t);

    MUST(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    MUST(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)));
    EQ("send with SO_PASSCRED", send(sv[0], "x", 1, 0), 1);
    len = sizeof(got);
    OK("  getsockname", getsockname(sv[0], (struct sockaddr *)&got, &len));
    EQ("  autobound: length 8", len, 8);
    len = sizeof(got2);
    EQ("  the receiver sees that name", recvfrom(sv[1], buf, sizeof(buf), 0, (struct sockaddr *)&got2, &len), 1);
    TRUE("  same", len == 8 && !memcmp(&got, &got2, 8));
    close(sv[0]);
    close(sv[1]);
    return conf_done();
}
