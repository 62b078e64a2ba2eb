/* unix_sockopts: SOL_SOCKET options of unix sockets: SO_TYPE, SO_DOMAIN,
 * SO_PROTOCOL, SO_ACCEPTCONN, SO_ERROR, SO_SNDBUF/SO_RCVBUF (doubled,
 * minimums), SO_PASSCRED, SO_REUSEADDR, SO_KEEPALIVE, SO_LINGER,
 * SO_RCVTIMEO/SO_SNDTIMEO (a blocked recv times out with EAGAIN), other
 * levels EOPNOTSUPP; FIONBIO. */
#include "conf.h"
#include "unixconf.h"
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <time.h>

static int geti(int s, int opt)
{
    int v = -7;
    socklen_t l = sizeof(v);
    if (getsockopt(s, SOL_SOCKET, opt, &v, &l) < 0)
        return -1000 - errno;
    return l == sizeof(v) ? v : -2000;
}

int main(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0), d = socket(AF_UNIX, SOCK_DGRAM, 0);
    int q = socket(AF_UNIX, SOCK_SEQPACKET, 0), v, sv[2];
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    struct timeval tv;
    struct linger lg;
    socklen_t len;
    struct timespec t0, t1;
    char buf[4];

    EQ("SO_TYPE stream", geti(s, SO_TYPE), SOCK_STREAM);
    EQ("SO_TYPE dgram", geti(d, SO_TYPE), SOCK_DGRAM);
    EQ("SO_TYPE seqpacket", geti(q, SO_TYPE), SOCK_SEQPACKET);
    EQ("SO_DOMAIN", geti(s, SO_DOMAIN), AF_UNIX);
    EQ("SO_PROTOCOL", geti(s, SO_PROTOCOL), 0);
    EQ("SO_ACCEPTCONN before listen", geti(s, SO_ACCEPTCONN), 0);
    MUST(bind(s, (struct sockaddr *)&a, sizeof(sa_family_t)));
    MUST(listen(s, 1));
    EQ("SO_ACCEPTCONN after listen", geti(s, SO_ACCEPTCONN), 1);
    EQ("SO_ERROR", geti(s, SO_ERROR), 0);
    EQ("SO_PASSCRED default", geti(d, SO_PASSCRED), 0);
    EQ("SO_REUSEADDR default", geti(d, SO_REUSEADDR), 0);
    v = 1;
    OK("SO_REUSEADDR set", setsockopt(d, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
    EQ("  reads 1", geti(d, SO_REUSEADDR), 1);
    OK("SO_KEEPALIVE set", setsockopt(d, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)));
    EQ("  reads 1", geti(d, SO_KEEPALIVE), 1);
    v = 1;
    OK("SO_SNDBUF 1", setsockopt(d, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
    EQ("  the minimum 4608", geti(d, SO_SNDBUF), 4608);
    v = 1;
    OK("SO_RCVBUF 1", setsockopt(d, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
    EQ("  the minimum 2304", geti(d, SO_RCVBUF), 2304);
    v = 50000;
    OK("SO_SNDBUF 50000", setsockopt(d, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
    EQ("  doubled", geti(d, SO_SNDBUF), 100000);
    v = 60000;
    OK("SO_RCVBUF 60000", setsockopt(d, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
    EQ("  doubled", geti(d, SO_RCVBUF), 120000);
    len = 2;
    v = 0;
    OK("getsockopt into 2 bytes", getsockopt(q, SOL_SOCKET, SO_TYPE, &v, &len));
    EQ("  length 2", len, 2);
    len = sizeof(lg);
    OK("SO_LINGER default", getsockopt(d, SOL_SOCKET, SO_LINGER, &lg, &len));
    TRUE("  off, 0", len == sizeof(lg) && lg.l_onoff == 0 && lg.l_linger == 0);
    lg.l_onoff = 1;
    lg.l_linger = 7;
    OK("SO_LINGER set", setsockopt(d, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
    len = sizeof(lg);
    OK("  get", getsockopt(d, SOL_SOCKET, SO_LINGER, &lg, &len));
    TRUE("  on, 7", lg.l_onoff == 1 && lg.l_linger == 7);
    ERR("SO_LINGER short: EINVAL", setsockopt(d, SOL_SOCKET, SO_LINGER, &lg, 4), EINVAL);

    len = sizeof(tv);
    OK("SO_RCVTIMEO default", getsockopt(d, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
    TRUE("  0", len == sizeof(tv) && tv.tv_sec == 0 && tv.tv_usec == 0);
    tv.tv_sec = 0;
    tv.tv_usec = 2000000;
    ERR("SO_RCVTIMEO usec out of range: EDOM", setsockopt(d, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM);
    ERR("SO_RCVTIMEO short: EINVAL", setsockopt(d, SOL_SOCKET, SO_RCVTIMEO, &tv, 4), EINVAL);
    tv.tv_sec = 0;
    tv.tv_usec = 200000;
    OK("SO_RCVTIMEO 200 ms", setsockopt(d, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    len = sizeof(tv);
    OK("  get", getsockopt(d, SOL_SOCKET, SO_RCVTIMEO, &tv, &len));
    TRUE("  200000 us", tv.tv_sec == 0 && tv.tv_usec == 200000);
    MUST(bind(d, (struct sockaddr *)&a, sizeof(sa_family_t)));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ERR("a blocked recv times out: EAGAIN", recv(d, buf, sizeof(buf), 0), EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    {
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        TRUE("  after about 200 ms", ms >= 150 && ms < 2000);
    }
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    tv.tv_sec = 0;
    tv.tv_usec = 100000;
    OK("SO_SNDTIMEO 100 ms", setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
    {
        static char big[1 << 20];
        long r = write(sv[0], big, sizeof(big));
        TRUE("  a write that fills the buffer returns a partial count", r > 0 && r < (long)sizeof(big));
        ERR("  the next one times out: EAGAIN", write(sv[0], big, 1), EAGAIN);
    }
    v = 1;
    OK("FIONBIO on", ioctl(sv[1], FIONBIO, &v));
    EQ("  O_NONBLOCK", fcntl(sv[1], F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    ERR("SOL_SOCKET only: IPPROTO_TCP get", getsockopt(d, IPPROTO_TCP, 1, &v, &len), EOPNOTSUPP);
    ERR("  set", setsockopt(d, IPPROTO_TCP, 1, &v, sizeof(v)), EOPNOTSUPP);
    return conf_done();
}
