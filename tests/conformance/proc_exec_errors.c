/* proc_exec_errors: execve error cases (the caller keeps running), and the
 * argv/envp a successful exec hands over. */
#include "conf.h"
#include <limits.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

static void write_file(const char *path, const void *data, size_t n, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

    MUST(fd);
    MUST(write(fd, data, n));
    MUST(close(fd));
    MUST(chmod(path, mode));
}

static int copy_file(const char *from, const char *to, int keep_open)
{
    char buf[65536];
    ssize_t n;
    int in = open(from, O_RDONLY), out;

    MUST(in);
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    MUST(out);
    while ((n = read(in, buf, sizeof(buf))) > 0)
        MUST(write(out, buf, n));
    close(in);
    if (keep_open)
        return out;
    close(out);
    return -1;
}

static int run_status(const char *path, char **av, char **ev)
{
    int st;
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        syscall(SYS_execve, path, av, ev);
        _exit(100);
    }
    MUST(waitpid(pid, &st, 0));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000;
}

int main(int argc, char **argv)
{
    char self[PATH_MAX], *av[4], *ev[4];
    const char *t1 = conf_tmp("exec-bin"), *t2 = conf_tmp("exec-junk");
    const char *t3 = conf_tmp("exec-loop");
    char *big;
    int fd;

    if (argc >= 1 && getenv("CONF_CHILD")) {
        /* Exec'd half: exit 0 if argv/envp are what the parent sent. */
        if (strcmp(getenv("CONF_CHILD"), "args") == 0)
            return argc == 4 && strcmp(argv[1], "") == 0 &&
                   strcmp(argv[2], "two words") == 0 && strcmp(argv[3], "x=y") == 0 &&
                   getenv("A") && strcmp(getenv("A"), "1") == 0 && !getenv("HOME") &&
                   environ[2] == NULL ? 0 : 1;
        if (strcmp(getenv("CONF_CHILD"), "noargv") == 0)
            return argc == 1 && argv[0] && argv[0][0] == 0 ? 0 : 1;
        return 2;
    }
    if (!realpath(argv[0], self)) {
        printf("setup failed: realpath\n");
        return CONF_EXIT_FAILED;
    }
    av[0] = "prog";
    av[1] = NULL;

    ERR("missing file", execve("/nonexistent/conf", av, environ), ENOENT);
    ERR("file as directory", execve("/etc/passwd/x", av, environ), ENOTDIR);
    write_file(t2, "plain text", 10, 0644);
    ERR("no exec bit (even for root)", execve(t2, av, environ), EACCES);
    ERR("directory", execve("/", av, environ), EACCES);
    write_file(t2, "\x7f" "ELF\x02\x01\x01", 7, 0755);
    ERR("truncated ELF header", execve(t2, av, environ), ENOEXEC);
    {
        char junk[256];
        memset(junk, 0x5a, sizeof(junk));
        write_file(t2, junk, sizeof(junk), 0755);
        ERR("junk bytes", execve(t2, av, environ), ENOEXEC);
    }
    ERR("bad filename pointer", execve(BADPTR, av, environ), EFAULT);
    ERR("bad argv pointer", execve(self, BADPTR, environ), EFAULT);
    av[1] = BADPTR;
    av[2] = NULL;
    ERR("bad argv[1] pointer", execve(self, av, environ), EFAULT);
    av[1] = NULL;
    ERR("bad envp pointer", execve(self, av, BADPTR), EFAULT);
    {
        char longpath[PATH_MAX + 16];
        memset(longpath, 'a', sizeof(longpath) - 1);
        longpath[0] = '/';
        longpath[sizeof(longpath) - 1] = 0;
        ERR("path longer than PATH_MAX", execve(longpath, av, environ), ENAMETOOLONG);
    }
    unlink(t3);
    MUST(symlink(t3, t3));
    ERR("symlink loop", execve(t3, av, environ), ELOOP);
    unlink(t3);

    /* Argument size limits. */
    big = malloc(200 * 1024);
    memset(big, 'x', 200 * 1024 - 1);
    big[200 * 1024 - 1] = 0;
    av[1] = big;
    ERR("one argument over MAX_ARG_STRLEN", execve(self, av, environ), E2BIG);
    {
        static char *many[40];
        struct rlimit rl;

        /* The limit is a quarter of RLIMIT_STACK (capped at 6 MiB). */
        MUST(getrlimit(RLIMIT_STACK, &rl));
        rl.rlim_cur = 4 << 20;
        MUST(setrlimit(RLIMIT_STACK, &rl));
        big[120 * 1024] = 0;
        many[0] = "prog";
        for (int i = 1; i < 39; i++)
            many[i] = big; /* 38 x 120 KiB: over 1 MiB */
        many[39] = NULL;
        ERR("arguments over the stack quarter", execve(self, many, environ), E2BIG);
    }
    av[1] = NULL;
    free(big);

    /* A file open for writing cannot be executed. */
    fd = copy_file(self, t1, 1);
    ERR("file open for writing", execve(t1, av, environ), ETXTBSY);
    close(fd);
    TRUE("still running after failed execs", getpid() > 0);

    /* Successful exec: argv and envp arrive exactly. */
    av[0] = "prog";
    av[1] = "";
    av[2] = "two words";
    av[3] = "x=y";
    {
        char *a4[] = { av[0], av[1], av[2], av[3], NULL };
        ev[0] = "CONF_CHILD=args";
        ev[1] = "A=1";
        ev[2] = NULL;
        EQ("argv and envp passed exactly", run_status(t1, a4, ev), 0);
    }
    ev[0] = "CONF_CHILD=noargv";
    ev[1] = NULL;
    EQ("NULL argv gives argc 1 with \"\"", run_status(t1, NULL, ev), 0);

    unlink(t1);
    unlink(t2);
    return conf_done();
}
