/* sentry/kernel/sem.c: System V semaphore arrays: semop applied all or
 * nothing, blocking (signals, timeouts, IPC_RMID), SEM_UNDO at exit.
 *
 * A blocked semop queues a record of the op it waits on (for GETNCNT and
 * GETZCNT) and sleeps on the array's wait queue; every change to the
 * values wakes the queue and each sleeper tries its whole op list again.
 */
#include "sentry/kernel/ipc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/timespec.h"
#include "lib/xalloc.h"

struct sem_queue {
    struct sem_queue *next, *prev;
    unsigned short blk_num; /* the op it waits on */
    short blk_op;
};

/* A process's adjustments for one array: on the process's list and, while
 * the array lives, on the array's (arr is then not NULL). */
struct sem_undo {
    struct sem_undo *proc_next;
    struct sem_undo *arr_next, *arr_prev;
    struct sem_array *arr;
    short adj[];
};

struct sem_array {
    struct ipc_obj o;
    int nsems;
    long otime, ctime;
    struct sem_queue *waiters;
    struct sem_undo *undos;
    struct waitq wq;
    struct ksem {
        int val;
        int pid;
    } sems[];
};

static long used_sems;

void sem_free(struct ipc_obj *o)
{
    free(o);
}

/* ---- semget ---- */

static int arr_create(struct task *t, key_t key, int flg, void *arg)
{
    int nsems = *(int *)arg, r;
    struct sem_array *a;

    if (nsems == 0)
        return -EINVAL;
    if (used_sems + nsems > IPC_SEMMNS)
        return -ENOSPC;
    a = xzalloc(sizeof(*a) + nsems * sizeof(a->sems[0]));
    a->nsems = nsems;
    waitq_init(&a->wq);
    if ((r = ipc_add(t, &a->o, IPC_KIND_SEM, key, flg, IPC_SEMMNI))) {
        free(a);
        return r;
    }
    a->ctime = ipc_now();
    used_sems += nsems;
    return a->o.id;
}

static int arr_check(struct ipc_obj *o, void *arg)
{
    return *(int *)arg > ((struct sem_array *)o)->nsems ? -EINVAL : 0;
}

long ipc_semget(struct task *t, int key, int nsems, int flg)
{
    static const struct ipc_get_ops ops = { IPC_KIND_SEM, arr_create, arr_check };

    if (nsems < 0 || nsems > IPC_SEMMSL)
        return -EINVAL;
    return ipc_get(t, key, flg, &ops, &nsems);
}

/* IPC_RMID (ipc_lock held): sleepers wake to EIDRM, undo records forget
 * the array. */
static void arr_remove(struct sem_array *a)
{
    for (struct sem_undo *u = a->undos, *n; u; u = n) {
        n = u->arr_next;
        u->arr = NULL;
        u->arr_next = u->arr_prev = NULL;
    }
    a->undos = NULL;
    used_sems -= a->nsems;
    waitq_wake_all(&a->wq); /* they see it deleted once we unlock */
    ipc_remove(&a->o);      /* may free a */
}

/* ---- semop ---- */

/* The undo record of t's process for a (made if needed; ipc_lock held). */
static struct sem_undo *undo_for(struct task *t, struct sem_array *a)
{
    struct process *p = t->proc;
    struct sem_undo *u;

    for (u = p->sem_undo; u; u = u->proc_next)
        if (u->arr == a)
            return u;
    u = xzalloc(sizeof(*u) + a->nsems * sizeof(u->adj[0]));
    u->arr = a;
    u->proc_next = p->sem_undo;
    p->sem_undo = u;
    u->arr_next = a->undos;
    if (a->undos)
        a->undos->arr_prev = u;
    a->undos = u;
    return u;
}

/* Apply ops all or nothing (Linux's perform_atomic_semop_slow): 0 done,
 * 1 would block (*blk the op), -EAGAIN (the blocking op has IPC_NOWAIT),
 * -ERANGE. ipc_lock held. */
