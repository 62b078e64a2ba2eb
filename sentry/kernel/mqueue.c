/* sentry/kernel/mqueue.c: POSIX message queues (mq_open and friends).
 *
 * The sandbox is one IPC namespace: a table of names (without the '/'
 * glibc strips) to queues. A queue is an inode of the "mqueue" file
 * system, so its descriptors are files: poll readiness, a read gives
 * Linux's "QSIZE:... NOTIFY:..." line, fstat works. Messages are kept
 * highest priority first, FIFO within one. Limits and defaults are
 * Linux's (/proc/sys/fs/mqueue), RLIMIT_MSGQUEUE counted per owner.
 *
 * Lock order: mq_lock -> waitq locks. Signals (mq_notify) are sent
 * after mq_lock is dropped (they take k->lock).
 */
#include "sentry/kernel/mqueue.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/statfs.h>

#include "lib/timespec.h"
#include "lib/xalloc.h"
#include "sentry/socket/socket.h"

#define MQ_PRIO_MAX_ 32768
#define HARD_MSGMAX 65536
#define HARD_MSGSIZEMAX (16 * 1024 * 1024)
#define FILENT_SIZE 80 /* st_size of a queue, as Linux's */
#define MSG_OVERHEAD 48 /* Linux's struct msg_msg, and a priority tree node */
#define NOTIFY_COOKIE_LEN 32
#define NOTIFY_WOKENUP 1
#define NOTIFY_REMOVED 2

struct mq_msg {
    struct mq_msg *next;
    unsigned prio;
    size_t len;
    char data[];
};

struct mqueue {
    struct mqueue *next;  /* all queues (mq_lock) */
    char name[NAME_MAX + 1];
    bool linked;          /* in the name table */
    struct inode *ino;    /* not a reference: the inode owns the queue */
    long maxmsg, msgsize, curmsgs;
    uint64_t qsize;       /* bytes of messages queued */
    uint64_t bytes;       /* counted against the owner's RLIMIT_MSGQUEUE */
    uid_t uid, ruid;      /* owner (file), and whose limit it counts in */
    gid_t gid;
    mode_t mode;
    struct timespec atime, mtime, ctime;
    struct mq_msg *head;
    int recv_waiting;     /* receivers blocked: they take a message before
                           * any notification */
    int notify_tgid;      /* 0: nobody registered */
    int notify_kind, notify_signo;
    union sigval notify_value;
    struct file *notify_sock; /* SIGEV_THREAD: the netlink socket told */
    uint8_t cookie[NOTIFY_COOKIE_LEN];
    struct waitq wq;      /* senders, receivers, pollers */
};

static pthread_mutex_t mq_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mqueue *mq_all;
static int mq_count;
/* nocache: mq_open and mq_unlink change the names behind the VFS's back. */
static struct super mq_sb = { .fstype = "mqueue", .dev = 0x13, .nocache = true };

static struct mqueue *mq_of(struct file *f);

static void now_rt(struct timespec *ts)
{
    clock_gettime(CLOCK_REALTIME, ts);
}

static struct mqueue *find(const char *name) /* mq_lock held */
{
    for (struct mqueue *q = mq_all; q; q = q->next)
        if (q->linked && !strcmp(q->name, name))
            return q;
    return NULL;
}

/* The registration goes: a SIGEV_THREAD one is told why (mq_lock held;
 * the socket's reference is handed to *put, dropped by the caller). */
static void notify_end(struct mqueue *q, int why, struct file **put)
{
    if (q->notify_sock) {
        q->cookie[NOTIFY_COOKIE_LEN - 1] = (uint8_t)why;
        (void)netlink_kernel_send(q->notify_sock, q->cookie, NOTIFY_COOKIE_LEN);
        *put = q->notify_sock;
        q->notify_sock = NULL;
    }
    q->notify_tgid = 0;
}

/* ---- the inode and its files ---- */

