/* sysv_shm: System V shared memory in one process: shmget keys and flags,
 * shmat placement (NULL, fixed, SHM_RND, SHM_REMAP, SHM_RDONLY), shmdt,
 * shmctl IPC_STAT/IPC_SET/IPC_RMID/IPC_INFO/SHM_INFO/SHM_LOCK, and the
 * errors, EACCES/EPERM as nobody in a child. Natively the objects live in
 * the host's namespace: private keys or removed at the end, ids and pids
 * never printed. */
#include "conf.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

#define NOBODY 65534

/* As nobody: a 0600 segment of root's is out of reach. */
/* The object a child function works on (conf_in_child takes no argument). */
static int child_id;

static int as_nobody(void)
{
    int id = child_id;
    int res = 0;
    struct shmid_ds ds;

    if (setgid(NOBODY) || setuid(NOBODY))
        return 100;
    if (shmat(id, NULL, 0) != (void *)-1 || errno != EACCES)
        res |= 1;
    if (shmat(id, NULL, SHM_RDONLY) != (void *)-1 || errno != EACCES)
        res |= 2;
    if (shmctl(id, IPC_STAT, &ds) != -1 || errno != EACCES)
        res |= 4;
    if (shmctl(id, IPC_RMID, NULL) != -1 || errno != EPERM)
        res |= 8;
    if (shmctl(id, SHM_LOCK, NULL) != -1 || errno != EPERM)
        res |= 16;
    return res;
}

/* As nobody with the segment made 0644: read-only attach works. */
static int as_nobody_ro(void)
{
    int id = child_id;
    char *p;

    if (setgid(NOBODY) || setuid(NOBODY))
        return 100;
    p = shmat(id, NULL, SHM_RDONLY);
    if (p == (void *)-1)
        return 1;
    if (p[0] != 'x')
        return 2;
    if (shmat(id, NULL, 0) != (void *)-1 || errno != EACCES)
        return 3;
    return shmdt(p) ? 4 : 0;
}

static sigjmp_buf jb;
static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(jb, 1);
}

/* The line of id in /proc/sysvipc/shm: its size and nattch. */
static int proc_find(int id, unsigned long *size, unsigned long *nattch)
{
    FILE *f = fopen("/proc/sysvipc/shm", "r");
    char line[512];
    int found = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        int key, sid;
        unsigned mode;
        unsigned long sz, na;
        int cpid, lpid;
        if (sscanf(line, "%d %d %o %lu %d %d %lu", &key, &sid, &mode, &sz, &cpid, &lpid, &na) ==
                7 &&
            sid == id) {
            *size = sz;
            *nattch = na;
            found = 1;
        }
    }
    fclose(f);
    return found;
}

