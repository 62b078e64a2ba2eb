/* sentry/syscalls/sys_proc.c: identity, limits, exit, arch_prctl, prctl,
 * uname, sysinfo, scheduling queries. */
#include "sentry/syscalls/syscalls.h"

#include <asm/prctl.h>
#include <errno.h>
#include <stdio.h>
#include <linux/capability.h>
#include <sched.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>

#include "lib/log.h"
#include "lib/timespec.h"

long sys_getpid(struct task *t, const struct syscall_args *a) { return t->proc->tgid; }
long sys_gettid(struct task *t, const struct syscall_args *a) { return t->tid; }
long sys_getppid(struct task *t, const struct syscall_args *a) { return process_ppid(t); }
long sys_getuid(struct task *t, const struct syscall_args *a) { return t->cred.uid; }
long sys_geteuid(struct task *t, const struct syscall_args *a) { return t->cred.euid; }
long sys_getgid(struct task *t, const struct syscall_args *a) { return t->cred.gid; }
long sys_getegid(struct task *t, const struct syscall_args *a) { return t->cred.egid; }
long sys_getpgrp(struct task *t, const struct syscall_args *a) { return t->proc->pgid; }

static int is_self(struct task *t, int pid)
{
    return pid == 0 || pid == t->proc->tgid;
}

static long put_ids(struct task *t, const struct syscall_args *a, uint32_t x, uint32_t y,
                    uint32_t z)
{
    if (mm_copy_out(t->mm, a->a[0], &x, 4) || mm_copy_out(t->mm, a->a[1], &y, 4) ||
        mm_copy_out(t->mm, a->a[2], &z, 4))
        return -EFAULT;
    return 0;
}

long sys_getresuid(struct task *t, const struct syscall_args *a)
{
    return put_ids(t, a, t->cred.uid, t->cred.euid, t->cred.suid);
}

long sys_getresgid(struct task *t, const struct syscall_args *a)
{
    return put_ids(t, a, t->cred.gid, t->cred.egid, t->cred.sgid);
}






long sys_uname(struct task *t, const struct syscall_args *a)
{
    struct utsname u;

    memset(&u, 0, sizeof(u));
    strcpy(u.sysname, "Linux");
    snprintf(u.nodename, sizeof(u.nodename), "%s", t->proc->uts->hostname);
    strcpy(u.release, "6.1.0-sbx");
    strcpy(u.version, "#1 SMP PREEMPT_DYNAMIC sbx");
    strcpy(u.machine, "x86_64");
    snprintf(u.domainname, sizeof(u.domainname), "%s", t->proc->uts->domainname);
    return mm_copy_out(t->mm, a->a[0], &u, sizeof(u)) ? -EFAULT : 0;
}

static long set_name(struct task *t, const struct syscall_args *a, char *dst)
{
    char buf[65];

    if (!capable(t, CAP_SYS_ADMIN))
        return -EPERM;
    if (a->a[1] > 64)
        return -EINVAL;
    if (a->a[1] && mm_copy_in(t->mm, buf, a->a[0], a->a[1]))
        return -EFAULT;
    buf[a->a[1]] = 0;
    memcpy(dst, buf, a->a[1] + 1);
    return 0;
}

long sys_sethostname(struct task *t, const struct syscall_args *a)
{
    return set_name(t, a, t->proc->uts->hostname);
}

long sys_setdomainname(struct task *t, const struct syscall_args *a)
{
    return set_name(t, a, t->proc->uts->domainname);
}

long sys_unshare(struct task *t, const struct syscall_args *a)
{
    unsigned long flags = a->a[0];
    const unsigned long known = CLONE_FILES | CLONE_FS | CLONE_NEWUTS | CLONE_SYSVSEM |
                                CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID |
                                CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_THREAD | CLONE_SIGHAND |
                                CLONE_VM;

    if (flags & ~known)
        return -EINVAL;
    if (flags & (CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWUSER |
                 CLONE_NEWCGROUP))
        return -EINVAL; /* partial: only UTS namespaces so far */
    if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) && t->proc->nthreads > 1)
        return -EINVAL;
    if ((flags & CLONE_NEWUTS) && !capable(t, CAP_SYS_ADMIN))
        return -EPERM;
    if (flags & CLONE_FILES)
        fdt_unshare(&t->fdt);
    if (flags & CLONE_FS && t->fs->ref > 1) {
        struct fs_ctx *n = fs_ctx_copy(t->fs);
        fs_ctx_put(t->fs);
        t->fs = n;
    }
    if (flags & CLONE_SYSVSEM) {
        pthread_mutex_lock(&t->k->lock);
        semundo_put(t->semundo);
        t->semundo = NULL;
        pthread_mutex_unlock(&t->k->lock);
    }
    if (flags & CLONE_NEWUTS) {
        struct uts_ns *u = uts_copy(t->proc->uts);
        uts_put(t->proc->uts);
        t->proc->uts = u;
    }
    return 0;
}

long sys_arch_prctl(struct task *t, const struct syscall_args *a)
{
    uint64_t v;

    switch ((int)a->a[0]) {
    case ARCH_SET_FS:
        if (a->a[1] >= t->mm->max_addr)
            return -EPERM;
        t->cpu.regs.fs_base = a->a[1];
        return 0;
    case ARCH_SET_GS:
        if (a->a[1] >= t->mm->max_addr)
            return -EPERM;
        t->cpu.regs.gs_base = a->a[1];
        return 0;
    case ARCH_GET_FS:
        v = t->cpu.regs.fs_base;
        return mm_copy_out(t->mm, a->a[1], &v, 8) ? -EFAULT : 0;
    case ARCH_GET_GS:
        v = t->cpu.regs.gs_base;
        return mm_copy_out(t->mm, a->a[1], &v, 8) ? -EFAULT : 0;
    case ARCH_GET_CPUID:
        return 1;
    default:
        return -EINVAL;
    }
}

long sys_set_tid_address(struct task *t, const struct syscall_args *a)
{
    t->clear_child_tid = a->a[0];
    return t->tid;
}

long sys_set_robust_list(struct task *t, const struct syscall_args *a)
{
    if (a->a[1] != 24)
        return -EINVAL;
    t->robust_list = a->a[0];
    t->robust_len = a->a[1];
    return 0;
}

