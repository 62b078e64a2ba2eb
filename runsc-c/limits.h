/* runsc-c/limits.h: sbx run's per-sandbox limits (--memory, --pids, --cpus,
 * --timeout, --disk): parsing, set-up, the timed wait, and the report.
 *
 * The order in cmd_run: limits_parse for each option; limits_setup before
 * the first fork (the cgroup and its watchdog); limits_child_enter first
 * thing in each Gofer and the Sentry; limits_wait instead of waitpid on the
 * Sentry; limits_finish when everything else is torn down.
 */
#ifndef SB_RUNSC_C_LIMITS_H
#define SB_RUNSC_C_LIMITS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runsc-c/cgroup.h"

/* Host tasks that are not the app's: the Sentry's main and timer threads,
 * its host stdio readers (up to 3) or pty pumps (-t), one warm-up thread at
 * boot, a stub process being born during an exec, and slack; the Gofers are
 * added per served tree. Measured: see README "Limits". */
#define LIMITS_PIDS_SENTRY_OVERHEAD 10

struct sbx_limits {
    uint64_t memory;        /* --memory bytes */
    const char *memory_arg; /* as given, for messages */
    uint64_t pids;          /* --pids: app tasks (processes and threads) */
    uint64_t cpu_millis;    /* --cpus * 1000 */
    uint64_t timeout_ms;    /* --timeout */
    const char *timeout_arg;
    uint64_t disk; /* --disk: bytes of the overlay's upper tmpfs */
    bool use_cgroup;
    bool timed_out;
    struct cgroup cg;
};

/* --pids, --cpus, --timeout values; a usage error (exit 2) if malformed.
 * (--memory and --disk go through sbx's parse_size.) */
uint64_t limits_parse_pids(const char *v);
uint64_t limits_parse_cpus(const char *v);
uint64_t limits_parse_timeout(const char *v);

/* Create the cgroup if a limit needs one; ngofers: Gofer processes to
 * come. Returns 0, or an exit status after printing why the requested
 * limit is unavailable. */
int limits_setup(struct sbx_limits *l, int ngofers) SB_MUST_CHECK;

/* In a forked child of sbx: join the sandbox's cgroup, or exit 125. */
void limits_child_enter(struct sbx_limits *l);

/* waitpid(sentry) for up to --timeout; past it, the Sentry is killed (the
 * rest follows it) and l->timed_out set. */
void limits_wait(struct sbx_limits *l, pid_t sentry, int *status);

/* Remove the cgroup (killing what is left in it). Returns the exit status
 * sbx should return instead of the Sentry's wait_status (124 after the
 * timeout, 137 after an OOM kill, each said in one line on stderr), or -1
 * for the usual one. */
int limits_finish(struct sbx_limits *l, int wait_status);

#endif
