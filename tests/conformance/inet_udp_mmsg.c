/* sendmmsg/recvmmsg on UDP over 127.0.0.1: several datagrams per call,
 * lengths, sources and MSG_TRUNC per message. */
#include "conf.h"

#include <netinet/in.h>
#include <sys/socket.h>

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET }, b, from[4];
    socklen_t len = sizeof(a);
    struct mmsghdr out[3], in[4];
    struct iovec oiov[3], iiov[4];
    const char *msgs[3] = { "one", "second", "the third one" };
    char bufs[4][8];
    int r, s;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(r = socket(AF_INET, SOCK_DGRAM, 0));
    MUST(bind(r, (struct sockaddr *)&a, sizeof(a)));
    MUST(getsockname(r, (struct sockaddr *)&a, &len));
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    b = a;
    b.sin_port = 0;
    MUST(bind(s, (struct sockaddr *)&b, sizeof(b)));
    len = sizeof(b);
    MUST(getsockname(s, (struct sockaddr *)&b, &len));
    memset(out, 0, sizeof(out));
    for (int i = 0; i < 3; i++) {
        oiov[i].iov_base = (void *)msgs[i];
        oiov[i].iov_len = strlen(msgs[i]);
        out[i].msg_hdr.msg_iov = &oiov[i];
        out[i].msg_hdr.msg_iovlen = 1;
        out[i].msg_hdr.msg_name = &a;
        out[i].msg_hdr.msg_namelen = sizeof(a);
    }
    EQ("sendmmsg", sendmmsg(s, out, 3, 0), 3);
    for (int i = 0; i < 3; i++)
        EQ("sent len", out[i].msg_len, strlen(msgs[i]));
    memset(in, 0, sizeof(in));
    for (int i = 0; i < 4; i++) {
        iiov[i].iov_base = bufs[i];
        iiov[i].iov_len = sizeof(bufs[i]);
        in[i].msg_hdr.msg_iov = &iiov[i];
        in[i].msg_hdr.msg_iovlen = 1;
        in[i].msg_hdr.msg_name = &from[i];
        in[i].msg_hdr.msg_namelen = sizeof(from[i]);
    }
    EQ("recvmmsg", recvmmsg(r, in, 4, MSG_DONTWAIT, NULL), 3);
    for (int i = 0; i < 3; i++) {
        EQ("recv len", in[i].msg_len, strlen(msgs[i]) < 8 ? strlen(msgs[i]) : 8);
        EQ("truncated", !!(in[i].msg_hdr.msg_flags & MSG_TRUNC), strlen(msgs[i]) > 8);
        TRUE("source", from[i].sin_port == b.sin_port && in[i].msg_hdr.msg_namelen == sizeof(b));
    }
    TRUE("payload", !memcmp(bufs[0], "one", 3) && !memcmp(bufs[1], "second", 6));
    close(r);
    close(s);
    return conf_done();
}
