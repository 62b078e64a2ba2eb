/* thread_many_short: 200 short threads, one after another and in a crowd.
 * Each maps a little memory, touches it and unmaps it, so the next thread
 * gets the same address back and faults on it afresh (the sandbox once took
 * the fifth such fault on one page for a fault loop and killed the app). */
#include "conf.h"
#include <pthread.h>
#include <sys/mman.h>

static void *work(void *arg)
{
    volatile char buf[8192];
    char *p = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return (void *)0L;
    p[0] = p[16383] = 1;
    munmap(p, 16384);
    buf[0] = buf[8191] = (char)(long)arg;
    return (void *)(long)(buf[0] + buf[8191]);
}

int main(void)
{
    pthread_t th[50];
    long sum = 0, ok = 1;

    for (int i = 0; i < 150; i++) { /* one at a time: the stack comes back */
        void *r;
        ok &= pthread_create(&th[0], NULL, work, (void *)1L) == 0;
        ok &= pthread_join(th[0], &r) == 0;
        sum += (long)r;
    }
    for (int i = 0; i < 50; i++)
        ok &= pthread_create(&th[i], NULL, work, (void *)1L) == 0;
    for (int i = 0; i < 50; i++) {
        void *r;
        ok &= pthread_join(th[i], &r) == 0;
        sum += (long)r;
    }
    EQ("all created and joined", ok, 1);
    EQ("each returned its value", sum, 400);
    return conf_done();
}
