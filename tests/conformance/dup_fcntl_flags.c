/* dup_fcntl_flags: descriptor vs open-file flags across dup, fork and
 * threads: status flags (O_NONBLOCK, O_APPEND) and offsets shared with
 * forked children and dups, FD_CLOEXEC per descriptor and inherited by
 * fork, fd tables shared by threads but copied by fork; F_SETOWN/O_ASYNC
 * delivering SIGIO (and F_SETSIG's signal with POLL_IN and si_fd). */
#include "conf.h"
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static volatile int thread_fd = -1;
static void *opener(void *arg)
{
    thread_fd = open("/dev/null", O_RDONLY);
    return NULL;
}

int main(void)
{
    const char *tmp = conf_tmp("dupfl");
    int p[2], fd, d, st;
    char buf[16];
    pid_t pid;

    /* O_NONBLOCK through a dup affects the original. */
    MUST(pipe(p));
    d = dup(p[0]);
    MUST(fcntl(d, F_SETFL, O_NONBLOCK));
    ERR("O_NONBLOCK set via a dup: original read EAGAIN", read(p[0], buf, 1), EAGAIN);
    MUST(fcntl(p[0], F_SETFL, 0));
    EQ("cleared via the original: dup sees it", fcntl(d, F_GETFL) & O_NONBLOCK, 0);
    close(d);

    /* fork shares status flags both ways, copies descriptor flags. */
    MUST(fcntl(p[0], F_SETFD, FD_CLOEXEC));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        int ok = fcntl(p[0], F_GETFD) == FD_CLOEXEC; /* inherited */
        fcntl(p[0], F_SETFL, O_NONBLOCK);
        fcntl(p[0], F_SETFD, 0);
        _exit(ok ? 0 : 1);
    }
    MUST(waitpid(pid, &st, 0));
    EQ("child inherited FD_CLOEXEC", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    TRUE("child's O_NONBLOCK seen by the parent", fcntl(p[0], F_GETFL) & O_NONBLOCK);
    EQ("child's FD_CLOEXEC change not seen", fcntl(p[0], F_GETFD), FD_CLOEXEC);
    MUST(fcntl(p[0], F_SETFL, 0));
    MUST(fcntl(p[0], F_SETFD, 0));

    /* O_APPEND set by a child moves the parent's writes to the end. */
    fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
    MUST(fd);
    MUST(write(fd, "0123456789", 10));
    MUST(lseek(fd, 0, SEEK_SET));
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        fcntl(fd, F_SETFL, O_APPEND);
        _exit(0);
    }
    MUST(waitpid(pid, &st, 0));
    MUST(write(fd, "AB", 2));
    EQ("parent's write appended (offset now 12)", lseek(fd, 0, SEEK_CUR), 12);
    EQ("pread at 0 still the old data", pread(fd, buf, 2, 0) == 2 && memcmp(buf, "01", 2) == 0, 1);

    /* A child closing or adding fds does not touch the parent's table. */
    pid = fork();
    MUST(pid);
    if (pid == 0) {
        close(fd);
        _exit(open("/dev/null", O_RDONLY) == fd ? 0 : 1); /* the freed number */
    }
    MUST(waitpid(pid, &st, 0));
    EQ("child reused the closed number", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    TRUE("parent's fd still the file", fcntl(fd, F_GETFD) == 0 && lseek(fd, 0, SEEK_CUR) == 12);

    /* Threads share the table. */
    {
        pthread_t t;
        pthread_create(&t, NULL, opener, NULL);
        pthread_join(t, NULL);
        TRUE("an fd opened by a thread is usable here", thread_fd >= 0 && fcntl(thread_fd, F_GETFD) == 0);
        close(thread_fd);
    }

    /* F_SETOWN + O_ASYNC: SIGIO when data arrives. */
    {
        sigset_t s;
        siginfo_t si;
        struct timespec to = { 2, 0 };

        sigemptyset(&s);
        sigaddset(&s, SIGIO);
        sigaddset(&s, SIGRTMIN);
        sigprocmask(SIG_BLOCK, &s, NULL);
        OK("F_SETOWN getpid()", fcntl(p[0], F_SETOWN, getpid()));
        TRUE("F_GETOWN reads it back", fcntl(p[0], F_GETOWN) == getpid());
        OK("F_SETFL O_ASYNC", fcntl(p[0], F_SETFL, O_ASYNC));
        MUST(write(p[1], "x", 1));
        memset(&si, 0, sizeof(si));
        EQ("SIGIO on write", sigtimedwait(&s, &si, &to), SIGIO);
        MUST(read(p[0], buf, 1));
        OK("F_SETSIG SIGRTMIN", fcntl(p[0], F_SETSIG, SIGRTMIN));
        EQ("F_GETSIG", fcntl(p[0], F_GETSIG), SIGRTMIN);
        MUST(write(p[1], "y", 1));
        memset(&si, 0, sizeof(si));
        EQ("F_SETSIG signal delivered", sigtimedwait(&s, &si, &to) == SIGRTMIN, 1);
        EQ("  si_code POLL_IN", si.si_code, POLL_IN);
        TRUE("  si_fd is the read end", si.si_fd == p[0]);
        MUST(read(p[0], buf, 1));
        MUST(fcntl(p[0], F_SETFL, 0));
        ERR("F_SETSIG 65", fcntl(p[0], F_SETSIG, 65), EINVAL);
    }

    close(fd);
    close(p[0]);
    close(p[1]);
    unlink(tmp);
    return conf_done();
}
