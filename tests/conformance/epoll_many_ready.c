/* epoll_many_ready: one epoll_wait reports every ready file, even when
 * thousands are (python's selectors test counts them; the sandbox once
 * stopped at 1024 per call). */
#include "conf.h"
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#define NPIPES 1500

int main(void)
{
    struct rlimit rl;
    static struct epoll_event evs[NPIPES + 100];
    int ep, n = 0, fds[2];

    MUST(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    if (rl.rlim_max < 2 * NPIPES + 16)
        conf_skip("RLIMIT_NOFILE hard limit too low");
    rl.rlim_cur = rl.rlim_max;
    MUST(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    MUST((ep = epoll_create1(0)) >= 0);
    for (int i = 0; i < NPIPES; i++) {
        struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = (uint32_t)i };
        MUST(pipe(fds) == 0);
        MUST(epoll_ctl(ep, EPOLL_CTL_ADD, fds[1], &ev) == 0);
        n++;
    }
    EQ("all write ends ready in one call", epoll_wait(ep, evs, NPIPES + 100, 0), n);
    EQ("max caps the count", epoll_wait(ep, evs, 7, 0), 7);
    ERR("maxevents 0", epoll_wait(ep, evs, 0, 0), EINVAL);
    return conf_done();
}
