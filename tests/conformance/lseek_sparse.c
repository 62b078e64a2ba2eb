/* lseek_sparse: SEEK_DATA and SEEK_HOLE on a file with two data extents and
 * holes between and after them (checks valid on tmpfs and ext4 alike). */
#include "conf.h"

#define K 1024L

int main(void)
{
    const char *d = conf_mkdtemp("lseek_sparse");
    const char *f = conf_join(d, "f");
    static char buf[4096];
    off_t r;
    int fd;

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    memset(buf, 'D', sizeof(buf));
    /* data [0,4K), hole, data [512K,516K), hole up to 1M */
    MUST(pwrite(fd, buf, 4096, 0));
    MUST(pwrite(fd, buf, 4096, 512 * K));
    MUST(ftruncate(fd, 1024 * K));
    MUST(fsync(fd));

    errno = 0;
    r = lseek(fd, 0, SEEK_HOLE);
    if (r == 1024 * K)
        conf_skip("the host /tmp reports no holes");
    EQ("SEEK_DATA 0", lseek(fd, 0, SEEK_DATA), 0);
    TRUE("SEEK_HOLE 0 in [4K, 512K)", r >= 4 * K && r < 512 * K);
    EQ("SEEK_DATA 100 (inside data)", lseek(fd, 100, SEEK_DATA), 100);
    EQ("SEEK_DATA 8K (in the hole) -> 512K", lseek(fd, 8 * K, SEEK_DATA), 512 * K);
    EQ("SEEK_HOLE 8K (in the hole) stays", lseek(fd, 8 * K, SEEK_HOLE), 8 * K);
    EQ("SEEK_DATA 512K", lseek(fd, 512 * K, SEEK_DATA), 512 * K);
    r = lseek(fd, 512 * K, SEEK_HOLE);
    TRUE("SEEK_HOLE 512K in [516K, 1M]", r >= 516 * K && r <= 1024 * K);
    ERR("SEEK_DATA in the trailing hole", lseek(fd, 600 * K, SEEK_DATA), ENXIO);
    EQ("SEEK_HOLE in the trailing hole", lseek(fd, 600 * K, SEEK_HOLE), 600 * K);
    ERR("SEEK_DATA at EOF", lseek(fd, 1024 * K, SEEK_DATA), ENXIO);
    ERR("SEEK_HOLE at EOF", lseek(fd, 1024 * K, SEEK_HOLE), ENXIO);
    ERR("SEEK_DATA past EOF", lseek(fd, 2048 * K, SEEK_DATA), ENXIO);
    ERR("SEEK_DATA negative", lseek(fd, -1, SEEK_DATA), ENXIO);
    EQ("offset is the last success", lseek(fd, 0, SEEK_CUR), 600 * K);
    EQ("SEEK_END", lseek(fd, 0, SEEK_END), 1024 * K);
    EQ("SEEK_END -1", lseek(fd, -1, SEEK_END), 1024 * K - 1);
    EQ("SEEK_END +4096 (past EOF)", lseek(fd, 4096, SEEK_END), 1028 * K);
    ERR("SEEK_END -2M", lseek(fd, -2048 * K, SEEK_END), EINVAL);
    ERR("SEEK_CUR to negative", lseek(fd, -4096 * K, SEEK_CUR), EINVAL);
    /* Filling the hole moves the boundaries. */
    MUST(pwrite(fd, buf, 4096, 8 * K));
    EQ("after filling 8K: SEEK_DATA 5K", lseek(fd, 5 * K, SEEK_DATA), 8 * K);
    EQ("empty file: SEEK_HOLE 0 -> ENXIO", (ftruncate(fd, 0), lseek(fd, 0, SEEK_HOLE)), -1);
    ERR("empty file: SEEK_DATA 0", lseek(fd, 0, SEEK_DATA), ENXIO);
    {
        int p[2];
        MUST(pipe(p));
        ERR("SEEK_DATA on a pipe", lseek(p[0], 0, SEEK_DATA), ESPIPE);
        close(p[0]);
        close(p[1]);
    }
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
