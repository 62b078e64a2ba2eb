/* netstack/tcp_opt.c: IPPROTO_TCP socket options, TCP_INFO included. */
#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>

#include "netstack/tcp.h"

static int put_int(void *val, size_t *len, int v)
{
    size_t n = SB_MIN(*len, sizeof(int));
    memcpy(val, &v, n);
    *len = n;
    return 0;
}

int ns_tcp_setsockopt(struct ns_ep *ep, int name, const void *val, size_t len)
{
    struct tcp_cb *tc = &ep->tcp;
    if (name == TCP_CONGESTION) {
        char buf[16] = {0};
        memcpy(buf, val, SB_MIN(len, sizeof(buf) - 1));
        const struct tcp_cc_ops *cc = tcp_cc_find(buf);
        if (!cc)
            return -ENOENT;
        tc->cc = cc;
        if (tc->state >= TCPS_ESTABLISHED)
            tc->cc->init(ep);
        return 0;
    }
    int v;
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(&v, val, sizeof(int));
    switch (name) {
    case TCP_NODELAY:
        tc->nodelay = v != 0;
        if (tc->nodelay)
            tcp_output(ep);
        return 0;
    case TCP_CORK:
        tc->cork = v != 0;
        if (!tc->cork)
            tcp_output(ep); /* uncorking pushes what waits */
        return 0;
    case TCP_KEEPIDLE:
        if (v < 1 || v > 32767)
            return -EINVAL;
        tc->keepidle = v;
        tcp_arm_keepalive(ep);
        return 0;
    case TCP_KEEPINTVL:
        if (v < 1 || v > 32767)
            return -EINVAL;
        tc->keepintvl = v;
        return 0;
    case TCP_KEEPCNT:
        if (v < 1 || v > 127)
            return -EINVAL;
        tc->keepcnt = v;
        return 0;
    case TCP_MAXSEG:
        if (v && (v < 88 || v > 65535))
            return -EINVAL;
        if (v && tc->state == TCPS_CLOSED)
            tc->adv_mss = (uint16_t)v;
        return 0;
    }
    return -ENOPROTOOPT;
}

static void fill_info(struct ns_ep *ep, struct tcp_info *ti)
{
    struct tcp_cb *tc = &ep->tcp;
    memset(ti, 0, sizeof(*ti));
    ti->tcpi_state = (uint8_t)ns_tcp_linux_state(tc->state);
    ti->tcpi_retransmits = (uint8_t)tc->retries;
    ti->tcpi_backoff = (uint8_t)tc->backoff;
    if (tc->ts_ok)
        ti->tcpi_options |= TCPI_OPT_TIMESTAMPS;
    if (tc->sack_ok)
        ti->tcpi_options |= TCPI_OPT_SACK;
    if (tc->ws_ok) {
        ti->tcpi_options |= TCPI_OPT_WSCALE;
        ti->tcpi_snd_wscale = tc->snd_wscale & 0xf;
        ti->tcpi_rcv_wscale = tc->rcv_wscale & 0xf;
    }
    ti->tcpi_rto = ((uint32_t)tc->rto_ms << tc->backoff) * 1000;
    ti->tcpi_snd_mss = tc->mss;
    ti->tcpi_rcv_mss = tc->mss;
    ti->tcpi_unacked = tc->mss ? tcp_flight(tc) / tc->mss : 0;
    ti->tcpi_rtt = tc->srtt_us;
    ti->tcpi_rttvar = tc->rttvar_us;
    ti->tcpi_snd_ssthresh = tc->ssthresh >= UINT32_MAX / 2 ? 0x7fffffff : tc->ssthresh / tc->mss;
    ti->tcpi_snd_cwnd = tc->mss ? tc->cwnd / tc->mss : 0;
    ti->tcpi_advmss = tc->adv_mss;
    ti->tcpi_rcv_space = tcp_rcv_space(ep);
    ti->tcpi_total_retrans = tc->total_retrans;
}

int ns_tcp_getsockopt(struct ns_ep *ep, int name, void *val, size_t *len)
{
    struct tcp_cb *tc = &ep->tcp;
    switch (name) {
    case TCP_NODELAY:
        return put_int(val, len, tc->nodelay);
    case TCP_CORK:
        return put_int(val, len, tc->cork);
    case TCP_KEEPIDLE:
        return put_int(val, len, tc->keepidle);
    case TCP_KEEPINTVL:
        return put_int(val, len, tc->keepintvl);
    case TCP_KEEPCNT:
        return put_int(val, len, tc->keepcnt);
    case TCP_MAXSEG:
        return put_int(val, len, tc->state >= TCPS_ESTABLISHED ? tc->mss : tc->adv_mss);
    case TCP_CONGESTION: {
        size_t n = SB_MIN(*len, (size_t)16);
        char buf[16] = {0};
        strncpy(buf, tc->cc->name, sizeof(buf) - 1);
        memcpy(val, buf, n);
        *len = n;
        return 0;
    }
    case TCP_INFO: {
        struct tcp_info ti;
        fill_info(ep, &ti);
        size_t n = SB_MIN(*len, sizeof(ti));
        memcpy(val, &ti, n);
        *len = n;
        return 0;
    }
    }
    return -ENOPROTOOPT;
}
