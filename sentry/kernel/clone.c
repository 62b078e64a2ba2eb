/* sentry/kernel/clone.c: fork, vfork, clone: new processes and threads. */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "lib/log.h"
#include <linux/capability.h>
#include "lib/xalloc.h"

#define CLONE_NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
                        CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define CLONE_KNOWN (0xff | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_PIDFD | \
                     CLONE_PTRACE | CLONE_VFORK | CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM | \
                     CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | \
                     CLONE_UNTRACED | CLONE_CHILD_SETTID | CLONE_IO | CLONE_NS_FLAGS |     \
                     CLONE_CLEAR_SIGHAND)


static bool vfork_done(void *arg)
{
    struct task *t = arg;
    return t->vfork_done;
}

/* mm_fork's clone_as: the child's platform address space, made through the
 * forking task's context. */
static int fork_as(void *arg, struct address_space **as)
{
    struct task *t = arg;

    return t->k->pops->as_clone(t->ctx, t->mm->as, as);
}

/* CLONE_PIDFD: a pidfd on a handle not yet tied to a process, installed in
 * t's table and its number stored at upidfd, before anything else is made
 * (Linux fails the clone on EMFILE and EFAULT here too). */
static int pidfd_prepare(struct task *t, uint64_t upidfd, struct pid_handle **h)
{
    int fd, v;

    *h = pidfd_handle_new();
    __atomic_add_fetch(&(*h)->ref, 1, __ATOMIC_RELAXED); /* the file's */
    fd = pidfd_install(t, *h, 0);
    if (fd < 0)
        return fd;
    v = fd;
    if (mm_copy_out(t->mm, upidfd, &v, sizeof(v))) {
        fdt_close(t->fdt, fd);
        return -EFAULT;
    }
    return fd;
}

