/* signalfd_mask_update: signalfd on an existing signalfd changes its mask
 * (returns the same fd), reads follow the new mask, pollers see the change;
 * the pending signal of the old mask stays pending. */
#include "conf.h"
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>

int main(void)
{
    struct signalfd_siginfo si;
    struct pollfd p;
    sigset_t all, m, pend;
    int fd;

    sigemptyset(&all);
    sigaddset(&all, SIGUSR1);
    sigaddset(&all, SIGUSR2);
    MUST(sigprocmask(SIG_BLOCK, &all, NULL));
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    fd = signalfd(-1, &m, SFD_NONBLOCK);
    OK("signalfd(USR1)", fd);
    OK("kill SIGUSR2", kill(getpid(), SIGUSR2));
    ERR("USR2 not in the mask", read(fd, &si, sizeof(si)), EAGAIN);
    p.fd = fd;
    p.events = POLLIN;
    EQ("poll: not ready", poll(&p, 1, 0), 0);
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    EQ("update to USR2: same fd", signalfd(fd, &m, 0), fd);
    TRUE("flags argument ignored on update: still O_NONBLOCK", fcntl(fd, F_GETFL) & O_NONBLOCK);
    EQ("poll: ready", poll(&p, 1, 0), 1);
    EQ("read", read(fd, &si, sizeof(si)), sizeof(si));
    EQ("SIGUSR2", si.ssi_signo, SIGUSR2);
    OK("kill SIGUSR1", kill(getpid(), SIGUSR1));
    ERR("USR1 no longer in the mask", read(fd, &si, sizeof(si)), EAGAIN);
    sigpending(&pend);
    EQ("USR1 pending", sigismember(&pend, SIGUSR1), 1);
    EQ("update to USR1|USR2", signalfd(fd, &all, 0), fd);
    EQ("read", read(fd, &si, sizeof(si)), sizeof(si));
    EQ("SIGUSR1", si.ssi_signo, SIGUSR1);
    sigemptyset(&m);
    EQ("update to the empty mask", signalfd(fd, &m, 0), fd);
    OK("kill SIGUSR1", kill(getpid(), SIGUSR1));
    ERR("nothing readable", read(fd, &si, sizeof(si)), EAGAIN);
    ERR("update with a bad sizemask", syscall(SYS_signalfd4, fd, &m, 16, 0), EINVAL);
    close(fd);
    return conf_done();
}
