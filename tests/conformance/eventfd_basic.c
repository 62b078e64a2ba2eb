/* eventfd_basic: eventfd and eventfd2 flags, the 8-byte read and write
 * rules (EINVAL for short buffers and for 0xffffffffffffffff), the counter
 * summing writes and a read taking it all, EAGAIN when empty or when a
 * write would pass 0xfffffffffffffffe, poll and select readiness, a
 * blocked read woken by a writer in another process, EFAULT. */
#include "conf.h"
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/select.h>

static uint64_t rd(int fd)
{
    uint64_t v = 0;
    if (read(fd, &v, 8) != 8)
        return (uint64_t)-1;
    return v;
}

static long wr(int fd, uint64_t v)
{
    return write(fd, &v, 8);
}

static short revents(int fd, short events)
{
    struct pollfd p = { fd, events, 0 };
    if (poll(&p, 1, 0) < 0)
        return -1;
    return p.revents;
}

int main(void)
{
    uint64_t v;
    char small[4];
    int fd, st;
    fd_set rs, ws;
    struct timeval tv = { 0, 0 };

    fd = eventfd(5, 0);
    OK("eventfd(5, 0)", fd);
    EQ("no FD_CLOEXEC", fcntl(fd, F_GETFD), 0);
    EQ("O_RDWR", fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    EQ("read takes the initial value", rd(fd), 5);
    close(fd);

    ERR("unknown flag", eventfd(0, 0x4000000), EINVAL);
    fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    OK("eventfd(0, NONBLOCK|CLOEXEC)", fd);
    EQ("FD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
    TRUE("O_NONBLOCK", fcntl(fd, F_GETFL) & O_NONBLOCK);
    ERR("empty: EAGAIN", read(fd, &v, 8), EAGAIN);
    ERR("read of 4 bytes", read(fd, small, 4), EINVAL);
    ERR("write of 4 bytes", write(fd, small, 4), EINVAL);
    v = UINT64_MAX;
    ERR("write 0xffffffffffffffff", write(fd, &v, 8), EINVAL);
    EQ("poll empty: POLLOUT only", revents(fd, POLLIN | POLLOUT), POLLOUT);
    EQ("write 0 returns 8", wr(fd, 0), 8);
    EQ("still not readable", revents(fd, POLLIN), 0);
    EQ("write 3", wr(fd, 3), 8);
    EQ("write 4", wr(fd, 4), 8);
    EQ("poll: POLLIN|POLLOUT", revents(fd, POLLIN | POLLOUT), POLLIN | POLLOUT);
    EQ("read of 16 bytes returns 8", read(fd, &v, 16), 8);
    EQ("the sum", v, 7);
    ERR("empty again", read(fd, &v, 8), EAGAIN);

    /* The ceiling is 0xfffffffffffffffe. */
    EQ("write max-1", wr(fd, 0xfffffffffffffffeULL), 8);
    ERR("one more: EAGAIN", wr(fd, 1), EAGAIN);
    EQ("poll full: POLLIN only", revents(fd, POLLIN | POLLOUT), POLLIN);
    EQ("write 0 when full", wr(fd, 0), 8);
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_SET(fd, &rs);
    FD_SET(fd, &ws);
    EQ("select full: 1 ready", select(fd + 1, &rs, &ws, NULL, &tv), 1);
    TRUE("select: readable, not writable", FD_ISSET(fd, &rs) && !FD_ISSET(fd, &ws));
    TRUE("read the lot", rd(fd) == 0xfffffffffffffffeULL);
    ERR("read into a bad pointer when empty", read(fd, BADPTR, 8), EAGAIN);
    EQ("write 1", wr(fd, 1), 8);
    ERR("read into a bad pointer", read(fd, BADPTR, 8), EFAULT);
    ERR("write from a bad pointer", write(fd, BADPTR, 8), EFAULT);
    close(fd);

    /* A blocking read, woken by a child's write; the child's write
     * blocks while the counter is full until the parent reads. */
    fd = eventfd(0, 0);
    pid_t pid = fork();
    if (pid == 0) {
        wr(fd, 0xfffffffffffffffeULL);
        wr(fd, 9); /* blocks until the parent has read */
        _exit(0);
    }
    EQ("blocking read gets the child's write", rd(fd) == 0xfffffffffffffffeULL, 1);
    EQ("then the blocked second write", rd(fd), 9);
    waitpid(pid, &st, 0);
    EQ("child exit", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    close(fd);

    /* eventfd(2), the old call: no flags. */
    fd = syscall(SYS_eventfd, 2);
    OK("SYS_eventfd", fd);
    EQ("reads 2", rd(fd), 2);
    close(fd);
    return conf_done();
}
