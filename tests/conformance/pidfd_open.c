/* pidfd_open: flags and pid errors (a thread is ENOENT), the file (close-on
 * exec, O_NONBLOCK, /proc fd link and fdinfo, read/write EINVAL, no seek),
 * readiness: nothing while the child lives, POLLIN once it has exited,
 * POLLIN|POLLHUP once reaped (poll and epoll), then ESRCH for new pidfds. */
#include "conf.h"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif

static int pidfd_open(pid_t pid, unsigned flags)
{
    return syscall(SYS_pidfd_open, pid, flags);
}

static volatile int thread_tid;
static int thread_go[2];
static void *thread_main(void *arg)
{
    char c;
    thread_tid = gettid();
    (void)!read(thread_go[0], &c, 1);
    return NULL;
}

static short revents(int fd)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

/* The "Pid:" line of /proc/self/fdinfo/fd: 1 if it names pid. */
static int fdinfo_pid(int fd, pid_t pid)
{
    char path[64], buf[512], want[64];
    int f, n;

    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
    f = open(path, O_RDONLY);
    if (f < 0)
        return -1;
    n = read(f, buf, sizeof(buf) - 1);
    close(f);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    snprintf(want, sizeof(want), "\nPid:\t%d\nNSpid:\t%d\n", (int)pid, (int)pid);
    return strstr(buf, want) != NULL;
}

int main(void)
{
    char link[64], buf[256];
    pthread_t th;
    pid_t pid;
    int fd, nb, ep, n;
    struct epoll_event ev;

    ERR("flags O_CLOEXEC", pidfd_open(getpid(), O_CLOEXEC), EINVAL);
    ERR("flags 1", pidfd_open(99999, 1), EINVAL);
    ERR("pid 0", pidfd_open(0, 0), EINVAL);
    ERR("pid -1", pidfd_open(-1, 0), EINVAL);
    ERR("no such process", pidfd_open(99999, 0), ESRCH);
    MUST(pipe(thread_go));
    pthread_create(&th, NULL, thread_main, NULL);
    while (!thread_tid)
        usleep(1000);
    ERR("a thread that is not the leader", pidfd_open(thread_tid, 0), ENOENT);
    (void)!write(thread_go[1], "x", 1);
    pthread_join(th, NULL);

    fd = pidfd_open(getpid(), 0);
    OK("pidfd_open(self)", fd);
    EQ("close-on-exec", fcntl(fd, F_GETFD), FD_CLOEXEC);
    EQ("O_RDWR, blocking", fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR);
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    STREQ("fd link", buf, "anon_inode:[pidfd]");
    EQ("fdinfo Pid/NSpid", fdinfo_pid(fd, getpid()), 1);
    ERR("read", read(fd, buf, 8), EINVAL);
    ERR("write", write(fd, buf, 8), EINVAL);
    ERR("lseek", lseek(fd, 0, SEEK_SET), ESPIPE);
    EQ("self: not readable", revents(fd), 0);
    close(fd);
    nb = pidfd_open(getpid(), PIDFD_NONBLOCK);
    EQ("PIDFD_NONBLOCK is O_NONBLOCK", fcntl(nb, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    close(nb);

    /* A child: readable once it exits, hung up once reaped. */
    int go[2];
    MUST(pipe(go));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        char c;
        close(go[1]);
        (void)!read(go[0], &c, 1);
        _exit(7);
    }
    close(go[0]);
    fd = pidfd_open(pid, 0);
    OK("pidfd_open(child)", fd);
    ep = epoll_create1(0);
    ev.events = EPOLLIN;
    ev.data.u32 = 42;
    OK("epoll watches a pidfd", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
    EQ("live child: not readable", revents(fd), 0);
    EQ("  epoll: nothing", epoll_wait(ep, &ev, 1, 0), 0);
    close(go[1]); /* the child exits */
    {
        struct pollfd p = { fd, POLLIN, 0 };
        EQ("poll wakes when it exits", poll(&p, 1, 5000), 1);
        EQ("  POLLIN", p.revents, POLLIN);
    }
    EQ("  epoll reports it", epoll_wait(ep, &ev, 1, 1000), 1);
    EQ("  with our data", ev.data.u32, 42);
    EQ("zombie: a new pidfd still opens", (n = pidfd_open(pid, 0)) >= 0, 1);
    close(n);
    EQ("fdinfo of a zombie names it", fdinfo_pid(fd, pid), 1);
    {
        int st;
        EQ("reaped", waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 7, 1);
    }
    EQ("reaped: POLLIN|POLLHUP", revents(fd), POLLIN | POLLHUP);
    EQ("fdinfo after reaping: Pid -1", fdinfo_pid(fd, -1), 1);
    ERR("reaped: new pidfds ESRCH", pidfd_open(pid, 0), ESRCH);
    close(ep);
    close(fd);
    return conf_done();
}
