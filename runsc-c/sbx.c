/* runsc-c/sbx.c: `sbx run`: one command in one sandbox; `sbx info`.
 *
 * sbx starts the Gofer (serving the rootfs on a SOCK_SEQPACKET pair), one
 * more Gofer per --mount, and the Sentry (which boots the sandbox kernel and
 * runs the command), waits for the Sentry and exits with the application's
 * status.
 *
 * One Gofer process per served tree: each holds only its own root (and its
 * socket), so one mount's Gofer cannot be talked into another's files, and
 * a read-only mount's Gofer refuses writes whatever the Sentry asks.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "gofer/gofer.h"
#include "runsc-c/confine.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "runsc-c/limits.h"
#include "sentry/kernel/kernel.h"
#include "sentry/syscalls/syscalls.h"

#define STD_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "sbx: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'sbx help')\n");
    exit(2);
}

static void help(FILE *out)
{
    fprintf(out,
            "usage: sbx run [--rootfs DIR] [--rootfs-writable | --overlay=none]\n"
            "               [--mount SRC:DST[:ro|:rw]]... [--tmpfs DST[:size=N]]...\n"
            "               [--env K=V]... [--cwd DIR]\n"
            "               [--memory N] [--pids N] [--cpus N] [--timeout S] [--disk N]\n"
            "               [--trace] [--platform ptrace] [--stats] [-t|--tty] [-v] -- CMD [ARG...]\n"
            "       --rootfs-writable, --overlay=none: writes go to the rootfs on the host\n"
            "       --mount: host SRC (a directory or a file) at DST, which must exist\n"
            "         in the sandbox; rw unless :ro\n"
            "       --tmpfs: a private in-memory file system at DST (size: bytes, k, m, g)\n"
            "       default rootfs: the host's (or DIR) read-only under a private\n"
            "         writable tmpfs layer (--overlay=tmpfs): writes never reach the host\n"
            "       -t, --tty: run CMD on a pseudo-terminal of the sandbox (its stdio and\n"
            "         controlling terminal); a host terminal on stdin is put in raw mode\n"
            "         meanwhile; at the end of stdin CMD reads EOF (^D)\n"
            "       limits on the whole sandbox (sizes: bytes, k, m, g):\n"
            "       --memory N: memory of the app and the Sentry together; past it the\n"
            "         sandbox is OOM-killed (status 137)\n"
            "       --pids N: the app's processes and threads together (fork gets EAGAIN)\n"
            "       --cpus N: CPU time, in CPUs (0.5: half of one)\n"
            "       --timeout S: seconds (fractions allowed); then all of it is killed\n"
            "         and sbx exits 124\n"
            "       --disk N: bytes the private writable layer over the rootfs may hold\n"
            "         (then ENOSPC)\n"
            "       --memory, --pids and --cpus use a cgroup (v2 or v1) made below the\n"
            "         caller's; where that is not possible sbx says so and exits 2\n"
            "       sbx info      the Sentry's host syscall allow-list\n"
            "       sbx help\n");
}

struct env {
    char **v;
    int n;
};

static void env_set(struct env *e, const char *kv)
{
    size_t klen = strcspn(kv, "=");
    for (int i = 0; i < e->n; i++) {
        if (!strncmp(e->v[i], kv, klen) && e->v[i][klen] == '=') {
            free(e->v[i]);
            e->v[i] = xstrdup(kv);
            return;
        }
    }
    e->v = xrealloc(e->v, (e->n + 2) * sizeof(char *));
    e->v[e->n++] = xstrdup(kv);
    e->v[e->n] = NULL;
}

static void env_free(struct env *e)
{
    for (int i = 0; i < e->n; i++)
        free(e->v[i]);
    free(e->v);
}

static int cmd_info(void)
{
    const char *names[64], *why[64];
    int n = sentry_seccomp_list(names, why, 64);

    int full = 0, part = 0, none = 0;

    for (int i = 0; i < SYSCALL_MAX; i++) {
        if (!syscall_table[i].name)
            continue;
        if (syscall_table[i].support == SUP_FULL)
            full++;
        else if (syscall_table[i].support == SUP_PARTIAL)
            part++;
        else
            none++;
    }
    printf("platform: ptrace\n");
    printf("app syscalls: %d full, %d partial, %d unsupported (ENOSYS)\n", full, part, none);
    printf("sentry host syscalls allowed: %d\n", n);
    for (int i = 0; i < n; i++)
        printf("  %-16s %s\n", names[i], why[i]);
    printf("gofer host syscalls allowed: %d (gofer/seccomp.c)\n", gofer_seccomp_count());
    return 0;
}

/* -t: the host terminal in raw mode while the sandbox runs; its size
 * changes reported to the Sentry on a pipe. */
