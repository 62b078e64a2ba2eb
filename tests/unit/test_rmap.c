/* tests/unit/test_rmap.c: the sorted range map behind VMAs and PMAs:
 * ordering, overlap refusal, lookup, split, remove, merge, and a
 * randomized comparison with a page-array model. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "sentry/mm/rmap.h"

#define PG 4096ULL
#define R(s, e) ((s)*PG), ((e)*PG) /* page numbers to addresses */

static struct mm_range range(uint64_t s, uint64_t e, uint64_t off)
{
    return (struct mm_range){.start = s * PG, .end = e * PG, .off = off, .prot = 3};
}

static void insert_ok(struct rmap *m, struct mm_range r)
{
    cr_assert_eq(rmap_insert(m, &r), 0, "insert [%#llx,%#llx)", (unsigned long long)r.start,
                 (unsigned long long)r.end);
}

static void expect_range(const struct rmap *m, size_t i, uint64_t s, uint64_t e, uint64_t off)
{
    cr_assert_lt(i, m->n, "range %zu missing (n=%zu)", i, m->n);
    cr_assert_eq(m->v[i].start, s * PG, "range %zu start %#llx", i,
                 (unsigned long long)m->v[i].start);
    cr_assert_eq(m->v[i].end, e * PG, "range %zu end %#llx", i, (unsigned long long)m->v[i].end);
    cr_assert_eq(m->v[i].off, off, "range %zu off %#llx", i, (unsigned long long)m->v[i].off);
}

/* Ranges are sorted, non-empty and disjoint. */
static void check_sorted(const struct rmap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        cr_assert_lt(m->v[i].start, m->v[i].end);
        if (i > 0)
            cr_assert_leq(m->v[i - 1].end, m->v[i].start, "ranges %zu and %zu overlap or unsorted",
                          i - 1, i);
    }
}

/* What the callbacks saw. */
#define MAXSEEN 64
struct seen {
    struct mm_range r[MAXSEEN];
    size_t n;
};

static void record(void *arg, const struct mm_range *r)
{
    struct seen *s = arg;

    cr_assert_lt(s->n, MAXSEEN);
    s->r[s->n++] = *r;
}

static struct seen gets;
static void record_get(struct mm_range *r)
{
    record(&gets, r);
}

Test(rmap, insert_keeps_order)
{
    struct rmap m = {0};

    insert_ok(&m, range(50, 60, 0));
    insert_ok(&m, range(10, 20, 0));
    insert_ok(&m, range(30, 40, 0));
    insert_ok(&m, range(0, 5, 0));
    insert_ok(&m, range(70, 71, 0));
    insert_ok(&m, range(20, 30, 0)); /* touching both neighbours */
    cr_assert_eq(m.n, 6);
    check_sorted(&m);
    expect_range(&m, 0, 0, 5, 0);
    expect_range(&m, 1, 10, 20, 0);
    expect_range(&m, 2, 20, 30, 0);
    expect_range(&m, 3, 30, 40, 0);
    expect_range(&m, 4, 50, 60, 0);
    expect_range(&m, 5, 70, 71, 0);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, insert_grows_past_initial_capacity)
{
    struct rmap m = {0};

    /* Inserted backwards so every insert shifts the whole array. */
    for (int i = 199; i >= 0; i--)
        insert_ok(&m, range(2 * i, 2 * i + 1, i));
    cr_assert_eq(m.n, 200);
    check_sorted(&m);
    for (int i = 0; i < 200; i++)
        expect_range(&m, i, 2 * i, 2 * i + 1, i);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, insert_rejects_overlap_with_eexist)
{
    struct rmap m = {0};
    struct mm_range bad[] = {
        range(4, 6, 0),  /* right edge */
        range(1, 3, 0),  /* left edge */
        range(0, 10, 0), /* covers it */
        range(3, 4, 0),  /* inside */
        range(2, 5, 0),  /* identical */
        range(4, 9, 0),  /* spans into the next range */
    };

    insert_ok(&m, range(2, 5, 7));
    insert_ok(&m, range(8, 9, 0));
    for (size_t i = 0; i < SB_ARRAY_SIZE(bad); i++)
        cr_assert_eq(rmap_insert(&m, &bad[i]), -EEXIST, "case %zu", i);
    cr_assert_eq(m.n, 2);
    expect_range(&m, 0, 2, 5, 7);
    expect_range(&m, 1, 8, 9, 0);
    /* Touching is not overlapping. */
    insert_ok(&m, range(5, 8, 0));
    insert_ok(&m, range(1, 2, 0));
    cr_assert_eq(m.n, 4);
    check_sorted(&m);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, find_inside_at_edges_and_outside)
{
    struct rmap m = {0};
    struct mm_range *r;

    insert_ok(&m, range(2, 4, 0));
    insert_ok(&m, range(6, 8, 0));
    cr_assert_null(rmap_find(&m, 0));
    cr_assert_null(rmap_find(&m, 2 * PG - 1));
    r = rmap_find(&m, 2 * PG);
    cr_assert_not_null(r);
    cr_assert_eq(r->start, 2 * PG);
    cr_assert_eq(rmap_find(&m, 3 * PG + 17), r);
    cr_assert_eq(rmap_find(&m, 4 * PG - 1), r);
    cr_assert_null(rmap_find(&m, 4 * PG), "end is exclusive");
    cr_assert_null(rmap_find(&m, 5 * PG));
    r = rmap_find(&m, 6 * PG);
    cr_assert_not_null(r);
    cr_assert_eq(r->start, 6 * PG);
    cr_assert_null(rmap_find(&m, 8 * PG));
    cr_assert_null(rmap_find(&m, UINT64_MAX));
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, find_in_empty_map_is_null)
{
    struct rmap m = {0};

    cr_assert_null(rmap_find(&m, 0));
    cr_assert_eq(rmap_lower_bound(&m, 123), 0);
    cr_assert_not(rmap_overlaps(&m, 0, UINT64_MAX));
}

