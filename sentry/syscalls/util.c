/* sentry/syscalls/util.c: helpers shared by the handler files. */
#include "sentry/syscalls/syscalls.h"

#include <signal.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>

int sys_copy_path(struct task *t, uint64_t uaddr, char *buf)
{
    long n = mm_strncpy_in(t->mm, buf, uaddr, VFS_PATH_MAX);
    if (n < 0)
        return (int)n;
    return (int)n;
}

int sys_at_start(struct task *t, int dirfd, const char *path, struct vpath *out)
{
    struct file *f;

    if (path[0] == '/' || dirfd == AT_FDCWD) {
        *out = vpath_copy(&t->fs->cwd);
        return 0;
    }
    f = fdt_get(t->fdt, dirfd);
    if (!f)
        return -EBADF;
    if (!f->path.d) {
        file_put(f);
        return -ENOTDIR;
    }
    if (path[0] && !S_ISDIR(f->path.d->inode->mode)) {
        file_put(f);
        return -ENOTDIR;
    }
    *out = vpath_copy(&f->path);
    file_put(f);
    return 0;
}

int sys_fsize_check(struct task *t, uint64_t end)
{
    uint64_t lim = t->proc->rlim[RLIMIT_FSIZE].cur;

    if (lim == RLIM_INFINITY || end <= lim)
        return 0;
    task_signal_self(t, SIGXFSZ);
    return -EFBIG;
}
