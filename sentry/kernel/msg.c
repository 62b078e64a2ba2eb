/* sentry/kernel/msg.c: System V message queues.
 *
 * A queue is a FIFO list of messages bounded by msg_qbytes (bytes, and as
 * many messages as bytes, as Linux). Senders and receivers that must wait
 * sleep on the queue's wait queue and try again on every change.
 */
#include "sentry/kernel/ipc.h"

#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

#include "lib/xalloc.h"

struct kmsg {
    struct kmsg *next;
    long type;
    size_t len;
    char text[];
};

struct msg_queue {
    struct ipc_obj o;
    struct kmsg *head, **tail;
    long stime, rtime, ctime;
    size_t cbytes, qnum, qbytes;
    int lspid, lrpid;
    struct waitq wq;
};

static void queue_drop_all(struct msg_queue *q)
{
    for (struct kmsg *m = q->head, *n; m; m = n) {
        n = m->next;
        free(m);
    }
    q->head = NULL;
    q->tail = &q->head;
}

void msg_free(struct ipc_obj *o)
{
    queue_drop_all((struct msg_queue *)o);
    free(o);
}

/* ---- msgget ---- */

static int queue_create(struct task *t, key_t key, int flg, void *arg)
{
    struct msg_queue *q = xzalloc(sizeof(*q));
    int r;

    (void)arg;
    q->tail = &q->head;
    q->qbytes = IPC_MSGMNB;
    waitq_init(&q->wq);
    if ((r = ipc_add(t, &q->o, IPC_KIND_MSG, key, flg, IPC_MSGMNI))) {
        free(q);
        return r;
    }
    q->ctime = ipc_now();
    return q->o.id;
}

long ipc_msgget(struct task *t, int key, int flg)
{
    static const struct ipc_get_ops ops = { IPC_KIND_MSG, queue_create, NULL };
    return ipc_get(t, key, flg, &ops, NULL);
}

/* ---- waiting ---- */

/* One try of a send or receive (ipc_lock held): true when finished. */
typedef bool (*msg_try_fn)(struct msg_queue *q, void *arg);

struct msg_wait {
    struct msg_queue *q;
    msg_try_fn try;
    void *arg;
    bool gone;
};

static bool msg_cond(void *arg)
{
    struct msg_wait *w = arg;
    bool done;

    pthread_mutex_lock(&ipc_lock);
    w->gone = w->q->o.deleted;
    done = w->gone || w->try(w->q, w->arg);
    pthread_mutex_unlock(&ipc_lock);
    return done;
}

/* Look the queue up, check access, and try until done: 0, -EIDRM, or a
 * wait's end (-ERESTARTNOHAND on a signal). nowait_err when it would
 * block with IPC_NOWAIT. On 0, the change is made and others woken. */
static int msg_run(struct task *t, int id, int acc, bool nowait, int nowait_err, msg_try_fn try,
                   void *arg)
{
    struct msg_wait w = { .try = try, .arg = arg };
    int r;

    pthread_mutex_lock(&ipc_lock);
    w.q = (struct msg_queue *)ipc_find(IPC_KIND_MSG, id);
    if (!w.q) {
        r = -EINVAL;
    } else if ((r = ipc_perms(t, &w.q->o, acc))) {
        /* r set */
    } else if (try(w.q, arg)) {
        waitq_wake_all(&w.q->wq);
        r = 0;
    } else if (nowait) {
        r = nowait_err;
    } else {
        w.q->o.refs++;
        pthread_mutex_unlock(&ipc_lock);
        r = task_wait_event(t, &w.q->wq, msg_cond, &w, NULL);
        pthread_mutex_lock(&ipc_lock);
        if (r == 0 && w.gone)
            r = -EIDRM;
        else if (r == 0)
            waitq_wake_all(&w.q->wq);
        else if (r == -ERESTARTSYS)
            r = -ERESTARTNOHAND; /* EINTR with a handler, never restarted */
        ipc_put(&w.q->o);
    }
    pthread_mutex_unlock(&ipc_lock);
    return r;
}

/* ---- msgsnd ---- */

struct send_arg {
    struct kmsg *m;
    int pid;
};

