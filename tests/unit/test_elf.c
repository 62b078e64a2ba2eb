/* tests/unit/test_elf.c: elf_parse accepts well-formed ELF64 x86-64 images
 * and refuses every malformed one with -ENOEXEC, never reading outside the
 * file or crashing. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sentry/loader/elf.h"

#define PG 0x1000ULL
#define MAX_ADDR 0x7ffffffff000ULL /* x86-64 user space top */
#define IMG_SIZE 0x3000
#define LDSO "/lib64/ld-linux-x86-64.so.2"
#define INTERP_OFF 0x200

/* An in-memory file; reads past its end are short, never out of bounds. */
struct mfile {
    const uint8_t *p;
    size_t len;
    uint64_t max_end; /* furthest byte elf_parse asked for */
    int fail;         /* return -EIO */
};

static long mread(void *arg, void *buf, size_t len, uint64_t off)
{
    struct mfile *f = arg;
    size_t n;

    uint64_t end = off + len < off ? UINT64_MAX : off + len;

    if (f->fail)
        return -EIO;
    if (end > f->max_end)
        f->max_end = end;
    if (off >= f->len)
        return 0;
    n = len < f->len - off ? len : f->len - off;
    memcpy(buf, f->p + off, n);
    return (long)n;
}

struct img {
    uint8_t b[IMG_SIZE];
    size_t len;
};

static Elf64_Ehdr *ehdr(struct img *im)
{
    return (Elf64_Ehdr *)im->b;
}

static Elf64_Phdr *phdr(struct img *im, int i)
{
    return (Elf64_Phdr *)(im->b + ehdr(im)->e_phoff) + i;
}

static void put_ehdr(struct img *im, uint16_t type, uint16_t phnum, uint64_t entry)
{
    Elf64_Ehdr *e = ehdr(im);

    memset(im, 0, sizeof(*im));
    im->len = IMG_SIZE;
    memcpy(e->e_ident, ELFMAG, SELFMAG);
    e->e_ident[EI_CLASS] = ELFCLASS64;
    e->e_ident[EI_DATA] = ELFDATA2LSB;
    e->e_ident[EI_VERSION] = EV_CURRENT;
    e->e_ident[EI_OSABI] = ELFOSABI_SYSV;
    e->e_type = type;
    e->e_machine = EM_X86_64;
    e->e_version = EV_CURRENT;
    e->e_entry = entry;
    e->e_phoff = sizeof(Elf64_Ehdr);
    e->e_ehsize = sizeof(Elf64_Ehdr);
    e->e_phentsize = sizeof(Elf64_Phdr);
    e->e_phnum = phnum;
}

static void put_phdr(struct img *im, int i, uint32_t type, uint32_t flags, uint64_t off,
                     uint64_t vaddr, uint64_t filesz, uint64_t memsz)
{
    *phdr(im, i) = (Elf64_Phdr){
        .p_type = type,
        .p_flags = flags,
        .p_offset = off,
        .p_vaddr = vaddr,
        .p_paddr = vaddr,
        .p_filesz = filesz,
        .p_memsz = memsz,
        .p_align = PG,
    };
}

/* Static ET_EXEC: text at 0x400000 (covering the headers), data after. */
static void make_static(struct img *im)
{
    put_ehdr(im, ET_EXEC, 2, 0x400100);
    put_phdr(im, 0, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x1000, 0x1000);
    put_phdr(im, 1, PT_LOAD, PF_R | PF_W, 0x1000, 0x601000, 0x800, 0x3000);
}

/* ET_DYN with PT_PHDR, PT_INTERP and one PT_LOAD at 0. */
static void make_dyn(struct img *im)
{
    put_ehdr(im, ET_DYN, 3, 0x180);
    put_phdr(im, 0, PT_PHDR, PF_R, 0x40, 0x40, 3 * sizeof(Elf64_Phdr), 3 * sizeof(Elf64_Phdr));
    put_phdr(im, 1, PT_INTERP, PF_R, INTERP_OFF, INTERP_OFF, sizeof(LDSO), sizeof(LDSO));
    put_phdr(im, 2, PT_LOAD, PF_R | PF_X, 0, 0, 0x3000, 0x5000);
    memcpy(im->b + INTERP_OFF, LDSO, sizeof(LDSO));
}

static int parse_sized(struct img *im, uint64_t size, struct elf_info *info)
{
    struct mfile f = {.p = im->b, .len = size};
    int r = elf_parse(mread, &f, size, MAX_ADDR, info);

    cr_assert_leq(f.max_end, size, "elf_parse read up to %#llx of a %#llx byte file",
                  (unsigned long long)f.max_end, (unsigned long long)size);
    return r;
}

