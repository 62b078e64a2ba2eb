/* sentry/syscalls/sys_process.c: fork, clone, exec, exit, wait, process
 * groups and sessions. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "lib/xalloc.h"

long sys_fork(struct task *t, const struct syscall_args *a)
{
    return kernel_clone(t, SIGCHLD, 0, 0, 0, 0, 0);
}

long sys_vfork(struct task *t, const struct syscall_args *a)
{
    return kernel_clone(t, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0, 0);
}

long sys_clone(struct task *t, const struct syscall_args *a)
{
    /* x86-64 order: flags, newsp, parent_tid, child_tid, tls; CLONE_PIDFD
     * stores the pidfd at parent_tid too. */
    return kernel_clone(t, a->a[0], a->a[1], a->a[2], a->a[3], a->a[4], a->a[2]);
}

long sys_clone3(struct task *t, const struct syscall_args *a)
{
    struct clone_args ca;
    size_t size = a->a[1];

    if (size < 64)
        return -EINVAL;
    if (size > 4096)
        return -E2BIG;
    memset(&ca, 0, sizeof(ca));
    if (mm_copy_in(t->mm, &ca, a->a[0], SB_MIN(size, sizeof(ca))))
        return -EFAULT;
    /* Fields of a newer struct than ours must be zero. */
    for (size_t off = sizeof(ca); off < size; off++) {
        uint8_t b;
        if (mm_copy_in(t->mm, &b, a->a[0] + off, 1))
            return -EFAULT;
        if (b)
            return -E2BIG;
    }
    if (ca.exit_signal > SB_NSIG || (ca.flags & 0xff))
        return -EINVAL;
    if (ca.set_tid || ca.set_tid_size || ca.cgroup)
        return -EINVAL;
    if (ca.stack && ca.stack_size == 0)
        return -EINVAL;
    return kernel_clone(t, ca.flags | ca.exit_signal,
                        ca.stack ? ca.stack + ca.stack_size : 0, ca.parent_tid,
                        ca.child_tid, ca.tls, ca.pidfd);
}

/* Copy a NULL-terminated array of strings from the app. */
static int copy_strv(struct task *t, uint64_t uv, char ***out, size_t *total)
{
    char **v = NULL;
    size_t n = 0, cap = 0;

    if (!uv) {
        *out = xzalloc(sizeof(char *));
        return 0;
    }
    for (;;) {
        uint64_t p;
        char *s;
        long len;
        if (mm_copy_in(t->mm, &p, uv + n * 8, 8))
            goto fault;
        if (!p)
            break;
        if (n + 2 > cap) {
            cap = cap ? cap * 2 : 16;
            v = xrealloc(v, cap * sizeof(char *));
        }
        s = xzalloc(128 * 1024 + 1);
        len = mm_strncpy_in(t->mm, s, p, 128 * 1024 + 1);
        if (len < 0) {
            free(s);
            for (size_t i = 0; i < n; i++)
                free(v[i]);
            free(v);
            return len == -ENAMETOOLONG ? -E2BIG : (int)len;
        }
        v[n++] = xrealloc(s, len + 1);
        *total += len + 1 + 8;
        if (*total > 2 * 1024 * 1024)
            goto big;
    }
    if (!v)
        v = xzalloc(sizeof(char *));
    v[n] = NULL;
    *out = v;
    return 0;
big:
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return -E2BIG;
fault:
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return -EFAULT;
}

static void free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static long do_execve(struct task *t, int dirfd, uint64_t upath, uint64_t uargv, uint64_t uenvp,
                      int flags)
{
    char path[VFS_PATH_MAX];
    char **argv = NULL, **envp = NULL;
    struct vpath start = { 0 };
    bool has_start = false, cloexec = false;
    size_t total = 0;
    long r;

    if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    if ((r = sys_copy_path(t, upath, path)) < 0)
        return r;
    if (!path[0] && !(flags & AT_EMPTY_PATH))
        return -ENOENT;
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        struct file *f = fdt_get(t->fdt, dirfd);
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
        start = vpath_copy(&f->path);
        has_start = true;
        cloexec = fdt_get_cloexec(t->fdt, dirfd) > 0;
        file_put(f);
    }
    if ((r = copy_strv(t, uargv, &argv, &total)))
        goto out;
    if ((r = copy_strv(t, uenvp, &envp, &total)))
        goto out;
    if (!argv[0]) {
        /* An empty argv gets "" as argv[0], as Linux does since 5.18. */
        free(argv);
        argv = xzalloc(2 * sizeof(char *));
        argv[0] = xstrdup("");
    }
    r = kernel_execve_at(t, has_start ? &start : NULL, path, flags, has_start ? dirfd : -1,
                         cloexec, (const char *const *)argv, (const char *const *)envp);