static int q_getattr(struct inode *ino, struct stat *st)
{
    struct mqueue *q = ino->priv;

    pthread_mutex_lock(&mq_lock);
    st->st_mode = S_IFREG | q->mode;
    st->st_uid = q->uid;
    st->st_gid = q->gid;
    st->st_nlink = q->linked ? 1 : 0;
    st->st_atim = q->atime;
    st->st_mtim = q->mtime;
    st->st_ctim = q->ctime;
    pthread_mutex_unlock(&mq_lock);
    st->st_ino = ino->ino;
    st->st_dev = mq_sb.dev;
    st->st_size = FILENT_SIZE;
    st->st_blksize = 4096;
    return 0;
}

/* chmod, chown, utimes (a size is taken and ignored, as Linux's). */
static int q_setattr(struct inode *ino, const struct setattr *sa)
{
    struct mqueue *q = ino->priv;

    pthread_mutex_lock(&mq_lock);
    if (sa->valid & SA_MODE)
        q->mode = sa->mode & 0777;
    if (sa->valid & SA_UID)
        q->uid = sa->uid;
    if (sa->valid & SA_GID)
        q->gid = sa->gid;
    if (sa->valid & SA_ATIME)
        q->atime = sa->atime;
    if (sa->valid & SA_MTIME)
        q->mtime = sa->mtime;
    now_rt(&q->ctime);
    pthread_mutex_unlock(&mq_lock);
    return 0;
}

static void mq_release_inode(struct inode *ino)
{
    struct mqueue *q = ino->priv;

    pthread_mutex_lock(&mq_lock);
    for (struct mqueue **pp = &mq_all; *pp; pp = &(*pp)->next)
        if (*pp == q) {
            *pp = q->next;
            break;
        }
    mq_count--;
    pthread_mutex_unlock(&mq_lock);
    if (q->notify_sock)
        file_put(q->notify_sock);
    for (struct mq_msg *m = q->head, *n; m; m = n) {
        n = m->next;
        free(m);
    }
    free(q);
}

static const struct inode_ops mq_iops = {
    .getattr = q_getattr,
    .setattr = q_setattr,
    .release = mq_release_inode,
};

static long mq_read(struct file *f, void *buf, size_t len, uint64_t off)
{
    struct mqueue *q = mq_of(f);
    char line[128];
    int n;

    pthread_mutex_lock(&mq_lock);
    n = snprintf(line, sizeof(line), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
                 (unsigned long)q->qsize, q->notify_tgid ? q->notify_kind : 0,
                 q->notify_tgid && q->notify_kind == SIGEV_SIGNAL ? q->notify_signo : 0,
                 q->notify_tgid);
    now_rt(&q->atime);
    pthread_mutex_unlock(&mq_lock);
    if (off >= (uint64_t)n)
        return 0;
    len = SB_MIN(len, (size_t)n - off);
    memcpy(buf, line + off, len);
    return (long)len;
}

static unsigned mq_poll(struct file *f, struct poll_req *pr)
{
    struct mqueue *q = mq_of(f);
    unsigned m = 0;

    if (pr)
        poll_wait(pr, &q->wq);
    pthread_mutex_lock(&mq_lock);
    if (q->curmsgs)
        m |= POLLIN | POLLRDNORM;
    if (q->curmsgs < q->maxmsg)
        m |= POLLOUT | POLLWRNORM;
    pthread_mutex_unlock(&mq_lock);
    return m;
}

/* Linux drops a notification when its owner closes a descriptor of the
 * queue; here when the owner drops the last reference to one. */
static void mq_release_file(struct file *f)
{
    struct mqueue *q = mq_of(f);
    struct task *t = current_task;
    struct file *put = NULL;

    pthread_mutex_lock(&mq_lock);
    if (t && q->notify_tgid && q->notify_tgid == t->proc->tgid)
        notify_end(q, NOTIFY_REMOVED, &put);
    pthread_mutex_unlock(&mq_lock);
    if (put)
        file_put(put);
}

static const struct file_ops mq_fops = {
    .read = mq_read,
    .poll = mq_poll,
    .release = mq_release_file,
};

static struct mqueue *mq_of(struct file *f)
{
    return f && f->ops == &mq_fops ? f->inode->priv : NULL;
}

/* ---- mq_open / mq_unlink ---- */

