/* sentry/syscalls/sys_ipc.c: System V IPC: shm*, sem*, msg*. */
#include "sentry/syscalls/syscalls.h"

#include "sentry/kernel/ipc.h"
#include "sentry/kernel/mqueue.h"

long sys_shmget(struct task *t, const struct syscall_args *a)
{
    return ipc_shmget(t, (int)a->a[0], a->a[1], (int)a->a[2]);
}

long sys_shmat(struct task *t, const struct syscall_args *a)
{
    return ipc_shmat(t, (int)a->a[0], a->a[1], (int)a->a[2]);
}

long sys_shmdt(struct task *t, const struct syscall_args *a)
{
    return ipc_shmdt(t, a->a[0]);
}

long sys_shmctl(struct task *t, const struct syscall_args *a)
{
    return ipc_shmctl(t, (int)a->a[0], (int)a->a[1], a->a[2]);
}

long sys_semget(struct task *t, const struct syscall_args *a)
{
    return ipc_semget(t, (int)a->a[0], (int)a->a[1], (int)a->a[2]);
}

long sys_semop(struct task *t, const struct syscall_args *a)
{
    return ipc_semtimedop(t, (int)a->a[0], a->a[1], (unsigned)a->a[2], 0);
}

long sys_semtimedop(struct task *t, const struct syscall_args *a)
{
    return ipc_semtimedop(t, (int)a->a[0], a->a[1], (unsigned)a->a[2], a->a[3]);
}

long sys_semctl(struct task *t, const struct syscall_args *a)
{
    return ipc_semctl(t, (int)a->a[0], (int)a->a[1], (int)a->a[2], a->a[3]);
}

long sys_msgget(struct task *t, const struct syscall_args *a)
{
    return ipc_msgget(t, (int)a->a[0], (int)a->a[1]);
}

long sys_msgsnd(struct task *t, const struct syscall_args *a)
{
    return ipc_msgsnd(t, (int)a->a[0], a->a[1], a->a[2], (int)a->a[3]);
}

long sys_msgrcv(struct task *t, const struct syscall_args *a)
{
    return ipc_msgrcv(t, (int)a->a[0], a->a[1], a->a[2], (long)a->a[3], (int)a->a[4]);
}

long sys_msgctl(struct task *t, const struct syscall_args *a)
{
    return ipc_msgctl(t, (int)a->a[0], (int)a->a[1], a->a[2]);
}

/* ---- POSIX message queues (kernel/mqueue.c) ---- */

long sys_mq_open(struct task *t, const struct syscall_args *a)
{
    return mqueue_open(t, a->a[0], (int)a->a[1], (mode_t)a->a[2], a->a[3]);
}

long sys_mq_unlink(struct task *t, const struct syscall_args *a)
{
    return mqueue_unlink(t, a->a[0]);
}

long sys_mq_timedsend(struct task *t, const struct syscall_args *a)
{
    return mqueue_timedsend(t, (int)a->a[0], a->a[1], a->a[2], (unsigned)a->a[3], a->a[4]);
}

long sys_mq_timedreceive(struct task *t, const struct syscall_args *a)
{
    return mqueue_timedreceive(t, (int)a->a[0], a->a[1], a->a[2], a->a[3], a->a[4]);
}

long sys_mq_notify(struct task *t, const struct syscall_args *a)
{
    return mqueue_notify(t, (int)a->a[0], a->a[1]);
}

long sys_mq_getsetattr(struct task *t, const struct syscall_args *a)
{
    return mqueue_getsetattr(t, (int)a->a[0], a->a[1], a->a[2]);
}
