/* timer_posix_ids: the timer_* calls know only ids timer_create gave out;
 * negative ones are EINVAL and leave the interval timers alone (the sandbox
 * once kept ITIMER_REAL under id -1, where timer_delete(-1) removed it). */
#include "conf.h"
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    struct itimerval it = { { 5, 0 }, { 5, 0 } }, cur;
    struct itimerspec ts = { { 0, 0 }, { 1, 0 } }, got;

    OK("setitimer REAL", setitimer(ITIMER_REAL, &it, NULL));
    OK("setitimer VIRTUAL", setitimer(ITIMER_VIRTUAL, &it, NULL));
    for (int id = -1; id >= -4; id--) {
        ERR("timer_delete negative", syscall(SYS_timer_delete, id), EINVAL);
        ERR("timer_settime negative", syscall(SYS_timer_settime, id, 0, &ts, NULL), EINVAL);
        ERR("timer_gettime negative", syscall(SYS_timer_gettime, id, &got), EINVAL);
        ERR("timer_getoverrun negative", syscall(SYS_timer_getoverrun, id), EINVAL);
    }
    ERR("timer_delete never created", syscall(SYS_timer_delete, 12345), EINVAL);
    OK("getitimer REAL", getitimer(ITIMER_REAL, &cur));
    TRUE("REAL still armed", cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0);
    EQ("REAL interval kept", cur.it_interval.tv_sec, 5);
    OK("getitimer VIRTUAL", getitimer(ITIMER_VIRTUAL, &cur));
    TRUE("VIRTUAL still armed", cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0);
    return conf_done();
}
