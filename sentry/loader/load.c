/* sentry/loader/load.c: map a parsed ELF image into an address space. */
#include "sentry/loader/elf.h"

#include <errno.h>
#include <sys/mman.h>

#include "sentry/mm/mm.h"
#include "sentry/vfs/vfs.h"

#define PAGE 4096ULL
#define PDOWN(x) ((x) & ~(PAGE - 1))
#define PUP(x) (((x) + PAGE - 1) & ~(PAGE - 1))

static int prot_of(uint32_t flags)
{
    return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
           (flags & PF_X ? PROT_EXEC : 0);
}

int elf_load(struct mm *mm, struct file *f, const struct elf_info *info,
             uint64_t want_base, struct elf_loaded *out)
{
    uint64_t bias = 0, span = PUP(info->max_vaddr) - info->min_vaddr;
    long r;

    if (info->is_dyn) {
        /* Reserve the whole span, then place segments inside it. */
        uint64_t base = want_base;
        if (!base || mm->max_addr - span < base)
            base = 0;
        r = mm_mmap(mm, base, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
                    (base ? MAP_FIXED_NOREPLACE : 0), NULL, 0);
        if (r < 0 && base)
            r = mm_mmap(mm, 0, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
        if (r < 0)
            return (int)r;
        bias = (uint64_t)r - info->min_vaddr;
    }
    out->end = 0;
    for (int i = 0; i < info->phnum; i++) {
        const Elf64_Phdr *p = &info->ph[i];
        uint64_t start, fend, mend;
        int prot;

        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        prot = prot_of(p->p_flags);
        start = bias + PDOWN(p->p_vaddr);
        fend = bias + p->p_vaddr + p->p_filesz;
        mend = bias + p->p_vaddr + p->p_memsz;
        if (p->p_filesz) {
            r = mm_mmap(mm, start, PUP(fend) - start, prot, MAP_PRIVATE | MAP_FIXED, f,
                        PDOWN(p->p_offset));
            if (r < 0)
                return (int)r;
            /* The tail of the last file page belongs to .bss: zero it. */
            if (p->p_memsz > p->p_filesz && (fend & (PAGE - 1))) {
                r = mm_zero(mm, fend, PUP(fend) - fend, 1);
                if (r < 0)
                    return (int)r;
            }
        } else {
            fend = start;
        }
        if (PUP(mend) > PUP(fend)) {
            r = mm_mmap(mm, PUP(fend), PUP(mend) - PUP(fend), prot,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0);
            if (r < 0)
                return (int)r;
        }
        if (mend > out->end)
            out->end = mend;
    }
    out->bias = bias;
    out->entry = bias + info->eh.e_entry;
    out->phdr = info->phdr_vaddr ? bias + info->phdr_vaddr : 0;
    return 0;
}
