/* sentry/kernel/ipc.c: System V IPC tables: keys, ids, permissions, and
 * the lookups every kind shares (as Linux's ipc/util.c). */
#include "sentry/kernel/ipc.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/xalloc.h"

pthread_mutex_t ipc_lock = PTHREAD_MUTEX_INITIALIZER;

struct ipc_table {
    struct ipc_obj **ent; /* IPC_MNI slots, allocated on first use */
    int in_use, max_idx, next_idx;
    unsigned short seq;
};

static struct ipc_table tables[IPC_NKINDS];

long ipc_now(void)
{
    return (long)time(NULL);
}

int ipc_pid(const struct task *t)
{
    return t ? t->proc->tgid : 0;
}

static struct ipc_obj *find_key(int kind, key_t key)
{
    struct ipc_table *tb = &tables[kind];

    for (int i = 0; tb->ent && i <= tb->max_idx; i++)
        if (tb->ent[i] && tb->ent[i]->key == key)
            return tb->ent[i];
    return NULL;
}

int ipc_add(struct task *t, struct ipc_obj *o, int kind, key_t key, int flg, int max)
{
    struct ipc_table *tb = &tables[kind];
    int idx = -1;

    if (!tb->ent)
        tb->ent = xzalloc(IPC_MNI * sizeof(*tb->ent));
    if (tb->in_use >= max)
        return -ENOSPC;
    /* Cyclic, as idr_alloc_cyclic: the next free index from the last. */
    for (int n = 0; n < IPC_MNI; n++) {
        int i = (tb->next_idx + n) % IPC_MNI;
        if (!tb->ent[i]) {
            idx = i;
            break;
        }
    }
    if (idx < 0)
        return -ENOSPC;
    tb->next_idx = (idx + 1) % IPC_MNI;
    o->kind = kind;
    o->seq = tb->seq;
    tb->seq = tb->seq >= IPC_SEQ_MAX ? 0 : tb->seq + 1;
    o->id = o->seq * IPC_MNI + idx;
    o->refs = 1;
    o->deleted = false;
    o->key = key;
    o->uid = o->cuid = t->cred.euid;
    o->gid = o->cgid = t->cred.egid;
    o->mode = flg & 0777;
    tb->ent[idx] = o;
    tb->in_use++;
    if (tb->in_use == 1 || idx > tb->max_idx)
        tb->max_idx = idx;
    return 0;
}

void ipc_remove(struct ipc_obj *o)
{
    struct ipc_table *tb = &tables[o->kind];
    int idx = o->id % IPC_MNI;

    if (o->deleted)
        return;
    o->deleted = true;
    tb->ent[idx] = NULL;
    tb->in_use--;
    while (tb->max_idx > 0 && !tb->ent[tb->max_idx])
        tb->max_idx--;
    ipc_put(o);
}

void ipc_put(struct ipc_obj *o)
{
    if (--o->refs > 0)
        return;
    switch (o->kind) {
    case IPC_KIND_SHM:
        shm_free(o);
        break;
    case IPC_KIND_SEM:
        sem_free(o);
        break;
    default:
        msg_free(o);
        break;
    }
}

struct ipc_obj *ipc_find(int kind, int id)
{
    struct ipc_obj *o;

    if (id < 0 || !tables[kind].ent)
        return NULL;
    o = tables[kind].ent[id % IPC_MNI];
    return o && o->id == id ? o : NULL;
}

struct ipc_obj *ipc_find_index(int kind, int idx)
{
    if (idx < 0 || idx >= IPC_MNI || !tables[kind].ent)
        return NULL;
    return tables[kind].ent[idx];
}

struct ipc_obj *ipc_next(int kind, int *idx)
{
    struct ipc_table *tb = &tables[kind];

    for (; tb->ent && *idx <= tb->max_idx; (*idx)++)
        if (tb->ent[*idx])
            return tb->ent[(*idx)++];
    return NULL;
}

int ipc_max_index(int kind)
{
    return tables[kind].in_use ? tables[kind].max_idx : 0;
}

int ipc_count(int kind)
{
    return tables[kind].in_use;
}

