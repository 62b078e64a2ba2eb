/* gofer/proto.h: the Sentry<->Gofer wire protocol (SOCK_SEQPACKET).
 *
 * Every message is one packet: a struct gofer_hdr followed by an op-specific
 * body, all little-endian host order (both ends run on the same host).
 * hdr.size is the whole packet length and must equal the received length.
 * Replies carry the request's tag. A failed request is answered with
 * GOFER_R_ERROR whose body is struct gofer_rerror.
 *
 * Handles are small integers naming O_PATH fds held by the Gofer. Handle 0 is
 * never valid. Names in WALK are single path components: 1..GOFER_NAME_MAX
 * bytes, no '/', no NUL, and never "." or "..". The Sentry resolves "..",
 * symlinks and mounts itself.
 *
 * Decoders in proto.c validate every length and return -EINVAL / -EPROTO on a
 * malformed packet; they never read outside the buffer.
 */
#ifndef SB_GOFER_PROTO_H
#define SB_GOFER_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define GOFER_MSG_MAX 65536u  /* largest packet either side sends */
#define GOFER_NAME_MAX 255u
#define GOFER_WALK_MAX 64u    /* names in one WALK */
#define GOFER_PATH_MAX 4096u  /* readlink target */

enum gofer_op {
    GOFER_T_ATTACH = 1,   /* body: none                 -> R: rattach */
    GOFER_T_WALK = 2,     /* body: twalk + names       -> R: rwalk + entries */
    GOFER_T_STAT = 3,     /* body: thandle             -> R: gofer_stat */
    GOFER_T_OPEN = 4,     /* body: topen               -> R: none, fd by SCM_RIGHTS */
    GOFER_T_READLINK = 5, /* body: thandle             -> R: rreadlink + bytes */
    GOFER_T_GETDENTS = 6, /* body: tgetdents           -> R: rgetdents + dirents */
    GOFER_T_CLOSE = 7,    /* body: thandle             -> R: none */
    GOFER_OP_MAX_ = 8,
    GOFER_R_ERROR = 0x80, /* body: rerror */
    GOFER_R_OK = 0x81,    /* success; body depends on the request's op */
};

struct gofer_hdr {
    uint32_t size; /* whole packet, header included */
    uint16_t op;
    uint16_t pad;  /* must be 0 */
    uint32_t tag;
    uint32_t pad2; /* must be 0 */
};

/* What the Sentry needs of a host stat; times in ns resolution. */
struct gofer_stat {
    uint64_t ino;
    uint64_t dev;
    uint64_t nlink;
    uint64_t size;
    uint64_t blocks;
    uint64_t rdev;
    uint32_t mode;
    uint32_t uid;
    uint32_t gid;
    uint32_t blksize;
    int64_t atime_sec, mtime_sec, ctime_sec;
    uint32_t atime_nsec, mtime_nsec, ctime_nsec;
    uint32_t pad;
};

struct gofer_rerror {
    int32_t err; /* positive errno */
    uint32_t pad;
};

struct gofer_rattach {
    uint32_t handle;
    uint32_t pad;
    struct gofer_stat st;
};

struct gofer_thandle {
    uint32_t handle;
    uint32_t pad;
};

/* WALK: from `handle`, walk `nnames` names (each: uint16_t len, bytes, no
 * padding), never following a final or intermediate symlink (the Sentry
 * does that). Stops at the first component that fails or is a symlink or a
 * non-directory with names left. */
struct gofer_twalk {
    uint32_t handle;
    uint16_t nnames;
    uint16_t pad;
};

/* Reply: nwalked entries (handle + stat each) follow. err is the errno of
 * the component after the last walked one, or 0 if all were walked.
 * nwalked < nnames with err == 0 means the walk stopped at a symlink (the
 * last entry) that the Sentry must resolve; a regular file or other
 * non-directory with names left gives err == ENOTDIR. */
struct gofer_rwalk {
    uint16_t nwalked;
    uint16_t pad;
    int32_t err;
};
struct gofer_walk_entry {
    uint32_t handle;
    uint32_t pad;
    struct gofer_stat st;
};

/* OPEN: open the file behind `handle` with `flags` (O_RDONLY only in this
 * slice; O_CREAT, O_TRUNC and the like are refused with EINVAL until the
 * Gofer writes). O_NOFOLLOW|O_CLOEXEC|O_NOCTTY are always added. The fd
 * comes back in an SCM_RIGHTS control message of the R_OK reply. */
struct gofer_topen {
    uint32_t handle;
    uint32_t flags;
};

struct gofer_rreadlink {
    uint32_t len; /* bytes of target that follow, no NUL */
    uint32_t pad;
};

/* GETDENTS: entries of directory `handle` from `cookie` (0 = start; else the
 * `next` of the last entry received). At most `max_bytes` of reply body.
 * count == 0 means end of directory. */
struct gofer_tgetdents {
    uint32_t handle;
    uint32_t max_bytes;
    uint64_t cookie;
};
struct gofer_rgetdents {
    uint32_t count;
    uint32_t pad;
};
/* each dirent: fixed part then namelen bytes of name (no NUL, no padding) */
struct gofer_dirent {
    uint64_t ino;
    uint64_t next; /* cookie to continue after this entry */
    uint8_t type;  /* DT_* */
    uint8_t namelen;
    uint16_t pad;
    uint32_t pad2;
};

/* ---- codec (proto.c) ----
 * Encoders write a whole packet into buf (cap bytes) and return its length
 * or -EMSGSIZE / -EINVAL. Decoders check hdr.size == len, op, padding and
 * every inner length, and return 0 or -EPROTO (malformed) / -EINVAL (bad
 * name). Names out of a decoded walk point into the buffer (not
 * NUL-terminated; use len). */

struct gofer_name {
    const char *p;
    uint16_t len;
};

/* 1 if p[0..len) is a valid single component (see above), else 0. */
int gofer_name_valid(const char *p, size_t len);

int gofer_decode_hdr(const void *buf, size_t len, struct gofer_hdr *out);

/* Write only the header of a packet whose body_len-byte body the caller has
 * already placed at buf + sizeof(struct gofer_hdr); returns the packet
 * length or -EMSGSIZE / -EINVAL. */
int gofer_encode_hdr(void *buf, size_t cap, uint16_t op, uint32_t tag,
                     size_t body_len);
int gofer_encode_simple(void *buf, size_t cap, uint16_t op, uint32_t tag,
                        const void *body, size_t body_len);
int gofer_encode_walk(void *buf, size_t cap, uint32_t tag, uint32_t handle,
                      const struct gofer_name *names, unsigned n);
int gofer_decode_walk(const void *buf, size_t len, struct gofer_twalk *w,
                      struct gofer_name *names /* [GOFER_WALK_MAX] */);
/* Decode a fixed-size body (e.g. thandle, topen, tgetdents) of `op`. */
int gofer_decode_fixed(const void *buf, size_t len, uint16_t op, void *body,
                       size_t body_len);

const char *gofer_op_name(uint16_t op);

#endif
