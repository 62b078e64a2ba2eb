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
long pipe_set_size(struct file *f, unsigned long want);

#endif
