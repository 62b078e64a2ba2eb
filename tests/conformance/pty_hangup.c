/* pty_hangup: closing the master hangs up the slave: the session leader
 * gets SIGHUP and SIGCONT, slave reads give 0, writes and ioctls EIO, the
 * session loses its terminal. A session leader's exit sends SIGHUP to its
 * terminal's foreground group. */
#include "pty_util.h"

static volatile sig_atomic_t hup, cont;
static void on_hup(int sig) { hup++; }
static void on_cont(int sig) { cont++; }

int main(void)
{
    conf_need_pty();
    char name[64], buf[64];
    int m, p[2];
    pid_t pid;

    pty_open(&m, NULL, 0);
    snprintf(name, sizeof(name), "%s", ptsname(m));
    MUST(pipe(p));
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct termios t;
        struct pollfd pf;
        int s;
        conf_failed = 0;
        close(m);
        signal(SIGHUP, on_hup);
        signal(SIGCONT, on_cont);
        MUST(setsid());
        MUST(s = open(name, O_RDWR));
        MUST(write(s, "data\n", 5));
        MUST(write(p[1], "r", 1)); /* ready: the master may go */
        for (int i = 0; i < 200 && !hup; i++)
            usleep(10000);
        EQ("leader got SIGHUP", hup, 1);
        EQ("leader got SIGCONT", cont, 1);
        EQ("read after hangup", read(s, buf, sizeof(buf)), 0);
        ERR("write after hangup", write(s, "x", 1), EIO);
        ERR("tcgetattr after hangup", tcgetattr(s, &t), EIO);
        pf.fd = s;
        pf.events = POLLIN | POLLOUT;
        EQ("poll after hangup", poll(&pf, 1, 0), 1);
        printf("revents: %#x\n", pf.revents);
        ERR("/dev/tty after hangup", open("/dev/tty", O_RDWR), ENXIO);
        ERR("reopen the slave", open(name, O_RDWR), ENOENT);
        exit(conf_failed ? 1 : 0);
    }
    MUST(read(p[0], buf, 1));
    pty_expect("master read", m, "data\r\n");
    close(m);
    EQ("hangup session", pty_wait(pid), 0);

    /* A session leader exits: its foreground group gets SIGHUP. */
    pty_open(&m, NULL, 0);
    snprintf(name, sizeof(name), "%s", ptsname(m));
    MUST(pipe(p)); /* the foreground member holds p[1] until it is done */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        int s, q[2];
        pid_t fg;
        conf_failed = 0;
        close(m);
        MUST(setsid());
        MUST(s = open(name, O_RDWR));
        MUST(pipe(q));
        fflush(stdout);
        fg = fork();
        if (fg == 0) {
            conf_failed = 0;
            hup = 0;
            signal(SIGHUP, on_hup);
            close(p[0]);
            MUST(setpgid(0, 0));
            MUST(write(q[1], "r", 1));
            for (int i = 0; i < 300 && !hup; i++)
                usleep(10000);
            EQ("foreground group got SIGHUP", hup, 1);
            ERR("/dev/tty after the leader left", open("/dev/tty", O_RDWR), ENXIO);
            exit(conf_failed ? 1 : 0);
        }
        MUST(read(q[0], buf, 1));
        MUST(setpgid(fg, fg));
        MUST(tcsetpgrp(s, fg));
        _exit(0);
    }
    close(p[1]);
    {
        int st = pty_wait(pid);
        /* The foreground member is not our child any more: its pipe end
         * closes when it is done. */
        EQ("foreground member done", read(p[0], buf, 1), 0);
        EQ("leader", st, 0);
    }
    close(m);
    return conf_done();
}
