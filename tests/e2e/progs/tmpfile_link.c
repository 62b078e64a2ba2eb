/* tmpfile_link DIR: O_TMPFILE in DIR (a --mount), written, then given a
 * name with linkat through /proc/self/fd; prints the linked size. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char src[64], dst[4096];
    struct stat st;
    int fd;

    if (argc != 2)
        return 2;
    fd = open(argv[1], O_TMPFILE | O_RDWR, 0600);
    if (fd < 0 || write(fd, "tmpdata", 7) != 7)
        return 3;
    snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
    snprintf(dst, sizeof(dst), "%s/linked", argv[1]);
    if (linkat(AT_FDCWD, src, AT_FDCWD, dst, AT_SYMLINK_FOLLOW) || stat(dst, &st))
        return 4;
    printf("linked size %ld\n", (long)st.st_size);
    return 0;
}
