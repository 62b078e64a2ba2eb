/* lib/cleanup.h: scope-bound cleanup helpers for locals. */
#ifndef SB_LIB_CLEANUP_H
#define SB_LIB_CLEANUP_H

#include <stdlib.h>
#include <unistd.h>

static inline void sb_freep(void *p) { free(*(void **)p); }
static inline void sb_closep(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

#define _cleanup_free_ __attribute__((cleanup(sb_freep)))
#define _cleanup_close_ __attribute__((cleanup(sb_closep)))

/* Hand an fd out of a _cleanup_close_ local. */
static inline int steal_fd(int *fd)
{
    int r = *fd;
    *fd = -1;
    return r;
}

static inline void *steal_ptr(void *pp)
{
    void **p = pp;
    void *r = *p;
    *p = NULL;
    return r;
}

#define SB_MUST_CHECK __attribute__((warn_unused_result))
#define SB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SB_ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define SB_ALIGN_UP(x, a) SB_ALIGN_DOWN((x) + (a)-1, (a))
#define SB_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SB_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
