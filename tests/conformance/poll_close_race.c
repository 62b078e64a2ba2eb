/* poll_close_race: one thread polls files another thread closes. The poll
 * keeps its files alive while it waits (Linux's poll table holds them), so
 * nothing wakes it; at the timeout its last look finds the fds closed:
 * POLLNVAL for each. The sandbox once freed the file, and the wait queue
 * poll was still on, under it (found by tests/security/sys_fuzz.c). */
#include "conf.h"
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <unistd.h>

static int efd[8];

static void *closer(void *arg)
{
    (void)arg;
    usleep(30000);
    for (int i = 0; i < 8; i++)
        close(efd[i]);
    return NULL;
}

int main(void)
{
    long nval = 0, bad = 0;

    for (int round = 0; round < 5; round++) {
        struct pollfd p[8];
        pthread_t th;
        for (int i = 0; i < 8; i++) {
            MUST((efd[i] = eventfd(0, 0)) >= 0);
            p[i] = (struct pollfd){ .fd = efd[i], .events = POLLIN };
        }
        MUST(pthread_create(&th, NULL, closer, NULL) == 0);
        int r = poll(p, 8, 300); /* the closer comes at 30 ms: room for a slow host */
        MUST(pthread_join(th, NULL) == 0);
        if (r == 8 && p[0].revents == POLLNVAL && p[7].revents == POLLNVAL)
            nval++;
        else
            bad++;
        /* The fds are gone now: a new poll sees POLLNVAL. */
        if (poll(p, 1, 0) != 1 || p[0].revents != POLLNVAL)
            bad++;
    }
    EQ("every poll ended with 8 POLLNVAL", nval, 5);
    /* select checks its fds before waiting (EBADF); one closed during the
     * wait is reported ready at the timeout (Linux 6.x). */
    for (int round = 0; round < 3; round++) {
        fd_set in;
        struct timeval tv = { 0, 300000 };
        pthread_t th;
        int maxfd = 0;
        FD_ZERO(&in);
        for (int i = 0; i < 8; i++) {
            MUST((efd[i] = eventfd(0, 0)) >= 0);
            FD_SET(efd[i], &in);
            maxfd = efd[i] > maxfd ? efd[i] : maxfd;
        }
        MUST(pthread_create(&th, NULL, closer, NULL) == 0);
        EQ("select: the closed fds come back ready", select(maxfd + 1, &in, NULL, NULL, &tv), 8);
        MUST(pthread_join(th, NULL) == 0);
    }
    EQ("nothing else", bad, 0);
    return conf_done();
}
