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
_Static_assert(sizeof(struct gofer_tcreate) == 24, "tcreate layout");
_Static_assert(sizeof(struct gofer_rcreate) == 112, "rcreate layout");
_Static_assert(sizeof(struct gofer_tsymlink) == 16, "tsymlink layout");
_Static_assert(sizeof(struct gofer_tlink) == 16, "tlink layout");
_Static_assert(sizeof(struct gofer_tunlink) == 16, "tunlink layout");
_Static_assert(sizeof(struct gofer_trename) == 16, "trename layout");
_Static_assert(sizeof(struct gofer_tsetattr) == 56, "tsetattr layout");
_Static_assert(sizeof(struct gofer_statfs) == 80, "statfs layout");
_Static_assert(sizeof(struct gofer_tfsync) == 8, "tfsync layout");
_Static_assert(sizeof(struct gofer_tfallocate) == 24, "tfallocate layout");
_Static_assert(sizeof(struct gofer_txattr) == 16, "txattr layout");
_Static_assert(sizeof(struct gofer_rxattr) == 8, "rxattr layout");
_Static_assert(GOFER_XATTR_SIZE_MAX + 1024 < GOFER_MSG_MAX, "xattr fits");

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

int gofer_xattr_name_valid(const char *p, size_t len)
{
    size_t pl = sizeof(GOFER_XATTR_PREFIX) - 1;

    if (!p || len <= pl || len > GOFER_XATTR_NAME_MAX)
        return 0;
    if (memcmp(p, GOFER_XATTR_PREFIX, pl) || memchr(p, '\0', len))
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
    case GOFER_T_STATFS:
        return sizeof(struct gofer_thandle);
    case GOFER_T_SETATTR:
        return sizeof(struct gofer_tsetattr);
    case GOFER_T_FSYNC:
        return sizeof(struct gofer_tfsync);
    case GOFER_T_FALLOCATE:
        return sizeof(struct gofer_tfallocate);
    case GOFER_T_OPEN:
        return sizeof(struct gofer_topen);
    case GOFER_T_GETDENTS:
        return sizeof(struct gofer_tgetdents);
    case GOFER_T_TMPFILE:
        return sizeof(struct gofer_tcreate);
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
    if (!op_known(op) || (want < 0 && op != GOFER_R_OK))
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
    case GOFER_T_STATFS:
        if (((struct gofer_thandle *)body)->pad != 0)
            return -EPROTO;
        break;
    case GOFER_T_SETATTR: {
        struct gofer_tsetattr *ts = body;

        if (ts->pad != 0 || (ts->valid & ~GOFER_SA_ALL))
            return -EPROTO;
        break;
    }
    case GOFER_T_FSYNC:
        if (((struct gofer_tfsync *)body)->datasync > 1)
            return -EPROTO;
        break;
    case GOFER_R_ERROR:
        if (((struct gofer_rerror *)body)->pad != 0)
            return -EPROTO;
        break;
    }
    return 0;
}

/* ---- variable bodies: a fixed part, then names and data ---- */

struct part {
    const void *p;
    size_t len;
};

static int encode_var(void *buf, size_t cap, uint16_t op, uint32_t tag,
                      const void *fixed, size_t flen, const struct part *parts,
                      unsigned n)
{
    size_t body = flen, off;
    unsigned i;
    int size;

    for (i = 0; i < n; i++)
        body += parts[i].len;
    size = gofer_encode_hdr(buf, cap, op, tag, body);
    if (size < 0)
        return size;
    off = sizeof(struct gofer_hdr);
    memcpy((char *)buf + off, fixed, flen);
    off += flen;
    for (i = 0; i < n; i++) {
        if (parts[i].len)
            memcpy((char *)buf + off, parts[i].p, parts[i].len);
        off += parts[i].len;
    }
    return size;
}

/* Check the header and op, copy the fixed part out; *tail and *tlen get what
 * follows it. */
static int decode_var(const void *buf, size_t len, uint16_t op, void *fixed,
                      size_t flen, const char **tail, size_t *tlen)
{
    struct gofer_hdr h;
    int err;

    err = gofer_decode_hdr(buf, len, &h);
    if (err)
        return err;
    if (h.op != op || len < sizeof(h) + flen)
        return -EPROTO;
    memcpy(fixed, (const char *)buf + sizeof(h), flen);
    *tail = (const char *)buf + sizeof(h) + flen;
    *tlen = len - sizeof(h) - flen;
    return 0;
}

/* Take a component of nl bytes off the tail: -EPROTO if it is not there,
 * -EINVAL if it is not a valid name. */
static int take_name(const char **p, size_t *left, size_t nl,
                     struct gofer_name *out)
{
    if (*left < nl)
        return -EPROTO;
    if (!gofer_name_valid(*p, nl))
        return -EINVAL;
    out->p = *p;
    out->len = (uint16_t)nl;
    *p += nl;
    *left -= nl;
    return 0;
}

