/* perm_nobody: permission bits enforced for an unprivileged user (a child
 * dropped to uid/gid 65534): file modes, directory search/write, the
 * sticky bit, and access(2). */
#include "conf.h"

static const char *dir;

static int checks(void)
{
    const char *D = dir;
    int fd;

    if (conf_drop_to_nobody())
        return 90;
    ERR("read 0600 root file", open(conf_join(D, "secret"), O_RDONLY), EACCES);
    OK("read 0644 root file", fd = open(conf_join(D, "public"), O_RDONLY));
    close(fd);
    ERR("write 0644 root file", open(conf_join(D, "public"), O_WRONLY), EACCES);
    ERR("truncate 0644 root file", truncate(conf_join(D, "public"), 0), EACCES);
    OK("write 0666 root file", fd = open(conf_join(D, "shared"), O_WRONLY));
    close(fd);
    ERR("exec bit missing: access X_OK", access(conf_join(D, "public"), X_OK), EACCES);
    OK("access R_OK", access(conf_join(D, "public"), R_OK));
    ERR("access W_OK", access(conf_join(D, "public"), W_OK), EACCES);

    ERR("lookup in 0600 dir (no x)", open(conf_join(D, "nox/f"), O_RDONLY), EACCES);
    ERR("stat in 0600 dir", access(conf_join(D, "nox/f"), F_OK), EACCES);
    ERR("list 0711 dir (no r)", open(conf_join(D, "nor"), O_RDONLY | O_DIRECTORY), EACCES);
    OK("open known name in 0711 dir", fd = open(conf_join(D, "nor/f"), O_RDONLY));
    close(fd);
    ERR("create in 0755 root dir", open(conf_join(D, "ro/new"), O_WRONLY | O_CREAT, 0644), EACCES);
    ERR("unlink in 0755 root dir", unlink(conf_join(D, "ro/f")), EACCES);
    ERR("mkdir in 0755 root dir", mkdir(conf_join(D, "ro/d"), 0755), EACCES);
    ERR("rename out of 0755 root dir", rename(conf_join(D, "ro/f"), conf_join(D, "sticky/x")), EACCES);
    ERR("chdir into 0600 dir", chdir(conf_join(D, "nox")), EACCES);

    OK("create in sticky 01777 dir", fd = open(conf_join(D, "sticky/mine"), O_WRONLY | O_CREAT, 0644));
    close(fd);
    ERR("unlink root's file in sticky dir", unlink(conf_join(D, "sticky/roots")), EPERM);
    ERR("rename root's file in sticky dir", rename(conf_join(D, "sticky/roots"), conf_join(D, "sticky/r2")), EPERM);
    OK("unlink own file in sticky dir", unlink(conf_join(D, "sticky/mine")));
    OK("create in 0777 dir", fd = open(conf_join(D, "open/mine"), O_WRONLY | O_CREAT, 0644));
    close(fd);
    OK("unlink root's file in non-sticky 0777 dir", unlink(conf_join(D, "open/roots")));
    ERR("utimensat explicit times on root's 0666 file", utimensat(AT_FDCWD, conf_join(D, "shared"),
        (struct timespec[]){ { 1, 0 }, { 1, 0 } }, 0), EPERM);
    OK("utimensat now on root's 0666 file (write access)", utimensat(AT_FDCWD, conf_join(D, "shared"), NULL, 0));
    ERR("utimensat now on root's 0644 file", utimensat(AT_FDCWD, conf_join(D, "public"), NULL, 0), EACCES);
    return conf_done();
}

static void mk(const char *p, mode_t m)
{
    int fd = open(p, O_WRONLY | O_CREAT, 0600);
    MUST(fd);
    MUST(fchmod(fd, m));
    close(fd);
}

int main(void)
{
    const char *d;

    if (geteuid() != 0)
        conf_skip("needs root to create files for another user");
    d = conf_mkdtemp("perm_nobody");
    dir = d;
    MUST(chmod(d, 0755));
    mk(conf_join(d, "secret"), 0600);
    mk(conf_join(d, "public"), 0644);
    mk(conf_join(d, "shared"), 0666);
    MUST(mkdir(conf_join(d, "nox"), 0700));
    mk(conf_join(d, "nox/f"), 0644);
    MUST(chmod(conf_join(d, "nox"), 0600));
    MUST(mkdir(conf_join(d, "nor"), 0711));
    mk(conf_join(d, "nor/f"), 0644);
    MUST(mkdir(conf_join(d, "ro"), 0755));
    mk(conf_join(d, "ro/f"), 0666);
    MUST(mkdir(conf_join(d, "sticky"), 0755));
    MUST(chmod(conf_join(d, "sticky"), 01777));
    mk(conf_join(d, "sticky/roots"), 0666);
    MUST(mkdir(conf_join(d, "open"), 0755));
    MUST(chmod(conf_join(d, "open"), 0777));
    mk(conf_join(d, "open/roots"), 0644);
    EQ("unprivileged child", conf_in_child(checks), 0);
    conf_rmtree(d);
    return conf_done();
}
