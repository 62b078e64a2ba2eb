/* sentry/vfs/vfs.h: inodes, dentries, mounts, open files and the path walk.
 *
 * Objects are reference counted (*_get / *_put). A dentry holds its inode
 * and its parent; a parent's child list holds the cached children. Mounts
 * form a tree rooted at the sandbox root; a mountpoint dentry names the
 * mount that covers it.
 *
 * Lock order: vfs_lock (the dentry tree and mount table) -> fs locks.
 * The walk takes vfs_lock around cache updates only.
 */
#ifndef SB_SENTRY_VFS_VFS_H
#define SB_SENTRY_VFS_VFS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>

#include "lib/cleanup.h"

#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096
#define VFS_SYMLOOP_MAX 40

struct inode;
struct file;
struct dentry;
struct mount;
struct vpath;

struct setattr {
    unsigned valid; /* SA_* */
    mode_t mode;
    uid_t uid;
    gid_t gid;
    uint64_t size;
    struct timespec atime, mtime;
};
#define SA_MODE 1u
#define SA_UID 2u
#define SA_GID 4u
#define SA_SIZE 8u
#define SA_ATIME 16u
#define SA_MTIME 32u

struct inode_ops {
    /* Find `name` in directory `dir`: a new reference in *out, or -ENOENT. */
    int (*lookup)(struct inode *dir, const char *name, struct inode **out);
    int (*getattr)(struct inode *ino, struct stat *st);
    int (*setattr)(struct inode *ino, const struct setattr *sa);
    int (*readlink)(struct inode *ino, char *buf, size_t cap);
    /* Magic links (/proc/PID/fd/N, exe, cwd): the object itself, not a
     * path to walk. 0 and a reference in *out, or -errno (then the walk
     * falls back to readlink). */
    int (*follow_link)(struct inode *ino, struct vpath *out);
    /* Prepare f (ops, priv) for the open flags in f->flags. */
    int (*open)(struct inode *ino, struct file *f);
    int (*create)(struct inode *dir, const char *name, mode_t mode, struct inode **out);
    int (*mkdir)(struct inode *dir, const char *name, mode_t mode);
    int (*symlink)(struct inode *dir, const char *name, const char *target);
    int (*link)(struct inode *dir, const char *name, struct inode *target);
    int (*unlink)(struct inode *dir, const char *name);
    int (*rmdir)(struct inode *dir, const char *name);
    int (*rename)(struct inode *odir, const char *oname, struct inode *ndir,
                  const char *nname, unsigned flags);
    void (*release)(struct inode *ino);
    /* Shared file mappings: a new reference to the MemoryFile page that
     * holds the file's bytes at pgoff (page aligned), made if needed. */
    int (*get_page)(struct inode *ino, uint64_t pgoff, uint64_t *mf_off);
    /* Shared mappings of files kept elsewhere (the host): write the pages
     * of [off, off+len) back (msync, munmap). No op: nothing to do. */
    int (*writeback)(struct inode *ino, uint64_t off, uint64_t len);
    /* mknod(2): fifos, sockets, regular files and (by the caller's
     * privilege check) device nodes. */
    int (*mknod)(struct inode *dir, const char *name, mode_t mode, dev_t rdev);
    /* O_TMPFILE: an unnamed regular file in dir's file system (nlink 0). */
    int (*tmpfile)(struct inode *dir, mode_t mode, struct inode **out);
    /* Extended attributes. get/list return the size (only the size when
     * cap is 0), -ERANGE when cap is too small, -ENODATA for no such name;
     * flags of set are XATTR_CREATE/XATTR_REPLACE. */
    int (*getxattr)(struct inode *ino, const char *name, void *buf, size_t cap);
    int (*setxattr)(struct inode *ino, const char *name, const void *val, size_t len,
                    int flags);
    int (*listxattr)(struct inode *ino, char *buf, size_t cap);
    int (*removexattr)(struct inode *ino, const char *name);
    /* statfs(2) figures (f_type, blocks, files...). */
    int (*statfs)(struct inode *ino, struct statfs *out);
};

struct dir_emit {
    /* Return false when the caller's buffer is full (entry not taken). */
    bool (*emit)(struct dir_emit *de, const char *name, size_t len, uint64_t ino,
                 unsigned type, uint64_t next);
};

struct poll_req;

#define FOPS_WRITE_DISCARDS 1u /* /dev/null: never reads the buffer */
#define FOPS_NOSEEK_ZERO 2u    /* char devices: lseek always gives 0 */

