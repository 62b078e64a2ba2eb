/* uname_hostname: the hostname as uname, gethostname and
 * /proc/sys/kernel/{hostname,domainname,ostype,osrelease} report it;
 * sethostname/setdomainname in a new UTS namespace (a child's, never the
 * caller's) with their length limits; EPERM without privilege. */
#include "conf.h"
#include <grp.h>
#include <sched.h>
#include <sys/utsname.h>
#include <sys/wait.h>

static void slurp_line(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = 0;
    buf[strcspn(buf, "\n")] = 0;
}

#define CHECK(bit, cond) res |= (cond) ? 0 : 1 << (bit)

int main(void)
{
    struct utsname u, u2;
    char h[256], p[256];
    int st;
    pid_t pid;

    OK("uname", uname(&u));
    OK("gethostname", gethostname(h, sizeof(h)));
    TRUE("gethostname == nodename", strcmp(h, u.nodename) == 0);
    slurp_line("/proc/sys/kernel/hostname", p, sizeof(p));
    TRUE("/proc/sys/kernel/hostname == nodename", strcmp(p, u.nodename) == 0);
    slurp_line("/proc/sys/kernel/domainname", p, sizeof(p));
    TRUE("/proc/sys/kernel/domainname == domainname", strcmp(p, u.domainname) == 0);
    slurp_line("/proc/sys/kernel/ostype", p, sizeof(p));
    STREQ("/proc/sys/kernel/ostype", p, "Linux");
    slurp_line("/proc/sys/kernel/osrelease", p, sizeof(p));
    TRUE("/proc/sys/kernel/osrelease == release", strcmp(p, u.release) == 0);
    OK("getdomainname", getdomainname(p, sizeof(p)));
    TRUE("getdomainname == domainname", strcmp(p, u.domainname) == 0);

    /* Without privilege: EPERM. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        if (geteuid() == 0 && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
                               setresuid(65534, 65534, 65534)))
            _exit(200);
        _exit(sethostname("x", 1) == -1 && errno == EPERM &&
              setdomainname("x", 1) == -1 && errno == EPERM ? 0 : 1);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("unprivileged sethostname/setdomainname: EPERM", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);

    /* In a new UTS namespace. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        struct utsname c;
        char b[80], q[80];
        int res = 0;

        if (unshare(CLONE_NEWUTS) != 0)
            _exit(errno == EPERM ? 100 : 101); /* never touch the caller's name */
        CHECK(0, sethostname("conf-host", 9) == 0);
        CHECK(1, uname(&c) == 0 && strcmp(c.nodename, "conf-host") == 0);
        CHECK(2, gethostname(b, sizeof(b)) == 0 && strcmp(b, "conf-host") == 0);
        slurp_line("/proc/sys/kernel/hostname", q, sizeof(q));
        CHECK(3, strcmp(q, "conf-host") == 0);
        memset(b, 'h', 64);
        CHECK(4, sethostname(b, 64) == 0);
        CHECK(5, sethostname(b, 65) == -1 && errno == EINVAL);
        CHECK(6, uname(&c) == 0 && strlen(c.nodename) == 64);
        CHECK(7, sethostname("abc", 0) == 0 && uname(&c) == 0 && c.nodename[0] == 0);
        CHECK(8, setdomainname("conf.example", 12) == 0 && uname(&c) == 0 &&
                     strcmp(c.domainname, "conf.example") == 0);
        CHECK(9, setdomainname(b, 65) == -1 && errno == EINVAL);
        CHECK(10, sethostname(BADPTR, 4) == -1 && errno == EFAULT);
        _exit(res);
    }
    MUST(waitpid(pid, &st, 0));
    if (WIFEXITED(st) && WEXITSTATUS(st) == 100) {
        printf("new UTS namespace: skipped (no CAP_SYS_ADMIN)\n");
    } else {
        EQ("new UTS namespace: set, read back, limits", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
        OK("uname again", uname(&u2));
        TRUE("our own nodename unchanged", strcmp(u.nodename, u2.nodename) == 0);
        TRUE("our own domainname unchanged", strcmp(u.domainname, u2.domainname) == 0);
    }
    return conf_done();
}