Test(rmap, lower_bound_is_first_range_ending_after_addr)
{
    struct rmap m = {0};

    insert_ok(&m, range(2, 4, 0));
    insert_ok(&m, range(6, 8, 0));
    insert_ok(&m, range(8, 9, 0));
    cr_assert_eq(rmap_lower_bound(&m, 0), 0);
    cr_assert_eq(rmap_lower_bound(&m, 2 * PG), 0);
    cr_assert_eq(rmap_lower_bound(&m, 4 * PG - 1), 0);
    cr_assert_eq(rmap_lower_bound(&m, 4 * PG), 1);
    cr_assert_eq(rmap_lower_bound(&m, 5 * PG), 1);
    cr_assert_eq(rmap_lower_bound(&m, 8 * PG - 1), 1);
    cr_assert_eq(rmap_lower_bound(&m, 8 * PG), 2);
    cr_assert_eq(rmap_lower_bound(&m, 9 * PG), 3);
    cr_assert_eq(rmap_lower_bound(&m, UINT64_MAX), 3);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, overlaps_only_on_shared_bytes)
{
    struct rmap m = {0};

    insert_ok(&m, range(2, 4, 0));
    insert_ok(&m, range(6, 8, 0));
    cr_assert_not(rmap_overlaps(&m, R(0, 2)));
    cr_assert_not(rmap_overlaps(&m, R(4, 6)));
    cr_assert_not(rmap_overlaps(&m, R(8, 100)));
    cr_assert(rmap_overlaps(&m, R(1, 3)));
    cr_assert(rmap_overlaps(&m, R(3, 5)));
    cr_assert(rmap_overlaps(&m, R(5, 7)));
    cr_assert(rmap_overlaps(&m, R(0, 100)));
    cr_assert(rmap_overlaps(&m, 4 * PG - 1, 4 * PG));
    cr_assert(rmap_overlaps(&m, 6 * PG, 6 * PG + 1));
    cr_assert_not(rmap_overlaps(&m, 4 * PG, 6 * PG));
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, split_in_the_middle_shifts_off_and_calls_get)
{
    struct rmap m = {.get = record_get};
    struct mm_range r = range(1, 5, 0x10000);
    int obj;

    r.obj = &obj;
    r.prot = 5;
    r.flags = 9;
    insert_ok(&m, r);
    gets.n = 0;
    rmap_split(&m, 3 * PG);
    cr_assert_eq(m.n, 2);
    expect_range(&m, 0, 1, 3, 0x10000);
    expect_range(&m, 1, 3, 5, 0x10000 + 2 * PG);
    cr_assert_eq(m.v[1].prot, 5);
    cr_assert_eq(m.v[1].flags, 9);
    cr_assert_eq(m.v[1].obj, &obj);
    cr_assert_eq(gets.n, 1);
    cr_assert_eq(gets.r[0].start, 3 * PG, "get sees the new right half");
    cr_assert_eq(gets.r[0].obj, &obj);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, split_at_an_edge_or_outside_is_a_no_op)
{
    struct rmap m = {.get = record_get};

    insert_ok(&m, range(2, 5, 0));
    insert_ok(&m, range(7, 9, 0));
    gets.n = 0;
    rmap_split(&m, 2 * PG);
    rmap_split(&m, 5 * PG);
    rmap_split(&m, 6 * PG);
    rmap_split(&m, 0);
    rmap_split(&m, 100 * PG);
    cr_assert_eq(m.n, 2);
    cr_assert_eq(gets.n, 0);
    expect_range(&m, 0, 2, 5, 0);
    expect_range(&m, 1, 7, 9, 0);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, remove_middle_of_one_range_leaves_two)
{
    struct rmap m = {.get = record_get};
    struct seen s = {0};

    insert_ok(&m, range(1, 9, 0x100000));
    gets.n = 0;
    cr_assert_eq(rmap_remove(&m, R(3, 5), record, &s), 1);
    cr_assert_eq(s.n, 1);
    cr_assert_eq(s.r[0].start, 3 * PG);
    cr_assert_eq(s.r[0].end, 5 * PG);
    cr_assert_eq(s.r[0].off, 0x100000 + 2 * PG);
    cr_assert_eq(m.n, 2);
    expect_range(&m, 0, 1, 3, 0x100000);
    expect_range(&m, 1, 5, 9, 0x100000 + 4 * PG);
    /* Two splits, two new owners; the removed piece drops one. */
    cr_assert_eq(gets.n, 2);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, remove_spanning_several_ranges)
{
    struct rmap m = {0};
    struct seen s = {0};

    insert_ok(&m, range(1, 3, 100 * PG));
    insert_ok(&m, range(4, 6, 200 * PG));
    insert_ok(&m, range(7, 9, 300 * PG));
    insert_ok(&m, range(10, 11, 400 * PG));
    cr_assert_eq(rmap_remove(&m, R(2, 8), record, &s), 3);
    cr_assert_eq(s.n, 3);
    cr_assert_eq(s.r[0].start, 2 * PG);
    cr_assert_eq(s.r[0].end, 3 * PG);
    cr_assert_eq(s.r[0].off, 101 * PG);
    cr_assert_eq(s.r[1].start, 4 * PG);
    cr_assert_eq(s.r[1].end, 6 * PG);
    cr_assert_eq(s.r[1].off, 200 * PG);
    cr_assert_eq(s.r[2].start, 7 * PG);
    cr_assert_eq(s.r[2].end, 8 * PG);
    cr_assert_eq(s.r[2].off, 300 * PG);
    cr_assert_eq(m.n, 3);
    expect_range(&m, 0, 1, 2, 100 * PG);
    expect_range(&m, 1, 8, 9, 301 * PG);
    expect_range(&m, 2, 10, 11, 400 * PG);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, remove_of_a_gap_or_empty_range_removes_nothing)
{
    struct rmap m = {0};
    struct seen s = {0};

    insert_ok(&m, range(1, 3, 0));
    insert_ok(&m, range(5, 7, 0));
    cr_assert_eq(rmap_remove(&m, R(3, 5), record, &s), 0);
    cr_assert_eq(rmap_remove(&m, 2 * PG, 2 * PG, record, &s), 0);
    cr_assert_eq(rmap_remove(&m, 6 * PG, 2 * PG, record, &s), 0);
    cr_assert_eq(s.n, 0);
    cr_assert_eq(m.n, 2);
    expect_range(&m, 0, 1, 3, 0);
    expect_range(&m, 1, 5, 7, 0);
    /* Exact whole ranges: no split. */
    cr_assert_eq(rmap_remove(&m, R(0, 100), record, &s), 2);
    cr_assert_eq(s.n, 2);
    cr_assert_eq(m.n, 0);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, merge_mode_joins_ranges_that_continue_each_other)
{
    struct rmap m = {.merge = 1};

    insert_ok(&m, range(1, 2, 10 * PG));
    insert_ok(&m, range(2, 3, 11 * PG)); /* continues on the left */
    cr_assert_eq(m.n, 1);
    expect_range(&m, 0, 1, 3, 10 * PG);
    insert_ok(&m, range(4, 6, 13 * PG));
    cr_assert_eq(m.n, 2);
    insert_ok(&m, range(3, 4, 12 * PG)); /* fills the hole: both sides */
    cr_assert_eq(m.n, 1);
    expect_range(&m, 0, 1, 6, 10 * PG);
    insert_ok(&m, range(8, 9, 20 * PG));
    insert_ok(&m, range(7, 8, 19 * PG)); /* continues on the right */
    cr_assert_eq(m.n, 2);
    expect_range(&m, 1, 7, 9, 19 * PG);
    check_sorted(&m);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, merge_mode_keeps_ranges_that_do_not_continue)
{
    struct rmap m = {.merge = 1};
    struct mm_range r;
    int obj;

    insert_ok(&m, range(1, 2, 10 * PG));
    insert_ok(&m, range(2, 3, 20 * PG)); /* offset jumps */
    cr_assert_eq(m.n, 2);
    insert_ok(&m, range(4, 5, 22 * PG)); /* address gap, offset continues */
    cr_assert_eq(m.n, 3);
    r = range(5, 6, 23 * PG);
    r.prot = 1; /* other prot */
    insert_ok(&m, r);
    cr_assert_eq(m.n, 4);
    r = range(6, 7, 24 * PG);
    r.prot = 1;
    r.flags = 2; /* other flags */
    insert_ok(&m, r);
    cr_assert_eq(m.n, 5);
    r = range(7, 8, 25 * PG);
    r.prot = 1;
    r.flags = 2;
    r.obj = &obj; /* an object is never merged */
    insert_ok(&m, r);
    cr_assert_eq(m.n, 6);
    r = range(8, 9, 26 * PG);
    r.prot = 1;
    r.flags = 2;
    r.obj = &obj;
    insert_ok(&m, r);
    cr_assert_eq(m.n, 7);
    r = range(9, 10, 27 * PG); /* obj NULL after an obj range */
    r.prot = 1;
    r.flags = 2;
    insert_ok(&m, r);
    cr_assert_eq(m.n, 8);
    check_sorted(&m);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, without_merge_mode_continuing_ranges_stay_apart)
{
    struct rmap m = {0};

    insert_ok(&m, range(1, 2, 10 * PG));
    insert_ok(&m, range(2, 3, 11 * PG));
    insert_ok(&m, range(0, 1, 9 * PG));
    cr_assert_eq(m.n, 3);
    rmap_clear(&m, NULL, NULL);
}

