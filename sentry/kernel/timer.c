/* sentry/kernel/timer.c: interval timers, alarm and POSIX timers.
 *
 * One Sentry thread keeps every armed timer of the sandbox and sleeps until
 * the earliest deadline; an expiry queues the timer's signal on its process
 * (or thread, SIGEV_THREAD_ID) and re-arms periodic timers, counting
 * overruns. Deadlines are kept on CLOCK_MONOTONIC; absolute CLOCK_REALTIME
 * times are converted when set. ITIMER_VIRTUAL/PROF count wall time while
 * the process lives (partial: no CPU-time accounting per thread yet).
 * Lock order: timer_mu -> k->lock.
 */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "lib/log.h"
#include "lib/timespec.h"
#include "lib/xalloc.h"

struct ktimer {
    struct ktimer *next;
    struct process *proc;
    int tid;            /* SIGEV_THREAD_ID target, else 0 */
    int id;             /* POSIX timer id, or -1 - ITIMER_* */
    int signo;
    int notify;         /* SIGEV_* */
    union sigval value;
    clockid_t clock;
    bool armed;
    bool cpu;           /* a CPU-time timer: deadline in process CPU ns */
    uint64_t cpu_deadline;
    struct timespec deadline; /* CLOCK_MONOTONIC */
    uint64_t interval_ns;
    int overrun, last_overrun;
    /* Kernel timers (timerfd): expirations are counted here and kwq is
     * woken instead of a signal being sent. */
    struct waitq *kwq;
    uint64_t ticks;
};

static pthread_mutex_t timer_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_cv;
static struct ktimer *timers;
static bool timer_thread_up;


static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts_to_ns_sat(&ts);
}

/* The timer's signal still queued and not yet taken? Then Linux counts an
 * overrun instead of queueing it again (k->lock held). */
static bool bump_queued(struct sigpending *sp, struct ktimer *tm, int extra)
{
    for (int i = 0; i < sp->nq; i++) {
        siginfo_t *q = &sp->q[i].info;
        if (sp->q[i].signo == tm->signo && q->si_code == SI_TIMER && q->si_timerid == tm->id) {
            q->si_overrun += 1 + extra;
            tm->last_overrun = q->si_overrun;
            return true;
        }
    }
    return false;
}

static void fire(struct kernel *k, struct ktimer *tm)
{
    siginfo_t si;

    if (tm->kwq) {
        tm->ticks += 1 + (uint64_t)tm->overrun;
        tm->overrun = 0;
        waitq_wake_all(tm->kwq);
        return;
    }
    if (tm->notify == SIGEV_NONE)
        return;
    if (tm->id >= 0) {
        bool queued;
        pthread_mutex_lock(&k->lock);
        queued = tm->proc->state == PROC_LIVE && bump_queued(&tm->proc->pending, tm, tm->overrun);
        for (struct task *o = tm->proc->threads; !queued && o; o = o->tg_next)
            queued = bump_queued(&o->pending, tm, tm->overrun);
        pthread_mutex_unlock(&k->lock);
        if (queued) {
            tm->overrun = 0;
            return;
        }
    }
    memset(&si, 0, sizeof(si));
    si.si_signo = tm->signo;
    if (tm->id >= 0) {
        si.si_code = SI_TIMER;
        si.si_timerid = tm->id;
        si.si_overrun = tm->overrun;
        si.si_value = tm->value;
    } else {
        si.si_code = SI_KERNEL;
    }
    tm->last_overrun = tm->overrun;
    tm->overrun = 0;
    pthread_mutex_lock(&k->lock);
    if (tm->proc->state == PROC_LIVE) {
        struct task *t = tm->tid ? pid_task(k, tm->tid) : NULL;
        if (t && t->proc == tm->proc)
            signal_send_task(k, t, tm->signo, &si);
        else
            signal_send_process(k, tm->proc, tm->signo, &si);
    }
    pthread_mutex_unlock(&k->lock);
}

/* CPU time of a process so far (takes k->lock). */
static uint64_t process_cpu_ns(struct kernel *k, struct process *p)
{
    uint64_t ns = 0;

    pthread_mutex_lock(&k->lock);
    if (p->state == PROC_LIVE && p->threads)
        ns = task_cpu_ns(p->threads);
    pthread_mutex_unlock(&k->lock);
    return ns;
}

