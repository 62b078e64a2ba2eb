/* epoll_errors: epoll_ctl's EEXIST, ENOENT, EBADF, EPERM (regular files,
 * directories), EINVAL (the epoll fd itself, a non-epoll epfd, bad op,
 * EPOLLEXCLUSIVE rules), ELOOP (cycles of nested instances), EFAULT;
 * epoll_wait's EINVAL (maxevents <= 0, not an epoll fd), EBADF, EFAULT;
 * EINTR from a signal handler even with SA_RESTART. */
#include "conf.h"
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/time.h>

static volatile sig_atomic_t got_usr1;

static void on_alarm(int sig)
{
    if (sig == SIGUSR1)
        got_usr1 = 1;
}

int main(void)
{
    struct epoll_event ev = { .events = EPOLLIN }, out[4];
    int ep, ep2, ep3, p[2], efd, reg, dir;
    const char *path = conf_tmp("epoll-errors");

    MUST(pipe(p));
    MUST(efd = eventfd(0, 0));
    MUST(ep = epoll_create1(0));
    MUST(ep2 = epoll_create1(0));
    MUST(ep3 = epoll_create1(0));
    MUST(reg = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600));
    MUST(dir = open("/", O_RDONLY | O_DIRECTORY));

    OK("ADD", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    ERR("ADD again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    ERR("MOD of an fd not added", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT);
    ERR("DEL of an fd not added", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], &ev), ENOENT);
    ERR("closed target fd", epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
    ERR("closed epfd", epoll_ctl(999, EPOLL_CTL_ADD, p[0], &ev), EBADF);
    ERR("regular file: EPERM", epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev), EPERM);
    ERR("directory: EPERM", epoll_ctl(ep, EPOLL_CTL_ADD, dir, &ev), EPERM);
    ERR("the epoll fd itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    ERR("epfd not an epoll fd", epoll_ctl(efd, EPOLL_CTL_ADD, p[0], &ev), EINVAL);
    ERR("bad op", epoll_ctl(ep, 99, p[1], &ev), EINVAL);
    ERR("bad event pointer", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], BADPTR), EFAULT);
    OK("DEL ignores the event pointer", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], BADPTR));

    /* EPOLLEXCLUSIVE. */
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    OK("ADD with EPOLLEXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    ERR("MOD with EPOLLEXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev), EINVAL);
    ev.events = EPOLLIN;
    ERR("MOD of an exclusive item", epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev), EINVAL);
    OK("DEL of an exclusive item", epoll_ctl(ep, EPOLL_CTL_DEL, efd, &ev));
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
    ERR("EXCLUSIVE with ONESHOT", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), EINVAL);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP;
    ERR("EXCLUSIVE with RDHUP", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), EINVAL);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ERR("EXCLUSIVE on an epoll fd", epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev), EINVAL);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLET;
    OK("EXCLUSIVE with ET", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));

    /* Loops. */
    ev.events = EPOLLIN;
    OK("ep2 into ep", epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev));
    ERR("ep into ep2: a cycle", epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev), ELOOP);
    OK("ep3 into ep2", epoll_ctl(ep2, EPOLL_CTL_ADD, ep3, &ev));
    ERR("ep into ep3: a longer cycle", epoll_ctl(ep3, EPOLL_CTL_ADD, ep, &ev), ELOOP);
    OK("a pipe into ep3 is fine", epoll_ctl(ep3, EPOLL_CTL_ADD, p[0], &ev));

    /* epoll_wait. */
    ERR("maxevents 0", epoll_wait(ep, out, 0, 0), EINVAL);
    ERR("maxevents -1", epoll_wait(ep, out, -1, 0), EINVAL);
    ERR("not an epoll fd", epoll_wait(efd, out, 4, 0), EINVAL);
    ERR("closed fd", epoll_wait(999, out, 4, 0), EBADF);
    EQ("bad events pointer, nothing ready: 0", epoll_wait(ep3, BADPTR, 4, 0), 0);
    char c = 'x';
    MUST(write(p[1], &c, 1));
    ERR("bad events pointer, an event ready", epoll_wait(ep3, BADPTR, 4, 0), EFAULT);
    MUST(read(p[0], &c, 1));

    /* A signal handler ends the wait with EINTR, SA_RESTART or not. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    MUST(sigaction(SIGALRM, &sa, NULL));
    struct itimerval it = { { 0, 0 }, { 0, 20000 } };
    MUST(setitimer(ITIMER_REAL, &it, NULL));
    ERR("interrupted: EINTR", epoll_wait(ep3, out, 4, -1), EINTR);

    /* epoll_pwait's mask: SIGUSR1, blocked otherwise, is let in during the
     * wait only; it arrives from a child (before or during the wait). */
    sigset_t blk, empty, cur;
    sigemptyset(&blk);
    sigaddset(&blk, SIGUSR1);
    sigemptyset(&empty);
    MUST(sigaction(SIGUSR1, &sa, NULL));
    MUST(sigprocmask(SIG_BLOCK, &blk, NULL));
    pid_t pid = fork();
    if (pid == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    EQ("blocked: not delivered yet", got_usr1, 0);
    ERR("epoll_pwait with the empty mask: EINTR", epoll_pwait(ep3, out, 4, -1, &empty), EINTR);
    EQ("the handler ran", got_usr1, 1);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    EQ("the old mask is back", sigismember(&cur, SIGUSR1), 1);

    unlink(path);
    return conf_done();
}