/* Take q's name away: the table's reference to drop (mq_lock held). */
static struct inode *unlist(struct mqueue *q)
{
    q->linked = false;
    now_rt(&q->ctime);
    return q->ino;
}

/* The name as the syscall takes it: EACCES for "", ".", ".." and names
 * with '/', ENAMETOOLONG past NAME_MAX; an empty string is ENOENT. */
static int copy_name(struct task *t, uint64_t uname, char *name)
{
    char buf[VFS_PATH_MAX];
    long n = mm_strncpy_in(t->mm, buf, uname, sizeof(buf));

    if (n < 0)
        return (int)n;
    if (n == 0)
        return -ENOENT;
    if (strchr(buf, '/') || !strcmp(buf, ".") || !strcmp(buf, ".."))
        return -EACCES;
    if (n > NAME_MAX)
        return -ENAMETOOLONG;
    memcpy(name, buf, (size_t)n + 1);
    return 0;
}

static int attr_check(struct task *t, const struct mq_attr *a)
{
    bool res = capable(t, CAP_SYS_RESOURCE);

    if (a->mq_maxmsg <= 0 || a->mq_msgsize <= 0)
        return -EINVAL;
    if (a->mq_maxmsg > (res ? HARD_MSGMAX : MQ_MSG_MAX) ||
        a->mq_msgsize > (res ? HARD_MSGSIZEMAX : MQ_MSGSIZE_MAX))
        return -EINVAL;
    return 0;
}

static uint64_t queue_bytes(long maxmsg, long msgsize)
{
    return (uint64_t)maxmsg * MSG_OVERHEAD + (uint64_t)SB_MIN(maxmsg, MQ_PRIO_MAX_) * MSG_OVERHEAD +
           (uint64_t)maxmsg * (uint64_t)msgsize;
}

static uint64_t next_ino = 2; /* 1: the file system's root */

/* A new queue named name (mode: umask applied), listed in the table which
 * holds the inode's first reference (*out). */
static int create(struct task *t, const char *name, mode_t mode, const struct mq_attr *attr,
                  struct inode **out) /* mq_lock held */
{
    uint64_t lim = t->proc->rlim[RLIMIT_MSGQUEUE].cur, used = 0;
    struct mqueue *q;
    long maxmsg = MQ_MSG_DEFAULT, msgsize = MQ_MSGSIZE_DEFAULT;
    int r;

    if (attr) {
        if ((r = attr_check(t, attr)))
            return r;
        maxmsg = attr->mq_maxmsg;
        msgsize = attr->mq_msgsize;
    }
    if (mq_count >= MQ_QUEUES_MAX && !capable(t, CAP_SYS_RESOURCE))
        return -ENOSPC;
    for (q = mq_all; q; q = q->next)
        if (q->ruid == t->cred.uid)
            used += q->bytes;
    if (used + queue_bytes(maxmsg, msgsize) > lim)
        return -EMFILE;
    q = xzalloc(sizeof(*q));
    snprintf(q->name, sizeof(q->name), "%s", name);
    q->linked = true;
    q->maxmsg = maxmsg;
    q->msgsize = msgsize;
    q->bytes = queue_bytes(maxmsg, msgsize);
    q->uid = t->cred.fsuid;
    q->gid = t->cred.fsgid;
    q->ruid = t->cred.uid;
    q->mode = mode & 0777;
    now_rt(&q->ctime);
    q->atime = q->mtime = q->ctime;
    waitq_init(&q->wq);
    q->ino = inode_new(&mq_sb, &mq_iops, &mq_fops, S_IFREG | q->mode, next_ino++);
    q->ino->priv = q;
    q->next = mq_all;
    mq_all = q;
    mq_count++;
    *out = q->ino; /* the name table's reference */
    return 0;
}

