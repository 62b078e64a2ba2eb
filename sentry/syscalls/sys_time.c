/* sentry/syscalls/sys_time.c: clocks, sleeps, getrandom. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>

#include "lib/timespec.h"

/* CPU-time clocks: the standard ids and the dynamic ones glibc makes for
 * clock_getcpuclockid/pthread_getcpuclockid (negative: ~pid << 3 | type,
 * bit 2 for a thread). A thread's clock reads its process's (partial). */
static int cpu_clock_ns(struct task *t, clockid_t id, uint64_t *ns)
{
    int pid;

    if (id == CLOCK_PROCESS_CPUTIME_ID) {
        *ns = task_cpu_ns(t);
        return 0;
    }
    if (id == CLOCK_THREAD_CPUTIME_ID) {
        *ns = task_thread_cpu_ns(t);
        return 0;
    }
    if (id >= 0 || (id & 3) == 3)
        return -EINVAL;
    pid = ~(id >> 3);
    if (pid == 0 || pid == t->proc->tgid || pid == t->tid) {
        *ns = task_cpu_ns(t);
        return 0;
    }
    {
        struct task *o;
        int r = -EINVAL;
        pthread_mutex_lock(&t->k->lock);
        o = pid_task(t->k, pid);
        if (o && ((id & 4) ? 1 : o->proc->tgid == pid) && o->mm) {
            *ns = task_cpu_ns(o);
            r = 0;
        }
        pthread_mutex_unlock(&t->k->lock);
        return r;
    }
}

static int clock_ok(clockid_t id)
{
    switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        return 1;
    default:
        return 0;
    }
}

/* Clocks one may read: those, and CLOCK_TAI (the host's, which the vDSO
 * serves as well). */
static int clock_readable(clockid_t id)
{
    return clock_ok(id) || id == CLOCK_TAI;
}

long sys_clock_gettime(struct task *t, const struct syscall_args *a)
{
    clockid_t id = (clockid_t)a->a[0];
    struct timespec ts;

    if (id < 0 || id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID) {
        /* The app's threads run in the platform: its CPU clock (per
         * process; a thread reads its process's). */
        uint64_t ns;
        if (cpu_clock_ns(t, id, &ns))
            return -EINVAL;
        ts.tv_sec = ns / 1000000000ULL;
        ts.tv_nsec = ns % 1000000000ULL;
    } else if (!clock_readable(id)) {
        return -EINVAL;
    } else {
        clock_gettime(id, &ts);
    }
    return mm_copy_out(t->mm, a->a[1], &ts, sizeof(ts)) ? -EFAULT : 0;
}

long sys_clock_getres(struct task *t, const struct syscall_args *a)
{
    clockid_t id = (clockid_t)a->a[0];
    struct timespec ts = { 0, 1 };
    uint64_t ns;

    if (id < 0 && cpu_clock_ns(t, id, &ns))
        return -EINVAL;
    if (id >= 0 && !clock_readable(id))
        return -EINVAL;
    if (id == CLOCK_REALTIME_COARSE || id == CLOCK_MONOTONIC_COARSE)
        ts.tv_nsec = 4000000;
    if (!a->a[1])
        return 0;
    return mm_copy_out(t->mm, a->a[1], &ts, sizeof(ts)) ? -EFAULT : 0;
}

long sys_gettimeofday(struct task *t, const struct syscall_args *a)
{
    struct timeval tv;
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    tv.tv_sec = ts.tv_sec;
    tv.tv_usec = ts.tv_nsec / 1000;
    if (a->a[0] && mm_copy_out(t->mm, a->a[0], &tv, sizeof(tv)))
        return -EFAULT;
    if (a->a[1]) {
        struct timezone tz = { 0, 0 };
        if (mm_copy_out(t->mm, a->a[1], &tz, sizeof(tz)))
            return -EFAULT;
    }
    return 0;
}

/* ---- setting and adjusting the clock ----
 *
 * The sandbox never changes the host clock: it behaves as a container
 * without CAP_SYS_TIME (and as gVisor). Setting CLOCK_REALTIME is EPERM
 * once the arguments have passed Linux's checks, in Linux's order; a
 * read-only adjtimex/clock_adjtime (modes 0 or ADJ_OFFSET_SS_READ), which
 * Linux allows anyone, reports a free-running, unsynchronised clock. */

/* The clock ids Linux knows (posix_clocks[]): 0-9 and CLOCK_TAI. */
static bool clock_id_known(clockid_t id)
{
    return (id >= CLOCK_REALTIME && id <= CLOCK_BOOTTIME_ALARM) || id == CLOCK_TAI;
}

