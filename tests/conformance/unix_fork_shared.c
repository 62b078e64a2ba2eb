/* unix_fork_shared: a socket shared across fork: both processes write into
 * one end, the reader gets every byte; the peer sees EOF only when the last
 * copy closes; a dgram socket read by two processes: each message once;
 * /proc/self/fd shows socket:[N] and fstat agrees on the inode. */
#include "conf.h"
#include "unixconf.h"

int main(void)
{
    int sv[2], st, n = 0, k;
    char buf[256], link[64], want[64];
    struct stat sb;
    pid_t pid;

    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    snprintf(buf, sizeof(buf), "/proc/self/fd/%d", sv[0]);
    k = readlink(buf, link, sizeof(link) - 1);
    MUST(k);
    link[k] = 0;
    MUST(fstat(sv[0], &sb));
    snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)sb.st_ino);
    TRUE("/proc/self/fd link is socket:[ino of fstat]", !strcmp(link, want));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        close(sv[1]);
        for (int i = 0; i < 100; i++)
            write(sv[0], "c", 1);
        _exit(0);
    }
    for (int i = 0; i < 100; i++)
        write(sv[0], "p", 1);
    close(sv[0]);
    while ((k = read(sv[1], buf, sizeof(buf))) > 0)
        n += k;
    EQ("EOF after both copies closed; bytes", n, 200);
    MUST(waitpid(pid, &st, 0));
    close(sv[1]);

    MUST(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    for (int i = 0; i < 20; i++)
        send(sv[0], "m", 1, 0);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int got = 0;
        while (recv(sv[1], buf, 1, MSG_DONTWAIT) == 1)
            got++;
        _exit(got);
    }
    n = 0;
    MUST(waitpid(pid, &st, 0));
    n = WEXITSTATUS(st);
    while (recv(sv[1], buf, 1, MSG_DONTWAIT) == 1)
        n++;
    EQ("every datagram read once between the two", n, 20);
    return conf_done();
}
