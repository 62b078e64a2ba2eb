/* sentry/kernel/ipc.h: System V IPC: shared memory, semaphores, messages.
 *
 * The sandbox is one IPC namespace: every process in it sees the same
 * objects. ids are built as Linux builds them (seq * 32768 + index) and
 * the limits are Linux's defaults (SHMMNI, SEMMSL, MSGMNB...).
 *
 * Lock order: k->lock -> ipc_lock; mm->lock -> ipc_lock (shm counts its
 * attaches from VMA hooks); ipc_lock -> waitq locks -> task wait_mu.
 * Blocked semop/msgsnd/msgrcv callers hold a reference to their object
 * (ipc_obj.refs) so that IPC_RMID can wake them with EIDRM.
 */
#ifndef SB_SENTRY_KERNEL_IPC_H
#define SB_SENTRY_KERNEL_IPC_H

#include <linux/ipc.h>
#include <linux/msg.h>
#include <linux/sem.h>
#include <linux/shm.h>

#include "sentry/kernel/kernel.h"

/* ---- syscall entry points (returns >= 0 or -errno) ---- */
long ipc_shmget(struct task *t, int key, uint64_t size, int flg);
long ipc_shmat(struct task *t, int id, uint64_t addr, int flg);
long ipc_shmdt(struct task *t, uint64_t addr);
long ipc_shmctl(struct task *t, int id, int cmd, uint64_t ubuf);
long ipc_semget(struct task *t, int key, int nsems, int flg);
/* utimeout: a user struct timespec (relative), 0 for none. */
long ipc_semtimedop(struct task *t, int id, uint64_t usops, uint64_t nsops, uint64_t utimeout);
long ipc_semctl(struct task *t, int id, int num, int cmd, uint64_t arg);
long ipc_msgget(struct task *t, int key, int flg);
long ipc_msgsnd(struct task *t, int id, uint64_t umsg, uint64_t size, int flg);
long ipc_msgrcv(struct task *t, int id, uint64_t umsg, uint64_t size, long type, int flg);
long ipc_msgctl(struct task *t, int id, int cmd, uint64_t ubuf);

/* ipc_process_exit (SEM_UNDO at exit) is in kernel.h. */

/* /proc/sysvipc/{shm,sem,msg} (which: IPC_KIND_*), one line at a time,
 * header first, in Linux's format. */
void ipc_proc_list(int which, void (*emit)(void *arg, const char *line), void *arg);

/* ---- shared by ipc.c, shm.c, sem.c, msg.c ---- */
enum { IPC_KIND_SHM, IPC_KIND_SEM, IPC_KIND_MSG, IPC_NKINDS };

#define SHM_DEST 01000   /* in shm mode: IPC_RMID done, waits for detaches */
#define SHM_LOCKED 02000 /* in shm mode: SHM_LOCK */

#define IPC_MNI 32768 /* index space: ids are seq * IPC_MNI + index */
#define IPC_SEQ_MAX (0x7fffffff / IPC_MNI)
#define IPC_SHMMAX (~0UL - (1UL << 24))
#define IPC_SHMALL (~0UL - (1UL << 24))
#define IPC_SHMMNI 4096
#define IPC_SEMMSL 32000
#define IPC_SEMMNS 1024000000
#define IPC_SEMOPM 500
#define IPC_SEMMNI 32000
#define IPC_SEMVMX 32767
#define IPC_SEMAEM IPC_SEMVMX
#define IPC_MSGMNI 32000
#define IPC_MSGMAX 8192
#define IPC_MSGMNB 16384

struct ipc_obj {
    int kind;
    int id;
    int refs;     /* the table's (while listed) and blocked callers' */
    bool deleted; /* IPC_RMID done: no longer in the table */
    key_t key;
    uid_t uid, cuid;
    gid_t gid, cgid;
    unsigned mode; /* 0777 and SHM_DEST/SHM_LOCKED */
    unsigned short seq;
};

/* Covers every table and object. */
extern pthread_mutex_t ipc_lock;

/* shmget/semget/msgget: find key or make an object. create (under
 * ipc_lock) makes one and adds it with ipc_add; check (may be NULL) is
 * the kind's test of an existing object (size, nsems). */
struct ipc_get_ops {
    int kind;
    int (*create)(struct task *t, key_t key, int flg, void *arg);
    int (*check)(struct ipc_obj *o, void *arg);
};
long ipc_get(struct task *t, key_t key, int flg, const struct ipc_get_ops *ops, void *arg);

/* Put o in its kind's table (ipc_lock held): sets id, owner and mode
 * from t and flg; -ENOSPC when the table is full. */
int ipc_add(struct task *t, struct ipc_obj *o, int kind, key_t key, int flg, int max);
/* Take o out of its table (IPC_RMID): key and id stay for IPC_STAT of
 * what still holds it; drops the table's reference. */
void ipc_remove(struct ipc_obj *o);
/* Drop a reference; the last one frees the object (by its kind). */
void ipc_put(struct ipc_obj *o);
/* The object with this id (NULL: none, or an old one at its index). */
struct ipc_obj *ipc_find(int kind, int id);
/* The object at index idx (SHM_STAT and friends). */
struct ipc_obj *ipc_find_index(int kind, int idx);
/* Visit every object of a kind in index order. */
struct ipc_obj *ipc_next(int kind, int *idx);
/* Highest index in use, or 0 when none (IPC_INFO's return value). */
int ipc_max_index(int kind);
int ipc_count(int kind);

/* 0 or -EACCES: flg's 0777 bits against o's mode for t (CAP_IPC_OWNER). */
int ipc_perms(struct task *t, const struct ipc_obj *o, int flg);
/* IPC_SET, IPC_RMID: t must own or have created o, or CAP_SYS_ADMIN. */
int ipc_owner(struct task *t, const struct ipc_obj *o);
void ipc_perm_out(const struct ipc_obj *o, struct ipc64_perm *out);
/* IPC_SET: uid, gid and the 0777 bits. */
void ipc_perm_set(struct ipc_obj *o, const struct ipc64_perm *in);

/* The common control commands: obj for cmd and id (EINVAL, EACCES for
 * the stat commands, EPERM for IPC_SET/IPC_RMID), ipc_lock held on
 * success. stat_cmd/stat_any_cmd are the kind's index commands. */
int ipc_ctl_lookup(struct task *t, int kind, int id, int cmd, int stat_cmd, int stat_any_cmd,
                   struct ipc_obj **out);

long ipc_now(void);
int ipc_pid(const struct task *t);

/* Each kind's /proc/sysvipc line (ipc_lock held). */
void shm_proc_line(struct ipc_obj *o, char *buf, size_t cap);
void sem_proc_line(struct ipc_obj *o, char *buf, size_t cap);
void msg_proc_line(struct ipc_obj *o, char *buf, size_t cap);

void shm_free(struct ipc_obj *o);
void sem_free(struct ipc_obj *o);
void msg_free(struct ipc_obj *o);

#endif