static struct termios host_tio;
static bool host_raw;
static int winch_pipe[2] = { -1, -1 };

static void host_tty_restore(void)
{
    if (host_raw)
        tcsetattr(0, TCSADRAIN, &host_tio);
}

static void on_winch(int sig)
{
    int e = errno;
    (void)!write(winch_pipe[1], "w", 1);
    errno = e;
}

static void on_fatal(int sig)
{
    host_tty_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void host_tty_setup(void)
{
    struct sigaction sa = { .sa_handler = on_winch, .sa_flags = SA_RESTART };
    struct termios raw;

    if (pipe2(winch_pipe, O_CLOEXEC | O_NONBLOCK) == 0) {
        /* The Sentry blocks reading it; only our end stays non-blocking. */
        fcntl(winch_pipe[0], F_SETFL, 0);
        sigaction(SIGWINCH, &sa, NULL);
    }
    if (!isatty(0) || tcgetattr(0, &host_tio))
        return;
    raw = host_tio;
    cfmakeraw(&raw);
    if (tcsetattr(0, TCSADRAIN, &raw) == 0) {
        host_raw = true;
        signal(SIGTERM, on_fatal);
        signal(SIGHUP, on_fatal);
        signal(SIGQUIT, on_fatal);
    }
}

/* What one Gofer serves: a directory (rootfd, name NULL) or a single file
 * (name in the directory rootfd), and the socket pair to the Sentry. */
struct served {
    int rootfd;
    char *name;
    int sv[2];
    unsigned flags; /* GOFER_SERVE_* */
    bool no_seccomp; /* --no-seccomp: debugging only */
    pid_t pid;
};

static _Noreturn void run_gofer(struct served *all, int n, int me)
{
    struct served *g = &all[me];
    int r;

    sb_log_prefix = "sbx-gofer";
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_NAME, "sbx-gofer");
    /* Keep only the socket and the root: nothing else of the caller's,
     * and nothing of the other Gofers. */
    for (int fd = 0; fd < 2; fd++)
        if (fd != g->sv[1] && fd != g->rootfd)
            close(fd);
    for (int i = 0; i < n; i++) {
        close(all[i].sv[0]);
        if (i != me) {
            close(all[i].sv[1]);
            close(all[i].rootfd);
        }
    }
    if (!g->no_seccomp) {
        struct confinement cf;
        confine_gofer(g->flags & GOFER_SERVE_WRITABLE, &cf);
        if (cf.why)
            sb_debug("gofer confinement incomplete: first missing step: %s", cf.why);
        if ((r = gofer_seccomp_install())) {
            sb_err("gofer seccomp: %s", strerror(-r));
            _exit(1);
        }
    }
    if (g->name)
        r = gofer_serve_file(g->sv[1], g->rootfd, g->name, g->flags);
    else
        r = gofer_serve(g->sv[1], g->rootfd, g->flags);
    _exit(r ? 1 : 0);
}

/* A byte count with an optional k/m/g suffix; a usage error (fmt naming
 * the value) if malformed. */
static uint64_t parse_size(const char *what, const char *v)
{
    char *end;
    unsigned long long n;

    unsigned shift = 0;

    errno = 0;
    n = strtoull(v, &end, 10);
    if (end == v || errno || strchr(v, '-'))
        usage_error(what, v);
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    }
    if (n > (~0ULL >> shift))
        usage_error(what, v);
    n <<= shift;
    if (*end || n == 0)
        usage_error(what, v);
    return n;
}

/* --tmpfs DST[:size=N] into m. */
static void parse_tmpfs(char *arg, struct kernel_tmpfs *m)
{
    char *opt = strchr(arg, ':');

    m->size = 0;
    if (opt) {
        *opt++ = '\0';
        if (strncmp(opt, "size=", 5))
            usage_error("--tmpfs: unknown option '%s' (known: size=N)", opt);
        m->size = parse_size("--tmpfs: bad size '%s'", opt + 5);
    }
    if (arg[0] != '/')
        usage_error("--tmpfs wants an absolute DST, got '%s'", arg);
    m->target = arg;
}

