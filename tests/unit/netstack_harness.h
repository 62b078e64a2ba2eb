/* tests/unit/netstack_harness.h: a simulated clock driving one or two
 * stacks, and address helpers, for the netstack unit tests. */
#ifndef SB_TESTS_UNIT_NETSTACK_HARNESS_H
#define SB_TESTS_UNIT_NETSTACK_HARNESS_H

#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "netstack/netstack.h"

#define T_MS 1000000ULL
#define T_SEC (1000 * T_MS)

struct sim {
    struct ns_stack *st[2];
    int n;
    uint64_t now;
};

static inline struct ns_stack *sim_stack(struct sim *sm, uint64_t seed, uint32_t msl_ms)
{
    struct ns_stack_cfg cfg = {.seed = seed, .msl_ms = msl_ms};
    struct ns_stack *s;
    if (!sm->now)
        sm->now = T_SEC;
    cr_assert_eq(ns_stack_new(&cfg, sm->now, &s), 0);
    sm->st[sm->n++] = s;
    return s;
}

static inline void sim_free(struct sim *sm)
{
    for (int i = 0; i < sm->n; i++)
        ns_stack_free(sm->st[i]);
    sm->n = 0;
}

/* Advance the clock from deadline to deadline until cond holds or the time
 * limit passes; returns cond's last value. */
static inline bool sim_run(struct sim *sm, uint64_t limit_ns, bool (*cond)(void *), void *arg)
{
    uint64_t end = sm->now + limit_ns;
    for (;;) {
        for (int i = 0; i < sm->n; i++)
            ns_stack_process(sm->st[i], sm->now);
        if (cond && cond(arg))
            return true;
        uint64_t next = UINT64_MAX;
        for (int i = 0; i < sm->n; i++) {
            uint64_t d = ns_stack_next_deadline(sm->st[i]);
            if (d < next)
                next = d;
        }
        if (next > end) {
            sm->now = end;
            for (int i = 0; i < sm->n; i++)
                ns_stack_process(sm->st[i], sm->now);
            return cond ? cond(arg) : true;
        }
        if (next > sm->now)
            sm->now = next;
    }
}

static inline struct ns_sockaddr sa_of(const char *ip, uint16_t port)
{
    struct ns_sockaddr sa = {0};
    cr_assert_eq(ns_addr_parse(ip, &sa.addr), 0, "parse %s", ip);
    sa.family = ns_addr_is_v4(&sa.addr) ? AF_INET : AF_INET6;
    sa.port = port;
    return sa;
}

static inline bool ns_addr_eq_test(const struct ns_addr *a, const char *ip)
{
    struct ns_addr b;
    cr_assert_eq(ns_addr_parse(ip, &b), 0);
    return memcmp(a->b, b.b, 16) == 0;
}

static inline void set_int(struct ns_ep *ep, int level, int name, int v)
{
    cr_assert_eq(ns_ep_setsockopt(ep, level, name, &v, sizeof(v)), 0, "setsockopt %d/%d", level,
                 name);
}

static inline int get_int(struct ns_ep *ep, int level, int name)
{
    int v = -1;
    size_t len = sizeof(v);
    cr_assert_eq(ns_ep_getsockopt(ep, level, name, &v, &len), 0, "getsockopt %d/%d", level, name);
    return v;
}

#define STAT(s, field) (ns_stack_stats(s)->field)
#define SB_MIN_U64(x, y) ((uint64_t)(x) < (uint64_t)(y) ? (uint64_t)(x) : (uint64_t)(y))

#endif
