/* fs_escape: ways out of the sandbox's file system view: `..`, symlinks,
 * /proc links, hard links and renames across mounts, long paths, device
 * nodes, kernel files, mount/chroot/pivot_root, a symlink race and a FIFO on
 * a --mount, and filling a size-limited tmpfs.
 * usage: fs_escape ATTEMPT [ARG...]; see sec.h for the verdicts.
 * run.sh keeps a secret file in a host directory that is not mounted (under
 * the host's /tmp, which the sandbox does not see) and mounts a sibling
 * directory; TOKEN is the secret's content, which must never be read. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#include "sec.h"

/* PATH must not open (ENOENT, or ENOTDIR for a path through a file); if it
 * does, it must not hold TOKEN. */
static void must_hide(const char *token, const char *path)
{
    char buf[4096];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        sec_want(path, fd, errno, ENOENT, ENOTDIR);
        return;
    }
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    if (strstr(buf, token))
        sec_escape("%s: read the host's secret", path);
    sec_escape("%s: opened (%zd bytes, not the secret), want ENOENT", path, n);
}

/* hidden TOKEN PATH...: none of the paths leads to the secret. */
static void attempt_hidden(int argc, char **argv)
{
    for (int i = 3; i < argc; i++)
        must_hide(argv[2], argv[i]);
    sec_ok("%d paths: ENOENT in the sandbox's view", argc - 3);
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* dotdot MNT: `..` of a mount's root is the sandbox's /, by path and by
 * openat on the mount's own fd, however often repeated. */
static void attempt_dotdot(const char *mnt)
{
    struct stat root, st;
    char p[PATH_MAX];
    if (stat("/", &root))
        sec_escape("stat /: %s", strerror(errno));
    const char *rel[] = {"..", "../..", "../../../../../../..", "./../.", NULL};
    for (int i = 0; rel[i]; i++) {
        snprintf(p, sizeof(p), "%s/%s", mnt, rel[i]);
        if (stat(p, &st) || !same_file(&st, &root))
            sec_escape("%s is not the sandbox's /", p);
        int fd = open(mnt, O_PATH | O_DIRECTORY);
        if (fd < 0 || fstatat(fd, rel[i], &st, 0) || !same_file(&st, &root))
            sec_escape("openat(%s, %s) is not the sandbox's /", mnt, rel[i]);
        close(fd);
    }
    if (stat("/..", &st) || !same_file(&st, &root))
        sec_escape("/.. is not /");
    sec_ok("%s/.. and /.. are the sandbox's /", mnt);
}

/* proc-links: /proc/self/root and friends point into the sandbox. */
static void attempt_proc_links(void)
{
    const char *root_links[] = {"/proc/self/root", "/proc/1/root", "/proc/thread-self/root", NULL};
    char buf[PATH_MAX];
    struct stat root, st;
    stat("/", &root);
    for (int i = 0; root_links[i]; i++) {
        ssize_t n = readlink(root_links[i], buf, sizeof(buf) - 1);
        if (n < 0) {
            sec_want(root_links[i], n, errno, ENOENT);
            continue;
        }
        buf[n] = 0;
        if (strcmp(buf, "/"))
            sec_escape("readlink %s = '%s', want '/'", root_links[i], buf);
        if (stat(root_links[i], &st) == 0 && !same_file(&st, &root))
            sec_escape("%s leads to another / than the sandbox's", root_links[i]);
    }
    if (chdir("/tmp"))
        sec_escape("chdir /tmp: %s", strerror(errno));
    ssize_t n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
    if (n < 0 || (buf[n] = 0, strcmp(buf, "/tmp")))
        sec_escape("readlink /proc/self/cwd: '%s'", n < 0 ? strerror(errno) : buf);
    n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    /* The app's own program, never the Sentry's (sbx) binary. */
    if (n < 0 || (buf[n] = 0, n >= 4 && !strcmp(buf + n - 4, "/sbx")) ||
        !strstr(buf, "fs_escape"))
        sec_escape("readlink /proc/self/exe: '%s'", n < 0 ? strerror(errno) : buf);
    sec_ok("/proc/{self,1,thread-self}/root -> /, cwd and exe are the app's");
}

/* proc-pids APP: only the app's processes are in /proc; no process there
 * holds a host fd of the Sentry or the Gofer (memfd, socket); the app's fd
 * table has nothing it did not open. */
static void attempt_proc_pids(const char *app)
{
    for (int fd = 3; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            sec_escape("fd %d is open in a fresh app", fd);
    DIR *d = opendir("/proc");
    if (!d)
        sec_escape("opendir /proc: %s", strerror(errno));
    struct dirent *e;
    int procs = 0, fds = 0;
    char path[300], buf[PATH_MAX];
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        procs++;
        snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
        if (sec_read_file(path, buf, sizeof(buf)) > 0 && !strncmp(buf, "sbx", 3))
            sec_escape("%s is '%.*s'", path, (int)strcspn(buf, "\n"), buf);
        if (!strcmp(e->d_name, "1") && strncmp(buf, app, strlen(app)))
            sec_escape("pid 1 is '%.*s', want the app '%s'", (int)strcspn(buf, "\n"), buf, app);
        snprintf(path, sizeof(path), "/proc/%s/fd", e->d_name);
        DIR *fdd = opendir(path);
        struct dirent *f;
        while (fdd && (f = readdir(fdd))) {
            if (f->d_name[0] == '.')
                continue;
            char l[600];
            snprintf(l, sizeof(l), "%s/%s", path, f->d_name);
            ssize_t n = readlink(l, buf, sizeof(buf) - 1);
            if (n < 0)
                continue;
            buf[n] = 0;
            fds++;
            if (!strncmp(buf, "memfd:", 6) || !strncmp(buf, "socket:", 7) || strstr(buf, "sbx") ||
                strstr(buf, "anon_inode:[seccomp"))
                sec_escape("%s -> %s", l, buf);
        }
        if (fdd)
            closedir(fdd);
    }
    closedir(d);
    if (procs != 1)
        sec_escape("%d processes in /proc, want only the app", procs);
    sec_ok("/proc shows the app alone as pid 1, %d fds, none of the Sentry's", fds);
}

/* host-pid-proc PID: a host process is not in the sandbox's /proc. */
static void attempt_host_pid_proc(const char *pid)
{
    char p[64];
    struct stat st;
    if (atoi(pid) <= 64)
        sec_skip("host pid %s is too small to tell from a sandbox pid", pid);
    snprintf(p, sizeof(p), "/proc/%s", pid);
    sec_want(p, stat(p, &st), errno, ENOENT);
    snprintf(p, sizeof(p), "/proc/%s/root/etc/passwd", pid);
    sec_want(p, open(p, O_RDONLY), errno, ENOENT);
    sec_ok("/proc/%s (a host pid): ENOENT", pid);
}

/* hardlink MNT: a link on a --mount to a file of another mount: EXDEV. */
static void attempt_hardlink(const char *mnt)
{
    char dst[PATH_MAX], via[64];
    snprintf(dst, sizeof(dst), "%s/linked-passwd", mnt);
    sec_want("link(/etc/passwd, MNT)", link("/etc/passwd", dst), errno, EXDEV);
    int fd = open("/etc/passwd", O_RDONLY);
    snprintf(via, sizeof(via), "/proc/self/fd/%d", fd);
    sec_want("linkat(/proc/self/fd/N of /etc/passwd, MNT, AT_SYMLINK_FOLLOW)",
             linkat(AT_FDCWD, via, AT_FDCWD, dst, AT_SYMLINK_FOLLOW), errno, EXDEV);
    close(fd);
    int t = open("/tmp/sbx-sec-f", O_CREAT | O_WRONLY, 0600);
    close(t);
    sec_want("link(/tmp file, MNT)", link("/tmp/sbx-sec-f", dst), errno, EXDEV);
    snprintf(dst, sizeof(dst), "%s/file", mnt);
    sec_want("link(MNT file, /tmp)", link(dst, "/tmp/sbx-sec-l"), errno, EXDEV);
    sec_ok("hard links across mounts: EXDEV");
}

/* rename MNT: renames between a --mount and other mounts: EXDEV. */
static void attempt_rename(const char *mnt)
{
    char f[PATH_MAX], g[PATH_MAX];
    snprintf(f, sizeof(f), "%s/file", mnt);
    snprintf(g, sizeof(g), "%s/moved-in", mnt);
    int t = open("/tmp/sbx-sec-r", O_CREAT | O_WRONLY, 0600);
    close(t);
    sec_want("rename(MNT/file, /tmp)", rename(f, "/tmp/sbx-sec-moved"), errno, EXDEV);
    sec_want("rename(/tmp file, MNT)", rename("/tmp/sbx-sec-r", g), errno, EXDEV);
    sec_want("rename(/etc/passwd, MNT)", rename("/etc/passwd", g), errno, EXDEV);
    sec_want("renameat2(MNT/file, /etc/hostname, RENAME_EXCHANGE)",
             syscall(SYS_renameat2, AT_FDCWD, f, AT_FDCWD, "/etc/hostname", 2), errno, EXDEV);
    sec_want("rename(MNT, /tmp/x)", rename(mnt, "/tmp/sbx-sec-mnt"), errno, EXDEV, EBUSY);
    sec_ok("renames across mounts: EXDEV");
}

/* longpath: oversized paths and names, symlink loops and a 41-link chain. */
static void attempt_longpath(void)
{
    static char p[PATH_MAX + 64];
    memset(p, 'a', sizeof(p) - 1);
    p[0] = '/';
    p[sizeof(p) - 1] = 0;
    sec_want("open(PATH_MAX+63 bytes)", open(p, O_RDONLY), errno, ENAMETOOLONG);
    for (size_t i = 1; i + 2 < sizeof(p); i += 2)
        p[i] = '.', p[i + 1] = '/'; /* "/./././...": long, each part short */
    sec_want("open(/././... beyond PATH_MAX)", open(p, O_RDONLY), errno, ENAMETOOLONG);
    char name[300] = "/tmp/";
    memset(name + 5, 'n', 256);
    sec_want("creat(256-byte name)", open(name, O_CREAT | O_WRONLY, 0600), errno, ENAMETOOLONG);
    if (symlink("/tmp/loop-b", "/tmp/loop-a") || symlink("/tmp/loop-a", "/tmp/loop-b") ||
        symlink("self", "/tmp/self"))
        sec_escape("symlink in /tmp: %s", strerror(errno));
    sec_want("open(a -> b -> a)", open("/tmp/loop-a", O_RDONLY), errno, ELOOP);
    sec_want("open(self -> self)", open("/tmp/self", O_RDONLY), errno, ELOOP);
    sec_want("stat(self/x)", open("/tmp/self/x", O_RDONLY), errno, ELOOP);
    char a[64], b[64];
    for (int i = 0; i < 41; i++) {
        snprintf(a, sizeof(a), "/tmp/chain%d", i);
        snprintf(b, sizeof(b), "chain%d", i + 1);
        if (symlink(b, a))
            sec_escape("symlink %s: %s", a, strerror(errno));
    }
    close(open("/tmp/chain41", O_CREAT | O_WRONLY, 0600));
    int fd = open("/tmp/chain1", O_RDONLY); /* 40 links: the limit */
    if (fd < 0)
        sec_escape("open(chain of 40 symlinks): %s, want success", strerror(errno));
    close(fd);
    sec_want("open(chain of 41 symlinks)", open("/tmp/chain0", O_RDONLY), errno, ELOOP);
    /* The limit counts every link of one walk: /tmp/L/L/.../L with L -> .
     * 41 times is ELOOP, 40 times is fine. */
    if (symlink(".", "/tmp/L"))
        sec_escape("symlink: %s", strerror(errno));
    strcpy(p, "/tmp");
    for (int i = 0; i < 41; i++)
        strcat(p, "/L");
    sec_want("open(/tmp + 41 times /L, L -> .)", open(p, O_RDONLY), errno, ELOOP);
    p[strlen(p) - 2] = 0;
    fd = open(p, O_RDONLY);
    if (fd < 0)
        sec_escape("open(/tmp + 40 times /L): %s, want success", strerror(errno));
    close(fd);
    if (getpid() != 1)
        sec_escape("the sandbox stopped answering");
    sec_ok("ENAMETOOLONG for long paths and names, ELOOP for loops and 41 links");
}

/* devices: host devices are absent; device nodes the app makes do not
 * reach host drivers. */
static void attempt_devices(void)
{
    const char *absent[] = {
        "/dev/mem",     "/dev/kmem",  "/dev/port", "/dev/sda",       "/dev/vda",
        "/dev/nvme0n1", "/dev/kvm",   "/dev/kmsg", "/dev/cpu/0/msr", "/dev/fuse",
        "/dev/net/tun", "/dev/vsock", NULL};
    for (int i = 0; absent[i]; i++)
        sec_want(absent[i], open(absent[i], O_RDONLY), errno, ENOENT);
    struct {
        const char *path;
        mode_t mode;
        unsigned ma, mi;
    } nodes[] = {
        {"/tmp/mem", S_IFCHR, 1, 1},    {"/tmp/kmsg", S_IFCHR, 1, 11},
        {"/tmp/sda", S_IFBLK, 8, 0},    {"/tmp/vda", S_IFBLK, 253, 0},
        {"/tmp/kvm", S_IFCHR, 10, 232}, {"/tmp/tun", S_IFCHR, 10, 200},
    };
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        if (mknod(nodes[i].path, nodes[i].mode | 0600, makedev(nodes[i].ma, nodes[i].mi))) {
            sec_want("mknod", -1, errno, EPERM);
            continue;
        }
        char what[80];
        snprintf(what, sizeof(what), "open(mknod %u:%u)", nodes[i].ma, nodes[i].mi);
        sec_want(what, open(nodes[i].path, O_RDWR), errno, ENXIO, ENODEV, EPERM);
    }
    sec_ok("host devices absent; app-made device nodes: ENXIO");
}