int ipc_perms(struct task *t, const struct ipc_obj *o, int flg)
{
    int want = (flg >> 6) | (flg >> 3) | flg;
    unsigned granted = o->mode;

    if (t->cred.euid == o->cuid || t->cred.euid == o->uid)
        granted >>= 6;
    else if (cred_in_group(&t->cred, o->cgid) || cred_in_group(&t->cred, o->gid))
        granted >>= 3;
    if ((want & ~granted & 07) && !capable(t, CAP_IPC_OWNER))
        return -EACCES;
    return 0;
}

int ipc_owner(struct task *t, const struct ipc_obj *o)
{
    if (t->cred.euid == o->cuid || t->cred.euid == o->uid || capable(t, CAP_SYS_ADMIN))
        return 0;
    return -EPERM;
}

void ipc_perm_out(const struct ipc_obj *o, struct ipc64_perm *out)
{
    memset(out, 0, sizeof(*out));
    out->key = o->key;
    out->uid = o->uid;
    out->gid = o->gid;
    out->cuid = o->cuid;
    out->cgid = o->cgid;
    out->mode = o->mode;
    out->seq = o->seq;
}

void ipc_perm_set(struct ipc_obj *o, const struct ipc64_perm *in)
{
    o->uid = in->uid;
    o->gid = in->gid;
    o->mode = (o->mode & ~0777u) | (in->mode & 0777);
}

long ipc_get(struct task *t, key_t key, int flg, const struct ipc_get_ops *ops, void *arg)
{
    struct ipc_obj *o;
    long r;

    pthread_mutex_lock(&ipc_lock);
    o = key == IPC_PRIVATE ? NULL : find_key(ops->kind, key);
    if (!o) {
        if (key != IPC_PRIVATE && !(flg & IPC_CREAT))
            r = -ENOENT;
        else
            r = ops->create(t, key, flg, arg);
    } else if ((flg & IPC_CREAT) && (flg & IPC_EXCL)) {
        r = -EEXIST;
    } else if (ops->check && (r = ops->check(o, arg))) {
        /* r set */
    } else if (ipc_perms(t, o, flg)) {
        r = -EACCES;
    } else {
        r = o->id;
    }
    pthread_mutex_unlock(&ipc_lock);
    return r;
}

int ipc_ctl_lookup(struct task *t, int kind, int id, int cmd, int stat_cmd, int stat_any_cmd,
                   struct ipc_obj **out)
{
    struct ipc_obj *o;
    int r = 0;

    pthread_mutex_lock(&ipc_lock);
    if (cmd == stat_cmd || cmd == stat_any_cmd)
        o = ipc_find_index(kind, id);
    else
        o = ipc_find(kind, id);
    if (!o)
        r = -EINVAL;
    else if (cmd == IPC_STAT || cmd == stat_cmd)
        r = ipc_perms(t, o, 0444);
    else if (cmd == IPC_SET || cmd == IPC_RMID)
        r = ipc_owner(t, o);
    if (r) {
        pthread_mutex_unlock(&ipc_lock);
        return r;
    }
    *out = o;
    return 0;
}

/* ---- /proc/sysvipc ---- */

static void proc_line(int kind, struct ipc_obj *o, char *buf, size_t cap);

void ipc_proc_list(int which, void (*emit)(void *arg, const char *line), void *arg)
{
    static const char *const headers[IPC_NKINDS] = {
        "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid"
        "  cgid      atime      dtime      ctime                   rss                  swap\n",
        "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n",
        "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid"
        "      stime      rtime      ctime\n",
    };
    char line[512];
    struct ipc_obj *o;
    int idx = 0;

    if (which < 0 || which >= IPC_NKINDS)
        return;
    emit(arg, headers[which]);
    pthread_mutex_lock(&ipc_lock);
    while ((o = ipc_next(which, &idx))) {
        proc_line(which, o, line, sizeof(line));
        emit(arg, line);
    }
    pthread_mutex_unlock(&ipc_lock);
}

static void proc_line(int kind, struct ipc_obj *o, char *buf, size_t cap)
{
    if (kind == IPC_KIND_SHM)
        shm_proc_line(o, buf, cap);
    else if (kind == IPC_KIND_SEM)
        sem_proc_line(o, buf, cap);
    else
        msg_proc_line(o, buf, cap);
}
