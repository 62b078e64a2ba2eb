/* tests/unit/test_gofer_server.c: a real Gofer (forked) on a temp tree,
 * driven by the Sentry's client and by hostile raw packets. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gofer/gofer.h"
#include "gofer/proto.h"
#include "sentry/fs/gofer_client.h"

#include "gofer_harness.h"

TestSuite(gofer_server, .init = server_start, .fini = server_fini,
          .timeout = 20);

Test(gofer_server, attach_gives_the_root)
{
    struct gofer_stat st;
    struct stat hs;
    uint32_t h2;

    cr_assert_eq(gofer_stat(&cl, rooth, &st), 0);
    lstat_at(".", &hs);
    cr_expect(S_ISDIR(st.mode));
    cr_expect_eq(st.ino, hs.st_ino);
    cr_expect_eq(st.dev, hs.st_dev);
    cr_assert_eq(gofer_attach(&cl, &h2, &st), 0);
    cr_expect_neq(h2, rooth);
    cr_expect_eq(st.ino, hs.st_ino);
    server_stop_check();
}

Test(gofer_server, walks_multi_component_paths_with_stats)
{
    uint32_t hs[3];
    struct gofer_stat sts[3];
    struct stat a, b, c;
    int err = -1;

    cr_assert_eq(walk_path("dir/sub/deep.txt", hs, sts, &err), 3);
    cr_expect_eq(err, 0);
    lstat_at("dir", &a);
    lstat_at("dir/sub", &b);
    lstat_at("dir/sub/deep.txt", &c);
    cr_expect(S_ISDIR(sts[0].mode) && S_ISDIR(sts[1].mode));
    cr_expect(S_ISREG(sts[2].mode));
    cr_expect_eq(sts[0].ino, a.st_ino);
    cr_expect_eq(sts[1].ino, b.st_ino);
    cr_expect_eq(sts[2].ino, c.st_ino);
    cr_expect_eq(sts[2].size, 4);
    cr_expect(hs[0] && hs[1] && hs[2] && hs[0] != hs[1] && hs[1] != hs[2]);
    /* The new handles work on their own. */
    cr_assert_eq(gofer_stat(&cl, hs[2], &sts[0]), 0);
    cr_expect_eq(sts[0].ino, c.st_ino);
}

Test(gofer_server, walk_reports_where_it_stopped)
{
    uint32_t hs[4];
    struct gofer_stat sts[4];
    int err = 0;

    cr_expect_eq(walk_path("dir/nope/x", hs, sts, &err), 1);
    cr_expect_eq(err, ENOENT);
    cr_expect_eq(walk_path("hello.txt/x", hs, sts, &err), 1);
    cr_expect_eq(err, ENOTDIR);
    cr_expect_eq(walk_path("nope", hs, sts, &err), 0);
    cr_expect_eq(err, ENOENT);
    /* From a file handle nothing can be walked. */
    cr_assert_eq(walk_path("hello.txt", hs, sts, &err), 1);
    {
        struct gofer_name n = { "x", 1 };

        cr_expect_eq(gofer_walk(&cl, hs[0], &n, 1, hs + 1, NULL, &err), 0);
        cr_expect_eq(err, ENOTDIR);
    }
}

Test(gofer_server, walk_stops_at_symlinks_and_never_leaves_the_root)
{
    uint32_t hs[4];
    struct gofer_stat sts[4];
    struct stat l, target;
    int err = -1, fd;

    /* escdir -> /etc: walking "escdir/passwd" must stop at the link. */
    cr_assert_eq(walk_path("escdir/passwd", hs, sts, &err), 1);
    cr_expect_eq(err, 0);
    cr_expect(S_ISLNK(sts[0].mode));
    lstat_at("escdir", &l);
    cr_expect_eq(sts[0].ino, l.st_ino);

    /* esc -> ../../etc/passwd: the handle is the link, not the target. */
    cr_assert_eq(walk_path("esc", hs, sts, &err), 1);
    cr_expect_eq(err, 0);
    cr_expect(S_ISLNK(sts[0].mode));
    cr_assert_eq(stat("/etc/passwd", &target), 0);
    cr_expect_neq(sts[0].ino, target.st_ino);
    cr_assert_eq(gofer_stat(&cl, hs[0], &sts[1]), 0);
    cr_expect(S_ISLNK(sts[1].mode));
    /* Opening the link neither follows it nor blocks. */
    fd = gofer_open(&cl, hs[0], O_RDONLY);
    cr_expect_eq(fd, -ELOOP);
    if (fd >= 0)
        close(fd);
    /* Nor does walking on from it. */
    {
        struct gofer_name n = { "passwd", 6 };

        cr_expect_eq(gofer_walk(&cl, hs[0], &n, 1, hs + 1, NULL, &err), 0);
        cr_expect_eq(err, ENOTDIR);
    }
}

