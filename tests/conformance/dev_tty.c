/* dev_tty: /dev/tty is ENXIO without a controlling terminal and the
 * terminal itself once a session has one; which opens make a terminal
 * the controlling one. */
#include "pty_util.h"

int main(void)
{
    conf_need_pty();
    char name[64], buf[64];
    int m;
    pid_t pid;

    pty_open(&m, NULL, 0);
    snprintf(name, sizeof(name), "%s", ptsname(m));
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct stat st;
        int s, t;
        conf_failed = 0;
        MUST(setsid());
        ERR("/dev/tty without a terminal", open("/dev/tty", O_RDWR), ENXIO);
        MUST(s = open(name, O_RDWR | O_NOCTTY));
        ERR("/dev/tty after O_NOCTTY", open("/dev/tty", O_RDWR), ENXIO);
        ERR("TIOCGPGRP, not ours", ioctl(s, TIOCGPGRP, &t), ENOTTY);
        /* A master never becomes the controlling terminal. */
        {
            int m2 = posix_openpt(O_RDWR);
            ERR("/dev/tty after opening a master", open("/dev/tty", O_RDWR), ENXIO);
            close(m2);
        }
        OK("TIOCSCTTY", ioctl(s, TIOCSCTTY, 0));
        MUST(t = open("/dev/tty", O_RDWR));
        MUST(fstat(t, &st));
        TRUE("/dev/tty is char 5:0", S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 &&
                                         minor(st.st_rdev) == 0);
        EQ("isatty /dev/tty", isatty(t), 1);
        EQ("write /dev/tty", write(t, "via tty\n", 8), 8);
        EQ("tcgetsid /dev/tty", tcgetsid(t) == getpid(), 1);
        /* A child in the session shares it; TIOCNOTTY drops it there. */
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            conf_failed = 0;
            OK("/dev/tty in a child", close(open("/dev/tty", O_RDWR)));
            OK("TIOCNOTTY in a child", ioctl(t, TIOCNOTTY));
            ERR("/dev/tty after TIOCNOTTY", open("/dev/tty", O_RDWR), ENXIO);
            ERR("TIOCNOTTY again", ioctl(s, TIOCNOTTY), ENOTTY);
            exit(conf_failed ? 1 : 0);
        }
        EQ("child", pty_wait(c), 0);
        OK("/dev/tty still ours", close(open("/dev/tty", O_RDWR)));
        exit(conf_failed ? 1 : 0);
    }
    EQ("session 1", pty_wait(pid), 0);
    pty_expect("master read", m, "via tty\r\n");

    /* A session leader opening a free terminal without O_NOCTTY gets it;
     * opening it write-only does not make it controlling. */
    pid = fork();
    if (pid == 0) {
        int s;
        conf_failed = 0;
        MUST(setsid());
        MUST(s = open(name, O_WRONLY));
        ERR("/dev/tty after O_WRONLY open", open("/dev/tty", O_RDWR), ENXIO);
        MUST(s = open(name, O_RDWR));
        OK("/dev/tty after open", close(open("/dev/tty", O_RDWR)));
        EQ("tcgetpgrp", tcgetpgrp(s) == getpid(), 1);
        /* A non-leader in a new group of the session does not take
         * another terminal on open. */
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            int m3, s3;
            conf_failed = 0;
            setpgid(0, 0);
            pty_open(&m3, &s3, 0);
            EQ("tcgetsid of an unowned terminal", tcgetsid(s3), -1);
            exit(conf_failed ? 1 : 0);
        }
        EQ("child", pty_wait(c), 0);
        exit(conf_failed ? 1 : 0);
    }
    EQ("session 2", pty_wait(pid), 0);
    (void)buf;
    return conf_done();
}
