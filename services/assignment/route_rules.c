/* route_rules.c — loading the routing tables, model, calendar and decider (see route_rules.h). */
#include "route_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "db.h"
#include "holidays.h"
#include "log.h"

#define MAX_DISTRICT_ROWS 4096

static const char SQL_MODEL[] = "SELECT version, blob FROM models ORDER BY version DESC LIMIT 1";
enum { M_VERSION, M_BLOB };

static const char SQL_LOADED[] =
    "SELECT coalesce(string_agg(code, ','), '') FROM regions WHERE level = 'district'";

/* The conduct category's terms into the conduct detector. NULL with err. */
static route_conduct *load_conduct(const route_cat *cats, int conduct, char *err, size_t errlen)
{
    route_conduct *c = route_conduct_new();
    int cat, rc = c ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < route_cat_term_count(cats); i++) {
        const char *t = route_cat_term(cats, i, &cat);
        if (conduct >= 0 && route_cat_within(cats, cat, conduct))
            rc = route_conduct_add_term(c, t);
    }
    if (rc != 0 || route_conduct_build(c) != 0) {
        snprintf(err, errlen, "conduct words: out of memory");
        route_conduct_destroy(&c);
    }
    return c;
}

typedef struct {
    char code[16], name[64], city[64];
} district_row;

/* Reads districts.csv (code,name,level,parent_code,city_name,nbs_year) into rows. Returns the count, -1. */
static long read_districts(const char *path, district_row *rows)
{
    FILE *fp = fopen(path, "rb");
    csv_reader *r = fp ? csv_reader_new_file(fp, NULL) : NULL;
    csv_record rec;
    long n = r ? 0 : -1;
    while (r && n < MAX_DISTRICT_ROWS && csv_read(r, &rec) == 1)
        if (rec.record_no > 1 && rec.status == CSV_OK && rec.nfields >= 5) {
            snprintf(rows[n].code, sizeof rows[n].code, "%s", rec.fields[0]);
            snprintf(rows[n].name, sizeof rows[n].name, "%s", rec.fields[1]);
            snprintf(rows[n].city, sizeof rows[n].city, "%s", rec.fields[4]);
            n++;
        }
    csv_reader_destroy(&r);
    if (fp)
        fclose(fp);
    return n;
}

/* 1 if some row of a loaded district lies in city. */
static int city_inside(const district_row *rows, long n, const char *loaded, const char *city)
{
    for (long i = 0; i < n; i++)
        if (strcmp(rows[i].city, city) == 0 && strstr(loaded, rows[i].code))
            return 1;
    return 0;
}

/* Every district and city of districts.csv that is not loaded, as places outside. 0 or -1. */
static int add_outside(route_juris *j, const district_row *rows, long n, const char *loaded)
{
    int rc = 0;
    for (long i = 0; rc == 0 && i < n; i++) {
        if (!strstr(loaded, rows[i].code))
            rc = route_juris_add(j, rows[i].name);
        if (rc == 0 && !city_inside(rows, n, loaded, rows[i].city))
            rc = route_juris_add(j, rows[i].city);
    }
    return rc;
}

/* The places outside the jurisdiction. NULL with err. */
static route_juris *load_juris(PGconn *pg, const config *cfg, char *err, size_t errlen)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/regions/districts.csv", config_str(cfg, "data.dir"));
    district_row *rows = calloc(MAX_DISTRICT_ROWS, sizeof *rows);
    char why[512] = "out of memory";
    PGresult *res = rows ? db_query(pg, "loaded districts", SQL_LOADED, 0, NULL, why, sizeof why) : NULL;
    route_juris *j = res ? route_juris_new() : NULL;
    long n = j ? read_districts(path, rows) : -1;
    if (!res) {
        snprintf(err, errlen, "jurisdiction: %s", why);
    } else if (n < 0 || add_outside(j, rows, n, PQgetvalue(res, 0, 0)) != 0 || route_juris_build(j) != 0) {
        snprintf(err, errlen, "jurisdiction: cannot read %s or the loaded districts (out of memory?)", path);
        route_juris_destroy(&j);
    }
    PQclear(res);
    free(rows);
    return j;
}

/* The newest model, if any, with each class's category. 0 (none is fine: a model that cannot be read
 * is logged and routing goes on by the dictionary) or -1 with err. */
