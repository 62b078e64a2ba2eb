/* sentry/mm/mm.c: VMAs, backing, demand faults, brk and copies. */
#include "sentry/mm/mm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "sentry/vfs/vfs.h"

#define PAGE_DOWN(x) ((x) & ~(MM_PAGE - 1))
#define PAGE_UP(x) (((x) + MM_PAGE - 1) & ~(MM_PAGE - 1))

/* A new VMA holds f: a reference, and the file's attach count. */
static struct file *vma_file_get(struct file *f)
{
    file_get(f);
    if (f->ops && f->ops->vma_open)
        f->ops->vma_open(f);
    return f;
}

static void vma_get(struct mm_range *r)
{
    if (r->obj)
        vma_file_get(r->obj);
}

/* A shared writable mapping of a file kept elsewhere (the host) writes
 * its pages back over [start, end) of the mapping. */
static int vma_writeback(const struct mm_range *v, uint64_t start, uint64_t end)
{
    struct inode *ino;

    if (!v->obj || !(v->flags & VMA_SHARED) || (v->flags & VMA_NOMAYWRITE))
        return 0;
    ino = ((struct file *)v->obj)->inode;
    if (!ino->iops || !ino->iops->writeback)
        return 0;
    return ino->iops->writeback(ino, v->off + (start - v->start), end - start);
}

static void vma_removed(void *arg, const struct mm_range *r)
{
    if (r->obj) {
        struct file *f = r->obj;
        (void)vma_writeback(r, r->start, r->end); /* munmap writes back */
        if (f->ops && f->ops->vma_close)
            f->ops->vma_close(f);
        file_put(f);
    }
}

int mm_msync(struct mm *mm, uint64_t addr, uint64_t len)
{
    uint64_t end = addr + PAGE_UP(len), a;
    int r = 0;

    if (end < addr)
        return -ENOMEM;
    pthread_mutex_lock(&mm->lock);
    for (a = addr; a < end && !r;) {
        struct mm_range *v = rmap_find(&mm->vmas, a);
        if (!v) {
            r = -ENOMEM;
            break;
        }
        r = vma_writeback(v, a, SB_MIN(v->end, end));
        a = v->end;
    }
    pthread_mutex_unlock(&mm->lock);
    return r;
}

static void pma_removed(void *arg, const struct mm_range *r)
{
    struct mm *mm = arg;
    memfile_free(mm->mf, r->off, r->end - r->start);
}

int mm_new(struct memfile *mf, const struct platform_ops *pops, struct address_space *as,
           uint64_t max_addr, struct mm **out)
{
    struct mm *mm = xzalloc(sizeof(*mm));

    mm->users = 1;
    mm->as_limit = UINT64_MAX;
    mm->stack_limit = 8ULL << 20;
    pthread_mutex_init(&mm->lock, NULL);
    mm->vmas.get = vma_get;
    mm->pmas.merge = 1;
    mm->mf = mf;
    mm->pops = pops;
    mm->as = as;
    mm->min_addr = 0x10000; /* vm.mmap_min_addr */
    mm->max_addr = max_addr;
    mm->stack_top = max_addr - 0x100000;               /* below the stub */
    mm->mmap_base = mm->stack_top - 0x800000 - 0x8000000; /* stack rlimit + gap */
    mm->mmap_base &= ~0xffffULL;
    *out = mm;
    return 0;
}

struct mm *mm_get(struct mm *mm)
{
    __atomic_add_fetch(&mm->users, 1, __ATOMIC_RELAXED);
    return mm;
}

void mm_put(struct mm *mm)
{
    if (mm && !__atomic_sub_fetch(&mm->users, 1, __ATOMIC_ACQ_REL))
        mm_destroy(mm);
}

void (*mm_release_hook)(struct mm *mm);

void mm_destroy(struct mm *mm)
{
    if (!mm)
        return;
    if (mm_release_hook)
        mm_release_hook(mm);
    if (mm->exe) {
        __atomic_sub_fetch(&mm->exe->inode->execs, 1, __ATOMIC_RELAXED);
        file_put(mm->exe);
    }
    rmap_clear(&mm->vmas, vma_removed, mm);
    rmap_clear(&mm->pmas, pma_removed, mm);
    if (mm->as)
        mm->pops->as_release(mm->as);
    free(mm);
}

/* Unmap from the platform's address space (mm->lock held). A fault seen
 * again after this is a new fault, not a loop: every thread's refault
 * guard starts over. */
static int mm_as_unmap(struct mm *mm, uint64_t addr, uint64_t len)
{
    mm->unmap_gen++;
    return mm->pops->as_unmap(mm->as, addr, len);
}

static int unmap_locked(struct mm *mm, uint64_t start, uint64_t end)
{
    size_t n = rmap_remove(&mm->vmas, start, end, vma_removed, mm);
    rmap_remove(&mm->pmas, start, end, pma_removed, mm);
    if (n && mm->as) {
        mm->stats.unmaps++;
        return mm_as_unmap(mm, start, end - start);
    }
    return 0;
}

/* Would [start, end) cut a special VMA in two? Linux refuses to split
 * those (EINVAL). */
static bool splits_special(struct mm *mm, uint64_t start, uint64_t end)
{
    for (size_t i = rmap_lower_bound(&mm->vmas, start);
         i < mm->vmas.n && mm->vmas.v[i].start < end; i++) {
        const struct mm_range *v = &mm->vmas.v[i];
        if ((v->flags & VMA_SPECIAL) && (v->start < start || v->end > end))
            return true;
    }
    return false;
}

