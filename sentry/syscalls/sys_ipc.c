/* sentry/syscalls/sys_ipc.c: System V IPC: shm*, sem*, msg*. */
#include "sentry/syscalls/syscalls.h"

#include "sentry/kernel/ipc.h"

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
