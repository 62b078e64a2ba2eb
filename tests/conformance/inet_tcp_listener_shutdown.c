/* shutdown(2) of a listening TCP socket: SHUT_WR does nothing, SHUT_RD
 * stops listening (a blocked accept gets EINVAL, connects are refused),
 * getsockname keeps the port, and listen works again. */
#include "conf.h"

#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET }, b;
    socklen_t len = sizeof(a);
    int s, c, v = -1, st;
    pid_t pid;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(listen(s, 4));
    MUST(getsockname(s, (struct sockaddr *)&a, &len));
    OK("shutdown wr", shutdown(s, SHUT_WR));
    len = sizeof(v);
    MUST(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
    EQ("still listening", v, 1);

    MUST(pid = fork());
    if (pid == 0) {
        usleep(200000);
        _exit(shutdown(s, SHUT_RDWR) ? 1 : 0);
    }
    ERR("blocked accept ends", accept(s, NULL, NULL), EINVAL);
    MUST(waitpid(pid, &st, 0));
    EQ("shutdown in child", st, 0);
    len = sizeof(v);
    MUST(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
    EQ("not listening", v, 0);
    len = sizeof(b);
    MUST(getsockname(s, (struct sockaddr *)&b, &len));
    TRUE("port kept", b.sin_port == a.sin_port);
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    ERR("connect refused", connect(c, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
    close(c);
    OK("listen again", listen(s, 4));
    close(s);
    return conf_done();
}