Test(rmap, clear_calls_back_for_each_range)
{
    struct rmap m = {0};
    struct seen s = {0};

    insert_ok(&m, range(5, 6, 1));
    insert_ok(&m, range(1, 2, 2));
    insert_ok(&m, range(3, 4, 3));
    rmap_clear(&m, record, &s);
    cr_assert_eq(s.n, 3);
    cr_assert_eq(s.r[0].start, 1 * PG);
    cr_assert_eq(s.r[1].start, 3 * PG);
    cr_assert_eq(s.r[2].start, 5 * PG);
    cr_assert_eq(m.n, 0);
    cr_assert_null(m.v);
    /* The map is usable again after a clear. */
    insert_ok(&m, range(1, 2, 0));
    cr_assert_eq(m.n, 1);
    rmap_clear(&m, NULL, NULL);
}

/* Randomized against a page array: which pages are mapped, and the offset
 * each page maps. Ranges carry an object whose reference count follows
 * the `get` hook and the removal callback. */
#define NPAGES 256
#define NONE UINT64_MAX

struct model {
    uint64_t off[NPAGES]; /* NONE if unmapped */
    int prot[NPAGES];
};

struct refobj {
    int refs;
};

static struct refobj *ref_of(const struct mm_range *r)
{
    return r->obj;
}

