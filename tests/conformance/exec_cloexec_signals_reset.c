/* exec_cloexec_signals_reset: what execve keeps and what it resets. The
 * program sets things up, then re-execs itself with "--after" to check:
 * handled signals back to SIG_DFL, ignored ones still ignored, the mask and
 * pending signals kept, the alternate stack dropped; close-on-exec fds
 * closed, others kept with their offset; pid, cwd, rlimits and the alarm
 * kept; POSIX timers and memory mappings gone. */
#include "conf.h"
#include <limits.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

extern char **environ;

static void handler(int sig) {}

static int after(char **argv)
{
    struct sigaction sa;
    sigset_t m;
    stack_t ss;
    struct rlimit rl;
    char cwd[PATH_MAX];
    long timer_id = atol(argv[4]);
    void *old_map = (void *)strtoul(argv[5], NULL, 16);
    unsigned char vec;
    struct itimerspec its;

    conf_failed = atoi(argv[2]); /* carry the first half's verdict */
    printf("-- after execve --\n");
    TRUE("same pid", getpid() == atoi(argv[3]));
    sigaction(SIGUSR1, NULL, &sa);
    TRUE("handled SIGUSR1 reset to SIG_DFL", sa.sa_handler == SIG_DFL);
    sigaction(SIGUSR2, NULL, &sa);
    TRUE("ignored SIGUSR2 still SIG_IGN", sa.sa_handler == SIG_IGN);
    sigaction(SIGCHLD, NULL, &sa);
    TRUE("ignored SIGCHLD still SIG_IGN", sa.sa_handler == SIG_IGN);
    sigaction(SIGTERM, NULL, &sa);
    TRUE("handled+blocked SIGTERM reset to SIG_DFL", sa.sa_handler == SIG_DFL);
    sigprocmask(SIG_BLOCK, NULL, &m);
    TRUE("mask kept (SIGHUP, SIGTERM blocked)", sigismember(&m, SIGHUP) && sigismember(&m, SIGTERM) &&
                                                    !sigismember(&m, SIGUSR1));
    sigpending(&m);
    TRUE("pending kept (SIGHUP, SIGTERM)", sigismember(&m, SIGHUP) && sigismember(&m, SIGTERM));
    sigaltstack(NULL, &ss);
    EQ("alternate stack dropped", ss.ss_flags, SS_DISABLE);

    ERR("O_CLOEXEC fd closed", fcntl(20, F_GETFD), EBADF);
    ERR("F_DUPFD_CLOEXEC fd closed", fcntl(22, F_GETFD), EBADF);
    ERR("dup3 O_CLOEXEC fd closed", fcntl(23, F_GETFD), EBADF);
    ERR("FD_CLOEXEC set by F_SETFD: closed", fcntl(24, F_GETFD), EBADF);
    EQ("plain fd kept, no FD_CLOEXEC", fcntl(21, F_GETFD), 0);
    EQ("  with its offset", lseek(21, 0, SEEK_CUR), 5);
    TRUE("FD_CLOEXEC cleared by F_SETFD: kept", fcntl(25, F_GETFD) == 0);

    STREQ("cwd kept", getcwd(cwd, sizeof(cwd)), "/tmp");
    getrlimit(RLIMIT_NOFILE, &rl);
    EQ("RLIMIT_NOFILE kept", rl.rlim_cur, 500);
    {
        unsigned left = alarm(0);
        TRUE("alarm kept (98..100 s left)", left >= 98 && left <= 100);
    }
    ERR("POSIX timer gone", syscall(SYS_timer_gettime, timer_id, &its), EINVAL);
    ERR("old mapping gone", mincore(old_map, 4096, &vec), ENOMEM);
    return conf_done();
}

int main(int argc, char **argv)
{
    struct sigaction sa;
    sigset_t m;
    stack_t ss;
    struct rlimit rl;
    char self[PATH_MAX], a_fail[16], a_pid[16], a_timer[32], a_map[32];
    int fd, kid = -1;
    void *map;

    if (argc == 6 && strcmp(argv[1], "--after") == 0)
        return after(argv);
    if (!realpath(argv[0], self)) {
        printf("setup failed: realpath\n");
        return CONF_EXIT_FAILED;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = SA_ONSTACK | SA_RESTART;
    OK("handle SIGUSR1", sigaction(SIGUSR1, &sa, NULL));
    OK("handle SIGTERM", sigaction(SIGTERM, &sa, NULL));
    OK("ignore SIGUSR2", (long)signal(SIGUSR2, SIG_IGN) == (long)SIG_ERR ? -1 : 0);
    OK("ignore SIGCHLD", (long)signal(SIGCHLD, SIG_IGN) == (long)SIG_ERR ? -1 : 0);
    sigemptyset(&m);
    sigaddset(&m, SIGHUP);
    sigaddset(&m, SIGTERM);
    OK("block SIGHUP and SIGTERM", sigprocmask(SIG_BLOCK, &m, NULL));
    raise(SIGHUP);
    raise(SIGTERM);
    sigpending(&m);
    TRUE("both pending", sigismember(&m, SIGHUP) && sigismember(&m, SIGTERM));
    ss.ss_sp = malloc(65536);
    ss.ss_size = 65536;
    ss.ss_flags = 0;
    OK("sigaltstack", sigaltstack(&ss, NULL));

    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    MUST(dup3(fd, 20, O_CLOEXEC));
    close(fd);
    fd = open("/etc/passwd", O_RDONLY);
    MUST(dup2(fd, 21));
    close(fd);
    MUST(lseek(21, 5, SEEK_SET));
    EQ("F_DUPFD_CLOEXEC to 22", fcntl(21, F_DUPFD_CLOEXEC, 22), 22);
    EQ("dup3 O_CLOEXEC to 23", dup3(21, 23, O_CLOEXEC), 23);
    MUST(dup2(21, 24));
    MUST(fcntl(24, F_SETFD, FD_CLOEXEC));
    MUST(dup3(21, 25, O_CLOEXEC));
    MUST(fcntl(25, F_SETFD, 0));

    MUST(chdir("/tmp"));
    MUST(getrlimit(RLIMIT_NOFILE, &rl));
    rl.rlim_cur = 500;
    MUST(setrlimit(RLIMIT_NOFILE, &rl));
    alarm(100);
    {
        struct sigevent ev;
        memset(&ev, 0, sizeof(ev));
        ev.sigev_notify = SIGEV_NONE;
        OK("timer_create", syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &kid));
    }
    /* An address nothing else uses, so the new image cannot have it. */
    map = mmap((void *)0x6f0000000000UL, 4096, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    TRUE("mapping at 0x6f0000000000", map == (void *)0x6f0000000000UL);

    snprintf(a_fail, sizeof(a_fail), "%d", conf_failed);
    snprintf(a_pid, sizeof(a_pid), "%d", (int)getpid());
    snprintf(a_timer, sizeof(a_timer), "%d", kid);
    snprintf(a_map, sizeof(a_map), "%lx", (unsigned long)map);
    {
        char *av[] = { self, "--after", a_fail, a_pid, a_timer, a_map, NULL };
        execve(self, av, environ);
    }
    printf("setup failed: execve: %s\n", errname(errno));
    return CONF_EXIT_FAILED;
}