long sys_rseq(struct task *t, const struct syscall_args *a)
{
    return -ENOSYS;
}

static long do_prlimit(struct task *t, int pid, unsigned res, uint64_t unew, uint64_t uold)
{
    struct rlimit64 nl, ol;
    struct process *p = t->proc;

    if (!is_self(t, pid)) {
        struct task *o;
        pthread_mutex_lock(&t->k->lock);
        o = pid_task(t->k, pid);
        if (o && o->proc->state == PROC_LIVE && o->proc->threads &&
            (capable(t, CAP_SYS_RESOURCE) || (o->proc->threads->cred.uid == t->cred.uid &&
                                               o->proc->threads->cred.euid == t->cred.euid)))
            p = o->proc;
        else
            p = NULL;
        pthread_mutex_unlock(&t->k->lock);
        if (!p)
            return o ? -EPERM : -ESRCH;
    }
    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    if (unew && mm_copy_in(t->mm, &nl, unew, sizeof(nl)))
        return -EFAULT;
    if (unew && nl.rlim_cur > nl.rlim_max)
        return -EINVAL;
    if (unew && nl.rlim_max > p->rlim[res].max && !capable(t, CAP_SYS_RESOURCE))
        return -EPERM;
    if (unew && res == RLIMIT_NOFILE && nl.rlim_max > 1048576)
        return -EPERM;
    ol.rlim_cur = p->rlim[res].cur;
    ol.rlim_max = p->rlim[res].max;
    if (uold && mm_copy_out(t->mm, uold, &ol, sizeof(ol)))
        return -EFAULT;
    if (unew) {
        p->rlim[res].cur = nl.rlim_cur;
        p->rlim[res].max = nl.rlim_max;
        if (p == t->proc && res == RLIMIT_NOFILE)
            t->fdt->max = (int)SB_MIN(nl.rlim_cur, 1048576);
        if (p == t->proc && res == RLIMIT_AS)
            t->mm->as_limit = nl.rlim_cur;
        if (p == t->proc && res == RLIMIT_STACK)
            t->mm->stack_limit = nl.rlim_cur == RLIM_INFINITY ? (1ULL << 30) : nl.rlim_cur;
        if (p != t->proc && (res == RLIMIT_NOFILE || res == RLIMIT_AS)) {
            pthread_mutex_lock(&t->k->lock);
            for (struct task *o = p->threads; o; o = o->tg_next) {
                if (res == RLIMIT_NOFILE && o->fdt)
                    o->fdt->max = (int)SB_MIN(nl.rlim_cur, 1048576);
                if (res == RLIMIT_AS && o->mm)
                    o->mm->as_limit = nl.rlim_cur;
            }
            pthread_mutex_unlock(&t->k->lock);
        }
    }
    return 0;
}

long sys_prlimit64(struct task *t, const struct syscall_args *a)
{
    return do_prlimit(t, (int)a->a[0], (unsigned)a->a[1], a->a[2], a->a[3]);
}

long sys_getrlimit(struct task *t, const struct syscall_args *a)
{
    return do_prlimit(t, 0, (unsigned)a->a[0], 0, a->a[1]);
}

long sys_setrlimit(struct task *t, const struct syscall_args *a)
{
    return do_prlimit(t, 0, (unsigned)a->a[0], a->a[1], 0);
}

#define TIMER_SLACK_DEFAULT_NS 50000

static long prctl_mce_kill(struct task *t, const struct syscall_args *a)
{
    if (a->a[3] || a->a[4])
        return -EINVAL;
    switch (a->a[1]) {
    case PR_MCE_KILL_CLEAR:
        if (a->a[2])
            return -EINVAL;
        t->mce_kill = 0;
        return 0;
    case PR_MCE_KILL_SET:
        if (a->a[2] != PR_MCE_KILL_EARLY && a->a[2] != PR_MCE_KILL_LATE &&
            a->a[2] != PR_MCE_KILL_DEFAULT)
            return -EINVAL;
        t->mce_kill = a->a[2] == PR_MCE_KILL_DEFAULT ? 0 : (int)a->a[2] + 1;
        return 0;
    default:
        return -EINVAL;
    }
}

/* PR_SET_MM: Linux's argument checks and PR_SET_MM_MAP_SIZE; the changes
 * themselves (checkpoint/restore's) are refused. */
static long prctl_set_mm(struct task *t, const struct syscall_args *a)
{
    unsigned opt = (unsigned)a->a[1];
    uint8_t map[104]; /* struct prctl_mm_map */
    unsigned size = sizeof(map);

    if (a->a[4] || (a->a[3] && opt != PR_SET_MM_AUXV && opt != PR_SET_MM_MAP &&
                    opt != PR_SET_MM_MAP_SIZE))
        return -EINVAL;
    if (opt == PR_SET_MM_MAP_SIZE)
        return mm_copy_out(t->mm, a->a[2], &size, sizeof(size)) ? -EFAULT : 0;
    if (opt == PR_SET_MM_MAP) {
        if (a->a[3] != sizeof(map))
            return -EINVAL;
        if (mm_copy_in(t->mm, map, a->a[2], sizeof(map)))
            return -EFAULT;
        return -EINVAL;
    }
    if (!capable(t, CAP_SYS_RESOURCE))
        return -EPERM;
    return -EINVAL;
}

