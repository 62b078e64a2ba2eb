/* procfs_sys_kernel: /proc/sys/kernel files programs read: osrelease and
 * ostype agree with uname, hostname with uname's nodename, pid_max,
 * ngroups_max, random/boot_id (stable UUID) and random/uuid (fresh UUID). */
#include "conf.h"
#include <ctype.h>
#include <sys/utsname.h>

static char *rd(const char *p)
{
    static char bufs[4][256];
    static int n;
    char *b = bufs[n++ % 4];
    int fd = open(p, O_RDONLY);
    long k;

    if (fd < 0)
        return NULL;
    k = read(fd, b, 255);
    close(fd);
    if (k <= 0)
        return NULL;
    b[k] = 0;
    return b;
}

/* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx\n", lowercase hex, version 4. */
static int is_uuid(const char *s)
{
    if (!s || strlen(s) != 37 || s[36] != '\n')
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
            return 0;
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

int main(void)
{
    struct utsname u;
    char *s, *a, *b, want[300];

    MUST(uname(&u));
    s = rd("/proc/sys/kernel/osrelease");
    snprintf(want, sizeof(want), "%s\n", u.release);
    TRUE("osrelease non-empty", s && strlen(s) > 1);
    TRUE("osrelease == uname release", s && !strcmp(s, want));
    STREQ("ostype", rd("/proc/sys/kernel/ostype"), "Linux\n");
    snprintf(want, sizeof(want), "%s\n", u.nodename);
    s = rd("/proc/sys/kernel/hostname");
    TRUE("hostname == uname nodename", s && !strcmp(s, want));
    s = rd("/proc/sys/kernel/pid_max");
    TRUE("pid_max > 0", s && atol(s) > 0);
    TRUE("pid_max >= our pid", s && atol(s) > getpid());
    STREQ("ngroups_max", rd("/proc/sys/kernel/ngroups_max"), "65536\n");
    a = rd("/proc/sys/kernel/random/boot_id");
    b = rd("/proc/sys/kernel/random/boot_id");
    TRUE("boot_id is a UUID", is_uuid(a));
    TRUE("boot_id stable", a && b && !strcmp(a, b));
    a = rd("/proc/sys/kernel/random/uuid");
    b = rd("/proc/sys/kernel/random/uuid");
    TRUE("uuid is a UUID", is_uuid(a));
    TRUE("uuid differs on each read", a && b && strcmp(a, b));
    s = rd("/proc/sys/kernel/random/poolsize");
    TRUE("random/poolsize > 0", s && atol(s) > 0);
    s = rd("/proc/sys/kernel/threads-max");
    TRUE("threads-max > 0", s && atol(s) > 0);
    ERR("missing entry", open("/proc/sys/kernel/conf-no-such", O_RDONLY), ENOENT);
    {
        struct stat st;
        OK("stat /proc/sys/kernel", stat("/proc/sys/kernel", &st));
        TRUE("  a directory", S_ISDIR(st.st_mode));
        OK("stat osrelease", stat("/proc/sys/kernel/osrelease", &st));
        EQO("  mode 0444", st.st_mode & 07777, 0444);
    }
    return conf_done();
}
