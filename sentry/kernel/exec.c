/* sentry/kernel/exec.c: execve of ELF images, PATH lookup. */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <string.h>

#include "lib/log.h"
#include "lib/timespec.h"
#include "lib/xalloc.h"
#include "sentry/loader/elf.h"
#include "sentry/loader/stack.h"

#define ET_DYN_BASE 0x555555554000ULL

static long file_read_cb(void *arg, void *buf, size_t len, uint64_t off)
{
    size_t done = 0;

    while (done < len) {
        long n = vfs_kernel_read(arg, (char *)buf + done, len - done, off + done);
        if (n < 0)
            return n;
        if (n == 0)
            break;
        done += n;
    }
    return (long)done;
}

static int open_exec_at(struct fs_ctx *fs, const struct vpath *start, const char *path,
                        int at_flags, struct file **out, uint64_t *size)
{
    struct file *f;
    struct stat st;
    int r;

    if (!path[0] && (at_flags & AT_EMPTY_PATH) && start) {
        if (S_ISDIR(start->d->inode->mode))
            return -EACCES;
        r = vfs_open_path(start, O_RDONLY, &f);
    } else {
        r = vfs_open(fs, start, path, O_RDONLY | ((at_flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0),
                     0, &f);
    }
    if (r)
        return r == -EISDIR ? -EACCES : r;
    if ((r = vfs_getattr(f->inode, &st)) == 0) {
        if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111) || vfs_permission(f->inode, MAY_EXEC))
            r = -EACCES;
        else if (__atomic_load_n(&f->inode->writers, __ATOMIC_RELAXED) > 0)
            r = -ETXTBSY;
    }
    if (r) {
        file_put(f);
        return r;
    }
    *size = st.st_size;
    *out = f;
    return 0;
}

static int open_exec(struct fs_ctx *fs, const char *path, struct file **out, uint64_t *size)
{
    return open_exec_at(fs, NULL, path, 0, out, size);
}

int kernel_path_lookup(struct kernel *k, struct fs_ctx *fs, const char *cmd,
                       const char *path_env, char *out, size_t cap)
{
    const char *p = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
    int saw_eacces = 0;

    if (!*cmd)
        return -ENOENT;
    if (strchr(cmd, '/')) {
        if (strlen(cmd) >= cap)
            return -ENAMETOOLONG;
        strcpy(out, cmd);
        return 0;
    }
    while (*p) {
        size_t len = strcspn(p, ":");
        char cand[VFS_PATH_MAX];
        struct vpath vp;
        struct stat st;

        if (len + strlen(cmd) + 2 < sizeof(cand)) {
            if (len)
                snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, p, cmd);
            else
                snprintf(cand, sizeof(cand), "%s", cmd);
            if (vfs_walk(fs, NULL, cand, WALK_FOLLOW, &vp) == 0) {
                int ok = vfs_getattr(vp.d->inode, &st) == 0 && S_ISREG(st.st_mode);
                vpath_put(&vp);
                if (ok && (st.st_mode & 0111)) {
                    if (strlen(cand) >= cap)
                        return -ENAMETOOLONG;
                    strcpy(out, cand);
                    return 0;
                }
                if (ok)
                    saw_eacces = 1;
            }
        }
        p += len;
        if (*p == ':')
            p++;
    }
    return saw_eacces ? -EACCES : -ENOENT;
}

static void cpu_init(struct cpu_state *cpu, uint64_t entry, uint64_t sp)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->regs.cs = 0x33;
    cpu->regs.ss = 0x2b;
    cpu->regs.eflags = 0x202;
    cpu->regs.rip = entry;
    cpu->regs.rsp = sp;
}

static int load_elf_image(struct task *t, const char *path, struct file *f, uint64_t size,
                          const char *const *argv, const char *const *envp);

/* Kill the other threads of t's process and wait until they are gone. */
static int de_thread(struct task *t)
{
    struct kernel *k = t->k;
    struct process *p = t->proc;
    struct waitq wq;

    pthread_mutex_lock(&k->lock);
    if (p->nthreads == 1) {
        pthread_mutex_unlock(&k->lock);
        return 0;
    }
    for (struct task *o = p->threads; o; o = o->tg_next) {
        if (o != t) {
            o->exiting = true;
            task_wake(o);
            if (o->ctx)
                k->pops->ctx_interrupt(o->ctx);
        }
    }
    pthread_mutex_unlock(&k->lock);
    waitq_init(&wq);
    while (__atomic_load_n(&p->nthreads, __ATOMIC_ACQUIRE) > 1) {
        struct timespec d, rel = { 0, 2000000 };
        if (p->group_exit)
            return -EINTR;
        ts_deadline_in(&d, &rel);
        pthread_mutex_lock(&t->wait_mu);
        pthread_cond_timedwait(&t->wait_cv, &t->wait_mu, &d);
        pthread_mutex_unlock(&t->wait_mu);
    }
    /* The survivor takes the leader's pid, as on Linux. */
    pthread_mutex_lock(&k->lock);
    if (t->tid != p->tgid) {
        struct task *leader = k->tasks[p->tgid];
        k->tasks[t->tid] = NULL;
        t->tid = p->tgid;
        k->tasks[p->tgid] = t;
        if (leader && leader != t) {
            if (leader->thread_done)
                free(leader);
            else
                leader->proc_released = true; /* its thread frees it */
        }
    }
    pthread_mutex_unlock(&k->lock);
    return 0;
}

