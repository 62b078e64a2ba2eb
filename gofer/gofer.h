/* gofer/gofer.h: the Gofer's request loop over the proto.h protocol.
 *
 * The Gofer holds one handle table (single-threaded, no locks): handle id ->
 * O_PATH fd of the object, a dup'd O_PATH fd of its parent directory and its
 * component name (enough to reopen it; the root's parent is itself and its
 * name "."). It only ever takes single names relative to a handle, never a
 * path, and never follows a symlink, so the protocol cannot reach outside
 * the root it was given.
 */
#ifndef SB_GOFER_GOFER_H
#define SB_GOFER_GOFER_H

#include "lib/cleanup.h"

/* Live handles the table holds at most; beyond it requests fail ENFILE. */
#define GOFER_HANDLE_MAX (1u << 20)

/* gofer_serve flags */
#define GOFER_SERVE_WRITABLE 1u /* else every mutating op is EROFS */

/* Serve requests arriving on the SOCK_SEQPACKET socket `sock` with
 * `root_dirfd` (an O_PATH or O_RDONLY directory fd, not consumed) as the
 * root that ATTACH returns. One packet at a time: decode, execute, reply
 * with the request's tag; a malformed request gets GOFER_R_ERROR and the
 * loop goes on. Returns 0 when the peer hangs up (EOF; note that an empty
 * packet reads the same as EOF on SEQPACKET), or -errno if the socket
 * fails. All handles are closed on return. A writable server sets the
 * process umask to 0: the Sentry sends final modes. */
SB_MUST_CHECK int gofer_serve(int sock, int root_dirfd, unsigned flags);

/* The same with a single regular file as the root: `name` (one component)
 * in directory `dirfd`. The file is reopened through dirfd and its name
 * (checked to be the same inode), but no request can name dirfd itself or
 * another entry of it: the root handle is not a directory. */
SB_MUST_CHECK int gofer_serve_file(int sock, int dirfd, const char *name,
                                   unsigned flags);

/* The Gofer's seccomp filter (after its set-up, before serving): the calls
 * serving needs and nothing else (SECCOMP_RET_KILL_PROCESS). 0 or -errno. */
SB_MUST_CHECK int gofer_seccomp_install(void);
int gofer_seccomp_count(void);

#endif
