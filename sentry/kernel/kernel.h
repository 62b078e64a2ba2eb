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

/* Kernel-internal errnos: a syscall interrupted by a signal (never seen by
 * the app; turned into EINTR or a restart on the way out). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516
#define RESTART_SLEEP 1
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
    uint64_t cap_eff, cap_prm, cap_inh, cap_bnd, cap_amb;
    bool keep_caps;
    int ngroups;
    gid_t groups[64];
};

struct kernel;
struct task;
struct sem_undo;

/* ---- wait queues (wait.c) ----
 * A task blocks on its own mutex/condvar; wait queues list the tasks to
 * wake. Signals wake a blocked task through the same condvar. A waiter may
 * instead carry a callback (epoll's readiness hook): waitq_wake_all calls
 * it with the queue's lock held, so it must only take locks that come after
 * waitq locks (an epoll's ready-list lock, other wait queues). Exclusive
 * callback waiters (EPOLLEXCLUSIVE): one wake-up runs only the first of
 * them whose callback returns true; plain waiters are all woken. */
struct waiter;
typedef bool (*waiter_fn)(struct waiter *w);
struct waiter {
    struct task *t;
    waiter_fn fn;   /* NULL: wake t */
    bool exclusive;
    struct waiter *prev, *next;
};

struct waitq {
    pthread_mutex_t lock;
    struct waiter *head;
};

/* The task the current Sentry thread runs (file ops that block use it). */
extern __thread struct task *current_task;

/* poll/select: a request waits on the wait queues its files register.
 * With `queue` set (epoll), poll_wait hands each wait queue to it instead
 * of queueing a waiter for t in ent[] (which then has cap 0). */
#define POLL_MAX_WAITS 1024
struct poll_req {
    struct task *t;
    void (*queue)(struct poll_req *pr, struct waitq *wq);
    void *priv; /* the queue hook's */
    int n, cap;
    struct poll_ent {
        struct waitq *wq;
        struct waiter w;
    } ent[];
};
void poll_wait(struct poll_req *pr, struct waitq *wq);
/* A poll request with room for POLL_MAX_WAITS waits (free() it). */
struct poll_req *poll_req_new(struct task *t);

void waitq_init(struct waitq *wq);
void waitq_add(struct waitq *wq, struct waiter *w, struct task *t);
/* Queue a callback waiter (fn and exclusive set by the caller). */
void waitq_add_fn(struct waitq *wq, struct waiter *w);
void waitq_del(struct waitq *wq, struct waiter *w);
void waitq_wake_all(struct waitq *wq);
/* Block t until woken, a signal is pending (-EINTR), or the CLOCK_MONOTONIC
 * deadline passes (-ETIMEDOUT; NULL: none). Returns 0 when woken. */
int task_block(struct task *t, const struct timespec *deadline);
/* Wake t if it is blocked (no wait queue needed). */
void task_wake(struct task *t);

/* Wait on wq until cond(arg) is true (checked with the waiter queued, so no
 * wake-up is lost). Returns 0, -ERESTARTSYS on a signal, -ETIMEDOUT. */
int task_wait_event(struct task *t, struct waitq *wq, bool (*cond)(void *arg), void *arg,
                    const struct timespec *deadline);

/* ---- signals (signal.c) ---- */
#define SIGBIT(s) (1ULL << ((s)-1))

struct ksigaction {
    uint64_t handler, flags, restorer, mask;
};

struct sighand {
    int ref;
    struct ksigaction act[SB_NSIG];
};

/* Pending signals: a bit per signal, and the siginfo of each. Real-time
 * signals queue up to SIGQ_MAX entries each. */
#define SIGQ_MAX 32
struct sigpending {
    uint64_t set;
    struct sigq_entry {
        siginfo_t info;
        int signo;
    } q[SIGQ_MAX * 2];
    int nq;
};

/* A UTS namespace: the names uname reports (shared, copied by unshare). */
struct uts_ns {
    int ref;
    char hostname[65];
    char domainname[65];
};
/* A System V semaphore undo list; only its identity exists here (kcmp's
 * KCMP_SYSVSEM): made on a task's first CLONE_SYSVSEM and shared with such
 * children, as Linux's. Tasks' pointers change under k->lock. */
