/* access: access(2) and faccessat(2) modes, flags and errors. */
#include "conf.h"
#include <sys/stat.h>

int main(void)
{
    const char *f = conf_tmp("access"), *l = conf_tmp("access-link");
    int dfd, fd;

    MUST(chdir("/"));
    OK("F_OK /etc/passwd", access("/etc/passwd", F_OK));
    OK("R_OK /etc/passwd", access("/etc/passwd", R_OK));
    ERR("X_OK /etc/passwd", access("/etc/passwd", X_OK), EACCES);
    OK("R_OK|X_OK /", access("/", R_OK | X_OK));
    OK("X_OK /bin/sh", access("/bin/sh", X_OK));
    OK("W_OK /tmp", access("/tmp", W_OK));
    ERR("ENOENT", access("/nonexistent-conf", F_OK), ENOENT);
    ERR("ENOENT R_OK", access("/nonexistent-conf", R_OK), ENOENT);
    ERR("ENOTDIR", access("/etc/passwd/x", F_OK), ENOTDIR);
    ERR("empty path", access("", F_OK), ENOENT);
    ERR("bad path", access(BADPTR, F_OK), EFAULT);
    ERR("bad mode", access("/etc/passwd", 0x10), EINVAL);

    fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    MUST(fd);
    close(fd);
    OK("own file R_OK|W_OK", access(f, R_OK | W_OK));
    ERR("own file X_OK", access(f, X_OK), EACCES);
    MUST(chmod(f, 0755));
    OK("own file X_OK after chmod", access(f, X_OK));

    OK("faccessat AT_FDCWD relative", faccessat(AT_FDCWD, "etc/passwd", R_OK, 0));
    dfd = open("/etc", O_RDONLY | O_DIRECTORY);
    OK("faccessat dirfd", faccessat(dfd, "passwd", R_OK, 0));
    ERR("faccessat dirfd ENOENT", faccessat(dfd, "nope", F_OK, 0), ENOENT);
    ERR("faccessat bad dirfd", faccessat(-5, "passwd", F_OK, 0), EBADF);
    OK("faccessat bad dirfd absolute", faccessat(-5, "/etc/passwd", F_OK, 0));
    ERR("faccessat bad flags", faccessat(dfd, "passwd", F_OK, 0x8000000), EINVAL);
    OK("faccessat AT_EACCESS", faccessat(dfd, "passwd", R_OK, AT_EACCESS));
    fd = open("/etc/passwd", O_RDONLY);
    OK("faccessat AT_EMPTY_PATH", faccessat(fd, "", R_OK, AT_EMPTY_PATH));
    ERR("faccessat file dirfd", faccessat(fd, "x", F_OK, 0), ENOTDIR);
    close(fd);
    close(dfd);
    ERR("raw faccessat bad mode", syscall(SYS_faccessat, AT_FDCWD, "/", 0x10), EINVAL);

    /* A dangling link exists for NOFOLLOW only. */
    unlink(l);
    MUST(symlink("/nonexistent-conf", l));
    ERR("dangling link follows", access(l, F_OK), ENOENT);
    OK("dangling link AT_SYMLINK_NOFOLLOW",
       faccessat(AT_FDCWD, l, F_OK, AT_SYMLINK_NOFOLLOW));
    unlink(l);
    unlink(f);
    ERR("after unlink", access(f, F_OK), ENOENT);
    return conf_done();
}
