/* netstack/pkt.h: packet buffers with headroom, reference counted, bounded. */
#ifndef SB_NETSTACK_PKT_H
#define SB_NETSTACK_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netstack/netstack.h"

#define NS_PKT_HEADROOM 128                 /* room for IPv6 + TCP with options */
#define NS_PKT_MAX (65536 + NS_PKT_HEADROOM) /* largest buffer: loopback MTU */

struct ns_nic;

struct ns_pkt {
    struct ns_pkt *next; /* queue link (one queue at a time) */
    int refs;
    uint8_t *data; /* first valid byte */
    size_t len;    /* valid bytes from data */
    size_t cap;
    uint64_t at; /* delivery time while on a link queue */
    /* filled by the IP input path for the layer above */
    struct ns_nic *nic;
    struct ns_addr src, dst;
    uint8_t proto;
    uint8_t ttl; /* IPv4 TTL or IPv6 hop limit */
    uint8_t tos; /* IPv4 TOS or IPv6 traffic class */
    bool v6;
    uint8_t buf[];
};

struct ns_pktq {
    struct ns_pkt *head, *tail;
    size_t count;
};

/* A buffer of headroom + len bytes, data at headroom, len valid bytes
 * (uninitialised). NULL if it would exceed NS_PKT_MAX. */
struct ns_pkt *ns_pkt_alloc(size_t headroom, size_t len);
struct ns_pkt *ns_pkt_from(const void *bytes, size_t len);
void ns_pkt_get(struct ns_pkt *p);
void ns_pkt_put(struct ns_pkt *p);
/* Prepend n bytes (returns where to write them); headroom must allow it. */
uint8_t *ns_pkt_push(struct ns_pkt *p, size_t n);
/* Consume n bytes at the front; false (nothing done) if shorter. */
bool ns_pkt_pull(struct ns_pkt *p, size_t n);
void ns_pkt_trim(struct ns_pkt *p, size_t len);
size_t ns_pkt_headroom(const struct ns_pkt *p);
struct ns_pkt *ns_pkt_clone(const struct ns_pkt *p);

void ns_pktq_push(struct ns_pktq *q, struct ns_pkt *p);
struct ns_pkt *ns_pktq_pop(struct ns_pktq *q);
/* Insert keeping the queue sorted by p->at (stable for equal times). */
void ns_pktq_insert_sorted(struct ns_pktq *q, struct ns_pkt *p);
void ns_pktq_purge(struct ns_pktq *q);

#endif
