/* sentry/fs/fs.h: the file systems the Sentry mounts. */
#ifndef SB_SENTRY_FS_FS_H
#define SB_SENTRY_FS_FS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "sentry/fs/gofer_client.h"
#include "sentry/vfs/vfs.h"

/* goferfs: files served by a Gofer (the rootfs, --mount); writable when
 * the Gofer and the mount are. */
int goferfs_mount(struct gofer_client *c, const char *source, struct dentry **root) SB_MUST_CHECK;

/* overlay: `lower` read-only below the writable `upper` (a tmpfs); takes
 * both dentry references. */
struct dentry *overlay_new(struct dentry *lower, struct dentry *upper);

/* tmpfs: in-memory, writable; file data in MemoryFile pages of this file. */
struct memfile;
extern struct memfile *tmpfs_memfile;
struct dentry *tmpfs_new(const char *fstype, mode_t root_mode);
/* size=N: data pages beyond N bytes fail with ENOSPC. */
void tmpfs_set_limit(struct dentry *root, uint64_t bytes);
/* Add a node to a tmpfs directory (devfs building). fops NULL: tmpfs's. */
struct inode *tmpfs_add(struct inode *dir, const char *name, mode_t mode, dev_t rdev,
                        const struct file_ops *fops, const char *symlink_target);

/* memfd_create: an unlinked tmpfs file; seals (F_ADD_SEALS/F_GET_SEALS):
 * set adds `add`, else returns the seals; -EINVAL for other files. */
int tmpfs_memfd(const char *name, bool sealing, struct file **out);
int tmpfs_seals(struct inode *ino, unsigned add, bool set);

/* devfs: a tmpfs with null, zero, full, random, urandom. */
struct dentry *devfs_new(void);

/* sysfs: a read-only /sys with the CPU lists and the THP mode. */
struct dentry *sysfs_new(int ncpus);
/* devpts: /dev/pts (mounted there at boot), and the char devices of
 * devfs that reach it: /dev/ptmx (a new pty pair per open) and /dev/tty
 * (the caller's controlling terminal). */
struct process;
struct task;
struct dentry *devpts_new(void);
extern const struct file_ops devpts_ptmx_fops, devpts_tty_fops;
/* Does p have a controlling terminal (its session still holds it)? */
bool devpts_ctty_valid(struct process *p);
/* p is exiting: a session leader's terminal is released (SIGHUP to its
 * foreground group). */
void devpts_session_exit(struct process *p);
/* `sbx run -t`: a pty for t's stdin/stdout/stderr and controlling
 * terminal, pumped to and from the caller's host fds; winch_fd reports
 * the host terminal's SIGWINCH (-1: none). Before the seccomp lock-down. */
int devpts_console_start(struct task *t, int host_in, int host_out, int winch_fd) SB_MUST_CHECK;
/* At the end: let the console's last output reach the caller. */
void devpts_console_drain(void);

/* inotify instances (inotify_init1 flags); watches on inodes. add returns
 * the watch descriptor or -errno; rm -EINVAL for an unknown wd. */
int inotify_new(int flags, struct file **out);
bool inotify_is(struct file *f);
int inotify_add(struct file *f, struct inode *ino, uint32_t mask);
int inotify_rm(struct file *f, int wd);
/* A fresh non-zero cookie tying IN_MOVED_FROM to IN_MOVED_TO. */
uint32_t inotify_cookie(void);

/* A nameless file (anon_inode:[sb->fstype]) with ops fops and f->priv. */
struct file *anon_file_new(struct super *sb, const struct file_ops *fops, int flags, void *priv);

/* eventfd2 (EFD_* flags): a new file or -errno. */
int eventfd_new(unsigned initval, int flags, struct file **out);
/* Is f an eventfd? Add n to its counter (AIO's IOCB_FLAG_RESFD; never
 * blocks, saturates at UINT64_MAX as Linux's eventfd_signal). */
bool eventfd_is(struct file *f);
void eventfd_signal(struct file *f, uint64_t n);

/* timerfd: clock is checked by the caller; flags TFD_NONBLOCK. */
int timerfd_new(int clock, int flags, struct file **out);
/* timerfd_settime/gettime on a file; -EINVAL if f is no timerfd. */
int timerfd_file_settime(struct file *f, int flags, const struct itimerspec *nv,
                    struct itimerspec *ov);
int timerfd_file_gettime(struct file *f, struct itimerspec *cur);

/* signalfd: mask is the set to read (SIGKILL and SIGSTOP are dropped).
 * With f a signalfd, signalfd_set_mask updates it (-EINVAL otherwise). */
int signalfd_new(uint64_t mask, int flags, struct file **out);
int signalfd_set_mask(struct file *f, uint64_t mask);

/* epoll instances (fs/epoll.c). */
struct epoll_event;
int epoll_new(int flags, struct file **out);
bool epoll_is(struct file *f);
/* How many files ep watches now (no wait can report more events). */
size_t epoll_nitems(struct file *ep);
/* epoll_ctl on ep: op, the target file tf (a reference the caller keeps)
 * and its fd, the event (NULL for DEL). */
int epoll_ctl_file(struct file *ep, int op, struct file *tf, int fd,
                   const struct epoll_event *ev);
/* Wait for up to max events into evs (kernel memory): the count, 0 on
 * timeout, -EINTR. deadline: CLOCK_MONOTONIC, NULL forever; a zero
 * timespec polls once. */
int epoll_wait_file(struct task *t, struct file *ep, struct epoll_event *evs, int max,
                    const struct timespec *deadline);
/* Items polled so far by all instances (tests: a wait costs O(ready)). */
extern uint64_t epoll_items_polled;

/* procfs: the sandbox's processes and machine view (needs the kernel). */
struct dentry *procfs_new(void);

/* A host fd the Sentry was handed (the caller's stdin/stdout/stderr). The
 * stat is taken once at boot so no host fstat is needed afterwards. */
struct file *hostfd_file(int host_fd, int flags, const struct stat *st);
/* The name /proc/PID/fd/N shows for a host fd (the caller's own view of it,
 * e.g. /dev/null or pipe:[123]); NULL for other inodes. */
void hostfd_set_name(struct file *f, const char *name);
const char *hostfd_name(struct inode *ino);

#endif
