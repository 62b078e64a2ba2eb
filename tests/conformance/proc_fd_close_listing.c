/* proc_fd_close_listing: close fds while reading /proc/self/fd in small
 * getdents64 steps, as python's subprocess does between fork and exec.
 * Entries keep their place (fd N at offset N + 2), so none is skipped: the
 * sandbox once numbered them by index and skipped the ones after a gap. */
#include "conf.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

struct d64 {
    unsigned long long ino;
    long long off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

int main(void)
{
    char buf[120]; /* a few entries per call */
    int dfd, closed = 0, left = 0, lists = 0;
    long n;

    static char mine[4096];
    for (int i = 0; i < 20; i++) {
        int fd = dup(1);
        MUST(fd >= 0 && fd < 4096);
        mine[fd] = 1;
    }
    MUST((dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0);
    while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
        lists++;
        for (long o = 0; o < n;) {
            struct d64 *d = (struct d64 *)(buf + o);
            int fd = atoi(d->name);
            if (d->name[0] != '.' && fd > 2 && fd != dfd && close(fd) == 0)
                closed += fd < 4096 && mine[fd];
            o += d->reclen;
        }
    }
    EQ("getdents64 ends cleanly", n, 0);
    TRUE("read in several steps", lists > 3);
    EQ("every dup closed", closed, 20);
    for (int fd = 3; fd < 64; fd++)
        if (fd != dfd && fcntl(fd, F_GETFD) >= 0)
            left++;
    EQ("none left open", left, 0);
    /* The offset after the end stays at the end, even with nothing left. */
    EQ("at the end, nothing more", syscall(SYS_getdents64, dfd, buf, sizeof(buf)), 0);
    return conf_done();
}
