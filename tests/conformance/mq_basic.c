/* mq_basic: POSIX message queues through raw syscalls: names (EACCES,
 * ENOENT, ENAMETOOLONG, EFAULT), O_CREAT/O_EXCL, default and given
 * attributes and their limits (EINVAL), access modes (EBADF, EINVAL for
 * O_RDWR|O_WRONLY), priorities (higher first, FIFO within one), EMSGSIZE,
 * EAGAIN with O_NONBLOCK, ETIMEDOUT with an absolute timeout and EINVAL
 * for a bad one, mq_getsetattr (O_NONBLOCK only), the descriptor as a file
 * (close-on-exec, fstat, poll, the QSIZE line), unlink while open, and
 * glibc's mq_* wrappers linked statically. Names carry the pid (never
 * printed): natively they live in the host's namespace. */
#include "conf.h"
#include <mqueue.h>
#include <poll.h>
#include <stdint.h>
#include <time.h>

static char name[64], other[64];

static long s_open(const char *n, int fl, int mode, struct mq_attr *a)
{
    return syscall(SYS_mq_open, n, fl, mode, a);
}
static long s_send(int fd, const void *p, size_t n, unsigned prio, const struct timespec *ts)
{
    return syscall(SYS_mq_timedsend, fd, p, n, prio, ts);
}
static long s_recv(int fd, void *p, size_t n, unsigned *prio, const struct timespec *ts)
{
    return syscall(SYS_mq_timedreceive, fd, p, n, prio, ts);
}
static long s_attr(int fd, const struct mq_attr *n, struct mq_attr *o)
{
    return syscall(SYS_mq_getsetattr, fd, n, o);
}

static short revents(int fd)
{
    struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
    if (poll(&p, 1, 0) < 0)
        return -1;
    return p.revents;
}

