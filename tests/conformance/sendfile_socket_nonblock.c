/* sendfile_socket_nonblock: sendfile into a non-blocking socket that fills
 * up returns exactly the bytes the socket took, and the offset moves by as
 * much: the reader gets the file once, in order, nothing sent twice
 * (python's socket.sendfile loops on this; AF_UNIX and TCP loopback). */
#include "conf.h"
#include <netinet/in.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#define FSIZE (4 << 20)
#define MIN_SZ(a, b) ((a) < (b) ? (a) : (b))

static int tcp_pair(int sv[2])
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof(a);
    int l = socket(AF_INET, SOCK_STREAM, 0);

    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
        getsockname(l, (struct sockaddr *)&a, &al))
        return -1;
    sv[0] = socket(AF_INET, SOCK_STREAM, 0);
    if (sv[0] < 0 || connect(sv[0], (struct sockaddr *)&a, sizeof(a)))
        return -1;
    sv[1] = accept(l, NULL, NULL);
    close(l);
    return sv[1] < 0 ? -1 : 0;
}

/* Send the whole file in rounds: fill the socket, then drain it and check
 * that what arrived is what sendfile said it sent. */
static void run(const char *what, int sv[2], int in)
{
    static unsigned char got[1 << 16];
    off_t off = 0;
    long sent = 0, recvd = 0, rounds = 0;
    int bad = 0, again = 0;

    MUST(fcntl(sv[0], F_SETFL, O_NONBLOCK));
    MUST(fcntl(sv[1], F_SETFL, O_NONBLOCK));
    while (sent < FSIZE && rounds++ < 100000) {
        for (;;) {
            ssize_t n = sendfile(sv[0], in, &off, FSIZE - sent);
            if (n < 0) {
                again += errno == EAGAIN;
                break;
            }
            if (n == 0)
                break;
            sent += n;
        }
        bad += off != sent;
        while (recvd < sent) {
            struct pollfd pf = { .fd = sv[1], .events = POLLIN };
            ssize_t n;
            if (poll(&pf, 1, 5000) != 1)
                break; /* more was reported sent than will ever arrive */
            n = read(sv[1], got, MIN_SZ(sizeof(got), (size_t)(sent - recvd)));
            if (n <= 0)
                break;
            for (ssize_t i = 0; i < n; i++)
                bad += got[i] != (unsigned char)((recvd + i) % 251);
            recvd += n;
        }
        if (recvd != sent)
            break;
    }
    printf("%s:\n", what);
    TRUE("  the socket filled up at least once", again > 0);
    EQ("  everything sent", sent, FSIZE);
    EQ("  offset equals bytes reported sent", off, sent);
    EQ("  bytes received equal bytes reported sent", recvd, sent);
    EQ("  data in order, none twice", bad, 0);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    const char *d = conf_mkdtemp("sendfile_sock");
    const char *f = conf_join(d, "f");
    static unsigned char data[FSIZE];
    int in, sv[2];

    for (int i = 0; i < FSIZE; i++)
        data[i] = (unsigned char)(i % 251);
    MUST(in = open(f, O_RDWR | O_CREAT, 0644));
    EQ("file written", write(in, data, FSIZE), FSIZE);
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    run("AF_UNIX stream", sv, in);
    MUST(tcp_pair(sv));
    run("TCP loopback", sv, in);
    close(in);
    conf_rmtree(d);
    return conf_done();
}
