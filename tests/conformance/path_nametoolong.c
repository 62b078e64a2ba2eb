/* path_nametoolong: NAME_MAX (255) components and PATH_MAX (4096 with the
 * NUL) paths, for open, mkdir, stat, unlink, rename, symlink. */
#include "conf.h"
#include <limits.h>

int main(void)
{
    const char *d = conf_mkdtemp("path_nametoolong");
    char n255[256], n256[257], path[8192], p2[PATH_MAX + 64];
    struct stat st;
    int fd, len;

    memset(n255, 'x', 255);
    n255[255] = 0;
    memset(n256, 'y', 256);
    n256[256] = 0;
    OK("create 255-byte name", fd = open(conf_join(d, n255), O_WRONLY | O_CREAT, 0644));
    close(fd);
    OK("stat 255-byte name", stat(conf_join(d, n255), &st));
    ERR("create 256-byte name", open(conf_join(d, n256), O_WRONLY | O_CREAT, 0644), ENAMETOOLONG);
    ERR("stat 256-byte name", stat(conf_join(d, n256), &st), ENAMETOOLONG);
    ERR("mkdir 256-byte name", mkdir(conf_join(d, n256), 0755), ENAMETOOLONG);
    ERR("unlink 256-byte name", unlink(conf_join(d, n256)), ENAMETOOLONG);
    ERR("rename to 256-byte name", rename(conf_join(d, n255), conf_join(d, n256)), ENAMETOOLONG);
    ERR("symlink named 256 bytes", symlink("x", conf_join(d, n256)), ENAMETOOLONG);
    OK("symlink to a 256-byte target (not resolved)", symlink(n256, conf_join(d, "lnk")));
    ERR("following it", stat(conf_join(d, "lnk"), &st), ENAMETOOLONG);
    ERR("256-byte name in the middle", stat(conf_join(conf_join(d, n256), "x"), &st), ENAMETOOLONG);

    /* Slashes repeat freely: "////...//etc/passwd" of an exact length. */
    for (len = 4095; len <= 4096; len++) {
        int pre = len - (int)strlen("etc/passwd");
        memset(path, '/', pre);
        strcpy(path + pre, "etc/passwd");
        if (len == 4095)
            OK("path of 4095 bytes", stat(path, &st));
        else
            ERR("path of 4096 bytes (no room for NUL)", stat(path, &st), ENAMETOOLONG);
    }
    memset(path, '/', 5000);
    path[5000] = 0;
    ERR("path of 5000 slashes", stat(path, &st), ENAMETOOLONG);
    ERR("open path of 5000 slashes", open(path, O_RDONLY), ENAMETOOLONG);
    ERR("mkdir long path", mkdir(path, 0755), ENAMETOOLONG);
    ERR("chdir long path", chdir(path), ENAMETOOLONG);
    memset(p2, 'a', 4096);
    p2[4096] = 0;
    ERR("symlink target of 4096 bytes", symlink(p2, conf_join(d, "lnk2")), ENAMETOOLONG);
    /* Each component short, the whole long: a/a/a/... relative to d. */
    MUST(chdir(d));
    for (int i = 0; i < 2100; i++) {
        path[2 * i] = 'a';
        path[2 * i + 1] = '/';
    }
    path[4200] = 0;
    ERR("relative path of 4200 bytes", stat(path, &st), ENAMETOOLONG);
    MUST(chdir("/"));
    conf_rmtree(d);
    return conf_done();
}
