/* lib/timespec.h: time arithmetic that saturates instead of overflowing.
 *
 * Apps pass any tv_sec they like (nanosleep of LONG_MAX seconds, a futex
 * deadline in the year 292 billion). Linux clamps such times at KTIME_MAX
 * (INT64_MAX ns, ~292 years) and then simply never reaches them; so do
 * these helpers, so that a huge timeout waits "forever" instead of
 * wrapping to a short one (and is never undefined behaviour).
 * Timespecs given are normalized (0 <= tv_nsec < 1e9). */
#ifndef SB_LIB_TIMESPEC_H
#define SB_LIB_TIMESPEC_H

#include <stdint.h>
#include <time.h>

#define TS_NS_MAX ((uint64_t)INT64_MAX) /* Linux's KTIME_MAX */
#define TS_NSEC 1000000000ULL

/* ts in ns; negative times are 0, huge ones TS_NS_MAX. */
static inline uint64_t ts_to_ns_sat(const struct timespec *ts)
{
    if (ts->tv_sec < 0)
        return 0;
    if ((uint64_t)ts->tv_sec >= TS_NS_MAX / TS_NSEC)
        return TS_NS_MAX;
    return (uint64_t)ts->tv_sec * TS_NSEC + (uint64_t)ts->tv_nsec;
}

static inline struct timespec ns_to_ts(uint64_t ns)
{
    struct timespec ts = { (time_t)(ns / TS_NSEC), (long)(ns % TS_NSEC) };
    return ts;
}

/* a + b, both at most TS_NS_MAX, capped at TS_NS_MAX. */
static inline uint64_t ns_add_sat(uint64_t a, uint64_t b)
{
    if (a > TS_NS_MAX)
        a = TS_NS_MAX;
    return b > TS_NS_MAX - a ? TS_NS_MAX : a + b;
}

/* *d += *rel (a deadline from now and a timeout), capped at TS_NS_MAX ns. */
static inline void ts_add_sat(struct timespec *d, const struct timespec *rel)
{
    *d = ns_to_ts(ns_add_sat(ts_to_ns_sat(d), ts_to_ns_sat(rel)));
}

/* *d = CLOCK_MONOTONIC now + *rel: the deadline of a relative timeout. */
static inline void ts_deadline_in(struct timespec *d, const struct timespec *rel)
{
    clock_gettime(CLOCK_MONOTONIC, d);
    ts_add_sat(d, rel);
}

/* a - b in ns, capped at +-INT64_MAX. */
static inline int64_t ts_diff_ns_sat(const struct timespec *a, const struct timespec *b)
{
    int64_t ds, ns;

    if (__builtin_sub_overflow((int64_t)a->tv_sec, (int64_t)b->tv_sec, &ds) ||
        __builtin_mul_overflow(ds, (int64_t)TS_NSEC, &ns) ||
        __builtin_add_overflow(ns, (int64_t)(a->tv_nsec - b->tv_nsec), &ns))
        return a->tv_sec < b->tv_sec ? -INT64_MAX : INT64_MAX;
    return ns;
}

/* *d = the CLOCK_MONOTONIC deadline of the absolute CLOCK_REALTIME time
 * *abs (now, if that is past). */
static inline void ts_deadline_at_realtime(struct timespec *d, const struct timespec *abs)
{
    struct timespec rt, rel;
    int64_t ns;

    clock_gettime(CLOCK_REALTIME, &rt);
    ns = ts_diff_ns_sat(abs, &rt);
    rel = ns_to_ts(ns < 0 ? 0 : (uint64_t)ns);
    ts_deadline_in(d, &rel);
}

#endif