#define SCRIPT_DEPTH_MAX 4

int kernel_execve(struct task *t, const char *path, const char *const *argv,
                  const char *const *envp)
{
    return kernel_execve_at(t, NULL, path, 0, -1, false, argv, envp);
}

int kernel_execve_at(struct task *t, const struct vpath *start, const char *path, int at_flags,
                     int fd, bool fd_cloexec, const char *const *argv, const char *const *envp)
{
    char interp[256], *arg = NULL, buf[256];
    const char *cur = path;
    _cleanup_free_ const char **nargv = NULL;
    _cleanup_free_ char *script_path = NULL;
    struct file *f = NULL;
    uint64_t size;
    int r, depth = 0, argc = 0;

    while (argv[argc])
        argc++;
    for (;;) {
        long n;
        char *p, *e;

        if (depth == 0)
            r = open_exec_at(t->fs, start, cur, at_flags, &f, &size);
        else
            r = open_exec(t->fs, cur, &f, &size);
        if (r)
            return r;
        n = vfs_kernel_read(f, buf, sizeof(buf) - 1, 0);
        if (n < 2 || buf[0] != '#' || buf[1] != '!')
            break;
        /* #!interp [arg]: run interp [arg] script args... */
        if (++depth > SCRIPT_DEPTH_MAX) {
            file_put(f);
            return -ELOOP;
        }
        file_put(f);
        f = NULL;
        if (depth == 1 && fd >= 0) {
            /* Run through an fd: the interpreter opens /dev/fd/N, which
             * a close-on-exec fd cannot give it. */
            if (fd_cloexec)
                return -ENOENT;
        }
        buf[n] = 0;
        e = strchr(buf, '\n');
        if (!e && n == (long)sizeof(buf) - 1)
            return -ENOEXEC;
        if (e)
            *e = 0;
        for (p = buf + 2; *p == ' ' || *p == '\t'; p++)
            ;
        if (!*p)
            return -ENOEXEC;
        e = p + strcspn(p, " \t");
        snprintf(interp, sizeof(interp), "%.*s", (int)(e - p), p);
        while (*e == ' ' || *e == '\t')
            e++;
        free(arg);
        arg = NULL;
        if (*e) {
            size_t l = strlen(e);
            while (l && (e[l - 1] == ' ' || e[l - 1] == '\t' || e[l - 1] == '\r'))
                l--;
            arg = xstrndup(e, l);
        }
        {
            const char **na = xzalloc((argc + 3) * sizeof(char *));
            int i = 0;
            char *sp;
            if (depth == 1 && fd >= 0) {
                char nm[VFS_PATH_MAX + 32];
                if (path[0])
                    snprintf(nm, sizeof(nm), "/dev/fd/%d/%s", fd, path);
                else
                    snprintf(nm, sizeof(nm), "/dev/fd/%d", fd);
                sp = xstrdup(nm);
            } else {
                sp = xstrdup(cur);
            }
            na[i++] = xstrdup(interp);
            if (arg)
                na[i++] = xstrdup(arg);
            na[i++] = sp;
            for (int j = 1; j < argc; j++)
                na[i++] = (nargv ? nargv : argv)[j];
            na[i] = NULL;
            free(nargv); /* the strings it pointed to stay alive (leaked once per exec) */
            nargv = na;
            argc = i;
            free(script_path);
            script_path = xstrdup(interp);
            cur = script_path;
        }
    }
    free(arg);
    r = load_elf_image(t, cur, f, size, nargv ? nargv : argv, envp);
    file_put(f);
    return r;
}

/* VMAs for the host pages the platform left in mm's new address space
 * (the vDSO block); *vdso gets the vDSO's ELF header (0: none), for
 * AT_SYSINFO_EHDR. */
static int map_special(struct kernel *k, struct mm *mm, uint64_t *vdso)
{
    struct platform_special_range sp[PLATFORM_NSPECIAL];
    int n = k->pops->as_special ? k->pops->as_special(mm->as, sp) : 0, r;

    *vdso = 0;
    for (int i = 0; i < n; i++) {
        if ((r = mm_map_special(mm, &sp[i])))
            return r;
        if (sp[i].kind == PLATFORM_VDSO)
            *vdso = sp[i].start;
    }
    return 0;
}

