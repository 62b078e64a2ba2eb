/* unlink_open: an unlinked file stays usable through open descriptors and
 * mappings; nlink counts; /proc/self/fd shows "(deleted)". */
#include "conf.h"
#include <sys/mman.h>

int main(void)
{
    const char *d = conf_mkdtemp("unlink_open");
    const char *f = conf_join(d, "f"), *h = conf_join(d, "h");
    char buf[64], p[64], lnk[512];
    struct stat st;
    char *m;
    int fd, ro, n;

    fd = open(f, O_RDWR | O_CREAT, 0644);
    MUST(fd);
    MUST(write(fd, "before unlink", 13));
    ro = open(f, O_RDONLY);
    MUST(ro);
    m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
    TRUE("mmap", m != MAP_FAILED);
    OK("unlink", unlink(f));
    ERR("name gone", access(f, F_OK), ENOENT);
    OK("fstat", fstat(fd, &st));
    EQ("nlink 0", st.st_nlink, 0);
    EQ("size kept", st.st_size, 13);
    memset(buf, 0, sizeof(buf));
    EQ("read through other fd", read(ro, buf, sizeof(buf)), 13);
    STREQ("  data", buf, "before unlink");
    EQ("write after unlink", pwrite(fd, "AFTER", 5, 0), 5);
    memset(buf, 0, sizeof(buf));
    EQ("pread", pread(ro, buf, sizeof(buf), 0), 13);
    STREQ("  data", buf, "AFTERe unlink");
    TRUE("mapping sees the write", m != MAP_FAILED && !memcmp(m, "AFTER", 5));
    OK("ftruncate unlinked", ftruncate(fd, 3));
    OK("fchmod unlinked", fchmod(fd, 0600));
    OK("fstat", fstat(ro, &st));
    EQO("  mode", st.st_mode & 07777, 0600);
    EQ("  size", st.st_size, 3);
    snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
    n = readlink(p, lnk, sizeof(lnk) - 1);
    TRUE("readlink /proc/self/fd/N", n > 0);
    lnk[n > 0 ? n : 0] = 0;
    {
        char want[300];
        snprintf(want, sizeof(want), "%s (deleted)", f);
        TRUE("  ends with \" (deleted)\" after the old path", !strcmp(lnk, want));
    }
    close(fd);
    ERR("open by old name", open(f, O_RDONLY), ENOENT);
    OK("create a new file with the old name", fd = open(f, O_RDWR | O_CREAT | O_EXCL, 0644));
    OK("fstat new", fstat(fd, &st));
    EQ("  new file empty", st.st_size, 0);
    close(fd);
    if (m != MAP_FAILED)
        munmap(m, 4096);
    close(ro);

    /* Two names: removing one keeps the other. */
    MUST(link(f, h));
    EQ("nlink 2", (stat(f, &st), st.st_nlink), 2);
    OK("unlink one name", unlink(f));
    OK("other name", stat(h, &st));
    EQ("  nlink 1", st.st_nlink, 1);
    ERR("unlink again", unlink(f), ENOENT);
    ERR("unlink dir", unlink(d), EISDIR);
    ERR("unlink missing parent", unlink(conf_join(d, "x/y")), ENOENT);
    ERR("unlink bad path", unlink(BADPTR), EFAULT);
    ERR("unlink empty path", unlink(""), ENOENT);
    conf_rmtree(d);
    return conf_done();
}
