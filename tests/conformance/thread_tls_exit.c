/* thread_tls_exit: per-thread TLS (initialised from the template, private
 * to each thread, FS base == thread pointer), thread exit waking
 * pthread_join through CLONE_CHILD_CLEARTID, set_tid_address moving that
 * wake, pthread_exit values, key destructors, errno per thread, and
 * cancellation of a thread blocked in read (SIGCANCEL). */
#include "conf.h"
#include <asm/prctl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>

static __thread int tls_init = 42;
static __thread int tls_zero[64];
static volatile int late_flag;

static unsigned long fs_base(void)
{
    unsigned long v = 0;
    syscall(SYS_arch_prctl, ARCH_GET_FS, &v);
    return v;
}

struct report {
    int saw_init, saw_zero, fs_is_self, fs_differs, errno_private;
};
static unsigned long main_fs;

static void *tls_thread(void *arg)
{
    struct report *r = arg;
    int z = 1;

    r->saw_init = tls_init;
    for (int i = 0; i < 64; i++)
        z &= tls_zero[i] == 0;
    r->saw_zero = z;
    tls_init = 7;
    tls_zero[0] = 9;
    r->fs_is_self = fs_base() == (unsigned long)pthread_self();
    r->fs_differs = fs_base() != main_fs;
    errno = 0;
    close(-1); /* EBADF in this thread only */
    r->errno_private = errno == EBADF;
    return (void *)123L;
}

static void *late_thread(void *arg)
{
    usleep(50000);
    late_flag = 1;
    pthread_exit((void *)456L);
}

static pthread_key_t key;
static volatile long destructed;
static void destructor(void *v) { destructed = (long)v; }
static void *key_thread(void *arg)
{
    pthread_setspecific(key, (void *)77L);
    return NULL;
}

static int rfd;
static void *reader(void *arg)
{
    char c;
    if (read(rfd, &c, 1) < 0) /* a cancellation point */
        return (void *)1L;
    return (void *)2L;
}

/* Raw thread moving its clear-child-tid address. */
#define STK (64 * 1024)
static char stk[STK] __attribute__((aligned(16)));
static pid_t ctid_a, ctid_b;
static int raw_thread(void *arg)
{
    syscall(SYS_set_tid_address, &ctid_b);
    return 0;
}

int main(void)
{
    pthread_t t;
    struct report r;
    void *ret;

    main_fs = fs_base();
    TRUE("main: FS base is the thread pointer", main_fs == (unsigned long)pthread_self());
    tls_init = 1;
    memset(&r, 0, sizeof(r));
    errno = EDOM;
    pthread_create(&t, NULL, tls_thread, &r);
    pthread_join(t, &ret);
    int main_errno = errno;
    EQ("new thread sees the TLS initial value", r.saw_init, 42);
    EQ("new thread's tbss is zero", r.saw_zero, 1);
    EQ("its FS base is its thread pointer", r.fs_is_self, 1);
    EQ("and differs from main's", r.fs_differs, 1);
    EQ("main's TLS copy unchanged", tls_init, 1);
    EQ("main's tbss unchanged", tls_zero[0], 0);
    EQ("errno is per thread", r.errno_private, 1);
    STREQ("main's errno untouched", errname(main_errno), "EDOM");
    EQ("return value via pthread_join", (long)ret, 123);

    pthread_create(&t, NULL, late_thread, NULL);
    pthread_join(t, &ret);
    EQ("pthread_join waited for the exit", late_flag, 1);
    EQ("pthread_exit value", (long)ret, 456);

    pthread_key_create(&key, destructor);
    pthread_create(&t, NULL, key_thread, NULL);
    pthread_join(t, NULL);
    EQ("key destructor ran with the thread's value", destructed, 77);

    /* Cancel a thread blocked in read. */
    {
        int p[2];
        MUST(pipe(p));
        rfd = p[0];
        pthread_create(&t, NULL, reader, NULL);
        usleep(50000);
        EQ("pthread_cancel", pthread_cancel(t), 0);
        pthread_join(t, &ret);
        TRUE("blocked read cancelled: PTHREAD_CANCELED", ret == PTHREAD_CANCELED);
        close(p[0]);
        close(p[1]);
    }

    /* set_tid_address in a raw thread: the exit clears and wakes the new
     * address, not the one given to clone. */
    {
        int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                    CLONE_SYSVSEM | CLONE_CHILD_CLEARTID;
        ctid_a = ctid_b = -1;
        pid_t tid = clone(raw_thread, stk + STK, flags, NULL, NULL, NULL, &ctid_a);
        MUST(tid);
        int waits = 0;
        while (__atomic_load_n(&ctid_b, __ATOMIC_SEQ_CST) != 0 && waits < 200) {
            struct timespec to = { 0, 10000000 };
            syscall(SYS_futex, &ctid_b, FUTEX_WAIT, -1, &to, NULL, 0);
            waits++;
        }
        EQ("new clear-child-tid address cleared at exit", ctid_b, 0);
        EQ("the clone-time address untouched", ctid_a, -1);
    }
    return conf_done();
}
