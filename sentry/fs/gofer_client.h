/* sentry/fs/gofer_client.h: the Sentry's synchronous Gofer client.
 *
 * One request at a time per client: each call takes c->lock, sends one
 * packet, receives its reply and releases the lock, so calls are safe from
 * any number of threads. Only sendmsg/recvmsg touch the socket (both are in
 * the Sentry's seccomp set). Every reply is validated (size, tag, op, inner
 * lengths and names); garbage gives -EPROTO, a Gofer that hung up -EIO.
 *
 * Lock order: c->lock is a leaf. getdents callbacks run without it, so they
 * may call back into the client.
 */
#ifndef SB_SENTRY_FS_GOFER_CLIENT_H
#define SB_SENTRY_FS_GOFER_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gofer/proto.h"
#include "lib/cleanup.h"

struct gofer_client {
    int sock;          /* SOCK_SEQPACKET to the Gofer; not owned */
    uint32_t next_tag;
    pthread_mutex_t lock;
};

/* One directory entry of a GETDENTS batch. `name` is NUL-terminated (and
 * namelen long), valid only during the call. `next` is the cookie that
 * continues after this entry. Return 0 to go on, > 0 to stop delivering
 * this batch (the caller resumes from the `next` of the last entry it
 * took), < 0 to stop and make gofer_getdents return that value. */
typedef int (*gofer_dirent_fn)(void *arg, uint64_t ino, uint64_t next,
                               unsigned type, const char *name,
                               size_t namelen);

void gofer_client_init(struct gofer_client *c, int sock);
void gofer_client_destroy(struct gofer_client *c); /* the socket stays open */

/* Attach the Gofer's root: a new handle and its stat. */
SB_MUST_CHECK int gofer_attach(struct gofer_client *c, uint32_t *handle,
                               struct gofer_stat *st);

/* Walk n (<= GOFER_WALK_MAX) valid names from directory handle h, one new
 * handle (and stat, if stats_out) per walked name. Returns the number
 * walked, or -errno on a transport/protocol failure or a bad argument.
 * *err_out gets the reply's err, a positive errno (0 if all were walked,
 * also 0 if the walk stopped at a symlink, which is then the last entry). */
SB_MUST_CHECK int gofer_walk(struct gofer_client *c, uint32_t h,
                             const struct gofer_name *names, unsigned n,
                             uint32_t *handles_out,
                             struct gofer_stat *stats_out, int *err_out);

SB_MUST_CHECK int gofer_stat(struct gofer_client *c, uint32_t h,
                             struct gofer_stat *st);

/* Open the object behind h (read-only for now). Returns the host fd the
 * Gofer donated (O_CLOEXEC; the caller owns it) or -errno. */
SB_MUST_CHECK int gofer_open(struct gofer_client *c, uint32_t h, int flags);

/* Read symlink h's target into buf (not NUL-terminated; truncated to cap
 * like readlink(2)). Returns the bytes stored or -errno. */
SB_MUST_CHECK int gofer_readlink(struct gofer_client *c, uint32_t h, char *buf,
                                 size_t cap);

/* One batch of directory h's entries from `cookie` (0 = start), "." and
 * ".." excluded. Returns the count of entries in the batch (0 = end of
 * directory; a callback that stops early does not change it) or -errno. gofer_getdents_max bounds the reply body to
 * max_bytes (the Gofer needs room for one longest name: >= 287). */
SB_MUST_CHECK int gofer_getdents(struct gofer_client *c, uint32_t h,
                                 uint64_t cookie, gofer_dirent_fn cb,
                                 void *arg);
SB_MUST_CHECK int gofer_getdents_max(struct gofer_client *c, uint32_t h,
                                     uint64_t cookie, uint32_t max_bytes,
                                     gofer_dirent_fn cb, void *arg);

/* Forget handle h in the Gofer. */
int gofer_close(struct gofer_client *c, uint32_t h);

/* ---- writes (a read-only Gofer answers -EROFS); see proto.h ---- */

/* O_TMPFILE in dir: an unnamed regular file opened with `flags` (which ask
 * for writing). Returns the donated fd and the new handle and stat. */
SB_MUST_CHECK int gofer_tmpfile(struct gofer_client *c, uint32_t dir, int flags, uint32_t mode,
                                uint32_t uid, uint32_t gid, uint32_t *handle,
                                struct gofer_stat *st);

/* Create regular file `name` in dir (O_CREAT|O_EXCL on the host), opened
 * with `flags`. Returns the donated fd (the caller owns it) and the new
 * handle and its stat, or -errno. */
SB_MUST_CHECK int gofer_create(struct gofer_client *c, uint32_t dir,
                               const char *name, int flags, uint32_t mode,
                               uint32_t uid, uint32_t gid, uint32_t *handle,
                               struct gofer_stat *st);
SB_MUST_CHECK int gofer_mkdir(struct gofer_client *c, uint32_t dir,
                              const char *name, uint32_t mode, uint32_t uid,
                              uint32_t gid, struct gofer_stat *st);
/* Regular files, fifos and sockets; device nodes are -EPERM. */
SB_MUST_CHECK int gofer_mknod(struct gofer_client *c, uint32_t dir,
                              const char *name, uint32_t mode, uint32_t uid,
                              uint32_t gid, struct gofer_stat *st);
SB_MUST_CHECK int gofer_symlink(struct gofer_client *c, uint32_t dir,
                                const char *name, const char *target,
                                uint32_t uid, uint32_t gid,
                                struct gofer_stat *st);
/* A new name in dir for target; st gets target's new stat. */
SB_MUST_CHECK int gofer_link(struct gofer_client *c, uint32_t target,
                             uint32_t dir, const char *name,
                             struct gofer_stat *st);
/* flags: GOFER_UNLINK_DIR for rmdir. */
SB_MUST_CHECK int gofer_unlink(struct gofer_client *c, uint32_t dir,
                               const char *name, unsigned flags);
/* flags: 0, RENAME_NOREPLACE or RENAME_EXCHANGE. */
SB_MUST_CHECK int gofer_rename(struct gofer_client *c, uint32_t olddir,
                               const char *oldname, uint32_t newdir,
                               const char *newname, unsigned flags);
/* Apply ta (its handle included); st gets the new stat. */
SB_MUST_CHECK int gofer_setattr(struct gofer_client *c,
                                const struct gofer_tsetattr *ta,
                                struct gofer_stat *st);
SB_MUST_CHECK int gofer_statfs(struct gofer_client *c, uint32_t h,
                               struct gofer_statfs *out);
SB_MUST_CHECK int gofer_fsync(struct gofer_client *c, uint32_t h,
                              bool datasync);
SB_MUST_CHECK int gofer_fallocate(struct gofer_client *c, uint32_t h, int mode,
                                  uint64_t off, uint64_t len,
                                  struct gofer_stat *st);
/* Extended attributes ("user." only: others -EOPNOTSUPP). get and list
 * return the size (only the size when cap is 0) or -errno (-ERANGE when
 * cap is too small). */
SB_MUST_CHECK int gofer_getxattr(struct gofer_client *c, uint32_t h,
                                 const char *name, void *buf, size_t cap);
SB_MUST_CHECK int gofer_setxattr(struct gofer_client *c, uint32_t h,
                                 const char *name, const void *value,
                                 size_t size, int flags);
SB_MUST_CHECK int gofer_listxattr(struct gofer_client *c, uint32_t h,
                                  char *buf, size_t cap);
SB_MUST_CHECK int gofer_removexattr(struct gofer_client *c, uint32_t h,
                                    const char *name);

#endif