struct sem_undo_list {
    int ref;
};
void semundo_put(struct sem_undo_list *u);

struct uts_ns *uts_get(struct uts_ns *u);
void uts_put(struct uts_ns *u);
struct uts_ns *uts_copy(const struct uts_ns *u);

/* ---- processes (process.c) ---- */
enum proc_state { PROC_LIVE, PROC_ZOMBIE, PROC_DEAD };

/* A process as its pidfds see it (pidfd.c): made on the first pidfd,
 * outlives the process. proc and exited are under k->lock; wq is woken
 * when the process exits and when it is reaped (proc becomes NULL). */
struct pid_handle {
    int ref;
    int tgid;
    struct process *proc;
    bool exited;
    struct waitq wq;
};

struct process {
    int tgid;
    struct process *parent;
    struct process *children, *sibling;
    struct task *threads;
    int nthreads;
    int threads_exiting; /* between unlinking and the end of their exit */
    int pgid, sid;
    uint64_t ctty; /* controlling terminal: a devpts tty id (0: none); it
                    * counts only while that tty's session is ours */
    struct sighand *sighand;
    struct sigpending pending; /* shared by the threads */
    struct rlimit_pair {
        uint64_t cur, max;
    } rlim[16];
    char *exe;
    int exit_signal;           /* sent to the parent at exit (SIGCHLD) */
    enum proc_state state;
    bool group_exit;           /* exit_group or a fatal signal in progress */
    int exit_status;           /* wait status */
    /* job control */
    bool stopped;
    int stop_sig;
    bool stop_to_report, cont_to_report;
    struct waitq child_wq;     /* wait4/waitid of this process sleep here */
    struct waitq stop_wq;      /* stopped threads sleep here */
    struct task *vfork_parent; /* blocked in vfork until we exec or exit */
    struct timespec start;
    uint64_t utime_ns, cutime_ns;     /* CPU time: own (at exit), reaped children */
    uint64_t maxrss_kb, cmaxrss_kb;
    uint64_t minflt, cminflt;
    uint64_t run_ns_total; /* all threads' run_ns, exited ones too */
    bool no_new_privs;
    bool child_subreaper;
    struct uts_ns *uts;
    int nice;
    uint32_t persona; /* personality(2) */
    bool did_exec;   /* setpgid by the parent is refused after it */
    int pdeathsig;
    int parent_tid;  /* the parent's thread that forked us: its exit fires
                      * pdeathsig (then a live sibling of it takes over) */
    int dumpable;
    struct sem_undo *sem_undo; /* SEM_UNDO records (ipc_lock): applied at exit */
    bool thp_disable; /* PR_SET_THP_DISABLE: kept by fork and exec */
    struct pid_handle *handle; /* pidfds' view of it, or NULL */
};

struct task {
    int tid;
    struct kernel *k;
    struct process *proc;
    struct task *tg_next;
    struct mm *mm;
    struct mm_fault_guard fault_guard; /* only this task's Sentry thread */
    struct fdtable *fdt;
    struct fs_ctx *fs;
    struct creds cred;
    struct context *ctx;
    struct cpu_state cpu;
    char comm[16];
    uint64_t clear_child_tid;
    uint64_t robust_list, robust_len;
    uint64_t sigmask;
    uint64_t saved_sigmask; /* sigsuspend/pselect: restored after delivery */
    bool restore_sigmask;
    struct sigpending pending;
    stack_t altstack;
    bool exiting;
    int exit_code;  /* for a thread's own exit */
    uint64_t nsyscalls;
    uint64_t run_ns;    /* time spent running app code (thread CPU clock) */
    uint64_t cpumask;   /* sched_setaffinity (0: all) */
    int sched_policy, sched_prio;
    bool sched_reset_on_fork; /* SCHED_RESET_ON_FORK / SCHED_FLAG_RESET_ON_FORK */
    int ioprio;               /* ioprio_set (0: none set) */
    int mempolicy;            /* set_mempolicy: mode | mode flags */
    bool in_app;              /* running app code in the platform (atomic) */
    uint64_t switches;        /* returns from the platform (atomic; membarrier) */
    uint64_t timer_slack_ns; /* PR_SET_TIMERSLACK; 0: the default */
    int mce_kill;            /* PR_MCE_KILL policy + 1; 0: the default */
    struct sem_undo_list *semundo; /* NULL: none yet */
    pthread_t thread;
    /* blocking */
    pthread_mutex_t wait_mu;
    pthread_cond_t wait_cv;
    bool woken;
    bool vfork_done;
    bool thread_done;   /* its host thread has finished (k->lock) */
    bool proc_released; /* its process was reaped (k->lock) */
    /* the syscall being run, for restarts */
    long restart_nr;
    int restart_kind; /* RESTART_*: what restart_syscall continues */
    struct timespec restart_deadline;
    uint64_t restart_urem;
};