int mm_map_special(struct mm *mm, const struct platform_special_range *r)
{
    struct mm_range v = { .start = r->start, .end = r->end, .off = r->kind,
                          .prot = r->prot, .flags = VMA_SPECIAL };
    int ret;

    pthread_mutex_lock(&mm->lock);
    ret = rmap_insert(&mm->vmas, &v);
    pthread_mutex_unlock(&mm->lock);
    return ret;
}

/* Would mapping len more bytes (less `replacing`) pass RLIMIT_AS? */
static bool within_limit(struct mm *mm, uint64_t len, uint64_t replacing)
{
    uint64_t total = 0;

    if (mm->as_limit == UINT64_MAX)
        return true;
    for (size_t i = 0; i < mm->vmas.n; i++)
        total += mm->vmas.v[i].end - mm->vmas.v[i].start;
    return total - SB_MIN(total, replacing) + len <= mm->as_limit;
}

uint64_t mm_find_free(struct mm *mm, uint64_t len)
{
    uint64_t top = mm->mmap_base;
    size_t i = rmap_lower_bound(&mm->vmas, top);

    /* No sum below may wrap: len can be anything up to 2^64 - 4096. */
    if (len > mm->max_addr - mm->min_addr)
        return 0;
    /* Ranges [v[i-1].end, top) going down. */
    while (i > 0) {
        struct mm_range *v = &mm->vmas.v[i - 1];
        if (v->end <= top && top - v->end >= len && top - len >= mm->min_addr)
            return top - len;
        if (v->start < top)
            top = v->start;
        i--;
    }
    if (top >= mm->min_addr && top - mm->min_addr >= len)
        return top - len;
    /* Nothing below the base: try above it, bottom-up. */
    top = mm->mmap_base;
    for (i = rmap_lower_bound(&mm->vmas, top); i < mm->vmas.n; i++) {
        if (mm->vmas.v[i].start >= top && mm->vmas.v[i].start - top >= len)
            break;
        if (mm->vmas.v[i].end > top)
            top = mm->vmas.v[i].end;
    }
    if (top <= mm->max_addr && mm->max_addr - top >= len)
        return top;
    return 0;
}

long mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
             struct file *file, uint64_t off)
{
    struct mm_range v = { 0 };
    int type = flags & MAP_TYPE;
    long r;

    if (len == 0)
        return -EINVAL;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
        return -EINVAL;
    if (PAGE_UP(len) < len || PAGE_UP(len) == 0)
        return -ENOMEM;
    len = PAGE_UP(len);
    if (len > mm->max_addr) /* Linux: more than TASK_SIZE */
        return -ENOMEM;
    if (!(flags & MAP_ANONYMOUS) && (off & (MM_PAGE - 1)))
        return -EINVAL;
    if (!(flags & MAP_ANONYMOUS) && off + len < off)
        return -EOVERFLOW;
    if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr & (MM_PAGE - 1)))
        return -EINVAL;

    pthread_mutex_lock(&mm->lock);
    if (!within_limit(mm, len, 0)) {
        r = -ENOMEM;
        goto out;
    }
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (addr + len < addr || addr + len > mm->max_addr || addr < mm->min_addr) {
            r = -ENOMEM;
            goto out;
        }
        if (flags & MAP_FIXED_NOREPLACE && !(flags & MAP_FIXED)) {
            if (rmap_overlaps(&mm->vmas, addr, addr + len)) {
                r = -EEXIST;
                goto out;
            }
        } else if (splits_special(mm, addr, addr + len)) {
            r = -EINVAL;
            goto out;
        } else if ((r = unmap_locked(mm, addr, addr + len)) < 0) {
            goto out;
        }
    } else {
        addr = PAGE_DOWN(addr);
        if (!addr || addr < mm->min_addr || addr + len > mm->max_addr || addr + len < addr ||
            rmap_overlaps(&mm->vmas, addr, addr + len))
            addr = mm_find_free(mm, len);
        if (!addr) {
            r = -ENOMEM;
            goto out;
        }
    }
    v.start = addr;
    v.end = addr + len;
    v.prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
    v.flags = (type == MAP_PRIVATE ? 0 : VMA_SHARED) |
              (flags & MAP_GROWSDOWN ? VMA_GROWSDOWN | VMA_STACK : 0);
    if (!(flags & MAP_ANONYMOUS) && file) {
        v.obj = vma_file_get(file);
        v.off = off;
        if (type != MAP_PRIVATE && (file->flags & O_ACCMODE) != O_RDWR)
            v.flags |= VMA_NOMAYWRITE;
    }
    SB_BUG_ON(rmap_insert(&mm->vmas, &v));
    r = (long)addr;
out:
    pthread_mutex_unlock(&mm->lock);
    return r;
}

int mm_munmap(struct mm *mm, uint64_t addr, uint64_t len)
{
    int r;

    if ((addr & (MM_PAGE - 1)) || len == 0)
        return -EINVAL;
    len = PAGE_UP(len);
    if (addr + len < addr || addr + len > mm->max_addr)
        return -EINVAL;
    pthread_mutex_lock(&mm->lock);
    r = splits_special(mm, addr, addr + len) ? -EINVAL : unmap_locked(mm, addr, addr + len);
    pthread_mutex_unlock(&mm->lock);
    return r;
}