Test(gofer_server, open_donates_a_readable_fd)
{
    char buf[64] = { 0 };
    uint32_t h = walk_to("hello.txt", NULL);
    int fd, fl;

    fd = gofer_open(&cl, h, O_RDONLY);
    cr_assert_geq(fd, 0, "open: %s", strerror(-fd));
    cr_expect_eq(pread(fd, buf, sizeof(buf), 0), (ssize_t)strlen(HELLO));
    cr_expect_str_eq(buf, HELLO);
    fl = fcntl(fd, F_GETFL);
    cr_expect_eq(fl & O_ACCMODE, O_RDONLY);
    cr_expect_eq(fl & O_NONBLOCK, 0);
    cr_expect(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    cr_expect_eq(write(fd, "x", 1), -1);
    close(fd);
    /* The handle stays usable after the fd is gone. */
    fd = gofer_open(&cl, h, O_RDONLY | O_NONBLOCK);
    cr_assert_geq(fd, 0);
    cr_expect(fcntl(fd, F_GETFL) & O_NONBLOCK);
    close(fd);
    /* The kernel's O_LARGEFILE, as the application may pass it. */
    fd = gofer_open(&cl, h, O_RDONLY | 0100000);
    cr_assert_geq(fd, 0);
    close(fd);
}

Test(gofer_server, open_directory_and_its_flags)
{
    struct stat st;
    uint32_t d = walk_to("dir", NULL), f = walk_to("hello.txt", NULL);
    int fd;

    fd = gofer_open(&cl, d, O_RDONLY | O_DIRECTORY);
    cr_assert_geq(fd, 0);
    cr_assert_eq(fstat(fd, &st), 0);
    cr_expect(S_ISDIR(st.st_mode));
    close(fd);
    cr_expect_eq(gofer_open(&cl, f, O_RDONLY | O_DIRECTORY), -ENOTDIR);
}

Test(gofer_server, open_refuses_writes_and_creation)
{
    uint32_t f = walk_to("hello.txt", NULL);
    struct stat st;

    cr_expect_eq(gofer_open(&cl, f, O_WRONLY), -EROFS);
    cr_expect_eq(gofer_open(&cl, f, O_RDWR), -EROFS);
    cr_expect_eq(gofer_open(&cl, f, O_RDONLY | O_CREAT), -EINVAL);
    cr_expect_eq(gofer_open(&cl, f, O_WRONLY | O_CREAT | O_TRUNC), -EINVAL);
    cr_expect_eq(gofer_open(&cl, f, O_RDONLY | O_TRUNC), -EROFS);
    cr_expect_eq(gofer_open(&cl, f, O_RDONLY | O_PATH), -EINVAL);
    cr_expect_eq(gofer_open(&cl, f, O_ACCMODE), -EINVAL);
    lstat_at("hello.txt", &st);
    cr_expect_eq(st.st_size, (off_t)strlen(HELLO), "file was changed");
    expect_serving();
}

Test(gofer_server, open_fifo_fails_without_blocking, .timeout = 5)
{
    struct gofer_stat st;
    uint32_t h = walk_to("fifo", &st);

    cr_expect(S_ISFIFO(st.mode));
    cr_expect_eq(gofer_open(&cl, h, O_RDONLY), -ENXIO);
    cr_expect_eq(gofer_open(&cl, h, O_RDONLY | O_NONBLOCK), -ENXIO);
    expect_serving();
}

Test(gofer_server, open_after_host_swap_is_stale_and_never_blocks,
     .timeout = 5)
{
    uint32_t h = walk_to("dir/sub/deep.txt", NULL);
    char p[256], q[256];

    /* The host replaces the name with a fifo: reopening by name must not
     * block on it nor hand it out. */
    at(p, sizeof(p), "dir/sub/deep.txt");
    at(q, sizeof(q), "dir/sub/moved.txt");
    cr_assert_eq(rename(p, q), 0);
    cr_assert_eq(mkfifo(p, 0644), 0);
    cr_expect_eq(gofer_open(&cl, h, O_RDONLY), -ESTALE);
    /* Nor another regular file. */
    cr_assert_eq(unlink(p), 0);
    mkfile("dir/sub/deep.txt", "other");
    cr_expect_eq(gofer_open(&cl, h, O_RDONLY), -ESTALE);
    /* Nor a symlink to somewhere else. */
    cr_assert_eq(unlink(p), 0);
    cr_assert_eq(symlink("/etc/passwd", p), 0);
    cr_expect_eq(gofer_open(&cl, h, O_RDONLY), -ELOOP);
    expect_serving();
}

Test(gofer_server, readlink_returns_targets)
{
    char buf[GOFER_PATH_MAX];
    int n;

    n = gofer_readlink(&cl, walk_to("esc", NULL), buf, sizeof(buf));
    cr_assert_eq(n, 16);
    cr_expect_eq(memcmp(buf, "../../etc/passwd", 16), 0);
    n = gofer_readlink(&cl, walk_to("abs", NULL), buf, sizeof(buf));
    cr_assert_eq(n, 11);
    cr_expect_eq(memcmp(buf, "/etc/passwd", 11), 0);
    /* Truncated like readlink(2). */
    cr_expect_eq(gofer_readlink(&cl, walk_to("abs", NULL), buf, 4), 4);
    cr_expect_eq(memcmp(buf, "/etc", 4), 0);
    cr_expect_eq(gofer_readlink(&cl, walk_to("hello.txt", NULL), buf, 64),
                 -EINVAL);
    cr_expect_eq(gofer_readlink(&cl, rooth, buf, 64), -EINVAL);
}

struct collect {
    char names[NMANY * 2][GOFER_NAME_MAX + 1];
    int n;
    uint64_t last;
    int stop_after; /* > 0: refuse the entry after this many */
};

static int collect_cb(void *arg, uint64_t ino, uint64_t next, unsigned type,
                      const char *name, size_t namelen)
{
    struct collect *c = arg;

    if (c->stop_after && c->n == c->stop_after)
        return 1;
    cr_assert_lt(c->n, NMANY * 2);
    cr_assert_eq(strlen(name), namelen);
    cr_assert_neq(ino, 0);
    memcpy(c->names[c->n++], name, namelen + 1);
    c->last = next;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

Test(gofer_server, getdents_lists_everything_in_small_batches)
{
    static struct collect c;
    uint32_t h = walk_to("many", NULL);
    int batches = 0, n, i;

    for (;;) {
        n = gofer_getdents_max(&cl, h, c.last, 300, collect_cb, &c);
        cr_assert_geq(n, 0, "getdents: %s", strerror(-n));
        if (n == 0)
            break;
        batches++;
        cr_assert_lt(batches, 100);
    }
    cr_expect_gt(batches, 5, "only %d batches", batches);
    cr_assert_eq(c.n, NMANY);
    qsort(c.names, c.n, sizeof(c.names[0]), cmp_str);
    for (i = 0; i < NMANY; i++) {
        char want[16];

        snprintf(want, sizeof(want), "%02d", i);
        cr_expect_eq(strncmp(c.names[i], want, 2), 0, "%s", c.names[i]);
        cr_expect_eq(strlen(c.names[i]), 2 + 1 + (size_t)(i * 37) % 60);
    }
}

Test(gofer_server, getdents_root_skips_dot_entries_and_resumes)
{
    static struct collect c, all;
    const char *want[] = { "abs",  "dir",  "esc", "escdir",
                           "fifo", "hello.txt", "many" };
    unsigned i;
    int n;

    n = gofer_getdents(&cl, rooth, 0, collect_cb, &all);
    cr_assert_eq(n, (int)SB_ARRAY_SIZE(want));
    cr_assert_eq(gofer_getdents(&cl, rooth, all.last, collect_cb, &all), 0);
    qsort(all.names, all.n, sizeof(all.names[0]), cmp_str);
    for (i = 0; i < SB_ARRAY_SIZE(want); i++)
        cr_expect_str_eq(all.names[i], want[i]);

    /* A callback that stops early resumes from its own cookie. */
    c.stop_after = 2;
    n = gofer_getdents(&cl, rooth, 0, collect_cb, &c);
    cr_assert_eq(n, (int)SB_ARRAY_SIZE(want));
    cr_assert_eq(c.n, 2);
    c.stop_after = 0;
    cr_assert_gt(gofer_getdents(&cl, rooth, c.last, collect_cb, &c), 0);
    cr_expect_eq(c.n, (int)SB_ARRAY_SIZE(want));
}

Test(gofer_server, getdents_refuses_files_and_tiny_buffers)
{
    struct collect c = { 0 };

    cr_expect_eq(gofer_getdents(&cl, walk_to("hello.txt", NULL), 0,
                                collect_cb, &c),
                 -ENOTDIR);
    cr_expect_eq(gofer_getdents_max(&cl, rooth, 0, 64, collect_cb, &c),
                 -EINVAL);
    cr_expect_eq(c.n, 0);
}

Test(gofer_server, close_frees_handles_and_ids_are_reused)
{
    struct gofer_stat st;
    uint32_t h = walk_to("dir", NULL), h2;
    int i;

    cr_assert_eq(gofer_close(&cl, h), 0);
    cr_expect_eq(gofer_stat(&cl, h, &st), -EBADF);
    cr_expect_eq(gofer_close(&cl, h), -EBADF);
    cr_expect_eq(gofer_close(&cl, 0), -EBADF);
    for (i = 0; i < 2000; i++) {
        h2 = walk_to("dir", NULL);
        cr_assert_lt(h2, 64, "handle %u not reused", h2);
        cr_assert_eq(gofer_close(&cl, h2), 0);
    }
    server_stop_check();
}

/* ---- hostile raw packets ---- */

/* A walk packet with arbitrary (unchecked) names. */
static size_t build_walk(unsigned char *buf, uint32_t handle, const char *name)
{
    struct gofer_twalk w = { .handle = handle, .nnames = 1 };
    uint16_t l = (uint16_t)strlen(name);
    size_t n = HDR;

    build(buf, GOFER_T_WALK, NULL, 0);
    memcpy(buf + n, &w, sizeof(w));
    n += sizeof(w);
    memcpy(buf + n, &l, 2);
    memcpy(buf + n + 2, name, l);
    return n + 2 + l;
}

Test(gofer_server, hostile_walks_get_errors_and_service_goes_on)
{
    static unsigned char b[GOFER_MSG_MAX];
    uint32_t closed = walk_to("dir", NULL);

    cr_assert_eq(gofer_close(&cl, closed), 0);
    cr_expect_eq(raw_error(b, build_walk(b, rooth, ".."), true, -1), EINVAL);
    expect_serving();
    cr_expect_eq(raw_error(b, build_walk(b, rooth, "dir/sub"), true, -1),
                 EINVAL);
    cr_expect_eq(raw_error(b, build_walk(b, rooth, "."), true, -1), EINVAL);
    cr_expect_eq(raw_error(b, build_walk(b, rooth, "/etc"), true, -1), EINVAL);
    cr_expect_eq(raw_error(b, build_walk(b, 12345, "dir"), true, -1), EBADF);
    cr_expect_eq(raw_error(b, build_walk(b, 0, "dir"), true, -1), EBADF);
    cr_expect_eq(raw_error(b, build_walk(b, closed, "sub"), true, -1), EBADF);
    expect_serving();
    server_stop_check();
}

Test(gofer_server, hostile_headers_get_eproto)
{
    static unsigned char b[GOFER_MSG_MAX + 256];
    struct gofer_thandle th = { .handle = rooth };
    size_t n;
    uint32_t lie;
    int fd;

    /* Size field lying (bigger, then smaller, than the packet). */
    n = build(b, GOFER_T_STAT, &th, sizeof(th));
    lie = n + 4;
    memcpy(b, &lie, 4);
    cr_expect_eq(raw_error(b, n, false, -1), EPROTO);
    lie = HDR;
    memcpy(b, &lie, 4);
    cr_expect_eq(raw_error(b, n, false, -1), EPROTO);
    /* Truncated header. */
    cr_expect_eq(raw_error(b, 6, false, -1), EPROTO);
    /* Unknown op, and a reply op. */
    n = build(b, GOFER_T_STAT, &th, sizeof(th));
    ((struct gofer_hdr *)b)->op = 0x33;
    cr_expect_eq(raw_error(b, n, true, -1), EPROTO);
    ((struct gofer_hdr *)b)->op = GOFER_R_OK;
    cr_expect_eq(raw_error(b, n, true, -1), EPROTO);
    /* Trailing garbage after a fixed body. */
    n = build(b, GOFER_T_STAT, &th, sizeof(th));
    cr_expect_eq(raw_error(b, n + 3, true, -1), EPROTO);
    /* Bigger than any packet may be. */
    memset(b, 0, sizeof(b));
    n = build(b, GOFER_T_STAT, &th, sizeof(th));
    cr_expect_eq(raw_error(b, GOFER_MSG_MAX + 100, true, -1), EPROTO);
    /* An fd smuggled along is refused (and closed by the Gofer). */
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    cr_assert_geq(fd, 0);
    n = build(b, GOFER_T_STAT, &th, sizeof(th));
    cr_expect_eq(raw_error(b, n, true, fd), EPROTO);
    close(fd);
    expect_serving();
    server_stop_check();
}

Test(gofer_server, hostile_opens_get_errors)
{
    static unsigned char b[GOFER_MSG_MAX];
    struct gofer_topen to = { .handle = walk_to("hello.txt", NULL) };

    to.flags = O_WRONLY;
    cr_expect_eq(raw_error(b, build(b, GOFER_T_OPEN, &to, sizeof(to)), true,
                           -1),
                 EROFS);
    to.flags = O_RDONLY | O_CREAT;
    cr_expect_eq(raw_error(b, build(b, GOFER_T_OPEN, &to, sizeof(to)), true,
                           -1),
                 EINVAL);
    to.flags = 0xffffffffu;
    cr_expect_eq(raw_error(b, build(b, GOFER_T_OPEN, &to, sizeof(to)), true,
                           -1),
                 EINVAL);
    to.handle = 0;
    to.flags = O_RDONLY;
    cr_expect_eq(raw_error(b, build(b, GOFER_T_OPEN, &to, sizeof(to)), true,
                           -1),
                 EBADF);
    expect_serving();
}

/* ---- the client refuses a lying Gofer ---- */

struct fake {
    int fd;
    int mode;
};

/* Answer one request with a broken reply chosen by mode. */
static void *fake_gofer(void *arg)
{
    struct fake *f = arg;
    unsigned char req[GOFER_MSG_MAX], rep[256] = { 0 };
    struct gofer_hdr h;
    ssize_t n = recv(f->fd, req, sizeof(req), 0);
    size_t len = HDR;

    if (n < (ssize_t)HDR)
        return NULL;
    memcpy(&h, req, sizeof(h));
    h.op = GOFER_R_OK;
    switch (f->mode) {
    case 0: /* wrong tag */
        h.tag++;
        len = HDR + sizeof(struct gofer_stat);
        break;
    case 1: /* short stat */
        len = HDR + sizeof(struct gofer_stat) - 8;
        break;
    case 2: /* R_OK to an OPEN with no fd */
        len = HDR;
        break;
    case 3: /* error with an absurd errno */
        h.op = GOFER_R_ERROR;
        len = HDR + sizeof(struct gofer_rerror);
        memset(rep + HDR, 0xff, 4);
        break;
    }
    h.size = (uint32_t)len;
    memcpy(rep, &h, sizeof(h));
    (void)!send(f->fd, rep, len, 0);
    return NULL;
}

static int fake_call(int mode)
{
    struct gofer_client fc;
    struct gofer_stat st;
    struct fake f = { .mode = mode };
    pthread_t t;
    int sv[2], r;

    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    f.fd = sv[1];
    gofer_client_init(&fc, sv[0]);
    cr_assert_eq(pthread_create(&t, NULL, fake_gofer, &f), 0);
    r = mode == 2 ? gofer_open(&fc, 1, O_RDONLY) : gofer_stat(&fc, 1, &st);
    pthread_join(t, NULL);
    gofer_client_destroy(&fc);
    close(sv[0]);
    close(sv[1]);
    return r;
}

Test(gofer_client, rejects_lying_replies)
{
    cr_expect_eq(fake_call(0), -EPROTO);
    cr_expect_eq(fake_call(1), -EPROTO);
    cr_expect_eq(fake_call(2), -EPROTO);
    cr_expect_eq(fake_call(3), -EPROTO);
}

Test(gofer_client, reports_a_gofer_that_hung_up)
{
    struct gofer_client fc;
    struct gofer_stat st;
    int sv[2];

    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    close(sv[1]);
    gofer_client_init(&fc, sv[0]);
    cr_expect_lt(gofer_stat(&fc, 1, &st), 0);
    close(sv[0]);
}

/* ---- a read-only server refuses every write ---- */

Test(gofer_server, read_only_server_answers_erofs_to_every_write)
{
    uint32_t f = walk_to("hello.txt", NULL), d = walk_to("dir", NULL), h;
    struct gofer_tsetattr ta = { .handle = f, .valid = GOFER_SA_SIZE };
    struct gofer_statfs sf;
    struct gofer_stat st;
    struct stat before, after;
    char buf[8];

    lstat_at("hello.txt", &before);
    cr_expect_eq(gofer_create(&cl, rooth, "n", O_RDWR, 0644, 0, 0, &h, NULL), -EROFS);
    cr_expect_eq(gofer_tmpfile(&cl, rooth, O_RDWR, 0644, 0, 0, &h, NULL), -EROFS);
    cr_expect_eq(gofer_mkdir(&cl, rooth, "n", 0755, 0, 0, NULL), -EROFS);
    cr_expect_eq(gofer_mknod(&cl, rooth, "n", S_IFIFO | 0644, 0, 0, NULL), -EROFS);
    cr_expect_eq(gofer_symlink(&cl, rooth, "n", "x", 0, 0, NULL), -EROFS);
    cr_expect_eq(gofer_link(&cl, f, rooth, "n", NULL), -EROFS);
    cr_expect_eq(gofer_unlink(&cl, rooth, "hello.txt", 0), -EROFS);
    cr_expect_eq(gofer_unlink(&cl, d, "sub", GOFER_UNLINK_DIR), -EROFS);
    cr_expect_eq(gofer_rename(&cl, rooth, "hello.txt", d, "n", 0), -EROFS);
    cr_expect_eq(gofer_setattr(&cl, &ta, &st), -EROFS);
    cr_expect_eq(gofer_fallocate(&cl, f, 0, 0, 4096, &st), -EROFS);
    cr_expect_eq(gofer_setxattr(&cl, f, "user.x", "v", 1, 0), -EROFS);
    cr_expect_eq(gofer_removexattr(&cl, f, "user.x"), -EROFS);
    cr_expect_eq(gofer_open(&cl, f, O_WRONLY | O_APPEND), -EROFS);
    cr_expect_eq(gofer_open(&cl, f, O_RDONLY | O_TRUNC), -EROFS);
    /* What changes nothing still works. */
    cr_expect_eq(gofer_statfs(&cl, rooth, &sf), 0);
    cr_expect_eq(gofer_fsync(&cl, f, false), 0);
    cr_expect_lt(gofer_getxattr(&cl, f, "user.x", buf, sizeof(buf)), 0);
    cr_expect_geq(gofer_listxattr(&cl, f, buf, sizeof(buf)), 0);
    lstat_at("hello.txt", &after);
    cr_expect_eq(after.st_size, before.st_size);
    cr_expect_eq(after.st_nlink, 1);
    cr_expect_eq(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
    lstat_at("dir/sub", &after);
    {
        char p[256];

        at(p, sizeof(p), "n");
        cr_expect_eq(access(p, F_OK), -1);
    }
    expect_serving();
}