/* An extra goferfs mount (--mount SRC:DST[:ro]), served by its own Gofer. */
struct kernel_tmpfs {
    const char *target;
    uint64_t size; /* 0: no limit but the MemoryFile's */
};

struct kernel_mount {
    const char *source; /* host path, shown in /proc/mounts */
    const char *target; /* where in the sandbox; must exist there */
    int gofer_sock;
    bool readonly;      /* MS_RDONLY (and the Gofer refuses writes too) */
};

struct kernel_cfg {
    const char *rootfs_source;
    bool rootfs_writable; /* --rootfs-writable: the rootfs mount is not MS_RDONLY */
    const struct kernel_mount *mounts;
    int nmounts;
    const struct kernel_tmpfs *tmpfs; /* --tmpfs DST[:size=N] */
    int ntmpfs;
    uint64_t overlay_size; /* bytes the overlay's upper layer may hold; 0: no limit */
    int pids_max;          /* tasks (threads too) the app may have; 0: no limit */
    const char *const *argv; /* the command; argv[0] resolved by PATH */
    const char *const *envp;
    const char *cwd;
    bool trace;
    int gofer_sock;
    int stdio[3];
    struct stat stdio_st[3];
    char stdio_name[3][256]; /* the caller's readlink of /proc/self/fd/N */
    int stdio_flags[3];
    const char *platform;
    uid_t uid;    /* the caller's ids: the app's credentials (ids_set) */
    gid_t gid;
    bool ids_set;
    int ncpus;    /* the host's CPU count, read before confinement (0: ask) */
    bool no_seccomp; /* debugging only */
    bool seccomp_log; /* debugging only: log violations instead of killing */
    bool stats;      /* print counters to stderr at exit */
    bool tty;        /* -t: the app's stdio is a pty pumped to stdio[0]/[1] */
    int winch_fd;    /* -t: a byte here on each host SIGWINCH (-1: none) */
};

#define PID_MAX 32768

struct kernel {
    struct platform *plat;
    const struct platform_ops *pops;
    struct memfile mf;
    struct gofer_client gofer;
    struct mount *root_mnt;
    bool trace;
    struct timespec boot_mono;
    int ncpus; /* host CPUs, read at boot */
    /* The process table. k->lock covers the tree, the pid table, process
     * and signal state. Lock order: k->lock -> waitq locks -> task wait_mu. */
    pthread_mutex_t lock;
    struct task *tasks[PID_MAX];
    int last_pid;
    int nprocs;
    int pids_max; /* cfg->pids_max: clone fails with EAGAIN past it */
    struct process *init;
    int init_status;     /* wait status of init, when it is gone */
    bool init_gone;
    pthread_cond_t init_gone_cv;
};

extern struct kernel *sb_kernel;

/* Boot the sandbox and run it to completion; returns the exit status the
 * caller should exit with (128+N for a fatal signal N). */
int kernel_run(const struct kernel_cfg *cfg);

/* Run a task until it exits. */
void task_run(struct task *t);
/* Terminate the whole thread group with a wait status. */
void task_exit_group(struct task *t, int wait_status);
/* Start a host thread running task t. */
int task_start(struct task *t) SB_MUST_CHECK;