static int try_ops(struct sem_array *a, const struct sembuf *ops, int n, struct sem_undo *u,
                   int pid, const struct sembuf **blk)
{
    int i, r;

    for (i = 0; i < n; i++) {
        const struct sembuf *op = &ops[i];
        struct ksem *s = &a->sems[op->sem_num];
        int v = s->val;

        if ((op->sem_op == 0 && v) || v + op->sem_op < 0) {
            *blk = op;
            r = (op->sem_flg & IPC_NOWAIT) ? -EAGAIN : 1;
            goto undo;
        }
        v += op->sem_op;
        if (v > IPC_SEMVMX) {
            r = -ERANGE;
            goto undo;
        }
        if (op->sem_flg & SEM_UNDO) {
            int adj = u->adj[op->sem_num] - op->sem_op;
            if (adj < -IPC_SEMAEM - 1 || adj > IPC_SEMAEM) {
                r = -ERANGE;
                goto undo;
            }
            u->adj[op->sem_num] = (short)adj;
        }
        s->val = v;
    }
    for (i = 0; i < n; i++)
        a->sems[ops[i].sem_num].pid = pid;
    a->otime = ipc_now();
    return 0;
undo:
    while (--i >= 0) {
        a->sems[ops[i].sem_num].val -= ops[i].sem_op;
        if (ops[i].sem_flg & SEM_UNDO)
            u->adj[ops[i].sem_num] += ops[i].sem_op;
    }
    return r;
}

struct semop_wait {
    struct task *t;
    int id;
    struct sem_array *a;
    const struct sembuf *ops;
    int n;
    bool alter, undo;
    struct sem_queue q;
    int result; /* set when the wait is over */
};

/* One attempt (ipc_lock held): true when the semop is finished. */
static bool semop_attempt(struct semop_wait *w)
{
    const struct sembuf *blk = NULL;
    struct sem_undo *u = NULL;
    int r;

    if (w->a->o.deleted) {
        w->result = -EIDRM;
        return true;
    }
    if (w->undo)
        u = undo_for(w->t, w->a);
    r = try_ops(w->a, w->ops, w->n, u, ipc_pid(w->t), &blk);
    if (r == 1) {
        w->q.blk_num = blk->sem_num;
        w->q.blk_op = blk->sem_op;
        return false;
    }
    w->result = r;
    return true;
}

static bool semop_cond(void *arg)
{
    struct semop_wait *w = arg;
    bool done;

    pthread_mutex_lock(&ipc_lock);
    done = semop_attempt(w);
    pthread_mutex_unlock(&ipc_lock);
    return done;
}

long ipc_semtimedop(struct task *t, int id, uint64_t usops, uint64_t nsops, uint64_t utimeout)
{
    struct semop_wait w = { .t = t, .id = id };
    struct timespec ts, dl, *deadline = NULL;
    _cleanup_free_ struct sembuf *ops = NULL;
    unsigned max = 0;
    int r;

    if (nsops < 1 || id < 0)
        return -EINVAL;
    if (nsops > IPC_SEMOPM)
        return -E2BIG;
    ops = xzalloc(nsops * sizeof(*ops));
    if (mm_copy_in(t->mm, ops, usops, nsops * sizeof(*ops)))
        return -EFAULT;
    if (utimeout) {
        if (mm_copy_in(t->mm, &ts, utimeout, sizeof(ts)))
            return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
            return -EINVAL;
        ts_deadline_in(&dl, &ts);
        deadline = &dl;
    }
    for (uint64_t i = 0; i < nsops; i++) {
        max = SB_MAX(max, ops[i].sem_num);
        if (ops[i].sem_flg & SEM_UNDO)
            w.undo = true;
        if (ops[i].sem_op != 0)
            w.alter = true;
    }
    w.ops = ops;
    w.n = (int)nsops;
    pthread_mutex_lock(&ipc_lock);
    w.a = (struct sem_array *)ipc_find(IPC_KIND_SEM, id);
    if (!w.a)
        r = -EINVAL;
    else if (max >= (unsigned)w.a->nsems)
        r = -EFBIG;
    else
        r = ipc_perms(t, &w.a->o, w.alter ? 0222 : 0444);
    if (r || semop_attempt(&w)) {
        if (!r && !w.result && w.alter)
            waitq_wake_all(&w.a->wq);
        pthread_mutex_unlock(&ipc_lock);
        return r ? r : w.result;
    }
    /* Sleep: queued (GETNCNT/GETZCNT see it) with a reference. */
    w.a->o.refs++;
    w.q.next = w.a->waiters;
    if (w.a->waiters)
        w.a->waiters->prev = &w.q;
    w.a->waiters = &w.q;
    pthread_mutex_unlock(&ipc_lock);

    r = task_wait_event(t, &w.a->wq, semop_cond, &w, deadline);

    pthread_mutex_lock(&ipc_lock);
    if (w.q.prev)
        w.q.prev->next = w.q.next;
    else
        w.a->waiters = w.q.next;
    if (w.q.next)
        w.q.next->prev = w.q.prev;
    /* Woken others try again (not from the attempt: we were queued). */
    if (r == 0 && w.result == 0 && w.alter)
        waitq_wake_all(&w.a->wq);
    ipc_put(&w.a->o);
    pthread_mutex_unlock(&ipc_lock);
    if (r == -ERESTARTSYS)
        return -EINTR; /* semop is never restarted */
    if (r == -ETIMEDOUT)
        return -EAGAIN;
    return w.result;
}

