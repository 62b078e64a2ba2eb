/* sentry/fs/tty.h: terminals: a pty pair's line discipline (tty.c) and its
 * ioctls, controlling terminal and job control (tty_ioctl.c).
 *
 * One struct tty is one pseudo-terminal pair: the input queue (master ->
 * slave, after input processing and line editing) and the output queue
 * (slave -> master, after output processing, plus echoes). The termios and
 * window size are the slave's; ioctls on the master reach them too, as on
 * Linux.
 *
 * Lock order: k->lock -> devpts_lock -> tty->lock -> waitq locks. Nothing
 * takes k->lock with a tty->lock held: signals the line discipline raises
 * are sent after the tty lock is dropped.
 */
#ifndef SB_SENTRY_FS_TTY_H
#define SB_SENTRY_FS_TTY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "sentry/kernel/kernel.h"
#include "sentry/vfs/vfs.h"

/* The kernel's struct termios (36 bytes), not glibc's. */
#define TTY_NCCS 19
struct ktermios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[TTY_NCCS];
};

/* termios2 ioctls, spelled out: the libc headers name a struct termios2
 * that cannot be included next to <termios.h>. */
#undef TCGETS2
#undef TCSETS2
#undef TCSETSW2
#undef TCSETSF2
#define TCGETS2 0x802c542aU
#define TCSETS2 0x402c542bU
#define TCSETSW2 0x402c542cU
#define TCSETSF2 0x402c542dU
#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441U
#endif

#define TTY_IBUF 4096  /* input queue; a canonical line is at most 4095 bytes */
#define TTY_OBUF 16384 /* output queue towards the master */

struct tty {
    pthread_mutex_t lock;
    int ref;
    int index;   /* N of /dev/pts/N */
    uint64_t id; /* never reused: what a process's ctty names */
    struct ktermios tio;
    struct winsize ws;
    /* Input ring (positions grow, index mod TTY_IBUF): [ihead, icommit)
     * is readable, [icommit, itail) the canonical line being edited. */
    uint8_t ibuf[TTY_IBUF];
    uint8_t iflag[TTY_IBUF]; /* TTY_F_* per byte */
    uint64_t ihead, icommit, itail;
    bool lnext;       /* the next byte is taken literally (VLNEXT) */
    uint8_t obuf[TTY_OBUF];
    size_t ohead, olen;
    int masters, slaves; /* open files of each side */
    bool slave_closed;   /* the last slave file closed (master read: EIO) */
    bool locked;         /* TIOCSPTLCK: the slave cannot be opened */
    bool hungup;         /* the master is gone */
    int sid, pgrp;       /* session it controls and its foreground group (0: none) */
    struct waitq slave_wq, master_wq;
    pthread_cond_t kcv; /* the console's host threads wait here */
    struct inode *node; /* /dev/pts/N while the master lives */
};

#define TTY_F_EOL 1u /* a canonical line ends with this byte */
#define TTY_F_EOF 2u /* a canonical line ends here; the byte is not data */

/* tty.c: the line discipline. `t` is the calling task, NULL for a Sentry
 * thread of its own (the console), which waits on kcv instead. */
void tty_init(struct tty *tty);
long tty_master_write(struct tty *tty, const uint8_t *buf, size_t n, bool nonblock, struct task *t);
long tty_master_read(struct tty *tty, uint8_t *buf, size_t n, bool nonblock, struct task *t);
long tty_slave_read(struct tty *tty, uint8_t *buf, size_t n, bool nonblock, struct task *t);
long tty_slave_write(struct tty *tty, const uint8_t *buf, size_t n, bool nonblock, struct task *t);
unsigned tty_poll(struct tty *tty, bool master, struct poll_req *pr);
/* Readable bytes for FIONREAD (tty->lock held). */
int tty_inq(struct tty *tty, bool master);
void tty_flush(struct tty *tty, bool input, bool output); /* tty->lock held */
/* Move up to n bytes of output to buf (tty->lock held). */
size_t tty_take_output(struct tty *tty, uint8_t *buf, size_t n);
/* New termios (tty->lock held): ICANON switches commit the pending input. */
void tty_set_termios(struct tty *tty, const struct ktermios *nt);
void tty_wake(struct tty *tty); /* both sides and the console */

/* tty_ioctl.c */
long tty_ioctl(struct tty *tty, struct file *f, bool master, unsigned cmd, void *karg);
/* Job control before a slave read (SIGTTIN) or a TOSTOP write (SIGTTOU):
 * 0 to go on, -EIO, or -ERESTARTSYS with the signal sent. */
int tty_check_job(struct tty *tty, struct task *t, int sig);
/* Send sig to process group pgrp (0: nobody), from the kernel. */
void tty_kill_pgrp(int pgrp, int sig);
/* open() of a slave without O_NOCTTY: a session leader with no terminal
 * gets this one if it is free. */
void tty_open_set_ctty(struct tty *tty, struct task *t, bool readable);
/* The master is gone: SIGHUP and SIGCONT to the session leader, and the
 * session loses its terminal. */
void tty_hangup_session(struct tty *tty);
/* Make tty the controlling terminal of t's session (boot, -t). */
void tty_set_ctty(struct tty *tty, struct task *t);
/* The session loses tty: SIGHUP (and SIGCONT unless the session leader is
 * exiting) to the foreground group. */
void tty_disassociate(struct tty *tty, bool on_exit);
/* TIOCSWINSZ: a new size; SIGWINCH to the foreground group if it changed. */
void tty_resize(struct tty *tty, const struct winsize *ws);
/* How sys_ioctl moves a terminal ioctl's argument: bytes copied in before
 * and out after, or a value (val). false: not a terminal ioctl. */
bool tty_ioctl_arg(unsigned cmd, size_t *in, size_t *out, bool *val);

#endif
