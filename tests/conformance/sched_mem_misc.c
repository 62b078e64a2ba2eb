/* sched_mem_misc: sched_getattr/setattr, ioprio_get/set, the NUMA policy
 * calls on node 0, mlockall/munlockall/mlock2, membarrier. */
#include "conf.h"
#include <linux/mempolicy.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <stdint.h>
#include <sys/mman.h>

struct sched_attr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t prio;
    uint64_t runtime, deadline, period;
    uint32_t umin, umax;
    char pad[24];
};

#define IOPRIO(cls, lvl) (((cls) << 13) | (lvl))

static volatile int spin_stop;
static void *spin(void *arg)
{
    while (!spin_stop)
        ;
    return NULL;
}

static void sched_attr_checks(void)
{
    struct sched_attr sa;

    memset(&sa, 0, sizeof(sa));
    OK("getattr 56", syscall(SYS_sched_getattr, 0, &sa, 56, 0));
    EQ("getattr size", sa.size, 56);
    EQ("getattr policy", sa.policy, SCHED_OTHER);
    memset(&sa, 0, sizeof(sa));
    OK("getattr 48", syscall(SYS_sched_getattr, 0, &sa, 48, 0));
    EQ("getattr size 48", sa.size, 48);
    OK("getattr 72", syscall(SYS_sched_getattr, 0, &sa, 72, 0));
    EQ("getattr size 72 -> 56", sa.size, 56);
    ERR("getattr 40", syscall(SYS_sched_getattr, 0, &sa, 40, 0), EINVAL);
    ERR("getattr 4097", syscall(SYS_sched_getattr, 0, &sa, 4097, 0), EINVAL);
    ERR("getattr flags", syscall(SYS_sched_getattr, 0, &sa, 56, 1), EINVAL);
    ERR("getattr NULL", syscall(SYS_sched_getattr, 0, NULL, 56, 0), EINVAL);
    ERR("getattr pid -1", syscall(SYS_sched_getattr, -1, &sa, 56, 0), EINVAL);
    ERR("getattr no pid", syscall(SYS_sched_getattr, 999999, &sa, 56, 0), ESRCH);
    ERR("getattr bad ptr", syscall(SYS_sched_getattr, 0, BADPTR, 56, 0), EFAULT);

    memset(&sa, 0, sizeof(sa));
    sa.size = 56;
    sa.nice = 5;
    OK("setattr nice 5", syscall(SYS_sched_setattr, 0, &sa, 0));
    EQ("getpriority after setattr", syscall(SYS_getpriority, PRIO_PROCESS, 0), 15);
    memset(&sa, 0, sizeof(sa));
    OK("getattr", syscall(SYS_sched_getattr, 0, &sa, 56, 0));
    EQ("getattr nice", sa.nice, 5);
    memset(&sa, 0, sizeof(sa));
    sa.size = 20;
    ERR("setattr size 20", syscall(SYS_sched_setattr, 0, &sa, 0), E2BIG);
    EQ("setattr size written back", sa.size, 56);
    memset(&sa, 0, sizeof(sa));
    sa.size = 80;
    sa.pad[23] = 1;
    ERR("setattr size 80 nonzero tail", syscall(SYS_sched_setattr, 0, &sa, 0), E2BIG);
    EQ("setattr size written back 80", sa.size, 56);
    memset(&sa, 0, sizeof(sa));
    sa.size = 80;
    OK("setattr size 80 zero tail", syscall(SYS_sched_setattr, 0, &sa, 0));
    memset(&sa, 0, sizeof(sa));
    sa.size = 5000;
    ERR("setattr size 5000", syscall(SYS_sched_setattr, 0, &sa, 0), E2BIG);
    memset(&sa, 0, sizeof(sa));
    sa.size = 56;
    sa.policy = SCHED_FIFO;
    ERR("setattr FIFO prio 0", syscall(SYS_sched_setattr, 0, &sa, 0), EINVAL);
    sa.policy = SCHED_OTHER;
    sa.prio = 1;
    ERR("setattr OTHER prio 1", syscall(SYS_sched_setattr, 0, &sa, 0), EINVAL);
    sa.prio = 0;
    sa.policy = 9;
    ERR("setattr policy 9", syscall(SYS_sched_setattr, 0, &sa, 0), EINVAL);
    sa.policy = 0;
    sa.flags = 0x100;
    ERR("setattr bad flag", syscall(SYS_sched_setattr, 0, &sa, 0), EINVAL);
    sa.flags = 0;
    ERR("setattr flags arg", syscall(SYS_sched_setattr, 0, &sa, 1), EINVAL);
    ERR("setattr NULL", syscall(SYS_sched_setattr, 0, NULL, 0), EINVAL);
    ERR("setattr bad ptr", syscall(SYS_sched_setattr, 0, BADPTR, 0), EFAULT);
    ERR("setattr no pid", syscall(SYS_sched_setattr, 999999, &sa, 0), ESRCH);
    sa.policy = SCHED_BATCH;
    sa.nice = 2;
    OK("setattr BATCH nice 2", syscall(SYS_sched_setattr, 0, &sa, 0));
    EQ("getscheduler BATCH", sched_getscheduler(0), SCHED_BATCH);
    sa.policy = SCHED_OTHER;
    sa.nice = 0;
    sa.flags = 1; /* SCHED_FLAG_RESET_ON_FORK */
    OK("setattr reset-on-fork", syscall(SYS_sched_setattr, 0, &sa, 0));
    EQ("getscheduler with reset-on-fork", sched_getscheduler(0), SCHED_OTHER | SCHED_RESET_ON_FORK);
    memset(&sa, 0, sizeof(sa));
    OK("getattr", syscall(SYS_sched_getattr, 0, &sa, 56, 0));
    EQ("getattr flags reset-on-fork", sa.flags, 1);
}

