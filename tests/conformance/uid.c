/* uid: real, effective and saved user and group ids. */
#include "conf.h"

int main(void)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;
    gid_t groups[256];
    int n;

    /* The sandbox runs the app with the caller's ids: values match. */
    printf("uid: %d\n", (int)getuid());
    printf("gid: %d\n", (int)getgid());
    TRUE("uid == euid", getuid() == geteuid());
    TRUE("gid == egid", getgid() == getegid());
    OK("getresuid", getresuid(&r, &e, &s));
    TRUE("resuid all equal", r == e && e == s && r == getuid());
    OK("getresgid", getresgid(&gr, &ge, &gs));
    TRUE("resgid all equal", gr == ge && ge == gs && gr == getgid());
    TRUE("raw getuid == libc", syscall(SYS_getuid) == getuid());
    TRUE("raw geteuid == libc", syscall(SYS_geteuid) == geteuid());
    TRUE("raw getgid == libc", syscall(SYS_getgid) == getgid());
    TRUE("raw getegid == libc", syscall(SYS_getegid) == getegid());
    ERR("getresuid bad pointer", syscall(SYS_getresuid, BADPTR, &e, &s), EFAULT);
    ERR("getresgid bad pointer", syscall(SYS_getresgid, &gr, &ge, BADPTR), EFAULT);

    n = getgroups(0, NULL);
    TRUE("getgroups count >= 0", n >= 0);
    TRUE("getgroups fills count", getgroups(256, groups) == n);
    ERR("getgroups negative", syscall(SYS_getgroups, -1, groups), EINVAL);

    /* Setting ids to their current values is always allowed. */
    OK("setuid(getuid())", setuid(getuid()));
    OK("setgid(getgid())", setgid(getgid()));
    OK("setresuid(-1,-1,-1)", setresuid(-1, -1, -1));
    OK("setresgid(-1,-1,-1)", setresgid(-1, -1, -1));
    OK("setreuid(-1,-1)", setreuid(-1, -1));
    OK("seteuid(geteuid())", seteuid(geteuid()));
    TRUE("ids unchanged", getuid() == r && geteuid() == e && getgid() == gr);
    return conf_done();
}