int mm_mprotect(struct mm *mm, uint64_t addr, uint64_t len, int prot)
{
    uint64_t end, a;
    int r = 0;

    if (addr & (MM_PAGE - 1))
        return -EINVAL;
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
        return -EINVAL;
    len = PAGE_UP(len);
    end = addr + len;
    if (end < addr)
        return -ENOMEM;
    if (len == 0)
        return 0;
    pthread_mutex_lock(&mm->lock);
    /* The whole range must be mapped (and writable where asked). */
    for (a = addr; a < end;) {
        struct mm_range *v = rmap_find(&mm->vmas, a);
        if (!v) {
            r = -ENOMEM;
            goto out;
        }
        if ((prot & PROT_WRITE) && (v->flags & (VMA_NOMAYWRITE | VMA_SPECIAL))) {
            r = -EACCES; /* partial: Linux lets the vDSO text be made writable */
            goto out;
        }
        a = v->end;
    }
    if (splits_special(mm, addr, end)) {
        r = -EINVAL;
        goto out;
    }
    rmap_split(&mm->vmas, addr);
    rmap_split(&mm->vmas, end);
    for (size_t i = rmap_lower_bound(&mm->vmas, addr);
         i < mm->vmas.n && mm->vmas.v[i].start < end; i++)
        mm->vmas.v[i].prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
    /* Drop the platform mapping; the next fault maps with the new prot. */
    if (mm->as && rmap_overlaps(&mm->pmas, addr, end)) {
        mm->stats.unmaps++;
        r = mm_as_unmap(mm, addr, len);
    }
out:
    pthread_mutex_unlock(&mm->lock);
    return r;
}

long mm_brk(struct mm *mm, uint64_t addr)
{
    uint64_t old_end, new_end;

    pthread_mutex_lock(&mm->lock);
    if (addr < mm->brk_start || addr > mm->mmap_base)
        goto out;
    old_end = PAGE_UP(mm->brk);
    new_end = PAGE_UP(addr);
    if (new_end > old_end) {
        struct mm_range v = { .start = old_end, .end = new_end,
                              .prot = PROT_READ | PROT_WRITE, .flags = VMA_HEAP };
        if (rmap_overlaps(&mm->vmas, old_end, new_end) ||
            !within_limit(mm, new_end - old_end, 0))
            goto out;
        SB_BUG_ON(rmap_insert(&mm->vmas, &v));
    } else if (new_end < old_end) {
        if (unmap_locked(mm, new_end, old_end) < 0)
            goto out;
    }
    mm->brk = addr;
out:
    addr = mm->brk;
    pthread_mutex_unlock(&mm->lock);
    return (long)addr;
}

/* Back [start, end) (inside vma v) with MemoryFile pages. */
static int ensure_backed(struct mm *mm, const struct mm_range *v, uint64_t start,
                         uint64_t end)
{
    uint64_t a = start;

    while (a < end) {
        size_t i = rmap_lower_bound(&mm->pmas, a);
        uint64_t gap_end, off;
        struct mm_range p = { 0 };
        int r;

        if (i < mm->pmas.n && mm->pmas.v[i].start <= a) {
            a = SB_MIN(mm->pmas.v[i].end, end);
            continue;
        }
        gap_end = i < mm->pmas.n ? SB_MIN(mm->pmas.v[i].start, end) : end;
        if (v->obj && (v->flags & VMA_SHARED) &&
            ((struct file *)v->obj)->inode->iops &&
            ((struct file *)v->obj)->inode->iops->get_page) {
            /* A shared file mapping maps the file's own pages. */
            struct inode *ino = ((struct file *)v->obj)->inode;
            r = 0;
            for (; a < gap_end; a += MM_PAGE) {
                if ((r = ino->iops->get_page(ino, v->off + (a - v->start), &off)))
                    break;
                p.start = a;
                p.end = a + MM_PAGE;
                p.off = off;
                p.flags = 0;
                SB_BUG_ON(rmap_insert(&mm->pmas, &p));
            }
            if (r == 0)
                continue;
            if (r != -ENODEV)
                return r;
            /* No pages of its own (an overlay file still in the lower
             * layer): the rest is a copy, as a private mapping. */
        }
        if ((r = memfile_alloc(mm->mf, gap_end - a, &off)))
            return r;
        mm->stats.pages_backed += (gap_end - a) / MM_PAGE;
        if (v->obj) {
            uint64_t foff = v->off + (a - v->start), done = 0;
            uint8_t *dst = memfile_ptr(mm->mf, off);
            while (done < gap_end - a) {
                long n = vfs_kernel_read(v->obj, dst + done, gap_end - a - done, foff + done);
                if (n <= 0)
                    break; /* past EOF: the rest stays zero */
                done += n;
            }
        }
        p.start = a;
        p.end = gap_end;
        p.off = off;
        SB_BUG_ON(rmap_insert(&mm->pmas, &p));
        a = gap_end;
    }
    return 0;
}

/* Give [start, end) private copies of its COW pages (or take them over
 * when no other mm shares them). Returns 1 if any page moved to a new
 * MemoryFile place (the platform mapping is then stale), 0 if none, or
 * -errno. */
static int break_cow(struct mm *mm, uint64_t start, uint64_t end)
{
    int moved = 0;

    rmap_split(&mm->pmas, start);
    rmap_split(&mm->pmas, end);
    for (size_t i = rmap_lower_bound(&mm->pmas, start);
         i < mm->pmas.n && mm->pmas.v[i].start < end; i++) {
        struct mm_range *p = &mm->pmas.v[i];
        uint64_t len = p->end - p->start, off;
        int r;

        if (!(p->flags & PMA_COW))
            continue;
        if (memfile_maxref(mm->mf, p->off, len) > 1) {
            if ((r = memfile_alloc(mm->mf, len, &off)))
                return r;
            memcpy(memfile_ptr(mm->mf, off), memfile_ptr(mm->mf, p->off), len);
            memfile_free(mm->mf, p->off, len);
            p->off = off;
            moved = 1;
        }
        p->flags &= ~PMA_COW;
    }
    return moved;
}

