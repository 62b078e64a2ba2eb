/* tests/unit/test_memfile.c: the MemoryFile extent allocator: alignment,
 * first fit, coalescing, folding into the bump pointer, zeroed reuse. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/mm/memfile.h"

#define PG MF_PAGE
#define GIB (1ULL << 30)

static struct memfile mf;

static void setup_big(void)
{
    cr_assert_eq(memfile_init(&mf, GIB), 0);
}

static void setup_small(void)
{
    cr_assert_eq(memfile_init(&mf, 16 * PG), 0);
}

static void teardown(void)
{
    memfile_destroy(&mf);
}

static uint64_t alloc_ok(uint64_t len)
{
    uint64_t off = UINT64_MAX;

    cr_assert_eq(memfile_alloc(&mf, len, &off), 0, "alloc(%llu) failed", (unsigned long long)len);
    return off;
}

/* The free list is sorted, coalesced, below the bump and never touching
 * it, and bump = used + free bytes. */
static void check_free_list(void)
{
    uint64_t freed = 0;

    for (size_t i = 0; i < mf.nfree; i++) {
        struct mf_extent *e = &mf.free[i];
        cr_assert_gt(e->len, 0);
        cr_assert_eq(e->off % PG, 0);
        cr_assert_eq(e->len % PG, 0);
        cr_assert_lt(e->off + e->len, mf.bump, "extent %zu touches the bump", i);
        if (i > 0)
            cr_assert_gt(e->off, mf.free[i - 1].off + mf.free[i - 1].len,
                         "extents %zu and %zu not sorted or not coalesced", i - 1, i);
        freed += e->len;
    }
    cr_assert_eq(mf.used + freed, mf.bump, "used %llu + free %llu != bump %llu",
                 (unsigned long long)mf.used, (unsigned long long)freed,
                 (unsigned long long)mf.bump);
}

TestSuite(memfile, .init = setup_big, .fini = teardown);

Test(memfile, init_maps_a_sparse_file_of_the_asked_size)
{
    cr_assert_geq(mf.fd, 0);
    cr_assert_not_null(mf.base);
    cr_assert_eq(mf.size, GIB);
    cr_assert_eq(mf.bump, 0);
    cr_assert_eq(mf.used, 0);
    cr_assert_eq(mf.nfree, 0);
    /* Touching the last page works and reads zero. */
    cr_assert_eq(((volatile uint8_t *)memfile_ptr(&mf, GIB - PG))[PG - 1], 0);
}

Test(memfile, alloc_returns_page_aligned_offsets)
{
    uint64_t lens[] = {1, 7, PG - 1, PG, PG + 1, 3 * PG + 5, 100};

    for (size_t i = 0; i < SB_ARRAY_SIZE(lens); i++) {
        uint64_t off = alloc_ok(lens[i]);
        cr_assert_eq(off % PG, 0, "offset %#llx for len %llu", (unsigned long long)off,
                     (unsigned long long)lens[i]);
    }
}

Test(memfile, alloc_rounds_lengths_up_to_pages)
{
    cr_assert_eq(alloc_ok(1), 0);
    cr_assert_eq(mf.used, PG);
    cr_assert_eq(alloc_ok(PG + 1), PG);
    cr_assert_eq(mf.used, 3 * PG);
    cr_assert_eq(alloc_ok(PG), 3 * PG);
    cr_assert_eq(alloc_ok(1), 4 * PG);
    cr_assert_eq(mf.used, 5 * PG);
    cr_assert_eq(mf.bump, 5 * PG);
    cr_assert_eq(memfile_refcount(&mf, 0), 1);
    cr_assert_eq(memfile_refcount(&mf, 2 * PG), 1);
    cr_assert_eq(memfile_refcount(&mf, 5 * PG), 0);
}

Test(memfile, zero_length_is_einval)
{
    uint64_t off = 77;

    cr_assert_eq(memfile_alloc(&mf, 0, &off), -EINVAL);
    cr_assert_eq(off, 77);
    cr_assert_eq(mf.used, 0);
    cr_assert_eq(mf.bump, 0);
}

