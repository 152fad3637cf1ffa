/* report_json.c — JSON renderings of the reports (see report_json.h). */
#include "report_json.h"

#include <math.h>
#include <string.h>

#include "json.h"

void report_json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    char esc[JSON_ESCAPE_MAX];
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputs(json_escape_byte(*p, esc), f);
    fputc('"', f);
}

static void json_number(FILE *f, double v, const char *fmt)
{
    if (isnan(v) || isinf(v))
        fputs("null", f);
    else
        fprintf(f, fmt, v);
}

static void json_rank(FILE *f, int rank)
{
    if (rank)
        fprintf(f, "%d", rank);
    else
        fputs("null", f);
}

static void json_counts(FILE *f, const report_counts *n)
{
    fprintf(f, "{\"dispatched\": %ld, \"accepted_on_time\": %ld, \"assigned\": %ld, \"resolved\": %ld, "
               "\"callbacks\": %ld, \"satisfied\": %ld, \"due\": %ld, \"on_time\": %ld, \"owned\": %ld, "
               "\"returned\": %ld, \"called\": %ld, \"repeats\": %ld}",
            n->dispatched, n->accepted_on_time, n->assigned, n->resolved, n->callbacks, n->satisfied, n->due,
            n->on_time, n->owned, n->returned, n->called, n->repeats);
}

static void json_unit(FILE *f, const report_unit *u, const report_unit *prev)
{
    fputs("{\"code\": ", f);
    report_json_string(f, u->code);
    fputs(", \"name\": ", f);
    report_json_string(f, u->name);
    fprintf(f, ", \"kind\": \"%s\", \"rank\": ", u->kind);
    json_rank(f, u->rank);
    fprintf(f, ", \"too_few_cases\": %s, \"unranked\": ", u->unranked && strcmp(u->unranked, REPORT_THIN) == 0 ? "true" : "false");
    report_json_string(f, u->unranked);
    fprintf(f, ", \"flag\": %s, \"composite\": ", u->flag == 'R' ? "\"red\"" : u->flag == 'Y' ? "\"yellow\"" : "null");
    json_number(f, u->composite, "%.4f");
    fputs(", \"prev_composite\": ", f);
    json_number(f, prev ? prev->composite : NAN, "%.4f");
    fputs(", \"prev_rank\": ", f);
    json_rank(f, prev ? prev->rank : 0);
    fputs(", \"prev_unranked\": ", f);      /* why last week's rank is none, as unranked says this week's */
    report_json_string(f, prev ? prev->unranked : NULL);
    fprintf(f, ", \"overdue\": %ld", u->overdue);
    for (int r = 0; r < RATE_COUNT; r++) {
        fprintf(f, ", \"%s_rate\": ", REPORT_RATES[r].key);
        json_number(f, u->rate[r], "%.6f");
        fprintf(f, ", \"%s_rank\": ", REPORT_RATES[r].key);
        json_rank(f, u->rate_rank[r]);
        if (u->thin[r])
            fprintf(f, ", \"%s_too_few_cases\": true", REPORT_RATES[r].key);
    }
    fputs(", \"counts\": ", f);
    json_counts(f, &u->n);
    fputc('}', f);
}

static void json_order(FILE *f, const report_order *o)
{
    const char *keys[] = {"unit_code", "unit", "ticket", "category", "caller", "place", "deadline", "due_at", "state", "rung"};
    const char *vals[] = {o->unit_code, o->unit_name, o->ticket, o->category, o->caller,
                          o->place, o->deadline, o->due_at, o->state, o->rung};
    fputc('{', f);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        fprintf(f, "%s\"%s\": ", i ? ", " : "", keys[i]);
        report_json_string(f, vals[i]);
    }
    fprintf(f, ", \"hours_late\": %.1f, \"alerts\": %ld}", o->hours_late, o->alerts);
}

static void json_holds(FILE *f, const report_holds *h)
{
    fputs("{\"unit_code\": ", f);
    report_json_string(f, h->code);
    fputs(", \"unit\": ", f);
    report_json_string(f, h->name);
    fprintf(f, ", \"holds\": %ld, \"hold_hours\": ", h->holds);
    json_number(f, h->hold_hours, "%.1f");
    fprintf(f, ", \"extensions_asked\": %ld, \"extensions_approved\": %ld, \"extensions_rejected\": %ld}",
            h->asked, h->approved, h->rejected);
}

static void json_hotspots(FILE *f, const report_hotspot *h, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", {\"name\": " : "{\"name\": ", f);
        report_json_string(f, h[i].name);
        fprintf(f, ", \"kind\": \"%s\", \"count\": %ld, \"prev\": %ld}", report_hot_key(h[i].kind), h[i].count,
                h[i].prev);
    }
    fputc(']', f);
}

