/* sentry/loader/elf.c: validation of ELF64 headers (untrusted input). */
#include "sentry/loader/elf.h"

#include <errno.h>
#include <string.h>

#define PAGE 4096ULL

static int read_exact(elf_read_fn read, void *arg, void *buf, size_t len, uint64_t off)
{
    long n = read(arg, buf, len, off);
    if (n < 0)
        return (int)n;
    return (size_t)n == len ? 0 : -ENOEXEC;
}

int elf_parse(elf_read_fn read, void *arg, uint64_t file_size, uint64_t max_addr,
              struct elf_info *out)
{
    Elf64_Ehdr *eh = &out->eh;
    bool have_load = false;
    int r;

    memset(out, 0, sizeof(*out));
    out->min_vaddr = UINT64_MAX;
    if (file_size < sizeof(*eh))
        return -ENOEXEC;
    if ((r = read_exact(read, arg, eh, sizeof(*eh), 0)))
        return r;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_ident[EI_VERSION] != EV_CURRENT)
        return -ENOEXEC;
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return -ENOEXEC;
    if (eh->e_machine != EM_X86_64)
        return -ENOEXEC;
    if (eh->e_phentsize != sizeof(Elf64_Phdr))
        return -ENOEXEC;
    if (eh->e_phnum < 1 || eh->e_phnum > ELF_MAX_PHNUM)
        return -ENOEXEC;
    if (eh->e_phoff > file_size ||
        file_size - eh->e_phoff < (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr))
        return -ENOEXEC;
    out->phnum = eh->e_phnum;
    out->is_dyn = eh->e_type == ET_DYN;
    if ((r = read_exact(read, arg, out->ph, out->phnum * sizeof(Elf64_Phdr), eh->e_phoff)))
        return r;

    for (int i = 0; i < out->phnum; i++) {
        Elf64_Phdr *p = &out->ph[i];
        switch (p->p_type) {
        case PT_LOAD:
            if (p->p_filesz > p->p_memsz)
                return -ENOEXEC;
            if (p->p_offset + p->p_filesz < p->p_offset)
                return -ENOEXEC;
            if ((p->p_offset & (PAGE - 1)) != (p->p_vaddr & (PAGE - 1)))
                return -ENOEXEC;
            if (p->p_vaddr + p->p_memsz < p->p_vaddr || p->p_vaddr + p->p_memsz > max_addr)
                return -ENOEXEC;
            if (p->p_memsz == 0)
                break;
            if ((p->p_vaddr & ~(PAGE - 1)) < out->min_vaddr)
                out->min_vaddr = p->p_vaddr & ~(PAGE - 1);
            if (p->p_vaddr + p->p_memsz > out->max_vaddr)
                out->max_vaddr = p->p_vaddr + p->p_memsz;
            have_load = true;
            break;
        case PT_INTERP:
            if (p->p_filesz < 2 || p->p_filesz > sizeof(out->interp) ||
                p->p_offset > file_size || file_size - p->p_offset < p->p_filesz)
                return -ENOEXEC;
            if ((r = read_exact(read, arg, out->interp, p->p_filesz, p->p_offset)))
                return r;
            if (out->interp[p->p_filesz - 1] != 0 || strlen(out->interp) != p->p_filesz - 1)
                return -ENOEXEC;
            break;
        case PT_PHDR:
            out->phdr_vaddr = p->p_vaddr;
            break;
        default:
            break;
        }
    }
    if (!have_load)
        return -ENOEXEC;
    if (!out->phdr_vaddr) {
        /* The headers are mapped if a PT_LOAD covers them in the file. */
        for (int i = 0; i < out->phnum; i++) {
            Elf64_Phdr *p = &out->ph[i];
            if (p->p_type == PT_LOAD && p->p_offset <= eh->e_phoff &&
                eh->e_phoff + out->phnum * sizeof(Elf64_Phdr) <= p->p_offset + p->p_filesz) {
                out->phdr_vaddr = p->p_vaddr + (eh->e_phoff - p->p_offset);
                break;
            }
        }
    }
    return 0;
}
