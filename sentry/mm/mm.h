/* sentry/mm/mm.h: an application address space: VMAs, backing, faults.
 *
 * VMAs say what the application may access; PMAs say which MemoryFile pages
 * back which addresses. A page is backed on first touch (by a fault, or by
 * the Sentry copying in or out) and mapped into the platform's address space
 * on a fault, a whole aligned chunk at a time.
 *
 * Lock order: mm->lock -> memfile lock. File reads for file-backed VMAs
 * happen under mm->lock.
 */
#ifndef SB_SENTRY_MM_MM_H
#define SB_SENTRY_MM_MM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "lib/cleanup.h"
#include "platform/platform.h"
#include "sentry/mm/memfile.h"
#include "sentry/mm/rmap.h"

struct file;

#define MM_PAGE 4096ULL
#define MM_ANON_CHUNK (64 * 1024ULL)
#define MM_FILE_CHUNK (256 * 1024ULL)

/* vma flags (mm_range.flags) */
#define VMA_SHARED 1
#define VMA_GROWSDOWN 2
#define VMA_STACK 4
#define VMA_HEAP 8
#define VMA_DONTFORK 16
#define VMA_WIPEONFORK 32
#define VMA_NOMAYWRITE 64 /* shared file mapping of a file not open for writing */
/* Host pages the platform keeps mapped (the vDSO block): off holds the
 * enum platform_special. Never backed by MemoryFile pages, never copied
 * in or out, never split (as Linux's special mappings). */
#define VMA_SPECIAL 128

/* pma flags (mm_range.flags of mm->pmas) */
#define PMA_COW 1 /* shared with another mm since fork: copy before writing */

struct mm_stats {
    uint64_t faults, maps, unmaps;
    uint64_t pages_backed; /* "minor faults": pages given backing */
};

struct mm {
    int users; /* tasks sharing it (CLONE_VM) */
    pthread_mutex_t lock;
    struct rmap vmas, pmas;
    struct memfile *mf;
    const struct platform_ops *pops;
    struct address_space *as;
    uint64_t min_addr, max_addr;
    uint64_t mmap_base;
    uint64_t brk_start, brk;
    uint64_t stack_top;
    uint64_t arg_start, arg_end, env_start, env_end;
    uint64_t unmap_gen; /* bumped by every platform unmap (mm_fault_guard) */
    struct mm_stats stats;
    struct file *exe; /* the program (its inode counts as executing) */
    uint64_t as_limit; /* RLIMIT_AS (bytes), UINT64_MAX: none */
    uint64_t stack_limit; /* RLIMIT_STACK: how far the stack VMA may grow */
    int membarrier_state; /* MEMBARRIER_CMD_REGISTER_* bits done on this mm */
};

void mm_set_exe(struct mm *mm, struct file *f);

int mm_new(struct memfile *mf, const struct platform_ops *pops, struct address_space *as,
           uint64_t max_addr, struct mm **out) SB_MUST_CHECK;
void mm_destroy(struct mm *mm);
/* Set by the kernel (AIO contexts die with their address space): called
 * first thing when an mm is destroyed, with no lock held. */
extern void (*mm_release_hook)(struct mm *mm);
struct mm *mm_get(struct mm *mm);
void mm_put(struct mm *mm);
/* fork: a copy of parent's VMAs whose private pages are shared copy-on-write
 * with the parent. Under the parent's lock, so that no other thread of the
 * parent can map a page writable in between: the parent's writable private
 * mappings are dropped from its platform address space (the next write
 * faults), then clone_as(arg, &as) makes the child's platform address space
 * (which may inherit the parent's remaining mappings), then the pages are
 * shared. clone_as must not call back into parent. */
typedef int (*mm_clone_as_fn)(void *arg, struct address_space **as);
int mm_fork(struct mm *parent, mm_clone_as_fn clone_as, void *arg,
            struct mm **out) SB_MUST_CHECK;

/* Record a special range the platform left in mm's address space. */
int mm_map_special(struct mm *mm, const struct platform_special_range *r) SB_MUST_CHECK;

/* mmap(2): file may be NULL for anonymous memory. Returns addr or -errno. */
long mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
             struct file *file, uint64_t off);
