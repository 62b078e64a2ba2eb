/* sentry/fs/tty_ioctl.c: terminal ioctls, the controlling terminal of a
 * session and job control (SIGTTIN/SIGTTOU), as Linux's tty_io.c and
 * tty_jobctrl.c. Lock order: see tty.h. */
#include "sentry/fs/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <termios.h>

#include "sentry/fs/fs.h"

/* struct termios2 of the kernel: termios plus the two speeds. */
#define KTERMIOS2_SIZE (sizeof(struct ktermios) + 8)

static void send_pgrp_locked(struct kernel *k, int pgrp, int sig)
{
    struct process *p;
    siginfo_t si;

    memset(&si, 0, sizeof(si));
    si.si_signo = sig;
    si.si_code = SI_KERNEL;
    for_each_process(k, i, p)
        if (p->pgid == pgrp && p->state == PROC_LIVE)
            signal_send_process(k, p, sig, &si);
}

void tty_kill_pgrp(int pgrp, int sig)
{
    struct kernel *k = sb_kernel;

    if (pgrp <= 0)
        return;
    pthread_mutex_lock(&k->lock);
    send_pgrp_locked(k, pgrp, sig);
    pthread_mutex_unlock(&k->lock);
}

/* A group is orphaned when no member has a parent in another group of the
 * same session (k->lock held). */
static bool pgrp_orphaned(struct kernel *k, int pgrp)
{
    struct process *p;

    for_each_process(k, i, p) {
        if (p->pgid != pgrp || p->state != PROC_LIVE || !p->parent)
            continue;
        if (p->parent->pgid != pgrp && p->parent->sid == p->sid)
            return false;
    }
    return true;
}

/* Is tty the controlling terminal of p? */
static bool is_ctty(struct tty *tty, struct process *p)
{
    bool r;

    if (!p->ctty || p->ctty != tty->id)
        return false;
    pthread_mutex_lock(&tty->lock);
    r = tty->sid == p->sid && tty->sid != 0;
    pthread_mutex_unlock(&tty->lock);
    return r;
}

int tty_check_job(struct tty *tty, struct task *t, int sig)
{
    struct kernel *k = t->k;
    struct process *p = t->proc;
    int fg, r = 0;

    pthread_mutex_lock(&k->lock);
    if (!is_ctty(tty, p))
        goto out;
    pthread_mutex_lock(&tty->lock);
    fg = tty->pgrp;
    pthread_mutex_unlock(&tty->lock);
    if (!fg || fg == p->pgid)
        goto out;
    if ((t->sigmask & SIGBIT(sig)) ||
        p->sighand->act[sig - 1].handler == (uint64_t)SIG_IGN) {
        if (sig == SIGTTIN)
            r = -EIO;
    } else if (pgrp_orphaned(k, p->pgid)) {
        r = -EIO;
    } else {
        send_pgrp_locked(k, p->pgid, sig);
        r = -ERESTARTSYS;
    }
out:
    pthread_mutex_unlock(&k->lock);
    return r;
}

void tty_set_ctty(struct tty *tty, struct task *t)
{
    pthread_mutex_lock(&tty->lock);
    tty->sid = t->proc->sid;
    tty->pgrp = t->proc->pgid;
    pthread_mutex_unlock(&tty->lock);
    t->proc->ctty = tty->id;
}

void tty_open_set_ctty(struct tty *tty, struct task *t, bool readable)
{
    struct kernel *k = t->k;
    struct process *p = t->proc;

    pthread_mutex_lock(&k->lock);
    if (readable && p->sid == p->tgid && !devpts_ctty_valid(p)) {
        pthread_mutex_lock(&tty->lock);
        if (!tty->sid && !tty->hungup) {
            tty->sid = p->sid;
            tty->pgrp = p->pgid;
            p->ctty = tty->id;
        }
        pthread_mutex_unlock(&tty->lock);
    }
    pthread_mutex_unlock(&k->lock);
}

void tty_hangup_session(struct tty *tty)
{
    struct kernel *k = sb_kernel;
    struct process *leader;
    int sid;

    pthread_mutex_lock(&k->lock);
    pthread_mutex_lock(&tty->lock);
    sid = tty->sid;
    tty->sid = tty->pgrp = 0;
    pthread_mutex_unlock(&tty->lock);
    leader = sid ? pid_process(k, sid) : NULL;
    if (leader && leader->sid == sid && leader->state == PROC_LIVE) {
        siginfo_t si;
        memset(&si, 0, sizeof(si));
        si.si_signo = SIGHUP;
        si.si_code = SI_KERNEL;
        signal_send_process(k, leader, SIGHUP, &si);
        si.si_signo = SIGCONT;
        signal_send_process(k, leader, SIGCONT, &si);
    }
    pthread_mutex_unlock(&k->lock);
}

