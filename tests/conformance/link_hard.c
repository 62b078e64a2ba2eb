/* link_hard: hard link counts, links to directories and symlinks, linkat
 * AT_SYMLINK_FOLLOW, and link errors. */
#include "conf.h"

static long nlink_of(const char *p)
{
    struct stat st;
    return lstat(p, &st) ? -1 : (long)st.st_nlink;
}

int main(void)
{
    const char *d = conf_mkdtemp("link_hard");
    const char *f = conf_join(d, "f"), *sub = conf_join(d, "sub"), *sl = conf_join(d, "sl");
    struct stat st, st2;
    char buf[16];
    int fd;

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    MUST(write(fd, "data", 4));
    MUST(mkdir(sub, 0755));
    MUST(symlink("f", sl));
    EQ("nlink 1", nlink_of(f), 1);
    OK("link", link(f, conf_join(d, "h1")));
    OK("link into subdir", link(f, conf_join(sub, "h2")));
    EQ("nlink 3", nlink_of(f), 3);
    OK("fstat", fstat(fd, &st));
    EQ("  fstat agrees", st.st_nlink, 3);
    MUST(stat(conf_join(sub, "h2"), &st2));
    TRUE("  same inode", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);
    EQ("write through one name", pwrite(fd, "DATA", 4, 0), 4);
    fd = (close(fd), open(conf_join(sub, "h2"), O_RDONLY));
    memset(buf, 0, sizeof(buf));
    EQ("read through another", read(fd, buf, sizeof(buf)), 4);
    STREQ("  data", buf, "DATA");
    close(fd);
    ERR("link onto existing", link(f, conf_join(d, "h1")), EEXIST);
    ERR("link to a directory", link(sub, conf_join(d, "dirlink")), EPERM);
    ERR("link missing source", link(conf_join(d, "nope"), conf_join(d, "x")), ENOENT);
    ERR("link into missing dir", link(f, conf_join(d, "nope/x")), ENOENT);
    ERR("link source through file", link(conf_join(d, "f/x"), conf_join(d, "x")), ENOTDIR);

    OK("link a symlink (not followed)", link(sl, conf_join(d, "sl2")));
    OK("  lstat", lstat(conf_join(d, "sl2"), &st));
    TRUE("  is a symlink", S_ISLNK(st.st_mode));
    EQ("  symlink nlink", st.st_nlink, 2);
    OK("linkat AT_SYMLINK_FOLLOW", linkat(AT_FDCWD, sl, AT_FDCWD, conf_join(d, "h3"), AT_SYMLINK_FOLLOW));
    OK("  lstat", lstat(conf_join(d, "h3"), &st));
    TRUE("  is the file", S_ISREG(st.st_mode));
    EQ("file nlink 4", nlink_of(f), 4);
    ERR("linkat bad flags", linkat(AT_FDCWD, f, AT_FDCWD, conf_join(d, "x"), 0x1), EINVAL);
    MUST(symlink("nowhere", conf_join(d, "dang")));
    ERR("linkat FOLLOW on dangling", linkat(AT_FDCWD, conf_join(d, "dang"), AT_FDCWD, conf_join(d, "x"), AT_SYMLINK_FOLLOW), ENOENT);
    {
        int dfd = open(d, O_RDONLY | O_DIRECTORY);
        OK("linkat with dirfds", linkat(dfd, "f", dfd, "h4", 0));
        ERR("linkat bad dirfd", linkat(99, "f", dfd, "h5", 0), EBADF);
        close(dfd);
    }
    EQ("nlink 5", nlink_of(f), 5);
    OK("unlink h1", unlink(conf_join(d, "h1")));
    OK("unlink sub/h2", unlink(conf_join(sub, "h2")));
    EQ("nlink 3", nlink_of(f), 3);
    conf_rmtree(d);
    return conf_done();
}
