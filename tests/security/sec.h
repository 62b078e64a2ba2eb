/* tests/security/sec.h: the verdicts and helpers shared by the escape
 * attempts. Each program takes the name of one attempt (and its arguments),
 * makes it, and says how it ended on its last stdout line:
 *   ok: WHAT       exit 0   the attempt failed the way it must
 *   ESCAPE: WHAT   exit 1   the attempt got somewhere it must not
 *   skip: WHY      exit 77  the attempt cannot be made here
 * run.sh runs each one inside `sbx run` and turns that into PASS/FAIL/SKIP. */
#ifndef SB_TESTS_SECURITY_SEC_H
#define SB_TESTS_SECURITY_SEC_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEC_SKIP 77

static void __attribute__((noreturn, format(printf, 2, 3)))
sec_verdict(int status, const char *fmt, ...)
{
    va_list ap;
    printf("%s: ", status == 0 ? "ok" : status == SEC_SKIP ? "skip" : "ESCAPE");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    exit(status);
}

#define sec_ok(...) sec_verdict(0, __VA_ARGS__)
#define sec_escape(...) sec_verdict(1, __VA_ARGS__)
#define sec_skip(...) sec_verdict(SEC_SKIP, __VA_ARGS__)

/* Short errno names for the messages ("ENOSYS"); strerror for the rest. */
static inline const char *sec_errname(int e)
{
    static const struct {
        int e;
        const char *n;
    } t[] = {
        {EPERM, "EPERM"},
        {ENOENT, "ENOENT"},
        {ESRCH, "ESRCH"},
        {EINTR, "EINTR"},
        {EIO, "EIO"},
        {ENXIO, "ENXIO"},
        {EBADF, "EBADF"},
        {EACCES, "EACCES"},
        {EFAULT, "EFAULT"},
        {EBUSY, "EBUSY"},
        {EEXIST, "EEXIST"},
        {EXDEV, "EXDEV"},
        {ENODEV, "ENODEV"},
        {ENOTDIR, "ENOTDIR"},
        {EISDIR, "EISDIR"},
        {EINVAL, "EINVAL"},
        {ENOSPC, "ENOSPC"},
        {EROFS, "EROFS"},
        {ENOSYS, "ENOSYS"},
        {ELOOP, "ELOOP"},
        {ENOMEM, "ENOMEM"},
        {ENAMETOOLONG, "ENAMETOOLONG"},
        {EOPNOTSUPP, "EOPNOTSUPP"},
        {EAFNOSUPPORT, "EAFNOSUPPORT"},
        {EPROTONOSUPPORT, "EPROTONOSUPPORT"},
        {ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"},
        {ENETUNREACH, "ENETUNREACH"},
        {EDQUOT, "EDQUOT"},
        {EFBIG, "EFBIG"},
        {ENOTSUP, "ENOTSUP"},
    };
    static char buf[32];
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (t[i].e == e)
            return t[i].n;
    snprintf(buf, sizeof(buf), "errno %d", e);
    return buf;
}

/* sec_want(WHAT, RET, ERRNO, E1, E2, ...): RET (a syscall's return, -1 with
 * ERRNO on failure; RET is evaluated first, so it may be the call itself)
 * must be a failure with one of the listed errnos; returns silently then,
 * and ends the program with ESCAPE otherwise. */
#define sec_want(what, ret, err, ...)                                                              \
    do {                                                                                           \
        long ret_ = (long)(ret); /* before reading errno */                                        \
        int err_ = (err);                                                                          \
        sec_want_((what), ret_, err_, (const int[]){__VA_ARGS__, 0});                              \
    } while (0)

static inline void sec_want_(const char *what, long ret, int err, const int *ok)
{
    if (ret != -1)
        sec_escape("%s succeeded (returned %ld)", what, ret);
    for (const int *p = ok; *p; p++)
        if (*p == err)
            return;
    char want[200] = "";
    for (const int *p = ok; *p; p++)
        snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s", p == ok ? "" : "/",
                 sec_errname(*p));
    sec_escape("%s failed with %s, want %s", what, sec_errname(err), want);
}

/* Read up to LEN-1 bytes of PATH into BUF (NUL-terminated); -errno on error. */
static inline long sec_read_file(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -errno;
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = 0;
    fclose(f);
    return (long)n;
}

#endif
