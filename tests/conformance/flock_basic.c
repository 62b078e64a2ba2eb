/* flock_basic: flock shared and exclusive locks between open files and
 * processes, LOCK_NB, upgrade/downgrade, inheritance by fork (same open
 * file), release on the last close. */
#include "conf.h"
#include <sys/file.h>

static const char *path;
static int inherited;

/* In a child: try a lock on a fresh open of the file. */
static int try_fresh(int op)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 90;
    if (flock(fd, op | LOCK_NB) == 0)
        return 0;
    return errno == EWOULDBLOCK ? 1 : 91;
}
static int fresh_sh(void) { return try_fresh(LOCK_SH); }
static int fresh_ex(void) { return try_fresh(LOCK_EX); }
static int inherited_ex(void)
{
    /* Same open file description as the parent: no conflict. */
    return flock(inherited, LOCK_EX | LOCK_NB) == 0 ? 0 : 1;
}
static int inherited_unlock(void)
{
    return flock(inherited, LOCK_UN) == 0 ? 0 : 1;
}

int main(void)
{
    const char *d = conf_mkdtemp("flock_basic");
    int a, b, c;

    path = conf_join(d, "f");
    MUST(a = open(path, O_RDWR | O_CREAT, 0644));
    MUST(b = open(path, O_RDONLY));
    OK("LOCK_SH a", flock(a, LOCK_SH));
    OK("LOCK_SH b (shared with a)", flock(b, LOCK_SH | LOCK_NB));
    ERR("LOCK_EX b while a shares", flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    EQ("child: fresh LOCK_SH", conf_in_child(fresh_sh), 0);
    EQ("child: fresh LOCK_EX refused", conf_in_child(fresh_ex), 1);
    OK("unlock b", flock(b, LOCK_UN));
    OK("upgrade a to LOCK_EX", flock(a, LOCK_EX | LOCK_NB));
    ERR("LOCK_SH b while a exclusive", flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    EQ("child: fresh LOCK_SH refused", conf_in_child(fresh_sh), 1);
    inherited = a;
    EQ("child: inherited fd relocks (same open file)", conf_in_child(inherited_ex), 0);
    OK("downgrade a to LOCK_SH", flock(a, LOCK_SH | LOCK_NB));
    OK("  b can share now", flock(b, LOCK_SH | LOCK_NB));
    OK("unlock b", flock(b, LOCK_UN));
    c = dup(a);
    OK("close a (dup c keeps the lock)", close(a));
    EQ("child: fresh LOCK_EX still refused", conf_in_child(fresh_ex), 1);
    OK("close c (last reference)", close(c));
    EQ("child: fresh LOCK_EX after close", conf_in_child(fresh_ex), 0);
    MUST(a = open(path, O_RDWR));
    OK("lock again", flock(a, LOCK_EX));
    inherited = a;
    EQ("child unlocks the shared open file", conf_in_child(inherited_unlock), 0);
    OK("  so b gets it", flock(b, LOCK_EX | LOCK_NB));
    OK("unlock b", flock(b, LOCK_UN));
    OK("unlock when not locked", flock(b, LOCK_UN));
    ERR("bad operation", flock(a, 0), EINVAL);
    ERR("LOCK_SH|LOCK_EX", flock(a, LOCK_SH | LOCK_EX), EINVAL);
    ERR("bad fd", flock(-1, LOCK_SH), EBADF);
    {
        int w = open(path, O_WRONLY);
        OK("LOCK_SH on an O_WRONLY fd", flock(w, LOCK_SH | LOCK_NB));
        close(w);
    }
    OK("flock a dir", ({ int dd = open(d, O_RDONLY | O_DIRECTORY); long r = flock(dd, LOCK_EX | LOCK_NB); close(dd); r; }));
    close(a);
    close(b);
    conf_rmtree(d);
    return conf_done();
}
