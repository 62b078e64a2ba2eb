/* gofer/proto.h: the Sentry<->Gofer wire protocol (SOCK_SEQPACKET).
 *
 * Every message is one packet: a struct gofer_hdr followed by an op-specific
 * body, all little-endian host order (both ends run on the same host).
 * hdr.size is the whole packet length and must equal the received length.
 * Replies carry the request's tag. A failed request is answered with
 * GOFER_R_ERROR whose body is struct gofer_rerror.
 *
 * Handles are small integers naming O_PATH fds held by the Gofer. Handle 0 is
 * never valid. Names in every request (WALK, CREATE, MKDIR, MKNOD, SYMLINK,
 * LINK, UNLINK, RENAME) are single path components: 1..GOFER_NAME_MAX bytes,
 * no '/', no NUL, and never "." or "..". The Sentry resolves "..",
 * symlinks and mounts itself.
 *
 * Confinement by construction: every request names an object as a handle
 * (already inside the root) or as a handle of a directory plus one such
 * component, so no request can name anything outside the root: there is no
 * path to carry "..", and the Gofer never follows a symlink on the host
 * (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH on the handle's fd). A
 * symlink's target (SYMLINK) is stored as bytes and only ever interpreted by
 * the Sentry's own walk, so an absolute or ".." target cannot lead the
 * Gofer out. LINK and RENAME take both ends as handles of this root.
 *
 * Mutating ops (CREATE, MKDIR, MKNOD, SYMLINK, LINK, UNLINK, RENAME,
 * SETATTR, FALLOCATE, SETXATTR, REMOVEXATTR, and OPEN for writing) are
 * answered EROFS by a server started without GOFER_SERVE_WRITABLE.
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
#define GOFER_PATH_MAX 4096u  /* readlink target; symlink target < this */
/* Extended attributes: names up to 255 bytes (XATTR_NAME_MAX), values and
 * lists up to this many bytes (a packet must hold them). Only the "user."
 * namespace is served: "trusted." and "security." need privilege the Gofer
 * drops, and "system." (ACLs) the Sentry does not model. Others: EOPNOTSUPP. */
#define GOFER_XATTR_NAME_MAX 255u
#define GOFER_XATTR_SIZE_MAX 61440u
#define GOFER_XATTR_PREFIX "user."