/* ---- exit: SEM_UNDO ---- */

void ipc_process_exit(struct process *p)
{
    struct sem_undo *u, *n;

    pthread_mutex_lock(&ipc_lock);
    for (u = p->sem_undo; u; u = n) {
        struct sem_array *a = u->arr;
        n = u->proc_next;
        if (a) {
            bool changed = false;
            for (int i = 0; i < a->nsems; i++) {
                if (!u->adj[i])
                    continue;
                a->sems[i].val = SB_MIN(SB_MAX(a->sems[i].val + u->adj[i], 0), IPC_SEMVMX);
                a->sems[i].pid = p->tgid;
                changed = true;
            }
            if (u->arr_prev)
                u->arr_prev->arr_next = u->arr_next;
            else
                a->undos = u->arr_next;
            if (u->arr_next)
                u->arr_next->arr_prev = u->arr_prev;
            if (changed)
                waitq_wake_all(&a->wq);
        }
        free(u);
    }
    p->sem_undo = NULL;
    pthread_mutex_unlock(&ipc_lock);
}

/* ---- semctl ---- */

static int count_waiters(struct sem_array *a, int num, bool zero)
{
    int n = 0;

    for (struct sem_queue *q = a->waiters; q; q = q->next)
        if (q->blk_num == num && (zero ? q->blk_op == 0 : q->blk_op < 0))
            n++;
    return n;
}

/* SETVAL/SETALL: every process's adjustment of semaphore num (-1: all)
 * is forgotten. */
static void clear_undo(struct sem_array *a, int num)
{
    for (struct sem_undo *u = a->undos; u; u = u->arr_next) {
        if (num < 0)
            memset(u->adj, 0, a->nsems * sizeof(u->adj[0]));
        else
            u->adj[num] = 0;
    }
}

static long sem_info(struct task *t, int cmd, uint64_t uarg)
{
    struct seminfo si = {
        .semmni = IPC_SEMMNI, .semmns = IPC_SEMMNS, .semmsl = IPC_SEMMSL,
        .semopm = IPC_SEMOPM, .semvmx = IPC_SEMVMX, .semmnu = IPC_SEMMNS,
        .semmap = IPC_SEMMNS, .semume = IPC_SEMOPM, .semusz = 20, .semaem = IPC_SEMAEM,
    };
    long r;

    pthread_mutex_lock(&ipc_lock);
    if (cmd == SEM_INFO) {
        si.semusz = ipc_count(IPC_KIND_SEM);
        si.semaem = (int)used_sems;
    }
    r = ipc_max_index(IPC_KIND_SEM);
    pthread_mutex_unlock(&ipc_lock);
    if (mm_copy_out(t->mm, uarg, &si, sizeof(si)))
        return -EFAULT;
    return r;
}

/* GETALL and SETALL: the whole array through a user buffer. */
static long sem_all(struct task *t, int id, int cmd, uint64_t uarg)
{
    _cleanup_free_ unsigned short *vals = NULL;
    struct sem_array *a;
    int n, r;

    pthread_mutex_lock(&ipc_lock);
    a = (struct sem_array *)ipc_find(IPC_KIND_SEM, id);
    if (!a) {
        pthread_mutex_unlock(&ipc_lock);
        return -EINVAL;
    }
    if ((r = ipc_perms(t, &a->o, cmd == SETALL ? 0222 : 0444))) {
        pthread_mutex_unlock(&ipc_lock);
        return r;
    }
    n = a->nsems;
    a->o.refs++;
    pthread_mutex_unlock(&ipc_lock);
    vals = xzalloc(n * sizeof(*vals));
    if (cmd == SETALL && mm_copy_in(t->mm, vals, uarg, n * sizeof(*vals))) {
        r = -EFAULT;
        goto out;
    }
    for (int i = 0; cmd == SETALL && i < n; i++)
        if (vals[i] > IPC_SEMVMX) {
            r = -ERANGE;
            goto out;
        }
    pthread_mutex_lock(&ipc_lock);
    if (a->o.deleted) {
        r = -EIDRM;
    } else if (cmd == SETALL) {
        for (int i = 0; i < n; i++) {
            a->sems[i].val = vals[i];
            a->sems[i].pid = ipc_pid(t);
        }
        clear_undo(a, -1);
        a->ctime = ipc_now();
        waitq_wake_all(&a->wq);
    } else {
        for (int i = 0; i < n; i++)
            vals[i] = (unsigned short)a->sems[i].val;
    }
    pthread_mutex_unlock(&ipc_lock);
    if (!r && cmd == GETALL && mm_copy_out(t->mm, uarg, vals, n * sizeof(*vals)))
        r = -EFAULT;
out:
    pthread_mutex_lock(&ipc_lock);
    ipc_put(&a->o);
    pthread_mutex_unlock(&ipc_lock);
    return r;
}

