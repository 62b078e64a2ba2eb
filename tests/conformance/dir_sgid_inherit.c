/* dir_sgid_inherit: in a set-group-ID directory new files take the
 * directory's group and new subdirectories also inherit the S_ISGID bit;
 * elsewhere they take the creator's gid. */
#include "conf.h"

int main(void)
{
    const char *d = conf_mkdtemp("dir_sgid_inherit");
    const char *g = conf_join(d, "g"), *plain = conf_join(d, "plain");
    struct stat st;
    int fd;

    MUST(mkdir(g, 0755));
    MUST(mkdir(plain, 0755));
    if (chown(g, -1, 65534) || chown(plain, -1, 65534))
        conf_skip("cannot chgrp a directory to 65534 here");
    OK("chmod g 02775", chmod(g, 02775));
    EQO("  mode", (stat(g, &st), st.st_mode & 07777), 02775);
    MUST(fd = open(conf_join(g, "f"), O_WRONLY | O_CREAT, 0644));
    OK("fstat file in sgid dir", fstat(fd, &st));
    close(fd);
    EQ("  gid from the dir", st.st_gid, 65534);
    TRUE("  uid is ours", st.st_uid == geteuid());
    EQO("  no sgid on the file", st.st_mode & 02000, 0);
    OK("mkdir in sgid dir", mkdir(conf_join(g, "sub"), 0755));
    OK("  stat", stat(conf_join(g, "sub"), &st));
    EQ("  gid from the dir", st.st_gid, 65534);
    EQO("  S_ISGID inherited", st.st_mode & 07777, 02755);
    MUST(fd = open(conf_join(g, "sub/deeper"), O_WRONLY | O_CREAT, 0644));
    fstat(fd, &st);
    close(fd);
    EQ("two levels down: gid", st.st_gid, 65534);
    OK("mknod fifo in sgid dir", mkfifo(conf_join(g, "fifo"), 0644));
    EQ("  gid", (stat(conf_join(g, "fifo"), &st), st.st_gid), 65534);
    OK("symlink in sgid dir", symlink("x", conf_join(g, "lnk")));
    EQ("  gid", (lstat(conf_join(g, "lnk"), &st), st.st_gid), 65534);
    MUST(fd = open(conf_join(plain, "f"), O_WRONLY | O_CREAT, 0644));
    fstat(fd, &st);
    close(fd);
    TRUE("without sgid: creator's gid", st.st_gid == getegid());
    OK("rename into the sgid dir keeps the gid", rename(conf_join(plain, "f"), conf_join(g, "moved")));
    TRUE("  gid", stat(conf_join(g, "moved"), &st) == 0 && st.st_gid == getegid());
    conf_rmtree(d);
    return conf_done();
}
