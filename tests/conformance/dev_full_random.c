/* dev_full_random: /dev/full (ENOSPC on write, zeros on read), /dev/random
 * (non-blocking reads once seeded), /dev/null and /dev/zero corner cases. */
#include "conf.h"
#include <sys/sysmacros.h>

int main(void)
{
    static unsigned char buf[8192];
    struct stat st;
    int fd, ok;

    OK("stat /dev/full", stat("/dev/full", &st));
    TRUE("  char device 1:7", S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 7);
    EQO("  mode", st.st_mode & 0777, 0666);
    OK("open /dev/full", fd = open("/dev/full", O_RDWR));
    ERR("write", write(fd, "x", 1), ENOSPC);
    ERR("pwrite", pwrite(fd, "x", 1, 100), ENOSPC);
    ERR("write 0 bytes", write(fd, "x", 0), ENOSPC);
    memset(buf, 0xff, sizeof(buf));
    EQ("read", read(fd, buf, sizeof(buf)), sizeof(buf));
    ok = 1;
    for (size_t i = 0; i < sizeof(buf); i++)
        ok &= buf[i] == 0;
    TRUE("  zeros", ok);
    EQ("lseek", lseek(fd, 123, SEEK_SET), 0);
    close(fd);
    {
        FILE *fp = fopen("/dev/full", "w");
        fputs("buffered", fp);
        EQ("fflush to /dev/full fails", fflush(fp), EOF);
        fclose(fp);
    }

    OK("stat /dev/random", stat("/dev/random", &st));
    TRUE("  char device 1:8", S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 8);
    OK("open /dev/random O_NONBLOCK", fd = open("/dev/random", O_RDONLY | O_NONBLOCK));
    EQ("read 64 (seeded pool does not block)", read(fd, buf, 64), 64);
    ok = 0;
    for (int i = 0; i < 64; i++)
        ok |= buf[i];
    TRUE("  not all zero", ok != 0);
    close(fd);

    fd = open("/dev/null", O_RDONLY);
    ERR("/dev/null O_RDONLY write", write(fd, "x", 1), EBADF);
    EQ("/dev/null lseek", lseek(fd, 1000, SEEK_SET), 0);
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    EQ("/dev/zero lseek", lseek(fd, 1000, SEEK_SET), 0);
    EQ("/dev/zero read 0", read(fd, buf, 0), 0);
    close(fd);
    ERR("O_DIRECTORY on /dev/zero", open("/dev/zero", O_RDONLY | O_DIRECTORY), ENOTDIR);
    ERR("O_CREAT|O_EXCL on /dev/null", open("/dev/null", O_RDWR | O_CREAT | O_EXCL, 0666), EEXIST);
    ERR("unlink a missing /dev entry", unlink("/dev/conf-nonexistent"), ENOENT);
    return conf_done();
}
