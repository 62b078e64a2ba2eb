/* clock: time N clock_gettime(CLOCK_MONOTONIC) calls through libc (the
 * vDSO, where there is one) and print the cost of one in ns. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    long long t0, t1, sum = 0;
    struct timespec ts;
    long i;

    if (n <= 0) {
        fprintf(stderr, "usage: clock [N > 0]\n");
        return 2;
    }
    for (i = 0; i < n / 10 + 1; i++) { /* warm up */
        clock_gettime(CLOCK_MONOTONIC, &ts);
        sum += ts.tv_nsec;
    }
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        sum += ts.tv_nsec;
    }
    t1 = now_ns();
    if (sum < 0) {
        fprintf(stderr, "clock: bad result\n");
        return 1;
    }
    printf("%.1f\n", (double)(t1 - t0) / n);
    return 0;
}
