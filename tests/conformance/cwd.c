/* cwd: getcwd, chdir, fchdir and relative path resolution. */
#include "conf.h"
#include <limits.h>
#include <sys/stat.h>

int main(void)
{
    const char *dir = conf_tmp("cwd");
    char buf[PATH_MAX], sub[300];
    struct stat a, b;
    int dfd, fd;

    snprintf(sub, sizeof(sub), "%s/sub", dir);
    MUST(mkdir(dir, 0755));
    MUST(mkdir(sub, 0755));

    OK("chdir /", chdir("/"));
    STREQ("getcwd /", getcwd(buf, sizeof(buf)), "/");
    EQ("raw getcwd length /", syscall(SYS_getcwd, buf, sizeof(buf)), 2);
    OK("chdir ..  at /", chdir(".."));
    STREQ("still /", getcwd(buf, sizeof(buf)), "/");
    OK("chdir /tmp", chdir("/tmp"));
    STREQ("getcwd /tmp", getcwd(buf, sizeof(buf)), "/tmp");
    EQ("raw getcwd length /tmp", syscall(SYS_getcwd, buf, sizeof(buf)), 5);
    ERR("raw getcwd too small", syscall(SYS_getcwd, buf, 4), ERANGE);
    ERR("raw getcwd size 0", syscall(SYS_getcwd, buf, 0), ERANGE);
    ERR("raw getcwd bad buffer", syscall(SYS_getcwd, BADPTR, sizeof(buf)), EFAULT);
    ERR("getcwd short buffer", getcwd(buf, 3) ? 0L : -1L, ERANGE);

    /* Relative paths resolve against the cwd. */
    OK("chdir dir", chdir(dir));
    TRUE("getcwd == dir", getcwd(buf, sizeof(buf)) && !strcmp(buf, dir));
    fd = open("rel", O_WRONLY | O_CREAT, 0644);
    OK("relative create", fd);
    close(fd);
    snprintf(buf, sizeof(buf), "%s/rel", dir);
    OK("visible by absolute path", access(buf, F_OK));
    OK("chdir relative sub", chdir("sub"));
    OK("access ../rel", access("../rel", F_OK));
    OK("chdir ..", chdir(".."));
    TRUE("back in dir", getcwd(buf, sizeof(buf)) && !strcmp(buf, dir));
    OK("stat ..", stat("..", &a));
    OK("stat /tmp", stat("/tmp", &b));
    TRUE(".. is /tmp", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    OK("chdir ./sub/../sub/.", chdir("./sub/../sub/."));
    TRUE("normalised", getcwd(buf, sizeof(buf)) && !strcmp(buf, sub));

    /* fchdir. */
    dfd = open("/etc", O_RDONLY | O_DIRECTORY);
    OK("fchdir /etc", fchdir(dfd));
    STREQ("getcwd after fchdir", getcwd(buf, sizeof(buf)), "/etc");
    OK("relative passwd", access("passwd", R_OK));
    close(dfd);
    fd = open("/etc/passwd", O_RDONLY);
    ERR("fchdir file", fchdir(fd), ENOTDIR);
    close(fd);
    ERR("fchdir bad fd", fchdir(-1), EBADF);
    ERR("chdir ENOENT", chdir("/nonexistent-conf"), ENOENT);
    ERR("chdir file", chdir("/etc/passwd"), ENOTDIR);
    ERR("chdir empty", chdir(""), ENOENT);
    ERR("chdir bad path", chdir(BADPTR), EFAULT);
    STREQ("cwd kept after errors", getcwd(buf, sizeof(buf)), "/etc");

    /* A removed cwd: getcwd fails with ENOENT, "." still stat-able. */
    OK("chdir sub again", chdir(sub));
    OK("rmdir cwd", rmdir(sub));
    ERR("raw getcwd removed", syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT);
    OK("stat . in removed dir", stat(".", &a));
    ERR("create in removed dir", open("x", O_WRONLY | O_CREAT, 0644), ENOENT);
    OK("chdir / again", chdir("/"));
    snprintf(buf, sizeof(buf), "%s/rel", dir);
    unlink(buf);
    OK("rmdir dir", rmdir(dir));
    return conf_done();
}
