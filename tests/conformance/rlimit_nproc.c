/* rlimit_nproc: RLIMIT_NPROC counts a user's processes and threads: fork
 * and pthread_create fail with EAGAIN at the limit and work again when one
 * exits; a privileged process is exempt; execve after switching to a uid
 * already over the limit fails with EAGAIN. Needs root (it switches to
 * otherwise unused uids); skipped otherwise. */
#include "conf.h"
#include <grp.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define UID1 54341
#define UID2 54342

extern char **environ;

static int p[2];

static pid_t holder(void)
{
    char c;
    pid_t pid = fork();

    if (pid == 0) {
        close(p[1]);
        _exit(read(p[0], &c, 1) < 0); /* until EOF */
    }
    return pid;
}

static void *idle(void *arg)
{
    char c;
    if (read(p[0], &c, 1) < 0)
        return NULL;
    return NULL;
}

static int become(uid_t uid, rlim_t lim)
{
    struct rlimit rl = { lim, lim };

    return setrlimit(RLIMIT_NPROC, &rl) || setgroups(0, NULL) || setresgid(uid, uid, uid) ||
           setresuid(uid, uid, uid);
}

int main(int argc, char **argv)
{
    int st;
    pid_t pid;

    if (argc == 2 && strcmp(argv[1], "--execed") == 0)
        return 0;
    if (geteuid() != 0)
        conf_skip("needs root (switches to unused uids)");

    MUST(pipe(p));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        /* Limit 3 for a uid with no processes: we are 1, so 2 more. */
        pid_t kids[8];
        int n = 0, res = 0, e;
        if (become(UID1, 3))
            _exit(200);
        while (n < 8 && (kids[n] = holder()) > 0)
            n++;
        e = errno;
        res |= n == 2 ? 0 : 1;
        res |= e == EAGAIN ? 0 : 2;
        {
            pthread_t t;
            res |= pthread_create(&t, NULL, idle, NULL) == EAGAIN ? 0 : 4;
        }
        /* One exits (kill it): room for one more. */
        kill(kids[0], SIGKILL);
        waitpid(kids[0], &st, 0);
        kids[0] = holder();
        res |= kids[0] > 0 ? 0 : 8;
        res |= holder() == -1 && errno == EAGAIN ? 0 : 16;
        close(p[1]);
        for (int i = 0; i < n; i++)
            waitpid(kids[i], &st, 0);
        _exit(res);
    }
    close(p[0]);
    close(p[1]);
    MUST(waitpid(pid, &st, 0));
    EQ("limit 3: two forks, then EAGAIN (threads too); a slot frees on exit",
       WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* Root is exempt. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        struct rlimit rl = { 1, 1 };
        pid_t k;
        setrlimit(RLIMIT_NPROC, &rl);
        k = fork();
        if (k == 0)
            _exit(0);
        _exit(k > 0 && waitpid(k, &st, 0) == k ? 0 : 1);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("a privileged process ignores the limit", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* Switching to a uid already over its limit: execve fails EAGAIN. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        char *av[] = { argv[0], "--execed", NULL };
        if (become(UID2, 0))
            _exit(200);
        execve(argv[0], av, environ);
        _exit(errno == EAGAIN ? 0 : 1);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("execve as a uid over RLIMIT_NPROC: EAGAIN", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    return conf_done();
}
