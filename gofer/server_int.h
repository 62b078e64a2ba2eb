/* gofer/server_int.h: what the Gofer's server files share: the handle table
 * and helpers. Internal to gofer/server*.c.
 *
 * Single-threaded: no locks. Pointers into the table (struct handle *) are
 * invalidated by srv_handle_new; fds stay valid until the handle is freed.
 */
#ifndef SB_GOFER_SERVER_INT_H
#define SB_GOFER_SERVER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "gofer/gofer.h"
#include "gofer/proto.h"

/* The kernel's O_LARGEFILE; glibc defines O_LARGEFILE as 0 on x86_64, but
 * the Sentry forwards the application's flags as the kernel saw them. */
#define KERNEL_O_LARGEFILE 0100000

#define HDR_LEN sizeof(struct gofer_hdr)
#define BODY_MAX (GOFER_MSG_MAX - HDR_LEN)

struct handle {
    int fd;        /* O_PATH fd of the object; -1 when the slot is free */
    int parentfd;  /* O_PATH fd of its directory (the root dir: itself) */
    char *name;    /* component in parentfd ("." for the root dir) */
    uint32_t mode; /* st_mode at walk time; the type never changes */
    dev_t dev;
    ino_t ino;
    dev_t pdev;    /* identity of parentfd's directory, to follow renames */
    ino_t pino;
    uint32_t next_free; /* free-list link when fd < 0; 0 ends the list */
};

struct server {
    int sock;
    int rootfd;            /* the root directory, or the root file's directory */
    const char *root_name; /* NULL, or the root: a regular file in rootfd */
    dev_t root_dev;        /* the root file's identity (root_name only) */
    ino_t root_ino;
    bool writable;         /* GOFER_SERVE_WRITABLE */
    struct handle *h;      /* h[0] is never used: handle 0 is never valid */
    uint32_t nh;           /* slots allocated, including slot 0 */
    uint32_t nlive;
    uint32_t free_head;
    char *rx, *tx;
    char *dbuf; /* host getdents64 buffer (malloc'd: 8-byte aligned) */
};

struct handle *srv_handle_get(struct server *s, uint32_t id);
/* Store a new handle. On success it owns fd and parentfd and returns the id;
 * on failure the caller still owns them. pst: the parent's stat. */
int64_t srv_handle_new(struct server *s, int fd, int parentfd, const char *name,
                       size_t namelen, const struct stat *st,
                       const struct stat *pst);
/* The directory handle `id`: -EBADF if none, -ENOTDIR if not a directory. */
int srv_dir_get(struct server *s, uint32_t id, struct handle **out);
/* Handles named (old dir, old name) now live at (new dir, new name); with
 * exchange the other way round as well. */
void srv_handles_renamed(struct server *s, const struct handle *odir,
                         const struct gofer_name *oname,
                         const struct handle *ndir,
                         const struct gofer_name *nname, bool exchange);

void srv_stat_to_wire(struct gofer_stat *g, const struct stat *st);
int srv_stat_fd(int fd, struct stat *st);
/* Reopen a regular file through its parent and name as `flags` (never
 * following a symlink, never blocking on a fifo swapped in), checking it
 * is still the handle's inode. Returns the fd or -errno (-ESTALE). */
int srv_reopen_regular(struct handle *h, int flags);
/* A real (not O_PATH) read-only fd of a regular file or directory. */
int srv_reopen_any(struct handle *h);
/* Copy a NUL-terminated name out of the packet. */
void srv_name_copy(char out[GOFER_NAME_MAX + 1], const struct gofer_name *n);

int srv_op_tmpfile(struct server *s, size_t len, int *fd_out);

static inline char *srv_body(struct server *s)
{
    return s->tx + HDR_LEN;
}

/* Operations: each returns the reply body length (placed at srv_body(s))
 * or -errno for an R_ERROR reply. server_write.c: */
int srv_op_create(struct server *s, size_t len, int *fd_out);
int srv_op_mkobj(struct server *s, size_t len, uint16_t op); /* MKDIR, MKNOD */
int srv_op_symlink(struct server *s, size_t len);
int srv_op_link(struct server *s, size_t len);
int srv_op_unlink(struct server *s, size_t len);
int srv_op_rename(struct server *s, size_t len);
int srv_op_setattr(struct server *s, size_t len);
int srv_op_fallocate(struct server *s, size_t len);
/* server_meta.c: */
int srv_op_statfs(struct server *s, size_t len);
int srv_op_fsync(struct server *s, size_t len);
int srv_op_xattr(struct server *s, size_t len, uint16_t op);

#endif
