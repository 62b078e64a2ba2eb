/* devices: /dev/null, /dev/zero and /dev/urandom. */
#include "conf.h"
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static void dev(const char *path, int maj, int min)
{
    struct stat st;
    char n[64];

    snprintf(n, sizeof(n), "stat %s", path);
    OK(n, stat(path, &st));
    snprintf(n, sizeof(n), "%s is chr", path);
    TRUE(n, S_ISCHR(st.st_mode));
    snprintf(n, sizeof(n), "%s rdev", path);
    TRUE(n, major(st.st_rdev) == (unsigned)maj && minor(st.st_rdev) == (unsigned)min);
    snprintf(n, sizeof(n), "%s mode", path);
    EQO(n, st.st_mode & 0777, 0666);
}

int main(void)
{
    static unsigned char buf[65536], buf2[256];
    struct stat st;
    int fd, ok;

    dev("/dev/null", 1, 3);
    dev("/dev/zero", 1, 5);
    dev("/dev/urandom", 1, 9);
    OK("stat /dev", stat("/dev", &st));
    TRUE("/dev is dir", S_ISDIR(st.st_mode));
    ERR("/dev/conf-nonexistent", open("/dev/conf-nonexistent", O_RDONLY), ENOENT);

    fd = open("/dev/null", O_RDWR);
    OK("open /dev/null", fd);
    EQ("read /dev/null", read(fd, buf, sizeof(buf)), 0);
    EQ("write /dev/null", write(fd, buf, sizeof(buf)), 65536);
    EQ("write /dev/null 0", write(fd, buf, 0), 0);
    EQ("pread /dev/null", pread(fd, buf, 10, 100), 0);
    EQ("pwrite /dev/null", pwrite(fd, buf, 10, 100), 10);
    EQ("write /dev/null bad buffer", write(fd, BADPTR, 10), 10);
    close(fd);

    fd = open("/dev/zero", O_RDWR);
    OK("open /dev/zero", fd);
    memset(buf, 0xff, sizeof(buf));
    EQ("read /dev/zero 64K", read(fd, buf, sizeof(buf)), 65536);
    ok = 1;
    for (size_t i = 0; i < sizeof(buf); i++)
        ok &= buf[i] == 0;
    TRUE("zeros", ok);
    EQ("write /dev/zero", write(fd, "abc", 3), 3);
    EQ("pread /dev/zero", pread(fd, buf, 100, 12345), 100);
    ERR("read /dev/zero bad buffer", read(fd, BADPTR, 10), EFAULT);
    {
        unsigned char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        TRUE("mmap /dev/zero", m != MAP_FAILED);
        if (m != MAP_FAILED) {
            TRUE("mapped zeros", m[0] == 0 && m[8191] == 0);
            m[100] = 7;
            TRUE("mapping writable", m[100] == 7);
            munmap(m, 8192);
        }
    }
    close(fd);

    fd = open("/dev/urandom", O_RDONLY);
    OK("open /dev/urandom", fd);
    EQ("read urandom 256", read(fd, buf, 256), 256);
    EQ("read urandom again", read(fd, buf2, 256), 256);
    TRUE("two reads differ", memcmp(buf, buf2, 256) != 0);
    ok = 0;
    for (int i = 0; i < 256; i++)
        ok |= buf[i];
    TRUE("not all zero", ok != 0);
    EQ("read urandom 64K", read(fd, buf, sizeof(buf)), 65536);
    ERR("write urandom O_RDONLY", write(fd, "x", 1), EBADF);
    close(fd);
    fd = open("/dev/urandom", O_WRONLY);
    OK("open urandom O_WRONLY", fd);
    EQ("write urandom (mixes in)", write(fd, "entropy?", 8), 8);
    close(fd);
    return conf_done();
}
