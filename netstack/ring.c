/* netstack/ring.c: byte ring buffers for TCP send and receive queues. */
#include <string.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "netstack/ns_impl.h"

void ns_ring_init(struct ns_ring *r, size_t cap)
{
    r->buf = xzalloc(cap);
    r->cap = cap;
    r->head = r->len = 0;
}

void ns_ring_free(struct ns_ring *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = r->len = r->head = 0;
}

size_t ns_ring_write(struct ns_ring *r, const void *src, size_t n)
{
    const uint8_t *s = src;
    if (n > r->cap - r->len)
        n = r->cap - r->len;
    size_t tail = (r->head + r->len) % (r->cap ? r->cap : 1);
    size_t first = SB_MIN(n, r->cap - tail);
    memcpy(r->buf + tail, s, first);
    memcpy(r->buf, s + first, n - first);
    r->len += n;
    return n;
}

size_t ns_ring_peek(const struct ns_ring *r, size_t off, void *dst, size_t n)
{
    uint8_t *d = dst;
    if (off >= r->len)
        return 0;
    n = SB_MIN(n, r->len - off);
    size_t start = (r->head + off) % r->cap;
    size_t first = SB_MIN(n, r->cap - start);
    memcpy(d, r->buf + start, first);
    memcpy(d + first, r->buf, n - first);
    return n;
}

void ns_ring_drop(struct ns_ring *r, size_t n)
{
    SB_BUG_ON(n > r->len);
    r->len -= n;
    r->head = r->len ? (r->head + n) % r->cap : 0;
}

/* Grow or shrink (never below what it holds). */
int ns_ring_resize(struct ns_ring *r, size_t cap)
{
    if (cap < r->len)
        cap = r->len;
    if (cap == r->cap)
        return 0;
    uint8_t *nb = xzalloc(cap);
    ns_ring_peek(r, 0, nb, r->len);
    free(r->buf);
    r->buf = nb;
    r->cap = cap;
    r->head = 0;
    return 0;
}
