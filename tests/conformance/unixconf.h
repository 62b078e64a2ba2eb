/* unixconf.h: helpers of the unix_* conformance programs (after conf.h). */
#ifndef SB_TESTS_CONFORMANCE_UNIXCONF_H
#define SB_TESTS_CONFORMANCE_UNIXCONF_H

#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

/* A pathname address and its full length. */
static inline struct sockaddr_un unix_sa(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strncpy(a.sun_path, path, sizeof(a.sun_path) - 1);
    return a;
}

/* An abstract address "\0name"; *len gets its exact length. */
static inline struct sockaddr_un unix_abs(const char *name, socklen_t *len)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    size_t n = strlen(name);
    memcpy(a.sun_path + 1, name, n);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
    return a;
}

/* poll revents of fd right now (events: all of interest). */
static inline int unix_revents(int fd)
{
    struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
    return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

#endif
