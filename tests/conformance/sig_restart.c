/* sig_restart: a handled signal interrupting a blocked system call: with
 * SA_RESTART read(pipe), wait4 and FUTEX_WAIT restart transparently; without
 * it they fail with EINTR; poll, select and nanosleep fail with EINTR even
 * with SA_RESTART. A helper child sends the signal after 50 ms, then
 * completes the operation after 50 ms more. */
#include "conf.h"
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>

static volatile int hits;
static pid_t me;
static int *shared_word;

static void handler(int sig) { hits++; }

static void set_handler(int flags)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigaction(SIGUSR1, &sa, NULL);
    hits = 0;
}

enum { ACT_WRITE, ACT_EXIT, ACT_WAKE };

/* Child: signal us at 50 ms, then at 100 ms complete the operation. */
static pid_t helper(int wfd, int act)
{
    pid_t pid = fork();

    MUST(pid);
    if (pid == 0) {
        usleep(50000);
        kill(me, SIGUSR1);
        usleep(50000);
        if (act == ACT_WRITE && write(wfd, "data", 4) != 4)
            _exit(1);
        if (act == ACT_WAKE) {
            __atomic_store_n(shared_word, 1, __ATOMIC_SEQ_CST);
            syscall(SYS_futex, shared_word, FUTEX_WAKE, 1, NULL, NULL, 0);
        }
        _exit(act == ACT_EXIT ? 7 : 0);
    }
    return pid;
}

static void reap(pid_t pid)
{
    int st;

    waitpid(pid, &st, 0);
}

int main(void)
{
    char buf[16];
    int p[2], st, r, e;
    pid_t pid;

    me = getpid();
    shared_word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    MUST(pipe(p));

    /* read. */
    set_handler(SA_RESTART);
    pid = helper(p[1], ACT_WRITE);
    r = read(p[0], buf, sizeof(buf));
    EQ("SA_RESTART: read restarted, got the data", r, 4);
    EQ("  handler ran", hits, 1);
    reap(pid);

    set_handler(0);
    pid = helper(p[1], ACT_WRITE);
    errno = 0;
    r = read(p[0], buf, sizeof(buf));
    e = errno;
    TRUE("no SA_RESTART: read fails EINTR", r == -1 && e == EINTR);
    EQ("  handler ran", hits, 1);
    EQ("  the data is still there afterwards", read(p[0], buf, sizeof(buf)), 4);
    reap(pid);

    /* wait4. */
    set_handler(SA_RESTART);
    pid = helper(-1, ACT_EXIT);
    r = waitpid(pid, &st, 0);
    TRUE("SA_RESTART: waitpid restarted, reaped the child", r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7);
    set_handler(0);
    pid = helper(-1, ACT_EXIT);
    errno = 0;
    r = waitpid(pid, &st, 0);
    e = errno;
    TRUE("no SA_RESTART: waitpid fails EINTR", r == -1 && e == EINTR);
    reap(pid);

    /* FUTEX_WAIT without timeout (shared word, woken by the helper). */
    set_handler(SA_RESTART);
    *shared_word = 0;
    pid = helper(-1, ACT_WAKE);
    while (__atomic_load_n(shared_word, __ATOMIC_SEQ_CST) == 0) {
        r = syscall(SYS_futex, shared_word, FUTEX_WAIT, 0, NULL, NULL, 0);
        if (r == -1 && errno == EINTR)
            break;
    }
    TRUE("SA_RESTART: FUTEX_WAIT restarted until the wake", *shared_word == 1 && hits == 1);
    reap(pid);
    set_handler(0);
    *shared_word = 0;
    pid = helper(-1, ACT_WAKE);
    errno = 0;
    r = syscall(SYS_futex, shared_word, FUTEX_WAIT, 0, NULL, NULL, 0);
    e = errno;
    TRUE("no SA_RESTART: FUTEX_WAIT fails EINTR", r == -1 && e == EINTR);
    reap(pid);

    /* Never restarted. */
    set_handler(SA_RESTART);
    {
        struct pollfd pfd = { .fd = p[0], .events = POLLIN };
        pid = helper(p[1], ACT_WRITE);
        errno = 0;
        r = poll(&pfd, 1, 5000);
        e = errno;
        TRUE("SA_RESTART: poll still fails EINTR", r == -1 && e == EINTR);
        reap(pid);
        read(p[0], buf, sizeof(buf));
    }
    {
        fd_set rd;
        struct timeval tv = { 5, 0 };
        FD_ZERO(&rd);
        FD_SET(p[0], &rd);
        pid = helper(p[1], ACT_WRITE);
        errno = 0;
        r = select(p[0] + 1, &rd, NULL, NULL, &tv);
        e = errno;
        TRUE("SA_RESTART: select still fails EINTR", r == -1 && e == EINTR);
        reap(pid);
        read(p[0], buf, sizeof(buf));
    }
    {
        struct timespec ts = { 5, 0 }, rem = { 0, 0 };
        pid = helper(-1, ACT_EXIT);
        errno = 0;
        r = nanosleep(&ts, &rem);
        e = errno;
        TRUE("SA_RESTART: nanosleep still fails EINTR", r == -1 && e == EINTR);
        TRUE("  remaining time reported (0 < rem < 5 s)", (rem.tv_sec > 0 || rem.tv_nsec > 0) && rem.tv_sec < 5);
        reap(pid);
    }
    return conf_done();
}
