/* unix_stream_epipe_sigpipe: writes to a closed stream peer: EPIPE and
 * SIGPIPE (default action kills), MSG_NOSIGNAL, and a writer blocked on a
 * full buffer when the reader goes. */
#include "conf.h"
#include "unixconf.h"
#include <pthread.h>
#include <signal.h>

static volatile int hits;
static void on_pipe(int s) { hits++; }
static int closefd;
static void *close_later(void *arg)
{
    usleep(100000);
    close(closefd);
    return NULL;
}

static int killed_child(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    close(sv[1]);
    write(sv[0], "x", 1);
    return 0; /* not reached */
}

int main(void)
{
    static char big[512 * 1024];
    int sv[2];
    long r;

    EQ("default SIGPIPE kills the writer", conf_in_child(killed_child), 1000 + SIGPIPE);
    signal(SIGPIPE, on_pipe);
    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    close(sv[1]);
    ERR("write: EPIPE", write(sv[0], "x", 1), EPIPE);
    EQ("  one SIGPIPE", hits, 1);
    ERR("send MSG_NOSIGNAL: EPIPE", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    EQ("  no SIGPIPE", hits, 1);
    ERR("sendmsg: EPIPE", ({ struct iovec v = { "x", 1 }; struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 }; sendmsg(sv[0], &m, 0); }), EPIPE);
    EQ("  SIGPIPE", hits, 2);
    close(sv[0]);

    MUST(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    {
        pthread_t t;
        hits = 0;
        closefd = sv[1];
        pthread_create(&t, NULL, close_later, NULL);
        r = write(sv[0], big, sizeof(big));
        pthread_join(t, NULL);
        TRUE("blocked writer: a partial count when the reader goes", r > 0 && r < (long)sizeof(big));
        EQ("  no SIGPIPE for a partial write", hits, 0);
        ERR("  next write EPIPE", write(sv[0], big, 1), EPIPE);
        EQ("  with SIGPIPE", hits, 1);
    }
    close(sv[0]);

    MUST(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    OK("dgram SHUT_WR", shutdown(sv[0], SHUT_WR));
    hits = 0;
    ERR("  dgram send: EPIPE", send(sv[0], "x", 1, 0), EPIPE);
    EQ("  without SIGPIPE", hits, 0);
    close(sv[0]);
    close(sv[1]);
    MUST(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    close(sv[1]);
    ERR("seqpacket send to a closed peer: EPIPE", send(sv[0], "x", 1, 0), EPIPE);
    EQ("  without SIGPIPE", hits, 0);
    close(sv[0]);
    return conf_done();
}
