/* open_path: what an O_PATH descriptor allows (fstat, *at lookups, fchdir,
 * dup, fcntl) and refuses (read, write, mmap, fchmod, ioctl...) with EBADF. */
#include "conf.h"
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/xattr.h>

int main(void)
{
    const char *d = conf_mkdtemp("open_path");
    const char *f = conf_join(d, "f"), *sub = conf_join(d, "sub");
    struct stat st, st2;
    struct statfs sfs;
    char buf[64];
    int fd, dfd, fd2, n;

    MUST(fd = open(f, O_WRONLY | O_CREAT, 0644));
    MUST(write(fd, "data", 4));
    close(fd);
    MUST(mkdir(sub, 0755));

    OK("open O_PATH file", fd = open(f, O_PATH));
    OK("fstat", fstat(fd, &st));
    MUST(stat(f, &st2));
    TRUE("fstat same inode", st.st_ino == st2.st_ino && st.st_size == 4);
    EQ("F_GETFL has O_PATH", (fcntl(fd, F_GETFL) & O_PATH) != 0, 1);
    ERR("read", read(fd, buf, 4), EBADF);
    ERR("write", write(fd, "x", 1), EBADF);
    ERR("pread", pread(fd, buf, 4, 0), EBADF);
    ERR("mmap", (long)mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == -1 ? -1 : 0, EBADF);
    ERR("fchmod", fchmod(fd, 0600), EBADF);
    ERR("fchown", fchown(fd, -1, -1), EBADF);
    ERR("ftruncate", ftruncate(fd, 0), EBADF);
    ERR("fsync", fsync(fd), EBADF);
    ERR("ioctl FIONREAD", ioctl(fd, FIONREAD, &n), EBADF);
    ERR("flock", flock(fd, LOCK_SH), EBADF);
    ERR("fgetxattr", fgetxattr(fd, "user.x", buf, sizeof(buf)), EBADF);
    OK("fstatfs", fstatfs(fd, &sfs));
    OK("dup", fd2 = dup(fd));
    EQ("dup keeps O_PATH", (fcntl(fd2, F_GETFL) & O_PATH) != 0, 1);
    close(fd2);
    OK("F_SETFD", fcntl(fd, F_SETFD, FD_CLOEXEC));
    EQ("F_GETFD", fcntl(fd, F_GETFD), FD_CLOEXEC);
    ERR("fchdir to file", fchdir(fd), ENOTDIR);
    ERR("openat relative to file", openat(fd, "x", O_RDONLY), ENOTDIR);
    {
        char p[64];
        snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
        OK("reopen via /proc/self/fd for reading", fd2 = open(p, O_RDONLY));
        memset(buf, 0, sizeof(buf));
        EQ("  read", read(fd2, buf, sizeof(buf)), 4);
        STREQ("  data", buf, "data");
        close(fd2);
    }
    OK("close", close(fd));

    OK("open O_PATH dir", dfd = open(sub, O_PATH | O_DIRECTORY));
    OK("openat create relative to O_PATH dir", fd2 = openat(dfd, "new", O_WRONLY | O_CREAT, 0644));
    close(fd2);
    OK("fstatat relative", fstatat(dfd, "new", &st, 0));
    OK("mkdirat relative", mkdirat(dfd, "d2", 0755));
    OK("unlinkat relative", unlinkat(dfd, "d2", AT_REMOVEDIR));
    ERR("getdents on O_PATH dir", syscall(SYS_getdents64, dfd, buf, sizeof(buf)), EBADF);
    OK("fchdir to O_PATH dir", fchdir(dfd));
    OK("  relative access", access("new", F_OK));
    MUST(chdir("/"));
    close(dfd);
    ERR("O_PATH on missing file", open(conf_join(d, "nope"), O_PATH), ENOENT);
    OK("open(2) ignores other flags with O_PATH", fd = open(f, O_PATH | O_WRONLY | O_TRUNC | O_CREAT, 0600));
    if (fd >= 0) {
        MUST(stat(f, &st));
        EQ("  not truncated", st.st_size, 4);
        EQ("  access mode ignored", fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
        close(fd);
    }
    conf_rmtree(d);
    return conf_done();
}
