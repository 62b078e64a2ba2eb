/* tests/unit/test_gofer_write.c: a writable Gofer: every mutating op on a
 * scratch tree, and hostile requests that must change nothing outside it. */
#include <dirent.h>
#include <stdio.h>
#include <sys/xattr.h>
#include <time.h>

#include "gofer_harness.h"

static char outside[64];
static struct stat out_before, passwd_before;

static void write_start(void)
{
    char p[256];
    int fd;

    serve_flags = GOFER_SERVE_WRITABLE;
    server_start();
    /* A directory outside the root, reachable only through symlinks. */
    strcpy(outside, "/tmp/gofer-out-XXXXXX");
    cr_assert_not_null(mkdtemp(outside));
    snprintf(p, sizeof(p), "%s/victim", outside);
    fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "keep", 4), 4);
    close(fd);
    cr_assert_eq(lstat(p, &out_before), 0);
    at(p, sizeof(p), "out");
    cr_assert_eq(symlink(outside, p), 0);
    at(p, sizeof(p), "outvictim");
    snprintf(p + 128, 100, "%s/victim", outside);
    cr_assert_eq(symlink(p + 128, p), 0);
    cr_assert_eq(stat("/etc/passwd", &passwd_before), 0);
}

static void write_fini(void)
{
    server_fini();
    if (outside[0])
        nftw(outside, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(gofer_write, .init = write_start, .fini = write_fini, .timeout = 20);

/* Nothing outside the served tree changed. */
static void expect_outside_untouched(void)
{
    char p[256], buf[16] = { 0 };
    struct stat st;
    DIR *d;
    struct dirent *e;
    int n = 0, fd;

    snprintf(p, sizeof(p), "%s/victim", outside);
    cr_assert_eq(lstat(p, &st), 0, "victim gone");
    cr_expect_eq(st.st_ino, out_before.st_ino);
    cr_expect_eq(st.st_mode, out_before.st_mode);
    cr_expect_eq(st.st_size, out_before.st_size);
    cr_expect_eq(st.st_nlink, 1);
    cr_expect_eq(st.st_mtim.tv_sec, out_before.st_mtim.tv_sec);
    cr_expect_eq(st.st_uid, out_before.st_uid);
    fd = open(p, O_RDONLY);
    cr_assert_geq(fd, 0);
    cr_expect_eq(read(fd, buf, sizeof(buf)), 4);
    close(fd);
    cr_expect_str_eq(buf, "keep");
    d = opendir(outside);
    cr_assert_not_null(d);
    while ((e = readdir(d)))
        n++;
    closedir(d);
    cr_expect_eq(n, 3, "outside has new entries");
    cr_assert_eq(stat("/etc/passwd", &st), 0);
    cr_expect_eq(st.st_mtim.tv_sec, passwd_before.st_mtim.tv_sec);
    cr_expect_eq(st.st_mode, passwd_before.st_mode);
    cr_expect_eq(st.st_size, passwd_before.st_size);
    expect_serving();
}

static int create(uint32_t dir, const char *name, int flags, uint32_t mode,
                  uint32_t *h, struct gofer_stat *st)
{
    return gofer_create(&cl, dir, name, flags, mode, getuid(), getgid(), h, st);
}

Test(gofer_write, create_donates_a_writable_fd_and_a_handle)
{
    struct gofer_stat st;
    struct stat hs;
    char buf[16] = { 0 };
    uint32_t h;
    int fd;

    fd = create(rooth, "new", O_RDWR, 0640, &h, &st);
    cr_assert_geq(fd, 0, "create: %s", strerror(-fd));
    cr_expect(S_ISREG(st.mode));
    cr_expect_eq(st.mode & 07777, 0640);
    cr_expect_eq(st.uid, getuid());
    cr_expect_eq(pwrite(fd, "abc", 3, 0), 3);
    close(fd);
    lstat_at("new", &hs);
    cr_expect_eq(hs.st_size, 3);
    cr_expect_eq(hs.st_mode & 07777, 0640, "umask applied: %o", hs.st_mode);
    cr_expect_eq(hs.st_ino, st.ino);
    /* The handle opens for writing: O_APPEND lands at the end. */
    fd = gofer_open(&cl, h, O_WRONLY | O_APPEND);
    cr_assert_geq(fd, 0, "%s", strerror(-fd));
    cr_expect_eq(pwrite(fd, "de", 2, 0), 2);
    close(fd);
    fd = gofer_open(&cl, h, O_RDONLY);
    cr_assert_geq(fd, 0);
    cr_expect_eq(pread(fd, buf, sizeof(buf), 0), 5);
    cr_expect_str_eq(buf, "abcde");
    close(fd);
    fd = gofer_open(&cl, h, O_WRONLY | O_TRUNC);
    cr_assert_geq(fd, 0);
    close(fd);
    lstat_at("new", &hs);
    cr_expect_eq(hs.st_size, 0);
    /* A directory never opens for writing. */
    cr_expect_eq(gofer_open(&cl, rooth, O_RDWR), -EISDIR);
}

Test(gofer_write, create_never_follows_or_replaces)
{
    uint32_t h, lh;
    struct gofer_stat st;

    cr_expect_eq(create(rooth, "hello.txt", O_RDWR, 0644, &h, NULL), -EEXIST);
    /* A symlink to outside: O_EXCL|O_NOFOLLOW fails on the link itself. */
    cr_expect_eq(create(rooth, "outvictim", O_RDWR, 0644, &h, NULL), -EEXIST);
    /* A link to the outside directory is not a directory handle. */
    lh = walk_to("out", &st);
    cr_expect(S_ISLNK(st.mode));
    cr_expect_eq(create(lh, "victim2", O_RDWR, 0644, &h, NULL), -ENOTDIR);
    cr_expect_eq(gofer_mkdir(&cl, lh, "d", 0755, 0, 0, NULL), -ENOTDIR);
    cr_expect_eq(gofer_unlink(&cl, lh, "victim", 0), -ENOTDIR);
    cr_expect_eq(gofer_rename(&cl, lh, "victim", rooth, "stolen", 0), -ENOTDIR);
    /* A file handle is not a directory either. */
    cr_expect_eq(create(walk_to("hello.txt", NULL), "x", O_RDWR, 0644, &h, NULL),
                 -ENOTDIR);
    /* Flags and modes CREATE does not take. */
    cr_expect_eq(create(rooth, "x", O_RDWR | O_DIRECTORY, 0644, &h, NULL), -EINVAL);
    cr_expect_eq(create(rooth, "x", O_RDWR, S_IFDIR | 0755, &h, NULL), -EINVAL);
    cr_expect_eq(create(rooth, "x", O_ACCMODE, 0644, &h, NULL), -EINVAL);
    expect_outside_untouched();
}

Test(gofer_write, mkdir_mknod_symlink)
{
    struct gofer_stat st;
    struct stat hs;
    char buf[64];
    uint32_t h;

    cr_assert_eq(gofer_mkdir(&cl, rooth, "d2", 0750, getuid(), getgid(), &st), 0);
    cr_expect(S_ISDIR(st.mode));
    lstat_at("d2", &hs);
    cr_expect(S_ISDIR(hs.st_mode));
    cr_expect_eq(hs.st_mode & 07777, 0750);
    cr_expect_eq(gofer_mkdir(&cl, rooth, "d2", 0750, 0, 0, NULL), -EEXIST);
    cr_expect_eq(gofer_mkdir(&cl, rooth, "d3", S_IFREG | 0750, 0, 0, NULL), -EINVAL);

    cr_assert_eq(gofer_mknod(&cl, rooth, "ff", S_IFIFO | 0600, getuid(), getgid(), &st), 0);
    cr_expect(S_ISFIFO(st.mode));
    cr_assert_eq(gofer_mknod(&cl, rooth, "so", S_IFSOCK | 0600, getuid(), getgid(), &st), 0);
    cr_expect(S_ISSOCK(st.mode));
    cr_assert_eq(gofer_mknod(&cl, rooth, "rg", 0600, getuid(), getgid(), &st), 0);
    cr_expect(S_ISREG(st.mode));
    cr_expect_eq(gofer_mknod(&cl, rooth, "null", S_IFCHR | 0666, 0, 0, NULL), -EPERM);
    cr_expect_eq(gofer_mknod(&cl, rooth, "sda", S_IFBLK | 0666, 0, 0, NULL), -EPERM);
    cr_expect_eq(gofer_mknod(&cl, rooth, "dd", S_IFDIR | 0755, 0, 0, NULL), -EINVAL);
    cr_expect_eq(gofer_mknod(&cl, rooth, "ll", S_IFLNK | 0777, 0, 0, NULL), -EINVAL);

    /* Targets are data, absolute or not: never followed by the Gofer. */
    cr_assert_eq(gofer_symlink(&cl, rooth, "sl", "/etc/passwd", getuid(), getgid(), &st),
                 0);
    cr_expect(S_ISLNK(st.mode));
    h = walk_to("sl", NULL);
    cr_expect_eq(gofer_readlink(&cl, h, buf, sizeof(buf)), 11);
    cr_expect_eq(gofer_open(&cl, h, O_WRONLY), -ELOOP);
    cr_expect_eq(gofer_symlink(&cl, rooth, "sl", "x", 0, 0, NULL), -EEXIST);
    expect_outside_untouched();
}

Test(gofer_write, link_unlink_rmdir)
{
    uint32_t f = walk_to("hello.txt", NULL), d = walk_to("dir", NULL);
    struct gofer_stat st;
    struct stat a, b;

    cr_assert_eq(gofer_link(&cl, f, rooth, "h2", &st), 0);
    cr_expect_eq(st.nlink, 2);
    lstat_at("hello.txt", &a);
    lstat_at("h2", &b);
    cr_expect_eq(a.st_ino, b.st_ino);
    cr_expect_eq(gofer_link(&cl, d, rooth, "d2", NULL), -EPERM);
    cr_expect_eq(gofer_link(&cl, f, rooth, "h2", NULL), -EEXIST);
    /* A hard link to a symlink is the link itself, still inside. */
    cr_assert_eq(gofer_link(&cl, walk_to("outvictim", NULL), d, "lv", &st), 0);
    cr_expect(S_ISLNK(st.mode));
    cr_assert_eq(gofer_unlink(&cl, rooth, "h2", 0), 0);
    cr_expect_eq(gofer_unlink(&cl, rooth, "h2", 0), -ENOENT);
    cr_expect_eq(gofer_unlink(&cl, rooth, "dir", 0), -EISDIR);
    cr_expect_eq(gofer_unlink(&cl, rooth, "dir", GOFER_UNLINK_DIR), -ENOTEMPTY);
    cr_assert_eq(gofer_mkdir(&cl, rooth, "empty", 0755, 0, 0, NULL), 0);
    cr_expect_eq(gofer_unlink(&cl, rooth, "empty", GOFER_UNLINK_DIR), 0);
    /* Removing the link to outside removes the link only. */
    cr_expect_eq(gofer_unlink(&cl, rooth, "outvictim", 0), 0);
    cr_expect_eq(gofer_unlink(&cl, d, "lv", 0), 0);
    expect_outside_untouched();
}

Test(gofer_write, rename_with_flags_and_handles_follow)
{
    uint32_t f = walk_to("hello.txt", NULL), d = walk_to("dir", NULL);
    char buf[64] = { 0 };
    struct stat a;
    int fd;

    cr_assert_eq(gofer_rename(&cl, rooth, "hello.txt", d, "moved", 0), 0);
    lstat_at("dir/moved", &a);
    /* The old handle still opens its file under the new name. */
    fd = gofer_open(&cl, f, O_RDONLY);
    cr_assert_geq(fd, 0, "%s", strerror(-fd));
    cr_expect_eq(pread(fd, buf, sizeof(buf), 0), (ssize_t)strlen(HELLO));
    close(fd);
    mkfile("other", "other");
    cr_expect_eq(gofer_rename(&cl, d, "moved", rooth, "other", RENAME_NOREPLACE), -EEXIST);
    cr_assert_eq(gofer_rename(&cl, d, "moved", rooth, "other", RENAME_EXCHANGE), 0);
    fd = gofer_open(&cl, f, O_RDONLY); /* now at "other" */
    cr_assert_geq(fd, 0, "%s", strerror(-fd));
    memset(buf, 0, sizeof(buf));
    cr_expect_eq(pread(fd, buf, sizeof(buf), 0), (ssize_t)strlen(HELLO));
    close(fd);
    cr_expect_eq(gofer_rename(&cl, d, "moved", rooth, "x",
                              RENAME_NOREPLACE | RENAME_EXCHANGE),
                 -EINVAL);
    cr_expect_eq(gofer_rename(&cl, rooth, "other", rooth, "y", 4 /* WHITEOUT */), -EINVAL);
    /* Renaming the link to outside moves the link only. */
    cr_assert_eq(gofer_rename(&cl, rooth, "outvictim", d, "lv", 0), 0);
    lstat_at("dir/lv", &a);
    cr_expect(S_ISLNK(a.st_mode));
    expect_outside_untouched();
}

Test(gofer_write, setattr_size_mode_owner_times)
{
    uint32_t f = walk_to("hello.txt", NULL), l = walk_to("outvictim", NULL);
    struct gofer_tsetattr ta = { .handle = f };
    struct gofer_stat st;
    struct stat hs;
    struct timespec now;

    ta.valid = GOFER_SA_SIZE | GOFER_SA_MODE;
    ta.size = 3;
    ta.mode = 0600;
    cr_assert_eq(gofer_setattr(&cl, &ta, &st), 0);
    cr_expect_eq(st.size, 3);
    cr_expect_eq(st.mode & 07777, 0600);
    lstat_at("hello.txt", &hs);
    cr_expect_eq(hs.st_size, 3);
    ta.valid = GOFER_SA_UID | GOFER_SA_GID;
    ta.uid = getuid();
    ta.gid = getgid();
    cr_assert_eq(gofer_setattr(&cl, &ta, &st), 0);
    ta.valid = GOFER_SA_ATIME | GOFER_SA_MTIME;
    ta.atime_sec = 1000;
    ta.atime_nsec = 5;
    ta.mtime_sec = 2000;
    ta.mtime_nsec = 7;
    cr_assert_eq(gofer_setattr(&cl, &ta, &st), 0);
    cr_expect_eq(st.atime_sec, 1000);
    cr_expect_eq(st.mtime_sec, 2000);
    cr_expect_eq(st.mtime_nsec, 7);
    /* UTIME_OMIT keeps, UTIME_NOW sets now. */
    ta.atime_nsec = UTIME_OMIT;
    ta.mtime_nsec = UTIME_NOW;
    clock_gettime(CLOCK_REALTIME, &now);
    cr_assert_eq(gofer_setattr(&cl, &ta, &st), 0);
    cr_expect_eq(st.atime_sec, 1000);
    cr_expect_geq(st.mtime_sec, now.tv_sec - 1);
    ta.mtime_nsec = 1000000000;
    cr_expect_eq(gofer_setattr(&cl, &ta, &st), -EINVAL);
    /* Directories: no size. */
    ta = (struct gofer_tsetattr){ .handle = rooth, .valid = GOFER_SA_SIZE };
    cr_expect_eq(gofer_setattr(&cl, &ta, &st), -EISDIR);
    ta = (struct gofer_tsetattr){ .handle = f, .valid = GOFER_SA_MODE, .mode = 010000 };
    cr_expect_eq(gofer_setattr(&cl, &ta, &st), -EINVAL);
    /* Through a symlink to outside: never the target. */
    ta = (struct gofer_tsetattr){ .handle = l, .valid = GOFER_SA_MODE, .mode = 0777 };
    cr_expect_eq(gofer_setattr(&cl, &ta, &st), -EOPNOTSUPP);
    ta.valid = GOFER_SA_SIZE;
    ta.size = 0;
    cr_expect_eq(gofer_setattr(&cl, &ta, &st), -EINVAL);
    ta.valid = GOFER_SA_MTIME | GOFER_SA_UID;
    ta.uid = getuid();
    ta.mtime_sec = 3;
    ta.mtime_nsec = 0;
    cr_assert_eq(gofer_setattr(&cl, &ta, &st), 0);
    cr_expect(S_ISLNK(st.mode));
    cr_expect_eq(st.mtime_sec, 3);
    cr_expect_eq(gofer_open(&cl, l, O_WRONLY | O_TRUNC), -ELOOP);
    expect_outside_untouched();
}

Test(gofer_write, statfs_fsync_fallocate)
{
    uint32_t f = walk_to("hello.txt", NULL), fi = walk_to("fifo", NULL);
    struct gofer_statfs sf;
    struct gofer_stat st;

    cr_assert_eq(gofer_statfs(&cl, rooth, &sf), 0);
    cr_expect_gt(sf.bsize, 0);
    cr_expect_gt(sf.namelen, 0);
    cr_expect_eq(gofer_fsync(&cl, f, false), 0);
    cr_expect_eq(gofer_fsync(&cl, f, true), 0);
    cr_expect_eq(gofer_fsync(&cl, rooth, false), 0);
    cr_expect_eq(gofer_fsync(&cl, fi, false), -EINVAL);
    cr_assert_eq(gofer_fallocate(&cl, f, 0, 0, 8192, &st), 0);
    cr_expect_eq(st.size, 8192);
    cr_assert_eq(gofer_fallocate(&cl, f, 1 /* KEEP_SIZE */, 0, 65536, &st), 0);
    cr_expect_eq(st.size, 8192);
    cr_expect_eq(gofer_fallocate(&cl, f, 0x100, 0, 1, &st), -EOPNOTSUPP);
    cr_expect_eq(gofer_fallocate(&cl, f, 0, 0, 0, &st), -EINVAL);
    cr_expect_eq(gofer_fallocate(&cl, rooth, 0, 0, 1, &st), -EISDIR);
    cr_expect_eq(gofer_fallocate(&cl, fi, 0, 0, 1, &st), -ENODEV);
}

Test(gofer_write, xattrs_user_namespace_only)
{
    uint32_t f = walk_to("hello.txt", NULL), fi = walk_to("fifo", NULL);
    char buf[64] = { 0 };
    int r;

    r = gofer_setxattr(&cl, f, "user.a", "val", 3, 0);
    if (r == -EOPNOTSUPP)
        cr_skip_test("no user xattrs on the file system of /tmp");
    cr_assert_eq(r, 0, "%s", strerror(-r));
    cr_expect_eq(gofer_setxattr(&cl, f, "user.a", "v", 1, XATTR_CREATE), -EEXIST);
    cr_expect_eq(gofer_setxattr(&cl, f, "user.b", "v", 1, XATTR_REPLACE), -ENODATA);
    cr_expect_eq(gofer_setxattr(&cl, f, "user.b", "v", 1, 0x40), -EINVAL);
    cr_expect_eq(gofer_getxattr(&cl, f, "user.a", NULL, 0), 3);
    cr_expect_eq(gofer_getxattr(&cl, f, "user.a", buf, sizeof(buf)), 3);
    cr_expect_eq(memcmp(buf, "val", 3), 0);
    cr_expect_eq(gofer_getxattr(&cl, f, "user.a", buf, 2), -ERANGE);
    cr_expect_eq(gofer_listxattr(&cl, f, NULL, 0), 7);
    cr_expect_eq(gofer_listxattr(&cl, f, buf, sizeof(buf)), 7);
    cr_expect_eq(memcmp(buf, "user.a", 7), 0);
    cr_expect_eq(gofer_listxattr(&cl, f, buf, 3), -ERANGE);
    cr_assert_eq(gofer_removexattr(&cl, f, "user.a"), 0);
    cr_expect_eq(gofer_getxattr(&cl, f, "user.a", buf, sizeof(buf)), -ENODATA);
    cr_expect_eq(gofer_removexattr(&cl, f, "user.a"), -ENODATA);
    /* Other namespaces never reach the Gofer. */
    cr_expect_eq(gofer_setxattr(&cl, f, "trusted.x", "v", 1, 0), -EINVAL);
    cr_expect_eq(gofer_getxattr(&cl, f, "security.selinux", buf, 8), -EINVAL);
    /* Fifos and symlinks: as Linux says for "user.". */
    cr_expect_eq(gofer_getxattr(&cl, fi, "user.a", buf, 8), -ENODATA);
    cr_expect_eq(gofer_setxattr(&cl, fi, "user.a", "v", 1, 0), -EPERM);
    cr_expect_eq(gofer_listxattr(&cl, fi, buf, 8), 0);
    cr_expect_eq(gofer_setxattr(&cl, walk_to("outvictim", NULL), "user.a", "v", 1, 0),
                 -EPERM);
    cr_expect_eq(gofer_setxattr(&cl, rooth, "user.d", "v", 1, 0), 0);
    expect_outside_untouched();
}

/* ---- hostile raw requests ---- */

static size_t raw_named(unsigned char *b, uint16_t op, const void *fixed, size_t flen,
                        const char *name, size_t nl)
{
    size_t n = build(b, op, fixed, flen);

    memcpy(b + n, name, nl);
    return n + nl;
}

static int raw_create(unsigned char *b, uint16_t op, uint32_t dir, const char *name,
                      size_t nl, uint16_t claimed)
{
    struct gofer_tcreate tc = {
        .dir = dir, .flags = op == GOFER_T_CREATE ? O_RDWR : 0, .mode = 0644,
        .namelen = claimed,
    };

    return raw_error(b, raw_named(b, op, &tc, sizeof(tc), name, nl), true, -1);
}

Test(gofer_write, hostile_names_and_lengths_change_nothing)
{
    static unsigned char b[GOFER_MSG_MAX];
    static const uint16_t ops[] = { GOFER_T_CREATE, GOFER_T_MKDIR, GOFER_T_MKNOD };
    uint32_t fileh = walk_to("hello.txt", NULL), outh = walk_to("out", NULL);
    uint32_t closed = walk_to("dir", NULL);
    char big[GOFER_NAME_MAX + 2];
    unsigned i;

    /* No walk after this: the id would be reused. */
    cr_assert_eq(gofer_close(&cl, closed), 0);
    memset(big, 'x', sizeof(big));
    for (i = 0; i < SB_ARRAY_SIZE(ops); i++) {
        uint16_t op = ops[i];

        cr_expect_eq(raw_create(b, op, rooth, "..", 2, 2), EINVAL);
        cr_expect_eq(raw_create(b, op, rooth, ".", 1, 1), EINVAL);
        cr_expect_eq(raw_create(b, op, rooth, "out/x", 5, 5), EINVAL);
        cr_expect_eq(raw_create(b, op, rooth, "/etc/x", 6, 6), EINVAL);
        cr_expect_eq(raw_create(b, op, rooth, "a\0b", 3, 3), EINVAL);
        cr_expect_eq(raw_create(b, op, rooth, "", 0, 0), EINVAL);
        cr_expect_eq(raw_create(b, op, rooth, big, sizeof(big), sizeof(big)), EINVAL);
        /* Lengths that lie: longer than the body, shorter (trailing). */
        cr_expect_eq(raw_create(b, op, rooth, "abc", 3, 200), EPROTO);
        cr_expect_eq(raw_create(b, op, rooth, "abc", 3, 2), EPROTO);
        cr_expect_eq(raw_create(b, op, rooth, "abc", 3, 65535), EPROTO);
        /* Handles: none, unknown, closed, not a directory, a symlink. */
        cr_expect_eq(raw_create(b, op, 0, "abc", 3, 3), EBADF);
        cr_expect_eq(raw_create(b, op, 999999, "abc", 3, 3), EBADF);
        cr_expect_eq(raw_create(b, op, closed, "abc", 3, 3), EBADF);
        cr_expect_eq(raw_create(b, op, fileh, "abc", 3, 3), ENOTDIR);
        cr_expect_eq(raw_create(b, op, outh, "victim", 6, 6), ENOTDIR);
    }
    {
        struct gofer_tcreate tc = { .dir = rooth, .flags = 1, .namelen = 3 };

        /* MKDIR with flags, truncated fixed part. */
        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_MKDIR, &tc, sizeof(tc), "abc", 3),
                               true, -1),
                     EPROTO);
        cr_expect_eq(raw_error(b, build(b, GOFER_T_CREATE, &tc, 10), true, -1), EPROTO);
    }
    {
        struct gofer_tsymlink ts = { .dir = rooth, .namelen = 1, .targetlen = 3 };

        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_SYMLINK, &ts, sizeof(ts), "sa\0b", 4),
                               true, -1),
                     EINVAL);
        ts.targetlen = 0;
        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_SYMLINK, &ts, sizeof(ts), "s", 1),
                               true, -1),
                     EINVAL);
        ts.targetlen = 9;
        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_SYMLINK, &ts, sizeof(ts), "s/etc", 5),
                               true, -1),
                     EPROTO);
    }
    {
        struct gofer_tlink tl = { .target = fileh, .dir = rooth,
                                  .namelen = 2 };

        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_LINK, &tl, sizeof(tl), "..", 2), true,
                               -1),
                     EINVAL);
        tl.target = closed;
        tl.namelen = 1;
        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_LINK, &tl, sizeof(tl), "z", 1), true,
                               -1),
                     EBADF);
        tl.target = rooth;
        tl.pad = 1;
        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_LINK, &tl, sizeof(tl), "z", 1), true,
                               -1),
                     EPROTO);
    }
    {
        struct gofer_tunlink tu = { .dir = rooth, .namelen = 2 };

        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_UNLINK, &tu, sizeof(tu), "..", 2),
                               true, -1),
                     EINVAL);
        tu.flags = 2;
        tu.namelen = 3;
        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_UNLINK, &tu, sizeof(tu), "dir", 3),
                               true, -1),
                     EPROTO);
    }
    {
        struct gofer_trename tr = { .olddir = rooth, .newdir = rooth, .oldlen = 9,
                                    .newlen = 2 };

        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_RENAME, &tr, sizeof(tr), "hello.txt..",
                                            11),
                               true, -1),
                     EINVAL);
        tr.newlen = 3;
        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_RENAME, &tr, sizeof(tr),
                                            "hello.txtx/y", 12),
                               true, -1),
                     EINVAL);
        tr.newlen = 40;
        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_RENAME, &tr, sizeof(tr),
                                            "hello.txtxyz", 12),
                               true, -1),
                     EPROTO);
    }
    {
        struct gofer_tsetattr ta = { .handle = rooth, .valid = 64 };

        cr_expect_eq(raw_error(b, build(b, GOFER_T_SETATTR, &ta, sizeof(ta)), true, -1),
                     EPROTO);
        ta.valid = GOFER_SA_MODE;
        ta.pad = 1;
        cr_expect_eq(raw_error(b, build(b, GOFER_T_SETATTR, &ta, sizeof(ta)), true, -1),
                     EPROTO);
        ta.pad = 0;
        ta.handle = closed;
        cr_expect_eq(raw_error(b, build(b, GOFER_T_SETATTR, &ta, sizeof(ta)), true, -1),
                     EBADF);
    }
    {
        struct gofer_txattr tx = { .handle = rooth, .namelen = 9, .size = 1 };

        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_SETXATTR, &tx, sizeof(tx),
                                            "trusted.xv", 10),
                               true, -1),
                     EINVAL);
        tx.size = 100;
        cr_expect_eq(raw_error(b, raw_named(b, GOFER_T_SETXATTR, &tx, sizeof(tx),
                                            "user.abcdv", 10),
                               true, -1),
                     EPROTO);
    }
    expect_outside_untouched();
    server_stop_check();
}

