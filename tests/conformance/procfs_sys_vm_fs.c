/* procfs_sys_vm_fs: /proc/sys/vm and /proc/sys/fs numbers that programs
 * read: ranges and relations only. */
#include "conf.h"
#include <sys/resource.h>

static long num(const char *p)
{
    char buf[128];
    int fd = open(p, O_RDONLY);
    long k;

    if (fd < 0)
        return -1;
    k = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (k <= 0 || buf[k - 1] != '\n')
        return -2;
    buf[k] = 0;
    return atol(buf);
}

int main(void)
{
    long v, fmax, nropen;
    struct rlimit rl;

    v = num("/proc/sys/vm/overcommit_memory");
    TRUE("vm/overcommit_memory in 0..2", v >= 0 && v <= 2);
    TRUE("vm/max_map_count > 0", num("/proc/sys/vm/max_map_count") > 0);
    TRUE("vm/overcommit_ratio >= 0", num("/proc/sys/vm/overcommit_ratio") >= 0);
    v = num("/proc/sys/vm/mmap_min_addr");
    TRUE("vm/mmap_min_addr >= 0", v >= 0);
    fmax = num("/proc/sys/fs/file-max");
    TRUE("fs/file-max > 0", fmax > 0);
    nropen = num("/proc/sys/fs/nr_open");
    TRUE("fs/nr_open >= 1024", nropen >= 1024);
    MUST(getrlimit(RLIMIT_NOFILE, &rl));
    TRUE("RLIMIT_NOFILE hard <= nr_open", rl.rlim_max <= (rlim_t)nropen);
    v = num("/proc/sys/fs/pipe-max-size");
    TRUE("fs/pipe-max-size >= 4096", v >= 4096);
    {
        int p[2];
        MUST(pipe(p));
        TRUE("pipe-max-size >= F_GETPIPE_SZ of a new pipe", v >= fcntl(p[0], F_GETPIPE_SZ));
        close(p[0]);
        close(p[1]);
    }
    {
        char buf[128] = "";
        int fd = open("/proc/sys/fs/file-nr", O_RDONLY);
        long a = -1, b = -1, c = -1;
        if (fd >= 0) {
            if (read(fd, buf, sizeof(buf) - 1) > 0)
                sscanf(buf, "%ld %ld %ld", &a, &b, &c);
            close(fd);
        }
        TRUE("fs/file-nr: three numbers, allocated > 0", a > 0 && b >= 0 && c > 0);
        TRUE("fs/file-nr: max == file-max", c == fmax);
    }
    TRUE("fs/inotify/max_user_watches > 0", num("/proc/sys/fs/inotify/max_user_watches") > 0);
    return conf_done();
}