static int name_len(const char *name, uint16_t *out)
{
    size_t n = name ? strlen(name) : 0;

    if (!gofer_name_valid(name, n))
        return -EINVAL;
    *out = (uint16_t)n;
    return 0;
}

static int create_op(uint16_t op)
{
    return op == GOFER_T_CREATE || op == GOFER_T_MKDIR ||
           op == GOFER_T_MKNOD;
}

int gofer_encode_create(void *buf, size_t cap, uint16_t op, uint32_t tag,
                        const struct gofer_tcreate *tc, const char *name)
{
    struct gofer_tcreate t = *tc;
    struct part pt;
    int err;

    if (!create_op(op))
        return -EINVAL;
    err = name_len(name, &t.namelen);
    if (err)
        return err;
    t.pad = 0;
    pt = (struct part){ name, t.namelen };
    return encode_var(buf, cap, op, tag, &t, sizeof(t), &pt, 1);
}

int gofer_decode_create(const void *buf, size_t len, uint16_t op,
                        struct gofer_tcreate *tc, struct gofer_name *name)
{
    const char *p;
    size_t left;
    int err;

    if (!create_op(op))
        return -EINVAL;
    err = decode_var(buf, len, op, tc, sizeof(*tc), &p, &left);
    if (err)
        return err;
    if (tc->pad != 0 || (op != GOFER_T_CREATE && tc->flags != 0))
        return -EPROTO;
    err = take_name(&p, &left, tc->namelen, name);
    if (err)
        return err;
    return left ? -EPROTO : 0;
}

int gofer_encode_symlink(void *buf, size_t cap, uint32_t tag,
                         const struct gofer_tsymlink *ts, const char *name,
                         const char *target)
{
    struct gofer_tsymlink t = *ts;
    struct part pt[2];
    size_t tl = target ? strlen(target) : 0;
    int err;

    err = name_len(name, &t.namelen);
    if (err)
        return err;
    if (tl == 0 || tl >= GOFER_PATH_MAX)
        return -EINVAL;
    t.targetlen = (uint16_t)tl;
    pt[0] = (struct part){ name, t.namelen };
    pt[1] = (struct part){ target, tl };
    return encode_var(buf, cap, GOFER_T_SYMLINK, tag, &t, sizeof(t), pt, 2);
}

int gofer_decode_symlink(const void *buf, size_t len,
                         struct gofer_tsymlink *ts, struct gofer_name *name,
                         const char **target)
{
    const char *p;
    size_t left;
    int err;

    err = decode_var(buf, len, GOFER_T_SYMLINK, ts, sizeof(*ts), &p, &left);
    if (err)
        return err;
    err = take_name(&p, &left, ts->namelen, name);
    if (err)
        return err;
    if (left != ts->targetlen)
        return -EPROTO;
    if (ts->targetlen == 0 || ts->targetlen >= GOFER_PATH_MAX ||
        memchr(p, '\0', left))
        return -EINVAL;
    *target = p;
    return 0;
}

int gofer_encode_link(void *buf, size_t cap, uint32_t tag,
                      const struct gofer_tlink *tl, const char *name)
{
    struct gofer_tlink t = *tl;
    struct part pt;
    int err;

    err = name_len(name, &t.namelen);
    if (err)
        return err;
    t.pad = 0;
    t.pad2 = 0;
    pt = (struct part){ name, t.namelen };
    return encode_var(buf, cap, GOFER_T_LINK, tag, &t, sizeof(t), &pt, 1);
}

int gofer_decode_link(const void *buf, size_t len, struct gofer_tlink *tl,
                      struct gofer_name *name)
{
    const char *p;
    size_t left;
    int err;

    err = decode_var(buf, len, GOFER_T_LINK, tl, sizeof(*tl), &p, &left);
    if (err)
        return err;
    if (tl->pad != 0 || tl->pad2 != 0)
        return -EPROTO;
    err = take_name(&p, &left, tl->namelen, name);
    if (err)
        return err;
    return left ? -EPROTO : 0;
}

int gofer_encode_unlink(void *buf, size_t cap, uint32_t tag,
                        const struct gofer_tunlink *tu, const char *name)
{
    struct gofer_tunlink t = *tu;
    struct part pt;
    int err;

    err = name_len(name, &t.namelen);
    if (err)
        return err;
    t.pad = 0;
    t.pad2 = 0;
    pt = (struct part){ name, t.namelen };
    return encode_var(buf, cap, GOFER_T_UNLINK, tag, &t, sizeof(t), &pt, 1);
}

int gofer_decode_unlink(const void *buf, size_t len, struct gofer_tunlink *tu,
                        struct gofer_name *name)
{
    const char *p;
    size_t left;
    int err;

    err = decode_var(buf, len, GOFER_T_UNLINK, tu, sizeof(*tu), &p, &left);
    if (err)
        return err;
    if (tu->pad != 0 || tu->pad2 != 0 || (tu->flags & ~GOFER_UNLINK_DIR))
        return -EPROTO;
    err = take_name(&p, &left, tu->namelen, name);
    if (err)
        return err;
    return left ? -EPROTO : 0;
}