long mqueue_open(struct task *t, uint64_t uname, int oflag, mode_t mode, uint64_t uattr)
{
    static const int acc[] = { MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE };
    char name[NAME_MAX + 1];
    struct mq_attr attr;
    struct inode *ino;
    struct mqueue *q;
    struct file *f;
    int r, fd;

    if (uattr && mm_copy_in(t->mm, &attr, uattr, sizeof(attr)))
        return -EFAULT;
    if ((r = copy_name(t, uname, name)))
        return r;
    pthread_mutex_lock(&mq_lock);
    q = find(name);
    if (!q) {
        if (!(oflag & O_CREAT))
            r = -ENOENT;
        else if (!(r = create(t, name, mode & ~t->fs->umask, uattr ? &attr : NULL, &ino)))
            inode_get(ino); /* this open's; the table keeps the first */
    } else if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
        r = -EEXIST;
    } else if ((oflag & O_ACCMODE) == O_ACCMODE) {
        r = -EINVAL;
    } else {
        ino = inode_get(q->ino);
    }
    pthread_mutex_unlock(&mq_lock);
    if (r)
        return r;
    if (q && (r = vfs_permission(ino, acc[oflag & O_ACCMODE]))) {
        inode_put(ino);
        return r;
    }
    f = file_new(NULL, ino, (oflag & (O_ACCMODE | O_NONBLOCK)) | O_LARGEFILE);
    inode_put(ino);
    fd = fdt_install(t->fdt, f, 0, true); /* always close-on-exec, as Linux's */
    file_put(f);
    return fd;
}

long mqueue_unlink(struct task *t, uint64_t uname)
{
    char name[NAME_MAX + 1];
    struct mqueue *q;
    struct inode *ino = NULL;
    int r;

    if ((r = copy_name(t, uname, name)))
        return r;
    pthread_mutex_lock(&mq_lock);
    if (!(q = find(name))) {
        r = -ENOENT;
    } else if (q->uid != t->cred.fsuid && t->cred.fsuid != 0 && !capable(t, CAP_FOWNER)) {
        r = -EPERM; /* the sticky directory's rule */
    } else {
        ino = unlist(q);
    }
    pthread_mutex_unlock(&mq_lock);
    if (ino)
        inode_put(ino); /* the name table's */
    return r;
}

/* ---- send and receive ---- */

/* The file at fd if it is a queue (EBADF otherwise), open for acc. */
static int get_queue(struct task *t, int fd, int acc, struct file **out)
{
    struct file *f = fdt_get(t->fdt, fd);
    int mode;

    if (!f || !mq_of(f)) {
        if (f)
            file_put(f);
        return -EBADF;
    }
    mode = f->flags & O_ACCMODE;
    if ((acc == MAY_WRITE && mode == O_RDONLY) || (acc == MAY_READ && mode == O_WRONLY)) {
        file_put(f);
        return -EBADF;
    }
    *out = f;
    return 0;
}

/* An absolute CLOCK_REALTIME timeout as a CLOCK_MONOTONIC deadline. */
static int abs_deadline(struct task *t, uint64_t uts, struct timespec *dl)
{
    struct timespec abs;

    if (mm_copy_in(t->mm, &abs, uts, sizeof(abs)))
        return -EFAULT;
    if (abs.tv_sec < 0 || abs.tv_nsec < 0 || abs.tv_nsec >= 1000000000)
        return -EINVAL;
    ts_deadline_at_realtime(dl, &abs);
    return 0;
}

static bool has_room(void *arg)
{
    struct mqueue *q = arg;
    bool ok;

    pthread_mutex_lock(&mq_lock);
    ok = q->curmsgs < q->maxmsg;
    pthread_mutex_unlock(&mq_lock);
    return ok;
}

static bool has_msg(void *arg)
{
    struct mqueue *q = arg;
    bool ok;

    pthread_mutex_lock(&mq_lock);
    ok = q->curmsgs > 0;
    pthread_mutex_unlock(&mq_lock);
    return ok;
}

/* Wait (mq_lock dropped meanwhile) for cond: 0, -ETIMEDOUT or
 * -ERESTARTSYS (mq_* restart with SA_RESTART, their timeout being
 * absolute); -EAGAIN with O_NONBLOCK. mq_lock held on entry and exit. */
