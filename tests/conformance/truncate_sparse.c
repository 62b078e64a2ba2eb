/* truncate_sparse: truncate/ftruncate growing (zeros), shrinking (data
 * gone, regrow gives zeros), errors; writes past EOF leave zero holes. */
#include "conf.h"

static int all(const char *b, int c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] != c)
            return 0;
    return 1;
}

int main(void)
{
    const char *d = conf_mkdtemp("truncate_sparse");
    const char *f = conf_join(d, "f");
    static char buf[1 << 20];
    struct stat st;
    int fd, ro, p[2];

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    memset(buf, 'A', 8192);
    MUST(write(fd, buf, 8192));
    OK("ftruncate grow to 1 MiB", ftruncate(fd, 1 << 20));
    OK("fstat", fstat(fd, &st));
    EQ("  size", st.st_size, 1 << 20);
    EQ("  offset unchanged", lseek(fd, 0, SEEK_CUR), 8192);
    EQ("read the grown part", pread(fd, buf, sizeof(buf), 0), 1 << 20);
    TRUE("  old data kept", all(buf, 'A', 8192));
    TRUE("  rest zeros", all(buf + 8192, 0, (1 << 20) - 8192));
    OK("shrink to 100", ftruncate(fd, 100));
    EQ("  read", pread(fd, buf, sizeof(buf), 0), 100);
    OK("grow to 8192 again", ftruncate(fd, 8192));
    memset(buf, 'x', 8192);
    EQ("  read", pread(fd, buf, 8192, 0), 8192);
    TRUE("  first 100 kept", all(buf, 'A', 100));
    TRUE("  cut data does not come back", all(buf + 100, 0, 8092));
    OK("shrink to 0", ftruncate(fd, 0));
    EQ("  read", pread(fd, buf, 10, 0), 0);
    EQ("  offset still past EOF", lseek(fd, 0, SEEK_CUR), 8192);
    EQ("write at old offset", write(fd, "Z", 1), 1);
    OK("  fstat", fstat(fd, &st));
    EQ("  size", st.st_size, 8193);
    memset(buf, 'x', 8193);
    EQ("  read all", pread(fd, buf, 8193, 0), 8193);
    TRUE("  zero hole then Z", all(buf, 0, 8192) && buf[8192] == 'Z');
    OK("pwrite far past EOF", pwrite(fd, "END", 3, 5 << 20));
    EQ("  size", (fstat(fd, &st), st.st_size), (5 << 20) + 3);
    EQ("  pread in the hole", pread(fd, buf, 4096, 3 << 20), 4096);
    TRUE("  zeros", all(buf, 0, 4096));
    OK("truncate by path", truncate(f, 10));
    EQ("  size", (stat(f, &st), st.st_size), 10);
    OK("truncate to the same size", truncate(f, 10));
    ERR("ftruncate -1", ftruncate(fd, -1), EINVAL);
    ERR("truncate -1", truncate(f, -1), EINVAL);
    ERR("truncate dir", truncate(d, 0), EISDIR);
    ERR("truncate ENOENT", truncate(conf_join(d, "nope"), 0), ENOENT);
    ERR("truncate ENOTDIR", truncate(conf_join(d, "f/x"), 0), ENOTDIR);
    MUST(symlink("f", conf_join(d, "l")));
    OK("truncate through symlink", truncate(conf_join(d, "l"), 4));
    EQ("  target size", (stat(f, &st), st.st_size), 4);
    ro = open(f, O_RDONLY);
    ERR("ftruncate O_RDONLY", ftruncate(ro, 0), EINVAL);
    close(ro);
    ro = open(d, O_RDONLY | O_DIRECTORY);
    ERR("ftruncate dir fd", ftruncate(ro, 0), EINVAL);
    close(ro);
    MUST(pipe(p));
    ERR("ftruncate pipe", ftruncate(p[1], 0), EINVAL);
    close(p[0]);
    close(p[1]);
    ERR("ftruncate bad fd", ftruncate(-1, 0), EBADF);
    ro = open(f, O_WRONLY | O_APPEND);
    OK("ftruncate O_APPEND fd", ftruncate(ro, 2));
    close(ro);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
