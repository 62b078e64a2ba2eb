/* sysv_msg: System V message queues: msgget, msgsnd/msgrcv by type (0,
 * > 0, < 0, MSG_EXCEPT), MSG_NOERROR and E2BIG, IPC_NOWAIT (EAGAIN when
 * full, ENOMSG when empty), msg_qbytes via IPC_SET, blocking send and
 * receive woken by the other side, EINTR, EIDRM on IPC_RMID, and the
 * errors (EACCES/EPERM as nobody in a child). */
#include "conf.h"
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/time.h>

#define NOBODY 65534

struct m {
    long type;
    char text[64];
};

static int child_status(pid_t pid)
{
    int st;

    if (waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static int snd(int id, long type, const char *text, int flg)
{
    struct m m = { type, "" };
    strncpy(m.text, text, sizeof(m.text) - 1);
    return msgsnd(id, &m, strlen(text), flg);
}

/* Receive and return the type (or -1); the text in buf. */
static long rcv(int id, long type, int flg, char *buf)
{
    struct m m;
    ssize_t n = msgrcv(id, &m, sizeof(m.text), type, flg);
    if (n < 0)
        return -1;
    memcpy(buf, m.text, n);
    buf[n] = 0;
    return m.type;
}

static int as_nobody(int id)
{
    struct msqid_ds ds;
    struct m m = { 1, "" };
    int res = 0;

    if (setgid(NOBODY) || setuid(NOBODY))
        return 100;
    if (msgsnd(id, &m, 1, IPC_NOWAIT) != -1 || errno != EACCES)
        res |= 1;
    if (msgrcv(id, &m, 1, 0, IPC_NOWAIT) != -1 || errno != EACCES)
        res |= 2;
    if (msgctl(id, IPC_STAT, &ds) != -1 || errno != EACCES)
        res |= 4;
    if (msgctl(id, IPC_RMID, NULL) != -1 || errno != EPERM)
        res |= 8;
    return res;
}

/* Waits (up to 5 s) until the queue holds n messages. */
static int wait_qnum(int id, unsigned long n)
{
    struct msqid_ds ds;

    for (int i = 0; i < 500; i++) {
        if (msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_qnum == n)
            return 1;
        usleep(10000);
    }
    return 0;
}

static void on_alarm(int sig)
{
    (void)sig;
}

int main(void)
{
    key_t key = 0x5b4d0000 | (getpid() & 0xffff);
    struct msqid_ds ds;
    struct msginfo mi;
    struct m m;
    char buf[80];
    pid_t pid;
    int id;

    /* msgget */
    ERR("msgget no key", msgget(key, 0600), ENOENT);
    id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    OK("msgget create", id);
    ERR("msgget excl", msgget(key, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    EQ("msgget existing", msgget(key, 0) == id, 1);
    OK("stat", msgctl(id, IPC_STAT, &ds));
    EQ("qbytes", ds.msg_qbytes, 16384);
    EQ("qnum 0", ds.msg_qnum, 0);
    EQO("mode", ds.msg_perm.mode, 0600);

    /* types */
    OK("send 3", snd(id, 3, "three", 0));
    OK("send 1", snd(id, 1, "one", 0));
    OK("send 2", snd(id, 2, "two", 0));
    OK("send 1b", snd(id, 1, "one-b", 0));
    MUST(msgctl(id, IPC_STAT, &ds));
    EQ("qnum 4", ds.msg_qnum, 4);
    EQ("cbytes", ds.msg_cbytes, 16);
    EQ("lspid", ds.msg_lspid == getpid(), 1);
    EQ("rcv type 2", rcv(id, 2, 0, buf), 2);
    STREQ("text 2", buf, "two");
    EQ("rcv except 1", rcv(id, 1, MSG_EXCEPT, buf), 3);
    STREQ("text 3", buf, "three");
    OK("send 5", snd(id, 5, "five", 0));
    EQ("rcv <= 5 lowest", rcv(id, -5, 0, buf), 1);
    STREQ("text 1", buf, "one");
    EQ("rcv any fifo", rcv(id, 0, 0, buf), 1);
    STREQ("text 1b", buf, "one-b");
    ERR("rcv none of type", rcv(id, 4, IPC_NOWAIT, buf), ENOMSG);
    ERR("rcv <= 4 none", rcv(id, -4, IPC_NOWAIT, buf), ENOMSG);
    ERR("rcv too small", msgrcv(id, &m, 2, 0, 0), E2BIG);
    EQ("still queued", rcv(id, 0, IPC_NOWAIT, buf), 5);
    OK("send long", snd(id, 7, "truncated", 0));
    EQ("noerror", msgrcv(id, &m, 5, 0, MSG_NOERROR), 5);
    EQ("noerror text", memcmp(m.text, "trunc", 5), 0);
    ERR("empty nowait", rcv(id, 0, IPC_NOWAIT, buf), ENOMSG);
    MUST(msgctl(id, IPC_STAT, &ds));
    EQ("empty qnum", ds.msg_qnum + ds.msg_cbytes, 0);
    EQ("lrpid", ds.msg_lrpid == getpid(), 1);
    OK("send empty", msgsnd(id, &(struct m){ 9, "" }, 0, 0));
    EQ("rcv empty", msgrcv(id, &m, sizeof(m.text), 9, 0), 0);

    /* send errors */
    ERR("type 0", snd(id, 0, "x", 0), EINVAL);
    ERR("type -1", snd(id, -1, "x", 0), EINVAL);
    {
        static struct { long type; char t[8193]; } big = { 1, "" };
        ERR("size 8193", msgsnd(id, &big, 8193, 0), EINVAL);
        OK("size 8192", msgsnd(id, &big, 8192, 0));
        EQ("rcv 8192", msgrcv(id, &big, 8192, 0, 0), 8192);
    }
    ERR("send efault", msgsnd(id, BADPTR, 1, 0), EFAULT);
    ERR("send bad id", snd(-1, 1, "x", 0), EINVAL);
    ERR("rcv bad id", rcv(-1, 0, 0, buf), EINVAL);
    ERR("rcv negative size", msgrcv(id, &m, (size_t)-1, 0, IPC_NOWAIT), EINVAL);

    /* a full queue */
    MUST(msgctl(id, IPC_STAT, &ds));
    ds.msg_qbytes = 10;
    OK("set qbytes", msgctl(id, IPC_SET, &ds));
    OK("fill", snd(id, 1, "12345678", 0));
    ERR("full nowait", snd(id, 1, "abc", IPC_NOWAIT), EAGAIN);
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(snd(id, 2, "abc", 0) == 0 ? 0 : errno);
    usleep(100000);
    EQ("sender blocked", rcv(id, 1, 0, buf), 1);
    EQ("sender woken", child_status(pid), 0);
    EQ("its message", rcv(id, 2, IPC_NOWAIT, buf), 2);

    /* a blocked receiver woken by a send */
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(rcv(id, 6, 0, buf) == 6 && strcmp(buf, "six") == 0 ? 0 : 1);
    usleep(100000);
    OK("send other type", snd(id, 4, "four", 0));
    OK("send wanted", snd(id, 6, "six", 0));
    EQ("receiver woken", child_status(pid), 0);
    EQ("other left", rcv(id, 0, IPC_NOWAIT, buf), 4);

    /* a signal interrupts a receive */
    {
        struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
        struct itimerval it = { { 0, 0 }, { 0, 100000 } };
        sigaction(SIGALRM, &sa, NULL);
        setitimer(ITIMER_REAL, &it, NULL);
        ERR("eintr", rcv(id, 0, 0, buf), EINTR);
    }

    /* permissions */
    if (geteuid() == 0) {
        pid = fork();
        MUST(pid);
        if (pid == 0)
            _exit(as_nobody(id));
        EQ("nobody denied", child_status(pid), 0);
        MUST(msgctl(id, IPC_STAT, &ds));
        ds.msg_perm.uid = NOBODY;
        OK("give to nobody", msgctl(id, IPC_SET, &ds));
        pid = fork();
        MUST(pid);
        if (pid == 0) {
            /* the owner may IPC_SET, but not raise qbytes past MSGMNB */
            if (setgid(NOBODY) || seteuid(NOBODY))
                _exit(100);
            ds.msg_qbytes = 16385;
            if (msgctl(id, IPC_SET, &ds) != -1 || errno != EPERM)
                _exit(1);
            ds.msg_qbytes = 100;
            _exit(msgctl(id, IPC_SET, &ds) == 0 ? 0 : 2);
        }
        EQ("qbytes limit", child_status(pid), 0);
    } else {
        printf("nobody denied: 0\ngive to nobody: ok\nqbytes limit: 0\n");
    }

    /* info */
    EQ("ipc_info", msgctl(0, IPC_INFO, (struct msqid_ds *)&mi) >= 0, 1);
    EQ("msgmax", mi.msgmax, 8192);
    EQ("msgmnb", mi.msgmnb, 16384);
    EQ("msgmni", mi.msgmni, 32000);
    ERR("bad cmd", msgctl(id, 12345, &ds), EINVAL);

    /* IPC_RMID wakes the waiters */
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(rcv(id, 0, 0, buf) == -1 ? errno : 0);
    TRUE("queue still empty", wait_qnum(id, 0));
    usleep(100000);
    OK("rmid", msgctl(id, IPC_RMID, NULL));
    EQ("receiver eidrm", child_status(pid), EIDRM);
    ERR("stat removed", msgctl(id, IPC_STAT, &ds), EINVAL);
    ERR("key gone", msgget(key, 0), ENOENT);
    return conf_done();
}
