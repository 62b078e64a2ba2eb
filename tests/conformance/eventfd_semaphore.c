/* eventfd_semaphore: EFD_SEMAPHORE reads take 1 at a time until zero, then
 * EAGAIN (non-blocking) or block until a writer adds; readiness follows. */
#include "conf.h"
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>

static long rd(int fd)
{
    uint64_t v = 0;
    if (read(fd, &v, 8) != 8)
        return -1;
    return (long)v;
}

int main(void)
{
    uint64_t v = 2;
    struct pollfd p;
    int fd, st;

    fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    OK("eventfd(3, SEMAPHORE|NONBLOCK)", fd);
    EQ("read 1", rd(fd), 1);
    EQ("read 2", rd(fd), 1);
    EQ("read 3", rd(fd), 1);
    ERR("read 4: EAGAIN", read(fd, &v, 8), EAGAIN);
    v = 2;
    EQ("write 2", write(fd, &v, 8), 8);
    p.fd = fd;
    p.events = POLLIN;
    EQ("poll: readable", poll(&p, 1, 0), 1);
    EQ("read", rd(fd), 1);
    EQ("poll: still readable", poll(&p, 1, 0), 1);
    EQ("read", rd(fd), 1);
    EQ("poll: not readable", poll(&p, 1, 0), 0);
    close(fd);

    fd = eventfd(0, EFD_SEMAPHORE);
    pid_t pid = fork();
    if (pid == 0) {
        uint64_t w = 2;
        (void)!write(fd, &w, 8);
        _exit(0);
    }
    EQ("blocking semaphore read", rd(fd), 1);
    EQ("second read", rd(fd), 1);
    waitpid(pid, &st, 0);
    EQ("child exit", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    close(fd);
    return conf_done();
}
