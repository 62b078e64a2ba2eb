/* netstack/link.c: NICs and the two link kinds of the library: loopback,
 * and a lossy test link joining two stacks. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "netstack/ns_impl.h"

struct ns_nic *ns_nic_new(struct ns_stack *s, const char *name, const struct ns_link_ops *ops,
                          uint32_t mtu, unsigned flags)
{
    struct ns_nic *n = xzalloc(sizeof(*n));
    n->st = s;
    n->ops = ops;
    snprintf(n->name, sizeof(n->name), "%s", name);
    n->index = s->next_ifindex++;
    n->mtu = mtu;
    n->flags = flags;
    struct ns_nic **pp = &s->nics;
    while (*pp)
        pp = &(*pp)->next;
    *pp = n;
    return n;
}

int ns_nic_add_addr(struct ns_nic *nic, const struct ns_addr *a, int prefix)
{
    int max = ns_addr_is_v4(a) ? 32 : 128;
    if (prefix < 0 || prefix > max)
        return -EINVAL;
    if (nic->naddrs == NS_NIC_MAX_ADDRS)
        return -ENOSPC;
    for (int i = 0; i < nic->naddrs; i++)
        if (ns_addr_eq(&nic->addrs[i], a))
            return -EEXIST;
    nic->addrs[nic->naddrs] = *a;
    nic->prefix[nic->naddrs++] = prefix;
    return 0;
}

int ns_nic_index(const struct ns_nic *nic)
{
    return nic->index;
}

struct ns_nic *ns_stack_nic(struct ns_stack *s, int ifindex)
{
    for (struct ns_nic *n = s->nics; n; n = n->next)
        if (n->index == ifindex)
            return n;
    return NULL;
}

int ns_stack_ifinfo(struct ns_stack *s, int ifindex, struct ns_ifinfo *out)
{
    struct ns_nic *n = ns_stack_nic(s, ifindex);
    if (!n)
        return -ENODEV;
    memset(out, 0, sizeof(*out));
    memcpy(out->name, n->name, sizeof(out->name));
    out->index = n->index;
    out->flags = n->flags;
    out->mtu = n->mtu;
    out->naddrs = n->naddrs;
    for (int i = 0; i < n->naddrs; i++) {
        out->addrs[i].addr = n->addrs[i];
        out->addrs[i].prefix = n->prefix[i];
    }
    return 0;
}

void ns_nic_set_tap(struct ns_nic *nic, void (*tap)(void *, const void *, size_t, bool), void *arg)
{
    nic->tap = tap;
    nic->tap_arg = arg;
}

void ns_nic_enqueue_rx(struct ns_nic *nic, struct ns_pkt *p, uint64_t at)
{
    p->at = at;
    p->nic = nic;
    ns_pktq_insert_sorted(&nic->rxq, p);
    ns_kick(nic->st);
}

void ns_nic_xmit(struct ns_nic *nic, struct ns_pkt *p)
{
    if (!(nic->flags & IFF_UP)) {
        NS_COUNT(nic->st, link_drop_down);
        ns_pkt_put(p);
        return;
    }
    if (nic->tap)
        nic->tap(nic->tap_arg, p->data, p->len, true);
    nic->ops->xmit(nic, p);
}

void ns_nic_input(struct ns_nic *nic, const void *bytes, size_t len)
{
    struct ns_pkt *p = ns_pkt_from(bytes, len);
    if (!p) {
        NS_COUNT(nic->st, ip4_drop_len);
        return;
    }
    p->nic = nic;
    ns_ip_input(nic, p);
}

/* ---- loopback: what is sent comes back on the next process round ---- */

static void lo_xmit(struct ns_nic *nic, struct ns_pkt *p)
{
    if (nic->rxq.count >= 100000) {
        NS_COUNT(nic->st, link_drop_qfull);
        ns_pkt_put(p);
        return;
    }
    ns_nic_enqueue_rx(nic, p, nic->st->now);
}

static const struct ns_link_ops lo_ops = {.kind = "loopback", .xmit = lo_xmit};

