/* splice_tee_vmsplice: tee duplicates pipe data without consuming it;
 * vmsplice moves user memory into a pipe; their errors. */
#include "conf.h"
#include <sys/uio.h>

int main(void)
{
    char buf[64];
    int a[2], b[2], fd;
    struct iovec iov[2] = { { "vm", 2 }, { "splice", 6 } };

    MUST(pipe2(a, O_NONBLOCK)); /* never hang where tee is missing */
    MUST(pipe2(b, O_NONBLOCK));
    MUST(write(a[1], "teedata", 7));
    EQ("tee", tee(a[0], b[1], 100, 0), 7);
    memset(buf, 0, sizeof(buf));
    EQ("  copy in b", read(b[0], buf, sizeof(buf)), 7);
    STREQ("  data", buf, "teedata");
    memset(buf, 0, sizeof(buf));
    EQ("  source still has it", read(a[0], buf, sizeof(buf)), 7);
    MUST(write(a[1], "12345", 5));
    EQ("tee part", tee(a[0], b[1], 3, 0), 3);
    memset(buf, 0, sizeof(buf));
    EQ("  read b", read(b[0], buf, sizeof(buf)), 3);
    STREQ("  data", buf, "123");
    EQ("  source intact", read(a[0], buf, sizeof(buf)), 5);
    ERR("tee empty source, NONBLOCK", tee(a[0], b[1], 10, SPLICE_F_NONBLOCK), EAGAIN);
    ERR("tee same pipe", tee(a[0], a[1], 10, 0), EINVAL);
    fd = open("/dev/null", O_RDWR);
    ERR("tee from a non-pipe", tee(fd, b[1], 10, 0), EINVAL);
    ERR("tee to a non-pipe", tee(a[0], fd, 10, 0), EINVAL);
    close(fd);
    ERR("tee bad fd", tee(-1, b[1], 10, 0), EBADF);
    close(a[1]);
    EQ("tee from a pipe with no writer: 0", tee(a[0], b[1], 10, 0), 0);

    EQ("vmsplice two iovecs", vmsplice(b[1], iov, 2, 0), 8);
    memset(buf, 0, sizeof(buf));
    EQ("  read", read(b[0], buf, sizeof(buf)), 8);
    STREQ("  data", buf, "vmsplice");
    {
        char local[8] = "abcdefg";
        struct iovec one = { local, 7 };
        EQ("vmsplice a stack buffer", vmsplice(b[1], &one, 1, 0), 7);
        memset(buf, 0, sizeof(buf));
        EQ("  read", read(b[0], buf, sizeof(buf)), 7);
        STREQ("  data", buf, "abcdefg");
    }
    ERR("vmsplice to a non-pipe", ({ int n = open("/dev/null", O_WRONLY); long r = vmsplice(n, iov, 1, 0); close(n); r; }), EBADF);
    ERR("vmsplice bad flags", vmsplice(b[1], iov, 1, 0x100), EINVAL);
    EQ("vmsplice 0 iovecs", vmsplice(b[1], iov, 0, 0), 0);
    {
        struct iovec bad = { BADPTR, 10 };
        ERR("vmsplice bad memory", vmsplice(b[1], &bad, 1, 0), EFAULT);
    }
    close(a[0]);
    close(b[0]);
    close(b[1]);
    return conf_done();
}