static int cow_in(struct mm *mm, uint64_t start, uint64_t end)
{
    for (size_t i = rmap_lower_bound(&mm->pmas, start);
         i < mm->pmas.n && mm->pmas.v[i].start < end; i++)
        if (mm->pmas.v[i].flags & PMA_COW)
            return 1;
    return 0;
}

/* A fault just below a grows-down VMA (the stack) extends it, up to
 * RLIMIT_STACK and never closer than a guard gap to the VMA below. */
static struct mm_range *grow_stack_locked(struct mm *mm, uint64_t addr)
{
    size_t i = rmap_lower_bound(&mm->vmas, addr);
    struct mm_range *v;
    uint64_t want;

    if (i >= mm->vmas.n)
        return NULL;
    v = &mm->vmas.v[i];
    if (!(v->flags & VMA_GROWSDOWN) || v->start <= addr)
        return NULL;
    want = PAGE_DOWN(addr);
    if (v->end - want > mm->stack_limit)
        return NULL;
    if (i > 0 && mm->vmas.v[i - 1].end + 256 * MM_PAGE > want)
        return NULL;
    if (!within_limit(mm, v->start - want, 0))
        return NULL;
    v->start = want;
    return v;
}

int mm_fault(struct mm *mm, uint64_t addr, int code, struct mm_fault_guard *guard)
{
    struct mm_range *v, vc;
    uint64_t chunk, cs, ce, a;
    int r = 0;

    pthread_mutex_lock(&mm->lock);
    mm->stats.faults++;
    v = rmap_find(&mm->vmas, addr);
    if (!v)
        v = grow_stack_locked(mm, addr);
    /* The host maps special pages itself: a fault there is the app's. */
    if (!v || !v->prot || (v->flags & VMA_SPECIAL)) {
        r = -EFAULT;
        goto out;
    }
    if (code == SEGV_ACCERR) {
        /* Mapped read-only for copy-on-write, and the VMA allows writes:
         * copy (or take over) the chunk and map it writable. */
        struct mm_range *p = rmap_find(&mm->pmas, addr);
        if (!(v->prot & PROT_WRITE) || !p) {
            r = -EFAULT;
            goto out;
        }
        if (p->flags & PMA_COW) {
            vc = *v;
            cs = SB_MAX(vc.start, addr & ~(MM_ANON_CHUNK - 1));
            ce = SB_MIN(vc.end, (addr & ~(MM_ANON_CHUNK - 1)) + MM_ANON_CHUNK);
            if ((r = break_cow(mm, cs, ce)) < 0)
                goto out;
            r = 0;
            goto map;
        }
        /* No longer copy-on-write, yet mapped read-only: the Sentry took
         * the page over (its own write, or the last sharer left) without
         * touching the platform mapping. Map it again below, under the
         * refault guard. */
    }
    if (PAGE_DOWN(addr) == guard->page && mm->unmap_gen == guard->gen) {
        if (++guard->count > 3) {
            r = -EFAULT; /* mapped yet still faulting: not ours to fix */
            goto out;
        }
    } else {
        *guard = (struct mm_fault_guard){ PAGE_DOWN(addr), mm->unmap_gen, 0 };
    }
    vc = *v;
    if (vc.obj) {
        /* A page wholly past the end of the file: SIGBUS. */
        struct stat st;
        uint64_t foff = vc.off + (PAGE_DOWN(addr) - vc.start);
        if (vfs_getattr(((struct file *)vc.obj)->inode, &st) == 0 && S_ISREG(st.st_mode) &&
            foff >= PAGE_UP((uint64_t)st.st_size)) {
            r = -EIO;
            goto out;
        }
    }
    chunk = vc.obj ? MM_FILE_CHUNK : MM_ANON_CHUNK;
    cs = SB_MAX(vc.start, addr & ~(chunk - 1));
    ce = SB_MIN(vc.end, (addr & ~(chunk - 1)) + chunk);
    if ((r = ensure_backed(mm, &vc, cs, ce)))
        goto out;
    /* Pages no other mm shares any more need no copy: take them over. */
    if ((vc.prot & PROT_WRITE) && cow_in(mm, cs, ce)) {
        rmap_split(&mm->pmas, cs);
        rmap_split(&mm->pmas, ce);
        for (size_t i = rmap_lower_bound(&mm->pmas, cs);
             i < mm->pmas.n && mm->pmas.v[i].start < ce; i++) {
            struct mm_range *p = &mm->pmas.v[i];
            if ((p->flags & PMA_COW) && memfile_maxref(mm->mf, p->off, p->end - p->start) == 1)
                p->flags &= ~PMA_COW;
        }
    }
map:
    for (a = cs; a < ce;) {
        struct mm_range *p = rmap_find(&mm->pmas, a);
        uint64_t e;
        int prot = vc.prot;
        SB_BUG_ON(!p);
        e = SB_MIN(p->end, ce);
        if (p->flags & PMA_COW)
            prot &= ~PROT_WRITE;
        mm->stats.maps++;
        r = mm->pops->as_map(mm->as, a, e - a, p->off + (a - p->start), prot);
        if (r)
            goto out;
        a = e;
    }
out:
    pthread_mutex_unlock(&mm->lock);
    return r;
}

