/* sentry/kernel/shm.c: System V shared memory segments.
 *
 * A segment is one MemoryFile extent behind an inode of its own; shmat
 * maps a file of that inode MAP_SHARED, so the pages are the segment's in
 * every process, and fork, exec and exit need nothing of their own. The
 * file's VMA hooks count the attaches (shm_nattch counts VMAs, as Linux).
 * The segment lives while listed or attached: the table and each attach
 * file hold the inode, whose release frees the pages.
 */
#include "sentry/kernel/ipc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "lib/xalloc.h"

struct shm_seg {
    struct ipc_obj o;
    uint64_t size; /* shm_segsz */
    uint64_t mf_off, mf_len;
    struct inode *ino; /* the table's reference while listed */
    long atime, dtime, ctime;
    int cpid, lpid;
    unsigned long nattch;
};

static uint64_t shm_tot_pages; /* all segments, for SHMALL and SHM_INFO */

static struct memfile *shm_mf(void)
{
    return &sb_kernel->mf;
}

/* ---- the segment's inode and attach files ---- */

static int seg_get_page(struct inode *ino, uint64_t pgoff, uint64_t *mf_off)
{
    struct shm_seg *s = ino->priv;

    if (pgoff >= s->mf_len)
        return -EFAULT;
    memfile_ref(shm_mf(), s->mf_off + pgoff, MM_PAGE);
    *mf_off = s->mf_off + pgoff;
    return 0;
}

static int seg_getattr(struct inode *ino, struct stat *st)
{
    struct shm_seg *s = ino->priv;

    st->st_mode = ino->mode;
    st->st_ino = ino->ino;
    st->st_nlink = 0;
    st->st_size = (off_t)s->size;
    st->st_blksize = 4096;
    return 0;
}

static void seg_release(struct inode *ino)
{
    struct shm_seg *s = ino->priv;

    memfile_free(shm_mf(), s->mf_off, s->mf_len);
    free(s);
}

/* One attach fewer (ipc_lock held): a destroyed segment leaves the table
 * with its last one. */
static void drop_attach(struct shm_seg *s)
{
    if (--s->nattch == 0 && (s->o.mode & SHM_DEST))
        ipc_remove(&s->o);
}

static void seg_vma_open(struct file *f)
{
    struct shm_seg *s = f->inode->priv;

    pthread_mutex_lock(&ipc_lock);
    s->nattch++;
    s->atime = ipc_now();
    if (current_task)
        s->lpid = ipc_pid(current_task);
    pthread_mutex_unlock(&ipc_lock);
}

static void seg_vma_close(struct file *f)
{
    struct shm_seg *s = f->inode->priv;

    pthread_mutex_lock(&ipc_lock);
    s->dtime = ipc_now();
    if (current_task)
        s->lpid = ipc_pid(current_task);
    drop_attach(s);
    pthread_mutex_unlock(&ipc_lock);
}

static const struct inode_ops seg_iops = {
    .get_page = seg_get_page,
    .getattr = seg_getattr,
    .release = seg_release,
};

static const struct file_ops seg_fops = {
    .vma_open = seg_vma_open,
    .vma_close = seg_vma_close,
};

/* The table's reference goes (ipc_put of the last one, ipc_lock held).
 * The inode may outlive it in attach files being torn down; the segment
 * struct is freed with it (no ipc_lock taken there). */
void shm_free(struct ipc_obj *o)
{
    struct shm_seg *s = (struct shm_seg *)o;

    shm_tot_pages -= s->mf_len / MM_PAGE;
    inode_put(s->ino);
}

/* ---- shmget ---- */

static int seg_create(struct task *t, key_t key, int flg, void *arg)
{
    uint64_t size = *(uint64_t *)arg, len, off;
    static uint64_t ino_no = 200000;
    struct shm_seg *s;
    int r;

    if (size < 1 || size > IPC_SHMMAX)
        return -EINVAL;
    len = (size + MM_PAGE - 1) & ~(MM_PAGE - 1);
    if (len < size)
        return -ENOSPC;
    if (shm_tot_pages + len / MM_PAGE > IPC_SHMALL)
        return -ENOSPC;
    if (ipc_count(IPC_KIND_SHM) >= IPC_SHMMNI)
        return -ENOSPC;
    if ((r = memfile_alloc(shm_mf(), len, &off)))
        return r;
    s = xzalloc(sizeof(*s));
    s->size = size;
    s->mf_off = off;
    s->mf_len = len;
    if ((r = ipc_add(t, &s->o, IPC_KIND_SHM, key, flg, IPC_SHMMNI))) {
        memfile_free(shm_mf(), off, len);
        free(s);
        return r;
    }
    s->ino = inode_new(NULL, &seg_iops, &seg_fops, S_IFREG | (flg & 0777), ++ino_no);
    s->ino->priv = s;
    s->cpid = ipc_pid(t);
    s->ctime = ipc_now();
    shm_tot_pages += len / MM_PAGE;
    return s->o.id;
}

