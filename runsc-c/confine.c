/* runsc-c/confine.c: put the Sentry in namespaces of its own with an empty
 * root before it boots.
 *
 * The Sentry needs no host file after boot (files come from the Gofers over
 * sockets it already holds) and no network, so it gets none: new user, pid,
 * mount, net, ipc, uts and cgroup namespaces, a root that is an empty
 * read-only tmpfs, no capability in the host's user namespace,
 * no_new_privs, and no fd but the ones it was handed. Each step is best
 * effort: some hosts (containers with their own seccomp profile) refuse
 * unshare; the step is then skipped and reported (sbx run -v), and the
 * Sentry's seccomp filter still holds.
 */
#include "runsc-c/confine.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>
#include <sys/capability.h>

#include "lib/log.h"

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

    if (fd < 0)
        return -errno;
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        r = -errno;
    close(fd);
    return r;
}

/* A user namespace where the caller's ids are 0: full capabilities inside,
 * none in the host's namespace. */
static int enter_userns(void)
{
    char map[64];
    uid_t uid = geteuid();
    gid_t gid = getegid();
    int r;

    if (unshare(CLONE_NEWUSER) < 0)
        return -errno;
    snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
    if ((r = write_file("/proc/self/uid_map", map)))
        return r;
    if ((r = write_file("/proc/self/setgroups", "deny")) && r != -ENOENT)
        return r;
    snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
    return write_file("/proc/self/gid_map", map);
}

/* The root becomes an empty tmpfs, then read-only; the old root is gone. */
static __attribute__((unused)) int pivot_to_empty(void)
{
    const char *newroot = "/tmp";

    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return -errno;
    if (mount("sbx-root", newroot, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=16k,mode=0555") < 0)
        return -errno;
    if (chdir(newroot) < 0)
        return -errno;
    if (syscall(SYS_pivot_root, ".", ".") < 0) /* stack the old root under the new */
        return -errno;
    if (umount2(".", MNT_DETACH) < 0)
        return -errno;
    if (chdir("/") < 0)
        return -errno;
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              NULL) < 0)
        return -errno;
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* Close every fd that is not in keep[] (close_range over the gaps). */
static int close_others(const int *keep, int n)
{
    int k[64], m = 0, lo = 0;

    for (int i = 0; i < n && m < 64; i++)
        if (keep[i] >= 0)
            k[m++] = keep[i];
    qsort(k, m, sizeof(k[0]), cmp_int);
    for (int i = 0; i < m; i++) {
        if (k[i] > lo && syscall(SYS_close_range, lo, k[i] - 1, 0) < 0)
            return -errno;
        lo = k[i] + 1;
    }
    if (syscall(SYS_close_range, lo, ~0U, 0) < 0)
        return -errno;
    return 0;
}

static void note(struct confinement *c, const char *what, int err)
{
    if (err && !c->why)
        c->why = what;
    if (err)
        sb_debug("confinement: %s: %s (skipped)", what, strerror(-err));
}

/* New mount, net, ipc and uts namespaces, and for the Sentry also cgroup
 * and pid ones; one at a time, so a host that refuses one still gets the
 * rest. */
static void enter_namespaces(struct confinement *c, bool sentry)
{
    const struct {
        int flag;
        bool *got;
        const char *name;
        bool sentry_only;
    } ns[] = {
        { CLONE_NEWNS, &c->mntns, "mount namespace", false },
        { CLONE_NEWNET, &c->netns, "net namespace", false },
        { CLONE_NEWIPC, &c->ipcns, "ipc namespace", false },
        { CLONE_NEWUTS, &c->utsns, "uts namespace", false },
        { CLONE_NEWCGROUP, &c->cgroupns, "cgroup namespace", true },
        { CLONE_NEWPID, &c->pidns, "pid namespace", true },
    };

    for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
        int r;
        if (ns[i].sentry_only && !sentry)
            continue;
        r = unshare(ns[i].flag) < 0 ? -errno : 0;
        *ns[i].got = r == 0;
        note(c, ns[i].name, r);
    }
}

#ifndef SB_ASAN /* unused there: see its caller */
/* The waiter's own filter: it only waits, then ends as the Sentry ended.
 * Each call is why it is there. Returns 0 or -errno. */
