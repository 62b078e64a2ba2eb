/* utime_legacy: utime(2), utimes(2) and futimesat(2), the older interfaces. */
#include "conf.h"
#include <sys/time.h>
#include <utime.h>

int main(void)
{
    const char *d = conf_mkdtemp("utime_legacy");
    const char *f = conf_join(d, "f");
    struct utimbuf ub = { .actime = 1111, .modtime = 2222 };
    struct timeval tv[2] = { { 3333, 444444 }, { 5555, 666666 } };
    struct stat st;
    int fd;

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    close(fd);
    OK("utime", syscall(SYS_utime, f, &ub));
    MUST(stat(f, &st));
    TRUE("  atime/mtime", st.st_atime == 1111 && st.st_mtime == 2222);
    TRUE("  whole seconds", st.st_atim.tv_nsec == 0 && st.st_mtim.tv_nsec == 0);
    OK("utimes", syscall(SYS_utimes, f, tv));
    MUST(stat(f, &st));
    TRUE("  microseconds kept", st.st_atim.tv_sec == 3333 && st.st_atim.tv_nsec == 444444000 &&
                                st.st_mtim.tv_sec == 5555 && st.st_mtim.tv_nsec == 666666000);
    tv[0].tv_usec = 1000000;
    ERR("utimes usec 1e6", syscall(SYS_utimes, f, tv), EINVAL);
    OK("utime NULL (now)", syscall(SYS_utime, f, NULL));
    MUST(stat(f, &st));
    TRUE("  now", st.st_mtime > 5555);
    tv[0] = (struct timeval){ 77, 0 };
    tv[1] = (struct timeval){ 88, 0 };
    OK("futimesat", ({ int dfd = open(d, O_RDONLY | O_DIRECTORY);
                       long r = syscall(SYS_futimesat, dfd, "f", tv); close(dfd); r; }));
    MUST(stat(f, &st));
    TRUE("  times", st.st_atime == 77 && st.st_mtime == 88);
    ERR("utime ENOENT", syscall(SYS_utime, conf_join(d, "nope"), &ub), ENOENT);
    conf_rmtree(d);
    return conf_done();
}
