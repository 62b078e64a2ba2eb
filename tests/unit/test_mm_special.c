/* tests/unit/test_mm_special.c: VMAs of host pages the platform keeps
 * mapped (the vDSO block): no MemoryFile backing, never split, kept by
 * fork, left alone by mmap's placement. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

#include "sentry/mm/mm.h"

#define TOP 0x7fffffffe000ULL
#define VVAR (TOP - 0x20000)
#define VDSO (VVAR + 4 * MM_PAGE)
#define VEND (VDSO + 2 * MM_PAGE)

static struct memfile mf;
static struct platform_ops ops; /* no address space: nothing is called */
static struct mm *mm;

static void setup(void)
{
    const struct platform_special_range r[] = {
        { VVAR, VDSO, PROT_READ, PLATFORM_VVAR },
        { VDSO, VEND, PROT_READ | PROT_EXEC, PLATFORM_VDSO },
    };

    cr_assert_eq(memfile_init(&mf, 1ULL << 30), 0);
    cr_assert_eq(mm_new(&mf, &ops, NULL, TOP, &mm), 0);
    for (size_t i = 0; i < 2; i++)
        cr_assert_eq(mm_map_special(mm, &r[i]), 0);
}

static void teardown(void)
{
    mm_destroy(mm);
    memfile_destroy(&mf);
}

static int no_as(void *arg, struct address_space **as)
{
    *as = NULL;
    return 0;
}

TestSuite(mm_special, .init = setup, .fini = teardown);

Test(mm_special, refuses_a_split)
{
    cr_assert_eq(mm_munmap(mm, VVAR, MM_PAGE), -EINVAL);
    cr_assert_eq(mm_munmap(mm, VVAR + MM_PAGE, 5 * MM_PAGE), -EINVAL);
    cr_assert_eq(mm_mmap(mm, VDSO, MM_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                         NULL, 0),
                 -EINVAL);
    cr_assert_eq(mm_mprotect(mm, VVAR, MM_PAGE, PROT_READ), -EINVAL);
    cr_assert_eq(mm_check_mapped(mm, VVAR, VEND - VVAR), 0);
}

Test(mm_special, unmaps_whole)
{
    cr_assert_eq(mm_munmap(mm, VVAR, VEND - VVAR), 0);
    cr_assert_eq(mm_check_mapped(mm, VVAR, MM_PAGE), -ENOMEM);
    cr_assert_eq(mm_check_mapped(mm, VDSO, MM_PAGE), -ENOMEM);
}

Test(mm_special, is_never_backed_nor_written)
{
    char buf[16];
    struct mm_fault_guard g = { 0 };

    cr_assert_eq(mm_copy_in(mm, buf, VDSO, sizeof(buf)), -EFAULT);
    cr_assert_eq(mm_copy_out(mm, VVAR, buf, sizeof(buf)), -EFAULT);
    cr_assert_eq(mm_fault(mm, VDSO, SEGV_MAPERR, &g), -EFAULT);
    cr_assert_eq(mm_mprotect(mm, VVAR, VDSO - VVAR, PROT_READ | PROT_WRITE), -EACCES);
    cr_assert_eq(mm_mremap(mm, VDSO, VEND - VDSO, VEND - VDSO, MREMAP_MAYMOVE | MREMAP_FIXED,
                           0x10000000),
                 -EINVAL);
    cr_assert_eq(mm_rss_kb(mm), 0);
}

Test(mm_special, survives_fork)
{
    struct mm *child;

    cr_assert_eq(mm_fork(mm, no_as, NULL, &child), 0);
    cr_assert_eq(mm_check_mapped(child, VVAR, VEND - VVAR), 0);
    cr_assert_eq(mm_munmap(child, VDSO, MM_PAGE), -EINVAL);
    mm_destroy(child);
}

Test(mm_special, mmap_goes_elsewhere)
{
    long a = mm_mmap(mm, VVAR, MM_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);

    cr_assert_gt(a, 0);
    cr_assert((uint64_t)a + MM_PAGE <= VVAR || (uint64_t)a >= VEND);
    cr_assert_eq(mm_mmap(mm, VDSO, MM_PAGE, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0),
                 -EEXIST);
}
