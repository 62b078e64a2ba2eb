/* prctl_misc: the smaller prctl options: KEEPCAPS, CAPBSET_READ/DROP (and
 * their order of checks), TIMERSLACK, THP_DISABLE (inherited), GET_SECCOMP,
 * MCE_KILL, SET_MM argument checks (unprivileged), SET_VMA, and the
 * subreaper and parent-death signal corners: orphans go to the nearest live
 * subreaper, the flag is not inherited, PDEATHSIG names the dead parent and
 * fires when the forking thread exits. */
#include "conf.h"
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <linux/capability.h>

static int child_status(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Unprivileged checks, in a child that dropped to nobody. */
static int unprivileged(void)
{
    int res = 0;
    unsigned sz = 0;

    if (setuid(65534))
        return 100;
    errno = 0;
    res |= prctl(PR_SET_MM, PR_SET_MM_START_CODE, 0x1000, 0, 0) == -1 && errno == EPERM ? 0 : 1;
    res |= prctl(PR_SET_MM, 99, 0x1000, 0, 0) == -1 && errno == EPERM ? 0 : 2;
    res |= prctl(PR_SET_MM, PR_SET_MM_MAP, 0, 0, 0) == -1 && errno == EINVAL ? 0 : 4;
    res |= prctl(PR_SET_MM, PR_SET_MM_MAP, 0, 104, 0) == -1 && errno == EFAULT ? 0 : 8;
    res |= prctl(PR_SET_MM, PR_SET_MM_MAP_SIZE, &sz, 0, 0) == 0 && sz == 104 ? 0 : 16;
    res |= prctl(PR_CAPBSET_DROP, 99, 0, 0, 0) == -1 && errno == EPERM ? 0 : 32;
    res |= prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0) == -1 && errno == EPERM ? 0 : 64;
    return res;
}

/* A chain: we (subreaper) -> b (subreaper) -> c -> d. c exits: d goes to b;
 * b exits: d goes to us. d reports its parent each time on a pipe. */
static void nearest_subreaper(void)
{
    int p[2], go[2], go2[2];
    pid_t b, me = getpid();
    pid_t got[3] = { 0, 0, 0 }, bpid = 0;

    MUST(pipe(p));
    MUST(pipe(go));
    MUST(pipe(go2));
    b = fork();
    MUST(b);
    if (b == 0) {
        pid_t c;
        char ch;
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        c = fork();
        if (c == 0) {
            if (fork() == 0) {
                pid_t pp, bp = getppid();
                close(go2[0]);
                close(go2[1]);
                /* d: parent is c; wait until c is gone. */
                for (int i = 0; i < 5000 && (pp = getppid()) == bp; i++)
                    usleep(1000);
                if (write(p[1], &pp, sizeof(pp)) < 0)
                    _exit(1);
                /* then until b is gone */
                close(go[1]);
                while (read(go[0], &ch, 1) > 0)
                    ;
                for (int i = 0; i < 5000 && (pp = getppid()) != me; i++)
                    usleep(1000);
                if (write(p[1], &pp, sizeof(pp)) < 0)
                    _exit(1);
                _exit(0);
            }
            _exit(0);
        }
        {
            pid_t mine = getpid();
            waitpid(c, NULL, 0);
            if (write(p[1], &mine, sizeof(mine)) < 0)
                _exit(1);
        }
        close(go[0]);
        close(go[1]);
        close(go2[1]);
        while (read(go2[0], &ch, 1) > 0)
            ;
        _exit(0);
    }
    close(go[0]);
    close(go2[0]);
    close(p[1]);
    /* Two reports come in any order: b's pid and d's new parent. */
    for (int i = 0; i < 2; i++)
        if (read(p[0], &got[i], sizeof(got[i])) != sizeof(got[i]))
            got[i] = -1;
    bpid = b;
    TRUE("orphan goes to the nearest subreaper",
         (got[0] == bpid && got[1] == bpid));
    close(go[1]);  /* d may go on once b is gone */
    close(go2[1]); /* b exits */
    EQ("subreaper exits", child_status(b), 0);
    if (read(p[0], &got[2], sizeof(got[2])) != sizeof(got[2]))
        got[2] = -1;
    TRUE("then to the next one up", got[2] == me);
    {
        int n = 0;
        while (waitpid(-1, NULL, 0) > 0)
            n++;
        EQ("and we reap it", n, 1);
    }
    close(p[0]);
}

static volatile sig_atomic_t pd_pid, pd_code, pd_sig;
static void on_pdeath(int sig, siginfo_t *si, void *uc)
{
    pd_sig = sig;
    pd_pid = si->si_pid;
    pd_code = si->si_code;
}

/* SIGUSR1 as our parent-death signal, caught with its siginfo. */
static void arm_pdeath(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_pdeath;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
}

