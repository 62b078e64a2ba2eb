/* mq_notify: SIGEV_SIGNAL (SI_MESGQ, the value, the sender's pid), one
 * notification then the registration is gone, EBUSY for a second one
 * (another process's too), unregistering, SIGEV_NONE, no notification
 * while a receiver is blocked, the QSIZE/NOTIFY/SIGNO line, errors
 * (EINVAL, EBADF, and for SIGEV_THREAD's netlink socket EBADF, ENOTSOCK,
 * EINVAL, EFAULT), glibc's SIGEV_THREAD, a receiver in another
 * process woken by a send, and epoll readiness of a queue. */
#include "conf.h"
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

static char name[64];

static long s_notify(int fd, const struct sigevent *sev) { return syscall(SYS_mq_notify, fd, sev); }
static long s_send(int fd, const char *p, size_t n) { return syscall(SYS_mq_timedsend, fd, p, n, 0, NULL); }
static long s_recv(int fd, char *p, size_t n) { return syscall(SYS_mq_timedreceive, fd, p, n, NULL, NULL); }

/* The line without NOTIFY_PID (a pid). */
static const char *line(int fd)
{
    static char buf[128];
    memset(buf, 0, sizeof(buf));
    if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
        return "error";
    char *p = strstr(buf, " NOTIFY_PID");
    if (p)
        *p = 0;
    return buf;
}

static int qfd;

static void *receiver(void *arg)
{
    char buf[8192];
    (void)arg;
    return (void *)(long)s_recv(qfd, buf, sizeof(buf));
}

static volatile int thread_notified;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void on_notify(union sigval v)
{
    pthread_mutex_lock(&mu);
    thread_notified = v.sival_int;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
}

int main(void)
{
    struct sigevent sev = { 0 };
    struct timespec ts = { 2, 0 };
    siginfo_t si;
    sigset_t usr1;
    char buf[8192];
    int q, st;
    pid_t pid;

    snprintf(name, sizeof(name), "conf-mqn-%d", getpid());
    MUST(q = syscall(SYS_mq_open, name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL));
    qfd = q;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    MUST(sigprocmask(SIG_BLOCK, &usr1, NULL));

    STREQ("line_idle", line(q), "QSIZE:0          NOTIFY:0     SIGNO:0    ");
    /* errors */
    sev.sigev_notify = 99;
    ERR("notify_bad_kind", s_notify(q, &sev), EINVAL);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = 65;
    ERR("notify_bad_signo", s_notify(q, &sev), EINVAL);
    sev.sigev_signo = SIGUSR1;
    ERR("notify_ebadf", s_notify(999, &sev), EBADF);
    ERR("notify_not_mq", s_notify(0, &sev), EBADF);
    ERR("notify_efault", s_notify(q, BADPTR), EFAULT);
    {
        char cookie[32] = { 0 };
        int sv[2], p[2];
        struct sigevent th = { .sigev_notify = SIGEV_THREAD };
        MUST(pipe(p));
        MUST(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
        th.sigev_value.sival_ptr = cookie;
        th.sigev_signo = 999;
        ERR("thread_ebadf", s_notify(q, &th), EBADF);
        th.sigev_signo = p[0];
        ERR("thread_not_socket", s_notify(q, &th), ENOTSOCK);
        th.sigev_signo = sv[0];
        ERR("thread_not_netlink", s_notify(q, &th), EINVAL);
        th.sigev_value.sival_ptr = BADPTR;
        ERR("thread_cookie_efault", s_notify(q, &th), EFAULT);
        close(p[0]);
        close(p[1]);
        close(sv[0]);
        close(sv[1]);
    }

    /* SIGEV_SIGNAL */
    sev.sigev_value.sival_int = 4242;
    OK("notify_signal", s_notify(q, &sev));
    STREQ("line_registered", line(q), "QSIZE:0          NOTIFY:0     SIGNO:10   ");
    ERR("notify_busy_self", s_notify(q, &sev), EBUSY);
    pid = fork();
    if (pid == 0)
        _exit(s_notify(q, &sev) == -1 && errno == EBUSY ? 0 : 1);
    MUST(waitpid(pid, &st, 0));
    EQ("notify_busy_child", WEXITSTATUS(st), 0);
    OK("send_1", s_send(q, "abc", 3));
    EQ("signal_came", sigtimedwait(&usr1, &si, &ts), SIGUSR1);
    EQ("si_code_mesgq", si.si_code, SI_MESGQ);
    EQ("si_value", si.si_value.sival_int, 4242);
    EQ("si_pid_self", si.si_pid == getpid(), 1);
    STREQ("line_after", line(q), "QSIZE:3          NOTIFY:0     SIGNO:0    ");
    /* not empty before: no notification, and it is not re-armed */
    OK("notify_again", s_notify(q, &sev));
    OK("send_2", s_send(q, "de", 2));
    {
        struct timespec z = { 0, 0 };
        ERR("no_signal_not_empty", sigtimedwait(&usr1, &si, &z), EAGAIN);
    }
    EQ("drain_1", s_recv(q, buf, sizeof(buf)), 3);
    EQ("drain_2", s_recv(q, buf, sizeof(buf)), 2);
    OK("unregister", s_notify(q, NULL));
    OK("unregister_none", s_notify(q, NULL));
    STREQ("line_unregistered", line(q), "QSIZE:0          NOTIFY:0     SIGNO:0    ");

    /* SIGEV_NONE: nothing sent, registration used up */
    sev.sigev_notify = SIGEV_NONE;
    OK("notify_none", s_notify(q, &sev));
    STREQ("line_none", line(q), "QSIZE:0          NOTIFY:1     SIGNO:0    ");
    OK("send_none", s_send(q, "x", 1));
    OK("notify_none_rearm", s_notify(q, &sev));
    OK("unregister_2", s_notify(q, NULL));
    EQ("drain_3", s_recv(q, buf, sizeof(buf)), 1);

    /* a blocked receiver takes the message: no notification */
    {
        pthread_t th;
        void *res;
        struct timespec z = { 0, 0 };
        MUST(pthread_create(&th, NULL, receiver, NULL) ? -1 : 0);
        usleep(300000);
        sev.sigev_notify = SIGEV_SIGNAL;
        OK("notify_with_receiver", s_notify(q, &sev));
        OK("send_to_receiver", s_send(q, "hello", 5));
        pthread_join(th, &res);
        EQ("receiver_got", (long)res, 5);
        ERR("no_signal_with_receiver", sigtimedwait(&usr1, &si, &z), EAGAIN);
        ERR("still_registered", s_notify(q, &sev), EBUSY);
        OK("unregister_3", s_notify(q, NULL));
    }

    /* glibc's SIGEV_THREAD */
    {
        char gname[80];
        mqd_t m;
        struct sigevent th = { .sigev_notify = SIGEV_THREAD };
        struct timespec dl;
        snprintf(gname, sizeof(gname), "/%s", name);
        OK("glibc_open", m = mq_open(gname, O_RDWR));
        th.sigev_notify_function = on_notify;
        th.sigev_value.sival_int = 77;
        OK("glibc_notify_thread", mq_notify(m, &th));
        STREQ("line_thread", line(m), "QSIZE:0          NOTIFY:2     SIGNO:0    ");
        OK("glibc_send", mq_send(m, "t", 1, 0));
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_sec += 5;
        pthread_mutex_lock(&mu);
        while (!thread_notified && pthread_cond_timedwait(&cv, &mu, &dl) == 0)
            ;
        pthread_mutex_unlock(&mu);
        EQ("thread_notified", thread_notified, 77);
        EQ("glibc_drain", mq_receive(m, buf, sizeof(buf), NULL), 1);
        OK("glibc_close", mq_close(m));
    }

    /* another process blocked in receive, woken by a send; epoll */
    {
        int ep;
        struct epoll_event ev = { .events = EPOLLIN }, out;
        MUST(ep = epoll_create1(0));
        MUST(epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev));
        EQ("epoll_empty", epoll_wait(ep, &out, 1, 0), 0);
        pid = fork();
        if (pid == 0) {
            char b[8192];
            _exit(s_recv(q, b, sizeof(b)) == 4 && memcmp(b, "wake", 4) == 0 ? 0 : 1);
        }
        usleep(200000);
        OK("send_wake", s_send(q, "wake", 4));
        MUST(waitpid(pid, &st, 0));
        EQ("child_received", WEXITSTATUS(st), 0);
        OK("send_epoll", s_send(q, "e", 1));
        EQ("epoll_ready", epoll_wait(ep, &out, 1, 1000), 1);
        EQ("epoll_events", out.events, EPOLLIN);
        close(ep);
    }
    OK("unlink", syscall(SYS_mq_unlink, name));
    close(q);
    return conf_done();
}