enum { COPY_IN, COPY_OUT };

static int access_locked(struct mm *mm, uint64_t addr, uint8_t *kbuf, size_t len, int dir,
                         int force)
{
    int need = dir == COPY_IN ? PROT_READ : PROT_WRITE;

    if (addr + len < addr)
        return -EFAULT;
    while (len) {
        struct mm_range *v = rmap_find(&mm->vmas, addr), vc;
        if (!v && dir == COPY_OUT)
            v = grow_stack_locked(mm, addr); /* e.g. a signal frame */
        uint64_t n, a;
        int r;

        if (!v || (!force && !(v->prot & need)) || (v->flags & VMA_SPECIAL))
            return -EFAULT; /* partial: the vDSO's pages are the host's */
        vc = *v;
        n = SB_MIN(len, vc.end - addr);
        if ((r = ensure_backed(mm, &vc, PAGE_DOWN(addr), PAGE_UP(addr + n))))
            return r == -ENOMEM ? -EFAULT : r;
        if (dir == COPY_OUT && cow_in(mm, PAGE_DOWN(addr), PAGE_UP(addr + n))) {
            r = break_cow(mm, PAGE_DOWN(addr), PAGE_UP(addr + n));
            if (r < 0)
                return -EFAULT;
            /* The platform still maps the old pages: drop them. */
            if (r && mm->as) {
                mm->stats.unmaps++;
                mm_as_unmap(mm, PAGE_DOWN(addr), PAGE_UP(addr + n) - PAGE_DOWN(addr));
            }
        }
        for (a = addr; a < addr + n;) {
            struct mm_range *p = rmap_find(&mm->pmas, a);
            uint64_t k = SB_MIN(addr + n, p->end) - a;
            uint8_t *mp = memfile_ptr(mm->mf, p->off + (a - p->start));
            if (dir == COPY_IN)
                memcpy(kbuf, mp, k);
            else if (kbuf)
                memcpy(mp, kbuf, k);
            else
                memset(mp, 0, k);
            if (kbuf)
                kbuf += k;
            a += k;
        }
        addr += n;
        len -= n;
    }
    return 0;
}

int mm_copy_in(struct mm *mm, void *dst, uint64_t src, size_t len)
{
    int r;
    pthread_mutex_lock(&mm->lock);
    r = access_locked(mm, src, dst, len, COPY_IN, 0);
    pthread_mutex_unlock(&mm->lock);
    return r;
}

int mm_copy_out(struct mm *mm, uint64_t dst, const void *src, size_t len)
{
    int r;
    pthread_mutex_lock(&mm->lock);
    r = access_locked(mm, dst, (uint8_t *)src, len, COPY_OUT, 0);
    pthread_mutex_unlock(&mm->lock);
    return r;
}

int mm_poke(struct mm *mm, uint64_t dst, const void *src, size_t len)
{
    int r;
    pthread_mutex_lock(&mm->lock);
    r = access_locked(mm, dst, (uint8_t *)src, len, COPY_OUT, 1);
    pthread_mutex_unlock(&mm->lock);
    return r;
}

int mm_zero(struct mm *mm, uint64_t dst, size_t len, int force)
{
    int r;
    pthread_mutex_lock(&mm->lock);
    r = access_locked(mm, dst, NULL, len, COPY_OUT, force);
    pthread_mutex_unlock(&mm->lock);
    return r;
}

long mm_strncpy_in(struct mm *mm, char *dst, uint64_t src, size_t max)
{
    size_t done = 0;

    while (done < max) {
        size_t k = SB_MIN(max - done, MM_PAGE - ((src + done) & (MM_PAGE - 1)));
        char *nul;
        if (mm_copy_in(mm, dst + done, src + done, k))
            return -EFAULT;
        nul = memchr(dst + done, 0, k);
        if (nul)
            return nul - dst;
        done += k;
    }
    return -ENAMETOOLONG;
}

/* Move [old, old+old_len) to [na, na+new_len): the VMA (file offsets kept)
 * and its backing pages, nothing copied. The caller checked that the old
 * range is inside one VMA and the new one is free. mm->lock held. */
static void move_locked(struct mm *mm, const struct mm_range *vc, uint64_t old, uint64_t old_len,
                        uint64_t na, uint64_t new_len)
{
    uint64_t keep = SB_MIN(old_len, new_len);
    struct mm_range nv = *vc;
    size_t i;

    nv.start = na;
    nv.end = na + new_len;
    nv.off = vc->off + (old - vc->start);
    vma_get(&nv);
    SB_BUG_ON(rmap_insert(&mm->vmas, &nv));
    rmap_split(&mm->pmas, old);
    rmap_split(&mm->pmas, old + keep);
    for (i = rmap_lower_bound(&mm->pmas, old);
         i < mm->pmas.n && mm->pmas.v[i].start < old + keep;) {
        struct mm_range p = mm->pmas.v[i];
        p.start = p.start - old + na;
        p.end = p.end - old + na;
        memmove(&mm->pmas.v[i], &mm->pmas.v[i + 1], (mm->pmas.n - i - 1) * sizeof(p));
        mm->pmas.n--;
        SB_BUG_ON(rmap_insert(&mm->pmas, &p));
        i = rmap_lower_bound(&mm->pmas, old);
    }
    rmap_remove(&mm->vmas, old, old + old_len, vma_removed, mm);
    rmap_remove(&mm->pmas, old, old + old_len, pma_removed, mm);
    if (mm->as) {
        mm->stats.unmaps++;
        mm_as_unmap(mm, old, old_len);
    }
}