static bool send_try(struct msg_queue *q, void *arg)
{
    struct send_arg *s = arg;

    if (s->m->len + q->cbytes > q->qbytes || 1 + q->qnum > q->qbytes)
        return false;
    s->m->next = NULL;
    *q->tail = s->m;
    q->tail = &s->m->next;
    q->cbytes += s->m->len;
    q->qnum++;
    q->lspid = s->pid;
    q->stime = ipc_now();
    s->m = NULL;
    return true;
}

long ipc_msgsnd(struct task *t, int id, uint64_t umsg, uint64_t size, int flg)
{
    struct send_arg s = { .pid = ipc_pid(t) };
    long type;
    int r;

    if (mm_copy_in(t->mm, &type, umsg, sizeof(type)))
        return -EFAULT;
    if (size > IPC_MSGMAX || (long)size < 0 || id < 0)
        return -EINVAL;
    if (type < 1)
        return -EINVAL;
    s.m = xzalloc(sizeof(*s.m) + size);
    s.m->type = type;
    s.m->len = size;
    if (mm_copy_in(t->mm, s.m->text, umsg + sizeof(long), size)) {
        free(s.m);
        return -EFAULT;
    }
    r = msg_run(t, id, 0222, flg & IPC_NOWAIT, -EAGAIN, send_try, &s);
    free(s.m); /* NULL once queued */
    return r;
}

/* ---- msgrcv ---- */

enum { SEARCH_ANY, SEARCH_EQUAL, SEARCH_NOTEQUAL, SEARCH_LESSEQUAL };

struct recv_arg {
    long type;
    int mode;
    size_t size;
    bool noerror;
    int pid;
    struct kmsg *m; /* taken */
    int err;        /* E2BIG: found, left in the queue */
};

static bool recv_match(const struct recv_arg *r, long type)
{
    switch (r->mode) {
    case SEARCH_EQUAL:
        return type == r->type;
    case SEARCH_NOTEQUAL:
        return type != r->type;
    case SEARCH_LESSEQUAL:
        return type <= r->type;
    default:
        return true;
    }
}

static bool recv_try(struct msg_queue *q, void *arg)
{
    struct recv_arg *r = arg;
    struct kmsg **found = NULL;
    long limit = r->type;

    for (struct kmsg **pp = &q->head; *pp; pp = &(*pp)->next) {
        struct kmsg *m = *pp;
        if (r->mode == SEARCH_LESSEQUAL) {
            /* The lowest type <= the bound, first of its type. */
            if (m->type <= limit && (!found || m->type < (*found)->type)) {
                found = pp;
                if (m->type == 1)
                    break;
            }
            continue;
        }
        if (recv_match(r, m->type)) {
            found = pp;
            break;
        }
    }
    if (!found)
        return false;
    if ((*found)->len > r->size && !r->noerror) {
        r->err = -E2BIG;
        return true;
    }
    r->m = *found;
    *found = r->m->next;
    if (q->tail == &r->m->next)
        q->tail = found;
    q->cbytes -= r->m->len;
    q->qnum--;
    q->lrpid = r->pid;
    q->rtime = ipc_now();
    return true;
}

long ipc_msgrcv(struct task *t, int id, uint64_t umsg, uint64_t size, long type, int flg)
{
    struct recv_arg ra = { .size = size, .noerror = flg & MSG_NOERROR, .pid = ipc_pid(t) };
    size_t n;
    long r;

    if (id < 0 || (long)size < 0)
        return -EINVAL;
    if (flg & MSG_COPY) {
        if ((flg & MSG_EXCEPT) || !(flg & IPC_NOWAIT))
            return -EINVAL;
        return -ENOSYS; /* as a kernel without CONFIG_CHECKPOINT_RESTORE */
    }
    if (type == 0) {
        ra.mode = SEARCH_ANY;
    } else if (type < 0) {
        ra.type = type == LONG_MIN ? LONG_MAX : -type;
        ra.mode = SEARCH_LESSEQUAL;
    } else {
        ra.type = type;
        ra.mode = (flg & MSG_EXCEPT) ? SEARCH_NOTEQUAL : SEARCH_EQUAL;
    }
    r = msg_run(t, id, 0444, flg & IPC_NOWAIT, -ENOMSG, recv_try, &ra);
    if (r)
        return r;
    if (ra.err)
        return ra.err;
    n = SB_MIN(ra.m->len, size);
    if (mm_copy_out(t->mm, umsg, &ra.m->type, sizeof(long)) ||
        mm_copy_out(t->mm, umsg + sizeof(long), ra.m->text, n))
        r = -EFAULT;
    else
        r = (long)n;
    free(ra.m);
    return r;
}

