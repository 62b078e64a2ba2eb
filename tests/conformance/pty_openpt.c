/* pty_openpt: posix_openpt/grantpt/unlockpt/ptsname, opening the slave,
 * bytes both ways in canonical mode with echo and ONLCR, TIOCGPTN,
 * EIO on the master after the slave closes. */
#include "conf.h"
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>

/* Read what is available on fd within 500 ms (at most n-1 bytes). */
static int rd(int fd, char *buf, int n)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int got = 0;
    long k;

    memset(buf, 0, n);
    while (got < n - 1 && poll(&p, 1, got ? 50 : 500) > 0 && (p.revents & POLLIN)) {
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
    char buf[128], *name;
    struct stat st;
    int m, s, n = -1;

    OK("posix_openpt", m = posix_openpt(O_RDWR | O_NOCTTY));
    if (m < 0)
        return conf_done();
    EQ("master is a tty", isatty(m), 1);
    OK("grantpt", grantpt(m));
    name = ptsname(m);
    TRUE("ptsname under /dev/pts/", name && !strncmp(name, "/dev/pts/", 9));
    OK("TIOCGPTN", ioctl(m, TIOCGPTN, &n));
    TRUE("  matches ptsname", name && atoi(name + 9) == n);
    ERR("slave before unlockpt", open(name, O_RDWR | O_NOCTTY), EIO);
    OK("unlockpt", unlockpt(m));
    OK("open slave", s = open(name, O_RDWR | O_NOCTTY));
    EQ("slave is a tty", isatty(s), 1);
    OK("stat slave", fstat(s, &st));
    TRUE("  char device", S_ISCHR(st.st_mode));
    TRUE("  owned by us", st.st_uid == getuid());

    EQ("master writes a line", write(m, "hello\n", 6), 6);
    EQ("slave reads it", rd(s, buf, sizeof(buf)), 6);
    TRUE("  data hello\\n", !strcmp(buf, "hello\n"));
    EQ("master reads the echo (ONLCR: \\r\\n)", rd(m, buf, sizeof(buf)), 7);
    TRUE("  echo hello\\r\\n", !strcmp(buf, "hello\r\n"));
    EQ("master writes without newline", write(m, "part", 4), 4);
    EQ("  canonical: slave reads nothing yet", rd(s, buf, sizeof(buf)), 0);
    EQ("  newline completes it", write(m, "\n", 1), 1);
    EQ("  slave reads the line", rd(s, buf, sizeof(buf)), 5);
    rd(m, buf, sizeof(buf)); /* echo */
    EQ("slave writes", write(s, "out\n", 4), 4);
    EQ("master reads with CRLF", rd(m, buf, sizeof(buf)), 5);
    TRUE("  data out\\r\\n", !strcmp(buf, "out\r\n"));
    EQ("erase char (DEL) edits the line", write(m, "ab\x7f" "c\n", 5), 5);
    EQ("  slave reads", rd(s, buf, sizeof(buf)), 3);
    TRUE("  data ac\\n", !strcmp(buf, "ac\n"));
    rd(m, buf, sizeof(buf));
    {
        int avail = -1;
        MUST(write(m, "xyz\n", 4));
        usleep(100000);
        OK("FIONREAD on slave", ioctl(s, FIONREAD, &avail));
        EQ("  bytes", avail, 4);
        rd(s, buf, sizeof(buf));
        rd(m, buf, sizeof(buf));
    }
    close(s);
    ERR("master read after the slave closed", read(m, buf, sizeof(buf)), EIO);
    close(m);
    return conf_done();
}