int gofer_encode_rename(void *buf, size_t cap, uint32_t tag,
                        const struct gofer_trename *tr, const char *oldname,
                        const char *newname)
{
    struct gofer_trename t = *tr;
    struct part pt[2];
    int err;

    err = name_len(oldname, &t.oldlen);
    if (!err)
        err = name_len(newname, &t.newlen);
    if (err)
        return err;
    pt[0] = (struct part){ oldname, t.oldlen };
    pt[1] = (struct part){ newname, t.newlen };
    return encode_var(buf, cap, GOFER_T_RENAME, tag, &t, sizeof(t), pt, 2);
}

int gofer_decode_rename(const void *buf, size_t len, struct gofer_trename *tr,
                        struct gofer_name *oldname, struct gofer_name *newname)
{
    const char *p;
    size_t left;
    int err;

    err = decode_var(buf, len, GOFER_T_RENAME, tr, sizeof(*tr), &p, &left);
    if (err)
        return err;
    err = take_name(&p, &left, tr->oldlen, oldname);
    if (!err)
        err = take_name(&p, &left, tr->newlen, newname);
    if (err)
        return err;
    return left ? -EPROTO : 0;
}

static int xattr_op(uint16_t op)
{
    return op == GOFER_T_GETXATTR || op == GOFER_T_SETXATTR ||
           op == GOFER_T_LISTXATTR || op == GOFER_T_REMOVEXATTR;
}

int gofer_encode_xattr(void *buf, size_t cap, uint16_t op, uint32_t tag,
                       const struct gofer_txattr *tx, const char *name,
                       const void *value)
{
    struct gofer_txattr t = *tx;
    struct part pt[2];
    size_t nl = name ? strlen(name) : 0;
    unsigned n = 0;

    if (!xattr_op(op))
        return -EINVAL;
    t.pad = 0;
    t.namelen = 0;
    if (op == GOFER_T_LISTXATTR) {
        if (name)
            return -EINVAL;
    } else {
        if (!gofer_xattr_name_valid(name, nl))
            return -EINVAL;
        t.namelen = (uint16_t)nl;
        pt[n++] = (struct part){ name, nl };
    }
    if (op == GOFER_T_SETXATTR) {
        if (t.size > GOFER_XATTR_SIZE_MAX || (t.size && !value))
            return -E2BIG;
        pt[n++] = (struct part){ value, t.size };
    }
    return encode_var(buf, cap, op, tag, &t, sizeof(t), pt, n);
}

int gofer_decode_xattr(const void *buf, size_t len, uint16_t op,
                       struct gofer_txattr *tx, struct gofer_name *name,
                       const void **value)
{
    const char *p;
    size_t left;
    int err;

    if (!xattr_op(op))
        return -EINVAL;
    err = decode_var(buf, len, op, tx, sizeof(*tx), &p, &left);
    if (err)
        return err;
    if (tx->pad != 0)
        return -EPROTO;
    if (op != GOFER_T_SETXATTR && tx->flags != 0)
        return -EPROTO;
    if ((op == GOFER_T_REMOVEXATTR) && tx->size != 0)
        return -EPROTO;
    name->p = NULL;
    name->len = 0;
    if (op == GOFER_T_LISTXATTR) {
        if (tx->namelen != 0)
            return -EPROTO;
    } else {
        if (left < tx->namelen)
            return -EPROTO;
        if (!gofer_xattr_name_valid(p, tx->namelen))
            return -EINVAL;
        name->p = p;
        name->len = tx->namelen;
        p += tx->namelen;
        left -= tx->namelen;
    }
    if (op == GOFER_T_SETXATTR) {
        if (left != tx->size)
            return -EPROTO;
        if (tx->size > GOFER_XATTR_SIZE_MAX)
            return -E2BIG;
        if (value)
            *value = p;
        return 0;
    }
    return left ? -EPROTO : 0;
}

const char *gofer_op_name(uint16_t op)
{
    static const char *const names[] = {
        [GOFER_T_CREATE] = "create",       [GOFER_T_MKDIR] = "mkdir",
        [GOFER_T_MKNOD] = "mknod",         [GOFER_T_SYMLINK] = "symlink",
        [GOFER_T_LINK] = "link",           [GOFER_T_UNLINK] = "unlink",
        [GOFER_T_RENAME] = "rename",       [GOFER_T_SETATTR] = "setattr",
        [GOFER_T_STATFS] = "statfs",       [GOFER_T_FSYNC] = "fsync",
        [GOFER_T_FALLOCATE] = "fallocate", [GOFER_T_GETXATTR] = "getxattr",
        [GOFER_T_SETXATTR] = "setxattr",   [GOFER_T_LISTXATTR] = "listxattr",
        [GOFER_T_REMOVEXATTR] = "removexattr", [GOFER_T_TMPFILE] = "tmpfile",
    };

    if (op >= GOFER_T_CREATE && op < GOFER_OP_MAX_)
        return names[op];
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
