/* sentry/kernel/boot.c: bring up the sandbox: MemoryFile, platform, mounts,
 * stdio, the first task; lock down; run. */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "sentry/fs/fs.h"
#include "sentry/socket/netif.h"
#include "sentry/socket/socket.h"

#define MEMFILE_SIZE (64ULL << 30)

static void mount_at(struct fs_ctx *fs, const char *where, struct dentry *root,
                     const char *fstype)
{
    int flags = !strcmp(fstype, "sysfs") ? MS_RDONLY : 0;
    struct vpath p;

    if (vfs_walk(fs, NULL, where, WALK_FOLLOW, &p)) {
        sb_debug("no %s in the rootfs: %s not mounted", where, fstype);
        dentry_put(root);
        return;
    }
    if (vfs_mount_at(&p, root, fstype, fstype, flags))
        dentry_put(root);
    vpath_put(&p);
}

/* --mount: each on its own Gofer, over a file or directory that exists in
 * the sandbox by then. Returns 0, or an exit status after saying why. */
/* Make a missing mountpoint (and its parents) in the overlay's private
 * upper layer, as container runtimes do; never on a writable host rootfs. */
static int ensure_mountpoint(struct fs_ctx *fs, const char *path, bool dir)
{
    char buf[VFS_PATH_MAX], last[VFS_NAME_MAX + 1];
    struct vpath p, parent;
    int r;

    if (vfs_walk(fs, NULL, path, WALK_FOLLOW, &p) == 0) {
        vpath_put(&p);
        return 0;
    }
    if (strcmp(fs->root.mnt->fstype, "overlay"))
        return -ENOENT;
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *s = buf + 1;; s++) {
        bool end = !*s;
        if (*s != '/' && !end)
            continue;
        *s = '\0';
        if (vfs_walk(fs, NULL, buf, WALK_FOLLOW, &p) == 0) {
            vpath_put(&p);
        } else {
            bool leaf_file = end && !dir;
            if ((r = vfs_walk_parent(fs, NULL, buf, &parent, last)))
                return r;
            if (leaf_file) {
                struct inode *ino;
                r = parent.d->inode->iops->create(parent.d->inode, last, S_IFREG | 0644, &ino);
                if (!r)
                    inode_put(ino);
            } else {
                r = parent.d->inode->iops->mkdir(parent.d->inode, last, 0755);
            }
            vpath_put(&parent);
            if (r && r != -EEXIST)
                return r;
        }
        if (end)
            return 0;
        *s = '/';
    }
}

static int mount_extra(struct fs_ctx *fs, const struct kernel_mount *m)
{
    struct gofer_client *c = xzalloc(sizeof(*c)); /* lives as long as the mount */
    struct dentry *root;
    struct vpath p;
    int r;

    gofer_client_init(c, m->gofer_sock);
    if ((r = goferfs_mount(c, m->source, &root))) {
        sb_err("--mount %s: %s", m->source, strerror(-r));
        return 125;
    }
    if ((r = ensure_mountpoint(fs, m->target, S_ISDIR(root->inode->mode))) ||
        (r = vfs_walk(fs, NULL, m->target, WALK_FOLLOW, &p))) {
        sb_err("--mount %s: %s", m->target, strerror(-r));
        dentry_put(root);
        return 2;
    }
    if (S_ISDIR(p.d->inode->mode) != S_ISDIR(root->inode->mode))
        r = -ENOTDIR; /* as mount --bind of a file on a directory says */
    else
        r = vfs_mount_at(&p, root, "9p", m->source, m->readonly ? MS_RDONLY : 0);
    vpath_put(&p);
    if (r) {
        sb_err("--mount %s: %s", m->target, strerror(-r));
        dentry_put(root);
        return 2;
    }
    return 0;
}

static int mount_tmpfs(struct fs_ctx *fs, const struct kernel_tmpfs *m)
{
    struct dentry *root = tmpfs_new("tmpfs", 01777);
    struct vpath p;
    int r;

    if (m->size)
        tmpfs_set_limit(root, m->size);
    if ((r = ensure_mountpoint(fs, m->target, true)) ||
        (r = vfs_walk(fs, NULL, m->target, WALK_FOLLOW | WALK_DIRECTORY, &p))) {
        sb_err("--tmpfs %s: %s", m->target, strerror(-r));
        dentry_put(root);
        return 2;
    }
    r = vfs_mount_at(&p, root, "tmpfs", "tmpfs", 0);
    vpath_put(&p);
    if (r) {
        sb_err("--tmpfs %s: %s", m->target, strerror(-r));
        dentry_put(root);
        return 2;
    }
    return 0;
}

