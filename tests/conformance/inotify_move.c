/* inotify_move: renames produce IN_MOVED_FROM/IN_MOVED_TO with one non-zero
 * cookie, IN_MOVE_SELF on a watched file; inotify_rm_watch gives
 * IN_IGNORED; watch errors; small read buffers; FIONREAD. */
#include "conf.h"
#include <sys/inotify.h>
#include <sys/ioctl.h>

struct ev { int wd; unsigned mask, cookie; char name[64]; };

static int collect(int in, struct ev *out, int max)
{
    char buf[4096] __attribute__((aligned(8)));
    int n = 0;
    long r;

    while ((r = read(in, buf, sizeof(buf))) > 0)
        for (long off = 0; off < r;) {
            struct inotify_event *e = (struct inotify_event *)(buf + off);
            if (n < max) {
                out[n].wd = e->wd;
                out[n].mask = e->mask;
                out[n].cookie = e->cookie;
                snprintf(out[n].name, sizeof(out[n].name), "%s", e->len ? e->name : "");
                n++;
            }
            off += sizeof(*e) + e->len;
        }
    return n;
}

int main(void)
{
    const char *d = conf_mkdtemp("inotify_move");
    const char *a = conf_join(d, "a"), *b = conf_join(d, "b");
    struct ev ev[16];
    int in, wa, wb, wf, fd, n, avail;
    char small[8];

    MUST(mkdir(a, 0755));
    MUST(mkdir(b, 0755));
    MUST(fd = open(conf_join(a, "f"), O_WRONLY | O_CREAT, 0644));
    close(fd);
    in = inotify_init1(IN_NONBLOCK);
    MUST(in);
    wa = inotify_add_watch(in, a, IN_MOVE);
    wb = inotify_add_watch(in, b, IN_MOVE);
    wf = inotify_add_watch(in, conf_join(a, "f"), IN_MOVE_SELF);
    TRUE("three watches", wa > 0 && wb > 0 && wf > 0 && wa != wb && wb != wf);

    MUST(rename(conf_join(a, "f"), conf_join(b, "g")));
    OK("FIONREAD", ioctl(in, FIONREAD, &avail));
    TRUE("  bytes queued", avail >= 3 * (int)sizeof(struct inotify_event));
    ERR("read into a too-small buffer", read(in, small, sizeof(small)), EINVAL);
    n = collect(in, ev, 16);
    EQ("events for a cross-directory rename", n, 3);
    if (n == 3) {
        TRUE("  1: MOVED_FROM f on a", ev[0].wd == wa && ev[0].mask == IN_MOVED_FROM && !strcmp(ev[0].name, "f"));
        TRUE("  2: MOVED_TO g on b", ev[1].wd == wb && ev[1].mask == IN_MOVED_TO && !strcmp(ev[1].name, "g"));
        TRUE("  3: MOVE_SELF on the file", ev[2].wd == wf && ev[2].mask == IN_MOVE_SELF && !ev[2].name[0]);
        TRUE("  cookies equal and non-zero", ev[0].cookie && ev[0].cookie == ev[1].cookie);
        EQ("  MOVE_SELF cookie", ev[2].cookie, 0);
    }
    MUST(rename(conf_join(b, "g"), conf_join(b, "h")));
    MUST(mkdir(conf_join(b, "sub"), 0755));
    MUST(rename(conf_join(b, "sub"), conf_join(a, "sub")));
    n = collect(in, ev, 16);
    EQ("events for a rename within b then a dir move", n, 5);
    if (n == 5) {
        TRUE("  same-dir rename: FROM g, TO h on b", ev[0].wd == wb && ev[0].mask == IN_MOVED_FROM &&
             ev[1].wd == wb && ev[1].mask == IN_MOVED_TO && !strcmp(ev[1].name, "h"));
        TRUE("  one cookie per rename", ev[0].cookie == ev[1].cookie && ev[3].cookie == ev[4].cookie &&
             ev[0].cookie != ev[3].cookie);
        TRUE("  MOVE_SELF for the renamed file", ev[2].wd == wf && ev[2].mask == IN_MOVE_SELF);
        TRUE("  dir move carries IN_ISDIR", ev[3].mask == (IN_MOVED_FROM | IN_ISDIR) &&
             ev[4].mask == (IN_MOVED_TO | IN_ISDIR) && ev[4].wd == wa);
    }
    OK("rm_watch", inotify_rm_watch(in, wb));
    n = collect(in, ev, 16);
    EQ("  one event", n, 1);
    TRUE("  IN_IGNORED for it", n == 1 && ev[0].wd == wb && ev[0].mask == IN_IGNORED);
    ERR("rm_watch again", inotify_rm_watch(in, wb), EINVAL);
    ERR("rm_watch unknown wd", inotify_rm_watch(in, 12345), EINVAL);
    ERR("add_watch mask 0", inotify_add_watch(in, a, 0), EINVAL);
    ERR("add_watch ENOENT", inotify_add_watch(in, conf_join(d, "nope"), IN_ALL_EVENTS), ENOENT);
    ERR("IN_ONLYDIR on a file", inotify_add_watch(in, conf_join(b, "h"), IN_ALL_EVENTS | IN_ONLYDIR), ENOTDIR);
    ERR("add_watch on a non-inotify fd", inotify_add_watch(0, a, IN_ALL_EVENTS), EINVAL);
    ERR("inotify_init1 bad flags", inotify_init1(0x1), EINVAL);
    {
        int w1 = inotify_add_watch(in, a, IN_CREATE);
        int w2 = inotify_add_watch(in, a, IN_DELETE | IN_MASK_ADD);
        EQ("IN_MASK_ADD keeps the wd", w1 == w2, 1);
        MUST(fd = open(conf_join(a, "x"), O_WRONLY | O_CREAT, 0644));
        close(fd);
        MUST(unlink(conf_join(a, "x")));
        n = collect(in, ev, 16);
        TRUE("  both CREATE and DELETE reported", n == 2 && ev[0].mask == IN_CREATE && ev[1].mask == IN_DELETE);
    }
    close(in);
    conf_rmtree(d);
    return conf_done();
}