Test(memfile, coalesces_with_both_neighbours)
{
    uint64_t a = alloc_ok(PG), b = alloc_ok(2 * PG), c = alloc_ok(PG);
    alloc_ok(PG); /* keeps the run away from the bump */

    memfile_free(&mf, a, PG);
    memfile_free(&mf, c, PG);
    cr_assert_eq(mf.nfree, 2);
    check_free_list();
    memfile_free(&mf, b, 2 * PG);
    cr_assert_eq(mf.nfree, 1, "a, b and c should be one extent");
    cr_assert_eq(mf.free[0].off, 0);
    cr_assert_eq(mf.free[0].len, 4 * PG);
    check_free_list();
    /* The whole run is reusable in one piece. */
    cr_assert_eq(alloc_ok(4 * PG), 0);
    cr_assert_eq(mf.nfree, 0);
    check_free_list();
}

Test(memfile, coalesces_with_left_neighbour_only)
{
    uint64_t a = alloc_ok(PG), b = alloc_ok(PG);
    alloc_ok(PG);

    memfile_free(&mf, a, PG);
    memfile_free(&mf, b, PG);
    cr_assert_eq(mf.nfree, 1);
    cr_assert_eq(mf.free[0].off, 0);
    cr_assert_eq(mf.free[0].len, 2 * PG);
    check_free_list();
}

Test(memfile, coalesces_with_right_neighbour_only)
{
    alloc_ok(PG);
    uint64_t b = alloc_ok(PG), c = alloc_ok(PG);
    alloc_ok(PG);

    memfile_free(&mf, c, PG);
    memfile_free(&mf, b, PG);
    cr_assert_eq(mf.nfree, 1);
    cr_assert_eq(mf.free[0].off, PG);
    cr_assert_eq(mf.free[0].len, 2 * PG);
    check_free_list();
}

Test(memfile, freeing_the_top_folds_free_extents_into_the_bump)
{
    uint64_t a = alloc_ok(PG), b = alloc_ok(PG), c = alloc_ok(3 * PG);

    memfile_free(&mf, b, PG);
    cr_assert_eq(mf.nfree, 1);
    memfile_free(&mf, c, 3 * PG);
    /* c went back to the bump, and b, now touching it, followed. */
    cr_assert_eq(mf.nfree, 0);
    cr_assert_eq(mf.bump, PG);
    check_free_list();
    memfile_free(&mf, a, PG);
    cr_assert_eq(mf.bump, 0);
    cr_assert_eq(mf.used, 0);
    cr_assert_eq(alloc_ok(PG), 0);
}

Test(memfile, alloc_after_freeing_everything_starts_at_zero)
{
    uint64_t off[32];

    for (int i = 0; i < 32; i++)
        off[i] = alloc_ok((uint64_t)(i % 5 + 1) * PG);
    /* Free in a scrambled order so every coalescing path is taken. */
    for (int k = 0; k < 32; k++) {
        int i = (k * 13) % 32;
        memfile_free(&mf, off[i], (uint64_t)(i % 5 + 1) * PG);
        check_free_list();
    }
    cr_assert_eq(mf.used, 0);
    cr_assert_eq(mf.bump, 0);
    cr_assert_eq(mf.nfree, 0);
    cr_assert_eq(alloc_ok(10 * PG), 0);
}

Test(memfile, reuses_holes_first_fit)
{
    uint64_t p0 = alloc_ok(3 * PG); /* [0, 3) */
    alloc_ok(PG);                   /* [3, 4) */
    uint64_t p2 = alloc_ok(PG);     /* [4, 5) */
    alloc_ok(PG);                   /* [5, 6) */

    memfile_free(&mf, p0, 3 * PG);
    memfile_free(&mf, p2, PG);
    /* First fit takes the first hole even if a later one fits exactly. */
    cr_assert_eq(alloc_ok(PG), 0);
    cr_assert_eq(alloc_ok(2 * PG), PG);
    cr_assert_eq(alloc_ok(PG), 4 * PG);
    cr_assert_eq(mf.nfree, 0);
    /* No hole left: the next one comes from the bump. */
    cr_assert_eq(alloc_ok(PG), 6 * PG);
    check_free_list();
}

Test(memfile, skips_holes_too_small)
{
    uint64_t a = alloc_ok(PG);
    alloc_ok(PG);

    memfile_free(&mf, a, PG);
    cr_assert_eq(alloc_ok(2 * PG), 2 * PG);
    cr_assert_eq(mf.nfree, 1);
    cr_assert_eq(alloc_ok(PG), 0);
}

