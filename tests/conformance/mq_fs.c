/* mq_fs: the mqueue file system (mount -t mqueue): queues made by mq_open
 * listed as files (mode, size 80, the QSIZE line), open(O_CREAT) there
 * making a queue with the default attributes, unlink(2) there taking the
 * name, chmod, statfs's type, umount. Mounted on a scratch directory (the
 * host has no /dev/mqueue); skipped where mounting is not allowed. */
#include "conf.h"
#include <dirent.h>
#include <mqueue.h>
#include <sys/mount.h>
#include <sys/statfs.h>

static int listed(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (!strcmp(e->d_name, name))
            found = e->d_type == DT_REG ? 1 : 2;
    closedir(d);
    return found;
}

int main(void)
{
    const char *dir = conf_tmp("mqfs");
    char name[64], made[64], path[256], line[128] = { 0 };
    struct mq_attr at;
    struct statfs sf;
    struct stat st;
    int q, fd;

    snprintf(name, sizeof(name), "conf-mqfs-%d", getpid());
    snprintf(made, sizeof(made), "conf-mqfs-%d-made", getpid());
    MUST(mkdir(dir, 0755));
    if (mount("none", dir, "mqueue", 0, NULL) < 0) {
        rmdir(dir);
        conf_skip("cannot mount an mqueue file system here");
    }
    OK("statfs", statfs(dir, &sf));
    EQ("statfs_type", sf.f_type, 0x19800202);
    OK("stat_root", stat(dir, &st));
    EQO("root_mode", st.st_mode, S_IFDIR | 01777);

    MUST(q = syscall(SYS_mq_open, name, O_RDWR | O_CREAT | O_EXCL, 0640, NULL));
    EQ("listed", listed(dir, name), 1);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    OK("stat_queue", stat(path, &st));
    EQO("queue_mode", st.st_mode, S_IFREG | 0640);
    EQ("queue_size", st.st_size, 80);
    OK("send", syscall(SYS_mq_timedsend, q, "abcd", 4, 1, NULL));
    MUST(fd = open(path, O_RDONLY));
    EQ("read_line", read(fd, line, sizeof(line) - 1) > 0, 1);
    line[17] = 0;
    STREQ("line", line, "QSIZE:4          ");
    /* a queue opened by path works with the mq_* calls */
    OK("getattr_by_path", syscall(SYS_mq_getsetattr, fd, NULL, &at));
    EQ("curmsgs_by_path", at.mq_curmsgs, 1);
    close(fd);
    OK("chmod", chmod(path, 0600));
    OK("fstat_after_chmod", fstat(q, &st));
    EQO("mode_after_chmod", st.st_mode, S_IFREG | 0600);

    /* open(O_CREAT) in the directory makes a queue */
    snprintf(path, sizeof(path), "%s/%s", dir, made);
    MUST(fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600));
    OK("getattr_made", syscall(SYS_mq_getsetattr, fd, NULL, &at));
    EQ("made_maxmsg", at.mq_maxmsg, 10);
    EQ("made_msgsize", at.mq_msgsize, 8192);
    ERR("write_queue", write(fd, "x", 1), EINVAL);
    close(fd);
    {
        int m = syscall(SYS_mq_open, made, O_RDWR, 0, NULL);
        OK("mq_open_made", m);
        close(m);
    }
    OK("unlink_made", unlink(path));
    ERR("mq_open_after_unlink", syscall(SYS_mq_open, made, O_RDWR, 0, NULL), ENOENT);
    EQ("not_listed", listed(dir, made), 0);
    ERR("mkdir_in_mqueue", mkdir(path, 0755), EPERM);

    OK("mq_unlink", syscall(SYS_mq_unlink, name));
    EQ("unlisted", listed(dir, name), 0);
    close(q);
    OK("umount", umount(dir));
    OK("rmdir", rmdir(dir));
    return conf_done();
}
