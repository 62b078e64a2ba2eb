/* open: open(2), openat(2) and close(2): flags, errors, fd numbering. */
#include "conf.h"
#include <limits.h>
#include <sys/stat.h>

int main(void)
{
    const char *tmp = conf_tmp("open");
    char longp[PATH_MAX + 16], longc[300];
    int fd, fd2, dfd;
    struct stat st;

    MUST(chdir("/"));
    fd = open("/etc/os-release", O_RDONLY);
    OK("open /etc/os-release", fd);
    TRUE("fd>=3", fd >= 3);
    OK("close", close(fd));
    ERR("close again", close(fd), EBADF);
    ERR("close -1", close(-1), EBADF);
    fd2 = open("/etc/passwd", O_RDONLY);
    EQ("lowest fd reused", fd2 == fd, 1);
    close(fd2);

    ERR("ENOENT", open("/nonexistent-conf", O_RDONLY), ENOENT);
    ERR("ENOENT deep", open("/etc/nonexistent/x", O_RDONLY), ENOENT);
    ERR("ENOTDIR", open("/etc/passwd/x", O_RDONLY), ENOTDIR);
    ERR("empty path", open("", O_RDONLY), ENOENT);
    ERR("bad path pointer", open(BADPTR, O_RDONLY), EFAULT);
    ERR("dir O_WRONLY", open("/tmp", O_WRONLY), EISDIR);
    ERR("dir O_RDWR", open("/tmp", O_RDWR), EISDIR);
    ERR("dir O_CREAT", open("/tmp/", O_RDONLY | O_CREAT, 0600), EISDIR);
    ERR("file O_DIRECTORY", open("/etc/passwd", O_RDONLY | O_DIRECTORY),
        ENOTDIR);
    ERR("file trailing slash", open("/etc/passwd/", O_RDONLY), ENOTDIR);
    fd = open("/", O_RDONLY | O_DIRECTORY);
    OK("/ O_DIRECTORY", fd);
    close(fd);
    ERR("O_NOFOLLOW on symlink", open("/etc/os-release", O_RDONLY | O_NOFOLLOW),
        ELOOP);
    memset(longp, 'a', sizeof(longp) - 1);
    longp[0] = '/';
    longp[sizeof(longp) - 1] = 0;
    ERR("path > PATH_MAX", open(longp, O_RDONLY), ENAMETOOLONG);
    longc[0] = '/';
    memset(longc + 1, 'b', sizeof(longc) - 2);
    longc[sizeof(longc) - 1] = 0;
    ERR("component > NAME_MAX", open(longc, O_RDONLY), ENAMETOOLONG);

    /* Creation in /tmp. */
    unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0640);
    OK("O_CREAT|O_EXCL new", fd);
    EQ("write", write(fd, "12345", 5), 5);
    close(fd);
    ERR("O_CREAT|O_EXCL exists", open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600),
        EEXIST);
    fd = open(tmp, O_WRONLY | O_CREAT, 0600);
    OK("O_CREAT exists", fd);
    MUST(fstat(fd, &st));
    EQ("size kept", st.st_size, 5);
    EQO("mode from first create", st.st_mode & 07777, 0640);
    close(fd);
    fd = open(tmp, O_RDWR | O_TRUNC);
    MUST(fstat(fd, &st));
    EQ("O_TRUNC size", st.st_size, 0);
    close(fd);
    ERR("O_CREAT missing parent", open("/tmp/conf-no-such-dir/x",
                                       O_WRONLY | O_CREAT, 0600), ENOENT);

    /* openat. */
    fd = openat(AT_FDCWD, "etc/passwd", O_RDONLY);
    OK("openat AT_FDCWD relative (cwd /)", fd);
    close(fd);
    dfd = open("/etc", O_RDONLY | O_DIRECTORY);
    fd = openat(dfd, "passwd", O_RDONLY);
    OK("openat dirfd relative", fd);
    ERR("openat file as dirfd", openat(fd, "x", O_RDONLY), ENOTDIR);
    close(fd);
    fd = openat(dfd, "../etc/./passwd", O_RDONLY);
    OK("openat dotdot", fd);
    close(fd);
    ERR("openat bad dirfd relative", openat(-5, "passwd", O_RDONLY), EBADF);
    ERR("openat closed dirfd", openat(999, "passwd", O_RDONLY), EBADF);
    fd = openat(-5, "/etc/passwd", O_RDONLY);
    OK("openat bad dirfd absolute", fd);
    close(fd);
    ERR("openat ENOENT", openat(dfd, "no-such-file", O_RDONLY), ENOENT);
    close(dfd);
    fd = open(tmp, O_RDONLY | O_CLOEXEC);
    EQ("O_CLOEXEC sets FD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
    close(fd);
    OK("unlink", unlink(tmp));
    ERR("open after unlink", open(tmp, O_RDONLY), ENOENT);
    return conf_done();
}
