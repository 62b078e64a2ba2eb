/* sentry/kernel/process.c: the process table, task lifetime, exit and reaping.
 *
 * Pids are the sandbox's own: init is 1. k->lock covers the table, the
 * process tree and each process's exit and stop state.
 */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <linux/futex.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "sentry/fs/fs.h"

int pid_alloc(struct kernel *k, struct task *t)
{
    for (int i = 0; i < PID_MAX - 1; i++) {
        int pid = k->last_pid + 1 + i;
        if (pid >= PID_MAX)
            pid = pid - PID_MAX + 1;
        if (pid < 1)
            continue;
        if (!k->tasks[pid]) {
            k->tasks[pid] = t;
            k->last_pid = pid;
            return pid;
        }
    }
    return -EAGAIN;
}

struct task *pid_task(struct kernel *k, int pid)
{
    if (pid <= 0 || pid >= PID_MAX)
        return NULL;
    return k->tasks[pid];
}

struct process *pid_process(struct kernel *k, int tgid)
{
    struct task *t = pid_task(k, tgid);
    if (!t || !t->proc || t->proc->tgid != tgid)
        return NULL;
    return t->proc;
}

int process_ppid(struct task *t)
{
    int r;
    pthread_mutex_lock(&t->k->lock);
    r = t->proc->parent ? t->proc->parent->tgid : 0;
    pthread_mutex_unlock(&t->k->lock);
    return r;
}

static void unlink_child(struct process *parent, struct process *c)
{
    for (struct process **pp = &parent->children; *pp; pp = &(*pp)->sibling) {
        if (*pp == c) {
            *pp = c->sibling;
            c->sibling = NULL;
            return;
        }
    }
}

static void link_child(struct process *parent, struct process *c)
{
    c->parent = parent;
    c->sibling = parent->children;
    parent->children = c;
}

/* Free a reaped zombie (k->lock held). */
static void process_release(struct kernel *k, struct process *p)
{
    struct task *leader = k->tasks[p->tgid];

    if (leader && leader->proc == p)
        k->tasks[p->tgid] = NULL;
    unlink_child(p->parent, p);
    pidfd_process_reaped(p);
    k->nprocs--;
    sighand_put(p->sighand);
    uts_put(p->uts);
    free(p->exe);
    p->state = PROC_DEAD;
    if (leader && leader->proc == p) {
        if (leader->thread_done)
            free(leader);
        else
            leader->proc_released = true; /* its thread frees it */
    }
    free(p);
}

static bool parent_auto_reaps(struct process *parent)
{
    struct ksigaction *a = &parent->sighand->act[SIGCHLD - 1];
    return a->handler == (uint64_t)SIG_IGN || (a->flags & SA_NOCLDWAIT);
}

/* Wake futex waiters on the clear-child-tid word (futex.c). */
int futex_wake_addr(struct task *t, uint64_t uaddr, int n, bool shared);

/* Where orphans go: the nearest subreaper ancestor, else init. */
static struct process *reaper_for(struct kernel *k, struct process *p)
{
    for (struct process *a = p->parent; a; a = a->parent)
        if (a->child_subreaper && a->state == PROC_LIVE)
            return a;
    return k->init;
}

/* Linux's parent-death signal of a child c: sent as from the exiting
 * thread t (k->lock held). */
static void send_pdeathsig(struct kernel *k, struct process *c, struct task *t)
{
    siginfo_t si;

    if (!c->pdeathsig || c->state != PROC_LIVE)
        return;
    signal_fill_kill_info(&si, c->pdeathsig, SI_USER, t); /* from the dead parent */
    signal_send_process(k, c, c->pdeathsig, &si);
}

/* A thread that is not its process's last exits: the children it forked
 * get their parent-death signal and a live sibling as parent thread. */
static void orphan_thread_children(struct kernel *k, struct task *t)
{
    for (struct process *c = t->proc->children; c; c = c->sibling) {
        if (c->parent_tid != t->tid)
            continue;
        c->parent_tid = t->proc->threads ? t->proc->threads->tid : t->proc->tgid;
        send_pdeathsig(k, c, t);
    }
}

