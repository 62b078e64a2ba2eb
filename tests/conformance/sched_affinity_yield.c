/* sched_affinity_yield: sched_getaffinity/setaffinity (pinning, getcpu
 * agreeing, inheritance by fork and threads, errors), sched_yield, the
 * scheduling policy queries and nice values. */
#include "conf.h"
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>

static volatile int thread_cpu = -2;
static void *where(void *arg)
{
    cpu_set_t s;

    CPU_ZERO(&s);
    sched_getaffinity(0, sizeof(s), &s);
    thread_cpu = CPU_COUNT(&s) == 1 && CPU_ISSET((long)arg, &s) ? (int)(long)arg : -1;
    return NULL;
}

int main(void)
{
    cpu_set_t all, one, got;
    int first = -1, n, cpu = -1, node = -1, st;
    pid_t pid;
    long r;

    CPU_ZERO(&all);
    OK("sched_getaffinity", sched_getaffinity(0, sizeof(all), &all));
    n = CPU_COUNT(&all);
    TRUE("at least one CPU allowed", n >= 1);
    TRUE("no more than configured", n <= sysconf(_SC_NPROCESSORS_CONF));
    for (int i = 0; i < CPU_SETSIZE && first < 0; i++)
        if (CPU_ISSET(i, &all))
            first = i;
    r = syscall(SYS_sched_getaffinity, 0, sizeof(all), &all);
    TRUE("raw call returns the mask size in bytes (a multiple of 8)", r > 0 && r % 8 == 0 && r <= (long)sizeof(all));
    OK("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
    TRUE("getcpu returns an allowed CPU", cpu >= 0 && CPU_ISSET(cpu, &all));
    TRUE("node >= 0", node >= 0);
    TRUE("sched_getcpu agrees with the mask", CPU_ISSET(sched_getcpu(), &all));

    /* Pin to the first allowed CPU. */
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    OK("pin to one CPU", sched_setaffinity(0, sizeof(one), &one));
    CPU_ZERO(&got);
    sched_getaffinity(0, sizeof(got), &got);
    TRUE("mask reads back", CPU_EQUAL(&got, &one));
    for (int i = 0; i < 3; i++)
        sched_yield();
    TRUE("running on it", sched_getcpu() == first);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        cpu_set_t c;
        CPU_ZERO(&c);
        sched_getaffinity(0, sizeof(c), &c);
        _exit(CPU_COUNT(&c) == 1 && CPU_ISSET(first, &c) ? 0 : 1);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("fork inherits the mask", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    {
        pthread_t t;
        pthread_create(&t, NULL, where, (void *)(long)first);
        pthread_join(t, NULL);
        EQ("a new thread inherits the mask", thread_cpu == first, 1);
    }
    OK("restore", sched_setaffinity(0, sizeof(all), &all));
    CPU_ZERO(&got);
    sched_getaffinity(0, sizeof(got), &got);
    TRUE("restored", CPU_EQUAL(&got, &all));

    /* Errors. */
    CPU_ZERO(&one);
    ERR("empty mask", sched_setaffinity(0, sizeof(one), &one), EINVAL);
    CPU_ZERO(&one);
    CPU_SET(CPU_SETSIZE - 1, &one);
    ERR("only a CPU that does not exist", sched_setaffinity(0, sizeof(one), &one), EINVAL);
    ERR("getaffinity size 0", syscall(SYS_sched_getaffinity, 0, 0, &got), EINVAL);
    ERR("getaffinity size not a multiple of 8", syscall(SYS_sched_getaffinity, 0, 12, &got), EINVAL);
    ERR("no such pid", sched_getaffinity(0x3ffffff0, sizeof(got), &got), ESRCH);
    ERR("bad pointer", syscall(SYS_sched_getaffinity, 0, sizeof(got), BADPTR), EFAULT);

    /* Yield and policy. */
    EQ("sched_yield", sched_yield(), 0);
    EQ("policy SCHED_OTHER", sched_getscheduler(0), SCHED_OTHER);
    {
        struct sched_param sp = { 5 };
        OK("sched_getparam", sched_getparam(0, &sp));
        EQ("priority 0", sp.sched_priority, 0);
        sp.sched_priority = 1;
        ERR("SCHED_OTHER with priority 1", sched_setscheduler(0, SCHED_OTHER, &sp), EINVAL);
    }
    EQ("FIFO max priority", sched_get_priority_max(SCHED_FIFO), 99);
    EQ("FIFO min priority", sched_get_priority_min(SCHED_FIFO), 1);
    EQ("OTHER max priority", sched_get_priority_max(SCHED_OTHER), 0);
    ERR("max priority of an unknown policy", sched_get_priority_max(42), EINVAL);

    /* Nice values, in a child. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int base, ok = 1;
        errno = 0;
        base = getpriority(PRIO_PROCESS, 0);
        ok &= errno == 0;
        ok &= setpriority(PRIO_PROCESS, 0, base + 3 > 19 ? 19 : base + 3) == 0;
        ok &= getpriority(PRIO_PROCESS, 0) == (base + 3 > 19 ? 19 : base + 3);
        errno = 0;
        ok &= nice(1) == (base + 4 > 19 ? 19 : base + 4) && errno == 0;
        ok &= setpriority(PRIO_PROCESS, 0, 100) == 0 && getpriority(PRIO_PROCESS, 0) == 19;
        ok &= setpriority(42, 0, 0) == -1 && errno == EINVAL;
        _exit(ok ? 0 : 1);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("nice: set, read back, clamp at 19, errors", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    return conf_done();
}
