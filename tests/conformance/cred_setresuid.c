/* cred_setresuid: uid/gid changes as root and their consequences: saved
 * ids allow switching back, dropping all ids makes privileged operations
 * fail (EPERM/EACCES), capabilities follow the uid, setgroups, setfsuid,
 * and signal permission checks. Needs root: skipped otherwise. Every case
 * runs in a child; only relations and fixed ids are printed. */
#include "conf.h"
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define NOBODY 65534

static const char *tmpfile_root;

static int in_child(int (*fn)(void))
{
    int st;
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0)
        _exit(fn());
    MUST(waitpid(pid, &st, 0));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

#define CHECK(bit, cond) res |= (cond) ? 0 : 1 << (bit)

static int caps_effective(unsigned *lo)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];

    if (syscall(SYS_capget, &h, d))
        return -1;
    *lo = d[0].effective;
    return 0;
}

static int keep_saved_root(void)
{
    int res = 0;
    uid_t r, e, s;
    unsigned caps = 0;

    CHECK(0, setresuid(NOBODY, NOBODY, 0) == 0);
    CHECK(1, getresuid(&r, &e, &s) == 0 && r == NOBODY && e == NOBODY && s == 0);
    CHECK(2, caps_effective(&caps) == 0 && caps == 0);          /* euid != 0: no caps */
    CHECK(3, seteuid(0) == 0 && geteuid() == 0);               /* via the saved uid */
    CHECK(4, caps_effective(&caps) == 0 && (caps & (1u << CAP_SETUID)));
    CHECK(5, setresuid(-1, -1, -1) == 0 && getuid() == NOBODY); /* -1: unchanged */
    CHECK(6, setuid(NOBODY) == 0);                             /* as euid 0: sets all three */
    CHECK(7, getresuid(&r, &e, &s) == 0 && r == NOBODY && e == NOBODY && s == NOBODY);
    CHECK(8, seteuid(0) == -1 && errno == EPERM);
    return res;
}

static int dropped(void)
{
    int res = 0;
    gid_t g[4];
    struct rlimit rl;

    CHECK(0, setgroups(0, NULL) == 0);
    CHECK(1, setresgid(NOBODY, NOBODY, NOBODY) == 0);
    CHECK(2, setresuid(NOBODY, NOBODY, NOBODY) == 0);
    CHECK(3, getgroups(4, g) == 0);
    CHECK(4, setuid(0) == -1 && errno == EPERM);
    CHECK(5, setresuid(-1, 0, -1) == -1 && errno == EPERM);
    CHECK(6, setgid(0) == -1 && errno == EPERM);
    CHECK(7, setgroups(0, NULL) == -1 && errno == EPERM);
    CHECK(8, open(tmpfile_root, O_RDONLY) == -1 && errno == EACCES);  /* 0600 root file */
    CHECK(9, chroot("/") == -1 && errno == EPERM);
    CHECK(10, sethostname("x", 1) == -1 && errno == EPERM);
    CHECK(11, setpriority(PRIO_PROCESS, 0, -1) == -1 && errno == EACCES);
    CHECK(12, getrlimit(RLIMIT_NOFILE, &rl) == 0);
    rl.rlim_max = rl.rlim_max == RLIM_INFINITY ? rl.rlim_max : rl.rlim_max + 1;
    CHECK(13, rl.rlim_max == RLIM_INFINITY || (setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EPERM));
    CHECK(14, kill(getppid(), 0) == -1 && errno == EPERM);      /* root's process */
    CHECK(15, chown("/tmp", NOBODY, NOBODY) == -1 && errno == EPERM);
    CHECK(16, setuid(NOBODY) == 0);                             /* to itself: fine */
    CHECK(17, mknod("/tmp/conf-cred-node", S_IFCHR | 0600, 0x0103) == -1 && errno == EPERM);
    return res;
}

static int real_uid_switch(void)
{
    int res = 0;
    uid_t r, e, s;

    /* setreuid as root: real and effective; saved follows the new euid. */
    CHECK(0, setreuid(1000, 2000) == 0);
    CHECK(1, getresuid(&r, &e, &s) == 0 && r == 1000 && e == 2000 && s == 2000);
    /* unprivileged now: may swap to the real uid, not to others */
    CHECK(2, setreuid(-1, 1000) == 0 && geteuid() == 1000);
    CHECK(3, setreuid(-1, 3000) == -1 && errno == EPERM);
    CHECK(4, setreuid(-1, 2000) == 0 && geteuid() == 2000);  /* the saved uid */
    return res;
}

static int fsuid(void)
{
    int res = 0;

    CHECK(0, setfsuid(NOBODY) == 0);      /* returns the previous fsuid */
    CHECK(1, setfsuid(-1) == NOBODY);     /* query */
    CHECK(2, open(tmpfile_root, O_RDONLY) == -1 && errno == EACCES); /* fsuid decides */
    CHECK(3, geteuid() == 0);
    CHECK(4, setfsuid(0) == NOBODY);
    return res;
}

static int signals(void)
{
    int res = 0, st, p[2];
    char c;
    pid_t a;

    if (pipe(p))
        return 255;
    a = fork();
    if (a == 0) {
        close(p[1]);
        setresuid(NOBODY, NOBODY, NOBODY);
        _exit(read(p[0], &c, 1) < 0); /* until EOF */
    }
    close(p[0]);
    usleep(20000);
    /* Become other unprivileged users and try to signal it. */
    CHECK(0, setresuid(NOBODY, 4000, 4000) == 0);
    CHECK(1, kill(a, 0) == 0);            /* our real uid is its uid */
    CHECK(2, setresuid(4000, 4000, 4000) == 0);
    CHECK(3, kill(a, SIGTERM) == -1 && errno == EPERM);
    CHECK(4, kill(a, SIGCONT) == 0);      /* SIGCONT within the session is allowed */
    close(p[1]);
    CHECK(5, waitpid(a, &st, 0) == a && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return res;
}

int main(void)
{
    int fd;

    if (geteuid() != 0)
        conf_skip("needs root (uid changes)");
    tmpfile_root = conf_tmp("cred");
    fd = open(tmpfile_root, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    close(fd);
    MUST(chown(tmpfile_root, 0, 0));
    MUST(chmod(tmpfile_root, 0600));

    EQ("saved uid 0 allows switching back; caps follow euid", in_child(keep_saved_root), 0);
    EQ("all ids dropped: privileged operations refused", in_child(dropped), 0);
    EQ("setreuid rules", in_child(real_uid_switch), 0);
    EQ("setfsuid decides file access", in_child(fsuid), 0);
    EQ("kill permission follows real/effective uid", in_child(signals), 0);
    unlink(tmpfile_root);
    return conf_done();
}
