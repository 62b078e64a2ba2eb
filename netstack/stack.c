/* netstack/stack.c: the stack object, its clock, its timer wheel and the
 * process loop that delivers queued packets and fires timers. */
#include <errno.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "netstack/ns_impl.h"

#define WHEEL_MASK (NS_WHEEL_SLOTS - 1)

int ns_nic_add_loopback(struct ns_stack *s);

uint64_t ns_rand(struct ns_stack *s)
{
    /* splitmix64: small, seedable, good enough for ports and ISNs in a
     * sandbox whose peers are all local. */
    uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void ns_kick(struct ns_stack *s)
{
    if (s->cfg.kick && !s->kicked) {
        s->kicked = true;
        s->cfg.kick(s->cfg.kick_arg);
    }
}

int ns_stack_new(const struct ns_stack_cfg *cfg, uint64_t now_ns, struct ns_stack **out)
{
    struct ns_stack *s = xzalloc(sizeof(*s));
    if (cfg)
        s->cfg = *cfg;
    s->now = now_ns;
    s->wheel_tick = now_ns / NS_MS;
    s->rng = s->cfg.seed ? s->cfg.seed : 0x5eed5eed;
    s->msl_ms = s->cfg.msl_ms ? s->cfg.msl_ms : 30000;
    s->next_ifindex = 1;
    s->ip_id = (uint16_t)ns_rand(s);
    if (!s->cfg.no_loopback) {
        int r = ns_nic_add_loopback(s);
        if (r < 0) {
            free(s);
            return r;
        }
    }
    *out = s;
    return 0;
}

void ns_stack_free(struct ns_stack *s)
{
    if (!s)
        return;
    /* Endpoints first: their timers live in the wheel. */
    while (s->eps) {
        struct ns_ep *ep = s->eps;
        ns_ep_unlink(ep);
        ep->notify = NULL;
        ns_udp_close(ep);
        ns_tcp_free(ep);
        free(ep);
    }
    while (s->nics) {
        struct ns_nic *n = s->nics;
        s->nics = n->next;
        ns_pktq_purge(&n->rxq);
        if (n->ops->free)
            n->ops->free(n);
        free(n);
    }
    free(s);
}

uint64_t ns_stack_now(const struct ns_stack *s)
{
    return s->now;
}

const struct ns_stats *ns_stack_stats(const struct ns_stack *s)
{
    return &s->stats;
}

/* ---- timers ---- */

void ns_timer_init(struct ns_timer *t, void (*fn)(struct ns_timer *t))
{
    memset(t, 0, sizeof(*t));
    t->fn = fn;
}

void ns_timer_cancel(struct ns_timer *t)
{
    if (!t->armed)
        return;
    *t->pprev = t->next;
    if (t->next)
        t->next->pprev = t->pprev;
    t->armed = false;
    t->next = NULL;
    t->pprev = NULL;
    t->st->ntimers--;
}

void ns_timer_arm(struct ns_stack *s, struct ns_timer *t, uint64_t expiry)
{
    ns_timer_cancel(t);
    t->st = s;
    t->expiry = expiry;
    /* A timer already due goes in the current slot, which is looked at
     * again on the next pass; a past slot would wait a whole turn. */
    t->tick = SB_MAX(expiry / NS_MS, s->wheel_tick);
    struct ns_timer **slot = &s->wheel[t->tick & WHEEL_MASK];
    t->next = *slot;
    if (*slot)
        (*slot)->pprev = &t->next;
    t->pprev = slot;
    *slot = t;
    t->armed = true;
    s->ntimers++;
}

static struct ns_timer *first_due(struct ns_stack *s, unsigned slot)
{
    for (struct ns_timer *t = s->wheel[slot]; t; t = t->next)
        if (t->expiry <= s->now)
            return t;
    return NULL;
}

/* One at a time: a callback may free its endpoint, and with it other
 * timers that are due too, so nothing is collected ahead. Callbacks re-arm
 * only into the future, which ends the loop. */
static bool fire_slot(struct ns_stack *s, unsigned slot)
{
    bool fired = false;
    struct ns_timer *t;
    while ((t = first_due(s, slot))) {
        ns_timer_cancel(t);
        t->fn(t);
        fired = true;
    }
    return fired;
}

static bool run_timers(struct ns_stack *s)
{
    uint64_t target = s->now / NS_MS;
    bool fired = false;
    if (target - s->wheel_tick >= NS_WHEEL_SLOTS) {
        for (unsigned i = 0; i < NS_WHEEL_SLOTS; i++)
            fired |= fire_slot(s, i);
    } else {
        for (uint64_t t = s->wheel_tick; t <= target; t++)
            fired |= fire_slot(s, t & WHEEL_MASK);
    }
    s->wheel_tick = target;
    return fired;
}

uint64_t ns_stack_next_deadline(const struct ns_stack *s)
{
    uint64_t best = UINT64_MAX;
    for (struct ns_nic *n = s->nics; n; n = n->next)
        if (n->rxq.head && n->rxq.head->at < best)
            best = n->rxq.head->at; /* may be <= now */
    if (!s->ntimers)
        return best;
    /* The first slot from the cursor holding a timer of this turn has the
     * earliest one; otherwise every timer is a turn or more away. */
    for (uint64_t t = s->wheel_tick; t < s->wheel_tick + NS_WHEEL_SLOTS; t++) {
        uint64_t m = UINT64_MAX;
        for (struct ns_timer *x = s->wheel[t & WHEEL_MASK]; x; x = x->next)
            if (x->tick <= t && x->expiry < m)
                m = x->expiry;
        if (m != UINT64_MAX)
            return SB_MIN(m, best);
    }
    for (unsigned i = 0; i < NS_WHEEL_SLOTS; i++)
        for (struct ns_timer *x = s->wheel[i]; x; x = x->next)
            best = SB_MIN(best, x->expiry);
    return best;
}

static bool deliver_rx(struct ns_stack *s)
{
    bool any = false;
    for (struct ns_nic *n = s->nics; n; n = n->next) {
        /* Only what is queued now: replies go to the next round. */
        size_t budget = n->rxq.count;
        while (budget-- && n->rxq.head && n->rxq.head->at <= s->now) {
            struct ns_pkt *p = ns_pktq_pop(&n->rxq);
            ns_ip_input(n, p);
            any = true;
        }
    }
    return any;
}

void ns_stack_process(struct ns_stack *s, uint64_t now_ns)
{
    if (now_ns > s->now)
        s->now = now_ns;
    s->kicked = false;
    for (int round = 0; round < 100000; round++) {
        bool busy = deliver_rx(s);
        busy |= run_timers(s);
        if (!busy)
            return;
    }
    ns_kick(s); /* still busy: let the caller come back */
}
