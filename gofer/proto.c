/* gofer/proto.c: encoder and validating decoder of the Gofer wire protocol. */
#include "gofer/proto.h"

#include <errno.h>
#include <string.h>

_Static_assert(sizeof(struct gofer_hdr) == 16, "gofer_hdr layout");
_Static_assert(sizeof(struct gofer_stat) == 104, "gofer_stat layout");
_Static_assert(sizeof(struct gofer_twalk) == 8, "gofer_twalk layout");
_Static_assert(sizeof(struct gofer_rwalk) == 8, "gofer_rwalk layout");
_Static_assert(sizeof(struct gofer_walk_entry) == 112, "walk entry layout");
_Static_assert(sizeof(struct gofer_tgetdents) == 16, "tgetdents layout");
_Static_assert(sizeof(struct gofer_dirent) == 24, "gofer_dirent layout");

int gofer_name_valid(const char *p, size_t len)
{
    if (!p || len == 0 || len > GOFER_NAME_MAX)
        return 0;
    if (len == 1 && p[0] == '.')
        return 0;
    if (len == 2 && p[0] == '.' && p[1] == '.')
        return 0;
    if (memchr(p, '/', len) || memchr(p, '\0', len))
        return 0;
    return 1;
}

static int op_known(uint16_t op)
{
    return (op >= GOFER_T_ATTACH && op < GOFER_OP_MAX_) ||
           op == GOFER_R_ERROR || op == GOFER_R_OK;
}

int gofer_decode_hdr(const void *buf, size_t len, struct gofer_hdr *out)
{
    struct gofer_hdr h;

    if (!buf || len < sizeof(h) || len > GOFER_MSG_MAX)
        return -EPROTO;
    memcpy(&h, buf, sizeof(h));
    if (h.size != len || h.pad != 0 || h.pad2 != 0 || !op_known(h.op))
        return -EPROTO;
    if (out)
        *out = h;
    return 0;
}

static void put_hdr(void *buf, size_t size, uint16_t op, uint32_t tag)
{
    struct gofer_hdr h = {
        .size = (uint32_t)size,
        .op = op,
        .tag = tag,
    };
    memcpy(buf, &h, sizeof(h));
}

int gofer_encode_hdr(void *buf, size_t cap, uint16_t op, uint32_t tag,
                     size_t body_len)
{
    size_t size;

    if (!buf || !op_known(op))
        return -EINVAL;
    if (body_len > GOFER_MSG_MAX - sizeof(struct gofer_hdr))
        return -EMSGSIZE;
    size = sizeof(struct gofer_hdr) + body_len;
    if (size > cap)
        return -EMSGSIZE;
    put_hdr(buf, size, op, tag);
    return (int)size;
}

int gofer_encode_simple(void *buf, size_t cap, uint16_t op, uint32_t tag,
                        const void *body, size_t body_len)
{
    int size;

    if (body_len && !body)
        return -EINVAL;
    size = gofer_encode_hdr(buf, cap, op, tag, body_len);
    if (size < 0)
        return size;
    if (body_len)
        memmove((char *)buf + sizeof(struct gofer_hdr), body, body_len);
    return size;
}

int gofer_encode_walk(void *buf, size_t cap, uint32_t tag, uint32_t handle,
                      const struct gofer_name *names, unsigned n)
{
    struct gofer_twalk w = { .handle = handle, .nnames = (uint16_t)n };
    size_t size = sizeof(struct gofer_hdr) + sizeof(w);
    char *p = buf;
    unsigned i;

    if (n > GOFER_WALK_MAX || (n && !names))
        return -EINVAL;
    for (i = 0; i < n; i++) {
        if (!gofer_name_valid(names[i].p, names[i].len))
            return -EINVAL;
        size += sizeof(uint16_t) + names[i].len;
    }
    /* 64 names of 255 bytes fit well within GOFER_MSG_MAX. */
    if (size > cap || size > GOFER_MSG_MAX)
        return -EMSGSIZE;

    put_hdr(p, size, GOFER_T_WALK, tag);
    p += sizeof(struct gofer_hdr);
    memcpy(p, &w, sizeof(w));
    p += sizeof(w);
    for (i = 0; i < n; i++) {
        memcpy(p, &names[i].len, sizeof(uint16_t));
        p += sizeof(uint16_t);
        memcpy(p, names[i].p, names[i].len);
        p += names[i].len;
    }
    return (int)size;
}

