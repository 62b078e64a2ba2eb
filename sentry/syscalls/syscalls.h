/* sentry/syscalls/syscalls.h: the x86-64 syscall table and its handlers.
 *
 * Handlers decode arguments, check them, and call into the subsystems;
 * they return >= 0 or -errno straight to the application.
 */
#ifndef SB_SENTRY_SYSCALLS_SYSCALLS_H
#define SB_SENTRY_SYSCALLS_SYSCALLS_H

#include <stdint.h>

#include "sentry/kernel/kernel.h"

struct syscall_args {
    uint64_t a[6];
    int nr;
};

typedef long (*syscall_fn)(struct task *t, const struct syscall_args *a);

enum syscall_support { SUP_NONE, SUP_PARTIAL, SUP_FULL };

struct syscall_entry {
    const char *name;
    syscall_fn fn;
    enum syscall_support support;
    const char *fmt;
    const char *note;
};

#define SYSCALL_MAX 512
extern const struct syscall_entry syscall_table[SYSCALL_MAX];

#define SC_FULL(nr, name, fmt) long sys_##name(struct task *t, const struct syscall_args *a);
#define SC_PARTIAL(nr, name, fmt, note) SC_FULL(nr, name, fmt)
#define SC_NONE(nr, name, reason)
#include "sentry/syscalls/syscall_list.h"
#undef SC_FULL
#undef SC_PARTIAL
#undef SC_NONE

/* Dispatch one syscall of t (trace and ENOSYS logging included). */
long syscall_dispatch(struct task *t, const struct syscall_args *a);

/* Helpers shared by handler files. */
int sys_copy_path(struct task *t, uint64_t uaddr, char *buf); /* VFS_PATH_MAX */
/* The start point for *at() calls: AT_FDCWD or a directory fd. */
int sys_at_start(struct task *t, int dirfd, const char *path, struct vpath *out);

/* RLIMIT_FSIZE: may a regular file grow to `end` bytes? Beyond the limit
 * the task gets SIGXFSZ and the call EFBIG (0 if allowed). */
int sys_fsize_check(struct task *t, uint64_t end);

/* readv/writev (wr) of f through the Sentry's iovecs (checked by the
 * caller) at off (-1: the file position): the count or -errno. */
struct iovec;
long sys_rw_iov(struct task *t, struct file *f, const struct iovec *iov, uint64_t cnt,
                int64_t off, int wr);

/* ioprio_set's check of an I/O priority (AIO's IOCB_FLAG_IOPRIO too):
 * 0, -EINVAL, or -EPERM for the real-time class without privilege. */
int sys_ioprio_check(struct task *t, int prio);

/* kill(2) of one process p (NULL: none; k->lock held): ESRCH, EPERM as
 * kill, 0 for a zombie. */
long sys_kill_process(struct task *t, struct process *p, int sig, const siginfo_t *si);
/* The pidfd at fd: its handle with a new reference, or -EBADF. */
int sys_pidfd_get(struct task *t, int fd, struct pid_handle **out);

#endif