void report_json_bulletin(FILE *f, const report_bulletin *b)
{
    const report_period *p = &b->cur->period;
    fprintf(f, "{\"week\": \"%s\", \"from\": \"%s\", \"to\": \"%s\", \"prev_week\": \"%s\", \"generated_at\": ",
            p->label, p->from, p->last, b->prev->period.label);
    report_json_string(f, b->generated_at);
    fprintf(f, ", \"days_begun\": %d", b->days_begun);
    fputs(",\n \"units\": [", f);
    for (size_t i = 0; i < b->cur->n; i++) {
        fputs(i ? ",\n  " : "\n  ", f);
        json_unit(f, &b->cur->units[i], report_bulletin_prev(b, &b->cur->units[i]));
    }
    fputs("],\n ", f);
    if (b->orders_withheld_from)    /* the list left out for this reader (an administrator), and why */
        fprintf(f, "\"orders_withheld\": %zu, ", b->orders_withheld);
    fputs("\"orders\": [", f);
    for (size_t i = 0; i < b->n_orders; i++) {
        fputs(i ? ",\n  " : "\n  ", f);
        json_order(f, &b->orders[i]);
    }
    fputs("],\n \"holds\": [", f);
    for (size_t i = 0; i < b->n_holds; i++) {
        fputs(i ? ",\n  " : "\n  ", f);
        json_holds(f, &b->holds[i]);
    }
    fprintf(f, "],\n \"hotspots\": {\"prev_days\": %d, \"categories\": ", b->days_begun < 7 ? b->days_begun : 7);
    json_hotspots(f, b->categories, b->n_categories);
    fputs(", \"places\": ", f);
    json_hotspots(f, b->places, b->n_places);
    fputs("}}\n", f);
}

void report_json_daily(FILE *f, const report_daily *d)
{
    fprintf(f, "{\"date\": \"%s\", \"streets\": [", d->day.from);
    for (size_t i = 0; i < d->n; i++) {
        const report_daily_row *r = &d->rows[i];
        fputs(i ? ",\n  {\"code\": " : "\n  {\"code\": ", f);
        report_json_string(f, r->code);
        fputs(", \"name\": ", f);
        report_json_string(f, r->name);
        fprintf(f, ", \"new\": %ld, \"in_progress\": %ld, \"due_today\": %ld, \"overdue\": %ld, "
                   "\"closed\": %ld, \"escalated\": %ld}",
                r->new_orders, r->in_progress, r->due_today, r->overdue, r->closed, r->escalated);
    }
    fputs("]}\n", f);
}

void report_json_live(FILE *f, const report_live *l)
{
    fprintf(f, "{\"day\": %d, \"imported\": %ld, \"routed\": %ld, \"status\": %ld, \"alerts\": %ld, "
               "\"events\": %ld, \"reloads\": %ld}\n",
            l->day, l->imported, l->routed, l->status, l->alerts, l->events, l->reloads);
}

static void streets_counts(FILE *f, const Jiesu__StreetSummary *s)
{
    fprintf(f, "\"total\": %lld, \"routed\": %lld, \"open\": %lld, \"resolved\": %lld, "
               "\"overdue\": %lld, \"alerts\": %lld",
            (long long)s->total, (long long)s->routed, (long long)s->open, (long long)s->resolved,
            (long long)s->overdue, (long long)s->alerts);
    fprintf(f, ", \"holds\": %lld, \"hold_hours\": ", (long long)s->holds);
    json_number(f, round(s->hold_hours * 10) / 10, "%.1f");
    fprintf(f, ", \"extensions_asked\": %lld, \"extensions_approved\": %lld, \"extensions_rejected\": %lld",
            (long long)s->extensions_asked, (long long)s->extensions_approved, (long long)s->extensions_rejected);
}

/* The orders behind a unit's row (jiesu report 单位): overdue (held 0), or on hold (1). */
static void json_unit_orders(FILE *f, const Jiesu__ReportReply *r, int held)
{
    const char *sep = "";
    fputc('[', f);
    for (size_t i = 0; i < r->n_orders; i++) {
        const Jiesu__UnitOrder *o = r->orders[i];
        if (o->held != held)
            continue;
        const char *keys[] = {"ticket", "category", "place", held ? "since" : "deadline", held ? "reason" : "due_at"};
        const char *vals[] = {o->ticket, o->category, o->place, held ? o->held_since : o->deadline,
                              held ? o->held_reason : o->due_at};
        fputs(sep, f);
        sep = ", ";
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            fprintf(f, "%s\"%s\": ", k ? ", " : "{", keys[k]);
            report_json_string(f, vals[k]);
        }
        if (!held)
            fprintf(f, ", \"hours_late\": %.1f", o->hours_late);
        fputc('}', f);
    }
    fputc(']', f);
}

void report_json_streets(FILE *f, const Jiesu__ReportReply *r, const char *from, const char *to)
{
    Jiesu__StreetSummary sum = JIESU__STREET_SUMMARY__INIT;
    fputs("{\"kind\": ", f);
    report_json_string(f, r->kind);
    fprintf(f, ", \"generated_at_ms\": %lld, \"from\": ", (long long)r->generated_at_ms);
    report_json_string(f, from);
    fputs(", \"to\": ", f);
    report_json_string(f, to);
    fputs(",\n \"streets\": [", f);
    for (size_t i = 0; i < r->n_streets; i++) {
        const Jiesu__StreetSummary *s = r->streets[i];
        fputs(i ? ",\n  {\"code\": " : "\n  {\"code\": ", f);
        report_json_string(f, s->street_code);
        fputs(", \"name\": ", f);
        report_json_string(f, s->street_name);
        fputs(", ", f);
        streets_counts(f, s);
        fputc('}', f);
        report_streets_add(&sum, s);
    }
    fputs("],\n \"total\": {", f);
    streets_counts(f, &sum);
    fprintf(f, "},\n \"manual\": %lld, \"unrouted\": %lld", (long long)r->manual, (long long)r->unrouted);
    if (*r->unit) {
        fputs(",\n \"overdue_orders\": ", f);
        json_unit_orders(f, r, 0);
        fputs(",\n \"held_orders\": ", f);
        json_unit_orders(f, r, 1);
    }
    fputs("}\n", f);
}