Test(memfile, freed_pages_read_back_zero_from_the_bump)
{
    uint64_t off = alloc_ok(4 * PG);

    memset(memfile_ptr(&mf, off), 0xab, 4 * PG);
    memfile_free(&mf, off, 4 * PG);
    cr_assert_eq(alloc_ok(4 * PG), off);
    for (uint64_t i = 0; i < 4 * PG; i++)
        cr_assert_eq(((uint8_t *)memfile_ptr(&mf, off))[i], 0, "byte %llu not zero",
                     (unsigned long long)i);
}

Test(memfile, freed_pages_read_back_zero_from_a_hole)
{
    alloc_ok(PG);
    uint64_t off = alloc_ok(3 * PG);
    alloc_ok(PG);

    memset(memfile_ptr(&mf, off), 0x5a, 3 * PG);
    memfile_free(&mf, off, 3 * PG);
    cr_assert_eq(mf.nfree, 1);
    cr_assert_eq(alloc_ok(3 * PG), off);
    for (uint64_t i = 0; i < 3 * PG; i++)
        cr_assert_eq(((uint8_t *)memfile_ptr(&mf, off))[i], 0, "byte %llu not zero",
                     (unsigned long long)i);
}

Test(memfile, extra_reference_keeps_pages_until_last_free)
{
    uint64_t off = alloc_ok(2 * PG);

    memset(memfile_ptr(&mf, off), 0x11, 2 * PG);
    memfile_ref(&mf, off, PG); /* first page shared */
    cr_assert_eq(memfile_maxref(&mf, off, 2 * PG), 2);
    memfile_free(&mf, off, 2 * PG);
    cr_assert_eq(memfile_refcount(&mf, off), 1);
    cr_assert_eq(memfile_refcount(&mf, off + PG), 0);
    cr_assert_eq(mf.used, PG);
    /* The shared page kept its data; the released one went to the bump. */
    cr_assert_eq(((uint8_t *)memfile_ptr(&mf, off))[0], 0x11);
    cr_assert_eq(alloc_ok(PG), off + PG);
    memfile_free(&mf, off, PG);
    memfile_free(&mf, off + PG, PG);
    cr_assert_eq(mf.used, 0);
    cr_assert_eq(mf.bump, 0);
}

/* Randomized: live allocations are tracked in a shadow list; every page of
 * an allocation carries a tag so an overlap shows up as a clobbered tag. */
struct live {
    uint64_t off, len;
    uint32_t tag;
};

static void tag_pages(const struct live *l)
{
    for (uint64_t a = l->off; a < l->off + l->len; a += PG)
        *(uint32_t *)memfile_ptr(&mf, a) = l->tag;
}

static void check_tags(const struct live *l)
{
    for (uint64_t a = l->off; a < l->off + l->len; a += PG)
        cr_assert_eq(*(uint32_t *)memfile_ptr(&mf, a), l->tag,
                     "page %#llx of allocation %u clobbered", (unsigned long long)a, l->tag);
}

