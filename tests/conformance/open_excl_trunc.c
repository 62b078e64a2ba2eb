/* open_excl_trunc: O_CREAT|O_EXCL against files, dirs and symlinks;
 * O_CREAT through a dangling symlink; O_TRUNC on files, dirs, devices. */
#include "conf.h"

static long size_of(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : st.st_size;
}

int main(void)
{
    const char *d = conf_mkdtemp("open_excl_trunc");
    const char *f = conf_join(d, "f"), *sub = conf_join(d, "sub");
    const char *dang = conf_join(d, "dangling"), *tgt = conf_join(d, "target");
    const char *lf = conf_join(d, "link-to-f");
    struct stat st;
    int fd;

    OK("O_EXCL creates", fd = open(f, O_WRONLY | O_CREAT | O_EXCL, 0644));
    MUST(write(fd, "0123456789", 10));
    close(fd);
    ERR("O_EXCL on file", open(f, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    MUST(mkdir(sub, 0755));
    ERR("O_EXCL on dir", open(sub, O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    MUST(symlink("f", lf));
    ERR("O_EXCL on symlink to file", open(lf, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    MUST(symlink("target", dang));
    ERR("O_EXCL on dangling symlink", open(dang, O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    ERR("target not created by O_EXCL", access(tgt, F_OK), ENOENT);
    OK("O_EXCL without O_CREAT ignored", fd = open(f, O_RDONLY | O_EXCL));
    close(fd);

    OK("O_CREAT through dangling symlink", fd = open(dang, O_WRONLY | O_CREAT, 0600));
    close(fd);
    OK("target now exists", access(tgt, F_OK));
    OK("lstat link", lstat(dang, &st));
    TRUE("link still a symlink", S_ISLNK(st.st_mode));
    OK("stat target", stat(tgt, &st));
    EQO("target mode", st.st_mode & 07777, 0600);
    ERR("O_CREAT|O_NOFOLLOW through symlink", open(lf, O_WRONLY | O_CREAT | O_NOFOLLOW, 0600), ELOOP);

    /* O_TRUNC */
    OK("O_TRUNC through symlink", fd = open(lf, O_WRONLY | O_TRUNC));
    close(fd);
    EQ("size after O_TRUNC", size_of(f), 0);
    fd = open(f, O_WRONLY);
    MUST(write(fd, "abc", 3));
    close(fd);
    OK("O_RDONLY|O_TRUNC opens", fd = open(f, O_RDONLY | O_TRUNC));
    close(fd);
    EQ("O_RDONLY|O_TRUNC truncates (Linux)", size_of(f), 0);
    ERR("O_TRUNC on dir", open(sub, O_RDONLY | O_TRUNC), EISDIR);
    OK("O_TRUNC on /dev/null", fd = open("/dev/null", O_WRONLY | O_TRUNC));
    close(fd);
    fd = open(f, O_WRONLY);
    MUST(write(fd, "abcdef", 6));
    close(fd);
    OK("O_CREAT|O_TRUNC existing", fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0600));
    MUST(fstat(fd, &st));
    EQ("  size 0", st.st_size, 0);
    EQO("  mode unchanged", st.st_mode & 07777, 0644);
    EQ("  offset 0", lseek(fd, 0, SEEK_CUR), 0);
    close(fd);
    ERR("O_CREAT on trailing slash", open(conf_join(d, "new/"), O_WRONLY | O_CREAT, 0600), EISDIR);
    conf_rmtree(d);
    return conf_done();
}