static int load_model(route_rules *self, PGconn *pg, char *err, size_t errlen)
{
    char why[512];
    PGresult *res = db_query(pg, "load the text model", SQL_MODEL, 0, NULL, why, sizeof why);
    if (!res) {
        snprintf(err, errlen, "model: %s (run `jiesu migrate`?)", why);
        return -1;
    }
    if (PQntuples(res) == 1) {
        size_t len;
        unsigned char *blob = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, M_BLOB), &len);
        snprintf(why, sizeof why, "out of memory");
        self->model = blob ? route_model_from_blob(blob, len, why, sizeof why) : NULL;
        self->model_version = atoi(PQgetvalue(res, 0, M_VERSION));
        size_t nc = self->model ? route_model_class_count(self->model) : 0;
        self->model_cat = self->model ? calloc(nc, sizeof *self->model_cat) : NULL;
        for (size_t c = 0; self->model_cat && c < nc; c++)
            self->model_cat[c] = route_cat_find(self->cats, route_model_class(self->model, c));
        if (!self->model_cat) {
            log_warn("text model v%d cannot be used (%s); routing by the dictionary until a new one is trained"
                     " (`jiesu learn`)", self->model_version, why);
            route_model_destroy(&self->model);
        }
        PQfreemem(blob);
    }
    PQclear(res);
    return 0;
}

route_rules *route_rules_load(PGconn *pg, const config *cfg, char *err, size_t errlen)
{
    route_rules *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "routing rules: out of memory");
        return NULL;
    }
    char geo_dir[1024];
    snprintf(geo_dir, sizeof geo_dir, "%s/geo", config_str(cfg, "data.dir"));
    int conduct = -1;
    if (!(self->places = route_places_load(pg, err, errlen)) || !(self->cats = route_cat_load(pg, err, errlen)) ||
        !(self->conduct = load_conduct(self->cats, conduct = route_cat_find(self->cats, "conduct"), err, errlen)) ||
        !(self->juris = load_juris(pg, cfg, err, errlen)) || !(self->history = route_history_load(pg, err, errlen)) ||
        load_model(self, pg, err, errlen) != 0 ||
        !(self->calendar = holidays_calendar(pg, cfg, &self->day_minutes, err, errlen)) ||
        holidays_version(pg, self->holidays_version, sizeof self->holidays_version, err, errlen) < 0 ||
        !(self->ladder = ladder_table_load(pg, err, errlen)) ||
        !(self->geo = route_geo_load_dir(*config_str(cfg, "geo.dir") ? config_str(cfg, "geo.dir") : geo_dir, err, errlen))) {
        route_rules_destroy(&self);
        return NULL;
    }
    self->decider = (route_decider){
        .places = self->places,
        .geo = self->geo,
        .cats = self->cats,
        .conduct_words = self->conduct,
        .juris = self->juris,
        .history = self->history,
        .model = self->model,
        .model_cat = self->model_cat,
        .model_version = self->model_version,
        .conduct = conduct,
        .min_score = config_real(cfg, "assignment.min_score"),
        .min_prob = config_real(cfg, "assignment.min_category_prob"),
        .default_accept_minutes = (int)config_long(cfg, "deadline.default_accept_minutes"),
        .default_resolve_days = config_real(cfg, "deadline.default_resolve_days"),
    };
    return self;
}

int64_t route_rules_due_ms(const route_rules *self, int64_t now_ms, long flat_seconds, long work_minutes)
{
    if (flat_seconds > 0)
        return now_ms + 1000 * (int64_t)flat_seconds;
    return 1000 * calendar_add_work_minutes(self->calendar, now_ms / 1000, work_minutes);
}

int route_rules_calendar_changed(const route_rules *self, PGconn *pg)
{
    char version[64], err[256];
    if (holidays_version(pg, version, sizeof version, err, sizeof err) < 0) {
        log_warn("%s", err);
        return 0;
    }
    return strcmp(version, self->holidays_version) != 0;
}

void route_rules_limits(const route_rules *self, const char *category, const char *urgency, long *accept_minutes,
                        long *resolve_minutes)
{
    int accept;
    double days;
    route_cat_limits(self->cats, category ? route_cat_find(self->cats, category) : -1, urgency,
                     self->decider.default_accept_minutes, self->decider.default_resolve_days, &accept, &days);
    *accept_minutes = accept;
    *resolve_minutes = (long)(days * self->day_minutes + 0.5);
}

void route_rules_destroy(route_rules **self)
{
    if (!self || !*self)
        return;
    route_places_destroy(&(*self)->places);
    route_cat_destroy(&(*self)->cats);
    route_conduct_destroy(&(*self)->conduct);
    route_juris_destroy(&(*self)->juris);
    route_history_destroy(&(*self)->history);
    route_model_destroy(&(*self)->model);
    free((*self)->model_cat);
    calendar_destroy(&(*self)->calendar);
    ladder_table_destroy(&(*self)->ladder);
    route_geo_destroy(&(*self)->geo);
    free(*self);
    *self = NULL;
}
