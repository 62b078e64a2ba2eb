/* proc_cpu_mem_views: what ps, top, vmstat, free and lscpu read.
 *  - /proc/cpuinfo flags agree with CPUID for common features (lscpu's
 *    "64-bit" comes from lm; build systems look for avx2, aes...);
 *  - /proc/self/status has the Vm* lines and VmSize matches statm's size
 *    and stat's vsize (ps showed VSZ 0);
 *  - /proc/vmstat and /proc/swaps exist (vmstat refused to start). */
#include "conf.h"
#include <cpuid.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path)
{
    static char buf[1 << 16];
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f)
        return NULL;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static int has_flag(const char *flags, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = flags; (p = strstr(p, name)); p += n)
        if (p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n' || p[n] == 0))
            return 1;
    return 0;
}

static long status_kb(const char *st, const char *key)
{
    const char *p = strstr(st, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

int main(void)
{
    unsigned a, b, c, d, b7 = 0, ext_d = 0;
    char *ci = slurp("/proc/cpuinfo"), *fl, *st;
    long statm_pages = -1, vsize = -1;
    FILE *f;

    MUST(ci);
    MUST((fl = strstr(ci, "\nflags")));
    *strchr(fl + 1, '\n') = 0;
    __cpuid(1, a, b, c, d);
    if (__get_cpuid_max(0, NULL) >= 7)
        __cpuid_count(7, 0, a, b7, a, a);
    __cpuid(0x80000001, a, b, a, ext_d);
    EQ("sse2 as CPUID", has_flag(fl, "sse2"), !!(d & (1u << 26)));
    EQ("lm as CPUID", has_flag(fl, "lm"), !!(ext_d & (1u << 29)));
    EQ("sse4_2 as CPUID", has_flag(fl, "sse4_2"), !!(c & (1u << 20)));
    EQ("popcnt as CPUID", has_flag(fl, "popcnt"), !!(c & (1u << 23)));
    EQ("aes as CPUID", has_flag(fl, "aes"), !!(c & (1u << 25)));
    EQ("avx2 as CPUID", has_flag(fl, "avx2"), !!(b7 & (1u << 5)));
    EQ("bmi2 as CPUID", has_flag(fl, "bmi2"), !!(b7 & (1u << 8)));

    MUST((st = slurp("/proc/self/status")));
    st = strdup(st);
    TRUE("VmSize present", status_kb(st, "VmSize:") > 0);
    TRUE("VmRSS present", status_kb(st, "VmRSS:") > 0);
    TRUE("VmData present", status_kb(st, "VmData:") > 0);
    TRUE("VmStk present", status_kb(st, "VmStk:") > 0);
    TRUE("VmExe present", status_kb(st, "VmExe:") > 0);
    MUST((f = fopen("/proc/self/statm", "r")));
    MUST(fscanf(f, "%ld", &statm_pages) == 1);
    fclose(f);
    MUST((f = fopen("/proc/self/stat", "r")));
    MUST(fscanf(f, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
                   "%*d %*d %*u %ld",
                &vsize) == 1);
    fclose(f);
    /* One snapshot each; stdio's buffers may add a page or two between. */
    TRUE("statm size near VmSize", labs(statm_pages * 4 - status_kb(st, "VmSize:")) <= 64);
    TRUE("stat vsize near VmSize", labs(vsize / 1024 - status_kb(st, "VmSize:")) <= 64);
    TRUE("vmstat has nr_free_pages", (ci = slurp("/proc/vmstat")) && strstr(ci, "nr_free_pages "));
    TRUE("swaps has its header", (ci = slurp("/proc/swaps")) && !strncmp(ci, "Filename", 8));
    return conf_done();
}
