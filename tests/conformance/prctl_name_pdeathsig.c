/* prctl_name_pdeathsig: PR_SET_NAME/PR_GET_NAME (truncation, per thread,
 * reset by exec), PR_SET_PDEATHSIG (fires when the parent dies, cleared in
 * forked children, kept across exec), PR_SET_NO_NEW_PRIVS (sticky,
 * inherited), PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, and errors. */
#include "conf.h"
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

extern char **environ;

static char thread_name[16];
static void *namer(void *arg)
{
    prctl(PR_SET_NAME, "worker-thread", 0, 0, 0);
    prctl(PR_GET_NAME, thread_name, 0, 0, 0);
    return NULL;
}

int main(int argc, char **argv)
{
    char name[32];
    int v, st;
    pid_t pid;

    if (argc == 2 && strcmp(argv[1], "--pdeath") == 0) {
        /* After exec: the parent-death signal is still set. */
        int sig = 0;
        prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
        return sig == SIGUSR2 ? 0 : 1;
    }
    if (argc == 2 && strcmp(argv[1], "--name") == 0) {
        char n[16] = "";
        const char *b = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
        prctl(PR_GET_NAME, n, 0, 0, 0);
        return strncmp(n, b, 15) == 0 ? 0 : 1;
    }

    /* Names. */
    OK("PR_SET_NAME", prctl(PR_SET_NAME, "conf-test", 0, 0, 0));
    memset(name, 'x', sizeof(name));
    OK("PR_GET_NAME", prctl(PR_GET_NAME, name, 0, 0, 0));
    STREQ("name", name, "conf-test");
    prctl(PR_SET_NAME, "a-very-long-process-name", 0, 0, 0);
    prctl(PR_GET_NAME, name, 0, 0, 0);
    STREQ("truncated to 15 characters", name, "a-very-long-pro");
    {
        pthread_t t;
        pthread_create(&t, NULL, namer, NULL);
        pthread_join(t, NULL);
        STREQ("a thread names itself", thread_name, "worker-thread");
        prctl(PR_GET_NAME, name, 0, 0, 0);
        STREQ("main's name unchanged", name, "a-very-long-pro");
    }
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        char *av[] = { argv[0], "--name", NULL };
        char n[16];
        prctl(PR_GET_NAME, n, 0, 0, 0);
        if (strcmp(n, "a-very-long-pro") != 0)
            _exit(2);
        execve(argv[0], av, environ);
        _exit(3);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("fork keeps the name, exec resets it to the file name", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    ERR("PR_GET_NAME bad pointer", prctl(PR_GET_NAME, BADPTR, 0, 0, 0), EFAULT);

    /* Parent-death signal. */
    v = -1;
    OK("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &v, 0, 0, 0));
    EQ("none by default", v, 0);
    ERR("PR_SET_PDEATHSIG 65", prctl(PR_SET_PDEATHSIG, 65, 0, 0, 0), EINVAL);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    {
        int p[2], r[2];
        pid_t mid, gc = 0;
        MUST(pipe(p)); /* grandchild -> us: its pid */
        MUST(pipe(r)); /* grandchild -> mid: EOF once its signal is set */
        mid = fork();
        MUST(mid);
        if (mid == 0) {
            char c;
            pid_t g;
            close(p[0]);
            g = fork();
            if (g == 0) {
                pid_t me = getpid();
                close(r[0]);
                prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
                if (write(p[1], &me, sizeof(me)) != sizeof(me))
                    _exit(1);
                close(p[1]);
                close(r[1]);
                for (;;)
                    pause();
            }
            close(p[1]);
            close(r[1]);
            while (read(r[0], &c, 1) > 0)
                ;
            _exit(0); /* the grandchild's parent dies */
        }
        close(p[1]);
        close(r[0]);
        close(r[1]);
        EQ("grandchild ready", read(p[0], &gc, sizeof(gc)), sizeof(gc));
        close(p[0]);
        MUST(waitpid(mid, &st, 0));
        EQ("parent died: grandchild got its PDEATHSIG", waitpid(gc, &st, 0) == gc, 1);
        TRUE("  killed by SIGTERM", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    }
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        char *av[] = { argv[0], "--pdeath", NULL };
        pid_t g;
        prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0);
        g = fork();
        if (g == 0) {
            int s = -1;
            prctl(PR_GET_PDEATHSIG, &s, 0, 0, 0);
            _exit(s == 0 ? 0 : 1);
        }
        waitpid(g, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            _exit(4);
        execve(argv[0], av, environ);
        _exit(5);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("cleared in a forked child, kept across exec", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* No new privs, dumpable, subreaper. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int res = 0;
        res |= prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0 ? 0 : 1;
        res |= prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : 2;
        res |= prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 4;
        res |= prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) == -1 && errno == EINVAL ? 0 : 8;
        pid_t g = fork();
        if (g == 0)
            _exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1);
        waitpid(g, &st, 0);
        res |= WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 16;
        _exit(res);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("NO_NEW_PRIVS: set, sticky, inherited", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    EQ("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
    OK("PR_SET_DUMPABLE 0", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
    EQ("  reads back 0", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
    ERR("PR_SET_DUMPABLE 2", prctl(PR_SET_DUMPABLE, 2, 0, 0, 0), EINVAL);
    OK("PR_SET_DUMPABLE 1", prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
    v = -1;
    prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
    EQ("PR_GET_CHILD_SUBREAPER after setting it", v, 1);
    ERR("unknown option", prctl(0x7fff1234, 0, 0, 0, 0), EINVAL);
    return conf_done();
}
