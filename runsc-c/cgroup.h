/* runsc-c/cgroup.h: one fresh cgroup per sandbox, on cgroup v2 or v1.
 *
 * sbx makes it under the caller's own cgroup (v2: one directory; v1: one
 * per controller hierarchy it needs), the Gofers and the Sentry move into
 * it before they do anything else (so every stub, a child of the Sentry,
 * starts inside), and sbx kills what is left and removes it at the end. A
 * watchdog process outside the cgroup removes it if sbx itself is killed.
 *
 * Not thread safe; used by sbx's single thread (and its forked children).
 */
#ifndef SB_RUNSC_C_CGROUP_H
#define SB_RUNSC_C_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/cleanup.h"

/* What to set; 0 means unset. */
struct cgroup_limits {
    uint64_t memory;       /* bytes: memory.max / memory.limit_in_bytes */
    uint64_t pids;         /* tasks: pids.max */
    uint64_t cpu_quota_us; /* per cpu_period_us: cpu.max / cfs_quota_us */
    uint64_t cpu_period_us;
};

enum cgroup_ctrl { CG_MEMORY, CG_PIDS, CG_CPU, CG_NCTRL };

struct cgroup {
    bool v2;
    /* v2: dirs[0] is the one directory. v1: a directory per controller
     * (NULL where unused); the same processes are in all of them. */
    char *dirs[CG_NCTRL];
    int ndirs;
    int ctrl_dir[CG_NCTRL]; /* index into dirs per controller, -1 if unset */
    int watchdog_fd;        /* write end of the watchdog's pipe, -1 if none */
    pid_t watchdog;
};

/* Make the sandbox's cgroup with limits l. On failure returns -errno and
 * puts the reason (one line, no trailing newline) in why: the caller
 * reports the requested limit as unavailable. */
int cgroup_create(struct cgroup *cg, const struct cgroup_limits *l, char *why,
                  size_t whylen) SB_MUST_CHECK;

/* In a child of sbx, first thing: move the calling process into cg.
 * Returns 0 or -errno. */
int cgroup_enter_self(struct cgroup *cg) SB_MUST_CHECK;

/* Fork the watchdog: it waits for sbx to go away (any way, SIGKILL too)
 * and then does cgroup_destroy. Returns 0 or -errno. */
int cgroup_watchdog_start(struct cgroup *cg) SB_MUST_CHECK;

/* Whether the kernel OOM-killed a process of cg. */
bool cgroup_oom_killed(const struct cgroup *cg);

/* Kill every process in cg, wait until it is empty, remove it, and let
 * the watchdog go. Safe on a cg that was never created. */
void cgroup_destroy(struct cgroup *cg);

/* Remove the sbx-PID-* cgroups below the caller's cgroups whose sbx is
 * gone and which are empty (left by an sbx killed with its watchdog). */
void cgroup_remove_stale(void);

#endif