void process_exit_thread(struct task *t)
{
    struct kernel *k = t->k;
    struct process *p = t->proc;
    struct context *ctx;
    struct fdtable *fdt;
    struct fs_ctx *fs;
    struct mm *mm;
    bool last, leader, free_me;

    /* Robust futexes this thread held are marked FUTEX_OWNER_DIED. */
    if (t->mm)
        futex_exit_robust_list(t);
    /* CLONE_CHILD_CLEARTID: zero the tid word and wake a pthread_join. */
    if (t->clear_child_tid && t->mm && t->mm->users > 1) {
        uint32_t zero = 0;
        if (mm_copy_out(t->mm, t->clear_child_tid, &zero, sizeof(zero)) == 0)
            futex_wake_addr(t, t->clear_child_tid, 1, true);
    }
    pthread_mutex_lock(&k->lock);
    if (p->vfork_parent && p->nthreads == 1) {
        struct task *vp = p->vfork_parent;
        p->vfork_parent = NULL;
        vp->vfork_done = true;
        task_wake(vp);
    }
    for (struct task **pp = &p->threads; *pp; pp = &(*pp)->tg_next) {
        if (*pp == t) {
            *pp = t->tg_next;
            break;
        }
    }
    p->threads_exiting++;
    last = --p->nthreads == 0;
    if (!last)
        orphan_thread_children(k, t);
    if (!p->group_exit && last)
        p->exit_status = (t->exit_code & 0xff) << 8;
    if (last && t->mm && t->mm->as) {
        p->utime_ns = k->pops->as_cpu_ns(t->mm->as);
        p->maxrss_kb = mm_rss_kb(t->mm);
        p->minflt = t->mm->stats.pages_backed;
    }
    /* Others (signals, /proc) find these under k->lock: detach them here. */
    ctx = t->ctx;
    fdt = t->fdt;
    fs = t->fs;
    mm = t->mm;
    semundo_put(t->semundo);
    t->semundo = NULL;
    t->ctx = NULL;
    t->fdt = NULL;
    t->fs = NULL;
    t->mm = NULL;
    pthread_mutex_unlock(&k->lock);

    /* Resources of this thread. The last one also drops the process's. */
    if (last) {
        timer_process_exit(p, false);
        ipc_process_exit(p);
    }
    k->pops->ctx_release(ctx);
    fdt_put(fdt);
    fs_ctx_put(fs);
    mm_put(mm);
    /* A session leader's end releases its terminal (as Linux's
     * disassociate_ctty, after the files are closed). */
    if (last)
        devpts_session_exit(p);

    pthread_mutex_lock(&k->lock);
    leader = t->tid == p->tgid;
    if (!leader && k->tasks[t->tid] == t)
        k->tasks[t->tid] = NULL;
    /* The process ends when the last thread is through here, not when
     * the last one started exiting: others may still be releasing. */
    last = --p->threads_exiting == 0 && p->nthreads == 0;
    if (last && p == k->init) {
        k->init_status = p->exit_status;
        k->init_gone = true;
        pthread_cond_broadcast(&k->init_gone_cv);
        t->thread_done = true;
        pthread_mutex_unlock(&k->lock);
        return; /* the sandbox ends; kernel_run tears everything down */
    }
    if (last) {
        /* The process is gone: its children go to a reaper; it becomes
         * a zombie for its parent (or is reaped at once). */
        struct process *reaper = reaper_for(k, p);
        for (struct process *c = p->children; c; c = c->sibling)
            send_pdeathsig(k, c, t);
        while (p->children) {
            struct process *c = p->children;
            p->children = c->sibling;
            link_child(reaper, c);
            c->parent_tid = reaper->threads ? reaper->threads->tid : reaper->tgid;
            if (c->state == PROC_ZOMBIE)
                waitq_wake_all(&reaper->child_wq);
        }
        p->state = PROC_ZOMBIE;
        pidfd_process_exited(p);
        if (p->exit_signal == SIGCHLD && parent_auto_reaps(p->parent)) {
            struct process *parent = p->parent;
            /* SA_NOCLDWAIT with a handler still gets the signal. */
            if (parent->sighand->act[SIGCHLD - 1].handler != (uint64_t)SIG_IGN)
                signal_notify_parent(p, WIFSIGNALED(p->exit_status) ? CLD_KILLED : CLD_EXITED,
                                     WIFSIGNALED(p->exit_status) ? WTERMSIG(p->exit_status)
                                                                 : WEXITSTATUS(p->exit_status));
            process_release(k, p); /* p is gone after this */
            waitq_wake_all(&parent->child_wq);
        } else {
            signal_notify_parent(p, WIFSIGNALED(p->exit_status) ? CLD_KILLED : CLD_EXITED,
                                 WIFSIGNALED(p->exit_status) ? WTERMSIG(p->exit_status)
                                                             : WEXITSTATUS(p->exit_status));
            waitq_wake_all(&p->parent->child_wq);
        }
    }
    /* A leader's struct lives until its process is reaped. */
    free_me = !leader || t->proc_released;
    t->thread_done = true;
    pthread_mutex_unlock(&k->lock);
    if (free_me)
        free(t);
}

