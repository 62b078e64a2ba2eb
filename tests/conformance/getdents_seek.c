/* getdents_seek: d_off of an entry is a position that lseek (and seekdir)
 * resumes from, at the next entry; rewinddir shows entries created since. */
#include "conf.h"
#include <dirent.h>

#define N 40

struct e { char name[256]; long long off; };

static int read_all(int fd, struct e *out, int max, size_t bufsz)
{
    char buf[4096];
    int n = 0;
    long r;

    while ((r = syscall(SYS_getdents64, fd, buf, bufsz)) > 0)
        for (long off = 0; off < r;) {
            struct dirent64 *de = (struct dirent64 *)(buf + off);
            if (n < max) {
                snprintf(out[n].name, sizeof(out[n].name), "%s", de->d_name);
                out[n++].off = de->d_off;
            }
            off += de->d_reclen;
        }
    return r < 0 ? -1 : n;
}

int main(void)
{
    const char *d = conf_mkdtemp("getdents_seek");
    static struct e all[N + 8], rest[N + 8];
    char name[32];
    int fd, n, m, ok;

    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "f%02d", i);
        MUST(fd = open(conf_join(d, name), O_WRONLY | O_CREAT, 0644));
        close(fd);
    }
    fd = open(d, O_RDONLY | O_DIRECTORY);
    MUST(fd);
    n = read_all(fd, all, N + 8, 4096);
    EQ("entries", n, N + 2);
    /* Resume after each of a few entries. */
    ok = 1;
    for (int k = 0; k < n - 1; k += 7) {
        if (lseek(fd, all[k].off, SEEK_SET) == -1) {
            ok = 0;
            break;
        }
        m = read_all(fd, rest, N + 8, 4096);
        if (m != n - k - 1 || strcmp(rest[0].name, all[k + 1].name))
            ok = 0;
    }
    TRUE("lseek(d_off of entry k) resumes at entry k+1", ok);
    OK("lseek to the last d_off", lseek(fd, all[n - 1].off, SEEK_SET));
    EQ("  then end of directory", read_all(fd, rest, N + 8, 4096), 0);
    OK("lseek 0", lseek(fd, 0, SEEK_SET));
    EQ("  all entries again, 64-byte buffer", read_all(fd, rest, N + 8, 64), n);
    ok = 1;
    for (int i = 0; i < n; i++)
        ok &= !strcmp(rest[i].name, all[i].name);
    TRUE("  same order", ok);
    close(fd);

    /* telldir/seekdir/rewinddir through libc. */
    {
        DIR *dir = opendir(d);
        struct dirent *de;
        long pos = -1;
        char after[256] = "", again[256] = "";
        int count = 0, found = 0;

        for (int i = 0; i < 10 && (de = readdir(dir)); i++)
            if (i == 4)
                pos = telldir(dir);
            else if (i == 5)
                snprintf(after, sizeof(after), "%s", de->d_name);
        seekdir(dir, pos);
        de = readdir(dir);
        if (de)
            snprintf(again, sizeof(again), "%s", de->d_name);
        TRUE("seekdir(telldir()) returns the same next entry", after[0] && !strcmp(after, again));
        while (readdir(dir))
            ;
        MUST(fd = open(conf_join(d, "late"), O_WRONLY | O_CREAT, 0644));
        close(fd);
        rewinddir(dir);
        while ((de = readdir(dir))) {
            count++;
            found += !strcmp(de->d_name, "late");
        }
        EQ("rewinddir sees the new entry", found, 1);
        EQ("  count", count, N + 3);
        closedir(dir);
    }
    conf_rmtree(d);
    return conf_done();
}
