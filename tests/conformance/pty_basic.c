/* pty_basic: posix_openpt, grantpt, unlockpt, ptsname, the slave node,
 * data both ways with ICRNL and ONLCR, echo, raw mode, window size, poll,
 * TIOCGPTPEER and bad arguments. */
#include "pty_util.h"

int main(void)
{
    conf_need_pty();
    struct termios t;
    struct winsize ws = { 0 };
    struct stat st;
    char buf[256], name[64];
    unsigned ptn = 99;
    int m, s, n, x;

    MUST(m = posix_openpt(O_RDWR | O_NOCTTY));
    OK("grantpt", grantpt(m));
    snprintf(name, sizeof(name), "%s", ptsname(m));
    TRUE("ptsname in /dev/pts", strncmp(name, "/dev/pts/", 9) == 0);
    OK("TIOCGPTN", ioctl(m, TIOCGPTN, &ptn));
    TRUE("ptsname names ptn", (unsigned)atoi(name + 9) == ptn);
    ERR("open locked slave", open(name, O_RDWR | O_NOCTTY), EIO);
    OK("unlockpt", unlockpt(m));
    MUST(stat(name, &st));
    TRUE("slave is char 136:N", S_ISCHR(st.st_mode) && major(st.st_rdev) == 136 &&
                                   minor(st.st_rdev) == ptn);
    TRUE("slave owned by opener", st.st_uid == getuid());
    TRUE("slave owner rw", (st.st_mode & 0600) == 0600);
    MUST(fstat(m, &st));
    TRUE("master is char 5:2", S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 &&
                                   minor(st.st_rdev) == 2);
    MUST(s = open(name, O_RDWR | O_NOCTTY));
    EQ("isatty master", isatty(m), 1);
    EQ("isatty slave", isatty(s), 1);
    ERR("TIOCGPTN on slave", ioctl(s, TIOCGPTN, &ptn), ENOTTY);
    ERR("TCGETS on /dev/null", ioctl(open("/dev/null", O_RDONLY), TCGETS, &t), ENOTTY);
    ERR("TCGETS bad pointer", ioctl(s, TCGETS, BADPTR), EFAULT);
    ERR("TCSETS bad pointer", ioctl(s, TCSETS, BADPTR), EFAULT);
    ERR("TIOCSWINSZ bad pointer", ioctl(m, TIOCSWINSZ, BADPTR), EFAULT);
    ERR("unknown ioctl", ioctl(s, 0x54ff, 0), ENOTTY);

    /* The defaults of a new pty. */
    MUST(tcgetattr(s, &t));
    printf("c_iflag: %#o\n", (unsigned)t.c_iflag);
    printf("c_oflag: %#o\n", (unsigned)t.c_oflag);
    printf("c_cflag: %#o\n", (unsigned)t.c_cflag);
    printf("c_lflag: %#o\n", (unsigned)t.c_lflag);
    printf("c_cc:");
    for (int i = 0; i < 17; i++)
        printf(" %d", t.c_cc[i]);
    printf("\n");
    EQ("speed", cfgetospeed(&t), B38400);
    MUST(tcgetattr(m, &t));
    printf("master sees c_lflag: %#o\n", (unsigned)t.c_lflag);

    /* master -> slave: ICRNL; the echo comes back with ONLCR. */
    EQ("write master", write(m, "hello\r", 6), 6);
    n = pty_read(s, buf, 6, 2000);
    pty_show("slave read", buf, n);
    pty_expect("echo", m, "hello\r\n");
    /* slave -> master: ONLCR. */
    EQ("write slave", write(s, "a\nb\n", 4), 4);
    pty_expect("master read", m, "a\r\nb\r\n");

    /* Echo off. */
    MUST(tcgetattr(s, &t));
    t.c_lflag &= ~ECHO;
    OK("tcsetattr -echo", tcsetattr(s, TCSANOW, &t));
    EQ("write master", write(m, "quiet\n", 6), 6);
    n = pty_read(s, buf, 6, 2000);
    pty_show("slave read", buf, n);
    n = pty_read(m, buf, 1, 200);
    EQ("no echo", n, 0);

    /* Raw. */
    cfmakeraw(&t);
    OK("tcsetattr raw", tcsetattr(s, TCSANOW, &t));
    MUST(tcgetattr(m, &t));
    TRUE("raw seen from master", !(t.c_lflag & (ICANON | ECHO | ISIG)) && !(t.c_oflag & OPOST));
    EQ("write master", write(m, "ab\r\x03", 4), 4);
    n = pty_read(s, buf, 4, 2000);
    pty_show("raw slave read", buf, n);
    EQ("write slave", write(s, "x\n", 2), 2);
    pty_expect("raw master read", m, "x\n");

    /* Window size, set from one side, read from the other. */
    OK("TIOCGWINSZ", ioctl(s, TIOCGWINSZ, &ws));
    printf("initial size: %d %d\n", ws.ws_row, ws.ws_col);
    ws.ws_row = 24;
    ws.ws_col = 80;
    OK("TIOCSWINSZ master", ioctl(m, TIOCSWINSZ, &ws));
    memset(&ws, 0, sizeof(ws));
    OK("TIOCGWINSZ slave", ioctl(s, TIOCGWINSZ, &ws));
    printf("size: %d %d\n", ws.ws_row, ws.ws_col);

    /* Readiness and FIONREAD. */
    {
        struct pollfd p[2] = { { s, POLLIN | POLLOUT, 0 }, { m, POLLIN | POLLOUT, 0 } };
        EQ("poll idle", poll(p, 2, 0), 2);
        printf("slave idle: %#x master idle: %#x\n", p[0].revents, p[1].revents);
        MUST(write(m, "xyz", 3));
        p[0].revents = 0;
        EQ("poll slave readable", poll(p, 1, 2000), 1);
        printf("slave: %#x\n", p[0].revents);
        OK("FIONREAD", ioctl(s, FIONREAD, &x));
        EQ("FIONREAD count", x, 3);
        OK("TCFLSH input", tcflush(s, TCIFLUSH));
        OK("FIONREAD", ioctl(s, FIONREAD, &x));
        EQ("FIONREAD after flush", x, 0);
        ERR("TCFLSH bad", ioctl(s, TCFLSH, 7), EINVAL);
        OK("tcdrain", tcdrain(s));
        OK("TCXONC", tcflow(s, TCOON));
    }

    /* O_NONBLOCK. */
    MUST(fcntl(s, F_SETFL, O_NONBLOCK));
    ERR("nonblocking slave read", read(s, buf, 10), EAGAIN);
    MUST(fcntl(m, F_SETFL, O_NONBLOCK));
    ERR("nonblocking master read", read(m, buf, 10), EAGAIN);

    /* TIOCGPTPEER opens the slave too. */
    x = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    TRUE("TIOCGPTPEER fd", x >= 0);
    EQ("isatty peer", isatty(x), 1);
    close(x);

    /* Closing: master sees EIO once the slaves are gone; the node goes
     * with the master. */
    close(s);
    {
        /* Linux tells the master a little later: wait for the hang-up. */
        struct pollfd p = { m, POLLIN, 0 };
        EQ("poll master after slave close", poll(&p, 1, 2000), 1);
        TRUE("POLLHUP", p.revents & POLLHUP);
    }
    ERR("master read after slave close", read(m, buf, 10), EIO);
    close(m);
    ERR("slave node after master close", access(name, F_OK), ENOENT);
    return conf_done();
}