/* ---- wait4 / waitid ---- */

struct wait_req {
    struct task *t;
    int idtype; /* P_PID, P_PGID, P_ALL, P_PIDFD */
    int id;
    struct pid_handle *handle; /* P_PIDFD's */
    int options;
    /* result */
    int found_pid;
    int status;  /* wait status (wait4) */
    int code;    /* CLD_* (waitid) */
    int sigstat; /* exit code or signal (waitid si_status) */
    uint64_t utime_ns, maxrss_kb;
    uid_t uid;
    int err;
};

static bool matches(struct wait_req *w, struct process *c)
{
    bool clone_child = c->exit_signal != SIGCHLD;

    if (!(w->options & __WALL)) {
        if ((w->options & __WCLONE) ? !clone_child : clone_child)
            return false;
    }
    switch (w->idtype) {
    case P_PID:
        return c->tgid == w->id;
    case P_PGID:
        return c->pgid == w->id;
    case P_PIDFD:
        return c->handle == w->handle;
    default:
        return true;
    }
}

/* One pass over the children (k->lock held). 1: found, 0: none ready. */
static int wait_scan(struct kernel *k, struct wait_req *w)
{
    struct process *me = w->t->proc, *c, *next;
    bool any = false;

    for (c = me->children; c; c = next) {
        next = c->sibling;
        if (!matches(w, c))
            continue;
        any = true;
        if (c->state == PROC_ZOMBIE && (w->options & WEXITED)) {
            w->found_pid = c->tgid;
            w->status = c->exit_status;
            w->code = WIFSIGNALED(c->exit_status) ? CLD_KILLED : CLD_EXITED;
            w->sigstat = WIFSIGNALED(c->exit_status) ? WTERMSIG(c->exit_status)
                                                     : WEXITSTATUS(c->exit_status);
            w->uid = c->threads ? c->threads->cred.uid : w->t->cred.uid;
            w->utime_ns = c->utime_ns + c->cutime_ns;
            w->maxrss_kb = SB_MAX(c->maxrss_kb, c->cmaxrss_kb);
            if (!(w->options & WNOWAIT)) {
                me->cutime_ns += c->utime_ns + c->cutime_ns;
                me->cmaxrss_kb = SB_MAX(me->cmaxrss_kb, w->maxrss_kb);
                me->cminflt += c->minflt + c->cminflt;
                process_release(k, c);
            }
            return 1;
        }
        if (c->state == PROC_LIVE && c->stopped && c->stop_to_report &&
            (w->options & WUNTRACED)) {
            w->found_pid = c->tgid;
            w->status = (c->stop_sig << 8) | 0x7f;
            w->code = CLD_STOPPED;
            w->sigstat = c->stop_sig;
            if (!(w->options & WNOWAIT))
                c->stop_to_report = false;
            return 1;
        }
        if (c->state == PROC_LIVE && c->cont_to_report && (w->options & WCONTINUED)) {
            w->found_pid = c->tgid;
            w->status = 0xffff;
            w->code = CLD_CONTINUED;
            w->sigstat = SIGCONT;
            if (!(w->options & WNOWAIT))
                c->cont_to_report = false;
            return 1;
        }
    }
    if (!any) {
        w->err = -ECHILD;
        return 1;
    }
    return 0;
}

static bool wait_ready(void *arg)
{
    struct wait_req *w = arg;
    struct kernel *k = w->t->k;
    int r;

    pthread_mutex_lock(&k->lock);
    r = wait_scan(k, w);
    pthread_mutex_unlock(&k->lock);
    return r || (w->options & WNOHANG);
}

