/* mknod_nodes: mknod of FIFOs, sockets and regular files; devices need
 * CAP_MKNOD (EPERM as nobody); invalid types. */
#include "conf.h"
#include <sys/sysmacros.h>

static const char *dir;

static int as_nobody(void)
{
    if (conf_drop_to_nobody())
        return 90;
    ERR("as nobody: mknod char device", mknod(conf_join(dir, "chr"), S_IFCHR | 0600, makedev(1, 3)), EPERM);
    ERR("as nobody: mknod block device", mknod(conf_join(dir, "blk"), S_IFBLK | 0600, makedev(7, 0)), EPERM);
    OK("as nobody: mknod fifo", mknod(conf_join(dir, "nfifo"), S_IFIFO | 0600, 0));
    return conf_done();
}

int main(void)
{
    const char *d = conf_mkdtemp("mknod_nodes");
    const char *fifo = conf_join(d, "fifo"), *sock = conf_join(d, "sock"), *reg = conf_join(d, "reg");
    struct stat st;
    char buf[8];
    int fd;

    dir = d;
    MUST(chmod(d, 0777));
    OK("mknod S_IFIFO", mknod(fifo, S_IFIFO | 0640, 0));
    OK("  stat", stat(fifo, &st));
    TRUE("  is a FIFO", S_ISFIFO(st.st_mode));
    EQO("  mode", st.st_mode & 07777, 0640);
    EQ("  size 0", st.st_size, 0);
    OK("  open O_RDWR", fd = open(fifo, O_RDWR));
    EQ("  write", write(fd, "pipe", 4), 4);
    memset(buf, 0, sizeof(buf));
    EQ("  read back", read(fd, buf, sizeof(buf)), 4);
    STREQ("  data", buf, "pipe");
    ERR("  lseek", lseek(fd, 0, SEEK_SET), ESPIPE);
    close(fd);
    EQ("  size still 0 after use", (stat(fifo, &st), st.st_size), 0);
    ERR("mknod over existing", mknod(fifo, S_IFIFO | 0600, 0), EEXIST);
    OK("mkfifo", mkfifo(conf_join(d, "fifo2"), 0600));

    OK("mknod S_IFSOCK", mknod(sock, S_IFSOCK | 0600, 0));
    OK("  stat", stat(sock, &st));
    TRUE("  is a socket", S_ISSOCK(st.st_mode));
    ERR("  open", open(sock, O_RDONLY), ENXIO);

    OK("mknod S_IFREG", mknod(reg, S_IFREG | 0604, 0));
    OK("  stat", stat(reg, &st));
    TRUE("  regular, empty", S_ISREG(st.st_mode) && st.st_size == 0);
    EQO("  mode", st.st_mode & 07777, 0604);
    OK("mknod type 0 makes a regular file", mknod(conf_join(d, "reg0"), 0644, 0));
    TRUE("  regular", stat(conf_join(d, "reg0"), &st) == 0 && S_ISREG(st.st_mode));
    ERR("mknod S_IFDIR", mknod(conf_join(d, "dir"), S_IFDIR | 0755, 0), EPERM);
    ERR("mknod S_IFLNK", mknod(conf_join(d, "lnk"), S_IFLNK | 0777, 0), EINVAL);
    ERR("mknod bad type bits", mknod(conf_join(d, "bad"), 0170000 | 0644, 0), EINVAL);
    ERR("mknod missing parent", mknod(conf_join(d, "x/y"), S_IFIFO | 0600, 0), ENOENT);
    OK("mknodat with dirfd", ({ int dfd = open(d, O_RDONLY | O_DIRECTORY);
                                long r = mknodat(dfd, "fifo3", S_IFIFO | 0600, 0); close(dfd); r; }));
    OK("mknod umask applies", (umask(077), mknod(conf_join(d, "fifo4"), S_IFIFO | 0666, 0)));
    umask(022);
    EQO("  mode", (stat(conf_join(d, "fifo4"), &st), st.st_mode & 07777), 0600);
    EQ("child as nobody", conf_in_child(as_nobody), 0);
    conf_rmtree(d);
    return conf_done();
}
