/* pty_signals: a session leader acquires its terminal, ISIG characters
 * signal the foreground group, SIGWINCH on a resize, and job control for
 * a background group (SIGTTOU with TOSTOP, SIGTTIN, EIO when ignored). */
#include "pty_util.h"

static volatile sig_atomic_t got_int, got_winch;
static void on_int(int sig) { got_int++; }
static void on_winch(int sig) { got_winch++; }

static char slave_name[64];

/* Wait for pid to stop; print the stop signal. */
static void expect_stop(const char *what, pid_t pid, int sig)
{
    int st;
    MUST(waitpid(pid, &st, WUNTRACED));
    TRUE(what, WIFSTOPPED(st) && WSTOPSIG(st) == sig);
}

/* The session: runs as a child of the test. */
static int session(int m)
{
    struct sigaction sa = { .sa_handler = on_int };
    struct winsize ws = { 30, 90, 0, 0 };
    char buf[64];
    pid_t bg;
    int s, x;

    MUST(setsid());
    MUST(s = open(slave_name, O_RDWR)); /* no O_NOCTTY: our terminal now */
    EQ("tcgetsid is us", tcgetsid(s) == getpid(), 1);
    EQ("tcgetpgrp is us", tcgetpgrp(s) == getpgrp(), 1);

    /* ^C: SIGINT to the foreground group; a blocked read returns EINTR. */
    sigaction(SIGINT, &sa, NULL);
    if (fork() == 0) {
        usleep(100000); /* type it while the read below waits */
        MUST(write(m, "\x03", 1));
        _exit(0);
    }
    errno = 0;
    x = (int)read(s, buf, sizeof(buf));
    {
        int e = errno;
        ERR("read interrupted by ^C", (errno = e, x), EINTR);
    }
    EQ("SIGINT caught", got_int, 1);
    MUST(wait(NULL));
    pty_expect("echo of ^C", m, "^C");

    /* A resize: SIGWINCH. */
    sa.sa_handler = on_winch;
    sigaction(SIGWINCH, &sa, NULL);
    OK("TIOCSWINSZ", ioctl(m, TIOCSWINSZ, &ws));
    for (int i = 0; i < 200 && !got_winch; i++)
        usleep(10000);
    EQ("SIGWINCH caught", got_winch, 1);
    OK("same size again", ioctl(m, TIOCSWINSZ, &ws));
    usleep(50000);
    EQ("no SIGWINCH for the same size", got_winch, 1);

    /* A background group. */
    bg = fork();
    if (bg == 0) {
        /* Job control signals sent to the whole group must not stop it. */
        signal(SIGTTIN, SIG_IGN);
        signal(SIGTTOU, SIG_IGN);
        setpgid(0, 0);
        for (;;)
            pause();
    }
    MUST(setpgid(bg, bg));
    /* Job control as seen from the background: run the checks there. */
    if (fork() == 0) {
        struct termios t;
        sigset_t set;
        conf_failed = 0;
        MUST(setpgid(0, bg));
        EQ("we are in the background", tcgetpgrp(s) != getpgrp(), 1);
        EQ("write without TOSTOP", write(s, "w", 1), 1);
        signal(SIGTTIN, SIG_IGN);
        ERR("read with SIGTTIN ignored", read(s, buf, 1), EIO);
        signal(SIGTTIN, SIG_DFL);
        sigemptyset(&set);
        sigaddset(&set, SIGTTOU);
        sigprocmask(SIG_BLOCK, &set, NULL);
        MUST(tcgetattr(s, &t));
        OK("tcsetattr with SIGTTOU blocked", tcsetattr(s, TCSANOW, &t));
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        /* Stops us (a separate check by our parent follows). */
        exit(0);
    }
    MUST(wait(NULL));
    pty_expect("background write arrived", m, "w");

    /* SIGTTIN stops a background reader. */
    pid_t r = fork();
    if (r == 0) {
        MUST(setpgid(0, bg));
        read(s, buf, 1);
        _exit(5);
    }
    expect_stop("background read stops with SIGTTIN", r, SIGTTIN);
    kill(r, SIGKILL);
    MUST(waitpid(r, NULL, 0));

    /* SIGTTOU stops a background writer when TOSTOP is set. */
    {
        struct termios t;
        MUST(tcgetattr(s, &t));
        t.c_lflag |= TOSTOP;
        MUST(tcsetattr(s, TCSANOW, &t));
    }
    r = fork();
    if (r == 0) {
        MUST(setpgid(0, bg));
        write(s, "x", 1);
        _exit(5);
    }
    expect_stop("background write with TOSTOP stops with SIGTTOU", r, SIGTTOU);
    kill(r, SIGKILL);
    MUST(waitpid(r, NULL, 0));
    r = fork();
    if (r == 0) {
        MUST(setpgid(0, bg));
        conf_failed = 0;
        signal(SIGTTOU, SIG_IGN);
        EQ("TOSTOP write with SIGTTOU ignored", write(s, "y", 1), 1);
        struct termios t;
        MUST(tcgetattr(s, &t));
        OK("tcsetattr with SIGTTOU ignored", tcsetattr(s, TCSANOW, &t));
        _exit(conf_failed ? 1 : 0);
    }
    EQ("ignoring child", pty_wait(r), 0);
    pty_expect("ignored TOSTOP write arrived", m, "y");
    r = fork();
    if (r == 0) {
        struct termios t;
        MUST(setpgid(0, bg));
        MUST(tcgetattr(s, &t));
        tcsetattr(s, TCSANOW, &t);
        _exit(5);
    }
    expect_stop("background tcsetattr stops with SIGTTOU", r, SIGTTOU);
    kill(r, SIGKILL);
    MUST(waitpid(r, NULL, 0));

    /* The foreground moves to the other group; ^Z stops it. */
    ERR("tcsetpgrp no such group", tcsetpgrp(s, 99999), ESRCH);
    ERR("tcsetpgrp negative", tcsetpgrp(s, -2), EINVAL);
    OK("tcsetpgrp", tcsetpgrp(s, bg));
    EQ("tcgetpgrp", tcgetpgrp(s) == bg, 1);
    /* Now we are the background, and an orphaned group (our parent is
     * in another session): EIO, which TIOCSPGRP turns into ENOTTY. */
    ERR("background tcsetpgrp, orphaned", tcsetpgrp(s, getpgrp()), ENOTTY);
    ERR("background read, orphaned", read(s, buf, 1), EIO);
    MUST(write(m, "\x1a", 1));
    expect_stop("^Z stops the foreground group", bg, SIGTSTP);
    kill(bg, SIGKILL);
    MUST(waitpid(bg, NULL, 0));
    return conf_failed ? 1 : 0;
}

