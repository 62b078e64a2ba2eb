/* bench/tcp.c: loopback TCP, natively or inside the sandbox (static).
 *   tcp bw MB   -> ms to move MB megabytes from a child to its parent
 *   tcp rtt N   -> ns per 1-byte round trip (N round trips)
 * Both ends in one run: the parent listens on 127.0.0.1, port 0. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int die(const char *what)
{
    perror(what);
    exit(1);
}

int main(int argc, char **argv)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof(a);
    int one = 1, ls, s;
    long n;
    pid_t pid;

    if (argc != 3 || (strcmp(argv[1], "bw") && strcmp(argv[1], "rtt")))
        return fprintf(stderr, "usage: tcp bw MB | tcp rtt N\n"), 2;
    n = atol(argv[2]);
    if ((ls = socket(AF_INET, SOCK_STREAM, 0)) < 0 || bind(ls, (void *)&a, sizeof(a)) ||
        listen(ls, 1) || getsockname(ls, (void *)&a, &al))
        die("listen");
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        static char buf[1 << 16];
        char c = 'x';
        int cs = socket(AF_INET, SOCK_STREAM, 0);
        if (cs < 0 || connect(cs, (void *)&a, sizeof(a)))
            die("connect");
        setsockopt(cs, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (!strcmp(argv[1], "bw")) {
            for (long left = n << 20; left > 0;) {
                ssize_t w = write(cs, buf, left < (long)sizeof(buf) ? (size_t)left : sizeof(buf));
                if (w <= 0)
                    die("write");
                left -= w;
            }
        } else {
            for (long i = 0; i < n; i++)
                if (read(cs, &c, 1) != 1 || write(cs, &c, 1) != 1)
                    die("echo");
        }
        close(cs);
        _exit(0);
    }
    if ((s = accept(ls, NULL, NULL)) < 0)
        die("accept");
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    double t0 = now_ns();
    if (!strcmp(argv[1], "bw")) {
        static char buf[1 << 16];
        long got = 0;
        ssize_t r;
        while ((r = read(s, buf, sizeof(buf))) > 0)
            got += r;
        if (got != n << 20)
            die("short transfer");
        printf("%.2f\n", (now_ns() - t0) / 1e6);
    } else {
        char c = 'p';
        for (long i = 0; i < n; i++)
            if (write(s, &c, 1) != 1 || read(s, &c, 1) != 1)
                die("ping");
        printf("%.0f\n", (now_ns() - t0) / n);
    }
    waitpid(pid, NULL, 0);
    return 0;
}
