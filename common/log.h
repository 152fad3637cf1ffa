/* log.h — one-line structured logging to stderr for every jiesu process.
 *
 * Lines look like:  2026-11-22T10:57:03.123Z INFO  intake[4242] imported file=a.csv rows=300
 * The service name is set once with log_init(). Nothing here allocates.
 * Personal data must be masked by the caller (see text_mask_phone()).
 */
#ifndef JIESU_LOG_H
#define JIESU_LOG_H

typedef enum {
    LOG_LVL_DEBUG = 0,
    LOG_LVL_INFO,
    LOG_LVL_WARN,
    LOG_LVL_ERROR
} log_level;

/* Sets the service name (copied) and the lowest level printed. */
void log_init(const char *service, log_level min_level);

/* Parses "debug", "info", "warn", "error" (any case); unknown → LOG_LVL_INFO. */
log_level log_level_parse(const char *name);

/* Prints one line if lvl >= the configured minimum. */
void log_msg(log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)

#endif
