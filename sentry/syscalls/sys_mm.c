/* sentry/syscalls/sys_mm.c: mmap, munmap, mprotect, brk, mremap, madvise,
 * mlock, NUMA memory policies. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <linux/capability.h>
#include <linux/mempolicy.h>

long sys_mmap(struct task *t, const struct syscall_args *a)
{
    uint64_t addr = a->a[0], len = a->a[1], off = a->a[5];
    int prot = (int)a->a[2], flags = (int)a->a[3], fd = (int)a->a[4];
    struct file *f = NULL;
    long r;

    if (!(flags & MAP_ANONYMOUS)) {
        f = fdt_get(t->fdt, fd);
        if (!f)
            return -EBADF;
        if (f->flags & O_PATH) {
            file_put(f);
            return -EBADF;
        }
        if (!f->ops || !f->ops->read || S_ISDIR(f->inode->mode) || (f->fmode & FILE_STREAM) ||
            S_ISFIFO(f->inode->mode) || S_ISSOCK(f->inode->mode)) {
            file_put(f);
            return -ENODEV;
        }
        if ((f->flags & O_ACCMODE) == O_WRONLY) {
            file_put(f);
            return -EACCES;
        }
        if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) &&
            (f->flags & O_ACCMODE) != O_RDWR) {
            file_put(f);
            return -EACCES;
        }
    }
    r = mm_mmap(t->mm, addr, len, prot, flags, f, off);
    if (f)
        file_put(f);
    return r;
}

long sys_munmap(struct task *t, const struct syscall_args *a)
{
    return mm_munmap(t->mm, a->a[0], a->a[1]);
}

long sys_mprotect(struct task *t, const struct syscall_args *a)
{
    return mm_mprotect(t->mm, a->a[0], a->a[1], (int)a->a[2]);
}

/* Memory protection keys: the sandbox offers none (as a CPU without PKU):
 * pkey_alloc finds no free key, so no key but -1 is ever allocated. */
long sys_pkey_mprotect(struct task *t, const struct syscall_args *a)
{
    if ((int)a->a[3] == -1)
        return mm_mprotect(t->mm, a->a[0], a->a[1], (int)a->a[2]);
    if (a->a[0] & 4095)
        return -EINVAL;
    return a->a[1] ? -EINVAL : 0; /* Linux checks the key after len 0 */
}

long sys_pkey_alloc(struct task *t, const struct syscall_args *a)
{
    (void)t;
    if (a->a[0] || (a->a[1] & ~3ULL)) /* PKEY_DISABLE_ACCESS | _WRITE */
        return -EINVAL;
    return -ENOSPC;
}

long sys_pkey_free(struct task *t, const struct syscall_args *a)
{
    (void)t;
    (void)a;
    return -EINVAL;
}

long sys_brk(struct task *t, const struct syscall_args *a)
{
    return mm_brk(t->mm, a->a[0]);
}

long sys_mremap(struct task *t, const struct syscall_args *a)
{
    return mm_mremap(t->mm, a->a[0], a->a[1], a->a[2], (int)a->a[3], a->a[4]);
}

long sys_madvise(struct task *t, const struct syscall_args *a)
{
    return mm_madvise(t->mm, a->a[0], a->a[1], (int)a->a[2]);
}

long sys_msync(struct task *t, const struct syscall_args *a)
{
    int flags = (int)a->a[2];

    if (a->a[0] & 4095)
        return -EINVAL;
    if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
        return -EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC))
        return -EINVAL;
    return mm_msync(t->mm, a->a[0], a->a[1]);
}

/* Locking memory: nothing is ever swapped out of the MemoryFile, so a lock
 * changes nothing; the calls check their arguments and that the range is
 * mapped (ENOMEM otherwise), as Linux does. */
static long lock_range(struct task *t, uint64_t addr, uint64_t len)
{
    uint64_t start = addr & ~4095ULL;

    len += addr - start;
    if (len + 4095 < len)
        return -ENOMEM;
    if (!len)
        return 0;
    return mm_check_mapped(t->mm, start, len);
}

long sys_mlock(struct task *t, const struct syscall_args *a)
{
    return lock_range(t, a->a[0], a->a[1]);
}

long sys_mlock2(struct task *t, const struct syscall_args *a)
{
    if (a->a[2] & ~(uint64_t)MLOCK_ONFAULT)
        return -EINVAL;
    return lock_range(t, a->a[0], a->a[1]);
}

long sys_munlock(struct task *t, const struct syscall_args *a)
{
    return lock_range(t, a->a[0], a->a[1]);
}

