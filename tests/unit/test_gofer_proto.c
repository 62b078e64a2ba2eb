/* tests/unit/test_gofer_proto.c: the Gofer codec round-trips and refuses
 * every malformed packet. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gofer/proto.h"
#include "lib/cleanup.h"

#define HDR sizeof(struct gofer_hdr)

/* A hand-built packet: header, then raw bytes appended. */
struct pkt {
    unsigned char b[GOFER_MSG_MAX + 64];
    size_t len;
};

static void pkt_start(struct pkt *p, uint16_t op, uint32_t tag)
{
    struct gofer_hdr h = { .op = op, .tag = tag };

    memset(p, 0, sizeof(*p));
    memcpy(p->b, &h, sizeof(h));
    p->len = sizeof(h);
}

static void pkt_put(struct pkt *p, const void *d, size_t n)
{
    cr_assert_leq(p->len + n, sizeof(p->b));
    memcpy(p->b + p->len, d, n);
    p->len += n;
}

static void pkt_name(struct pkt *p, const char *s, size_t n)
{
    uint16_t l = (uint16_t)n;

    pkt_put(p, &l, sizeof(l));
    pkt_put(p, s, n);
}

/* Set hdr.size to the current length. */
static void pkt_seal(struct pkt *p)
{
    uint32_t size = (uint32_t)p->len;

    memcpy(p->b, &size, sizeof(size));
}

static void walk_start(struct pkt *p, uint32_t handle, uint16_t nnames)
{
    struct gofer_twalk w = { .handle = handle, .nnames = nnames };

    pkt_start(p, GOFER_T_WALK, 9);
    pkt_put(p, &w, sizeof(w));
}

static int decode_walk(struct pkt *p)
{
    struct gofer_name names[GOFER_WALK_MAX];
    struct gofer_twalk w;

    return gofer_decode_walk(p->b, p->len, &w, names);
}

Test(gofer_proto, name_valid_accepts_components_only)
{
    char max[GOFER_NAME_MAX + 1];

    memset(max, 'x', sizeof(max));
    cr_expect(gofer_name_valid("a", 1));
    cr_expect(gofer_name_valid("...", 3));
    cr_expect(gofer_name_valid(".hidden", 7));
    cr_expect(gofer_name_valid(max, GOFER_NAME_MAX));
    cr_expect(!gofer_name_valid(max, GOFER_NAME_MAX + 1));
    cr_expect(!gofer_name_valid("", 0));
    cr_expect(!gofer_name_valid(".", 1));
    cr_expect(!gofer_name_valid("..", 2));
    cr_expect(!gofer_name_valid("a/b", 3));
    cr_expect(!gofer_name_valid("/", 1));
    cr_expect(!gofer_name_valid("a\0b", 3));
    cr_expect(!gofer_name_valid(NULL, 1));
}

Test(gofer_proto, simple_round_trip)
{
    struct gofer_tgetdents in = { .handle = 7, .max_bytes = 4096, .cookie = 99 };
    struct gofer_tgetdents out;
    struct gofer_hdr h;
    unsigned char buf[64];
    int n;

    n = gofer_encode_simple(buf, sizeof(buf), GOFER_T_GETDENTS, 0xabcdef, &in,
                            sizeof(in));
    cr_assert_eq(n, (int)(HDR + sizeof(in)));
    cr_assert_eq(gofer_decode_hdr(buf, n, &h), 0);
    cr_expect_eq(h.size, (uint32_t)n);
    cr_expect_eq(h.op, GOFER_T_GETDENTS);
    cr_expect_eq(h.tag, 0xabcdefu);
    cr_assert_eq(gofer_decode_fixed(buf, n, GOFER_T_GETDENTS, &out, sizeof(out)),
                 0);
    cr_expect_eq(out.handle, 7);
    cr_expect_eq(out.max_bytes, 4096);
    cr_expect_eq(out.cookie, 99);
}

Test(gofer_proto, empty_body_and_errors_round_trip)
{
    struct gofer_rerror re = { .err = ENOENT }, out;
    unsigned char buf[64];
    int n;

    n = gofer_encode_simple(buf, sizeof(buf), GOFER_T_ATTACH, 1, NULL, 0);
    cr_assert_eq(n, (int)HDR);
    cr_expect_eq(gofer_decode_fixed(buf, n, GOFER_T_ATTACH, NULL, 0), 0);

    n = gofer_encode_simple(buf, sizeof(buf), GOFER_R_ERROR, 2, &re, sizeof(re));
    cr_assert_gt(n, 0);
    cr_assert_eq(gofer_decode_fixed(buf, n, GOFER_R_ERROR, &out, sizeof(out)),
                 0);
    cr_expect_eq(out.err, ENOENT);
}

