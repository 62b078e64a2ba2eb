/* shared_map DIR: MAP_SHARED of a file in DIR (a --mount of a host
 * directory): read() sees the mapping, the mapping sees write(), another
 * process's mapping shares the pages, and msync/munmap reach the host. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char path[4096], b[16] = { 0 };
    char *m;
    int fd;

    if (argc != 2)
        return 2;
    snprintf(path, sizeof(path), "%s/mapped", argv[1]);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, 8192))
        return 3;
    m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return 4;
    memcpy(m, "via-map", 7);
    if (pread(fd, b, 7, 0) != 7)
        return 5;
    printf("read sees the mapping: %s\n", b);
    if (pwrite(fd, "WRITE", 5, 4096) != 5)
        return 6;
    printf("the mapping sees write: %.5s\n", m + 4096);
    if (fork() == 0) {
        int f2 = open(path, O_RDWR);
        char *m2 = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, f2, 0);
        if (m2 == MAP_FAILED)
            _exit(1);
        memcpy(m2 + 100, "child", 5);
        munmap(m2, 8192);
        _exit(0);
    }
    wait(NULL);
    printf("another process's writes: %.5s\n", m + 100);
    memcpy(m + 200, "synced", 6);
    if (msync(m, 8192, MS_SYNC))
        return 7;
    memcpy(m + 300, "unmapped", 8);
    munmap(m, 8192);
    close(fd);
    return 0;
}
