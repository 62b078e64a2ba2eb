/* process_vm_readv / process_vm_writev: argument checks (flags, counts,
 * negative lengths, bad iovec arrays), nothing to copy is 0 before the pid
 * is looked at, ESRCH (no such process, a zombie), EPERM for another uid;
 * scatter-gather across several iovecs; partial copies stop at the first
 * page either side cannot reach and return the bytes done, EFAULT when
 * nothing could be copied; a read-only remote page refuses writes. */
#include "conf.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/uio.h>

static char shared_buf[64] = "parent's data";

static long vmr(pid_t pid, struct iovec *l, unsigned long ln, struct iovec *r, unsigned long rn,
                unsigned long flags)
{
    return syscall(SYS_process_vm_readv, pid, l, ln, r, rn, flags);
}

static long vmw(pid_t pid, struct iovec *l, unsigned long ln, struct iovec *r, unsigned long rn,
                unsigned long flags)
{
    return syscall(SYS_process_vm_writev, pid, l, ln, r, rn, flags);
}

int main(void)
{
    int up[2], down[2], st;
    char buf[64], a[4], b[8], c;
    char *two, *ro;
    struct iovec l[3], r[3];
    pid_t pid;

    /* Two pages: the child unmaps the second. One read-only page. */
    two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    MUST(two == MAP_FAILED || ro == MAP_FAILED ? -1 : 0);
    memset(two, 'p', 8192);
    MUST(pipe(up));
    MUST(pipe(down));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        close(up[0]);
        close(down[1]);
        strcpy(shared_buf, "the child's own data");
        memset(two, 'c', 4096);
        munmap(two + 4096, 4096);
        (void)!write(up[1], "r", 1);
        (void)!read(down[0], &c, 1); /* the parent wrote into us */
        (void)!write(up[1], shared_buf, 32);
        (void)!read(down[0], &c, 1);
        _exit(0);
    }
    close(up[1]);
    close(down[0]);
    EQ("child ready", read(up[0], &c, 1), 1);

    l[0] = (struct iovec){ buf, sizeof(buf) };
    r[0] = (struct iovec){ shared_buf, 20 };
    ERR("flags 1", vmr(pid, l, 1, r, 1, 1), EINVAL);
    ERR("liovcnt 1025", vmr(pid, l, 1025, r, 1, 0), EINVAL);
    ERR("riovcnt 1025", vmr(pid, l, 1, r, 1025, 0), EINVAL);
    ERR("bad local iovec array", vmr(pid, BADPTR, 1, r, 1, 0), EFAULT);
    ERR("bad remote iovec array", vmr(pid, l, 1, BADPTR, 1, 0), EFAULT);
    {
        struct iovec neg = { buf, (size_t)-1 };
        ERR("negative local length", vmr(pid, &neg, 1, r, 1, 0), EINVAL);
        ERR("negative remote length", vmr(pid, l, 1, &neg, 1, 0), EINVAL);
    }
    EQ("no local bytes: 0, pid not looked up", vmr(99999, l, 0, r, 1, 0), 0);
    EQ("no remote bytes: 0", vmr(99999, l, 1, r, 0, 0), 0);
    ERR("no such process", vmr(99999, l, 1, r, 1, 0), ESRCH);

    memset(buf, 0, sizeof(buf));
    EQ("readv 20 bytes", vmr(pid, l, 1, r, 1, 0), 20);
    EQ("  the child's data, not ours", memcmp(buf, "the child's own data", 20), 0);
    /* Scatter: remote 3 pieces into local 2. */
    l[0] = (struct iovec){ a, 4 };
    l[1] = (struct iovec){ b, 8 };
    r[0] = (struct iovec){ shared_buf, 3 };
    r[1] = (struct iovec){ NULL, 0 };
    r[2] = (struct iovec){ shared_buf + 10, 9 };
    EQ("readv scattered", vmr(pid, l, 2, r, 3, 0), 12);
    EQ("  pieces in order", memcmp(a, "thes", 4) == 0 && memcmp(b, " own dat", 8) == 0, 1);
    EQ("self works too", vmr(getpid(), l, 1, r, 1, 0), 3);

    /* Partial reads: the remote's second page is gone. */
    {
        char *big = malloc(8192);
        l[0] = (struct iovec){ big, 8192 };
        r[0] = (struct iovec){ two, 8192 };
        EQ("remote range half unmapped: the first page", vmr(pid, l, 1, r, 1, 0), 4096);
        EQ("  its bytes", big[0] == 'c' && big[4095] == 'c', 1);
        r[0] = (struct iovec){ two + 4096, 16 };
        ERR("nothing readable: EFAULT", vmr(pid, l, 1, r, 1, 0), EFAULT);
        r[0] = (struct iovec){ two + 4000, 200 };
        EQ("a page boundary inside one iovec", vmr(pid, l, 1, r, 1, 0), 96);
        free(big);
    }
    /* Partial on our side: our buffer's second page is not writable. */
    {
        char *mine = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        mprotect(mine + 4096, 4096, PROT_READ);
        l[0] = (struct iovec){ mine + 4096 - 10, 20 };
        r[0] = (struct iovec){ two, 20 };
        EQ("our second page read-only: 10 bytes", vmr(pid, l, 1, r, 1, 0), 10);
        l[0] = (struct iovec){ BADPTR, 20 };
        ERR("our buffer bad: EFAULT", vmr(pid, l, 1, r, 1, 0), EFAULT);
        munmap(mine, 8192);
    }

    /* Writes. */
    l[0] = (struct iovec){ "WRITTEN", 7 };
    r[0] = (struct iovec){ shared_buf, 7 };
    EQ("writev 7 bytes", vmw(pid, l, 1, r, 1, 0), 7);
    r[0] = (struct iovec){ ro, 7 };
    ERR("a read-only remote page: EFAULT", vmw(pid, l, 1, r, 1, 0), EFAULT);
    r[0] = (struct iovec){ two + 4096 - 3, 7 };
    EQ("writev into the end of a page: 3", vmw(pid, l, 1, r, 1, 0), 3);
    ERR("writev flags 2", vmw(pid, l, 1, r, 1, 2), EINVAL);
    (void)!write(down[1], "w", 1);
    memset(buf, 0, sizeof(buf));
    EQ("child reports", read(up[0], buf, 32), 32);
    STREQ("  it sees our write", buf, "WRITTENld's own data");
    EQ("our own copy untouched", strcmp(shared_buf, "parent's data"), 0);

    /* Permission: another uid, unprivileged. */
    {
        pid_t c2 = fork();
        MUST(c2);
        if (c2 == 0) {
            if (setuid(65534))
                _exit(100);
            l[0] = (struct iovec){ buf, 8 };
            r[0] = (struct iovec){ shared_buf, 8 };
            _exit(vmr(pid, l, 1, r, 1, 0) == -1 && errno == EPERM ? 0 : 1);
        }
        EQ("another uid: EPERM", waitpid(c2, &st, 0) == c2 && WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    }

    (void)!write(down[1], "x", 1);
    {
        siginfo_t si;
        MUST(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
    }
    l[0] = (struct iovec){ buf, 8 };
    r[0] = (struct iovec){ shared_buf, 8 };
    ERR("a zombie: ESRCH", vmr(pid, l, 1, r, 1, 0), ESRCH);
    waitpid(pid, &st, 0);
    ERR("reaped: ESRCH", vmr(pid, l, 1, r, 1, 0), ESRCH);
    return conf_done();
}
