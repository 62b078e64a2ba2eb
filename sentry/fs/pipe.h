/* sentry/fs/pipe.h: anonymous pipes. */
#ifndef SB_SENTRY_FS_PIPE_H
#define SB_SENTRY_FS_PIPE_H

#include <stdbool.h>

#include "sentry/vfs/vfs.h"

int pipe_create(struct file **rd, struct file **wr, int flags);
bool pipe_is(struct file *f);
/* open(2) of a named pipe (inode ino) as Linux: readers wait for a writer
 * and writers for a reader unless O_NONBLOCK (a writer then gets ENXIO);
 * O_RDWR never waits. Sets f's ops and priv. */
int pipe_fifo_open(struct inode *ino, struct file *f);
int pipe_nread(struct file *f);
long pipe_get_size(struct file *f);
/* splice, tee and vmsplice: a pipe end's read (peek: leave the bytes
 * there) and write, non-blocking if asked or if the end is; the free room;
 * whether two ends are of one pipe. */
long pipe_read_flags(struct file *f, void *buf, size_t n, bool nonblock, bool peek);
long pipe_write_flags(struct file *f, const void *buf, size_t n, bool nonblock);
size_t pipe_room(struct file *f);
bool pipe_same(struct file *a, struct file *b);
long pipe_set_size(struct file *f, unsigned long want);

#endif
