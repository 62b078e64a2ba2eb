/* open_append: O_APPEND writes land at the end whatever the offset, also
 * with several writers on separate open files in separate processes. */
#include "conf.h"
#include <sys/uio.h>

#define REC 16
#define NREC 300

static const char *path;

static int writer(char tag)
{
    char rec[REC + 1];
    int fd = open(path, O_WRONLY | O_APPEND);

    if (fd < 0)
        return 1;
    for (int i = 0; i < NREC; i++) {
        snprintf(rec, sizeof(rec), "%c%014d\n", tag, i);
        if (write(fd, rec, REC) != REC)
            return 2;
    }
    return 0;
}
static int writer_a(void) { return writer('a'); }
static int writer_b(void) { return writer('b'); }

int main(void)
{
    const char *d = conf_mkdtemp("open_append");
    const char *f = conf_join(d, "f");
    static char buf[2 * NREC * REC + 16];
    int fd, fd2, nexta, nextb, ok, st;
    pid_t a, b;
    char small[16];

    path = f;
    fd = open(f, O_RDWR | O_CREAT | O_APPEND, 0644);
    MUST(fd);
    EQ("write", write(fd, "hello", 5), 5);
    OK("lseek 0", lseek(fd, 0, SEEK_SET));
    EQ("write after lseek 0", write(fd, "world", 5), 5);
    EQ("offset at end", lseek(fd, 0, SEEK_CUR), 10);
    memset(small, 0, sizeof(small));
    EQ("pread", pread(fd, small, 10, 0), 10);
    STREQ("content", small, "helloworld");
    EQ("pwrite at 0 appends (Linux)", pwrite(fd, "!", 1, 0), 1);
    memset(small, 0, sizeof(small));
    EQ("pread after pwrite", pread(fd, small, 15, 0), 11);
    STREQ("  content", small, "helloworld!");
    {
        struct iovec iov[2] = { { "X", 1 }, { "Y", 1 } };
        EQ("writev appends", (lseek(fd, 2, SEEK_SET), writev(fd, iov, 2)), 2);
    }
    EQ("read at offset 2 after writev", (lseek(fd, 2, SEEK_SET), read(fd, small, 2)), 2);
    TRUE("  reads old data", small[0] == 'l' && small[1] == 'l');
    fd2 = open(f, O_WRONLY);
    MUST(fd2);
    EQ("non-append fd writes at 0", write(fd2, "H", 1), 1);
    OK("F_SETFL O_APPEND on fd2", fcntl(fd2, F_SETFL, O_APPEND));
    EQ("fd2 now appends", (lseek(fd2, 0, SEEK_SET), write(fd2, "Z", 1)), 1);
    OK("F_SETFL 0 on fd", fcntl(fd, F_SETFL, 0));
    EQ("fd writes in place", (lseek(fd, 1, SEEK_SET), write(fd, "E", 1)), 1);
    memset(small, 0, sizeof(small));
    EQ("final size", pread(fd, small, 15, 0), 14);
    STREQ("final content", small, "HElloworld!XYZ");
    close(fd);
    close(fd2);

    /* Two processes, separate open files, interleaved appends. */
    MUST(truncate(f, 0));
    a = fork();
    MUST(a);
    if (a == 0)
        _exit(writer_a());
    b = fork();
    MUST(b);
    if (b == 0)
        _exit(writer_b());
    MUST(waitpid(a, &st, 0));
    EQ("writer a", WIFEXITED(st) ? WEXITSTATUS(st) : 100, 0);
    MUST(waitpid(b, &st, 0));
    EQ("writer b", WIFEXITED(st) ? WEXITSTATUS(st) : 100, 0);
    fd = open(f, O_RDONLY);
    MUST(fd);
    EQ("total size", read(fd, buf, sizeof(buf)), 2 * NREC * REC);
    close(fd);
    nexta = nextb = 0;
    ok = 1;
    for (int i = 0; i < 2 * NREC; i++) {
        char *r = buf + i * REC;
        int n = atoi(r + 1);
        if (r[REC - 1] != '\n')
            ok = 0;
        else if (r[0] == 'a' && n == nexta)
            nexta++;
        else if (r[0] == 'b' && n == nextb)
            nextb++;
        else
            ok = 0;
    }
    TRUE("records whole and in order per writer", ok);
    TRUE("all records present", nexta == NREC && nextb == NREC);
    conf_rmtree(d);
    return conf_done();
}