static int wait_for(struct task *t, struct file *f, struct mqueue *q, bool (*cond)(void *),
                    const struct timespec *dl, bool recv)
{
    int r;

    if (f->flags & O_NONBLOCK)
        return -EAGAIN;
    q->recv_waiting += recv;
    pthread_mutex_unlock(&mq_lock);
    r = task_wait_event(t, &q->wq, cond, q, dl);
    pthread_mutex_lock(&mq_lock);
    q->recv_waiting -= recv;
    return r;
}

long mqueue_timedsend(struct task *t, int fd, uint64_t uptr, uint64_t len, unsigned prio,
                      uint64_t uts)
{
    struct timespec dl;
    struct mq_msg *m, **pp;
    struct mqueue *q;
    struct file *f, *put = NULL;
    siginfo_t si;
    int sig = 0, tgid = 0;
    int r;

    if (uts && (r = abs_deadline(t, uts, &dl)))
        return r;
    if (prio >= MQ_PRIO_MAX_)
        return -EINVAL;
    if ((r = get_queue(t, fd, MAY_WRITE, &f)))
        return r;
    q = mq_of(f);
    if (len > (uint64_t)q->msgsize) {
        file_put(f);
        return -EMSGSIZE;
    }
    m = xzalloc(sizeof(*m) + len);
    m->prio = prio;
    m->len = len;
    if (len && mm_copy_in(t->mm, m->data, uptr, len)) {
        free(m);
        file_put(f);
        return -EFAULT;
    }
    pthread_mutex_lock(&mq_lock);
    while (q->curmsgs >= q->maxmsg)
        if ((r = wait_for(t, f, q, has_room, uts ? &dl : NULL, false)))
            goto out;
    for (pp = &q->head; *pp && (*pp)->prio >= prio; pp = &(*pp)->next)
        ;
    m->next = *pp;
    *pp = m;
    m = NULL;
    q->curmsgs++;
    q->qsize += len;
    now_rt(&q->mtime);
    q->atime = q->ctime = q->mtime;
    /* From empty to not, with no receiver waiting: the registered
     * process is told, and unregistered. */
    if (q->curmsgs == 1 && q->notify_tgid && !q->recv_waiting) {
        if (q->notify_kind == SIGEV_SIGNAL && q->notify_signo) {
            sig = q->notify_signo;
            tgid = q->notify_tgid;
            memset(&si, 0, sizeof(si));
            si.si_signo = sig;
            si.si_code = SI_MESGQ;
            si.si_value = q->notify_value;
            si.si_pid = t->proc->tgid;
            si.si_uid = t->cred.uid;
        }
        notify_end(q, NOTIFY_WOKENUP, &put);
    }
    waitq_wake_all(&q->wq);
out:
    pthread_mutex_unlock(&mq_lock);
    free(m);
    file_put(f);
    if (put)
        file_put(put);
    if (sig) {
        struct process *p;
        pthread_mutex_lock(&t->k->lock);
        if ((p = pid_process(t->k, tgid)) && p->state == PROC_LIVE)
            signal_send_process(t->k, p, sig, &si);
        pthread_mutex_unlock(&t->k->lock);
    }
    return r;
}

long mqueue_timedreceive(struct task *t, int fd, uint64_t uptr, uint64_t len, uint64_t uprio,
                         uint64_t uts)
{
    struct timespec dl;
    struct mq_msg *m = NULL;
    struct mqueue *q;
    struct file *f;
    long r;

    if (uts && (r = abs_deadline(t, uts, &dl)))
        return r;
    if ((r = get_queue(t, fd, MAY_READ, &f)))
        return r;
    q = mq_of(f);
    if (len < (uint64_t)q->msgsize) {
        file_put(f);
        return -EMSGSIZE;
    }
    pthread_mutex_lock(&mq_lock);
    while (!q->curmsgs)
        if ((r = wait_for(t, f, q, has_msg, uts ? &dl : NULL, true)))
            goto out;
    m = q->head;
    q->head = m->next;
    q->curmsgs--;
    q->qsize -= m->len;
    now_rt(&q->atime);
    q->ctime = q->atime;
    waitq_wake_all(&q->wq);
out:
    pthread_mutex_unlock(&mq_lock);
    file_put(f);
    if (!m)
        return r;
    /* The message is taken even when it cannot be stored, as Linux's. */
    r = (long)m->len;
    if ((uprio && mm_copy_out(t->mm, uprio, &m->prio, sizeof(m->prio))) ||
        (m->len && mm_copy_out(t->mm, uptr, m->data, m->len)))
        r = -EFAULT;
    free(m);
    return r;
}

