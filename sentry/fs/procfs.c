/* sentry/fs/procfs.c: /proc: the sandbox's processes and its own view of
 * the machine. Contents are generated when a file is opened (a snapshot,
 * like seq_file); dentries are not cached, since processes come and go.
 */
#include "sentry/fs/fs.h"

#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/sysmacros.h>

#include "lib/xalloc.h"
#include "sentry/fs/pipe.h"
#include "sentry/kernel/ipc.h"
#include "sentry/kernel/kernel.h"
#include "sentry/kernel/mqueue.h"
#include "sentry/socket/netif.h"
#include "sentry/socket/socket.h"

enum pn {
    PN_ROOT = 1,
    PN_SELF,
    PN_THREAD_SELF,
    PN_PID,      /* /proc/PID */
    PN_TASKDIR,  /* /proc/PID/task */
    PN_TID,      /* /proc/PID/task/TID */
    PN_FDDIR,    /* /proc/PID/fd */
    PN_FD,       /* /proc/PID/fd/N */
    PN_FDINFODIR,
    PN_FDINFO,
    PN_EXE,
    PN_CWD,
    PN_ROOTLINK,
    PN_FILE,     /* generated content: gen */
    PN_DIR,      /* a static directory: dir */
    PN_MOUNTS_LINK,
};

enum gen {
    G_NONE, G_STAT, G_STATM, G_STATUS, G_CMDLINE, G_ENVIRON, G_COMM, G_MAPS, G_MOUNTS,
    G_MOUNTINFO, G_LIMITS, G_OOM_ADJ, G_CGROUP,
    G_CPUINFO, G_MEMINFO, G_KSTAT, G_UPTIME, G_LOADAVG, G_VERSION, G_FILESYSTEMS,
    G_HOSTNAME, G_OSRELEASE, G_OSTYPE, G_PIDMAX, G_BOOTID, G_UUID, G_OVERCOMMIT, G_MAXMAP,
    G_FILEMAX, G_NROPEN, G_PIPEMAX, G_NGROUPS, G_CAPLAST, G_DOMAIN, G_FILENR,
    G_POOLSIZE, G_THREADSMAX, G_OVERRATIO, G_MMAPMIN, G_INO_WATCHES, G_INO_INSTANCES,
    G_INO_EVENTS, G_ENTROPY, G_NET_UNIX,
    G_NET_TCP, G_NET_TCP6, G_NET_UDP, G_NET_UDP6, G_NET_DEV, G_NET_IF_INET6,
    G_AIO_NR, G_AIO_MAX_NR, G_MQ_QUEUES, G_MQ_MSG, G_MQ_MSGSIZE, G_MQ_MSG_DEF, G_MQ_MSGSIZE_DEF, G_SHMMAX, G_SHMALL, G_SHMMNI, G_SEM, G_MSGMNI, G_MSGMAX, G_MSGMNB,
    G_SYSVIPC_SHM, G_SYSVIPC_SEM, G_SYSVIPC_MSG, /* in IPC_KIND_* order */
    G_VMSTAT, G_SWAPS,
};

struct pentry {
    const char *name;
    int type; /* enum pn */
    int gen;
    const struct pentry *sub; /* PN_DIR children, NULL-name terminated */
};

struct pnode {
    int type, gen;
    int pid, tid, fd;
    const struct pentry *dir;
};

static const struct pentry random_dir[] = {
    { "boot_id", PN_FILE, G_BOOTID, NULL },
    { "uuid", PN_FILE, G_UUID, NULL },
    { "poolsize", PN_FILE, G_POOLSIZE, NULL },
    { "entropy_avail", PN_FILE, G_ENTROPY, NULL },
    { NULL, 0, 0, NULL },
};
static const struct pentry kernel_dir[] = {
    { "hostname", PN_FILE, G_HOSTNAME, NULL },
    { "domainname", PN_FILE, G_DOMAIN, NULL },
    { "osrelease", PN_FILE, G_OSRELEASE, NULL },
    { "ostype", PN_FILE, G_OSTYPE, NULL },
    { "pid_max", PN_FILE, G_PIDMAX, NULL },
    { "ngroups_max", PN_FILE, G_NGROUPS, NULL },
    { "cap_last_cap", PN_FILE, G_CAPLAST, NULL },
    { "threads-max", PN_FILE, G_THREADSMAX, NULL },
    { "shmmax", PN_FILE, G_SHMMAX, NULL },
    { "shmall", PN_FILE, G_SHMALL, NULL },
    { "shmmni", PN_FILE, G_SHMMNI, NULL },
    { "sem", PN_FILE, G_SEM, NULL },
    { "msgmni", PN_FILE, G_MSGMNI, NULL },
    { "msgmax", PN_FILE, G_MSGMAX, NULL },
    { "msgmnb", PN_FILE, G_MSGMNB, NULL },
    { "random", PN_DIR, 0, random_dir },
    { NULL, 0, 0, NULL },
};
static const struct pentry vm_dir[] = {
    { "overcommit_memory", PN_FILE, G_OVERCOMMIT, NULL },
    { "max_map_count", PN_FILE, G_MAXMAP, NULL },
    { "overcommit_ratio", PN_FILE, G_OVERRATIO, NULL },
    { "mmap_min_addr", PN_FILE, G_MMAPMIN, NULL },
    { NULL, 0, 0, NULL },
};
static const struct pentry inotify_dir[] = {
    { "max_user_watches", PN_FILE, G_INO_WATCHES, NULL },
    { "max_user_instances", PN_FILE, G_INO_INSTANCES, NULL },
    { "max_queued_events", PN_FILE, G_INO_EVENTS, NULL },
    { NULL, 0, 0, NULL },
};
static const struct pentry mqueue_dir[] = {
    { "msg_default", PN_FILE, G_MQ_MSG_DEF, NULL },
    { "msg_max", PN_FILE, G_MQ_MSG, NULL },
    { "msgsize_default", PN_FILE, G_MQ_MSGSIZE_DEF, NULL },
    { "msgsize_max", PN_FILE, G_MQ_MSGSIZE, NULL },
    { "queues_max", PN_FILE, G_MQ_QUEUES, NULL },
    { NULL, 0, 0, NULL },
};
static const struct pentry fs_dir[] = {
    { "file-max", PN_FILE, G_FILEMAX, NULL },
    { "file-nr", PN_FILE, G_FILENR, NULL },
    { "nr_open", PN_FILE, G_NROPEN, NULL },
    { "pipe-max-size", PN_FILE, G_PIPEMAX, NULL },
    { "aio-nr", PN_FILE, G_AIO_NR, NULL },
    { "aio-max-nr", PN_FILE, G_AIO_MAX_NR, NULL },
    { "inotify", PN_DIR, 0, inotify_dir },
    { "mqueue", PN_DIR, 0, mqueue_dir },
    { NULL, 0, 0, NULL },
};
static const struct pentry sys_dir[] = {
    { "kernel", PN_DIR, 0, kernel_dir },
    { "vm", PN_DIR, 0, vm_dir },
    { "fs", PN_DIR, 0, fs_dir },
    { NULL, 0, 0, NULL },
};
static const struct pentry net_dir[] = {
    { "unix", PN_FILE, G_NET_UNIX, NULL },
    { "tcp", PN_FILE, G_NET_TCP, NULL },
    { "tcp6", PN_FILE, G_NET_TCP6, NULL },
    { "udp", PN_FILE, G_NET_UDP, NULL },
    { "udp6", PN_FILE, G_NET_UDP6, NULL },
    { "dev", PN_FILE, G_NET_DEV, NULL },
    { "if_inet6", PN_FILE, G_NET_IF_INET6, NULL },
    { NULL, 0, 0, NULL },
};
static const struct pentry sysvipc_dir[] = {
    { "shm", PN_FILE, G_SYSVIPC_SHM, NULL },
    { "sem", PN_FILE, G_SYSVIPC_SEM, NULL },
    { "msg", PN_FILE, G_SYSVIPC_MSG, NULL },
    { NULL, 0, 0, NULL },
};
static const struct pentry root_dir[] = {
    { "self", PN_SELF, 0, NULL },
    { "thread-self", PN_THREAD_SELF, 0, NULL },
    { "cpuinfo", PN_FILE, G_CPUINFO, NULL },
    { "meminfo", PN_FILE, G_MEMINFO, NULL },
    { "stat", PN_FILE, G_KSTAT, NULL },
    { "uptime", PN_FILE, G_UPTIME, NULL },
    { "loadavg", PN_FILE, G_LOADAVG, NULL },
    { "version", PN_FILE, G_VERSION, NULL },
    { "filesystems", PN_FILE, G_FILESYSTEMS, NULL },
    { "vmstat", PN_FILE, G_VMSTAT, NULL },
    { "swaps", PN_FILE, G_SWAPS, NULL },
    { "mounts", PN_MOUNTS_LINK, 0, NULL },
    { "sys", PN_DIR, 0, sys_dir },
    { "net", PN_DIR, 0, net_dir },
    { "sysvipc", PN_DIR, 0, sysvipc_dir },
    { NULL, 0, 0, NULL },
};
static const struct pentry pid_dir[] = {
    { "stat", PN_FILE, G_STAT, NULL },
    { "statm", PN_FILE, G_STATM, NULL },
    { "status", PN_FILE, G_STATUS, NULL },
    { "cmdline", PN_FILE, G_CMDLINE, NULL },
    { "environ", PN_FILE, G_ENVIRON, NULL },
    { "comm", PN_FILE, G_COMM, NULL },
    { "maps", PN_FILE, G_MAPS, NULL },
    { "mounts", PN_FILE, G_MOUNTS, NULL },
    { "mountinfo", PN_FILE, G_MOUNTINFO, NULL },
    { "limits", PN_FILE, G_LIMITS, NULL },
    { "oom_score_adj", PN_FILE, G_OOM_ADJ, NULL },
    { "cgroup", PN_FILE, G_CGROUP, NULL },
    { "exe", PN_EXE, 0, NULL },
    { "cwd", PN_CWD, 0, NULL },
    { "root", PN_ROOTLINK, 0, NULL },
    { "fd", PN_FDDIR, 0, NULL },
    { "fdinfo", PN_FDINFODIR, 0, NULL },
    { "task", PN_TASKDIR, 0, NULL },
    { NULL, 0, 0, NULL },
};
static const struct pentry tid_dir[] = {
    { "stat", PN_FILE, G_STAT, NULL },
    { "status", PN_FILE, G_STATUS, NULL },
    { "comm", PN_FILE, G_COMM, NULL },
    { "cmdline", PN_FILE, G_CMDLINE, NULL },
    { NULL, 0, 0, NULL },
};

