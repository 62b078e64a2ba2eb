/* sentry/fs/signalfd.c: signalfd(2): reads take the reader's pending
 * signals of the file's mask (thread queue first, then the process's) as
 * struct signalfd_siginfo records. Readiness is that of the task that polls,
 * so pollers wait on signal_queued_wq, woken whenever any signal is queued.
 * Lock order: k->lock (signal_take) and waitq locks, never nested here. */
#include "sentry/fs/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>

#include "lib/xalloc.h"
#include "sentry/kernel/kernel.h"

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

struct signalfd {
    uint64_t mask; /* atomic: signalfd4 on the fd updates it */
};

static uint64_t pending_of(struct task *t)
{
    return __atomic_load_n(&t->pending.set, __ATOMIC_SEQ_CST) |
           __atomic_load_n(&t->proc->pending.set, __ATOMIC_SEQ_CST);
}

struct rd_arg {
    struct task *t;
    struct signalfd *s;
};

static bool have_signal(void *arg)
{
    struct rd_arg *a = arg;
    return pending_of(a->t) & __atomic_load_n(&a->s->mask, __ATOMIC_RELAXED);
}

/* siginfo to signalfd_siginfo, by the layout Linux gives the code. */
static void fill(struct signalfd_siginfo *o, int sig, const siginfo_t *si)
{
    int code = si->si_code;

    memset(o, 0, sizeof(*o));
    o->ssi_signo = sig;
    o->ssi_errno = si->si_errno;
    o->ssi_code = code;
    if (code > SI_USER && code < SI_KERNEL) {
        switch (sig) {
        case SIGILL:
        case SIGFPE:
        case SIGSEGV:
        case SIGBUS:
        case SIGTRAP:
        case SIGSYS:
            o->ssi_addr = (uint64_t)si->si_addr;
            return;
        case SIGCHLD:
            o->ssi_pid = si->si_pid;
            o->ssi_uid = si->si_uid;
            o->ssi_status = si->si_status;
            o->ssi_utime = si->si_utime;
            o->ssi_stime = si->si_stime;
            return;
        default:
            o->ssi_band = si->si_band;
            o->ssi_fd = si->si_fd;
            return;
        }
    }
    if (code == SI_TIMER) {
        o->ssi_tid = si->si_timerid;
        o->ssi_overrun = si->si_overrun;
        o->ssi_ptr = (uint64_t)si->si_ptr;
        o->ssi_int = si->si_int;
    } else if (code == SI_SIGIO) {
        o->ssi_band = si->si_band;
        o->ssi_fd = si->si_fd;
    } else {
        o->ssi_pid = si->si_pid;
        o->ssi_uid = si->si_uid;
        if (code < 0) {
            o->ssi_ptr = (uint64_t)si->si_ptr;
            o->ssi_int = si->si_int;
        }
    }
}

static long s_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct signalfd *s = f->priv;
    struct task *t = current_task;
    struct rd_arg ra = {t, s};
    size_t done = 0;
    siginfo_t si;
    int sig, r;

    if (len < sizeof(struct signalfd_siginfo))
        return -EINVAL;
    if (!t)
        return -EAGAIN;
    while (done + sizeof(struct signalfd_siginfo) <= len) {
        sig = signal_take(t, __atomic_load_n(&s->mask, __ATOMIC_RELAXED), &si);
        if (sig) {
            fill((struct signalfd_siginfo *)((char *)buf + done), sig, &si);
            done += sizeof(struct signalfd_siginfo);
            continue;
        }
        if (done)
            break;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if ((r = task_wait_event(t, &signal_queued_wq, have_signal, &ra, NULL)))
            return r;
    }
    return (long)done;
}

static unsigned s_poll(struct file *f, struct poll_req *pr)
{
    struct signalfd *s = f->priv;
    struct task *t = current_task;

    if (pr)
        poll_wait(pr, &signal_queued_wq);
    if (t && (pending_of(t) & __atomic_load_n(&s->mask, __ATOMIC_RELAXED)))
        return POLLIN | POLLRDNORM;
    return 0;
}

static int s_fdinfo(struct file *f, char *buf, size_t cap)
{
    struct signalfd *s = f->priv;
    int n = snprintf(buf, cap, "sigmask:\t%016llx\n",
                     (unsigned long long)__atomic_load_n(&s->mask, __ATOMIC_RELAXED));
    return (int)SB_MIN((size_t)SB_MAX(n, 0), cap);
}

static void s_release(struct file *f)
{
    free(f->priv);
}

static const struct file_ops signalfd_fops = {
    .read = s_read,
    .poll = s_poll,
    .fdinfo = s_fdinfo,
    .release = s_release,
};

int signalfd_new(uint64_t mask, int flags, struct file **out)
{
    static struct super sb = {.fstype = "signalfd", .dev = 0x0e};
    struct signalfd *s;

    if (flags & ~(SFD_NONBLOCK | SFD_CLOEXEC))
        return -EINVAL;
    s = xzalloc(sizeof(*s));
    s->mask = mask & ~UNBLOCKABLE;
    *out = anon_file_new(&sb, &signalfd_fops, O_RDWR | (flags & SFD_NONBLOCK ? O_NONBLOCK : 0), s);
    return 0;
}

int signalfd_set_mask(struct file *f, uint64_t mask)
{
    struct signalfd *s = f->priv;

    if (f->ops != &signalfd_fops)
        return -EINVAL;
    __atomic_store_n(&s->mask, mask & ~UNBLOCKABLE, __ATOMIC_RELAXED);
    waitq_wake_all(&signal_queued_wq); /* readiness may have changed */
    return 0;
}
