/* dev_tty_open: /dev/tty without a controlling terminal is ENXIO (checked after
 * setsid(), so the caller's terminal does not matter); /dev/tty is 5:0;
 * TIOCNOTTY/TIOCSCTTY on non-terminals. */
#include "conf.h"
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

static int no_ctty(void)
{
    int res = 0;

    if (setsid() < 0)
        return 90;
    if (open("/dev/tty", O_RDWR) != -1 || errno != ENXIO)
        res |= 1;
    if (open("/dev/tty", O_RDONLY | O_NONBLOCK) != -1 || errno != ENXIO)
        res |= 2;
    if (ioctl(0, TIOCSCTTY, 0) != -1 || errno != ENOTTY) /* stdin is /dev/null */
        res |= 4;
    return res;
}

int main(void)
{
    conf_need_pty();
    struct stat st;

    OK("stat /dev/tty", stat("/dev/tty", &st));
    TRUE("  char device 5:0", S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 && minor(st.st_rdev) == 0);
    EQO("  mode", st.st_mode & 0777, 0666);
    EQ("new session: /dev/tty ENXIO, TIOCSCTTY ENOTTY (0 = as Linux)", conf_in_child(no_ctty), 0);
    ERR("TIOCGPGRP on /dev/null", ioctl(0, TIOCGPGRP, &(pid_t){ 0 }), ENOTTY);
    ERR("ttyname of /dev/null", ttyname_r(0, (char[64]){ 0 }, 64) ? (errno = ENOTTY, -1) : 0, ENOTTY);
    return conf_done();
}