Test(gofer_proto, encoders_refuse_what_does_not_fit)
{
    struct gofer_thandle th = { .handle = 1 };
    unsigned char buf[64];

    cr_expect_eq(gofer_encode_simple(buf, HDR + sizeof(th) - 1, GOFER_T_STAT,
                                     0, &th, sizeof(th)),
                 -EMSGSIZE);
    cr_expect_eq(gofer_encode_simple(buf, sizeof(buf), 0x42, 0, &th,
                                     sizeof(th)),
                 -EINVAL);
    cr_expect_eq(gofer_encode_hdr(buf, sizeof(buf), GOFER_R_OK, 0,
                                  GOFER_MSG_MAX),
                 -EMSGSIZE);
}

Test(gofer_proto, walk_round_trip)
{
    struct gofer_name in[3] = {
        { "usr", 3 }, { "lib", 3 }, { "x86_64-linux-gnu", 16 }
    };
    struct gofer_name out[GOFER_WALK_MAX];
    struct gofer_twalk w;
    unsigned char buf[256];
    int n, i;

    n = gofer_encode_walk(buf, sizeof(buf), 5, 42, in, 3);
    cr_assert_eq(n, (int)(HDR + sizeof(w) + 3 * 2 + 3 + 3 + 16));
    cr_assert_eq(gofer_decode_walk(buf, n, &w, out), 0);
    cr_expect_eq(w.handle, 42);
    cr_expect_eq(w.nnames, 3);
    for (i = 0; i < 3; i++) {
        cr_assert_eq(out[i].len, in[i].len);
        cr_expect_eq(memcmp(out[i].p, in[i].p, in[i].len), 0);
        /* Names point into the buffer. */
        cr_expect(out[i].p > (const char *)buf &&
                  out[i].p < (const char *)buf + n);
    }
}

Test(gofer_proto, walk_round_trip_at_the_limits)
{
    static struct gofer_name in[GOFER_WALK_MAX];
    static struct gofer_name out[GOFER_WALK_MAX];
    static unsigned char buf[GOFER_MSG_MAX];
    char longname[GOFER_NAME_MAX];
    struct gofer_twalk w;
    unsigned i;
    int n;

    memset(longname, 'n', sizeof(longname));
    for (i = 0; i < GOFER_WALK_MAX; i++)
        in[i] = (struct gofer_name){ longname, GOFER_NAME_MAX };
    n = gofer_encode_walk(buf, sizeof(buf), 1, 1, in, GOFER_WALK_MAX);
    cr_assert_gt(n, 0);
    cr_assert_eq(gofer_decode_walk(buf, n, &w, out), 0);
    cr_expect_eq(w.nnames, GOFER_WALK_MAX);
    cr_expect_eq(out[GOFER_WALK_MAX - 1].len, GOFER_NAME_MAX);
}

Test(gofer_proto, encode_walk_refuses_bad_names)
{
    struct gofer_name bad[] = { { "a/b", 3 }, { "..", 2 }, { ".", 1 },
                                { "", 0 },    { "a\0b", 3 } };
    static struct gofer_name many[GOFER_WALK_MAX + 1];
    struct gofer_name ok = { "ok", 2 };
    unsigned char buf[1024];
    unsigned i;

    for (i = 0; i < SB_ARRAY_SIZE(bad); i++)
        cr_expect_eq(gofer_encode_walk(buf, sizeof(buf), 0, 1, &bad[i], 1),
                     -EINVAL, "name %u", i);
    for (i = 0; i < SB_ARRAY_SIZE(many); i++)
        many[i] = ok;
    cr_expect_eq(gofer_encode_walk(buf, sizeof(buf), 0, 1, many,
                                   GOFER_WALK_MAX + 1),
                 -EINVAL);
    cr_expect_eq(gofer_encode_walk(buf, HDR + 8 + 3, 0, 1, &ok, 1), -EMSGSIZE);
}

/* ---- malformed headers ---- */

