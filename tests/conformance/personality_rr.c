/* personality_rr: personality(2) keeps and reports the persona (setarch -R
 * sets ADDR_NO_RANDOMIZE and then execs), across fork; the scheduler
 * queries for SCHED_DEADLINE and sched_rr_get_interval's answers. */
#include "conf.h"
#include <sched.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    struct timespec ts = { 1, 1 };
    int st;
    pid_t p;

    EQ("query", personality(0xffffffff), PER_LINUX);
    EQ("set ADDR_NO_RANDOMIZE gives the old", personality(ADDR_NO_RANDOMIZE), PER_LINUX);
    EQ("query after set", personality(0xffffffff), ADDR_NO_RANDOMIZE);
    if ((p = fork()) == 0)
        _exit(personality(0xffffffff) == ADDR_NO_RANDOMIZE ? 0 : 1);
    MUST(p > 0 && waitpid(p, &st, 0) == p);
    EQ("a child inherits it", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    EQ("back to PER_LINUX", personality(PER_LINUX), ADDR_NO_RANDOMIZE);
    EQ("deadline max", sched_get_priority_max(6), 0);
    EQ("deadline min", sched_get_priority_min(6), 0);
    ERR("rr interval of pid -1", sched_rr_get_interval(-1, &ts), EINVAL);
    OK("rr interval of self", sched_rr_get_interval(0, &ts));
    return conf_done();
}