int gofer_decode_walk(const void *buf, size_t len, struct gofer_twalk *w,
                      struct gofer_name *names)
{
    struct gofer_hdr h;
    struct gofer_twalk tw;
    const char *p = buf, *end;
    unsigned i;
    int err;

    err = gofer_decode_hdr(buf, len, &h);
    if (err)
        return err;
    if (h.op != GOFER_T_WALK)
        return -EPROTO;
    end = p + len;
    p += sizeof(h);
    if ((size_t)(end - p) < sizeof(tw))
        return -EPROTO;
    memcpy(&tw, p, sizeof(tw));
    p += sizeof(tw);
    if (tw.pad != 0 || tw.nnames > GOFER_WALK_MAX)
        return -EPROTO;

    for (i = 0; i < tw.nnames; i++) {
        uint16_t nl;

        if ((size_t)(end - p) < sizeof(nl))
            return -EPROTO;
        memcpy(&nl, p, sizeof(nl));
        p += sizeof(nl);
        if ((size_t)(end - p) < nl)
            return -EPROTO;
        if (!gofer_name_valid(p, nl))
            return -EINVAL;
        names[i].p = p;
        names[i].len = nl;
        p += nl;
    }
    if (p != end)
        return -EPROTO;
    *w = tw;
    return 0;
}

/* The body size each fixed-body op must carry, or -1 if the op has none
 * fixed (WALK) or a reply-dependent one (R_OK). */
static long fixed_body_size(uint16_t op)
{
    switch (op) {
    case GOFER_T_ATTACH:
        return 0;
    case GOFER_T_STAT:
    case GOFER_T_READLINK:
    case GOFER_T_CLOSE:
        return sizeof(struct gofer_thandle);
    case GOFER_T_OPEN:
        return sizeof(struct gofer_topen);
    case GOFER_T_GETDENTS:
        return sizeof(struct gofer_tgetdents);
    case GOFER_R_ERROR:
        return sizeof(struct gofer_rerror);
    default:
        return -1;
    }
}

int gofer_decode_fixed(const void *buf, size_t len, uint16_t op, void *body,
                       size_t body_len)
{
    struct gofer_hdr h;
    long want = fixed_body_size(op);
    int err;

    /* A caller asking for the wrong size is a bug on our side, not the
     * peer's: say EINVAL, not EPROTO. */
    if (op == GOFER_T_WALK || !op_known(op))
        return -EINVAL;
    if (want >= 0 && (size_t)want != body_len)
        return -EINVAL;
    if (body_len && !body)
        return -EINVAL;

    err = gofer_decode_hdr(buf, len, &h);
    if (err)
        return err;
    if (h.op != op || len != sizeof(h) + body_len)
        return -EPROTO;
    if (body_len)
        memcpy(body, (const char *)buf + sizeof(h), body_len);

    switch (op) {
    case GOFER_T_STAT:
    case GOFER_T_READLINK:
    case GOFER_T_CLOSE:
        if (((struct gofer_thandle *)body)->pad != 0)
            return -EPROTO;
        break;
    case GOFER_R_ERROR:
        if (((struct gofer_rerror *)body)->pad != 0)
            return -EPROTO;
        break;
    }
    return 0;
}

const char *gofer_op_name(uint16_t op)
{
    switch (op) {
    case GOFER_T_ATTACH:
        return "attach";
    case GOFER_T_WALK:
        return "walk";
    case GOFER_T_STAT:
        return "stat";
    case GOFER_T_OPEN:
        return "open";
    case GOFER_T_READLINK:
        return "readlink";
    case GOFER_T_GETDENTS:
        return "getdents";
    case GOFER_T_CLOSE:
        return "close";
    case GOFER_R_ERROR:
        return "rerror";
    case GOFER_R_OK:
        return "rok";
    default:
        return "unknown";
    }
}
