/* civil.c — day counts and calendar dates (see civil.h). */
#include "civil.h"

#include <stdio.h>

long civil_days(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_date(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void civil_format_minute(char *dst, size_t cap, int64_t t, int offset_min)
{
    int64_t local = t + (int64_t)offset_min * 60, day = local / 86400 - (local % 86400 < 0), second = local - day * 86400;
    int y, m, d;
    civil_date((long)day, &y, &m, &d);
    snprintf(dst, cap, "%04d-%02d-%02d %02d:%02d", y, m, d, (int)(second / 3600), (int)(second / 60 % 60));
}
