/* An epoll TCP echo server with several forked clients. */
#include "conf.h"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#define NCLI 4

static int client(struct sockaddr_in *a, int i)
{
    char msg[32], buf[32];
    size_t got = 0;
    long n;
    int c = socket(AF_INET, SOCK_STREAM, 0);
    int len = snprintf(msg, sizeof(msg), "client %d says hi", i);

    if (c < 0 || connect(c, (struct sockaddr *)a, sizeof(*a)))
        return 1;
    for (int k = 0; k < 3; k++) {
        if (write(c, msg, (size_t)len) != len)
            return 2;
        got = 0;
        while (got < (size_t)len && (n = read(c, buf + got, (size_t)len - got)) > 0)
            got += (size_t)n;
        if (got != (size_t)len || memcmp(buf, msg, (size_t)len))
            return 3;
    }
    close(c);
    return 0;
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    struct epoll_event ev, evs[16];
    int s, ep, closed = 0, accepted = 0, ok = 1, st;
    long echoed = 0;
    pid_t pids[NCLI];

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(listen(s, 16));
    MUST(getsockname(s, (struct sockaddr *)&a, &len));
    MUST(ep = epoll_create1(EPOLL_CLOEXEC));
    ev.events = EPOLLIN;
    ev.data.fd = s;
    OK("epoll add listener", epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
    for (int i = 0; i < NCLI; i++) {
        MUST(pids[i] = fork());
        if (pids[i] == 0)
            _exit(client(&a, i));
    }
    while (closed < NCLI) {
        int n = epoll_wait(ep, evs, 16, 10000);
        if (n <= 0) {
            ok = 0;
            break;
        }
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == s) {
                int c;
                while ((c = accept4(s, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
                    ev.data.fd = c;
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
                    accepted++;
                }
                if (errno != EAGAIN)
                    ok = 0;
                continue;
            }
            for (;;) {
                char buf[256];
                long r = read(fd, buf, sizeof(buf));
                if (r > 0) {
                    if (write(fd, buf, (size_t)r) != r)
                        ok = 0;
                    echoed += r;
                    continue;
                }
                if (r == 0) {
                    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
                    close(fd);
                    closed++;
                } else if (errno != EAGAIN) {
                    ok = 0;
                }
                break;
            }
        }
    }
    TRUE("server loop ok", ok);
    EQ("accepted", accepted, NCLI);
    EQ("closed", closed, NCLI);
    EQ("bytes echoed", echoed, 3 * NCLI * 16);
    for (int i = 0; i < NCLI; i++) {
        MUST(waitpid(pids[i], &st, 0));
        EQ("client status", WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st), 0);
    }
    close(ep);
    close(s);
    return conf_done();
}