int main(void)
{
    struct mq_attr at = { 0 }, got;
    struct timespec past = { 1, 0 }, bad = { 0, 2000000000 }, soon;
    char buf[8192], longname[300];
    unsigned prio;
    struct stat st;
    int q, q2, ro, wo;

    snprintf(name, sizeof(name), "conf-mq-%d", getpid());
    snprintf(other, sizeof(other), "conf-mq-%d-b", getpid());
    memset(longname, 'n', sizeof(longname));
    longname[sizeof(longname) - 1] = 0;

    /* names */
    ERR("open_slash", s_open("/x", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    ERR("open_inner_slash", s_open("a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    ERR("open_dot", s_open(".", O_RDWR | O_CREAT, 0600, NULL), EACCES);
    ERR("open_dotdot", s_open("..", O_RDWR, 0600, NULL), EACCES);
    ERR("open_empty", s_open("", O_RDWR | O_CREAT, 0600, NULL), ENOENT);
    ERR("open_long", s_open(longname, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
    ERR("open_efault", s_open(BADPTR, O_RDWR, 0600, NULL), EFAULT);
    ERR("open_missing", s_open(name, O_RDWR, 0600, NULL), ENOENT);
    ERR("unlink_missing", syscall(SYS_mq_unlink, name), ENOENT);
    ERR("unlink_slash", syscall(SYS_mq_unlink, "a/b"), EACCES);

    /* attributes */
    at.mq_maxmsg = 0;
    at.mq_msgsize = 16;
    ERR("attr_maxmsg0", s_open(name, O_RDWR | O_CREAT, 0600, &at), EINVAL);
    at.mq_maxmsg = 4;
    at.mq_msgsize = -1;
    ERR("attr_msgsize_neg", s_open(name, O_RDWR | O_CREAT, 0600, &at), EINVAL);
    at.mq_maxmsg = 65537;
    at.mq_msgsize = 16;
    ERR("attr_maxmsg_hard", s_open(name, O_RDWR | O_CREAT, 0600, &at), EINVAL);
    ERR("attr_efault", s_open(name, O_RDWR | O_CREAT, 0600, BADPTR), EFAULT);

    MUST(q = s_open(name, O_RDWR | O_CREAT | O_EXCL, 0640, NULL));
    ERR("open_excl_exists", s_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL), EEXIST);
    ERR("open_rdwr_wronly", s_open(name, O_RDWR | O_WRONLY, 0600, NULL), EINVAL);
    EQ("cloexec", fcntl(q, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    OK("getattr", s_attr(q, NULL, &got));
    EQ("default_maxmsg", got.mq_maxmsg, 10);
    EQ("default_msgsize", got.mq_msgsize, 8192);
    EQ("default_curmsgs", got.mq_curmsgs, 0);
    EQ("default_flags", got.mq_flags, 0);
    OK("fstat", fstat(q, &st));
    EQO("fstat_mode", st.st_mode, S_IFREG | 0640);
    EQ("fstat_size", st.st_size, 80);
    EQ("fstat_uid", st.st_uid == getuid(), 1);

    /* given attributes */
    at.mq_maxmsg = 3;
    at.mq_msgsize = 32;
    MUST(q2 = s_open(other, O_RDWR | O_CREAT | O_NONBLOCK, 0600, &at));
    OK("getattr2", s_attr(q2, NULL, &got));
    EQ("attr_maxmsg", got.mq_maxmsg, 3);
    EQ("attr_msgsize", got.mq_msgsize, 32);
    EQ("attr_flags_nonblock", got.mq_flags, O_NONBLOCK);

    /* priorities */
    EQ("poll_empty", revents(q2), POLLOUT);
    OK("send_a1", s_send(q2, "a1", 2, 1, NULL));
    OK("send_b5", s_send(q2, "b5", 2, 5, NULL));
    OK("send_c1", s_send(q2, "c1x", 3, 1, NULL));
    EQ("poll_full", revents(q2), POLLIN);
    ERR("send_full_nonblock", s_send(q2, "d", 1, 0, NULL), EAGAIN);
    ERR("send_emsgsize", s_send(q2, buf, 33, 0, NULL), EMSGSIZE);
    ERR("send_prio_max", s_send(q2, "x", 1, 32768, NULL), EINVAL);
    ERR("send_bad_timeout", s_send(q2, "x", 1, 0, &bad), EINVAL);
    ERR("send_efault", s_send(q2, BADPTR, 1, 0, NULL), EFAULT);
    {
        char line[128] = { 0 };
        EQ("read_qsize", read(q2, line, sizeof(line)) > 0, 1);
        line[17] = 0;
        STREQ("qsize_line", line, "QSIZE:7          ");
    }
    OK("getattr_full", s_attr(q2, NULL, &got));
    EQ("curmsgs", got.mq_curmsgs, 3);
    ERR("recv_small", s_recv(q2, buf, 31, NULL, NULL), EMSGSIZE);
    EQ("recv_1", s_recv(q2, buf, sizeof(buf), &prio, NULL), 2);
    EQ("recv_1_prio", prio, 5);
    EQ("recv_1_data", memcmp(buf, "b5", 2), 0);
    EQ("recv_2", s_recv(q2, buf, sizeof(buf), &prio, NULL), 2);
    EQ("recv_2_data", memcmp(buf, "a1", 2), 0);
    EQ("recv_3", s_recv(q2, buf, sizeof(buf), NULL, NULL), 3);
    EQ("recv_3_data", memcmp(buf, "c1x", 3), 0);
    ERR("recv_empty_nonblock", s_recv(q2, buf, sizeof(buf), NULL, NULL), EAGAIN);

    /* blocking with timeouts */
    {
        struct mq_attr nb = { .mq_flags = 0 };
        OK("setattr_block", s_attr(q2, &nb, &got));
        EQ("setattr_old_flags", got.mq_flags, O_NONBLOCK);
        nb.mq_flags = O_NONBLOCK | O_APPEND;
        ERR("setattr_bad_flags", s_attr(q2, &nb, NULL), EINVAL);
        ERR("setattr_ebadf", s_attr(999, NULL, &got), EBADF);
        ERR("setattr_not_mq", s_attr(0, NULL, &got), EBADF);
    }
    ERR("recv_past_timeout", s_recv(q2, buf, sizeof(buf), NULL, &past), ETIMEDOUT);
    clock_gettime(CLOCK_REALTIME, &soon);
    soon.tv_nsec += 50 * 1000 * 1000;
    if (soon.tv_nsec >= 1000000000) {
        soon.tv_sec++;
        soon.tv_nsec -= 1000000000;
    }
    ERR("recv_timeout", s_recv(q2, buf, sizeof(buf), NULL, &soon), ETIMEDOUT);
    ERR("recv_bad_timeout", s_recv(q2, buf, sizeof(buf), NULL, &bad), EINVAL);
    /* a message is taken even when it cannot be stored */
    OK("send_for_efault", s_send(q2, "zz", 2, 0, NULL));
    ERR("recv_efault", s_recv(q2, BADPTR, sizeof(buf), NULL, NULL), EFAULT);
    OK("getattr_after_efault", s_attr(q2, NULL, &got));
    EQ("curmsgs_after_efault", got.mq_curmsgs, 0);
    OK("send_3", s_send(q2, "1", 1, 0, NULL) + s_send(q2, "2", 1, 0, NULL) + s_send(q2, "3", 1, 0, NULL));
    ERR("send_full_timeout", s_send(q2, "4", 1, 0, &past), ETIMEDOUT);

    /* access modes */
    MUST(ro = s_open(other, O_RDONLY, 0, NULL));
    MUST(wo = s_open(other, O_WRONLY, 0, NULL));
    ERR("send_rdonly", s_send(ro, "x", 1, 0, NULL), EBADF);
    ERR("recv_wronly", s_recv(wo, buf, sizeof(buf), NULL, NULL), EBADF);
    ERR("send_not_mq", s_send(1, "x", 1, 0, NULL), EBADF);
    ERR("recv_ebadf", s_recv(999, buf, sizeof(buf), NULL, NULL), EBADF);
    ERR("write_fd", write(q2, "x", 1), EINVAL);

    /* unlink while open: the queue lives on, the name goes */
    OK("unlink", syscall(SYS_mq_unlink, other));
    ERR("open_after_unlink", s_open(other, O_RDWR, 0, NULL), ENOENT);
    EQ("recv_after_unlink", s_recv(ro, buf, sizeof(buf), NULL, NULL), 1);
    OK("fstat_unlinked", fstat(ro, &st));
    EQ("nlink_unlinked", st.st_nlink, 0);
    close(ro);
    close(wo);
    close(q2);

    /* glibc's wrappers (the leading '/', EINVAL without it) */
    {
        char gname[80];
        mqd_t m;
        snprintf(gname, sizeof(gname), "/%s", name);
        ERR("glibc_no_slash", mq_open(name, O_RDWR), EINVAL);
        OK("glibc_open", m = mq_open(gname, O_RDWR));
        OK("glibc_send", mq_send(m, "hey", 3, 7));
        EQ("glibc_receive", mq_receive(m, buf, sizeof(buf), &prio), 3);
        EQ("glibc_prio", prio, 7);
        OK("glibc_close", mq_close(m));
        OK("glibc_unlink", mq_unlink(gname));
        ERR("glibc_unlink_again", mq_unlink(gname), ENOENT);
    }
    close(q);
    return conf_done();
}
