/* time_posix_timer: timer_create with SIGEV_SIGNAL (siginfo SI_TIMER and
 * the value), SIGEV_THREAD_ID (delivered to the named thread), SIGEV_NONE
 * (only readable), SIGEV_THREAD (glibc helper thread); one-shot, periodic
 * with overruns, TIMER_ABSTIME, a CPU-time clock, timer_gettime and
 * timer_delete, and errors. */
#include "conf.h"
#include <pthread.h>
#include <signal.h>
#include <time.h>

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static double ts(struct timespec t) { return t.tv_sec + t.tv_nsec / 1e9; }

static int wait_info(int sig, siginfo_t *si)
{
    sigset_t s;
    struct timespec to = { 5, 0 };

    sigemptyset(&s);
    sigaddset(&s, sig);
    return sigtimedwait(&s, si, &to);
}

static volatile pid_t handler_tid;
static void handler(int sig) { handler_tid = gettid(); }

static volatile pid_t target_tid;
static volatile int target_done;
static void *target(void *arg)
{
    sigset_t s;

    target_tid = gettid();
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    while (!handler_tid)
        usleep(1000);
    target_done = 1;
    return NULL;
}

static pthread_mutex_t mx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int thread_fired, thread_value;
static void notify(union sigval v)
{
    pthread_mutex_lock(&mx);
    thread_fired++;
    thread_value = v.sival_int;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mx);
}

