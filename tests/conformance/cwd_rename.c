/* cwd_rename: the working directory follows renames of itself and its
 * ancestors (getcwd shows the new path); fchdir; relative lookups keep
 * working; chdir errors. */
#include "conf.h"
#include <limits.h>

/* Compare paths without printing them: the scratch name is random. */
static int same(const char *got, const char *want)
{
    return got && !strcmp(got, want);
}

int main(void)
{
    const char *d = conf_mkdtemp("cwd_rename");
    char buf[PATH_MAX];
    int fd, dfd;

    MUST(mkdir(conf_join(d, "a"), 0755));
    MUST(mkdir(conf_join(d, "a/b"), 0755));
    MUST(fd = open(conf_join(d, "a/b/file"), O_WRONLY | O_CREAT, 0644));
    close(fd);
    OK("chdir a/b", chdir(conf_join(d, "a/b")));
    OK("rename a/b to a/c", rename(conf_join(d, "a/b"), conf_join(d, "a/c")));
    TRUE("getcwd follows", same(getcwd(buf, sizeof(buf)), conf_join(d, "a/c")));
    OK("relative file still found", access("file", F_OK));
    OK("rename the parent a to z", rename(conf_join(d, "a"), conf_join(d, "z")));
    TRUE("getcwd follows the parent", same(getcwd(buf, sizeof(buf)), conf_join(d, "z/c")));
    OK("stat ..", access("../c/file", F_OK));
    dfd = open(".", O_RDONLY | O_DIRECTORY);
    MUST(dfd);
    MUST(chdir("/"));
    OK("fchdir back", fchdir(dfd));
    TRUE("getcwd after fchdir", same(getcwd(buf, sizeof(buf)), conf_join(d, "z/c")));
    OK("rename while holding the fd", rename(conf_join(d, "z/c"), conf_join(d, "moved")));
    TRUE("getcwd: moved up a level", same(getcwd(buf, sizeof(buf)), conf_join(d, "moved")));
    OK("chdir ..", chdir(".."));
    TRUE("  at the scratch dir", same(getcwd(buf, sizeof(buf)), d));
    MUST(chdir("/"));
    OK("fchdir to an O_PATH dir fd", ({ int p = open(conf_join(d, "moved"), O_PATH | O_DIRECTORY);
                                        long r = fchdir(p); close(p); r; }));
    TRUE("  getcwd", same(getcwd(buf, sizeof(buf)), conf_join(d, "moved")));
    ERR("fchdir to a file", ({ int f = open("file", O_RDONLY); long r = fchdir(f); close(f); r; }), ENOTDIR);
    ERR("chdir to a file", chdir("file"), ENOTDIR);
    ERR("chdir ENOENT", chdir("nope"), ENOENT);
    ERR("getcwd buffer too small", getcwd(buf, 3) ? 0 : -1, ERANGE);
    ERR("raw getcwd size 1", syscall(SYS_getcwd, buf, 1), ERANGE);
    EQ("raw getcwd returns length + 1", syscall(SYS_getcwd, buf, sizeof(buf)), strlen(conf_join(d, "moved")) + 1);
    close(dfd);
    MUST(chdir("/"));
    conf_rmtree(d);
    return conf_done();
}