static int parse(struct img *im, struct elf_info *info)
{
    return parse_sized(im, im->len, info);
}

static void expect_noexec(struct img *im, const char *what)
{
    static struct elf_info info;
    int r = parse(im, &info);

    cr_assert_eq(r, -ENOEXEC, "%s: got %d, want -ENOEXEC", what, r);
}

static struct elf_info info;

Test(elf, parses_a_minimal_static_exec)
{
    struct img im;

    make_static(&im);
    cr_assert_eq(parse(&im, &info), 0);
    cr_assert_eq(info.phnum, 2);
    cr_assert_not(info.is_dyn);
    cr_assert_str_empty(info.interp);
    cr_assert_eq(info.eh.e_entry, 0x400100);
    cr_assert_eq(info.min_vaddr, 0x400000);
    cr_assert_eq(info.max_vaddr, 0x604000);
    /* No PT_PHDR: derived from the PT_LOAD covering offset e_phoff. */
    cr_assert_eq(info.phdr_vaddr, 0x400040);
    cr_assert_eq(info.ph[1].p_vaddr, 0x601000);
}

Test(elf, parses_a_single_load_static_exec_with_unaligned_start)
{
    struct img im;

    put_ehdr(&im, ET_EXEC, 1, 0x400100);
    put_phdr(&im, 0, PT_LOAD, PF_R | PF_X, 0x123, 0x400123, 0x100, 0x100);
    cr_assert_eq(parse(&im, &info), 0);
    cr_assert_eq(info.min_vaddr, 0x400000, "min_vaddr is page aligned down");
    cr_assert_eq(info.max_vaddr, 0x400223);
    cr_assert_eq(info.phdr_vaddr, 0, "headers not in any PT_LOAD");
}

Test(elf, parses_a_dyn_with_interp_and_phdr)
{
    struct img im;

    make_dyn(&im);
    cr_assert_eq(parse(&im, &info), 0);
    cr_assert_eq(info.phnum, 3);
    cr_assert(info.is_dyn);
    cr_assert_str_eq(info.interp, LDSO);
    cr_assert_eq(info.phdr_vaddr, 0x40);
    cr_assert_eq(info.min_vaddr, 0);
    cr_assert_eq(info.max_vaddr, 0x5000);
}

Test(elf, pt_phdr_wins_over_the_derived_address)
{
    struct img im;

    make_dyn(&im);
    phdr(&im, 0)->p_vaddr = 0x2040;
    cr_assert_eq(parse(&im, &info), 0);
    cr_assert_eq(info.phdr_vaddr, 0x2040);
}

Test(elf, accepts_the_largest_interp_that_fits)
{
    struct img im;

    make_dyn(&im);
    memset(im.b + INTERP_OFF, 'a', sizeof(info.interp) - 1);
    im.b[INTERP_OFF] = '/';
    im.b[INTERP_OFF + sizeof(info.interp) - 1] = 0;
    phdr(&im, 1)->p_filesz = sizeof(info.interp);
    cr_assert_eq(parse(&im, &info), 0);
    cr_assert_eq(strlen(info.interp), sizeof(info.interp) - 1);
}

Test(elf, accepts_load_ending_exactly_at_max_addr)
{
    struct img im;

    make_static(&im);
    put_phdr(&im, 1, PT_LOAD, PF_R | PF_W, 0x1000, MAX_ADDR - 0x2000, 0x800, 0x2000);
    cr_assert_eq(parse(&im, &info), 0);
    cr_assert_eq(info.max_vaddr, MAX_ADDR);
}

Test(elf, read_errors_are_passed_up)
{
    struct img im;
    struct mfile f = {.p = im.b, .len = IMG_SIZE, .fail = 1};

    make_static(&im);
    cr_assert_eq(elf_parse(mread, &f, IMG_SIZE, MAX_ADDR, &info), -EIO);
}

Test(elf, short_read_is_enoexec)
{
    struct img im;
    /* The caller claims a size larger than what can be read. */
    struct mfile f = {.p = im.b, .len = 0x60};

    make_static(&im);
    cr_assert_eq(elf_parse(mread, &f, IMG_SIZE, MAX_ADDR, &info), -ENOEXEC);
}

