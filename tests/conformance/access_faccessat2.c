/* access_faccessat2: faccessat2 flags: AT_EACCESS (effective vs real ids,
 * in a child with real uid 0 and effective uid 65534), AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH, bad flags. */
#include "conf.h"

static const char *dir;

static long fa2(int dfd, const char *p, int mode, int flags)
{
    return syscall(SYS_faccessat2, dfd, p, mode, flags);
}

static int mixed_ids(void)
{
    const char *secret = conf_join(dir, "secret");
    if (syscall(SYS_setgroups, 0, NULL) || setresgid(0, 65534, 0) || setresuid(0, 65534, 0))
        return 90;
    /* Real uid 0 (access checks use it), effective uid 65534. */
    OK("child: faccessat2 R_OK, real ids (root)", fa2(AT_FDCWD, secret, R_OK, 0));
    ERR("child: faccessat2 R_OK, AT_EACCESS (nobody)", fa2(AT_FDCWD, secret, R_OK, AT_EACCESS), EACCES);
    OK("child: access() uses the real ids", access(secret, R_OK));
    ERR("child: open uses the effective ids", open(secret, O_RDONLY), EACCES);
    OK("child: F_OK with AT_EACCESS", fa2(AT_FDCWD, secret, F_OK, AT_EACCESS));
    return conf_done();
}

int main(void)
{
    const char *d = conf_mkdtemp("access_faccessat2");
    const char *f = conf_join(d, "secret"), *l = conf_join(d, "dang");
    int fd;

    errno = 0;
    if (fa2(AT_FDCWD, "/", F_OK, 0) && errno == ENOSYS)
        conf_skip("faccessat2 not available on the host");
    dir = d;
    MUST(chmod(d, 0755));
    MUST(fd = open(f, O_WRONLY | O_CREAT, 0600));
    close(fd);
    MUST(symlink("nowhere", l));
    OK("faccessat2 R_OK|W_OK", fa2(AT_FDCWD, f, R_OK | W_OK, 0));
    OK("faccessat2 AT_EACCESS", fa2(AT_FDCWD, f, R_OK, AT_EACCESS));
    ERR("dangling symlink followed", fa2(AT_FDCWD, l, F_OK, 0), ENOENT);
    OK("AT_SYMLINK_NOFOLLOW on the link", fa2(AT_FDCWD, l, F_OK, AT_SYMLINK_NOFOLLOW));
    OK("AT_SYMLINK_NOFOLLOW|AT_EACCESS", fa2(AT_FDCWD, l, F_OK, AT_SYMLINK_NOFOLLOW | AT_EACCESS));
    fd = open(f, O_RDONLY);
    OK("AT_EMPTY_PATH on an fd", fa2(fd, "", R_OK, AT_EMPTY_PATH));
    ERR("empty path without the flag", fa2(fd, "", R_OK, 0), ENOENT);
    close(fd);
    ERR("unknown flag", fa2(AT_FDCWD, f, F_OK, 0x1), EINVAL);
    ERR("bad mode", fa2(AT_FDCWD, f, 0x8, 0), EINVAL);
    ERR("ENOENT", fa2(AT_FDCWD, conf_join(d, "nope"), F_OK, 0), ENOENT);
    if (geteuid() == 0)
        EQ("child with mixed ids", conf_in_child(mixed_ids), 0);
    conf_rmtree(d);
    return conf_done();
}
