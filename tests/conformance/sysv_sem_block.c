/* sysv_sem_block: semop that waits: woken by another process's semop or
 * SETVAL (GETNCNT/GETZCNT count the sleepers), interrupted by a signal
 * (EINTR even with SA_RESTART), woken by IPC_RMID (EIDRM), and a waiter
 * that SEM_UNDO's exit adjustment releases. */
#include "conf.h"
#include <signal.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/time.h>
#include <time.h>

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

/* Wait (up to 5 s) until cmd on semaphore num reports want. */
static int wait_count(int id, int num, int cmd, int want)
{
    for (int i = 0; i < 500; i++) {
        if (semctl(id, num, cmd) == want)
            return 1;
        usleep(10000);
    }
    return 0;
}

static int child_status(pid_t pid)
{
    int st;

    if (waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

/* A child that does one semop and exits with its errno (0: done). */
static pid_t start_op(int id, unsigned short num, short op, short flg)
{
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        struct sembuf sb = { num, op, flg };
        _exit(semop(id, &sb, 1) == 0 ? 0 : errno);
    }
    return pid;
}

static void on_alarm(int sig)
{
    (void)sig;
}

int main(void)
{
    struct sembuf sb;
    pid_t pid, pid2;
    int id;

    id = semget(IPC_PRIVATE, 2, 0600);
    MUST(id);

    /* a decrement waits for an increment */
    pid = start_op(id, 0, -2, 0);
    TRUE("ncnt 1", wait_count(id, 0, GETNCNT, 1));
    EQ("zcnt 0", semctl(id, 0, GETZCNT), 0);
    EQ("ncnt other sem", semctl(id, 1, GETNCNT), 0);
    sb = (struct sembuf){ 0, 1, 0 };
    OK("post 1", semop(id, &sb, 1));
    usleep(50000);
    EQ("still waiting", semctl(id, 0, GETNCNT), 1);
    OK("post 2", semop(id, &sb, 1));
    EQ("woken child", child_status(pid), 0);
    EQ("value taken", semctl(id, 0, GETVAL), 0);
    EQ("ncnt 0", semctl(id, 0, GETNCNT), 0);

    /* wait-for-zero woken by SETVAL */
    MUST(semctl(id, 1, SETVAL, (union semun){ .val = 3 }));
    pid = start_op(id, 1, 0, 0);
    pid2 = start_op(id, 1, 0, 0);
    TRUE("zcnt 2", wait_count(id, 1, GETZCNT, 2));
    OK("setval 0", semctl(id, 1, SETVAL, (union semun){ .val = 0 }));
    EQ("zero waiter 1", child_status(pid), 0);
    EQ("zero waiter 2", child_status(pid2), 0);

    /* a signal interrupts, even with SA_RESTART */
    {
        struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
        struct itimerval it = { { 0, 0 }, { 0, 100000 } };
        sigaction(SIGALRM, &sa, NULL);
        setitimer(ITIMER_REAL, &it, NULL);
        sb = (struct sembuf){ 0, -1, 0 };
        ERR("eintr", semop(id, &sb, 1), EINTR);
        EQ("ncnt after eintr", semctl(id, 0, GETNCNT), 0);
    }

    /* SEM_UNDO at exit releases a waiter: the child takes the only unit
     * with SEM_UNDO and exits; the waiter gets it back */
    MUST(semctl(id, 0, SETVAL, (union semun){ .val = 1 }));
    pid = start_op(id, 0, -1, SEM_UNDO);
    EQ("undo taker", child_status(pid), 0);
    EQ("undo gave back", semctl(id, 0, GETVAL), 1);
    MUST(semctl(id, 0, SETVAL, (union semun){ .val = 0 }));
    pid = start_op(id, 0, -1, 0);
    TRUE("waiter queued", wait_count(id, 0, GETNCNT, 1));
    pid2 = fork();
    MUST(pid2);
    if (pid2 == 0) {
        /* +1 undone at exit would make it -1: Linux clamps at 0 after
         * the waiter took it. Here the +1 is plain, the undo is on 1. */
        struct sembuf two[2] = { { 0, 1, 0 }, { 1, 1, SEM_UNDO } };
        _exit(semop(id, two, 2) == 0 ? 0 : errno);
    }
    EQ("poster", child_status(pid2), 0);
    EQ("waiter released", child_status(pid), 0);
    EQ("undo of 1 applied", semctl(id, 1, GETVAL), 0);

    /* IPC_RMID wakes waiters with EIDRM */
    MUST(semctl(id, 1, SETVAL, (union semun){ .val = 1 }));
    pid = start_op(id, 0, -1, 0);
    pid2 = start_op(id, 1, 0, 0);
    TRUE("ncnt before rmid", wait_count(id, 0, GETNCNT, 1));
    TRUE("zcnt before rmid", wait_count(id, 1, GETZCNT, 1));
    OK("rmid", semctl(id, 0, IPC_RMID));
    EQ("waiter eidrm", child_status(pid), EIDRM);
    EQ("zero waiter eidrm", child_status(pid2), EIDRM);
    return conf_done();
}
