/* aio_basic: native AIO through raw syscalls: io_setup's errors and the
 * ring header libaio reads, PREAD/PWRITE/PREADV/PWRITEV/FSYNC/FDSYNC
 * completions with data and obj, errors in io_submit (EBADF, EINVAL for
 * opcodes and reserved fields, EOPNOTSUPP for rw flags) and in the
 * event's res, partial submission, RWF_APPEND, IOCB_FLAG_RESFD signalling
 * an eventfd, io_getevents' min_nr/nr rules and timeout, io_cancel of a
 * finished request, io_destroy, /proc/sys/fs/aio-nr. */
#include "conf.h"
#include "aioconf.h"
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <time.h>

struct aio_ring {
    unsigned id, nr, head, tail, magic, compat_features, incompat_features, header_length;
};

static long aio_nr(void)
{
    char buf[64] = { 0 };
    int fd = open("/proc/sys/fs/aio-nr", O_RDONLY);
    if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
        return -1;
    close(fd);
    return atol(buf);
}

static void prep(struct iocb *cb, int op, int fd, void *buf, size_t n, long off, uint64_t data)
{
    memset(cb, 0, sizeof(*cb));
    cb->aio_lio_opcode = op;
    cb->aio_fildes = fd;
    cb->aio_buf = (uint64_t)buf;
    cb->aio_nbytes = n;
    cb->aio_offset = off;
    cb->aio_data = data;
    cb->aio_key = 0x1234; /* the kernel sets it to 0 */
}

