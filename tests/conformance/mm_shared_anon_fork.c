/* mm_shared_anon_fork: MAP_SHARED|MAP_ANONYMOUS memory stays shared across
 * fork in both directions, including pages first touched after the fork,
 * atomics from several processes, and after the child unmaps or exits;
 * a MAP_PRIVATE mapping alongside it is not shared. */
#include "conf.h"
#include <sys/mman.h>
#include <sys/wait.h>

#define PG 4096

int main(void)
{
    char *sh, *priv, c;
    long *counter;
    int to_child[2], to_parent[2], st, i;
    pid_t pid, kids[4];

    sh = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    priv = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TRUE("mappings", sh != MAP_FAILED && priv != MAP_FAILED);
    TRUE("fresh shared memory is zero", sh[0] == 0 && sh[8 * PG - 1] == 0);
    strcpy(sh, "before fork");
    priv[0] = 'a';

    MUST(pipe(to_child));
    MUST(pipe(to_parent));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int bad = strcmp(sh, "before fork") != 0;
        strcpy(sh + 100, "from child");
        sh[5 * PG] = 'C'; /* a page nobody touched before */
        priv[0] = 'c';
        if (write(to_parent[1], "1", 1) != 1 || read(to_child[0], &c, 1) != 1)
            _exit(100);
        bad |= (strcmp(sh + 200, "from parent") != 0) << 1;
        bad |= (sh[6 * PG] != 'P') << 2;
        bad |= (priv[0] != 'c') << 3;
        munmap(sh, 8 * PG); /* the parent's mapping is not affected */
        _exit(bad);
    }
    EQ("child step 1", read(to_parent[0], &c, 1), 1);
    STREQ("parent sees the child's write", sh + 100, "from child");
    EQ("parent sees the child's first touch of a page", sh[5 * PG], 'C');
    EQ("private mapping not shared", priv[0], 'a');
    strcpy(sh + 200, "from parent");
    sh[6 * PG] = 'P';
    MUST(write(to_child[1], "2", 1));
    MUST(waitpid(pid, &st, 0));
    EQ("child saw the parent's writes", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    STREQ("data survives the child's munmap and exit", sh + 100, "from child");

    /* Four processes increment one counter atomically. */
    counter = (long *)(sh + 7 * PG);
    *counter = 0;
    for (i = 0; i < 4; i++) {
        kids[i] = fork();
        MUST(kids[i]);
        if (kids[i] == 0) {
            for (int k = 0; k < 100000; k++)
                __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
            _exit(0);
        }
    }
    for (i = 0; i < 4; i++)
        MUST(waitpid(kids[i], &st, 0));
    EQ("shared counter after 4 x 100000 atomic increments", *counter, 400000);

    /* mprotect in the child does not change the parent's protection. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        mprotect(sh, PG, PROT_READ);
        _exit(0);
    }
    MUST(waitpid(pid, &st, 0));
    sh[0] = 'W';
    EQ("parent still writes after child's mprotect", sh[0], 'W');

    /* Shared mapping inherited twice: grandchild's write seen by all. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0) {
            strcpy(sh + 300, "grandchild");
            _exit(0);
        }
        waitpid(g, &st, 0);
        _exit(strcmp(sh + 300, "grandchild") == 0 ? 0 : 1);
    }
    MUST(waitpid(pid, &st, 0));
    TRUE("child saw grandchild's write", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    STREQ("parent sees grandchild's write", sh + 300, "grandchild");
    return conf_done();
}
