/* sig_timedwait: rt_sigtimedwait / sigwaitinfo / sigwait: dequeue order and
 * siginfo, timeouts (EAGAIN, honouring the duration), zero timeout, a
 * handled signal outside the set interrupting it (EINTR), and errors. */
#include "conf.h"
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static volatile int n_hup;
static void handler(int sig) { n_hup++; }

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
    sigset_t set;
    siginfo_t si;
    struct timespec to;
    double t0, dt;
    pid_t me = getpid(), pid;
    int st, sig;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &set, NULL);

    /* Timeout. */
    to = (struct timespec){ 0, 50 * 1000000 };
    t0 = now();
    ERR("nothing pending: EAGAIN after the timeout", sigtimedwait(&set, &si, &to), EAGAIN);
    dt = now() - t0;
    TRUE("waited at least 50 ms", dt >= 0.049);
    TRUE("and less than 2 s", dt < 2);
    to = (struct timespec){ 0, 0 };
    ERR("zero timeout polls: EAGAIN", sigtimedwait(&set, &si, &to), EAGAIN);

    /* Pending signals come back lowest first, with their siginfo. */
    sigqueue(me, SIGRTMIN, (union sigval){ .sival_int = 5 });
    sigqueue(me, SIGRTMIN, (union sigval){ .sival_int = 6 });
    kill(me, SIGUSR2);
    raise(SIGUSR1);
    memset(&si, 0, sizeof(si));
    /* Raw call: glibc's wrappers rewrite SI_TKILL to SI_USER. */
    EQ("first: SIGUSR1", syscall(SYS_rt_sigtimedwait, &set, &si, NULL, 8), SIGUSR1);
    EQ("raise (tgkill) gives SI_TKILL", si.si_code, SI_TKILL);
    memset(&si, 0, sizeof(si));
    EQ("second: SIGUSR2", sigtimedwait(&set, &si, &to), SIGUSR2);
    EQ("kill gives SI_USER", si.si_code, SI_USER);
    TRUE("si_pid is us", si.si_pid == me);
    memset(&si, 0, sizeof(si));
    EQ("third: SIGRTMIN", sigwaitinfo(&set, &si) == SIGRTMIN, 1);
    TRUE("SI_QUEUE value 5", si.si_code == SI_QUEUE && si.si_value.sival_int == 5);
    EQ("fourth: SIGRTMIN again", sigwaitinfo(&set, &si) == SIGRTMIN, 1);
    EQ("value 6", si.si_value.sival_int, 6);
    ERR("queue now empty", sigtimedwait(&set, &si, &to), EAGAIN);
    EQ("NULL siginfo allowed", (raise(SIGUSR1), sigtimedwait(&set, NULL, &to)), SIGUSR1);

    /* sigwait. */
    raise(SIGUSR2);
    sig = 0;
    EQ("sigwait returns 0", sigwait(&set, &sig), 0);
    EQ("sigwait signal", sig, SIGUSR2);

    /* A signal from another process wakes a blocked wait. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        usleep(30000);
        sigqueue(me, SIGUSR1, (union sigval){ .sival_int = 77 });
        _exit(0);
    }
    to = (struct timespec){ 5, 0 };
    memset(&si, 0, sizeof(si));
    EQ("woken by the child's sigqueue", sigtimedwait(&set, &si, &to), SIGUSR1);
    TRUE("si_pid is the child", si.si_pid == pid);
    EQ("si_value", si.si_value.sival_int, 77);
    waitpid(pid, &st, 0);

    /* A handled signal outside the set interrupts the wait. */
    signal(SIGHUP, handler);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        usleep(30000);
        kill(me, SIGHUP);
        _exit(0);
    }
    ERR("handled signal outside the set: EINTR", sigtimedwait(&set, &si, &to), EINTR);
    EQ("its handler ran", n_hup, 1);
    waitpid(pid, &st, 0);

    /* Errors. */
    to = (struct timespec){ 0, 1000000000 };
    ERR("tv_nsec 1e9", sigtimedwait(&set, &si, &to), EINVAL);
    to = (struct timespec){ -1, 0 };
    ERR("negative tv_sec", sigtimedwait(&set, &si, &to), EINVAL);
    ERR("sigsetsize 4", syscall(SYS_rt_sigtimedwait, &set, &si, NULL, 4), EINVAL);
    ERR("bad set pointer", syscall(SYS_rt_sigtimedwait, BADPTR, &si, NULL, 8), EFAULT);
    return conf_done();
}
