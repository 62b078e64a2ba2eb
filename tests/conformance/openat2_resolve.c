/* openat2_resolve: RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_SYMLINKS,
 * RESOLVE_NO_MAGICLINKS and RESOLVE_NO_XDEV. */
#include "conf.h"
#include <linux/openat2.h>

static long o2(int dfd, const char *p, unsigned long long flags, unsigned long long resolve)
{
    struct open_how how = { .flags = flags, .resolve = resolve };
    long fd = syscall(SYS_openat2, dfd, p, &how, sizeof(how));
    if (fd >= 0)
        close(fd);
    return fd;
}

/* Open p under root with RESOLVE_IN_ROOT and say whether it is the file
 * named "inner" (size 5) rather than anything outside. */
static int is_inner(int dfd, const char *p)
{
    struct open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_IN_ROOT };
    struct stat st;
    long fd = syscall(SYS_openat2, dfd, p, &how, sizeof(how));
    int r;

    if (fd < 0)
        return -1;
    r = fstat(fd, &st) == 0 && st.st_size == 5;
    close(fd);
    return r;
}

int main(void)
{
    const char *d = conf_mkdtemp("openat2_resolve");
    const char *root = conf_join(d, "root");
    int dfd, fd;
    char p[64];

    errno = 0;
    if (o2(AT_FDCWD, "/", O_RDONLY, 0) < 0 && errno == ENOSYS)
        conf_skip("openat2 not available on the host");
    MUST(mkdir(root, 0755));
    MUST(mkdir(conf_join(root, "sub"), 0755));
    MUST(fd = open(conf_join(root, "inner"), O_WRONLY | O_CREAT, 0644));
    MUST(write(fd, "inner", 5));
    close(fd);
    MUST(fd = open(conf_join(d, "outer"), O_WRONLY | O_CREAT, 0644));
    close(fd);
    MUST(symlink("../outer", conf_join(root, "up")));
    MUST(symlink("/inner", conf_join(root, "abs")));
    MUST(symlink("inner", conf_join(root, "rel")));
    MUST(symlink("sub/../inner", conf_join(root, "rel2")));
    MUST(symlink("../../../../../../inner", conf_join(root, "far")));
    dfd = open(root, O_RDONLY | O_DIRECTORY);
    MUST(dfd);

    OK("BENEATH plain", o2(dfd, "inner", O_RDONLY, RESOLVE_BENEATH));
    OK("BENEATH sub/../inner", o2(dfd, "sub/../inner", O_RDONLY, RESOLVE_BENEATH));
    OK("BENEATH relative symlink", o2(dfd, "rel", O_RDONLY, RESOLVE_BENEATH));
    OK("BENEATH symlink with ..", o2(dfd, "rel2", O_RDONLY, RESOLVE_BENEATH));
    ERR("BENEATH ../outer", o2(dfd, "../outer", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    ERR("BENEATH absolute path", o2(dfd, "/etc/passwd", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    ERR("BENEATH escaping symlink", o2(dfd, "up", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    ERR("BENEATH absolute symlink", o2(dfd, "abs", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    ERR("BENEATH magic link", o2(AT_FDCWD, "/proc/self/exe", O_RDONLY, RESOLVE_BENEATH), EXDEV);
    OK("BENEATH \".\"", o2(dfd, ".", O_RDONLY, RESOLVE_BENEATH));
    ERR("BENEATH \"..\"", o2(dfd, "..", O_RDONLY, RESOLVE_BENEATH), EXDEV);

    EQ("IN_ROOT /inner", is_inner(dfd, "/inner"), 1);
    EQ("IN_ROOT ../../inner", is_inner(dfd, "../../inner"), 1);
    EQ("IN_ROOT absolute symlink", is_inner(dfd, "abs"), 1);
    EQ("IN_ROOT symlink climbing above root", is_inner(dfd, "far"), 1);
    ERR("IN_ROOT escaping symlink lands inside", o2(dfd, "up", O_RDONLY, RESOLVE_IN_ROOT), ENOENT);
    ERR("IN_ROOT /etc/passwd is not the host's", o2(dfd, "/etc/passwd", O_RDONLY, RESOLVE_IN_ROOT), ENOENT);

    OK("NO_SYMLINKS plain", o2(dfd, "inner", O_RDONLY, RESOLVE_NO_SYMLINKS));
    ERR("NO_SYMLINKS last component", o2(dfd, "rel", O_RDONLY, RESOLVE_NO_SYMLINKS), ELOOP);
    MUST(symlink("sub", conf_join(root, "lsub")));
    ERR("NO_SYMLINKS middle component", o2(dfd, "lsub/../inner", O_RDONLY, RESOLVE_NO_SYMLINKS), ELOOP);
    fd = (int)({ struct open_how h = { .flags = O_PATH | O_NOFOLLOW, .resolve = RESOLVE_NO_SYMLINKS };
                 syscall(SYS_openat2, dfd, "rel", &h, sizeof(h)); });
    OK("NO_SYMLINKS with O_PATH|O_NOFOLLOW opens the link", fd);
    if (fd >= 0)
        close(fd);

    fd = open(conf_join(root, "inner"), O_RDONLY);
    MUST(fd);
    snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
    OK("magic link without flags", o2(AT_FDCWD, p, O_RDONLY, 0));
    ERR("NO_MAGICLINKS /proc/self/fd/N", o2(AT_FDCWD, p, O_RDONLY, RESOLVE_NO_MAGICLINKS), ELOOP);
    ERR("NO_MAGICLINKS /proc/self/exe", o2(AT_FDCWD, "/proc/self/exe", O_RDONLY, RESOLVE_NO_MAGICLINKS), ELOOP);
    OK("NO_MAGICLINKS ordinary symlink", o2(dfd, "rel", O_RDONLY, RESOLVE_NO_MAGICLINKS));
    OK("NO_MAGICLINKS /proc/self (a plain symlink)", o2(AT_FDCWD, "/proc/self/status", O_RDONLY, RESOLVE_NO_MAGICLINKS));
    close(fd);

    OK("NO_XDEV within a mount", o2(dfd, "sub/../inner", O_RDONLY, RESOLVE_NO_XDEV));
    ERR("NO_XDEV into /proc", o2(AT_FDCWD, "/proc/self/status", O_RDONLY, RESOLVE_NO_XDEV), EXDEV);
    {
        int rfd = open("/", O_RDONLY | O_DIRECTORY);
        ERR("NO_XDEV from / down into proc", o2(rfd, "proc/version", O_RDONLY, RESOLVE_NO_XDEV), EXDEV);
        close(rfd);
        rfd = open("/proc", O_RDONLY | O_DIRECTORY);
        OK("NO_XDEV inside proc", o2(rfd, "version", O_RDONLY, RESOLVE_NO_XDEV));
        ERR("NO_XDEV from /proc up ..", o2(rfd, "../etc/passwd", O_RDONLY, RESOLVE_NO_XDEV), EXDEV);
        close(rfd);
    }
    close(dfd);
    conf_rmtree(d);
    return conf_done();
}
