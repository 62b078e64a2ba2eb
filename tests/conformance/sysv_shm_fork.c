/* sysv_shm_fork: attaches are inherited by fork (the child writes, the
 * parent sees it; shm_nattch counts both), dropped by exec and by exit,
 * and a segment removed while attached goes with its last detach, even
 * when that is a child's exit. */
#include "conf.h"
#include <sys/ipc.h>
#include <sys/shm.h>

static unsigned long nattch(int id)
{
    struct shmid_ds ds;

    if (shmctl(id, IPC_STAT, &ds))
        return 9999;
    return ds.shm_nattch;
}

int main(int argc, char **argv)
{
    int id, st, c2p[2], p2c[2];
    char *p, c;
    pid_t pid;

    if (argc == 3 && strcmp(argv[1], "exec-child") == 0) {
        /* After exec: nothing attached here any more. */
        id = atoi(argv[2]);
        return nattch(id) == 1 ? 0 : 1;
    }

    id = shmget(IPC_PRIVATE, 8192, 0600);
    MUST(id);
    p = shmat(id, NULL, 0);
    TRUE("shmat", p != (void *)-1);
    strcpy(p, "parent");

    /* fork: the child shares the attach */
    MUST(pipe(c2p));
    MUST(pipe(p2c));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int ok = strcmp(p, "parent") == 0 && nattch(id) == 2;
        strcpy(p, "child");
        MUST(write(c2p[1], "x", 1));
        MUST(read(p2c[0], &c, 1)); /* hold until told */
        _exit(ok ? 0 : 1);
    }
    MUST(read(c2p[0], &c, 1));
    EQ("nattch with child", nattch(id), 2);
    STREQ("child's write", p, "child");
    MUST(write(p2c[1], "y", 1));
    MUST(waitpid(pid, &st, 0));
    EQ("child saw parent", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    EQ("nattch after child exit", nattch(id), 1);

    /* exec drops the child's attach */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        char ids[16];
        snprintf(ids, sizeof(ids), "%d", id);
        execl("/proc/self/exe", argv[0], "exec-child", ids, (char *)NULL);
        _exit(127);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("exec detached", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* shmdt in the child leaves the parent's attach alone */
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(shmdt(p) == 0 && nattch(id) == 1 ? 0 : 1);
    MUST(waitpid(pid, &st, 0));
    EQ("child shmdt", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    STREQ("still mapped", p, "child");

    /* removed while attached by parent and child: the child's exit is
     * not the last detach, the parent's shmdt is */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        MUST(read(p2c[0], &c, 1));
        _exit(strcmp(p, "child") == 0 ? 0 : 1);
    }
    OK("rmid", shmctl(id, IPC_RMID, NULL));
    EQ("nattch removed", nattch(id), 2);
    MUST(write(p2c[1], "z", 1));
    MUST(waitpid(pid, &st, 0));
    EQ("child after rmid", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    EQ("nattch parent only", nattch(id), 1);
    OK("last shmdt", shmdt(p));
    ERR("gone", shmctl(id, IPC_STAT, &(struct shmid_ds){ 0 }), EINVAL);

    /* the last detach by a child's exit frees it too */
    id = shmget(IPC_PRIVATE, 4096, 0600);
    MUST(id);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        char *cp = shmat(id, NULL, 0);
        if (cp == (void *)-1)
            _exit(2);
        MUST(write(c2p[1], "a", 1));
        MUST(read(p2c[0], &c, 1));
        _exit(0);
    }
    MUST(read(c2p[0], &c, 1));
    OK("rmid child-attached", shmctl(id, IPC_RMID, NULL));
    EQ("child's attach", nattch(id), 1);
    MUST(write(p2c[1], "b", 1));
    MUST(waitpid(pid, &st, 0));
    ERR("freed by exit", shmctl(id, IPC_STAT, &(struct shmid_ds){ 0 }), EINVAL);
    return conf_done();
}
