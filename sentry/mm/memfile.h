/* sentry/mm/memfile.h: the MemoryFile, one memfd holding all app memory.
 *
 * The Sentry maps the whole (sparse) memfd once; an offset is turned into a
 * Sentry pointer by adding the base. Pages are handed out in page-multiple
 * extents, first fit from a sorted, coalesced free list, else from the end.
 * Freed extents are punched out of the memfd, so a fresh allocation always
 * reads as zeros. Every page has a reference count (address spaces sharing
 * it after fork); memfile_free drops one reference and releases the pages
 * that reach zero. Lock order: mf->lock is a leaf.
 */
#ifndef SB_SENTRY_MM_MEMFILE_H
#define SB_SENTRY_MM_MEMFILE_H

#include <pthread.h>
#include <stdint.h>
#include <stddef.h>

#include "lib/cleanup.h"

#define MF_PAGE 4096ULL

struct mf_extent {
    uint64_t off, len;
};

struct memfile {
    int fd;
    uint8_t *base;
    uint64_t size;        /* the memfd's (sparse) size */
    uint64_t bump;        /* everything at or above is unallocated */
    uint64_t used;        /* bytes allocated */
    struct mf_extent *free;
    size_t nfree, cap;
    uint32_t *refs; /* per page, size / MF_PAGE entries (sparse) */
    pthread_mutex_t lock;
};

/* Create the memfd of `size` bytes and map it. */
int memfile_init(struct memfile *mf, uint64_t size) SB_MUST_CHECK;
void memfile_destroy(struct memfile *mf);
/* len is rounded up to pages; -ENOMEM when the file is full. */
int memfile_alloc(struct memfile *mf, uint64_t len, uint64_t *off) SB_MUST_CHECK;
/* Drop one reference to each page of [off, off+len). */
void memfile_free(struct memfile *mf, uint64_t off, uint64_t len);
/* Take one more reference to each page of [off, off+len). */
void memfile_ref(struct memfile *mf, uint64_t off, uint64_t len);
/* References to the page at off (0 if free). */
uint32_t memfile_refcount(struct memfile *mf, uint64_t off);
/* Largest reference count in [off, off+len). */
uint32_t memfile_maxref(struct memfile *mf, uint64_t off, uint64_t len);

static inline void *memfile_ptr(struct memfile *mf, uint64_t off)
{
    return mf->base + off;
}

#endif