/* The parent-death signal's siginfo: SI_USER from the dead parent. */
static void pdeath_info(void)
{
    int p[2], r[2];
    pid_t mid;

    MUST(pipe(p));
    MUST(pipe(r));
    mid = fork();
    MUST(mid);
    if (mid == 0) {
        pid_t g, m = getpid();
        close(p[0]);
        g = fork();
        if (g == 0) {
            char c = 0;
            int res;
            arm_pdeath();
            close(r[1]);
            if (write(p[1], &c, 1) != 1)
                _exit(1);
            while (!pd_sig)
                usleep(1000);
            res = (pd_sig == SIGUSR1 ? 0 : 2) | (pd_code == SI_USER ? 0 : 4) |
                  (pd_pid == m ? 0 : 8);
            if (write(p[1], &res, sizeof(res)) != sizeof(res))
                _exit(1);
            _exit(0);
        }
        close(p[1]);
        close(r[1]);
        {
            char c;
            while (read(r[0], &c, 1) > 0)
                ;
        }
        _exit(0);
    }
    close(p[1]);
    close(r[0]);
    {
        char c;
        int res = -1;
        EQ("grandchild armed", read(p[0], &c, 1), 1);
        close(r[1]);
        EQ("middle exits", child_status(mid), 0);
        EQ("PDEATHSIG: SIGUSR1, SI_USER, si_pid the dead parent",
           read(p[0], &res, sizeof(res)) == sizeof(res) ? res : -1, 0);
        while (waitpid(-1, NULL, 0) > 0)
            ;
    }
    close(p[0]);
}

/* The parent of PDEATHSIG is the thread that forked: its exit fires the
 * signal even though the process lives on (and stays the parent). */
static int pt_pipe[2];
static pid_t pt_child;
static void *forking_thread(void *arg)
{
    char c;
    pt_child = fork();
    if (pt_child == 0) {
        int res;
        arm_pdeath();
        if (write(pt_pipe[1], "a", 1) != 1)
            _exit(1);
        for (int i = 0; i < 5000 && !pd_sig; i++)
            usleep(1000);
        res = (pd_sig == SIGUSR1 ? 0 : 2) | (pd_code == SI_USER ? 0 : 4) |
              (getppid() == pd_pid ? 0 : 8);
        _exit(res);
    }
    (void)!read(pt_pipe[0], &c, 1);
    return NULL;
}