Test(gofer_proto, rejects_truncated_header)
{
    struct pkt p;
    size_t l;

    pkt_start(&p, GOFER_T_ATTACH, 1);
    pkt_seal(&p);
    cr_assert_eq(gofer_decode_hdr(p.b, p.len, NULL), 0);
    for (l = 0; l < HDR; l++)
        cr_expect_eq(gofer_decode_hdr(p.b, l, NULL), -EPROTO, "len %zu", l);
}

Test(gofer_proto, rejects_size_mismatch)
{
    struct pkt p;
    uint32_t size;

    pkt_start(&p, GOFER_T_ATTACH, 1);
    size = HDR + 1;
    memcpy(p.b, &size, sizeof(size));
    cr_expect_eq(gofer_decode_hdr(p.b, HDR, NULL), -EPROTO);
    size = HDR - 1;
    memcpy(p.b, &size, sizeof(size));
    cr_expect_eq(gofer_decode_hdr(p.b, HDR, NULL), -EPROTO);
    size = 0;
    memcpy(p.b, &size, sizeof(size));
    cr_expect_eq(gofer_decode_hdr(p.b, HDR, NULL), -EPROTO);
}

Test(gofer_proto, rejects_oversized_packet)
{
    static struct pkt p;

    pkt_start(&p, GOFER_R_OK, 1);
    p.len = GOFER_MSG_MAX + 1;
    pkt_seal(&p);
    cr_expect_eq(gofer_decode_hdr(p.b, p.len, NULL), -EPROTO);
    p.len = GOFER_MSG_MAX;
    pkt_seal(&p);
    cr_expect_eq(gofer_decode_hdr(p.b, p.len, NULL), 0);
}

Test(gofer_proto, rejects_nonzero_padding)
{
    struct gofer_hdr h = { .size = HDR, .op = GOFER_T_ATTACH, .pad = 1 };

    cr_expect_eq(gofer_decode_hdr(&h, sizeof(h), NULL), -EPROTO);
    h.pad = 0;
    h.pad2 = 0x100;
    cr_expect_eq(gofer_decode_hdr(&h, sizeof(h), NULL), -EPROTO);
    h.pad2 = 0;
    cr_expect_eq(gofer_decode_hdr(&h, sizeof(h), NULL), 0);
}

Test(gofer_proto, rejects_unknown_op)
{
    uint16_t ops[] = { 0, GOFER_OP_MAX_, 0x7f, 0x82, 0xffff };
    struct gofer_hdr h = { .size = HDR };
    unsigned i;

    for (i = 0; i < SB_ARRAY_SIZE(ops); i++) {
        h.op = ops[i];
        cr_expect_eq(gofer_decode_hdr(&h, sizeof(h), NULL), -EPROTO, "op %#x",
                     ops[i]);
        cr_expect_str_eq(gofer_op_name(ops[i]), "unknown");
    }
    cr_expect_str_eq(gofer_op_name(GOFER_T_WALK), "walk");
}

/* ---- fixed bodies ---- */

Test(gofer_proto, fixed_rejects_wrong_length_op_and_padding)
{
    struct gofer_thandle th = { .handle = 3 }, out;
    struct pkt p;

    pkt_start(&p, GOFER_T_STAT, 1);
    pkt_put(&p, &th, sizeof(th));
    pkt_seal(&p);
    cr_assert_eq(gofer_decode_fixed(p.b, p.len, GOFER_T_STAT, &out, sizeof(out)),
                 0);
    /* Another op's decoder. */
    cr_expect_eq(gofer_decode_fixed(p.b, p.len, GOFER_T_CLOSE, &out,
                                    sizeof(out)),
                 -EPROTO);
    /* Trailing byte. */
    pkt_put(&p, "", 1);
    pkt_seal(&p);
    cr_expect_eq(gofer_decode_fixed(p.b, p.len, GOFER_T_STAT, &out, sizeof(out)),
                 -EPROTO);
    /* Short body. */
    pkt_start(&p, GOFER_T_STAT, 1);
    pkt_put(&p, &th, sizeof(th) - 1);
    pkt_seal(&p);
    cr_expect_eq(gofer_decode_fixed(p.b, p.len, GOFER_T_STAT, &out, sizeof(out)),
                 -EPROTO);
    /* Body padding. */
    th.pad = 1;
    pkt_start(&p, GOFER_T_STAT, 1);
    pkt_put(&p, &th, sizeof(th));
    pkt_seal(&p);
    cr_expect_eq(gofer_decode_fixed(p.b, p.len, GOFER_T_STAT, &out, sizeof(out)),
                 -EPROTO);
    /* A caller asking for the wrong body size, or WALK, is refused. */
    cr_expect_eq(gofer_decode_fixed(p.b, p.len, GOFER_T_STAT, &out, 4),
                 -EINVAL);
    cr_expect_eq(gofer_decode_fixed(p.b, p.len, GOFER_T_WALK, &out,
                                    sizeof(out)),
                 -EINVAL);
}

