/* procfs_fd: /proc/self/fd/N links name the open file; reopening them gives
 * the same inode (even with another access mode); fdinfo pos and flags;
 * pipes and unlinked files; the fd directory lists open descriptors. */
#include "conf.h"

static int same_file(int a, int b)
{
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static long fdinfo(int fd, const char *key, int base)
{
    char p[64], buf[1024], *s;
    int f;
    long n;

    snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
    if ((f = open(p, O_RDONLY)) < 0)
        return -1;
    n = read(f, buf, sizeof(buf) - 1);
    close(f);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    s = strstr(buf, key);
    return s ? strtol(s + strlen(key), NULL, base) : -2;
}

int main(void)
{
    const char *d = conf_mkdtemp("procfs_fd");
    const char *f = conf_join(d, "f");
    char p[64], lnk[512];
    int fd, fd2, pp[2], n, found;

    MUST(fd = open(f, O_WRONLY | O_CREAT | O_APPEND, 0644));
    MUST(write(fd, "0123456789", 10));
    snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
    memset(lnk, 0, sizeof(lnk));
    EQ("readlink length", readlink(p, lnk, sizeof(lnk)), strlen(f));
    TRUE("readlink names the file", !strcmp(lnk, f));
    OK("reopen O_RDONLY (original is O_WRONLY)", fd2 = open(p, O_RDONLY));
    TRUE("  same inode", same_file(fd, fd2));
    EQ("  own offset, starts at 0", lseek(fd2, 0, SEEK_CUR), 0);
    {
        char buf[16] = "";
        EQ("  readable", read(fd2, buf, sizeof(buf)), 10);
    }
    close(fd2);
    EQ("fdinfo pos", fdinfo(fd, "pos:", 10), 10);
    MUST(lseek(fd, 3, SEEK_SET));
    EQ("fdinfo pos after lseek", fdinfo(fd, "pos:", 10), 3);
    EQ("fdinfo flags: O_APPEND", fdinfo(fd, "flags:", 8) & O_APPEND, O_APPEND);
    EQ("fdinfo flags: access mode", fdinfo(fd, "flags:", 8) & O_ACCMODE, O_WRONLY);
    MUST(fcntl(fd, F_SETFD, FD_CLOEXEC));
    EQ("fdinfo flags: O_CLOEXEC", fdinfo(fd, "flags:", 8) & O_CLOEXEC, O_CLOEXEC);
    ERR("fdinfo of a closed fd", open("/proc/self/fdinfo/999", O_RDONLY), ENOENT);
    ERR("fd link of a closed fd", readlink("/proc/self/fd/999", lnk, sizeof(lnk)), ENOENT);

    MUST(pipe(pp));
    snprintf(p, sizeof(p), "/proc/self/fd/%d", pp[0]);
    memset(lnk, 0, sizeof(lnk));
    n = readlink(p, lnk, sizeof(lnk));
    TRUE("pipe link is pipe:[N]", n > 7 && !strncmp(lnk, "pipe:[", 6) && lnk[n - 1] == ']');
    OK("reopen the pipe's read end for writing", fd2 = open(p, O_WRONLY));
    EQ("  write into the pipe", write(fd2, "x", 1), 1);
    {
        char c = 0;
        EQ("  read from the original end", read(pp[0], &c, 1), 1);
    }
    close(fd2);

    memset(lnk, 0, sizeof(lnk));
    n = readlink("/proc/self/fd/0", lnk, sizeof(lnk));
    STREQ("stdin link (run with stdin /dev/null)", lnk, "/dev/null");
    /* The fd directory lists exactly the open descriptors we know of. */
    {
        char buf[4096];
        int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
        long r;
        found = 0;
        while (dfd >= 0 && (r = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0)
            for (long off = 0; off < r; off += *(unsigned short *)(buf + off + 16)) {
                int k = atoi(buf + off + 19);
                found += (k == fd || k == pp[0] || k == pp[1]);
            }
        EQ("fd dir lists our three descriptors", found, 3);
        close(dfd);
    }
    MUST(unlink(f));
    memset(lnk, 0, sizeof(lnk));
    snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
    readlink(p, lnk, sizeof(lnk));
    TRUE("unlinked: \" (deleted)\" suffix", strlen(lnk) > 10 && !strcmp(lnk + strlen(lnk) - 10, " (deleted)"));
    OK("unlinked file still reopens", fd2 = open(p, O_RDONLY));
    TRUE("  same inode", same_file(fd, fd2));
    close(fd2);
    close(fd);
    close(pp[0]);
    close(pp[1]);
    conf_rmtree(d);
    return conf_done();
}
