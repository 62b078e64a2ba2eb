/* chmod_chown: chmod/fchmod/fchmodat and chown/fchown/lchown/fchownat with
 * AT_SYMLINK_NOFOLLOW, setuid/setgid clearing, and the unprivileged rules. */
#include "conf.h"

static const char *dir;

static mode_t mode_of(const char *p)
{
    struct stat st;
    return lstat(p, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

static int as_nobody(void)
{
    const char *mine = conf_join(dir, "mine"), *roots = conf_join(dir, "f");
    struct stat st;
    int fd;

    if (conf_drop_to_nobody())
        return 90;
    ERR("nobody: chmod root's file", chmod(roots, 0777), EPERM);
    ERR("nobody: chown root's file to self", chown(roots, 65534, -1), EPERM);
    MUST(fd = open(mine, O_WRONLY | O_CREAT, 0644));
    OK("nobody: chmod own file", fchmod(fd, 0600));
    ERR("nobody: chown own file to root", fchown(fd, 0, -1), EPERM);
    OK("nobody: chown own file to own ids", fchown(fd, 65534, 65534));
    ERR("nobody: chgrp own file to a group not held", fchown(fd, -1, 0), EPERM);
    OK("nobody: setgid bit on own file with own group", fchmod(fd, 02755));
    fstat(fd, &st);
    EQO("  mode", st.st_mode & 07777, 02755);
    close(fd);
    return conf_done();
}

int main(void)
{
    const char *d = conf_mkdtemp("chmod_chown");
    const char *f = conf_join(d, "f"), *l = conf_join(d, "l");
    struct stat st;
    int fd;

    dir = d;
    MUST(chmod(d, 0777));
    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    MUST(symlink("f", l));
    OK("chmod 0600", chmod(f, 0600));
    EQO("  mode", mode_of(f), 0600);
    OK("chmod 07777", chmod(f, 07777));
    EQO("  all bits kept", mode_of(f), 07777);
    OK("chmod ignores type bits", chmod(f, S_IFDIR | 0640));
    OK("  still regular", stat(f, &st));
    TRUE("  S_ISREG", S_ISREG(st.st_mode));
    EQO("  mode", st.st_mode & 07777, 0640);
    OK("fchmod", fchmod(fd, 0604));
    EQO("  mode", mode_of(f), 0604);
    OK("chmod through symlink changes the target", chmod(l, 0660));
    EQO("  target", mode_of(f), 0660);
    EQO("  link stays 0777", mode_of(l), 0777);
    OK("fchmodat", fchmodat(AT_FDCWD, f, 0644, 0));
    ERR("fchmodat AT_SYMLINK_NOFOLLOW on a symlink", fchmodat(AT_FDCWD, l, 0600, AT_SYMLINK_NOFOLLOW), EOPNOTSUPP);
    OK("fchmodat AT_SYMLINK_NOFOLLOW on a file", fchmodat(AT_FDCWD, f, 0640, AT_SYMLINK_NOFOLLOW));
    EQO("  mode", mode_of(f), 0640);
    ERR("chmod ENOENT", chmod(conf_join(d, "nope"), 0600), ENOENT);
    ERR("fchmod bad fd", fchmod(-1, 0600), EBADF);

    OK("chown to 65534:65534", chown(f, 65534, 65534));
    OK("  stat", stat(f, &st));
    TRUE("  ids", st.st_uid == 65534 && st.st_gid == 65534);
    OK("chown -1 -1 keeps ids", chown(f, -1, -1));
    TRUE("  ids", stat(f, &st) == 0 && st.st_uid == 65534 && st.st_gid == 65534);
    OK("fchown back to root", fchown(fd, 0, 0));
    OK("lchown the symlink", lchown(l, 65534, 65534));
    OK("  lstat", lstat(l, &st));
    TRUE("  link owned by 65534", st.st_uid == 65534);
    TRUE("  target still root's", stat(f, &st) == 0 && st.st_uid == 0);
    OK("fchownat AT_SYMLINK_NOFOLLOW", fchownat(AT_FDCWD, l, 0, 0, AT_SYMLINK_NOFOLLOW));
    TRUE("  link owned by root again", lstat(l, &st) == 0 && st.st_uid == 0);
    OK("fchownat follows without the flag", fchownat(AT_FDCWD, l, 65534, -1, 0));
    TRUE("  target owned by 65534", stat(f, &st) == 0 && st.st_uid == 65534);
    ERR("fchownat bad flag", fchownat(AT_FDCWD, f, 0, 0, 0x1), EINVAL);
    OK("fchownat AT_EMPTY_PATH", fchownat(fd, "", 0, -1, AT_EMPTY_PATH));
    TRUE("  root again", stat(f, &st) == 0 && st.st_uid == 0);

    OK("chmod 06755", fchmod(fd, 06755));
    OK("chown to another user", fchown(fd, 65534, -1));
    EQO("  setuid and setgid (group-exec) cleared", mode_of(f) & 06000, 0);
    OK("chmod 02745 (setgid, no group exec)", fchmod(fd, 02745));
    OK("chown", fchown(fd, 0, -1));
    EQO("  setgid without group exec kept", mode_of(f) & 06000, 02000);
    MUST(fchown(fd, 0, 0));
    MUST(fchmod(fd, 0644));
    close(fd);
    EQ("child as nobody", conf_in_child(as_nobody), 0);
    conf_rmtree(d);
    return conf_done();
}