long mm_mremap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len, int flags,
               uint64_t new_addr)
{
    struct mm_range *v, vc;
    long r;

    if ((old & (MM_PAGE - 1)) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)))
        return -EINVAL;
    if ((flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) && !(flags & MREMAP_MAYMOVE))
        return -EINVAL;
    if (flags & MREMAP_DONTUNMAP)
        return -EINVAL; /* partial: not provided */
    if (PAGE_UP(new_len) == 0 || PAGE_UP(new_len) < new_len)
        return -EINVAL;
    old_len = PAGE_UP(old_len);
    new_len = PAGE_UP(new_len);
    if (flags & MREMAP_FIXED) {
        if (new_addr & (MM_PAGE - 1))
            return -EINVAL;
        if (new_addr + new_len < new_addr || new_addr + new_len > mm->max_addr ||
            new_addr < mm->min_addr)
            return -EINVAL;
        if (new_addr < old + old_len && old < new_addr + new_len)
            return -EINVAL;
    }
    pthread_mutex_lock(&mm->lock);
    v = rmap_find(&mm->vmas, old);
    if (!v || old_len == 0 || old + old_len > v->end) {
        r = -EFAULT;
        goto out;
    }
    if ((v->flags & VMA_SPECIAL) ||
        ((flags & MREMAP_FIXED) && splits_special(mm, new_addr, new_addr + new_len))) {
        r = -EINVAL; /* partial: the vDSO does not move */
        goto out;
    }
    vc = *v;
    if (flags & MREMAP_FIXED) {
        if ((r = unmap_locked(mm, new_addr, new_addr + new_len)) < 0)
            goto out;
        /* unmap may have moved the array: look the VMA up again */
        vc = *rmap_find(&mm->vmas, old);
        move_locked(mm, &vc, old, old_len, new_addr, new_len);
        r = (long)new_addr;
        goto out;
    }
    if (new_len <= old_len) {
        r = unmap_locked(mm, old + new_len, old + old_len);
        r = r < 0 ? r : (long)old;
        goto out;
    }
    if (!within_limit(mm, new_len - old_len, 0)) {
        r = -ENOMEM;
        goto out;
    }
    if (old + old_len == vc.end && old + new_len <= mm->max_addr &&
        !rmap_overlaps(&mm->vmas, vc.end, old + new_len)) {
        v->end = old + new_len;
        r = (long)old;
        goto out;
    }
    if (!(flags & MREMAP_MAYMOVE)) {
        r = -ENOMEM;
        goto out;
    }
    new_addr = mm_find_free(mm, new_len);
    if (!new_addr) {
        r = -ENOMEM;
        goto out;
    }
    move_locked(mm, &vc, old, old_len, new_addr, new_len);
    r = (long)new_addr;
out:
    pthread_mutex_unlock(&mm->lock);
    return r;
}

int mm_madvise(struct mm *mm, uint64_t addr, uint64_t len, int advice)
{
    uint64_t end, a;
    int r = 0;

    if (addr & (MM_PAGE - 1))
        return -EINVAL;
    if (PAGE_UP(len) < len)
        return -EINVAL;
    len = PAGE_UP(len);
    end = addr + len;
    if (end < addr)
        return -EINVAL;
    switch (advice) {
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
    case MADV_DONTNEED: case MADV_FREE: case MADV_REMOVE: case MADV_DONTFORK:
    case MADV_DOFORK: case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK:
    case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT: case 22: case 23:
        break;
    case MADV_HWPOISON:
    case 101: /* MADV_SOFT_OFFLINE */
        return -EPERM;
    default:
        return -EINVAL;
    }
    if (len == 0)
        return 0;
    pthread_mutex_lock(&mm->lock);
    if (advice == MADV_WIPEONFORK) {
        for (a = addr; a < end;) {
            struct mm_range *v = rmap_find(&mm->vmas, a);
            if (!v)
                break;
            if ((v->flags & VMA_SHARED) || v->obj) {
                r = -EINVAL;
                goto out;
            }
            a = v->end;
        }
    }
    if (advice == MADV_DONTFORK || advice == MADV_DOFORK || advice == MADV_WIPEONFORK ||
        advice == MADV_KEEPONFORK) {
        int flag = (advice == MADV_DONTFORK || advice == MADV_DOFORK) ? VMA_DONTFORK
                                                                      : VMA_WIPEONFORK;
        bool set = advice == MADV_DONTFORK || advice == MADV_WIPEONFORK;
        if (splits_special(mm, addr, end)) {
            r = -EINVAL;
            goto out;
        }
        rmap_split(&mm->vmas, addr);
        rmap_split(&mm->vmas, end);
        for (size_t i = rmap_lower_bound(&mm->vmas, addr);
             i < mm->vmas.n && mm->vmas.v[i].start < end; i++) {
            if (set)
                mm->vmas.v[i].flags |= flag;
            else
                mm->vmas.v[i].flags &= ~flag;
        }
    }
    /* Every page of the range must be mapped (checked as Linux does:
     * the advice is applied to what is there, then ENOMEM). */
    for (a = addr; a < end;) {
        struct mm_range *v = rmap_find(&mm->vmas, a);
        uint64_t e;
        if (!v) {
            size_t i = rmap_lower_bound(&mm->vmas, a);
            r = -ENOMEM;
            if (i >= mm->vmas.n || mm->vmas.v[i].start >= end)
                break;
            a = mm->vmas.v[i].start;
            continue;
        }
        e = SB_MIN(v->end, end);
        if ((advice == MADV_DONTNEED || advice == MADV_FREE || advice == MADV_REMOVE) &&
            rmap_overlaps(&mm->pmas, a, e)) {
            /* Private pages go (zero or the file's data on the next
             * touch); shared ones keep their data, only unmapped. */
            if (!(v->flags & VMA_SHARED) || advice == MADV_REMOVE)
                rmap_remove(&mm->pmas, a, e, pma_removed, mm);
            if (mm->as) {
                mm->stats.unmaps++;
                mm_as_unmap(mm, a, e - a);
            }
            /* the arrays may have moved */
        }
        a = e;
    }
out:
    pthread_mutex_unlock(&mm->lock);
    return r;
}