static int nswait_seccomp(void)
{
    static const struct {
        int nr;
        const char *why;
    } allow[] = {
        { SCMP_SYS(wait4), "waitpid for the Sentry" },
        { SCMP_SYS(rt_sigaction), "signal(): default action for the mirrored signal" },
        { SCMP_SYS(rt_sigreturn), "return from a stray signal handler" },
        { SCMP_SYS(getpid), "kill(getpid(), ...)" },
        { SCMP_SYS(kill), "die of the Sentry's fatal signal (own pid only, below)" },
        { SCMP_SYS(prctl), "PR_SET_DUMPABLE 0 before that (only, below)" },
        { SCMP_SYS(exit_group), "_exit with the Sentry's status" },
    };
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    int r = 0;

    if (!ctx)
        return -ENOMEM;
    for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]) && !r; i++) {
        if (allow[i].nr == SCMP_SYS(kill))
            r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow[i].nr, 1,
                                 SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
        else if (allow[i].nr == SCMP_SYS(prctl))
            r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow[i].nr, 1,
                                 SCMP_A0(SCMP_CMP_EQ, PR_SET_DUMPABLE));
        else
            r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow[i].nr, 0);
    }
    if (!r)
        r = seccomp_load(ctx);
    seccomp_release(ctx);
    return r;
}
#endif

/* Wait for the Sentry (pid 1 of its namespace) and end as it ended. */
static _Noreturn void wait_and_mirror(pid_t pid)
{
    int st, r;

    prctl(PR_SET_NAME, "sbx-nswait");
#ifndef SB_ASAN /* the sanitizers' interceptors make calls of their own */
    if ((r = nswait_seccomp()))
        sb_debug("confinement: waiter seccomp filter: %s (skipped)", strerror(-r));
#else
    (void)r;
#endif
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            _exit(125);
    if (WIFSIGNALED(st)) {
        signal(WTERMSIG(st), SIG_DFL);
        prctl(PR_SET_DUMPABLE, 0); /* no core of ours for the Sentry's crash */
        kill(getpid(), WTERMSIG(st));
        _exit(128 + WTERMSIG(st));
    }
    _exit(WEXITSTATUS(st));
}

void confine_sentry(const int *keep, int nkeep, struct confinement *c)
{
    int r;
    pid_t pid;

    memset(c, 0, sizeof(*c));
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    r = enter_userns();
    c->userns = r == 0;
    note(c, "user namespace", r);

    enter_namespaces(c, true);
    if (c->pidns) {
        pid = fork();
        if (pid < 0) {
            note(c, "pid namespace fork", -errno);
            c->pidns = false;
        } else if (pid > 0) {
            close_others(NULL, 0);
            wait_and_mirror(pid);
        } else {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
        }
    }
#ifndef SB_ASAN /* the sanitizers read /proc at exit */
    if (c->mntns) {
        r = pivot_to_empty();
        c->pivoted = r == 0;
        note(c, "empty root (pivot_root)", r);
    }
#endif
    r = close_others(keep, nkeep);
    c->nofds = r == 0;
    note(c, "closing inherited fds", r);
    {
        /* A bound on the fds the Sentry may hold (donated host fds of every
         * open app file): the kernel's default nr_open. */
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
            rl.rlim_max = rl.rlim_max > (1u << 20) ? (1u << 20) : rl.rlim_max;
            rl.rlim_cur = rl.rlim_cur > rl.rlim_max ? rl.rlim_max : rl.rlim_cur;
            note(c, "RLIMIT_NOFILE", setrlimit(RLIMIT_NOFILE, &rl) < 0 ? -errno : 0);
        }
    }
}

/* The Gofer keeps only what serving its root needs: owners and modes of
 * files it makes (CHOWN, FOWNER, FSETID), and reaching files whatever
 * their modes (DAC_OVERRIDE, DAC_READ_SEARCH, which linkat by fd needs).
 * A read-only Gofer keeps the last two. */
static int drop_caps(bool writable)
{
    cap_value_t keep[] = { CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_CHOWN, CAP_FOWNER,
                           CAP_FSETID };
    int nkeep = writable ? 5 : 2, r = 0;
    cap_t caps;

    for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
        bool kept = false;
        for (int i = 0; i < nkeep; i++)
            kept |= keep[i] == c;
        if (!kept && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
            return -errno;
    }
    caps = cap_init(); /* all clear */
    if (!caps)
        return -ENOMEM;
    if (cap_set_flag(caps, CAP_EFFECTIVE, nkeep, keep, CAP_SET) ||
        cap_set_flag(caps, CAP_PERMITTED, nkeep, keep, CAP_SET) || cap_set_proc(caps))
        r = -errno;
    cap_free(caps);
    return r;
}

void confine_gofer(bool writable, struct confinement *c)
{
    memset(c, 0, sizeof(*c));
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    enter_namespaces(c, false);
#ifndef SB_ASAN
    if (c->mntns) {
        int r = pivot_to_empty(); /* it serves by the fds it holds: no path needed */
        c->pivoted = r == 0;
        note(c, "empty root (pivot_root)", r);
    }
#endif
    if (geteuid() == 0 || prctl(PR_CAPBSET_READ, CAP_SETPCAP) == 1)
        note(c, "dropping capabilities", drop_caps(writable));
}