static const struct inode_ops proc_iops;
static const struct file_ops proc_dir_fops, proc_file_fops;
static struct super proc_sb = { .fstype = "proc", .dev = 0x0e, .nocache = true };
static uint8_t boot_id[16];

static mode_t mode_of(int type, int gen)
{
    switch (type) {
    case PN_ROOT:
    case PN_PID:
    case PN_TASKDIR:
    case PN_TID:
    case PN_DIR:
        return S_IFDIR | 0555;
    case PN_FDDIR:
    case PN_FDINFODIR:
        return S_IFDIR | 0500;
    case PN_SELF:
    case PN_THREAD_SELF:
    case PN_MOUNTS_LINK:
        return S_IFLNK | 0777;
    case PN_FD:
        return S_IFLNK | 0700;
    case PN_EXE:
    case PN_CWD:
    case PN_ROOTLINK:
        return S_IFLNK | 0777;
    case PN_FDINFO:
        return S_IFREG | 0400;
    default:
        return (gen == G_COMM || gen == G_OOM_ADJ) ? S_IFREG | 0644
               : gen == G_ENVIRON                  ? S_IFREG | 0400
                                                   : S_IFREG | 0444;
    }
}

static struct inode *pnode_new(int type, int gen, int pid, int tid, int fd,
                               const struct pentry *dir)
{
    struct pnode *n = xzalloc(sizeof(*n));
    mode_t m = mode_of(type, gen);
    struct inode *ino;
    uint64_t num = ((uint64_t)pid << 32) | ((uint64_t)(tid & 0xffff) << 16) |
                   (uint64_t)((type * 64 + gen + fd * 4096) & 0xffff);

    n->type = type;
    n->gen = gen;
    n->pid = pid;
    n->tid = tid;
    n->fd = fd;
    n->dir = dir;
    ino = inode_new(&proc_sb, &proc_iops, S_ISDIR(m) ? &proc_dir_fops : &proc_file_fops, m,
                    num ? num : 1);
    ino->priv = n;
    return ino;
}

/* ---- looking up processes (k->lock held) ---- */

static struct task *proc_task(int pid)
{
    struct kernel *k = sb_kernel;
    struct task *t = pid_task(k, pid);
    return t;
}

static struct process *proc_process(int pid)
{
    struct process *p = pid_process(sb_kernel, pid);
    return (p && p->state != PROC_DEAD) ? p : NULL;
}

/* A live task of process p to read mm/fd state from (k->lock held). */
static struct task *any_thread(struct process *p)
{
    return p->threads;
}

static int name_num(const char *name)
{
    long v = 0;
    if (!*name || (name[0] == '0' && name[1]))
        return -1;
    for (const char *c = name; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        v = v * 10 + (*c - '0');
        if (v > 1 << 30)
            return -1;
    }
    return (int)v;
}

/* ---- inode ops ---- */