/* kernel-files: the host kernel's files are absent or not writable. */
static void attempt_kernel_files(void)
{
    const char *absent[] = {"/proc/kcore",
                            "/proc/kallsyms",
                            "/proc/kmsg",
                            "/proc/sysrq-trigger",
                            "/proc/modules",
                            "/proc/sys/kernel/core_pattern",
                            "/proc/sys/kernel/modprobe",
                            "/proc/sys/vm/drop_caches",
                            "/sys/kernel/debug",
                            "/sys/kernel/security",
                            "/sys/kernel/uevent_helper",
                            "/sys/firmware",
                            "/sys/fs/cgroup/release_agent",
                            "/sys/module",
                            "/proc/1/ns",
                            "/proc/self/ns",
                            NULL};
    char buf[256];
    for (int i = 0; absent[i]; i++)
        sec_want(absent[i], open(absent[i], O_RDONLY), errno, ENOENT);
    const char *writes[] = {"/proc/sys/kernel/core_pattern", "/proc/sysrq-trigger",
                            "/proc/sys/kernel/hostname",
                            "/sys/kernel/mm/transparent_hugepage/enabled", NULL};
    for (int i = 0; writes[i]; i++) {
        int fd = open(writes[i], O_WRONLY);
        if (fd < 0) {
            sec_want(writes[i], fd, errno, ENOENT, EROFS, EACCES, EPERM);
            continue;
        }
        /* Writable: only the sandbox's own value (run.sh checks the host). */
        if (write(fd, "sbx-sec\n", 8) < 0)
            sec_want(writes[i], -1, errno, EROFS, EACCES, EPERM, EINVAL);
        close(fd);
    }
    if (sec_read_file("/proc/version", buf, sizeof(buf)) < 0)
        sec_escape("/proc/version: %s", strerror(errno));
    sec_ok("kcore, kallsyms, sysrq, core_pattern, debugfs, cgroup release_agent: absent");
}