/* ---- malformed walks ---- */

Test(gofer_proto, walk_rejects_bad_names)
{
    struct {
        const char *s;
        size_t n;
    } bad[] = { { "a/b", 3 }, { "..", 2 }, { ".", 1 }, { "", 0 },
                { "a\0b", 3 }, { "/", 1 } };
    unsigned i;
    struct pkt p;

    for (i = 0; i < SB_ARRAY_SIZE(bad); i++) {
        walk_start(&p, 1, 2);
        pkt_name(&p, "ok", 2);
        pkt_name(&p, bad[i].s, bad[i].n);
        pkt_seal(&p);
        cr_expect_eq(decode_walk(&p), -EINVAL, "name %u", i);
    }
    /* 256 bytes with the length field saying so. */
    {
        char big[GOFER_NAME_MAX + 1];

        memset(big, 'b', sizeof(big));
        walk_start(&p, 1, 1);
        pkt_name(&p, big, sizeof(big));
        pkt_seal(&p);
        cr_expect_eq(decode_walk(&p), -EINVAL);
    }
}

Test(gofer_proto, walk_rejects_name_running_past_buffer)
{
    struct pkt p;
    uint16_t l = 10;

    walk_start(&p, 1, 1);
    pkt_put(&p, &l, sizeof(l));
    pkt_put(&p, "abc", 3); /* 7 bytes short */
    pkt_seal(&p);
    cr_expect_eq(decode_walk(&p), -EPROTO);

    /* Length field itself cut in half. */
    walk_start(&p, 1, 1);
    pkt_put(&p, "\x01", 1);
    pkt_seal(&p);
    cr_expect_eq(decode_walk(&p), -EPROTO);

    /* nnames promises more names than there are. */
    walk_start(&p, 1, 3);
    pkt_name(&p, "a", 1);
    pkt_name(&p, "b", 1);
    pkt_seal(&p);
    cr_expect_eq(decode_walk(&p), -EPROTO);

    /* The name would be fine if hdr.size were believed past len. */
    walk_start(&p, 1, 1);
    pkt_name(&p, "abc", 3);
    pkt_seal(&p);
    cr_expect_eq(gofer_decode_hdr(p.b, p.len - 2, NULL), -EPROTO);
}

Test(gofer_proto, walk_rejects_too_many_names)
{
    struct pkt p;
    unsigned i;

    walk_start(&p, 1, GOFER_WALK_MAX + 1);
    for (i = 0; i < GOFER_WALK_MAX + 1; i++)
        pkt_name(&p, "d", 1);
    pkt_seal(&p);
    cr_expect_eq(decode_walk(&p), -EPROTO);

    walk_start(&p, 1, GOFER_WALK_MAX);
    for (i = 0; i < GOFER_WALK_MAX; i++)
        pkt_name(&p, "d", 1);
    pkt_seal(&p);
    cr_expect_eq(decode_walk(&p), 0);
}

Test(gofer_proto, walk_rejects_trailing_bytes_and_bad_body)
{
    struct gofer_twalk w = { .handle = 1, .nnames = 0, .pad = 1 };
    struct pkt p;

    walk_start(&p, 1, 1);
    pkt_name(&p, "a", 1);
    pkt_put(&p, "x", 1);
    pkt_seal(&p);
    cr_expect_eq(decode_walk(&p), -EPROTO);

    walk_start(&p, 1, 0);
    pkt_put(&p, "\0\0", 2);
    pkt_seal(&p);
    cr_expect_eq(decode_walk(&p), -EPROTO);

    pkt_start(&p, GOFER_T_WALK, 1);
    pkt_put(&p, &w, sizeof(w));
    pkt_seal(&p);
    cr_expect_eq(decode_walk(&p), -EPROTO);

    /* Truncated twalk. */
    pkt_start(&p, GOFER_T_WALK, 1);
    pkt_put(&p, &w, sizeof(w) - 2);
    pkt_seal(&p);
    cr_expect_eq(decode_walk(&p), -EPROTO);

    /* Not a walk at all. */
    pkt_start(&p, GOFER_T_STAT, 1);
    pkt_put(&p, &w, sizeof(w));
    pkt_seal(&p);
    cr_expect_eq(decode_walk(&p), -EPROTO);
}

