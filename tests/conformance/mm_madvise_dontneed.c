/* mm_madvise_dontneed: MADV_DONTNEED zero-fills private anonymous pages,
 * keeps shared anonymous data, drops private copies of file pages; also
 * MADV_WIPEONFORK, MADV_DONTFORK and argument errors. */
#include "conf.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define PG 4096

int main(void)
{
    const char *tmp = conf_tmp("madvise");
    char *priv, *sh, *fm, *w, *nf;
    int fd, st;
    pid_t pid;

    priv = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sh = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    TRUE("mappings", priv != MAP_FAILED && sh != MAP_FAILED);
    memset(priv, 'p', 4 * PG);
    memset(sh, 's', 2 * PG);

    OK("DONTNEED private pages 1-2", madvise(priv + PG, 2 * PG, MADV_DONTNEED));
    TRUE("page 0 kept", priv[0] == 'p' && priv[PG - 1] == 'p');
    TRUE("pages 1-2 read as zero", priv[PG] == 0 && priv[2 * PG] == 0 && priv[3 * PG - 1] == 0);
    TRUE("page 3 kept", priv[3 * PG] == 'p');
    TRUE("zeroed pages writable", (priv[PG] = 'n') == 'n');

    OK("DONTNEED shared anonymous", madvise(sh, 2 * PG, MADV_DONTNEED));
    TRUE("shared anonymous data kept", sh[0] == 's' && sh[2 * PG - 1] == 's');

    /* Private file mapping: dropped copies revert to the file. */
    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    {
        char page[PG];
        memset(page, 'f', PG);
        MUST(write(fd, page, PG));
    }
    fm = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    TRUE("private file mapping", fm != MAP_FAILED);
    fm[0] = 'x';
    OK("DONTNEED private file page", madvise(fm, PG, MADV_DONTNEED));
    EQ("reverts to the file's byte", fm[0], 'f');

    /* WIPEONFORK: the child sees zeros, the parent keeps its data. */
    w = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(w, 'w', PG);
    OK("MADV_WIPEONFORK", madvise(w, PG, MADV_WIPEONFORK));
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(w[0] == 0 && w[PG - 1] == 0 ? 0 : 1);
    MUST(waitpid(pid, &st, 0));
    TRUE("child sees a wiped page", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    EQ("parent keeps its data", w[0], 'w');
    ERR("WIPEONFORK on a shared mapping", madvise(sh, PG, MADV_WIPEONFORK), EINVAL);

    /* DONTFORK: the range is not mapped in the child at all. */
    nf = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    nf[0] = 'n';
    OK("MADV_DONTFORK", madvise(nf, PG, MADV_DONTFORK));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        struct rlimit rl = { 0, 0 };
        setrlimit(RLIMIT_CORE, &rl);
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        _exit(*(volatile char *)nf == 'n' ? 3 : 4);
    }
    MUST(waitpid(pid, &st, 0));
    TRUE("child faults on a DONTFORK range", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    OK("MADV_DOFORK", madvise(nf, PG, MADV_DOFORK));
    pid = fork();
    MUST(pid);
    if (pid == 0)
        _exit(nf[0] == 'n' ? 3 : 4);
    MUST(waitpid(pid, &st, 0));
    TRUE("after DOFORK the child has it", WIFEXITED(st) && WEXITSTATUS(st) == 3);

    /* Errors and no-ops. */
    OK("MADV_NORMAL", madvise(priv, PG, MADV_NORMAL));
    OK("MADV_WILLNEED", madvise(priv, PG, MADV_WILLNEED));
    OK("length 0", madvise(priv, 0, MADV_DONTNEED));
    ERR("unaligned address", madvise(priv + 1, PG, MADV_DONTNEED), EINVAL);
    ERR("unknown advice", madvise(priv, PG, 12345), EINVAL);
    MUST(munmap(priv + 2 * PG, PG));
    ERR("range with a hole", madvise(priv, 4 * PG, MADV_DONTNEED), ENOMEM);
    TRUE("but the mapped parts were still dropped", priv[0] == 0 && priv[3 * PG] == 0);
    munmap(fm, PG);
    close(fd);
    unlink(tmp);
    return conf_done();
}
