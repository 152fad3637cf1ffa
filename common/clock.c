/* clock.c — wall and monotonic clocks, zone offsets (see clock.h). */
#include "clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The clock id's time in units of 1/per_second seconds. */
static int64_t read_clock(clockid_t id, int64_t per_second)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * per_second + ts.tv_nsec / (1000000000 / per_second);
}

int64_t clock_wall_ms(void)
{
    return read_clock(CLOCK_REALTIME, 1000);
}

monotime_ms clock_mono_ms(void)
{
    return read_clock(CLOCK_MONOTONIC, 1000);
}

int64_t clock_mono_us(void)
{
    return read_clock(CLOCK_MONOTONIC, 1000000);
}

int clock_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(cond, &ca);
    pthread_condattr_destroy(&ca);
    return rc;
}

struct timespec clock_mono_after(long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += (ms % 1000) * 1000000L;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

int clock_zone_name_ok(const char *z)
{
    if (!*z || strlen(z) >= 64 || strstr(z, "..") || z[0] == '/')
        return 0;
    for (const char *p = z; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_+-/", *p))
            return 0;
    return 1;
}

int clock_zone_known(const char *name)
{
    if (!clock_zone_name_ok(name))
        return 0;
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    return access(path, R_OK) == 0;
}

int clock_zone_offset_min(const char *name, int64_t at_s)
{
    const char *was = getenv("TZ");
    char *saved = was ? strdup(was) : NULL;
    setenv("TZ", name, 1);
    tzset();
    time_t t = (time_t)at_s;
    struct tm tm;
    localtime_r(&t, &tm);
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
    return (int)(tm.tm_gmtoff / 60);
}

void clock_local_until(const char *epoch_s, char out[CLOCK_UNTIL_LEN])
{
    struct tm tm, today;
    time_t t = (time_t)strtoll(epoch_s, NULL, 10), now = time(NULL);
    *out = '\0';
    if (!*epoch_s || !localtime_r(&t, &tm) || !localtime_r(&now, &today))
        return;
    if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
        snprintf(out, CLOCK_UNTIL_LEN, "%02d:%02d", tm.tm_hour, tm.tm_min);
    else
        snprintf(out, CLOCK_UNTIL_LEN, "%d月%d日 %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}