static int p_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct pnode *d = dir->priv;
    const struct pentry *tab = NULL;
    int n, r = -ENOENT;

    switch (d->type) {
    case PN_ROOT:
        tab = root_dir;
        n = name_num(name);
        if (n > 0) {
            pthread_mutex_lock(&sb_kernel->lock);
            if (proc_process(n))
                r = 0;
            pthread_mutex_unlock(&sb_kernel->lock);
            if (!r)
                *out = pnode_new(PN_PID, 0, n, n, 0, NULL);
            return r;
        }
        break;
    case PN_DIR:
        tab = d->dir;
        break;
    case PN_PID:
        tab = pid_dir;
        break;
    case PN_TID:
        tab = tid_dir;
        break;
    case PN_TASKDIR:
        n = name_num(name);
        pthread_mutex_lock(&sb_kernel->lock);
        {
            struct task *t = n > 0 ? proc_task(n) : NULL;
            if (t && t->proc && t->proc->tgid == d->pid && !t->exiting)
                r = 0;
        }
        pthread_mutex_unlock(&sb_kernel->lock);
        if (!r)
            *out = pnode_new(PN_TID, 0, d->pid, n, 0, NULL);
        return r;
    case PN_FDDIR:
    case PN_FDINFODIR:
        n = name_num(name);
        if (n < 0)
            return -ENOENT;
        pthread_mutex_lock(&sb_kernel->lock);
        {
            struct process *p = proc_process(d->pid);
            struct task *t = p ? any_thread(p) : NULL;
            struct file *f = t && t->fdt ? fdt_get(t->fdt, n) : NULL;
            if (f) {
                file_put(f);
                r = 0;
            }
        }
        pthread_mutex_unlock(&sb_kernel->lock);
        if (!r)
            *out = pnode_new(d->type == PN_FDDIR ? PN_FD : PN_FDINFO, 0, d->pid, d->pid, n,
                             NULL);
        return r;
    default:
        return -ENOTDIR;
    }
    for (; tab && tab->name; tab++) {
        if (!strcmp(tab->name, name)) {
            *out = pnode_new(tab->type, tab->gen, d->pid, d->tid ? d->tid : d->pid, 0,
                             tab->sub);
            return 0;
        }
    }
    return -ENOENT;
}

static int p_getattr(struct inode *ino, struct stat *st)
{
    struct pnode *n = ino->priv;

    st->st_dev = proc_sb.dev;
    st->st_ino = ino->ino;
    st->st_mode = ino->mode;
    st->st_nlink = S_ISDIR(ino->mode) ? 2 : 1;
    st->st_blksize = 1024;
    if (n->pid) {
        pthread_mutex_lock(&sb_kernel->lock);
        struct process *p = proc_process(n->pid);
        struct task *t = p ? any_thread(p) : NULL;
        if (t) {
            st->st_uid = t->cred.euid;
            st->st_gid = t->cred.egid;
        }
        pthread_mutex_unlock(&sb_kernel->lock);
    }
    clock_gettime(CLOCK_REALTIME, &st->st_mtim);
    st->st_atim = st->st_ctim = st->st_mtim;
    return 0;
}

/* The file behind fd of pid, or the exe/cwd (k->lock taken inside). */
static int link_target(struct pnode *n, struct vpath *out, struct file **fout)
{
    struct process *p;
    struct task *t;
    int r = -ENOENT;

    pthread_mutex_lock(&sb_kernel->lock);
    p = proc_process(n->pid);
    t = p ? any_thread(p) : NULL;
    if (!t)
        goto out;
    switch (n->type) {
    case PN_FD: {
        struct file *f = t->fdt ? fdt_get(t->fdt, n->fd) : NULL;
        if (!f)
            goto out;
        if (f->path.d) {
            *out = vpath_copy(&f->path);
            r = 0;
        } else {
            r = -ENXIO;
        }
        if (fout)
            *fout = f;
        else
            file_put(f);
        break;
    }
    case PN_EXE:
        if (t->mm && t->mm->exe && t->mm->exe->path.d) {
            *out = vpath_copy(&t->mm->exe->path);
            r = 0;
        }
        break;
    case PN_CWD:
        if (t->fs) {
            *out = vpath_copy(&t->fs->cwd);
            r = 0;
        }
        break;
    case PN_ROOTLINK:
        if (t->fs) {
            *out = vpath_copy(&t->fs->root);
            r = 0;
        }
        break;
    }
out:
    pthread_mutex_unlock(&sb_kernel->lock);
    return r;
}

static int p_readlink(struct inode *ino, char *buf, size_t cap)
{
    struct pnode *n = ino->priv;
    struct task *me = current_task;
    char tmp[VFS_PATH_MAX + 32];
    struct vpath vp;
    struct file *f = NULL;
    int len, r;

    switch (n->type) {
    case PN_SELF:
        if (!me)
            return -ENOENT;
        len = snprintf(tmp, sizeof(tmp), "%d", me->proc->tgid);
        break;
    case PN_THREAD_SELF:
        if (!me)
            return -ENOENT;
        len = snprintf(tmp, sizeof(tmp), "%d/task/%d", me->proc->tgid, me->tid);
        break;
    case PN_MOUNTS_LINK:
        len = snprintf(tmp, sizeof(tmp), "self/mounts");
        break;
    case PN_FD:
    case PN_EXE:
    case PN_CWD:
    case PN_ROOTLINK:
        r = link_target(n, &vp, n->type == PN_FD ? &f : NULL);
        if (r == 0) {
            len = vfs_path_name(me ? me->fs : NULL, &vp, tmp, sizeof(tmp));
            vpath_put(&vp);
            if (f)
                file_put(f);
            if (len < 0)
                return len;
            break;
        }
        if (r == -ENXIO && f) {
            /* Anonymous objects: pipe:[ino] and friends. */
            len = snprintf(tmp, sizeof(tmp), "%s:[%lu]",
                           S_ISFIFO(f->inode->mode) ? "pipe" : "anon_inode",
                           (unsigned long)f->inode->ino);
            if (hostfd_name(f->inode))
                len = snprintf(tmp, sizeof(tmp), "%s", hostfd_name(f->inode));
            else if (S_ISSOCK(f->inode->mode))
                len = snprintf(tmp, sizeof(tmp), "socket:[%lu]", (unsigned long)f->inode->ino);
            else if (!S_ISFIFO(f->inode->mode))
                len = snprintf(tmp, sizeof(tmp), "anon_inode:[%s]",
                               f->inode->sb ? f->inode->sb->fstype : "?");
            file_put(f);
            break;
        }
        if (f)
            file_put(f);
        return r;
    default:
        return -EINVAL;
    }
    if (len < 0)
        return -ENAMETOOLONG;
    len = (int)SB_MIN((size_t)len, cap);
    memcpy(buf, tmp, len);
    return len;
}

static int p_follow(struct inode *ino, struct vpath *out)
{
    struct pnode *n = ino->priv;
    struct file *f = NULL;
    int r;

    if (n->type != PN_FD && n->type != PN_EXE && n->type != PN_CWD && n->type != PN_ROOTLINK)
        return -EINVAL;
    r = link_target(n, out, n->type == PN_FD ? &f : NULL);
    if (r == -ENXIO && f && f->inode && !f->path.d && f->inode->iops && f->inode->iops->open &&
        (S_ISFIFO(f->inode->mode) || !strcmp(f->inode->sb->fstype, "host"))) {
        /* A pipe or a host fd: a path-less dentry for its inode lets it
         * be reopened (the inode's open makes a new end of it). */
        out->mnt = vfs_anon_mount();
        out->d = dentry_new_uncached(S_ISFIFO(f->inode->mode) ? "pipe" : "host", NULL,
                                     inode_get(f->inode));
        r = 0;
    }
    if (f)
        file_put(f);
    return r;
}

static void p_release(struct inode *ino)
{
    free(ino->priv);
}

static int p_open(struct inode *ino, struct file *f);

static const struct inode_ops proc_iops = {
    .lookup = p_lookup,
    .getattr = p_getattr,
    .readlink = p_readlink,
    .follow_link = p_follow,
    .open = p_open,
    .release = p_release,
};

/* ---- directories ---- */

