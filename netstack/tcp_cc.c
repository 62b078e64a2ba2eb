/* netstack/tcp_cc.c: congestion control, NewReno (RFC 5681/6582) and CUBIC
 * (RFC 8312), chosen per endpoint with TCP_CONGESTION. cwnd and ssthresh
 * are in bytes. */
#include <string.h>

#include "netstack/tcp.h"

#define CUBIC_C 0.4
#define CUBIC_BETA 0.7

static void reno_init(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    tc->cwnd = 10 * tc->mss; /* RFC 6928 initial window, as Linux */
    tc->ssthresh = UINT32_MAX / 2;
    tc->cwnd_acc = 0;
    tc->cubic_epoch = 0;
    tc->cubic_wmax = 0;
}

static bool slow_start(struct tcp_cb *tc, uint32_t acked)
{
    if (tc->cwnd >= tc->ssthresh)
        return false;
    /* RFC 3465 ABC with L = 2 segments. */
    tc->cwnd += SB_MIN(acked, 2u * tc->mss);
    return true;
}

static void cap_cwnd(struct tcp_cb *tc)
{
    /* No use growing past what the peer would ever let us send. */
    uint32_t cap = SB_MAX(tc->max_snd_wnd, 10u * tc->mss) * 2;
    if (tc->cwnd > cap)
        tc->cwnd = cap;
}

static void reno_on_ack(struct ns_ep *ep, uint32_t acked)
{
    struct tcp_cb *tc = &ep->tcp;
    if (!slow_start(tc, acked)) {
        tc->cwnd_acc += acked;
        if (tc->cwnd_acc >= tc->cwnd) {
            tc->cwnd_acc -= tc->cwnd;
            tc->cwnd += tc->mss;
        }
    }
    cap_cwnd(tc);
}

static uint32_t reno_ssthresh(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    return SB_MAX(tcp_flight(tc) / 2, 2u * tc->mss);
}

static double cube_root(double x)
{
    if (x <= 0)
        return 0;
    double y = x > 1 ? x / 3 : 1;
    for (int i = 0; i < 60; i++)
        y = (2 * y + x / (y * y)) / 3;
    return y;
}

static void cubic_on_ack(struct ns_ep *ep, uint32_t acked)
{
    struct tcp_cb *tc = &ep->tcp;
    if (slow_start(tc, acked)) {
        cap_cwnd(tc);
        return;
    }
    double mss = tc->mss;
    double cwnd = tc->cwnd / mss; /* in segments */
    double now = ep->st->now / 1e9;
    double rtt = tc->rtt_valid ? tc->srtt_us / 1e6 : 0.1;
    if (tc->cubic_epoch == 0) {
        tc->cubic_epoch = ep->st->now ? ep->st->now : 1;
        if (tc->cubic_wmax < cwnd)
            tc->cubic_wmax = cwnd;
        tc->cubic_k = cube_root((tc->cubic_wmax - cwnd) / CUBIC_C);
    }
    double t = now - tc->cubic_epoch / 1e9 + rtt;
    double d = t - tc->cubic_k;
    double target = tc->cubic_wmax + CUBIC_C * d * d * d;
    /* The TCP-friendly region: never slower than Reno would be. */
    double w_est = tc->cubic_wmax * CUBIC_BETA +
                   3 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA) * ((now - tc->cubic_epoch / 1e9) / rtt);
    if (w_est > target)
        target = w_est;
    if (target > 1.5 * cwnd)
        target = 1.5 * cwnd;
    double inc = target > cwnd ? (target - cwnd) / cwnd : 0.01 / cwnd;
    tc->cwnd_acc += (uint32_t)(inc * acked);
    while (tc->cwnd_acc >= tc->mss) {
        tc->cwnd_acc -= tc->mss;
        tc->cwnd += tc->mss;
    }
    cap_cwnd(tc);
}

static uint32_t cubic_ssthresh(struct ns_ep *ep)
{
    struct tcp_cb *tc = &ep->tcp;
    double cwnd = tc->cwnd / (double)tc->mss;
    /* Fast convergence: yield to newer flows. */
    if (cwnd < tc->cubic_wmax)
        tc->cubic_wmax = cwnd * (1 + CUBIC_BETA) / 2;
    else
        tc->cubic_wmax = cwnd;
    tc->cubic_epoch = 0;
    tc->cwnd_acc = 0;
    uint32_t th = (uint32_t)(tc->cwnd * CUBIC_BETA);
    return SB_MAX(th, 2u * tc->mss);
}

const struct tcp_cc_ops tcp_newreno = {
    .name = "reno", .init = reno_init, .on_ack = reno_on_ack, .ssthresh = reno_ssthresh};
const struct tcp_cc_ops tcp_cubic = {
    .name = "cubic", .init = reno_init, .on_ack = cubic_on_ack, .ssthresh = cubic_ssthresh};

const struct tcp_cc_ops *tcp_cc_find(const char *name)
{
    if (strcmp(name, "reno") == 0 || strcmp(name, "newreno") == 0)
        return &tcp_newreno;
    if (strcmp(name, "cubic") == 0)
        return &tcp_cubic;
    return NULL;
}