/* The session loses its terminal: SIGHUP (and SIGCONT unless the leader
 * is exiting) to the foreground group. */
void tty_disassociate(struct tty *tty, bool on_exit)
{
    struct kernel *k = sb_kernel;
    int fg;

    pthread_mutex_lock(&k->lock);
    pthread_mutex_lock(&tty->lock);
    fg = tty->pgrp;
    tty->sid = tty->pgrp = 0;
    pthread_mutex_unlock(&tty->lock);
    if (fg) {
        send_pgrp_locked(k, fg, SIGHUP);
        if (!on_exit)
            send_pgrp_locked(k, fg, SIGCONT);
    }
    pthread_mutex_unlock(&k->lock);
}

static long set_pgrp(struct tty *tty, struct task *t, int pgrp)
{
    struct kernel *k = t->k;
    struct process *p = t->proc, *o;
    bool exists = false, same_session = false;
    long r = 0;

    pthread_mutex_lock(&k->lock);
    if (!is_ctty(tty, p)) {
        r = -ENOTTY;
        goto out;
    }
    if (pgrp < 0) {
        r = -EINVAL;
        goto out;
    }
    for_each_process(k, i, o) {
        if (o->pgid == pgrp && o->state == PROC_LIVE) {
            exists = true;
            same_session |= o->sid == p->sid;
        }
    }
    if (!exists) {
        r = -ESRCH;
        goto out;
    }
    if (!same_session) {
        r = -EPERM;
        goto out;
    }
    pthread_mutex_lock(&tty->lock);
    tty->pgrp = pgrp;
    pthread_mutex_unlock(&tty->lock);
out:
    pthread_mutex_unlock(&k->lock);
    return r;
}

static long set_ctty(struct tty *tty, struct file *f, struct task *t, unsigned long arg)
{
    struct kernel *k = t->k;
    struct process *p = t->proc;
    bool admin = capable(t, CAP_SYS_ADMIN);
    long r = 0;

    pthread_mutex_lock(&k->lock);
    if (p->sid == p->tgid && is_ctty(tty, p))
        goto out;
    if (p->sid != p->tgid || devpts_ctty_valid(p)) {
        r = -EPERM;
        goto out;
    }
    pthread_mutex_lock(&tty->lock);
    if (tty->sid && !(arg == 1 && admin)) {
        r = -EPERM;
    } else if ((f->flags & O_ACCMODE) == O_WRONLY && !admin) {
        r = -EPERM;
    } else {
        /* Stealing from another session ends its hold (ids no longer match). */
        tty->sid = p->sid;
        tty->pgrp = p->pgid;
        p->ctty = tty->id;
    }
    pthread_mutex_unlock(&tty->lock);
out:
    pthread_mutex_unlock(&k->lock);
    return r;
}

void tty_resize(struct tty *tty, const struct winsize *ws)
{
    bool changed;
    int fg;

    pthread_mutex_lock(&tty->lock);
    changed = memcmp(ws, &tty->ws, sizeof(*ws)) != 0;
    tty->ws = *ws;
    fg = tty->pgrp;
    pthread_mutex_unlock(&tty->lock);
    if (changed)
        tty_kill_pgrp(fg, SIGWINCH);
}

static long set_termios(struct tty *tty, bool master, struct task *t, unsigned cmd, void *karg)
{
    struct ktermios nt;
    long r;

    if (!master && t && (r = tty_check_job(tty, t, SIGTTOU)))
        return r;
    memcpy(&nt, karg, sizeof(nt));
    pthread_mutex_lock(&tty->lock);
    if (cmd == TCSETSF || cmd == TCSETSF2)
        tty_flush(tty, true, false);
    tty_set_termios(tty, &nt);
    pthread_mutex_unlock(&tty->lock);
    return 0;
}

