/* symlink_basic: symlink targets kept verbatim, readlink, lstat vs stat,
 * relative resolution from the link's directory, loops. */
#include "conf.h"

int main(void)
{
    const char *d = conf_mkdtemp("symlink_basic");
    const char *f = conf_join(d, "f"), *sub = conf_join(d, "sub");
    static const char *targets[] = { "f", "../x/./y//", "/etc/passwd", "a b\tc", "..", "\xc3\xa9t\xc3\xa9" };
    char buf[256], name[32];
    struct stat st, lst;
    int fd;

    MUST(fd = open(f, O_WRONLY | O_CREAT, 0644));
    MUST(write(fd, "12345", 5));
    close(fd);
    MUST(mkdir(sub, 0755));
    for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        long n;
        snprintf(name, sizeof(name), "l%u", i);
        MUST(symlink(targets[i], conf_join(d, name)));
        memset(buf, 0, sizeof(buf));
        n = readlink(conf_join(d, name), buf, sizeof(buf));
        snprintf(name, sizeof(name), "target %u verbatim", i);
        TRUE(name, n == (long)strlen(targets[i]) && !memcmp(buf, targets[i], n));
        snprintf(name, sizeof(name), "l%u", i);
        lstat(conf_join(d, name), &lst);
        snprintf(name, sizeof(name), "lstat size %u", i);
        EQ(name, lst.st_size, strlen(targets[i]));
    }
    OK("lstat l0", lstat(conf_join(d, "l0"), &lst));
    OK("stat l0", stat(conf_join(d, "l0"), &st));
    TRUE("  lstat: symlink, stat: file", S_ISLNK(lst.st_mode) && S_ISREG(st.st_mode));
    TRUE("  different inodes", lst.st_ino != st.st_ino);
    EQ("  stat size is the file's", st.st_size, 5);
    EQO("  symlink mode 0777", lst.st_mode & 07777, 0777);
    EQ("  symlink nlink 1", lst.st_nlink, 1);

    MUST(symlink("../f", conf_join(sub, "up")));
    OK("relative target resolved from the link's dir", stat(conf_join(sub, "up"), &st));
    EQ("  size", st.st_size, 5);
    MUST(symlink("sub", conf_join(d, "lsub")));
    OK("through a dir symlink then a relative link", stat(conf_join(d, "lsub/up"), &st));
    EQ("  size", st.st_size, 5);
    OK("lsub/.. is d, not sub's parent by name", stat(conf_join(d, "lsub/../f"), &st));
    MUST(symlink("/etc/passwd", conf_join(sub, "abs")));
    OK("absolute target", stat(conf_join(sub, "abs"), &st));

    ERR("readlink on a file", readlink(f, buf, sizeof(buf)), EINVAL);
    ERR("readlink on a dir", readlink(sub, buf, sizeof(buf)), EINVAL);
    EQ("readlink small buffer truncates", readlink(conf_join(d, "l2"), buf, 4), 4);
    TRUE("  first bytes", !memcmp(buf, "/etc", 4));
    ERR("readlink size 0", readlink(conf_join(d, "l2"), buf, 0), EINVAL);
    ERR("symlink onto existing", symlink("x", f), EEXIST);
    ERR("symlink onto existing symlink", symlink("x", conf_join(d, "l0")), EEXIST);
    ERR("empty target", symlink("", conf_join(d, "empty")), ENOENT);
    MUST(symlink("dangling-target", conf_join(d, "dang")));
    ERR("stat dangling", stat(conf_join(d, "dang"), &st), ENOENT);
    OK("lstat dangling", lstat(conf_join(d, "dang"), &st));
    ERR("O_EXCL create through dangling", open(conf_join(d, "dang"), O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    OK("symlinkat with dirfd", ({ int dfd = open(sub, O_RDONLY | O_DIRECTORY);
                                  long r = symlinkat("x", dfd, "sl"); close(dfd); r; }));
    OK("  visible", lstat(conf_join(sub, "sl"), &st));
    conf_rmtree(d);
    return conf_done();
}