static void *timer_main(void *arg)
{
    struct kernel *k = arg;

    pthread_mutex_lock(&timer_mu);
    for (;;) {
        uint64_t now = now_ns(), next = UINT64_MAX;
        for (struct ktimer *tm = timers; tm; tm = tm->next) {
            uint64_t d;
            if (!tm->armed)
                continue;
            if (tm->cpu) {
                /* CPU-time timers: polled every 2 ms while armed. */
                uint64_t c = process_cpu_ns(k, tm->proc);
                if (c >= tm->cpu_deadline) {
                    if (tm->interval_ns)
                        tm->cpu_deadline = ns_add_sat(c, tm->interval_ns);
                    else
                        tm->armed = false;
                    fire(k, tm);
                }
                if (tm->armed && now + 2000000 < next)
                    next = now + 2000000;
                continue;
            }
            d = ts_to_ns_sat(&tm->deadline);
            if (d <= now) {
                if (tm->interval_ns) {
                    uint64_t missed = (now - d) / tm->interval_ns;
                    tm->overrun += (int)SB_MIN(missed, (uint64_t)INT32_MAX / 2);
                    d = ns_add_sat(d, missed >= TS_NS_MAX / tm->interval_ns - 1
                                          ? TS_NS_MAX
                                          : (missed + 1) * tm->interval_ns);
                    tm->deadline = ns_to_ts(d);
                } else {
                    tm->armed = false;
                }
                fire(k, tm);
            }
            if (tm->armed && ts_to_ns_sat(&tm->deadline) < next)
                next = ts_to_ns_sat(&tm->deadline);
        }
        if (next == UINT64_MAX) {
            pthread_cond_wait(&timer_cv, &timer_mu);
        } else {
            struct timespec d = ns_to_ts(next);
            pthread_cond_timedwait(&timer_cv, &timer_mu, &d);
        }
    }
    return NULL;
}

int timer_init(struct kernel *k)
{
    pthread_condattr_t ca;
    pthread_t th;
    int r;

    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&timer_cv, &ca);
    pthread_condattr_destroy(&ca);
    r = pthread_create(&th, NULL, timer_main, k);
    if (r)
        return -r;
    pthread_detach(th);
    timer_thread_up = true;
    return 0;
}

static struct ktimer *find(struct process *p, int id)
{
    for (struct ktimer *tm = timers; tm; tm = tm->next)
        if (tm->proc == p && tm->id == id)
            return tm;
    return NULL;
}

/* A timer_create id: the interval timers share the list under negative
 * ids, which no timer_* call may reach (timer_delete(-1) once removed the
 * caller's ITIMER_REAL). */
static struct ktimer *find_posix(struct process *p, int id)
{
    return id < 0 ? NULL : find(p, id);
}

static void unlink_timer(struct ktimer *tm)
{
    for (struct ktimer **pp = &timers; *pp; pp = &(*pp)->next) {
        if (*pp == tm) {
            *pp = tm->next;
            return;
        }
    }
}

void timer_process_exit(struct process *p, bool exec)
{
    pthread_mutex_lock(&timer_mu);
    for (struct ktimer **pp = &timers; *pp;) {
        struct ktimer *tm = *pp;
        /* exec keeps the interval timers, drops POSIX timers */
        if (tm->proc == p && (!exec || tm->id >= 0)) {
            *pp = tm->next;
            free(tm);
        } else {
            pp = &tm->next;
        }
    }
    pthread_mutex_unlock(&timer_mu);
}

/* The remaining time and interval of tm (timer_mu held). */
static void remaining(struct ktimer *tm, struct timespec *value, struct timespec *interval)
{
    uint64_t now = now_ns(), d = ts_to_ns_sat(&tm->deadline);

    *interval = ns_to_ts(tm->interval_ns);
    if (!tm->armed) {
        value->tv_sec = value->tv_nsec = 0;
        return;
    }
    if (tm->cpu) {
        uint64_t c = process_cpu_ns(sb_kernel, tm->proc);
        *value = ns_to_ts(tm->cpu_deadline > c ? tm->cpu_deadline - c : 1);
        return;
    }
    *value = ns_to_ts(d > now ? d - now : 1);
}