Test(gofer_proto, walk_decoder_never_reads_past_len)
{
    /* Decode every prefix of a valid walk from a heap copy of exactly that
     * size: under ASan any overread is a crash, and every prefix must be
     * refused (with hdr.size patched to the prefix length). */
    struct gofer_name in[2] = { { "alpha", 5 }, { "beta", 4 } };
    unsigned char buf[128];
    int n, l;

    n = gofer_encode_walk(buf, sizeof(buf), 1, 1, in, 2);
    cr_assert_gt(n, 0);
    for (l = HDR; l < n; l++) {
        unsigned char *c = malloc(l);
        struct gofer_name out[GOFER_WALK_MAX];
        struct gofer_twalk w;
        uint32_t size = (uint32_t)l;

        memcpy(c, buf, l);
        memcpy(c, &size, sizeof(size));
        cr_expect_lt(gofer_decode_walk(c, l, &w, out), 0, "prefix %d", l);
        free(c);
    }
}

/* ---- the write requests ---- */

Test(gofer_proto, create_round_trip_and_refusals)
{
    static unsigned char b[GOFER_MSG_MAX];
    struct gofer_tcreate tc = { .dir = 3, .flags = 2, .mode = 0644, .uid = 7, .gid = 8 };
    struct gofer_tcreate out;
    struct gofer_name n;
    int len;

    len = gofer_encode_create(b, sizeof(b), GOFER_T_CREATE, 5, &tc, "file");
    cr_assert_eq(len, (int)(HDR + sizeof(tc) + 4));
    cr_assert_eq(gofer_decode_create(b, len, GOFER_T_CREATE, &out, &n), 0);
    cr_expect_eq(out.dir, 3);
    cr_expect_eq(out.uid, 7);
    cr_expect_eq(n.len, 4);
    cr_expect_eq(memcmp(n.p, "file", 4), 0);
    /* Wrong op for the body, trailing byte, short by one. */
    cr_expect_eq(gofer_decode_create(b, len, GOFER_T_MKDIR, &out, &n), -EPROTO);
    cr_expect_eq(gofer_decode_create(b, len, GOFER_T_WALK, &out, &n), -EINVAL);
    cr_expect_eq(gofer_decode_create(b, len - 1, GOFER_T_CREATE, &out, &n), -EPROTO);
    /* Encoders refuse bad names. */
    cr_expect_eq(gofer_encode_create(b, sizeof(b), GOFER_T_MKDIR, 5, &tc, ".."), -EINVAL);
    cr_expect_eq(gofer_encode_create(b, sizeof(b), GOFER_T_MKDIR, 5, &tc, "a/b"), -EINVAL);
    cr_expect_eq(gofer_encode_create(b, sizeof(b), GOFER_T_MKDIR, 5, &tc, NULL), -EINVAL);
    /* MKDIR/MKNOD carry no flags. */
    len = gofer_encode_create(b, sizeof(b), GOFER_T_MKDIR, 5, &tc, "d");
    cr_assert_gt(len, 0);
    cr_expect_eq(gofer_decode_create(b, len, GOFER_T_MKDIR, &out, &n), -EPROTO);
    tc.flags = 0;
    len = gofer_encode_create(b, sizeof(b), GOFER_T_MKNOD, 5, &tc, "d");
    cr_expect_eq(gofer_decode_create(b, len, GOFER_T_MKNOD, &out, &n), 0);
    /* A namelen running past the packet, and names hidden in the body. */
    ((struct gofer_tcreate *)(b + HDR))->namelen = 60000;
    cr_expect_eq(gofer_decode_create(b, len, GOFER_T_MKNOD, &out, &n), -EPROTO);
    len = gofer_encode_create(b, sizeof(b), GOFER_T_MKNOD, 5, &tc, "ab");
    b[len - 1] = '/';
    cr_expect_eq(gofer_decode_create(b, len, GOFER_T_MKNOD, &out, &n), -EINVAL);
    b[len - 1] = '\0';
    cr_expect_eq(gofer_decode_create(b, len, GOFER_T_MKNOD, &out, &n), -EINVAL);
    b[len - 2] = '.';
    b[len - 1] = '.';
    cr_expect_eq(gofer_decode_create(b, len, GOFER_T_MKNOD, &out, &n), -EINVAL);
}

