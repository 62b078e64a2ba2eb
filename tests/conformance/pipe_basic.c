/* pipe_basic: pipe2 flags, EOF only when every writer is gone, EAGAIN on
 * non-blocking ends, the 64 KiB default capacity, F_GETPIPE_SZ and
 * F_SETPIPE_SZ (rounding, EBUSY), PIPE_BUF atomicity with several writers,
 * FIONREAD, and errors. */
#include "conf.h"
#include <limits.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

static char big[1 << 20];

/* Fill a non-blocking pipe; return the bytes it took. */
static long fill(int wfd)
{
    long total = 0, n;

    while ((n = write(wfd, big, 4096)) > 0)
        total += n;
    return total;
}

int main(void)
{
    struct stat sb;
    int p[2], q[2], st, avail;
    char buf[64];
    pid_t pid;

    /* Flags. */
    OK("pipe2(0)", pipe2(p, 0));
    EQ("no FD_CLOEXEC", fcntl(p[0], F_GETFD), 0);
    EQ("read end O_RDONLY", fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY);
    EQ("write end O_WRONLY", fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY);
    TRUE("fstat: a FIFO", fstat(p[0], &sb) == 0 && S_ISFIFO(sb.st_mode));
    ERR("write to the read end", write(p[0], "x", 1), EBADF);
    ERR("read from the write end", read(p[1], buf, 1), EBADF);
    ERR("lseek", lseek(p[0], 0, SEEK_CUR), ESPIPE);
    ERR("pread", pread(p[0], buf, 1, 0), ESPIPE);
    close(p[0]);
    close(p[1]);
    OK("pipe2(O_CLOEXEC|O_NONBLOCK)", pipe2(p, O_CLOEXEC | O_NONBLOCK));
    TRUE("both ends FD_CLOEXEC", fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC);
    TRUE("both ends O_NONBLOCK", (fcntl(p[0], F_GETFL) & O_NONBLOCK) && (fcntl(p[1], F_GETFL) & O_NONBLOCK));
    ERR("empty non-blocking read", read(p[0], buf, sizeof(buf)), EAGAIN);

    /* Capacity. */
    EQ("F_GETPIPE_SZ default", fcntl(p[1], F_GETPIPE_SZ), 65536);
    EQ("non-blocking fill takes 64 KiB", fill(p[1]), 65536);
    ERR("full: EAGAIN", write(p[1], "x", 1), EAGAIN);
    TRUE("FIONREAD", ioctl(p[0], FIONREAD, &avail) == 0 && avail == 65536);
    ERR("shrink below the content: EBUSY", fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY);
    EQ("grow to 100000: rounded to 128 KiB", fcntl(p[1], F_SETPIPE_SZ, 100000), 131072);
    EQ("F_GETPIPE_SZ from the other end", fcntl(p[0], F_GETPIPE_SZ), 131072);
    EQ("now takes 64 KiB more", fill(p[1]), 65536);
    while (read(p[0], big, sizeof(big)) > 0)
        ;
    EQ("shrink when empty: one page", fcntl(p[1], F_SETPIPE_SZ, 1), 4096);
    EQ("takes 4 KiB", fill(p[1]), 4096);
    /* Beyond pipe-max-size needs CAP_SYS_RESOURCE: ask as an unprivileged uid. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        if (geteuid() == 0 && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
                               setresuid(65534, 65534, 65534)))
            _exit(200);
        _exit(fcntl(p[1], F_SETPIPE_SZ, 1 << 30) == -1 ? errno : 0);
    }
    MUST(waitpid(pid, &st, 0));
    STREQ("unprivileged: over /proc/sys/fs/pipe-max-size", errname(WIFEXITED(st) ? WEXITSTATUS(st) : -1), "EPERM");
    close(p[0]);
    close(p[1]);

    /* A partial non-blocking write when more than PIPE_BUF is asked. */
    MUST(pipe2(p, O_NONBLOCK));
    MUST(write(p[1], big, 65536 - 8192));
    EQ("non-blocking 12 KiB write into 8 KiB of room: partial", write(p[1], big, 12288), 8192);
    ERR("then full", write(p[1], big, 1), EAGAIN);
    close(p[0]);
    close(p[1]);

    /* EOF only when every copy of the write end is closed. */
    MUST(pipe(p));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        usleep(50000);
        _exit(write(p[1], "late", 4) == 4 ? 0 : 1);
    }
    close(p[1]);
    EQ("a child's copy keeps it open: data, not EOF", read(p[0], buf, sizeof(buf)), 4);
    EQ("EOF once the child exits", read(p[0], buf, sizeof(buf)), 0);
    EQ("EOF again", read(p[0], buf, sizeof(buf)), 0);
    waitpid(pid, &st, 0);
    close(p[0]);

    /* Reads take what is there. */
    MUST(pipe(p));
    MUST(write(p[1], "abc", 3));
    MUST(write(p[1], "def", 3));
    EQ("read returns both writes", read(p[0], buf, sizeof(buf)), 6);
    MUST(write(p[1], "abcdef", 6));
    EQ("short read", read(p[0], buf, 2), 2);
    EQ("the rest", read(p[0], buf, sizeof(buf)), 4);
    EQ("  in order", memcmp(buf, "cdef", 4), 0);
    EQ("zero-length write", write(p[1], buf, 0), 0);
    close(p[0]);
    close(p[1]);

    /* PIPE_BUF atomicity: 4 writers x 64 records of PIPE_BUF bytes. */
    MUST(pipe(q));
    for (int w = 0; w < 4; w++) {
        pid = fork();
        MUST(pid);
        if (pid == 0) {
            char rec[PIPE_BUF];
            close(q[0]);
            memset(rec, 'A' + w, sizeof(rec));
            for (int i = 0; i < 64; i++)
                if (write(q[1], rec, sizeof(rec)) != sizeof(rec))
                    _exit(1);
            _exit(0);
        }
    }
    close(q[1]);
    {
        static char all[4 * 64 * PIPE_BUF + 1];
        long total = 0, n;
        int intact = 1, counts[4] = { 0 };
        while ((n = read(q[0], all + total, sizeof(all) - total)) > 0)
            total += n;
        EQ("all bytes arrived", total, 4 * 64 * PIPE_BUF);
        for (long off = 0; off + PIPE_BUF <= total; off += PIPE_BUF) {
            for (int i = 1; i < PIPE_BUF; i++)
                if (all[off + i] != all[off])
                    intact = 0;
            if (all[off] >= 'A' && all[off] <= 'D')
                counts[all[off] - 'A']++;
        }
        TRUE("every PIPE_BUF record intact", intact);
        TRUE("64 records from each writer", counts[0] == 64 && counts[1] == 64 && counts[2] == 64 && counts[3] == 64);
    }
    for (int w = 0; w < 4; w++)
        wait(&st);
    close(q[0]);

    ERR("pipe2 unknown flag", pipe2(p, O_APPEND), EINVAL);
    ERR("pipe bad pointer", pipe(BADPTR), EFAULT);
    return conf_done();
}
