/* sig_thread_directed: per-thread and per-process signals: tgkill reaches
 * the named thread; a process-directed signal goes to a thread that does
 * not block it; pending sets are per thread plus shared; masks are per
 * thread, dispositions shared; a fault is delivered to the faulting thread. */
#include "conf.h"
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

static volatile pid_t handler_tid;
static volatile int hits;
static void handler(int sig)
{
    handler_tid = gettid();
    hits++;
}

static sigjmp_buf jb;
static volatile pid_t segv_tid;
static void segv_handler(int sig)
{
    segv_tid = gettid();
    siglongjmp(jb, 1);
}

static pthread_barrier_t bar;
static volatile pid_t worker_tid;
static volatile int worker_step, w_pend_usr1, w_pend_usr2, w_faulted;
static volatile int zero;

static void *worker(void *arg)
{
    sigset_t s, p;

    worker_tid = gettid();
    /* Phase 1: unblocked, receive signals. */
    pthread_barrier_wait(&bar); /* A: ready */
    pthread_barrier_wait(&bar); /* B: main has sent */
    /* Phase 2: block both, look at pending. */
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    pthread_barrier_wait(&bar); /* C: blocked */
    pthread_barrier_wait(&bar); /* D: main has sent */
    sigpending(&p);
    w_pend_usr1 = sigismember(&p, SIGUSR1);
    w_pend_usr2 = sigismember(&p, SIGUSR2);
    {
        /* Take the shared SIGUSR2 here. */
        struct timespec to = { 0, 0 };
        siginfo_t si;
        sigset_t only2;
        sigemptyset(&only2);
        sigaddset(&only2, SIGUSR2);
        worker_step = sigtimedwait(&only2, &si, &to) == SIGUSR2;
    }
    pthread_barrier_wait(&bar); /* E */
    /* Phase 3: a fault in this thread. */
    signal(SIGSEGV, segv_handler);
    if (sigsetjmp(jb, 1) == 0)
        *(volatile int *)(uintptr_t)zero = 1;
    else
        w_faulted = 1;
    return NULL;
}

int main(void)
{
    pthread_t t;
    sigset_t s, p;
    pid_t me = getpid();

    signal(SIGUSR1, handler);
    pthread_barrier_init(&bar, NULL, 2);
    pthread_create(&t, NULL, worker, NULL);
    pthread_barrier_wait(&bar); /* A */

    /* tgkill to the worker (it is parked in the barrier: a futex wait
     * restarted after the handler). */
    OK("tgkill(worker)", syscall(SYS_tgkill, me, worker_tid, SIGUSR1));
    for (int i = 0; i < 2000 && hits < 1; i++)
        usleep(1000);
    TRUE("handler ran in the worker", hits == 1 && handler_tid == worker_tid);
    OK("tgkill(main)", syscall(SYS_tgkill, me, gettid(), SIGUSR1));
    TRUE("handler ran in main", hits == 2 && handler_tid == gettid());

    /* Process-directed with main blocking it: the worker takes it. */
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    OK("kill(process)", kill(me, SIGUSR1));
    for (int i = 0; i < 2000 && hits < 3; i++)
        usleep(1000);
    TRUE("delivered to the thread that does not block it", hits == 3 && handler_tid == worker_tid);
    sigpending(&p);
    TRUE("nothing left pending", !sigismember(&p, SIGUSR1));
    pthread_barrier_wait(&bar); /* B */

    pthread_barrier_wait(&bar); /* C: worker now blocks both */
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    syscall(SYS_tgkill, me, gettid(), SIGUSR1); /* main's private queue */
    kill(me, SIGUSR2);                          /* shared queue */
    sigpending(&p);
    TRUE("main sees its own SIGUSR1 pending", sigismember(&p, SIGUSR1));
    TRUE("main sees the shared SIGUSR2 pending", sigismember(&p, SIGUSR2));
    pthread_barrier_wait(&bar); /* D */
    pthread_barrier_wait(&bar); /* E */
    EQ("worker does not see main's SIGUSR1", w_pend_usr1, 0);
    EQ("worker sees the shared SIGUSR2", w_pend_usr2, 1);
    EQ("worker dequeued the shared SIGUSR2", worker_step, 1);
    sigpending(&p);
    TRUE("so main no longer sees it", !sigismember(&p, SIGUSR2) && sigismember(&p, SIGUSR1));
    pthread_join(t, NULL);
    EQ("worker's own fault went to its own handler", w_faulted, 1);
    TRUE("SIGSEGV ran on the faulting thread", segv_tid == worker_tid);
    signal(SIGSEGV, SIG_DFL);

    hits = 0;
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    EQ("main's private SIGUSR1 delivered on unblock", hits, 1);

    /* pthread_join returns at the CLONE_CHILD_CLEARTID wake, a moment before
     * the thread is released: poll. */
    for (int i = 0; i < 2000 && syscall(SYS_tgkill, me, worker_tid, 0) == 0; i++)
        usleep(1000);
    ERR("tgkill to an exited thread", syscall(SYS_tgkill, me, worker_tid, 0), ESRCH);
    ERR("tgkill with the wrong tgid", syscall(SYS_tgkill, me + 1000000, gettid(), 0), ESRCH);
    ERR("tgkill tid 0", syscall(SYS_tgkill, me, 0, SIGUSR1), EINVAL);
    ERR("tgkill bad signal", syscall(SYS_tgkill, me, gettid(), 65), EINVAL);
    ERR("tkill bad tid", syscall(SYS_tkill, -1, SIGUSR1), EINVAL);
    OK("tkill self, signal 0", syscall(SYS_tkill, gettid(), 0));
    return conf_done();
}
