/* iov: writev, readv, preadv, pwritev, preadv2 and pread64. */
#include "conf.h"
#include <limits.h>
#include <sys/uio.h>

int main(void)
{
    const char *tmp = conf_tmp("iov");
    char a[8], b[8], c[16], all[64];
    struct iovec w[4] = {
        { "one-", 4 }, { NULL, 0 }, { "two-", 4 }, { "three", 5 },
    };
    struct iovec r[3] = { { a, 3 }, { b, 5 }, { c, sizeof(c) } };
    struct iovec big[IOV_MAX + 1], bad[1];
    int fd;

    /* writev to stdout keeps order with stdio. */
    struct iovec o[3] = { { "writev ", 7 }, { "to ", 3 }, { "stdout\n", 7 } };
    EQ("writev stdout", writev(1, o, 3), 17);

    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    EQ("writev", writev(fd, w, 4), 13);
    EQ("offset after writev", lseek(fd, 0, SEEK_CUR), 13);
    MUST(lseek(fd, 0, SEEK_SET));
    memset(a, 0, sizeof(a)), memset(b, 0, sizeof(b)), memset(c, 0, sizeof(c));
    EQ("readv", readv(fd, r, 3), 13);
    STREQ("iov 0", a, "one");
    STREQ("iov 1", b, "-two-");
    STREQ("iov 2 (short)", c, "three");
    EQ("readv at EOF", readv(fd, r, 3), 0);
    EQ("iovcnt 0", writev(fd, w, 0), 0);
    ERR("iovcnt -1", syscall(SYS_writev, fd, w, -1), EINVAL);
    for (int i = 0; i <= IOV_MAX; i++)
        big[i].iov_base = a, big[i].iov_len = 1;
    ERR("iovcnt IOV_MAX+1", writev(fd, big, IOV_MAX + 1), EINVAL);
    EQ("iovcnt IOV_MAX", pwritev(fd, big, IOV_MAX, 100), IOV_MAX);
    ERR("iov array bad pointer", writev(fd, BADPTR, 1), EFAULT);
    bad[0].iov_base = BADPTR, bad[0].iov_len = 4;
    ERR("iov_base bad pointer", writev(fd, bad, 1), EFAULT);
    ERR("readv iov_base bad", (lseek(fd, 0, SEEK_SET), readv(fd, bad, 1)), EFAULT);
    bad[0].iov_base = a, bad[0].iov_len = (size_t)SSIZE_MAX + 1;
    ERR("iov_len > SSIZE_MAX", writev(fd, bad, 1), EINVAL);
    ERR("writev bad fd", writev(-1, w, 4), EBADF);
    ERR("readv bad fd", readv(999, r, 3), EBADF);

    /* Positional vector I/O leaves the offset alone. */
    MUST(lseek(fd, 3, SEEK_SET));
    struct iovec pw[2] = { { "AB", 2 }, { "CD", 2 } };
    EQ("pwritev", pwritev(fd, pw, 2, 0), 4);
    EQ("offset unmoved by pwritev", lseek(fd, 0, SEEK_CUR), 3);
    memset(a, 0, sizeof(a)), memset(b, 0, sizeof(b));
    struct iovec pr[2] = { { a, 2 }, { b, 3 } };
    EQ("preadv", preadv(fd, pr, 2, 1), 5);
    STREQ("preadv 0", a, "BC");
    STREQ("preadv 1", b, "Dtw");
    ERR("preadv negative offset", preadv(fd, pr, 2, -1), EINVAL);
    memset(a, 0, sizeof(a)), memset(b, 0, sizeof(b));
    EQ("preadv2 offset -1 uses file offset", preadv2(fd, pr, 2, -1, 0), 5);
    STREQ("preadv2 0", a, "Dt");
    STREQ("preadv2 1", b, "wo-");
    EQ("offset moved by preadv2(-1)", lseek(fd, 0, SEEK_CUR), 8);
    EQ("pwritev2 flags 0", pwritev2(fd, pw, 1, 0, 0), 2);

    /* pread64 / pwrite64. */
    memset(all, 0, sizeof(all));
    EQ("pread64", pread64(fd, all, 13, 0), 13);
    STREQ("whole file head", all, "ABCDtwo-three");
    EQ("pwrite64 far", pwrite64(fd, "Z", 1, 4096), 1);
    EQ("pread64 far", pread64(fd, all, 10, 4096), 1);
    EQ("pread64 at EOF", pread64(fd, all, 10, 4097), 0);
    ERR("pread64 negative", pread64(fd, all, 1, -5), EINVAL);
    ERR("pread64 bad buffer", pread64(fd, BADPTR, 4, 0), EFAULT);
    close(fd);
    fd = open("/etc", O_RDONLY | O_DIRECTORY);
    ERR("pread64 on dir", pread64(fd, all, 4, 0), EISDIR);
    ERR("readv on dir", readv(fd, r, 3), EISDIR);
    close(fd);
    unlink(tmp);
    return conf_done();
}
