/* tests/e2e/progs/forkmany.c: fork N children that sleep 2 s; count how many forks
 * succeed and how many fail with EAGAIN (sbx run --pids). */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 200, ok = 0, eagain = 0, other = 0;
    for (int i = 0; i < n; i++) {
        pid_t p = fork();
        if (p == 0) { sleep(2); _exit(0); }
        if (p > 0) ok++; else if (errno == EAGAIN) eagain++; else { other++; printf("err %s\n", strerror(errno)); }
    }
    while (wait(NULL) > 0) ;
    printf("ok=%d eagain=%d other=%d\n", ok, eagain, other);
    return 0;
}
