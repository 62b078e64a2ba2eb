/* sysv_sem: System V semaphores without blocking: semget, semctl's
 * commands, semop applied all or nothing, IPC_NOWAIT, ERANGE, SEM_UNDO
 * at exit, semtimedop's timeout, the errors (EACCES/EPERM as nobody in a
 * child). Private keys or removed at the end; ids and pids never printed. */
#include "conf.h"
#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>

#define NOBODY 65534

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *__buf;
};

/* The object a child function works on (conf_in_child takes no argument). */
static int child_id;

static int as_nobody(void)
{
    int id = child_id;
    struct sembuf op = { 0, 1, IPC_NOWAIT };
    struct semid_ds ds;
    int res = 0;

    if (setgid(NOBODY) || setuid(NOBODY))
        return 100;
    if (semop(id, &op, 1) != -1 || errno != EACCES)
        res |= 1;
    if (semctl(id, 0, GETVAL) != -1 || errno != EACCES)
        res |= 2;
    if (semctl(id, 0, SETVAL, (union semun){ .val = 1 }) != -1 || errno != EACCES)
        res |= 4;
    if (semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }) != -1 || errno != EACCES)
        res |= 8;
    if (semctl(id, 0, IPC_RMID) != -1 || errno != EPERM)
        res |= 16;
    return res;
}

/* Takes 2 from semaphore 1 with SEM_UNDO and 1 from 0 without, exits. */
static int undo_child(void)
{
    int id = child_id;
    struct sembuf ops[2] = { { 1, -2, SEM_UNDO }, { 0, -1, 0 } };
    return semop(id, ops, 2) == 0 ? 0 : 1;
}

