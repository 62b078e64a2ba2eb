/* pty_termios: default termios of a new pty, TCSETS raw mode (bytes pass
 * unchanged, no echo), TIOCGWINSZ/TIOCSWINSZ seen on both sides,
 * TCGETS/TCSETS on non-terminals. */
#include "conf.h"
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>

static int rd(int fd, char *buf, int n)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int got = 0;
    long k;

    memset(buf, 0, n);
    while (got < n - 1 && poll(&p, 1, got ? 50 : 300) > 0 && (p.revents & POLLIN)) {
        k = read(fd, buf + got, n - 1 - got);
        if (k <= 0)
            break;
        got += k;
    }
    return got;
}

int main(void)
{
    conf_need_pty();
    struct termios t, t2;
    struct winsize ws = { 0 };
    char buf[64];
    int m, s;

    OK("posix_openpt", m = posix_openpt(O_RDWR | O_NOCTTY));
    if (m < 0)
        return conf_done();
    MUST(grantpt(m));
    MUST(unlockpt(m));
    s = open(ptsname(m), O_RDWR | O_NOCTTY);
    MUST(s);
    OK("tcgetattr slave", tcgetattr(s, &t));
    TRUE("  ICANON", (t.c_lflag & ICANON) != 0);
    TRUE("  ECHO", (t.c_lflag & ECHO) != 0);
    TRUE("  ISIG", (t.c_lflag & ISIG) != 0);
    TRUE("  ICRNL", (t.c_iflag & ICRNL) != 0);
    TRUE("  OPOST|ONLCR", (t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR));
    EQ("  VINTR ^C", t.c_cc[VINTR], 3);
    EQ("  VEOF ^D", t.c_cc[VEOF], 4);
    EQ("  VERASE DEL", t.c_cc[VERASE], 0177);
    EQ("  speed B38400", cfgetospeed(&t), B38400);
    OK("tcgetattr master", tcgetattr(m, &t2));
    TRUE("  same lflag as the slave", t2.c_lflag == t.c_lflag);

    cfmakeraw(&t);
    OK("tcsetattr raw", tcsetattr(s, TCSANOW, &t));
    OK("tcgetattr", tcgetattr(s, &t2));
    TRUE("  ICANON and ECHO off", !(t2.c_lflag & (ICANON | ECHO)));
    TRUE("  OPOST off", !(t2.c_oflag & OPOST));
    EQ("  VMIN", t2.c_cc[VMIN], 1);
    EQ("master writes bytes without newline", write(m, "a\rb\003", 4), 4);
    EQ("  slave reads them at once, unchanged", rd(s, buf, sizeof(buf)), 4);
    TRUE("  bytes", !memcmp(buf, "a\rb\003", 4));
    EQ("  no echo on the master", rd(m, buf, sizeof(buf)), 0);
    EQ("slave writes \\n", write(s, "x\n", 2), 2);
    EQ("  master reads it without CR", rd(m, buf, sizeof(buf)), 2);
    TRUE("  bytes x\\n", !strcmp(buf, "x\n"));
    t2.c_cc[VMIN] = 0;
    t2.c_cc[VTIME] = 1;
    OK("VMIN 0 VTIME 1", tcsetattr(s, TCSANOW, &t2));
    EQ("  read times out with 0", read(s, buf, sizeof(buf)), 0);

    OK("TIOCGWINSZ", ioctl(s, TIOCGWINSZ, &ws));
    TRUE("  initially 0x0", ws.ws_row == 0 && ws.ws_col == 0);
    ws = (struct winsize){ .ws_row = 24, .ws_col = 80, .ws_xpixel = 640, .ws_ypixel = 480 };
    OK("TIOCSWINSZ on the master", ioctl(m, TIOCSWINSZ, &ws));
    memset(&ws, 0, sizeof(ws));
    OK("TIOCGWINSZ on the slave", ioctl(s, TIOCGWINSZ, &ws));
    TRUE("  24x80, pixels kept", ws.ws_row == 24 && ws.ws_col == 80 && ws.ws_xpixel == 640 && ws.ws_ypixel == 480);
    ERR("TIOCGWINSZ bad pointer", ioctl(s, TIOCGWINSZ, BADPTR), EFAULT);
    OK("tcflush", tcflush(s, TCIOFLUSH));
    OK("tcdrain", tcdrain(s));
    ERR("tcsetattr bad action", tcsetattr(s, 42, &t), EINVAL);
    {
        int fd = open("/dev/null", O_RDWR);
        ERR("TCGETS on /dev/null", tcgetattr(fd, &t), ENOTTY);
        ERR("TCSETS on /dev/null", tcsetattr(fd, TCSANOW, &t2), ENOTTY);
        ERR("TIOCSWINSZ on /dev/null", ioctl(fd, TIOCSWINSZ, &ws), ENOTTY);
        close(fd);
    }
    close(s);
    close(m);
    return conf_done();
}
