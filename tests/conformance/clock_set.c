/* clock_set: clock_settime, settimeofday, adjtimex, clock_adjtime, syslog
 * without CAP_SYS_TIME/CAP_SYSLOG: argument checks in Linux's order, EPERM
 * for changes, read-only adjtimex allowed. Never sets the clock. */
#include "conf.h"
#include <linux/capability.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>

static void drop_cap(int cap)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];

    MUST(syscall(SYS_capget, &h, d));
    d[cap / 32].effective &= ~(1u << (cap % 32));
    MUST(syscall(SYS_capset, &h, d));
}

int main(void)
{
    struct timespec ts, badns = { 1, -1 };
    struct timeval tv, badus = { 1, 2000000 };
    struct timezone tz = { 0, 0 };
    struct timex tx;
    char buf[64];
    long r;

    /* Whatever the caller holds, the checks below must not set the clock. */
    drop_cap(CAP_SYS_TIME);
    drop_cap(CAP_SYSLOG);
    drop_cap(CAP_SYS_ADMIN);
    clock_gettime(CLOCK_REALTIME, &ts);
    gettimeofday(&tv, NULL);

    ERR("clock_settime REALTIME bad ptr", syscall(SYS_clock_settime, CLOCK_REALTIME, BADPTR), EFAULT);
    ERR("clock_settime 99 bad ptr", syscall(SYS_clock_settime, 99, BADPTR), EINVAL);
    ERR("clock_settime MONOTONIC", syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts), EINVAL);
    ERR("clock_settime BOOTTIME", syscall(SYS_clock_settime, CLOCK_BOOTTIME, &ts), EINVAL);
    ERR("clock_settime PROCESS_CPUTIME", syscall(SYS_clock_settime, CLOCK_PROCESS_CPUTIME_ID, &ts), EINVAL);
    ERR("clock_settime TAI", syscall(SYS_clock_settime, CLOCK_TAI, &ts), EINVAL);
    ERR("clock_settime bad nsec", syscall(SYS_clock_settime, CLOCK_REALTIME, &badns), EINVAL);
    ERR("clock_settime REALTIME", syscall(SYS_clock_settime, CLOCK_REALTIME, &ts), EPERM);
    ERR("settimeofday bad tv", syscall(SYS_settimeofday, BADPTR, NULL), EFAULT);
    ERR("settimeofday bad tz", syscall(SYS_settimeofday, NULL, BADPTR), EFAULT);
    ERR("settimeofday bad usec", syscall(SYS_settimeofday, &badus, NULL), EINVAL);
    ERR("settimeofday NULL NULL", syscall(SYS_settimeofday, NULL, NULL), EPERM);
    ERR("settimeofday tv", syscall(SYS_settimeofday, &tv, NULL), EPERM);
    ERR("settimeofday tz", syscall(SYS_settimeofday, NULL, &tz), EPERM);

    memset(&tx, 0, sizeof(tx));
    r = syscall(SYS_adjtimex, &tx);
    TRUE("adjtimex query: a clock state", r >= TIME_OK && r <= TIME_ERROR);
    TRUE("adjtimex: TIME_ERROR iff STA_UNSYNC", (r == TIME_ERROR) == !!(tx.status & STA_UNSYNC));
    EQ("adjtimex tick", tx.tick, 10000);
    EQ("adjtimex tolerance", tx.tolerance, 500 << 16);
    TRUE("adjtimex time is now", tx.time.tv_sec >= tv.tv_sec && tx.time.tv_sec <= tv.tv_sec + 5);
    ERR("adjtimex bad ptr", syscall(SYS_adjtimex, BADPTR), EFAULT);
    memset(&tx, 0, sizeof(tx));
    tx.modes = ADJ_OFFSET_SS_READ;
    TRUE("adjtimex ADJ_OFFSET_SS_READ", syscall(SYS_adjtimex, &tx) >= 0);
    tx.modes = ADJ_OFFSET;
    ERR("adjtimex ADJ_OFFSET", syscall(SYS_adjtimex, &tx), EPERM);
    tx.modes = 0x8000; /* ADJ_ADJTIME without SINGLESHOT */
    ERR("adjtimex ADJ_ADJTIME alone", syscall(SYS_adjtimex, &tx), EINVAL);
    tx.modes = ADJ_OFFSET_SINGLESHOT;
    ERR("adjtimex SINGLESHOT", syscall(SYS_adjtimex, &tx), EPERM);
    memset(&tx, 0, sizeof(tx));
    TRUE("clock_adjtime REALTIME query", syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx) >= 0);
    EQ("clock_adjtime tick", tx.tick, 10000);
    ERR("clock_adjtime MONOTONIC", syscall(SYS_clock_adjtime, CLOCK_MONOTONIC, &tx), EOPNOTSUPP);
    ERR("clock_adjtime PROCESS_CPUTIME", syscall(SYS_clock_adjtime, CLOCK_PROCESS_CPUTIME_ID, &tx), EOPNOTSUPP);
    ERR("clock_adjtime 99", syscall(SYS_clock_adjtime, 99, &tx), EINVAL);
    ERR("clock_adjtime 99 bad ptr", syscall(SYS_clock_adjtime, 99, BADPTR), EFAULT);

    /* syslog without CAP_SYSLOG: every action but READ_ALL and SIZE_BUFFER
     * (which dmesg_restrict decides) is EPERM, unknown ones too. */
    static const int acts[] = { 0, 1, 2, 4, 5, 6, 7, 8, 9, 99, -1 };
    for (unsigned i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
        char n[32];
        snprintf(n, sizeof(n), "syslog action %d", acts[i]);
        ERR(n, syscall(SYS_syslog, acts[i], buf, sizeof(buf)), EPERM);
    }
    return conf_done();
}
