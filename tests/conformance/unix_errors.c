/* unix_errors: the errno table of socket calls: ENOTSOCK, EBADF,
 * EAFNOSUPPORT, EINVAL/ESOCKTNOSUPPORT/EPROTONOSUPPORT for bad types,
 * EADDRINUSE, ECONNREFUSED, ENOENT, ENOTCONN, EISCONN, EOPNOTSUPP for
 * listen/accept on dgram, EINVAL for listen unbound, bad addresses,
 * EFAULT, EACCES connecting without write permission, EMSGSIZE. */
#include "conf.h"
#include "unixconf.h"

static const char *sockpath;

static int nobody_connect(void)
{
    struct sockaddr_un a = unix_sa(sockpath);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (conf_drop_to_nobody())
        return 90;
    ERR("  connect without write permission: EACCES", connect(c, (struct sockaddr *)&a, sizeof(a)), EACCES);
    return conf_failed ? 1 : 0;
}

int main(void)
{
    const char *dir = conf_mkdtemp("unix-errors");
    const char *path = conf_join(dir, "s"), *file = conf_join(dir, "file");
    struct sockaddr_un a = unix_sa(path), f = unix_sa(file), none = unix_sa(conf_join(dir, "none"));
    struct sockaddr_un nodir = unix_sa(conf_join(dir, "no/such"));
    socklen_t len = sizeof(a);
    int s, d, l, sv[2], fd;
    char buf[4];

    fd = open(file, O_CREAT | O_WRONLY, 0644);
    MUST(fd);
    ERR("bind on a file fd: ENOTSOCK", bind(fd, (struct sockaddr *)&a, sizeof(a)), ENOTSOCK);
    ERR("listen on a file fd: ENOTSOCK", listen(fd, 1), ENOTSOCK);
    ERR("send on a file fd: ENOTSOCK", send(fd, "x", 1, 0), ENOTSOCK);
    ERR("getsockname on a bad fd: EBADF", getsockname(999, (struct sockaddr *)&a, &len), EBADF);
    ERR("socket(AF 200)", socket(200, SOCK_STREAM, 0), EAFNOSUPPORT);
    ERR("socket type 11: EINVAL", socket(AF_UNIX, 11, 0), EINVAL);
    ERR("socket SOCK_RDM: ESOCKTNOSUPPORT", socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
    ERR("socket protocol 5: EPROTONOSUPPORT", socket(AF_UNIX, SOCK_STREAM, 5), EPROTONOSUPPORT);
    ERR("socket bad flags: EINVAL", socket(AF_UNIX, SOCK_STREAM | 0x100, 0), EINVAL);
    ERR("socketpair AF 200", socketpair(200, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
    ERR("socketpair into a bad pointer: EFAULT", socketpair(AF_UNIX, SOCK_STREAM, 0, BADPTR), EFAULT);
    s = socket(AF_UNIX, SOCK_RAW, 0);
    TRUE("SOCK_RAW is a datagram socket", s >= 0);
    close(s);

    s = socket(AF_UNIX, SOCK_STREAM, 0);
    ERR("bind family AF_INET: EINVAL", bind(s, (struct sockaddr *)&(struct sockaddr){ .sa_family = AF_INET }, sizeof(a)), EINVAL);
    ERR("bind length 200: EINVAL", bind(s, (struct sockaddr *)&a, 200), EINVAL);
    ERR("bind length 1: EINVAL", bind(s, (struct sockaddr *)&a, 1), EINVAL);
    ERR("bind bad pointer: EFAULT", bind(s, BADPTR, sizeof(a)), EFAULT);
    ERR("bind over a file: EADDRINUSE", bind(s, (struct sockaddr *)&f, sizeof(f)), EADDRINUSE);
    ERR("bind in a missing directory: ENOENT", bind(s, (struct sockaddr *)&nodir, sizeof(nodir)), ENOENT);
    ERR("listen unbound: EINVAL", listen(s, 1), EINVAL);
    ERR("accept unbound: EINVAL", accept(s, NULL, NULL), EINVAL);
    ERR("getpeername unconnected: ENOTCONN", getpeername(s, (struct sockaddr *)&a, &len), ENOTCONN);
    ERR("connect to a file: ECONNREFUSED", connect(s, (struct sockaddr *)&f, sizeof(f)), ECONNREFUSED);
    ERR("connect to nothing: ENOENT", connect(s, (struct sockaddr *)&none, sizeof(none)), ENOENT);
    ERR("sendto on unconnected stream: EOPNOTSUPP", sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)), EOPNOTSUPP);
    OK("bind", bind(s, (struct sockaddr *)&a, sizeof(a)));
    l = socket(AF_UNIX, SOCK_STREAM, 0);
    ERR("bind the same path: EADDRINUSE", bind(l, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
    ERR("connect to a bound, not listening socket: ECONNREFUSED", connect(l, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
    OK("listen", listen(s, 1));
    OK("listen again (new backlog)", listen(s, 4));
    ERR("recv on a listener: EINVAL", recv(s, buf, 1, MSG_DONTWAIT), EINVAL);
    fcntl(s, F_SETFL, O_NONBLOCK);
    ERR("accept non-blocking with none: EAGAIN", accept(s, NULL, NULL), EAGAIN);
    fcntl(s, F_SETFL, 0);
    ERR("accept4 bad flags: EINVAL", accept4(s, NULL, NULL, 0x1), EINVAL);
    d = socket(AF_UNIX, SOCK_DGRAM, 0);
    ERR("connect dgram to a stream socket: EPROTOTYPE", connect(d, (struct sockaddr *)&a, sizeof(a)), EPROTOTYPE);
    ERR("listen on dgram: EOPNOTSUPP", listen(d, 1), EOPNOTSUPP);
    ERR("accept on dgram: EOPNOTSUPP", accept(d, NULL, NULL), EOPNOTSUPP);
    OK("connect", connect(l, (struct sockaddr *)&a, sizeof(a)));
    ERR("connect again: EISCONN", connect(l, (struct sockaddr *)&a, sizeof(a)), EISCONN);
    ERR("sendto on connected stream: EISCONN", sendto(l, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)), EISCONN);
    ERR("listen on a connected socket: EINVAL", listen(l, 1), EINVAL);
    ERR("send from a bad buffer: EFAULT", send(l, BADPTR, 4, 0), EFAULT);
    ERR("shutdown bad how: EINVAL", shutdown(l, -1), EINVAL);
    {
        struct msghdr m = { 0 };
        struct iovec iov = { "x", 1 };
        m.msg_iov = &iov;
        m.msg_iovlen = 1025;
        ERR("sendmsg 1025 iovecs: EMSGSIZE", sendmsg(l, &m, 0), EMSGSIZE);
        ERR("sendmsg bad msghdr: EFAULT", sendmsg(l, BADPTR, 0), EFAULT);
        ERR("recvmsg bad msghdr: EFAULT", recvmsg(l, BADPTR, 0), EFAULT);
    }
    {
        int v;
        socklen_t vl = sizeof(v);
        ERR("getsockopt unknown: ENOPROTOOPT", getsockopt(l, SOL_SOCKET, 9999, &v, &vl), ENOPROTOOPT);
        vl = -1;
        ERR("getsockopt negative length: EINVAL", getsockopt(l, SOL_SOCKET, SO_TYPE, &v, &vl), EINVAL);
        ERR("setsockopt short: EINVAL", setsockopt(l, SOL_SOCKET, SO_SNDBUF, &v, 2), EINVAL);
        ERR("setsockopt SO_TYPE: ENOPROTOOPT", setsockopt(l, SOL_SOCKET, SO_TYPE, &v, sizeof(v)), ENOPROTOOPT);
    }
    if (geteuid() == 0) {
        sockpath = path;
        chmod(path, 0755);
        EQ("as nobody", conf_in_child(nobody_connect), 0);
    } else {
        printf("as nobody: skipped (not root)\n");
    }
    close(l);
    close(s);
    close(d);
    close(fd);
    conf_rmtree(dir);
    return conf_done();
}
