/* sig_queueinfo: rt_sigqueueinfo and rt_tgsigqueueinfo: the caller's
 * siginfo arrives as given; which si_codes may be sent to others (EPERM);
 * thread targeting; RLIMIT_SIGPENDING; errors. */
#include "conf.h"
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

static volatile int h_code, h_pid, h_uid, h_val, hits;

static void handler(int sig, siginfo_t *si, void *uc)
{
    hits++;
    h_code = si->si_code;
    h_pid = si->si_pid;
    h_uid = si->si_uid;
    h_val = si->si_value.sival_int;
}

static siginfo_t make(int sig, int code, int pid, int val)
{
    siginfo_t si;

    memset(&si, 0, sizeof(si));
    si.si_signo = sig;
    si.si_code = code;
    si.si_pid = pid;
    si.si_uid = 4321;
    si.si_value.sival_int = val;
    return si;
}

static long qinfo(pid_t pid, int sig, siginfo_t *si)
{
    return syscall(SYS_rt_sigqueueinfo, pid, sig, si);
}

static volatile pid_t thread_tid;
static volatile int thread_got;

static void *thread_fn(void *arg)
{
    sigset_t s;
    siginfo_t si;

    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    thread_tid = gettid();
    if (sigwaitinfo(&s, &si) == SIGUSR2 && si.si_code == SI_QUEUE)
        thread_got = si.si_value.sival_int;
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    siginfo_t si;
    sigset_t s;
    pid_t me = getpid(), pid;
    int st;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    /* To ourselves: anything but a kernel code goes, and arrives verbatim. */
    si = make(SIGUSR1, SI_QUEUE, 12345, 99);
    OK("rt_sigqueueinfo self SI_QUEUE", qinfo(me, SIGUSR1, &si));
    EQ("handler ran", hits, 1);
    EQ("si_code as given", h_code, SI_QUEUE);
    EQ("si_pid as given", h_pid, 12345);
    EQ("si_uid as given", h_uid, 4321);
    EQ("si_value as given", h_val, 99);
    si = make(SIGUSR1, SI_USER, 1, 1);
    OK("self with SI_USER is allowed", qinfo(me, SIGUSR1, &si));
    EQ("si_code SI_USER", h_code, SI_USER);
    si = make(SIGUSR1, SI_TKILL, 1, 1);
    OK("self with SI_TKILL is allowed", qinfo(me, SIGUSR1, &si));

    /* To another process: only negative codes other than SI_TKILL. */
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, NULL);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        siginfo_t ci;
        struct timespec to = { 5, 0 };
        if (sigtimedwait(&s, &ci, &to) != SIGUSR1)
            _exit(1);
        _exit(ci.si_code == SI_QUEUE && ci.si_value.sival_int == 55 && ci.si_pid == 777 ? 0 : 2);
    }
    si = make(SIGUSR1, SI_USER, me, 1);
    ERR("other process, SI_USER", qinfo(pid, SIGUSR1, &si), EPERM);
    si = make(SIGUSR1, SI_KERNEL, me, 1);
    ERR("other process, SI_KERNEL", qinfo(pid, SIGUSR1, &si), EPERM);
    si = make(SIGUSR1, SI_TKILL, me, 1);
    ERR("other process, SI_TKILL", qinfo(pid, SIGUSR1, &si), EPERM);
    si = make(SIGUSR1, SI_QUEUE, 777, 55);
    OK("other process, SI_QUEUE", qinfo(pid, SIGUSR1, &si));
    MUST(waitpid(pid, &st, 0));
    EQ("child received it verbatim", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    sigprocmask(SIG_UNBLOCK, &s, NULL);

    /* rt_tgsigqueueinfo to a thread. */
    {
        pthread_t t;
        sigset_t s2;

        sigemptyset(&s2);
        sigaddset(&s2, SIGUSR2);
        sigprocmask(SIG_BLOCK, &s2, NULL); /* the thread inherits it */
        pthread_create(&t, NULL, thread_fn, NULL);
        while (!thread_tid)
            usleep(1000);
        si = make(SIGUSR2, SI_QUEUE, me, 31);
        OK("rt_tgsigqueueinfo to a thread", syscall(SYS_rt_tgsigqueueinfo, me, thread_tid, SIGUSR2, &si));
        pthread_join(t, NULL);
        EQ("thread dequeued it", thread_got, 31);
        si = make(SIGUSR2, SI_QUEUE, me, 31);
        ERR("tgid mismatch", syscall(SYS_rt_tgsigqueueinfo, me + 1000000, gettid(), SIGUSR2, &si), ESRCH);
        sigpending(&s2);
        TRUE("nothing left pending", !sigismember(&s2, SIGUSR2));
    }

    /* Errors. */
    si = make(SIGUSR1, SI_QUEUE, me, 1);
    ERR("no such process", qinfo(0x3ffffff0, SIGUSR1, &si), ESRCH);
    ERR("signal 65", qinfo(me, 65, &si), EINVAL);
    ERR("bad siginfo pointer", qinfo(me, SIGUSR1, BADPTR), EFAULT);
    EQ("sigqueue signal 0 checks existence", sigqueue(me, 0, (union sigval){ 0 }), 0);
    ERR("sigqueue signal 0, no such process", sigqueue(0x3ffffff0, 0, (union sigval){ 0 }), ESRCH);

    /* RLIMIT_SIGPENDING counts queued signals per user: use a fresh uid. */
    if (geteuid() == 0) {
        pid = fork();
        MUST(pid);
        if (pid == 0) {
            struct rlimit rl = { 5, 5 };
            sigset_t all;
            int n = 0, r;
            sigfillset(&all);
            sigprocmask(SIG_BLOCK, &all, NULL);
            if (setrlimit(RLIMIT_SIGPENDING, &rl) || setresuid(54331, 54331, 54331))
                _exit(200);
            for (int i = 0; i < 10; i++) {
                r = sigqueue(getpid(), SIGRTMIN, (union sigval){ i });
                if (r == 0)
                    n++;
                else if (errno != EAGAIN)
                    _exit(201);
            }
            _exit(n);
        }
        MUST(waitpid(pid, &st, 0));
        EQ("RLIMIT_SIGPENDING 5: queued before EAGAIN", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 5);
    } else {
        printf("RLIMIT_SIGPENDING check: skipped (not root)\n");
    }
    return conf_done();
}
