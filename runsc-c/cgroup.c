/* runsc-c/cgroup.c: the sandbox's own cgroup: find, create, limit, remove.
 *
 * v2 is used when a cgroup2 hierarchy holds the caller and offers every
 * controller asked for (cgroup.controllers); otherwise v1, one hierarchy
 * per controller (a hybrid host such as this one has an empty v2 at
 * /sys/fs/cgroup/unified and the controllers on v1). The caller's cgroup
 * comes from /proc/self/cgroup, its directory from /proc/self/mountinfo
 * (mount point plus the path below the mount's root).
 */
#include "runsc-c/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/xalloc.h"

static const char *const ctrl_name[CG_NCTRL] = {
    [CG_MEMORY] = "memory",
    [CG_PIDS] = "pids",
    [CG_CPU] = "cpu",
};

static void say(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
}

/* Whether the comma- or space-separated list has word. */
static bool list_has(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *s = list; *s;) {
        size_t m = strcspn(s, ", \n");
        if (m == n && !strncmp(s, word, n))
            return true;
        s += m;
        s += strspn(s, ", \n");
    }
    return false;
}

static int write_str(const char *dir, const char *file, const char *val)
{
    char path[PATH_MAX + 128];
    _cleanup_close_ int fd = -1;
    size_t len = strlen(val);

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (write(fd, val, len) != (ssize_t)len)
        return -errno;
    return 0;
}

static int write_u64(const char *dir, const char *file, uint64_t v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
    return write_str(dir, file, buf);
}

/* The whole (small) file dir/file into buf; bytes read or -errno. */
static ssize_t read_str(const char *dir, const char *file, char *buf, size_t cap)
{
    char path[PATH_MAX + 128];
    _cleanup_close_ int fd = -1;
    size_t got = 0;
    ssize_t n;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    while (got < cap - 1 && (n = read(fd, buf + got, cap - 1 - got)) > 0)
        got += n;
    buf[got] = '\0';
    return got;
}

/* "key N" from a flat keyed file (memory.events, memory.oom_control). */
static long long keyed_value(const char *dir, const char *file, const char *key)
{
    char buf[4096], *s;
    size_t n = strlen(key);

    if (read_str(dir, file, buf, sizeof(buf)) < 0)
        return -1;
    for (s = buf; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
        if (!strncmp(s, key, n) && s[n] == ' ')
            return atoll(s + n + 1);
    return -1;
}

/* The directory of the caller's cgroup in the v2 hierarchy (ctrl NULL)
 * or in the v1 hierarchy of ctrl. 0, or -ENOENT with a reason in why. */
static int caller_dir(const char *ctrl, char *out, size_t outlen, char *why, size_t whylen)
{
    char line[4096], rel[PATH_MAX] = "", mnt[PATH_MAX] = "", root[PATH_MAX] = "";
    bool found = false;
    FILE *f;

    f = fopen("/proc/self/cgroup", "re");
    if (!f) {
        say(why, whylen, "/proc/self/cgroup: %s", strerror(errno));
        return -ENOENT;
    }
    while (fgets(line, sizeof(line), f)) {
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        if (ctrl ? list_has(c1 + 1, ctrl) : (c1 == line + 1 && line[0] == '0' && !c1[1])) {
            snprintf(rel, sizeof(rel), "%s", c2 + 1);
            rel[strcspn(rel, "\n")] = '\0';
            found = true;
            break;
        }
    }
    fclose(f);
    if (!found) {
        say(why, whylen, ctrl ? "the caller is in no v1 %s cgroup" : "the caller is in no v2 cgroup",
            ctrl);
        return -ENOENT;
    }
    found = false;
    f = fopen("/proc/self/mountinfo", "re");
    if (!f) {
        say(why, whylen, "/proc/self/mountinfo: %s", strerror(errno));
        return -ENOENT;
    }
    while (fgets(line, sizeof(line), f)) {
        char r[PATH_MAX], m[PATH_MAX], fstype[64], super[1024];
        char *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", r, m) != 2 ||
            sscanf(dash + 3, "%63s %*s %1023s", fstype, super) != 2)
            continue;
        if (ctrl ? strcmp(fstype, "cgroup") || !list_has(super, ctrl) : strcmp(fstype, "cgroup2"))
            continue;
        snprintf(mnt, sizeof(mnt), "%s", m);
        snprintf(root, sizeof(root), "%s", r);
        found = true;
        break;
    }
    fclose(f);
    if (!found) {
        say(why, whylen, ctrl ? "no cgroup v1 %s hierarchy is mounted" : "no cgroup2 is mounted",
            ctrl);
        return -ENOENT;
    }
    /* The caller's path is relative to the hierarchy's root; the mount
     * shows the part below root (all of it, in a cgroup namespace). */
    size_t rl = strlen(root);
    const char *below = rel;
    if (strcmp(root, "/")) {
        if (strncmp(rel, root, rl) || (rel[rl] && rel[rl] != '/')) {
            say(why, whylen, "the caller's cgroup %s is outside the mount of %s at %s", rel,
                ctrl ? ctrl : "cgroup2", mnt);
            return -ENOENT;
        }
        below = rel + rl;
    }
    snprintf(out, outlen, "%s%s", mnt, strcmp(below, "/") ? below : "");
    return 0;
}

