/* tests/security/sys_fuzz.c: random system calls with hostile arguments.
 * The Sentry must answer every one (an errno, a signal to the caller, or a
 * result) and stay up: the attempt passes when every child ended (however
 * it ended) and the parent can still make calls afterwards.
 *
 * usage: sys_fuzz fuzz SEED CHILDREN CALLS [THREADS]
 *
 * Each child (THREADS threads, 1 by default) seeds a generator from SEED and
 * its index, ticks SIGALRM to each thread every 20 ms so a call that blocks
 * ends with EINTR, catches its own faults, sends its output to /dev/null,
 * and makes CALLS calls of random numbers (0..460 and a few out of range)
 * with arguments drawn from a pool of edge values: 0, -1, small ints, huge
 * values, NULL, 1, kernel addresses, a valid buffer (random bytes or a
 * path-like string), its own stack. Calls that would reach beyond the child
 * are left out: the ones that end or signal other processes (exit, kill
 * family, pidfd_send_signal), change the sandbox's mounts, make processes
 * or threads (clone, fork, vfork, exec), or set the CPU affinity and
 * limits of others (the fuzz parent is another process of the sandbox);
 * so are those that mostly just kill the child (munmap of its own text,
 * a garbage sigreturn frame...), to get further into each run. */
#include "sec.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static __thread uint64_t rng;
#define MAX_THREADS 8
static volatile uint64_t *shared; /* each thread's current call: nr, args (8 words) */

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int excluded(long nr)
{
    static const long no[] = {
        SYS_exit, SYS_exit_group, SYS_kill, SYS_tkill, SYS_tgkill, SYS_rt_sigqueueinfo,
        SYS_rt_tgsigqueueinfo, SYS_pidfd_send_signal, SYS_mount, SYS_umount2, SYS_pivot_root,
        SYS_move_mount, SYS_fsmount, SYS_clone, SYS_clone3, SYS_fork, SYS_vfork, SYS_execve,
        SYS_execveat, SYS_reboot, SYS_setpriority, SYS_sched_setaffinity, SYS_prlimit64,
        SYS_ioprio_set, SYS_setpgid, SYS_process_vm_writev, SYS_ptrace,
        SYS_pause, SYS_rt_sigsuspend, /* only wait for a signal: alarm ends them anyway */
        /* These mostly end the child at once (its own code, stack or TLS
         * gone), which leaves the other calls untried: */
        SYS_munmap, SYS_mremap, SYS_mprotect, SYS_madvise, SYS_brk, SYS_shmdt, SYS_arch_prctl,
        SYS_rt_sigreturn, SYS_rt_sigaction, SYS_sigaltstack, SYS_rt_sigprocmask,
        SYS_alarm, SYS_setitimer, SYS_timer_settime, SYS_timer_delete, /* would stop the
                                                           * ticks that end blocked calls */
    };
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (nr == no[i])
            return 1;
    return 0;
}

static uint64_t arg(char *buf, size_t len)
{
    char local;

    switch (next() % 16) {
    case 0: return 0;
    case 1: return (uint64_t)-1;
    case 2: return next() % 8;
    case 3: return next() % 4096;
    case 4: return next();
    case 5: return 1;
    case 6: return 0xffffffff80000000ULL + (next() & 0xffffff); /* kernel space */
    case 7: return 0x7fffffffe000ULL;                          /* the stub's page */
    case 8: return (uint64_t)(uintptr_t)buf;
    case 9: return (uint64_t)(uintptr_t)(buf + len - 1 - next() % 8); /* near the end */
    case 10: return (uint64_t)(uintptr_t)&local - 4096; /* below the stack in use */
    case 11: return 1ULL << (next() % 64);
    case 12: return (uint64_t)(int32_t)-(int64_t)(next() % 4096); /* -errno-like */
    case 13: return 0x7fffffffffffULL - (next() % 4096);
    case 14: return next() % 64;                                  /* an fd */
    default: return (uint64_t)(int)(next() % 1000) - 500;
    }
}

static void tick(int sig)
{
    (void)sig;
}

/* A fault (the child's own memory clobbered by a call) goes back to the
 * loop, up to a point, so one bad call does not end the run. */
static __thread sigjmp_buf again;
static _Atomic int faults;
static _Atomic int finished; /* threads done (not joined: a fuzzed set_tid_address
                              * would leave pthread_join waiting forever) */

static void fault(int sig)
{
    (void)sig;
    if (++faults > 50 * MAX_THREADS)
        _exit(3);
    siglongjmp(again, 1);
}

struct worker {
    uint64_t seed;
    int calls, slot;
};

/* One fuzzing thread: its own buffer, generator, fault return point and
 * record slot. */