static bool emit_at(struct dir_emit *de, uint64_t *idx, uint64_t pos, const char *name,
                    uint64_t ino, unsigned type)
{
    bool ok = true;
    if (*idx >= pos)
        ok = de->emit(de, name, strlen(name), ino, type, *idx + 1);
    if (ok)
        (*idx)++;
    return ok;
}

/* Put id into the ascending array ids[0..n) that keeps the cap smallest
 * ids seen; the new count. */
static int insert_id(int *ids, int n, int cap, int id)
{
    int i;

    if (n == cap && id > ids[n - 1])
        return n;
    if (n < cap)
        n++;
    for (i = n - 1; i > 0 && ids[i - 1] > id; i--)
        ids[i] = ids[i - 1];
    ids[i] = id;
    return n;
}

/* The numbers listed in n (pids, tids or fds), ascending, from `from` on:
 * up to cap of them into ids; the count. */
static int numbered_ids(struct pnode *n, int from, int *ids, int cap)
{
    int nid = 0;

    pthread_mutex_lock(&sb_kernel->lock);
    if (n->type == PN_ROOT) {
        struct process *p;
        for_each_process(sb_kernel, i, p)
            if (p->state != PROC_DEAD && i >= from)
                nid = insert_id(ids, nid, cap, i);
    } else if (n->type == PN_TASKDIR) {
        struct process *p = proc_process(n->pid);
        for (struct task *t = p ? p->threads : NULL; t; t = t->tg_next)
            if (t->tid >= from)
                nid = insert_id(ids, nid, cap, t->tid);
    } else {
        struct process *p = proc_process(n->pid);
        struct task *t = p ? any_thread(p) : NULL;
        if (t && t->fdt) {
            pthread_mutex_lock(&t->fdt->lock);
            for (int i = from; i < t->fdt->cap && nid < cap; i++)
                if (t->fdt->files[i])
                    ids[nid++] = i;
            pthread_mutex_unlock(&t->fdt->lock);
        }
    }
    pthread_mutex_unlock(&sb_kernel->lock);
    return nid;
}

static int p_getdents(struct file *f, struct dir_emit *de)
{
    struct pnode *n = f->inode->priv;
    const struct pentry *tab = NULL;
    uint64_t idx = 0, pos = f->pos;
    char nb[32];

    if (!emit_at(de, &idx, pos, ".", f->inode->ino, DT_DIR) ||
        !emit_at(de, &idx, pos, "..", 1, DT_DIR))
        goto out;
    switch (n->type) {
    case PN_ROOT:
        tab = root_dir;
        break;
    case PN_DIR:
        tab = n->dir;
        break;
    case PN_PID:
        tab = pid_dir;
        break;
    case PN_TID:
        tab = tid_dir;
        break;
    default:
        break;
    }
    for (; tab && tab->name; tab++) {
        mode_t m = mode_of(tab->type, tab->gen);
        if (!emit_at(de, &idx, pos, tab->name, 0x100 + (tab - root_dir), vfs_dtype(m)))
            goto out;
    }
    if (n->type == PN_ROOT || n->type == PN_TASKDIR || n->type == PN_FDDIR ||
        n->type == PN_FDINFODIR) {
        /* A numbered entry's position is fixed by its number, as on Linux
         * (fd N sits at N + 2 in /proc/self/fd): closing or reaping the
         * ones already listed, between two getdents calls, shifts nothing. */
        const uint64_t base = idx;
        int ids[512], nid, from = pos > base ? (int)SB_MIN(pos - base, (uint64_t)INT_MAX) : 0;
        unsigned type = n->type == PN_FDDIR      ? DT_LNK
                        : n->type == PN_FDINFODIR ? DT_REG
                                                  : DT_DIR;
        while ((nid = numbered_ids(n, from, ids, SB_ARRAY_SIZE(ids))) > 0) {
            for (int i = 0; i < nid; i++) {
                snprintf(nb, sizeof(nb), "%d", ids[i]);
                idx = base + (uint64_t)ids[i];
                if (!emit_at(de, &idx, pos, nb, 0x10000 + ids[i], type))
                    goto out;
            }
            if (ids[nid - 1] == INT_MAX)
                break;
            from = ids[nid - 1] + 1;
        }
    }
out:
    f->pos = SB_MAX(idx, pos); /* never back: the numbers may all be gone */
    return 0;
}

static const struct file_ops proc_dir_fops = { .getdents = p_getdents };

/* ---- generated files ---- */

struct sbuf {
    char *p;
    size_t len, cap;
};

/* Append a formatted string; returns its length. */
static int sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return 0;
        if (b->p && b->len + n < b->cap) {
            b->len += n;
            return n;
        }
        b->cap = SB_MAX(b->cap * 2, b->len + n + 256);
        b->p = xrealloc(b->p, b->cap);
    }
}