long sys_prctl(struct task *t, const struct syscall_args *a)
{
    struct process *p = t->proc;
    char name[16];
    int v;

    switch ((int)a->a[0]) {
    case PR_SET_NAME:
        memset(name, 0, sizeof(name));
        if (mm_strncpy_in(t->mm, name, a->a[1], sizeof(name)) == -EFAULT)
            return -EFAULT;
        name[15] = 0;
        memcpy(t->comm, name, sizeof(name));
        return 0;
    case PR_GET_NAME:
        return mm_copy_out(t->mm, a->a[1], t->comm, sizeof(t->comm)) ? -EFAULT : 0;
    case PR_GET_DUMPABLE:
        return p->dumpable;
    case PR_SET_DUMPABLE:
        if (a->a[1] > 1)
            return -EINVAL;
        p->dumpable = (int)a->a[1];
        return 0;
    case PR_SET_NO_NEW_PRIVS:
        if (a->a[1] != 1 || a->a[2] || a->a[3] || a->a[4])
            return -EINVAL;
        p->no_new_privs = 1;
        return 0;
    case PR_GET_NO_NEW_PRIVS:
        return p->no_new_privs;
    case PR_SET_PDEATHSIG:
        if (a->a[1] >= SB_NSIG + 1)
            return -EINVAL;
        p->pdeathsig = (int)a->a[1];
        return 0;
    case PR_GET_PDEATHSIG:
        v = p->pdeathsig;
        return mm_copy_out(t->mm, a->a[1], &v, sizeof(v)) ? -EFAULT : 0;
    case PR_CAPBSET_READ:
        return a->a[1] <= CAP_LAST_CAP ? (int)((t->cred.cap_bnd >> a->a[1]) & 1) : -EINVAL;
    case PR_GET_SECCOMP:
        return 0;
    case PR_SET_KEEPCAPS:
        if (a->a[1] > 1)
            return -EINVAL;
        t->cred.keep_caps = a->a[1];
        return 0;
    case PR_GET_KEEPCAPS:
        return t->cred.keep_caps;
    case PR_CAPBSET_DROP:
        /* Privilege is checked before the number, as Linux does. */
        if (!capable(t, CAP_SETPCAP))
            return -EPERM;
        if (a->a[1] > CAP_LAST_CAP)
            return -EINVAL;
        t->cred.cap_bnd &= ~(1ULL << a->a[1]);
        return 0;
    case PR_SET_TIMERSLACK:
        /* 0 restores the default; any other value is kept whole (a huge
         * one reads back as -1, EPERM, as on Linux). */
        t->timer_slack_ns = a->a[1];
        return 0;
    case PR_GET_TIMERSLACK:
        return t->timer_slack_ns ? (long)t->timer_slack_ns : TIMER_SLACK_DEFAULT_NS;
    case PR_SET_THP_DISABLE:
        if (a->a[2] || a->a[3] || a->a[4])
            return -EINVAL;
        p->thp_disable = a->a[1] != 0;
        return 0;
    case PR_GET_THP_DISABLE:
        if (a->a[1] || a->a[2] || a->a[3] || a->a[4])
            return -EINVAL;
        return p->thp_disable;
    case PR_MCE_KILL:
        return prctl_mce_kill(t, a);
    case PR_MCE_KILL_GET:
        if (a->a[1] || a->a[2] || a->a[3] || a->a[4])
            return -EINVAL;
        return t->mce_kill ? t->mce_kill - 1 : PR_MCE_KILL_DEFAULT;
    case PR_SET_MM:
        return prctl_set_mm(t, a);
    case PR_SET_VMA:
        return -EINVAL; /* no anonymous VMA names (as a kernel without
                         * CONFIG_ANON_VMA_NAME) */
    case PR_SET_CHILD_SUBREAPER:
        p->child_subreaper = a->a[1] != 0;
        return 0;
    case PR_GET_CHILD_SUBREAPER:
        v = p->child_subreaper;
        return mm_copy_out(t->mm, a->a[1], &v, sizeof(v)) ? -EFAULT : 0;
    default:
        return -EINVAL;
    }
}


long sys_sysinfo(struct task *t, const struct syscall_args *a)
{
    struct sysinfo si;
    struct timespec now;

    memset(&si, 0, sizeof(si));
    clock_gettime(CLOCK_BOOTTIME, &now);
    si.uptime = now.tv_sec;
    si.totalram = 4ULL << 30;
    si.freeram = si.totalram - SB_MIN(t->k->mf.used, si.totalram);
    si.procs = (unsigned short)t->k->nprocs;
    si.mem_unit = 1;
    return mm_copy_out(t->mm, a->a[0], &si, sizeof(si)) ? -EFAULT : 0;
}

long sys_sched_yield(struct task *t, const struct syscall_args *a)
{
    return 0;
}







static uint64_t host_cpus(struct task *t);

/* The host CPU t's application thread runs on, pinned there by the
 * platform: what the host vDSO's getcpu, which answers without a syscall,
 * tells it too. */
static unsigned run_cpu(struct task *t)
{
    const struct platform_ops *ops = t->k->pops;
    int cpu = ops->ctx_pin ? ops->ctx_pin(t->ctx, t->cpumask ? t->cpumask : host_cpus(t)) : 0;
    return cpu < 0 ? 0 : (unsigned)cpu;
}

long sys_getcpu(struct task *t, const struct syscall_args *a)
{
    unsigned cpu = run_cpu(t), node = 0;
    if (a->a[0] && mm_copy_out(t->mm, a->a[0], &cpu, 4))
        return -EFAULT;
    if (a->a[1] && mm_copy_out(t->mm, a->a[1], &node, 4))
        return -EFAULT;
    return 0;
}

long sys_getrusage(struct task *t, const struct syscall_args *a)
{
    struct rusage ru;
    struct timespec ts;
    int who = (int)a->a[0];

    if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
        return -EINVAL;
    memset(&ru, 0, sizeof(ru));
    {
        uint64_t ns = who == RUSAGE_CHILDREN ? t->proc->cutime_ns
                      : who == RUSAGE_THREAD ? task_thread_cpu_ns(t)
                                             : task_cpu_ns(t);
        ru.ru_minflt = who == RUSAGE_CHILDREN ? (long)t->proc->cminflt
                                              : (long)t->mm->stats.pages_backed;
        ts.tv_sec = ns / 1000000000ULL;
        ts.tv_nsec = ns % 1000000000ULL;
        ru.ru_utime.tv_sec = ts.tv_sec;
        ru.ru_utime.tv_usec = ts.tv_nsec / 1000;
        ru.ru_maxrss = who == RUSAGE_CHILDREN ? (long)t->proc->cmaxrss_kb
                                              : (long)SB_MAX(mm_rss_kb(t->mm), 1);
    }
    return mm_copy_out(t->mm, a->a[1], &ru, sizeof(ru)) ? -EFAULT : 0;
}

