/* path_eloop: symlink chains up to the 40-link limit, one more is ELOOP;
 * self and mutual loops; lstat and readlink do not follow. */
#include "conf.h"

int main(void)
{
    const char *d = conf_mkdtemp("path_eloop");
    char name[32], target[32];
    struct stat st;
    int fd;

    MUST(fd = open(conf_join(d, "file"), O_WRONLY | O_CREAT, 0644));
    close(fd);
    /* l0 -> l1 -> ... -> l40 -> file: opening lK follows 41-K links. */
    MUST(symlink("file", conf_join(d, "l40")));
    for (int i = 39; i >= 0; i--) {
        snprintf(name, sizeof(name), "l%d", i);
        snprintf(target, sizeof(target), "l%d", i + 1);
        MUST(symlink(target, conf_join(d, name)));
    }
    OK("1 link", stat(conf_join(d, "l40"), &st));
    OK("40 links (the limit)", stat(conf_join(d, "l1"), &st));
    OK("open through 40 links", fd = open(conf_join(d, "l1"), O_RDONLY));
    close(fd);
    ERR("41 links", stat(conf_join(d, "l0"), &st), ELOOP);
    ERR("open through 41 links", open(conf_join(d, "l0"), O_RDONLY), ELOOP);
    OK("lstat of the 41-link chain head", lstat(conf_join(d, "l0"), &st));
    TRUE("  is a symlink", S_ISLNK(st.st_mode));
    ERR("41 links as a directory prefix", stat(conf_join(d, "l0/x"), &st), ELOOP);

    MUST(symlink("self", conf_join(d, "self")));
    ERR("self loop stat", stat(conf_join(d, "self"), &st), ELOOP);
    ERR("self loop open O_CREAT", open(conf_join(d, "self"), O_WRONLY | O_CREAT, 0644), ELOOP);
    ERR("self loop as directory", stat(conf_join(d, "self/x"), &st), ELOOP);
    ERR("self loop chdir", chdir(conf_join(d, "self")), ELOOP);
    MUST(symlink("b", conf_join(d, "a")));
    MUST(symlink("a", conf_join(d, "b")));
    ERR("a <-> b loop", stat(conf_join(d, "a"), &st), ELOOP);
    ERR("a <-> b access", access(conf_join(d, "a"), F_OK), ELOOP);
    OK("lstat a", lstat(conf_join(d, "a"), &st));
    EQ("readlink a", readlink(conf_join(d, "a"), name, sizeof(name)), 1);
    OK("unlink a (not followed)", unlink(conf_join(d, "a")));
    ERR("b now dangling", stat(conf_join(d, "b"), &st), ENOENT);
    /* A directory link loop through "..": dir/up -> .. can be walked deep. */
    MUST(mkdir(conf_join(d, "dir"), 0755));
    MUST(symlink("..", conf_join(d, "dir/up")));
    OK("dir/up/dir/up/dir/up/file", stat(conf_join(d, "dir/up/dir/up/dir/up/file"), &st));
    conf_rmtree(d);
    return conf_done();
}
