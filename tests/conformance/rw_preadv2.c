/* rw_preadv2: preadv2/pwritev2 offsets (-1 = current position, which moves),
 * RWF_APPEND, RWF_DSYNC/RWF_SYNC, unknown flags, pipes. */
#include "conf.h"
#include <sys/uio.h>

int main(void)
{
    const char *d = conf_mkdtemp("rw_preadv2");
    const char *f = conf_join(d, "f");
    char a[8], b[8];
    struct iovec wv[2] = { { "01234", 5 }, { "56789", 5 } };
    struct iovec rv[2] = { { a, 3 }, { b, 4 } };
    int fd, p[2];

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    EQ("pwritev2 at offset 0", pwritev2(fd, wv, 2, 0, 0), 10);
    EQ("  position unmoved", lseek(fd, 0, SEEK_CUR), 0);
    EQ("pwritev2 offset -1 writes at the position", pwritev2(fd, wv, 1, -1, 0), 5);
    EQ("  position moved", lseek(fd, 0, SEEK_CUR), 5);
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    EQ("preadv2 at 2", preadv2(fd, rv, 2, 2, 0), 7);
    TRUE("  scatter", !memcmp(a, "234", 3) && !memcmp(b, "5678", 4));
    EQ("  position unmoved", lseek(fd, 0, SEEK_CUR), 5);
    memset(a, 0, sizeof(a));
    EQ("preadv2 -1 reads at the position", preadv2(fd, rv, 1, -1, 0), 3);
    STREQ("  data", a, "567");
    EQ("  position moved", lseek(fd, 0, SEEK_CUR), 8);
    EQ("pwritev2 RWF_APPEND ignores the offset", pwritev2(fd, wv, 1, 0, RWF_APPEND), 5);
    EQ("  size", lseek(fd, 0, SEEK_END), 15);
    memset(a, 0, sizeof(a));
    EQ("  head unchanged", pread(fd, a, 5, 0), 5);
    STREQ("  head", a, "01234");
    EQ("pwritev2 RWF_DSYNC", pwritev2(fd, wv, 1, 0, RWF_DSYNC), 5);
    EQ("pwritev2 RWF_SYNC", pwritev2(fd, wv, 1, 0, RWF_SYNC), 5);
    ERR("unknown flag", pwritev2(fd, wv, 1, 0, 0x10000), EOPNOTSUPP);
    ERR("preadv2 unknown flag", preadv2(fd, rv, 1, 0, 0x10000), EOPNOTSUPP);
    ERR("offset -2", preadv2(fd, rv, 1, -2, 0), EINVAL);
    ERR("preadv2 on O_WRONLY", ({ int w = open(f, O_WRONLY); long r = preadv2(w, rv, 1, 0, 0); close(w); r; }), EBADF);
    MUST(pipe(p));
    EQ("pwritev2 -1 on a pipe", pwritev2(p[1], wv, 1, -1, 0), 5);
    ERR("pwritev2 0 on a pipe", pwritev2(p[1], wv, 1, 0, 0), ESPIPE);
    ERR("preadv2 0 on a pipe", preadv2(p[0], rv, 1, 0, 0), ESPIPE);
    memset(a, 0, sizeof(a));
    EQ("preadv2 -1 on a pipe", preadv2(p[0], rv, 1, -1, 0), 3);
    STREQ("  data", a, "012");
    close(p[0]);
    close(p[1]);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