struct file_ops {
    unsigned flags; /* FOPS_* */
    /* Per-open set-up of a device (ptmx, ttys): may set f->priv and
     * replace f->ops. flags as given to open(2), O_NOCTTY included. On
     * failure the file is put: release must cope with f->priv unset. */
    int (*open)(struct file *f, int flags);
    long (*read)(struct file *f, void *buf, size_t len, uint64_t off);
    long (*write)(struct file *f, const void *buf, size_t len, uint64_t off);
    /* Emit entries from cookie f->pos, updating f->pos as entries are taken. */
    int (*getdents)(struct file *f, struct dir_emit *de);
    long (*ioctl)(struct file *f, unsigned cmd, void *karg);
    void (*release)(struct file *f);
    /* Readiness (POLL* bits); registers the caller's wait with poll_wait()
     * when pr is not NULL. No poll op: always ready to read and write (and
     * epoll refuses the file with EPERM). Contract, which poll, select and
     * epoll (fs/epoll.c) rely on: every wait queue registered is woken
     * whenever the readiness may have changed, and lives as long as the
     * file; pr == NULL must not block or sleep. That is all a new kind of
     * file (a socket) needs for epoll, edge-triggered included. */
    unsigned (*poll)(struct file *f, struct poll_req *pr);
    /* O_ASYNC switched on or off for f (its fd number given). */
    void (*fasync)(struct file *f, int fd, bool on);
    /* fsync/fdatasync (datasync true). No op: nothing to flush. */
    int (*fsync)(struct file *f, bool datasync);
    /* fallocate(2) modes (0, KEEP_SIZE, PUNCH_HOLE|KEEP_SIZE, ...). */
    int (*fallocate)(struct file *f, int mode, uint64_t off, uint64_t len);
    /* lseek SEEK_DATA/SEEK_HOLE from off (< size): the offset, or -ENXIO.
     * No op: the file is all data. */
    int64_t (*seek_data)(struct file *f, int whence, uint64_t off);
    /* Extra lines of /proc/PID/fdinfo/N (eventfd-count:, tfd:, sigmask:,
     * epoll items): the length written into buf (at most cap). */
    int (*fdinfo)(struct file *f, char *buf, size_t cap);
    /* A VMA mapping f was made (mmap, fork, a split, mremap) or went
     * (munmap, exec, exit), under the mm's lock: System V shared memory
     * counts its attaches so. */
    void (*vma_open)(struct file *f);
    void (*vma_close)(struct file *f);
};

/* In a poll mask: the file has no poll op of its own (regular files,
 * directories): always ready, and epoll refuses it (EPERM). Wrappers (the
 * overlay) pass it on; poll(2) never shows it. */
#define VFS_POLL_NONE 0x80000000u
#define VFS_POLL_ALWAYS (0x1u | 0x4u | 0x40u | 0x100u) /* IN, OUT, RDNORM, WRNORM */

struct super {
    const char *fstype;
    uint64_t dev;
    void *priv;
    bool nocache; /* dentries are not kept (procfs: contents change) */
};

struct file_lock;

struct inode {
    struct file_lock *locks; /* record locks (lock.c) */
    void *watches;           /* inotify watches (fs/inotify.c) */
    int writers;             /* open for writing (ETXTBSY against exec) */
    int execs;               /* running as a program (ETXTBSY against writes) */
    int ref;
    uint64_t ino;
    mode_t mode; /* type bits are fixed; permission bits via getattr */
    const struct inode_ops *iops;
    const struct file_ops *fops; /* default file ops for open */
    struct super *sb;
    void *priv;
};

struct dentry {
    int ref;
    char *name;
    struct dentry *parent; /* NULL at a file system root */
    struct inode *inode;
    struct dentry *children, *sibling;
    struct mount *mounted; /* mount covering this dentry, if any */
    bool dead;             /* unlinked */
};

struct mount {
    struct dentry *root;
    struct mount *parent;
    struct dentry *mountpoint;
    const char *fstype;
    char *source;
    int flags; /* MS_RDONLY ... */
    int id;    /* as /proc/PID/mountinfo shows it */
    struct mount *next;
};

struct vpath {
    struct mount *mnt;
    struct dentry *d;
};

/* Stream-like files (pipes, ttys, sockets): no position. */
#define FILE_STREAM 1u
#define FILE_COUNTS_WRITER 2u

struct file {
    int ref;
    int flags; /* O_* as opened (status flags updated by F_SETFL) */
    unsigned fmode; /* FILE_* */
    uint64_t pos;
    struct vpath path;
    struct inode *inode;
    const struct file_ops *ops;
    void *priv;
    pthread_mutex_t lock; /* pos */
    /* O_ASYNC: who gets the I/O signal (F_SETOWN: > 0 a process, < 0 a
     * group), which one (F_SETSIG, 0: SIGIO), and the fd named in it. */
    int owner, async_sig, async_fd;
    /* epoll items watching this open file description (fs/epoll.c); they
     * go when its last reference does. */
    void *ep_links;
};

