/* readlink: symlink(2), readlink(2), readlinkat(2) and link resolution. */
#include "conf.h"
#include <sys/stat.h>

int main(void)
{
    const char *dir = conf_tmp("readlink");
    char l1[256], l2[256], l3[256], f[256], dl[256], p[300], buf[256];
    struct stat st;
    int dfd, fd;

    snprintf(l1, sizeof(l1), "%s/dangling", dir);
    snprintf(l2, sizeof(l2), "%s/loop2", dir);
    snprintf(l3, sizeof(l3), "%s/loop3", dir);
    snprintf(f, sizeof(f), "%s/file", dir);
    snprintf(dl, sizeof(dl), "%s/dirlink", dir);
    MUST(mkdir(dir, 0755));
    MUST(fd = open(f, O_WRONLY | O_CREAT, 0644));
    MUST(write(fd, "data", 4));
    close(fd);

    OK("symlink dangling", symlink("no/such/target", l1));
    memset(buf, 'X', sizeof(buf));
    EQ("readlink length", readlink(l1, buf, sizeof(buf)), 14);
    TRUE("readlink content", memcmp(buf, "no/such/target", 14) == 0);
    TRUE("readlink does not NUL-terminate", buf[14] == 'X');
    memset(buf, 'X', sizeof(buf));
    EQ("readlink truncated", readlink(l1, buf, 4), 4);
    TRUE("truncated content", memcmp(buf, "no/sX", 5) == 0);
    ERR("readlink bufsiz 0", readlink(l1, buf, 0), EINVAL);
    ERR("readlink bad buffer", readlink(l1, BADPTR, 10), EFAULT);
    ERR("readlink bad path", readlink(BADPTR, buf, 10), EFAULT);
    ERR("readlink regular file", readlink(f, buf, sizeof(buf)), EINVAL);
    ERR("readlink directory", readlink(dir, buf, sizeof(buf)), EINVAL);
    ERR("readlink ENOENT", readlink("/tmp/conf-no-such-link", buf, sizeof(buf)), ENOENT);
    ERR("readlink ENOTDIR", readlink("/etc/passwd/x", buf, sizeof(buf)), ENOTDIR);
    ERR("readlink empty", readlink("", buf, sizeof(buf)), ENOENT);
    ERR("symlink exists", symlink("x", l1), EEXIST);
    ERR("symlink empty target", symlink("", l2), ENOENT);
    ERR("symlink missing parent", symlink("x", "/tmp/conf-no-such-dir/l"), ENOENT);

    /* Dangling link: lstat sees it, stat does not. */
    OK("lstat dangling", lstat(l1, &st));
    TRUE("lstat S_ISLNK", S_ISLNK(st.st_mode));
    EQ("lstat size == target length", st.st_size, 14);
    ERR("stat dangling", stat(l1, &st), ENOENT);
    ERR("open dangling", open(l1, O_RDONLY), ENOENT);

    /* Link to a file and to a directory. */
    snprintf(p, sizeof(p), "%s/flink", dir);
    OK("symlink relative to file", symlink("file", p));
    fd = open(p, O_RDONLY);
    OK("open through link", fd);
    TRUE("read through link", read(fd, buf, 4) == 4 && !memcmp(buf, "data", 4));
    close(fd);
    OK("symlink to dir", symlink(dir, dl));
    snprintf(p, sizeof(p), "%s/file", dl);
    OK("stat through dir link", stat(p, &st));
    snprintf(p, sizeof(p), "%s/", dl);
    ERR("readlink with trailing slash", readlink(p, buf, sizeof(buf)), EINVAL);

    /* readlinkat and symlinkat relative to a directory fd. */
    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    memset(buf, 0, sizeof(buf));
    EQ("readlinkat dirfd", readlinkat(dfd, "flink", buf, sizeof(buf)), 4);
    STREQ("readlinkat content", buf, "file");
    ERR("readlinkat bad dirfd", readlinkat(-5, "flink", buf, sizeof(buf)), EBADF);
    ERR("readlinkat ENOENT", readlinkat(dfd, "nope", buf, sizeof(buf)), ENOENT);
    OK("symlinkat", symlinkat("file", dfd, "flink2"));
    EQ("readlinkat symlinkat", readlinkat(dfd, "flink2", buf, sizeof(buf)), 4);
    close(dfd);

    /* Loops. */
    OK("symlink loop a", symlink("loop3", l2));
    OK("symlink loop b", symlink("loop2", l3));
    ERR("open loop", open(l2, O_RDONLY), ELOOP);
    ERR("stat loop", stat(l2, &st), ELOOP);
    memset(buf, 0, sizeof(buf));
    EQ("readlink in loop", readlink(l2, buf, sizeof(buf)), 5);

    /* The host's /etc/os-release link reads back identically. */
    memset(buf, 0, sizeof(buf));
    if (readlink("/etc/os-release", buf, sizeof(buf)) > 0)
        printf("/etc/os-release -> %s\n", buf);
    else
        printf("/etc/os-release: %s\n", errname(errno));

    /* Removing a link leaves the target. */
    snprintf(p, sizeof(p), "%s/flink", dir);
    OK("unlink link", unlink(p));
    OK("target still there", access(f, F_OK));
    snprintf(p, sizeof(p), "%s/flink2", dir);
    unlink(p), unlink(l1), unlink(l2), unlink(l3), unlink(dl), unlink(f);
    OK("rmdir", rmdir(dir));
    return conf_done();
}
