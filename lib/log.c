/* lib/log.c: logging to stderr with one write per line. */
#include "lib/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sb_log_level = SB_LOG_WARN;
const char *sb_log_prefix = "sbx";

void sb_log(int level, const char *fmt, ...)
{
    char buf[1024];
    int n;
    va_list ap;

    if (level > sb_log_level)
        return;
    n = snprintf(buf, sizeof(buf), "%s: ", sb_log_prefix);
    va_start(ap, fmt);
    n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 2)
        n = sizeof(buf) - 2;
    buf[n++] = '\n';
    (void)!write(2, buf, n);
}

void sb_bug(const char *file, int line, const char *cond)
{
    sb_log(SB_LOG_ERR, "BUG at %s:%d: %s", file, line, cond);
    abort();
}