/* --mount SRC:DST[:ro|:rw] into m; a usage error (exit 2) if malformed. */
static void parse_mount(char *arg, struct kernel_mount *m)
{
    char *src = arg, *dst, *opt;

    dst = strchr(src, ':');
    if (!dst || dst == src)
        usage_error("--mount wants SRC:DST[:ro|:rw], got '%s'", arg);
    *dst++ = '\0';
    opt = strchr(dst, ':');
    if (opt)
        *opt++ = '\0';
    m->readonly = false;
    if (opt && !strcmp(opt, "ro"))
        m->readonly = true;
    else if (opt && strcmp(opt, "rw"))
        usage_error("--mount: unknown option '%s' (known: ro, rw)", opt);
    if (dst[0] != '/')
        usage_error("--mount wants an absolute DST, got '%s'", dst);
    m->source = src;
    m->target = dst;
}

/* Open what a Gofer will serve: a directory, or a regular file through its
 * directory. Returns 0 or -errno. */
static int open_served(const char *path, struct served *g)
{
    struct stat st;
    char *dir, *slash;

    g->name = NULL;
    if (stat(path, &st) < 0)
        return -errno;
    if (S_ISDIR(st.st_mode)) {
        g->rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        return g->rootfd < 0 ? -errno : 0;
    }
    if (!S_ISREG(st.st_mode))
        return -EINVAL;
    /* A file: served as its name in its directory (resolved first: the
     * Gofer follows no symlink, so the last component must be the file). */
    dir = realpath(path, NULL);
    if (!dir)
        return -errno;
    slash = strrchr(dir, '/');
    g->name = xstrdup(slash + 1);
    if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    g->rootfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    return g->rootfd < 0 ? -errno : 0;
}

/* Kill and reap every process left below sbx. As a child subreaper, sbx
 * inherits stubs whose Sentry is gone; none may outlive the sandbox. */
