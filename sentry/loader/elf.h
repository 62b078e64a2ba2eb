/* sentry/loader/elf.h: ELF64 header parsing and image loading.
 *
 * elf_parse validates untrusted bytes: every offset and size is checked
 * against the file size and the user address range; anything malformed is
 * -ENOEXEC (or -EINVAL/-ENOMEM where Linux says so), never a crash.
 */
#ifndef SB_SENTRY_LOADER_ELF_H
#define SB_SENTRY_LOADER_ELF_H

#include <elf.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/cleanup.h"

#define ELF_MAX_PHNUM 128

struct file;
struct mm;

/* Reads len bytes at off; returns bytes read or -errno. */
typedef long (*elf_read_fn)(void *arg, void *buf, size_t len, uint64_t off);

struct elf_info {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[ELF_MAX_PHNUM];
    int phnum;
    bool is_dyn;        /* ET_DYN: loaded at a bias */
    char interp[256];   /* PT_INTERP, "" if none */
    uint64_t min_vaddr; /* page-aligned start of the lowest PT_LOAD */
    uint64_t max_vaddr; /* end of the highest PT_LOAD */
    uint64_t phdr_vaddr; /* PT_PHDR or derived, 0 if unknown */
};

int elf_parse(elf_read_fn read, void *arg, uint64_t file_size, uint64_t max_addr,
              struct elf_info *out) SB_MUST_CHECK;

struct elf_loaded {
    uint64_t bias;
    uint64_t entry;
    uint64_t phdr;  /* address of the program headers in memory */
    uint64_t end;   /* end of the highest segment (for brk) */
};

/* Map the PT_LOAD segments of a parsed image into mm. For ET_DYN, load at
 * `want_base` if non-zero, else wherever mmap finds room. */
int elf_load(struct mm *mm, struct file *f, const struct elf_info *info,
             uint64_t want_base, struct elf_loaded *out) SB_MUST_CHECK;

#endif