/* Process table (process.c); callers hold k->lock where noted. */
int pid_alloc(struct kernel *k, struct task *t); /* k->lock held */
struct task *pid_task(struct kernel *k, int pid); /* k->lock held */
struct process *pid_process(struct kernel *k, int tgid); /* k->lock held */
void process_exit_thread(struct task *t); /* the task's last act */
/* Every process in the table, live or zombie, in pid order (k->lock held). */
#define for_each_process(k, i, p)                                                          \
    for (int i = 1; i < PID_MAX; i++)                                                      \
        if (((p) = pid_process((k), i)) != NULL)
int process_ppid(struct task *t);

/* Signals (signal.c) */
/* Woken whenever a signal is queued on any task or process (signalfd
 * readiness is the poller's own, so its pollers wait here). */
extern struct waitq signal_queued_wq;
int signal_send_process(struct kernel *k, struct process *p, int sig, const siginfo_t *info);
int signal_send_task(struct kernel *k, struct task *t, int sig, const siginfo_t *info);
bool task_signal_pending(struct task *t);
/* Deliver pending signals before returning to the app; may end the task.
 * sysret is the syscall result (or 0 when not returning from a syscall). */
void signal_deliver(struct task *t, long *sysret, bool from_syscall);
long signal_sigreturn(struct task *t);
void signal_fill_kill_info(siginfo_t *si, int sig, int code, struct task *from);
struct sighand *sighand_new(const struct sighand *copy);
void process_group_exit(struct kernel *k, struct process *p, int wait_status); /* k->lock */
/* A synchronous signal (fault): unblocked and un-ignored, as Linux forces. */
void signal_force(struct task *t, int sig, const siginfo_t *info);
int signal_take(struct task *t, uint64_t set, siginfo_t *info);
void signal_discard(struct process *p, int sig); /* k->lock held */
/* A signal the kernel sends the task itself (SIGPIPE on EPIPE). */
void task_signal_self(struct task *t, int sig);
struct rusage;
long kernel_wait4(struct task *t, int pid, int *status, int options, struct rusage *ru);
long kernel_waitid(struct task *t, int idtype, int id, siginfo_t *si, int options,
                   struct rusage *ru);
/* CPU time of t's process so far (its address space), in ns. */
uint64_t task_cpu_ns(struct task *t);
uint64_t task_thread_cpu_ns(struct task *t);
/* Make the VFS see t's credentials on this Sentry thread. */
void task_set_vfs_cred(struct task *t);
/* upidfd: where CLONE_PIDFD stores the pidfd. */
long kernel_clone(struct task *t, uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t ctid,
                  uint64_t tls, uint64_t upidfd);
struct task *task_alloc(struct kernel *k);
int futex_wake_addr(struct task *t, uint64_t uaddr, int n, bool shared);
void futex_exit_robust_list(struct task *t);
void sighand_put(struct sighand *sh);
/* Notify the parent of a child's stop, continue or exit (k->lock held). */
void signal_notify_parent(struct process *child, int code, int status);

/* System V IPC (ipc.h): the last thread of p is gone, its SEM_UNDO
 * adjustments are applied. */
void ipc_process_exit(struct process *p);
/* pidfds (pidfd.c). pidfd_handle_of: p's handle, made if needed, with a
 * new reference (k->lock held). pidfd_new: a pidfd file on h (takes the
 * reference). pidfd_file_handle: the handle of a pidfd, NULL for another
 * file. process_exit_notify/reap: p's end (k->lock held). */
struct pid_handle *pidfd_handle_of(struct process *p);
/* For CLONE_PIDFD: a handle with no process yet (one reference), tied to
 * p by attach (k->lock held) before the process can be seen. */
struct pid_handle *pidfd_handle_new(void);
void pidfd_handle_attach(struct pid_handle *h, struct process *p);
void pidfd_handle_put(struct pid_handle *h);
struct file *pidfd_new(struct pid_handle *h, int flags);
struct pid_handle *pidfd_file_handle(struct file *f);
void pidfd_process_exited(struct process *p);
void pidfd_process_reaped(struct process *p);
/* Install a pidfd for h in t's fd table (close-on-exec): the fd or
 * -errno. Takes the reference. */
