/* epoll_timerfd_signalfd: one epoll instance over a timerfd, a signalfd,
 * an eventfd and a pipe, as an event loop uses them: a blocked wait woken
 * by the timer, by a signal (blocked with sigprocmask) arriving from a
 * child, by a child's pipe write; each source reported with its own data
 * and drained; the signal is consumed by reading the signalfd. */
#include "conf.h"
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

enum { TIMER = 1, SIG, EVT, PIPE };

static int wait_one(int ep)
{
    struct epoll_event out[4];
    int n = epoll_wait(ep, out, 4, 10000);
    return n == 1 ? (int)out[0].data.u32 : -n - 100;
}

int main(void)
{
    struct epoll_event ev;
    struct itimerspec its;
    struct signalfd_siginfo si;
    sigset_t m, pend;
    int ep, tfd, sfd, efd, p[2], go[2];
    uint64_t v;
    char c;

    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    MUST(sigprocmask(SIG_BLOCK, &m, NULL));
    MUST(tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
    MUST(sfd = signalfd(-1, &m, SFD_NONBLOCK));
    MUST(efd = eventfd(0, EFD_NONBLOCK));
    MUST(pipe(p));
    MUST(pipe(go));
    MUST(ep = epoll_create1(0));
    ev.events = EPOLLIN;
    ev.data.u32 = TIMER;
    OK("ADD timerfd", epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev));
    ev.data.u32 = SIG;
    OK("ADD signalfd", epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev));
    ev.data.u32 = EVT;
    OK("ADD eventfd", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    ev.data.u32 = PIPE;
    OK("ADD pipe", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    EQ("nothing ready", epoll_wait(ep, &ev, 1, 0), 0);

    memset(&its, 0, sizeof(its));
    its.it_value.tv_nsec = 20 * 1000 * 1000;
    MUST(timerfd_settime(tfd, 0, &its, NULL));
    EQ("woken by the timer", wait_one(ep), TIMER);
    EQ("one expiration", read(tfd, &v, 8) == 8 ? (long)v : -1, 1);
    EQ("timer drained", epoll_wait(ep, &ev, 1, 0), 0);

    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        kill(getppid(), SIGUSR1);
        /* The pipe write only once the parent has taken the signal. */
        if (read(go[0], &c, 1) == 1) {
            nanosleep(&ts, NULL);
            (void)!write(p[1], "k", 1);
        }
        _exit(0);
    }
    EQ("woken by the signal", wait_one(ep), SIG);
    EQ("read the signal", read(sfd, &si, sizeof(si)), sizeof(si));
    EQ("SIGUSR1", si.ssi_signo, SIGUSR1);
    sigpending(&pend);
    EQ("consumed", sigismember(&pend, SIGUSR1), 0);
    MUST(write(go[1], "g", 1));
    EQ("woken by the pipe", wait_one(ep), PIPE);
    MUST(read(p[0], &c, 1));
    waitpid(pid, NULL, 0);
    /* SIGCHLD is not in the mask: nothing ready. */
    EQ("all drained", epoll_wait(ep, &ev, 1, 0), 0);

    v = 3;
    MUST(write(efd, &v, 8));
    EQ("eventfd", wait_one(ep), EVT);
    MUST(read(efd, &v, 8));

    /* An interval timer with the signalfd both ready at once. */
    its.it_value.tv_nsec = 1000 * 1000;
    its.it_interval.tv_nsec = 0;
    MUST(timerfd_settime(tfd, 0, &its, NULL));
    kill(getpid(), SIGUSR1);
    struct pollfd pf = { tfd, POLLIN, 0 };
    EQ("the timer has fired", poll(&pf, 1, 10000), 1);
    struct epoll_event out[4];
    int n = epoll_wait(ep, out, 4, 0);
    int mask = 0;
    for (int i = 0; i < n; i++)
        mask |= 1 << out[i].data.u32;
    EQ("timer and signal ready together", mask, (1 << TIMER) | (1 << SIG));
    return conf_done();
}