/* mounts TOKEN SECRET: mounting host file systems fails; the mounts that
 * work (bind, proc, tmpfs) only show the sandbox again. */
static void attempt_mounts(const char *token, const char *secret)
{
    sec_want("mount(/dev/sda, ext4)", mount("/dev/sda", "/mnt", "ext4", 0, NULL), errno, ENOENT,
             ENODEV, EPERM);
    sec_want("mount(9p trans=fd)", mount("x", "/mnt", "9p", 0, "trans=fd,rfdno=3,wfdno=3"), errno,
             ENODEV, EPERM);
    sec_want("mount(overlay on /)", mount("o", "/mnt", "overlay", 0, "lowerdir=/,upperdir=/tmp"),
             errno, ENODEV, EPERM);
    sec_want("mount(cgroup)", mount("c", "/mnt", "cgroup", 0, "memory"), errno, ENODEV, EPERM);
    sec_want("mount(debugfs)", mount("d", "/mnt", "debugfs", 0, NULL), errno, ENODEV, EPERM);
    sec_want("umount2(/)", umount2("/", 0), errno, EBUSY, EPERM, EINVAL);
    char p[PATH_MAX];
    if (mount("/proc/self/root", "/mnt", NULL, MS_BIND, NULL) == 0) {
        snprintf(p, sizeof(p), "/mnt%s", secret);
        must_hide(token, p);
        umount2("/mnt", MNT_DETACH);
    }
    if (mkdir("/tmp/p", 0700) == 0 && mount("proc", "/tmp/p", "proc", 0, NULL) == 0) {
        snprintf(p, sizeof(p), "/tmp/p/1/root%s", secret);
        must_hide(token, p);
        snprintf(p, sizeof(p), "/tmp/p/1/cwd/..%s", secret);
        must_hide(token, p);
    }
    sec_ok("host fs types ENODEV, umount / refused, bind and proc mounts stay inside");
}

