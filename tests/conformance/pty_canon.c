/* pty_canon: canonical line editing (erase, kill, word erase, literal
 * next, EOF), its echo, line-at-a-time reads, and non-canonical reads
 * with VMIN/VTIME, O_NONBLOCK and switching modes. */
#include "pty_util.h"

#include <time.h>

static int m, s;

/* Type `in` on the master; show one read of the slave and the echo. */
static void type(const char *what, const char *in, const char *echo)
{
    char buf[256];
    struct pollfd p = { s, POLLIN, 0 };
    int n;

    printf("-- %s\n", what);
    MUST(write(m, in, strlen(in)));
    pty_expect("echo", m, echo);
    n = poll(&p, 1, 2000) == 1 ? (int)read(s, buf, sizeof(buf)) : -2;
    if (n >= 0)
        pty_show("read", buf, n);
    else
        printf("read: %d\n", n);
}

static long ms_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

int main(void)
{
    conf_need_pty();
    struct termios t;
    struct timespec t0;
    char buf[256];
    int n;

    pty_open(&m, &s, O_NOCTTY);
    type("erase", "abc\x7f" "d\n", "abc\b \bd\r\n");
    type("kill (ECHOKE)", "xyz\x15ok\n", "xyz\b \b\b \b\b \bok\r\n");
    type("word erase", "one two\x17three\n", "one two\b \b\b \b\b \bthree\r\n");
    type("erase a control char", "\x01\x7f" "z\n", "^A\b \b\b \bz\r\n");
    type("control char echo", "\x01\n", "^A\r\n");
    type("literal next", "\x16\x7f\n", "^\b^?\r\n");
    type("EOF ends a line", "abc\x04", "abc");
    type("EOF alone", "\x04", "");
    type("erase at line start", "\x7f" "q\n", "q\r\n");

    printf("-- a line at a time\n");
    MUST(write(m, "l1\nl2\n", 6));
    pty_expect("echo", m, "l1\r\nl2\r\n");
    EQ("read first line", read(s, buf, sizeof(buf)), 3);
    EQ("read second line", read(s, buf, sizeof(buf)), 3);
    MUST(write(m, "abcdef\n", 7));
    pty_expect("echo", m, "abcdef\r\n");
    EQ("short read", read(s, buf, 3), 3);
    EQ("rest of line", read(s, buf, sizeof(buf)), 4);

    printf("-- kill without ECHOKE\n");
    MUST(tcgetattr(s, &t));
    t.c_lflag &= ~ECHOKE;
    MUST(tcsetattr(s, TCSANOW, &t));
    type("kill", "abc\x15" "d\n", "abc^U\r\nd\r\n");
    t.c_lflag &= ~ECHOE;
    MUST(tcsetattr(s, TCSANOW, &t));
    type("erase without ECHOE", "ab\x7f\n", "ab^?\r\n");
    t.c_lflag |= ECHOE | ECHOKE;
    MUST(tcsetattr(s, TCSANOW, &t));

    printf("-- partial line, nonblocking\n");
    MUST(write(m, "par", 3));
    pty_expect("echo", m, "par");
    MUST(fcntl(s, F_SETFL, O_NONBLOCK));
    ERR("no complete line", read(s, buf, sizeof(buf)), EAGAIN);
    MUST(fcntl(s, F_SETFL, 0));
    /* Leaving canonical mode makes the partial line readable. */
    t.c_lflag &= ~ICANON;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    MUST(tcsetattr(s, TCSANOW, &t));
    n = pty_read(s, buf, 3, 2000);
    pty_show("after -icanon", buf, n);

    printf("-- non-canonical\n");
    t.c_lflag &= ~ECHO;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    MUST(tcsetattr(s, TCSANOW, &t));
    EQ("MIN 0 TIME 0, nothing", read(s, buf, sizeof(buf)), 0);
    t.c_cc[VTIME] = 3;
    MUST(tcsetattr(s, TCSANOW, &t));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    EQ("MIN 0 TIME 3, nothing", read(s, buf, sizeof(buf)), 0);
    TRUE("waited about 0.3 s", ms_since(&t0) >= 250);
    t.c_cc[VMIN] = 3;
    t.c_cc[VTIME] = 0;
    MUST(tcsetattr(s, TCSANOW, &t));
    MUST(write(m, "abcd", 4));
    EQ("MIN 3, read(2) takes 2", read(s, buf, 2), 2);
    MUST(write(m, "e", 1));
    EQ("MIN 3, read(10) takes 3", read(s, buf, 10), 3);
    t.c_cc[VMIN] = 5;
    t.c_cc[VTIME] = 2;
    MUST(tcsetattr(s, TCSANOW, &t));
    MUST(write(m, "xy", 2));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    EQ("MIN 5 TIME 2, inter-byte timeout", read(s, buf, 10), 2);
    TRUE("waited at most 1.5 s", ms_since(&t0) < 1500);
    MUST(fcntl(s, F_SETFL, O_NONBLOCK));
    ERR("nonblocking, MIN 5, nothing", read(s, buf, 10), EAGAIN);
    MUST(fcntl(s, F_SETFL, 0));

    printf("-- flushing on TCSAFLUSH\n");
    t.c_lflag |= ICANON | ECHO;
    MUST(tcsetattr(s, TCSANOW, &t));
    MUST(write(m, "junk\n", 5));
    pty_expect("echo", m, "junk\r\n");
    {
        struct pollfd p = { s, POLLIN, 0 };
        EQ("line ready", poll(&p, 1, 2000), 1);
    }
    OK("tcsetattr TCSAFLUSH", tcsetattr(s, TCSAFLUSH, &t));
    MUST(ioctl(s, FIONREAD, &n));
    EQ("flushed", n, 0);
    return conf_done();
}
