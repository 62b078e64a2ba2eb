/* thread_race_futex: threads racing under futex-based locks: a hand-made
 * futex mutex (Drepper's three-state lock), pthread mutexes, a condition
 * variable ping-pong and a process-shared mutex across fork. Every final
 * count is exact. */
#include "conf.h"
#include <linux/futex.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define THREADS 4
#define ROUNDS 50000

static int lockword; /* 0 free, 1 locked, 2 locked with waiters */
static volatile long counter;
static long futex_waits;

static void lock(int *l)
{
    int c = 0;

    if (__atomic_compare_exchange_n(l, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return;
    if (c != 2)
        c = __atomic_exchange_n(l, 2, __ATOMIC_ACQUIRE);
    while (c != 0) {
        __atomic_fetch_add(&futex_waits, 1, __ATOMIC_RELAXED);
        syscall(SYS_futex, l, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
        c = __atomic_exchange_n(l, 2, __ATOMIC_ACQUIRE);
    }
}

static void unlock(int *l)
{
    if (__atomic_fetch_sub(l, 1, __ATOMIC_RELEASE) != 1) {
        __atomic_store_n(l, 0, __ATOMIC_RELEASE);
        syscall(SYS_futex, l, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}

static void *futex_worker(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        lock(&lockword);
        long v = counter; /* a non-atomic read-modify-write */
        if ((i & 1023) == 0)
            sched_yield(); /* invite contention while holding the lock */
        counter = v + 1;
        unlock(&lockword);
    }
    return NULL;
}

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter2;

static void *mutex_worker(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&mtx);
        long v = counter2;
        if ((i & 1023) == 0)
            sched_yield();
        counter2 = v + 1;
        pthread_mutex_unlock(&mtx);
    }
    return NULL;
}

static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, exchanges;
#define PINGPONG 2000

static void *ponger(void *arg)
{
    int me = (int)(long)arg;

    for (int i = 0; i < PINGPONG; i++) {
        pthread_mutex_lock(&mtx);
        while (turn != me)
            pthread_cond_wait(&cv, &mtx);
        exchanges++;
        turn = !me;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mtx);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];

    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, futex_worker, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    EQ("futex mutex: 4 x 50000 increments", counter, THREADS * ROUNDS);
    EQ("lock word free at the end", lockword, 0);
    TRUE("contention went through FUTEX_WAIT", futex_waits > 0);

    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, mutex_worker, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    EQ("pthread mutex: 4 x 50000 increments", counter2, THREADS * ROUNDS);

    pthread_create(&t[0], NULL, ponger, (void *)0L);
    pthread_create(&t[1], NULL, ponger, (void *)1L);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    EQ("condvar ping-pong exchanges", exchanges, 2 * PINGPONG);

    /* A process-shared mutex in shared memory, two processes x 2 threads. */
    {
        struct shared {
            pthread_mutex_t m;
            long n;
        } *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        pthread_mutexattr_t a;
        pid_t pid;
        int st;

        pthread_mutexattr_init(&a);
        pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
        pthread_mutex_init(&sh->m, &a);
        sh->n = 0;
        pid = fork();
        MUST(pid);
        for (int i = 0; i < 2 * ROUNDS; i++) {
            pthread_mutex_lock(&sh->m);
            long v = sh->n;
            if ((i & 1023) == 0)
                sched_yield();
            sh->n = v + 1;
            pthread_mutex_unlock(&sh->m);
        }
        if (pid == 0)
            _exit(0);
        MUST(waitpid(pid, &st, 0));
        EQ("process-shared mutex: 2 processes x 100000", sh->n, 4 * ROUNDS);
    }
    return conf_done();
}
