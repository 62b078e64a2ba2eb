/* rlimit: getrlimit, setrlimit and prlimit64, mostly RLIMIT_NOFILE. */
#include "conf.h"
#include <sys/resource.h>

int main(void)
{
    struct rlimit rl, rl2, old;
    int fd;

    OK("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &rl));
    TRUE("soft <= hard", rl.rlim_cur <= rl.rlim_max);
    TRUE("soft >= 64", rl.rlim_cur >= 64);
    OK("prlimit(0) get", prlimit(0, RLIMIT_NOFILE, NULL, &rl2));
    TRUE("prlimit == getrlimit", rl2.rlim_cur == rl.rlim_cur && rl2.rlim_max == rl.rlim_max);
    OK("prlimit(getpid())", prlimit(getpid(), RLIMIT_NOFILE, NULL, &rl2));
    ERR("prlimit no such pid", prlimit(0x3ffffff0, RLIMIT_NOFILE, NULL, &rl2), ESRCH);
    ERR("getrlimit bad resource", getrlimit(99, &rl2), EINVAL);
    ERR("getrlimit bad pointer", syscall(SYS_getrlimit, RLIMIT_NOFILE, BADPTR), EFAULT);
    ERR("prlimit bad resource", prlimit(0, 99, NULL, &rl2), EINVAL);

    /* Lower the soft limit: fds at or above it are refused. */
    rl2 = rl;
    rl2.rlim_cur = 64;
    OK("setrlimit soft 64", setrlimit(RLIMIT_NOFILE, &rl2));
    OK("getrlimit after set", getrlimit(RLIMIT_NOFILE, &rl2));
    EQ("soft now", rl2.rlim_cur, 64);
    TRUE("hard unchanged", rl2.rlim_max == rl.rlim_max);
    ERR("dup2 to 64", dup2(0, 64), EBADF);
    EQ("dup2 to 63", dup2(0, 63), 63);
    close(63);
    ERR("F_DUPFD 64", fcntl(0, F_DUPFD, 64), EINVAL);
    if (rl.rlim_max != RLIM_INFINITY) {
        rl2.rlim_cur = rl.rlim_max + 1;
        ERR("soft > hard", setrlimit(RLIMIT_NOFILE, &rl2), EINVAL);
    } else {
        printf("soft > hard: not testable, hard is unlimited\n");
    }
    OK("prlimit set+get", prlimit(0, RLIMIT_NOFILE, &rl, &old));
    EQ("prlimit old soft", old.rlim_cur, 64);
    OK("restored", getrlimit(RLIMIT_NOFILE, &rl2));
    TRUE("restored equal", rl2.rlim_cur == rl.rlim_cur && rl2.rlim_max == rl.rlim_max);
    fd = fcntl(0, F_DUPFD, 64);
    TRUE("F_DUPFD 64 after restore", fd >= 64);
    close(fd);

    /* Other resources are readable and consistent. */
    static const struct { int r; const char *n; } res[] = {
        { RLIMIT_STACK, "STACK" }, { RLIMIT_AS, "AS" }, { RLIMIT_DATA, "DATA" },
        { RLIMIT_CORE, "CORE" }, { RLIMIT_CPU, "CPU" }, { RLIMIT_FSIZE, "FSIZE" },
        { RLIMIT_NPROC, "NPROC" }, { RLIMIT_MEMLOCK, "MEMLOCK" },
    };
    for (unsigned i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
        char n[64];
        snprintf(n, sizeof(n), "%s soft <= hard", res[i].n);
        TRUE(n, getrlimit(res[i].r, &rl2) == 0 && rl2.rlim_cur <= rl2.rlim_max);
    }
    getrlimit(RLIMIT_STACK, &rl2);
    TRUE("stack soft >= 128K", rl2.rlim_cur >= 128 * 1024);
    return conf_done();
}
