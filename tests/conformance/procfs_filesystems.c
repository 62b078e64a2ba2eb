/* procfs_filesystems: /proc/filesystems format, and it lists tmpfs and proc
 * as nodev file systems. */
#include "conf.h"

int main(void)
{
    char buf[8192], *line, *save;
    int fd = open("/proc/filesystems", O_RDONLY), lines = 0, bad = 0, tmpfs = 0, proc = 0;
    long n = 0, k;

    OK("open", fd);
    while (fd >= 0 && (k = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
        n += k;
    buf[n] = 0;
    close(fd);
    TRUE("non-empty, ends with a newline", n > 0 && buf[n - 1] == '\n');
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(line, '\t');
        lines++;
        /* "nodev\tNAME" or "\tNAME" */
        if (!tab || (tab != line && strncmp(line, "nodev", tab - line)) || !tab[1] || strchr(tab + 1, '\t')) {
            bad++;
            continue;
        }
        tmpfs += !strcmp(line, "nodev\ttmpfs");
        proc += !strcmp(line, "nodev\tproc");
    }
    TRUE("lines", lines > 0);
    EQ("malformed lines", bad, 0);
    EQ("has \"nodev\\ttmpfs\"", tmpfs, 1);
    EQ("has \"nodev\\tproc\"", proc, 1);
    return conf_done();
}
