/* openat2_args: struct open_how size rules (EINVAL, E2BIG), flag and mode
 * validation that openat(2) does not do. */
#include "conf.h"
#include <linux/openat2.h>

static long o2raw(const char *p, void *how, size_t size)
{
    long fd = syscall(SYS_openat2, AT_FDCWD, p, how, size);
    if (fd >= 0)
        close(fd);
    return fd;
}

static long o2(const char *p, unsigned long long flags, unsigned long long mode,
               unsigned long long resolve)
{
    struct open_how how = { .flags = flags, .mode = mode, .resolve = resolve };
    return o2raw(p, &how, sizeof(how));
}

int main(void)
{
    const char *d = conf_mkdtemp("openat2_args");
    const char *f = conf_join(d, "f");
    struct { struct open_how how; unsigned long long extra[4]; } big;
    static char page[8192];
    struct stat st;
    long fd;

    errno = 0;
    if (o2("/", O_RDONLY, 0, 0) < 0 && errno == ENOSYS)
        conf_skip("openat2 not available on the host");
    EQ("sizeof(struct open_how)", sizeof(struct open_how), 24);
    OK("plain open", o2("/etc/passwd", O_RDONLY, 0, 0));
    ERR("size 0", o2raw("/etc/passwd", &big, 0), EINVAL);
    ERR("size 23", o2raw("/etc/passwd", &big, 23), EINVAL);
    memset(&big, 0, sizeof(big));
    OK("size 24 + zero tail", o2raw("/etc/passwd", &big, sizeof(big)));
    big.extra[2] = 1;
    ERR("non-zero tail", o2raw("/etc/passwd", &big, sizeof(big)), E2BIG);
    memset(page, 0, sizeof(page));
    ERR("size over a page", o2raw("/etc/passwd", page, 4097), E2BIG);
    OK("size exactly a page, zeros", o2raw("/etc/passwd", page, 4096));
    ERR("bad how pointer", o2raw("/etc/passwd", BADPTR, 24), EFAULT);
    ERR("bad path pointer", ({ struct open_how h = { 0 }; o2raw(BADPTR, &h, sizeof(h)); }), EFAULT);

    ERR("unknown flag bit", o2("/etc/passwd", O_RDONLY | (1ULL << 40), 0, 0), EINVAL);
    ERR("unknown resolve bit", o2("/etc/passwd", O_RDONLY, 0, 1ULL << 20), EINVAL);
    ERR("mode without O_CREAT", o2("/etc/passwd", O_RDONLY, 0644, 0), EINVAL);
    ERR("mode with bits above 07777", o2(f, O_WRONLY | O_CREAT, 010000, 0), EINVAL);
    ERR("BENEATH|IN_ROOT", o2("/etc/passwd", O_RDONLY, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT), EINVAL);
    ERR("O_PATH with O_RDWR", o2("/etc/passwd", O_PATH | O_RDWR, 0, 0), EINVAL);
    ERR("O_PATH with O_CREAT", o2(f, O_PATH | O_CREAT, 0600, 0), EINVAL);
    OK("O_PATH with O_CLOEXEC|O_NOFOLLOW", o2("/etc/passwd", O_PATH | O_CLOEXEC | O_NOFOLLOW, 0, 0));
    ERR("O_TMPFILE without write access", o2(d, O_TMPFILE | O_RDONLY, 0600, 0), EINVAL);

    OK("O_CREAT with mode", fd = o2(f, O_WRONLY | O_CREAT | O_EXCL, 0640, 0));
    MUST(stat(f, &st));
    EQO("  mode (umask 022)", st.st_mode & 07777, 0640);
    ERR("O_CREAT|O_EXCL exists", o2(f, O_WRONLY | O_CREAT | O_EXCL, 0640, 0), EEXIST);
    fd = ({ struct open_how h = { .flags = O_RDONLY | O_CLOEXEC };
            syscall(SYS_openat2, AT_FDCWD, f, &h, sizeof(h)); });
    OK("O_CLOEXEC", fd);
    EQ("  FD_CLOEXEC set", fcntl((int)fd, F_GETFD), FD_CLOEXEC);
    close((int)fd);
    ERR("ENOENT", o2(conf_join(d, "nope"), O_RDONLY, 0, 0), ENOENT);
    ERR("bad dirfd", ({ struct open_how h = { 0 }; syscall(SYS_openat2, 99, "x", &h, sizeof(h)); }), EBADF);
    conf_rmtree(d);
    return conf_done();
}
