/* rename_basic: rename over files and directories, into a subdirectory,
 * onto itself and onto another link of the same inode; parents' nlink. */
#include "conf.h"

static long nlink_of(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : (long)st.st_nlink;
}

static ino_t ino_of(const char *p)
{
    struct stat st;
    return lstat(p, &st) ? 0 : st.st_ino;
}

static void mkfile(const char *p, const char *data)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    MUST(fd);
    MUST(write(fd, data, strlen(data)));
    close(fd);
}

int main(void)
{
    const char *d = conf_mkdtemp("rename_basic");
    const char *a = conf_join(d, "a"), *b = conf_join(d, "b");
    const char *p1 = conf_join(d, "p1"), *p2 = conf_join(d, "p2");
    char buf[16];
    ino_t ia;
    int fd;

    mkfile(a, "AAA");
    mkfile(b, "B");
    ia = ino_of(a);
    OK("rename over file", rename(a, b));
    ERR("  old name gone", access(a, F_OK), ENOENT);
    TRUE("  new name is the old inode", ino_of(b) == ia);
    fd = open(b, O_RDONLY);
    memset(buf, 0, sizeof(buf));
    EQ("  content", read(fd, buf, sizeof(buf)), 3);
    close(fd);

    MUST(mkdir(p1, 0755));
    MUST(mkdir(p2, 0755));
    MUST(mkdir(conf_join(p1, "dir"), 0755));
    MUST(mkdir(conf_join(p2, "empty"), 0755));
    EQ("p1 nlink", nlink_of(p1), 3);
    EQ("p2 nlink", nlink_of(p2), 3);
    OK("rename dir over empty dir in another parent", rename(conf_join(p1, "dir"), conf_join(p2, "empty")));
    EQ("p1 nlink after", nlink_of(p1), 2);
    EQ("p2 nlink after (replaced, not added)", nlink_of(p2), 3);
    MUST(mkdir(conf_join(p1, "dir2"), 0755));
    OK("rename dir to a new name in another parent", rename(conf_join(p1, "dir2"), conf_join(p2, "dir2")));
    EQ("p1 nlink", nlink_of(p1), 2);
    EQ("p2 nlink", nlink_of(p2), 4);
    mkfile(conf_join(p2, "dir2/x"), "x");
    MUST(mkdir(conf_join(p1, "dir3"), 0755));
    ERR("rename dir over non-empty dir", rename(conf_join(p1, "dir3"), conf_join(p2, "dir2")), ENOTEMPTY);
    ERR("rename dir into its own subdir", rename(p2, conf_join(p2, "dir2/inside")), EINVAL);
    ERR("rename dir onto its own subdir", rename(p2, conf_join(p2, "dir2")), EINVAL);
    ERR("rename dir over its parent", rename(conf_join(p2, "empty"), p2), ENOTEMPTY);
    ERR("rename file over dir", rename(b, conf_join(p1, "dir3")), EISDIR);
    ERR("rename dir over file", rename(conf_join(p1, "dir3"), b), ENOTDIR);
    ERR("rename missing source", rename(conf_join(d, "nope"), conf_join(d, "x")), ENOENT);
    ERR("rename into missing dir", rename(b, conf_join(d, "nope/x")), ENOENT);
    ERR("rename \".\"", rename(conf_join(p1, "."), conf_join(d, "x")), EBUSY);
    ERR("rename to \"..\"", rename(conf_join(p1, "dir3"), conf_join(p1, "..")), EBUSY);
    ERR("rename dir to under a file", rename(conf_join(p1, "dir3"), conf_join(b, "x")), ENOTDIR);

    OK("rename file to itself", rename(b, b));
    TRUE("  still there", ino_of(b) == ia);
    OK("rename dir to itself", rename(p1, p1));
    MUST(link(b, conf_join(d, "b2")));
    OK("rename onto another link of the same inode", rename(b, conf_join(d, "b2")));
    OK("  both names remain (POSIX no-op)", access(b, F_OK) | access(conf_join(d, "b2"), F_OK));
    EQ("  nlink 2", nlink_of(b), 2);
    MUST(symlink("b", conf_join(d, "sl")));
    OK("rename a symlink (moves the link)", rename(conf_join(d, "sl"), conf_join(p1, "sl")));
    TRUE("  target untouched", ino_of(b) == ia);
    {
        struct stat st;
        TRUE("  moved link dangles relative to new dir", stat(conf_join(p1, "sl"), &st) == -1 && errno == ENOENT);
    }
    OK("renameat with dirfds", ({ int d1 = open(p1, O_RDONLY | O_DIRECTORY), d2 = open(p2, O_RDONLY | O_DIRECTORY);
                                  long r = renameat(d1, "dir3", d2, "dir3"); close(d1); close(d2); r; }));
    EQ("p2 nlink", nlink_of(p2), 5);
    conf_rmtree(d);
    return conf_done();
}
