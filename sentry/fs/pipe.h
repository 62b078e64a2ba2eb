/* sentry/fs/pipe.h: anonymous pipes. */
#ifndef SB_SENTRY_FS_PIPE_H
#define SB_SENTRY_FS_PIPE_H

#include <stdbool.h>

#include "sentry/vfs/vfs.h"

int pipe_create(struct file **rd, struct file **wr, int flags);
bool pipe_is(struct file *f);
int pipe_nread(struct file *f);
long pipe_get_size(struct file *f);
long pipe_set_size(struct file *f, unsigned long want);

#endif
