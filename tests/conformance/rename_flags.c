/* rename_flags: renameat2 RENAME_NOREPLACE and RENAME_EXCHANGE (file with
 * dir, across parents), and invalid flag combinations. */
#include "conf.h"

static long rn2(const char *a, const char *b, unsigned flags)
{
    return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

static long nlink_of(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : (long)st.st_nlink;
}

static const char *kind(const char *p)
{
    struct stat st;
    if (lstat(p, &st))
        return errname(errno);
    return S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : S_ISLNK(st.st_mode) ? "link" : "?";
}

int main(void)
{
    const char *d = conf_mkdtemp("rename_flags");
    const char *f = conf_join(d, "f"), *g = conf_join(d, "g"), *sub = conf_join(d, "sub");
    const char *p1 = conf_join(d, "p1"), *p2 = conf_join(d, "p2");
    char buf[8];
    int fd;

    MUST(fd = open(f, O_WRONLY | O_CREAT, 0644));
    MUST(write(fd, "F", 1));
    close(fd);
    MUST(fd = open(g, O_WRONLY | O_CREAT, 0644));
    MUST(write(fd, "G", 1));
    close(fd);
    MUST(mkdir(sub, 0755));

    errno = 0;
    if (rn2(f, f, RENAME_NOREPLACE) == -1 && errno == EINVAL)
        conf_skip("the host /tmp does not support renameat2 flags");
    ERR("NOREPLACE onto existing file", rn2(f, g, RENAME_NOREPLACE), EEXIST);
    ERR("NOREPLACE onto existing dir", rn2(sub, d, RENAME_NOREPLACE), EEXIST);
    OK("NOREPLACE to a new name", rn2(g, conf_join(d, "g2"), RENAME_NOREPLACE));
    ERR("  old name gone", access(g, F_OK), ENOENT);
    OK("NOREPLACE back", rn2(conf_join(d, "g2"), g, RENAME_NOREPLACE));
    ERR("NOREPLACE onto itself", rn2(f, f, RENAME_NOREPLACE), EEXIST);

    OK("EXCHANGE two files", rn2(f, g, RENAME_EXCHANGE));
    fd = open(f, O_RDONLY);
    memset(buf, 0, sizeof(buf));
    MUST(read(fd, buf, 1));
    close(fd);
    STREQ("  f now holds G", buf, "G");
    OK("EXCHANGE file and dir", rn2(f, sub, RENAME_EXCHANGE));
    STREQ("  f is now", kind(f), "dir");
    STREQ("  sub is now", kind(sub), "file");
    ERR("EXCHANGE with missing target", rn2(sub, conf_join(d, "nope"), RENAME_EXCHANGE), ENOENT);
    ERR("EXCHANGE with missing source", rn2(conf_join(d, "nope"), sub, RENAME_EXCHANGE), ENOENT);
    OK("EXCHANGE with itself", rn2(sub, sub, RENAME_EXCHANGE));
    MUST(symlink("f", conf_join(d, "lnk")));
    OK("EXCHANGE file and symlink", rn2(g, conf_join(d, "lnk"), RENAME_EXCHANGE));
    STREQ("  g is now", kind(g), "link");

    MUST(mkdir(p1, 0755));
    MUST(mkdir(p2, 0755));
    MUST(mkdir(conf_join(p1, "dir"), 0755));
    MUST(fd = open(conf_join(p2, "file"), O_WRONLY | O_CREAT, 0644));
    close(fd);
    EQ("p1 nlink before", nlink_of(p1), 3);
    EQ("p2 nlink before", nlink_of(p2), 2);
    OK("EXCHANGE dir and file across parents", rn2(conf_join(p1, "dir"), conf_join(p2, "file"), RENAME_EXCHANGE));
    EQ("p1 nlink after", nlink_of(p1), 2);
    EQ("p2 nlink after", nlink_of(p2), 3);
    STREQ("  p1/dir", kind(conf_join(p1, "dir")), "file");
    STREQ("  p2/file", kind(conf_join(p2, "file")), "dir");
    ERR("EXCHANGE dir with its own child", rn2(p2, conf_join(p2, "file"), RENAME_EXCHANGE), EINVAL);
    ERR("NOREPLACE|EXCHANGE", rn2(f, g, RENAME_NOREPLACE | RENAME_EXCHANGE), EINVAL);
    ERR("unknown flag", rn2(f, g, 1u << 10), EINVAL);
    ERR("WHITEOUT|EXCHANGE", rn2(f, g, RENAME_WHITEOUT | RENAME_EXCHANGE), EINVAL);
    OK("flags 0 behaves like rename", rn2(conf_join(p2, "file"), conf_join(p2, "moved"), 0));
    conf_rmtree(d);
    return conf_done();
}