Test(gofer_write, tmpfile_is_unnamed_until_linked)
{
    struct gofer_stat st;
    char buf[16] = { 0 }, p[256];
    uint32_t h, d = walk_to("dir", NULL);
    struct stat a;
    int fd;

    fd = gofer_tmpfile(&cl, d, O_RDWR, 0600, 0, 0, &h, &st);
    cr_assert_geq(fd, 0, "%s", strerror(-fd));
    cr_expect(S_ISREG(st.mode));
    cr_expect_eq(st.nlink, 0, "unnamed");
    cr_assert_eq(pwrite(fd, "tmp", 3, 0), 3);
    cr_assert_eq(gofer_link(&cl, h, d, "named", &st), 0);
    cr_expect_eq(st.nlink, 1);
    lstat_at("dir/named", &a);
    at(p, sizeof(p), "dir/named");
    cr_assert_eq(open(p, O_RDONLY) >= 0, 1);
    close(fd);
    fd = open(p, O_RDONLY);
    cr_expect_eq(read(fd, buf, sizeof(buf)), 3);
    cr_expect_str_eq(buf, "tmp");
    close(fd);
    /* Read-only opens, modes with type bits and files are refused. */
    cr_expect_eq(gofer_tmpfile(&cl, d, O_RDONLY, 0600, 0, 0, &h, NULL), -EINVAL);
    cr_expect_eq(gofer_tmpfile(&cl, d, O_RDWR, S_IFREG | 0600, 0, 0, &h, NULL), -EINVAL);
    cr_expect_eq(gofer_tmpfile(&cl, walk_to("hello.txt", NULL), O_RDWR, 0600, 0, 0, &h, NULL),
                 -ENOTDIR);
    cr_expect_eq(gofer_tmpfile(&cl, 9999, O_RDWR, 0600, 0, 0, &h, NULL), -EBADF);
    expect_outside_untouched();
}

Test(gofer_write, tmpfile_with_a_name_is_malformed)
{
    unsigned char b[HDR + sizeof(struct gofer_tcreate) + 8] = { 0 };
    struct gofer_tcreate tc = { .dir = rooth, .flags = O_RDWR, .mode = 0600, .namelen = 3 };
    struct gofer_hdr h = { .op = GOFER_T_TMPFILE };

    memcpy(b, &h, sizeof(h));
    memcpy(b + HDR, &tc, sizeof(tc));
    cr_expect_eq(raw_error(b, HDR + sizeof(tc), true, -1), EPROTO);
    cr_expect_eq(raw_error(b, HDR + sizeof(tc) + 3, true, -1), EPROTO, "trailing bytes");
    expect_outside_untouched();
}
