/* proc_execveat: execveat with AT_FDCWD, a directory fd, AT_EMPTY_PATH (fd
 * and O_PATH fd, as fexecve does), scripts run through an fd (the
 * interpreter gets /dev/fd/N; an O_CLOEXEC fd fails with ENOENT), and
 * argument errors. */
#include "conf.h"
#include <libgen.h>
#include <limits.h>
#include <sys/wait.h>

extern char **environ;

static long sys_execveat(int dirfd, const char *path, char **av, char **ev, int flags)
{
    return syscall(SYS_execveat, dirfd, path, av, ev, flags);
}

/* Run execveat in a child: its exit status, or 100 + errno. */
static int run(int dirfd, const char *path, int flags, const char *mode)
{
    char *av[] = { "prog", NULL };
    int st;
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        setenv("CONF_CHILD", mode, 1);
        sys_execveat(dirfd, path, av, environ, flags);
        _exit(100 + errno);
    }
    MUST(waitpid(pid, &st, 0));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000;
}

int main(int argc, char **argv)
{
    char self[PATH_MAX], dir[PATH_MAX], base[PATH_MAX], text[PATH_MAX + 16];
    const char *script = conf_tmp("execveat-script"), *link = conf_tmp("execveat-link");
    char *av[] = { "prog", NULL };
    int dfd, fd, pfd, n;

    if (getenv("CONF_CHILD")) {
        const char *m = getenv("CONF_CHILD");
        if (strcmp(m, "elf") == 0)
            return 0;
        if (strcmp(m, "script-fd") == 0)
            return argc == 2 && sscanf(argv[1], "/dev/fd/%d%n", &n, &n) == 1 &&
                   argv[1][n] == 0 ? 0 : 1;
        if (strcmp(m, "script-dirfd") == 0)
            return argc == 2 && strncmp(argv[1], "/dev/fd/", 8) == 0 &&
                   strstr(argv[1], "/conf-execveat-script-") ? 0 : 1;
        return 2;
    }
    if (!realpath(argv[0], self)) {
        printf("setup failed: realpath\n");
        return CONF_EXIT_FAILED;
    }
    strcpy(dir, self);
    strcpy(dir, dirname(dir));
    strcpy(base, self);
    strcpy(base, basename(base));

    MUST(chdir(dir));
    EQ("AT_FDCWD relative path", run(AT_FDCWD, base, 0, "elf"), 0);
    MUST(chdir("/"));
    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    MUST(dfd);
    EQ("dirfd relative path", run(dfd, base, 0, "elf"), 0);
    EQ("absolute path ignores dirfd", run(-1, self, 0, "elf"), 0);
    fd = open(self, O_RDONLY);
    MUST(fd);
    EQ("AT_EMPTY_PATH on an fd", run(fd, "", AT_EMPTY_PATH, "elf"), 0);
    pfd = open(self, O_PATH);
    MUST(pfd);
    EQ("AT_EMPTY_PATH on an O_PATH fd", run(pfd, "", AT_EMPTY_PATH, "elf"), 0);

    /* Scripts through an fd. */
    snprintf(text, sizeof(text), "#!%s\n", self);
    {
        int w = open(script, O_WRONLY | O_CREAT | O_TRUNC, 0755);
        MUST(w);
        MUST(write(w, text, strlen(text)));
        close(w);
    }
    {
        int sfd = open(script, O_RDONLY);
        MUST(sfd);
        EQ("script via fd: interpreter gets /dev/fd/N", run(sfd, "", AT_EMPTY_PATH, "script-fd"), 0);
        close(sfd);
        sfd = open(script, O_RDONLY | O_CLOEXEC);
        MUST(sfd);
        EQ("script via O_CLOEXEC fd: ENOENT", run(sfd, "", AT_EMPTY_PATH, "script-fd"), 100 + ENOENT);
        close(sfd);
        sfd = open("/tmp", O_RDONLY | O_DIRECTORY);
        MUST(sfd);
        EQ("script via dirfd: /dev/fd/N/name", run(sfd, script + 5, 0, "script-dirfd"), 0);
        close(sfd);
    }

    /* Errors. */
    ERR("empty path without AT_EMPTY_PATH", sys_execveat(fd, "", av, environ, 0), ENOENT);
    ERR("unknown flag", sys_execveat(AT_FDCWD, self, av, environ, 0x4), EINVAL);
    ERR("relative path, bad dirfd", sys_execveat(999, base, av, environ, 0), EBADF);
    ERR("relative path, dirfd not a directory", sys_execveat(fd, base, av, environ, 0), ENOTDIR);
    unlink(link);
    MUST(symlink(self, link));
    EQ("symlink followed by default", run(AT_FDCWD, link, 0, "elf"), 0);
    ERR("AT_SYMLINK_NOFOLLOW on a symlink", sys_execveat(AT_FDCWD, link, av, environ, AT_SYMLINK_NOFOLLOW), ELOOP);
    {
        int dirfd2 = open("/", O_RDONLY | O_DIRECTORY);
        ERR("AT_EMPTY_PATH on a directory", sys_execveat(dirfd2, "", av, environ, AT_EMPTY_PATH), EACCES);
        close(dirfd2);
    }
    unlink(link);
    unlink(script);
    close(fd);
    close(pfd);
    close(dfd);
    return conf_done();
}
