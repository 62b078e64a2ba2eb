/* netstack/pkt.c: packet buffers and packet queues. */
#include <string.h>

#include "lib/log.h"
#include "lib/xalloc.h"
#include "netstack/pkt.h"

struct ns_pkt *ns_pkt_alloc(size_t headroom, size_t len)
{
    if (headroom > NS_PKT_MAX || len > NS_PKT_MAX - headroom)
        return NULL;
    struct ns_pkt *p = malloc(sizeof(*p) + headroom + len);
    SB_BUG_ON(!p);
    memset(p, 0, sizeof(*p));
    p->refs = 1;
    p->cap = headroom + len;
    p->data = p->buf + headroom;
    p->len = len;
    return p;
}

struct ns_pkt *ns_pkt_from(const void *bytes, size_t len)
{
    struct ns_pkt *p = ns_pkt_alloc(NS_PKT_HEADROOM, len);
    if (p && len)
        memcpy(p->data, bytes, len);
    return p;
}

struct ns_pkt *ns_pkt_clone(const struct ns_pkt *p)
{
    struct ns_pkt *c = ns_pkt_alloc(ns_pkt_headroom(p), p->len);
    SB_BUG_ON(!c);
    memcpy(c->data, p->data, p->len);
    c->nic = p->nic;
    c->at = p->at;
    return c;
}

void ns_pkt_get(struct ns_pkt *p)
{
    p->refs++;
}

void ns_pkt_put(struct ns_pkt *p)
{
    if (!p)
        return;
    SB_BUG_ON(p->refs <= 0);
    if (--p->refs == 0)
        free(p);
}

size_t ns_pkt_headroom(const struct ns_pkt *p)
{
    return (size_t)(p->data - p->buf);
}

uint8_t *ns_pkt_push(struct ns_pkt *p, size_t n)
{
    /* Callers size headroom for the headers they add: running out is a bug. */
    SB_BUG_ON(ns_pkt_headroom(p) < n);
    p->data -= n;
    p->len += n;
    return p->data;
}

bool ns_pkt_pull(struct ns_pkt *p, size_t n)
{
    if (p->len < n)
        return false;
    p->data += n;
    p->len -= n;
    return true;
}

void ns_pkt_trim(struct ns_pkt *p, size_t len)
{
    if (len < p->len)
        p->len = len;
}

void ns_pktq_push(struct ns_pktq *q, struct ns_pkt *p)
{
    p->next = NULL;
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
    q->count++;
}

struct ns_pkt *ns_pktq_pop(struct ns_pktq *q)
{
    struct ns_pkt *p = q->head;
    if (!p)
        return NULL;
    q->head = p->next;
    if (!q->head)
        q->tail = NULL;
    p->next = NULL;
    q->count--;
    return p;
}

void ns_pktq_insert_sorted(struct ns_pktq *q, struct ns_pkt *p)
{
    if (!q->tail || q->tail->at <= p->at) {
        ns_pktq_push(q, p);
        return;
    }
    struct ns_pkt **pp = &q->head;
    while (*pp && (*pp)->at <= p->at)
        pp = &(*pp)->next;
    p->next = *pp;
    *pp = p;
    q->count++;
}

void ns_pktq_purge(struct ns_pktq *q)
{
    struct ns_pkt *p;
    while ((p = ns_pktq_pop(q)))
        ns_pkt_put(p);
}
