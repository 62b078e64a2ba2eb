/* cred_capabilities: capget/capset as a real capability model: version
 * negotiation, dropping an effective capability disables the operation and
 * raising it again works while permitted, dropping it from permitted is
 * final, a uid change clears the sets (PR_SET_KEEPCAPS keeps permitted),
 * the bounding set. Needs root; each case runs in a child; no masks are
 * printed, only facts. */
#include "conf.h"
#include <linux/capability.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

struct caps {
    struct __user_cap_header_struct h;
    struct __user_cap_data_struct d[2];
};

static int get(struct caps *c, pid_t pid)
{
    c->h.version = _LINUX_CAPABILITY_VERSION_3;
    c->h.pid = pid;
    return syscall(SYS_capget, &c->h, c->d);
}

static int set(struct caps *c)
{
    c->h.version = _LINUX_CAPABILITY_VERSION_3;
    c->h.pid = 0;
    return syscall(SYS_capset, &c->h, c->d);
}

static int has(const struct caps *c, int cap, int which) /* 0 eff, 1 perm */
{
    unsigned v = which ? c->d[cap / 32].permitted : c->d[cap / 32].effective;
    return (v >> (cap % 32)) & 1;
}

static void clear(struct caps *c, int cap, int eff, int perm)
{
    if (eff)
        c->d[cap / 32].effective &= ~(1u << (cap % 32));
    if (perm)
        c->d[cap / 32].permitted &= ~(1u << (cap % 32));
}

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

static const char *tmp;

static int drop_effective(void)
{
    struct caps c;
    int res = 0;

    CHECK(0, get(&c, 0) == 0 && has(&c, CAP_CHOWN, 0) && has(&c, CAP_CHOWN, 1));
    CHECK(1, chown(tmp, 1234, 1234) == 0);
    clear(&c, CAP_CHOWN, 1, 0);
    CHECK(2, set(&c) == 0);
    CHECK(3, get(&c, 0) == 0 && !has(&c, CAP_CHOWN, 0) && has(&c, CAP_CHOWN, 1));
    CHECK(4, chown(tmp, 0, 0) == -1 && errno == EPERM);
    c.d[0].effective |= 1u << CAP_CHOWN; /* back from permitted */
    CHECK(5, set(&c) == 0);
    CHECK(6, chown(tmp, 0, 0) == 0);
    return res;
}

static int drop_permitted(void)
{
    struct caps c;
    int res = 0;

    get(&c, 0);
    clear(&c, CAP_CHOWN, 1, 1);
    CHECK(0, set(&c) == 0);
    c.d[0].effective |= 1u << CAP_CHOWN;
    CHECK(1, set(&c) == -1 && errno == EPERM); /* not in permitted any more */
    c.d[0].permitted |= 1u << CAP_CHOWN;
    CHECK(2, set(&c) == -1 && errno == EPERM);
    CHECK(3, chown(tmp, 1234, 1234) == -1 && errno == EPERM);
    /* effective must stay within permitted */
    get(&c, 0);
    c.d[0].effective |= 1u << CAP_CHOWN;
    CHECK(4, set(&c) == -1 && errno == EPERM);
    return res;
}

static int uid_change(void)
{
    struct caps c;
    int res = 0;

    CHECK(0, prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) == 0);
    CHECK(1, prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0);
    CHECK(2, setresuid(1234, 1234, 1234) == 0);
    CHECK(3, get(&c, 0) == 0 && !has(&c, CAP_CHOWN, 0) && has(&c, CAP_CHOWN, 1)); /* keepcaps */
    c.d[0].effective |= 1u << CAP_CHOWN;
    CHECK(4, set(&c) == 0);
    CHECK(5, chown(tmp, 1234, 1234) == 0); /* a non-root uid using a capability */
    return res;
}

static int uid_change_no_keep(void)
{
    struct caps c;
    int res = 0;

    CHECK(0, setresuid(1234, 1234, 1234) == 0);
    CHECK(1, get(&c, 0) == 0 && c.d[0].effective == 0 && c.d[0].permitted == 0 &&
                 c.d[1].effective == 0 && c.d[1].permitted == 0);
    c.d[0].effective = 1u << CAP_CHOWN;
    CHECK(2, set(&c) == -1 && errno == EPERM);
    return res;
}

static int bounding(void)
{
    int res = 0;

    CHECK(0, prctl(PR_CAPBSET_READ, CAP_SETUID, 0, 0, 0) == 1);
    CHECK(1, prctl(PR_CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0) == 0 || errno == EINVAL);
    CHECK(2, prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0) == 0);
    CHECK(3, prctl(PR_CAPBSET_READ, 200, 0, 0, 0) == -1 && errno == EINVAL);
    return res;
}

int main(void)
{
    struct caps c, parent;
    int fd;

    if (geteuid() != 0)
        conf_skip("needs root (capabilities)");
    tmp = conf_tmp("caps");
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    close(fd);

    /* Version negotiation. */
    c.h.version = 0x12345678;
    c.h.pid = 0;
    ERR("capget unknown version", syscall(SYS_capget, &c.h, c.d), EINVAL);
    TRUE("  the kernel writes back its preferred version", c.h.version == _LINUX_CAPABILITY_VERSION_3);
    c.h.version = 0x12345678;
    EQ("capget unknown version, NULL data: a probe, returns 0", syscall(SYS_capget, &c.h, NULL), 0);
    TRUE("  and writes back the version", c.h.version == _LINUX_CAPABILITY_VERSION_3);
    OK("capget v3", get(&c, 0));
    TRUE("root: effective == permitted", c.d[0].effective == c.d[0].permitted && c.d[1].effective == c.d[1].permitted);
    TRUE("root: CAP_SETUID, CAP_KILL, CAP_CHOWN effective",
         has(&c, CAP_SETUID, 0) && has(&c, CAP_KILL, 0) && has(&c, CAP_CHOWN, 0));
    TRUE("inheritable empty", c.d[0].inheritable == 0 && c.d[1].inheritable == 0);
    {
        pid_t k = fork();
        MUST(k);
        if (k == 0) {
            pause();
            _exit(0);
        }
        OK("capget of another process (our child)", get(&parent, k));
        TRUE("  same sets as ours", parent.d[0].effective == c.d[0].effective);
        c.h.version = _LINUX_CAPABILITY_VERSION_3;
        c.h.pid = k;
        ERR("capset on another process", syscall(SYS_capset, &c.h, c.d), EPERM);
        kill(k, SIGKILL);
        waitpid(k, NULL, 0);
    }
    ERR("capget no such pid", get(&parent, 0x3ffffff0), ESRCH);

    EQ("drop an effective cap, raise it again", in_child(drop_effective), 0);
    EQ("drop a permitted cap: gone for good", in_child(drop_permitted), 0);
    EQ("uid change with PR_SET_KEEPCAPS keeps permitted", in_child(uid_change), 0);
    EQ("uid change without it clears everything", in_child(uid_change_no_keep), 0);
    EQ("bounding set read and drop", in_child(bounding), 0);
    unlink(tmp);
    return conf_done();
}
