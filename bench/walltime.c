/*
 * walltime: run a command R times (stdout and stderr to /dev/null) and print
 * the median, min and max wall time in ms: "MEDIAN MIN MAX". One extra
 * untimed run first warms the page cache.
 *
 * usage: walltime R CMD [ARG...]
 * Exits 1 if any run fails to start or exits non-zero.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int r = argc > 2 ? atoi(argv[1]) : 0, i, status;
    long long *t, t0, med;
    pid_t pid;

    if (r <= 0) {
        fprintf(stderr, "usage: walltime R CMD [ARG...]\n");
        return 2;
    }
    t = calloc(r, sizeof(*t));
    if (!t)
        return 1;
    for (i = -1; i < r; i++) {
        t0 = now_ns();
        pid = fork();
        if (pid < 0) {
            perror("walltime: fork");
            return 1;
        }
        if (pid == 0) {
            int fd = open("/dev/null", O_RDWR);

            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
            }
            execvp(argv[2], argv + 2);
            _exit(127);
        }
        if (waitpid(pid, &status, 0) < 0) {
            perror("walltime: waitpid");
            return 1;
        }
        if (i >= 0)
            t[i] = now_ns() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status)) {
            fprintf(stderr, "walltime: `%s` failed (status 0x%x)\n", argv[2],
                    status);
            return 1;
        }
    }
    qsort(t, r, sizeof(*t), cmp_ll);
    med = r % 2 ? t[r / 2] : (t[r / 2 - 1] + t[r / 2]) / 2;
    printf("%.2f %.2f %.2f\n", med / 1e6, t[0] / 1e6, t[r - 1] / 1e6);
    return 0;
}
