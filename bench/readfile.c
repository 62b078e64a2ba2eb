/*
 * readfile: read PATH from start to end R times in 64 KiB chunks (open,
 * read..., close each time) and print "NS_TOTAL BYTES_TOTAL".
 *
 * usage: readfile PATH [R]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static char buf[64 << 10];

int main(int argc, char **argv)
{
    int r = argc > 2 ? atoi(argv[2]) : 100, i, fd;
    long long t0, t1, total = 0;
    ssize_t got;

    if (argc < 2 || r <= 0) {
        fprintf(stderr, "usage: readfile PATH [R > 0]\n");
        return 2;
    }
    t0 = now_ns();
    for (i = 0; i < r; i++) {
        fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            perror("readfile: open");
            return 1;
        }
        while ((got = read(fd, buf, sizeof(buf))) > 0)
            total += got;
        close(fd);
        if (got < 0) {
            perror("readfile: read");
            return 1;
        }
    }
    t1 = now_ns();
    if (total == 0) {
        fprintf(stderr, "readfile: %s is empty\n", argv[1]);
        return 1;
    }
    printf("%lld %lld\n", t1 - t0, total);
    return 0;
}
