/* report_json.h — the reports as JSON, for the HTTP API and `--json` output.
 * Undefined rates (denominator 0) are null; rates are fractions 0..1.
 */
#ifndef JIESU_REPORT_JSON_H
#define JIESU_REPORT_JSON_H

#include <stdio.h>

#include "report_bulletin.h"
#include "report_daily.h"
#include "report_live.h"
#include "report_streets.h"

/* Writes s as a JSON string (NULL as null). */
void report_json_string(FILE *f, const char *s);

/* {"week": ..., "from": ..., "to": ..., "units": [...], "orders": [...], "hotspots": {...}} */
void report_json_bulletin(FILE *f, const report_bulletin *b);

/* {"date": ..., "streets": [{"code", "name", "new", "in_progress", ...}]} */
void report_json_daily(FILE *f, const report_daily *d);

/* The per-street summary: {"kind", "generated_at_ms", "from", "to", "streets": [...],
 * "total": {...}, "manual", "unrouted"}; from and to may be NULL. */
void report_json_streets(FILE *f, const Jiesu__ReportReply *r, const char *from, const char *to);

/* {"day": YYYYMMDD, "imported": n, ..., "events": n, "reloads": n} */
void report_json_live(FILE *f, const report_live *l);

#endif