static int seg_check(struct ipc_obj *o, void *arg)
{
    return ((struct shm_seg *)o)->size < *(uint64_t *)arg ? -EINVAL : 0;
}

long ipc_shmget(struct task *t, int key, uint64_t size, int flg)
{
    static const struct ipc_get_ops ops = { IPC_KIND_SHM, seg_create, seg_check };
    return ipc_get(t, key, flg, &ops, &size);
}

/* ---- shmat, shmdt ---- */

long ipc_shmat(struct task *t, int id, uint64_t addr, int flg)
{
    int prot, acc, fflags, mflags = MAP_SHARED;
    struct shm_seg *s;
    struct file *f;
    long r;

    if (id < 0)
        return -EINVAL;
    if (addr) {
        if (addr & (MM_PAGE - 1)) {
            if (!(flg & SHM_RND))
                return -EINVAL;
            addr &= ~(MM_PAGE - 1);
            if (!addr && (flg & SHM_REMAP))
                return -EINVAL;
        }
        mflags |= (flg & SHM_REMAP) ? MAP_FIXED : MAP_FIXED_NOREPLACE;
    } else if (flg & SHM_REMAP) {
        return -EINVAL;
    }
    if (flg & SHM_RDONLY) {
        prot = PROT_READ;
        acc = 0444;
        fflags = O_RDONLY;
    } else {
        prot = PROT_READ | PROT_WRITE;
        acc = 0666;
        fflags = O_RDWR;
    }
    if (flg & SHM_EXEC) {
        prot |= PROT_EXEC;
        acc |= 0111;
    }
    pthread_mutex_lock(&ipc_lock);
    s = (struct shm_seg *)ipc_find(IPC_KIND_SHM, id);
    if (!s) {
        pthread_mutex_unlock(&ipc_lock);
        return -EINVAL;
    }
    if ((r = ipc_perms(t, &s->o, acc))) {
        pthread_mutex_unlock(&ipc_lock);
        return r;
    }
    /* Held attached while mapping, so that IPC_RMID meanwhile waits. */
    s->nattch++;
    f = file_new(NULL, s->ino, fflags);
    pthread_mutex_unlock(&ipc_lock);

    r = mm_mmap(t->mm, addr, s->size, prot, mflags, f, 0);
    if (r == -EEXIST)
        r = -EINVAL; /* an overlap without SHM_REMAP */
    file_put(f);
    pthread_mutex_lock(&ipc_lock);
    drop_attach(s);
    pthread_mutex_unlock(&ipc_lock);
    return r;
}

long ipc_shmdt(struct task *t, uint64_t addr)
{
    return mm_unmap_attach(t->mm, addr, &seg_fops);
}

/* ---- shmctl ---- */

static void seg_stat(struct shm_seg *s, struct shmid64_ds *ds)
{
    memset(ds, 0, sizeof(*ds));
    ipc_perm_out(&s->o, &ds->shm_perm);
    ds->shm_segsz = s->size;
    ds->shm_atime = s->atime;
    ds->shm_dtime = s->dtime;
    ds->shm_ctime = s->ctime;
    ds->shm_cpid = s->cpid;
    ds->shm_lpid = s->lpid;
    ds->shm_nattch = s->nattch;
}

/* Pages of the segment some address space maps (the segment holds one
 * reference to each page itself). */
static uint64_t seg_rss(struct shm_seg *s)
{
    uint64_t n = 0;

    for (uint64_t a = 0; a < s->mf_len; a += MM_PAGE)
        n += memfile_refcount(shm_mf(), s->mf_off + a) > 1;
    return n;
}

