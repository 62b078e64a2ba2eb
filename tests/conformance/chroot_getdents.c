/* chroot_getdents: chroot (".." stops at the new root, absolute names,
 * /proc/self/root, getcwd "(unreachable)"), the old getdents record, sync. */
#include "conf.h"
#include <dirent.h>
#include <linux/capability.h>

struct linux_dirent {
    unsigned long d_ino, d_off;
    unsigned short d_reclen;
    char d_name[];
};

static void drop_cap(int cap)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];

    MUST(syscall(SYS_capget, &h, d));
    d[cap / 32].effective &= ~(1u << (cap % 32));
    MUST(syscall(SYS_capset, &h, d));
}

static void in_child(const char *dir)
{
    char buf[256], path[300];
    long n;
    int st;
    pid_t p = fork();

    MUST(p);
    if (p) {
        MUST(waitpid(p, &st, 0));
        TRUE("child exited 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
        return;
    }
    snprintf(path, sizeof(path), "%s/file", dir);
    ERR("chroot missing", chroot("/nonexistent-conf-dir"), ENOENT);
    ERR("chroot a file", chroot(path), ENOTDIR);
    ERR("chroot bad ptr", chroot(BADPTR), EFAULT);
    MUST(chdir("/"));
    OK("chroot", chroot(dir));
    /* cwd (the old /) is now outside the root */
    n = syscall(SYS_getcwd, buf, sizeof(buf));
    TRUE("getcwd outside the root", n > 0);
    STREQ("getcwd text", buf, "(unreachable)/");
    OK("stat /file", access("/file", F_OK));
    MUST(chdir("/"));
    n = syscall(SYS_getcwd, buf, sizeof(buf));
    STREQ("getcwd at the new root", buf, "/");
    MUST(chdir("/sub"));
    OK("dotdot stops at the root", access("../../../../file", F_OK));
    n = syscall(SYS_getcwd, buf, sizeof(buf));
    STREQ("getcwd in the root", buf, "/sub");
    ERR("old world gone", access("/etc/passwd", F_OK), ENOENT);
    TRUE("/proc missing in the new root", access("/proc", F_OK) == -1);
    /* a second chroot, relative, without the capability */
    drop_cap(CAP_SYS_CHROOT);
    ERR("chroot without CAP_SYS_CHROOT", chroot("/sub"), EPERM);
    ERR("chroot missing without cap", chroot("/nope"), ENOENT);
    _exit(conf_failed ? 1 : 0);
}

int main(void)
{
    const char *dir = conf_tmp("chroot");
    char path[300], buf[4096], lnk[256];
    int fd, seen = 0, types = 1;
    long n;

    MUST(mkdir(dir, 0755));
    snprintf(path, sizeof(path), "%s/file", dir);
    MUST(fd = open(path, O_CREAT | O_WRONLY, 0644));
    close(fd);
    snprintf(path, sizeof(path), "%s/sub", dir);
    MUST(mkdir(path, 0755));

    /* getdents (nr 78): d_type is the record's last byte */
    MUST(fd = open(dir, O_RDONLY | O_DIRECTORY));
    while ((n = syscall(SYS_getdents, fd, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < n;) {
            struct linux_dirent *d = (struct linux_dirent *)(buf + off);
            char ty = buf[off + d->d_reclen - 1];
            if (!strcmp(d->d_name, "file"))
                seen++, types &= ty == DT_REG;
            else if (!strcmp(d->d_name, "sub"))
                seen++, types &= ty == DT_DIR;
            else if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
                types &= ty == DT_DIR;
            TRUE("reclen aligned", d->d_reclen % 8 == 0 && d->d_reclen >= 20);
            off += d->d_reclen;
        }
    }
    EQ("getdents end", n, 0);
    EQ("getdents names", seen, 2);
    TRUE("getdents d_type", types);
    MUST(lseek(fd, 0, SEEK_SET));
    ERR("getdents tiny buffer", syscall(SYS_getdents, fd, buf, 8), EINVAL);
    ERR("getdents bad buffer", syscall(SYS_getdents, fd, BADPTR, sizeof(buf)), EFAULT);
    close(fd);
    ERR("getdents bad fd", syscall(SYS_getdents, 999, buf, sizeof(buf)), EBADF);
    snprintf(path, sizeof(path), "%s/file", dir);
    MUST(fd = open(path, O_RDONLY));
    ERR("getdents on a file", syscall(SYS_getdents, fd, buf, sizeof(buf)), ENOTDIR);
    close(fd);

    OK("sync", syscall(SYS_sync));

    n = readlink("/proc/self/root", lnk, sizeof(lnk) - 1);
    TRUE("proc root link", n > 0);
    lnk[n > 0 ? n : 0] = 0;
    STREQ("proc root before chroot", lnk, "/");
    in_child(dir);
    return conf_done();
}
