/* calendar.h — the official working calendar and deadlines counted in working time.
 *
 * A day is a working day when it is Monday–Friday and not a public holiday, or
 * when it is an adjusted working day (调休上班, usually a weekend day). Holidays
 * and adjusted days come from the State Council notices (data/holidays/YYYY.json,
 * holiday-cn format) or from cal_set_day(). Working hours are one interval a day
 * [day_start, day_end) in the city's local time, a fixed UTC offset (China has
 * no daylight saving time).
 *
 * Times are Unix seconds. The calendar owns its memory; cal_destroy() frees it.
 */
#ifndef JIESU_CALENDAR_H
#define JIESU_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

typedef struct calendar calendar;

/* A calendar for local time UTC+utc_offset_min with working hours
 * [day_start_min, day_end_min) minutes after midnight (e.g. 510, 1050 for
 * 08:30–17:30). NULL on bad arguments or out of memory. */
calendar *cal_new(int utc_offset_min, int day_start_min, int day_end_min);

/* Marks a local date (year, month, day) as off (1) or as a working day (0),
 * overriding the weekday rule. 0, or -1 for an impossible date. */
int cal_set_day(calendar *self, int year, int month, int day, int off);

/* Loads every "date"/"isOffDay" pair of one holiday-cn JSON file.
 * Returns the number of days loaded, or -1 with "path: reason" in err. */
int cal_load_file(calendar *self, const char *path, char *err, size_t errlen);

/* Loads every NNNN.json file in dir. Returns days loaded, or -1 with err. */
int cal_load_dir(calendar *self, const char *dir, char *err, size_t errlen);

/* 1 if the local date containing t is a working day, else 0. */
int cal_is_workday(const calendar *self, int64_t t);

/* The time `minutes` working minutes after start. Time outside working hours
 * does not count; a start outside them counts from the next working minute. */
int64_t cal_add_work_minutes(const calendar *self, int64_t start, long minutes);

/* The same local time of day `days` working days after start (a start outside
 * working hours counts from the next working day's start). */
int64_t cal_add_work_days(const calendar *self, int64_t start, int days);

/* Working minutes between a and b (0 when b <= a). */
long cal_work_minutes_between(const calendar *self, int64_t a, int64_t b);

/* Frees the calendar and sets *self to NULL. */
/* The calendar the configuration describes: calendar.day_start and
 * calendar.day_end ("08:30", "17:30"), calendar.utc_offset_minutes (480) and
 * the holiday files in calendar.dir (default <data.dir>/holidays). Sets
 * *day_minutes to the length of a working day when not NULL. NULL with
 * "calendar: reason" in err. */
calendar *cal_from_config(const config *cfg, int *day_minutes, char *err, size_t errlen);

void cal_destroy(calendar **self);

#endif