long tty_ioctl(struct tty *tty, struct file *f, bool master, unsigned cmd, void *karg)
{
    struct task *t = current_task;
    unsigned long arg = *(unsigned long *)karg;
    int *ip = karg;
    long r;

    switch (cmd) {
    case TCGETS:
    case TCGETS2:
        pthread_mutex_lock(&tty->lock);
        memcpy(karg, &tty->tio, sizeof(tty->tio));
        pthread_mutex_unlock(&tty->lock);
        if (cmd == TCGETS2) {
            uint32_t speed[2] = { 38400, 38400 };
            memcpy((uint8_t *)karg + sizeof(struct ktermios), speed, sizeof(speed));
        }
        return 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TCSETS2:
    case TCSETSW2:
    case TCSETSF2:
        return set_termios(tty, master, t, cmd, karg);
    case TIOCGWINSZ:
        pthread_mutex_lock(&tty->lock);
        memcpy(karg, &tty->ws, sizeof(tty->ws));
        pthread_mutex_unlock(&tty->lock);
        return 0;
    case TIOCSWINSZ: {
        struct winsize ws;
        memcpy(&ws, karg, sizeof(ws));
        tty_resize(tty, &ws);
        return 0;
    }
    case TIOCGPGRP:
    case TIOCGSID:
        if (!master && (!t || !is_ctty(tty, t->proc)))
            return -ENOTTY;
        pthread_mutex_lock(&tty->lock);
        *ip = cmd == TIOCGPGRP ? tty->pgrp : tty->sid;
        pthread_mutex_unlock(&tty->lock);
        return cmd == TIOCGSID && !*ip ? -ENOTTY : 0;
    case TIOCSPGRP:
        if (!t)
            return -ENOTTY;
        if (!master && (r = tty_check_job(tty, t, SIGTTOU)))
            return r == -EIO ? -ENOTTY : r; /* as Linux */
        return set_pgrp(tty, t, *ip);
    case TIOCSCTTY:
        return t ? set_ctty(tty, f, t, arg) : -EPERM;
    case TIOCNOTTY:
        if (!t || !is_ctty(tty, t->proc))
            return -ENOTTY;
        if (t->proc->sid == t->proc->tgid)
            tty_disassociate(tty, false);
        else
            t->proc->ctty = 0;
        return 0;
    case TIOCGPTN:
    case TIOCSPTLCK:
    case TIOCGPTLCK:
        if (!master)
            return -ENOTTY;
        pthread_mutex_lock(&tty->lock);
        if (cmd == TIOCGPTN)
            *ip = tty->index;
        else if (cmd == TIOCGPTLCK)
            *ip = tty->locked;
        else
            tty->locked = *ip != 0;
        pthread_mutex_unlock(&tty->lock);
        return 0;
    case FIONREAD:
        pthread_mutex_lock(&tty->lock);
        *ip = tty_inq(tty, master);
        pthread_mutex_unlock(&tty->lock);
        return 0;
    case TIOCOUTQ:
        *ip = 0; /* as Linux's ptys: no driver queue */
        return 0;
    case TCFLSH:
        if (arg > TCIOFLUSH)
            return -EINVAL;
        if (!master && t && (r = tty_check_job(tty, t, SIGTTOU)))
            return r;
        pthread_mutex_lock(&tty->lock);
        {
            bool in = arg == TCIFLUSH || arg == TCIOFLUSH;
            bool out = arg == TCOFLUSH || arg == TCIOFLUSH;
            if (master) /* the master's input is the slave's output */
                tty_flush(tty, out, in);
            else
                tty_flush(tty, in, out);
        }
        pthread_mutex_unlock(&tty->lock);
        return 0;
    case TCXONC:
        if (arg > TCION)
            return -EINVAL;
        if (!master && t && (r = tty_check_job(tty, t, SIGTTOU)))
            return r;
        return 0; /* flow control is accepted, not modelled */
    case TCSBRK:
    case TCSBRKP:
        if (!master && t && (r = tty_check_job(tty, t, SIGTTOU)))
            return r;
        return 0; /* nothing waits in a driver queue */
    case TIOCEXCL:
    case TIOCNXCL:
        return 0;
    case TIOCGETD:
        *ip = 0; /* N_TTY */
        return 0;
    case TIOCSETD:
        return *ip == 0 ? 0 : -EINVAL;
    default:
        return -ENOTTY;
    }
}

/* The argument of each terminal ioctl: bytes copied in (in) and out (out);
 * val: the argument is a value, not a pointer. Returns false if cmd is
 * not a terminal ioctl. */
bool tty_ioctl_arg(unsigned cmd, size_t *in, size_t *out, bool *val)
{
    *in = *out = 0;
    *val = false;
    switch (cmd) {
    case TCGETS:
        *out = sizeof(struct ktermios);
        return true;
    case TCGETS2:
        *out = KTERMIOS2_SIZE;
        return true;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        *in = sizeof(struct ktermios);
        return true;
    case TCSETS2:
    case TCSETSW2:
    case TCSETSF2:
        *in = KTERMIOS2_SIZE;
        return true;
    case TIOCGWINSZ:
        *out = sizeof(struct winsize);
        return true;
    case TIOCSWINSZ:
        *in = sizeof(struct winsize);
        return true;
    case TIOCGPGRP:
    case TIOCGSID:
    case TIOCGPTN:
    case TIOCGPTLCK:
    case TIOCOUTQ:
    case TIOCGETD:
        *out = sizeof(int);
        return true;
    case TIOCSPGRP:
    case TIOCSPTLCK:
    case TIOCSETD:
        *in = sizeof(int);
        return true;
    case TIOCSCTTY:
    case TIOCNOTTY:
    case TIOCGPTPEER:
    case TCFLSH:
    case TCXONC:
    case TCSBRK:
    case TCSBRKP:
    case TIOCEXCL:
    case TIOCNXCL:
        *val = true;
        return true;
    default:
        return false;
    }
}
