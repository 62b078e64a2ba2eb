/* sentry/kernel/exec.c: execve of ELF images, PATH lookup. */
#include "sentry/kernel/kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
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

static int open_exec(struct fs_ctx *fs, const char *path, struct file **out, uint64_t *size)
{
    struct file *f;
    struct stat st;
    int r = vfs_open(fs, NULL, path, O_RDONLY, 0, &f);

    if (r)
        return r == -EISDIR ? -EACCES : r;
    if ((r = vfs_getattr(f->inode, &st)) == 0) {
        if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
            r = -EACCES;
    }
    if (r) {
        file_put(f);
        return r;
    }
    *size = st.st_size;
    *out = f;
    return 0;
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

int kernel_execve(struct task *t, const char *path, const char *const *argv,
                  const char *const *envp)
{
    struct kernel *k = t->k;
    struct elf_info *info = xzalloc(sizeof(*info)), *iinfo = NULL;
    struct file *f = NULL, *interp = NULL;
    struct address_space *as = NULL;
    struct mm *mm = NULL;
    struct elf_loaded main_img, interp_img = { 0 };
    struct stack_auxv ax = { 0 };
    uint64_t size, isize, sp, max = k->pops->max_user_addr(k->plat);
    const char *base;
    int r;

    if ((r = open_exec(t->fs, path, &f, &size)))
        goto out;
    if ((r = elf_parse(file_read_cb, f, size, max, info)))
        goto out;
    if ((r = k->pops->as_new(k->plat, &as)))
        goto out;
    if ((r = mm_new(&k->mf, k->pops, as, max, &mm))) {
        k->pops->as_release(as);
        goto out;
    }
    if ((r = elf_load(mm, f, info, info->is_dyn ? ET_DYN_BASE : 0, &main_img)))
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
        if ((r = elf_load(mm, interp, iinfo, 0, &interp_img)))
            goto out;
    }
    mm->brk_start = mm->brk = (main_img.end + 4095) & ~4095ULL;
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
    if ((r = loader_build_stack(mm, argv, envp, &ax, &sp)))
        goto out;

    /* Point of no return: the new image replaces the old. */
    mm_destroy(t->mm);
    t->mm = mm;
    mm = NULL;
    cpu_init(&t->cpu, info->interp[0] ? interp_img.entry : main_img.entry, sp);
    for (int fd = 0; fd < t->fdt->cap; fd++)
        if (t->fdt->files[fd] && t->fdt->cloexec[fd])
            (void)fdt_close(t->fdt, fd);
    for (int s = 0; s < SB_NSIG; s++) {
        if (t->sigact[s].handler != (uint64_t)SIG_IGN)
            t->sigact[s].handler = (uint64_t)SIG_DFL;
        t->sigact[s].flags = 0;
        t->sigact[s].mask = 0;
    }
    memset(&t->altstack, 0, sizeof(t->altstack));
    base = strrchr(path, '/');
    {
        const char *nm = base ? base + 1 : path;
        size_t l = SB_MIN(strlen(nm), sizeof(t->comm) - 1);
        memcpy(t->comm, nm, l);
        t->comm[l] = 0;
    }
    free(t->exe);
    t->exe = xstrdup(path);
    r = 0;
out:
    if (mm)
        mm_destroy(mm);
    if (f)
        file_put(f);
    if (interp)
        file_put(interp);
    free(info);
    free(iinfo);
    return r;
}