Test(gofer_proto, symlink_link_unlink_rename_round_trip)
{
    static unsigned char b[GOFER_MSG_MAX];
    static char longt[GOFER_PATH_MAX + 1];
    struct gofer_tsymlink ts = { .dir = 1 }, tso;
    struct gofer_tlink tl = { .target = 2, .dir = 1 }, tlo;
    struct gofer_tunlink tu = { .dir = 1, .flags = GOFER_UNLINK_DIR }, tuo;
    struct gofer_trename tr = { .olddir = 1, .newdir = 2, .flags = 1 }, tro;
    struct gofer_name n, m;
    const char *target;
    int len;

    len = gofer_encode_symlink(b, sizeof(b), 1, &ts, "l", "/etc/passwd");
    cr_assert_gt(len, 0);
    cr_assert_eq(gofer_decode_symlink(b, len, &tso, &n, &target), 0);
    cr_expect_eq(tso.targetlen, 11);
    cr_expect_eq(memcmp(target, "/etc/passwd", 11), 0);
    cr_expect_eq(gofer_decode_symlink(b, len - 1, &tso, &n, &target), -EPROTO);
    b[len - 1] = '\0';
    cr_expect_eq(gofer_decode_symlink(b, len, &tso, &n, &target), -EINVAL);
    cr_expect_eq(gofer_encode_symlink(b, sizeof(b), 1, &ts, "l", ""), -EINVAL);
    memset(longt, 'x', GOFER_PATH_MAX);
    cr_expect_eq(gofer_encode_symlink(b, sizeof(b), 1, &ts, "l", longt), -EINVAL);
    longt[GOFER_PATH_MAX - 1] = '\0';
    cr_expect_gt(gofer_encode_symlink(b, sizeof(b), 1, &ts, "l", longt), 0);

    len = gofer_encode_link(b, sizeof(b), 1, &tl, "h");
    cr_assert_eq(gofer_decode_link(b, len, &tlo, &n), 0);
    cr_expect_eq(tlo.target, 2);
    ((struct gofer_tlink *)(b + HDR))->pad2 = 1;
    cr_expect_eq(gofer_decode_link(b, len, &tlo, &n), -EPROTO);

    len = gofer_encode_unlink(b, sizeof(b), 1, &tu, "x");
    cr_assert_eq(gofer_decode_unlink(b, len, &tuo, &n), 0);
    cr_expect_eq(tuo.flags, GOFER_UNLINK_DIR);
    ((struct gofer_tunlink *)(b + HDR))->flags = 4;
    cr_expect_eq(gofer_decode_unlink(b, len, &tuo, &n), -EPROTO);

    len = gofer_encode_rename(b, sizeof(b), 1, &tr, "old", "new!");
    cr_assert_eq(gofer_decode_rename(b, len, &tro, &n, &m), 0);
    cr_expect_eq(n.len, 3);
    cr_expect_eq(m.len, 4);
    cr_expect_eq(memcmp(m.p, "new!", 4), 0);
    cr_expect_eq(gofer_decode_rename(b, len + 1, &tro, &n, &m), -EPROTO);
    ((struct gofer_trename *)(b + HDR))->oldlen = 4; /* "oldn": then "ew!" */
    cr_expect_eq(gofer_decode_rename(b, len, &tro, &n, &m), -EPROTO);
    cr_expect_eq(gofer_encode_rename(b, sizeof(b), 1, &tr, "a", ".."), -EINVAL);
}