static void unique_name(char *out, size_t len)
{
    uint32_t rnd = 0;

    if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
        rnd = (uint32_t)getpid() * 2654435761u ^ (uint32_t)(uintptr_t)&rnd;
    snprintf(out, len, "sbx-%d-%08x", (int)getpid(), rnd);
}

static bool wanted(const struct cgroup_limits *l, int c)
{
    switch (c) {
    case CG_MEMORY:
        return l->memory != 0;
    case CG_PIDS:
        return l->pids != 0;
    case CG_CPU:
        return l->cpu_quota_us != 0;
    }
    return false;
}

/* Write the limits for controller c into dir. */
static int set_limits(const struct cgroup *cg, int c, const char *dir,
                      const struct cgroup_limits *l, char *why, size_t whylen)
{
    char buf[64];
    const char *file = NULL;
    int r = 0;

    switch (c) {
    case CG_MEMORY:
        file = cg->v2 ? "memory.max" : "memory.limit_in_bytes";
        if ((r = write_u64(dir, file, l->memory)))
            break;
        /* No swap beyond the limit: the host's swap is not the sandbox's.
         * Absent where swap accounting is off. */
        if (cg->v2) {
            (void)write_str(dir, "memory.swap.max", "0");
            /* One OOM kill takes the whole sandbox, not a random part. */
            (void)write_str(dir, "memory.oom.group", "1");
        } else {
            (void)write_u64(dir, "memory.memsw.limit_in_bytes", l->memory);
        }
        break;
    case CG_PIDS:
        file = "pids.max";
        r = write_u64(dir, file, l->pids);
        break;
    case CG_CPU:
        if (cg->v2) {
            file = "cpu.max";
            snprintf(buf, sizeof(buf), "%llu %llu", (unsigned long long)l->cpu_quota_us,
                     (unsigned long long)l->cpu_period_us);
            r = write_str(dir, file, buf);
        } else {
            file = "cpu.cfs_period_us";
            if (!(r = write_u64(dir, file, l->cpu_period_us))) {
                file = "cpu.cfs_quota_us";
                r = write_u64(dir, file, l->cpu_quota_us);
            }
        }
        break;
    }
    if (r)
        say(why, whylen, "%s/%s: %s", dir, file, strerror(-r));
    return r;
}

static int add_dir(struct cgroup *cg, const char *dir)
{
    for (int i = 0; i < cg->ndirs; i++)
        if (!strcmp(cg->dirs[i], dir))
            return i;
    cg->dirs[cg->ndirs] = xstrdup(dir);
    return cg->ndirs++;
}