static void arm(struct ktimer *tm, const struct timespec *value, const struct timespec *interval,
                bool absolute)
{
    uint64_t v = ts_to_ns_sat(value);

    tm->interval_ns = ts_to_ns_sat(interval);
    tm->overrun = 0;
    if (!v) {
        tm->armed = false;
        return;
    }
    if (tm->cpu) {
        uint64_t c = process_cpu_ns(sb_kernel, tm->proc);
        tm->cpu_deadline = absolute ? v : ns_add_sat(c, v);
        tm->armed = true;
        pthread_cond_signal(&timer_cv);
        return;
    }
    if (absolute) {
        struct timespec now;
        uint64_t cur;
        clockid_t c = tm->clock == CLOCK_REALTIME || tm->clock == CLOCK_REALTIME_ALARM
                          ? CLOCK_REALTIME
                      : tm->clock == CLOCK_BOOTTIME || tm->clock == CLOCK_BOOTTIME_ALARM
                          ? CLOCK_BOOTTIME
                          : CLOCK_MONOTONIC;
        clock_gettime(c, &now);
        cur = ts_to_ns_sat(&now);
        if (v <= cur && tm->interval_ns) {
            /* Periods already gone count as overruns of the first expiry,
             * which is now; the next ones stay on the absolute grid. */
            uint64_t gone = cur - v;
            tm->overrun = (int)SB_MIN(gone / tm->interval_ns, (uint64_t)INT32_MAX / 2);
            uint64_t mono = now_ns(), back = gone % tm->interval_ns;
            tm->deadline = ns_to_ts(mono > back ? mono - back : 0);
            tm->armed = true;
            pthread_cond_signal(&timer_cv);
            return;
        }
        v = v > cur ? v - cur : 1;
    }
    tm->deadline = ns_to_ts(ns_add_sat(now_ns(), v));
    tm->armed = true;
    pthread_cond_signal(&timer_cv);
}

/* ---- interval timers ---- */

int timer_setitimer(struct task *t, int which, const struct itimerval *nv, struct itimerval *ov)
{
    struct ktimer *tm;
    struct timespec v, i;
    static const int sigs[] = { SIGALRM, SIGVTALRM, SIGPROF };

    if (which < 0 || which > 2)
        return -EINVAL;
    if (nv && (nv->it_value.tv_usec < 0 || nv->it_value.tv_usec >= 1000000 ||
               nv->it_interval.tv_usec < 0 || nv->it_interval.tv_usec >= 1000000 ||
               nv->it_value.tv_sec < 0 || nv->it_interval.tv_sec < 0))
        return -EINVAL;
    pthread_mutex_lock(&timer_mu);
    tm = find(t->proc, -1 - which);
    if (ov) {
        memset(ov, 0, sizeof(*ov));
        if (tm) {
            remaining(tm, &v, &i);
            ov->it_value.tv_sec = v.tv_sec;
            ov->it_value.tv_usec = (v.tv_nsec + 999) / 1000;
            if (ov->it_value.tv_usec >= 1000000) {
                ov->it_value.tv_sec++;
                ov->it_value.tv_usec -= 1000000;
            }
            ov->it_interval.tv_sec = i.tv_sec;
            ov->it_interval.tv_usec = i.tv_nsec / 1000;
        }
    }
    if (nv) {
        if (!tm) {
            tm = xzalloc(sizeof(*tm));
            tm->proc = t->proc;
            tm->id = -1 - which;
            tm->signo = sigs[which];
            tm->notify = SIGEV_SIGNAL;
            tm->clock = CLOCK_MONOTONIC;
            tm->next = timers;
            timers = tm;
        }
        v.tv_sec = nv->it_value.tv_sec;
        v.tv_nsec = nv->it_value.tv_usec * 1000;
        i.tv_sec = nv->it_interval.tv_sec;
        i.tv_nsec = nv->it_interval.tv_usec * 1000;
        arm(tm, &v, &i, false);
    }
    pthread_mutex_unlock(&timer_mu);
    return 0;
}

/* ---- POSIX timers ---- */

int timer_posix_create(struct task *t, clockid_t clock, const struct sigevent *sev, int *id)
{
    struct ktimer *tm;
    int nid = 0;

    bool cpu = false;

    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_BOOTTIME_ALARM:
        break;
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        cpu = true;
        break;
    default:
        /* dynamic CPU clocks of this process (~pid << 3 | type) */
        if (clock < 0 && (clock & 3) != 3 &&
            (~(clock >> 3) == 0 || ~(clock >> 3) == t->proc->tgid || ~(clock >> 3) == t->tid)) {
            cpu = true;
            break;
        }
        return -EINVAL;
    }
    if (sev) {
        if (sev->sigev_notify != SIGEV_NONE && sev->sigev_notify != SIGEV_SIGNAL &&
            sev->sigev_notify != SIGEV_THREAD_ID)
            return -EINVAL;
        if (sev->sigev_notify != SIGEV_NONE &&
            (sev->sigev_signo < 1 || sev->sigev_signo > SB_NSIG))
            return -EINVAL;
    }
    pthread_mutex_lock(&timer_mu);
    while (find(t->proc, nid))
        nid++;
    tm = xzalloc(sizeof(*tm));
    tm->proc = t->proc;
    tm->id = nid;
    tm->clock = clock;
    tm->cpu = cpu;
    if (sev) {
        tm->notify = sev->sigev_notify;
        tm->signo = sev->sigev_signo;
        tm->value = sev->sigev_value;
        if (sev->sigev_notify == SIGEV_THREAD_ID) {
            struct task *target;
            pthread_mutex_lock(&t->k->lock);
            target = pid_task(t->k, sev->_sigev_un._tid);
            if (!target || target->proc != t->proc) {
                pthread_mutex_unlock(&t->k->lock);
                pthread_mutex_unlock(&timer_mu);
                free(tm);
                return -EINVAL;
            }
            pthread_mutex_unlock(&t->k->lock);
            tm->tid = sev->_sigev_un._tid;
        }
    } else {
        tm->notify = SIGEV_SIGNAL;
        tm->signo = SIGALRM;
        tm->value.sival_int = nid;
    }
    tm->next = timers;
    timers = tm;
    pthread_mutex_unlock(&timer_mu);
    *id = nid;
    return 0;
}

