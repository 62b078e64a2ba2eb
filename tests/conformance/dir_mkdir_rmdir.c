/* dir_mkdir_rmdir: mkdir and rmdir errors, modes, link counts, removing the
 * working directory, and mount points (EBUSY). */
#include "conf.h"

static long nlink_of(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : (long)st.st_nlink;
}

int main(void)
{
    const char *d = conf_mkdtemp("dir_mkdir_rmdir");
    const char *a = conf_join(d, "a"), *f = conf_join(d, "f");
    char buf[256];
    struct stat st;
    int fd;

    MUST(fd = open(f, O_WRONLY | O_CREAT, 0644));
    close(fd);
    MUST(symlink("nowhere", conf_join(d, "dang")));
    OK("mkdir", mkdir(a, 0755));
    ERR("mkdir existing dir", mkdir(a, 0755), EEXIST);
    ERR("mkdir over file", mkdir(f, 0755), EEXIST);
    ERR("mkdir over dangling symlink", mkdir(conf_join(d, "dang"), 0755), EEXIST);
    ERR("mkdir missing parent", mkdir(conf_join(d, "x/y"), 0755), ENOENT);
    ERR("mkdir under file", mkdir(conf_join(d, "f/y"), 0755), ENOTDIR);
    ERR("mkdir \".\"", mkdir(conf_join(d, "."), 0755), EEXIST);
    ERR("mkdir \"..\"", mkdir(conf_join(a, ".."), 0755), EEXIST);
    ERR("mkdir bad path", mkdir(BADPTR, 0755), EFAULT);
    OK("stat", stat(a, &st));
    EQO("mode 0755", st.st_mode & 07777, 0755);
    EQ("new dir nlink", st.st_nlink, 2);
    OK("mkdir mode 01777", mkdir(conf_join(d, "sticky"), 01777));
    EQO("  sticky kept, umask applied", (stat(conf_join(d, "sticky"), &st), st.st_mode & 07777), 01755);
    OK("mkdirat", mkdirat(AT_FDCWD, conf_join(a, "s1"), 0700));
    OK("mkdir second subdir", mkdir(conf_join(a, "s2"), 0700));
    EQ("parent nlink with 2 subdirs", nlink_of(a), 4);
    MUST(fd = open(conf_join(a, "file"), O_WRONLY | O_CREAT, 0644));
    close(fd);
    EQ("a file does not add a link", nlink_of(a), 4);
    ERR("rmdir non-empty", rmdir(a), ENOTEMPTY);
    ERR("rmdir file", rmdir(f), ENOTDIR);
    ERR("rmdir symlink", rmdir(conf_join(d, "dang")), ENOTDIR);
    ERR("rmdir \".\"", rmdir(conf_join(a, "s1/.")), EINVAL);
    ERR("rmdir \"..\"", rmdir(conf_join(a, "s1/..")), ENOTEMPTY);
    ERR("rmdir missing", rmdir(conf_join(d, "nope")), ENOENT);
    OK("rmdir s1", rmdir(conf_join(a, "s1")));
    EQ("parent nlink after rmdir", nlink_of(a), 3);
    ERR("rmdir /", rmdir("/"), EBUSY);
    ERR("rmdir /proc (a mount point)", rmdir("/proc"), EBUSY);
    ERR("unlinkat AT_REMOVEDIR on file", unlinkat(AT_FDCWD, f, AT_REMOVEDIR), ENOTDIR);
    ERR("unlinkat bad flag", unlinkat(AT_FDCWD, f, 0x1), EINVAL);

    /* The working directory can be removed; it then stays empty. */
    MUST(chdir(conf_join(a, "s2")));
    OK("rmdir the cwd", rmdir(conf_join(a, "s2")));
    ERR("raw getcwd after removal", syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT);
    ERR("create in removed cwd", open("new", O_WRONLY | O_CREAT, 0644), ENOENT);
    ERR("mkdir in removed cwd", mkdir("newdir", 0755), ENOENT);
    OK("stat \".\"", stat(".", &st));
    EQ("  nlink 0", st.st_nlink, 0);
    OK("stat \"..\" still works", stat("..", &st));
    OK("chdir .. out of it", chdir(".."));
    EQ("back in a", nlink_of("."), 2);
    MUST(chdir("/"));
    conf_rmtree(d);
    return conf_done();
}
