/* conf.h: check helpers shared by the conformance programs. */
#ifndef SB_TESTS_CONFORMANCE_CONF_H
#define SB_TESTS_CONFORMANCE_CONF_H

/*
 * Every program prints one line per check and is run twice by run.sh:
 * natively and under `sbx run`; the two stdouts and exit statuses must be
 * identical.  So print only what Linux guarantees (errno names, derived
 * facts like "pid>0: 1"), never pids, addresses, times or inode numbers.
 *
 * The checks also state the expected Linux result, so a program that
 * disagrees with the host kernel says so ("FAIL ...") and exits with
 * CONF_EXIT_FAILED; run.sh reports that as a defect of the test itself.
 * CONF_EXIT_SKIP (77) asks run.sh to skip the test, with a reason.
 *
 * Checks take a syscall-style expression: -1 with errno on failure.  They
 * clear errno before evaluating it, so copy errno to a local first if the
 * expression is errno itself.
 * Include this header first: it defines _GNU_SOURCE.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONF_EXIT_SKIP 77
#define CONF_EXIT_FAILED 99

/* A pointer no process has mapped: the EFAULT probe.  Read through a
 * volatile so the compiler cannot see (and warn about) the bad access. */
static void *volatile conf_badptr = (void *)1;
#define BADPTR ((void *)conf_badptr)

static int conf_failed;

static inline const char *errname(int e)
{
    static char buf[32];

    switch (e) {
#define E(x) case x: return #x
    E(EPERM); E(ENOENT); E(ESRCH); E(EINTR); E(EIO); E(ENXIO); E(E2BIG);
    E(ENOEXEC); E(EBADF); E(ECHILD); E(EAGAIN); E(ENOMEM); E(EACCES);
    E(EFAULT); E(EBUSY); E(EEXIST); E(EXDEV); E(ENODEV); E(ENOTDIR);
    E(EISDIR); E(EINVAL); E(ENFILE); E(EMFILE); E(ENOTTY); E(ETXTBSY);
    E(EFBIG); E(ENOSPC); E(ESPIPE); E(EROFS); E(EMLINK); E(EPIPE);
    E(EDOM); E(ERANGE); E(EDEADLK); E(ENAMETOOLONG); E(ENOLCK); E(ENOSYS);
    E(ENOTEMPTY); E(ELOOP); E(ENODATA); E(EOVERFLOW); E(EOPNOTSUPP);
    E(ENOTSOCK); E(EBADFD); E(ENOTCONN); E(ETIMEDOUT); E(EOWNERDEAD);
    E(ENOTRECOVERABLE);
    /* sockets */
    E(EADDRINUSE); E(ECONNREFUSED); E(EISCONN); E(EMSGSIZE); E(ECONNRESET);
    E(EAFNOSUPPORT); E(EPROTONOSUPPORT); E(ENOPROTOOPT); E(ETOOMANYREFS);
    E(EDESTADDRREQ); E(EPROTOTYPE); E(ESOCKTNOSUPPORT); E(ENOBUFS);
    E(EADDRNOTAVAIL); E(EIDRM); E(ENOMSG);
#undef E
    case 0: return "0";
    }
    snprintf(buf, sizeof(buf), "errno%d", e);
    return buf;
}

/* Line-buffer stdout so prints interleave with raw write(1, ...) calls and
 * a crash still leaves every finished line in the output.  Start from a known
 * umask: the caller's (native) and the sandbox's may legitimately differ. */
__attribute__((constructor)) static inline void conf_init(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
}

/* Expect success (r != -1). */
static inline void conf_ok(const char *name, long r, int err)
{
    if (r == -1) {
        printf("%s: FAIL %s\n", name, errname(err));
        conf_failed++;
    } else {
        printf("%s: ok\n", name);
    }
}

/* Expect failure with errno `want`; prints the errno name. */
static inline void conf_err(const char *name, long r, int err, int want)
{
    if (r != -1) {
        printf("%s: FAIL succeeded, want %s\n", name, errname(want));
        conf_failed++;
    } else if (err != want) {
        /* errname() may return its static buffer: two printfs. */
        printf("%s: FAIL got %s", name, errname(err));
        printf(" want %s\n", errname(want));
        conf_failed++;
    } else {
        printf("%s: %s\n", name, errname(err));
    }
}

/* Expect an exact integer: prints the value. */
static inline void conf_eq(const char *name, long got, long want, int err)
{
    if (got == want) {
        printf("%s: %ld\n", name, got);
        return;
    }
    if (got == -1 && err)
        printf("%s: FAIL -1 %s, want %ld\n", name, errname(err), want);
    else
        printf("%s: FAIL got %ld want %ld\n", name, got, want);
    conf_failed++;
}

/* Same as conf_eq, for modes: printed in octal. */
static inline void conf_eq_oct(const char *name, long got, long want, int err)
{
    if (got == want) {
        printf("%s: 0%lo\n", name, got);
        return;
    }
    if (got == -1 && err)
        printf("%s: FAIL -1 %s, want 0%lo\n", name, errname(err), want);
    else
        printf("%s: FAIL got 0%lo want 0%lo\n", name, got, want);
    conf_failed++;
}

static inline void conf_streq(const char *name, const char *got, const char *want)
{
    if (got && strcmp(got, want) == 0) {
        printf("%s: \"%s\"\n", name, got);
    } else {
        printf("%s: FAIL got \"%s\" want \"%s\"\n", name,
               got ? got : "(null)", want);
        conf_failed++;
    }
}

