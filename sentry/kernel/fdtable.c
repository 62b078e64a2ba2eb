/* sentry/kernel/fdtable.c: the file descriptor table. */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <string.h>

#include "lib/xalloc.h"

struct fdtable *fdt_new(void)
{
    struct fdtable *t = xzalloc(sizeof(*t));
    t->ref = 1;
    t->max = FDT_MAX_DEFAULT;
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

void fdt_put(struct fdtable *t)
{
    if (!t || __atomic_sub_fetch(&t->ref, 1, __ATOMIC_ACQ_REL))
        return;
    for (int i = 0; i < t->cap; i++) {
        if (!t->files[i])
            continue;
        /* The process's POSIX locks go with its last fd of each file. */
        if (t->lock_owner)
            vfs_lock_release_owner(t->files[i]->inode, t->lock_owner);
        file_put(t->files[i]);
    }
    free(t->files);
    free(t->cloexec);
    free(t);
}

static void grow(struct fdtable *t, int need)
{
    int cap = t->cap ? t->cap : 64;

    while (cap <= need)
        cap *= 2;
    if (cap == t->cap)
        return;
    t->files = xrealloc(t->files, cap * sizeof(t->files[0]));
    t->cloexec = xrealloc(t->cloexec, cap);
    memset(t->files + t->cap, 0, (cap - t->cap) * sizeof(t->files[0]));
    memset(t->cloexec + t->cap, 0, cap - t->cap);
    t->cap = cap;
}

int fdt_install(struct fdtable *t, struct file *f, int min, bool cloexec)
{
    int fd;

    if (min < 0)
        return -EINVAL;
    pthread_mutex_lock(&t->lock);
    for (fd = min; fd < t->cap && t->files[fd]; fd++)
        ;
    if (fd >= t->max) {
        pthread_mutex_unlock(&t->lock);
        return min >= t->max ? -EINVAL : -EMFILE;
    }
    grow(t, fd);
    t->files[fd] = file_get(f);
    t->cloexec[fd] = cloexec;
    pthread_mutex_unlock(&t->lock);
    return fd;
}

static void drop(struct fdtable *t, struct file *f)
{
    /* Closing any fd of a file drops the process's POSIX locks on it. */
    if (t->lock_owner)
        vfs_lock_release_owner(f->inode, t->lock_owner);
    file_put(f);
}

int fdt_install_at(struct fdtable *t, struct file *f, int fd, bool cloexec)
{
    struct file *old;

    if (fd < 0 || fd >= t->max)
        return -EBADF;
    pthread_mutex_lock(&t->lock);
    grow(t, fd);
    old = t->files[fd];
    t->files[fd] = file_get(f);
    t->cloexec[fd] = cloexec;
    pthread_mutex_unlock(&t->lock);
    if (old)
        drop(t, old);
    return fd;
}

struct file *fdt_get(struct fdtable *t, int fd)
{
    struct file *f = NULL;

    pthread_mutex_lock(&t->lock);
    if (fd >= 0 && fd < t->cap && t->files[fd])
        f = file_get(t->files[fd]);
    pthread_mutex_unlock(&t->lock);
    return f;
}

int fdt_close(struct fdtable *t, int fd)
{
    struct file *f = NULL;

    pthread_mutex_lock(&t->lock);
    if (fd >= 0 && fd < t->cap) {
        f = t->files[fd];
        t->files[fd] = NULL;
    }
    pthread_mutex_unlock(&t->lock);
    if (!f)
        return -EBADF;
    drop(t, f);
    return 0;
}

int fdt_get_cloexec(struct fdtable *t, int fd)
{
    int r = -EBADF;
    pthread_mutex_lock(&t->lock);
    if (fd >= 0 && fd < t->cap && t->files[fd])
        r = t->cloexec[fd];
    pthread_mutex_unlock(&t->lock);
    return r;
}

int fdt_set_cloexec(struct fdtable *t, int fd, bool on)
{
    int r = -EBADF;
    pthread_mutex_lock(&t->lock);
    if (fd >= 0 && fd < t->cap && t->files[fd]) {
        t->cloexec[fd] = on;
        r = 0;
    }
    pthread_mutex_unlock(&t->lock);
    return r;
}

struct fdtable *fdt_get_ref(struct fdtable *t)
{
    __atomic_add_fetch(&t->ref, 1, __ATOMIC_RELAXED);
    return t;
}

struct fdtable *fdt_copy(struct fdtable *t)
{
    struct fdtable *n = fdt_new();

    pthread_mutex_lock(&t->lock);
    n->max = t->max;
    n->lock_owner = t->lock_owner;
    grow(n, t->cap ? t->cap - 1 : 0);
    for (int i = 0; i < t->cap; i++) {
        if (t->files[i]) {
            n->files[i] = file_get(t->files[i]);
            n->cloexec[i] = t->cloexec[i];
        }
    }
    pthread_mutex_unlock(&t->lock);
    return n;
}

void fdt_unshare(struct fdtable **t)
{
    struct fdtable *n;

    if ((*t)->ref <= 1)
        return;
    n = fdt_copy(*t);
    fdt_put(*t);
    *t = n;
}
