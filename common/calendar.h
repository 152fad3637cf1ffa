/* calendar.h — the official working calendar and deadlines counted in working time.
 *
 * A day is a working day when it is Monday–Friday and not a public holiday, or
 * when it is an adjusted working day (调休上班, usually a weekend day). Holidays
 * and adjusted days come from the State Council notices, stored in PostgreSQL
 * (common/holidays.h loads them) and given to the calendar with
 * calendar_set_day(). Working hours are one interval a day [day_start,
 * day_end) in the city's local time, a fixed UTC offset (China has no
 * daylight saving time).
 *
 * Times are Unix seconds. The calendar owns its memory; calendar_destroy()
 * frees it.
 */
#ifndef JIESU_CALENDAR_H
#define JIESU_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

typedef struct calendar calendar;

/* A calendar for local time UTC+utc_offset_min with working hours
 * [day_start_min, day_end_min) minutes after midnight (e.g. 510, 1050 for
 * 08:30–17:30), every weekday a working day until calendar_set_day() says
 * otherwise. NULL on bad arguments or out of memory. */
calendar *calendar_new(int utc_offset_min, int day_start_min, int day_end_min);

/* Marks a local date (year, month, day) as off (1) or as a working day (0),
 * overriding the weekday rule. 0, or -1 for an impossible date. */
int calendar_set_day(calendar *self, int year, int month, int day, int off);

/* 1 if the local date containing t is a working day, else 0. */
int calendar_is_workday(const calendar *self, int64_t t);

/* The time `seconds` working seconds after start. Time outside working hours
 * does not count; a start outside them counts from the next working second.
 * A span that ends exactly at the end of a working day ends there (17:30). */
int64_t calendar_add_work_seconds(const calendar *self, int64_t start, int64_t seconds);

/* calendar_add_work_seconds() of whole minutes. */
int64_t calendar_add_work_minutes(const calendar *self, int64_t start, long minutes);

/* The same local time of day `days` working days after start. A start outside
 * working hours counts from the next working day's start; the very end of a
 * working day (17:30) stays the end of the working day `days` later. */
int64_t calendar_add_work_days(const calendar *self, int64_t start, int days);

/* Working seconds between a and b (0 when b <= a). */
int64_t calendar_work_seconds_between(const calendar *self, int64_t a, int64_t b);

/* The local calendar year of t. */
int calendar_local_year(const calendar *self, int64_t t);

/* A calendar with the working day of the configuration and no holidays yet:
 * calendar.day_start and calendar.day_end ("08:30", "17:30"),
 * the offset of `timezone`. Sets *day_minutes to the length of a
 * working day when not NULL. NULL with "calendar: reason" in err. */
calendar *calendar_from_config(const config *cfg, int *day_minutes, char *err, size_t errlen);

/* Frees the calendar and sets *self to NULL. */
void calendar_destroy(calendar **self);

#endif