void mm_for_each_vma(struct mm *mm, void (*fn)(void *arg, const struct mm_range *v),
                     void *arg)
{
    pthread_mutex_lock(&mm->lock);
    for (size_t i = 0; i < mm->vmas.n; i++)
        fn(arg, &mm->vmas.v[i]);
    pthread_mutex_unlock(&mm->lock);
}

/* Drop the platform mappings of parent's writable private memory. */
static int fork_unmap_locked(struct mm *parent)
{
    int r = 0;

    for (size_t i = 0; i < parent->vmas.n && !r; i++) {
        struct mm_range *v = &parent->vmas.v[i];
        if ((v->flags & VMA_SHARED) || !(v->prot & PROT_WRITE) ||
            !rmap_overlaps(&parent->pmas, v->start, v->end))
            continue;
        parent->stats.unmaps++;
        r = mm_as_unmap(parent, v->start, v->end - v->start);
    }
    return r;
}

int mm_fork(struct mm *parent, mm_clone_as_fn clone_as, void *arg, struct mm **out)
{
    struct address_space *child_as;
    struct mm *c;
    int r;

    pthread_mutex_lock(&parent->lock);
    if ((r = fork_unmap_locked(parent)) || (r = clone_as(arg, &child_as))) {
        pthread_mutex_unlock(&parent->lock);
        return r;
    }
    if ((r = mm_new(parent->mf, parent->pops, child_as, parent->max_addr, &c))) {
        pthread_mutex_unlock(&parent->lock);
        parent->pops->as_release(child_as);
        return r;
    }
    c->min_addr = parent->min_addr;
    c->mmap_base = parent->mmap_base;
    c->brk_start = parent->brk_start;
    c->brk = parent->brk;
    c->stack_top = parent->stack_top;
    c->arg_start = parent->arg_start;
    c->arg_end = parent->arg_end;
    c->env_start = parent->env_start;
    c->env_end = parent->env_end;
    c->as_limit = parent->as_limit;
    c->stack_limit = parent->stack_limit;
    if (parent->exe)
        mm_set_exe(c, parent->exe);
    for (size_t i = 0; i < parent->vmas.n; i++) {
        struct mm_range v = parent->vmas.v[i];
        if (v.flags & VMA_DONTFORK)
            continue;
        vma_get(&v);
        SB_BUG_ON(rmap_insert(&c->vmas, &v));
        if (v.flags & VMA_WIPEONFORK)
            continue; /* the child gets zero pages */
        /* Shared memory must have one set of pages for both, touched or
         * not: back it all now. */
        if (v.flags & VMA_SHARED)
            (void)!ensure_backed(parent, &v, v.start, v.end);
        /* Pages of one VMA only, so the COW decision is per VMA. */
        rmap_split(&parent->pmas, v.start);
        rmap_split(&parent->pmas, v.end);
        for (size_t j = rmap_lower_bound(&parent->pmas, v.start);
             j < parent->pmas.n && parent->pmas.v[j].start < v.end; j++) {
            struct mm_range *p = &parent->pmas.v[j], cp;
            memfile_ref(parent->mf, p->off, p->end - p->start);
            if (!(v.flags & VMA_SHARED))
                p->flags |= PMA_COW;
            cp = *p;
            SB_BUG_ON(rmap_insert(&c->pmas, &cp));
        }
    }
    pthread_mutex_unlock(&parent->lock);
    *out = c;
    return 0;
}

int mm_with_u32(struct mm *mm, uint64_t addr, bool write, void (*fn)(uint32_t *p, void *arg),
                void *arg)
{
    struct mm_range *v, vc, *p;
    int r;

    if (addr & 3)
        return -EINVAL;
    pthread_mutex_lock(&mm->lock);
    v = rmap_find(&mm->vmas, addr);
    if (!v || !(v->prot & (write ? PROT_WRITE : PROT_READ)) || (v->flags & VMA_SPECIAL)) {
        r = -EFAULT;
        goto out;
    }
    vc = *v;
    if ((r = ensure_backed(mm, &vc, PAGE_DOWN(addr), PAGE_DOWN(addr) + MM_PAGE)))
        goto out;
    if (write && cow_in(mm, PAGE_DOWN(addr), PAGE_DOWN(addr) + MM_PAGE)) {
        r = break_cow(mm, PAGE_DOWN(addr), PAGE_DOWN(addr) + MM_PAGE);
        if (r < 0)
            goto out;
        if (r && mm->as)
            mm_as_unmap(mm, PAGE_DOWN(addr), MM_PAGE);
    }
    p = rmap_find(&mm->pmas, addr);
    fn((uint32_t *)memfile_ptr(mm->mf, p->off + (addr - p->start)), arg);
    r = 0;
out:
    pthread_mutex_unlock(&mm->lock);
    return r;
}