/* Real binaries from the host. */
static int parse_host_file(const char *path, struct elf_info *out)
{
    struct stat st;
    uint8_t *buf;
    int fd = open(path, O_RDONLY | O_CLOEXEC), r;
    ssize_t n;

    if (fd < 0)
        cr_skip_test("%s not present: %s", path, strerror(errno));
    cr_assert_eq(fstat(fd, &st), 0);
    buf = malloc(st.st_size);
    cr_assert_not_null(buf);
    n = pread(fd, buf, st.st_size, 0);
    close(fd);
    cr_assert_eq(n, st.st_size);
    {
        struct mfile f = {.p = buf, .len = st.st_size};
        r = elf_parse(mread, &f, st.st_size, MAX_ADDR, out);
        cr_assert_leq(f.max_end, (uint64_t)st.st_size);
    }
    free(buf);
    return r;
}

Test(elf, parses_host_bin_ls)
{
    cr_assert_eq(parse_host_file("/bin/ls", &info), 0);
    cr_assert_eq(info.phnum, info.eh.e_phnum);
    cr_assert_gt(info.phnum, 2);
    cr_assert(info.is_dyn, "/bin/ls is expected to be PIE");
    cr_assert_str_eq(info.interp, LDSO);
    cr_assert_neq(info.phdr_vaddr, 0);
    cr_assert_lt(info.min_vaddr, info.max_vaddr);
    cr_assert_eq(info.min_vaddr % PG, 0);
    cr_assert_leq(info.eh.e_entry, info.max_vaddr);
    cr_assert_geq(info.eh.e_entry, info.min_vaddr);
}

Test(elf, parses_host_static_busybox)
{
    cr_assert_eq(parse_host_file("/bin/busybox", &info), 0);
    cr_assert_eq(info.phnum, info.eh.e_phnum);
    cr_assert_str_empty(info.interp, "static busybox has no interpreter");
    cr_assert_lt(info.min_vaddr, info.max_vaddr);
    cr_assert_geq(info.eh.e_entry, info.min_vaddr);
    cr_assert_lt(info.eh.e_entry, info.max_vaddr);
    if (!info.is_dyn)
        cr_assert_geq(info.min_vaddr, 0x10000, "ET_EXEC loads above mmap_min_addr");
}

Test(elf, parses_host_dynamic_loader)
{
    cr_assert_eq(parse_host_file(LDSO, &info), 0);
    cr_assert(info.is_dyn);
    cr_assert_str_empty(info.interp);
}

Test(elf, refuses_a_non_elf_host_file)
{
    cr_assert_eq(parse_host_file("/etc/passwd", &info), -ENOEXEC);
}

/* Malformed images: each one is -ENOEXEC. */

Test(elf_bad, file_shorter_than_ehdr)
{
    struct img im;

    make_static(&im);
    for (uint64_t n = 0; n < sizeof(Elf64_Ehdr); n++)
        cr_assert_eq(parse_sized(&im, n, &info), -ENOEXEC, "size %llu", (unsigned long long)n);
}

Test(elf_bad, bad_magic)
{
    struct img im;

    for (int i = 0; i < SELFMAG; i++) {
        make_static(&im);
        im.b[i] ^= 0x20;
        expect_noexec(&im, "magic byte");
    }
}

Test(elf_bad, elfclass32)
{
    struct img im;

    make_static(&im);
    im.b[EI_CLASS] = ELFCLASS32;
    expect_noexec(&im, "ELFCLASS32");
    im.b[EI_CLASS] = ELFCLASSNONE;
    expect_noexec(&im, "ELFCLASSNONE");
}

Test(elf_bad, big_endian)
{
    struct img im;

    make_static(&im);
    im.b[EI_DATA] = ELFDATA2MSB;
    expect_noexec(&im, "ELFDATA2MSB");
}

Test(elf_bad, bad_ident_version)
{
    struct img im;

    make_static(&im);
    im.b[EI_VERSION] = 0;
    expect_noexec(&im, "EI_VERSION 0");
}

Test(elf_bad, wrong_machine)
{
    struct img im;
    uint16_t machines[] = {EM_386, EM_AARCH64, EM_NONE, EM_RISCV};

    for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
        make_static(&im);
        ehdr(&im)->e_machine = machines[i];
        expect_noexec(&im, "e_machine");
    }
}

Test(elf_bad, rel_core_and_none_types)
{
    struct img im;
    uint16_t types[] = {ET_REL, ET_CORE, ET_NONE, 0xfe00};

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        make_static(&im);
        ehdr(&im)->e_type = types[i];
        expect_noexec(&im, "e_type");
    }
}

