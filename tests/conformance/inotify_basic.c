/* inotify_basic: events on a watched directory for create, modify, attrib,
 * close-write, delete, mkdir (IN_ISDIR), with names; coalescing of
 * identical events; IN_DELETE_SELF and IN_IGNORED. */
#include "conf.h"
#include <sys/inotify.h>

static const char *mask_name(unsigned m)
{
    static char buf[128];
    static const struct { unsigned bit; const char *n; } bits[] = {
        { IN_ACCESS, "ACCESS" }, { IN_MODIFY, "MODIFY" }, { IN_ATTRIB, "ATTRIB" },
        { IN_CLOSE_WRITE, "CLOSE_WRITE" }, { IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" },
        { IN_OPEN, "OPEN" }, { IN_MOVED_FROM, "MOVED_FROM" }, { IN_MOVED_TO, "MOVED_TO" },
        { IN_CREATE, "CREATE" }, { IN_DELETE, "DELETE" }, { IN_DELETE_SELF, "DELETE_SELF" },
        { IN_MOVE_SELF, "MOVE_SELF" }, { IN_IGNORED, "IGNORED" }, { IN_ISDIR, "ISDIR" },
        { IN_Q_OVERFLOW, "Q_OVERFLOW" }, { IN_UNMOUNT, "UNMOUNT" },
    };
    buf[0] = 0;
    for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
        if (m & bits[i].bit) {
            if (buf[0])
                strcat(buf, "|");
            strcat(buf, bits[i].n);
        }
    return buf;
}

/* Print every queued event: "  wdN MASK name". */
static int drain(int in, int wd1, int wd2)
{
    char buf[4096] __attribute__((aligned(8)));
    int n = 0;
    long r;

    while ((r = read(in, buf, sizeof(buf))) > 0)
        for (long off = 0; off < r;) {
            struct inotify_event *e = (struct inotify_event *)(buf + off);
            printf("  %s %s %s\n", e->wd == wd1 ? "wd1" : e->wd == wd2 ? "wd2" : "wd?",
                   mask_name(e->mask), e->len ? e->name : "-");
            off += sizeof(*e) + e->len;
            n++;
        }
    if (r < 0 && errno != EAGAIN)
        printf("  read: %s\n", errname(errno));
    return n;
}

int main(void)
{
    const char *d = conf_mkdtemp("inotify_basic");
    const char *f = conf_join(d, "f");
    int in, wd, wf, fd;

    OK("inotify_init1", in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    EQ("  FD_CLOEXEC", fcntl(in, F_GETFD), FD_CLOEXEC);
    ERR("read with nothing queued", read(in, (char[64]){0}, 64), EAGAIN);
    wd = inotify_add_watch(in, d, IN_CREATE | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE |
                                  IN_DELETE | IN_DELETE_SELF);
    TRUE("add_watch dir", wd >= 1);
    printf("create, write twice, close:\n");
    MUST(fd = open(f, O_WRONLY | O_CREAT, 0644));
    MUST(write(fd, "a", 1));
    MUST(write(fd, "b", 1));
    close(fd);
    EQ("  events", drain(in, wd, -1), 3);
    printf("chmod, mkdir, rmdir, unlink:\n");
    MUST(chmod(f, 0600));
    MUST(mkdir(conf_join(d, "sub"), 0755));
    MUST(rmdir(conf_join(d, "sub")));
    MUST(unlink(f));
    EQ("  events", drain(in, wd, -1), 4);
    printf("open for reading and close: nothing in this mask\n");
    MUST(fd = open(d, O_RDONLY));
    close(fd);
    EQ("  events", drain(in, wd, -1), 0);

    MUST(fd = open(f, O_WRONLY | O_CREAT, 0644));
    close(fd);
    drain(in, wd, -1);
    wf = inotify_add_watch(in, f, IN_ALL_EVENTS);
    TRUE("add_watch file", wf >= 1 && wf != wd);
    TRUE("same file again (IN_MASK_ADD): same wd", inotify_add_watch(in, f, IN_ATTRIB | IN_MASK_ADD) == wf);
    printf("unlink the watched file:\n");
    MUST(unlink(f));
    EQ("  events", drain(in, wd, wf), 4);
    printf("remove the watched dir:\n");
    MUST(rmdir(d));
    EQ("  events", drain(in, wd, wf), 2);
    ERR("rm_watch after IN_IGNORED", inotify_rm_watch(in, wd), EINVAL);
    close(in);
    return conf_done();
}