/* Returns the pid found, 0 (WNOHANG, none ready) or -errno. */
static long do_wait(struct wait_req *w)
{
    long r;

    w->found_pid = 0;
    w->err = 0;
    r = task_wait_event(w->t, &w->t->proc->child_wq, wait_ready, w, NULL);
    if (r)
        return r;
    if (w->err)
        return w->err;
    return w->found_pid;
}

static void fill_rusage(struct rusage *ru, uint64_t ns, uint64_t maxrss)
{
    memset(ru, 0, sizeof(*ru));
    ru->ru_utime.tv_sec = ns / 1000000000ULL;
    ru->ru_utime.tv_usec = (ns % 1000000000ULL) / 1000;
    ru->ru_maxrss = (long)maxrss;
}

long kernel_wait4(struct task *t, int pid, int *status, int options, struct rusage *ru)
{
    struct wait_req w = { .t = t };
    long r;

    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD))
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH;
    w.options = options | WEXITED;
    if (pid > 0) {
        w.idtype = P_PID;
        w.id = pid;
    } else if (pid == 0) {
        w.idtype = P_PGID;
        w.id = t->proc->pgid;
    } else if (pid == -1) {
        w.idtype = P_ALL;
    } else {
        w.idtype = P_PGID;
        w.id = -pid;
    }
    r = do_wait(&w);
    if (r > 0 && status)
        *status = w.status;
    if (r > 0 && ru)
        fill_rusage(ru, w.utime_ns, w.maxrss_kb);
    return r;
}

long kernel_waitid(struct task *t, int idtype, int id, siginfo_t *si, int options,
                   struct rusage *ru)
{
    struct wait_req w = { .t = t };
    struct file *pidfd = NULL;
    bool nonblock = false;
    long r;

    if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WALL | __WCLONE |
                    __WNOTHREAD))
        return -EINVAL;
    if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;
    switch (idtype) {
    case P_ALL:
        break;
    case P_PID:
    case P_PGID:
        if (id <= 0 && !(idtype == P_PGID && id == 0))
            return -EINVAL;
        if (idtype == P_PGID && id == 0)
            id = t->proc->pgid;
        break;
    case P_PIDFD: {
        struct file *f;
        if (id < 0)
            return -EINVAL;
        f = fdt_get(t->fdt, id);
        w.handle = pidfd_file_handle(f);
        if (!w.handle) {
            if (f)
                file_put(f);
            return -EBADF;
        }
        /* A non-blocking pidfd waits as WNOHANG, and says EAGAIN. */
        nonblock = f->flags & O_NONBLOCK;
        pidfd = f;
        break;
    }
    default:
        return -EINVAL;
    }
    w.idtype = idtype;
    w.id = id;
    w.options = options | (nonblock ? WNOHANG : 0);
    r = do_wait(&w);
    if (r == 0 && nonblock && !(options & WNOHANG))
        r = -EAGAIN;
    if (pidfd)
        file_put(pidfd);
    memset(si, 0, sizeof(*si));
    if (r > 0) {
        si->si_signo = SIGCHLD;
        si->si_code = w.code;
        si->si_pid = w.found_pid;
        si->si_uid = w.uid;
        si->si_status = w.sigstat;
        if (ru)
            fill_rusage(ru, w.utime_ns, w.maxrss_kb);
    }
    return r < 0 ? r : 0;
}

void semundo_put(struct sem_undo_list *u)
{
    if (u && !__atomic_sub_fetch(&u->ref, 1, __ATOMIC_ACQ_REL))
        free(u);
}

struct uts_ns *uts_get(struct uts_ns *u)
{
    __atomic_add_fetch(&u->ref, 1, __ATOMIC_RELAXED);
    return u;
}

void uts_put(struct uts_ns *u)
{
    if (u && !__atomic_sub_fetch(&u->ref, 1, __ATOMIC_ACQ_REL))
        free(u);
}

struct uts_ns *uts_copy(const struct uts_ns *u)
{
    struct uts_ns *n = xzalloc(sizeof(*n));
    memcpy(n, u, sizeof(*n));
    n->ref = 1;
    return n;
}