/* ---- mq_notify, mq_getsetattr ---- */

long mqueue_notify(struct task *t, int fd, uint64_t usev)
{
    uint8_t cookie[NOTIFY_COOKIE_LEN];
    struct file *f, *sock = NULL, *put = NULL;
    struct sigevent sev;
    struct mqueue *q;
    int r = 0;

    if (usev) {
        if (mm_copy_in(t->mm, &sev, usev, sizeof(sev)))
            return -EFAULT;
        if (sev.sigev_notify != SIGEV_NONE && sev.sigev_notify != SIGEV_SIGNAL &&
            sev.sigev_notify != SIGEV_THREAD)
            return -EINVAL;
        if (sev.sigev_notify == SIGEV_SIGNAL &&
            (sev.sigev_signo < 0 || sev.sigev_signo > SB_NSIG))
            return -EINVAL;
        /* SIGEV_THREAD (glibc's): a 32-byte cookie is sent on the
         * netlink socket sigev_signo when the queue gets a message. */
        if (sev.sigev_notify == SIGEV_THREAD) {
            if (mm_copy_in(t->mm, cookie, (uint64_t)sev.sigev_value.sival_ptr, sizeof(cookie)))
                return -EFAULT;
            if (!(sock = fdt_get(t->fdt, sev.sigev_signo)))
                return -EBADF;
            if ((r = netlink_kernel_send(sock, NULL, 0))) {
                file_put(sock);
                return r;
            }
        }
    }
    if (!(f = fdt_get(t->fdt, fd)) || !(q = mq_of(f))) {
        if (f)
            file_put(f);
        if (sock)
            file_put(sock);
        return -EBADF;
    }
    pthread_mutex_lock(&mq_lock);
    if (!usev) {
        if (q->notify_tgid == t->proc->tgid)
            notify_end(q, NOTIFY_REMOVED, &put);
    } else if (q->notify_tgid) {
        r = -EBUSY;
        put = sock;
    } else {
        q->notify_tgid = t->proc->tgid;
        q->notify_kind = sev.sigev_notify;
        q->notify_signo = sev.sigev_signo;
        q->notify_value = sev.sigev_value;
        q->notify_sock = sock;
        memcpy(q->cookie, cookie, sizeof(cookie));
    }
    if (!r) {
        now_rt(&q->ctime);
        q->atime = q->ctime;
    }
    pthread_mutex_unlock(&mq_lock);
    file_put(f);
    if (put)
        file_put(put);
    return r;
}

long mqueue_getsetattr(struct task *t, int fd, uint64_t unew, uint64_t uold)
{
    struct mq_attr nattr, oattr;
    struct mqueue *q;
    struct file *f;

    if (unew) {
        if (mm_copy_in(t->mm, &nattr, unew, sizeof(nattr)))
            return -EFAULT;
        if (nattr.mq_flags & ~(long)O_NONBLOCK)
            return -EINVAL;
    }
    if (!(f = fdt_get(t->fdt, fd)) || !(q = mq_of(f))) {
        if (f)
            file_put(f);
        return -EBADF;
    }
    pthread_mutex_lock(&mq_lock);
    memset(&oattr, 0, sizeof(oattr));
    oattr.mq_maxmsg = q->maxmsg;
    oattr.mq_msgsize = q->msgsize;
    oattr.mq_curmsgs = q->curmsgs;
    pthread_mutex_lock(&f->lock);
    oattr.mq_flags = f->flags & O_NONBLOCK;
    if (unew)
        f->flags = (f->flags & ~O_NONBLOCK) | (int)(nattr.mq_flags & O_NONBLOCK);
    pthread_mutex_unlock(&f->lock);
    pthread_mutex_unlock(&mq_lock);
    file_put(f);
    if (uold && mm_copy_out(t->mm, uold, &oattr, sizeof(oattr)))
        return -EFAULT;
    return 0;
}