/* GETVAL, GETPID, GETNCNT, GETZCNT, SETVAL: one semaphore. */
static long sem_one(struct task *t, int id, int num, int cmd, uint64_t uarg)
{
    int val = (int)uarg;
    struct sem_array *a;
    long r;

    if (cmd == SETVAL && (val > IPC_SEMVMX || val < 0))
        return -ERANGE;
    pthread_mutex_lock(&ipc_lock);
    a = (struct sem_array *)ipc_find(IPC_KIND_SEM, id);
    if (!a) {
        r = -EINVAL;
    } else if (cmd == SETVAL) {
        /* Linux checks the number before the permission here... */
        if (num < 0 || num >= a->nsems)
            r = -EINVAL;
        else
            r = ipc_perms(t, &a->o, 0222);
    } else {
        /* ...and after it for the reads. */
        r = ipc_perms(t, &a->o, 0444);
        if (!r && (num < 0 || num >= a->nsems))
            r = -EINVAL;
    }
    if (r)
        goto out;
    switch (cmd) {
    case GETVAL:
        r = a->sems[num].val;
        break;
    case GETPID:
        r = a->sems[num].pid;
        break;
    case GETNCNT:
        r = count_waiters(a, num, false);
        break;
    case GETZCNT:
        r = count_waiters(a, num, true);
        break;
    default: /* SETVAL */
        a->sems[num].val = val;
        a->sems[num].pid = ipc_pid(t);
        clear_undo(a, num);
        a->ctime = ipc_now();
        waitq_wake_all(&a->wq);
        r = 0;
        break;
    }
out:
    pthread_mutex_unlock(&ipc_lock);
    return r;
}

long ipc_semctl(struct task *t, int id, int num, int cmd, uint64_t arg)
{
    struct semid64_ds ds;
    struct sem_array *a;
    struct ipc_obj *o;
    long r = 0;

    if (id < 0)
        return -EINVAL;
    switch (cmd) {
    case IPC_INFO:
    case SEM_INFO:
        return sem_info(t, cmd, arg);
    case GETALL:
    case SETALL:
        return sem_all(t, id, cmd, arg);
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT:
    case SETVAL:
        return sem_one(t, id, num, cmd, arg);
    case IPC_SET:
        if (mm_copy_in(t->mm, &ds, arg, sizeof(ds)))
            return -EFAULT;
        /* fallthrough */
    case IPC_STAT:
    case SEM_STAT:
    case SEM_STAT_ANY:
    case IPC_RMID:
        if ((r = ipc_ctl_lookup(t, IPC_KIND_SEM, id, cmd, SEM_STAT, SEM_STAT_ANY, &o)))
            return r;
        break;
    default:
        return -EINVAL;
    }
    a = (struct sem_array *)o;
    switch (cmd) {
    case IPC_SET:
        ipc_perm_set(o, &ds.sem_perm);
        a->ctime = ipc_now();
        break;
    case IPC_RMID:
        arr_remove(a);
        break;
    default:
        memset(&ds, 0, sizeof(ds));
        ipc_perm_out(o, &ds.sem_perm);
        ds.sem_otime = a->otime;
        ds.sem_ctime = a->ctime;
        ds.sem_nsems = a->nsems;
        r = cmd == IPC_STAT ? 0 : o->id;
        break;
    }
    pthread_mutex_unlock(&ipc_lock);
    if ((cmd == IPC_STAT || cmd == SEM_STAT || cmd == SEM_STAT_ANY) &&
        mm_copy_out(t->mm, arg, &ds, sizeof(ds)))
        return -EFAULT;
    return r;
}

void sem_proc_line(struct ipc_obj *o, char *buf, size_t cap)
{
    struct sem_array *a = (struct sem_array *)o;

    snprintf(buf, cap, "%10d %10d  %4o %10u %5u %5u %5u %5u %10llu %10llu\n", o->key, o->id,
             o->mode, (unsigned)a->nsems, o->uid, o->gid, o->cuid, o->cgid,
             (unsigned long long)a->otime, (unsigned long long)a->ctime);
}
