/* sentry/syscalls/sys_socket.c: socket calls before the Sentry has sockets.
 *
 * No socket family exists yet (AF_UNIX and the netstack come with issue 5),
 * so socket() reports the family unsupported and every call on an fd says
 * what Linux says for an fd that is not a socket. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <sys/socket.h>

long sys_socket(struct task *t, const struct syscall_args *a)
{
    int domain = (int)a->a[0];

    if (domain < 0 || domain >= AF_MAX)
        return -EAFNOSUPPORT;
    return -EAFNOSUPPORT;
}

long sys_socketpair(struct task *t, const struct syscall_args *a)
{
    return -EAFNOSUPPORT;
}

static long not_a_socket(struct task *t, int fd)
{
    struct file *f = fdt_get(t->fdt, fd);
    if (!f)
        return -EBADF;
    file_put(f);
    return -ENOTSOCK;
}

#define ON_FD(name)                                                                        \
    long sys_##name(struct task *t, const struct syscall_args *a)                          \
    {                                                                                      \
        return not_a_socket(t, (int)a->a[0]);                                              \
    }

ON_FD(connect)
ON_FD(accept)
ON_FD(accept4)
ON_FD(sendto)
ON_FD(recvfrom)
ON_FD(sendmsg)
ON_FD(recvmsg)
ON_FD(sendmmsg)
ON_FD(recvmmsg)
ON_FD(shutdown)
ON_FD(bind)
ON_FD(listen)
ON_FD(getsockname)
ON_FD(getpeername)
ON_FD(setsockopt)
ON_FD(getsockopt)
