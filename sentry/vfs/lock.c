/* sentry/vfs/lock.c: byte-range record locks (fcntl F_SETLK & co, OFD).
 *
 * Each inode keeps a list of locks, each owned either by a process (POSIX
 * locks, owner = the thread group) or by an open file description (OFD
 * locks, owner = the struct file). Locks of one owner never conflict with
 * each other; setting a lock replaces the owner's locks on that range
 * (splitting them), as fcntl(2) says. Waiting (F_SETLKW) is not possible
 * in this slice (one task): a conflict returns EAGAIN-like results there
 * too, and deadlock detection comes with issue 4.
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
    int pid; /* reported by F_GETLK: the process, or -1 for OFD locks */
    int type;
    uint64_t start, end; /* [start, end], end = UINT64_MAX for "to EOF" */
    struct file_lock *next;
};

static int overlaps(const struct file_lock *l, uint64_t start, uint64_t end)
{
    return l->start <= end && start <= l->end;
}

int vfs_lock_test(struct inode *ino, const void *owner, int type, uint64_t start,
                  uint64_t end, struct vfs_lock_info *out)
{
    int found = 0;

    pthread_mutex_lock(&lock_mu);
    for (struct file_lock *l = ino->locks; l; l = l->next) {
        if (l->owner == owner || !overlaps(l, start, end))
            continue;
        if (type == F_WRLCK || l->type == F_WRLCK) {
            out->type = l->type;
            out->start = l->start;
            out->end = l->end;
            out->pid = l->pid;
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock(&lock_mu);
    return found;
}

/* Remove owner's locks in [start, end], splitting the ones that stick out. */
static void carve(struct inode *ino, const void *owner, uint64_t start, uint64_t end)
{
    struct file_lock **pp = &ino->locks;

    while (*pp) {
        struct file_lock *l = *pp;
        if (l->owner != owner || !overlaps(l, start, end)) {
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

int vfs_lock_set(struct inode *ino, const void *owner, int pid, int type, uint64_t start,
                 uint64_t end)
{
    struct vfs_lock_info conflict;

    if (type != F_UNLCK && vfs_lock_test(ino, owner, type, start, end, &conflict))
        return -EAGAIN;
    pthread_mutex_lock(&lock_mu);
    carve(ino, owner, start, end);
    if (type != F_UNLCK) {
        struct file_lock *l = xzalloc(sizeof(*l));
        l->owner = owner;
        l->pid = pid;
        l->type = type;
        l->start = start;
        l->end = end;
        l->next = ino->locks;
        ino->locks = l;
    }
    pthread_mutex_unlock(&lock_mu);
    return 0;
}

void vfs_lock_release_owner(struct inode *ino, const void *owner)
{
    if (!ino->locks)
        return;
    pthread_mutex_lock(&lock_mu);
    carve(ino, owner, 0, UINT64_MAX);
    pthread_mutex_unlock(&lock_mu);
}

void vfs_lock_free_all(struct inode *ino)
{
    while (ino->locks) {
        struct file_lock *l = ino->locks;
        ino->locks = l->next;
        free(l);
    }
}
