/* pty_util.h: helpers of the pty_* and dev_tty conformance programs.
 * On Linux, bytes written to one side of a pty reach the other through a
 * work queue, so reads wait (poll, 2 s at most) for what is expected. */
#ifndef SB_TESTS_CONFORMANCE_PTY_UTIL_H
#define SB_TESTS_CONFORMANCE_PTY_UTIL_H

#include "conf.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>

/* A new pair: master (O_NOCTTY) and, if s is not NULL, its slave opened
 * with extra flags `sflags`. */
static inline void pty_open(int *m, int *s, int sflags)
{
    char *name;

    MUST(*m = posix_openpt(O_RDWR | O_NOCTTY));
    MUST(grantpt(*m));
    MUST(unlockpt(*m));
    name = ptsname(*m);
    if (!name)
        MUST(-1);
    if (s)
        MUST(*s = open(name, O_RDWR | sflags));
}

/* Read until `want` bytes came or nothing more comes for `ms`. */
static inline int pty_read(int fd, char *buf, int want, int ms)
{
    int got = 0;

    while (got < want) {
        struct pollfd p = { fd, POLLIN, 0 };
        int n;
        if (poll(&p, 1, ms) <= 0)
            break;
        n = (int)read(fd, buf + got, want - got);
        if (n <= 0)
            break;
        got += n;
    }
    buf[got] = 0;
    return got;
}

/* Print bytes with C escapes, e.g. "^C\r\n" as "^C\\r\\n". */
static inline void pty_show(const char *name, const char *buf, int n)
{
    printf("%s: \"", name);
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n')
            printf("\\n");
        else if (c == '\r')
            printf("\\r");
        else if (c == '\b')
            printf("\\b");
        else if (c < 0x20 || c >= 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    printf("\"\n");
}

/* Expect the other side to show exactly `want` (within 2 s). */
static inline void pty_expect(const char *name, int fd, const char *want)
{
    char buf[512];
    int n = pty_read(fd, buf, (int)strlen(want), 2000);

    if (n == (int)strlen(want) && memcmp(buf, want, n) == 0) {
        pty_show(name, buf, n);
    } else {
        printf("%s: FAIL\n", name);
        pty_show("  got", buf, n);
        pty_show("  want", want, (int)strlen(want));
        conf_failed++;
    }
}

/* Wait for a child; its exit status or 128+signal. */
static inline int pty_wait(pid_t pid)
{
    int st;

    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif
