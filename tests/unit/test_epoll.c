/* tests/unit/test_epoll.c: epoll instances over eventfds, without tasks
 * (non-blocking paths only): a wait polls only the items woken, not every
 * registered one; level/edge/oneshot bookkeeping; items leave with the
 * file's last reference; callback waiters and EPOLLEXCLUSIVE wake-ups. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "sentry/fs/fs.h"
#include "sentry/kernel/kernel.h"

static const struct timespec zero = {0, 0};

static struct file *efd(void)
{
    struct file *f;
    cr_assert_eq(eventfd_new(0, EFD_NONBLOCK, &f), 0);
    return f;
}

static void post(struct file *f, uint64_t v)
{
    cr_assert_eq(f->ops->write(f, &v, 8, 0), 8);
}

static void add(struct file *ep, struct file *f, int fd, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.u64 = (uint64_t)fd};
    cr_assert_eq(epoll_ctl_file(ep, EPOLL_CTL_ADD, f, fd, &ev), 0);
}

Test(epoll, wait_polls_only_woken_items)
{
    enum { N = 5000 };
    static struct file *fs[N];
    struct epoll_event evs[16];
    struct file *ep;
    uint64_t before;

    cr_assert_eq(epoll_new(0, &ep), 0);
    for (int i = 0; i < N; i++) {
        fs[i] = efd();
        add(ep, fs[i], i, EPOLLIN);
    }
    cr_assert_eq(epoll_wait_file(NULL, ep, evs, 16, &zero), 0);
    post(fs[17], 1);
    post(fs[4000], 1);
    before = epoll_items_polled;
    for (int k = 0; k < 100; k++)
        cr_assert_eq(epoll_wait_file(NULL, ep, evs, 16, &zero), 2);
    /* Level-triggered: the two stay on the ready list, nothing else is
     * looked at. */
    cr_assert_leq(epoll_items_polled - before, 2 * 100);
    for (int i = 0; i < N; i++)
        file_put(fs[i]);
    cr_assert_eq(epoll_wait_file(NULL, ep, evs, 16, &zero), 0);
    file_put(ep);
}

Test(epoll, edge_once_per_wakeup_and_oneshot_disarms)
{
    struct epoll_event evs[4], ev;
    struct file *ep, *a, *b;

    cr_assert_eq(epoll_new(0, &ep), 0);
    a = efd();
    b = efd();
    add(ep, a, 1, EPOLLIN | EPOLLET);
    add(ep, b, 2, EPOLLIN | EPOLLONESHOT);
    post(a, 1);
    post(b, 1);
    cr_assert_eq(epoll_wait_file(NULL, ep, evs, 4, &zero), 2);
    cr_assert_eq(epoll_wait_file(NULL, ep, evs, 4, &zero), 0);
    post(a, 1);
    post(b, 1);
    cr_assert_eq(epoll_wait_file(NULL, ep, evs, 4, &zero), 1);
    cr_assert_eq(evs[0].data.u64, 1);
    ev.events = EPOLLIN;
    ev.data.u64 = 22;
    cr_assert_eq(epoll_ctl_file(ep, EPOLL_CTL_MOD, b, 2, &ev), 0);
    cr_assert_eq(epoll_wait_file(NULL, ep, evs, 4, &zero), 1);
    cr_assert_eq(evs[0].data.u64, 22);
    file_put(a);
    file_put(b);
    file_put(ep);
}

Test(epoll, ctl_errors_and_loops)
{
    struct epoll_event ev = {.events = EPOLLIN};
    struct file *e1, *e2, *a;

    cr_assert_eq(epoll_new(0, &e1), 0);
    cr_assert_eq(epoll_new(0, &e2), 0);
    a = efd();
    cr_assert_eq(epoll_ctl_file(e1, EPOLL_CTL_ADD, e1, 3, &ev), -EINVAL);
    cr_assert_eq(epoll_ctl_file(a, EPOLL_CTL_ADD, e1, 3, &ev), -EINVAL);
    cr_assert_eq(epoll_ctl_file(e1, EPOLL_CTL_DEL, a, 3, NULL), -ENOENT);
    cr_assert_eq(epoll_ctl_file(e1, EPOLL_CTL_ADD, e2, 4, &ev), 0);
    cr_assert_eq(epoll_ctl_file(e2, EPOLL_CTL_ADD, e1, 5, &ev), -ELOOP);
    cr_assert_eq(epoll_ctl_file(e2, EPOLL_CTL_ADD, a, 6, &ev), 0);
    cr_assert_eq(epoll_ctl_file(e2, EPOLL_CTL_ADD, a, 6, &ev), -EEXIST);
    post(a, 1);
    cr_assert_eq(vfs_poll(e1, NULL) & POLLIN, POLLIN); /* through e2 */
    /* The last reference to e2: its item in e1 goes. */
    file_put(e2);
    file_put(a);
    file_put(e1);
}

static int calls;
static bool count_cb(struct waiter *w)
{
    calls++;
    return true;
}

Test(waitq, exclusive_callbacks_wake_one)
{
    struct waitq wq;
    struct waiter w[3];

    waitq_init(&wq);
    for (int i = 0; i < 3; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].fn = count_cb;
        w[i].exclusive = i > 0;
        waitq_add_fn(&wq, &w[i]);
    }
    calls = 0;
    waitq_wake_all(&wq);
    cr_assert_eq(calls, 2, "the plain waiter and one exclusive one");
    for (int i = 0; i < 3; i++)
        waitq_del(&wq, &w[i]);
    calls = 0;
    waitq_wake_all(&wq);
    cr_assert_eq(calls, 0);
}