Test(elf_bad, wrong_phentsize)
{
    struct img im;
    uint16_t sizes[] = {0, 32, sizeof(Elf64_Phdr) - 1, sizeof(Elf64_Phdr) + 8, 0xffff};

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        make_static(&im);
        ehdr(&im)->e_phentsize = sizes[i];
        expect_noexec(&im, "e_phentsize");
    }
}

Test(elf_bad, zero_phnum)
{
    struct img im;

    make_static(&im);
    ehdr(&im)->e_phnum = 0;
    expect_noexec(&im, "e_phnum 0");
}

Test(elf_bad, phnum_above_max)
{
    struct img im;

    make_static(&im);
    ehdr(&im)->e_phnum = ELF_MAX_PHNUM + 1;
    expect_noexec(&im, "e_phnum max+1");
    ehdr(&im)->e_phnum = 0xffff; /* PN_XNUM */
    expect_noexec(&im, "e_phnum 0xffff");
}

Test(elf, phnum_at_max_is_accepted)
{
    struct img im;

    make_static(&im);
    /* The remaining headers are PT_NULL; they fit in the file. */
    ehdr(&im)->e_phnum = ELF_MAX_PHNUM;
    cr_assert_leq(0x40 + ELF_MAX_PHNUM * sizeof(Elf64_Phdr), IMG_SIZE);
    phdr(&im, 0)->p_filesz = phdr(&im, 0)->p_memsz = 0x3000;
    cr_assert_eq(parse(&im, &info), 0);
    cr_assert_eq(info.phnum, ELF_MAX_PHNUM);
}

Test(elf_bad, phoff_past_eof)
{
    struct img im;

    make_static(&im);
    ehdr(&im)->e_phoff = IMG_SIZE + 8;
    expect_noexec(&im, "phoff past EOF");
    ehdr(&im)->e_phoff = UINT64_MAX - 8;
    expect_noexec(&im, "phoff near 2^64");
}

Test(elf_bad, phdrs_running_past_eof)
{
    struct img im;

    make_static(&im);
    memcpy(im.b + IMG_SIZE - sizeof(Elf64_Phdr), phdr(&im, 0), sizeof(Elf64_Phdr));
    ehdr(&im)->e_phoff = IMG_SIZE - sizeof(Elf64_Phdr); /* room for 1 of 2 */
    expect_noexec(&im, "phdrs past EOF");
    ehdr(&im)->e_phoff = IMG_SIZE - sizeof(Elf64_Phdr) + 1;
    ehdr(&im)->e_phnum = 1;
    expect_noexec(&im, "one phdr a byte past EOF");
}

Test(elf_bad, filesz_above_memsz)
{
    struct img im;

    make_static(&im);
    phdr(&im, 1)->p_filesz = phdr(&im, 1)->p_memsz + 1;
    expect_noexec(&im, "p_filesz > p_memsz");
}

Test(elf_bad, offset_plus_filesz_overflows)
{
    struct img im;

    make_static(&im);
    put_phdr(&im, 1, PT_LOAD, PF_R | PF_W, 0xfffffffffffff000ULL, 0x601000, 0x2000, 0x2000);
    expect_noexec(&im, "p_offset + p_filesz wraps");
}

Test(elf_bad, vaddr_plus_memsz_overflows)
{
    struct img im;

    make_static(&im);
    put_phdr(&im, 1, PT_LOAD, PF_R | PF_W, 0x1000, 0xfffffffffffff000ULL, 0x800, 0x2000);
    expect_noexec(&im, "p_vaddr + p_memsz wraps");
}

Test(elf_bad, vaddr_beyond_max_addr)
{
    struct img im;

    make_static(&im);
    put_phdr(&im, 1, PT_LOAD, PF_R | PF_W, 0x1000, MAX_ADDR, 0x800, 0x1000);
    expect_noexec(&im, "segment starts at max_addr");
    put_phdr(&im, 1, PT_LOAD, PF_R | PF_W, 0x1000, MAX_ADDR - 0x1000, 0x800, 0x1001);
    expect_noexec(&im, "segment ends one byte past max_addr");
    put_phdr(&im, 1, PT_LOAD, PF_R | PF_W, 0x1000, 0x800000000000ULL, 0x800, 0x1000);
    expect_noexec(&im, "segment in the kernel half");
}

Test(elf_bad, offset_and_vaddr_disagree_modulo_page)
{
    struct img im;

    make_static(&im);
    put_phdr(&im, 1, PT_LOAD, PF_R | PF_W, 0x1010, 0x601000, 0x100, 0x100);
    expect_noexec(&im, "offset %% page != vaddr %% page");
    put_phdr(&im, 1, PT_LOAD, PF_R | PF_W, 0x1000, 0x601008, 0x100, 0x100);
    expect_noexec(&im, "vaddr %% page != offset %% page");
}