static void sb_put(struct sbuf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = SB_MAX(b->cap * 2, b->len + n + 256);
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void emit_line(void *arg, const char *line)
{
    sb_put(arg, line, strlen(line));
}

static char state_char(struct process *p, struct task *t)
{
    if (p->state == PROC_ZOMBIE)
        return 'Z';
    if (p->stopped)
        return 'T';
    if (t && t == current_task)
        return 'R';
    return 'S';
}

static uint64_t ticks(uint64_t ns)
{
    return ns / 10000000ULL;
}

static void gen_stat(struct sbuf *b, struct process *p, struct task *t, int tid)
{
    struct timespec now;
    uint64_t start_ticks = ticks((uint64_t)(p->start.tv_sec - sb_kernel->boot_mono.tv_sec) *
                                     1000000000ULL +
                                 (p->start.tv_nsec - sb_kernel->boot_mono.tv_nsec));
    uint64_t vsize = 0, rss = 0, ut = t ? task_cpu_ns(t) : p->utime_ns;
    struct mm_usage u;

    (void)now;
    if (t && t->mm) {
        mm_usage(t->mm, &u);
        rss = u.rss / 4096;
        vsize = u.vsize;
    }
    sb_printf(b,
              "%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 %lu 0 %lu %lu 20 0 %d 0 %lu %lu %lu "
              "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 %d 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n",
              tid, t ? t->comm : "", state_char(p, t), p->parent ? p->parent->tgid : 0, p->pgid,
              p->sid, (unsigned long)ticks(ut), (unsigned long)ticks(p->cutime_ns), 0UL,
              p->nthreads ? p->nthreads : 1, (unsigned long)start_ticks, (unsigned long)vsize,
              (unsigned long)rss, p->exit_signal, p->state == PROC_ZOMBIE ? p->exit_status : 0);
}

static void gen_status(struct sbuf *b, struct process *p, struct task *t, int tid)
{
    static const char *states[] = { "R (running)", "S (sleeping)", "T (stopped)", "Z (zombie)" };
    char c = state_char(p, t);
    const char *st = c == 'R' ? states[0] : c == 'S' ? states[1] : c == 'T' ? states[2] : states[3];
    struct mm_usage u = { 0 };

    if (t && t->mm)
        mm_usage(t->mm, &u);
    sb_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
                 "TracerPid:\t0\n",
              t ? t->comm : "", t && t->fs ? t->fs->umask : 022, st, p->tgid, tid,
              p->parent ? p->parent->tgid : 0);
    if (t)
        sb_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", t->cred.uid, t->cred.euid,
                  t->cred.suid, t->cred.fsuid, t->cred.gid, t->cred.egid, t->cred.sgid,
                  t->cred.fsgid);
    sb_printf(b, "FDSize:\t%d\nGroups:\t\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
              t && t->fdt ? SB_MAX(t->fdt->cap, 64) : 64, p->tgid, tid, p->pgid, p->sid);
    if (p->state != PROC_ZOMBIE && t && t->mm)
        sb_printf(b,
                  "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\n"
                  "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n"
                  "RssShmem:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\n"
                  "VmLib:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\n",
                  (unsigned long)(u.vsize >> 10), (unsigned long)(u.vsize >> 10), 0UL, 0UL,
                  (unsigned long)(u.rss >> 10), (unsigned long)(u.rss >> 10),
                  (unsigned long)((u.rss - u.rss_shared - u.rss_file) >> 10),
                  (unsigned long)(u.rss_file >> 10), (unsigned long)(u.rss_shared >> 10),
                  (unsigned long)(u.data >> 10), (unsigned long)(u.stack >> 10),
                  (unsigned long)(u.exec >> 10), (unsigned long)(u.lib >> 10), 0UL, 0UL);
    sb_printf(b, "Threads:\t%d\nSigQ:\t%d/%lu\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n"
                 "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
              p->nthreads, p->pending.nq, (unsigned long)p->rlim[11].cur,
              (unsigned long)(t ? t->pending.set : 0), (unsigned long)p->pending.set,
              (unsigned long)(t ? t->sigmask : 0), 0UL, 0UL);
    {
        uint64_t ign = 0, cgt = 0;
        for (int s = 0; s < SB_NSIG; s++) {
            uint64_t h = p->sighand ? p->sighand->act[s].handler : 0;
            if (h == 1)
                ign |= 1ULL << s;
            else if (h > 1)
                cgt |= 1ULL << s;
        }
        /* fix up the two lines printed above */
        char *ig = strstr(b->p, "SigIgn:\t");
        if (ig) {
            char tmp[64];
            snprintf(tmp, sizeof(tmp), "SigIgn:\t%016lx\nSigCgt:\t%016lx\n", (unsigned long)ign,
                     (unsigned long)cgt);
            memcpy(ig, tmp, strlen(tmp));
        }
    }
    sb_printf(b, "CapInh:\t0000000000000000\nCapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t000001ffffffffff\n"
                 "CapAmb:\t0000000000000000\nNoNewPrivs:\t%d\nSeccomp:\t0\n"
                 "Cpus_allowed_list:\t0-%d\nvoluntary_ctxt_switches:\t0\n"
                 "nonvoluntary_ctxt_switches:\t0\n",
              t && t->cred.euid == 0 ? "000001ffffffffff" : "0000000000000000",
              t && t->cred.euid == 0 ? "000001ffffffffff" : "0000000000000000",
              p->no_new_privs, SB_MAX(sb_kernel->ncpus, 1) - 1);
}

static void gen_mm_range(struct sbuf *b, struct task *t, uint64_t start, uint64_t end)
{
    char buf[4096];
    uint64_t a = start;

    if (!t || !t->mm)
        return;
    while (a < end) {
        size_t k = SB_MIN(sizeof(buf), end - a);
        if (mm_copy_in(t->mm, buf, a, k))
            break;
        sb_put(b, buf, k);
        a += k;
    }
}

struct maps_arg {
    struct sbuf *b;
    struct task *me;
};

static void maps_one(void *arg, const struct mm_range *v)
{
    struct maps_arg *ma = arg;
    char path[VFS_PATH_MAX] = "";
    struct file *f = v->obj;
    uint64_t ino = 0, dev = 0;
    int n;

    if (f && f->path.d) {
        n = vfs_path_name(ma->me ? ma->me->fs : NULL, &f->path, path, sizeof(path));
        if (n < 0)
            path[0] = 0;
        ino = f->inode->ino;
        dev = f->inode->sb ? f->inode->sb->dev : 0;
    } else if (v->flags & VMA_STACK) {
        strcpy(path, "[stack]");
    } else if (v->flags & VMA_HEAP) {
        strcpy(path, "[heap]");
    } else if ((v->flags & VMA_SPECIAL) && v->off < PLATFORM_NSPECIAL) {
        strcpy(path, platform_special_names[v->off]);
    }
    n = sb_printf(ma->b, "%012lx-%012lx %c%c%c%c %08lx %02x:%02x %lu ", (unsigned long)v->start,
              (unsigned long)v->end, v->prot & PROT_READ ? 'r' : '-',
              v->prot & PROT_WRITE ? 'w' : '-', v->prot & PROT_EXEC ? 'x' : '-',
              v->flags & VMA_SHARED ? 's' : 'p', (unsigned long)(f ? v->off : 0), major(dev),
              minor(dev), (unsigned long)ino);
    if (path[0])
        sb_printf(ma->b, "%*s%s\n", n < 73 ? 73 - n : 1, "", path);
    else
        sb_printf(ma->b, "\n");
}

/* Path of dentry d inside its own file system ("/" for its root). */
static void fs_relative(struct dentry *d, char *buf, size_t cap)
{
    char tmp[VFS_PATH_MAX];
    size_t len = 0;

    buf[0] = '\0';
    pthread_mutex_lock(&vfs_lock);
    for (; d && d->parent; d = d->parent) {
        size_t nl = strlen(d->name);
        if (len + nl + 1 >= sizeof(tmp))
            break;
        memmove(tmp + nl + 1, tmp, len);
        tmp[0] = '/';
        memcpy(tmp + 1, d->name, nl);
        len += nl + 1;
    }
    pthread_mutex_unlock(&vfs_lock);
    tmp[len] = '\0';
    snprintf(buf, cap, "%s", len ? tmp : "/");
}

static void gen_mounts(struct sbuf *b, struct task *me, int info)
{
    for (struct mount *m = vfs_mounts(); m; m = m->next) {
        char where[VFS_PATH_MAX], rel[VFS_PATH_MAX];
        struct vpath vp = { m, m->root };
        const char *opt = (m->flags & MS_RDONLY) ? "ro" : "rw";
        int n = vfs_path_name(me ? me->fs : NULL, &vp, where, sizeof(where));
        if (n < 0)
            continue;
        if (!info) {
            sb_printf(b, "%s %s %s %s,relatime 0 0\n", m->source ? m->source : "none", where,
                      m->fstype, opt);
            continue;
        }
        fs_relative(m->root, rel, sizeof(rel));
        sb_printf(b, "%d %d 0:%llu %s %s %s,relatime - %s %s %s\n", m->id,
                  m->parent ? m->parent->id : m->id, (unsigned long long)m->root->inode->sb->dev,
                  rel, where, opt, m->fstype, m->source ? m->source : "none", opt);
    }
}

/* CPUID feature bits under Linux's /proc/cpuinfo names, in Linux's order
 * (its feature words: 1.EDX, 0x80000001.EDX, 1.ECX, 0x80000001.ECX, 7.EBX,
 * 0xD:1.EAX, 7:1.EAX, 6.EAX, 7.ECX, 7.EDX). The app runs on this CPU, so
 * what CPUID says is what it has. Bits Linux hides or does not name are
 * left out, and so are la57 (the sandbox has 4-level addresses) and most of
 * Linux's synthetic flags. */
