/* sentry/fs/devfs.c: /dev: null, zero, full, random, urandom, tty, ptmx
 * (see devpts.c) on a tmpfs. */
#include "sentry/fs/fs.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sysmacros.h>

static long null_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    return 0;
}

static long sink_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    return (long)len;
}

static long zero_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    memset(buf, 0, len);
    return (long)len;
}

static long full_write(struct file *f, const void *buf, size_t len, uint64_t off)
{
    return -ENOSPC;
}

static long random_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = getrandom((char *)buf + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return done ? (long)done : -errno;
        }
        done += n;
    }
    return (long)len;
}

static const struct file_ops null_fops = {
    .flags = FOPS_WRITE_DISCARDS | FOPS_NOSEEK_ZERO, .read = null_read, .write = sink_write
};
static const struct file_ops zero_fops = {
    .flags = FOPS_WRITE_DISCARDS | FOPS_NOSEEK_ZERO, .read = zero_read, .write = sink_write
};
static const struct file_ops full_fops = {
    .flags = FOPS_NOSEEK_ZERO, .read = zero_read, .write = full_write
};
static const struct file_ops random_fops = {
    .flags = FOPS_NOSEEK_ZERO, .read = random_read, .write = sink_write
};

struct dentry *devfs_new(void)
{
    struct dentry *root = tmpfs_new("devtmpfs", 0755);
    struct inode *dir = root->inode;

    tmpfs_add(dir, "null", S_IFCHR | 0666, makedev(1, 3), &null_fops, NULL);
    tmpfs_add(dir, "zero", S_IFCHR | 0666, makedev(1, 5), &zero_fops, NULL);
    tmpfs_add(dir, "full", S_IFCHR | 0666, makedev(1, 7), &full_fops, NULL);
    tmpfs_add(dir, "random", S_IFCHR | 0666, makedev(1, 8), &random_fops, NULL);
    tmpfs_add(dir, "urandom", S_IFCHR | 0666, makedev(1, 9), &random_fops, NULL);
    tmpfs_add(dir, "tty", S_IFCHR | 0666, makedev(5, 0), &devpts_tty_fops, NULL);
    tmpfs_add(dir, "ptmx", S_IFCHR | 0666, makedev(5, 2), &devpts_ptmx_fops, NULL);
    tmpfs_add(dir, "fd", S_IFLNK | 0777, 0, NULL, "/proc/self/fd");
    tmpfs_add(dir, "stdin", S_IFLNK | 0777, 0, NULL, "/proc/self/fd/0");
    tmpfs_add(dir, "stdout", S_IFLNK | 0777, 0, NULL, "/proc/self/fd/1");
    tmpfs_add(dir, "stderr", S_IFLNK | 0777, 0, NULL, "/proc/self/fd/2");
    tmpfs_add(dir, "shm", S_IFDIR | 01777, 0, NULL, NULL);
    tmpfs_add(dir, "pts", S_IFDIR | 0755, 0, NULL, NULL);
    return root;
}