static long shm_info(struct task *t, int cmd, uint64_t ubuf)
{
    union {
        struct shminfo64 info;
        struct shm_info sinfo;
    } u;
    size_t len;
    int idx = 0;
    struct ipc_obj *o;
    long r;

    memset(&u, 0, sizeof(u));
    pthread_mutex_lock(&ipc_lock);
    if (cmd == IPC_INFO) {
        u.info.shmmax = IPC_SHMMAX;
        u.info.shmmin = 1;
        u.info.shmmni = IPC_SHMMNI;
        u.info.shmseg = IPC_SHMMNI;
        u.info.shmall = IPC_SHMALL;
        len = sizeof(u.info);
    } else {
        u.sinfo.used_ids = ipc_count(IPC_KIND_SHM);
        u.sinfo.shm_tot = shm_tot_pages;
        while ((o = ipc_next(IPC_KIND_SHM, &idx)))
            u.sinfo.shm_rss += seg_rss((struct shm_seg *)o);
        len = sizeof(u.sinfo);
    }
    r = ipc_max_index(IPC_KIND_SHM);
    pthread_mutex_unlock(&ipc_lock);
    if (mm_copy_out(t->mm, ubuf, &u, len))
        return -EFAULT;
    return r;
}

long ipc_shmctl(struct task *t, int id, int cmd, uint64_t ubuf)
{
    struct shmid64_ds ds;
    struct ipc_obj *o;
    struct shm_seg *s;
    long r = 0;

    if (cmd < 0 || id < 0)
        return -EINVAL;
    switch (cmd) {
    case IPC_INFO:
    case SHM_INFO:
        return shm_info(t, cmd, ubuf);
    case IPC_SET:
        if (mm_copy_in(t->mm, &ds, ubuf, sizeof(ds)))
            return -EFAULT;
        /* fallthrough */
    case IPC_STAT:
    case SHM_STAT:
    case SHM_STAT_ANY:
    case IPC_RMID:
        if ((r = ipc_ctl_lookup(t, IPC_KIND_SHM, id, cmd, SHM_STAT, SHM_STAT_ANY, &o)))
            return r;
        s = (struct shm_seg *)o;
        break;
    case SHM_LOCK:
    case SHM_UNLOCK:
        pthread_mutex_lock(&ipc_lock);
        s = (struct shm_seg *)ipc_find(IPC_KIND_SHM, id);
        if (!s) {
            pthread_mutex_unlock(&ipc_lock);
            return -EINVAL;
        }
        if (!capable(t, CAP_IPC_LOCK)) {
            if (t->cred.euid != s->o.uid && t->cred.euid != s->o.cuid)
                r = -EPERM;
            if (cmd == SHM_LOCK && t->proc->rlim[RLIMIT_MEMLOCK].cur == 0)
                r = -EPERM;
        }
        if (!r) {
            if (cmd == SHM_LOCK)
                s->o.mode |= SHM_LOCKED;
            else
                s->o.mode &= ~SHM_LOCKED;
        }
        pthread_mutex_unlock(&ipc_lock);
        return r;
    default:
        return -EINVAL;
    }
    switch (cmd) {
    case IPC_SET:
        ipc_perm_set(o, &ds.shm_perm);
        s->ctime = ipc_now();
        break;
    case IPC_RMID:
        /* Gone now if unattached; else when the last attach goes, its
         * key private from now on. */
        s->o.mode |= SHM_DEST;
        s->o.key = IPC_PRIVATE;
        if (s->nattch == 0)
            ipc_remove(o);
        break;
    default: /* the stat commands */
        seg_stat(s, &ds);
        r = cmd == IPC_STAT ? 0 : o->id;
        break;
    }
    pthread_mutex_unlock(&ipc_lock);
    if ((cmd == IPC_STAT || cmd == SHM_STAT || cmd == SHM_STAT_ANY) &&
        mm_copy_out(t->mm, ubuf, &ds, sizeof(ds)))
        return -EFAULT;
    return r;
}

void shm_proc_line(struct ipc_obj *o, char *buf, size_t cap)
{
    struct shm_seg *s = (struct shm_seg *)o;

    snprintf(buf, cap,
             "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %21lu "
             "%21lu\n",
             o->key, o->id, o->mode, (unsigned long)s->size, s->cpid, s->lpid, s->nattch,
             o->uid, o->gid, o->cuid, o->cgid, (unsigned long long)s->atime,
             (unsigned long long)s->dtime, (unsigned long long)s->ctime,
             (unsigned long)(seg_rss(s) * MM_PAGE), 0UL);
}
