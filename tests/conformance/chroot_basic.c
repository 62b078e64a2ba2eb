/* chroot_basic: chroot(2) makes a directory the process's "/": absolute
 * paths and ".." stop there, the cwd is left alone (getcwd(2) then says
 * "(unreachable)/..."), children inherit the root; errors for missing
 * paths, non-directories, bad pointers, and EPERM without CAP_SYS_CHROOT.
 * Also sync(2). Needs root: skipped otherwise. Each chroot runs in a child,
 * which prints its own checks. */
#include "conf.h"
#include <sys/stat.h>
#include <sys/wait.h>

static const char *dir;

static int child_done(void)
{
    int r = conf_done();
    fflush(stdout);
    return r;
}

static int read_file(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = read(fd, buf, cap - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = 0;
    return 0;
}

static int jailed(void)
{
    struct stat before, root, dotdot;
    char buf[32];
    int st;
    pid_t pid;

    MUST(stat(dir, &before));
    OK("chroot into the directory", syscall(SYS_chroot, dir));
    MUST(stat("/", &root));
    TRUE("  \"/\" is the directory", root.st_ino == before.st_ino && root.st_dev == before.st_dev);
    MUST(stat("/..", &dotdot));
    TRUE("  \"/..\" is \"/\"", dotdot.st_ino == root.st_ino);
    OK("  absolute path inside", read_file("/sub/f", buf, sizeof(buf)));
    STREQ("  its data", buf, "jail");
    OK("  \"..\" cannot climb out", read_file("/../../../sub/f", buf, sizeof(buf)));
    ERR("  a host path is gone", open("/etc/passwd", O_RDONLY), ENOENT);
    OK("  chdir(\"/\")", chdir("/"));
    OK("  relative path from the new root", read_file("sub/f", buf, sizeof(buf)));
    OK("  chroot again, into a subdirectory", syscall(SYS_chroot, "sub"));
    OK("  its file at the root", read_file("/f", buf, sizeof(buf)));
    fflush(stdout);
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(read_file("/f", buf, sizeof(buf)) == 0 && !strcmp(buf, "jail") ? 0 : 1);
    MUST(waitpid(pid, &st, 0));
    EQ("  a child inherits the root", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    return child_done();
}

static int cwd_kept(void)
{
    char buf[32];

    MUST(chdir(dir));
    OK("chroot elsewhere keeps the cwd", syscall(SYS_chroot, "/proc"));
    OK("  relative path still from the old cwd", read_file("sub/f", buf, sizeof(buf)));
    {
        char cwd[4096];
        long n = syscall(SYS_getcwd, cwd, sizeof(cwd));
        TRUE("  getcwd(2) says \"(unreachable)/...\"", n > 0 && !strncmp(cwd, "(unreachable)/", 14));
        ERR("  glibc getcwd", getcwd(cwd, sizeof(cwd)) ? 0 : -1, ENOENT);
    }
    return child_done();
}

static int unprivileged(void)
{
    if (conf_drop_to_nobody()) {
        printf("setup failed: drop to nobody: %s\n", errname(errno));
        return CONF_EXIT_FAILED;
    }
    ERR("chroot without CAP_SYS_CHROOT", syscall(SYS_chroot, "/tmp"), EPERM);
    ERR("  missing path first", syscall(SYS_chroot, "/nonexistent"), ENOENT);
    return child_done();
}

int main(void)
{
    const char *f;
    int fd;

    if (geteuid() != 0)
        conf_skip("needs root for chroot");
    dir = conf_mkdtemp("chroot");
    MUST(mkdir(conf_join(dir, "sub"), 0755));
    f = conf_join(dir, "sub/f");
    MUST(fd = open(f, O_WRONLY | O_CREAT, 0644));
    MUST(write(fd, "jail", 4));
    close(fd);
    ERR("missing path", syscall(SYS_chroot, "/nonexistent/x"), ENOENT);
    ERR("a file", syscall(SYS_chroot, f), ENOTDIR);
    ERR("empty path", syscall(SYS_chroot, ""), ENOENT);
    ERR("bad pointer", syscall(SYS_chroot, BADPTR), EFAULT);
    fflush(stdout);
    EQ("jailed child", conf_in_child(jailed), 0);
    EQ("cwd child", conf_in_child(cwd_kept), 0);
    EQ("unprivileged child", conf_in_child(unprivileged), 0);
    OK("sync", syscall(SYS_sync));
    conf_rmtree(dir);
    return conf_done();
}
