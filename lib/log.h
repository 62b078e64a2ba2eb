/* lib/log.h: logging to stderr and the one abort macro. */
#ifndef SB_LIB_LOG_H
#define SB_LIB_LOG_H

#include <stdarg.h>

enum sb_log_level { SB_LOG_ERR = 0, SB_LOG_WARN, SB_LOG_INFO, SB_LOG_DEBUG };

extern int sb_log_level;
extern const char *sb_log_prefix;

void sb_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void sb_bug(const char *file, int line, const char *cond);

#define sb_err(...) sb_log(SB_LOG_ERR, __VA_ARGS__)
#define sb_warn(...) sb_log(SB_LOG_WARN, __VA_ARGS__)
#define sb_info(...) sb_log(SB_LOG_INFO, __VA_ARGS__)
#define sb_debug(...)                                                          \
    do {                                                                       \
        if (sb_log_level >= SB_LOG_DEBUG)                                      \
            sb_log(SB_LOG_DEBUG, __VA_ARGS__);                                 \
    } while (0)

/* Broken invariant or Sentry out-of-memory: stays on in release builds. */
#define SB_BUG_ON(cond)                                                        \
    do {                                                                       \
        if (__builtin_expect(!!(cond), 0))                                     \
            sb_bug(__FILE__, __LINE__, #cond);                                 \
    } while (0)

#endif