static void pdeath_thread(void)
{
    pthread_t th;
    int st;

    MUST(pipe(pt_pipe));
    pthread_create(&th, NULL, forking_thread, NULL);
    pthread_join(th, NULL);
    EQ("PDEATHSIG when the forking thread exits (process lives on)",
       waitpid(pt_child, &st, 0) == pt_child && WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    close(pt_pipe[0]);
    close(pt_pipe[1]);
}

int main(void)
{
    pid_t pid;
    int v;

    /* KEEPCAPS. */
    EQ("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0), 0);
    ERR("PR_SET_KEEPCAPS 2", prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0), EINVAL);
    OK("PR_SET_KEEPCAPS 1 (extra args ignored)", prctl(PR_SET_KEEPCAPS, 1, 1, 0, 0));
    EQ("  reads back", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0), 1);
    OK("PR_SET_KEEPCAPS 0", prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));

    /* Bounding set. */
    EQ("PR_CAPBSET_READ CAP_CHOWN", prctl(PR_CAPBSET_READ, CAP_CHOWN, 0, 0, 0), 1);
    EQ("PR_CAPBSET_READ CAP_LAST_CAP", prctl(PR_CAPBSET_READ, CAP_LAST_CAP, 0, 0, 0), 1);
    ERR("PR_CAPBSET_READ past the last", prctl(PR_CAPBSET_READ, CAP_LAST_CAP + 1, 0, 0, 0), EINVAL);
    ERR("PR_CAPBSET_READ -1", prctl(PR_CAPBSET_READ, -1L, 0, 0, 0), EINVAL);
    ERR("PR_CAPBSET_DROP past the last", prctl(PR_CAPBSET_DROP, CAP_LAST_CAP + 1, 0, 0, 0), EINVAL);
    OK("PR_CAPBSET_DROP CAP_KILL", prctl(PR_CAPBSET_DROP, CAP_KILL, 0, 0, 0));
    EQ("  gone from the set", prctl(PR_CAPBSET_READ, CAP_KILL, 0, 0, 0), 0);
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(prctl(PR_CAPBSET_READ, CAP_KILL, 0, 0, 0));
    EQ("  a child inherits the smaller set", child_status(pid), 0);

    /* Timer slack. */
    EQ("PR_GET_TIMERSLACK default", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 50000);
    OK("PR_SET_TIMERSLACK 1000", prctl(PR_SET_TIMERSLACK, 1000, 0, 0, 0));
    EQ("  reads back", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 1000);
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0) == 1000 ? 0 : 1);
    EQ("  inherited by a child", child_status(pid), 0);
    OK("PR_SET_TIMERSLACK 0", prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0));
    EQ("  back to the default", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 50000);

    /* THP disable. */
    EQ("PR_GET_THP_DISABLE", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 0);
    ERR("PR_GET_THP_DISABLE extra arg", prctl(PR_GET_THP_DISABLE, 1, 0, 0, 0), EINVAL);
    ERR("PR_SET_THP_DISABLE extra arg", prctl(PR_SET_THP_DISABLE, 1, 1, 0, 0), EINVAL);
    OK("PR_SET_THP_DISABLE 5", prctl(PR_SET_THP_DISABLE, 5, 0, 0, 0));
    EQ("  reads back 1", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 1);
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
    EQ("  inherited by a child", child_status(pid), 1);
    OK("PR_SET_THP_DISABLE 0", prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0));

    /* Seccomp mode, machine-check policy. */
    EQ("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0), 0);
    EQ("PR_MCE_KILL_GET default", prctl(PR_MCE_KILL_GET, 0, 0, 0, 0), PR_MCE_KILL_DEFAULT);
    ERR("PR_MCE_KILL_GET extra arg", prctl(PR_MCE_KILL_GET, 1, 0, 0, 0), EINVAL);
    OK("PR_MCE_KILL SET EARLY", prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0));
    EQ("  reads back", prctl(PR_MCE_KILL_GET, 0, 0, 0, 0), PR_MCE_KILL_EARLY);
    OK("PR_MCE_KILL SET LATE", prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_LATE, 0, 0));
    EQ("  reads back", prctl(PR_MCE_KILL_GET, 0, 0, 0, 0), PR_MCE_KILL_LATE);
    ERR("PR_MCE_KILL SET 7", prctl(PR_MCE_KILL, PR_MCE_KILL_SET, 7, 0, 0), EINVAL);
    ERR("PR_MCE_KILL SET extra arg", prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_LATE, 1, 0), EINVAL);
    OK("PR_MCE_KILL SET DEFAULT", prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_DEFAULT, 0, 0));
    EQ("  reads back", prctl(PR_MCE_KILL_GET, 0, 0, 0, 0), PR_MCE_KILL_DEFAULT);
    OK("PR_MCE_KILL CLEAR", prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 0, 0, 0));
    ERR("PR_MCE_KILL CLEAR extra arg", prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 1, 0, 0), EINVAL);
    ERR("PR_MCE_KILL 5", prctl(PR_MCE_KILL, 5, 0, 0, 0), EINVAL);

    /* SET_MM: argument checks come before privilege. */
    ERR("PR_SET_MM arg5", prctl(PR_SET_MM, PR_SET_MM_START_CODE, 0x1000, 0, 1), EINVAL);
    ERR("PR_SET_MM arg4", prctl(PR_SET_MM, PR_SET_MM_START_CODE, 0x1000, 1, 0), EINVAL);
    ERR("PR_SET_MM_MAP_SIZE bad pointer", prctl(PR_SET_MM, PR_SET_MM_MAP_SIZE, BADPTR, 0, 0), EFAULT);
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(unprivileged());
    EQ("unprivileged SET_MM and CAPBSET_DROP (bits of failures)", child_status(pid), 0);

    /* SET_VMA: this kernel has no anonymous VMA names (EINVAL). */
    {
        char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        MUST(m == MAP_FAILED ? -1 : 0);
        errno = 0;
        if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, m, 8192, "x") == 0)
            conf_skip("the host kernel names anonymous VMAs (CONFIG_ANON_VMA_NAME)");
        ERR("PR_SET_VMA_ANON_NAME", prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, m, 8192, "x"), EINVAL);
        ERR("PR_SET_VMA 1", prctl(PR_SET_VMA, 1, m, 8192, "x"), EINVAL);
        munmap(m, 8192);
    }

    /* Parent death, subreapers. */
    ERR("PR_GET_PDEATHSIG bad pointer", prctl(PR_GET_PDEATHSIG, BADPTR, 0, 0, 0), EFAULT);
    ERR("PR_GET_CHILD_SUBREAPER bad pointer", prctl(PR_GET_CHILD_SUBREAPER, BADPTR, 0, 0, 0), EFAULT);
    ERR("PR_SET_PDEATHSIG -1", prctl(PR_SET_PDEATHSIG, -1L, 0, 0, 0), EINVAL);
    OK("PR_SET_PDEATHSIG 64", prctl(PR_SET_PDEATHSIG, 64, 0, 0, 0));
    OK("PR_SET_PDEATHSIG 0", prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0));
    OK("PR_SET_CHILD_SUBREAPER 5", prctl(PR_SET_CHILD_SUBREAPER, 5, 0, 0, 0));
    v = -1;
    prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
    EQ("  reads back 1", v, 1);
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int w = -1;
        prctl(PR_GET_CHILD_SUBREAPER, &w, 0, 0, 0);
        _exit(w);
    }
    EQ("  not inherited", child_status(pid), 0);
    nearest_subreaper();
    pdeath_info();
    pdeath_thread();
    return conf_done();
}
