/* sentry/fs/tty.c: the line discipline of a pty pair (Linux's n_tty):
 * input processing, canonical line editing, echo, ISIG, VMIN/VTIME reads
 * and output processing, with blocking, O_NONBLOCK and poll readiness.
 * Lock order: see tty.h. */
#include "sentry/fs/tty.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <time.h>

#define CC(tty, i) ((tty)->tio.c_cc[i])
#define L(tty, f) (((tty)->tio.c_lflag & (f)) != 0)
#define I(tty, f) (((tty)->tio.c_iflag & (f)) != 0)
#define O(tty, f) (((tty)->tio.c_oflag & (f)) != 0)
#define IDX(pos) ((pos) % TTY_IBUF)

void tty_init(struct tty *tty)
{
    static const uint8_t cc[TTY_NCCS] = { 3, 034, 0177, 025, 4, 0, 1, 0, 021, 023,
                                          032, 0, 022, 017, 027, 026, 0 };
    pthread_condattr_t ca;

    pthread_mutex_init(&tty->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&tty->kcv, &ca);
    pthread_condattr_destroy(&ca);
    waitq_init(&tty->slave_wq);
    waitq_init(&tty->master_wq);
    tty->tio.c_iflag = ICRNL | IXON;
    tty->tio.c_oflag = OPOST | ONLCR;
    tty->tio.c_cflag = B38400 | CS8 | CREAD;
    tty->tio.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    memcpy(tty->tio.c_cc, cc, sizeof(cc));
}

void tty_wake(struct tty *tty)
{
    waitq_wake_all(&tty->slave_wq);
    waitq_wake_all(&tty->master_wq);
    pthread_cond_broadcast(&tty->kcv);
}

/* ---- output (towards the master) ---- */

static size_t oroom(struct tty *tty)
{
    return TTY_OBUF - tty->olen;
}

static void oput(struct tty *tty, uint8_t c)
{
    if (tty->olen < TTY_OBUF) {
        tty->obuf[(tty->ohead + tty->olen) % TTY_OBUF] = c;
        tty->olen++;
    }
}

/* One byte through output processing (OPOST). Returns false, having put
 * nothing, when there is no room for what the byte becomes. */
static bool output_char(struct tty *tty, uint8_t c)
{
    if (!O(tty, OPOST)) {
        if (!oroom(tty))
            return false;
        oput(tty, c);
        return true;
    }
    switch (c) {
    case '\n':
        if (O(tty, ONLCR)) {
            if (oroom(tty) < 2)
                return false;
            oput(tty, '\r');
        }
        break;
    case '\r':
        if (O(tty, ONOCR) && tty->olen == 0)
            return true;
        if (O(tty, OCRNL))
            c = '\n';
        break;
    case '\t':
        if ((tty->tio.c_oflag & TABDLY) == XTABS) {
            if (oroom(tty) < 8)
                return false;
            for (int i = 0; i < 8; i++) /* no column tracking: a full tab stop */
                oput(tty, ' ');
            return true;
        }
        break;
    default:
        if (O(tty, OLCUC) && islower(c))
            c = (uint8_t)toupper(c);
        break;
    }
    if (!oroom(tty))
        return false;
    oput(tty, c);
    return true;
}

/* Echo a byte: control characters as ^X with ECHOCTL (not tab, newline). */
static void echo_char(struct tty *tty, uint8_t c)
{
    if (L(tty, ECHOCTL) && (c < 0x20 || c == 0x7f) && c != '\t' && c != '\n') {
        if (oroom(tty) >= 2) {
            oput(tty, '^');
            oput(tty, c ^ 0100);
        }
        return;
    }
    (void)output_char(tty, c);
}

static void echo_str(struct tty *tty, const char *s)
{
    for (; *s; s++)
        (void)output_char(tty, (uint8_t)*s);
}

/* ---- input (from the master) ---- */

static size_t iused(struct tty *tty)
{
    return (size_t)(tty->itail - tty->ihead);
}