/* ---- the mqueue file system: the queues as files of one directory ---- */

static struct dentry *mq_root; /* every mount shows it: one namespace */

static int dir_lookup(struct inode *dir, const char *name, struct inode **out)
{
    struct mqueue *q;

    pthread_mutex_lock(&mq_lock);
    q = find(name);
    if (q)
        *out = inode_get(q->ino);
    pthread_mutex_unlock(&mq_lock);
    return q ? 0 : -ENOENT;
}

/* open(O_CREAT) in the directory: a queue with the default attributes. */
static int dir_create(struct inode *dir, const char *name, mode_t mode, struct inode **out)
{
    int r;

    if (!current_task)
        return -EPERM;
    pthread_mutex_lock(&mq_lock);
    r = find(name) ? -EEXIST : create(current_task, name, mode, NULL, out);
    if (!r)
        inode_get(*out);
    pthread_mutex_unlock(&mq_lock);
    return r;
}

static int dir_unlink(struct inode *dir, const char *name) /* the VFS checked the rights */
{
    struct inode *ino = NULL;
    struct mqueue *q;

    pthread_mutex_lock(&mq_lock);
    if ((q = find(name)))
        ino = unlist(q);
    pthread_mutex_unlock(&mq_lock);
    if (!ino)
        return -ENOENT;
    inode_put(ino);
    return 0;
}

static int dir_mkdir(struct inode *dir, const char *name, mode_t mode)
{
    return -EPERM; /* no directories in it, as Linux's */
}

static int dir_getattr(struct inode *ino, struct stat *st)
{
    st->st_mode = ino->mode;
    st->st_ino = ino->ino;
    st->st_nlink = 2;
    st->st_dev = mq_sb.dev;
    st->st_blksize = 4096;
    return 0;
}

static int dir_statfs(struct inode *ino, struct statfs *out)
{
    memset(out, 0, sizeof(*out));
    out->f_type = 0x19800202; /* MQUEUE_MAGIC */
    out->f_bsize = 4096;
    out->f_namelen = NAME_MAX;
    out->f_frsize = 4096;
    return 0;
}

/* One entry at index (*idx)++ unless f->pos is past it: false when the
 * caller's buffer is full. */
static bool emit_at(struct file *f, struct dir_emit *de, uint64_t *idx, const char *name,
                    uint64_t ino, unsigned type)
{
    uint64_t i = (*idx)++;

    if (f->pos > i)
        return true;
    if (!de->emit(de, name, strlen(name), ino, type, i + 1))
        return false;
    f->pos = i + 1;
    return true;
}

static int dir_getdents(struct file *f, struct dir_emit *de)
{
    uint64_t idx = 0;

    pthread_mutex_lock(&mq_lock);
    if (emit_at(f, de, &idx, ".", 1, DT_DIR) && emit_at(f, de, &idx, "..", 1, DT_DIR))
        for (struct mqueue *q = mq_all; q; q = q->next)
            if (q->linked && !emit_at(f, de, &idx, q->name, q->ino->ino, DT_REG))
                break;
    pthread_mutex_unlock(&mq_lock);
    return 0;
}

static const struct inode_ops mq_dir_iops = {
    .lookup = dir_lookup,
    .create = dir_create,
    .unlink = dir_unlink,
    .mkdir = dir_mkdir,
    .getattr = dir_getattr,
    .statfs = dir_statfs,
};

static const struct file_ops mq_dir_fops = {
    .getdents = dir_getdents,
};

struct dentry *mqueue_fs_root(void)
{
    pthread_mutex_lock(&mq_lock);
    if (!mq_root) {
        struct inode *ino = inode_new(&mq_sb, &mq_dir_iops, &mq_dir_fops, S_IFDIR | 01777, 1);
        mq_root = dentry_new("/", NULL, ino); /* takes the inode's reference */
    }
    pthread_mutex_unlock(&mq_lock);
    return dentry_get(mq_root);
}