Test(gofer_proto, xattr_round_trip_and_namespaces)
{
    static unsigned char b[GOFER_MSG_MAX];
    static char big[GOFER_XATTR_SIZE_MAX + 1];
    struct gofer_txattr tx = { .handle = 1, .size = 3 }, txo;
    struct gofer_name n;
    const void *v;
    int len;

    cr_expect(gofer_xattr_name_valid("user.a", 6));
    cr_expect(!gofer_xattr_name_valid("user.", 5));
    cr_expect(!gofer_xattr_name_valid("trusted.a", 9));
    cr_expect(!gofer_xattr_name_valid("security.selinux", 16));
    cr_expect(!gofer_xattr_name_valid("user.a\0b", 8));
    len = gofer_encode_xattr(b, sizeof(b), GOFER_T_SETXATTR, 1, &tx, "user.k", "val");
    cr_assert_gt(len, 0);
    cr_assert_eq(gofer_decode_xattr(b, len, GOFER_T_SETXATTR, &txo, &n, &v), 0);
    cr_expect_eq(n.len, 6);
    cr_expect_eq(memcmp(v, "val", 3), 0);
    cr_expect_eq(gofer_decode_xattr(b, len - 1, GOFER_T_SETXATTR, &txo, &n, &v), -EPROTO);
    cr_expect_eq(gofer_encode_xattr(b, sizeof(b), GOFER_T_SETXATTR, 1, &tx, "trusted.k", "v"),
                 -EINVAL);
    tx.size = sizeof(big);
    cr_expect_eq(gofer_encode_xattr(b, sizeof(b), GOFER_T_SETXATTR, 1, &tx, "user.k", big),
                 -E2BIG);
    tx.size = 0;
    len = gofer_encode_xattr(b, sizeof(b), GOFER_T_LISTXATTR, 1, &tx, NULL, NULL);
    cr_assert_eq(gofer_decode_xattr(b, len, GOFER_T_LISTXATTR, &txo, &n, &v), 0);
    cr_expect_null(n.p);
    cr_expect_eq(gofer_encode_xattr(b, sizeof(b), GOFER_T_LISTXATTR, 1, &tx, "user.k", NULL),
                 -EINVAL);
    len = gofer_encode_xattr(b, sizeof(b), GOFER_T_GETXATTR, 1, &tx, "user.k", NULL);
    cr_assert_eq(gofer_decode_xattr(b, len, GOFER_T_GETXATTR, &txo, &n, &v), 0);
    ((struct gofer_txattr *)(b + HDR))->flags = 1;
    cr_expect_eq(gofer_decode_xattr(b, len, GOFER_T_GETXATTR, &txo, &n, &v), -EPROTO);
}

Test(gofer_proto, fixed_write_requests_checked)
{
    static unsigned char b[256];
    struct gofer_tsetattr ta = { .handle = 1, .valid = GOFER_SA_ALL };
    struct gofer_tfsync tf = { .handle = 1, .datasync = 1 };
    struct gofer_tfallocate tfa = { .handle = 1, .len = 1 };
    int len;

    len = gofer_encode_simple(b, sizeof(b), GOFER_T_SETATTR, 1, &ta, sizeof(ta));
    cr_expect_eq(gofer_decode_fixed(b, len, GOFER_T_SETATTR, &ta, sizeof(ta)), 0);
    ta.valid = GOFER_SA_ALL + 1;
    len = gofer_encode_simple(b, sizeof(b), GOFER_T_SETATTR, 1, &ta, sizeof(ta));
    cr_expect_eq(gofer_decode_fixed(b, len, GOFER_T_SETATTR, &ta, sizeof(ta)), -EPROTO);
    len = gofer_encode_simple(b, sizeof(b), GOFER_T_FSYNC, 1, &tf, sizeof(tf));
    cr_expect_eq(gofer_decode_fixed(b, len, GOFER_T_FSYNC, &tf, sizeof(tf)), 0);
    tf.datasync = 2;
    len = gofer_encode_simple(b, sizeof(b), GOFER_T_FSYNC, 1, &tf, sizeof(tf));
    cr_expect_eq(gofer_decode_fixed(b, len, GOFER_T_FSYNC, &tf, sizeof(tf)), -EPROTO);
    len = gofer_encode_simple(b, sizeof(b), GOFER_T_FALLOCATE, 1, &tfa, sizeof(tfa));
    cr_expect_eq(gofer_decode_fixed(b, len, GOFER_T_FALLOCATE, &tfa, sizeof(tfa)), 0);
    cr_expect_eq(gofer_decode_fixed(b, len - 1, GOFER_T_FALLOCATE, &tfa, sizeof(tfa)),
                 -EPROTO);
    /* Variable-body ops are not fixed. */
    cr_expect_eq(gofer_decode_fixed(b, len, GOFER_T_CREATE, &tfa, sizeof(tfa)), -EINVAL);
    cr_expect_eq(gofer_decode_fixed(b, len, GOFER_T_SETXATTR, &tfa, sizeof(tfa)), -EINVAL);
    cr_expect_str_eq(gofer_op_name(GOFER_T_RENAME), "rename");
    cr_expect_str_eq(gofer_op_name(GOFER_T_REMOVEXATTR), "removexattr");
}