long sys_clock_settime(struct task *t, const struct syscall_args *a)
{
    clockid_t id = (clockid_t)a->a[0];
    struct timespec ts;
    uint64_t ns;

    if (id >= 0 && !clock_id_known(id))
        return -EINVAL;
    if (id < 0 && (id & 7) == 3)
        return -EINVAL; /* CLOCKFD: no posix clock devices here */
    if (mm_copy_in(t->mm, &ts, a->a[1], sizeof(ts)))
        return -EFAULT;
    if (id < 0) /* a CPU clock: never settable, EPERM if it names a task */
        return cpu_clock_ns(t, id, &ns) ? -EINVAL : -EPERM;
    if (id != CLOCK_REALTIME)
        return -EINVAL;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
        return -EINVAL;
    return -EPERM;
}

long sys_settimeofday(struct task *t, const struct syscall_args *a)
{
    struct timeval tv;
    struct timezone tz;

    if (a->a[0]) {
        if (mm_copy_in(t->mm, &tv, a->a[0], sizeof(tv)))
            return -EFAULT;
        if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EINVAL;
    }
    if (a->a[1] && mm_copy_in(t->mm, &tz, a->a[1], sizeof(tz)))
        return -EFAULT;
    return -EPERM; /* before Linux looks at the time zone's range */
}

#define ADJ_ADJTIME_ 0x8000         /* the kernel's ADJ_ADJTIME */
#define ADJ_OFFSET_READONLY_ 0x2000

static long do_adjtimex(struct task *t, uint64_t utx)
{
    struct timex tx;
    struct timespec now;

    if (mm_copy_in(t->mm, &tx, utx, sizeof(tx)))
        return -EFAULT;
    if (tx.modes & ADJ_ADJTIME_) {
        if (!(tx.modes & ADJ_OFFSET_SINGLESHOT & ~ADJ_ADJTIME_))
            return -EINVAL;
        if (!(tx.modes & ADJ_OFFSET_READONLY_))
            return -EPERM;
    } else if (tx.modes) {
        return -EPERM;
    }
    clock_gettime(CLOCK_REALTIME, &now);
    memset(&tx, 0, sizeof(tx));
    tx.status = STA_UNSYNC;
    tx.maxerror = tx.esterror = 16000000; /* NTP_PHASE_LIMIT */
    tx.constant = 2;
    tx.precision = 1;
    tx.tolerance = 500 << 16; /* MAXFREQ, 500 ppm */
    tx.tick = 1000000 / 100;  /* USER_HZ */
    tx.time.tv_sec = now.tv_sec;
    tx.time.tv_usec = now.tv_nsec / 1000;
    if (mm_copy_out(t->mm, utx, &tx, sizeof(tx)))
        return -EFAULT;
    return TIME_ERROR; /* what an unsynchronised clock reports */
}

long sys_adjtimex(struct task *t, const struct syscall_args *a)
{
    return do_adjtimex(t, a->a[0]);
}

long sys_clock_adjtime(struct task *t, const struct syscall_args *a)
{
    clockid_t id = (clockid_t)a->a[0];
    struct timex tx;

    if (mm_copy_in(t->mm, &tx, a->a[1], sizeof(tx)))
        return -EFAULT;
    if ((id >= 0 && !clock_id_known(id)) || (id < 0 && (id & 7) == 3))
        return -EINVAL;
    if (id != CLOCK_REALTIME)
        return -EOPNOTSUPP; /* only CLOCK_REALTIME can be adjusted */
    return do_adjtimex(t, a->a[1]);
}

long sys_time(struct task *t, const struct syscall_args *a)
{
    struct timespec ts;
    int64_t now;

    clock_gettime(CLOCK_REALTIME, &ts);
    now = ts.tv_sec;
    if (a->a[0] && mm_copy_out(t->mm, a->a[0], &now, sizeof(now)))
        return -EFAULT;
    return now;
}

static long sleep_deadline(struct task *t, const struct timespec *dl, int abs, uint64_t urem);

/* Sleep on the task's own condvar so a signal interrupts it; on EINTR the
 * remaining time goes to rem (relative sleeps). */
static long sleep_until(struct task *t, clockid_t id, const struct timespec *req, int abs,
                        uint64_t urem)
{
    struct timespec now, d;
    int64_t ns;

    clock_gettime(id, &now);
    ns = abs ? ts_diff_ns_sat(req, &now) : (int64_t)ts_to_ns_sat(req);
    if (ns <= 0)
        return 0;
    now = ns_to_ts((uint64_t)ns);
    ts_deadline_in(&d, &now);
    return sleep_deadline(t, &d, abs, urem);
}

