/* statfs_consistent: statfs and fstatfs agree on one file system, basic
 * sanity of the figures, proc's magic number, errors. */
#include "conf.h"
#include <sys/statfs.h>
#include <sys/statvfs.h>

#define ST_VALID 0x0020 /* linux/statfs.h: f_flags is meaningful */

static int same_fs(const struct statfs *a, const struct statfs *b)
{
    return a->f_type == b->f_type && a->f_bsize == b->f_bsize && a->f_blocks == b->f_blocks &&
           a->f_namelen == b->f_namelen && a->f_frsize == b->f_frsize &&
           !memcmp(&a->f_fsid, &b->f_fsid, sizeof(a->f_fsid)) && a->f_flags == b->f_flags;
}

int main(void)
{
    const char *d = conf_mkdtemp("statfs_consistent");
    const char *f = conf_join(d, "f");
    struct statfs s1, s2, sp;
    struct statvfs v;
    int fd;

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    OK("statfs file", statfs(f, &s1));
    OK("fstatfs file", fstatfs(fd, &s2));
    TRUE("  same file system figures", same_fs(&s1, &s2));
    TRUE("  f_bsize > 0", s1.f_bsize > 0);
    TRUE("  f_frsize > 0", s1.f_frsize > 0);
    TRUE("  f_bfree <= f_blocks", s1.f_bfree <= s1.f_blocks);
    TRUE("  f_bavail <= f_bfree", s1.f_bavail <= s1.f_bfree);
    TRUE("  f_ffree <= f_files", s1.f_ffree <= s1.f_files);
    EQ("  f_namelen", s1.f_namelen, 255);
    TRUE("  ST_VALID set", (s1.f_flags & ST_VALID) != 0);
    EQ("  not read-only", s1.f_flags & ST_RDONLY, 0);
    OK("statfs the dir", statfs(d, &s2));
    TRUE("  same file system as the file", same_fs(&s1, &s2));
    OK("statvfs", statvfs(f, &v));
    TRUE("  agrees with statfs", v.f_bsize == (unsigned long)s1.f_bsize && v.f_blocks == s1.f_blocks &&
         v.f_namemax == (unsigned long)s1.f_namelen);
    OK("statfs /proc", statfs("/proc", &sp));
    EQ("  PROC_SUPER_MAGIC", sp.f_type, 0x9fa0);
    OK("statfs /proc/self/status", statfs("/proc/self/status", &s2));
    TRUE("  same as /proc", same_fs(&sp, &s2));
    OK("fstatfs /proc file", ({ int p = open("/proc/self/status", O_RDONLY);
                                 long r = fstatfs(p, &s2); close(p); r; }));
    TRUE("  same as /proc", same_fs(&sp, &s2));
    TRUE("/proc differs from /tmp", sp.f_type != s1.f_type);
    {
        int p[2];
        MUST(pipe(p));
        OK("fstatfs pipe", fstatfs(p[0], &s2));
        EQ("  PIPEFS_MAGIC", s2.f_type, 0x50495045);
        close(p[0]);
        close(p[1]);
    }
    ERR("statfs ENOENT", statfs(conf_join(d, "nope"), &s2), ENOENT);
    ERR("statfs ENOTDIR", statfs(conf_join(d, "f/x"), &s2), ENOTDIR);
    ERR("statfs bad buffer", statfs(f, BADPTR), EFAULT);
    ERR("fstatfs bad fd", fstatfs(-1, &s2), EBADF);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
