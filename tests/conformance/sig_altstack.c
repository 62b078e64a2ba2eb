/* sig_altstack: sigaltstack setup and queries, SA_ONSTACK handlers run on
 * the alternate stack (SS_ONSTACK inside, EPERM to change it there), plain
 * handlers do not, stack overflow caught on the alternate stack, SS_DISABLE,
 * inheritance by fork, and errors. */
#include "conf.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define ALT_SIZE (64 * 1024)
static char *alt;
static volatile int on_alt, ss_onstack, change_errno, hits;

static void handler(int sig)
{
    char here;
    stack_t cur, ns;

    hits++;
    on_alt = &here >= alt && &here < alt + ALT_SIZE;
    sigaltstack(NULL, &cur);
    ss_onstack = (cur.ss_flags & SS_ONSTACK) != 0;
    ns.ss_sp = alt;
    ns.ss_size = ALT_SIZE;
    ns.ss_flags = 0;
    change_errno = sigaltstack(&ns, NULL) == 0 ? 0 : errno;
}

static void segv_handler(int sig)
{
    char here;
    _exit(&here >= alt && &here < alt + ALT_SIZE ? 42 : 43);
}

static volatile int depth_sink, never;
static int recurse(int n)
{
    volatile char pad[1024];
    pad[0] = (char)n;
    if (never) /* keeps the compiler from seeing endless recursion */
        return 0;
    depth_sink = pad[0];
    return recurse(n + 1) + pad[0];
}

int main(void)
{
    stack_t ss, old;
    struct sigaction sa;
    pid_t pid;
    int st;

    alt = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TRUE("alt stack mapped", alt != MAP_FAILED);
    OK("query initial", sigaltstack(NULL, &old));
    EQ("initially disabled", old.ss_flags, SS_DISABLE);

    ss.ss_sp = alt;
    ss.ss_size = ALT_SIZE;
    ss.ss_flags = 0;
    OK("install", sigaltstack(&ss, &old));
    OK("query", sigaltstack(NULL, &old));
    TRUE("reads back sp and size", old.ss_sp == alt && old.ss_size == ALT_SIZE);
    EQ("flags 0 outside a handler", old.ss_flags, 0);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_flags = 0;
    sigaction(SIGUSR2, &sa, NULL);

    raise(SIGUSR1);
    EQ("SA_ONSTACK handler ran", hits, 1);
    EQ("it ran on the alternate stack", on_alt, 1);
    EQ("SS_ONSTACK reported inside", ss_onstack, 1);
    STREQ("changing it while on it", errname(change_errno), "EPERM");
    raise(SIGUSR2);
    EQ("plain handler not on the alternate stack", on_alt, 0);
    EQ("SS_ONSTACK not reported there", ss_onstack, 0);
    EQ("changing it from the normal stack works", change_errno, 0);

    /* Stack overflow: SIGSEGV caught on the alternate stack. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        struct rlimit rl = { 0, 0 };
        struct sigaction s2;
        setrlimit(RLIMIT_CORE, &rl);
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        rl.rlim_cur = rl.rlim_max = 1 << 20;
        setrlimit(RLIMIT_STACK, &rl);
        memset(&s2, 0, sizeof(s2));
        s2.sa_handler = segv_handler;
        s2.sa_flags = SA_ONSTACK;
        sigaction(SIGSEGV, &s2, NULL);
        _exit(recurse(0) ? 1 : 2);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("stack overflow handled on the alternate stack (inherited by fork)",
       WIFEXITED(st) ? WEXITSTATUS(st) : -1, 42);

    /* Without an alternate stack, the overflow kills. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        struct rlimit rl = { 0, 0 };
        struct sigaction s2;
        stack_t off = { .ss_flags = SS_DISABLE };
        setrlimit(RLIMIT_CORE, &rl);
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        rl.rlim_cur = rl.rlim_max = 1 << 20;
        setrlimit(RLIMIT_STACK, &rl);
        sigaltstack(&off, NULL);
        memset(&s2, 0, sizeof(s2));
        s2.sa_handler = segv_handler;
        s2.sa_flags = SA_ONSTACK;
        sigaction(SIGSEGV, &s2, NULL);
        _exit(recurse(0) ? 1 : 2);
    }
    MUST(waitpid(pid, &st, 0));
    TRUE("no alternate stack: killed by SIGSEGV", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);

    /* Disable. */
    ss.ss_flags = SS_DISABLE;
    OK("SS_DISABLE", sigaltstack(&ss, NULL));
    sigaltstack(NULL, &old);
    EQ("reads back disabled", old.ss_flags, SS_DISABLE);
    raise(SIGUSR1);
    EQ("SA_ONSTACK without a stack runs on the normal one", on_alt, 0);

    /* Errors. */
    ss.ss_sp = alt;
    ss.ss_size = 1024; /* the kernel's MINSIGSTKSZ is 2048 */
    ss.ss_flags = 0;
    ERR("size 1024, below the minimum", sigaltstack(&ss, NULL), ENOMEM);
    ss.ss_size = ALT_SIZE;
    ss.ss_flags = 0x1234;
    ERR("unknown flags", sigaltstack(&ss, NULL), EINVAL);
    ss.ss_flags = SS_ONSTACK;
    OK("SS_ONSTACK as a flag is accepted", sigaltstack(&ss, NULL));
    ERR("bad pointer", sigaltstack(BADPTR, NULL), EFAULT);
    return conf_done();
}
