/* bind(2) on AF_INET/AF_INET6: address in use, non-local addresses,
 * rebinding, short and foreign addresses; socket(2) type/protocol errors. */
#include "conf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET }, b;
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
    socklen_t l = sizeof(a);
    int s, t, u, one = 1;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    OK("bind", bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(getsockname(s, (struct sockaddr *)&a, &l));
    ERR("rebind", bind(s, (struct sockaddr *)&a, sizeof(a)), EINVAL);
    MUST(listen(s, 1));
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    ERR("in use", bind(t, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
    MUST(setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
    ERR("in use by a listener despite SO_REUSEADDR", bind(t, (struct sockaddr *)&a, sizeof(a)),
        EADDRINUSE);
    b = a;
    b.sin_addr.s_addr = htonl(INADDR_ANY);
    ERR("wildcard on a port in use", bind(t, (struct sockaddr *)&b, sizeof(b)), EADDRINUSE);
    close(t);
    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    OK("udp on the same port number", bind(u, (struct sockaddr *)&a, sizeof(a)));
    close(u);

    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    b = a;
    b.sin_port = 0;
    inet_pton(AF_INET, "192.0.2.7", &b.sin_addr);
    ERR("non-local address", bind(t, (struct sockaddr *)&b, sizeof(b)), EADDRNOTAVAIL);
    ERR("short address", bind(t, (struct sockaddr *)&a, 8), EINVAL);
    ERR("zero length", bind(t, (struct sockaddr *)&a, 0), EINVAL);
    b = a;
    b.sin_family = AF_INET6;
    ERR("wrong family", bind(t, (struct sockaddr *)&b, sizeof(b)), EAFNOSUPPORT);
    ERR("bad pointer", bind(t, BADPTR, sizeof(a)), EFAULT);
    ERR("too long", bind(t, (struct sockaddr *)&a, 200), EINVAL);
    b = a;
    b.sin_family = AF_UNSPEC;
    b.sin_port = 0;
    b.sin_addr.s_addr = htonl(INADDR_ANY);
    OK("AF_UNSPEC with INADDR_ANY", bind(t, (struct sockaddr *)&b, sizeof(b)));
    close(t);
    MUST(t = socket(AF_INET, SOCK_STREAM, 0));
    b.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ERR("AF_UNSPEC with an address", bind(t, (struct sockaddr *)&b, sizeof(b)), EAFNOSUPPORT);
    close(t);

    MUST(t = socket(AF_INET6, SOCK_STREAM, 0));
    ERR("v6 short address", bind(t, (struct sockaddr *)&a, sizeof(a)), EINVAL);
    memcpy(&a6, &a, sizeof(a));
    ERR("v6 wrong family", bind(t, (struct sockaddr *)&a6, sizeof(a6)), EAFNOSUPPORT);
    close(t);

    ERR("stream + udp", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    ERR("dgram + tcp", socket(AF_INET6, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
    ERR("seqpacket", socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
    ERR("bad flags", socket(AF_INET, SOCK_STREAM | 0x100000, 0), EINVAL);
    close(s);
    return conf_done();
}
