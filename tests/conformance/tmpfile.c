/* tmpfile: file and directory life cycle in /tmp (tmpfs in the sandbox). */
#include "conf.h"
#include <sys/stat.h>

static char P[8][300];

static const char *path(int i, const char *name)
{
    snprintf(P[i], sizeof(P[i]), "%s/%s", conf_tmp("tmpfile"), name);
    return P[i];
}

static long size_of(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : st.st_size;
}

int main(void)
{
    const char *dir = conf_tmp("tmpfile");
    const char *f = path(0, "f"), *g = path(1, "g"), *sub = path(2, "sub");
    const char *inner = path(3, "sub/inner"), *h = path(4, "h");
    char buf[64];
    struct stat st;
    int fd, fd2, ok;

    OK("mkdir", mkdir(dir, 0755));
    ERR("mkdir exists", mkdir(dir, 0755), EEXIST);
    ERR("mkdir missing parent", mkdir("/tmp/conf-no-such-dir/x", 0755), ENOENT);
    ERR("mkdir under file", mkdir("/etc/passwd/x", 0755), ENOTDIR);
    OK("stat dir", stat(dir, &st));
    TRUE("is dir", S_ISDIR(st.st_mode));

    fd = open(f, O_RDWR | O_CREAT | O_EXCL, 0644);
    OK("create", fd);
    EQ("write", write(fd, "hello world", 11), 11);
    memset(buf, 0, sizeof(buf));
    EQ("pread", pread(fd, buf, 5, 6), 5);
    STREQ("pread content", buf, "world");
    EQ("pwrite", pwrite(fd, "HELLO", 5, 0), 5);
    EQ("offset unmoved by pread/pwrite", lseek(fd, 0, SEEK_CUR), 11);
    ERR("pread negative offset", pread(fd, buf, 1, -1), EINVAL);
    ERR("pwrite negative offset", pwrite(fd, buf, 1, -1), EINVAL);
    EQ("pread past EOF", pread(fd, buf, 5, 100), 0);
    OK("ftruncate shrink", ftruncate(fd, 5));
    EQ("size after shrink", size_of(f), 5);
    memset(buf, 0, sizeof(buf));
    EQ("read after shrink", pread(fd, buf, sizeof(buf), 0), 5);
    STREQ("content after shrink", buf, "HELLO");
    OK("ftruncate grow", ftruncate(fd, 10));
    EQ("read grown", pread(fd, buf, sizeof(buf), 0), 10);
    ok = 1;
    for (int i = 5; i < 10; i++)
        ok &= buf[i] == 0;
    TRUE("grown part zero", ok);
    ERR("ftruncate negative", ftruncate(fd, -1), EINVAL);
    OK("truncate by path", truncate(f, 2));
    EQ("size after truncate", size_of(f), 2);
    ERR("truncate ENOENT", truncate(g, 0), ENOENT);
    ERR("truncate dir", truncate(dir, 0), EISDIR);
    OK("fsync", fsync(fd));
    OK("fdatasync", fdatasync(fd));
    fd2 = open(f, O_RDONLY);
    ERR("ftruncate O_RDONLY fd", ftruncate(fd2, 0), EINVAL);
    close(fd2);
    ERR("ftruncate bad fd", ftruncate(-1, 0), EBADF);

    /* Hard links. */
    OK("link", link(f, h));
    OK("fstat", fstat(fd, &st));
    EQ("nlink after link", st.st_nlink, 2);
    ERR("link exists", link(f, h), EEXIST);
    ERR("link ENOENT", link(g, path(5, "x")), ENOENT);
    OK("unlink link", unlink(h));
    fstat(fd, &st);
    EQ("nlink after unlink", st.st_nlink, 1);

    /* Rename. */
    OK("rename", rename(f, g));
    ERR("old name gone", access(f, F_OK), ENOENT);
    EQ("new name has data", size_of(g), 2);
    MUST(fd2 = open(f, O_WRONLY | O_CREAT, 0644));
    close(fd2);
    OK("rename over existing file", rename(f, g));
    EQ("replaced target", size_of(g), 0);
    ERR("rename ENOENT", rename(f, h), ENOENT);
    OK("mkdir sub", mkdir(sub, 0700));
    ERR("rename dir into itself", rename(dir, sub), EINVAL);
    ERR("rename file over dir", rename(g, sub), EISDIR);
    ERR("rename dir over file", rename(sub, g), ENOTDIR);
    OK("rename to same name", rename(g, g));

    /* Directories. */
    MUST(fd2 = open(inner, O_WRONLY | O_CREAT, 0644));
    close(fd2);
    ERR("rmdir non-empty", rmdir(sub), ENOTEMPTY);
    ERR("rmdir file", rmdir(g), ENOTDIR);
    ERR("unlink dir", unlink(sub), EISDIR);
    ERR("rmdir .", rmdir(path(5, "sub/.")), EINVAL);
    ERR("rmdir ENOENT", rmdir(path(5, "nope")), ENOENT);
    OK("unlink inner", unlink(inner));
    OK("rmdir sub", rmdir(sub));
    ERR("unlink ENOENT", unlink(inner), ENOENT);

    /* Unlinked but open file stays usable. */
    MUST(fd2 = open(g, O_RDWR));
    OK("unlink open file", unlink(g));
    EQ("write to unlinked", write(fd2, "still", 5), 5);
    memset(buf, 0, sizeof(buf));
    EQ("read unlinked", pread(fd2, buf, sizeof(buf), 0), 5);
    STREQ("unlinked content", buf, "still");
    close(fd2);
    close(fd);
    OK("rmdir dir", rmdir(dir));
    ERR("stat removed dir", stat(dir, &st), ENOENT);
    return conf_done();
}
