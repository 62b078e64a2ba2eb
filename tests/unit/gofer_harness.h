/* tests/unit/gofer_harness.h: a real Gofer (forked) on a temp tree, the
 * Sentry's client to it, and raw packets; shared by the Gofer test files. */
#ifndef SB_TESTS_UNIT_GOFER_HARNESS_H
#define SB_TESTS_UNIT_GOFER_HARNESS_H

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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

#define HDR sizeof(struct gofer_hdr)
#define NMANY 40
#define HELLO "hello from the gofer\n"

static char root[64];
static int sock = -1;
static pid_t child = -1;
static struct gofer_client cl;
static uint32_t rooth;

static void mkfile(const char *rel, const char *data)
{
    char p[256];
    int fd;

    snprintf(p, sizeof(p), "%s/%s", root, rel);
    fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
    cr_assert_geq(fd, 0, "create %s: %s", p, strerror(errno));
    cr_assert_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
    close(fd);
}

static void at(char *p, size_t cap, const char *rel)
{
    snprintf(p, cap, "%s/%s", root, rel);
}

static void make_tree(void)
{
    char p[256], name[128];
    int i;

    strcpy(root, "/tmp/gofer-test-XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    mkfile("hello.txt", HELLO);
    at(p, sizeof(p), "dir");
    cr_assert_eq(mkdir(p, 0755), 0);
    at(p, sizeof(p), "dir/sub");
    cr_assert_eq(mkdir(p, 0755), 0);
    mkfile("dir/sub/deep.txt", "deep");
    at(p, sizeof(p), "esc");
    cr_assert_eq(symlink("../../etc/passwd", p), 0);
    at(p, sizeof(p), "abs");
    cr_assert_eq(symlink("/etc/passwd", p), 0);
    at(p, sizeof(p), "escdir");
    cr_assert_eq(symlink("/etc", p), 0);
    at(p, sizeof(p), "fifo");
    cr_assert_eq(mkfifo(p, 0644), 0);
    at(p, sizeof(p), "many");
    cr_assert_eq(mkdir(p, 0755), 0);
    for (i = 0; i < NMANY; i++) {
        /* Names of varied length, up to the longest allowed. */
        int len = 1 + (i * 37) % 60;

        snprintf(name, sizeof(name), "many/%02d", i);
        memset(name + 7, 'x', len);
        name[7 + len] = '\0';
        mkfile(name, "");
    }
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    return remove(p);
}

static unsigned serve_flags; /* GOFER_SERVE_* of the next server_start */

static void server_start(void)
{
    pid_t parent;
    int sv[2];

    make_tree();
    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    parent = getpid();
    child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

        /* A Gofer stuck (say, on a fifo) must not outlive a test that
         * timed out. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(4);
        close(sv[0]);
        if (rfd < 0)
            _exit(3);
        /* Every test runs the Gofer under its own seccomp filter, as sbx
         * does: an operation needing a call not on the list kills it. */
        if (gofer_seccomp_install())
            _exit(5);
        _exit(gofer_serve(sv[1], rfd, serve_flags) == 0 ? 0 : 1);
    }
    close(sv[1]);
    sock = sv[0];
    gofer_client_init(&cl, sock);
    cr_assert_eq(gofer_attach(&cl, &rooth, NULL), 0);
}

/* Hang up and check the Gofer saw EOF and returned 0, alive until then. */
static void server_stop_check(void)
{
    int status;

    close(sock);
    sock = -1;
    cr_assert_eq(waitpid(child, &status, 0), child);
    child = -1;
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "gofer status %#x", status);
}

static void server_fini(void)
{
    if (sock >= 0)
        close(sock);
    if (child > 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
    }
    if (root[0])
        nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}


/* Walk a '/'-separated relative path from the root in one request. */
static int walk_path(const char *path, uint32_t *hs, struct gofer_stat *sts,
                     int *err)
{
    struct gofer_name names[GOFER_WALK_MAX];
    unsigned n = 0;
    const char *p = path;

    while (*p) {
        const char *e = strchrnul(p, '/');

        names[n++] = (struct gofer_name){ p, (uint16_t)(e - p) };
        p = *e ? e + 1 : e;
    }
    return gofer_walk(&cl, rooth, names, n, hs, sts, err);
}

static uint32_t walk_to(const char *path, struct gofer_stat *st)
{
    uint32_t hs[GOFER_WALK_MAX];
    struct gofer_stat sts[GOFER_WALK_MAX];
    int err = -1, n;
    unsigned want = 1;
    const char *p;

    for (p = path; *p; p++)
        want += *p == '/';
    n = walk_path(path, hs, sts, &err);
    cr_assert_eq(n, (int)want, "walk %s: %d (err %d)", path, n, err);
    cr_assert_eq(err, 0);
    if (st)
        *st = sts[n - 1];
    return hs[n - 1];
}

static void lstat_at(const char *rel, struct stat *st)
{
    char p[256];

    at(p, sizeof(p), rel);
    cr_assert_eq(lstat(p, st), 0);
}

static void expect_serving(void)
{
    struct gofer_stat st;

    cr_assert_eq(gofer_stat(&cl, rooth, &st), 0, "gofer stopped serving");
    cr_assert(S_ISDIR(st.mode));
}

/* ---- hostile raw packets ---- */

static uint32_t raw_tag = 0x7000;

/* Send len bytes (hdr.size and tag patched unless raw) and return the
 * R_ERROR errno of the reply, checking that it echoes the tag. */
static int raw_error(void *pkt, size_t len, bool patch, int send_fd)
{
    union {
        char b[CMSG_SPACE(sizeof(int))];
        struct cmsghdr a;
    } cm;
    static unsigned char rep[GOFER_MSG_MAX];
    struct iovec iov = { pkt, len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    struct gofer_rerror re;
    struct gofer_hdr h;
    uint32_t tag = ++raw_tag, size = (uint32_t)len;
    ssize_t n;

    if (patch) {
        memcpy(pkt, &size, sizeof(size));
        memcpy((char *)pkt + offsetof(struct gofer_hdr, tag), &tag, 4);
    }
    if (send_fd >= 0) {
        struct cmsghdr *c;

        msg.msg_control = cm.b;
        msg.msg_controllen = sizeof(cm.b);
        c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &send_fd, sizeof(int));
    }
    cr_assert_eq(sendmsg(sock, &msg, 0), (ssize_t)len);
    n = recv(sock, rep, sizeof(rep), 0);
    cr_assert_eq(n, (ssize_t)(HDR + sizeof(re)), "reply of %zd bytes", n);
    cr_assert_eq(gofer_decode_hdr(rep, n, &h), 0);
    cr_assert_eq(h.op, GOFER_R_ERROR);
    if (patch)
        cr_expect_eq(h.tag, tag);
    cr_assert_eq(gofer_decode_fixed(rep, n, GOFER_R_ERROR, &re, sizeof(re)),
                 0);
    return re.err;
}

static size_t build(void *buf, uint16_t op, const void *body, size_t len)
{
    int n = gofer_encode_simple(buf, GOFER_MSG_MAX, op, 0, body, len);

    cr_assert_gt(n, 0);
    return (size_t)n;
}

#endif
