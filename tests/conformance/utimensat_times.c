/* utimensat_times: explicit times read back exactly, UTIME_NOW, UTIME_OMIT,
 * NULL, futimens, AT_SYMLINK_NOFOLLOW, invalid nanoseconds. */
#include "conf.h"
#include <time.h>

static struct stat st_of(const char *p, int nofollow)
{
    struct stat st;
    memset(&st, 0, sizeof(st));
    if (nofollow)
        lstat(p, &st);
    else
        stat(p, &st);
    return st;
}

static int ts_eq(struct timespec a, long s, long ns)
{
    return a.tv_sec == s && a.tv_nsec == ns;
}

/* now within [lo - 1s, hi + 1s]: clocks of files may be coarse. */
static int recent(struct timespec t, time_t lo, time_t hi)
{
    return t.tv_sec >= lo - 1 && t.tv_sec <= hi + 1;
}

int main(void)
{
    const char *d = conf_mkdtemp("utimensat_times");
    const char *f = conf_join(d, "f"), *l = conf_join(d, "l");
    struct timespec ts[2];
    struct stat st;
    time_t t0, t1;
    int fd;

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    MUST(symlink("f", l));

    ts[0] = (struct timespec){ 1000000000, 123456789 };
    ts[1] = (struct timespec){ 1200000000, 987654321 };
    OK("explicit times", utimensat(AT_FDCWD, f, ts, 0));
    st = st_of(f, 0);
    TRUE("  atime exact", ts_eq(st.st_atim, 1000000000, 123456789));
    TRUE("  mtime exact", ts_eq(st.st_mtim, 1200000000, 987654321));
    ts[0] = (struct timespec){ 0, UTIME_OMIT };
    ts[1] = (struct timespec){ 5, 0 };
    OK("UTIME_OMIT atime", utimensat(AT_FDCWD, f, ts, 0));
    st = st_of(f, 0);
    TRUE("  atime kept", ts_eq(st.st_atim, 1000000000, 123456789));
    TRUE("  mtime 5", ts_eq(st.st_mtim, 5, 0));
    t0 = time(NULL);
    ts[0] = (struct timespec){ 0, UTIME_NOW };
    ts[1] = (struct timespec){ 0, UTIME_OMIT };
    OK("UTIME_NOW atime", utimensat(AT_FDCWD, f, ts, 0));
    t1 = time(NULL);
    st = st_of(f, 0);
    TRUE("  atime now", recent(st.st_atim, t0, t1));
    TRUE("  mtime kept", ts_eq(st.st_mtim, 5, 0));
    TRUE("  ctime now", recent(st.st_ctim, t0, t1));
    ts[0] = ts[1] = (struct timespec){ 0, UTIME_OMIT };
    OK("both UTIME_OMIT", utimensat(AT_FDCWD, f, ts, 0));
    TRUE("  mtime kept", ts_eq(st_of(f, 0).st_mtim, 5, 0));
    OK("NULL times", utimensat(AT_FDCWD, f, NULL, 0));
    st = st_of(f, 0);
    TRUE("  both now", recent(st.st_atim, t0, time(NULL)) && recent(st.st_mtim, t0, time(NULL)));

    ts[0] = (struct timespec){ 7, 7 };
    ts[1] = (struct timespec){ 8, 8 };
    OK("futimens", futimens(fd, ts));
    st = st_of(f, 0);
    TRUE("  exact", ts_eq(st.st_atim, 7, 7) && ts_eq(st.st_mtim, 8, 8));
    OK("utimensat fd with NULL path (futimens)", syscall(SYS_utimensat, fd, NULL, ts, 0));
    ts[0] = (struct timespec){ 1, 0 };
    ts[1] = (struct timespec){ 2, 0 };
    OK("through symlink (follows)", utimensat(AT_FDCWD, l, ts, 0));
    TRUE("  target changed", ts_eq(st_of(f, 0).st_mtim, 2, 0));
    ts[1] = (struct timespec){ 3, 0 };
    OK("AT_SYMLINK_NOFOLLOW", utimensat(AT_FDCWD, l, ts, AT_SYMLINK_NOFOLLOW));
    TRUE("  link changed", ts_eq(st_of(l, 1).st_mtim, 3, 0));
    TRUE("  target unchanged", ts_eq(st_of(f, 0).st_mtim, 2, 0));
    ts[0] = (struct timespec){ -1000, 0 };
    ts[1] = (struct timespec){ 0, 0 };
    OK("time before the epoch", utimensat(AT_FDCWD, f, ts, 0));
    TRUE("  read back", st_of(f, 0).st_atim.tv_sec == -1000 && st_of(f, 0).st_mtim.tv_sec == 0);

    ts[0] = (struct timespec){ 0, 1000000000 };
    ts[1] = (struct timespec){ 0, 0 };
    ERR("nsec 1e9", utimensat(AT_FDCWD, f, ts, 0), EINVAL);
    ts[0] = (struct timespec){ 0, -1 };
    ERR("nsec -1", utimensat(AT_FDCWD, f, ts, 0), EINVAL);
    ERR("bad flags", utimensat(AT_FDCWD, f, NULL, 0x1), EINVAL);
    ERR("ENOENT", utimensat(AT_FDCWD, conf_join(d, "nope"), NULL, 0), ENOENT);
    ERR("bad times pointer", utimensat(AT_FDCWD, f, BADPTR, 0), EFAULT);
    ERR("bad fd, NULL path", syscall(SYS_utimensat, 99, NULL, NULL, 0), EBADF);
    /* A write updates mtime and ctime to now. */
    ts[0] = ts[1] = (struct timespec){ 100, 0 };
    MUST(utimensat(AT_FDCWD, f, ts, 0));
    t0 = time(NULL);
    MUST(write(fd, "x", 1));
    st = st_of(f, 0);
    TRUE("write sets mtime now", recent(st.st_mtim, t0, time(NULL)));
    TRUE("write leaves atime", ts_eq(st.st_atim, 100, 0));
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