static void reap_leftovers(void)
{
    for (int round = 0; round < 50; round++) {
        char path[64], buf[4096];
        int fd, any = 0;
        ssize_t n;

        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
            return;
        buf[n] = 0;
        for (char *s = buf, *e; *s; s = e) {
            long pid = strtol(s, &e, 10);
            if (e == s)
                break;
            if (pid > 0) {
                kill((pid_t)pid, SIGKILL);
                any = 1;
            }
        }
        if (!any)
            return;
        usleep(2000);
    }
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "rootfs", required_argument, 0, 'r' }, { "env", required_argument, 0, 'e' },
        { "cwd", required_argument, 0, 'c' },    { "trace", no_argument, 0, 'X' },
        { "platform", required_argument, 0, 'p' }, { "no-seccomp", no_argument, 0, 'S' },
        { "debug-seccomp-log", no_argument, 0, 'L' },
        { "verbose", no_argument, 0, 'v' },      { "stats", no_argument, 0, 's' },
        { "rootfs-writable", no_argument, 0, 'w' }, { "overlay", required_argument, 0, 'o' },
        { "mount", required_argument, 0, 'm' },  { "tmpfs", required_argument, 0, 'T' },
        { "tty", no_argument, 0, 't' },          { "memory", required_argument, 0, 'M' },
        { "pids", required_argument, 0, 'P' },   { "cpus", required_argument, 0, 'C' },
        { "timeout", required_argument, 0, 'W' }, { "disk", required_argument, 0, 'D' },
        { 0, 0, 0, 0 },
    };
    struct kernel_cfg cfg = { 0 };
    struct sbx_limits lim = { 0 };
    struct env env = { 0 };
    const char *rootfs = "/", *term = getenv("TERM");
    struct kernel_mount *mounts = NULL;
    struct kernel_tmpfs *tmpfs = NULL;
    int ntmpfs = 0;
    struct served *gofers;
    int nmounts = 0, ngofers, c, status, r;
    char home[64];
    pid_t sentry;

    snprintf(home, sizeof(home), "HOME=%s", geteuid() == 0 ? "/root" : "/");
    env_set(&env, "PATH=" STD_PATH);
    env_set(&env, home);
    {
        char tb[256];
        snprintf(tb, sizeof(tb), "TERM=%s", term && *term ? term : "xterm");
        env_set(&env, tb);
    }
    optind = 1;
    opterr = 0;
    cfg.winch_fd = -1;
    while ((c = getopt_long(argc, argv, "+e:vt", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            rootfs = optarg;
            break;
        case 'e':
            if (!strchr(optarg, '=') || optarg[0] == '=')
                usage_error("--env wants K=V, got '%s'", optarg);
            env_set(&env, optarg);
            break;
        case 'c':
            if (optarg[0] != '/')
                usage_error("--cwd wants an absolute path, got '%s'", optarg);
            cfg.cwd = optarg;
            break;
        case 'X':
            cfg.trace = true;
            break;
        case 'p':
            if (strcmp(optarg, "ptrace"))
                usage_error("unknown platform '%s' (known: ptrace)", optarg);
            cfg.platform = optarg;
            break;
        case 'S':
            cfg.no_seccomp = true;
            break;
        case 's':
            cfg.stats = true;
            break;
        case 'L':
            cfg.seccomp_log = true;
            break;
        case 'v':
            sb_log_level = SB_LOG_DEBUG;
            break;
        case 'w':
            cfg.rootfs_writable = true;
            break;
        case 'o':
            if (!strcmp(optarg, "none"))
                cfg.rootfs_writable = true;
            else if (!strcmp(optarg, "tmpfs"))
                cfg.rootfs_writable = false;
            else
                usage_error("--overlay: unknown mode '%s' (known: tmpfs, none)", optarg);
            break;
        case 'T':
            tmpfs = xrealloc(tmpfs, (ntmpfs + 1) * sizeof(*tmpfs));
            parse_tmpfs(optarg, &tmpfs[ntmpfs++]);
            break;
        case 'm':
            mounts = xrealloc(mounts, (nmounts + 1) * sizeof(*mounts));
            parse_mount(optarg, &mounts[nmounts++]);
            break;
        case 't':
            cfg.tty = true;
            break;
        case 'M':
            lim.memory = parse_size("--memory: bad size '%s'", optarg);
            lim.memory_arg = optarg;
            break;
        case 'P':
            lim.pids = limits_parse_pids(optarg);
            cfg.pids_max = (int)lim.pids;
            break;
        case 'C':
            lim.cpu_millis = limits_parse_cpus(optarg);
            break;
        case 'W':
            lim.timeout_ms = limits_parse_timeout(optarg);
            lim.timeout_arg = optarg;
            break;
        case 'D':
            lim.disk = cfg.overlay_size = parse_size("--disk: bad size '%s'", optarg);
            break;
        default:
            usage_error("%s: unknown option for 'run'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        usage_error("%s", "run: no command given");
    if (lim.disk && cfg.rootfs_writable)
        usage_error("%s", "--disk bounds the overlay's writable layer: not with --overlay=none");
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    /* gofers[0] serves the rootfs, gofers[1 + i] the i-th --mount. */
    ngofers = 1 + nmounts;
    gofers = xzalloc(ngofers * sizeof(*gofers));
    for (int i = 0; i < ngofers; i++)
        gofers[i].rootfd = gofers[i].sv[0] = gofers[i].sv[1] = -1;
    gofers[0].rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (gofers[0].rootfd < 0) {
        fprintf(stderr, "sbx: rootfs '%s': %s\n", rootfs, strerror(errno));
        env_free(&env);
        return 2;
    }
    gofers[0].flags = cfg.rootfs_writable ? GOFER_SERVE_WRITABLE : 0;
    for (int i = 0; i < nmounts; i++) {
        struct served *g = &gofers[1 + i];

        if ((r = open_served(mounts[i].source, g))) {
            fprintf(stderr, "sbx: --mount %s: %s\n", mounts[i].source,
                    r == -EINVAL ? "not a directory or regular file" : strerror(-r));
            env_free(&env);
            return 2;
        }
        g->flags = mounts[i].readonly ? 0 : GOFER_SERVE_WRITABLE;
    }
    for (int i = 0; i < ngofers; i++) {
        gofers[i].no_seccomp = cfg.no_seccomp;
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, gofers[i].sv)) {
            fprintf(stderr, "sbx: socketpair: %s\n", strerror(errno));
            env_free(&env);
            return 125;
        }
    }
    if ((r = limits_setup(&lim, ngofers))) {
        env_free(&env);
        return r;
    }
    fflush(NULL);
    for (int i = 0; i < ngofers; i++) {
        gofers[i].pid = fork();
        if (gofers[i].pid < 0) {
            fprintf(stderr, "sbx: fork: %s\n", strerror(errno));
            for (int j = 0; j < i; j++)
                kill(gofers[j].pid, SIGKILL);
            (void)limits_finish(&lim, 0);
            env_free(&env);
            return 125;
        }
        if (gofers[i].pid == 0) {
            limits_child_enter(&lim);
            run_gofer(gofers, ngofers, i);
        }
    }
    for (int i = 0; i < ngofers; i++) {
        close(gofers[i].sv[1]);
        close(gofers[i].rootfd);
    }
    for (int i = 0; i < nmounts; i++)
        mounts[i].gofer_sock = gofers[1 + i].sv[0];

    if (cfg.tty)
        host_tty_setup();
    sentry = fork();
    if (sentry < 0) {
        fprintf(stderr, "sbx: fork: %s\n", strerror(errno));
        for (int i = 0; i < ngofers; i++)
            kill(gofers[i].pid, SIGKILL);
        (void)limits_finish(&lim, 0);
        env_free(&env);
        return 125;
    }
    if (sentry == 0) {
        limits_child_enter(&lim);
        sb_log_prefix = "sbx";
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        prctl(PR_SET_NAME, "sbx-sentry");
        cfg.rootfs_source = rootfs;
        cfg.argv = (const char *const *)argv + optind;
        cfg.envp = (const char *const *)env.v;
        cfg.gofer_sock = gofers[0].sv[0];
        cfg.mounts = mounts;
        cfg.nmounts = nmounts;
        cfg.tmpfs = tmpfs;
        cfg.ntmpfs = ntmpfs;
        cfg.winch_fd = winch_pipe[0];
        for (int i = 0; i < 3; i++) {
            /* The app's fds 0-2 are the caller's; keep our own copies. */
            char lp[32];
            ssize_t ln;
            snprintf(lp, sizeof(lp), "/proc/self/fd/%d", i);
            ln = readlink(lp, cfg.stdio_name[i], sizeof(cfg.stdio_name[i]) - 1);
            cfg.stdio_name[i][ln > 0 ? ln : 0] = '\0';
            cfg.stdio[i] = fcntl(i, F_DUPFD_CLOEXEC, 10);
            if (cfg.stdio[i] >= 0) {
                fstat(cfg.stdio[i], &cfg.stdio_st[i]);
                cfg.stdio_flags[i] = fcntl(cfg.stdio[i], F_GETFL) | O_LARGEFILE;
            }
        }
        /* What the Sentry would otherwise read from the host later. */
        cfg.uid = geteuid();
        cfg.gid = getegid();
        cfg.ids_set = true;
        cfg.ncpus = get_nprocs_conf();
        if (!cfg.no_seccomp) {
            int keep[8 + 64], nkeep = 0;
            struct confinement cf;
            keep[nkeep++] = 2; /* the Sentry's own error lines */
            for (int i = 0; i < 3; i++)
                keep[nkeep++] = cfg.stdio[i];
            keep[nkeep++] = cfg.gofer_sock;
            keep[nkeep++] = cfg.winch_fd;
            for (int i = 0; i < nmounts && nkeep < (int)(sizeof(keep) / sizeof(keep[0])); i++)
                keep[nkeep++] = mounts[i].gofer_sock;
            confine_sentry(keep, nkeep, &cf);
            if (cf.why)
                sb_debug("confinement incomplete: first missing step: %s", cf.why);
        }
        _exit(kernel_run(&cfg));
    }
    for (int i = 0; i < ngofers; i++)
        close(gofers[i].sv[0]);
    env_free(&env);
    limits_wait(&lim, sentry, &status);
    host_tty_restore();
    for (int i = 0; i < ngofers; i++) {
        kill(gofers[i].pid, SIGKILL);
        waitpid(gofers[i].pid, NULL, 0);
        free(gofers[i].name);
    }
    free(gofers);
    free(mounts);
    free(tmpfs);
    r = limits_finish(&lim, status);
    reap_leftovers();
    if (r >= 0)
        return r;
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        fprintf(stderr, "sbx: the Sentry was killed by signal %d (%s)%s\n", sig,
                strsignal(sig),
                sig == SIGSYS ? ": it made a host syscall outside its seccomp allow-list" : "");
        return 128 + sig;
    }
    return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage_error("%s", "no subcommand");
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(argv[1], "info"))
        return cmd_info();
    if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        help(stdout);
        return 0;
    }
    usage_error("unknown subcommand '%s'", argv[1]);
}
