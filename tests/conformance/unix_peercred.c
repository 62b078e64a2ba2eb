/* unix_peercred: SO_PEERCRED: the peer's pid, uid, gid at socketpair or
 * connect time (the listener's at listen time for the client); unconnected:
 * pid 0, uid and gid -1; a short buffer gets what fits. */
#include "conf.h"
#include "unixconf.h"

int main(void)
{
    const char *dir = conf_mkdtemp("unix-peercred");
    struct sockaddr_un a = unix_sa(conf_join(dir, "s"));
    struct ucred uc;
    socklen_t len;
    int sv[2], l, c, s, st, p[2];
    pid_t pid;
    char x;

    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    len = sizeof(uc);
    OK("socketpair: SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len));
    EQ("  length", len, sizeof(uc));
    TRUE("  pid is ours", uc.pid == getpid());
    TRUE("  uid is our euid", uc.uid == geteuid());
    TRUE("  gid is our egid", uc.gid == getegid());
    len = 4;
    OK("short buffer", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len));
    EQ("  length 4", len, 4);
    close(sv[0]);
    close(sv[1]);

    c = socket(AF_UNIX, SOCK_STREAM, 0);
    len = sizeof(uc);
    OK("unconnected", getsockopt(c, SOL_SOCKET, SO_PEERCRED, &uc, &len));
    EQ("  pid 0", uc.pid, 0);
    EQ("  uid -1", (int)uc.uid, -1);
    EQ("  gid -1", (int)uc.gid, -1);

    l = socket(AF_UNIX, SOCK_STREAM, 0);
    MUST(bind(l, (struct sockaddr *)&a, sizeof(a)));
    MUST(listen(l, 1));
    MUST(pipe(p));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        struct ucred k;
        socklen_t kl = sizeof(k);
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
            _exit(1);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &k, &kl) || k.pid != getppid())
            _exit(2);
        read(p[0], &x, 1);
        _exit(0);
    }
    s = accept(l, NULL, NULL);
    len = sizeof(uc);
    OK("accepted: SO_PEERCRED", getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &len));
    TRUE("  the client's pid", uc.pid == pid);
    write(p[1], "g", 1);
    MUST(waitpid(pid, &st, 0));
    EQ("the client saw the listener's pid", WEXITSTATUS(st), 0);
    close(s);
    close(l);
    close(c);
    conf_rmtree(dir);
    return conf_done();
}
