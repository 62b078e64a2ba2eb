/* /proc/net/{tcp,tcp6,udp,udp6}: the header lines, and our own sockets
 * listed with their addresses and states (0A listen, 07 udp, 01
 * established). Only lines for ports this program bound are looked at. */
#include "conf.h"

#include <netinet/in.h>
#include <sys/socket.h>

static void header(const char *path)
{
    char line[512];
    FILE *f = fopen(path, "r");

    if (!f) {
        printf("%s: FAIL %s\n", path, errname(errno));
        conf_failed++;
        return;
    }
    if (fgets(line, sizeof(line), f)) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
            line[--n] = 0;
        printf("%s header: %s\n", path, line);
    }
    fclose(f);
}

/* The uid and inode columns of the listening line (state 0A) whose local
 * address is `local`. */
static int owner(const char *path, const char *local, unsigned *uid, unsigned long *ino)
{
    char line[512], l[64], st[8];
    unsigned u;
    unsigned long i;
    int found = 0;
    FILE *f = fopen(path, "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, " %*[0-9]: %63s %*s %7s %*s %*s %*s %u %*s %lu", l, st, &u, &i) == 4 &&
            !strcmp(l, local) && !strcmp(st, "0A")) {
            *uid = u;
            *ino = i;
            found = 1;
        }
    fclose(f);
    return found;
}

/* Count lines whose local address is `local` and state `st`. */
static int count(const char *path, const char *local, const char *st)
{
    char line[512], l[64], r[64], s[8];
    int n = 0;
    FILE *f = fopen(path, "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, " %*[0-9]: %63s %63s %7s", l, r, s) == 3 && !strcmp(l, local) &&
            !strcmp(s, st))
            n++;
    fclose(f);
    return n;
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
    socklen_t len = sizeof(a);
    char want[80];
    int s, c, x, u, s6;

    header("/proc/net/tcp");
    header("/proc/net/tcp6");
    header("/proc/net/udp");
    header("/proc/net/udp6");

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    MUST(s = socket(AF_INET, SOCK_STREAM, 0));
    MUST(bind(s, (struct sockaddr *)&a, sizeof(a)));
    MUST(listen(s, 4));
    MUST(getsockname(s, (struct sockaddr *)&a, &len));
    snprintf(want, sizeof(want), "0100007F:%04X", ntohs(a.sin_port));
    EQ("tcp listener", count("/proc/net/tcp", want, "0A"), 1);
    {
        struct stat st;
        unsigned uid = 12345;
        unsigned long ino = 0;
        MUST(fstat(s, &st));
        EQ("owner line", owner("/proc/net/tcp", want, &uid, &ino), 1);
        TRUE("uid column is ours", uid == getuid());
        TRUE("inode column is the socket's", ino == st.st_ino);
    }
    MUST(c = socket(AF_INET, SOCK_STREAM, 0));
    MUST(connect(c, (struct sockaddr *)&a, sizeof(a)));
    MUST(x = accept(s, NULL, NULL));
    EQ("tcp accepted, established", count("/proc/net/tcp", want, "01"), 1);
    close(x);
    close(c);

    MUST(u = socket(AF_INET, SOCK_DGRAM, 0));
    a.sin_port = 0;
    MUST(bind(u, (struct sockaddr *)&a, sizeof(a)));
    len = sizeof(a);
    MUST(getsockname(u, (struct sockaddr *)&a, &len));
    snprintf(want, sizeof(want), "0100007F:%04X", ntohs(a.sin_port));
    EQ("udp socket", count("/proc/net/udp", want, "07"), 1);
    close(u);
    EQ("udp socket gone", count("/proc/net/udp", want, "07"), 0);

    MUST(s6 = socket(AF_INET6, SOCK_STREAM, 0));
    MUST(bind(s6, (struct sockaddr *)&a6, sizeof(a6)));
    MUST(listen(s6, 4));
    len = sizeof(a6);
    MUST(getsockname(s6, (struct sockaddr *)&a6, &len));
    snprintf(want, sizeof(want), "00000000000000000000000000000000:%04X", ntohs(a6.sin6_port));
    EQ("tcp6 listener on ::", count("/proc/net/tcp6", want, "0A"), 1);
    close(s6);
    close(s);
    return conf_done();
}