/* Sleep until the CLOCK_MONOTONIC deadline d. Interrupted: a relative
 * sleep is continued by restart_syscall when no handler runs (a stop and
 * continue are invisible), or ends with EINTR and the time left. */
static long sleep_deadline(struct task *t, const struct timespec *dl, int abs, uint64_t urem)
{
    struct timespec now, d = *dl;
    int64_t ns;
    int r;

    for (;;) {
        r = task_block(t, &d);
        if (r == -ETIMEDOUT)
            return 0;
        if (r == -EINTR)
            break;
    }
    if (!abs && urem) {
        struct timespec left;
        clock_gettime(CLOCK_MONOTONIC, &now);
        ns = ts_diff_ns_sat(&d, &now);
        if (ns < 0)
            ns = 0;
        left.tv_sec = ns / 1000000000LL;
        left.tv_nsec = ns % 1000000000LL;
        if (mm_copy_out(t->mm, urem, &left, sizeof(left)))
            return -EFAULT;
    }
    if (abs)
        return -ERESTARTNOHAND;
    t->restart_kind = RESTART_SLEEP;
    t->restart_deadline = d;
    t->restart_urem = urem;
    return -ERESTART_RESTARTBLOCK;
}

long sys_restart_syscall(struct task *t, const struct syscall_args *a)
{
    if (t->restart_kind == RESTART_SLEEP) {
        t->restart_kind = 0;
        return sleep_deadline(t, &t->restart_deadline, 0, t->restart_urem);
    }
    return -EINTR;
}

long sys_nanosleep(struct task *t, const struct syscall_args *a)
{
    struct timespec req;

    if (mm_copy_in(t->mm, &req, a->a[0], sizeof(req)))
        return -EFAULT;
    if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000)
        return -EINVAL;
    return sleep_until(t, CLOCK_MONOTONIC, &req, 0, a->a[1]);
}

long sys_clock_nanosleep(struct task *t, const struct syscall_args *a)
{
    clockid_t id = (clockid_t)a->a[0];
    int flags = (int)a->a[1];
    struct timespec req;

    if (id == CLOCK_THREAD_CPUTIME_ID || (id < 0 && (id & 4)))
        return -EINVAL;
    if (id < 0) {
        uint64_t ns;
        if (cpu_clock_ns(t, id, &ns))
            return -EINVAL;
        id = CLOCK_PROCESS_CPUTIME_ID; /* ours or another's: sleep on ours */
    }
    if (!clock_ok(id) || id == CLOCK_MONOTONIC_RAW || id == CLOCK_REALTIME_COARSE ||
        id == CLOCK_MONOTONIC_COARSE)
        return -EINVAL;
    if (mm_copy_in(t->mm, &req, a->a[2], sizeof(req)))
        return -EFAULT;
    if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= 1000000000)
        return -EINVAL;
    if (id == CLOCK_PROCESS_CPUTIME_ID) {
        /* Until the process has used that much CPU: checked every ms. */
        uint64_t target = ts_to_ns_sat(&req);
        if (!(flags & TIMER_ABSTIME))
            target = ns_add_sat(target, task_cpu_ns(t));
        for (;;) {
            struct timespec d, ms = { 0, 1000000 };
            if (task_cpu_ns(t) >= target)
                return 0;
            ts_deadline_in(&d, &ms);
            if (task_block(t, &d) == -EINTR)
                return (flags & TIMER_ABSTIME) ? -ERESTARTNOHAND : -EINTR;
        }
    }
    return sleep_until(t, id, &req, flags & TIMER_ABSTIME, a->a[3]);
}

long sys_getrandom(struct task *t, const struct syscall_args *a)
{
    uint8_t buf[4096];
    size_t len = a->a[1], done = 0;
    unsigned flags = (unsigned)a->a[2];

    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
        return -EINVAL;
    if (len > 0x7ffff000) /* MAX_RW_COUNT, as Linux 5.18+ */
        len = 0x7ffff000;
    while (done < len) {
        size_t k = SB_MIN(len - done, sizeof(buf));
        ssize_t n;
        /* As Linux: a signal ends a long request with what is done. */
        if (done && !(done & 0xfffff) && task_signal_pending(t))
            break;
        n = getrandom(buf, k, 0);
        if (n <= 0)
            return done ? (long)done : -EIO;
        if (mm_copy_out(t->mm, a->a[0] + done, buf, n))
            return done ? (long)done : -EFAULT;
        done += n;
    }
    return (long)done;
}