/* chroot TOKEN SECRET: chroot and pivot_root are refused, or the classic
 * chroot break-out (chroot deeper, then chdir .. many times) ends at the
 * sandbox's /. */
static void attempt_chroot(const char *token, const char *secret)
{
    mkdir("/tmp/jail", 0700);
    long r = chroot("/tmp/jail");
    if (r == -1) {
        sec_want("chroot(/tmp/jail)", r, errno, ENOSYS, EPERM);
    } else {
        for (int i = 0; i < 64; i++)
            if (chdir(".."))
                break;
        chroot(".");
        must_hide(token, secret);
    }
    r = syscall(SYS_pivot_root, "/tmp", "/tmp/jail");
    sec_want("pivot_root(/tmp, /tmp/jail)", r, errno, ENOSYS, EPERM, EINVAL, EBUSY);
    r = syscall(SYS_pivot_root, ".", ".");
    sec_want("pivot_root(., .)", r, errno, ENOSYS, EPERM, EINVAL, EBUSY);
    sec_ok("chroot and pivot_root: refused or contained");
}

/* fifo MNT: a FIFO made on a --mount opens as a FIFO (or ENXIO); opening
 * it must not take the Sentry down. */
static void attempt_fifo(const char *mnt)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/fifo", mnt);
    if (mkfifo(p, 0600))
        sec_want("mkfifo on the mount", -1, errno, EPERM, EOPNOTSUPP);
    int fd = open(p, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        sec_want("open(FIFO on the mount, O_RDONLY|O_NONBLOCK)", fd, errno, ENXIO, ENOENT);
    close(fd);
    unlink(p);
    if (getpid() != 1)
        sec_escape("the sandbox stopped answering");
    sec_ok("FIFO on a --mount: %s; the Sentry goes on", fd < 0 ? sec_errname(errno) : "opened");
}

