/* fork_threads_race: fork while other threads of the process run and write
 * memory, and fork from many threads at once.
 *
 * Two sandbox bugs this once caught:
 *  - a child's writes landing in its parent's memory: a sibling thread
 *    mapped a page writable again between the Sentry dropping the parent's
 *    writable mappings and the platform copying the address space, so the
 *    child inherited a writable mapping of a page it shared with the parent
 *    (glibc's child then reset the parent's thread count and the parent
 *    exited early);
 *  - SIGSEGV on a write to a page the Sentry had taken over from a finished
 *    copy-on-write share without mapping it writable again. */
#include "conf.h"
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>

#define NWRITERS 3
#define NFORKERS 16

/* One page per writer, kept hot by its thread; children scribble on all. */
static volatile long pages[NWRITERS][512] __attribute__((aligned(4096)));
static volatile int stop;
static volatile long leaked;

static void *writer(void *arg)
{
    long i = (long)arg, n = 0;

    while (!stop) {
        if (pages[i][1] != 0) /* a child's scribble seen by the parent */
            leaked = pages[i][1];
        pages[i][0] = ++n;
    }
    return NULL;
}

static void *forker(void *arg)
{
    (void)arg;
    pid_t p = fork();
    if (p == 0) {
        for (int i = 0; i < NWRITERS; i++)
            pages[i][1] = 0x5eed;
        _exit(50);
    }
    int st = 0;
    if (p < 0 || waitpid(p, &st, 0) != p)
        return (void *)1L;
    return (void *)(long)!(WIFEXITED(st) && WEXITSTATUS(st) == 50);
}

int main(void)
{
    pthread_t w[NWRITERS], f[NFORKERS];
    long bad = 0;

    for (long i = 0; i < NWRITERS; i++)
        MUST(pthread_create(&w[i], NULL, writer, (void *)i) == 0);
    /* Forks from the main thread while the writers run. */
    for (int r = 0; r < 100; r++) {
        pid_t p = fork();
        if (p == 0) {
            for (int i = 0; i < NWRITERS; i++)
                pages[i][1] = 0x5eed;
            _exit(7);
        }
        int st = 0;
        bad += p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 7;
    }
    /* Forks from many threads at once, writers still running. */
    for (int r = 0; r < 10; r++) {
        for (int i = 0; i < NFORKERS; i++)
            MUST(pthread_create(&f[i], NULL, forker, NULL) == 0);
        for (int i = 0; i < NFORKERS; i++) {
            void *res;
            MUST(pthread_join(f[i], &res) == 0);
            bad += (long)res;
        }
    }
    stop = 1;
    for (int i = 0; i < NWRITERS; i++)
        MUST(pthread_join(w[i], NULL) == 0);
    EQ("children exited as they should", bad, 0);
    EQ("no child write seen by the parent", leaked, 0);
    for (int i = 0; i < NWRITERS; i++)
        EQ("parent page untouched", pages[i][1], 0);
    return conf_done();
}