static long do_clone(struct task *t, uint64_t flags, uint64_t newsp, uint64_t ptid,
                     uint64_t ctid, uint64_t tls, uint64_t upidfd, struct pid_handle **ph,
                     int *pidfd)
{
    struct kernel *k = t->k;
    struct process *p = t->proc, *np = NULL;
    struct task *c;
    struct mm *mm = NULL;
    struct context *ctx = NULL;
    int tid, r;

    if (flags & ~CLONE_KNOWN)
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_FS) && (flags & CLONE_NEWNS))
        return -EINVAL;
    if ((flags & CLONE_CLEAR_SIGHAND) && (flags & CLONE_SIGHAND))
        return -EINVAL;
    if (flags & CLONE_NS_FLAGS & ~CLONE_NEWUTS)
        return -EINVAL; /* namespaces inside the sandbox: UTS only so far */
    if ((flags & CLONE_NEWUTS) && !capable(t, CAP_SYS_ADMIN))
        return -EPERM;
    /* CLONE_PIDFD: the pidfd goes where parent_tid points (clone3 passes
     * its args.pidfd there), so with CLONE_PARENT_SETTID they collide.
     * Thread pidfds (Linux 6.9's CLONE_THREAD | CLONE_PIDFD) are not
     * offered: EINVAL as before. */
    if ((flags & CLONE_PIDFD) && (flags & (CLONE_DETACHED | CLONE_THREAD)))
        return -EINVAL;
    if ((flags & CLONE_PIDFD) && (flags & CLONE_PARENT_SETTID) && upidfd == ptid)
        return -EINVAL;
    if ((flags & CLONE_PARENT) && p == k->init)
        return -EINVAL;
    if (k->pids_max) {
        /* sbx run --pids: every task with a pid counts, zombies too, as
         * in a pids cgroup. (The host's pids cgroup is the backstop.) */
        int n = 0;
        pthread_mutex_lock(&k->lock);
        for (int i = 1; i < PID_MAX; i++)
            n += k->tasks[i] != NULL;
        pthread_mutex_unlock(&k->lock);
        if (n >= k->pids_max)
            return -EAGAIN;
    }
    {
        /* RLIMIT_NPROC counts every task (threads too) of the real uid. */
        uint64_t nproc = p->rlim[RLIMIT_NPROC].cur, n = 0;
        if (nproc != RLIM_INFINITY && !capable(t, CAP_SYS_RESOURCE) &&
            !capable(t, CAP_SYS_ADMIN)) {
            pthread_mutex_lock(&k->lock);
            for (int i = 1; i < PID_MAX; i++) {
                struct task *o = k->tasks[i];
                if (o && o->proc && o->proc->state == PROC_LIVE && !o->thread_done &&
                    o->cred.uid == t->cred.uid)
                    n++;
            }
            pthread_mutex_unlock(&k->lock);
            if (n >= nproc)
                return -EAGAIN;
        }
    }

    if (flags & CLONE_PIDFD) {
        if ((r = pidfd_prepare(t, upidfd, ph)) < 0)
            return r;
        *pidfd = r;
    }

    /* Memory and the platform context first: they can fail. */
    if (flags & CLONE_VM) {
        if ((r = k->pops->ctx_clone(t->ctx, t->mm->as, &ctx)))
            return r;
        mm = mm_get(t->mm);
    } else {
        if ((r = mm_fork(t->mm, fork_as, t, &mm)))
            return r;
        if ((r = k->pops->ctx_new(k->plat, &ctx))) {
            mm_put(mm);
            return r;
        }
    }

    c = task_alloc(k);
    pthread_mutex_lock(&k->lock);
    if (p->group_exit) {
        pthread_mutex_unlock(&k->lock);
        r = -EINTR;
        goto fail;
    }
    tid = pid_alloc(k, c);
    if (tid < 0) {
        pthread_mutex_unlock(&k->lock);
        r = tid;
        goto fail;
    }
    c->tid = tid;
    if (flags & CLONE_SYSVSEM) {
        if (!t->semundo) {
            t->semundo = xzalloc(sizeof(*t->semundo));
            t->semundo->ref = 1;
        }
        c->semundo = t->semundo;
        __atomic_add_fetch(&c->semundo->ref, 1, __ATOMIC_RELAXED);
    }
    if (flags & CLONE_THREAD) {
        c->proc = p;
        c->tg_next = p->threads;
        p->threads = c;
        p->nthreads++;
    } else {
        np = xzalloc(sizeof(*np));
        np->tgid = tid;
        np->parent = (flags & CLONE_PARENT) ? p->parent : p;
        np->parent_tid = (flags & CLONE_PARENT) ? p->parent_tid : t->tid;
        np->sibling = np->parent->children;
        np->parent->children = np;
        np->threads = c;
        np->nthreads = 1;
        np->pgid = p->pgid;
        np->sid = p->sid;
        np->ctty = p->ctty;
        memcpy(np->rlim, p->rlim, sizeof(np->rlim));
        np->exe = p->exe ? xstrdup(p->exe) : NULL;
        np->exit_signal = (int)(flags & 0xff);
        np->state = PROC_LIVE;
        np->no_new_privs = p->no_new_privs;
        np->dumpable = p->dumpable;
        np->thp_disable = p->thp_disable;
        np->nice = p->nice;
        np->persona = p->persona;
        np->uts = (flags & CLONE_NEWUTS) ? uts_copy(p->uts) : uts_get(p->uts);
        waitq_init(&np->child_wq);
        waitq_init(&np->stop_wq);
        clock_gettime(CLOCK_MONOTONIC, &np->start);
        if (flags & CLONE_SIGHAND) {
            np->sighand = p->sighand;
            __atomic_add_fetch(&np->sighand->ref, 1, __ATOMIC_RELAXED);
        } else {
            np->sighand = sighand_new(p->sighand);
            if (flags & CLONE_CLEAR_SIGHAND) {
                for (int i = 0; i < SB_NSIG; i++) {
                    struct ksigaction *sa = &np->sighand->act[i];
                    if (sa->handler != (uint64_t)SIG_IGN) {
                        memset(sa, 0, sizeof(*sa));
                    }
                }
            }
        }
        c->proc = np;
        if (*ph)
            pidfd_handle_attach(*ph, np);
        k->nprocs++;
    }
    pthread_mutex_unlock(&k->lock);

    c->mm = mm;
    c->ctx = ctx;
    c->fdt = (flags & CLONE_FILES) ? fdt_get_ref(t->fdt) : fdt_copy(t->fdt);
    if (!(flags & CLONE_FILES))
        c->fdt->lock_owner = c->proc;
    if (!(flags & CLONE_FILES) && *pidfd >= 0)
        fdt_close(c->fdt, *pidfd); /* the child's copy was made after it */
    if (flags & CLONE_FS) {
        c->fs = t->fs;
        __atomic_add_fetch(&c->fs->ref, 1, __ATOMIC_RELAXED);
    } else {
        c->fs = fs_ctx_copy(t->fs);
    }
    c->cred = t->cred;
    memcpy(c->comm, t->comm, sizeof(c->comm));
    c->sigmask = t->sigmask;
    c->cpumask = t->cpumask;
    c->sched_policy = t->sched_policy;
    c->sched_prio = t->sched_prio;
    if (t->sched_reset_on_fork) { /* the child starts as SCHED_OTHER */
        if (t->sched_policy == SCHED_FIFO || t->sched_policy == SCHED_RR) {
            c->sched_policy = SCHED_OTHER;
            c->sched_prio = 0;
        }
    }
    c->ioprio = t->ioprio;
    c->mempolicy = t->mempolicy;
    c->timer_slack_ns = t->timer_slack_ns;
    c->mce_kill = t->mce_kill;
    if (!(flags & CLONE_VM) || (flags & CLONE_VFORK))
        c->altstack = t->altstack;
    c->cpu = t->cpu;
    c->cpu.regs.rax = 0;
    if (newsp)
        c->cpu.regs.rsp = newsp;
    if (flags & CLONE_SETTLS)
        c->cpu.regs.fs_base = tls;
    if (flags & CLONE_CHILD_CLEARTID)
        c->clear_child_tid = ctid;
    if (flags & CLONE_PARENT_SETTID) {
        uint32_t v = (uint32_t)tid;
        if (mm_copy_out(t->mm, ptid, &v, sizeof(v)))
            sb_debug("clone: bad parent_tid pointer");
    }
    if (flags & CLONE_CHILD_SETTID) {
        uint32_t v = (uint32_t)tid;
        if (mm_copy_out(c->mm, ctid, &v, sizeof(v)))
            sb_debug("clone: bad child_tid pointer");
    }
    if (flags & CLONE_VFORK) {
        t->vfork_done = false;
        c->proc->vfork_parent = t;
    }
    if ((r = task_start(c))) {
        /* No thread: undo as an immediate exit. */
        sb_debug("clone: no host thread for the new task: %s", strerror(-r));
        c->exit_code = 0;
        pthread_mutex_lock(&k->lock);
        process_group_exit(k, c->proc, SIGKILL);
        pthread_mutex_unlock(&k->lock);
        process_exit_thread(c);
        return -EAGAIN;
    }
    if (flags & CLONE_VFORK) {
        /* The parent waits until the child execs or exits; only a fatal
         * signal ends the wait early (it is killable, not interruptible). */
        struct waitq wq;
        waitq_init(&wq);
        while (!t->vfork_done && !p->group_exit)
            task_wait_event(t, &wq, vfork_done, t, NULL);
    }
    return tid;
fail:
    free(c);
    if (ctx)
        k->pops->ctx_release(ctx);
    mm_put(mm);
    return r;
}

long kernel_clone(struct task *t, uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t ctid,
                  uint64_t tls, uint64_t upidfd)
{
    struct pid_handle *ph = NULL;
    int pidfd = -1;
    long ret;

    ret = do_clone(t, flags, newsp, ptid, ctid, tls, upidfd, &ph, &pidfd);
    if (ret < 0 && pidfd >= 0)
        fdt_close(t->fdt, pidfd);
    pidfd_handle_put(ph);
    return ret;
}