static int now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* symlink-race MNT TOKEN: while a child swaps MNT/d between a directory and
 * a symlink to `..` (on the host: the directory holding the secret), the
 * parent keeps opening MNT/d/secret: it sees the decoy or nothing. */
static void attempt_symlink_race(const char *mnt, const char *token)
{
    char d[PATH_MAX], f[PATH_MAX], tmp[PATH_MAX];
    snprintf(d, sizeof(d), "%s/d", mnt);
    snprintf(f, sizeof(f), "%s/d/secret", mnt);
    snprintf(tmp, sizeof(tmp), "%s/l", mnt);
    pid_t c = fork();
    if (c == 0) {
        for (int end = now_ms() + 800; now_ms() < end;) {
            mkdir(d, 0755);
            int fd = open(f, O_CREAT | O_WRONLY, 0644);
            if (fd >= 0) {
                (void)!write(fd, "decoy\n", 6);
                close(fd);
            }
            unlink(f);
            rmdir(d);
            symlink("..", tmp);
            rename(tmp, d);
            unlink(d);
        }
        _exit(0);
    }
    int tries = 0, opened = 0;
    char buf[256];
    for (int end = now_ms() + 800; now_ms() < end; tries++) {
        int fd = open(f, O_RDONLY);
        if (fd < 0)
            continue;
        opened++;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        buf[n > 0 ? n : 0] = 0;
        if (strstr(buf, token)) {
            kill(c, SIGKILL);
            sec_escape("%s read the host's secret (try %d)", f, tries);
        }
    }
    int st;
    waitpid(c, &st, 0);
    sec_ok("%d opens during the swap race (%d opened the decoy), never the secret", tries, opened);
}

