/* aioconf.h: raw native AIO calls of the aio_* conformance programs (after
 * conf.h): static binaries need no libaio. */
#ifndef SB_TESTS_CONFORMANCE_AIOCONF_H
#define SB_TESTS_CONFORMANCE_AIOCONF_H

#include <linux/aio_abi.h>
#include <time.h>

static inline long io_setup(unsigned n, aio_context_t *c)
{
    return syscall(SYS_io_setup, n, c);
}

static inline long io_destroy(aio_context_t c)
{
    return syscall(SYS_io_destroy, c);
}

static inline long io_submit(aio_context_t c, long n, struct iocb **v)
{
    return syscall(SYS_io_submit, c, n, v);
}

static inline long io_getevents(aio_context_t c, long mn, long n, struct io_event *e,
                                struct timespec *ts)
{
    return syscall(SYS_io_getevents, c, mn, n, e, ts);
}

static inline long io_cancel(aio_context_t c, struct iocb *cb, struct io_event *e)
{
    return syscall(SYS_io_cancel, c, cb, e);
}

#endif
