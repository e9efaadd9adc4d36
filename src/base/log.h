/*
 * log.h - structured logging to stderr, one line per event.
 *
 * Lines are "ts=... level=... msg=..." key=value pairs so that an operator can
 * grep them and a collector can parse them.  Thread-safe (one write per line).
 */
#ifndef ZW_LOG_H
#define ZW_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs and aborts: for broken invariants and allocation failure only. */
_Noreturn void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