static void obj_get(struct mm_range *r)
{
    if (r->obj)
        ref_of(r)->refs++;
}

struct removed_check {
    struct model *before;
    uint64_t start, end;
    size_t pages;
};

static void obj_put_checked(void *arg, const struct mm_range *r)
{
    struct removed_check *c = arg;

    cr_assert_geq(r->start, c->start, "piece starts before the removed range");
    cr_assert_leq(r->end, c->end, "piece ends after the removed range");
    for (uint64_t a = r->start; a < r->end; a += PG) {
        uint64_t p = a / PG;
        cr_assert_eq(c->before->off[p], r->off + (a - r->start),
                     "removed piece maps page %llu at the wrong offset", (unsigned long long)p);
        cr_assert_eq(c->before->prot[p], r->prot);
        c->pages++;
    }
    if (r->obj)
        ref_of(r)->refs--;
}

static void compare(struct rmap *m, const struct model *md, int step)
{
    check_sorted(m);
    for (uint64_t p = 0; p < NPAGES; p++) {
        struct mm_range *r = rmap_find(m, p * PG);
        if (md->off[p] == NONE) {
            cr_assert_null(r, "step %d: page %llu should be unmapped", step, (unsigned long long)p);
            continue;
        }
        cr_assert_not_null(r, "step %d: page %llu should be mapped", step, (unsigned long long)p);
        cr_assert_eq(r->off + (p * PG - r->start), md->off[p],
                     "step %d: page %llu maps offset %#llx, expected %#llx", step,
                     (unsigned long long)p, (unsigned long long)(r->off + (p * PG - r->start)),
                     (unsigned long long)md->off[p]);
        cr_assert_eq(r->prot, md->prot[p]);
    }
    cr_assert_leq(m->n == 0 ? 0 : m->v[m->n - 1].end, NPAGES * PG);
}

