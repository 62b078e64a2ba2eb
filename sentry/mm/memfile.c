/* sentry/mm/memfile.c: extent allocator over the MemoryFile memfd. */
#include "sentry/mm/memfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xalloc.h"

int memfile_init(struct memfile *mf, uint64_t size)
{
    memset(mf, 0, sizeof(*mf));
    mf->fd = memfd_create("sbx-memfile", MFD_CLOEXEC);
    if (mf->fd < 0)
        return -errno;
    if (ftruncate(mf->fd, size) < 0)
        goto fail;
    mf->base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
                    mf->fd, 0);
    if (mf->base == MAP_FAILED)
        goto fail;
    mf->refs = mmap(NULL, size / MF_PAGE * sizeof(uint32_t), PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mf->refs == MAP_FAILED) {
        munmap(mf->base, size);
        goto fail;
    }
    mf->size = size;
    pthread_mutex_init(&mf->lock, NULL);
    return 0;
fail:;
    int r = -errno;
    close(mf->fd);
    mf->fd = -1;
    return r;
}

void memfile_destroy(struct memfile *mf)
{
    if (mf->base && mf->base != MAP_FAILED)
        munmap(mf->base, mf->size);
    if (mf->refs && mf->refs != MAP_FAILED)
        munmap(mf->refs, mf->size / MF_PAGE * sizeof(uint32_t));
    mf->refs = NULL;
    if (mf->fd >= 0)
        close(mf->fd);
    free(mf->free);
    mf->free = NULL;
    mf->base = NULL;
    mf->fd = -1;
}

int memfile_alloc(struct memfile *mf, uint64_t len, uint64_t *off)
{
    int r = 0;

    if (len == 0)
        return -EINVAL;
    if (len > mf->size)
        return -ENOMEM; /* also keeps the rounding below from wrapping */
    len = (len + MF_PAGE - 1) & ~(MF_PAGE - 1);
    pthread_mutex_lock(&mf->lock);
    for (size_t i = 0; i < mf->nfree; i++) {
        struct mf_extent *e = &mf->free[i];
        if (e->len < len)
            continue;
        *off = e->off;
        e->off += len;
        e->len -= len;
        if (e->len == 0) {
            memmove(e, e + 1, (mf->nfree - i - 1) * sizeof(*e));
            mf->nfree--;
        }
        goto out;
    }
    if (mf->size - mf->bump < len) {
        r = -ENOMEM;
        goto unlock;
    }
    *off = mf->bump;
    mf->bump += len;
out:
    mf->used += len;
    for (uint64_t p = *off / MF_PAGE; p < (*off + len) / MF_PAGE; p++)
        mf->refs[p] = 1;
unlock:
    pthread_mutex_unlock(&mf->lock);
    return r;
}

/* Return [off, off+len) (refs now 0) to the free list. mf->lock held. */
static void release_run(struct memfile *mf, uint64_t off, uint64_t len)
{
    size_t i;

    /* Give the pages back to the host; they read as zero when reused. */
    fallocate(mf->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len);
    mf->used -= len;
    if (off + len == mf->bump) {
        mf->bump = off;
        /* Fold a free extent that now touches the end into the bump. */
        if (mf->nfree && mf->free[mf->nfree - 1].off + mf->free[mf->nfree - 1].len == mf->bump) {
            mf->bump = mf->free[mf->nfree - 1].off;
            mf->nfree--;
        }
        return;
    }
    for (i = 0; i < mf->nfree && mf->free[i].off < off; i++)
        ;
    SB_BUG_ON(i < mf->nfree && off + len > mf->free[i].off);
    SB_BUG_ON(i > 0 && mf->free[i - 1].off + mf->free[i - 1].len > off);
    if (i > 0 && mf->free[i - 1].off + mf->free[i - 1].len == off) {
        mf->free[i - 1].len += len;
        if (i < mf->nfree && off + len == mf->free[i].off) {
            mf->free[i - 1].len += mf->free[i].len;
            memmove(&mf->free[i], &mf->free[i + 1], (mf->nfree - i - 1) * sizeof(mf->free[0]));
            mf->nfree--;
        }
        return;
    }
    if (i < mf->nfree && off + len == mf->free[i].off) {
        mf->free[i].off = off;
        mf->free[i].len += len;
        return;
    }
    if (mf->nfree == mf->cap) {
        mf->cap = mf->cap ? mf->cap * 2 : 64;
        mf->free = xrealloc(mf->free, mf->cap * sizeof(mf->free[0]));
    }
    memmove(&mf->free[i + 1], &mf->free[i], (mf->nfree - i) * sizeof(mf->free[0]));
    mf->free[i] = (struct mf_extent){ off, len };
    mf->nfree++;
}

void memfile_free(struct memfile *mf, uint64_t off, uint64_t len)
{
    uint64_t run = 0, runlen = 0;

    len = (len + MF_PAGE - 1) & ~(MF_PAGE - 1);
    SB_BUG_ON(off & (MF_PAGE - 1));
    SB_BUG_ON(off + len > mf->bump);
    pthread_mutex_lock(&mf->lock);
    for (uint64_t a = off; a < off + len; a += MF_PAGE) {
        uint32_t *r = &mf->refs[a / MF_PAGE];
        SB_BUG_ON(*r == 0);
        if (--*r == 0) {
            if (!runlen)
                run = a;
            runlen += MF_PAGE;
            continue;
        }
        if (runlen)
            release_run(mf, run, runlen);
        runlen = 0;
    }
    if (runlen)
        release_run(mf, run, runlen);
    pthread_mutex_unlock(&mf->lock);
}

void memfile_ref(struct memfile *mf, uint64_t off, uint64_t len)
{
    len = (len + MF_PAGE - 1) & ~(MF_PAGE - 1);
    pthread_mutex_lock(&mf->lock);
    for (uint64_t a = off; a < off + len; a += MF_PAGE) {
        SB_BUG_ON(mf->refs[a / MF_PAGE] == 0);
        mf->refs[a / MF_PAGE]++;
    }
    pthread_mutex_unlock(&mf->lock);
}

uint32_t memfile_refcount(struct memfile *mf, uint64_t off)
{
    uint32_t r;
    pthread_mutex_lock(&mf->lock);
    r = off < mf->bump ? mf->refs[off / MF_PAGE] : 0;
    pthread_mutex_unlock(&mf->lock);
    return r;
}

uint32_t memfile_maxref(struct memfile *mf, uint64_t off, uint64_t len)
{
    uint32_t m = 0;
    pthread_mutex_lock(&mf->lock);
    for (uint64_t a = off; a < off + len; a += MF_PAGE)
        if (mf->refs[a / MF_PAGE] > m)
            m = mf->refs[a / MF_PAGE];
    pthread_mutex_unlock(&mf->lock);
    return m;
}
