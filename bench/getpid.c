/* getpid: time N raw getpid syscalls and print the cost of one in ns. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    long long t0, t1;
    long i, sum = 0;

    if (n <= 0) {
        fprintf(stderr, "usage: getpid [N > 0]\n");
        return 2;
    }
    for (i = 0; i < n / 10 + 1; i++) /* warm up */
        sum += syscall(SYS_getpid);
    t0 = now_ns();
    for (i = 0; i < n; i++)
        sum += syscall(SYS_getpid);
    t1 = now_ns();
    if (sum <= 0) {
        fprintf(stderr, "getpid: bad result\n");
        return 1;
    }
    printf("%.1f\n", (double)(t1 - t0) / n);
    return 0;
}