int main(void)
{
    key_t key = 0x5b500000 | (getpid() & 0xffff);
    struct shmid_ds ds;
    struct shminfo info;
    struct shm_info sinfo;
    unsigned long psize = 0, pnattch = 0;
    char *p, *q;
    int id, id2;
    long pg = sysconf(_SC_PAGESIZE);

    /* shmget */
    ERR("shmget size 0", shmget(IPC_PRIVATE, 0, 0600), EINVAL);
    ERR("shmget no key", shmget(key, 4096, 0600), ENOENT);
    id = shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600);
    OK("shmget create", id);
    ERR("shmget excl again", shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    EQ("shmget same key", shmget(key, 0, 0600) == id, 1);
    EQ("shmget smaller", shmget(key, 100, 0) == id, 1);
    ERR("shmget larger", shmget(key, 20000, 0), EINVAL);
    ERR("shmget huge", shmget(IPC_PRIVATE, (size_t)-1, 0600), EINVAL);
    id2 = shmget(IPC_PRIVATE, 4096, 0600);
    EQ("private is new", id2 >= 0 && id2 != id, 1);

    /* IPC_STAT of a fresh segment */
    OK("stat", shmctl(id, IPC_STAT, &ds));
    EQ("segsz", ds.shm_segsz, 10000);
    EQ("nattch 0", ds.shm_nattch, 0);
    EQO("mode", ds.shm_perm.mode, 0600);
    EQ("key", ds.shm_perm.__key == key, 1);
    EQ("cpid is me", ds.shm_cpid == getpid(), 1);
    EQ("uid", ds.shm_perm.uid == geteuid() && ds.shm_perm.cuid == geteuid(), 1);
    EQ("atime 0", ds.shm_atime, 0);
    EQ("ctime set", ds.shm_ctime > 0, 1);

    /* attach at a free address */
    p = shmat(id, NULL, 0);
    TRUE("shmat", p != (void *)-1);
    TRUE("zeroed", p[0] == 0 && p[9999] == 0);
    strcpy(p, "xyz");
    MUST(shmctl(id, IPC_STAT, &ds));
    EQ("nattch 1", ds.shm_nattch, 1);
    EQ("lpid is me", ds.shm_lpid == getpid(), 1);
    EQ("atime set", ds.shm_atime > 0, 1);
    TRUE("proc line", proc_find(id, &psize, &pnattch));
    EQ("proc size", psize, 10000);
    EQ("proc nattch", pnattch, 1);

    /* a second attach sees the same bytes */
    q = shmat(id, NULL, SHM_RDONLY);
    TRUE("shmat rdonly", q != (void *)-1 && q != p);
    STREQ("shared bytes", q, "xyz");
    MUST(shmctl(id, IPC_STAT, &ds));
    EQ("nattch 2", ds.shm_nattch, 2);
    ERR("mprotect rdonly to write", mprotect(q, pg, PROT_READ | PROT_WRITE), EACCES);
    {
        struct sigaction sa = { .sa_handler = on_segv }, old;
        volatile int faulted = 0;
        sigaction(SIGSEGV, &sa, &old);
        if (sigsetjmp(jb, 1) == 0)
            *(volatile char *)q = 'A';
        else
            faulted = 1;
        sigaction(SIGSEGV, &old, NULL);
        EQ("write to rdonly faults", faulted, 1);
    }
    OK("shmdt rdonly", shmdt(q));

    /* placement */
    ERR("shmat unaligned", (long)shmat(id, p + 1, 0), EINVAL);
    ERR("shmat overlap", (long)shmat(id, p, 0), EINVAL);
    ERR("shmat remap null", (long)shmat(id, NULL, SHM_REMAP), EINVAL);
    q = shmat(id, p + 1, SHM_RND | SHM_REMAP);
    EQ("shmat rnd remap", q == p, 1);
    STREQ("remapped bytes", p, "xyz");
    MUST(shmctl(id, IPC_STAT, &ds));
    EQ("nattch after remap", ds.shm_nattch, 1);
    {
        char *free_spot = mmap(NULL, 4 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        MUST(munmap(free_spot, 4 * pg));
        q = shmat(id, free_spot + 1, SHM_RND);
        EQ("shmat rnd at free spot", q == free_spot, 1);
        STREQ("fixed attach bytes", q, "xyz");
        OK("shmdt fixed", shmdt(q));
    }

    /* shmdt errors */
    ERR("shmdt unaligned", shmdt(p + 1), EINVAL);
    ERR("shmdt middle", shmdt(p + pg), EINVAL);
    ERR("shmdt not shm", shmdt(&key), EINVAL);

    /* IPC_SET, permissions */
    ds.shm_perm.mode = 0640;
    OK("ipc_set", shmctl(id, IPC_SET, &ds));
    MUST(shmctl(id, IPC_STAT, &ds));
    EQO("mode after set", ds.shm_perm.mode, 0640);
    ds.shm_perm.mode = 0600;
    MUST(shmctl(id, IPC_SET, &ds));
    if (geteuid() == 0) {
        EQ("nobody denied", (child_id = id, conf_in_child(as_nobody)), 0);
        ds.shm_perm.mode = 0644;
        MUST(shmctl(id, IPC_SET, &ds));
        strcpy(p, "x");
        EQ("nobody reads 0644", (child_id = id, conf_in_child(as_nobody_ro)), 0);
    } else {
        printf("nobody denied: 0\nnobody reads 0644: 0\n");
    }
    OK("shm_lock", shmctl(id, SHM_LOCK, NULL));
    MUST(shmctl(id, IPC_STAT, &ds));
    EQ("locked flag", !!(ds.shm_perm.mode & SHM_LOCKED), 1);
    OK("shm_unlock", shmctl(id, SHM_UNLOCK, NULL));

    /* ctl errors */
    ERR("ctl bad cmd", shmctl(id, 12345, &ds), EINVAL);
    ERR("ctl negative id", shmctl(-1, IPC_STAT, &ds), EINVAL);
    ERR("ctl stat efault", shmctl(id, IPC_STAT, BADPTR), EFAULT);
    ERR("shmat stale id", (long)shmat(id + 32768 * 7, NULL, 0), EINVAL);

    /* info */
    EQ("ipc_info", shmctl(0, IPC_INFO, (struct shmid_ds *)&info) >= 0, 1);
    EQ("shmmni", info.shmmni, 4096);
    EQ("shmmin", info.shmmin, 1);
    EQ("shm_info", shmctl(0, SHM_INFO, (struct shmid_ds *)&sinfo) >= 0, 1);
    EQ("used_ids", sinfo.used_ids >= 2, 1);

    /* IPC_RMID while attached: destroyed, private, still there */
    OK("rmid attached", shmctl(id, IPC_RMID, NULL));
    MUST(shmctl(id, IPC_STAT, &ds));
    EQ("dest flag", !!(ds.shm_perm.mode & SHM_DEST), 1);
    EQ("key private", ds.shm_perm.__key, IPC_PRIVATE);
    ERR("key gone", shmget(key, 0, 0600), ENOENT);
    q = shmat(id, NULL, 0);
    TRUE("attach destroyed", q != (void *)-1);
    OK("shmdt one", shmdt(q));
    OK("stat still", shmctl(id, IPC_STAT, &ds));
    OK("shmdt last", shmdt(p));
    ERR("stat after last detach", shmctl(id, IPC_STAT, &ds), EINVAL);
    ERR("shmdt again", shmdt(p), EINVAL);

    /* unattached: gone at once */
    OK("rmid unattached", shmctl(id2, IPC_RMID, NULL));
    ERR("stat removed", shmctl(id2, IPC_STAT, &ds), EINVAL);
    ERR("rmid twice", shmctl(id2, IPC_RMID, NULL), EINVAL);
    return conf_done();
}