long sys_times(struct task *t, const struct syscall_args *a)
{
    struct tms tm;
    struct timespec ts, now;

    (void)ts;
    clock_gettime(CLOCK_MONOTONIC, &now);
    memset(&tm, 0, sizeof(tm));
    tm.tms_utime = (clock_t)(task_cpu_ns(t) / 10000000ULL);
    tm.tms_cutime = (clock_t)(t->proc->cutime_ns / 10000000ULL);
    if (a->a[0] && mm_copy_out(t->mm, a->a[0], &tm, sizeof(tm)))
        return -EFAULT;
    return (long)(now.tv_sec * 100 + now.tv_nsec / 10000000);
}

/* personality(2): the persona is kept per process, inherited by fork and
 * exec, and reported back; its flags change nothing here (no 32-bit
 * emulation; READ_IMPLIES_EXEC and ADDR_NO_RANDOMIZE have no effect). */
long sys_personality(struct task *t, const struct syscall_args *a)
{
    uint32_t want = (uint32_t)a->a[0];
    long old = t->proc->persona;

    if (want != 0xffffffff)
        t->proc->persona = want;
    return old;
}

/* ---- credentials ---- */

static bool one_of(uint32_t v, uint32_t a, uint32_t b, uint32_t c)
{
    return v == a || v == b || v == c;
}

static long set_uids(struct task *t, uint32_t r, uint32_t e, uint32_t s, bool setre)
{
    struct creds o = t->cred, *n = &t->cred;
    bool priv = capable(t, CAP_SETUID);
    const uint32_t keep = (uint32_t)-1;

    if (!priv) {
        if (setre) {
            if (r != keep && r != o.uid && r != o.euid)
                return -EPERM;
            if (e != keep && !one_of(e, o.uid, o.euid, o.suid))
                return -EPERM;
        } else {
            if ((r != keep && !one_of(r, o.uid, o.euid, o.suid)) ||
                (e != keep && !one_of(e, o.uid, o.euid, o.suid)) ||
                (s != keep && !one_of(s, o.uid, o.euid, o.suid)))
                return -EPERM;
        }
    }
    if (r != keep)
        n->uid = r;
    if (e != keep)
        n->euid = e;
    if (setre) {
        if (r != keep || (e != keep && e != o.uid))
            n->suid = n->euid;
    } else if (s != keep) {
        n->suid = s;
    }
    n->fsuid = n->euid;
    cred_fixup_caps(n, &o);
    return 0;
}

static long set_gids(struct task *t, uint32_t r, uint32_t e, uint32_t s, bool setre)
{
    struct creds o = t->cred, *n = &t->cred;
    bool priv = capable(t, CAP_SETGID);
    const uint32_t keep = (uint32_t)-1;

    if (!priv) {
        if (setre) {
            if (r != keep && r != o.gid && r != o.egid)
                return -EPERM;
            if (e != keep && !one_of(e, o.gid, o.egid, o.sgid))
                return -EPERM;
        } else {
            if ((r != keep && !one_of(r, o.gid, o.egid, o.sgid)) ||
                (e != keep && !one_of(e, o.gid, o.egid, o.sgid)) ||
                (s != keep && !one_of(s, o.gid, o.egid, o.sgid)))
                return -EPERM;
        }
    }
    if (r != keep)
        n->gid = r;
    if (e != keep)
        n->egid = e;
    if (setre) {
        if (r != keep || (e != keep && e != o.gid))
            n->sgid = n->egid;
    } else if (s != keep) {
        n->sgid = s;
    }
    n->fsgid = n->egid;
    return 0;
}

long sys_setuid(struct task *t, const struct syscall_args *a)
{
    uint32_t u = (uint32_t)a->a[0];
    struct creds o = t->cred;

    if (u == (uint32_t)-1)
        return -EINVAL;
    if (capable(t, CAP_SETUID)) {
        t->cred.uid = t->cred.euid = t->cred.suid = t->cred.fsuid = u;
    } else if (u == o.uid || u == o.suid) {
        t->cred.euid = t->cred.fsuid = u;
    } else {
        return -EPERM;
    }
    cred_fixup_caps(&t->cred, &o);
    return 0;
}

long sys_setgid(struct task *t, const struct syscall_args *a)
{
    uint32_t g = (uint32_t)a->a[0];

    if (g == (uint32_t)-1)
        return -EINVAL;
    if (capable(t, CAP_SETGID)) {
        t->cred.gid = t->cred.egid = t->cred.sgid = t->cred.fsgid = g;
    } else if (g == t->cred.gid || g == t->cred.sgid) {
        t->cred.egid = t->cred.fsgid = g;
    } else {
        return -EPERM;
    }
    return 0;
}

long sys_setreuid(struct task *t, const struct syscall_args *a)
{
    return set_uids(t, (uint32_t)a->a[0], (uint32_t)a->a[1], (uint32_t)-1, true);
}

long sys_setregid(struct task *t, const struct syscall_args *a)
{
    return set_gids(t, (uint32_t)a->a[0], (uint32_t)a->a[1], (uint32_t)-1, true);
}

long sys_setresuid(struct task *t, const struct syscall_args *a)
{
    return set_uids(t, (uint32_t)a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2], false);
}

long sys_setresgid(struct task *t, const struct syscall_args *a)
{
    return set_gids(t, (uint32_t)a->a[0], (uint32_t)a->a[1], (uint32_t)a->a[2], false);
}

long sys_setfsuid(struct task *t, const struct syscall_args *a)
{
    struct creds o = t->cred;
    uint32_t u = (uint32_t)a->a[0];

    if (u != (uint32_t)-1 &&
        (capable(t, CAP_SETUID) || one_of(u, o.uid, o.euid, o.suid) || u == o.fsuid)) {
        t->cred.fsuid = u;
        cred_fixup_caps(&t->cred, &o);
    }
    return o.fsuid;
}

long sys_setfsgid(struct task *t, const struct syscall_args *a)
{
    uint32_t old = t->cred.fsgid, g = (uint32_t)a->a[0];

    if (g != (uint32_t)-1 && (capable(t, CAP_SETGID) ||
                              one_of(g, t->cred.gid, t->cred.egid, t->cred.sgid) || g == old))
        t->cred.fsgid = g;
    return old;
}

