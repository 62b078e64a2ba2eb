/* clockloop N: N clock_gettime, gettimeofday and time calls each (through
 * the vDSO, where there is one); prints "done". */
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000;
    volatile long sink = 0;
    struct timespec ts;
    struct timeval tv;

    for (long i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        gettimeofday(&tv, NULL);
        sink += ts.tv_nsec + tv.tv_usec + time(NULL);
    }
    printf("done\n");
    return 0;
}
