/* mm_cow_fork: after fork, private memory (anonymous mmap, heap, data, bss,
 * stack, never-touched pages, private file mappings) is copied on write:
 * each side's writes stay its own, in both directions, page by page. */
#include "conf.h"
#include <sys/mman.h>
#include <sys/wait.h>

#define PAGES 16
#define PG 4096

static char data_var[PG] = { 1 };
static char bss_var[PG];

static int all(const char *p, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != c)
            return 0;
    return 1;
}

int main(void)
{
    const char *tmp = conf_tmp("mm_cow");
    char *anon, *untouched, *heap, *fmap, stack_var[PG];
    int to_child[2], to_parent[2], st, fd;
    char c;
    pid_t pid;

    anon = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    untouched = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    heap = malloc(64 * 1024);
    TRUE("mappings", anon != MAP_FAILED && untouched != MAP_FAILED && heap != NULL);
    memset(anon, 'o', PAGES * PG);
    memset(heap, 'o', 64 * 1024);
    memset(data_var, 'o', PG);
    memset(bss_var, 'o', PG);
    memset(stack_var, 'o', PG);

    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    {
        char page[PG];
        memset(page, 'f', PG);
        MUST(write(fd, page, PG));
        MUST(write(fd, page, PG));
    }
    fmap = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    TRUE("private file mapping", fmap != MAP_FAILED);
    fmap[0] = 'o'; /* page 0 already privately copied, page 1 still the file's */

    MUST(pipe(to_child));
    MUST(pipe(to_parent));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int bad = 0;
        /* Wait for the parent's writes, then check we still see the old data. */
        if (read(to_child[0], &c, 1) != 1)
            _exit(100);
        bad |= !all(anon, PAGES / 2 * PG, 'o') << 0;
        bad |= !all(heap, 32 * 1024, 'o') << 1;
        bad |= !all(data_var, PG, 'o') << 2;
        bad |= !all(bss_var, PG, 'o') << 3;
        bad |= !all(stack_var, PG, 'o') << 4;
        bad |= !all(untouched, PG, 0) << 5;
        bad |= (fmap[0] != 'o' || fmap[PG] != 'f') << 6;
        /* Now our own writes. */
        memset(anon + PAGES / 2 * PG, 'c', PAGES / 2 * PG);
        memset(heap + 32 * 1024, 'c', 32 * 1024);
        memset(untouched + PG, 'c', PG);
        fmap[1] = 'c';
        fmap[PG + 1] = 'c';
        memset(stack_var, 'c', PG);
        if (write(to_parent[1], "w", 1) != 1)
            _exit(101);
        /* Our writes are ours, the parent's are not. */
        bad |= !all(anon, PAGES / 2 * PG, 'o') << 7;
        bad |= !all(anon + PAGES / 2 * PG, PAGES / 2 * PG, 'c') << 8;
        bad |= !all(untouched + PG, PG, 'c') << 9;
        bad |= !all(stack_var, PG, 'c') << 10;
        _exit(bad ? 1 : 0);
    }
    /* Parent writes the first half while the child is waiting. */
    memset(anon, 'p', PAGES / 2 * PG);
    memset(heap, 'p', 32 * 1024);
    memset(data_var, 'p', PG);
    memset(bss_var, 'p', PG);
    memset(stack_var, 'p', PG);
    memset(untouched, 'p', PG);
    fmap[0] = 'p';
    fmap[PG] = 'p';
    MUST(write(to_child[1], "g", 1));
    EQ("child wrote", read(to_parent[0], &c, 1), 1);
    MUST(waitpid(pid, &st, 0));
    TRUE("child saw only pre-fork data, then its own writes", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    TRUE("parent's anon pages are its own", all(anon, PAGES / 2 * PG, 'p'));
    TRUE("child's anon writes invisible", all(anon + PAGES / 2 * PG, PAGES / 2 * PG, 'o'));
    TRUE("child's heap writes invisible", all(heap + 32 * 1024, 32 * 1024, 'o'));
    TRUE("child's write to untouched page invisible", all(untouched + PG, PG, 0));
    TRUE("parent's stack intact", all(stack_var, PG, 'p'));
    TRUE("private file pages: parent's view", fmap[0] == 'p' && fmap[1] == 'f' && fmap[PG] == 'p' &&
                                                  fmap[PG + 1] == 'f');
    {
        char fb[2];
        MUST(pread(fd, fb, 2, PG));
        TRUE("file itself unchanged", fb[0] == 'f' && fb[1] == 'f');
    }

    /* Many generations: each child writes, grandchildren see their parent's copy. */
    {
        int *v = (int *)anon;
        *v = 0;
        for (int gen = 1; gen <= 5; gen++) {
            pid = fork();
            MUST(pid);
            if (pid == 0) {
                if (*v != gen - 1)
                    _exit(1);
                *v = gen;
                continue; /* the child carries on as the next parent */
            }
            MUST(waitpid(pid, &st, 0));
            if (gen == 1) {
                TRUE("chain of 5 forks, each saw its parent's value", WIFEXITED(st) && WEXITSTATUS(st) == 0);
                EQ("top-level value untouched", *v, 0);
                break;
            }
            _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 2);
        }
        if (*v == 5)
            _exit(0); /* last generation */
    }
    munmap(fmap, 2 * PG);
    close(fd);
    unlink(tmp);
    return conf_done();
}