int main(void)
{
    aio_context_t ctx = 0, c2 = 5;
    struct iocb cb[4], *v[4] = { &cb[0], &cb[1], &cb[2], &cb[3] };
    struct io_event ev[8];
    struct timespec zero = { 0, 0 }, short_ts = { 0, 20 * 1000 * 1000 };
    char wbuf[16] = "hello aio world", rbuf[32], a[4], b[8];
    struct iovec iov[2] = { { a, 4 }, { b, 8 } };
    const char *path = conf_tmp("aio");
    int fd, ro, efd;
    uint64_t cnt;

    /* io_setup */
    ERR("setup_nr0", io_setup(0, &ctx), EINVAL);
    ERR("setup_ctx_nonzero", io_setup(8, &c2), EINVAL);
    ERR("setup_efault", io_setup(8, BADPTR), EFAULT);
    ERR("setup_too_big", io_setup(4194305, &ctx), EINVAL);
    ERR("setup_over_max", io_setup(65537, &ctx), EAGAIN);
    OK("setup", io_setup(8, &ctx));
    TRUE("ctx_nonzero", ctx != 0);
    /* aio-nr is the host's, shared with other processes natively */
    TRUE("aio_nr_after_setup", aio_nr() >= 8);
    {
        struct aio_ring *ring = (struct aio_ring *)ctx;
        EQ("ring_magic", ring->magic == 0xa10a10a1, 1);
        EQ("ring_header_length", ring->header_length, 32);
        EQ("ring_head_tail", ring->head == 0 && ring->tail == 0, 1);
        TRUE("ring_nr_enough", ring->nr >= 8);
    }

    MUST(fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600));
    MUST(ro = open(path, O_RDONLY));

    /* write then read */
    prep(&cb[0], IOCB_CMD_PWRITE, fd, wbuf, 15, 0, 111);
    EQ("submit_pwrite", io_submit(ctx, 1, v), 1);
    EQ("key_zeroed", cb[0].aio_key, 0);
    EQ("getevents_1", io_getevents(ctx, 1, 8, ev, NULL), 1);
    EQ("ev_data", ev[0].data, 111);
    TRUE("ev_obj", ev[0].obj == (uint64_t)&cb[0]);
    EQ("ev_res", ev[0].res, 15);
    EQ("ev_res2", ev[0].res2, 0);
    {
        struct aio_ring *ring = (struct aio_ring *)ctx;
        TRUE("ring_consumed", ring->head == ring->tail);
    }

    prep(&cb[0], IOCB_CMD_PREAD, ro, rbuf, sizeof(rbuf), 6, 1);
    prep(&cb[1], IOCB_CMD_FSYNC, fd, NULL, 0, 0, 2);
    prep(&cb[2], IOCB_CMD_PREADV, ro, iov, 2, 0, 3);
    prep(&cb[3], IOCB_CMD_FDSYNC, fd, NULL, 0, 0, 4);
    memset(rbuf, 0, sizeof(rbuf));
    EQ("submit_4", io_submit(ctx, 4, v), 4);
    EQ("getevents_min4", io_getevents(ctx, 4, 8, ev, NULL), 4);
    /* Linux syncs in a worker: events come in any order, found by data */
    for (int i = 1; i <= 4; i++) {
        char name[32];
        long res = -999;
        for (int j = 0; j < 4; j++)
            if (ev[j].data == (uint64_t)i)
                res = ev[j].res;
        snprintf(name, sizeof(name), "ev%d_res", i);
        EQ(name, res, i == 1 ? 9 : i == 3 ? 12 : 0);
    }
    STREQ("pread_data", rbuf, "aio world");
    EQ("preadv_a", memcmp(a, "hell", 4), 0);
    EQ("preadv_b", memcmp(b, "o aio wo", 8), 0);

    /* pwritev, then RWF_APPEND */
    iov[0].iov_base = "AB";
    iov[0].iov_len = 2;
    iov[1].iov_base = "CD";
    iov[1].iov_len = 2;
    prep(&cb[0], IOCB_CMD_PWRITEV, fd, iov, 2, 0, 9);
    EQ("submit_pwritev", io_submit(ctx, 1, v), 1);
    prep(&cb[0], IOCB_CMD_PWRITE, fd, "ZZ", 2, 0, 10);
    cb[0].aio_rw_flags = RWF_APPEND;
    EQ("submit_append", io_submit(ctx, 1, v), 1);
    EQ("getevents_2", io_getevents(ctx, 2, 2, ev, NULL), 2);
    EQ("pwritev_res", ev[0].res, 4);
    EQ("append_res", ev[1].res, 2);
    memset(rbuf, 0, sizeof(rbuf));
    EQ("file_now", pread(ro, rbuf, sizeof(rbuf), 0), 17);
    STREQ("file_data", rbuf, "ABCDo aio worldZZ");

    /* errors in io_submit */
    prep(&cb[0], IOCB_CMD_PREAD, 999, rbuf, 4, 0, 0);
    ERR("submit_ebadf", io_submit(ctx, 1, v), EBADF);
    prep(&cb[0], IOCB_CMD_PWRITE, ro, rbuf, 4, 0, 0);
    ERR("submit_write_rdonly", io_submit(ctx, 1, v), EBADF);
    prep(&cb[0], IOCB_CMD_NOOP, fd, rbuf, 4, 0, 0);
    ERR("submit_noop", io_submit(ctx, 1, v), EINVAL);
    EQ("noop_key_zeroed", cb[0].aio_key, 0);
    prep(&cb[0], 42, fd, rbuf, 4, 0, 0);
    ERR("submit_bad_opcode", io_submit(ctx, 1, v), EINVAL);
    prep(&cb[0], IOCB_CMD_PREAD, fd, rbuf, 4, 0, 0);
    cb[0].aio_reserved2 = 1;
    ERR("submit_reserved2", io_submit(ctx, 1, v), EINVAL);
    prep(&cb[0], IOCB_CMD_PREAD, fd, rbuf, 4, 0, 0);
    cb[0].aio_rw_flags = 0x40000000;
    ERR("submit_bad_rwflags", io_submit(ctx, 1, v), EOPNOTSUPP);
    prep(&cb[0], IOCB_CMD_PREAD, fd, rbuf, 4, -1, 0);
    ERR("submit_neg_offset", io_submit(ctx, 1, v), EINVAL);
    prep(&cb[0], IOCB_CMD_FSYNC, fd, rbuf, 0, 0, 0);
    ERR("submit_fsync_buf", io_submit(ctx, 1, v), EINVAL);
    prep(&cb[0], IOCB_CMD_PREADV, fd, BADPTR, 2, 0, 0);
    ERR("submit_preadv_efault", io_submit(ctx, 1, v), EFAULT);
    ERR("submit_bad_ctx", io_submit(12345, 1, v), EINVAL);
    ERR("submit_neg_nr", io_submit(ctx, -1, v), EINVAL);
    EQ("submit_zero", io_submit(ctx, 0, v), 0);
    ERR("submit_bad_vector", io_submit(ctx, 1, BADPTR), EFAULT);
    {
        struct iocb *bad[2] = { &cb[0], BADPTR };
        prep(&cb[0], IOCB_CMD_PREAD, ro, rbuf, 4, 0, 77);
        EQ("submit_partial", io_submit(ctx, 2, bad), 1);
        prep(&cb[1], IOCB_CMD_PREAD, 999, rbuf, 4, 0, 0);
        bad[1] = &cb[1];
        EQ("submit_partial_ebadf", io_submit(ctx, 2, bad), 1);
    }
    /* errors in the event: a bad buffer */
    prep(&cb[0], IOCB_CMD_PREAD, ro, BADPTR, 4, 0, 78);
    EQ("submit_read_badbuf", io_submit(ctx, 1, v), 1);
    EQ("getevents_3", io_getevents(ctx, 3, 8, ev, NULL), 3);
    EQ("partial1_res", ev[0].res, 4);
    EQ("partial2_res", ev[1].res, 4);
    EQ("badbuf_res", ev[2].res, -EFAULT);

    /* io_getevents rules */
    ERR("getevents_min_gt_nr", io_getevents(ctx, 2, 1, ev, NULL), EINVAL);
    ERR("getevents_neg_min", io_getevents(ctx, -1, 1, ev, NULL), EINVAL);
    ERR("getevents_bad_ctx", io_getevents(777, 0, 1, ev, NULL), EINVAL);
    ERR("getevents_bad_ts", io_getevents(ctx, 1, 1, ev, BADPTR), EFAULT);
    EQ("getevents_zero_timeout", io_getevents(ctx, 1, 1, ev, &zero), 0);
    EQ("getevents_timeout", io_getevents(ctx, 1, 1, ev, &short_ts), 0);
    EQ("getevents_min0", io_getevents(ctx, 0, 1, ev, NULL), 0);
    prep(&cb[0], IOCB_CMD_PREAD, ro, rbuf, 4, 0, 5);
    EQ("submit_for_efault", io_submit(ctx, 1, v), 1);
    ERR("getevents_efault", io_getevents(ctx, 1, 1, BADPTR, NULL), EFAULT);
    EQ("getevents_after_efault", io_getevents(ctx, 1, 1, ev, NULL), 1);

    /* IOCB_FLAG_RESFD */
    MUST(efd = eventfd(0, EFD_NONBLOCK));
    prep(&cb[0], IOCB_CMD_PREAD, ro, rbuf, 4, 0, 6);
    cb[0].aio_flags = IOCB_FLAG_RESFD;
    cb[0].aio_resfd = 999;
    ERR("resfd_ebadf", io_submit(ctx, 1, v), EBADF);
    cb[0].aio_resfd = fd;
    ERR("resfd_not_eventfd", io_submit(ctx, 1, v), EINVAL);
    cb[0].aio_resfd = efd;
    v[1] = &cb[0];
    EQ("resfd_submit_2", io_submit(ctx, 2, v), 2);
    v[1] = &cb[1];
    EQ("eventfd_count", read(efd, &cnt, 8), 8);
    EQ("eventfd_value", cnt, 2);
    EQ("getevents_resfd", io_getevents(ctx, 2, 2, ev, NULL), 2);

    /* io_cancel: only pending POLL requests can be */
    prep(&cb[0], IOCB_CMD_PREAD, ro, rbuf, 4, 0, 7);
    EQ("submit_for_cancel", io_submit(ctx, 1, v), 1);
    ERR("cancel_done", io_cancel(ctx, &cb[0], ev), EINVAL);
    cb[0].aio_key = 3;
    ERR("cancel_bad_key", io_cancel(ctx, &cb[0], ev), EINVAL);
    ERR("cancel_efault", io_cancel(ctx, BADPTR, ev), EFAULT);
    EQ("getevents_cancel", io_getevents(ctx, 1, 1, ev, NULL), 1);

    /* io_destroy */
    OK("destroy", io_destroy(ctx));
    ERR("destroy_again", io_destroy(ctx), EINVAL);
    ERR("submit_destroyed", io_submit(ctx, 1, v), EINVAL);
    /* a context destroyed with events still in its ring */
    ctx = 0;
    OK("setup2", io_setup(4, &ctx));
    prep(&cb[0], IOCB_CMD_PREAD, ro, rbuf, 4, 0, 8);
    EQ("submit2", io_submit(ctx, 1, v), 1);
    OK("destroy2", io_destroy(ctx));
    unlink(path);
    return conf_done();
}
