/* statx_fields: statx masks, STATX_BASIC_STATS agreeing with stat, flags
 * (AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, sync types) and errors. */
#include "conf.h"
#include <sys/sysmacros.h>

static int same(const struct statx *x, const struct stat *s)
{
    return x->stx_ino == s->st_ino && x->stx_mode == s->st_mode &&
           x->stx_nlink == s->st_nlink && x->stx_uid == s->st_uid &&
           x->stx_gid == s->st_gid && (off_t)x->stx_size == s->st_size &&
           (blkcnt_t)x->stx_blocks == s->st_blocks && (blksize_t)x->stx_blksize == s->st_blksize &&
           makedev(x->stx_dev_major, x->stx_dev_minor) == s->st_dev &&
           makedev(x->stx_rdev_major, x->stx_rdev_minor) == s->st_rdev &&
           x->stx_mtime.tv_sec == s->st_mtim.tv_sec && x->stx_mtime.tv_nsec == (unsigned)s->st_mtim.tv_nsec &&
           x->stx_ctime.tv_sec == s->st_ctim.tv_sec && x->stx_atime.tv_sec == s->st_atim.tv_sec;
}

int main(void)
{
    const char *d = conf_mkdtemp("statx_fields");
    const char *f = conf_join(d, "f"), *l = conf_join(d, "l");
    struct statx x;
    struct stat s;
    int fd;

    MUST(fd = open(f, O_RDWR | O_CREAT, 0640));
    MUST(write(fd, "hello statx", 11));
    MUST(symlink("f", l));

    OK("statx file", statx(AT_FDCWD, f, 0, STATX_BASIC_STATS, &x));
    MUST(stat(f, &s));
    EQ("  mask has BASIC_STATS", (x.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS, 1);
    TRUE("  all fields equal stat's", same(&x, &s));
    EQ("  size", x.stx_size, 11);
    EQO("  mode", x.stx_mode & 07777, 0640);
    OK("statx /dev/null", statx(AT_FDCWD, "/dev/null", 0, STATX_BASIC_STATS, &x));
    TRUE("  rdev 1:3", x.stx_rdev_major == 1 && x.stx_rdev_minor == 3);
    MUST(stat("/dev/null", &s));
    TRUE("  equals stat", same(&x, &s));
    OK("statx dir", statx(AT_FDCWD, d, 0, STATX_BASIC_STATS, &x));
    MUST(stat(d, &s));
    TRUE("  equals stat", same(&x, &s));
    TRUE("  is a dir", S_ISDIR(x.stx_mode));

    OK("statx follows symlinks", statx(AT_FDCWD, l, 0, STATX_BASIC_STATS, &x));
    TRUE("  file", S_ISREG(x.stx_mode));
    OK("AT_SYMLINK_NOFOLLOW", statx(AT_FDCWD, l, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &x));
    TRUE("  symlink", S_ISLNK(x.stx_mode));
    EQ("  size = target length", x.stx_size, 1);
    OK("AT_EMPTY_PATH on an fd", statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &x));
    MUST(fstat(fd, &s));
    TRUE("  equals fstat", same(&x, &s));
    ERR("empty path without AT_EMPTY_PATH", statx(fd, "", 0, STATX_BASIC_STATS, &x), ENOENT);
    OK("dirfd relative", ({ int dfd = open(d, O_RDONLY | O_DIRECTORY);
                            long r = statx(dfd, "f", 0, STATX_SIZE, &x); close(dfd); r; }));
    EQ("  size", x.stx_size, 11);
    OK("mask 0", statx(AT_FDCWD, f, 0, 0, &x));
    OK("AT_STATX_FORCE_SYNC", statx(AT_FDCWD, f, AT_STATX_FORCE_SYNC, STATX_BASIC_STATS, &x));
    OK("AT_STATX_DONT_SYNC", statx(AT_FDCWD, f, AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &x));
    ERR("FORCE_SYNC|DONT_SYNC", statx(AT_FDCWD, f, AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &x), EINVAL);
    ERR("reserved mask bit", statx(AT_FDCWD, f, 0, 0x80000000U, &x), EINVAL);
    ERR("unknown flag", statx(AT_FDCWD, f, 0x10000000, STATX_BASIC_STATS, &x), EINVAL);
    ERR("bad buffer", statx(AT_FDCWD, f, 0, STATX_BASIC_STATS, BADPTR), EFAULT);
    ERR("ENOENT", statx(AT_FDCWD, conf_join(d, "nope"), 0, STATX_BASIC_STATS, &x), ENOENT);
    ERR("ENOTDIR", statx(AT_FDCWD, conf_join(d, "f/x"), 0, STATX_BASIC_STATS, &x), ENOTDIR);
    ERR("bad dirfd", statx(99, "f", 0, STATX_BASIC_STATS, &x), EBADF);
    OK("after a write", (pwrite(fd, "x", 1, 99), statx(fd, "", AT_EMPTY_PATH, STATX_SIZE | STATX_MTIME, &x)));
    EQ("  size", x.stx_size, 100);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
