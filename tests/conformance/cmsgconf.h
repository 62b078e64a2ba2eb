/* cmsgconf.h: receiving and sending one datagram with control messages,
 * for the inet_cmsg_* conformance programs (after conf.h). */
#ifndef SB_TESTS_CONFORMANCE_CMSGCONF_H
#define SB_TESTS_CONFORMANCE_CMSGCONF_H

#include <sys/socket.h>

static char ctl[512] __attribute__((aligned(8)));
static int rflags;

/* Receive one datagram; returns msg_controllen (or -1). */
static long recv_ctl(int fd, size_t room)
{
    char buf[16];
    struct iovec iov = { buf, sizeof(buf) };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

    memset(ctl, 0xee, sizeof(ctl));
    mh.msg_control = room ? ctl : NULL;
    mh.msg_controllen = room;
    if (recvmsg(fd, &mh, MSG_DONTWAIT) < 0)
        return -1;
    rflags = mh.msg_flags;
    return (long)mh.msg_controllen;
}

static struct cmsghdr *cmsg_at(size_t off)
{
    return (struct cmsghdr *)(ctl + off);
}

static int cmsg_int(size_t off)
{
    int v;
    memcpy(&v, CMSG_DATA(cmsg_at(off)), sizeof(v));
    return v;
}

/* sendmsg with one cmsg of level/type and dlen bytes of data, to the
 * address *to (any family). */
#define send_cmsg(fd, to, level, type, data, dlen)                                                 \
    send_cmsg_to(fd, to, sizeof(*(to)), level, type, data, dlen)
static long send_cmsg_to(int fd, const void *to, socklen_t tolen, int level, int type,
                         const void *data, size_t dlen)
{
    char c[CMSG_SPACE(64)] __attribute__((aligned(8)));
    struct iovec iov = { "x", 1 };
    struct msghdr mh = { .msg_name = (void *)to, .msg_namelen = tolen, .msg_iov = &iov,
                         .msg_iovlen = 1, .msg_control = c,
                         .msg_controllen = CMSG_SPACE(dlen) };
    struct cmsghdr *cm = (struct cmsghdr *)c;

    memset(c, 0, sizeof(c));
    cm->cmsg_level = level;
    cm->cmsg_type = type;
    cm->cmsg_len = CMSG_LEN(dlen);
    memcpy(CMSG_DATA(cm), data, dlen);
    return sendmsg(fd, &mh, 0);
}

static int getint(int fd, int level, int name)
{
    int v = -7;
    socklen_t l = sizeof(v);
    if (getsockopt(fd, level, name, &v, &l) < 0)
        return -100 - errno;
    return v;
}

#endif
