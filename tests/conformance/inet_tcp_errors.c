/* TCP calls in the wrong state: accept/listen/recv/send/connect errors as
 * Linux gives them, and UDP calls that make no sense. */
#include "conf.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    char buf[4];
    int s, c, x, u, v;

    signal(SIGPIPE, SIG_IGN);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    ERR("accept unbound", accept(s, NULL, NULL), EINVAL);
    ERR("send never connected", send(s, "x", 1, 0), EPIPE);
    ERR("recv never connected", recv(s, buf, 1, 0), ENOTCONN);
    ERR("connect short", connect(s, (struct sockaddr *)&a, 4), EINVAL);
    ERR("connect len 0", connect(s, (struct sockaddr *)&a, 0), EINVAL);
    ERR("connect bad pointer", connect(s, BADPTR, sizeof(a)), EFAULT);
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(listen(s, 4));
    MUST(getsockname(s, (struct sockaddr *)&a, &len));
    OK("listen twice", listen(s, 8));
    ERR("recv on listener", recv(s, buf, 1, 0), ENOTCONN);
    ERR("send on listener", send(s, "x", 1, 0), EPIPE);
    ERR("getpeername listener", getpeername(s, (struct sockaddr *)&a, &len), ENOTCONN);
    ERR("FIONREAD listener", ioctl(s, FIONREAD, &v), EINVAL);
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(c, (struct sockaddr *)&a, sizeof(a)));
    MUST(x = accept(s, NULL, NULL));
    ERR("listen on connected", listen(c, 4), EINVAL);
    ERR("accept on connected", accept(c, NULL, NULL), EINVAL);
    ERR("connect connected", connect(c, (struct sockaddr *)&a, sizeof(a)), EISCONN);
    ERR("bind connected", bind(c, (struct sockaddr *)&a, sizeof(a)), EINVAL);
    ERR("accept bad addr pointer", (fcntl(s, F_SETFL, O_NONBLOCK), accept(s, BADPTR, &len)), EAGAIN);
    ERR("recv MSG_OOB none", recv(x, buf, 1, MSG_OOB | MSG_DONTWAIT), EINVAL);
    close(x);
    close(c);

    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    ERR("listen udp", listen(u, 1), EOPNOTSUPP);
    ERR("accept udp", accept(u, NULL, NULL), EOPNOTSUPP);
    ERR("getpeername udp", getpeername(u, (struct sockaddr *)&a, &len), ENOTCONN);
    ERR("recv udp unbound nonblock", recv(u, buf, 1, MSG_DONTWAIT), EAGAIN);
    close(u);
    close(s);
    return conf_done();
}
