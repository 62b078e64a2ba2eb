/* getdents_unlink: while unlinking each entry right after reading it, every
 * name of a 300-entry directory is still returned exactly once. */
#include "conf.h"

#define N 300

int main(void)
{
    const char *d = conf_mkdtemp("getdents_unlink");
    static int seen[N];
    char buf[512], name[32];
    int fd, dfd, others = 0, dots = 0, twice = 0, missing = 0, calls = 0;
    long r;

    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "entry-%03d", i);
        MUST(fd = open(conf_join(d, name), O_WRONLY | O_CREAT, 0644));
        close(fd);
    }
    dfd = open(d, O_RDONLY | O_DIRECTORY);
    MUST(dfd);
    /* A small buffer: many calls, unlinks between them. */
    while ((r = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
        calls++;
        for (long off = 0; off < r;) {
            const char *nm = buf + off + 19;
            int k;
            if (!strcmp(nm, ".") || !strcmp(nm, ".."))
                dots++;
            else if (sscanf(nm, "entry-%d", &k) == 1 && k >= 0 && k < N) {
                if (seen[k]++)
                    twice++;
                if (unlinkat(dfd, nm, 0))
                    printf("unlink %s: %s\n", nm, errname(errno));
            } else
                others++;
            off += *(unsigned short *)(buf + off + 16);
        }
    }
    OK("getdents ends without error", r);
    TRUE("several calls", calls > 5);
    EQ(". and .. once each", dots, 2);
    EQ("names seen twice", twice, 0);
    for (int i = 0; i < N; i++)
        missing += !seen[i];
    EQ("names never seen", missing, 0);
    EQ("unknown names", others, 0);
    OK("rewind", lseek(dfd, 0, SEEK_SET));
    {
        int n = 0;
        while ((r = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0)
            for (long off = 0; off < r; off += *(unsigned short *)(buf + off + 16))
                n++;
        EQ("after rewind only . and ..", n, 2);
    }
    close(dfd);
    OK("rmdir (empty)", rmdir(d));
    return conf_done();
}
