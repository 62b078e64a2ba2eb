/* proc_system_files: the system-wide /proc files programs parse: cpuinfo,
 * stat, meminfo, uptime, loadavg, version; their formats and their
 * agreement with sysconf and sysinfo. */
#include "conf.h"
#include <sys/sysinfo.h>
#include <sys/utsname.h>

static char buf[1 << 20];

static ssize_t slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    ssize_t n, total = 0;

    if (fd < 0)
        return -1;
    while (total < (ssize_t)sizeof(buf) - 1 && (n = read(fd, buf + total, sizeof(buf) - 1 - total)) > 0)
        total += n;
    close(fd);
    buf[total] = 0;
    return total;
}

static int count_lines(const char *prefix, int digit_after)
{
    int n = 0;
    size_t k = strlen(prefix);

    for (char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, prefix, k) == 0 && (!digit_after || (p[k] >= '0' && p[k] <= '9')))
            n++;
    return n;
}

static long meminfo_kb(const char *key)
{
    char *p = strstr(buf, key);
    long v = -1;
    char unit[8] = "";

    if (p && sscanf(p + strlen(key), " %ld %7s", &v, unit) == 2 && strcmp(unit, "kB") == 0)
        return v;
    return -1;
}

int main(void)
{
    struct sysinfo si;
    struct utsname u;
    int cpus_info, cpus_stat;
    long total, mfree, avail;
    double up, idle, l1, l5, l15;
    int running, nproc, last, n;
    unsigned long long user, nice_, sys, idle_t;

    TRUE("read /proc/cpuinfo", slurp("/proc/cpuinfo") > 0);
    cpus_info = count_lines("processor\t:", 0);
    TRUE("cpuinfo has processors", cpus_info >= 1);
    TRUE("cpuinfo has model name or flags", strstr(buf, "flags") != NULL);

    TRUE("read /proc/stat", slurp("/proc/stat") > 0);
    cpus_stat = count_lines("cpu", 1);
    TRUE("stat cpuN lines == cpuinfo processors", cpus_stat == cpus_info);
    TRUE("sysconf(_SC_NPROCESSORS_ONLN) == cpuinfo processors",
         sysconf(_SC_NPROCESSORS_ONLN) == cpus_info);
    n = sscanf(buf, "cpu %llu %llu %llu %llu", &user, &nice_, &sys, &idle_t);
    EQ("stat aggregate cpu line", n, 4);
    TRUE("stat has btime", count_lines("btime ", 0) == 1);
    TRUE("stat has processes", count_lines("processes ", 0) == 1);
    TRUE("stat has ctxt", count_lines("ctxt ", 0) == 1);
    TRUE("stat has procs_running", count_lines("procs_running ", 0) == 1);

    TRUE("read /proc/meminfo", slurp("/proc/meminfo") > 0);
    total = meminfo_kb("MemTotal:");
    mfree = meminfo_kb("MemFree:");
    avail = meminfo_kb("MemAvailable:");
    TRUE("MemTotal > 0 kB", total > 0);
    TRUE("0 <= MemFree <= MemTotal", mfree >= 0 && mfree <= total);
    TRUE("0 <= MemAvailable <= MemTotal", avail >= 0 && avail <= total);
    TRUE("MemTotal is the first line", strncmp(buf, "MemTotal:", 9) == 0);
    OK("sysinfo", sysinfo(&si));
    TRUE("sysinfo totalram == MemTotal", (unsigned long long)si.totalram * si.mem_unit / 1024 == (unsigned long long)total);

    TRUE("read /proc/uptime", slurp("/proc/uptime") > 0);
    EQ("uptime has two numbers", sscanf(buf, "%lf %lf", &up, &idle), 2);
    TRUE("uptime > 0", up > 0);
    TRUE("uptime within 2 s of sysinfo", up - si.uptime > -2 && up - si.uptime < 2);
    TRUE("uptime line format", buf[strlen(buf) - 1] == '\n' && strchr(buf, '.') != NULL);

    TRUE("read /proc/loadavg", slurp("/proc/loadavg") > 0);
    EQ("loadavg fields", sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &running, &nproc, &last), 6);
    TRUE("loads >= 0", l1 >= 0 && l5 >= 0 && l15 >= 0);
    TRUE("1 <= running <= processes", running >= 1 && running <= nproc);

    TRUE("read /proc/version", slurp("/proc/version") > 0);
    TRUE("version starts with 'Linux version '", strncmp(buf, "Linux version ", 14) == 0);
    uname(&u);
    TRUE("version names the uname release", strncmp(buf + 14, u.release, strlen(u.release)) == 0);

    return conf_done();
}
