/* sentry/mm/rmap.h: a sorted map of disjoint address ranges.
 *
 * Used for VMAs (off = file offset) and for PMAs (off = MemoryFile offset).
 * Splitting a range shifts `off` of the right half and calls `get` so the
 * owner can take another reference to `obj`; removed pieces go to a
 * callback. Not locked: the owning mm's lock covers it.
 */
#ifndef SB_SENTRY_MM_RMAP_H
#define SB_SENTRY_MM_RMAP_H

#include <stddef.h>
#include <stdint.h>

struct mm_range {
    uint64_t start, end; /* [start, end), page aligned */
    uint64_t off;
    int prot;
    int flags;
    void *obj; /* VMA: struct file *, or NULL */
};

struct rmap {
    struct mm_range *v;
    size_t n, cap;
    void (*get)(struct mm_range *r); /* a split made a second owner of r->obj */
    int merge;                        /* merge ranges that continue each other */
};

typedef void (*rmap_removed_fn)(void *arg, const struct mm_range *r);

/* Index of the first range whose end > addr (n if none). */
size_t rmap_lower_bound(const struct rmap *m, uint64_t addr);
/* The range containing addr, or NULL. */
struct mm_range *rmap_find(struct rmap *m, uint64_t addr);
/* True if any range intersects [start, end). */
int rmap_overlaps(const struct rmap *m, uint64_t start, uint64_t end);
/* Make sure no range straddles addr. */
void rmap_split(struct rmap *m, uint64_t addr);
/* Insert a range that overlaps none; -EEXIST if it does. */
int rmap_insert(struct rmap *m, const struct mm_range *r);
/* Remove everything in [start, end), splitting at the edges; each removed
 * piece is passed to fn. Returns the number of pieces removed. */
size_t rmap_remove(struct rmap *m, uint64_t start, uint64_t end, rmap_removed_fn fn,
                   void *arg);
void rmap_clear(struct rmap *m, rmap_removed_fn fn, void *arg);

#endif
