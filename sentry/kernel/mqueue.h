/* sentry/kernel/mqueue.h: POSIX message queues (mqueue.c).
 *
 * Entry points of the mq_* syscalls (>= 0 or -errno) and the limits
 * /proc/sys/fs/mqueue shows (Linux's defaults).
 */
#ifndef SB_SENTRY_KERNEL_MQUEUE_H
#define SB_SENTRY_KERNEL_MQUEUE_H

#include "sentry/kernel/kernel.h"

#define MQ_QUEUES_MAX 256
#define MQ_MSG_MAX 10
#define MQ_MSGSIZE_MAX 8192
#define MQ_MSG_DEFAULT 10
#define MQ_MSGSIZE_DEFAULT 8192

/* uname: the name without glibc's leading '/'; uattr may be 0. */
long mqueue_open(struct task *t, uint64_t uname, int oflag, mode_t mode, uint64_t uattr);
long mqueue_unlink(struct task *t, uint64_t uname);
/* uts: an absolute CLOCK_REALTIME timeout, 0 for none. */
long mqueue_timedsend(struct task *t, int fd, uint64_t uptr, uint64_t len, unsigned prio,
                      uint64_t uts);
long mqueue_timedreceive(struct task *t, int fd, uint64_t uptr, uint64_t len, uint64_t uprio,
                         uint64_t uts);
long mqueue_notify(struct task *t, int fd, uint64_t usev);
long mqueue_getsetattr(struct task *t, int fd, uint64_t unew, uint64_t uold);
/* mount -t mqueue: the root of the one mqueue file system (a new
 * reference), its queues listed as files. */
struct dentry *mqueue_fs_root(void);

#endif
