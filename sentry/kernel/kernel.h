/* sentry/kernel/kernel.h: the kernel's objects: the sandbox, tasks, fd tables.
 *
 * One host thread runs each application thread (one task per sandbox in
 * this slice). Lock order: fdtable->lock -> vfs_lock -> fs locks;
 * mm->lock is taken without any of them held.
 */
#ifndef SB_SENTRY_KERNEL_KERNEL_H
#define SB_SENTRY_KERNEL_KERNEL_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "lib/cleanup.h"
#include "platform/platform.h"
#include "sentry/fs/gofer_client.h"
#include "sentry/mm/memfile.h"
#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

#define SB_NSIG 64
#define FDT_MAX_DEFAULT 1024

struct fdtable {
    int ref;
    pthread_mutex_t lock;
    struct file **files;
    uint8_t *cloexec;
    int cap;
    int max; /* RLIMIT_NOFILE soft */
    const void *lock_owner; /* POSIX record locks of files closed here go */
};

struct fdtable *fdt_new(void);
void fdt_put(struct fdtable *t);
/* Lowest free fd >= min; -EMFILE when full. Takes a reference. */
int fdt_install(struct fdtable *t, struct file *f, int min, bool cloexec);
/* Put f at exactly fd, closing what was there. */
int fdt_install_at(struct fdtable *t, struct file *f, int fd, bool cloexec);
/* A new reference to the file at fd, or NULL. */
struct file *fdt_get(struct fdtable *t, int fd);
int fdt_close(struct fdtable *t, int fd);
int fdt_get_cloexec(struct fdtable *t, int fd);
int fdt_set_cloexec(struct fdtable *t, int fd, bool on);

struct creds {
    uid_t uid, euid, suid, fsuid;
    gid_t gid, egid, sgid, fsgid;
};

struct kernel;

struct task {
    int tid, tgid, ppid, pgid, sid;
    struct kernel *k;
    struct mm *mm;
    struct fdtable *fdt;
    struct fs_ctx *fs;
    struct creds cred;
    struct context *ctx;
    struct cpu_state cpu;
    char comm[16];
    char *exe; /* path of the running image */
    uint64_t clear_child_tid;
    uint64_t robust_list, robust_len;
    uint64_t sigmask;
    struct {
        uint64_t handler, flags, restorer, mask;
    } sigact[SB_NSIG];
    stack_t altstack;
    struct rlimit_pair {
        uint64_t cur, max;
    } rlim[16];
    bool exiting;
    int exit_status; /* wait status: (code << 8) or signal */
    uint64_t nsyscalls;
};

struct kernel_cfg {
    const char *rootfs_source;
    const char *const *argv; /* the command; argv[0] resolved by PATH */
    const char *const *envp;
    const char *cwd;
    bool trace;
    int gofer_sock;
    int stdio[3];
    struct stat stdio_st[3];
    int stdio_flags[3];
    const char *platform;
    bool no_seccomp; /* debugging only */
    bool stats;      /* print counters to stderr at exit */
};

struct kernel {
    struct platform *plat;
    const struct platform_ops *pops;
    struct memfile mf;
    struct gofer_client gofer;
    struct dentry *root_dentry;
    struct mount *root_mnt;
    bool trace;
    char hostname[65];
    char domainname[65];
    struct timespec boot_mono;
    int next_pid;
    int ncpus; /* host CPUs, read at boot */
    struct task *init;
};

extern struct kernel *sb_kernel;

/* Boot the sandbox and run it to completion; returns the exit status the
 * caller should exit with (128+N for a fatal signal N). */
int kernel_run(const struct kernel_cfg *cfg);

/* Run a task until it exits; returns the wait status. */
int task_run(struct task *t);
/* Terminate the whole thread group with a wait status. */
void task_exit_group(struct task *t, int wait_status);

/* Resolve cmd by the app's PATH (as execvp does) to an absolute path. */
int kernel_path_lookup(struct kernel *k, struct fs_ctx *fs, const char *cmd,
                       const char *path_env, char *out, size_t cap);
/* Replace t's image by the program at path (ELF only in this slice). */
int kernel_execve(struct task *t, const char *path, const char *const *argv,
                  const char *const *envp) SB_MUST_CHECK;

/* The Sentry's own host seccomp filter (sentry/kernel/seccomp.c). */
int sentry_seccomp_install(void) SB_MUST_CHECK;
/* The allowed calls, for `sbx info`. Returns the count. */
int sentry_seccomp_list(const char **names, const char **why, int cap);

#endif
