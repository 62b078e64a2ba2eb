/* sync_calls: fsync, fdatasync, syncfs, sync_file_range and sync on files,
 * directories, pipes and bad descriptors. */
#include "conf.h"

int main(void)
{
    const char *d = conf_mkdtemp("sync_calls");
    const char *f = conf_join(d, "f");
    int fd, ro, dfd, p[2];

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    MUST(write(fd, "data", 4));
    ro = open(f, O_RDONLY);
    dfd = open(d, O_RDONLY | O_DIRECTORY);
    MUST(pipe(p));
    OK("fsync file", fsync(fd));
    OK("fsync O_RDONLY file", fsync(ro));
    OK("fsync dir", fsync(dfd));
    OK("fdatasync file", fdatasync(fd));
    OK("fdatasync dir", fdatasync(dfd));
    ERR("fsync pipe", fsync(p[1]), EINVAL);
    ERR("fdatasync pipe", fdatasync(p[0]), EINVAL);
    ERR("fsync bad fd", fsync(-1), EBADF);
    ERR("fsync closed fd", fsync(999), EBADF);
    OK("syncfs", syncfs(fd));
    ERR("syncfs bad fd", syncfs(-1), EBADF);
    sync();
    printf("sync returned\n");
    OK("sync_file_range WRITE", sync_file_range(fd, 0, 4, SYNC_FILE_RANGE_WRITE));
    OK("sync_file_range all flags", sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE |
                                    SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER));
    OK("sync_file_range flags 0", sync_file_range(fd, 0, 0, 0));
    OK("sync_file_range past EOF", sync_file_range(fd, 1 << 20, 4096, SYNC_FILE_RANGE_WRITE));
    ERR("sync_file_range bad flags", sync_file_range(fd, 0, 0, 0x8), EINVAL);
    ERR("sync_file_range negative offset", sync_file_range(fd, -1, 0, 0), EINVAL);
    ERR("sync_file_range negative length", sync_file_range(fd, 0, -1, 0), EINVAL);
    ERR("sync_file_range pipe", sync_file_range(p[1], 0, 0, SYNC_FILE_RANGE_WRITE), ESPIPE);
    ERR("sync_file_range bad fd", sync_file_range(-1, 0, 0, 0), EBADF);
    close(p[0]);
    close(p[1]);
    close(ro);
    close(dfd);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
