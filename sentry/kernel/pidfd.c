/* sentry/kernel/pidfd.c: pidfds: files that name a process, readable once
 * it has exited, whose handle outlives the process.
 * Lock order: k->lock -> pid_handle wq lock. */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>

#include "lib/xalloc.h"
#include "sentry/fs/fs.h"

static struct super pidfd_sb = { .fstype = "pidfd", .dev = 0x0e };

struct pid_handle *pidfd_handle_new(void)
{
    struct pid_handle *h = xzalloc(sizeof(*h));

    h->ref = 1;
    waitq_init(&h->wq);
    return h;
}

void pidfd_handle_attach(struct pid_handle *h, struct process *p)
{
    __atomic_add_fetch(&h->ref, 1, __ATOMIC_RELAXED); /* the process's */
    h->tgid = p->tgid;
    h->proc = p;
    h->exited = p->state != PROC_LIVE;
    p->handle = h;
}

struct pid_handle *pidfd_handle_of(struct process *p)
{
    if (!p->handle) {
        struct pid_handle *h = pidfd_handle_new();
        pidfd_handle_attach(h, p);
        pidfd_handle_put(h);
    }
    __atomic_add_fetch(&p->handle->ref, 1, __ATOMIC_RELAXED);
    return p->handle;
}

void pidfd_handle_put(struct pid_handle *h)
{
    if (h && !__atomic_sub_fetch(&h->ref, 1, __ATOMIC_ACQ_REL))
        free(h);
}

void pidfd_process_exited(struct process *p)
{
    if (p->handle) {
        p->handle->exited = true;
        waitq_wake_all(&p->handle->wq);
    }
}

void pidfd_process_reaped(struct process *p)
{
    struct pid_handle *h = p->handle;

    if (h) {
        p->handle = NULL;
        h->proc = NULL;
        h->exited = true;
        waitq_wake_all(&h->wq);
        pidfd_handle_put(h);
    }
}

static long pf_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    return -EINVAL;
}

static long pf_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    return -EINVAL;
}

/* POLLIN once the process has exited; POLLHUP too once it is reaped. */
static unsigned pf_poll(struct file *f, struct poll_req *pr)
{
    struct pid_handle *h = f->priv;
    unsigned m = 0;

    if (pr)
        poll_wait(pr, &h->wq);
    pthread_mutex_lock(&sb_kernel->lock);
    if (!h->proc)
        m = POLLIN | POLLRDNORM | POLLHUP;
    else if (h->exited)
        m = POLLIN | POLLRDNORM;
    pthread_mutex_unlock(&sb_kernel->lock);
    return m;
}

static int pf_fdinfo(struct file *f, char *buf, size_t cap)
{
    struct pid_handle *h = f->priv;
    int pid, n;

    pthread_mutex_lock(&sb_kernel->lock);
    pid = h->proc ? h->tgid : -1;
    pthread_mutex_unlock(&sb_kernel->lock);
    n = snprintf(buf, cap, "Pid:\t%d\nNSpid:\t%d\n", pid, pid);
    return (int)SB_MIN((size_t)SB_MAX(n, 0), cap);
}

static void pf_release(struct file *f)
{
    pidfd_handle_put(f->priv);
}

static const struct file_ops pidfd_fops = {
    .read = pf_read,
    .write = pf_write,
    .poll = pf_poll,
    .fdinfo = pf_fdinfo,
    .release = pf_release,
};

struct file *pidfd_new(struct pid_handle *h, int flags)
{
    struct file *f = anon_file_new(&pidfd_sb, &pidfd_fops, O_RDWR | (flags & O_NONBLOCK), h);
    f->inode->mode = 0700; /* as Linux's pidfs inodes stat */
    return f;
}

struct pid_handle *pidfd_file_handle(struct file *f)
{
    return f && f->ops == &pidfd_fops ? f->priv : NULL;
}

int pidfd_install(struct task *t, struct pid_handle *h, int flags)
{
    struct file *f = pidfd_new(h, flags);
    int fd = fdt_install(t->fdt, f, 0, true);

    file_put(f);
    return fd;
}