static const char *env_get(const char *const *envp, const char *name)
{
    size_t n = strlen(name);
    for (; *envp; envp++)
        if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
            return *envp + n + 1;
    return NULL;
}

static void *warm_up(void *arg)
{
    return arg;
}

static int exit_code_of(int ws)
{
    if (WIFSIGNALED(ws))
        return 128 + WTERMSIG(ws);
    return WEXITSTATUS(ws);
}

int kernel_run(const struct kernel_cfg *cfg)
{
    struct kernel *k = xzalloc(sizeof(*k));
    struct platform_cfg pcfg = { .memfd = -1, .cpu = -1 };
    struct task *t;
    struct process *p;
    struct dentry *root;
    struct vpath rootp;
    char path[VFS_PATH_MAX];
    int r;

    sb_kernel = k;
    /* A closed stdout must give the app EPIPE, not kill the Sentry. */
    signal(SIGPIPE, SIG_IGN);
    k->trace = cfg->trace;
    k->pids_max = cfg->pids_max;
    clock_gettime(CLOCK_MONOTONIC, &k->boot_mono);
    k->ncpus = cfg->ncpus > 0 ? cfg->ncpus : get_nprocs_conf();
    if ((r = memfile_init(&k->mf, MEMFILE_SIZE))) {
        sb_err("MemoryFile: %s", strerror(-r));
        return 125;
    }
    k->pops = platform_lookup(cfg->platform ? cfg->platform : "ptrace");
    if (!k->pops) {
        sb_err("unknown platform '%s'", cfg->platform);
        return 125;
    }
    pcfg.memfd = k->mf.fd;
    if ((r = k->pops->init(&pcfg, &k->plat))) {
        sb_err("platform %s: %s", k->pops->name, strerror(-r));
        return 125;
    }
    gofer_client_init(&k->gofer, cfg->gofer_sock);
    if ((r = goferfs_mount(&k->gofer, cfg->rootfs_source, &root))) {
        sb_err("attach rootfs: %s", strerror(-r));
        return 125;
    }
    if (cfg->rootfs_writable) {
        /* --rootfs-writable / --overlay=none: writes go through the Gofer. */
        k->root_mnt = vfs_mount_root(root, "9p", cfg->rootfs_source);
    } else {
        /* The rootfs is the read-only lower layer; writes land in a tmpfs
         * of the Sentry's and never reach the host. */
        struct dentry *upper = tmpfs_new("tmpfs", 0755);
        if (cfg->overlay_size)
            tmpfs_set_limit(upper, cfg->overlay_size);
        root = overlay_new(root, upper);
        k->root_mnt = vfs_mount_root(root, "overlay", "overlay");
    }
    rootp.mnt = k->root_mnt;
    rootp.d = root;

    pthread_mutex_init(&k->lock, NULL);
    pthread_cond_init(&k->init_gone_cv, NULL);
    t = task_alloc(k);
    p = xzalloc(sizeof(*p));
    t->proc = p;
    t->tid = p->tgid = p->pgid = p->sid = 1;
    k->tasks[1] = t;
    k->last_pid = 1;
    k->nprocs = 1;
    k->init = p;
    p->threads = t;
    p->nthreads = 1;
    p->state = PROC_LIVE;
    p->exit_signal = SIGCHLD;
    p->sighand = sighand_new(NULL);
    p->uts = xzalloc(sizeof(*p->uts));
    p->uts->ref = 1;
    strcpy(p->uts->hostname, "sandbox");
    strcpy(p->uts->domainname, "(none)");
    p->dumpable = 1;
    waitq_init(&p->child_wq);
    waitq_init(&p->stop_wq);
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    cred_init(&t->cred, cfg->ids_set ? cfg->uid : geteuid(), cfg->ids_set ? cfg->gid : getegid());
    for (int i = 0; i < RLIM_NLIMITS && i < 16; i++) {
        struct rlimit rl;
        getrlimit(i, &rl);
        p->rlim[i].cur = rl.rlim_cur;
        p->rlim[i].max = rl.rlim_max;
    }
    task_set_vfs_cred(t);
    t->fs = fs_ctx_new(&rootp);
    t->fdt = fdt_new();
    t->fdt->lock_owner = p;
    if (p->rlim[RLIMIT_NOFILE].cur < 1048576)
        t->fdt->max = (int)p->rlim[RLIMIT_NOFILE].cur;
    tmpfs_memfile = &k->mf;
    mount_at(t->fs, "/dev", devfs_new(), "devtmpfs");
    mount_at(t->fs, "/dev/pts", devpts_new(), "devpts");
    mount_at(t->fs, "/tmp", tmpfs_new("tmpfs", 01777), "tmpfs");
    mount_at(t->fs, "/proc", procfs_new(), "proc");
    mount_at(t->fs, "/sys", sysfs_new(k->ncpus), "sysfs");
    sock_family_register(AF_NETLINK, netlink_create);
    for (int i = 0; i < cfg->nmounts; i++)
        if ((r = mount_extra(t->fs, &cfg->mounts[i])))
            return r;
    for (int i = 0; i < cfg->ntmpfs; i++)
        if ((r = mount_tmpfs(t->fs, &cfg->tmpfs[i])))
            return r;
    for (int i = 0; i < 3 && !cfg->tty; i++) {
        if (cfg->stdio[i] >= 0) {
            struct file *f = hostfd_file(cfg->stdio[i], cfg->stdio_flags[i], &cfg->stdio_st[i]);
            hostfd_set_name(f, cfg->stdio_name[i]);
            (void)fdt_install_at(t->fdt, f, i, false);
            file_put(f);
        }
    }
    if (cfg->cwd) {
        struct vpath cwd;
        if ((r = vfs_walk(t->fs, NULL, cfg->cwd, WALK_FOLLOW | WALK_DIRECTORY, &cwd))) {
            sb_err("--cwd %s: %s", cfg->cwd, strerror(-r));
            return 125;
        }
        vpath_put(&t->fs->cwd);
        t->fs->cwd = cwd;
    }
    if ((r = k->pops->ctx_new(k->plat, &t->ctx))) {
        sb_err("context: %s", strerror(-r));
        return 125;
    }
    r = kernel_path_lookup(k, t->fs, cfg->argv[0], env_get(cfg->envp, "PATH"), path,
                           sizeof(path));
    if (r == 0)
        r = kernel_execve(t, path, cfg->argv, cfg->envp);
    if (r) {
        sb_err("%s: %s", cfg->argv[0], r == -ENOENT && !strchr(cfg->argv[0], '/')
                                          ? "command not found"
                                          : strerror(-r));
        return r == -ENOENT ? 127 : 126;
    }
    /* One malloc arena: glibc's per-thread arenas read
     * /sys/devices/system/cpu when created and /proc/sys/vm/overcommit_memory
     * when they shrink, and the lock-down forbids opening anything. */
    mallopt(M_ARENA_MAX, 1);
    /* -t: init (already a session leader) gets a pty as stdio and
     * controlling terminal; Sentry threads pump it to the caller's. */
    if (cfg->tty && (r = devpts_console_start(t, cfg->stdio[0], cfg->stdio[1], cfg->winch_fd))) {
        sb_err("-t: console: %s", strerror(-r));
        return 125;
    }
    if ((r = timer_init(k))) {
        sb_err("timers: %s", strerror(-r));
        return 125;
    }
    if ((r = inet_init())) {
        sb_err("netstack: %s", strerror(-r));
        return 125;
    }
    if ((r = aio_init())) {
        sb_err("aio: %s", strerror(-r));
        return 125;
    }
    {
        /* glibc installs its thread signal handlers at the first
         * pthread_create: let that happen before the lock-down. */
        pthread_t th;
        if (pthread_create(&th, NULL, warm_up, NULL) == 0)
            pthread_join(th, NULL);
    }
    if (!cfg->no_seccomp && (r = sentry_seccomp_install(cfg->seccomp_log))) {
        sb_err("seccomp: %s", strerror(-r));
        return 125;
    }
    {
        uint64_t nsys, faults, maps, unmaps;
        task_run(t);
        nsys = t->nsyscalls;
        faults = t->mm ? t->mm->stats.faults : 0;
        maps = t->mm ? t->mm->stats.maps : 0;
        unmaps = t->mm ? t->mm->stats.unmaps : 0;
        process_exit_thread(t);
        pthread_mutex_lock(&k->lock);
        while (!k->init_gone)
            pthread_cond_wait(&k->init_gone_cv, &k->lock);
        r = exit_code_of(k->init_status);
        pthread_mutex_unlock(&k->lock);
        devpts_console_drain();
        /* init is gone: every other process of the sandbox goes too. */
        k->pops->shutdown(k->plat);
        if (cfg->stats) {
            char line[256];
            int n = snprintf(line, sizeof(line),
                             "sbx: stats: init syscalls=%lu faults=%lu injected_mmap=%lu "
                             "injected_munmap=%lu memfile_kib=%lu\n",
                             (unsigned long)nsys, (unsigned long)faults, (unsigned long)maps,
                             (unsigned long)unmaps, (unsigned long)(k->mf.used >> 10));
            (void)!write(2, line, n);
        }
    }
    return r;
}