enum gofer_op {
    GOFER_T_ATTACH = 1,   /* body: none                 -> R: rattach */
    GOFER_T_WALK = 2,     /* body: twalk + names       -> R: rwalk + entries */
    GOFER_T_STAT = 3,     /* body: thandle             -> R: gofer_stat */
    GOFER_T_OPEN = 4,     /* body: topen               -> R: none, fd by SCM_RIGHTS */
    GOFER_T_READLINK = 5, /* body: thandle             -> R: rreadlink + bytes */
    GOFER_T_GETDENTS = 6, /* body: tgetdents           -> R: rgetdents + dirents */
    GOFER_T_CLOSE = 7,    /* body: thandle             -> R: none */
    GOFER_T_CREATE = 8,   /* body: tcreate + name      -> R: rcreate, fd by SCM_RIGHTS */
    GOFER_T_MKDIR = 9,    /* body: tcreate + name      -> R: gofer_stat */
    GOFER_T_MKNOD = 10,   /* body: tcreate + name      -> R: gofer_stat */
    GOFER_T_SYMLINK = 11, /* body: tsymlink + name + target -> R: gofer_stat */
    GOFER_T_LINK = 12,    /* body: tlink + name        -> R: gofer_stat */
    GOFER_T_UNLINK = 13,  /* body: tunlink + name      -> R: none */
    GOFER_T_RENAME = 14,  /* body: trename + old + new -> R: none */
    GOFER_T_SETATTR = 15, /* body: tsetattr            -> R: gofer_stat */
    GOFER_T_STATFS = 16,  /* body: thandle             -> R: gofer_statfs */
    GOFER_T_FSYNC = 17,   /* body: tfsync              -> R: none */
    GOFER_T_FALLOCATE = 18, /* body: tfallocate        -> R: gofer_stat */
    GOFER_T_GETXATTR = 19,  /* body: txattr + name     -> R: rxattr + value */
    GOFER_T_SETXATTR = 20,  /* body: txattr + name + value -> R: none */
    GOFER_T_LISTXATTR = 21, /* body: txattr (no name)  -> R: rxattr + names */
    GOFER_T_REMOVEXATTR = 22, /* body: txattr + name   -> R: none */
    GOFER_T_TMPFILE = 23, /* body: tcreate, no name   -> R: rcreate, fd by SCM_RIGHTS */
    GOFER_OP_MAX_ = 24,
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

/* OPEN: open the file behind `handle` with `flags`: the access mode,
 * O_APPEND, O_TRUNC (writing needs a writable server, else EROFS),
 * O_NONBLOCK, O_DIRECTORY, O_LARGEFILE; O_CREAT and the rest are EINVAL
 * (CREATE makes files). O_NOFOLLOW|O_CLOEXEC|O_NOCTTY are always added.
 * Directories open read-only only (EISDIR). The fd comes back in an
 * SCM_RIGHTS control message of the R_OK reply. */
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

/* CREATE, MKDIR, MKNOD: make `name` (namelen bytes follow) in directory
 * `dir` with permission bits `mode` & 07777 (the Gofer's umask is not
 * applied) owned by uid:gid (fchownat; an EPERM of a Gofer without
 * CAP_CHOWN is ignored, the Sentry shows what the host has).
 * CREATE: `flags` are open flags (access mode, O_APPEND, O_NONBLOCK,
 *   O_LARGEFILE; O_CREAT, O_EXCL, O_TRUNC, O_NOFOLLOW, O_CLOEXEC may be
 *   given); the host open is always O_CREAT|O_EXCL|O_NOFOLLOW. The type
 *   bits of mode must be 0 or S_IFREG. Reply: rcreate (a new handle and
 *   its stat) and the opened fd by SCM_RIGHTS.
 * MKDIR: flags 0, type bits 0 or S_IFDIR.
 * MKNOD: flags 0; type S_IFREG (or 0), S_IFIFO or S_IFSOCK; device nodes
 *   are refused EPERM, anything else EINVAL. */
struct gofer_tcreate {
    uint32_t dir;
    uint32_t flags;
    uint32_t mode;
    uint32_t uid;
    uint32_t gid;
    uint16_t namelen;
    uint16_t pad;
};
/* TMPFILE: an unnamed regular file in `dir` (O_TMPFILE on the host; flags
 * must ask for writing); its handle can be LINKed into a directory later
 * (with the file's O_EXCL, never). namelen must be 0. */
struct gofer_rcreate {
    uint32_t handle;
    uint32_t pad;
    struct gofer_stat st;
};

/* SYMLINK: `name` in `dir` pointing at `target` (namelen bytes of name,
 * then targetlen bytes of target: 1..GOFER_PATH_MAX-1, no NUL). */
struct gofer_tsymlink {
    uint32_t dir;
    uint32_t uid;
    uint32_t gid;
    uint16_t namelen;
    uint16_t targetlen;
};

/* LINK: a new name `name` in `dir` for the object of handle `target`
 * (never a directory: EPERM). Reply: the object's stat (new nlink). */
struct gofer_tlink {
    uint32_t target;
    uint32_t dir;
    uint16_t namelen;
    uint16_t pad;
    uint32_t pad2;
};

/* UNLINK: remove `name` from `dir`; with GOFER_UNLINK_DIR like rmdir. */
#define GOFER_UNLINK_DIR 1u
struct gofer_tunlink {
    uint32_t dir;
    uint32_t flags;
    uint16_t namelen;
    uint16_t pad;
    uint32_t pad2;
};

/* RENAME: olddir/oldname -> newdir/newname (oldlen then newlen bytes),
 * flags 0, RENAME_NOREPLACE or RENAME_EXCHANGE (renameat2). */
struct gofer_trename {
    uint32_t olddir;
    uint32_t newdir;
    uint32_t flags;
    uint16_t oldlen;
    uint16_t newlen;
};

/* SETATTR: change what `valid` says (GOFER_SA_*, in this order: size,
 * owner, mode, times), then reply the new stat. Times as utimensat: a
 * nsec of UTIME_NOW means now, UTIME_OMIT leaves it (as does a clear valid
 * bit). SIZE only on regular files (EISDIR/EINVAL otherwise); MODE on a
 * symlink is EOPNOTSUPP, as fchmodat(AT_SYMLINK_NOFOLLOW) says on Linux. */
#define GOFER_SA_MODE 1u
#define GOFER_SA_UID 2u
#define GOFER_SA_GID 4u
#define GOFER_SA_SIZE 8u
#define GOFER_SA_ATIME 16u
#define GOFER_SA_MTIME 32u
#define GOFER_SA_ALL 63u
struct gofer_tsetattr {
    uint32_t handle;
    uint32_t valid;
    uint32_t mode;
    uint32_t uid;
    uint32_t gid;
    uint32_t pad;
    uint64_t size;
    int64_t atime_sec, mtime_sec;
    uint32_t atime_nsec, mtime_nsec;
};

struct gofer_statfs {
    uint64_t type;
    uint64_t bsize;
    uint64_t blocks;
    uint64_t bfree;
    uint64_t bavail;
    uint64_t files;
    uint64_t ffree;
    uint64_t namelen;
    uint64_t frsize;
    uint64_t flags;
};

/* FSYNC: fsync (datasync 0) or fdatasync (1) of a regular file or
 * directory. Allowed on a read-only server (nothing changes). */
struct gofer_tfsync {
    uint32_t handle;
    uint32_t datasync;
};

/* FALLOCATE: fallocate(2) of a regular file; reply its new stat. */
struct gofer_tfallocate {
    uint32_t handle;
    int32_t mode;
    uint64_t off;
    uint64_t len;
};

/* Extended attributes of `handle`. GETXATTR: `size` is the caller's buffer
 * (0: just ask the length); reply rxattr and, if size, the value. SETXATTR:
 * flags XATTR_CREATE/XATTR_REPLACE, the name then `size` bytes of value.
 * LISTXATTR: namelen 0, reply the "user." names (each NUL-terminated) or
 * just the length if size is 0. REMOVEXATTR: the name. Names must start
 * with GOFER_XATTR_PREFIX (else EOPNOTSUPP), 1..255 bytes, no NUL.
 * Regular files and directories only: on other types get says ENODATA,
 * list 0 and set/remove EPERM, as Linux does for "user.". */
struct gofer_txattr {
    uint32_t handle;
    uint32_t size;
    uint32_t flags;
    uint16_t namelen;
    uint16_t pad;
};
struct gofer_rxattr {
    uint32_t len;
    uint32_t pad;
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

/* The variable-body requests. Names out of a decoded request point into
 * the buffer. Each decoder checks padding, flags it knows of, and that the
 * body holds exactly the names (and data) its lengths announce. */
int gofer_encode_create(void *buf, size_t cap, uint16_t op, uint32_t tag,
                        const struct gofer_tcreate *tc, const char *name);
int gofer_decode_create(const void *buf, size_t len, uint16_t op,
                        struct gofer_tcreate *tc, struct gofer_name *name);
int gofer_encode_symlink(void *buf, size_t cap, uint32_t tag,
                         const struct gofer_tsymlink *ts, const char *name,
                         const char *target);
int gofer_decode_symlink(const void *buf, size_t len,
                         struct gofer_tsymlink *ts, struct gofer_name *name,
                         const char **target);
int gofer_encode_link(void *buf, size_t cap, uint32_t tag,
                      const struct gofer_tlink *tl, const char *name);
int gofer_decode_link(const void *buf, size_t len, struct gofer_tlink *tl,
                      struct gofer_name *name);
int gofer_encode_unlink(void *buf, size_t cap, uint32_t tag,
                        const struct gofer_tunlink *tu, const char *name);
int gofer_decode_unlink(const void *buf, size_t len, struct gofer_tunlink *tu,
                        struct gofer_name *name);
int gofer_encode_rename(void *buf, size_t cap, uint32_t tag,
                        const struct gofer_trename *tr, const char *oldname,
                        const char *newname);
int gofer_decode_rename(const void *buf, size_t len, struct gofer_trename *tr,
                        struct gofer_name *oldname,
                        struct gofer_name *newname);
/* GETXATTR, SETXATTR (value: tx->size bytes), LISTXATTR (name NULL),
 * REMOVEXATTR. */
int gofer_encode_xattr(void *buf, size_t cap, uint16_t op, uint32_t tag,
                       const struct gofer_txattr *tx, const char *name,
                       const void *value);
int gofer_decode_xattr(const void *buf, size_t len, uint16_t op,
                       struct gofer_txattr *tx, struct gofer_name *name,
                       const void **value);
/* 1 if p[0..len) is an xattr name the Gofer serves (see above). */
int gofer_xattr_name_valid(const char *p, size_t len);

const char *gofer_op_name(uint16_t op);

#endif
