/* close_range: closing ranges (with gaps, up to ~0U), CLOSE_RANGE_CLOEXEC,
 * CLOSE_RANGE_UNSHARE in a process sharing its table (CLONE_FILES), and
 * errors; closefrom. */
#include "conf.h"
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

static int is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

static void open_at(int fd)
{
    int t = open("/dev/null", O_RDONLY);

    MUST(t);
    if (t != fd) {
        MUST(dup2(t, fd));
        close(t);
    }
}

#define STK (64 * 1024)
static char stk[STK] __attribute__((aligned(16)));
static int child_fn(void *arg)
{
    long mode = (long)arg;

    if (mode == 1)
        return syscall(SYS_close_range, 110, 110, CLOSE_RANGE_UNSHARE) == 0 ? 0 : 1;
    return syscall(SYS_close_range, 111, 111, 0) == 0 ? 0 : 1;
}

int main(void)
{
    int st;
    pid_t pid;

    for (int fd = 100; fd <= 108; fd += 2)
        open_at(fd); /* 100 102 104 106 108 */
    OK("close 101..105 (with gaps)", close_range(101, 105, 0));
    TRUE("100 open, 102 and 104 closed, 106 open",
         is_open(100) && !is_open(102) && !is_open(104) && is_open(106));
    OK("a range with nothing open", close_range(200, 300, 0));
    OK("CLOSE_RANGE_CLOEXEC 100..~0", close_range(100, ~0U, CLOSE_RANGE_CLOEXEC));
    TRUE("100, 106, 108 still open, now FD_CLOEXEC",
         fcntl(100, F_GETFD) == FD_CLOEXEC && fcntl(106, F_GETFD) == FD_CLOEXEC && fcntl(108, F_GETFD) == FD_CLOEXEC);
    TRUE("stdio untouched", fcntl(1, F_GETFD) == 0);
    OK("close 100..~0", close_range(100, ~0U, 0));
    TRUE("all closed", !is_open(100) && !is_open(106) && !is_open(108));
    TRUE("stdio still open", is_open(0) && is_open(1) && is_open(2));
    OK("first == last", (open_at(150), close_range(150, 150, 0)));
    TRUE("  closed", !is_open(150));

    /* UNSHARE in a CLONE_FILES child leaves our table alone. */
    open_at(110);
    open_at(111);
    pid = clone(child_fn, stk + STK, CLONE_FILES | SIGCHLD, (void *)1L);
    MUST(pid);
    MUST(waitpid(pid, &st, 0));
    EQ("child close_range UNSHARE", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    TRUE("our 110 still open", is_open(110));
    pid = clone(child_fn, stk + STK, CLONE_FILES | SIGCHLD, (void *)2L);
    MUST(pid);
    MUST(waitpid(pid, &st, 0));
    EQ("child close_range without UNSHARE", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    TRUE("shared table: our 111 closed too", !is_open(111));
    close(110);

    /* closefrom (glibc, close_range underneath). */
    open_at(120);
    open_at(121);
    closefrom(120);
    TRUE("closefrom(120)", !is_open(120) && !is_open(121) && is_open(2));

    ERR("first > last", close_range(10, 9, 0), EINVAL);
    ERR("unknown flag", close_range(100, 101, 0x1), EINVAL);
    return conf_done();
}
