/* stat: stat, fstat, lstat, newfstatat and statx on files, dirs, links. */
#include "conf.h"
#include <sys/stat.h>
#include <sys/sysmacros.h>

static const char *type(mode_t m)
{
    return S_ISREG(m) ? "reg" : S_ISDIR(m) ? "dir" : S_ISLNK(m) ? "lnk"
         : S_ISCHR(m) ? "chr" : S_ISBLK(m) ? "blk" : S_ISFIFO(m) ? "fifo"
         : S_ISSOCK(m) ? "sock" : "?";
}

/* owner: print whether root owns it (true on the host's rootfs; the
 * sandbox's private /tmp may legitimately belong to the caller). */
static void show(const char *path, int owner)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        printf("stat %s: %s\n", path, errname(errno));
        return;
    }
    printf("stat %s: %s 0%o nlink>=1=%d", path, type(st.st_mode),
           st.st_mode & 07777, st.st_nlink >= 1);
    if (owner)
        printf(" uid0=%d", st.st_uid == 0);
    printf("\n");
}

int main(void)
{
    struct stat st, st2;
    struct statx sx;
    const char *tmp = conf_tmp("stat");
    char target[256];
    int fd, dfd;

    MUST(chdir("/"));
    show("/etc/passwd", 1);
    show("/", 1);
    show("/tmp", 0);
    show("/etc", 1);
    show("/etc/os-release", 1);
    show("/dev/null", 1);

    OK("lstat os-release", lstat("/etc/os-release", &st));
    STREQ("lstat type", type(st.st_mode), "lnk");
    EQO("lstat link perms", st.st_mode & 0777, 0777);
    TRUE("lstat size == readlink len",
         st.st_size == readlink("/etc/os-release", target, sizeof(target)));
    OK("stat /etc/passwd", stat("/etc/passwd", &st));
    TRUE("size>0", st.st_size > 0);
    TRUE("blksize>0", st.st_blksize > 0);
    fd = open("/etc/passwd", O_RDONLY);
    OK("fstat", fstat(fd, &st2));
    TRUE("fstat same ino/dev", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);
    TRUE("fstat same size", st.st_size == st2.st_size);
    OK("AT_EMPTY_PATH", fstatat(fd, "", &st2, AT_EMPTY_PATH));
    TRUE("AT_EMPTY_PATH same ino", st.st_ino == st2.st_ino);
    ERR("empty path without AT_EMPTY_PATH", fstatat(fd, "", &st2, 0), ENOENT);
    ERR("fstatat relative on file fd", fstatat(fd, "x", &st2, 0), ENOTDIR);
    close(fd);

    OK("stat /dev/null", stat("/dev/null", &st));
    EQ("/dev/null major", major(st.st_rdev), 1);
    EQ("/dev/null minor", minor(st.st_rdev), 3);

    ERR("stat ENOENT", stat("/nonexistent-conf", &st), ENOENT);
    ERR("stat ENOTDIR", stat("/etc/passwd/x", &st), ENOTDIR);
    ERR("stat empty", stat("", &st), ENOENT);
    ERR("stat bad path", stat(BADPTR, &st), EFAULT);
    ERR("stat bad buf", syscall(SYS_newfstatat, AT_FDCWD, "/", BADPTR, 0),
        EFAULT);
    ERR("fstat -1", fstat(-1, &st), EBADF);
    ERR("fstat bad buf", syscall(SYS_fstat, 0, BADPTR), EFAULT);
    ERR("lstat ENOENT", lstat("/nonexistent-conf", &st), ENOENT);

    /* newfstatat variants. */
    OK("fstatat AT_FDCWD relative", fstatat(AT_FDCWD, "etc/passwd", &st2, 0));
    dfd = open("/etc", O_RDONLY | O_DIRECTORY);
    OK("fstatat dirfd", fstatat(dfd, "passwd", &st2, 0));
    OK("fstatat NOFOLLOW", fstatat(dfd, "os-release", &st2, AT_SYMLINK_NOFOLLOW));
    STREQ("NOFOLLOW type", type(st2.st_mode), "lnk");
    OK("fstatat follow", fstatat(dfd, "os-release", &st2, 0));
    STREQ("follow type", type(st2.st_mode), "reg");
    ERR("fstatat bad flags", fstatat(dfd, "passwd", &st2, 0x1), EINVAL);
    ERR("fstatat bad dirfd", fstatat(-5, "passwd", &st2, 0), EBADF);
    OK("fstatat bad dirfd absolute", fstatat(-5, "/etc/passwd", &st2, 0));
    close(dfd);

    /* statx agrees with stat. */
    OK("statx", statx(AT_FDCWD, "/etc/passwd", 0, STATX_BASIC_STATS, &sx));
    MUST(stat("/etc/passwd", &st));
    TRUE("statx mode", sx.stx_mode == st.st_mode);
    TRUE("statx size", (off_t)sx.stx_size == st.st_size);
    TRUE("statx ino", sx.stx_ino == st.st_ino);
    TRUE("statx mask has TYPE|MODE|SIZE",
         (sx.stx_mask & (STATX_TYPE | STATX_MODE | STATX_SIZE)) ==
             (STATX_TYPE | STATX_MODE | STATX_SIZE));
    ERR("statx ENOENT", statx(AT_FDCWD, "/nonexistent-conf", 0,
                              STATX_BASIC_STATS, &sx), ENOENT);

    /* A file we create: size, mode, owner follow our calls. */
    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    MUST(write(fd, "hello", 5));
    OK("fstat tmp", fstat(fd, &st));
    EQ("tmp size", st.st_size, 5);
    EQO("tmp mode", st.st_mode & 07777, 0600);
    STREQ("tmp type", type(st.st_mode), "reg");
    TRUE("tmp uid == euid", st.st_uid == geteuid());
    TRUE("tmp gid == egid", st.st_gid == getegid());
    EQ("tmp nlink", st.st_nlink, 1);
    OK("fchmod", fchmod(fd, 0604));
    OK("stat tmp", stat(tmp, &st2));
    EQO("mode after fchmod", st2.st_mode & 07777, 0604);
    TRUE("same ino as fstat", st.st_ino == st2.st_ino);
    OK("unlink", unlink(tmp));
    OK("fstat unlinked", fstat(fd, &st));
    EQ("nlink after unlink", st.st_nlink, 0);
    close(fd);
    return conf_done();
}