out:
    if (has_start)
        vpath_put(&start);
    free_strv(argv);
    free_strv(envp);
    return r;
}

long sys_execve(struct task *t, const struct syscall_args *a)
{
    return do_execve(t, AT_FDCWD, a->a[0], a->a[1], a->a[2], 0);
}

long sys_execveat(struct task *t, const struct syscall_args *a)
{
    return do_execve(t, (int)a->a[0], a->a[1], a->a[2], a->a[3], (int)a->a[4]);
}

long sys_exit(struct task *t, const struct syscall_args *a)
{
    t->exit_code = (int)a->a[0] & 0xff;
    t->exiting = true;
    return 0;
}

long sys_exit_group(struct task *t, const struct syscall_args *a)
{
    task_exit_group(t, ((int)a->a[0] & 0xff) << 8);
    return 0;
}

long sys_wait4(struct task *t, const struct syscall_args *a)
{
    int status = 0;
    struct rusage ru;
    long r = kernel_wait4(t, (int)a->a[0], &status, (int)a->a[2], &ru);

    if (r > 0 && a->a[1] && mm_copy_out(t->mm, a->a[1], &status, sizeof(status)))
        return -EFAULT;
    if (r > 0 && a->a[3] && mm_copy_out(t->mm, a->a[3], &ru, sizeof(ru)))
        return -EFAULT;
    return r;
}

long sys_waitid(struct task *t, const struct syscall_args *a)
{
    siginfo_t si;
    struct rusage ru;
    long r;

    memset(&ru, 0, sizeof(ru));
    r = kernel_waitid(t, (int)a->a[0], (int)a->a[1], &si, (int)a->a[3], &ru);
    if (r == 0 && a->a[2] && mm_copy_out(t->mm, a->a[2], &si, sizeof(si)))
        return -EFAULT;
    if (r == 0 && a->a[4] && mm_copy_out(t->mm, a->a[4], &ru, sizeof(ru)))
        return -EFAULT;
    return r;
}

long sys_getpgid(struct task *t, const struct syscall_args *a)
{
    int pid = (int)a->a[0], r;
    struct process *p;

    if (pid == 0)
        return t->proc->pgid;
    pthread_mutex_lock(&t->k->lock);
    p = pid_process(t->k, pid);
    r = p ? p->pgid : -ESRCH;
    pthread_mutex_unlock(&t->k->lock);
    return r;
}

long sys_getsid(struct task *t, const struct syscall_args *a)
{
    int pid = (int)a->a[0], r;
    struct process *p;

    if (pid == 0)
        return t->proc->sid;
    pthread_mutex_lock(&t->k->lock);
    p = pid_process(t->k, pid);
    r = p ? p->sid : -ESRCH;
    pthread_mutex_unlock(&t->k->lock);
    return r;
}

long sys_setsid(struct task *t, const struct syscall_args *a)
{
    struct kernel *k = t->k;
    struct process *me = t->proc;
    long r;

    pthread_mutex_lock(&k->lock);
    /* A process group leader (or anyone whose pid is a group id) cannot. */
    r = me->tgid;
    {
        struct process *o;
        for_each_process(k, i, o)
            if (o->pgid == me->tgid)
                r = -EPERM;
    }
    if (r > 0) {
        me->sid = me->pgid = me->tgid;
        me->ctty = 0;
    }
    pthread_mutex_unlock(&k->lock);
    return r;
}

long sys_setpgid(struct task *t, const struct syscall_args *a)
{
    struct kernel *k = t->k;
    int pid = (int)a->a[0], pgid = (int)a->a[1];
    struct process *p, *me = t->proc;
    long r = 0;

    if (pgid < 0)
        return -EINVAL;
    pthread_mutex_lock(&k->lock);
    p = pid ? pid_process(k, pid) : me;
    if (!p || (p != me && p->parent != me)) {
        r = -ESRCH;
        goto out;
    }
    if (!pgid)
        pgid = p->tgid;
    if (p != me && p->sid != me->sid) {
        r = -EPERM;
        goto out;
    }
    if (p != me && p->did_exec) {
        r = -EACCES;
        goto out;
    }
    if (p->sid == p->tgid) { /* a session leader */
        r = -EPERM;
        goto out;
    }
    if (pgid != p->tgid) {
        /* The group must exist in the same session. */
        bool found = false;
        struct process *o;
        for_each_process(k, i, o)
            if (o->pgid == pgid && o->sid == p->sid)
                found = true;
        if (!found) {
            r = -EPERM;
            goto out;
        }
    }
    p->pgid = pgid;
out:
    pthread_mutex_unlock(&k->lock);
    return r;
}