Test(memfile, random_alloc_free_never_overlaps_and_accounts_used)
{
    enum { MAXLIVE = 512, OPS = 20000 };
    static struct live live[MAXLIVE + 2]; /* a split free adds one */
    size_t nlive = 0;
    uint32_t next_tag = 1;
    uint64_t want_used = 0;

    srandom(12345);
    for (int op = 0; op < OPS; op++) {
        int r = random() % 100;
        if (nlive == 0 || (nlive < MAXLIVE && r < 55)) {
            uint64_t len = 1 + random() % (16 * PG);
            uint64_t rounded = (len + PG - 1) & ~(PG - 1);
            struct live l = {.len = rounded, .tag = next_tag++};

            cr_assert_eq(memfile_alloc(&mf, len, &l.off), 0);
            cr_assert_eq(l.off % PG, 0);
            cr_assert_leq(l.off + l.len, mf.size);
            for (size_t i = 0; i < nlive; i++)
                cr_assert(l.off + l.len <= live[i].off || live[i].off + live[i].len <= l.off,
                          "[%#llx,%#llx) overlaps live [%#llx,%#llx)", (unsigned long long)l.off,
                          (unsigned long long)(l.off + l.len), (unsigned long long)live[i].off,
                          (unsigned long long)(live[i].off + live[i].len));
            /* Fresh pages are zero even where a freed extent was reused. */
            for (uint64_t a = l.off; a < l.off + l.len; a += PG) {
                cr_assert_eq(*(uint32_t *)memfile_ptr(&mf, a), 0,
                             "op %d: fresh page %#llx of [%#llx,%#llx) holds tag %u", op,
                             (unsigned long long)a, (unsigned long long)l.off,
                             (unsigned long long)(l.off + l.len), *(uint32_t *)memfile_ptr(&mf, a));
                cr_assert_eq(memfile_refcount(&mf, a), 1);
            }
            tag_pages(&l);
            live[nlive++] = l;
            want_used += rounded;
        } else {
            size_t i = random() % nlive;
            struct live l = live[i];
            uint64_t pages = l.len / PG;
            /* Free the whole allocation, or a page-aligned piece of it. */
            int whole = r < 80 || nlive >= MAXLIVE;
            uint64_t a = whole ? 0 : random() % pages;
            uint64_t b = whole ? pages : a + 1 + random() % (pages - a);

            check_tags(&l);
            memfile_free(&mf, l.off + a * PG, (b - a) * PG);
            for (uint64_t p = a; p < b; p++)
                cr_assert_eq(memfile_refcount(&mf, l.off + p * PG), 0);
            want_used -= (b - a) * PG;
            live[i] = live[--nlive];
            if (a > 0)
                live[nlive++] = (struct live){l.off, a * PG, l.tag};
            if (b < pages)
                live[nlive++] = (struct live){l.off + b * PG, (pages - b) * PG, l.tag};
        }
        cr_assert_eq(mf.used, want_used, "op %d: used %llu, expected %llu", op,
                     (unsigned long long)mf.used, (unsigned long long)want_used);
        if (op % 64 == 0)
            check_free_list();
    }
    check_free_list();
    for (size_t i = 0; i < nlive; i++) {
        check_tags(&live[i]);
        memfile_free(&mf, live[i].off, live[i].len);
    }
    cr_assert_eq(mf.used, 0);
    cr_assert_eq(mf.bump, 0);
    cr_assert_eq(mf.nfree, 0);
    cr_assert_eq(alloc_ok(PG), 0);
}

/* A 16-page file for running out of space. */
Test(memfile_small, enomem_when_the_file_is_full, .init = setup_small, .fini = teardown)
{
    uint64_t off = 99;

    cr_assert_eq(memfile_alloc(&mf, 17 * PG, &off), -ENOMEM);
    cr_assert_eq(mf.used, 0);
    cr_assert_eq(alloc_ok(16 * PG), 0);
    cr_assert_eq(memfile_alloc(&mf, 1, &off), -ENOMEM);
    cr_assert_eq(mf.used, 16 * PG);
    memfile_free(&mf, 15 * PG, PG);
    cr_assert_eq(alloc_ok(1), 15 * PG);
}

Test(memfile_small, enomem_when_no_hole_is_large_enough, .init = setup_small, .fini = teardown)
{
    uint64_t off;

    for (int i = 0; i < 16; i++)
        cr_assert_eq(alloc_ok(PG), (uint64_t)i * PG);
    memfile_free(&mf, 2 * PG, PG);
    memfile_free(&mf, 5 * PG, 2 * PG);
    cr_assert_eq(memfile_alloc(&mf, 3 * PG, &off), -ENOMEM);
    cr_assert_eq(mf.used, 13 * PG);
    cr_assert_eq(alloc_ok(2 * PG), 5 * PG);
    cr_assert_eq(alloc_ok(PG), 2 * PG);
    cr_assert_eq(memfile_alloc(&mf, PG, &off), -ENOMEM);
}

Test(memfile_small, huge_length_does_not_wrap, .init = setup_small, .fini = teardown)
{
    uint64_t off = 99;

    /* Rounding UINT64_MAX up to a page must not wrap to a small request. */
    cr_assert_neq(memfile_alloc(&mf, UINT64_MAX - 10, &off), 0);
    cr_assert_eq(mf.used, 0);
    cr_assert_eq(mf.bump, 0);
}