static void iput(struct tty *tty, uint8_t c, uint8_t flag)
{
    tty->ibuf[IDX(tty->itail)] = c;
    tty->iflag[IDX(tty->itail)] = flag;
    tty->itail++;
}

static bool is_cc(struct tty *tty, uint8_t c, int i)
{
    return CC(tty, i) != _POSIX_VDISABLE && c == CC(tty, i);
}

/* VERASE, VWERASE, VKILL on the line being edited (Linux's eraser()). */
static void erase(struct tty *tty, uint8_t c)
{
    enum { ERASE, WERASE, KILL } kind;
    int seen_alnums = 0;

    if (tty->itail == tty->icommit)
        return;
    kind = is_cc(tty, c, VERASE) ? ERASE : is_cc(tty, c, VWERASE) ? WERASE : KILL;
    if (kind == KILL) {
        if (!L(tty, ECHO)) {
            tty->itail = tty->icommit;
            return;
        }
        if (!L(tty, ECHOK) || !L(tty, ECHOKE) || !L(tty, ECHOE)) {
            tty->itail = tty->icommit;
            echo_char(tty, c);
            if (L(tty, ECHOK))
                (void)output_char(tty, '\n');
            return;
        }
    }
    while (tty->itail > tty->icommit) {
        uint8_t p = tty->ibuf[IDX(tty->itail - 1)];
        bool ctl = p < 0x20 || p == 0x7f;
        if (kind == WERASE) {
            if (isalnum(p) || p == '_')
                seen_alnums++;
            else if (seen_alnums)
                break;
        }
        tty->itail--;
        if (L(tty, ECHO)) {
            if (kind == ERASE && !L(tty, ECHOE)) {
                echo_char(tty, c);
            } else if (p == '\t') {
                echo_str(tty, "\b");
            } else {
                if (ctl && L(tty, ECHOCTL))
                    echo_str(tty, "\b \b");
                if (!ctl || L(tty, ECHOCTL))
                    echo_str(tty, "\b \b");
            }
        }
        if (kind == ERASE)
            break;
    }
}

/* Take one byte from the master. Returns false when it must wait for room;
 * *sig gets a signal for the foreground group (ISIG). */
static bool receive_char(struct tty *tty, uint8_t c, int *sig)
{
    bool canon = L(tty, ICANON);
    size_t used = iused(tty);

    /* Room: a full queue holding readable data waits for the reader; a
     * full canonical line keeps taking line ends in its last byte. */
    if (used >= TTY_IBUF - 1) {
        if (!canon || tty->icommit != tty->ihead)
            return false;
    }
    if (tty->lnext) {
        tty->lnext = false;
        goto literal;
    }
    if (I(tty, ISTRIP))
        c &= 0x7f;
    if (c == '\r') {
        if (I(tty, IGNCR))
            return true;
        if (I(tty, ICRNL))
            c = '\n';
    } else if (c == '\n' && I(tty, INLCR)) {
        c = '\r';
    }
    if (I(tty, IXON) && (is_cc(tty, c, VSTART) || is_cc(tty, c, VSTOP)))
        return true; /* flow control is accepted, not modelled */
    if (L(tty, ISIG)) {
        int s = is_cc(tty, c, VINTR) ? SIGINT : is_cc(tty, c, VQUIT) ? SIGQUIT
              : is_cc(tty, c, VSUSP) ? SIGTSTP : 0;
        if (s) {
            if (!L(tty, NOFLSH))
                tty_flush(tty, true, true);
            if (L(tty, ECHO))
                echo_char(tty, c);
            *sig = s;
            return true;
        }
    }
    if (canon) {
        if (is_cc(tty, c, VERASE) || is_cc(tty, c, VKILL) ||
            (L(tty, IEXTEN) && is_cc(tty, c, VWERASE))) {
            erase(tty, c);
            return true;
        }
        if (L(tty, IEXTEN) && is_cc(tty, c, VLNEXT)) {
            tty->lnext = true;
            if (L(tty, ECHO) && L(tty, ECHOCTL))
                echo_str(tty, "^\b");
            return true;
        }
        if (c == '\n' || is_cc(tty, c, VEOF) || is_cc(tty, c, VEOL) ||
            (L(tty, IEXTEN) && is_cc(tty, c, VEOL2))) {
            bool eof = is_cc(tty, c, VEOF) && c != '\n';
            if (used >= TTY_IBUF - 1)
                tty->itail--; /* the line end takes the last byte */
            if (!eof && (L(tty, ECHO) || (c == '\n' && L(tty, ECHONL))))
                echo_char(tty, c);
            iput(tty, eof ? 0 : c, eof ? TTY_F_EOF : TTY_F_EOL);
            tty->icommit = tty->itail;
            return true;
        }
        if (used >= TTY_IBUF - 1)
            return true; /* the line is full: dropped, as Linux does */
    }
literal:
    if (used >= TTY_IBUF - 1)
        return canon; /* dropped in a full canonical line */
    if (L(tty, ECHO))
        echo_char(tty, c);
    iput(tty, c, 0);
    if (!canon)
        tty->icommit = tty->itail;
    return true;
}