int main(void)
{
    struct sigevent ev;
    struct itimerspec its, cur;
    siginfo_t si;
    timer_t t1, t2;
    sigset_t s;

    sigemptyset(&s);
    sigaddset(&s, SIGRTMIN);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, NULL);

    /* SIGEV_SIGNAL, one-shot. */
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN;
    ev.sigev_value.sival_int = 1234;
    OK("timer_create MONOTONIC SIGEV_SIGNAL", timer_create(CLOCK_MONOTONIC, &ev, &t1));
    MUST(timer_gettime(t1, &cur));
    TRUE("new timer is disarmed", ts(cur.it_value) == 0 && ts(cur.it_interval) == 0);
    its = (struct itimerspec){ { 0, 0 }, { 0, 20000000 } };
    OK("arm 20 ms one-shot", timer_settime(t1, 0, &its, NULL));
    MUST(timer_gettime(t1, &cur));
    TRUE("gettime: 0 < remaining <= 20 ms", ts(cur.it_value) > 0 && ts(cur.it_value) <= 0.020);
    memset(&si, 0, sizeof(si));
    EQ("signal arrives", wait_info(SIGRTMIN, &si) == SIGRTMIN, 1);
    EQ("si_code SI_TIMER", si.si_code, SI_TIMER);
    EQ("si_value", si.si_value.sival_int, 1234);
    EQ("overrun 0", si.si_overrun, 0);
    MUST(timer_gettime(t1, &cur));
    TRUE("disarmed after firing", ts(cur.it_value) == 0);

    /* Periodic with overruns: 5 ms period, signal blocked for ~60 ms. */
    its = (struct itimerspec){ { 0, 5000000 }, { 0, 5000000 } };
    OK("arm 5 ms periodic", timer_settime(t1, 0, &its, &cur));
    TRUE("  old value was disarmed", ts(cur.it_value) == 0);
    usleep(60000);
    memset(&si, 0, sizeof(si));
    EQ("one signal for many expirations", wait_info(SIGRTMIN, &si) == SIGRTMIN, 1);
    TRUE("si_overrun counts the missed ones (>= 5)", si.si_overrun >= 5);
    TRUE("timer_getoverrun agrees", timer_getoverrun(t1) == si.si_overrun);
    its = (struct itimerspec){ { 0, 0 }, { 0, 0 } };
    OK("disarm", timer_settime(t1, 0, &its, &cur));
    TRUE("  old interval 5 ms", cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 5000000);
    {
        struct timespec to = { 0, 20000000 };
        sigtimedwait(&s, &si, &to); /* at most one more was queued */
    }

    /* TIMER_ABSTIME. */
    {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        its.it_interval = (struct timespec){ 0, 0 };
        its.it_value = now;
        its.it_value.tv_nsec += 30000000;
        if (its.it_value.tv_nsec >= 1000000000) {
            its.it_value.tv_nsec -= 1000000000;
            its.it_value.tv_sec++;
        }
        OK("arm absolute +30 ms", timer_settime(t1, TIMER_ABSTIME, &its, NULL));
        EQ("fires", wait_info(SIGRTMIN, &si) == SIGRTMIN, 1);
        clock_gettime(CLOCK_MONOTONIC, &now);
        TRUE("  not before the deadline", ts(now) >= ts(its.it_value));
        its.it_value = (struct timespec){ 1, 0 }; /* long past */
        OK("arm absolute in the past", timer_settime(t1, TIMER_ABSTIME, &its, NULL));
        EQ("fires at once", wait_info(SIGRTMIN, &si) == SIGRTMIN, 1);
    }
    OK("timer_delete", timer_delete(t1));
    its = (struct itimerspec){ { 0, 0 }, { 0, 1000000 } };
    ERR("settime on a deleted timer", timer_settime(t1, 0, &its, NULL), EINVAL);

    /* SIGEV_THREAD_ID: the named thread handles it. */
    {
        pthread_t th;
        signal(SIGUSR1, handler);
        pthread_create(&th, NULL, target, NULL);
        while (!target_tid)
            usleep(1000);
        memset(&ev, 0, sizeof(ev));
        ev.sigev_notify = SIGEV_THREAD_ID;
        ev.sigev_signo = SIGUSR1;
        ev.sigev_notify_thread_id = target_tid;
        OK("timer_create SIGEV_THREAD_ID", timer_create(CLOCK_MONOTONIC, &ev, &t2));
        its = (struct itimerspec){ { 0, 0 }, { 0, 10000000 } };
        timer_settime(t2, 0, &its, NULL);
        pthread_join(th, NULL);
        TRUE("handled by the target thread", handler_tid == target_tid);
        timer_delete(t2);
        ev.sigev_notify_thread_id = 0x3ffffff0;
        ERR("SIGEV_THREAD_ID of no such thread", timer_create(CLOCK_MONOTONIC, &ev, &t2), EINVAL);
    }

    /* SIGEV_NONE: counts down, delivers nothing. */
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_NONE;
    OK("timer_create SIGEV_NONE", timer_create(CLOCK_MONOTONIC, &ev, &t2));
    its = (struct itimerspec){ { 0, 0 }, { 10, 0 } };
    timer_settime(t2, 0, &its, NULL);
    usleep(20000);
    MUST(timer_gettime(t2, &cur));
    TRUE("SIGEV_NONE counts down (9 s < left < 10 s)", ts(cur.it_value) > 9 && ts(cur.it_value) < 10);
    timer_delete(t2);

    /* SIGEV_THREAD (glibc runs the function in a helper thread). */
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = notify;
    ev.sigev_value.sival_int = 99;
    OK("timer_create SIGEV_THREAD", timer_create(CLOCK_REALTIME, &ev, &t2));
    its = (struct itimerspec){ { 0, 0 }, { 0, 10000000 } };
    timer_settime(t2, 0, &its, NULL);
    pthread_mutex_lock(&mx);
    while (!thread_fired)
        pthread_cond_wait(&cv, &mx);
    pthread_mutex_unlock(&mx);
    EQ("notify function ran with the value", thread_value, 99);
    timer_delete(t2);

    /* CPU-time clock. */
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN;
    OK("timer_create PROCESS_CPUTIME", timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &t2));
    its = (struct itimerspec){ { 0, 0 }, { 0, 30000000 } };
    timer_settime(t2, 0, &its, NULL);
    {
        sigset_t p;
        volatile unsigned long x = 0;
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        do {
            for (int i = 0; i < 100000; i++)
                x += i;
            sigpending(&p);
            clock_gettime(CLOCK_MONOTONIC, &b);
        } while (!sigismember(&p, SIGRTMIN) && ts(b) - ts(a) < 5);
        TRUE("fires after 30 ms of CPU", sigismember(&p, SIGRTMIN));
        wait_info(SIGRTMIN, &si);
    }
    timer_delete(t2);

    /* Errors. */
    ERR("timer_create bad clock", timer_create(42, NULL, &t2), EINVAL);
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 65;
    ERR("timer_create bad signal", timer_create(CLOCK_MONOTONIC, &ev, &t2), EINVAL);
    ev.sigev_notify = 42;
    ev.sigev_signo = SIGRTMIN;
    ERR("timer_create bad notify", timer_create(CLOCK_MONOTONIC, &ev, &t2), EINVAL);
    MUST(timer_create(CLOCK_MONOTONIC, NULL, &t2));
    its = (struct itimerspec){ { 0, 0 }, { 0, 1000000000 } };
    ERR("timer_settime tv_nsec 1e9", timer_settime(t2, 0, &its, NULL), EINVAL);
    timer_delete(t2);
    ERR("timer_delete twice", timer_delete(t2), EINVAL);
    return conf_done();
}
