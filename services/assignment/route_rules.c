/* route_rules.c — loading the routing tables, calendar and decider (see route_rules.h). */
#include "route_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holidays.h"
#include "log.h"

route_rules *route_rules_load(PGconn *pg, const config *cfg, char *err, size_t errlen)
{
    route_rules *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "routing rules: out of memory");
        return NULL;
    }
    char geo_dir[1024];
    snprintf(geo_dir, sizeof geo_dir, "%s/geo", config_get(cfg, "data.dir", "data"));
    if (!(self->places = route_places_load(pg, err, errlen)) || !(self->cats = route_cat_load(pg, err, errlen)) ||
        !(self->calendar = cal_from_config(cfg, &self->day_minutes, err, errlen)) ||
        holidays_load(pg, self->calendar, err, errlen) < 0 ||
        holidays_version(pg, self->holidays_version, sizeof self->holidays_version, err, errlen) < 0 ||
        !(self->geo = route_geo_load_dir(config_get(cfg, "geo.dir", geo_dir), err, errlen))) {
        route_rules_destroy(&self);
        return NULL;
    }
    int conduct = route_cat_find(self->cats, "conduct");
    route_cat_watch(self->cats, conduct);
    self->decider = (route_decider){
        .places = self->places,
        .geo = self->geo,
        .cats = self->cats,
        .conduct = conduct,
        .min_score = strtod(config_get(cfg, "assignment.min_score", "0.6"), NULL),
        .default_accept_minutes = (int)config_get_long(cfg, "deadline.default_accept_minutes", 120),
        .default_resolve_days = strtod(config_get(cfg, "deadline.default_resolve_days", "3"), NULL),
    };
    return self;
}

int64_t route_rules_due_ms(const route_rules *self, int64_t now_ms, long flat_seconds, long work_minutes)
{
    if (flat_seconds > 0)
        return now_ms + 1000 * (int64_t)flat_seconds;
    return 1000 * cal_add_work_minutes(self->calendar, now_ms / 1000, work_minutes);
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
    cal_destroy(&(*self)->calendar);
    route_geo_destroy(&(*self)->geo);
    free(*self);
    *self = NULL;
}
