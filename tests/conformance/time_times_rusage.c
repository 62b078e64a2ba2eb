/* time_times_rusage: times() and getrusage() account CPU time to the right
 * place: self, a thread, children only once waited for; CPU clocks agree;
 * page faults are counted; errors. */
#include "conf.h"
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>

static double tv(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }
static double ts(struct timespec t) { return t.tv_sec + t.tv_nsec / 1e9; }

/* Spin until this thread has used `secs` more CPU. */
static void burn(double secs)
{
    struct timespec a, b;
    volatile unsigned long x = 0;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    do {
        for (int i = 0; i < 100000; i++)
            x += i;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    } while (ts(b) - ts(a) < secs);
}

static double thread_self_cpu;
static void *burner(void *arg)
{
    struct rusage ru;

    burn(0.1);
    getrusage(RUSAGE_THREAD, &ru);
    thread_self_cpu = tv(ru.ru_utime) + tv(ru.ru_stime);
    return NULL;
}

int main(void)
{
    struct tms t0, t1;
    struct rusage ru, ru2;
    struct timespec c0, c1;
    clock_t r0, r1;
    pid_t pid;
    int st;

    EQ("sysconf(_SC_CLK_TCK)", sysconf(_SC_CLK_TCK), 100);
    r0 = times(&t0);
    TRUE("times() returns a tick count", r0 != (clock_t)-1);
    EQ("no children's time yet", t0.tms_cutime + t0.tms_cstime, 0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    burn(0.2);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    r1 = times(&t1);
    TRUE("process CPU clock advanced >= 0.2 s", ts(c1) - ts(c0) >= 0.2);
    TRUE("times: user+sys grew by >= 10 ticks", (t1.tms_utime + t1.tms_stime) - (t0.tms_utime + t0.tms_stime) >= 10);
    TRUE("times: elapsed ticks grew", r1 > r0);
    OK("getrusage SELF", getrusage(RUSAGE_SELF, &ru));
    TRUE("ru_utime + ru_stime >= 0.2 s", tv(ru.ru_utime) + tv(ru.ru_stime) >= 0.19);
    TRUE("mostly user time", tv(ru.ru_utime) >= 0.1);
    TRUE("ru_maxrss > 0", ru.ru_maxrss > 0);

    /* A thread's own time, and the process total including it. */
    {
        pthread_t t;
        double before = tv(ru.ru_utime) + tv(ru.ru_stime);
        pthread_create(&t, NULL, burner, NULL);
        pthread_join(t, NULL);
        TRUE("RUSAGE_THREAD in the thread: >= 0.1 s", thread_self_cpu >= 0.09);
        getrusage(RUSAGE_THREAD, &ru2);
        TRUE("main's RUSAGE_THREAD excludes it", tv(ru2.ru_utime) + tv(ru2.ru_stime) < before + 0.09);
        getrusage(RUSAGE_SELF, &ru2);
        TRUE("RUSAGE_SELF includes it", tv(ru2.ru_utime) + tv(ru2.ru_stime) >= before + 0.09);
    }

    /* Children: counted once waited for. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        burn(0.2);
        _exit(0);
    }
    {
        siginfo_t si;
        MUST(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
    }
    getrusage(RUSAGE_CHILDREN, &ru);
    TRUE("exited but not waited for: not in RUSAGE_CHILDREN", tv(ru.ru_utime) + tv(ru.ru_stime) < 0.1);
    MUST(waitpid(pid, &st, 0));
    getrusage(RUSAGE_CHILDREN, &ru);
    TRUE("after waiting: RUSAGE_CHILDREN >= 0.2 s", tv(ru.ru_utime) + tv(ru.ru_stime) >= 0.19);
    times(&t1);
    TRUE("times: children's ticks >= 19", t1.tms_cutime + t1.tms_cstime >= 19);
    TRUE("RUSAGE_CHILDREN maxrss > 0", ru.ru_maxrss > 0);

    /* Minor faults: touching fresh pages counts. */
    {
        long before;
        char *m = mmap(NULL, 256 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        madvise(m, 256 * 4096, MADV_NOHUGEPAGE);
        getrusage(RUSAGE_SELF, &ru);
        before = ru.ru_minflt;
        for (int i = 0; i < 256; i++)
            m[i * 4096] = 1;
        getrusage(RUSAGE_SELF, &ru);
        TRUE("256 fresh pages: >= 128 more minor faults", ru.ru_minflt - before >= 128);
        munmap(m, 256 * 4096);
    }

    /* Clocks of others. */
    {
        clockid_t cid;
        struct timespec x;
        EQ("clock_getcpuclockid(0)", clock_getcpuclockid(0, &cid), 0);
        OK("reading it", clock_gettime(cid, &x));
        TRUE("it matches PROCESS_CPUTIME roughly", ts(x) >= ts(c1));
        EQ("pthread_getcpuclockid(self)", pthread_getcpuclockid(pthread_self(), &cid), 0);
        OK("reading it", clock_gettime(cid, &x));
    }

    ERR("getrusage unknown who", getrusage(42, &ru), EINVAL);
    ERR("getrusage bad pointer", getrusage(RUSAGE_SELF, BADPTR), EFAULT);
    return conf_done();
}