static int create_v2(struct cgroup *cg, const struct cgroup_limits *l, const char *parent,
                     char *why, size_t whylen)
{
    char avail[1024], sub[1024], dir[PATH_MAX + 64], name[64];
    ssize_t n;
    int r;

    if ((n = read_str(parent, "cgroup.controllers", avail, sizeof(avail))) < 0) {
        say(why, whylen, "%s/cgroup.controllers: %s", parent, strerror((int)-n));
        return (int)n;
    }
    if ((n = read_str(parent, "cgroup.subtree_control", sub, sizeof(sub))) < 0) {
        say(why, whylen, "%s/cgroup.subtree_control: %s", parent, strerror((int)-n));
        return (int)n;
    }
    for (int c = 0; c < CG_NCTRL; c++) {
        char plus[32];
        if (!wanted(l, c) || list_has(sub, ctrl_name[c]))
            continue;
        snprintf(plus, sizeof(plus), "+%s", ctrl_name[c]);
        if ((r = write_str(parent, "cgroup.subtree_control", plus))) {
            say(why, whylen, "cannot enable the %s controller in %s/cgroup.subtree_control: %s%s",
                ctrl_name[c], parent, strerror(-r),
                r == -EBUSY ? " (the caller's cgroup has processes of its own: run sbx in a "
                              "delegated cgroup, e.g. systemd-run --scope -p Delegate=yes)"
                            : "");
            return r;
        }
    }
    unique_name(name, sizeof(name));
    snprintf(dir, sizeof(dir), "%s/%s", parent, name);
    if (mkdir(dir, 0755)) {
        r = -errno;
        say(why, whylen, "cannot create cgroup %s: %s", dir, strerror(errno));
        return r;
    }
    add_dir(cg, dir);
    for (int c = 0; c < CG_NCTRL; c++) {
        cg->ctrl_dir[c] = wanted(l, c) ? 0 : -1;
        if (wanted(l, c) && (r = set_limits(cg, c, dir, l, why, whylen)))
            return r;
    }
    return 0;
}

static int create_v1(struct cgroup *cg, const struct cgroup_limits *l, char *why, size_t whylen)
{
    char parent[PATH_MAX], dir[PATH_MAX + 64], name[64];
    int r;

    unique_name(name, sizeof(name));
    for (int c = 0; c < CG_NCTRL; c++) {
        cg->ctrl_dir[c] = -1;
        if (!wanted(l, c))
            continue;
        if ((r = caller_dir(ctrl_name[c], parent, sizeof(parent), why, whylen)))
            return r;
        snprintf(dir, sizeof(dir), "%s/%s", parent, name);
        if (mkdir(dir, 0755) && errno != EEXIST) {
            r = -errno;
            say(why, whylen, "cannot create cgroup %s: %s", dir, strerror(errno));
            return r;
        }
        cg->ctrl_dir[c] = add_dir(cg, dir);
        if ((r = set_limits(cg, c, dir, l, why, whylen)))
            return r;
    }
    return 0;
}

int cgroup_create(struct cgroup *cg, const struct cgroup_limits *l, char *why, size_t whylen)
{
    char parent[PATH_MAX], v2why[512] = "", avail[1024] = "";
    bool v2_ok = false;
    int r;

    memset(cg, 0, sizeof(*cg));
    cg->watchdog_fd = -1;
    for (int c = 0; c < CG_NCTRL; c++)
        cg->ctrl_dir[c] = -1;
    /* v2 if it holds the caller and has every controller we need. */
    if (!caller_dir(NULL, parent, sizeof(parent), v2why, sizeof(v2why)) &&
        read_str(parent, "cgroup.controllers", avail, sizeof(avail)) >= 0) {
        v2_ok = true;
        for (int c = 0; c < CG_NCTRL; c++)
            if (wanted(l, c) && !list_has(avail, ctrl_name[c]))
                v2_ok = false;
    }
    cg->v2 = v2_ok;
    r = v2_ok ? create_v2(cg, l, parent, why, whylen) : create_v1(cg, l, why, whylen);
    if (r)
        cgroup_destroy(cg);
    return r;
}

int cgroup_enter_self(struct cgroup *cg)
{
    int r;

    if (cg->watchdog_fd >= 0) {
        close(cg->watchdog_fd);
        cg->watchdog_fd = -1;
    }
    for (int i = 0; i < cg->ndirs; i++)
        if ((r = write_str(cg->dirs[i], "cgroup.procs", "0")))
            return r;
    return 0;
}