int timer_posix_settime(struct task *t, int id, int flags, const struct itimerspec *nv,
                        struct itimerspec *ov)
{
    struct ktimer *tm;

    if (nv->it_value.tv_nsec < 0 || nv->it_value.tv_nsec >= 1000000000 ||
        nv->it_interval.tv_nsec < 0 || nv->it_interval.tv_nsec >= 1000000000 ||
        nv->it_value.tv_sec < 0 || nv->it_interval.tv_sec < 0)
        return -EINVAL;
    pthread_mutex_lock(&timer_mu);
    tm = find_posix(t->proc, id);
    if (!tm) {
        pthread_mutex_unlock(&timer_mu);
        return -EINVAL;
    }
    if (ov)
        remaining(tm, &ov->it_value, &ov->it_interval);
    arm(tm, &nv->it_value, &nv->it_interval, flags & TIMER_ABSTIME);
    pthread_mutex_unlock(&timer_mu);
    return 0;
}

int timer_posix_gettime(struct task *t, int id, struct itimerspec *cur)
{
    struct ktimer *tm;

    pthread_mutex_lock(&timer_mu);
    tm = find_posix(t->proc, id);
    if (tm)
        remaining(tm, &cur->it_value, &cur->it_interval);
    pthread_mutex_unlock(&timer_mu);
    return tm ? 0 : -EINVAL;
}

int timer_posix_getoverrun(struct task *t, int id)
{
    struct ktimer *tm;
    int r;

    pthread_mutex_lock(&timer_mu);
    tm = find_posix(t->proc, id);
    r = tm ? tm->last_overrun : -EINVAL;
    pthread_mutex_unlock(&timer_mu);
    return r;
}

int timer_posix_delete(struct task *t, int id)
{
    struct ktimer *tm;

    pthread_mutex_lock(&timer_mu);
    tm = find_posix(t->proc, id);
    if (tm)
        unlink_timer(tm);
    pthread_mutex_unlock(&timer_mu);
    free(tm);
    return tm ? 0 : -EINVAL;
}

/* ---- kernel timers (timerfd) ---- */

struct ktimer *timer_kernel_new(clockid_t clock, struct waitq *wq)
{
    struct ktimer *tm = xzalloc(sizeof(*tm));

    tm->id = INT32_MIN;
    tm->clock = clock;
    tm->kwq = wq;
    pthread_mutex_lock(&timer_mu);
    tm->next = timers;
    timers = tm;
    pthread_mutex_unlock(&timer_mu);
    return tm;
}

int timer_kernel_set(struct ktimer *tm, bool absolute, const struct itimerspec *nv,
                     struct itimerspec *ov)
{
    if (nv->it_value.tv_nsec < 0 || nv->it_value.tv_nsec >= 1000000000 ||
        nv->it_interval.tv_nsec < 0 || nv->it_interval.tv_nsec >= 1000000000 ||
        nv->it_value.tv_sec < 0 || nv->it_interval.tv_sec < 0)
        return -EINVAL;
    pthread_mutex_lock(&timer_mu);
    if (ov)
        remaining(tm, &ov->it_value, &ov->it_interval);
    tm->ticks = 0;
    arm(tm, &nv->it_value, &nv->it_interval, absolute);
    pthread_mutex_unlock(&timer_mu);
    return 0;
}

void timer_kernel_get(struct ktimer *tm, struct itimerspec *cur)
{
    pthread_mutex_lock(&timer_mu);
    remaining(tm, &cur->it_value, &cur->it_interval);
    pthread_mutex_unlock(&timer_mu);
}

uint64_t timer_kernel_ticks(struct ktimer *tm, bool take)
{
    uint64_t n;

    pthread_mutex_lock(&timer_mu);
    n = tm->ticks;
    if (take)
        tm->ticks = 0;
    pthread_mutex_unlock(&timer_mu);
    return n;
}

void timer_kernel_free(struct ktimer *tm)
{
    pthread_mutex_lock(&timer_mu);
    unlink_timer(tm);
    pthread_mutex_unlock(&timer_mu);
    free(tm);
}