static void random_ops(int merge, unsigned seed)
{
    struct rmap m = {.get = obj_get, .merge = merge};
    struct model md;
    struct refobj obj = {0};
    int nranges_with_obj;

    for (int p = 0; p < NPAGES; p++)
        md.off[p] = NONE;
    srandom(seed);
    for (int step = 0; step < 20000; step++) {
        if (random() % 100 < 55) {
            /* Insert into a free gap around a random free page. */
            uint64_t p = random() % NPAGES, lo, hi, s, e;
            struct mm_range r = {0};
            if (md.off[p] != NONE)
                continue;
            for (lo = p; lo > 0 && md.off[lo - 1] == NONE; lo--)
                ;
            for (hi = p + 1; hi < NPAGES && md.off[hi] == NONE; hi++)
                ;
            s = lo + random() % (p - lo + 1);
            e = p + 1 + random() % (hi - p);
            r.start = s * PG;
            r.end = e * PG;
            r.prot = random() % 2 ? 3 : 1;
            /* Often continue the left neighbour so merges happen. */
            if (s > 0 && md.off[s - 1] != NONE && random() % 2) {
                r.off = md.off[s - 1] + PG;
                r.prot = md.prot[s - 1];
            } else {
                r.off = (random() % 1024) * PG;
            }
            if (!merge && random() % 2)
                r.obj = &obj;
            cr_assert_eq(rmap_insert(&m, &r), 0, "step %d", step);
            if (r.obj)
                obj.refs++;
            for (uint64_t q = s; q < e; q++) {
                md.off[q] = r.off + (q - s) * PG;
                md.prot[q] = r.prot;
            }
            /* An insert over a mapped page must fail and change nothing. */
            if (s > 0 && md.off[s - 1] != NONE) {
                struct mm_range bad = {.start = (s - 1) * PG, .end = s * PG};
                cr_assert_eq(rmap_insert(&m, &bad), -EEXIST);
            }
        } else {
            uint64_t s = random() % NPAGES, e = s + 1 + random() % 32;
            struct model before = md;
            struct removed_check c = {.before = &before};
            size_t want = 0;
            if (e > NPAGES)
                e = NPAGES;
            c.start = s * PG;
            c.end = e * PG;
            rmap_remove(&m, s * PG, e * PG, obj_put_checked, &c);
            for (uint64_t q = s; q < e; q++) {
                if (md.off[q] != NONE)
                    want++;
                md.off[q] = NONE;
            }
            cr_assert_eq(c.pages, want, "step %d: callback saw %zu pages, removed %zu", step,
                         c.pages, want);
        }
        compare(&m, &md, step);
        nranges_with_obj = 0;
        for (size_t i = 0; i < m.n; i++)
            nranges_with_obj += m.v[i].obj == &obj;
        cr_assert_eq(obj.refs, nranges_with_obj, "step %d: %d refs for %d ranges", step, obj.refs,
                     nranges_with_obj);
    }
    {
        struct model before = md;
        struct removed_check c = {.before = &before, .start = 0, .end = NPAGES * PG};
        rmap_clear(&m, obj_put_checked, &c);
    }
    cr_assert_eq(obj.refs, 0);
    cr_assert_eq(m.n, 0);
}

Test(rmap, random_ops_match_a_page_array_model)
{
    random_ops(0, 4242);
}

Test(rmap, random_ops_match_a_page_array_model_in_merge_mode)
{
    random_ops(1, 777);
}
