/* fallocate_modes: mode 0 grows the size, FALLOC_FL_KEEP_SIZE does not,
 * PUNCH_HOLE reads back zeros; argument and descriptor errors. */
#include "conf.h"
#include <linux/falloc.h>

static long size_of(int fd)
{
    struct stat st;
    return fstat(fd, &st) ? -1 : st.st_size;
}

int main(void)
{
    const char *d = conf_mkdtemp("fallocate_modes");
    const char *f = conf_join(d, "f");
    static char buf[16384];
    struct stat st;
    int fd, ro, p[2], ok;

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    OK("fallocate 0..8K", fallocate(fd, 0, 0, 8192));
    EQ("  size", size_of(fd), 8192);
    EQ("  offset unmoved", lseek(fd, 0, SEEK_CUR), 0);
    EQ("  reads zeros", pread(fd, buf, sizeof(buf), 0), 8192);
    ok = 1;
    for (int i = 0; i < 8192; i++)
        ok &= buf[i] == 0;
    TRUE("  all zero", ok);
    OK("  fstat", fstat(fd, &st));
    TRUE("  blocks allocated", st.st_blocks >= 16);
    OK("fallocate inside: size unchanged", fallocate(fd, 0, 0, 100));
    EQ("  size", size_of(fd), 8192);
    OK("KEEP_SIZE past EOF", fallocate(fd, FALLOC_FL_KEEP_SIZE, 8192, 8192));
    EQ("  size unchanged", size_of(fd), 8192);
    OK("  fstat", fstat(fd, &st));
    TRUE("  blocks cover 16K", st.st_blocks >= 32);
    memset(buf, 'x', sizeof(buf));
    MUST(pwrite(fd, buf, 8192, 0));
    OK("PUNCH_HOLE|KEEP_SIZE 4K..8K", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 4096));
    EQ("  size unchanged", size_of(fd), 8192);
    EQ("  read", pread(fd, buf, sizeof(buf), 0), 8192);
    ok = 1;
    for (int i = 0; i < 4096; i++)
        ok &= buf[i] == 'x' && buf[4096 + i] == 0;
    TRUE("  data kept, hole zero", ok);
    EQ("  SEEK_HOLE finds the punched hole", lseek(fd, 0, SEEK_HOLE), 4096);
    OK("PUNCH_HOLE unaligned", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 10, 20));
    EQ("  read", pread(fd, buf, 40, 0), 40);
    ok = 1;
    for (int i = 0; i < 40; i++)
        ok &= buf[i] == ((i >= 10 && i < 30) ? 0 : 'x');
    TRUE("  exactly bytes 10..29 zeroed", ok);
    ERR("PUNCH_HOLE without KEEP_SIZE", fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 4096), EOPNOTSUPP);
    ERR("negative offset", fallocate(fd, 0, -1, 4096), EINVAL);
    ERR("zero length", fallocate(fd, 0, 0, 0), EINVAL);
    ERR("negative length", fallocate(fd, 0, 0, -1), EINVAL);
    ERR("unknown mode", fallocate(fd, 0x100, 0, 4096), EOPNOTSUPP);
    ro = open(f, O_RDONLY);
    ERR("O_RDONLY fd", fallocate(ro, 0, 0, 4096), EBADF);
    close(ro);
    ro = open(d, O_RDONLY | O_DIRECTORY);
    ERR("directory", fallocate(ro, 0, 0, 4096), EBADF);
    close(ro);
    MUST(pipe(p));
    ERR("pipe", fallocate(p[1], 0, 0, 4096), ESPIPE);
    close(p[0]);
    close(p[1]);
    ERR("bad fd", fallocate(-1, 0, 0, 4096), EBADF);
    ro = open(f, O_WRONLY | O_APPEND);
    OK("O_APPEND fd", fallocate(ro, 0, 0, 4096));
    close(ro);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
