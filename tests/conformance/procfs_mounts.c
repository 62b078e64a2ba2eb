/* procfs_mounts: /proc/self/mounts, /proc/mounts and /proc/self/mountinfo
 * parse, list "/" and /proc (type proc), mount ids are unique. */
#include "conf.h"

static char *slurp(const char *p)
{
    static char bufs[2][1 << 18];
    static int n;
    char *b = bufs[n++ % 2];
    long k, off = 0;
    int fd = open(p, O_RDONLY);

    if (fd < 0)
        return NULL;
    while ((k = read(fd, b + off, sizeof(bufs[0]) - 1 - off)) > 0)
        off += k;
    close(fd);
    b[off] = 0;
    return b;
}

int main(void)
{
    char *m, *line, *save, dev[512], mp[512], type[128], opts[1024];
    int lines = 0, bad = 0, root = 0, proc = 0, dump, pass;
    static int ids[4096];
    int nid = 0, dup = 0, mi_root = 0, mi_proc = 0, mi_bad = 0;

    m = slurp("/proc/self/mounts");
    TRUE("read /proc/self/mounts", m != NULL);
    for (line = m ? strtok_r(m, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
        lines++;
        if (sscanf(line, "%511s %511s %127s %1023s %d %d", dev, mp, type, opts, &dump, &pass) != 6) {
            bad++;
            continue;
        }
        root += !strcmp(mp, "/");
        proc += !strcmp(mp, "/proc") && !strcmp(type, "proc");
    }
    TRUE("mounts has lines", lines > 0);
    EQ("mounts lines with 6 fields", bad, 0);
    TRUE("mounts has \"/\"", root >= 1);
    TRUE("mounts has /proc of type proc", proc >= 1);
    {
        char *a = slurp("/proc/self/mounts"), *b = slurp("/proc/mounts");
        TRUE("/proc/mounts equals /proc/self/mounts", a && b && !strcmp(a, b));
        char lnk[64] = "";
        readlink("/proc/mounts", lnk, sizeof(lnk) - 1);
        STREQ("/proc/mounts is a symlink to", lnk, "self/mounts");
    }

    m = slurp("/proc/self/mountinfo");
    TRUE("read /proc/self/mountinfo", m != NULL);
    lines = 0;
    for (line = m ? strtok_r(m, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
        int id, parent, maj, min, used = 0;
        char rootp[512], *sep;
        lines++;
        /* id parent maj:min root mount-point options [optional...] - type source super */
        if (sscanf(line, "%d %d %d:%d %511s %511s %1023s%n", &id, &parent, &maj, &min, rootp, mp, opts, &used) != 7 ||
            !(sep = strstr(line + used, " - ")) || sscanf(sep + 3, "%127s", type) != 1) {
            mi_bad++;
            continue;
        }
        for (int i = 0; i < nid; i++)
            dup += ids[i] == id;
        if (nid < 4096)
            ids[nid++] = id;
        mi_root += !strcmp(mp, "/");
        mi_proc += !strcmp(mp, "/proc") && !strcmp(type, "proc");
    }
    TRUE("mountinfo has lines", lines > 0);
    EQ("mountinfo lines that do not parse", mi_bad, 0);
    EQ("duplicate mount ids", dup, 0);
    TRUE("mountinfo has \"/\"", mi_root >= 1);
    TRUE("mountinfo has /proc of type proc", mi_proc >= 1);
    return conf_done();
}
