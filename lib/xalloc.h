/* lib/xalloc.h: allocation that treats out-of-memory as fatal (Sentry-own). */
#ifndef SB_LIB_XALLOC_H
#define SB_LIB_XALLOC_H

#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

static inline void *xzalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    SB_BUG_ON(!p);
    return p;
}

static inline void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    SB_BUG_ON(!p);
    return p;
}

static inline char *xstrdup(const char *s)
{
    char *p = strdup(s);
    SB_BUG_ON(!p);
    return p;
}

static inline char *xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);
    SB_BUG_ON(!p);
    return p;
}

#endif