enum { R_EAX, R_EBX, R_ECX, R_EDX };
struct cpu_word {
    unsigned leaf, sub, reg;
    const char *names[32];
};
static const struct cpu_word cpu_words[] = {
    { 1, 0, R_EDX, { "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL,
                     "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL,
                     "dts", "acpi", "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe" } },
    { 0x80000001, 0, R_EDX, { [11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext",
                              [25] = "fxsr_opt", [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm",
                              [30] = "3dnowext", [31] = "3dnow" } },
    /* Linux's synthetic word: an invariant TSC is both of these */
    { 0x80000007, 0, R_EDX, { [8] = "constant_tsc nonstop_tsc" } },
    { 1, 0, R_ECX, { "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
                     "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca",
                     "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes",
                     "xsave", NULL, "avx", "f16c", "rdrand", "hypervisor" } },
    { 0x80000001, 0, R_ECX, { "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm",
                              "sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop",
                              "skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL, "nodeid_msr",
                              NULL, "tbm", "topoext", "perfctr_core", "perfctr_nb", NULL, "bpext",
                              "ptsc", "perfctr_llc", "mwaitx" } },
    { 7, 0, R_EBX, { "fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep", "bmi2",
                     "erms", "invpcid", "rtm", "cqm", "", "mpx", "rdt_a", "avx512f", "avx512dq",
                     "rdseed", "adx", "smap", "avx512ifma", NULL, "clflushopt", "clwb",
                     "intel_pt", "avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw",
                     "avx512vl" } },
    { 0xd, 1, R_EAX, { "xsaveopt", "xsavec", "xgetbv1", "xsaves" } },
    { 7, 1, R_EAX, { [4] = "avx_vnni", [5] = "avx512_bf16" } },
    { 6, 0, R_EAX, { [0] = "dtherm", [1] = "ida", [2] = "arat", [4] = "pln", [6] = "pts" } },
    { 7, 0, R_ECX, { [1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke",
                     [5] = "waitpkg", [6] = "avx512_vbmi2", [8] = "gfni", [9] = "vaes",
                     [10] = "vpclmulqdq", [11] = "avx512_vnni", [12] = "avx512_bitalg",
                     [13] = "tme", [14] = "avx512_vpopcntdq", [22] = "rdpid",
                     [23] = "bus_lock_detect", [25] = "cldemote", [27] = "movdiri",
                     [28] = "movdir64b", [29] = "enqcmd", [30] = "sgx_lc" } },
    { 7, 0, R_EDX, { [2] = "avx512_4vnniw", [3] = "avx512_4fmaps", [4] = "fsrm",
                     [8] = "avx512_vp2intersect", [10] = "md_clear", [14] = "serialize",
                     [16] = "tsxldtrk", [18] = "pconfig", [19] = "arch_lbr", [20] = "ibt",
                     [22] = "amx_bf16", [23] = "avx512_fp16", [24] = "amx_tile",
                     [25] = "amx_int8", [28] = "flush_l1d", [29] = "arch_capabilities" } },
};

static void cpu_flags(struct sbuf *b)
{
    unsigned max, maxext, r[4];

    __cpuid(0, max, r[1], r[2], r[3]);
    __cpuid(0x80000000, maxext, r[1], r[2], r[3]);
    sb_printf(b, "flags\t\t:");
    for (size_t w = 0; w < SB_ARRAY_SIZE(cpu_words); w++) {
        const struct cpu_word *cw = &cpu_words[w];
        if (cw->leaf >= 0x80000000 ? cw->leaf > maxext : cw->leaf > max)
            continue;
        __cpuid_count(cw->leaf, cw->sub, r[R_EAX], r[R_EBX], r[R_ECX], r[R_EDX]);
        for (unsigned bit = 0; bit < 32; bit++)
            if ((r[cw->reg] >> bit & 1) && cw->names[bit] && cw->names[bit][0])
                sb_printf(b, " %s", cw->names[bit]);
    }
    sb_printf(b, "\n");
}

static void gen_cpuinfo(struct sbuf *b)
{
    unsigned a, bx, c, d, brand[12], phys = 46, virt = 48;
    char vendor[13];

    __cpuid(0, a, bx, c, d);
    memcpy(vendor, &bx, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    memset(brand, 0, sizeof(brand));
    __cpuid(0x80000000, a, bx, c, d);
    if (a >= 0x80000004)
        for (unsigned i = 0; i < 3; i++)
            __cpuid(0x80000002 + i, brand[i * 4], brand[i * 4 + 1], brand[i * 4 + 2],
                    brand[i * 4 + 3]);
    if (a >= 0x80000008) {
        __cpuid(0x80000008, a, bx, c, d);
        phys = a & 0xff;
        virt = (a >> 8) & 0xff;
    }
    __cpuid(1, a, bx, c, d);
    for (int i = 0; i < SB_MAX(sb_kernel->ncpus, 1); i++) {
        sb_printf(b,
                  "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
                  "model name\t: %s\nstepping\t: %u\nphysical id\t: 0\nsiblings\t: %d\n"
                  "core id\t\t: %d\ncpu cores\t: %d\nfpu\t\t: yes\nfpu_exception\t: yes\n"
                  "cpuid level\t: %u\nwp\t\t: yes\n",
                  i, vendor, ((a >> 8) & 0xf) + ((a >> 20) & 0xff),
                  ((a >> 4) & 0xf) | ((a >> 12) & 0xf0), (char *)brand, a & 0xf,
                  sb_kernel->ncpus, i, sb_kernel->ncpus, __get_cpuid_max(0, NULL));
        cpu_flags(b);
        sb_printf(b,
                  "bogomips\t: 4000.00\nclflush size\t: 64\ncache_alignment\t: 64\n"
                  "address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n",
                  phys, virt);
    }
}

static void uuid_str(char *out, const uint8_t *u)
{
    snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], (u[6] & 0x0f) | 0x40, u[7], (u[8] & 0x3f) | 0x80,
             u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

#define STR_(x) #x
#define STR(x) STR_(x)

/* Files whose contents never change. */
static const char *const fixed_text[] = {
    [G_OOM_ADJ] = "0\n",
    [G_SWAPS] = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n",
    [G_CGROUP] = "0::/\n",
    [G_VERSION] = "Linux version 6.1.0-sbx (sbx@sandbox) (gcc) #1 SMP PREEMPT_DYNAMIC sbx\n",
    [G_FILESYSTEMS] = "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\tpipefs\n"
                      "nodev\t9p\nnodev\tmqueue\n",
    [G_OSRELEASE] = "6.1.0-sbx\n",
    [G_OSTYPE] = "Linux\n",
    [G_PIDMAX] = STR(PID_MAX) "\n",
    [G_NGROUPS] = "65536\n",
    [G_CAPLAST] = "40\n",
    [G_OVERCOMMIT] = "0\n",
    [G_MAXMAP] = "65530\n",
    [G_FILEMAX] = "9223372036854775807\n",
    [G_FILENR] = "1024\t0\t9223372036854775807\n",
    [G_POOLSIZE] = "256\n",
    [G_ENTROPY] = "256\n",
    [G_THREADSMAX] = STR(PID_MAX) "\n",
    [G_OVERRATIO] = "50\n",
    [G_MMAPMIN] = "65536\n",
    [G_INO_WATCHES] = "65536\n",
    [G_INO_INSTANCES] = "128\n",
    [G_INO_EVENTS] = "16384\n",
    [G_NROPEN] = "1048576\n",
    [G_PIPEMAX] = "1048576\n",
    [G_AIO_MAX_NR] = "65536\n",
    /* POSIX message queues: sentry/kernel/mqueue.h */
    [G_MQ_QUEUES] = STR(MQ_QUEUES_MAX) "\n",
    [G_MQ_MSG] = STR(MQ_MSG_MAX) "\n",
    [G_MQ_MSGSIZE] = STR(MQ_MSGSIZE_MAX) "\n",
    [G_MQ_MSG_DEF] = STR(MQ_MSG_DEFAULT) "\n",
    [G_MQ_MSGSIZE_DEF] = STR(MQ_MSGSIZE_DEFAULT) "\n",
    /* System V IPC limits: Linux's defaults, which sentry/kernel/ipc.h uses */
    [G_SHMMAX] = "18446744073692774399\n",
    [G_SHMALL] = "18446744073692774399\n",
    [G_SHMMNI] = "4096\n",
    [G_SEM] = "32000\t1024000000\t500\t32000\n",
    [G_MSGMNI] = "32000\n",
    [G_MSGMAX] = "8192\n",
    [G_MSGMNB] = "16384\n",
};

static int generate(struct pnode *n, struct sbuf *b)
{
    struct kernel *k = sb_kernel;
    struct task *me = current_task;
    struct process *p = NULL;
    struct task *t = NULL;
    struct timespec now;
    char u[40];

    if (n->gen < (int)SB_ARRAY_SIZE(fixed_text) && fixed_text[n->gen]) {
        sb_put(b, fixed_text[n->gen], strlen(fixed_text[n->gen]));
        return 0;
    }
    if (n->pid) {
        pthread_mutex_lock(&k->lock);
        p = proc_process(n->pid);
        if (!p) {
            pthread_mutex_unlock(&k->lock);
            return -ESRCH;
        }
        t = (n->tid && n->tid != n->pid) ? proc_task(n->tid) : any_thread(p);
        if (t && t->proc != p)
            t = any_thread(p);
    }
    switch (n->gen) {
    case G_STAT:
        gen_stat(b, p, t, n->tid ? n->tid : n->pid);
        break;
    case G_STATM: {
        /* size resident shared text lib data dt, in pages */
        struct mm_usage u = { 0 };
        if (t && t->mm)
            mm_usage(t->mm, &u);
        sb_printf(b, "%lu %lu %lu %lu 0 %lu 0\n", (unsigned long)(u.vsize >> 12),
                  (unsigned long)(u.rss >> 12), (unsigned long)((u.rss_shared + u.rss_file) >> 12),
                  (unsigned long)(u.exec >> 12), (unsigned long)((u.data + u.stack) >> 12));
        break;
    }
    case G_STATUS:
        gen_status(b, p, t, n->tid ? n->tid : n->pid);
        break;
    case G_COMM:
        sb_printf(b, "%s\n", t ? t->comm : "");
        break;
    case G_LIMITS: {
        static const char *names[] = { "Max cpu time", "Max file size", "Max data size",
                                       "Max stack size", "Max core file size",
                                       "Max resident set", "Max processes", "Max open files",
                                       "Max locked memory", "Max address space",
                                       "Max file locks", "Max pending signals",
                                       "Max msgqueue size", "Max nice priority",
                                       "Max realtime priority", "Max realtime timeout" };
        static const char *units[] = { "seconds", "bytes", "bytes", "bytes", "bytes", "bytes",
                                       "processes", "files", "bytes", "bytes", "locks",
                                       "signals", "bytes", "", "", "us" };
        sb_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
        for (int i = 0; i < 16; i++) {
            char s[32], h[32];
            if (p->rlim[i].cur == (uint64_t)-1)
                strcpy(s, "unlimited");
            else
                snprintf(s, sizeof(s), "%lu", (unsigned long)p->rlim[i].cur);
            if (p->rlim[i].max == (uint64_t)-1)
                strcpy(h, "unlimited");
            else
                snprintf(h, sizeof(h), "%lu", (unsigned long)p->rlim[i].max);
            sb_printf(b, "%-25s %-20s %-20s %-10s\n", names[i], s, h, units[i]);
        }
        break;
    }
    case G_CMDLINE:
    case G_ENVIRON:
    case G_MAPS:
    case G_MOUNTS:
    case G_MOUNTINFO:
        break; /* below, without k->lock */
    case G_CPUINFO:
        gen_cpuinfo(b);
        break;
    case G_NET_UNIX:
        unix_proc_net(emit_line, b);
        break;
    case G_SYSVIPC_SHM:
    case G_SYSVIPC_SEM:
    case G_SYSVIPC_MSG:
        ipc_proc_list(n->gen - G_SYSVIPC_SHM, emit_line, b);
        break;
    case G_NET_TCP:
    case G_NET_TCP6:
    case G_NET_UDP:
    case G_NET_UDP6: {
        /* enum ns_procnet order: tcp, tcp6, udp, udp6 */
        size_t need = inet_proc_net(n->gen - G_NET_TCP, NULL, 0);
        for (int tries = 0; tries < 4; tries++) {
            char *buf = xrealloc(NULL, need + 1);
            size_t got = inet_proc_net(n->gen - G_NET_TCP, buf, need + 1);
            if (got <= need) {
                sb_put(b, buf, got);
                free(buf);
                break;
            }
            free(buf);
            need = got;
        }
        break;
    }
    case G_NET_DEV: {
        uint64_t rx, tx;
        inet_lo_stats(&rx, &tx);
        sb_printf(b, "Inter-|   Receive                                                |  Transmit\n"
                     " face |bytes    packets errs drop fifo frame compressed multicast|"
                     "bytes    packets errs drop fifo colls carrier compressed\n");
        sb_printf(b, "    lo: %8lu %7lu    0    0    0     0          0         0 %8lu %7lu    0    0"
                     "    0     0       0          0\n",
                  0UL, (unsigned long)rx, 0UL, (unsigned long)tx);
        break;
    }
    case G_NET_IF_INET6:
        netif_proc_if_inet6(emit_line, b);
        break;
    case G_MEMINFO: {
        unsigned long total = 4UL << 20, used = (unsigned long)(k->mf.used >> 10);
        unsigned long fr = total > used ? total - used : 0;
        sb_printf(b, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
                     "Buffers:               0 kB\nCached:                0 kB\n"
                     "SwapCached:            0 kB\nActive:         %8lu kB\nInactive:              0 kB\n"
                     "SwapTotal:             0 kB\nSwapFree:              0 kB\nShmem:                 0 kB\n"
                     "Hugepagesize:       2048 kB\n",
                  total, fr, fr, used);
        break;
    }
    case G_VMSTAT: {
        /* The sandbox's memory in pages, as meminfo counts it; no swap,
         * no page cache, no paging events counted. */
        unsigned long total = 1UL << 20, used = (unsigned long)(k->mf.used >> 12);
        sb_printf(b,
                  "nr_free_pages %lu\nnr_zone_inactive_anon 0\nnr_zone_active_anon %lu\n"
                  "nr_inactive_anon 0\nnr_active_anon %lu\nnr_inactive_file 0\n"
                  "nr_active_file 0\nnr_anon_pages %lu\nnr_mapped 0\nnr_file_pages 0\n"
                  "nr_dirty 0\nnr_writeback 0\nnr_shmem 0\npgpgin 0\npgpgout 0\npswpin 0\n"
                  "pswpout 0\npgfault 0\npgmajfault 0\n",
                  total > used ? total - used : 0, used, used, used);
        break;
    }
    case G_KSTAT:
        clock_gettime(CLOCK_REALTIME, &now);
        sb_printf(b, "cpu  0 0 0 0 0 0 0 0 0 0\n");
        for (int i = 0; i < SB_MAX(k->ncpus, 1); i++)
            sb_printf(b, "cpu%d 0 0 0 0 0 0 0 0 0 0\n", i);
        {
            struct timespec m;
            clock_gettime(CLOCK_MONOTONIC, &m);
            sb_printf(b, "intr 0\nctxt 0\nbtime %ld\nprocesses %d\nprocs_running 1\nprocs_blocked 0\n",
                      (long)(now.tv_sec - (m.tv_sec - k->boot_mono.tv_sec)), k->last_pid);
        }
        break;
    case G_UPTIME:
        /* The same clock as sysinfo(2)'s uptime. */
        clock_gettime(CLOCK_BOOTTIME, &now);
        {
            double up = now.tv_sec + now.tv_nsec / 1e9;
            sb_printf(b, "%.2f %.2f\n", up, up * SB_MAX(k->ncpus, 1));
        }
        break;
    case G_AIO_NR:
        sb_printf(b, "%lu\n", aio_nr_get());
        break;
    case G_LOADAVG:
        sb_printf(b, "0.00 0.00 0.00 1/%d %d\n", k->nprocs, k->last_pid);
        break;
    case G_HOSTNAME:
        sb_printf(b, "%s\n", me ? me->proc->uts->hostname : "sandbox");
        break;
    case G_DOMAIN:
        sb_printf(b, "%s\n", me ? me->proc->uts->domainname : "(none)");
        break;
    case G_BOOTID:
        uuid_str(u, boot_id);
        sb_printf(b, "%s\n", u);
        break;
    case G_UUID: {
        uint8_t r[16];
        if (getrandom(r, sizeof(r), 0) != sizeof(r))
            memset(r, 0, sizeof(r));
        uuid_str(u, r);
        sb_printf(b, "%s\n", u);
        break;
    }
    }
    /* Parts that copy from another mm: no k->lock held while copying, but
     * the task must stay: hold a reference to its mm. */
    if (n->gen == G_CMDLINE || n->gen == G_ENVIRON || n->gen == G_MAPS || n->gen == G_MOUNTS ||
        n->gen == G_MOUNTINFO) {
        struct mm *mm = (t && t->mm) ? mm_get(t->mm) : NULL;
        if (n->pid)
            pthread_mutex_unlock(&k->lock);
        if (n->gen == G_CMDLINE && mm)
            gen_mm_range(b, t, mm->arg_start, mm->arg_end);
        else if (n->gen == G_ENVIRON && mm)
            gen_mm_range(b, t, mm->env_start, mm->env_end);
        else if (n->gen == G_MAPS && mm) {
            struct maps_arg ma = { b, me };
            mm_for_each_vma(mm, maps_one, &ma);
        } else if (n->gen == G_MOUNTS || n->gen == G_MOUNTINFO) {
            gen_mounts(b, me, n->gen == G_MOUNTINFO);
        }
        if (mm)
            mm_put(mm);
        return 0;
    }
    if (n->pid)
        pthread_mutex_unlock(&k->lock);
    return 0;
}

struct pfile {
    struct sbuf b;
};

static int p_open(struct inode *ino, struct file *f)
{
    struct pnode *n = ino->priv;
    struct pfile *pf;
    int r;

    if (n->type == PN_FDINFO) {
        /* pos and flags of the other file */
        struct process *p;
        struct task *t;
        struct file *of = NULL;
        pf = xzalloc(sizeof(*pf));
        pthread_mutex_lock(&sb_kernel->lock);
        p = proc_process(n->pid);
        t = p ? any_thread(p) : NULL;
        if (t && t->fdt)
            of = fdt_get(t->fdt, n->fd);
        pthread_mutex_unlock(&sb_kernel->lock);
        if (!of) {
            free(pf);
            return -ENOENT;
        }
        sb_printf(&pf->b, "pos:\t%lu\nflags:\t0%o\nmnt_id:\t20\nino:\t%lu\n",
                  (unsigned long)of->pos, of->flags | (fdt_get_cloexec(t->fdt, n->fd) > 0 ? O_CLOEXEC : 0),
                  (unsigned long)of->inode->ino);
        if (of->ops && of->ops->fdinfo) {
            char extra[4096];
            int n = of->ops->fdinfo(of, extra, sizeof(extra));
            if (n > 0)
                sb_printf(&pf->b, "%.*s", n, extra);
        }
        file_put(of);
        f->priv = pf;
        return 0;
    }
    if (S_ISDIR(ino->mode))
        return 0;
    if (n->type != PN_FILE)
        return -ENXIO;
    if ((f->flags & O_ACCMODE) != O_RDONLY && n->gen != G_COMM && n->gen != G_OOM_ADJ)
        return -EACCES;
    pf = xzalloc(sizeof(*pf));
    r = generate(n, &pf->b);
    if (r) {
        free(pf->b.p);
        free(pf);
        return r;
    }
    f->priv = pf;
    return 0;
}

static long pf_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct pfile *pf = f->priv;
    size_t n;

    if (!pf || off >= pf->b.len)
        return 0;
    n = SB_MIN(len, pf->b.len - off);
    memcpy(buf, pf->b.p + off, n);
    return (long)n;
}

static long pf_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    struct pnode *n = f->inode->priv;

    if (n->gen == G_COMM) {
        struct task *t;
        pthread_mutex_lock(&sb_kernel->lock);
        t = proc_task(n->tid ? n->tid : n->pid);
        if (t) {
            size_t l = SB_MIN(len, sizeof(t->comm) - 1);
            memcpy(t->comm, buf, l);
            t->comm[l] = 0;
            if (l && t->comm[l - 1] == '\n')
                t->comm[l - 1] = 0;
        }
        pthread_mutex_unlock(&sb_kernel->lock);
        return (long)len;
    }
    if (n->gen == G_OOM_ADJ)
        return (long)len;
    return -EACCES;
}

static void pf_release(struct file *f)
{
    struct pfile *pf = f->priv;
    if (pf && !S_ISDIR(f->inode->mode)) {
        free(pf->b.p);
        free(pf);
    }
}

static const struct file_ops proc_file_fops = {
    .read = pf_read,
    .write = pf_write,
    .release = pf_release,
};

struct dentry *procfs_new(void)
{
    if (getrandom(boot_id, sizeof(boot_id), 0) != sizeof(boot_id))
        memset(boot_id, 0x5b, sizeof(boot_id));
    return dentry_new("/", NULL, pnode_new(PN_ROOT, 0, 0, 0, 0, NULL));
}
