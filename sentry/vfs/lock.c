/* sentry/vfs/lock.c: byte-range record locks (fcntl F_SETLK & co, OFD).
 *
 * Each inode keeps a list of locks, each owned either by a process (POSIX
 * locks, owner = the thread group) or by an open file description (OFD
 * locks, owner = the struct file). Locks of one owner never conflict with
 * each other; setting a lock replaces the owner's locks on that range
 * (splitting them), as fcntl(2) says. flock(2) locks are whole-file locks
 * of an open file description, in a class of their own: they never
 * conflict with record locks.
 *
 * Waiting is the caller's (it knows tasks and signals): every release
 * bumps vfs_lock_gen and calls vfs_lock_changed, and a waiter retries when
 * the generation moves. The caller registers what a blocked POSIX owner
 * waits for (vfs_lock_wait_begin), which is what deadlock detection walks.
 * Lock order: vfs_lock -> lock_mu (leaf).
 */
#include "sentry/vfs/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>

#include "lib/xalloc.h"

static pthread_mutex_t lock_mu = PTHREAD_MUTEX_INITIALIZER;

struct file_lock {
    const void *owner;
    int flock; /* 1: a flock(2) lock; 0: a record lock */
    int pid; /* reported by F_GETLK: the process, or -1 for OFD locks */
    int type;
    uint64_t start, end; /* [start, end], end = UINT64_MAX for "to EOF" */
    struct file_lock *next;
};

unsigned long vfs_lock_gen;
void (*vfs_lock_changed)(void);

/* Blocked POSIX lock owners and whom they wait for (lock_mu). */
#define MAX_WAITERS 256
static struct {
    const void *owner, *blocker;
} waits[MAX_WAITERS];

static void changed(void)
{
    __atomic_add_fetch(&vfs_lock_gen, 1, __ATOMIC_RELEASE);
    if (vfs_lock_changed)
        vfs_lock_changed();
}

static int overlaps(const struct file_lock *l, uint64_t start, uint64_t end)
{
    return l->start <= end && start <= l->end;
}

static int test_locked(struct inode *ino, const void *owner, int flock, int type,
                       uint64_t start, uint64_t end, struct vfs_lock_info *out)
{
    for (struct file_lock *l = ino->locks; l; l = l->next) {
        if (l->flock != flock || l->owner == owner || !overlaps(l, start, end))
            continue;
        if (type == F_WRLCK || l->type == F_WRLCK) {
            out->type = l->type;
            out->start = l->start;
            out->end = l->end;
            out->pid = l->pid;
            out->owner = l->owner;
            return 1;
        }
    }
    return 0;
}

int vfs_lock_test(struct inode *ino, const void *owner, int type, uint64_t start,
                  uint64_t end, struct vfs_lock_info *out)
{
    int found;

    pthread_mutex_lock(&lock_mu);
    found = test_locked(ino, owner, 0, type, start, end, out);
    pthread_mutex_unlock(&lock_mu);
    return found;
}

int vfs_lock_wait_begin(const void *owner, const void *blocker)
{
    int r = -ENOLCK, hops = 0;

    pthread_mutex_lock(&lock_mu);
    /* Would waiting close a cycle? Follow blocker -> whom it waits for. */
    for (const void *b = blocker; b && hops < MAX_WAITERS; hops++) {
        const void *next = NULL;
        if (b == owner) {
            pthread_mutex_unlock(&lock_mu);
            return -EDEADLK;
        }
        for (int i = 0; i < MAX_WAITERS; i++)
            if (waits[i].owner == b) {
                next = waits[i].blocker;
                break;
            }
        b = next;
    }
    for (int i = 0; i < MAX_WAITERS; i++)
        if (!waits[i].owner) {
            waits[i].owner = owner;
            waits[i].blocker = blocker;
            r = 0;
            break;
        }
    pthread_mutex_unlock(&lock_mu);
    return r;
}

void vfs_lock_wait_end(const void *owner)
{
    pthread_mutex_lock(&lock_mu);
    for (int i = 0; i < MAX_WAITERS; i++)
        if (waits[i].owner == owner) {
            waits[i].owner = waits[i].blocker = NULL;
            break;
        }
    pthread_mutex_unlock(&lock_mu);
}

/* Remove owner's locks (of one class) in [start, end], splitting the ones
 * that stick out. flock -1: both classes. */
static void carve(struct inode *ino, const void *owner, int flock, uint64_t start, uint64_t end)
{
    struct file_lock **pp = &ino->locks;

    while (*pp) {
        struct file_lock *l = *pp;
        if (l->owner != owner || (flock >= 0 && l->flock != flock) ||
            !overlaps(l, start, end)) {
            pp = &l->next;
            continue;
        }
        if (l->start < start && l->end > end) {
            struct file_lock *r = xzalloc(sizeof(*r));
            *r = *l;
            r->start = end + 1;
            l->end = start - 1;
            r->next = l->next;
            l->next = r;
            pp = &r->next;
        } else if (l->start < start) {
            l->end = start - 1;
            pp = &l->next;
        } else if (l->end > end) {
            l->start = end + 1;
            pp = &l->next;
        } else {
            *pp = l->next;
            free(l);
        }
    }
}

static int lock_set(struct inode *ino, const void *owner, int flock, int pid, int type,
                    uint64_t start, uint64_t end, struct vfs_lock_info *conflict)
{
    struct vfs_lock_info dummy;

    pthread_mutex_lock(&lock_mu);
    if (type != F_UNLCK &&
        test_locked(ino, owner, flock, type, start, end, conflict ? conflict : &dummy)) {
        pthread_mutex_unlock(&lock_mu);
        return -EAGAIN;
    }
    carve(ino, owner, flock, start, end);
    if (type != F_UNLCK) {
        struct file_lock *l = xzalloc(sizeof(*l));
        l->owner = owner;
        l->flock = flock;
        l->pid = pid;
        l->type = type;
        l->start = start;
        l->end = end;
        l->next = ino->locks;
        ino->locks = l;
    }
    pthread_mutex_unlock(&lock_mu);
    changed(); /* a downgrade or unlock may let a waiter in */
    return 0;
}

int vfs_lock_set(struct inode *ino, const void *owner, int pid, int type, uint64_t start,
                 uint64_t end)
{
    return lock_set(ino, owner, 0, pid, type, start, end, NULL);
}

int vfs_lock_set_info(struct inode *ino, const void *owner, int pid, int type, uint64_t start,
                      uint64_t end, struct vfs_lock_info *conflict)
{
    return lock_set(ino, owner, 0, pid, type, start, end, conflict);
}

int vfs_flock_set(struct inode *ino, const void *owner, int type)
{
    return lock_set(ino, owner, 1, -1, type, 0, UINT64_MAX, NULL);
}

void vfs_lock_release_owner(struct inode *ino, const void *owner)
{
    if (!ino->locks)
        return;
    pthread_mutex_lock(&lock_mu);
    carve(ino, owner, -1, 0, UINT64_MAX);
    pthread_mutex_unlock(&lock_mu);
    changed();
}

void vfs_lock_free_all(struct inode *ino)
{
    while (ino->locks) {
        struct file_lock *l = ino->locks;
        ino->locks = l->next;
        free(l);
    }
}
