/* xattr_user: user.* extended attributes on a /tmp file and directory:
 * set/get/list/remove, XATTR_CREATE/REPLACE, size queries, ERANGE,
 * ENODATA, the f and l variants, namespace and size errors. */
#include "conf.h"
#include <sys/xattr.h>

/* Whether list (n bytes of NUL-separated names) has name. */
static int has(const char *list, long n, const char *name)
{
    for (long i = 0; i < n; i += strlen(list + i) + 1)
        if (!strcmp(list + i, name))
            return 1;
    return 0;
}

int main(void)
{
    const char *d = conf_mkdtemp("xattr_user");
    const char *f = conf_join(d, "f"), *l = conf_join(d, "l");
    char buf[256], list[1024], longname[300];
    static char big[70000];
    long n;
    int fd;

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    MUST(symlink("f", l));
    errno = 0;
    if (setxattr(f, "user.probe", "1", 1, 0) && errno == EOPNOTSUPP)
        conf_skip("the host /tmp does not support user xattrs");
    MUST(removexattr(f, "user.probe"));

    ERR("get missing", getxattr(f, "user.color", buf, sizeof(buf)), ENODATA);
    OK("set", setxattr(f, "user.color", "blue", 4, 0));
    EQ("size query", getxattr(f, "user.color", NULL, 0), 4);
    memset(buf, 0, sizeof(buf));
    EQ("get", getxattr(f, "user.color", buf, sizeof(buf)), 4);
    STREQ("  value", buf, "blue");
    ERR("get into a 2-byte buffer", getxattr(f, "user.color", buf, 2), ERANGE);
    ERR("XATTR_CREATE on existing", setxattr(f, "user.color", "red", 3, XATTR_CREATE), EEXIST);
    ERR("XATTR_REPLACE on missing", setxattr(f, "user.size", "L", 1, XATTR_REPLACE), ENODATA);
    OK("XATTR_REPLACE on existing", setxattr(f, "user.color", "green", 5, XATTR_REPLACE));
    memset(buf, 0, sizeof(buf));
    EQ("  get", getxattr(f, "user.color", buf, sizeof(buf)), 5);
    STREQ("  value", buf, "green");
    OK("XATTR_CREATE new", setxattr(f, "user.size", "L", 1, XATTR_CREATE));
    OK("empty value", setxattr(f, "user.empty", "", 0, 0));
    EQ("  get empty", getxattr(f, "user.empty", buf, sizeof(buf)), 0);
    OK("binary value", fsetxattr(fd, "user.bin", "\0\1\2\0", 4, 0));
    EQ("  fgetxattr", fgetxattr(fd, "user.bin", buf, sizeof(buf)), 4);
    TRUE("  bytes", !memcmp(buf, "\0\1\2\0", 4));

    n = listxattr(f, NULL, 0);
    TRUE("list size query", n >= (long)(strlen("user.color") + strlen("user.size") + strlen("user.empty") +
                                        strlen("user.bin") + 4));
    memset(list, 0, sizeof(list));
    n = listxattr(f, list, sizeof(list));
    TRUE("list has user.color", has(list, n, "user.color"));
    TRUE("list has user.size", has(list, n, "user.size"));
    TRUE("list has user.empty", has(list, n, "user.empty"));
    TRUE("list has user.bin", has(list, n, "user.bin"));
    ERR("list into a 3-byte buffer", listxattr(f, list, 3), ERANGE);
    EQ("flistxattr same size", flistxattr(fd, list, sizeof(list)), n);

    OK("remove", removexattr(f, "user.size"));
    ERR("remove again", removexattr(f, "user.size"), ENODATA);
    ERR("get removed", getxattr(f, "user.size", buf, sizeof(buf)), ENODATA);
    OK("fremovexattr", fremovexattr(fd, "user.bin"));
    n = listxattr(f, list, sizeof(list));
    TRUE("list lost the removed names", !has(list, n, "user.size") && !has(list, n, "user.bin"));

    memset(buf, 0, sizeof(buf));
    EQ("getxattr follows the symlink", getxattr(l, "user.color", buf, sizeof(buf)), 5);
    ERR("lgetxattr on the symlink itself", lgetxattr(l, "user.color", buf, sizeof(buf)), ENODATA);
    ERR("lsetxattr user.* on a symlink", lsetxattr(l, "user.x", "1", 1, 0), EPERM);
    OK("on a directory", setxattr(d, "user.dir", "yes", 3, 0));
    EQ("  get", getxattr(d, "user.dir", buf, sizeof(buf)), 3);

    ERR("unknown namespace", setxattr(f, "foo.bar", "1", 1, 0), EOPNOTSUPP);
    ERR("no namespace", setxattr(f, "plain", "1", 1, 0), EOPNOTSUPP);
    ERR("empty name after prefix", setxattr(f, "user.", "1", 1, 0), EINVAL);
    ERR("empty name", setxattr(f, "", "1", 1, 0), ERANGE);
    memset(longname, 'n', sizeof(longname));
    memcpy(longname, "user.", 5);
    longname[256] = 0;
    ERR("name of 256 bytes", setxattr(f, longname, "1", 1, 0), ERANGE);
    ERR("value over 64 KiB", setxattr(f, "user.big", big, sizeof(big), 0), E2BIG);
    ERR("bad flags", setxattr(f, "user.x", "1", 1, 0x4), EINVAL);
    ERR("ENOENT", getxattr(conf_join(d, "nope"), "user.color", buf, sizeof(buf)), ENOENT);
    ERR("bad fd", fgetxattr(-1, "user.color", buf, sizeof(buf)), EBADF);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
