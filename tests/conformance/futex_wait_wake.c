/* futex_wait_wake: FUTEX_WAIT/FUTEX_WAKE, private and shared: value
 * mismatch, timeouts, wake counts, process-shared futexes keyed by the
 * page (two mappings of one file, and across fork), and errors. */
#include "conf.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

static long futex(int *uaddr, int op, int val, const struct timespec *ts)
{
    return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int word;
static int *wait_addr;
static int wait_op = FUTEX_WAIT_PRIVATE;
static volatile int woke_ok;

static void *waiter(void *arg)
{
    while (__atomic_load_n(wait_addr, __ATOMIC_SEQ_CST) == 0) {
        long r = futex(wait_addr, wait_op, 0, NULL);
        if (r == 0 || (r == -1 && errno == EAGAIN))
            continue;
        return NULL;
    }
    __atomic_fetch_add(&woke_ok, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

int main(void)
{
    struct timespec ts;
    pthread_t t[3];
    double t0, dt;
    int st;

    word = 5;
    ERR("WAIT with a different value", futex(&word, FUTEX_WAIT_PRIVATE, 4, NULL), EAGAIN);
    ERR("shared WAIT with a different value", futex(&word, FUTEX_WAIT, 4, NULL), EAGAIN);
    ts = (struct timespec){ 0, 30 * 1000000 };
    t0 = now();
    ERR("WAIT 30 ms", futex(&word, FUTEX_WAIT_PRIVATE, 5, &ts), ETIMEDOUT);
    dt = now() - t0;
    TRUE("  waited >= 30 ms and < 2 s", dt >= 0.029 && dt < 2);
    ts = (struct timespec){ 0, 0 };
    ERR("WAIT zero timeout", futex(&word, FUTEX_WAIT_PRIVATE, 5, &ts), ETIMEDOUT);
    EQ("WAKE with no waiters", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL), 0);

    /* One waiter thread. */
    word = 0;
    wait_addr = &word;
    pthread_create(&t[0], NULL, waiter, NULL);
    usleep(50000);
    word = 1;
    EQ("WAKE 1 with a blocked thread", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL), 1);
    pthread_join(t[0], NULL);
    EQ("the thread returned from its WAIT", woke_ok, 1);

    /* Three waiters, wake two, then the rest. */
    word = 0;
    woke_ok = 0;
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, waiter, NULL);
    usleep(50000);
    word = 1;
    EQ("WAKE 2 of 3", futex(&word, FUTEX_WAKE_PRIVATE, 2, NULL), 2);
    usleep(20000);
    EQ("WAKE INT_MAX wakes the last", futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL), 1);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    EQ("all three returned", woke_ok, 3);

    /* A shared futex is keyed by the page: two mappings of one file. */
    {
        const char *tmp = conf_tmp("futex");
        int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
        int *m1, *m2;
        MUST(fd);
        MUST(ftruncate(fd, 4096));
        m1 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        m2 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        unlink(tmp);
        TRUE("two mappings at different addresses", m1 != MAP_FAILED && m2 != MAP_FAILED && m1 != m2);
        woke_ok = 0;
        wait_addr = &m1[1];
        wait_op = FUTEX_WAIT;
        pthread_create(&t[0], NULL, waiter, NULL);
        usleep(50000);
        EQ("private WAKE through the other mapping", futex(&m2[1], FUTEX_WAKE_PRIVATE, 1, NULL), 0);
        m2[1] = 1;
        EQ("shared WAKE through the other mapping", futex(&m2[1], FUTEX_WAKE, 1, NULL), 1);
        pthread_join(t[0], NULL);
        EQ("woken", woke_ok, 1);
        wait_op = FUTEX_WAIT_PRIVATE;
        close(fd);
    }

    /* Across fork: shared anonymous memory. */
    {
        int *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        pid_t pid = fork();
        MUST(pid);
        if (pid == 0) {
            while (__atomic_load_n(sh, __ATOMIC_SEQ_CST) == 0)
                futex(sh, FUTEX_WAIT, 0, NULL);
            _exit(0);
        }
        usleep(50000);
        EQ("private WAKE does not reach another process", futex(sh, FUTEX_WAKE_PRIVATE, 1, NULL), 0);
        *sh = 1;
        EQ("shared WAKE wakes the child", futex(sh, FUTEX_WAKE, 1, NULL), 1);
        MUST(waitpid(pid, &st, 0));
        TRUE("child exited", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }

    /* Errors. */
    ERR("unaligned address", futex((int *)((char *)&word + 1), FUTEX_WAIT_PRIVATE, 0, NULL), EINVAL);
    ERR("unknown op", futex(&word, 99, 0, NULL), ENOSYS);
    ERR("WAIT on an unmapped address", futex((int *)16, FUTEX_WAIT_PRIVATE, 0, NULL), EFAULT);
    word = 0;
    ts = (struct timespec){ 0, 1000000000 };
    ERR("tv_nsec 1e9", futex(&word, FUTEX_WAIT_PRIVATE, 0, &ts), EINVAL);
    ts = (struct timespec){ -1, 0 };
    ERR("negative tv_sec", futex(&word, FUTEX_WAIT_PRIVATE, 0, &ts), EINVAL);
    return conf_done();
}
