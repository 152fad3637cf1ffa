/* log.c — one-line logging to stderr (see log.h).
 *
 * Each line is formatted into one buffer and written with a single write(2),
 * so lines from several threads or processes sharing stderr do not interleave.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char      log_service[32] = "jiesu";
static log_level log_min = LOG_LVL_INFO;

void log_init(const char *service, log_level min_level)
{
    snprintf(log_service, sizeof log_service, "%s", service ? service : "jiesu");
    log_min = min_level;
}

log_level log_level_parse(const char *name)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; name && i < 4; i++)
        if (strcasecmp(name, names[i]) == 0)
            return (log_level)i;
    return LOG_LVL_INFO;
}

void log_msg(log_level lvl, const char *fmt, ...)
{
    static const char *const tags[] = {"DEBUG", "INFO ", "WARN ", "ERROR"};
    if (lvl < log_min || lvl > LOG_LVL_ERROR)
        return;
    int saved_errno = errno;        /* callers may log and then still look at errno */
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char line[4096];
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s %s[%d] ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000),
                     tags[lvl], log_service, (int)getpid());
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    ssize_t rc = write(STDERR_FILENO, line, len);
    (void)rc;                       /* nowhere left to report a failed log write */
    errno = saved_errno;
}
