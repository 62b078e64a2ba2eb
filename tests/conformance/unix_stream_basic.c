/* unix_stream_basic: a pathname stream server and client in two processes:
 * bind makes an S_IFSOCK node, listen/connect/accept, data both ways with
 * read/write, send/recv and readv/writev, names and fstat. */
#include "conf.h"
#include "unixconf.h"

int main(void)
{
    const char *dir = conf_mkdtemp("unix-stream");
    const char *path = conf_join(dir, "sock");
    struct sockaddr_un a = unix_sa(path), got;
    socklen_t len;
    struct stat st;
    char buf[64];
    int l, c, s, st2;
    pid_t pid;

    l = socket(AF_UNIX, SOCK_STREAM, 0);
    MUST(l);
    OK("bind", bind(l, (struct sockaddr *)&a, sizeof(a)));
    OK("stat the node", stat(path, &st));
    TRUE("  it is a socket", S_ISSOCK(st.st_mode));
    EQO("  mode 0777 & ~umask", st.st_mode & 07777, 0755);
    ERR("open the node", open(path, O_RDONLY), ENXIO);
    OK("listen", listen(l, 5));
    len = sizeof(got);
    OK("getsockname", getsockname(l, (struct sockaddr *)&got, &len));
    EQ("  length: family + path + NUL", len, offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
    TRUE("  path", !strcmp(got.sun_path, path));
    OK("fstat on the socket", fstat(l, &st));
    TRUE("  S_IFSOCK", S_ISSOCK(st.st_mode));

    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int k = socket(AF_UNIX, SOCK_STREAM, 0);
        struct iovec iov[2] = { { "he", 2 }, { "llo", 3 } };
        if (connect(k, (struct sockaddr *)&a, sizeof(a)))
            _exit(1);
        if (writev(k, iov, 2) != 5)
            _exit(2);
        if (read(k, buf, sizeof(buf)) != 5 || memcmp(buf, "world", 5))
            _exit(3);
        if (send(k, "bye", 3, 0) != 3)
            _exit(4);
        close(k);
        _exit(0);
    }
    len = sizeof(got);
    memset(&got, 0x55, sizeof(got));
    s = accept(l, (struct sockaddr *)&got, &len);
    TRUE("accept", s >= 0);
    EQ("  unbound client: address length", len, sizeof(sa_family_t));
    EQ("  family", got.sun_family, AF_UNIX);
    EQ("read the writev", read(s, buf, 5), 5);
    TRUE("  hello", !memcmp(buf, "hello", 5));
    EQ("write back", write(s, "world", 5), 5);
    EQ("recv", recv(s, buf, sizeof(buf), MSG_WAITALL), 3);
    TRUE("  bye", !memcmp(buf, "bye", 3));
    EQ("EOF after the client closed", read(s, buf, sizeof(buf)), 0);
    len = sizeof(got);
    OK("getsockname of the accepted socket", getsockname(s, (struct sockaddr *)&got, &len));
    TRUE("  the listener's path", !strcmp(got.sun_path, path));
    MUST(waitpid(pid, &st2, 0));
    EQ("client exit", WEXITSTATUS(st2), 0);

    /* connect in this process too: getpeername both ways. */
    c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    OK("connect", connect(c, (struct sockaddr *)&a, sizeof(a)));
    EQ("  SOCK_CLOEXEC", fcntl(c, F_GETFD), FD_CLOEXEC);
    len = sizeof(got);
    OK("getpeername of the client", getpeername(c, (struct sockaddr *)&got, &len));
    TRUE("  the server's path", !strcmp(got.sun_path, path));
    s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
    TRUE("accept4 SOCK_NONBLOCK", s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK));
    ERR("  read with nothing there", read(s, buf, 1), EAGAIN);
    len = sizeof(got);
    OK("getpeername of the accepted (unbound peer)", getpeername(s, (struct sockaddr *)&got, &len));
    EQ("  length", len, sizeof(sa_family_t));
    {
        char big[100000];
        long n = 0, k;
        memset(big, 'x', sizeof(big));
        pid = fork();
        MUST(pid);
        if (pid == 0) {
            _exit(write(c, big, sizeof(big)) == sizeof(big) ? 0 : 1);
        }
        fcntl(s, F_SETFL, 0);
        while (n < (long)sizeof(big) && (k = read(s, buf, sizeof(buf))) > 0)
            n += k;
        EQ("100000 bytes through in pieces", n, sizeof(big));
        MUST(waitpid(pid, &st2, 0));
        EQ("  the writer's write was whole", WEXITSTATUS(st2), 0);
    }
    close(c);
    close(s);
    close(l);
    ERR("connect after the listener closed", connect(socket(AF_UNIX, SOCK_STREAM, 0),
                                                      (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
    OK("unlink the node", unlink(path));
    conf_rmtree(dir);
    return conf_done();
}