static void ioprio_checks(void)
{
    pid_t p = fork();
    int st;

    MUST(p);
    if (p) {
        MUST(waitpid(p, &st, 0));
        TRUE("ioprio child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
        return;
    }
    MUST(setpgid(0, 0));
    EQ("ioprio_get fresh", syscall(SYS_ioprio_get, 1, 0), 0);
    ERR("ioprio_get which 4", syscall(SYS_ioprio_get, 4, 0), EINVAL);
    ERR("ioprio_get which 0", syscall(SYS_ioprio_get, 0, 0), EINVAL);
    ERR("ioprio_get no pid", syscall(SYS_ioprio_get, 1, 999999), ESRCH);
    ERR("ioprio_get pgrp none", syscall(SYS_ioprio_get, 2, 999999), ESRCH);
    OK("ioprio_set BE 3", syscall(SYS_ioprio_set, 1, 0, IOPRIO(2, 3)));
    EQ("ioprio_get BE 3", syscall(SYS_ioprio_get, 1, getpid()), IOPRIO(2, 3));
    ERR("ioprio_set class 4", syscall(SYS_ioprio_set, 1, 0, IOPRIO(4, 0)), EINVAL);
    ERR("ioprio_set NONE level 1", syscall(SYS_ioprio_set, 1, 0, IOPRIO(0, 1)), EINVAL);
    ERR("ioprio_set bad which", syscall(SYS_ioprio_set, 5, 0, IOPRIO(2, 0)), EINVAL);
    ERR("ioprio_set no pid", syscall(SYS_ioprio_set, 1, 999999, IOPRIO(2, 0)), ESRCH);
    ERR("ioprio_set bad class first", syscall(SYS_ioprio_set, 1, 999999, IOPRIO(7, 0)), EINVAL);
    OK("ioprio_set IDLE 5", syscall(SYS_ioprio_set, 1, 0, IOPRIO(3, 5)));
    EQ("ioprio_get IDLE 5", syscall(SYS_ioprio_get, 1, 0), IOPRIO(3, 5));
    OK("ioprio_set pgrp BE 2", syscall(SYS_ioprio_set, 2, 0, IOPRIO(2, 2)));
    EQ("ioprio_get pgrp", syscall(SYS_ioprio_get, 2, 0), IOPRIO(2, 2));
    OK("ioprio_set NONE", syscall(SYS_ioprio_set, 1, 0, 0));
    EQ("ioprio_get NONE", syscall(SYS_ioprio_get, 1, 0), 0);
    OK("ioprio_set BE 1 again", syscall(SYS_ioprio_set, 1, 0, IOPRIO(2, 1)));
    {
        pid_t c = fork();
        if (c == 0)
            _exit(syscall(SYS_ioprio_get, 1, 0) == IOPRIO(2, 1) ? 0 : 1);
        MUST(waitpid(c, &st, 0));
        TRUE("ioprio inherited by fork", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    _exit(conf_failed ? 1 : 0);
}

static void mempolicy_checks(void)
{
    unsigned long nm[2] = { 0, 0 };
    int mode = -5;
    void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    MUST(m == MAP_FAILED ? -1 : 0);
    OK("get_mempolicy", syscall(SYS_get_mempolicy, &mode, nm, 64, 0, 0));
    EQ("default mode", mode, MPOL_DEFAULT);
    EQ("default mask", nm[0], 0);
    OK("get_mempolicy MEMS_ALLOWED", syscall(SYS_get_mempolicy, &mode, nm, 64, 0, MPOL_F_MEMS_ALLOWED));
    EQ("mems allowed", nm[0], 1);
    ERR("get_mempolicy maxnode 0", syscall(SYS_get_mempolicy, &mode, nm, 0, 0, 0), EINVAL);
    ERR("get_mempolicy bad flags", syscall(SYS_get_mempolicy, &mode, nm, 64, 0, 64), EINVAL);
    ERR("get_mempolicy ADDR NULL", syscall(SYS_get_mempolicy, &mode, nm, 64, 0, MPOL_F_ADDR), EFAULT);
    ERR("get_mempolicy NODE on default", syscall(SYS_get_mempolicy, &mode, nm, 64, 0, MPOL_F_NODE), EINVAL);
    ERR("get_mempolicy bad mode ptr", syscall(SYS_get_mempolicy, BADPTR, nm, 64, 0, 0), EFAULT);
    nm[0] = 1;
    OK("set_mempolicy BIND {0}", syscall(SYS_set_mempolicy, MPOL_BIND, nm, 64));
    OK("get_mempolicy", syscall(SYS_get_mempolicy, &mode, nm, 64, 0, 0));
    EQ("BIND mode", mode, MPOL_BIND);
    EQ("BIND mask", nm[0], 1);
    nm[0] = 2;
    ERR("set_mempolicy BIND {1}", syscall(SYS_set_mempolicy, MPOL_BIND, nm, 64), EINVAL);
    nm[0] = 0;
    ERR("set_mempolicy BIND {}", syscall(SYS_set_mempolicy, MPOL_BIND, nm, 64), EINVAL);
    OK("set_mempolicy PREFERRED empty", syscall(SYS_set_mempolicy, MPOL_PREFERRED, NULL, 0));
    OK("get_mempolicy", syscall(SYS_get_mempolicy, &mode, NULL, 0, 0, 0));
    EQ("PREFERRED empty is LOCAL", mode, MPOL_LOCAL);
    nm[0] = 1;
    OK("set_mempolicy INTERLEAVE {0}", syscall(SYS_set_mempolicy, MPOL_INTERLEAVE, nm, 64));
    OK("get_mempolicy NODE", syscall(SYS_get_mempolicy, &mode, NULL, 0, 0, MPOL_F_NODE));
    EQ("next interleave node", mode, 0);
    ERR("set_mempolicy DEFAULT {0}", syscall(SYS_set_mempolicy, MPOL_DEFAULT, nm, 64), EINVAL);
    ERR("set_mempolicy LOCAL {0}", syscall(SYS_set_mempolicy, MPOL_LOCAL, nm, 64), EINVAL);
    ERR("set_mempolicy mode 9", syscall(SYS_set_mempolicy, 9, nm, 64), EINVAL);
    ERR("set_mempolicy bad mask", syscall(SYS_set_mempolicy, MPOL_BIND, BADPTR, 64), EFAULT);
    ERR("set_mempolicy maxnode 1", syscall(SYS_set_mempolicy, MPOL_BIND, nm, 1), EINVAL);
    ERR("set_mempolicy maxnode huge", syscall(SYS_set_mempolicy, MPOL_BIND, nm, 1UL << 40), EINVAL);
    ERR("set_mempolicy STATIC|RELATIVE", syscall(SYS_set_mempolicy, MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, nm, 64), EINVAL);
    OK("set_mempolicy BIND|STATIC", syscall(SYS_set_mempolicy, MPOL_BIND | MPOL_F_STATIC_NODES, nm, 64));
    OK("set_mempolicy DEFAULT", syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0));
    OK("mbind BIND {0}", syscall(SYS_mbind, m, 8192, MPOL_BIND, nm, 64, 0));
    nm[0] = 2;
    ERR("mbind BIND {1}", syscall(SYS_mbind, m, 8192, MPOL_BIND, nm, 64, 0), EINVAL);
    nm[0] = 1;
    ERR("mbind unaligned", syscall(SYS_mbind, (char *)m + 1, 8192, MPOL_BIND, nm, 64, 0), EINVAL);
    munmap((char *)m + 4096, 4096);
    ERR("mbind over a hole", syscall(SYS_mbind, m, 8192, MPOL_BIND, nm, 64, 0), EFAULT);
    ERR("mbind bad flags", syscall(SYS_mbind, m, 4096, MPOL_BIND, nm, 64, 0x100), EINVAL);
    OK("mbind DEFAULT", syscall(SYS_mbind, m, 4096, MPOL_DEFAULT, NULL, 0, 0));

    ERR("mlockall 0", syscall(SYS_mlockall, 0), EINVAL);
    ERR("mlockall ONFAULT alone", syscall(SYS_mlockall, MCL_ONFAULT), EINVAL);
    ERR("mlockall 8", syscall(SYS_mlockall, 8), EINVAL);
    OK("mlockall CURRENT|FUTURE|ONFAULT", syscall(SYS_mlockall, MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT));
    OK("munlockall", syscall(SYS_munlockall));
    OK("mlock2 0", syscall(SYS_mlock2, m, 4096, 0));
    OK("mlock2 ONFAULT", syscall(SYS_mlock2, m, 4096, MLOCK_ONFAULT));
    ERR("mlock2 flag 2", syscall(SYS_mlock2, m, 4096, 2), EINVAL);
    ERR("mlock2 over a hole", syscall(SYS_mlock2, m, 8192, 0), ENOMEM);
    ERR("mlock over a hole", mlock(m, 8192), ENOMEM);
    ERR("munlock over a hole", munlock(m, 8192), ENOMEM);
    OK("mlock unaligned", mlock((char *)m + 1, 100));
    munmap(m, 4096);
}

static void membarrier_checks(void)
{
    long q = syscall(SYS_membarrier, 0, 0, 0);
    pthread_t th;

    TRUE("query GLOBAL", q > 0 && (q & 1));
    TRUE("query PRIVATE_EXPEDITED + register", (q & 8) && (q & 16));
    TRUE("query GLOBAL_EXPEDITED + register", (q & 2) && (q & 4));
    ERR("query with flags", syscall(SYS_membarrier, 0, 1, 0), EINVAL);
    ERR("private expedited unregistered", syscall(SYS_membarrier, 8, 0, 0), EPERM);
    EQ("registrations none", syscall(SYS_membarrier, 512, 0, 0), 0);
    MUST(pthread_create(&th, NULL, spin, NULL));
    OK("register private expedited", syscall(SYS_membarrier, 16, 0, 0));
    OK("private expedited with a spinning thread", syscall(SYS_membarrier, 8, 0, 0));
    OK("global", syscall(SYS_membarrier, 1, 0, 0));
    OK("global expedited", syscall(SYS_membarrier, 2, 0, 0));
    OK("register global expedited", syscall(SYS_membarrier, 4, 0, 0));
    ERR("sync-core unregistered", syscall(SYS_membarrier, 32, 0, 0), EPERM);
    EQ("registrations", syscall(SYS_membarrier, 512, 0, 0), 4 | 16);
    ERR("two commands", syscall(SYS_membarrier, 3, 0, 0), EINVAL);
    ERR("unknown 1024", syscall(SYS_membarrier, 1024, 0, 0), EINVAL);
    ERR("private with flags", syscall(SYS_membarrier, 8, 1, 0), EINVAL);
    spin_stop = 1;
    pthread_join(th, NULL);
}

int main(void)
{
    ioprio_checks();
    mempolicy_checks();
    membarrier_checks();
    sched_attr_checks();
    return conf_done();
}
