/* dev_fd_shm: /dev/fd and /dev/std* links, opening /dev/fd/N, and /dev/shm
 * as a writable directory (shm_open). */
#include "conf.h"
#include <sys/mman.h>

int main(void)
{
    char lnk[128], name[64];
    struct stat st, st2;
    int fd, fd2;

    memset(lnk, 0, sizeof(lnk));
    OK("readlink /dev/fd", readlink("/dev/fd", lnk, sizeof(lnk)));
    STREQ("  target", lnk, "/proc/self/fd");
    memset(lnk, 0, sizeof(lnk));
    OK("readlink /dev/stdin", readlink("/dev/stdin", lnk, sizeof(lnk)));
    STREQ("  target", lnk, "/proc/self/fd/0");
    memset(lnk, 0, sizeof(lnk));
    readlink("/dev/stdout", lnk, sizeof(lnk));
    STREQ("/dev/stdout target", lnk, "/proc/self/fd/1");
    memset(lnk, 0, sizeof(lnk));
    readlink("/dev/stderr", lnk, sizeof(lnk));
    STREQ("/dev/stderr target", lnk, "/proc/self/fd/2");

    fd = open("/etc/passwd", O_RDONLY);
    MUST(fd);
    snprintf(name, sizeof(name), "/dev/fd/%d", fd);
    OK("open /dev/fd/N", fd2 = open(name, O_RDONLY));
    MUST(fstat(fd, &st));
    TRUE("  same file", fstat(fd2, &st2) == 0 && st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);
    close(fd2);
    close(fd);
    OK("stat /dev/stdin (our /dev/null)", stat("/dev/stdin", &st));
    MUST(stat("/dev/null", &st2));
    TRUE("  is /dev/null", st.st_rdev == st2.st_rdev && S_ISCHR(st.st_mode));
    ERR("/dev/fd/999 (closed)", open("/dev/fd/999", O_RDONLY), ENOENT);

    OK("stat /dev/shm", stat("/dev/shm", &st));
    TRUE("  a directory", S_ISDIR(st.st_mode));
    TRUE("  world-writable and sticky", (st.st_mode & 01777) == 01777);
    snprintf(name, sizeof(name), "/conf-dev_fd_shm-%d", (int)getpid());
    OK("shm_open create", fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600));
    OK("  ftruncate", ftruncate(fd, 4096));
    {
        char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        TRUE("  mmap", p != MAP_FAILED);
        if (p != MAP_FAILED) {
            strcpy(p, "shm");
            munmap(p, 4096);
        }
    }
    close(fd);
    snprintf(lnk, sizeof(lnk), "/dev/shm%s", name);
    OK("  visible in /dev/shm", stat(lnk, &st));
    EQ("  size", st.st_size, 4096);
    OK("shm_open existing", fd = shm_open(name, O_RDONLY, 0));
    {
        char b[4] = "";
        EQ("  read", read(fd, b, 3), 3);
        STREQ("  data", b, "shm");
    }
    close(fd);
    ERR("shm_open O_EXCL existing", shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST);
    OK("shm_unlink", shm_unlink(name));
    ERR("  gone", stat(lnk, &st), ENOENT);
    ERR("shm_unlink again", shm_unlink(name), ENOENT);
    return conf_done();
}
