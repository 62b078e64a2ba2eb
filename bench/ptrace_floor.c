/*
 * ptrace_floor: the cost of one emulated syscall with nothing in between:
 * a traced child loops on getpid; the parent does what the Sentry does per
 * syscall (PTRACE_SYSEMU, waitpid, GETREGS, set rax, SETREGS) and prints ns
 * per round trip.
 *
 * usage: ptrace_floor same|cross|free [N]
 *   same   parent and child pinned to the CPU the parent is running on
 *   cross  parent and child pinned to two different CPUs
 *   free   no pinning (the scheduler decides)
 * Exits 77 when `cross` is asked for on a machine with one usable CPU.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int pin(int cpu)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof(set), &set);
}

/* One SYSEMU round trip; returns 0 or -errno. */
static int round_trip(pid_t child)
{
    struct user_regs_struct regs;
    int status;

    if (ptrace(PTRACE_SYSEMU, child, 0, 0) < 0)
        return -errno;
    if (waitpid(child, &status, __WALL) < 0)
        return -errno;
    if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP)
        return -EPROTO;
    if (ptrace(PTRACE_GETREGS, child, 0, &regs) < 0)
        return -errno;
    regs.rax = 4242; /* the emulated getpid's result */
    if (ptrace(PTRACE_SETREGS, child, 0, &regs) < 0)
        return -errno;
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "same";
    long n = argc > 2 ? atol(argv[2]) : 20000;
    int here = sched_getcpu(), there = -1, status, err = 0;
    cpu_set_t allowed;
    long long t0, t1;
    pid_t child;
    long i;

    if (n <= 0 || (strcmp(mode, "same") && strcmp(mode, "cross") &&
                   strcmp(mode, "free"))) {
        fprintf(stderr, "usage: ptrace_floor same|cross|free [N > 0]\n");
        return 2;
    }
    if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0 || here < 0) {
        perror("ptrace_floor: affinity");
        return 1;
    }
    if (!strcmp(mode, "same")) {
        there = here;
    } else if (!strcmp(mode, "cross")) {
        for (i = 0; i < CPU_SETSIZE && there < 0; i++)
            if (i != here && CPU_ISSET(i, &allowed))
                there = i;
        if (there < 0) {
            printf("skip: only one usable CPU\n");
            return 77;
        }
    }
    if (there >= 0 && pin(here) < 0) {
        perror("ptrace_floor: pin parent");
        return 1;
    }

    child = fork();
    if (child < 0) {
        perror("ptrace_floor: fork");
        return 1;
    }
    if (child == 0) {
        if (there >= 0 && pin(there) < 0)
            _exit(1);
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
            _exit(1);
        raise(SIGSTOP);
        for (;;)
            syscall(SYS_getpid);
    }

    if (waitpid(child, &status, __WALL) < 0 || !WIFSTOPPED(status)) {
        fprintf(stderr, "ptrace_floor: child did not stop\n");
        kill(child, SIGKILL);
        return 1;
    }
    ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_EXITKILL);

    for (i = 0; i < n / 10 + 100 && !err; i++) /* warm up */
        err = round_trip(child);
    t0 = now_ns();
    for (i = 0; i < n && !err; i++)
        err = round_trip(child);
    t1 = now_ns();

    kill(child, SIGKILL);
    waitpid(child, &status, __WALL);
    if (err) {
        fprintf(stderr, "ptrace_floor: round trip: %s\n", strerror(-err));
        return 1;
    }
    printf("%.1f\n", (double)(t1 - t0) / n);
    return 0;
}