int mm_munmap(struct mm *mm, uint64_t addr, uint64_t len);
int mm_mprotect(struct mm *mm, uint64_t addr, uint64_t len, int prot);
long mm_brk(struct mm *mm, uint64_t addr);
long mm_mremap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len,
               int flags, uint64_t new_addr);
int mm_madvise(struct mm *mm, uint64_t addr, uint64_t len, int advice);

/* One thread's record of its last fault, so that a page the Sentry maps
 * yet which keeps faulting is taken for a loop, not retried forever. Per
 * thread: many threads may each fault once on one page. Zeroed to start. */
struct mm_fault_guard {
    uint64_t page;
    uint64_t gen; /* mm->unmap_gen then */
    int count;
};

/* Handle an application fault at addr by the thread owning guard: 0 if it
 * may retry, -EFAULT if the access is not allowed (the caller sends
 * SIGSEGV), -EIO for a file page past the end of its file (SIGBUS). */
int mm_fault(struct mm *mm, uint64_t addr, int code, struct mm_fault_guard *guard);

int mm_copy_in(struct mm *mm, void *dst, uint64_t src, size_t len) SB_MUST_CHECK;
int mm_copy_out(struct mm *mm, uint64_t dst, const void *src, size_t len) SB_MUST_CHECK;
/* Copy a NUL-terminated string of at most max-1 bytes; returns its length,
 * -EFAULT, or -ENAMETOOLONG if no NUL within max bytes. */
long mm_strncpy_in(struct mm *mm, char *dst, uint64_t src, size_t max) SB_MUST_CHECK;
/* Write ignoring VMA protection (the loader zeroing a partial page). */
int mm_poke(struct mm *mm, uint64_t dst, const void *src, size_t len) SB_MUST_CHECK;
int mm_zero(struct mm *mm, uint64_t dst, size_t len, int force) SB_MUST_CHECK;

/* Find a free range of len bytes (top-down below mmap_base). 0 if none. */
uint64_t mm_find_free(struct mm *mm, uint64_t len);

/* Run fn on the 32-bit word at addr (aligned) under the mm lock, backing
 * (and, for write, un-sharing) its page: futex values and atomic ops. */
int mm_with_u32(struct mm *mm, uint64_t addr, bool write, void (*fn)(uint32_t *p, void *arg),
                void *arg);
/* The futex key of addr: the address for private memory, the MemoryFile
 * offset (same in every process) for shared memory. */
int mm_futex_key(struct mm *mm, uint64_t addr, uint64_t *key, bool *shared);

/* mincore(2): vec gets one byte per page (1: backed). -ENOMEM on a hole. */
int mm_mincore(struct mm *mm, uint64_t addr, uint64_t len, uint8_t *vec);
/* 0 if every page of the range is mapped, else -ENOMEM. */
/* msync: write shared file pages of the range back (-ENOMEM if unmapped). */
int mm_msync(struct mm *mm, uint64_t addr, uint64_t len);
int mm_check_mapped(struct mm *mm, uint64_t addr, uint64_t len);

/* shmdt: unmap the attach of a file with ops fops that starts at addr
 * (a VMA there at file offset 0), and the other VMAs of the same file
 * within its size at their matching offsets. -EINVAL if none starts at
 * addr. */
struct file_ops;
int mm_unmap_attach(struct mm *mm, uint64_t addr, const struct file_ops *fops);

/* Resident size: MemoryFile pages backing this mm, in KiB. */
uint64_t mm_rss_kb(struct mm *mm);
/* Sizes in bytes for /proc: all VMAs, private writable ones but the stack
 * (data), the stack, executable mappings of the program (exec) and of other
 * files (lib), resident pages (shared and file-backed ones apart). */
struct mm_usage {
    uint64_t vsize, data, stack, exec, lib, rss, rss_shared, rss_file;
};
void mm_usage(struct mm *mm, struct mm_usage *u);

/* For /proc/PID/maps: call fn for each VMA, under the lock. */
void mm_for_each_vma(struct mm *mm, void (*fn)(void *arg, const struct mm_range *v),
                     void *arg);

#endif
