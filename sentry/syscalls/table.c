/* sentry/syscalls/table.c: the table built from syscall_list.h, dispatch,
 * --trace output and once-per-name ENOSYS logging. */
#include "sentry/syscalls/syscalls.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"

#define SC_FULL(nr, name, fmt) [nr] = { #name, sys_##name, SUP_FULL, fmt, NULL },
#define SC_PARTIAL(nr, name, fmt, note) [nr] = { #name, sys_##name, SUP_PARTIAL, fmt, note },
#define SC_NONE(nr, name, reason) [nr] = { #name, NULL, SUP_NONE, "xxxxxx", reason },
const struct syscall_entry syscall_table[SYSCALL_MAX] = {
#include "sentry/syscalls/syscall_list.h"
};
#undef SC_FULL
#undef SC_PARTIAL
#undef SC_NONE

static uint8_t enosys_logged[SYSCALL_MAX];

static int fmt_arg(struct task *t, char *buf, size_t cap, char f, uint64_t v)
{
    char s[64];
    long n;

    switch (f) {
    case 'd':
        return snprintf(buf, cap, "%ld", (long)v);
    case 'u':
        return snprintf(buf, cap, "%lu", (unsigned long)v);
    case 'o':
        return snprintf(buf, cap, "0%lo", (unsigned long)v);
    case 's':
        n = mm_strncpy_in(t->mm, s, v, sizeof(s));
        if (n >= 0)
            return snprintf(buf, cap, "\"%s\"", s);
        if (n == -ENAMETOOLONG)
            return snprintf(buf, cap, "\"%.*s\"...", (int)sizeof(s) - 1, s);
        return snprintf(buf, cap, "0x%lx", (unsigned long)v);
    default:
        return snprintf(buf, cap, "0x%lx", (unsigned long)v);
    }
}

static void trace_call(struct task *t, const struct syscall_args *a,
                       const struct syscall_entry *e, long ret)
{
    char line[1024];
    size_t n = 0;
    const char *fmt = e && e->fmt ? e->fmt : "xxxxxx";

    if (e && e->name)
        n += snprintf(line + n, sizeof(line) - n, "[%d] %s(", t->tid, e->name);
    else
        n += snprintf(line + n, sizeof(line) - n, "[%d] syscall_%d(", t->tid, a->nr);
    for (int i = 0; fmt[i] && i < 6 && n < sizeof(line) - 128; i++) {
        if (i)
            n += snprintf(line + n, sizeof(line) - n, ", ");
        n += fmt_arg(t, line + n, sizeof(line) - n, fmt[i], a->a[i]);
    }
    if (ret < 0 && ret > -4096) {
        const char *en = strerrorname_np((int)-ret);
        n += snprintf(line + n, sizeof(line) - n, ") = -1 %s\n", en ? en : "E?");
    } else if (ret > 0xffff || ret < -0xffff) {
        n += snprintf(line + n, sizeof(line) - n, ") = 0x%lx\n", (unsigned long)ret);
    } else {
        n += snprintf(line + n, sizeof(line) - n, ") = %ld\n", ret);
    }
    if (n > sizeof(line))
        n = sizeof(line);
    (void)!write(2, line, n);
}

long syscall_dispatch(struct task *t, const struct syscall_args *a)
{
    const struct syscall_entry *e = NULL;
    long r;

    t->nsyscalls++;
    if (a->nr >= 0 && a->nr < SYSCALL_MAX && syscall_table[a->nr].name)
        e = &syscall_table[a->nr];
    if (!e || !e->fn) {
        if (a->nr >= 0 && a->nr < SYSCALL_MAX && !enosys_logged[a->nr]) {
            enosys_logged[a->nr] = 1;
            sb_warn("unsupported syscall %s (%d): ENOSYS", e ? e->name : "?", a->nr);
        }
        r = -ENOSYS;
    } else {
        r = e->fn(t, a);
    }
    if (t->k->trace)
        trace_call(t, a, e, r);
    return r;
}
