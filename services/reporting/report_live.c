/* report_live.c — today's event counters (see report_live.h). */
#include "report_live.h"

#include <string.h>
#include <time.h>

void report_live_note(report_live *self, const char *type, int day, int gap)
{
    if (self->day != day) {
        memset(self, 0, sizeof *self);
        self->day = day;
    }
    self->events++;
    self->gaps += gap != 0;
    if (strcmp(type, "complaint.imported") == 0)
        self->imported++;
    else if (strcmp(type, "complaint.routed") == 0)
        self->routed++;
    else if (strcmp(type, "complaint.status") == 0)
        self->status++;
    else if (strcmp(type, "alert.raised") == 0)
        self->alerts++;
}

int report_live_day(long long t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return 0;
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}