#define OK(name, expr)                                                       \
    do { errno = 0; long r_ = (long)(expr); conf_ok(name, r_, errno); } while (0)
#define ERR(name, expr, want)                                                \
    do { errno = 0; long r_ = (long)(expr); conf_err(name, r_, errno, want); } while (0)
#define EQ(name, expr, want)                                                 \
    do { errno = 0; long r_ = (long)(expr); conf_eq(name, r_, (long)(want), errno); } while (0)
#define EQO(name, expr, want)                                                \
    do { errno = 0; long r_ = (long)(expr); conf_eq_oct(name, r_, (long)(want), errno); } while (0)
/* A boolean fact, printed as "name: 1". */
#define TRUE(name, cond) EQ(name, !!(cond), 1)
#define STREQ(name, got, want) conf_streq(name, got, want)

/* Run-time precondition the program itself needs (not a check). */
#define MUST(expr)                                                           \
    do {                                                                     \
        if ((long)(expr) == -1) {                                            \
            printf("setup failed: %s: %s\n", #expr, errname(errno));         \
            exit(CONF_EXIT_FAILED);                                          \
        }                                                                    \
    } while (0)

static inline __attribute__((noreturn)) void conf_skip(const char *why);

/* Pseudo-terminal tests: skip where the host has none to give (some
 * containers have no usable /dev/ptmx). */
static inline void conf_need_pty(void)
{
    int m = open("/dev/ptmx", O_RDWR | O_NOCTTY);
    if (m < 0)
        conf_skip("no pseudo-terminals on this host (/dev/ptmx)");
    close(m);
}

static inline __attribute__((noreturn)) void conf_skip(const char *why)
{
    printf("skip: %s\n", why);
    exit(CONF_EXIT_SKIP);
}

/* End of main: `return conf_done();`. */
static inline int conf_done(void)
{
    if (conf_failed) {
        printf("%d check(s) disagree with Linux\n", conf_failed);
        return CONF_EXIT_FAILED;
    }
    return 0;
}

/* A scratch path unique to this process, e.g. "/tmp/conf-lseek-1234".
 * The pid is only in the name, never printed. */
static inline const char *conf_tmp(const char *tag)
{
    static char buf[8][128];
    static int n;
    char *p = buf[n++ % 8];

    snprintf(p, 128, "/tmp/conf-%s-%d", tag, (int)getpid());
    return p;
}

/* A fresh scratch directory "/tmp/conf-TAG-XXXXXX" made by mkdtemp (mode
 * 0700); exits with CONF_EXIT_FAILED when it cannot be made.  Remove it with
 * conf_rmtree() at the end. */
static inline const char *conf_mkdtemp(const char *tag)
{
    static char buf[4][128];
    static int n;
    char *p = buf[n++ % 4];

    snprintf(p, 128, "/tmp/conf-%s-XXXXXX", tag);
    if (!mkdtemp(p)) {
        printf("setup failed: mkdtemp %s: %s\n", p, errname(errno));
        exit(CONF_EXIT_FAILED);
    }
    return p;
}

/* "DIR/NAME" in fresh memory (never freed: programs are short). */
static inline const char *conf_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (!p) {
        printf("setup failed: malloc\n");
        exit(CONF_EXIT_FAILED);
    }
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Remove path and everything below it; symlinks are removed, not followed.
 * Best effort: errors are ignored (this is cleanup, not a check). */
static inline void conf_rmtree_at(int dfd, const char *name)
{
    struct stat st;
    char buf[4096];
    long n;
    int fd;

    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
        fchmodat(dfd, name, 0700, 0);
        fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        /* Passes until one finds nothing but . and .. (at most 8). */
        for (int pass = 0, found = 1; fd >= 0 && found && pass < 8; pass++) {
            found = 0;
            lseek(fd, 0, SEEK_SET);
            while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
                for (long off = 0; off < n;) {
                    /* struct linux_dirent64: ino, off, reclen, type, name */
                    unsigned short reclen = *(unsigned short *)(buf + off + 16);
                    const char *d = buf + off + 19;
                    if (strcmp(d, ".") && strcmp(d, "..")) {
                        conf_rmtree_at(fd, d);
                        found = 1;
                    }
                    off += reclen;
                }
            }
        }
        if (fd >= 0)
            close(fd);
        unlinkat(dfd, name, AT_REMOVEDIR);
        return;
    }
    unlinkat(dfd, name, 0);
}

static inline void conf_rmtree(const char *path)
{
    conf_rmtree_at(AT_FDCWD, path);
}

/* Drop to uid and gid 65534 (nobody) with no supplementary groups, for
 * permission checks that root would bypass; call in a forked child.
 * Returns -1 with errno when the ids cannot be changed. */
static inline int conf_drop_to_nobody(void)
{
    if (syscall(SYS_setgroups, 0, NULL) && geteuid() == 0)
        return -1;
    if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
        return -1;
    return 0;
}

/* Run fn in a forked child and return its exit status (or 1000 + signal
 * number when it was killed). */
static inline int conf_in_child(int (*fn)(void))
{
    int st;
    pid_t pid = fork();

    if (pid < 0) {
        printf("setup failed: fork: %s\n", errname(errno));
        exit(CONF_EXIT_FAILED);
    }
    if (pid == 0) {
        conf_failed = 0; /* the child's checks count on their own */
        _exit(fn());
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

#endif
