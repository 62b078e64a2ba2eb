/* unix_scm_rights: passing files: a pipe's read end sent and read through
 * in the receiver, several fds in one message, MSG_CMSG_CLOEXEC, MSG_CTRUNC
 * when the control buffer is short (what does not fit is closed), EBADF
 * for a bad fd, EINVAL above SCM_MAX_FD, read() drops passed files, a
 * socket sent over itself then closed (no crash), and the in-flight limit
 * (ETOOMANYREFS) for an unprivileged sender. */
#include "conf.h"
#include "unixconf.h"
#include <sys/resource.h>

static int send_fds(int s, const int *fds, int n)
{
    char cbuf[CMSG_SPACE(sizeof(int) * 300)];
    struct iovec iov = { "F", 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                        .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);

    memset(cbuf, 0, sizeof(cbuf));
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
    return sendmsg(s, &m, 0);
}

/* Receive with a control buffer of clen bytes; fds into out; returns the
 * number of fds, -1 on error; *flags gets msg_flags. */
static int recv_fds(int s, size_t clen, int flags, int *out, int *mflags)
{
    char cbuf[4096] __attribute__((aligned(8)));
    char b;
    struct iovec iov = { &b, 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                        .msg_controllen = clen };
    struct cmsghdr *c;
    int n = 0;

    if (recvmsg(s, &m, flags) < 0)
        return -1;
    *mflags = m.msg_flags;
    for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            memcpy(out + n, CMSG_DATA(c), k * sizeof(int));
            n += k;
        }
    return n;
}

static int limit_child(void)
{
    int sv[2], p[2], n = 0;
    struct rlimit rl = { 16, 16 };

    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) || pipe(p))
        return 90;
    if (conf_drop_to_nobody() || setrlimit(RLIMIT_NOFILE, &rl))
        return 91;
    while (n < 100 && send_fds(sv[0], &p[0], 1) == 1)
        n++;
    printf("  sends before the limit: %d, errno %s\n", n, errname(errno));
    return n == 17 && errno == ETOOMANYREFS ? 0 : 1;
}

int main(void)
{
    int sv[2], p[2], fds[300], got[300], mflags, n, k;
    char buf[16];

    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    MUST(pipe(p));
    EQ("send a pipe's read end", send_fds(sv[0], &p[0], 1), 1);
    close(p[0]);
    n = recv_fds(sv[1], CMSG_SPACE(sizeof(int)), 0, got, &mflags);
    EQ("  received one fd", n, 1);
    EQ("  no MSG_CTRUNC", mflags & MSG_CTRUNC, 0);
    EQ("  not close-on-exec", fcntl(got[0], F_GETFD), 0);
    EQ("write into the pipe", write(p[1], "through", 7), 7);
    EQ("  read through the received fd", read(got[0], buf, sizeof(buf)), 7);
    TRUE("  same bytes", !memcmp(buf, "through", 7));
    close(got[0]);

    fds[0] = p[1];
    fds[1] = 0;
    fds[2] = sv[0];
    EQ("send three", send_fds(sv[0], fds, 3), 1);
    n = recv_fds(sv[1], CMSG_SPACE(sizeof(int) * 3), MSG_CMSG_CLOEXEC, got, &mflags);
    EQ("  three", n, 3);
    EQ("  MSG_CMSG_CLOEXEC: close-on-exec", fcntl(got[0], F_GETFD), FD_CLOEXEC);
    EQ("  msg_flags carries MSG_CMSG_CLOEXEC", mflags & MSG_CMSG_CLOEXEC, MSG_CMSG_CLOEXEC);
    for (k = 0; k < n; k++)
        close(got[k]);

    EQ("send three again", send_fds(sv[0], fds, 3), 1);
    n = recv_fds(sv[1], CMSG_LEN(sizeof(int) * 2), 0, got, &mflags);
    EQ("  room for two: two", n, 2);
    EQ("  MSG_CTRUNC", mflags & MSG_CTRUNC, MSG_CTRUNC);
    for (k = 0; k < n; k++)
        close(got[k]);
    EQ("send one", send_fds(sv[0], fds, 1), 1);
    n = recv_fds(sv[1], 0, 0, got, &mflags);
    EQ("  no control buffer: none", n, 0);
    EQ("  MSG_CTRUNC", mflags & MSG_CTRUNC, MSG_CTRUNC);
    EQ("send one, read() it", send_fds(sv[0], fds, 1), 1);
    EQ("  read gets the byte", read(sv[1], buf, sizeof(buf)), 1);

    k = 1000;
    ERR("a bad fd: EBADF", send_fds(sv[0], &k, 1), EBADF);
    for (k = 0; k < 254; k++)
        fds[k] = 0;
    ERR("254 fds: EINVAL", send_fds(sv[0], fds, 254), EINVAL);
    EQ("253 fds", send_fds(sv[0], fds, 253), 1);
    n = recv_fds(sv[1], CMSG_SPACE(sizeof(int) * 253), 0, got, &mflags);
    EQ("  253 received", n, 253);
    for (k = 0; k < n; k++)
        close(got[k]);

    /* A socket in its own queue, then closed: the collector's case. */
    for (k = 0; k < 50; k++) {
        int q[2];
        MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, q));
        send_fds(q[0], &q[1], 1);
        send_fds(q[1], &q[0], 1);
        close(q[0]);
        close(q[1]);
    }
    printf("sockets sent over each other and closed: ok\n");
    close(sv[0]);
    close(sv[1]);
    close(p[1]);

    EQ("in-flight limit for nobody with RLIMIT_NOFILE 16", conf_in_child(limit_child), 0);
    return conf_done();
}