void tty_flush(struct tty *tty, bool input, bool output)
{
    if (input) {
        tty->ihead = tty->icommit = tty->itail = 0;
        tty->lnext = false;
    }
    if (output)
        tty->ohead = tty->olen = 0;
    tty_wake(tty);
}

void tty_set_termios(struct tty *tty, const struct ktermios *nt)
{
    bool was = L(tty, ICANON);

    tty->tio = *nt;
    if (was == L(tty, ICANON))
        goto out;
    for (uint64_t p = tty->ihead; p < tty->itail; p++)
        tty->iflag[IDX(p)] &= ~TTY_F_EOL;
    if (L(tty, ICANON) && tty->itail > tty->ihead)
        tty->iflag[IDX(tty->itail - 1)] |= TTY_F_EOL; /* pending input is one line */
    tty->icommit = tty->itail;
out:
    tty_wake(tty);
}

int tty_inq(struct tty *tty, bool master)
{
    int n = 0;

    if (master)
        return (int)tty->olen;
    for (uint64_t p = tty->ihead; p < tty->icommit; p++)
        n += !(tty->iflag[IDX(p)] & TTY_F_EOF);
    return n;
}

/* ---- waiting ---- */

/* Wait (tty->lock held, and held again on return) until ready(tty). A task
 * waits on wq (signals interrupt: -ERESTARTSYS), the console on kcv. */
static int wait_for(struct tty *tty, struct waitq *wq, bool (*ready)(void *), struct task *t,
                    const struct timespec *deadline)
{
    int r = 0;

    if (!t) {
        while (!ready(tty))
            pthread_cond_wait(&tty->kcv, &tty->lock);
        return 0;
    }
    pthread_mutex_unlock(&tty->lock);
    r = task_wait_event(t, wq, ready, tty, deadline);
    pthread_mutex_lock(&tty->lock);
    return r;
}

static bool master_readable(void *arg)
{
    struct tty *tty = arg;
    return tty->olen || (tty->slaves == 0 && tty->slave_closed);
}

static bool master_writable(void *arg)
{
    struct tty *tty = arg;
    return iused(tty) < TTY_IBUF - 1 || (L(tty, ICANON) && tty->icommit == tty->ihead);
}

static bool slave_readable(void *arg)
{
    struct tty *tty = arg;
    return tty->icommit > tty->ihead || tty->hungup;
}

static bool slave_writable(void *arg)
{
    struct tty *tty = arg;
    return oroom(tty) >= 2 || tty->hungup;
}

/* ---- the master side ---- */