/* fill DIR MAX: writing into DIR ends with ENOSPC before MAX bytes. */
static void attempt_fill(const char *dir, const char *max)
{
    char p[PATH_MAX];
    static char block[65536];
    long long limit = atoll(max), total = 0;
    memset(block, 'f', sizeof(block));
    snprintf(p, sizeof(p), "%s/fill", dir);
    int fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd < 0)
        sec_escape("open %s: %s", p, strerror(errno));
    for (;;) {
        ssize_t n = write(fd, block, sizeof(block));
        if (n < 0)
            break;
        total += n;
        if (total > limit)
            sec_escape("wrote %lld bytes into %s, more than its %lld", total, dir, limit);
    }
    sec_want("write when full", -1, errno, ENOSPC);
    /* Full, and still working: a second file fails the same way. */
    snprintf(p, sizeof(p), "%s/more", dir);
    int fd2 = open(p, O_CREAT | O_WRONLY, 0600);
    if (fd2 >= 0)
        sec_want("write to a second file", write(fd2, block, sizeof(block)), errno, ENOSPC);
    close(fd);
    unlink(p);
    snprintf(p, sizeof(p), "%s/fill", dir);
    unlink(p);
    sec_ok("ENOSPC after %lld bytes (limit %lld)", total, limit);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ATTEMPT [ARG...]\n", argv[0]);
        return 2;
    }
    const char *a = argv[1];
    const char *x = argc > 2 ? argv[2] : "", *y = argc > 3 ? argv[3] : "";
    if (!strcmp(a, "hidden") && argc > 3)
        attempt_hidden(argc, argv);
    if (!strcmp(a, "dotdot") && argc > 2)
        attempt_dotdot(x);
    if (!strcmp(a, "proc-links"))
        attempt_proc_links();
    if (!strcmp(a, "proc-pids") && argc > 2)
        attempt_proc_pids(x);
    if (!strcmp(a, "host-pid-proc") && argc > 2)
        attempt_host_pid_proc(x);
    if (!strcmp(a, "hardlink") && argc > 2)
        attempt_hardlink(x);
    if (!strcmp(a, "rename") && argc > 2)
        attempt_rename(x);
    if (!strcmp(a, "longpath"))
        attempt_longpath();
    if (!strcmp(a, "devices"))
        attempt_devices();
    if (!strcmp(a, "kernel-files"))
        attempt_kernel_files();
    if (!strcmp(a, "mounts") && argc > 3)
        attempt_mounts(x, y);
    if (!strcmp(a, "chroot") && argc > 3)
        attempt_chroot(x, y);
    if (!strcmp(a, "fifo") && argc > 2)
        attempt_fifo(x);
    if (!strcmp(a, "symlink-race") && argc > 3)
        attempt_symlink_race(x, y);
    if (!strcmp(a, "fill") && argc > 3)
        attempt_fill(x, y);
    fprintf(stderr, "%s: unknown attempt or missing arguments: '%s'\n", argv[0], a);
    return 2;
}
