/* unix_scm_credentials: SO_PASSCRED makes recvmsg report the sender's
 * pid/uid/gid (SCM_CREDENTIALS, before SCM_RIGHTS); a sender may state its
 * own credentials, forged ones are EPERM for an unprivileged sender,
 * a bad cmsg_len is EINVAL, an unknown SCM type EINVAL. */
#include "conf.h"
#include "unixconf.h"

static int send_creds(int s, pid_t pid, uid_t uid, gid_t gid, size_t len)
{
    char cbuf[CMSG_SPACE(sizeof(struct ucred)) + 8] __attribute__((aligned(8)));
    struct ucred uc = { pid, uid, gid };
    struct iovec iov = { "C", 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                        .msg_controllen = CMSG_SPACE(sizeof(uc)) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);

    memset(cbuf, 0, sizeof(cbuf));
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = len;
    memcpy(CMSG_DATA(c), &uc, sizeof(uc));
    return sendmsg(s, &m, 0);
}

/* Receive one message; *uc filled if credentials came; returns the number
 * of cmsgs, types into types[]. */
static int recv_creds(int s, struct ucred *uc, int *types)
{
    char cbuf[256] __attribute__((aligned(8)));
    char b[4];
    struct iovec iov = { b, sizeof(b) };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                        .msg_controllen = sizeof(cbuf) };
    int n = 0;

    if (recvmsg(s, &m, 0) < 0)
        return -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        types[n++] = c->cmsg_type;
        if (c->cmsg_type == SCM_CREDENTIALS)
            memcpy(uc, CMSG_DATA(c), sizeof(*uc));
    }
    return n;
}

static int forge_child(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) || conf_drop_to_nobody())
        return 90;
    ERR("  forged uid 0: EPERM", send_creds(sv[0], getpid(), 0, getgid(), CMSG_LEN(sizeof(struct ucred))), EPERM);
    ERR("  forged pid 1: EPERM", send_creds(sv[0], 1, getuid(), getgid(), CMSG_LEN(sizeof(struct ucred))), EPERM);
    EQ("  own credentials", send_creds(sv[0], getpid(), getuid(), getgid(), CMSG_LEN(sizeof(struct ucred))), 1);
    return conf_failed ? 1 : 0;
}

int main(void)
{
    int sv[2], one = 1, types[8], n, v;
    socklen_t len = sizeof(v);
    struct ucred uc;

    MUST(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    memset(&uc, 0, sizeof(uc));
    EQ("no SO_PASSCRED", (send(sv[0], "a", 1, 0), recv_creds(sv[1], &uc, types)), 0);
    OK("SO_PASSCRED on", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)));
    OK("  reads back", getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &len));
    EQ("  1", v, 1);
    EQ("send", send(sv[0], "b", 1, 0), 1);
    n = recv_creds(sv[1], &uc, types);
    EQ("  one cmsg", n, 1);
    EQ("  SCM_CREDENTIALS", types[0], SCM_CREDENTIALS);
    TRUE("  our pid", uc.pid == getpid());
    TRUE("  our uid", uc.uid == getuid());
    TRUE("  our gid", uc.gid == getgid());
    EQ("stated own credentials", send_creds(sv[0], getpid(), getuid(), getgid(), CMSG_LEN(sizeof(uc))), 1);
    n = recv_creds(sv[1], &uc, types);
    TRUE("  received as stated", n == 1 && uc.pid == getpid());
    ERR("cmsg_len too long for the buffer: EINVAL", send_creds(sv[0], getpid(), getuid(), getgid(), CMSG_LEN(sizeof(uc)) + 64), EINVAL);
    ERR("cmsg_len not a ucred: EINVAL", send_creds(sv[0], getpid(), getuid(), getgid(), CMSG_LEN(sizeof(uc)) - 4), EINVAL);
    ERR("uid -1: EINVAL", send_creds(sv[0], getpid(), (uid_t)-1, getgid(), CMSG_LEN(sizeof(uc))), EINVAL);
    {
        /* Rights and credentials together: credentials first. */
        char cbuf[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8)));
        struct iovec iov = { "R", 1 };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                            .msg_controllen = sizeof(cbuf) };
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        int fd = 0;
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(fd));
        EQ("send an fd", sendmsg(sv[0], &m, 0), 1);
        n = recv_creds(sv[1], &uc, types);
        EQ("  two cmsgs", n, 2);
        TRUE("  credentials, then rights", types[0] == SCM_CREDENTIALS && types[1] == SCM_RIGHTS);
        c->cmsg_type = 77;
        ERR("unknown SCM type: EINVAL", sendmsg(sv[0], &m, 0), EINVAL);
    }
    close(sv[0]);
    close(sv[1]);

    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    MUST(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)));
    EQ("stream: send", send(sv[0], "xy", 2, 0), 2);
    n = recv_creds(sv[1], &uc, types);
    TRUE("  credentials on a stream read", n == 1 && types[0] == SCM_CREDENTIALS && uc.pid == getpid());
    close(sv[0]);
    close(sv[1]);

    if (geteuid() == 0) {
        EQ("unprivileged sender", conf_in_child(forge_child), 0);
    } else {
        printf("unprivileged sender: skipped (not root)\n");
    }
    return conf_done();
}
