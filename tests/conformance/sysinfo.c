/* sysinfo: sysinfo(2) and CPU-affinity facts that must be self-consistent. */
#include "conf.h"
#include <sched.h>
#include <sys/sysinfo.h>

int main(void)
{
    struct sysinfo si;
    cpu_set_t set;
    long n;

    OK("sysinfo", sysinfo(&si));
    TRUE("uptime > 0", si.uptime > 0);
    TRUE("mem_unit >= 1", si.mem_unit >= 1);
    TRUE("totalram > 0", si.totalram > 0);
    TRUE("freeram <= totalram", si.freeram <= si.totalram);
    TRUE("freeswap <= totalswap", si.freeswap <= si.totalswap);
    TRUE("procs >= 1", si.procs >= 1);
    TRUE("totalhigh == 0 on x86_64", si.totalhigh == 0);
    ERR("sysinfo bad pointer", syscall(SYS_sysinfo, BADPTR), EFAULT);

    CPU_ZERO(&set);
    OK("sched_getaffinity", sched_getaffinity(0, sizeof(set), &set));
    TRUE("at least one cpu", CPU_COUNT(&set) >= 1);
    n = syscall(SYS_sched_getaffinity, 0, sizeof(set), &set);
    TRUE("raw getaffinity returns bytes (multiple of 8)", n > 0 && n % 8 == 0);
    ERR("getaffinity size 1", syscall(SYS_sched_getaffinity, 0, 1, &set), EINVAL);
    ERR("getaffinity bad pid", sched_getaffinity(0x3ffffff0, sizeof(set), &set), ESRCH);
    TRUE("sysconf NPROCESSORS_ONLN >= 1", sysconf(_SC_NPROCESSORS_ONLN) >= 1);
    TRUE("sysconf PAGESIZE 4096", sysconf(_SC_PAGESIZE) == 4096);
    {
        unsigned cpu = 99999, node = 99999;
        OK("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
        TRUE("cpu in affinity range", cpu < CPU_SETSIZE);
        TRUE("node sane", node < 1024);
    }
    OK("sched_yield", sched_yield());
    EQ("sched_getscheduler", sched_getscheduler(0), SCHED_OTHER);
    return conf_done();
}