long tty_master_write(struct tty *tty, const uint8_t *buf, size_t n, bool nonblock, struct task *t)
{
    size_t done = 0;
    int sig = 0, pgrp = 0, r;

    pthread_mutex_lock(&tty->lock);
    while (done < n) {
        int s = 0;
        if (receive_char(tty, buf[done], &s)) {
            done++;
            if (s) {
                /* Send at once: the group's reaction must not wait for
                 * the rest of the write. */
                sig = s;
                pgrp = tty->pgrp;
                tty_wake(tty);
                pthread_mutex_unlock(&tty->lock);
                tty_kill_pgrp(pgrp, sig);
                pthread_mutex_lock(&tty->lock);
            }
            continue;
        }
        tty_wake(tty);
        if (nonblock) {
            if (!done) {
                pthread_mutex_unlock(&tty->lock);
                return -EAGAIN;
            }
            break;
        }
        r = wait_for(tty, &tty->master_wq, master_writable, t, NULL);
        if (r) {
            pthread_mutex_unlock(&tty->lock);
            return done ? (long)done : r;
        }
    }
    tty_wake(tty);
    pthread_mutex_unlock(&tty->lock);
    return (long)done;
}

long tty_master_read(struct tty *tty, uint8_t *buf, size_t n, bool nonblock, struct task *t)
{
    size_t done = 0;
    int r;

    if (!n)
        return 0;
    pthread_mutex_lock(&tty->lock);
    while (!tty->olen) {
        if (tty->slaves == 0 && tty->slave_closed) {
            pthread_mutex_unlock(&tty->lock);
            return -EIO;
        }
        if (nonblock) {
            pthread_mutex_unlock(&tty->lock);
            return -EAGAIN;
        }
        if ((r = wait_for(tty, &tty->master_wq, master_readable, t, NULL))) {
            pthread_mutex_unlock(&tty->lock);
            return r;
        }
    }
    done = tty_take_output(tty, buf, n);
    tty_wake(tty);
    pthread_mutex_unlock(&tty->lock);
    return (long)done;
}

size_t tty_take_output(struct tty *tty, uint8_t *buf, size_t n)
{
    size_t done = 0;

    while (done < n && tty->olen) {
        size_t k = SB_MIN(SB_MIN(n - done, tty->olen), TTY_OBUF - tty->ohead);
        memcpy(buf + done, tty->obuf + tty->ohead, k);
        tty->ohead = (tty->ohead + k) % TTY_OBUF;
        tty->olen -= k;
        done += k;
    }
    if (!tty->olen)
        tty->ohead = 0;
    return done;
}

/* ---- the slave side ---- */

static size_t read_canon(struct tty *tty, uint8_t *buf, size_t n)
{
    size_t done = 0;

    while (done < n && tty->ihead < tty->icommit) {
        uint8_t fl = tty->iflag[IDX(tty->ihead)];
        uint8_t c = tty->ibuf[IDX(tty->ihead)];
        tty->ihead++;
        if (fl & TTY_F_EOF)
            break;
        buf[done++] = c;
        if (fl & TTY_F_EOL)
            break;
    }
    return done;
}

static size_t read_raw(struct tty *tty, uint8_t *buf, size_t n)
{
    size_t done = 0;

    while (done < n && tty->ihead < tty->icommit)
        buf[done++] = tty->ibuf[IDX(tty->ihead++)];
    return done;
}

static void deadline_in(struct timespec *d, unsigned deciseconds)
{
    clock_gettime(CLOCK_MONOTONIC, d);
    d->tv_sec += deciseconds / 10;
    d->tv_nsec += (long)(deciseconds % 10) * 100000000L;
    if (d->tv_nsec >= 1000000000L) {
        d->tv_sec++;
        d->tv_nsec -= 1000000000L;
    }
}