int main(void)
{
    conf_need_pty();
    int m, s2;
    pid_t pid;

    pty_open(&m, NULL, 0);
    snprintf(slave_name, sizeof(slave_name), "%s", ptsname(m));
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        conf_failed = 0;
        exit(session(m));
    }
    EQ("session", pty_wait(pid), 0);

    /* Another session cannot take a terminal that is not free... */
    pid = fork();
    if (pid == 0) {
        int s;
        MUST(setsid());
        MUST(s = open(slave_name, O_RDWR | O_NOCTTY));
        conf_failed = 0;
        OK("TIOCSCTTY of a free terminal", ioctl(s, TIOCSCTTY, 0));
        OK("TIOCSCTTY again", ioctl(s, TIOCSCTTY, 0));
        EQ("tcgetsid", tcgetsid(s) == getpid(), 1);
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            conf_failed = 0;
            MUST(setsid());
            ERR("TIOCSCTTY of a taken terminal", ioctl(s, TIOCSCTTY, 0), EPERM);
            ERR("tcgetsid, not ours", tcgetsid(s), ENOTTY);
            exit(conf_failed ? 1 : 0);
        }
        EQ("second session", pty_wait(c), 0);
        exit(conf_failed ? 1 : 0);
    }
    EQ("TIOCSCTTY session", pty_wait(pid), 0);
    /* ...and a process that is not a session leader cannot either. */
    MUST(s2 = open(slave_name, O_RDWR | O_NOCTTY));
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        exit(ioctl(s2, TIOCSCTTY, 0) == -1 && errno == EPERM ? 0 : 1);
    }
    (void)s2;
    EQ("TIOCSCTTY by a non-leader is EPERM", pty_wait(pid), 0);
    return conf_done();
}