int ns_nic_add_loopback(struct ns_stack *s)
{
    struct ns_nic *n = ns_nic_new(s, "lo", &lo_ops, 65536, IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
    struct ns_addr a;
    ns_addr_v4(&a, 0x7f000001);
    SB_BUG_ON(ns_nic_add_addr(n, &a, 8) < 0);
    memset(&a, 0, sizeof(a));
    a.b[15] = 1;
    SB_BUG_ON(ns_nic_add_addr(n, &a, 128) < 0);
    return 0;
}

/* ---- test link ---- */

struct testlink {
    struct ns_nic *peer;
    struct ns_testlink_cfg cfg;
    uint64_t rng;
};

static uint32_t tl_rand_ppm(struct testlink *t)
{
    t->rng ^= t->rng << 13;
    t->rng ^= t->rng >> 7;
    t->rng ^= t->rng << 17;
    return (uint32_t)(t->rng % 1000000);
}

static void tl_deliver(struct ns_nic *nic, struct testlink *t, struct ns_pkt *p)
{
    struct ns_nic *peer = t->peer;
    if (peer->rxq.count >= t->cfg.qlimit) {
        NS_COUNT(peer->st, link_drop_qfull);
        ns_pkt_put(p);
        return;
    }
    uint64_t at = SB_MAX(peer->st->now, nic->st->now) + t->cfg.delay_ns;
    if (t->cfg.reorder_ppm && tl_rand_ppm(t) < t->cfg.reorder_ppm && t->cfg.reorder_ns)
        at += 1 + (t->rng % t->cfg.reorder_ns);
    ns_nic_enqueue_rx(peer, p, at);
}

static void tl_xmit(struct ns_nic *nic, struct ns_pkt *p)
{
    struct testlink *t = nic->priv;
    if (!t->peer || tl_rand_ppm(t) < t->cfg.loss_ppm) {
        ns_pkt_put(p);
        return;
    }
    if (t->cfg.dup_ppm && tl_rand_ppm(t) < t->cfg.dup_ppm)
        tl_deliver(nic, t, ns_pkt_clone(p));
    /* The peer parses in place: give it a private copy. */
    struct ns_pkt *c = ns_pkt_clone(p);
    ns_pkt_put(p);
    tl_deliver(nic, t, c);
}

static void tl_free(struct ns_nic *nic)
{
    struct testlink *t = nic->priv;
    if (t->peer)
        ((struct testlink *)t->peer->priv)->peer = NULL;
    free(t);
}

static const struct ns_link_ops tl_ops = {.kind = "testlink", .xmit = tl_xmit, .free = tl_free};

int ns_testlink_pair(struct ns_stack *a, struct ns_stack *b, const struct ns_testlink_cfg *cfg,
                     struct ns_nic **na, struct ns_nic **nb)
{
    struct ns_testlink_cfg c = *cfg;
    if (!c.mtu)
        c.mtu = 1500;
    if (!c.qlimit)
        c.qlimit = 1000;
    if (c.mtu < 1280 || c.mtu > 65536)
        return -EINVAL;
    struct testlink *ta = xzalloc(sizeof(*ta)), *tb = xzalloc(sizeof(*tb));
    ta->cfg = tb->cfg = c;
    ta->rng = (c.seed ? c.seed : 1) * 0x9e3779b97f4a7c15ULL | 1;
    tb->rng = ta->rng ^ 0x5555555555555555ULL;
    unsigned fl = IFF_UP | IFF_RUNNING | IFF_BROADCAST;
    struct ns_nic *x = ns_nic_new(a, "tl0", &tl_ops, c.mtu, fl);
    struct ns_nic *y = ns_nic_new(b, "tl0", &tl_ops, c.mtu, fl);
    x->priv = ta;
    y->priv = tb;
    ta->peer = y;
    tb->peer = x;
    *na = x;
    *nb = y;
    return 0;
}

void ns_testlink_set_loss(struct ns_nic *nic, uint32_t loss_ppm)
{
    struct testlink *t = nic->priv;
    t->cfg.loss_ppm = loss_ppm;
}