long sys_mlockall(struct task *t, const struct syscall_args *a)
{
    uint64_t flags = a->a[0];

    if (!flags || (flags & ~(uint64_t)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
        flags == MCL_ONFAULT)
        return -EINVAL;
    return 0;
}

long sys_munlockall(struct task *t, const struct syscall_args *a)
{
    return 0;
}

long sys_mincore(struct task *t, const struct syscall_args *a)
{
    uint64_t len = a->a[1], n;
    uint8_t *vec;
    long r;

    if (a->a[0] & 4095)
        return -EINVAL;
    if (len + 4095 < len)
        return -ENOMEM;
    n = (len + 4095) / 4096;
    if (n > (1ULL << 28))
        return -ENOMEM;
    vec = calloc(1, n ? n : 1);
    if (!vec)
        return -ENOMEM;
    r = mm_mincore(t->mm, a->a[0], len, vec);
    if (!r && n && mm_copy_out(t->mm, a->a[2], vec, n))
        r = -EFAULT;
    free(vec);
    return r;
}

/* ---- NUMA memory policy: the sandbox has one node, node 0 ----
 *
 * A task's policy (mode and mode flags) is recorded and reported back;
 * every node mask is checked as Linux does and must contain node 0
 * (others are offline: a mask without node 0 is EINVAL). mbind checks its
 * range and policy but records nothing per mapping: get_mempolicy with
 * MPOL_F_ADDR reports the task's policy. */
#define MPOL_MAX_ 7             /* MPOL_WEIGHTED_INTERLEAVE + 1 */
#define MAX_NUMNODES_ 1024      /* NODES_SHIFT 10, as distribution kernels */

/* get_nodes(): is node 0 in the user's mask of maxnode - 1 bits?
 * *empty tells whether the mask (as far as Linux keeps it) is empty. */
static int get_nodes(struct task *t, uint64_t unodes, uint64_t maxnode, bool *has0, bool *empty)
{
    uint64_t w, nbits, i;

    *has0 = false;
    *empty = true;
    if (maxnode)
        maxnode--;
    if (!maxnode || !unodes)
        return 0;
    if (maxnode > 4096 * 8)
        return -EINVAL;
    nbits = SB_MIN(maxnode, (uint64_t)MAX_NUMNODES_);
    for (i = 0; i < (maxnode + 63) / 64; i++) {
        uint64_t lo = i * 64, valid;
        if (mm_copy_in(t->mm, &w, unodes + i * 8, 8))
            return -EFAULT;
        valid = maxnode - lo >= 64 ? ~0ULL : (1ULL << (maxnode - lo)) - 1;
        w &= valid;
        if (lo >= nbits) {
            if (w)
                return -EINVAL; /* nodes Linux cannot have */
            continue;
        }
        if (nbits - lo < 64)
            w &= (1ULL << (nbits - lo)) - 1;
        if (w)
            *empty = false;
        if (i == 0 && (w & 1))
            *has0 = true;
    }
    return 0;
}

/* sanitize_mpol_flags + get_nodes + mpol_new: the policy to record. */
static long mpol_parse(struct task *t, int mode, uint64_t unodes, uint64_t maxnode)
{
    int flags = mode & MPOL_MODE_FLAGS, m = mode & ~MPOL_MODE_FLAGS;
    bool has0, empty;
    long r;

    if (m < 0 || m >= MPOL_MAX_)
        return -EINVAL;
    if ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES))
        return -EINVAL;
    if ((flags & MPOL_F_NUMA_BALANCING) && m != MPOL_BIND && m != MPOL_PREFERRED_MANY)
        return -EINVAL;
    if ((r = get_nodes(t, unodes, maxnode, &has0, &empty)))
        return r;
    if (m == MPOL_DEFAULT)
        return empty ? MPOL_DEFAULT : -EINVAL;
    if (empty) {
        if (m == MPOL_PREFERRED && !(flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)))
            return MPOL_LOCAL;
        return m == MPOL_LOCAL ? MPOL_LOCAL : -EINVAL;
    }
    if (m == MPOL_LOCAL)
        return -EINVAL;
    if (!has0 && !(flags & MPOL_F_RELATIVE_NODES))
        return -EINVAL; /* no online node in the mask */
    return m | flags;
}

long sys_set_mempolicy(struct task *t, const struct syscall_args *a)
{
    long m = mpol_parse(t, (int)a->a[0], a->a[1], a->a[2]);

    if (m < 0)
        return m;
    t->mempolicy = (int)m;
    return 0;
}

long sys_mbind(struct task *t, const struct syscall_args *a)
{
    uint64_t start = a->a[0], len = a->a[1], flags = a->a[5];
    long m = mpol_parse(t, (int)a->a[2], a->a[3], a->a[4]);

    if (m < 0)
        return m;
    if (flags & ~(uint64_t)(MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
        return -EINVAL;
    if ((flags & MPOL_MF_MOVE_ALL) && !capable(t, CAP_SYS_NICE))
        return -EPERM;
    if (start & 4095)
        return -EINVAL;
    if (len + 4095 < len || start + ((len + 4095) & ~4095ULL) < start)
        return -EINVAL;
    if (!len)
        return 0;
    return mm_check_mapped(t->mm, start, len) ? -EFAULT : 0;
}

long sys_get_mempolicy(struct task *t, const struct syscall_args *a)
{
    uint64_t upol = a->a[0], unodes = a->a[1], maxnode = a->a[2], addr = a->a[3];
    unsigned long flags = a->a[4];
    int pol = t->mempolicy, m = pol & ~MPOL_MODE_FLAGS, val;
    bool node0 = m != MPOL_DEFAULT && m != MPOL_LOCAL;

    if (unodes && maxnode < 1)
        return -EINVAL; /* fewer bits than nr_node_ids */
    if (flags & ~(unsigned long)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
        return -EINVAL;
    if (flags & MPOL_F_MEMS_ALLOWED) {
        if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
            return -EINVAL;
        val = 0;
        node0 = true;
    } else {
        if (flags & MPOL_F_ADDR) {
            if (mm_check_mapped(t->mm, addr & ~4095ULL, 1))
                return -EFAULT;
        } else if (addr) {
            return -EINVAL;
        }
        if (flags & MPOL_F_NODE) {
            if (!(flags & MPOL_F_ADDR) && m != MPOL_INTERLEAVE && m != 6 /* WEIGHTED */)
                return -EINVAL;
            val = 0; /* the node: there is only node 0 */
        } else {
            val = pol;
        }
    }
    if (upol && mm_copy_out(t->mm, upol, &val, sizeof(val)))
        return -EFAULT;
    if (unodes) {
        uint64_t nbytes = ((maxnode - 1 + 63) / 64) * 8, w = node0;
        for (uint64_t off = 0; off < nbytes; off += 8) {
            if (mm_copy_out(t->mm, unodes + off, &w, 8))
                return -EFAULT;
            w = 0;
        }
    }
    return 0;
}
