/* sysfs_files: /sys/devices/system/cpu/{online,possible,present} parse as
 * CPU lists (online within possible, cpu0 online), and
 * /sys/kernel/mm/transparent_hugepage/enabled marks one [selected] value. */
#include "conf.h"

/* Parse "0-3,5\n" into a bitmap; returns the CPU count or -1. */
static int cpulist(const char *p, unsigned char *set, int max)
{
    char buf[512], *s;
    int fd = open(p, O_RDONLY), n = 0;
    long k;

    memset(set, 0, max);
    if (fd < 0)
        return -1;
    k = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (k <= 1 || buf[k - 1] != '\n')
        return -1;
    buf[k - 1] = 0;
    for (s = buf; *s;) {
        char *e;
        long a = strtol(s, &e, 10), b = a;
        if (e == s)
            return -1;
        if (*e == '-') {
            s = e + 1;
            b = strtol(s, &e, 10);
            if (e == s || b < a)
                return -1;
        }
        if (b >= max)
            return -1;
        for (long i = a; i <= b; i++)
            n += !set[i], set[i] = 1;
        if (*e == ',')
            e++;
        else if (*e)
            return -1;
        s = e;
    }
    return n;
}

int main(void)
{
    static unsigned char online[4096], possible[4096], present[4096];
    int non, npos, npre, sub = 1;
    char buf[256];
    int fd;
    long k;

    non = cpulist("/sys/devices/system/cpu/online", online, 4096);
    npos = cpulist("/sys/devices/system/cpu/possible", possible, 4096);
    npre = cpulist("/sys/devices/system/cpu/present", present, 4096);
    TRUE("online parses, >= 1 cpu", non >= 1);
    TRUE("possible parses, >= online", npos >= non);
    TRUE("present parses, >= online", npre >= non);
    for (int i = 0; i < 4096; i++)
        sub &= !online[i] || (possible[i] && present[i]);
    TRUE("online within possible and present", sub);
    TRUE("cpu0 online", online[0]);
    {
        struct stat st;
        OK("cpu0 directory", stat("/sys/devices/system/cpu/cpu0", &st));
        TRUE("  is a dir", S_ISDIR(st.st_mode));
    }
    OK("open transparent_hugepage/enabled", fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY));
    k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (fd >= 0)
        close(fd);
    buf[k > 0 ? k : 0] = 0;
    {
        int open_b = 0, close_b = 0, known = 0;
        char *l = strchr(buf, '['), *r = strchr(buf, ']');
        for (char *c = buf; *c; c++)
            open_b += *c == '[', close_b += *c == ']';
        TRUE("  exactly one [selected] value", open_b == 1 && close_b == 1 && l && r > l);
        if (l && r > l) {
            *r = 0;
            known = !strcmp(l + 1, "always") || !strcmp(l + 1, "madvise") || !strcmp(l + 1, "never");
        }
        TRUE("  selected is always, madvise or never", known);
        TRUE("  ends with a newline", k > 0 && buf[k - 1] == '\n');
    }
    return conf_done();
}
