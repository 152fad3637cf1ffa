/* route_decide.c — one complaint's routing decision (see route_decide.h). */
#include "route_decide.h"

#include <stdio.h>
#include <string.h>

#include "route_say.h"

#define DISCIPLINE_UNIT "discipline"     /* for a district not known: unit <district>.discipline otherwise */
#define DISTRICT_DIGITS 6

/* Words that name an office or an official: with a conduct term they make a
 * complaint about conduct. 物业 staff, shop owners and neighbours are not in it. */
static const char *const OFFICE_WORDS[] = {
    "街道办", "办事处", "街道工作人员", "社区工作人员", "居委会", "村委会", "社区书记", "社区主任",
    "网格员", "城管", "执法人员", "执法队员", "执法局", "公务员", "干部", "窗口", "民警", "政府",
    NULL,
};

#define say(out, len, ...) route_say((out)->reasons, sizeof (out)->reasons, (len), __VA_ARGS__)

/* The first office word in text, or NULL. */
static const char *office_named(const char *text)
{
    for (const char *const *w = OFFICE_WORDS; text && *w; w++)
        if (strstr(text, *w))
            return *w;
    return NULL;
}

/* Category: from the column or the terms. A conduct term and an office
 * named make a conduct complaint whatever else the text is about; a conduct
 * term without an office does not count. Returns the office word (or the
 * hotline's say-so) for a conduct complaint, else NULL. */
static const char *categorize(const route_decider *d, const route_input *in, route_decision *out)
{
    int conduct = d->conduct;
    const char *office;
    route_cat_classify(d->cats, in->category_raw, in->content, &out->cat);
    if (strcmp(out->cat.rule, "hotline-category") == 0)
        return out->cat.category == conduct && conduct >= 0 ? "the hotline's category" : NULL;
    if (out->cat.watch_term && (office = office_named(in->content)) != NULL) {
        snprintf(out->cat.reason, sizeof out->cat.reason, "conduct term %s", out->cat.watch_term);
        out->cat.category = conduct;
        out->cat.score = 1.0;
        out->cat.rule = "terms";
        return office;
    }
    if (out->cat.category == conduct && conduct >= 0)
        route_cat_classify_without(d->cats, in->content, conduct, &out->cat);
    return NULL;
}

/* To the discipline inspection of the place's district (else of the
 * coordinates' district, else the one for a district not known). */
static void to_discipline(route_decision *out, const char *office, const char *district, size_t *len)
{
    out->owner = ROUTE_TO_DISCIPLINE;
    out->rule = "conduct";
    out->score = out->cat.score > 0.6 ? out->cat.score : 0.6;
    if (*out->place.street_code)
        snprintf(out->owner_code, sizeof out->owner_code, "%.*s.%s", DISTRICT_DIGITS, out->place.street_code,
                 DISCIPLINE_UNIT);
    else if (district)
        snprintf(out->owner_code, sizeof out->owner_code, "%s.%s", district, DISCIPLINE_UNIT);
    else
        snprintf(out->owner_code, sizeof out->owner_code, "%s", DISCIPLINE_UNIT);
    say(out, len, "conduct complaint (%s; names %s) → discipline inspection %s", out->cat.reason, office,
        out->owner_code);
    if (*out->place.street_code)
        say(out, len, "; the office complained about, %s, is not given the order", out->place.street_name);
}

static void to_street(const route_decider *d, route_decision *out, size_t *len)
{
    const route_category *c = route_cat_get(d->cats, out->cat.category);
    out->rule = out->place.rule;
    out->score = out->place.score;
    say(out, len, "%s", out->place.reason);
    if (!*out->place.street_code || out->place.score < d->min_score) {
        out->owner = ROUTE_TO_MANUAL;
        if (*out->place.street_code)
            say(out, len, "; score %.2f under %.2f", out->place.score, d->min_score);
        say(out, len, "; manual dispatch");
    } else {
        out->owner = ROUTE_TO_STREET;
        snprintf(out->owner_code, sizeof out->owner_code, "%s", out->place.street_code);
    }
    say(out, len, "; %s", out->cat.reason);
    if (out->owner == ROUTE_TO_STREET && c && *c->dept_kind) {
        snprintf(out->co_code, sizeof out->co_code, "%.*s.%s", DISTRICT_DIGITS, out->place.street_code,
                 c->dept_kind);
        say(out, len, "; co-handler %s", out->co_code);
    }
}

/* The place, within the district of the coordinates when they fall in one. Returns that district or NULL. */
static const char *locate(const route_decider *d, const route_input *in, route_decision *out)
{
    route_exclude ex = in->exclude ? *in->exclude : (route_exclude){0};
    ex.district = in->has_coords ? route_geo_district(d->geo, in->lon, in->lat) : NULL;
    route_places_match_excluding(d->places, in->address, in->content, &ex, &out->place);
    return ex.district;
}

void route_decide(const route_decider *d, const route_input *in, route_decision *out)
{
    size_t len = 0;
    memset(out, 0, sizeof *out);
    const char *office = categorize(d, in, out);
    const char *district = locate(d, in, out);
    if (office)
        to_discipline(out, office, district, &len);
    else
        to_street(d, out, &len);
    if (in->has_coords)
        say(out, &len, "; coordinates %.5f,%.5f %s%s", in->lon, in->lat,
            district ? "in district " : "outside the loaded district boundaries", district ? district : "");
    const route_category *c = route_cat_get(d->cats, out->cat.category);
    out->category_code = c ? c->code : NULL;
    if (!route_cat_limits(d->cats, out->cat.category, in->urgency, d->default_accept_minutes,
                          d->default_resolve_days, &out->accept_minutes, &out->resolve_days))
        say(out, &len, "; urgency '%s' unknown, limits of 一般", in->urgency);
}