bool cgroup_oom_killed(const struct cgroup *cg)
{
    int i = cg->ctrl_dir[CG_MEMORY];

    if (i < 0)
        return false;
    if (cg->v2)
        return keyed_value(cg->dirs[i], "memory.events", "oom_kill") > 0;
    /* v1: oom_kill in oom_control (4.13+); else any OOM under the limit. */
    long long n = keyed_value(cg->dirs[i], "memory.oom_control", "oom_kill");
    if (n >= 0)
        return n > 0;
    return keyed_value(cg->dirs[i], "memory.oom_control", "under_oom") > 0;
}

/* SIGKILL every process listed in dir; how many were listed. */
static int kill_listed(const char *dir)
{
    char buf[16384];
    int n = 0;

    if (read_str(dir, "cgroup.procs", buf, sizeof(buf)) <= 0)
        return 0;
    for (char *s = buf, *e; *s; s = e) {
        long pid = strtol(s, &e, 10);
        if (e == s)
            break;
        if (pid > 0) {
            kill((pid_t)pid, SIGKILL);
            n++;
        }
    }
    return n;
}

/* Kill everything in cg and remove its directories (up to ~5 s). */
static void kill_and_remove(struct cgroup *cg)
{
    if (cg->v2 && cg->ndirs)
        (void)write_str(cg->dirs[0], "cgroup.kill", "1");
    for (int round = 0; round < 2500; round++) {
        int left = 0;

        /* sbx is a subreaper: reap what we can (others are reaped by
         * their parents, which die with them). */
        while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
            ;
        for (int i = 0; i < cg->ndirs; i++) {
            if (!cg->dirs[i])
                continue;
            kill_listed(cg->dirs[i]);
            if (rmdir(cg->dirs[i]) == 0 || errno == ENOENT) {
                free(cg->dirs[i]);
                cg->dirs[i] = NULL;
            } else {
                left++;
            }
        }
        if (!left)
            return;
        usleep(2000);
    }
}

void cgroup_destroy(struct cgroup *cg)
{
    int status;

    kill_and_remove(cg);
    for (int i = 0; i < cg->ndirs; i++)
        free(cg->dirs[i]);
    cg->ndirs = 0;
    if (cg->watchdog > 0) {
        kill(cg->watchdog, SIGKILL);
        waitpid(cg->watchdog, &status, 0);
        cg->watchdog = 0;
    }
    if (cg->watchdog_fd >= 0) {
        close(cg->watchdog_fd);
        cg->watchdog_fd = -1;
    }
}

int cgroup_watchdog_start(struct cgroup *cg)
{
    int p[2];
    pid_t pid;
    char c;

    if (pipe2(p, O_CLOEXEC))
        return -errno;
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -errno;
    }
    if (pid == 0) {
        /* Outlive sbx, whatever kills it (a terminal's ^C reaches the
         * whole process group), then clean up after it. */
        static const int ign[] = { SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGPIPE, SIGTSTP };
        for (size_t i = 0; i < SB_ARRAY_SIZE(ign); i++)
            signal(ign[i], SIG_IGN);
        prctl(PR_SET_NAME, "sbx-watchdog");
        close(p[1]);
        while (read(p[0], &c, 1) < 0 && errno == EINTR)
            ;
        kill_and_remove(cg);
        _exit(0);
    }
    close(p[0]);
    cg->watchdog = pid;
    cg->watchdog_fd = p[1];
    return 0;
}

/* rmdir parent/sbx-PID-* whose PID is gone. */
static void remove_stale_in(const char *parent)
{
    DIR *d = opendir(parent);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d))) {
        char path[PATH_MAX + 128];
        char *end;
        long pid;

        if (strncmp(e->d_name, "sbx-", 4))
            continue;
        pid = strtol(e->d_name + 4, &end, 10);
        if (pid <= 0 || *end != '-' || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        snprintf(path, sizeof(path), "%s/%s", parent, e->d_name);
        (void)rmdir(path); /* fails, and stays, while anything is in it */
    }
    closedir(d);
}

void cgroup_remove_stale(void)
{
    char dir[PATH_MAX], why[256];

    if (!caller_dir(NULL, dir, sizeof(dir), why, sizeof(why)))
        remove_stale_in(dir);
    for (int c = 0; c < CG_NCTRL; c++)
        if (!caller_dir(ctrl_name[c], dir, sizeof(dir), why, sizeof(why)))
            remove_stale_in(dir);
}