int main(void)
{
    key_t key = 0x5b5e0000 | (getpid() & 0xffff);
    unsigned short vals[3];
    struct semid_ds ds;
    struct seminfo si;
    struct sembuf ops[4];
    struct timespec ts;
    int id, id2;

    /* semget */
    ERR("semget 0 new", semget(IPC_PRIVATE, 0, 0600), EINVAL);
    ERR("semget too many", semget(IPC_PRIVATE, 32001, 0600), EINVAL);
    ERR("semget negative", semget(IPC_PRIVATE, -1, 0600), EINVAL);
    ERR("semget no key", semget(key, 1, 0600), ENOENT);
    id = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
    OK("semget create", id);
    ERR("semget excl", semget(key, 3, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    EQ("semget existing 0", semget(key, 0, 0) == id, 1);
    EQ("semget existing fewer", semget(key, 2, 0) == id, 1);
    ERR("semget existing more", semget(key, 4, 0), EINVAL);

    /* fresh values and IPC_STAT */
    EQ("getval 0", semctl(id, 0, GETVAL), 0);
    OK("ipc_stat", semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }));
    EQ("nsems", ds.sem_nsems, 3);
    EQO("mode", ds.sem_perm.mode, 0600);
    EQ("otime 0", ds.sem_otime, 0);
    EQ("ctime set", ds.sem_ctime > 0, 1);

    /* SETVAL, SETALL, GETALL, ERANGE */
    OK("setval", semctl(id, 0, SETVAL, (union semun){ .val = 5 }));
    EQ("getval", semctl(id, 0, GETVAL), 5);
    EQ("getpid after setval", semctl(id, 0, GETPID) == getpid(), 1);
    ERR("setval 32768", semctl(id, 0, SETVAL, (union semun){ .val = 32768 }), ERANGE);
    ERR("setval -1", semctl(id, 0, SETVAL, (union semun){ .val = -1 }), ERANGE);
    ERR("setval range before id", semctl(0x7ffffff0, 0, SETVAL, (union semun){ .val = -1 }), ERANGE);
    OK("setval max", semctl(id, 2, SETVAL, (union semun){ .val = 32767 }));
    ERR("setval semnum", semctl(id, 3, SETVAL, (union semun){ .val = 1 }), EINVAL);
    ERR("getval semnum", semctl(id, 3, GETVAL), EINVAL);
    ERR("getval negative semnum", semctl(id, -1, GETVAL), EINVAL);
    vals[0] = 1; vals[1] = 2; vals[2] = 40000;
    ERR("setall range", semctl(id, 0, SETALL, (union semun){ .array = vals }), ERANGE);
    vals[2] = 3;
    OK("setall", semctl(id, 0, SETALL, (union semun){ .array = vals }));
    memset(vals, 0, sizeof(vals));
    OK("getall", semctl(id, 0, GETALL, (union semun){ .array = vals }));
    EQ("getall values", vals[0] * 100 + vals[1] * 10 + vals[2], 123);
    ERR("getall efault", semctl(id, 0, GETALL, (union semun){ .array = BADPTR }), EFAULT);
    EQ("getncnt", semctl(id, 0, GETNCNT), 0);
    EQ("getzcnt", semctl(id, 0, GETZCNT), 0);

    /* semop: all or nothing */
    ops[0] = (struct sembuf){ 0, -1, 0 };
    ops[1] = (struct sembuf){ 1, 5, 0 };
    ops[2] = (struct sembuf){ 2, -4, IPC_NOWAIT };
    ERR("semop would block", semop(id, ops, 3), EAGAIN);
    OK("getall unchanged", semctl(id, 0, GETALL, (union semun){ .array = vals }));
    EQ("unchanged values", vals[0] * 100 + vals[1] * 10 + vals[2], 123);
    ops[2].sem_op = -3;
    OK("semop three", semop(id, ops, 3));
    OK("getall after", semctl(id, 0, GETALL, (union semun){ .array = vals }));
    EQ("values after", vals[0] * 10000 + vals[1] * 100 + vals[2], 700);
    EQ("getpid after semop", semctl(id, 1, GETPID) == getpid(), 1);
    OK("stat after semop", semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }));
    EQ("otime set", ds.sem_otime > 0, 1);
    /* the same semaphore twice: cumulative */
    ops[0] = (struct sembuf){ 1, -4, IPC_NOWAIT };
    ops[1] = (struct sembuf){ 1, -4, IPC_NOWAIT };
    ERR("twice too much", semop(id, ops, 2), EAGAIN);
    ops[1].sem_op = -3;
    OK("twice", semop(id, ops, 2));
    EQ("twice value", semctl(id, 1, GETVAL), 0);
    /* wait-for-zero */
    ops[0] = (struct sembuf){ 1, 0, IPC_NOWAIT };
    OK("zero on zero", semop(id, ops, 1));
    MUST(semctl(id, 0, SETVAL, (union semun){ .val = 1 }));
    ops[0] = (struct sembuf){ 0, 0, IPC_NOWAIT };
    ERR("zero on nonzero", semop(id, ops, 1), EAGAIN);
    /* overflow */
    MUST(semctl(id, 2, SETVAL, (union semun){ .val = 32767 }));
    ops[0] = (struct sembuf){ 2, 1, 0 };
    ERR("semop overflow", semop(id, ops, 1), ERANGE);
    ops[0] = (struct sembuf){ 2, -1, 0 };
    ops[1] = (struct sembuf){ 2, 2, 0 };
    ERR("semop overflow second", semop(id, ops, 2), ERANGE);
    EQ("overflow unchanged", semctl(id, 2, GETVAL), 32767);

    /* semop errors */
    ops[0] = (struct sembuf){ 3, 1, 0 };
    ERR("semop semnum", semop(id, ops, 1), EFBIG);
    ERR("semop nsops 0", semop(id, ops, 0), EINVAL);
    ERR("semop nsops 501", semop(id, ops, 501), E2BIG);
    ERR("semop efault", semop(id, BADPTR, 1), EFAULT);
    ops[0] = (struct sembuf){ 0, 1, 0 };
    ERR("semop bad id", semop(-1, ops, 1), EINVAL);

    /* semtimedop */
    MUST(semctl(id, 0, SETVAL, (union semun){ .val = 0 }));
    ops[0] = (struct sembuf){ 0, -1, 0 };
    ts = (struct timespec){ 0, 50 * 1000 * 1000 };
    ERR("semtimedop timeout", semtimedop(id, ops, 1, &ts), EAGAIN);
    ts.tv_nsec = 1000000000;
    ERR("semtimedop bad ts", semtimedop(id, ops, 1, &ts), EINVAL);
    ERR("semtimedop ts efault", semtimedop(id, ops, 1, BADPTR), EFAULT);
    ops[0].sem_op = 1;
    ts.tv_nsec = 0;
    OK("semtimedop ready", semtimedop(id, ops, 1, &ts));

    /* SEM_UNDO: the child's -2 on semaphore 1 comes back at its exit,
     * its plain -1 on semaphore 0 does not */
    MUST(semctl(id, 0, SETVAL, (union semun){ .val = 3 }));
    MUST(semctl(id, 1, SETVAL, (union semun){ .val = 3 }));
    EQ("undo child", (child_id = id, conf_in_child(undo_child)), 0);
    EQ("undo applied", semctl(id, 1, GETVAL), 3);
    EQ("plain kept", semctl(id, 0, GETVAL), 2);

    /* IPC_SET, permissions */
    ds.sem_perm.mode = 0644;
    OK("ipc_set", semctl(id, 0, IPC_SET, (union semun){ .buf = &ds }));
    OK("stat after set", semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }));
    EQO("mode after set", ds.sem_perm.mode, 0644);
    ds.sem_perm.mode = 0600;
    MUST(semctl(id, 0, IPC_SET, (union semun){ .buf = &ds }));
    if (geteuid() == 0)
        EQ("nobody denied", (child_id = id, conf_in_child(as_nobody)), 0);
    else
        printf("nobody denied: 0\n");

    /* info */
    EQ("ipc_info", semctl(0, 0, IPC_INFO, (union semun){ .__buf = &si }) >= 0, 1);
    EQ("semmsl", si.semmsl, 32000);
    EQ("semopm", si.semopm, 500);
    EQ("semvmx", si.semvmx, 32767);
    EQ("sem_info", semctl(0, 0, SEM_INFO, (union semun){ .__buf = &si }) >= 0, 1);
    EQ("sem_info arrays", si.semusz >= 1, 1);
    ERR("bad cmd", semctl(id, 0, 12345), EINVAL);

    /* IPC_RMID */
    id2 = semget(IPC_PRIVATE, 1, 0600);
    MUST(id2);
    OK("rmid", semctl(id, 0, IPC_RMID));
    ERR("getval removed", semctl(id, 0, GETVAL), EINVAL);
    ERR("semop removed", semop(id, ops, 1), EINVAL);
    ERR("key gone", semget(key, 1, 0), ENOENT);
    OK("rmid private", semctl(id2, 0, IPC_RMID));
    return conf_done();
}
