/* sig_default_actions: default dispositions seen through wait status:
 * terminating signals (sent and from real faults), ignored ones (child lives
 * on), stop signals, and SIGKILL/SIGSTOP overriding everything. Core dumps
 * are disabled in the children (RLIMIT_CORE 0, not dumpable). */
#include "conf.h"
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

static void no_core(void)
{
    struct rlimit rl = { 0, 0 };

    setrlimit(RLIMIT_CORE, &rl);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Child sends itself sig, then exits 0 if it survived. Returns its exit
 * status, 1000+signal if killed, 2000+signal if stopped. */
static int fate_of_self_signal(int sig)
{
    int st;
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        no_core();
        kill(getpid(), sig);
        _exit(0);
    }
    MUST(waitpid(pid, &st, WUNTRACED));
    if (WIFSTOPPED(st)) {
        int sig_stop = WSTOPSIG(st);
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        return 2000 + sig_stop;
    }
    if (WIFSIGNALED(st))
        return 1000 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

static volatile int zero = 0, seven = 7;

static int fate_of(void (*fn)(void))
{
    int st;
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        no_core();
        fn();
        _exit(0);
    }
    MUST(waitpid(pid, &st, 0));
    return WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : WEXITSTATUS(st);
}

static void null_deref(void) { *(volatile int *)(uintptr_t)zero = 1; }
static void div_zero(void) { volatile int x = seven / zero; (void)x; }
static void ud2(void) { __asm__ volatile("ud2"); }
static void int3(void) { __asm__ volatile("int3"); }
static void do_abort(void) { abort(); }
static void write_rodata(void) { static const char ro[8] = "ro"; *(volatile char *)ro = 'x'; }
static void bus_error(void)
{
    const char *tmp = conf_tmp("sigbus");
    int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char *m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0); /* file is empty */
    unlink(tmp);
    if (m != MAP_FAILED)
        (void)*(volatile char *)m;
}
static void blocked_segv(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGSEGV);
    sigprocmask(SIG_BLOCK, &s, NULL);
    null_deref();
}
static void ignored_segv(void)
{
    signal(SIGSEGV, SIG_IGN);
    null_deref();
}

int main(void)
{
    static const int term[] = { SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM,
                                SIGSEGV, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGBUS, SIGSYS,
                                SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO, SIGSTKFLT };
    static const int ign[] = { SIGCHLD, SIGURG, SIGWINCH, SIGCONT };
    static const int stop[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
    char name[64];
    int st;

    for (size_t i = 0; i < sizeof(term) / sizeof(term[0]); i++) {
        snprintf(name, sizeof(name), "kill(self, SIG%s): killed by it", sigabbrev_np(term[i]));
        EQ(name, fate_of_self_signal(term[i]), 1000 + term[i]);
    }
    EQ("SIGRTMIN: killed by it", fate_of_self_signal(SIGRTMIN), 1000 + SIGRTMIN);
    EQ("SIGRTMAX: killed by it", fate_of_self_signal(SIGRTMAX), 1000 + SIGRTMAX);
    for (size_t i = 0; i < sizeof(ign) / sizeof(ign[0]); i++) {
        snprintf(name, sizeof(name), "kill(self, SIG%s): ignored, exit 0", sigabbrev_np(ign[i]));
        EQ(name, fate_of_self_signal(ign[i]), 0);
    }
    /* Stop signals, in a process group of its own (not orphaned: we are its
     * parent in the same session). */
    for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++) {
        pid_t pid = fork();
        MUST(pid);
        if (pid == 0) {
            setpgid(0, 0);
            kill(getpid(), stop[i]);
            _exit(0);
        }
        setpgid(pid, pid);
        MUST(waitpid(pid, &st, WUNTRACED));
        snprintf(name, sizeof(name), "kill(self, SIG%s): stopped by it", sigabbrev_np(stop[i]));
        EQ(name, WIFSTOPPED(st) ? WSTOPSIG(st) : -1, stop[i]);
        kill(pid, SIGCONT);
        MUST(waitpid(pid, &st, 0));
        snprintf(name, sizeof(name), "  then continued, exit 0");
        EQ(name, WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    }

    /* Real faults. */
    EQ("null dereference: SIGSEGV", fate_of(null_deref), 1000 + SIGSEGV);
    EQ("write to read-only data: SIGSEGV", fate_of(write_rodata), 1000 + SIGSEGV);
    EQ("integer divide by zero: SIGFPE", fate_of(div_zero), 1000 + SIGFPE);
    EQ("ud2: SIGILL", fate_of(ud2), 1000 + SIGILL);
    EQ("int3: SIGTRAP", fate_of(int3), 1000 + SIGTRAP);
    EQ("abort(): SIGABRT", fate_of(do_abort), 1000 + SIGABRT);
    EQ("mapping beyond EOF: SIGBUS", fate_of(bus_error), 1000 + SIGBUS);
    EQ("fault with SIGSEGV blocked: still killed", fate_of(blocked_segv), 1000 + SIGSEGV);
    EQ("fault with SIGSEGV ignored: still killed", fate_of(ignored_segv), 1000 + SIGSEGV);

    /* SIGKILL cannot be caught, SIGSTOP cannot be ignored. */
    {
        pid_t pid = fork();
        MUST(pid);
        if (pid == 0) {
            sigset_t all;
            sigfillset(&all);
            sigprocmask(SIG_BLOCK, &all, NULL);
            for (int s = 1; s < 32; s++)
                signal(s, SIG_IGN);
            kill(getpid(), SIGSTOP);
            kill(getpid(), SIGKILL);
            _exit(0);
        }
        MUST(waitpid(pid, &st, WUNTRACED));
        EQ("everything blocked and ignored: SIGSTOP still stops", WIFSTOPPED(st) ? WSTOPSIG(st) : -1, SIGSTOP);
        kill(pid, SIGCONT);
        MUST(waitpid(pid, &st, 0));
        EQ("  and SIGKILL still kills", WIFSIGNALED(st) ? WTERMSIG(st) : -1, SIGKILL);
    }
    return conf_done();
}