long sys_getgroups(struct task *t, const struct syscall_args *a)
{
    int size = (int)a->a[0], n = t->cred.ngroups;

    if (size < 0)
        return -EINVAL;
    if (size == 0)
        return n;
    if (size < n)
        return -EINVAL;
    if (n && mm_copy_out(t->mm, a->a[1], t->cred.groups, n * sizeof(gid_t)))
        return -EFAULT;
    return n;
}

long sys_setgroups(struct task *t, const struct syscall_args *a)
{
    size_t n = a->a[0];
    gid_t g[64];

    if (!capable(t, CAP_SETGID))
        return -EPERM;
    if (n > 65536)
        return -EINVAL;
    if (n > SB_ARRAY_SIZE(g))
        return -ENOMEM; /* partial: 64 supplementary groups at most */
    if (n && mm_copy_in(t->mm, g, a->a[1], n * sizeof(gid_t)))
        return -EFAULT;
    memcpy(t->cred.groups, g, n * sizeof(gid_t));
    t->cred.ngroups = (int)n;
    return 0;
}

static long cap_header(struct task *t, uint64_t uhdr, int *pid, bool *v1)
{
    struct __user_cap_header_struct h;

    if (mm_copy_in(t->mm, &h, uhdr, sizeof(h)))
        return -EFAULT;
    if (h.version != _LINUX_CAPABILITY_VERSION_1 && h.version != _LINUX_CAPABILITY_VERSION_2 &&
        h.version != _LINUX_CAPABILITY_VERSION_3) {
        h.version = _LINUX_CAPABILITY_VERSION_3;
        if (mm_copy_out(t->mm, uhdr, &h, sizeof(h)))
            return -EFAULT;
        return -EINVAL;
    }
    *pid = h.pid;
    *v1 = h.version == _LINUX_CAPABILITY_VERSION_1;
    return 0;
}

long sys_capget(struct task *t, const struct syscall_args *a)
{
    struct __user_cap_data_struct d[2];
    struct creds c = t->cred;
    int pid;
    bool v1;
    long r = cap_header(t, a->a[0], &pid, &v1);

    if (r == -EINVAL && !a->a[1])
        return 0; /* probing for the version */
    if (r)
        return r;
    if (pid < 0)
        return -EINVAL;
    if (pid && pid != t->tid) {
        struct task *o;
        pthread_mutex_lock(&t->k->lock);
        o = pid_task(t->k, pid);
        if (o)
            c = o->cred;
        pthread_mutex_unlock(&t->k->lock);
        if (!o)
            return -ESRCH;
    }
    memset(d, 0, sizeof(d));
    d[0].effective = (uint32_t)c.cap_eff;
    d[0].permitted = (uint32_t)c.cap_prm;
    d[0].inheritable = (uint32_t)c.cap_inh;
    d[1].effective = (uint32_t)(c.cap_eff >> 32);
    d[1].permitted = (uint32_t)(c.cap_prm >> 32);
    d[1].inheritable = (uint32_t)(c.cap_inh >> 32);
    if (a->a[1] && mm_copy_out(t->mm, a->a[1], d, v1 ? sizeof(d[0]) : sizeof(d)))
        return -EFAULT;
    return 0;
}

long sys_capset(struct task *t, const struct syscall_args *a)
{
    struct __user_cap_data_struct d[2];
    int pid;
    bool v1;
    long r = cap_header(t, a->a[0], &pid, &v1);

    if (r)
        return r;
    if (pid != 0 && pid != t->tid)
        return -EPERM;
    memset(d, 0, sizeof(d));
    if (mm_copy_in(t->mm, d, a->a[1], v1 ? sizeof(d[0]) : sizeof(d)))
        return -EFAULT;
    return cred_capset(t, d[0].effective | ((uint64_t)d[1].effective << 32),
                       d[0].permitted | ((uint64_t)d[1].permitted << 32),
                       d[0].inheritable | ((uint64_t)d[1].inheritable << 32));
}

/* ---- scheduling: affinity, policy, nice (stored; the host schedules) ---- */

static struct task *sched_target(struct task *t, int pid)
{
    struct task *o;

    if (pid == 0)
        return t;
    pthread_mutex_lock(&t->k->lock);
    o = pid_task(t->k, pid);
    pthread_mutex_unlock(&t->k->lock);
    return o;
}

