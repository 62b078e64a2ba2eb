/* runsc-c/limits.c: sbx run's per-sandbox limits, from options to report.
 *
 * --memory, --pids and --cpus are cgroup limits on every host process of
 * the sandbox (Gofers, Sentry, stubs); --timeout is sbx's own clock;
 * --disk is passed to the Sentry (the overlay's upper tmpfs). A limit that
 * cannot be had is an error, never silently dropped.
 */
#include "runsc-c/limits.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CPU_PERIOD_US 100000

static _Noreturn void bad_value(const char *opt, const char *v, const char *want)
{
    fprintf(stderr, "sbx: %s: bad value '%s' (want %s) (see 'sbx help')\n", opt, v, want);
    exit(2);
}

/* A positive decimal number (fractions allowed) within max. */
static double parse_positive(const char *opt, const char *v, double max, const char *want)
{
    char *end;
    double d;

    errno = 0;
    if (strchr(v, '-'))
        bad_value(opt, v, want);
    d = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(d) || d <= 0 || d > max)
        bad_value(opt, v, want);
    return d;
}

uint64_t limits_parse_pids(const char *v)
{
    char *end;
    unsigned long long n;

    errno = 0;
    if (strchr(v, '-'))
        bad_value("--pids", v, "a whole number from 1 to 1000000");
    n = strtoull(v, &end, 10);
    if (end == v || *end || errno || n == 0 || n > 1000000)
        bad_value("--pids", v, "a whole number from 1 to 1000000");
    return n;
}

uint64_t limits_parse_cpus(const char *v)
{
    double d = parse_positive("--cpus", v, 4096, "a number of CPUs from 0.01, e.g. 0.5");
    uint64_t m = (uint64_t)(d * 1000 + 0.5);

    if (m < 10)
        bad_value("--cpus", v, "a number of CPUs from 0.01, e.g. 0.5");
    return m;
}

uint64_t limits_parse_timeout(const char *v)
{
    double d = parse_positive("--timeout", v, 1e7, "seconds, e.g. 10 or 0.5");
    uint64_t ms = (uint64_t)(d * 1000);

    return ms < d * 1000 ? ms + 1 : ms;
}

int limits_setup(struct sbx_limits *l, int ngofers)
{
    struct cgroup_limits cl = { 0 };
    char why[1024], opts[64] = "";
    int r;

    l->use_cgroup = l->memory || l->pids || l->cpu_millis;
    if (!l->use_cgroup)
        return 0;
    if (l->memory)
        strcat(opts, ", --memory");
    if (l->pids)
        strcat(opts, ", --pids");
    if (l->cpu_millis)
        strcat(opts, ", --cpus");
    cl.memory = l->memory;
    /* Each app task is a Sentry thread and a stub thread on the host. */
    if (l->pids)
        cl.pids = 2 * l->pids + LIMITS_PIDS_SENTRY_OVERHEAD + ngofers;
    if (l->cpu_millis) {
        cl.cpu_period_us = CPU_PERIOD_US;
        cl.cpu_quota_us = l->cpu_millis * (CPU_PERIOD_US / 1000);
    }
    cgroup_remove_stale();
    if ((r = cgroup_create(&l->cg, &cl, why, sizeof(why)))) {
        fprintf(stderr, "sbx: %s unavailable: %s\n", opts + 2, why);
        return 2;
    }
    if ((r = cgroup_watchdog_start(&l->cg))) {
        fprintf(stderr, "sbx: %s unavailable: cannot start the cgroup watchdog: %s\n", opts + 2,
                strerror(-r));
        cgroup_destroy(&l->cg);
        return 2;
    }
    return 0;
}

void limits_child_enter(struct sbx_limits *l)
{
    int r;

    if (!l->use_cgroup)
        return;
    if ((r = cgroup_enter_self(&l->cg))) {
        fprintf(stderr, "sbx: cannot join the sandbox's cgroup: %s\n", strerror(-r));
        _exit(125);
    }
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void limits_wait(struct sbx_limits *l, pid_t sentry, int *status)
{
    uint64_t deadline;
    int pidfd;

    if (!l->timeout_ms) {
        while (waitpid(sentry, status, 0) < 0 && errno == EINTR)
            ;
        return;
    }
    deadline = now_ms() + l->timeout_ms;
    pidfd = (int)syscall(SYS_pidfd_open, sentry, 0);
    for (;;) {
        pid_t w = waitpid(sentry, status, WNOHANG);
        uint64_t now;

        if (w == sentry || (w < 0 && errno != EINTR))
            break;
        now = now_ms();
        if (now >= deadline) {
            l->timed_out = true;
            kill(sentry, SIGKILL);
            while (waitpid(sentry, status, 0) < 0 && errno == EINTR)
                ;
            break;
        }
        if (pidfd >= 0) {
            struct pollfd p = { .fd = pidfd, .events = POLLIN };
            uint64_t left = deadline - now;
            poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
        } else {
            usleep(10000); /* no pidfd (before Linux 5.3): poll */
        }
    }
    if (pidfd >= 0)
        close(pidfd);
}

int limits_finish(struct sbx_limits *l, int wait_status)
{
    bool oom = false;
    int r = -1;

    if (l->use_cgroup) {
        oom = l->cg.ctrl_dir[CG_MEMORY] >= 0 && cgroup_oom_killed(&l->cg);
        cgroup_destroy(&l->cg);
    }
    if (l->timed_out) {
        fprintf(stderr, "sbx: timed out after %s s\n", l->timeout_arg);
        r = 124;
    } else if (oom && ((WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL) ||
                       (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 128 + SIGKILL))) {
        fprintf(stderr, "sbx: the sandbox ran out of memory (--memory %s)\n", l->memory_arg);
        r = 128 + SIGKILL;
    }
    return r;
}
