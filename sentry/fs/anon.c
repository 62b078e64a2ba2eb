/* sentry/fs/anon.c: files with no name (eventfd, timerfd, signalfd, epoll):
 * an inode of their own on an "anon_inodefs" super named after the kind,
 * which /proc/PID/fd shows as anon_inode:[kind]. */
#include "sentry/fs/fs.h"

#include <fcntl.h>

struct file *anon_file_new(struct super *sb, const struct file_ops *fops, int flags, void *priv)
{
    static uint64_t ino_no = 100000;
    struct inode *ino;
    struct file *f;

    ino = inode_new(sb, NULL, fops, 0600, /* anon inode: no type bits */
                    __atomic_add_fetch(&ino_no, 1, __ATOMIC_RELAXED));
    f = file_new(NULL, ino, flags);
    inode_put(ino);
    f->priv = priv;
    f->fmode |= FILE_STREAM;
    return f;
}
