/* fcntl_notify: F_NOTIFY (dnotify) without event bits drops a watch and
 * succeeds on any file, even with DN_MULTISHOT or high bits in the 64-bit
 * argument (python's test_fcntl_64_bit); events on a non-directory are
 * ENOTDIR. Asking a directory for events is not checked: the sandbox has
 * no dnotify. */
#include "conf.h"

int main(void)
{
    const char *d = conf_mkdtemp("fcntl_notify");
    int dfd, fd;

    MUST(dfd = open(d, O_RDONLY | O_DIRECTORY));
    MUST(fd = open(conf_join(d, "f"), O_RDWR | O_CREAT, 0644));
    OK("directory, DN_MULTISHOT alone", fcntl(dfd, F_NOTIFY, DN_MULTISHOT));
    OK("directory, no bits", fcntl(dfd, F_NOTIFY, 0));
    OK("directory, high bits of the long ignored", syscall(SYS_fcntl, dfd, F_NOTIFY, (1UL << 40) | DN_MULTISHOT));
    OK("file, no bits", fcntl(fd, F_NOTIFY, 0));
    ERR("file, DN_CREATE", fcntl(fd, F_NOTIFY, DN_CREATE), ENOTDIR);
    ERR("bad fd", fcntl(-1, F_NOTIFY, 0), EBADF);
    close(fd);
    close(dfd);
    conf_rmtree(d);
    return conf_done();
}
