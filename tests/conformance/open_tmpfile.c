/* open_tmpfile: O_TMPFILE makes an unnamed file (nlink 0, not listed);
 * linkat through /proc/self/fd gives it a name, unless O_EXCL. */
#include "conf.h"

static int count_entries(const char *dir)
{
    char buf[4096];
    int fd = open(dir, O_RDONLY | O_DIRECTORY), n = 0;
    long r;

    if (fd < 0)
        return -1;
    while ((r = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
        for (long off = 0; off < r; off += *(unsigned short *)(buf + off + 16))
            n++;
    close(fd);
    return n - 2;
}

int main(void)
{
    const char *d = conf_mkdtemp("open_tmpfile");
    const char *f = conf_join(d, "f");
    char p[64], buf[16];
    struct stat st;
    int fd, fd2, dfd;

    fd = open(d, O_TMPFILE | O_RDWR, 0640);
    if (fd < 0 && errno == EOPNOTSUPP)
        conf_skip("the host /tmp does not support O_TMPFILE");
    OK("O_TMPFILE|O_RDWR", fd);
    OK("fstat", fstat(fd, &st));
    TRUE("regular file", S_ISREG(st.st_mode));
    EQ("nlink 0", st.st_nlink, 0);
    EQO("mode", st.st_mode & 07777, 0640);
    EQ("dir still empty", count_entries(d), 0);
    EQ("write", write(fd, "tmpdata", 7), 7);
    snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
    OK("linkat via /proc/self/fd", linkat(AT_FDCWD, p, AT_FDCWD, f, AT_SYMLINK_FOLLOW));
    OK("fstat after link", fstat(fd, &st));
    EQ("nlink 1", st.st_nlink, 1);
    EQ("dir has one entry", count_entries(d), 1);
    OK("open by name", fd2 = open(f, O_RDONLY));
    memset(buf, 0, sizeof(buf));
    EQ("read by name", read(fd2, buf, sizeof(buf)), 7);
    STREQ("  data", buf, "tmpdata");
    close(fd2);
    ERR("linkat again to same name", linkat(AT_FDCWD, p, AT_FDCWD, f, AT_SYMLINK_FOLLOW), EEXIST);
    close(fd);

    OK("O_TMPFILE|O_EXCL", fd = open(d, O_TMPFILE | O_WRONLY | O_EXCL, 0600));
    snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
    ERR("O_EXCL tmpfile cannot be linked", linkat(AT_FDCWD, p, AT_FDCWD, conf_join(d, "g"), AT_SYMLINK_FOLLOW), ENOENT);
    close(fd);

    ERR("O_TMPFILE read-only", open(d, O_TMPFILE | O_RDONLY, 0600), EINVAL);
    ERR("O_TMPFILE on a file", open(f, O_TMPFILE | O_RDWR, 0600), ENOTDIR);
    ERR("O_TMPFILE missing dir", open(conf_join(d, "nope"), O_TMPFILE | O_RDWR, 0600), ENOENT);
    dfd = open(d, O_RDONLY | O_DIRECTORY);
    fd = openat(dfd, ".", O_TMPFILE | O_RDWR, 0600);
    OK("openat dirfd \".\" O_TMPFILE", fd);
    OK("ftruncate tmpfile", ftruncate(fd, 100));
    OK("fstat", fstat(fd, &st));
    EQ("size 100", st.st_size, 100);
    TRUE("owner is euid", st.st_uid == geteuid());
    close(fd);
    close(dfd);
    EQ("dir still one entry", count_entries(d), 1);

    /* An ordinary unlinked file cannot get its name back. */
    fd = open(conf_join(d, "h"), O_RDWR | O_CREAT, 0600);
    MUST(fd);
    MUST(unlink(conf_join(d, "h")));
    snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
    ERR("linkat of unlinked non-tmpfile", linkat(AT_FDCWD, p, AT_FDCWD, conf_join(d, "h2"), AT_SYMLINK_FOLLOW), ENOENT);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