int mm_futex_key(struct mm *mm, uint64_t addr, uint64_t *key, bool *shared)
{
    struct mm_range *v, vc, *p;
    int r = 0;

    pthread_mutex_lock(&mm->lock);
    v = rmap_find(&mm->vmas, addr);
    if (!v) {
        r = -EFAULT;
        goto out;
    }
    if (!(v->flags & VMA_SHARED)) {
        *shared = false;
        *key = addr;
        goto out;
    }
    vc = *v;
    if ((r = ensure_backed(mm, &vc, PAGE_DOWN(addr), PAGE_DOWN(addr) + MM_PAGE)))
        goto out;
    p = rmap_find(&mm->pmas, addr);
    *shared = true;
    *key = p->off + (addr - p->start);
out:
    pthread_mutex_unlock(&mm->lock);
    return r;
}

uint64_t mm_rss_kb(struct mm *mm)
{
    uint64_t bytes = 0;

    pthread_mutex_lock(&mm->lock);
    for (size_t i = 0; i < mm->pmas.n; i++)
        bytes += mm->pmas.v[i].end - mm->pmas.v[i].start;
    pthread_mutex_unlock(&mm->lock);
    return bytes >> 10;
}

void mm_usage(struct mm *mm, struct mm_usage *u)
{
    memset(u, 0, sizeof(*u));
    pthread_mutex_lock(&mm->lock);
    for (size_t i = 0; i < mm->vmas.n; i++) {
        const struct mm_range *v = &mm->vmas.v[i];
        uint64_t len = v->end - v->start;
        u->vsize += len;
        if (v->flags & VMA_STACK)
            u->stack += len;
        else if ((v->prot & PROT_WRITE) && !(v->flags & VMA_SHARED))
            u->data += len;
        if ((v->prot & PROT_EXEC) && v->obj) {
            if (mm->exe && ((struct file *)v->obj)->inode == mm->exe->inode)
                u->exec += len;
            else
                u->lib += len;
        }
    }
    for (size_t i = 0; i < mm->pmas.n; i++) {
        const struct mm_range *p = &mm->pmas.v[i];
        const struct mm_range *v = rmap_find(&mm->vmas, p->start);
        uint64_t len = p->end - p->start;
        u->rss += len;
        if (v && (v->flags & VMA_SHARED))
            u->rss_shared += len;
        else if (v && v->obj)
            u->rss_file += len;
    }
    pthread_mutex_unlock(&mm->lock);
}

void mm_set_exe(struct mm *mm, struct file *f)
{
    mm->exe = file_get(f);
    __atomic_add_fetch(&f->inode->execs, 1, __ATOMIC_RELAXED);
}

int mm_mincore(struct mm *mm, uint64_t addr, uint64_t len, uint8_t *vec)
{
    uint64_t n = PAGE_UP(len) / MM_PAGE;
    int r = 0;

    if (addr & (MM_PAGE - 1))
        return -EINVAL;
    pthread_mutex_lock(&mm->lock);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t a = addr + i * MM_PAGE;
        struct mm_range *v = rmap_find(&mm->vmas, a);
        if (!v) {
            r = -ENOMEM;
            break;
        }
        vec[i] = (v->flags & VMA_SPECIAL) || rmap_find(&mm->pmas, a) ? 1 : 0;
    }
    pthread_mutex_unlock(&mm->lock);
    return r;
}

int mm_check_mapped(struct mm *mm, uint64_t addr, uint64_t len)
{
    uint64_t end = addr + PAGE_UP(len), a;
    int r = 0;

    pthread_mutex_lock(&mm->lock);
    for (a = addr; a < end;) {
        struct mm_range *v = rmap_find(&mm->vmas, a);
        if (!v) {
            r = -ENOMEM;
            break;
        }
        a = v->end;
    }
    pthread_mutex_unlock(&mm->lock);
    return r;
}

int mm_unmap_attach(struct mm *mm, uint64_t addr, const struct file_ops *fops)
{
    struct file *f = NULL;
    uint64_t size = 0;
    size_t i;
    int r = 0;

    if (addr & (MM_PAGE - 1))
        return -EINVAL;
    pthread_mutex_lock(&mm->lock);
    /* The first VMA of such a file at or above addr that maps offset
     * (its start - addr): the attach starts at addr. */
    for (i = rmap_lower_bound(&mm->vmas, addr); i < mm->vmas.n; i++) {
        struct mm_range *v = &mm->vmas.v[i];
        struct stat st;
        if (!v->obj || ((struct file *)v->obj)->ops != fops || v->start < addr ||
            v->start - addr != v->off)
            continue;
        f = v->obj;
        size = vfs_getattr(f->inode, &st) == 0 ? PAGE_UP((uint64_t)st.st_size) : 0;
        break;
    }
    if (!f) {
        pthread_mutex_unlock(&mm->lock);
        return -EINVAL;
    }
    /* Then every piece of the same attach within its size. */
    while (i < mm->vmas.n && mm->vmas.v[i].end - addr <= size) {
        struct mm_range *v = &mm->vmas.v[i];
        uint64_t s = v->start, e = v->end;
        if (v->obj != f || v->start - addr != v->off) {
            i++;
            continue;
        }
        if ((r = unmap_locked(mm, s, e)) < 0)
            break;
        i = rmap_lower_bound(&mm->vmas, e);
    }
    pthread_mutex_unlock(&mm->lock);
    return r;
}
