/* procnet_dev_lo: /proc/net/dev has its two header lines and a line for
 * lo; /proc/net/if_inet6 lines for lo (if any) are ::1/128 host scope;
 * /sys/class/net/lo tells index 1, type 772, flags 0x9, a zero address. */
#include "conf.h"

/* The whole file, NUL-terminated; chomp drops one final newline. */
static int read_file(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY), n, total = 0;
    if (fd < 0)
        return -1;
    while ((n = read(fd, buf + total, len - 1 - total)) > 0)
        total += n;
    close(fd);
    buf[total] = 0;
    return total;
}

static const char *sys(const char *path, char *buf)
{
    int n = read_file(path, buf, 64);
    if (n <= 0)
        return NULL;
    if (buf[n - 1] == '\n')
        buf[n - 1] = 0;
    return buf;
}

static char buf[1 << 16];

int main(void)
{
    char *line, *save;
    int lo = 0, hdr = 0, v6 = 0, v6_bad = 0;

    TRUE("read /proc/net/dev", read_file("/proc/net/dev", buf, sizeof(buf)) > 0);
    hdr = !strncmp(buf, "Inter-|   Receive", 17);
    TRUE("header", hdr);
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long v[16];
        char name[32];
        if (sscanf(line, " %31[^:]: %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
                         "%llu %llu %llu %llu",
                   name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
                   &v[10], &v[11], &v[12], &v[13], &v[14], &v[15]) == 17 &&
            !strcmp(name, "lo"))
            lo++;
    }
    EQ("lo line with 16 counters", lo, 1);

    if (read_file("/proc/net/if_inet6", buf, sizeof(buf)) < 0) {
        printf("read /proc/net/if_inet6: FAIL %s\n", errname(errno));
        conf_failed++;
    }
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char addr[40], name[32];
        unsigned idx, plen, scope, flags;
        if (sscanf(line, "%39s %x %x %x %x %31s", addr, &idx, &plen, &scope, &flags, name) != 6) {
            v6_bad++;
            continue;
        }
        if (strcmp(name, "lo"))
            continue;
        v6++;
        if (strcmp(addr, "00000000000000000000000000000001") || idx != 1 || plen != 128 ||
            scope != 0x10)
            v6_bad++;
    }
    EQ("if_inet6 bad lines", v6_bad, 0);
    TRUE("if_inet6 lo lines <= 1", v6 <= 1);

    STREQ("sys ifindex", sys("/sys/class/net/lo/ifindex", buf), "1");
    STREQ("sys type", sys("/sys/class/net/lo/type", buf), "772");
    STREQ("sys flags", sys("/sys/class/net/lo/flags", buf), "0x9");
    STREQ("sys address", sys("/sys/class/net/lo/address", buf), "00:00:00:00:00:00");
    return conf_done();
}
