/* sentry/syscalls/sys_mm.c: mmap, munmap, mprotect, brk, mremap, madvise. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/mman.h>

long sys_mmap(struct task *t, const struct syscall_args *a)
{
    uint64_t addr = a->a[0], len = a->a[1], off = a->a[5];
    int prot = (int)a->a[2], flags = (int)a->a[3], fd = (int)a->a[4];
    struct file *f = NULL;
    long r;

    if (!(flags & MAP_ANONYMOUS)) {
        f = fdt_get(t->fdt, fd);
        if (!f)
            return -EBADF;
        if (f->flags & O_PATH) {
            file_put(f);
            return -EBADF;
        }
        if (!f->ops || !f->ops->read || S_ISDIR(f->inode->mode) || (f->fmode & FILE_STREAM) ||
            S_ISFIFO(f->inode->mode) || S_ISSOCK(f->inode->mode)) {
            file_put(f);
            return -ENODEV;
        }
        if ((f->flags & O_ACCMODE) == O_WRONLY) {
            file_put(f);
            return -EACCES;
        }
        if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) &&
            (f->flags & O_ACCMODE) != O_RDWR) {
            file_put(f);
            return -EACCES;
        }
    }
    r = mm_mmap(t->mm, addr, len, prot, flags, f, off);
    if (f)
        file_put(f);
    return r;
}

long sys_munmap(struct task *t, const struct syscall_args *a)
{
    return mm_munmap(t->mm, a->a[0], a->a[1]);
}

long sys_mprotect(struct task *t, const struct syscall_args *a)
{
    return mm_mprotect(t->mm, a->a[0], a->a[1], (int)a->a[2]);
}

long sys_brk(struct task *t, const struct syscall_args *a)
{
    return mm_brk(t->mm, a->a[0]);
}

long sys_mremap(struct task *t, const struct syscall_args *a)
{
    return mm_mremap(t->mm, a->a[0], a->a[1], a->a[2], (int)a->a[3], a->a[4]);
}

long sys_madvise(struct task *t, const struct syscall_args *a)
{
    return mm_madvise(t->mm, a->a[0], a->a[1], (int)a->a[2]);
}

long sys_msync(struct task *t, const struct syscall_args *a)
{
    int flags = (int)a->a[2];

    if (a->a[0] & 4095)
        return -EINVAL;
    if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
        return -EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC))
        return -EINVAL;
    return mm_msync(t->mm, a->a[0], a->a[1]);
}

long sys_mlock(struct task *t, const struct syscall_args *a)
{
    return 0;
}

long sys_munlock(struct task *t, const struct syscall_args *a)
{
    return 0;
}

long sys_mincore(struct task *t, const struct syscall_args *a)
{
    uint64_t len = a->a[1], n;
    uint8_t *vec;
    long r;

    if (a->a[0] & 4095)
        return -EINVAL;
    if (len + 4095 < len)
        return -ENOMEM;
    n = (len + 4095) / 4096;
    if (n > (1ULL << 28))
        return -ENOMEM;
    vec = calloc(1, n ? n : 1);
    if (!vec)
        return -ENOMEM;
    r = mm_mincore(t->mm, a->a[0], len, vec);
    if (!r && n && mm_copy_out(t->mm, a->a[2], vec, n))
        r = -EFAULT;
    free(vec);
    return r;
}
