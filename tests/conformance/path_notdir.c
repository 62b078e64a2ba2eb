/* path_notdir: ENOTDIR for files used as directories, and trailing slashes
 * on files, directories and symlinks in each path call. */
#include "conf.h"

int main(void)
{
    const char *d = conf_mkdtemp("path_notdir");
    const char *f = conf_join(d, "f"), *sub = conf_join(d, "sub");
    struct stat st;
    int fd;

    MUST(fd = open(f, O_WRONLY | O_CREAT, 0644));
    close(fd);
    MUST(mkdir(sub, 0755));
    MUST(symlink("f", conf_join(d, "lf")));
    MUST(symlink("sub", conf_join(d, "ld")));
    MUST(symlink("nowhere", conf_join(d, "dang")));

    ERR("stat f/x", stat(conf_join(d, "f/x"), &st), ENOTDIR);
    ERR("stat f/", stat(conf_join(d, "f/"), &st), ENOTDIR);
    ERR("stat f/.", stat(conf_join(d, "f/."), &st), ENOTDIR);
    ERR("stat f/..", stat(conf_join(d, "f/.."), &st), ENOTDIR);
    ERR("lstat f/", lstat(conf_join(d, "f/"), &st), ENOTDIR);
    ERR("open f/", open(conf_join(d, "f/"), O_RDONLY), ENOTDIR);
    ERR("open f/ O_CREAT", open(conf_join(d, "f/"), O_RDWR | O_CREAT, 0644), EISDIR);
    ERR("open new/ O_CREAT", open(conf_join(d, "new/"), O_RDWR | O_CREAT, 0644), EISDIR);
    ERR("mkdir f/x", mkdir(conf_join(d, "f/x"), 0755), ENOTDIR);
    ERR("unlink f/", unlink(conf_join(d, "f/")), ENOTDIR);
    ERR("rmdir f/", rmdir(conf_join(d, "f/")), ENOTDIR);
    ERR("access f/", access(conf_join(d, "f/"), F_OK), ENOTDIR);
    ERR("chdir f", chdir(f), ENOTDIR);
    ERR("rename f/ to g", rename(conf_join(d, "f/"), conf_join(d, "g")), ENOTDIR);
    ERR("rename f to g/", rename(f, conf_join(d, "g/")), ENOTDIR);
    ERR("link f to g/", link(f, conf_join(d, "g/")), ENOENT);
    ERR("symlink to g/", symlink("f", conf_join(d, "g/")), ENOENT);
    ERR("truncate f/", truncate(conf_join(d, "f/"), 0), ENOTDIR);
    ERR("chmod f/", chmod(conf_join(d, "f/"), 0600), ENOTDIR);

    OK("stat sub/", stat(conf_join(d, "sub/"), &st));
    OK("stat sub/.", stat(conf_join(d, "sub/."), &st));
    OK("stat sub//.//", stat(conf_join(d, "sub//.//"), &st));
    OK("lstat ld/ follows", lstat(conf_join(d, "ld/"), &st));
    TRUE("  is a directory", S_ISDIR(st.st_mode));
    ERR("lstat lf/", lstat(conf_join(d, "lf/"), &st), ENOTDIR);
    ERR("stat dang/", stat(conf_join(d, "dang/"), &st), ENOENT);
    OK("mkdir new/", mkdir(conf_join(d, "new/"), 0755));
    OK("rename new/ to new2/", rename(conf_join(d, "new/"), conf_join(d, "new2/")));
    OK("rmdir new2/", rmdir(conf_join(d, "new2/")));
    ERR("rmdir ld/ (a symlink)", rmdir(conf_join(d, "ld/")), ENOTDIR);
    ERR("unlink sub/", unlink(conf_join(d, "sub/")), EISDIR);
    ERR("unlink ld/", unlink(conf_join(d, "ld/")), ENOTDIR);
    OK("unlink ld", unlink(conf_join(d, "ld")));
    OK("stat sub still", stat(sub, &st));
    ERR("ENOTDIR before ENOENT", stat(conf_join(d, "f/nope/x"), &st), ENOTDIR);
    ERR("ENOENT before ENOTDIR", stat(conf_join(d, "nope/f/x"), &st), ENOENT);
    conf_rmtree(d);
    return conf_done();
}
