/* unix_nonblock_connect_backlog: a stream connect completes at once while
 * the listener's backlog has room (backlog + 1 connections), then EAGAIN
 * non-blocking; a blocking connect waits until accept makes room; data
 * written before accept is there after it; closing the listener resets
 * unaccepted connections. */
#include "conf.h"
#include "unixconf.h"
#include <pthread.h>

static int lfd;
static void *accept_later(void *arg)
{
    usleep(100000);
    return (void *)(long)accept(lfd, NULL, NULL);
}

int main(void)
{
    const char *dir = conf_mkdtemp("unix-backlog");
    struct sockaddr_un a = unix_sa(conf_join(dir, "s"));
    int c[4], s, i;
    char buf[8];
    pthread_t t;
    void *res;

    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    MUST(bind(lfd, (struct sockaddr *)&a, sizeof(a)));
    OK("listen backlog 1", listen(lfd, 1));
    for (i = 0; i < 3; i++)
        c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    OK("connect 1", connect(c[0], (struct sockaddr *)&a, sizeof(a)));
    OK("connect 2", connect(c[1], (struct sockaddr *)&a, sizeof(a)));
    ERR("connect 3: EAGAIN", connect(c[2], (struct sockaddr *)&a, sizeof(a)), EAGAIN);
    ERR("connect 1 again while full: EAGAIN (checked first)", connect(c[0], (struct sockaddr *)&a, sizeof(a)), EAGAIN);
    EQ("write before accept", write(c[0], "early", 5), 5);
    EQ("client poll: OUT", unix_revents(c[0]), POLLOUT);

    c[3] = socket(AF_UNIX, SOCK_STREAM, 0);
    pthread_create(&t, NULL, accept_later, NULL);
    OK("a blocking connect waits for room", connect(c[3], (struct sockaddr *)&a, sizeof(a)));
    pthread_join(t, &res);
    s = (int)(long)res;
    TRUE("  accept made it", s >= 0);
    EQ("  the early data is there", read(s, buf, sizeof(buf)), 5);
    close(s);
    s = accept(lfd, NULL, NULL);
    TRUE("accept the second", s >= 0);
    close(s);
    ERR("connect 1 again with room: EISCONN", connect(c[0], (struct sockaddr *)&a, sizeof(a)), EISCONN);
    close(lfd);
    ERR("listener closed with c[3] unaccepted: ECONNRESET", read(c[3], buf, 1), ECONNRESET);
    EQ("  then EOF", read(c[3], buf, 1), 0);
    for (i = 0; i < 4; i++)
        close(c[i]);
    conf_rmtree(dir);
    return conf_done();
}
