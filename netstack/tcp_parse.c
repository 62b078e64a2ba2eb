/* netstack/tcp_parse.c: TCP header and option parsing. Untrusted bytes:
 * every length is checked before it is used. */
#include <string.h>

#include "netstack/tcp.h"

enum { WHY_SHORT = 1, WHY_DOFF, WHY_OPTS };

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool parse_opts(const uint8_t *o, size_t n, struct tcp_seg *seg)
{
    size_t i = 0;
    while (i < n) {
        uint8_t kind = o[i];
        if (kind == 0) /* end of list */
            break;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= n)
            return false; /* no room for the length byte */
        uint8_t len = o[i + 1];
        if (len < 2 || i + len > n)
            return false; /* zero-length loops forever, long overflows */
        const uint8_t *v = o + i + 2;
        switch (kind) {
        case 2:
            if (len != 4)
                return false;
            seg->mss = v[0] << 8 | v[1];
            break;
        case 3:
            if (len != 3)
                return false;
            seg->wscale = v[0] > 14 ? 14 : v[0]; /* RFC 7323: clamp */
            break;
        case 4:
            if (len != 2)
                return false;
            seg->sack_ok = true;
            break;
        case 5:
            if ((len - 2) % 8 || len < 10 || len > 34)
                return false;
            seg->nsack = (len - 2) / 8;
            for (int k = 0; k < seg->nsack; k++) {
                seg->sack[k].start = get32(v + 8 * k);
                seg->sack[k].end = get32(v + 8 * k + 4);
            }
            break;
        case 8:
            if (len != 10)
                return false;
            seg->has_ts = true;
            seg->tsval = get32(v);
            seg->tsecr = get32(v + 4);
            break;
        default:
            break; /* unknown options are skipped by their length */
        }
        i += len;
    }
    return true;
}

bool tcp_parse(const uint8_t *h, size_t len, struct tcp_seg *seg, int *why)
{
    memset(seg, 0, sizeof(*seg));
    seg->mss = seg->wscale = -1;
    if (len < TCP_HLEN) {
        *why = WHY_SHORT;
        return false;
    }
    size_t doff = (size_t)(h[12] >> 4) * 4;
    if (doff < TCP_HLEN || doff > len) {
        *why = WHY_DOFF;
        return false;
    }
    seg->sport = (uint16_t)(h[0] << 8 | h[1]);
    seg->dport = (uint16_t)(h[2] << 8 | h[3]);
    seg->seq = get32(h + 4);
    seg->ack = get32(h + 8);
    seg->flags = h[13] & 0x3f;
    seg->wnd = (uint16_t)(h[14] << 8 | h[15]);
    if (!parse_opts(h + TCP_HLEN, doff - TCP_HLEN, seg)) {
        *why = WHY_OPTS;
        return false;
    }
    seg->data = h + doff;
    seg->dlen = (uint32_t)(len - doff);
    seg->len = seg->dlen + !!(seg->flags & TH_SYN) + !!(seg->flags & TH_FIN);
    return true;
}
