/* truncate_fsize: RLIMIT_FSIZE: growing past it fails with EFBIG (SIGXFSZ
 * ignored), writes are cut short at the limit.  The limit would also apply
 * to stdout when it is a file, so results are printed after lifting it. */
#include "conf.h"
#include <signal.h>
#include <sys/resource.h>

static volatile sig_atomic_t got;
static void on_xfsz(int s) { got++; }

static struct { const char *name; long r; int err; long want; int want_err; } res[32];
static int nres;

#define REC(n, expr, w, we) do { errno = 0; res[nres].r = (long)(expr); res[nres].err = errno; \
    res[nres].name = n; res[nres].want = w; res[nres].want_err = we; nres++; } while (0)

int main(void)
{
    const char *d = conf_mkdtemp("truncate_fsize");
    const char *f = conf_join(d, "f");
    struct rlimit old, rl;
    char buf[600];
    int fd, sig1, sig2;

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    signal(SIGXFSZ, on_xfsz);
    MUST(getrlimit(RLIMIT_FSIZE, &old));
    rl = old;
    rl.rlim_cur = 1000;
    fflush(stdout);
    MUST(setrlimit(RLIMIT_FSIZE, &rl));
    REC("ftruncate to the limit", ftruncate(fd, 1000), 0, 0);
    REC("ftruncate past the limit", ftruncate(fd, 1001), -1, EFBIG);
    sig1 = got;
    REC("ftruncate back to 0", ftruncate(fd, 0), 0, 0);
    memset(buf, 'a', sizeof(buf));
    REC("write 600", write(fd, buf, 600), 600, 0);
    REC("write 600 more: cut at 1000", write(fd, buf, 600), 400, 0);
    REC("write at the limit", write(fd, buf, 1), -1, EFBIG);
    sig2 = got;
    REC("pwrite past the limit", pwrite(fd, buf, 1, 5000), -1, EFBIG);
    REC("pwrite below the limit", pwrite(fd, buf, 10, 0), 10, 0);
    REC("truncate by path past the limit", truncate(f, 4096), -1, EFBIG);
    MUST(setrlimit(RLIMIT_FSIZE, &old));
    for (int i = 0; i < nres; i++) {
        if (res[i].want == -1)
            conf_err(res[i].name, res[i].r, res[i].err, res[i].want_err);
        else
            conf_eq(res[i].name, res[i].r, res[i].want, res[i].err);
    }
    EQ("SIGXFSZ after the failed ftruncate", sig1, 1);
    EQ("SIGXFSZ after the failed write", sig2, 2);
    close(fd);
    conf_rmtree(d);
    return conf_done();
}