Test(elf_bad, no_pt_load)
{
    struct img im;

    make_static(&im);
    phdr(&im, 0)->p_type = PT_NOTE;
    phdr(&im, 1)->p_type = PT_GNU_STACK;
    expect_noexec(&im, "no PT_LOAD");
}

Test(elf_bad, interp_not_nul_terminated)
{
    struct img im;

    make_dyn(&im);
    phdr(&im, 1)->p_filesz = sizeof(LDSO) - 1; /* drops the NUL */
    expect_noexec(&im, "interp without NUL");
}

Test(elf_bad, interp_empty)
{
    struct img im;

    make_dyn(&im);
    phdr(&im, 1)->p_filesz = 0;
    expect_noexec(&im, "interp filesz 0");
    phdr(&im, 1)->p_filesz = 1; /* just the NUL */
    im.b[INTERP_OFF] = 0;
    expect_noexec(&im, "interp \"\"");
}

Test(elf_bad, interp_too_long)
{
    struct img im;

    make_dyn(&im);
    memset(im.b + INTERP_OFF, 'a', 0x1000);
    im.b[INTERP_OFF + 300] = 0;
    phdr(&im, 1)->p_filesz = 301; /* longer than elf_info.interp */
    expect_noexec(&im, "interp of 300 chars");
    im.b[INTERP_OFF + 300] = 'a';
    im.b[INTERP_OFF + 0x1000] = 0;
    phdr(&im, 1)->p_filesz = 0x1001; /* longer than PATH_MAX: Linux refuses too */
    expect_noexec(&im, "interp beyond PATH_MAX");
}

Test(elf_bad, interp_past_eof)
{
    struct img im;

    make_dyn(&im);
    phdr(&im, 1)->p_offset = IMG_SIZE - 5;
    expect_noexec(&im, "interp straddles EOF");
    phdr(&im, 1)->p_offset = IMG_SIZE + 0x1000;
    expect_noexec(&im, "interp after EOF");
    phdr(&im, 1)->p_offset = UINT64_MAX - 4;
    expect_noexec(&im, "interp offset near 2^64");
}

Test(elf_bad, interp_with_embedded_nul)
{
    struct img im;

    make_dyn(&im);
    im.b[INTERP_OFF + 6] = 0; /* "/lib64\0ld-linux..." */
    expect_noexec(&im, "embedded NUL");
}

/* Random byte flips in the headers, the PT_INTERP string and around it:
 * elf_parse returns 0 or -errno, never reads past EOF, never crashes, and a
 * success is self-consistent. */
Test(elf_fuzz, random_header_flips_never_crash)
{
    struct img base, im;
    const size_t region = INTERP_OFF + sizeof(LDSO) + 8;
    int ok = 0, bad = 0;

    make_dyn(&base);
    srandom(20240601);
    for (int iter = 0; iter < 20000; iter++) {
        int nflips = 1 + random() % 4;
        uint64_t size = IMG_SIZE;
        int r;

        im = base;
        if (iter % 2) /* every other one starts from the static image */
            make_static(&im);
        for (int k = 0; k < nflips; k++) {
            size_t at = random() % region;
            if (random() % 4 == 0)
                im.b[at] = (uint8_t)random(); /* whole byte */
            else
                im.b[at] ^= 1u << (random() % 8); /* one bit */
        }
        if (random() % 16 == 0)
            size = random() % IMG_SIZE;
        r = parse_sized(&im, size, &info);
        cr_assert(r == 0 || (r < 0 && r >= -4095), "iter %d: returned %d", iter, r);
        if (r != 0) {
            bad++;
            continue;
        }
        ok++;
        cr_assert_geq(info.phnum, 1);
        cr_assert_leq(info.phnum, ELF_MAX_PHNUM);
        cr_assert_lt(strnlen(info.interp, sizeof(info.interp)), sizeof(info.interp));
        cr_assert_leq(info.min_vaddr, info.max_vaddr, "iter %d", iter);
        cr_assert_leq(info.max_vaddr, MAX_ADDR, "iter %d", iter);
        cr_assert_eq(info.min_vaddr % PG, 0);
    }
    /* Both outcomes are exercised, or the fuzzing is not doing anything. */
    cr_assert_gt(ok, 100, "only %d accepted", ok);
    cr_assert_gt(bad, 100, "only %d refused", bad);
}
