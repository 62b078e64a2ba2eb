/* proc_vfork: vfork shares memory and suspends the parent until the child
 * exits or execs; posix_spawn (clone CLONE_VM|CLONE_VFORK in glibc) reports
 * exec errors and runs the child. */
#include "conf.h"
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;
static volatile int shared;

static void sleep_ms(int ms)
{
    struct timespec ts = { 0, ms * 1000000L };
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    pid_t me = getpid(), pid;
    int st, err;

    if (argc == 3 && strcmp(argv[1], "child") == 0)
        return atoi(argv[2]);

    /* The parent resumes only after the child's _exit, and sees its write. */
    shared = 0;
    pid = vfork();
    MUST(pid);
    if (pid == 0) {
        sleep_ms(50);
        shared = getppid() == me ? 1 : 2;
        _exit(5);
    }
    EQ("parent resumed after child wrote shared memory", shared, 1);
    EQ("waitpid returns vfork child", waitpid(pid, &st, 0) == pid, 1);
    TRUE("vfork child status 5", WIFEXITED(st) && WEXITSTATUS(st) == 5);

    /* vfork + execve: the parent resumes at the exec. */
    pid = vfork();
    MUST(pid);
    if (pid == 0) {
        char *av[] = { argv[0], "child", "7", NULL };
        execve(argv[0], av, environ);
        _exit(127);
    }
    MUST(waitpid(pid, &st, 0));
    TRUE("vfork+exec child status 7", WIFEXITED(st) && WEXITSTATUS(st) == 7);

    /* vfork child whose exec fails: errno visible through shared memory. */
    shared = 0;
    pid = vfork();
    MUST(pid);
    if (pid == 0) {
        char *av[] = { "nope", NULL };
        execve("/nonexistent/conf-nope", av, environ);
        shared = errno;
        _exit(127);
    }
    MUST(waitpid(pid, &st, 0));
    STREQ("failed exec errno seen by parent", errname(shared), "ENOENT");
    TRUE("failed exec child status 127", WIFEXITED(st) && WEXITSTATUS(st) == 127);

    /* posix_spawn of ourselves. */
    {
        char *av[] = { argv[0], "child", "9", NULL };
        err = posix_spawn(&pid, argv[0], NULL, NULL, av, environ);
        EQ("posix_spawn returns 0", err, 0);
        TRUE("posix_spawn pid > 0", pid > 0);
        EQ("waitpid spawned", waitpid(pid, &st, 0) == pid, 1);
        TRUE("spawned child status 9", WIFEXITED(st) && WEXITSTATUS(st) == 9);
    }
    /* posix_spawn of a missing file: the error comes back, no child left. */
    {
        char *av[] = { "nope", NULL };
        err = posix_spawn(&pid, "/nonexistent/conf-nope", NULL, NULL, av, environ);
        STREQ("posix_spawn missing file", errname(err), "ENOENT");
        ERR("no child left behind", waitpid(-1, &st, WNOHANG), ECHILD);
    }
    /* posix_spawn with a file action: dup2 of a pipe onto stdout. */
    {
        posix_spawn_file_actions_t fa;
        int p[2];
        char buf[16];
        char *av[] = { argv[0], "child", "0", NULL };

        MUST(pipe(p));
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addclose(&fa, p[1]);
        posix_spawn_file_actions_addclose(&fa, p[0]);
        err = posix_spawn(&pid, argv[0], &fa, NULL, av, environ);
        EQ("posix_spawn with file actions", err, 0);
        close(p[1]);
        EQ("pipe EOF: child closed its copy", read(p[0], buf, sizeof(buf)), 0);
        MUST(waitpid(pid, &st, 0));
        TRUE("child status 0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
        close(p[0]);
        posix_spawn_file_actions_destroy(&fa);
    }
    return conf_done();
}
