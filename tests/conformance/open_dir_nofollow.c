/* open_dir_nofollow: O_DIRECTORY and O_NOFOLLOW on files, dirs and
 * symlinks; O_NOFOLLOW only concerns the last component. */
#include "conf.h"

int main(void)
{
    const char *d = conf_mkdtemp("open_dir_nofollow");
    const char *f = conf_join(d, "f"), *sub = conf_join(d, "sub");
    const char *lf = conf_join(d, "lf"), *ld = conf_join(d, "ld");
    const char *dang = conf_join(d, "dang");
    struct stat st;
    char buf[64];
    int fd;

    MUST(fd = open(f, O_WRONLY | O_CREAT, 0644));
    close(fd);
    MUST(mkdir(sub, 0755));
    MUST(fd = open(conf_join(sub, "inner"), O_WRONLY | O_CREAT, 0644));
    close(fd);
    MUST(symlink("f", lf));
    MUST(symlink("sub", ld));
    MUST(symlink("nowhere", dang));

    ERR("O_DIRECTORY on file", open(f, O_RDONLY | O_DIRECTORY), ENOTDIR);
    OK("O_DIRECTORY on dir", fd = open(sub, O_RDONLY | O_DIRECTORY));
    close(fd);
    OK("O_DIRECTORY on symlink to dir", fd = open(ld, O_RDONLY | O_DIRECTORY));
    if (fd >= 0) {
        OK("  fstat", fstat(fd, &st));
        TRUE("  is the dir", S_ISDIR(st.st_mode));
        close(fd);
    }
    ERR("O_DIRECTORY on symlink to file", open(lf, O_RDONLY | O_DIRECTORY), ENOTDIR);
    ERR("O_DIRECTORY on dangling symlink", open(dang, O_RDONLY | O_DIRECTORY), ENOENT);
    ERR("O_DIRECTORY on /dev/null", open("/dev/null", O_RDONLY | O_DIRECTORY), ENOTDIR);
    ERR("O_DIRECTORY|O_WRONLY on dir", open(sub, O_WRONLY | O_DIRECTORY), EISDIR);

    ERR("O_NOFOLLOW on symlink to file", open(lf, O_RDONLY | O_NOFOLLOW), ELOOP);
    ERR("O_NOFOLLOW on symlink to dir", open(ld, O_RDONLY | O_NOFOLLOW), ELOOP);
    ERR("O_NOFOLLOW on dangling symlink", open(dang, O_RDONLY | O_NOFOLLOW), ELOOP);
    ERR("O_NOFOLLOW|O_DIRECTORY on symlink", open(ld, O_RDONLY | O_NOFOLLOW | O_DIRECTORY), ENOTDIR);
    OK("O_NOFOLLOW on file", fd = open(f, O_RDONLY | O_NOFOLLOW));
    close(fd);
    OK("O_NOFOLLOW: symlink in the middle followed", fd = open(conf_join(ld, "inner"), O_RDONLY | O_NOFOLLOW));
    close(fd);
    OK("O_PATH|O_NOFOLLOW opens the symlink", fd = open(lf, O_RDONLY | O_NOFOLLOW | O_PATH));
    if (fd >= 0) {
        OK("  fstatat AT_EMPTY_PATH", fstatat(fd, "", &st, AT_EMPTY_PATH));
        TRUE("  is a symlink", S_ISLNK(st.st_mode));
        memset(buf, 0, sizeof(buf));
        EQ("  readlinkat empty path", readlinkat(fd, "", buf, sizeof(buf)), 1);
        STREQ("  target", buf, "f");
        close(fd);
    }
    OK("dir with trailing slash, O_NOFOLLOW", fd = open(conf_join(d, "sub/"), O_RDONLY | O_NOFOLLOW));
    close(fd);
    OK("symlink to dir with trailing slash is followed", fd = open(conf_join(d, "ld/"), O_RDONLY | O_NOFOLLOW));
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