long tty_slave_read(struct tty *tty, uint8_t *buf, size_t n, bool nonblock, struct task *t)
{
    struct timespec deadline, *dl = NULL;
    size_t done = 0, minimum;
    unsigned vmin, vtime;
    int r;

    if (t && (r = tty_check_job(tty, t, SIGTTIN)))
        return r;
    if (!n)
        return 0;
    pthread_mutex_lock(&tty->lock);
    if (L(tty, ICANON)) {
        while (tty->ihead == tty->icommit) {
            if (tty->hungup) {
                pthread_mutex_unlock(&tty->lock);
                return 0;
            }
            if (nonblock) {
                pthread_mutex_unlock(&tty->lock);
                return -EAGAIN;
            }
            if ((r = wait_for(tty, &tty->slave_wq, slave_readable, t, NULL))) {
                pthread_mutex_unlock(&tty->lock);
                return r;
            }
        }
        done = read_canon(tty, buf, n);
        goto out;
    }
    vmin = CC(tty, VMIN);
    vtime = CC(tty, VTIME);
    minimum = vmin ? SB_MIN((size_t)vmin, n) : 1;
    if (!vmin && vtime) {
        deadline_in(&deadline, vtime);
        dl = &deadline;
    }
    for (;;) {
        size_t k = read_raw(tty, buf + done, n - done);
        done += k;
        if (k && vmin && vtime) {
            deadline_in(&deadline, vtime); /* the inter-byte timer */
            dl = &deadline;
        }
        if (done >= minimum || done == n || tty->hungup)
            break;
        if (!vmin && !vtime)
            break;
        if (nonblock) {
            if (!done) {
                pthread_mutex_unlock(&tty->lock);
                return -EAGAIN;
            }
            break;
        }
        r = wait_for(tty, &tty->slave_wq, slave_readable, t, dl);
        if (r == -ETIMEDOUT)
            break;
        if (r) {
            pthread_mutex_unlock(&tty->lock);
            return done ? (long)done : r;
        }
    }
out:
    tty_wake(tty);
    pthread_mutex_unlock(&tty->lock);
    return (long)done;
}

long tty_slave_write(struct tty *tty, const uint8_t *buf, size_t n, bool nonblock, struct task *t)
{
    size_t done = 0;
    int r;

    pthread_mutex_lock(&tty->lock);
    if (L(tty, TOSTOP) && t) {
        pthread_mutex_unlock(&tty->lock);
        if ((r = tty_check_job(tty, t, SIGTTOU)))
            return r;
        pthread_mutex_lock(&tty->lock);
    }
    while (done < n) {
        if (tty->hungup) {
            pthread_mutex_unlock(&tty->lock);
            return done ? (long)done : -EIO;
        }
        if (output_char(tty, buf[done])) {
            done++;
            continue;
        }
        tty_wake(tty);
        if (nonblock) {
            pthread_mutex_unlock(&tty->lock);
            return done ? (long)done : -EAGAIN;
        }
        if ((r = wait_for(tty, &tty->slave_wq, slave_writable, t, NULL))) {
            pthread_mutex_unlock(&tty->lock);
            return done ? (long)done : r;
        }
    }
    tty_wake(tty);
    pthread_mutex_unlock(&tty->lock);
    return (long)done;
}

unsigned tty_poll(struct tty *tty, bool master, struct poll_req *pr)
{
    unsigned m = 0;

    if (pr)
        poll_wait(pr, master ? &tty->master_wq : &tty->slave_wq);
    pthread_mutex_lock(&tty->lock);
    if (master) {
        if (tty->olen)
            m |= POLLIN | POLLRDNORM;
        if (tty->slaves == 0 && tty->slave_closed)
            m |= POLLHUP;
        if (master_writable(tty))
            m |= POLLOUT | POLLWRNORM;
    } else if (tty->hungup) {
        m = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLERR | POLLHUP;
    } else {
        if (tty->icommit > tty->ihead)
            m |= POLLIN | POLLRDNORM;
        if (oroom(tty) >= 2)
            m |= POLLOUT | POLLWRNORM;
    }
    pthread_mutex_unlock(&tty->lock);
    return m;
}