static void *fuzz(void *wp)
{
    struct worker *w = wp;
    /* A mapping of its own, guarded: a call that writes past it faults
     * instead of clobbering the child's variables. */
    char *buf = mmap(NULL, 8192 + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    const size_t len = 8192;
    char *altstack = malloc(65536);
    volatile uint64_t *rec = shared + 8 * w->slot;
    volatile int i = 0;

    if (buf == MAP_FAILED || !altstack)
        return NULL;
    mprotect(buf + len, 4096, PROT_NONE);
    {
        /* This thread's own tick, so each thread's blocked calls end. */
        struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };
        struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } };
        timer_t tm;
        sev._sigev_un._tid = (int)syscall(SYS_gettid);
        if (timer_create(CLOCK_MONOTONIC, &sev, &tm) == 0)
            timer_settime(tm, 0, &its, NULL);
    }
    stack_t ss = { .ss_sp = altstack, .ss_size = 65536 };
    sigaltstack(&ss, NULL);
    rng = w->seed * 0x9e3779b97f4a7c15ULL + 1;
    sigsetjmp(again, 1);
    for (; i < w->calls; i++) {
        long nr = (long)(next() % 470);
        if (next() % 64 == 0)
            nr = (long)next(); /* far out of range */
        if (excluded(nr))
            continue;
        for (size_t j = 0; j < len; j++)
            buf[j] = (next() % 4) ? (char)("/tmp/abc."[next() % 9]) : (char)next();
        buf[len - 1] = 0;
        uint64_t a[6];
        for (int j = 0; j < 6; j++)
            a[j] = arg(buf, len);
        rec[0] = (uint64_t)nr;
        for (int j = 0; j < 6; j++)
            rec[1 + j] = a[j];
        syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    finished++;
    return NULL;
}

static void child(uint64_t seed, int calls, int threads)
{
    int fd = open("/dev/null", O_RDWR);
    struct sigaction sa = { .sa_handler = tick }; /* no SA_RESTART: blocked calls end EINTR */
    struct sigaction fa = { .sa_handler = fault, .sa_flags = SA_NODEFER | SA_ONSTACK };
    struct worker w[MAX_THREADS];
    pthread_t th[MAX_THREADS];

    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
    }
    sigaction(SIGALRM, &sa, NULL);
    sigaction(SIGSEGV, &fa, NULL);
    sigaction(SIGBUS, &fa, NULL);
    sigaction(SIGILL, &fa, NULL);
    sigaction(SIGFPE, &fa, NULL);
    for (int k = 0; k < threads; k++) {
        w[k] = (struct worker){ seed * MAX_THREADS + (uint64_t)k, calls, k };
        if (k && pthread_create(&th[k], NULL, fuzz, &w[k]))
            threads = k;
    }
    fuzz(&w[0]);
    while (finished < threads)
        usleep(1000);
    _exit(0);
}

int main(int argc, char **argv)
{
    int children, calls, threads, ended = 0, clean = 0, signalled = 0, bysig[65] = { 0 };
    char sigs[256] = "";
    uint64_t seed;
    struct timespec t0, t1;

    if ((argc != 5 && argc != 6) || strcmp(argv[1], "fuzz"))
        sec_skip("usage: sys_fuzz fuzz SEED CHILDREN CALLS [THREADS]");
    threads = argc == 6 ? atoi(argv[5]) : 1;
    if (threads < 1 || threads > MAX_THREADS)
        sec_skip("THREADS: 1 to %d", MAX_THREADS);
    seed = strtoull(argv[2], NULL, 0);
    shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        sec_skip("no shared memory: %s", strerror(errno));
    children = atoi(argv[3]);
    calls = atoi(argv[4]);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int c = 0; c < children; c++) {
        pid_t p = fork();
        int st;
        if (p < 0)
            sec_escape("fork failed after %d children: %s", c, strerror(errno));
        if (p == 0)
            child(seed + (uint64_t)c, calls, threads);
        /* The child may have made its own children (setsid, daemons...):
         * reap whatever ends; a child that outlives its alarm is killed. */
        for (int tries = 0;; tries++) {
            pid_t w = waitpid(p, &st, WNOHANG);
            if (w == p)
                break;
            if (w < 0)
                sec_escape("waitpid of child %d: %s", c, strerror(errno));
            if (tries == 300) { /* 3 s: stuck, or simply slow */
                for (int k = 0; k < threads; k++) {
                    volatile uint64_t *r = shared + 8 * k;
                    fprintf(stderr, "sys_fuzz: child %d thread %d last call %lu (%#lx, %#lx, %#lx, %#lx)\n",
                            c, k, (unsigned long)r[0], (unsigned long)r[1], (unsigned long)r[2],
                            (unsigned long)r[3], (unsigned long)r[4]);
                }
                {
                    char path[64], line[256];
                    FILE *f;
                    snprintf(path, sizeof(path), "/proc/%d/status", p);
                    if ((f = fopen(path, "r"))) {
                        while (fgets(line, sizeof(line), f))
                            if (!strncmp(line, "Sig", 3) || !strncmp(line, "ShdPnd", 6) ||
                                !strncmp(line, "State", 5))
                                fprintf(stderr, "    %s", line);
                        fclose(f);
                    }
                }
                kill(p, SIGKILL);
            }
            usleep(10000);
        }
        ended++;
        if (WIFEXITED(st))
            clean++;
        else {
            signalled++;
            bysig[WTERMSIG(st) & 63]++;
        }
    }
    for (int i = 1; i < 64; i++)
        if (bysig[i])
            snprintf(sigs + strlen(sigs), sizeof(sigs) - strlen(sigs), " %s:%d", strsignal(i),
                     bysig[i]);
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (getpid() <= 0 || t1.tv_sec < t0.tv_sec)
        sec_escape("the parent's calls fail after the fuzzing");
    sec_ok("%d children ended (%d exited, %d by a signal:%s); up to %d calls each", ended,
           clean, signalled, sigs, calls);
}
