/* lseek: SEEK_SET/CUR/END/DATA/HOLE on /tmp files, holes, errors. */
#include "conf.h"
#include <sys/stat.h>

int main(void)
{
    const char *tmp = conf_tmp("lseek");
    char buf[256], data[100];
    struct stat st;
    int fd, ok;

    for (int i = 0; i < 100; i++)
        data[i] = 'a' + i % 26;
    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    MUST(write(fd, data, 100));

    EQ("offset after write", lseek(fd, 0, SEEK_CUR), 100);
    EQ("SEEK_SET 10", lseek(fd, 10, SEEK_SET), 10);
    EQ("SEEK_CUR +5", lseek(fd, 5, SEEK_CUR), 15);
    EQ("read at 15", read(fd, buf, 3), 3);
    TRUE("read at 15 content", !memcmp(buf, data + 15, 3));
    EQ("SEEK_CUR 0 after read", lseek(fd, 0, SEEK_CUR), 18);
    EQ("SEEK_CUR -8", lseek(fd, -8, SEEK_CUR), 10);
    ERR("SEEK_CUR -20 (negative result)", lseek(fd, -20, SEEK_CUR), EINVAL);
    EQ("offset unchanged after EINVAL", lseek(fd, 0, SEEK_CUR), 10);
    EQ("SEEK_END 0", lseek(fd, 0, SEEK_END), 100);
    EQ("SEEK_END -10", lseek(fd, -10, SEEK_END), 90);
    EQ("read last 10", read(fd, buf, sizeof(buf)), 10);
    EQ("read at EOF", read(fd, buf, sizeof(buf)), 0);
    ERR("SEEK_SET -1", lseek(fd, -1, SEEK_SET), EINVAL);
    ERR("SEEK_END -101", lseek(fd, -101, SEEK_END), EINVAL);
    ERR("bad whence", lseek(fd, 0, 99), EINVAL);
    ERR("bad fd", lseek(-1, 0, SEEK_SET), EBADF);
    ERR("closed fd", lseek(999, 0, SEEK_SET), EBADF);

    /* Seeking past EOF then writing leaves a hole of zeros. */
    EQ("SEEK_SET past EOF", lseek(fd, 200, SEEK_SET), 200);
    MUST(fstat(fd, &st));
    EQ("size unchanged by seek", st.st_size, 100);
    EQ("read past EOF", read(fd, buf, 10), 0);
    EQ("write past EOF", write(fd, "Z", 1), 1);
    MUST(fstat(fd, &st));
    EQ("size after write", st.st_size, 201);
    EQ("pread hole", pread(fd, buf, 100, 100), 100);
    ok = 1;
    for (int i = 0; i < 100; i++)
        ok &= buf[i] == 0;
    TRUE("hole reads zeros", ok);
    EQ("pread does not move offset", lseek(fd, 0, SEEK_CUR), 201);

    /* SEEK_DATA/SEEK_HOLE on the dense head of the file. */
    MUST(ftruncate(fd, 100));
    EQ("SEEK_DATA 0", lseek(fd, 0, SEEK_DATA), 0);
    EQ("SEEK_DATA 50", lseek(fd, 50, SEEK_DATA), 50);
    EQ("SEEK_HOLE 0 (dense file)", lseek(fd, 0, SEEK_HOLE), 100);
    ERR("SEEK_DATA at EOF", lseek(fd, 100, SEEK_DATA), ENXIO);
    ERR("SEEK_HOLE past EOF", lseek(fd, 150, SEEK_HOLE), ENXIO);
    close(fd);

    /* O_APPEND: writes go to the end whatever the offset. */
    fd = open(tmp, O_RDWR | O_APPEND);
    EQ("O_APPEND open offset", lseek(fd, 0, SEEK_CUR), 0);
    EQ("append write", write(fd, "END", 3), 3);
    EQ("offset after append", lseek(fd, 0, SEEK_CUR), 103);
    close(fd);

    /* Directories and character devices. */
    fd = open("/etc", O_RDONLY | O_DIRECTORY);
    EQ("lseek dir SEEK_SET 0", lseek(fd, 0, SEEK_SET), 0);
    close(fd);
    fd = open("/dev/null", O_RDWR);
    EQ("lseek /dev/null", lseek(fd, 1234, SEEK_SET), 0);
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    EQ("lseek /dev/zero", lseek(fd, 1234, SEEK_SET), 0);
    close(fd);
    unlink(tmp);
    return conf_done();
}
