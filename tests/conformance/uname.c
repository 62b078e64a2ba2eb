/* uname: identity fields a Linux x86-64 program relies on. */
#include "conf.h"
#include <ctype.h>
#include <sys/utsname.h>

int main(void)
{
    struct utsname u;
    int major = 0;

    OK("uname", uname(&u));
    STREQ("sysname", u.sysname, "Linux");
    STREQ("machine", u.machine, "x86_64");
    TRUE("nodename non-empty", u.nodename[0] != 0);
    TRUE("nodename terminated", memchr(u.nodename, 0, sizeof(u.nodename)) != NULL);
    TRUE("release starts with digit", isdigit((unsigned char)u.release[0]));
    sscanf(u.release, "%d", &major);
    TRUE("release major >= 3", major >= 3);
    TRUE("release has a dot", strchr(u.release, '.') != NULL);
    TRUE("version non-empty", u.version[0] != 0);
    TRUE("domainname terminated",
         memchr(u.domainname, 0, sizeof(u.domainname)) != NULL);
    ERR("uname bad pointer", syscall(SYS_uname, BADPTR), EFAULT);
    {
        char h[256];
        OK("gethostname", gethostname(h, sizeof(h)));
        TRUE("gethostname == nodename", strcmp(h, u.nodename) == 0);
        ERR("gethostname short buffer", gethostname(h, 0), ENAMETOOLONG);
    }
    return conf_done();
}
