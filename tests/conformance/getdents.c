/* getdents: getdents64(2) listings, small buffers, rewind and errors. */
#include "conf.h"
#include <dirent.h>
#include <sys/stat.h>

struct ent { char name[256]; unsigned char type; };
static struct ent ents[4096];

static int cmp(const void *a, const void *b)
{
    return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

/* Read all entries of fd with a bufsz-byte buffer; -1 on error. */
static int list(int fd, size_t bufsz)
{
    char buf[65536];
    int n = 0;
    long r;

    while ((r = syscall(SYS_getdents64, fd, buf, bufsz)) > 0) {
        for (long off = 0; off < r;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            if (n < 4096) {
                snprintf(ents[n].name, sizeof(ents[n].name), "%s", d->d_name);
                ents[n++].type = d->d_type;
            }
            off += d->d_reclen;
        }
    }
    if (r < 0)
        return -1;
    qsort(ents, n, sizeof(ents[0]), cmp);
    return n;
}

static const char *tname(unsigned char t)
{
    return t == DT_REG ? "reg" : t == DT_DIR ? "dir" : t == DT_LNK ? "lnk"
         : t == DT_CHR ? "chr" : t == DT_UNKNOWN ? "unknown" : "other";
}

/* Print the sorted names of path on one line (names only: types may be
 * DT_UNKNOWN on some host filesystems). */
static void names(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY), n;
    unsigned long h = 1469598103934665603UL;

    if (fd < 0) {
        printf("%s: %s\n", path, errname(errno));
        return;
    }
    n = list(fd, 65536);
    if (n > 64) { /* too many to print: count and FNV-1a hash */
        for (int i = 0; i < n; i++) {
            size_t len = strlen(ents[i].name) + 1; /* NUL separates names */
            for (size_t j = 0; j < len; j++)
                h = (h ^ (unsigned char)ents[i].name[j]) * 1099511628211UL;
        }
        printf("%s: %d entries, hash %016lx\n", path, n, h);
    } else {
        printf("%s:", path);
        for (int i = 0; i < n; i++)
            printf(" %s", ents[i].name);
        printf("\n");
    }
    close(fd);
}

int main(void)
{
    const char *dir = conf_tmp("getdents");
    static const char *files[] = { "a", "bb", "c.txt", "zz-long-name-0123456789" };
    char p[512], buf[4096];
    int fd, n;

    MUST(mkdir(dir, 0755));
    for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
        MUST(fd = open(p, O_WRONLY | O_CREAT, 0644));
        close(fd);
    }
    snprintf(p, sizeof(p), "%s/sub", dir);
    MUST(mkdir(p, 0755));
    snprintf(p, sizeof(p), "%s/ln", dir);
    MUST(symlink("a", p));

    fd = open(dir, O_RDONLY | O_DIRECTORY);
    OK("open tmp dir", fd);
    n = list(fd, sizeof(buf));
    EQ("entries", n, 8);
    for (int i = 0; i < n; i++)
        printf("  %s %s\n", ents[i].name, tname(ents[i].type));
    EQ("at end", syscall(SYS_getdents64, fd, buf, sizeof(buf)), 0);
    OK("rewind", lseek(fd, 0, SEEK_SET));
    EQ("entries after rewind, 48-byte buffer", list(fd, 48), 8);
    ERR("buffer too small", (lseek(fd, 0, SEEK_SET),
                             syscall(SYS_getdents64, fd, buf, 8)), EINVAL);
    ERR("bad buffer", syscall(SYS_getdents64, fd, BADPTR, sizeof(buf)), EFAULT);
    snprintf(p, sizeof(p), "%s/bb", dir);
    MUST(unlink(p));
    MUST(lseek(fd, 0, SEEK_SET));
    EQ("entries after unlink", list(fd, sizeof(buf)), 7);
    close(fd);

    ERR("bad fd", syscall(SYS_getdents64, -1, buf, sizeof(buf)), EBADF);
    fd = open("/etc/passwd", O_RDONLY);
    ERR("regular file", syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR);
    close(fd);

    /* The rootfs is the host's /: listings must match natively. */
    names("/");
    names("/etc/ssl");
    names("/etc/ssl/certs");
    names("/usr/lib");
    fd = open("/usr/lib", O_RDONLY | O_DIRECTORY);
    MUST(fd);
    n = list(fd, 65536);
    close(fd);
    fd = open("/usr/lib", O_RDONLY | O_DIRECTORY);
    /* 280 bytes: room for one entry with a NAME_MAX name, no more. */
    EQ("/usr/lib same count with 280-byte buffer", list(fd, 280), n);
    close(fd);

    /* opendir/readdir go through the same syscall. */
    {
        DIR *d = opendir("/etc");
        int m = 0, dot = 0, dotdot = 0;
        struct dirent *e;
        while (d && (e = readdir(d))) {
            m++;
            dot += !strcmp(e->d_name, ".");
            dotdot += !strcmp(e->d_name, "..");
        }
        TRUE("readdir /etc has . and ..", dot == 1 && dotdot == 1);
        TRUE("readdir /etc count > 2", m > 2);
        if (d)
            closedir(d);
    }

    for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s/ln", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/sub", dir);
    rmdir(p);
    OK("rmdir", rmdir(dir));
    return conf_done();
}
