/* pid: getpid, gettid, getppid and process-group ids of a lone process. */
#include "conf.h"

int main(void)
{
    pid_t pid = getpid(), tid = gettid(), ppid = getppid();
    static int tidaddr;

    TRUE("pid > 0", pid > 0);
    TRUE("tid == pid", tid == pid);
    TRUE("raw gettid == getpid", syscall(SYS_gettid) == syscall(SYS_getpid));
    TRUE("ppid >= 0", ppid >= 0);
    TRUE("ppid != pid", ppid != pid);
    TRUE("getpid stable", getpid() == pid && syscall(SYS_getpid) == pid);
    TRUE("getppid stable", getppid() == ppid);
    TRUE("set_tid_address returns tid",
         syscall(SYS_set_tid_address, &tidaddr) == tid);
    TRUE("getpgid(0) >= 0", getpgid(0) >= 0); /* 0 in a container whose group leader is outside its pid namespace */
    TRUE("getpgid(0) == getpgrp()", getpgid(0) == getpgrp());
    TRUE("getpgid(pid) == getpgid(0)", getpgid(pid) == getpgid(0));
    TRUE("getsid(0) >= 0", getsid(0) >= 0);
    TRUE("getsid(pid) == getsid(0)", getsid(pid) == getsid(0));
    ERR("getpgid(-1)", getpgid(-1), ESRCH);
    ERR("getpgid(no such pid)", getpgid(0x3ffffff0), ESRCH);
    ERR("getsid(no such pid)", getsid(0x3ffffff0), ESRCH);
    return conf_done();
}