/* ---- msgctl ---- */

static long msg_info(struct task *t, int cmd, uint64_t ubuf)
{
    struct msginfo mi = {
        .msgmni = IPC_MSGMNI, .msgmax = IPC_MSGMAX, .msgmnb = IPC_MSGMNB, .msgssz = 16,
        .msgseg = 0xffff, .msgpool = IPC_MSGMNI * IPC_MSGMNB / 1024, .msgmap = IPC_MSGMNB,
        .msgtql = IPC_MSGMNB,
    };
    struct ipc_obj *o;
    int idx = 0;
    long r;

    pthread_mutex_lock(&ipc_lock);
    if (cmd == MSG_INFO) {
        mi.msgpool = ipc_count(IPC_KIND_MSG);
        mi.msgmap = mi.msgtql = 0;
        while ((o = ipc_next(IPC_KIND_MSG, &idx))) {
            mi.msgmap += (int)((struct msg_queue *)o)->qnum;
            mi.msgtql += (int)((struct msg_queue *)o)->cbytes;
        }
    }
    r = ipc_max_index(IPC_KIND_MSG);
    pthread_mutex_unlock(&ipc_lock);
    if (mm_copy_out(t->mm, ubuf, &mi, sizeof(mi)))
        return -EFAULT;
    return r;
}

long ipc_msgctl(struct task *t, int id, int cmd, uint64_t ubuf)
{
    struct msqid64_ds ds;
    struct msg_queue *q;
    struct ipc_obj *o;
    long r = 0;

    if (id < 0 || cmd < 0)
        return -EINVAL;
    switch (cmd) {
    case IPC_INFO:
    case MSG_INFO:
        return msg_info(t, cmd, ubuf);
    case IPC_SET:
        if (mm_copy_in(t->mm, &ds, ubuf, sizeof(ds)))
            return -EFAULT;
        /* fallthrough */
    case IPC_STAT:
    case MSG_STAT:
    case MSG_STAT_ANY:
    case IPC_RMID:
        if ((r = ipc_ctl_lookup(t, IPC_KIND_MSG, id, cmd, MSG_STAT, MSG_STAT_ANY, &o)))
            return r;
        break;
    default:
        return -EINVAL;
    }
    q = (struct msg_queue *)o;
    switch (cmd) {
    case IPC_SET:
        if (ds.msg_qbytes > IPC_MSGMNB && !capable(t, CAP_SYS_RESOURCE)) {
            r = -EPERM;
            break;
        }
        ipc_perm_set(o, &ds.msg_perm);
        q->qbytes = ds.msg_qbytes;
        q->ctime = ipc_now();
        waitq_wake_all(&q->wq); /* senders may fit now */
        break;
    case IPC_RMID:
        waitq_wake_all(&q->wq); /* they see it deleted once we unlock */
        ipc_remove(o);          /* may free q */
        break;
    default:
        memset(&ds, 0, sizeof(ds));
        ipc_perm_out(o, &ds.msg_perm);
        ds.msg_stime = q->stime;
        ds.msg_rtime = q->rtime;
        ds.msg_ctime = q->ctime;
        ds.msg_cbytes = q->cbytes;
        ds.msg_qnum = q->qnum;
        ds.msg_qbytes = q->qbytes;
        ds.msg_lspid = q->lspid;
        ds.msg_lrpid = q->lrpid;
        r = cmd == IPC_STAT ? 0 : o->id;
        break;
    }
    pthread_mutex_unlock(&ipc_lock);
    if ((cmd == IPC_STAT || cmd == MSG_STAT || cmd == MSG_STAT_ANY) &&
        mm_copy_out(t->mm, ubuf, &ds, sizeof(ds)))
        return -EFAULT;
    return r;
}

void msg_proc_line(struct ipc_obj *o, char *buf, size_t cap)
{
    struct msg_queue *q = (struct msg_queue *)o;

    snprintf(buf, cap,
             "%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10llu %10llu %10llu\n",
             o->key, o->id, o->mode, (unsigned long)q->cbytes, (unsigned long)q->qnum,
             q->lspid, q->lrpid, o->uid, o->gid, o->cuid, o->cgid,
             (unsigned long long)q->stime, (unsigned long long)q->rtime,
             (unsigned long long)q->ctime);
}