/* The task's view: root and cwd. */
struct fs_ctx {
    int ref;
    struct vpath root, cwd;
    mode_t umask;
};

/* walk flags */
#define WALK_FOLLOW 1u     /* follow a final symlink */
#define WALK_DIRECTORY 2u  /* the final component must be a directory */
#define WALK_EMPTY 4u      /* an empty path names the start */
/* openat2 RESOLVE_* */
#define WALK_NO_XDEV 8u        /* never leave the start's mount: EXDEV */
#define WALK_NO_MAGICLINKS 16u /* /proc magic links: ELOOP */
#define WALK_NO_SYMLINKS 32u   /* any symlink followed: ELOOP */
#define WALK_BENEATH 64u       /* stay below the start: EXDEV */
#define WALK_IN_ROOT 128u      /* the start is "/" for the walk */
#define WALK_RESOLVE_MASK (WALK_NO_XDEV | WALK_NO_MAGICLINKS | WALK_NO_SYMLINKS | WALK_BENEATH | WALK_IN_ROOT)

extern pthread_mutex_t vfs_lock;

/* The credentials of the task the current Sentry thread runs, for owners
 * of new files (set by the kernel before each syscall). */
struct vfs_cred {
    uid_t fsuid;
    gid_t fsgid;
    bool dac_override;     /* CAP_DAC_OVERRIDE */
    bool dac_read_search;  /* CAP_DAC_READ_SEARCH */
    bool fowner;           /* CAP_FOWNER */
    const gid_t *groups;
    int ngroups;
};

#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4
/* Mode-bit permission for the current credentials (-EACCES if denied). */
int vfs_permission(struct inode *ino, int mask);
extern __thread struct vfs_cred vfs_cur_cred;

struct inode *inode_new(struct super *sb, const struct inode_ops *iops,
                        const struct file_ops *fops, mode_t mode, uint64_t ino);
struct inode *inode_get(struct inode *i);
void inode_put(struct inode *i);

struct dentry *dentry_new(const char *name, struct dentry *parent, struct inode *inode);
/* A dentry that holds its parent but is not in the parent's cache. */
struct dentry *dentry_new_uncached(const char *name, struct dentry *parent, struct inode *inode);
struct dentry *dentry_get(struct dentry *d);
void dentry_put(struct dentry *d);
/* Drop the cached child `name` of d (after unlink/rename). */
void dentry_forget(struct dentry *d, const char *name);
/* After a rename in the file system: move the cached child oname of od to
 * nd as nname (a cached victim there dies), or swap the two (exchange).
 * Open files and cwds below a moved directory keep their paths right. */
void dentry_rename(struct dentry *od, const char *oname, struct dentry *nd, const char *nname,
                   bool exchange);

void vpath_get(struct vpath *p);
void vpath_put(struct vpath *p);
static inline struct vpath vpath_copy(const struct vpath *p)
{
    struct vpath r = *p;
    vpath_get(&r);
    return r;
}

/* Mounts */
struct mount *vfs_mount_root(struct dentry *root, const char *fstype, const char *source);
int vfs_mount_at(struct vpath *where, struct dentry *root, const char *fstype,
                 const char *source, int flags);
struct mount *vfs_mounts(void);
/* The mount of path-less objects reopened through /proc (pipes, host
 * fds): in no tree, never read-only. */
struct mount *vfs_anon_mount(void);
/* The mount whose root p is, or NULL. */
struct mount *vfs_mount_of(const struct vpath *p);
/* Detach m from the tree: -EBUSY for the root mount or one with mounts
 * below or on top of it. */
int vfs_umount(struct mount *m);
uint64_t vfs_new_dev(void);

/* Path walk from `start` (NULL: cwd, or root for absolute paths). */
int vfs_walk(struct fs_ctx *fs, const struct vpath *start, const char *path,
             unsigned flags, struct vpath *out) SB_MUST_CHECK;
/* Walk all but the last component; `last` gets the final name ("" for "/",
 * "." or ".." returned as is). */
int vfs_walk_parent(struct fs_ctx *fs, const struct vpath *start, const char *path,
                    struct vpath *parent, char last[VFS_NAME_MAX + 1]) SB_MUST_CHECK;
int vfs_walk_parent_flags(struct fs_ctx *fs, const struct vpath *start, const char *path,
                          unsigned flags, struct vpath *parent,
                          char last[VFS_NAME_MAX + 1]) SB_MUST_CHECK;
/* Absolute path of p as seen from root (for getcwd, /proc). A p outside
 * fs's root (after a chroot) is named from the top of its mount tree. */
int vfs_path_name(struct fs_ctx *fs, const struct vpath *p, char *buf, size_t cap);
/* The same; *unreachable tells whether p lies outside fs's root (chroot),
 * in which case the name is from the top of the mount tree. */
