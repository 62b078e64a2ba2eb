/* umask: umask(2) round trips and its effect on created modes. */
#include "conf.h"
#include <sys/stat.h>

static long created_mode(const char *p, mode_t m, int dir)
{
    struct stat st;
    int fd;

    if (dir) {
        if (mkdir(p, m))
            return -1;
    } else {
        if ((fd = open(p, O_WRONLY | O_CREAT | O_EXCL, m)) < 0)
            return -1;
        close(fd);
    }
    if (stat(p, &st))
        return -1;
    dir ? rmdir(p) : unlink(p);
    return st.st_mode & 07777;
}

int main(void)
{
    const char *f = conf_tmp("umask"), *d = conf_tmp("umask-dir");

    umask(027);
    EQO("umask returns previous", umask(022), 027);
    EQO("umask again", umask(022), 022);
    EQO("file 0666 under 022", created_mode(f, 0666, 0), 0644);
    EQO("dir 0777 under 022", created_mode(d, 0777, 1), 0755);
    umask(077);
    EQO("file 0666 under 077", created_mode(f, 0666, 0), 0600);
    EQO("dir 0777 under 077", created_mode(d, 0777, 1), 0700);
    umask(0);
    EQO("file 0666 under 0", created_mode(f, 0666, 0), 0666);
    EQO("file 04755 under 0 (setuid kept)", created_mode(f, 04755, 0), 04755);
    EQO("dir 01777 under 0 (sticky kept)", created_mode(d, 01777, 1), 01777);
    umask(0777);
    EQO("file 0666 under 0777", created_mode(f, 0666, 0), 0);
    EQO("umask high bits dropped", umask(07777), 0777);
    EQO("set with high bits reads back 0777", umask(022), 0777);
    EQO("raw umask", syscall(SYS_umask, 022), 022);

    /* chmod and fchmod ignore the umask. */
    umask(077);
    {
        struct stat st;
        int fd = open(f, O_WRONLY | O_CREAT | O_EXCL, 0600);
        MUST(fd);
        OK("fchmod 0666", fchmod(fd, 0666));
        MUST(fstat(fd, &st));
        EQO("fchmod ignores umask", st.st_mode & 07777, 0666);
        OK("chmod 0755", chmod(f, 0755));
        MUST(stat(f, &st));
        EQO("chmod ignores umask", st.st_mode & 07777, 0755);
        ERR("chmod ENOENT", chmod("/tmp/conf-no-such-file", 0644), ENOENT);
        ERR("fchmod bad fd", fchmod(-1, 0644), EBADF);
        close(fd);
        unlink(f);
    }
    umask(022);
    return conf_done();
}
