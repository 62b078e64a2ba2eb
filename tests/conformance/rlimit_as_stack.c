/* rlimit_as_stack: RLIMIT_AS refuses mmap, brk and mremap growth beyond
 * it; RLIMIT_STACK bounds how far the main stack grows (the overflow is a
 * SIGSEGV, caught here on an alternate stack, at a depth below the limit).
 * Each case runs in a child. */
#include "conf.h"
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define MB (1UL << 20)

static int in_child(int (*fn)(void))
{
    int st;
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        struct rlimit rl = { 0, 0 };
        setrlimit(RLIMIT_CORE, &rl);
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        _exit(fn());
    }
    MUST(waitpid(pid, &st, 0));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

#define CHECK(bit, cond) res |= (cond) ? 0 : 1 << (bit)

static int as_limit(void)
{
    struct rlimit rl = { 256 * MB, 256 * MB };
    int res = 0;
    void *p, *q, *cur;

    CHECK(0, setrlimit(RLIMIT_AS, &rl) == 0);
    p = mmap(NULL, 512 * MB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(1, p == MAP_FAILED && errno == ENOMEM);
    p = mmap(NULL, 16 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(2, p != MAP_FAILED);
    q = mremap(p, 16 * MB, 400 * MB, MREMAP_MAYMOVE);
    CHECK(3, q == MAP_FAILED && errno == ENOMEM);
    CHECK(4, malloc(300 * MB) == NULL);
    cur = sbrk(0);
    CHECK(5, brk((char *)cur + 300 * MB) == -1 && errno == ENOMEM);
    CHECK(6, malloc(4 * MB) != NULL); /* small ones still work */
    return res;
}

static int as_raise_soft(void)
{
    struct rlimit rl = { 128 * MB, 1024 * MB };
    int res = 0;
    void *p;

    CHECK(0, setrlimit(RLIMIT_AS, &rl) == 0);
    p = mmap(NULL, 256 * MB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(1, p == MAP_FAILED && errno == ENOMEM);
    rl.rlim_cur = 1024 * MB;
    CHECK(2, setrlimit(RLIMIT_AS, &rl) == 0);
    p = mmap(NULL, 256 * MB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(3, p != MAP_FAILED);
    return res;
}

static char *stack_start;
static volatile uintptr_t lowest;
static char *alt;

static void segv(int sig, siginfo_t *si, void *uc)
{
    uintptr_t depth = (uintptr_t)stack_start - (uintptr_t)si->si_addr;
    /* exit code: depth in 64 KiB units, capped */
    depth /= 64 * 1024;
    _exit(depth > 250 ? 250 : (int)depth);
}

static volatile int never;
static int recurse(int n)
{
    volatile char pad[4096];
    pad[0] = (char)n;
    lowest = (uintptr_t)pad;
    if (never)
        return 0;
    return recurse(n + 1) + pad[0];
}

static int stack_limit(rlim_t lim)
{
    struct rlimit rl = { lim, lim };
    struct sigaction sa;
    stack_t ss;
    char here;

    stack_start = &here;
    alt = malloc(64 * 1024);
    ss.ss_sp = alt;
    ss.ss_size = 64 * 1024;
    ss.ss_flags = 0;
    sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    if (setrlimit(RLIMIT_STACK, &rl))
        return 255;
    return recurse(0) ? 254 : 253;
}

static int stack_1m(void) { return stack_limit(1 * MB); }
static int stack_4m(void) { return stack_limit(4 * MB); }

int main(void)
{
    int d1, d4;

    EQ("RLIMIT_AS 256 MiB: big mmap, mremap, malloc, brk refused", in_child(as_limit), 0);
    EQ("raising the soft RLIMIT_AS up to hard", in_child(as_raise_soft), 0);
    d1 = in_child(stack_1m);
    d4 = in_child(stack_4m);
    TRUE("RLIMIT_STACK 1 MiB: overflow SIGSEGV between 512 KiB and 1 MiB deep", d1 >= 8 && d1 <= 16);
    TRUE("RLIMIT_STACK 4 MiB: between 3.5 and 4 MiB deep", d4 >= 56 && d4 <= 64);
    return conf_done();
}