int pidfd_install(struct task *t, struct pid_handle *h, int flags);

/* Native AIO (syscalls/sys_aio.c): the events io_setup asked for, over
 * all contexts (/proc/sys/fs/aio-nr). */
unsigned long aio_nr_get(void);
/* At boot, before the seccomp lock-down (a thread made later may need
 * host calls the filter refuses, under the sanitizers): the worker that
 * completes IOCB_CMD_POLL requests. */
int aio_init(void) SB_MUST_CHECK;

/* Credentials (cred.c) */
void cred_init(struct creds *c, uid_t uid, gid_t gid);
bool capable(const struct task *t, int cap);
void cred_fixup_caps(struct creds *n, const struct creds *o);
void cred_exec(struct creds *c);
int cred_capset(struct task *t, uint64_t eff, uint64_t prm, uint64_t inh);
bool cred_in_group(const struct creds *c, gid_t g);
/* ptrace(2)'s access check in PTRACE_MODE_ATTACH/READ_REALCREDS: t's
 * real ids match all of target's and target is dumpable, or t has
 * CAP_SYS_PTRACE; its own thread group always (k->lock held). */
bool cred_may_ptrace(const struct task *t, const struct task *target);

/* The signal of an O_ASYNC file to its owner (> 0 process, < 0 group);
 * with F_SETSIG set, a full siginfo (code, fd). */
void kernel_send_io_signal(int owner, int sig, int fd, int code, bool info);

/* Timers (timer.c) */
struct itimerval;
struct itimerspec;
struct sigevent;
int timer_init(struct kernel *k) SB_MUST_CHECK;
void timer_process_exit(struct process *p, bool exec);
int timer_setitimer(struct task *t, int which, const struct itimerval *nv, struct itimerval *ov);
int timer_posix_create(struct task *t, clockid_t clock, const struct sigevent *sev, int *id);
int timer_posix_settime(struct task *t, int id, int flags, const struct itimerspec *nv,
                        struct itimerspec *ov);
int timer_posix_gettime(struct task *t, int id, struct itimerspec *cur);
int timer_posix_getoverrun(struct task *t, int id);
int timer_posix_delete(struct task *t, int id);
/* Kernel timers (timerfd): expiries are counted and wq woken, no signal.
 * Lock order: timer_mu -> waitq locks. set resets the count; ticks
 * returns it (and zeroes it when take). */
struct ktimer;
struct ktimer *timer_kernel_new(clockid_t clock, struct waitq *wq);
int timer_kernel_set(struct ktimer *tm, bool absolute, const struct itimerspec *nv,
                     struct itimerspec *ov);
void timer_kernel_get(struct ktimer *tm, struct itimerspec *cur);
uint64_t timer_kernel_ticks(struct ktimer *tm, bool take);
void timer_kernel_free(struct ktimer *tm);

/* Resolve cmd by the app's PATH (as execvp does) to an absolute path. */
int kernel_path_lookup(struct kernel *k, struct fs_ctx *fs, const char *cmd,
                       const char *path_env, char *out, size_t cap);
/* Replace t's image by the program at path (ELF or #! script). */
int kernel_execve(struct task *t, const char *path, const char *const *argv,
                  const char *const *envp) SB_MUST_CHECK;
/* execveat: path relative to start (NULL: cwd/root); fd >= 0 names the
 * dirfd for scripts' /dev/fd/N name. */
int kernel_execve_at(struct task *t, const struct vpath *start, const char *path, int at_flags,
                     int fd, bool fd_cloexec, const char *const *argv,
                     const char *const *envp) SB_MUST_CHECK;

struct fdtable *fdt_copy(struct fdtable *t);
/* Give *t a private copy if it is shared (exec, unshare, close_range). */
void fdt_unshare(struct fdtable **t);
struct fdtable *fdt_get_ref(struct fdtable *t);

/* The Sentry's own host seccomp filter (sentry/kernel/seccomp.c). */
int sentry_seccomp_install(bool log_only) SB_MUST_CHECK;
/* The allowed calls, for `sbx info`. Returns the count. */
int sentry_seccomp_list(const char **names, const char **why, int cap);

#endif
