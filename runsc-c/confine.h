/* runsc-c/confine.h: the Sentry's confinement before it boots. */
#ifndef SB_RUNSC_C_CONFINE_H
#define SB_RUNSC_C_CONFINE_H

#include <stdbool.h>

/* What confine_sentry achieved (best effort: a step the host refuses is
 * skipped and named here, for `sbx run -v` and the tests). */
struct confinement {
    bool userns, pidns, mntns, netns, ipcns, utsns, cgroupns;
    bool pivoted;     /* root is an empty read-only tmpfs */
    bool nofds;       /* every fd not in keep[] closed */
    const char *why;  /* the first step that failed, or NULL */
};

/* In the process that becomes the Sentry: no_new_privs; new user (the
 * caller's ids mapped to 0), pid, mount, net, ipc, uts and cgroup
 * namespaces; pivot_root to an empty tmpfs; every fd but keep[] closed.
 * For the pid namespace it forks: the Sentry is pid 1 of it, and this
 * function returns in that child only; the process that called it waits
 * and exits as the Sentry did (never returns). */
void confine_sentry(const int *keep, int nkeep, struct confinement *out);

/* In a Gofer before it serves: no_new_privs, new mount, net, ipc and uts
 * namespaces, an empty root, and only the capabilities serving needs
 * (writable: may chown and chmod what it makes). Its seccomp filter comes
 * after (gofer_seccomp_install). */
void confine_gofer(bool writable, struct confinement *c);

#endif