int vfs_path_name_reach(struct fs_ctx *fs, const struct vpath *p, char *buf, size_t cap,
                        bool *unreachable);

/* Files */
struct file *file_new(const struct vpath *path, struct inode *ino, int flags);
struct file *file_get(struct file *f);
void file_put(struct file *f);
/* open(2) semantics from a start point; returns a new file. */
int vfs_open(struct fs_ctx *fs, const struct vpath *start, const char *path, int flags,
             mode_t mode, struct file **out) SB_MUST_CHECK;
/* The same with walk restrictions (WALK_RESOLVE_MASK bits: openat2). */
int vfs_open_resolve(struct fs_ctx *fs, const struct vpath *start, const char *path, int flags,
                     mode_t mode, unsigned resolve, struct file **out) SB_MUST_CHECK;
/* vfs_open_path flag: the caller just created the file (no permission
 * check on opening it). */
#define VFS_O_CREATED 0x80000000
/* Open an inode found by other means (used by exec, devfs). */
int vfs_open_path(const struct vpath *p, int flags, struct file **out) SB_MUST_CHECK;
int vfs_getattr(struct inode *ino, struct stat *st);
/* Readiness of f (POLL* bits), registering pr's waits when pr is set. */
static inline unsigned vfs_poll(struct file *f, struct poll_req *pr)
{
    if (!f->ops || !f->ops->poll)
        return VFS_POLL_ALWAYS | VFS_POLL_NONE;
    return f->ops->poll(f, pr);
}
/* Set by fs/epoll.c: drops the epoll items of a file whose last reference
 * goes (called by file_put before the release op). */
extern void (*vfs_epoll_release_hook)(struct file *f);
/* Read from a file into a Sentry buffer at off (no pos change). */
long vfs_kernel_read(struct file *f, void *buf, size_t len, uint64_t off);

/* Record locks. Ranges are inclusive: [start, end]. */
struct vfs_lock_info {
    int type, pid;
    uint64_t start, end;
    const void *owner;
};
/* 1 and *out filled if a lock of another owner conflicts with type. */
int vfs_lock_test(struct inode *ino, const void *owner, int type, uint64_t start,
                  uint64_t end, struct vfs_lock_info *out);
/* Set (F_RDLCK/F_WRLCK) or clear (F_UNLCK) owner's lock; -EAGAIN on conflict. */
int vfs_lock_set(struct inode *ino, const void *owner, int pid, int type, uint64_t start,
                 uint64_t end);
/* The same, telling who holds the conflicting lock (for F_SETLKW). */
int vfs_lock_set_info(struct inode *ino, const void *owner, int pid, int type, uint64_t start,
                      uint64_t end, struct vfs_lock_info *conflict);
/* flock(2): F_RDLCK (shared), F_WRLCK (exclusive) or F_UNLCK of the whole
 * file for an open file description; -EAGAIN on conflict. */
int vfs_flock_set(struct inode *ino, const void *owner, int type);
/* Record locks and flocks of owner on ino go (close, exit). */
void vfs_lock_release_owner(struct inode *ino, const void *owner);
/* Bumped on every release; waiters retry when it moves. The kernel sets
 * vfs_lock_changed to wake them. */
extern unsigned long vfs_lock_gen;
extern void (*vfs_lock_changed)(void);
/* A POSIX owner is about to wait for blocker: -EDEADLK if blocker waits
 * (directly or not) for owner; end it with vfs_lock_wait_end. */
int vfs_lock_wait_begin(const void *owner, const void *blocker);
void vfs_lock_wait_end(const void *owner);
void vfs_lock_free_all(struct inode *ino);

/* inotify: an event on ino (name: of a child of directory ino, or NULL);
 * cheap when nothing watches it. The hook is set by fs/inotify.c. */
extern void (*vfs_notify_hook)(struct inode *ino, uint32_t mask, const char *name,
                               uint32_t cookie);
static inline void vfs_notify(struct inode *ino, uint32_t mask, const char *name,
                              uint32_t cookie)
{
    if (ino && __atomic_load_n(&ino->watches, __ATOMIC_RELAXED) && vfs_notify_hook)
        vfs_notify_hook(ino, mask, name, cookie);
}
/* An event on the object at dentry d: to watchers of d's inode, and to
 * watchers of its parent directory with d's name. */
void vfs_notify_dentry(struct dentry *d, uint32_t mask);

struct fs_ctx *fs_ctx_new(const struct vpath *root);
void fs_ctx_put(struct fs_ctx *fs);
/* A private copy (fork without CLONE_FS, unshare(CLONE_FS)). */
struct fs_ctx *fs_ctx_copy(const struct fs_ctx *fs);

static inline unsigned vfs_dtype(mode_t m)
{
    return (m & S_IFMT) >> 12;
}

#endif