static uint64_t host_cpus(struct task *t)
{
    int n = t->k->ncpus > 0 ? t->k->ncpus : 1;
    return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

long sys_sched_getaffinity(struct task *t, const struct syscall_args *a)
{
    struct task *o;
    uint64_t mask;

    if (a->a[1] < 8 || (a->a[1] & 7))
        return -EINVAL;
    o = sched_target(t, (int)a->a[0]);
    if (!o)
        return -ESRCH;
    mask = o->cpumask ? o->cpumask : host_cpus(t);
    return mm_copy_out(t->mm, a->a[2], &mask, 8) ? -EFAULT : 8;
}

long sys_sched_setaffinity(struct task *t, const struct syscall_args *a)
{
    uint64_t mask = 0;
    struct task *o;

    if (mm_copy_in(t->mm, &mask, a->a[2], SB_MIN(a->a[1], 8)))
        return -EFAULT;
    o = sched_target(t, (int)a->a[0]);
    if (!o)
        return -ESRCH;
    mask &= host_cpus(t);
    if (!mask)
        return -EINVAL;
    o->cpumask = mask;
    if (o == t)
        (void)run_cpu(t); /* move now: the vDSO's getcpu must see it */
    return 0;
}

long sys_sched_getparam(struct task *t, const struct syscall_args *a)
{
    struct task *o = (int)a->a[0] < 0 ? NULL : sched_target(t, (int)a->a[0]);
    int prio;

    if ((int)a->a[0] < 0 || !a->a[1])
        return -EINVAL;
    if (!o)
        return -ESRCH;
    prio = o->sched_prio;
    return mm_copy_out(t->mm, a->a[1], &prio, sizeof(prio)) ? -EFAULT : 0;
}

long sys_sched_getscheduler(struct task *t, const struct syscall_args *a)
{
    struct task *o;

    if ((int)a->a[0] < 0)
        return -EINVAL;
    o = sched_target(t, (int)a->a[0]);
    if (!o)
        return -ESRCH;
    return o->sched_policy | (o->sched_reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

static int prio_max(int policy)
{
    switch (policy) {
    case SCHED_FIFO:
    case SCHED_RR:
        return 99;
    case SCHED_OTHER:
    case SCHED_BATCH:
    case SCHED_IDLE:
    case 6: /* SCHED_DEADLINE */
        return 0;
    default:
        return -EINVAL;
    }
}

long sys_sched_get_priority_max(struct task *t, const struct syscall_args *a)
{
    return prio_max((int)a->a[0]);
}

long sys_sched_get_priority_min(struct task *t, const struct syscall_args *a)
{
    int m = prio_max((int)a->a[0]);
    return m < 0 ? m : m ? 1 : 0;
}

static long set_sched(struct task *t, int pid, int policy, uint64_t uparam, bool keep_policy)
{
    struct task *o;
    int prio, max;
    bool reset;

    if (pid < 0 || !uparam)
        return -EINVAL;
    if (mm_copy_in(t->mm, &prio, uparam, sizeof(prio)))
        return -EFAULT;
    o = sched_target(t, pid);
    if (!o)
        return -ESRCH;
    reset = keep_policy ? o->sched_reset_on_fork : !!(policy & SCHED_RESET_ON_FORK);
    if (keep_policy)
        policy = o->sched_policy;
    policy &= ~SCHED_RESET_ON_FORK;
    max = prio_max(policy);
    if (max < 0)
        return -EINVAL;
    if (prio < (max ? 1 : 0) || prio > max)
        return -EINVAL;
    if (max && !capable(t, CAP_SYS_NICE))
        return -EPERM;
    o->sched_policy = policy;
    o->sched_prio = prio;
    o->sched_reset_on_fork = reset;
    return 0;
}

long sys_sched_setscheduler(struct task *t, const struct syscall_args *a)
{
    return set_sched(t, (int)a->a[0], (int)a->a[1], a->a[2], false);
}

long sys_sched_setparam(struct task *t, const struct syscall_args *a)
{
    return set_sched(t, (int)a->a[0], 0, a->a[1], true);
}

long sys_sched_rr_get_interval(struct task *t, const struct syscall_args *a)
{
    struct timespec ts = { 0, 0 };
    struct task *o;

    if ((int)a->a[0] < 0)
        return -EINVAL;
    if (!(o = sched_target(t, (int)a->a[0])))
        return -ESRCH;
    /* RR_TIMESLICE for SCHED_RR; 0 for FIFO, and for the fair classes as
     * Linux 6.6+ (EEVDF) reports it. */
    if (o->sched_policy == SCHED_RR)
        ts.tv_nsec = 100000000;
    return mm_copy_out(t->mm, a->a[1], &ts, sizeof(ts)) ? -EFAULT : 0;
}

long sys_getpriority(struct task *t, const struct syscall_args *a)
{
    int which = (int)a->a[0], who = (int)a->a[1];
    struct task *o;

    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    if (which != PRIO_PROCESS)
        return 20 - t->proc->nice;
    o = sched_target(t, who);
    if (!o)
        return -ESRCH;
    return 20 - o->proc->nice;
}

long sys_setpriority(struct task *t, const struct syscall_args *a)
{
    int which = (int)a->a[0], who = (int)a->a[1], nice = (int)a->a[2];
    struct task *o;

    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    if (nice < -20)
        nice = -20;
    if (nice > 19)
        nice = 19;
    o = which == PRIO_PROCESS ? sched_target(t, who) : t;
    if (!o)
        return -ESRCH;
    if (nice < o->proc->nice && !capable(t, CAP_SYS_NICE))
        return -EACCES;
    o->proc->nice = nice;
    return 0;
}

/* sched_getattr/sched_setattr: the same records as sched_setscheduler
 * (policy, RT priority, reset-on-fork) and setpriority (nice, per process
 * here). SCHED_DEADLINE and utilisation clamping are not offered. */
struct sched_attr_ {
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
    uint32_t sched_util_min, sched_util_max;
};
#define SCHED_ATTR_SIZE_VER0 48
#define SCHED_FLAG_RESET_ON_FORK_ 0x01
#define SCHED_FLAG_KEEP_POLICY_ 0x08
#define SCHED_FLAG_KEEP_PARAMS_ 0x10
#define SCHED_FLAG_UTIL_CLAMP_ 0x60
#define SCHED_FLAG_ALL_ 0x7f

long sys_sched_getattr(struct task *t, const struct syscall_args *a)
{
    struct sched_attr_ at;
    uint64_t usize = (uint32_t)a->a[2];
    struct task *o;

    if (!a->a[1] || (int)a->a[0] < 0 || usize > 4096 || usize < SCHED_ATTR_SIZE_VER0 ||
        (uint32_t)a->a[3])
        return -EINVAL;
    o = sched_target(t, (int)a->a[0]);
    if (!o)
        return -ESRCH;
    memset(&at, 0, sizeof(at));
    at.size = (uint32_t)SB_MIN(usize, sizeof(at));
    at.sched_policy = (uint32_t)o->sched_policy;
    at.sched_flags = o->sched_reset_on_fork ? SCHED_FLAG_RESET_ON_FORK_ : 0;
    if (o->sched_policy == SCHED_FIFO || o->sched_policy == SCHED_RR)
        at.sched_priority = (uint32_t)o->sched_prio;
    else
        at.sched_nice = o->proc->nice;
    return mm_copy_out(t->mm, a->a[1], &at, at.size) ? -EFAULT : 0;
}

/* Linux's sched_copy_attr: size 0 means VER0; a larger struct is fine if
 * the bytes we do not know are zero; else E2BIG with our size written back. */
static long copy_sched_attr(struct task *t, uint64_t uattr, struct sched_attr_ *at)
{
    uint32_t size, ours = sizeof(*at);
    uint8_t tail[64];

    memset(at, 0, sizeof(*at));
    if (mm_copy_in(t->mm, &size, uattr, sizeof(size)))
        return -EFAULT;
    if (!size)
        size = SCHED_ATTR_SIZE_VER0;
    if (size > 4096 || size < SCHED_ATTR_SIZE_VER0)
        goto too_big;
    if (mm_copy_in(t->mm, at, uattr, SB_MIN(size, ours)))
        return -EFAULT;
    for (uint32_t off = ours; off < size; off += sizeof(tail)) {
        uint32_t n = SB_MIN(size - off, (uint32_t)sizeof(tail));
        if (mm_copy_in(t->mm, tail, uattr + off, n))
            return -EFAULT;
        for (uint32_t i = 0; i < n; i++)
            if (tail[i])
                goto too_big;
    }
    if ((at->sched_flags & SCHED_FLAG_UTIL_CLAMP_) && size < 56)
        return -EINVAL;
    at->sched_nice = SB_MAX(-20, SB_MIN(19, at->sched_nice));
    return 0;
too_big:
    if (mm_copy_out(t->mm, uattr, &ours, sizeof(ours)))
        return -EFAULT;
    return -E2BIG;
}

long sys_sched_setattr(struct task *t, const struct syscall_args *a)
{
    struct sched_attr_ at;
    struct task *o;
    int policy, max;
    long r;

    if (!a->a[1] || (int)a->a[0] < 0 || (uint32_t)a->a[2])
        return -EINVAL;
    if ((r = copy_sched_attr(t, a->a[1], &at)))
        return r;
    if ((int)at.sched_policy < 0)
        return -EINVAL;
    o = sched_target(t, (int)a->a[0]);
    if (!o)
        return -ESRCH;
    policy = (at.sched_flags & SCHED_FLAG_KEEP_POLICY_) ? o->sched_policy : (int)at.sched_policy;
    if (at.sched_flags & ~(uint64_t)SCHED_FLAG_ALL_)
        return -EINVAL;
    max = prio_max(policy);
    if (max < 0)
        return -EINVAL; /* SCHED_DEADLINE (6) included: not offered */
    if (at.sched_flags & SCHED_FLAG_UTIL_CLAMP_)
        return -EOPNOTSUPP; /* no utilisation clamping (CONFIG_UCLAMP_TASK off) */
    if (!(at.sched_flags & SCHED_FLAG_KEEP_PARAMS_)) {
        if (at.sched_priority > 99 || (max != 0) != (at.sched_priority != 0))
            return -EINVAL;
    }
    if ((max || (!(at.sched_flags & SCHED_FLAG_KEEP_PARAMS_) && !max &&
                 at.sched_nice < o->proc->nice)) &&
        !capable(t, CAP_SYS_NICE))
        return -EPERM;
    o->sched_policy = policy;
    o->sched_reset_on_fork = at.sched_flags & SCHED_FLAG_RESET_ON_FORK_;
    if (!(at.sched_flags & SCHED_FLAG_KEEP_PARAMS_)) {
        o->sched_prio = (int)at.sched_priority;
        if (!max)
            o->proc->nice = at.sched_nice;
    }
    return 0;
}

/* ---- I/O priorities: recorded per task, reported back ---- */
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_CLASS_(p) (((p) >> IOPRIO_CLASS_SHIFT) & 7)
#define IOPRIO_LEVEL_(p) ((p) & 7)
#define IOPRIO_HINT_(p) (((p) >> 3) & 0x3ff)
#define IOPRIO_DEFAULT_ ((2 << IOPRIO_CLASS_SHIFT) | 4) /* BE, level 4 */
enum { IOPRIO_WHO_PROCESS_ = 1, IOPRIO_WHO_PGRP_, IOPRIO_WHO_USER_ };

int sys_ioprio_check(struct task *t, int prio)
{
    switch (IOPRIO_CLASS_(prio)) {
    case 1: /* RT */
        if (!capable(t, CAP_SYS_NICE) && !capable(t, CAP_SYS_ADMIN))
            return -EPERM;
        /* fall through */
    case 2: /* BE */
    case 3: /* IDLE */
        break;
    case 0: /* NONE: no level */
        if (IOPRIO_LEVEL_(prio))
            return -EINVAL;
        break;
    default:
        return -EINVAL;
    }
    if (IOPRIO_HINT_(prio) > 7 || (prio >> 16))
        return -EINVAL; /* hints: IOPRIO_HINT_DEV_DURATION_LIMIT_1..7 */
    return 0;
}

/* Does task o belong to the set ioprio's (which, who) names? */
static bool ioprio_match(struct task *t, struct task *o, int which, int who)
{
    if (which == IOPRIO_WHO_PGRP_)
        return o->proc->pgid == (who ? who : t->proc->pgid);
    return o->cred.uid == (who ? (uid_t)who : t->cred.uid);
}

/* ioprio_best: the higher priority of two, "none" counting as BE/4. */
static int ioprio_best(int a, int b)
{
    if (!IOPRIO_CLASS_(a))
        a = IOPRIO_DEFAULT_;
    if (!IOPRIO_CLASS_(b))
        b = IOPRIO_DEFAULT_;
    return SB_MIN(a, b);
}

long sys_ioprio_set(struct task *t, const struct syscall_args *a)
{
    int which = (int)a->a[0], who = (int)a->a[1], prio = (int)a->a[2], r, n = 0;
    struct task *o;

    if ((r = sys_ioprio_check(t, prio)))
        return r;
    if (which == IOPRIO_WHO_PROCESS_) {
        o = who ? sched_target(t, who) : t;
        if (!o)
            return -ESRCH;
        o->ioprio = prio;
        return 0;
    }
    if (which != IOPRIO_WHO_PGRP_ && which != IOPRIO_WHO_USER_)
        return -EINVAL;
    pthread_mutex_lock(&t->k->lock);
    for (int i = 1; i < PID_MAX; i++) {
        o = t->k->tasks[i];
        if (o && !o->exiting && ioprio_match(t, o, which, who)) {
            o->ioprio = prio;
            n++;
        }
    }
    pthread_mutex_unlock(&t->k->lock);
    return n ? 0 : -ESRCH;
}

long sys_ioprio_get(struct task *t, const struct syscall_args *a)
{
    int which = (int)a->a[0], who = (int)a->a[1], best = -ESRCH;
    struct task *o;

    if (which == IOPRIO_WHO_PROCESS_) {
        o = who ? sched_target(t, who) : t;
        return o ? o->ioprio : -ESRCH;
    }
    if (which != IOPRIO_WHO_PGRP_ && which != IOPRIO_WHO_USER_)
        return -EINVAL;
    pthread_mutex_lock(&t->k->lock);
    for (int i = 1; i < PID_MAX; i++) {
        o = t->k->tasks[i];
        if (o && !o->exiting && ioprio_match(t, o, which, who))
            best = best < 0 ? o->ioprio : ioprio_best(best, o->ioprio);
    }
    pthread_mutex_unlock(&t->k->lock);
    return best;
}

/* syslog: the sandbox is a container without CAP_SYSLOG in the initial
 * user namespace and with kernel.dmesg_restrict=1, so Linux refuses every
 * action, unknown ones included, with EPERM before looking at the buffer:
 * there is no kernel log to read, clear, size or redirect. */
long sys_syslog(struct task *t, const struct syscall_args *a)
{
    return -EPERM;
}

/* ---- membarrier ----
 *
 * On the ptrace platform the other threads of a process run app code on
 * host CPUs while the Sentry handles this call, so no barrier happens by
 * itself: a thread spinning in user space would never pass one. The
 * expedited commands (and GLOBAL) therefore interrupt every other thread of
 * the process (of every registered process, for GLOBAL_EXPEDITED; of every
 * process, for GLOBAL) that is running app code, and wait until each has
 * stopped in the Sentry once: that stop is a host kernel entry (a full
 * barrier and a core-serialising event), and the Sentry's locks order it
 * before this call returns. A thread that is not running app code is
 * inside the Sentry, and passes a kernel exit before it runs app code
 * again. */
#define MB_GLOBAL 1
#define MB_GLOBAL_EXPEDITED 2
#define MB_REGISTER_GLOBAL_EXPEDITED 4
#define MB_PRIVATE_EXPEDITED 8
#define MB_REGISTER_PRIVATE_EXPEDITED 16
#define MB_PRIVATE_EXPEDITED_SYNC_CORE 32
#define MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE 64
#define MB_GET_REGISTRATIONS 512
#define MB_SUPPORTED                                                                            \
    (MB_GLOBAL | MB_GLOBAL_EXPEDITED | MB_REGISTER_GLOBAL_EXPEDITED | MB_PRIVATE_EXPEDITED |    \
     MB_REGISTER_PRIVATE_EXPEDITED | MB_PRIVATE_EXPEDITED_SYNC_CORE |                           \
     MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE | MB_GET_REGISTRATIONS)

/* Interrupt the tasks `pick` selects and wait until each has been back in
 * the Sentry (or stopped running app code). */
static void membarrier_sync(struct task *t, bool (*pick)(struct task *t, struct task *o))
{
    struct kernel *k = t->k;
    uint64_t seen[64];
    struct task *who[64];
    int n = 0, base = 1;

    while (base < PID_MAX) {
        n = 0;
        pthread_mutex_lock(&k->lock);
        for (; base < PID_MAX && n < 64; base++) {
            struct task *o = k->tasks[base];
            if (!o || o == t || o->exiting || !pick(t, o) ||
                !__atomic_load_n(&o->in_app, __ATOMIC_ACQUIRE))
                continue;
            seen[n] = __atomic_load_n(&o->switches, __ATOMIC_ACQUIRE);
            who[n++] = o;
            if (o->ctx)
                k->pops->ctx_interrupt(o->ctx);
        }
        pthread_mutex_unlock(&k->lock);
        for (int i = 0; i < n; i++) {
            for (int tries = 0; tries < 2000; tries++) {
                bool done;
                pthread_mutex_lock(&k->lock);
                done = who[i]->exiting || !__atomic_load_n(&who[i]->in_app, __ATOMIC_ACQUIRE) ||
                       __atomic_load_n(&who[i]->switches, __ATOMIC_ACQUIRE) != seen[i];
                if (!done && who[i]->ctx && tries % 16 == 15)
                    k->pops->ctx_interrupt(who[i]->ctx); /* resend: it may have been early */
                pthread_mutex_unlock(&k->lock);
                if (done || task_signal_pending(t))
                    break;
                {
                    struct timespec d, rel = { 0, 100000 }; /* 100 us */
                    ts_deadline_in(&d, &rel);
                    pthread_mutex_lock(&t->wait_mu);
                    pthread_cond_timedwait(&t->wait_cv, &t->wait_mu, &d);
                    pthread_mutex_unlock(&t->wait_mu);
                }
            }
        }
    }
}

static bool mb_same_mm(struct task *t, struct task *o)
{
    return o->mm == t->mm;
}

static bool mb_registered_global(struct task *t, struct task *o)
{
    return o->mm && (o->mm->membarrier_state & MB_REGISTER_GLOBAL_EXPEDITED);
}

static bool mb_any(struct task *t, struct task *o)
{
    return true;
}

long sys_membarrier(struct task *t, const struct syscall_args *a)
{
    int cmd = (int)a->a[0];
    struct mm *mm = t->mm;

    if (a->a[1])
        return -EINVAL; /* MEMBARRIER_CMD_FLAG_CPU is for the rseq command only */
    switch (cmd) {
    case 0: /* MEMBARRIER_CMD_QUERY */
        return MB_SUPPORTED;
    case MB_GLOBAL:
        membarrier_sync(t, mb_any);
        return 0;
    case MB_GLOBAL_EXPEDITED:
        membarrier_sync(t, mb_registered_global);
        return 0;
    case MB_PRIVATE_EXPEDITED:
    case MB_PRIVATE_EXPEDITED_SYNC_CORE:
        if (!(__atomic_load_n(&mm->membarrier_state, __ATOMIC_ACQUIRE) & (cmd << 1)))
            return -EPERM;
        membarrier_sync(t, mb_same_mm);
        return 0;
    case MB_REGISTER_GLOBAL_EXPEDITED:
    case MB_REGISTER_PRIVATE_EXPEDITED:
    case MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
        __atomic_or_fetch(&mm->membarrier_state, cmd, __ATOMIC_ACQ_REL);
        return 0;
    case MB_GET_REGISTRATIONS:
        return __atomic_load_n(&mm->membarrier_state, __ATOMIC_ACQUIRE);
    default:
        return -EINVAL;
    }
}