static int load_elf_image(struct task *t, const char *path, struct file *f, uint64_t size,
                          const char *const *argv, const char *const *envp)
{
    struct kernel *k = t->k;
    struct elf_info *info = xzalloc(sizeof(*info)), *iinfo = NULL;
    struct file *interp = NULL;
    struct address_space *as = NULL;
    struct mm *mm = NULL;
    struct elf_loaded main_img, interp_img = { 0 };
    struct stack_auxv ax = { 0 };
    uint64_t isize, sp, max = k->pops->max_user_addr(k->plat);
    const char *base;
    int r;

    if ((r = elf_parse(file_read_cb, f, size, max, info)))
        goto out;
    if (info->interp[0]) {
        iinfo = xzalloc(sizeof(*iinfo));
        if ((r = open_exec(t->fs, info->interp, &interp, &isize)))
            goto out;
        if ((r = elf_parse(file_read_cb, interp, isize, max, iinfo)))
            goto out;
        if (iinfo->interp[0]) {
            r = -ELIBBAD;
            goto out;
        }
    }
    if ((r = de_thread(t)))
        goto out;
    /* The first exec happens before the Sentry locks itself down, with no
     * address space yet; later ones clone a fresh stub. */
    if (t->mm)
        r = k->pops->as_new_from(t->ctx, &as);
    else
        r = k->pops->as_new(k->plat, &as);
    if (r)
        goto out;
    if ((r = mm_new(&k->mf, k->pops, as, max, &mm))) {
        k->pops->as_release(as);
        goto out;
    }
    if ((r = map_special(k, mm, &ax.sysinfo_ehdr)))
        goto out;
    if ((r = elf_load(mm, f, info, info->is_dyn ? ET_DYN_BASE : 0, &main_img)))
        goto out;
    if (info->interp[0] && (r = elf_load(mm, interp, iinfo, 0, &interp_img)))
        goto out;
    mm->brk_start = mm->brk = (main_img.end + 4095) & ~4095ULL;
    mm_set_exe(mm, f);
    mm->as_limit = t->proc->rlim[RLIMIT_AS].cur;
    ax.phdr = main_img.phdr;
    ax.phnum = info->phnum;
    ax.entry = main_img.entry;
    ax.base = info->interp[0] ? interp_img.bias : 0;
    ax.uid = t->cred.uid;
    ax.euid = t->cred.euid;
    ax.gid = t->cred.gid;
    ax.egid = t->cred.egid;
    ax.secure = t->cred.uid != t->cred.euid || t->cred.gid != t->cred.egid;
    ax.execfn = path;
    {
        /* The stack VMA is as big as RLIMIT_STACK allows (it does not grow
         * on demand here), between 128 KiB and 256 MiB. */
        uint64_t lim = t->proc->rlim[RLIMIT_STACK].cur;
        if (lim == RLIM_INFINITY || lim > (256ULL << 20))
            lim = lim == RLIM_INFINITY ? (8ULL << 20) : (256ULL << 20);
        if (lim < (128ULL << 10))
            lim = 128ULL << 10;
        mm->stack_limit = (lim + 4095) & ~4095ULL;
        /* The stack starts small and grows on faults, as Linux's does. */
        ax.stack_size = SB_MIN(mm->stack_limit, 256ULL << 10);
    }
    if ((r = loader_build_stack(mm, argv, envp, &ax, &sp)))
        goto out;

    /* Point of no return: the new image replaces the old. */
    t->proc->did_exec = true;
    mm_put(t->mm);
    t->mm = mm;
    mm = NULL;
    if (t->proc->vfork_parent) {
        struct task *vp = t->proc->vfork_parent;
        t->proc->vfork_parent = NULL;
        vp->vfork_done = true;
        task_wake(vp);
    }
    /* A sighand shared with another process (CLONE_SIGHAND) is unshared. */
    if (t->proc->sighand->ref > 1) {
        struct sighand *sh = sighand_new(t->proc->sighand);
        sighand_put(t->proc->sighand);
        t->proc->sighand = sh;
    }
    fdt_unshare(&t->fdt);
    cpu_init(&t->cpu, info->interp[0] ? interp_img.entry : main_img.entry, sp);
    for (int fd = 0; fd < t->fdt->cap; fd++)
        if (t->fdt->files[fd] && t->fdt->cloexec[fd])
            (void)fdt_close(t->fdt, fd);
    for (int s = 0; s < SB_NSIG; s++) {
        struct ksigaction *a = &t->proc->sighand->act[s];
        if (a->handler != (uint64_t)SIG_IGN)
            a->handler = (uint64_t)SIG_DFL;
        a->flags = 0;
        a->mask = 0;
        a->restorer = 0;
    }
    cred_exec(&t->cred);
    t->clear_child_tid = 0;
    t->robust_list = 0;
    timer_process_exit(t->proc, true);
    memset(&t->altstack, 0, sizeof(t->altstack));
    base = strrchr(path, '/');
    {
        const char *nm = base ? base + 1 : path;
        size_t l = SB_MIN(strlen(nm), sizeof(t->comm) - 1);
        memcpy(t->comm, nm, l);
        t->comm[l] = 0;
    }
    free(t->proc->exe);
    {
        char abs[VFS_PATH_MAX];
        if (vfs_path_name(t->fs, &f->path, abs, sizeof(abs)) > 0)
            t->proc->exe = xstrdup(abs);
        else
            t->proc->exe = xstrdup(path);
    }
    r = 0;
out:
    if (mm)
        mm_destroy(mm);
    if (interp)
        file_put(interp);
    free(info);
    free(iinfo);
    return r;
}
