/* sentry/mm/rmap.c: sorted array of disjoint ranges with split and merge. */
#include "sentry/mm/rmap.h"

#include <errno.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xalloc.h"

size_t rmap_lower_bound(const struct rmap *m, uint64_t addr)
{
    size_t lo = 0, hi = m->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v[mid].end > addr)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

struct mm_range *rmap_find(struct rmap *m, uint64_t addr)
{
    size_t i = rmap_lower_bound(m, addr);

    if (i < m->n && m->v[i].start <= addr)
        return &m->v[i];
    return NULL;
}

int rmap_overlaps(const struct rmap *m, uint64_t start, uint64_t end)
{
    size_t i = rmap_lower_bound(m, start);
    return i < m->n && m->v[i].start < end;
}

static void make_room(struct rmap *m, size_t i, size_t k)
{
    if (m->n + k > m->cap) {
        m->cap = m->cap ? m->cap * 2 : 32;
        while (m->cap < m->n + k)
            m->cap *= 2;
        m->v = xrealloc(m->v, m->cap * sizeof(m->v[0]));
    }
    if (m->n > i)
        memmove(&m->v[i + k], &m->v[i], (m->n - i) * sizeof(m->v[0]));
    m->n += k;
}

static void drop_at(struct rmap *m, size_t i, size_t k)
{
    if (m->n > i + k)
        memmove(&m->v[i], &m->v[i + k], (m->n - i - k) * sizeof(m->v[0]));
    m->n -= k;
}

void rmap_split(struct rmap *m, uint64_t addr)
{
    size_t i = rmap_lower_bound(m, addr);
    struct mm_range *r;

    if (i == m->n || m->v[i].start >= addr)
        return;
    make_room(m, i + 1, 1);
    r = &m->v[i];
    m->v[i + 1] = *r;
    m->v[i + 1].start = addr;
    m->v[i + 1].off += addr - r->start;
    r->end = addr;
    if (m->get)
        m->get(&m->v[i + 1]);
}

static int continues(const struct mm_range *a, const struct mm_range *b)
{
    return a->end == b->start && a->off + (a->end - a->start) == b->off &&
           a->prot == b->prot && a->flags == b->flags && a->obj == b->obj;
}

int rmap_insert(struct rmap *m, const struct mm_range *r)
{
    size_t i = rmap_lower_bound(m, r->start);

    SB_BUG_ON(r->start >= r->end);
    if (i < m->n && m->v[i].start < r->end)
        return -EEXIST;
    if (m->merge && !r->obj) {
        int left = i > 0 && continues(&m->v[i - 1], r);
        int right = i < m->n && continues(r, &m->v[i]);
        if (left && right) {
            m->v[i - 1].end = m->v[i].end;
            drop_at(m, i, 1);
            return 0;
        }
        if (left) {
            m->v[i - 1].end = r->end;
            return 0;
        }
        if (right) {
            m->v[i].start = r->start;
            m->v[i].off = r->off;
            return 0;
        }
    }
    make_room(m, i, 1);
    m->v[i] = *r;
    return 0;
}

size_t rmap_remove(struct rmap *m, uint64_t start, uint64_t end, rmap_removed_fn fn,
                   void *arg)
{
    size_t i, j;

    if (start >= end)
        return 0;
    rmap_split(m, start);
    rmap_split(m, end);
    i = rmap_lower_bound(m, start);
    for (j = i; j < m->n && m->v[j].start < end; j++)
        if (fn)
            fn(arg, &m->v[j]);
    drop_at(m, i, j - i);
    return j - i;
}

void rmap_clear(struct rmap *m, rmap_removed_fn fn, void *arg)
{
    for (size_t i = 0; i < m->n; i++)
        if (fn)
            fn(arg, &m->v[i]);
    free(m->v);
    m->v = NULL;
    m->n = m->cap = 0;
}
