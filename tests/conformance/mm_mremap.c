/* mm_mremap: growing in place, moving with MREMAP_MAYMOVE (contents kept,
 * old range unmapped), shrinking, MREMAP_FIXED, shared anonymous memory
 * staying shared after a move, and errors. */
#include "conf.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define PG 4096

static int mapped(void *p)
{
    unsigned char v;
    /* mincore fails with ENOMEM on unmapped ranges. */
    return mincore(p, PG, &v) == 0;
}

int main(void)
{
    char *a, *b, *c, *r;
    int st;

    /* Reserve 4 pages, keep the first, so growing in place can succeed. */
    a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TRUE("mmap", a != MAP_FAILED);
    MUST(munmap(a + PG, 3 * PG));
    memset(a, 'a', PG);
    r = mremap(a, PG, 3 * PG, 0);
    TRUE("grow in place", r == a);
    TRUE("old contents kept", r[0] == 'a' && r[PG - 1] == 'a');
    TRUE("new pages are zero and writable", r[PG] == 0 && r[3 * PG - 1] == 0 && (r[2 * PG] = 'x'));

    /* Block the way: growing without MAYMOVE fails, with it moves. */
    b = mmap(a + 3 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    TRUE("blocker placed after it", b == a + 3 * PG);
    ERR("grow into a mapping without MAYMOVE", mremap(a, 3 * PG, 5 * PG, 0), ENOMEM);
    r = mremap(a, 3 * PG, 5 * PG, MREMAP_MAYMOVE);
    TRUE("grow with MAYMOVE moves", r != MAP_FAILED && r != a);
    TRUE("moved contents kept", r[0] == 'a' && r[PG - 1] == 'a' && r[2 * PG] == 'x');
    TRUE("old range unmapped", !mapped(a) && !mapped(a + 2 * PG));
    TRUE("blocker untouched", mapped(b));
    munmap(b, PG);

    /* Shrink. */
    c = mremap(r, 5 * PG, 2 * PG, 0);
    TRUE("shrink in place", c == r);
    TRUE("tail unmapped after shrink", !mapped(r + 2 * PG) && !mapped(r + 4 * PG));
    TRUE("head kept", c[0] == 'a');

    /* MREMAP_FIXED. */
    {
        char *dst = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        r = mremap(c, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst + PG);
        TRUE("MREMAP_FIXED to the given address", r == dst + PG);
        TRUE("contents at the new place", r[0] == 'a');
        TRUE("replaced the PROT_NONE pages there (now writable)", (r[PG] = 'y') == 'y');
        TRUE("source unmapped", !mapped(c));
        munmap(dst, 4 * PG);
    }

    /* Shared anonymous memory moved by the parent stays shared with a child. */
    {
        char *sh = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        int p[2];
        char ch;

        MUST(pipe(p));
        pid_t pid = fork();
        MUST(pid);
        if (pid == 0) {
            if (read(p[0], &ch, 1) != 1)
                _exit(2);
            sh[0] = 'S';
            _exit(0);
        }
        /* Force a move: grow with something in the way. */
        char *blk = mmap(sh + PG, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        char *moved = mremap(sh, PG, 4 * PG, MREMAP_MAYMOVE);
        TRUE("shared mapping moved", moved != MAP_FAILED && moved != sh);
        MUST(write(p[1], "g", 1));
        MUST(waitpid(pid, &st, 0));
        EQ("child's write seen through the moved mapping", moved[0], 'S');
        if (blk != MAP_FAILED)
            munmap(blk, PG);
        munmap(moved, 4 * PG);
    }

    /* Errors. */
    a = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ERR("unaligned old address", mremap(a + 1, PG, 2 * PG, MREMAP_MAYMOVE), EINVAL);
    ERR("FIXED without MAYMOVE", mremap(a, PG, PG, MREMAP_FIXED, a + 8 * PG), EINVAL);
    ERR("unknown flag", mremap(a, PG, PG, 0x100), EINVAL);
    ERR("new size 0", mremap(a, PG, 0, MREMAP_MAYMOVE), EINVAL);
    ERR("FIXED onto an overlapping range", mremap(a, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, a + PG), EINVAL);
    MUST(munmap(a, 2 * PG));
    ERR("unmapped old range", mremap(a, PG, 2 * PG, MREMAP_MAYMOVE), EFAULT);
    return conf_done();
}
