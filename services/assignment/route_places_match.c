/* route_places_match.c — finding a complaint's street in its address and content
 * (see route_places.h for the rules, route_places.c for the written forms).
 *
 * One Aho–Corasick pass per text collects the hits; hits inside longer hits
 * (or weaker forms of the same words meaning the same street) are dropped;
 * the rest are tallied per street and the street with the most mentions wins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route_places_int.h"
#include "route_say.h"

/* Confidence of each written form (place_form order). */
static const double FORM_SCORE[] = {0.85, 0.9, 0.9, 0.95, 1.0};

#define LIST_STREETS     4      /* streets listed in an ambiguity reason */
#define MAX_HITS         64     /* per text; more is no better evidence */
#define DISAGREE_FACTOR  0.9    /* the address names one street, the content another */
#define AMBIGUOUS_FACTOR 0.5    /* the deciding text names two or more streets */
#define CONTENT_FACTOR   0.8    /* the place is only in the content, not the address */
#define VILLAGE_FACTOR   0.5    /* ... and only through community or village names */
#define ROAD_FACTOR      0.6    /* the deciding words are a road name without a house number the tables cover */
typedef struct {
    int32_t     place;
    place_form  form;
    size_t      start, end;
    int32_t     street;       /* the street this hit means */
    const char *community;    /* community code it names, or NULL */
    int32_t     range;        /* gazetteer range it fell in, or -1 */
    long        number;       /* house number after a road name, or -1 */
    int         covered;      /* a gazetteer range (or a row for every number) holds that number */
    int         approximate;  /* ... and it is a shipped range, right for the main stretch only */
} hit;

typedef struct {
    const route_places *self;
    const char         *text;
    size_t              len;
    hit                 hits[MAX_HITS];
    size_t              n;
} hit_list;

/* What one text says about one street. */
typedef struct {
    int32_t street;
    int     mentions;
    size_t  best;         /* index of its strongest (then earliest) hit */
    int32_t community;    /* index of its strongest hit naming a community, or -1 */
    int     beyond;       /* hits that are not community names (a street, a road, a landmark) */
} tally;

typedef struct {
    tally  t[MAX_HITS];
    size_t n;
} tally_set;

/* ---- matching ---- */

#define say(out, len, ...) route_say((out)->reason, sizeof (out)->reason, (len), __VA_ARGS__)

/* The house number written right after a road name: digits (a dash and more
 * digits allowed: 12-3号) then 号. -1 when there is none. */
static long house_number(const char *text, size_t len, size_t at)
{
    while (at < len && text[at] == ' ')
        at++;
    size_t start = at;
    long n = 0;
    while (at < len && text[at] >= '0' && text[at] <= '9' && at - start < 9)
        n = n * 10 + (text[at++] - '0');
    if (at == start)
        return -1;
    while (at < len && (text[at] == '-' || (text[at] >= '0' && text[at] <= '9')))
        at++;
    return len - at >= 3 && memcmp(text + at, "号", 3) == 0 ? n : -1;
}

static int push_hit(hit_list *h, hit x)
{
    if (h->n == MAX_HITS)
        return 1;
    h->hits[h->n++] = x;
    return 0;
}

/* A gazetteer hit: the range its house number falls in, else the range
 * without numbers, else one hit per street the road crosses. */
static int gazetteer_hit(hit_list *h, hit x)
{
    const route_places *self = h->self;
    const place *p = &self->places[x.place];
    int32_t pick = -1, rest = -1, first = -1;
    x.number = house_number(h->text, h->len, x.end);
    for (int32_t r = p->ranges; r >= 0 && pick < 0; r = self->ranges[r].next) {
        const gaz_range *g = &self->ranges[r];
        if (g->street < 0)
            continue;
        first = first < 0 ? r : first;
        if (g->from < 0)
            rest = r;
        else if (x.number >= g->from && x.number <= g->to)
            pick = r;
    }
    x.covered = x.number >= 0 && (pick >= 0 || rest >= 0);
    x.approximate = pick >= 0 && self->ranges[pick].approximate;
    if (pick < 0)
        pick = rest >= 0 ? rest : p->street != STREET_BY_NUMBER ? first : -1;
    if (pick >= 0) {
        x.range = pick;
        x.street = self->ranges[pick].street;
        x.community = *self->ranges[pick].community ? self->ranges[pick].community : NULL;
        return push_hit(h, x);
    }
    for (int32_t r = p->ranges; r >= 0; r = self->ranges[r].next) {
        int seen = self->ranges[r].street < 0;
        for (size_t i = 0; i < h->n && !seen; i++)
            seen = h->hits[i].start == x.start && h->hits[i].street == self->ranges[r].street;
        if (seen)
            continue;
        x.range = r;
        x.street = self->ranges[r].street;
        if (push_hit(h, x))
            return 1;
    }
    return 0;
}

static int on_hit(void *ctx, int32_t value, size_t start, size_t end)
{
    hit_list *h = ctx;
    const pattern *p = &h->self->pats[value];
    const place *pl = &h->self->places[p->place];
    if (pl->street == -1)
        return 0;                       /* a community or road whose street is not loaded */
    hit x = {.place = p->place, .form = p->form, .start = start, .end = end, .street = pl->street,
             .community = pl->level == LEVEL_COMMUNITY ? pl->code : NULL, .range = -1, .number = -1};
    return pl->level == LEVEL_GAZETTEER ? gazetteer_hit(h, x) : push_hit(h, x);
}

/* 1 if g covers h and is longer, or covers exactly the same words in a
 * stronger form meaning the same street, or is a road with a house number
 * where h is a bare short name (海口路120号 is an address on the road, not
 * the community 海口路; 香港中路150号 not the street 香港中路街道). */
static int dominates(const hit *g, const hit *h)
{
    if (g->start > h->start || g->end < h->end)
        return 0;
    size_t gl = g->end - g->start, hl = h->end - h->start;
    return gl > hl || (gl == hl && g->form > h->form && g->street == h->street) ||
           (gl == hl && g->number >= 0 && (h->form == FORM_COMMUNITY_SHORT || h->form == FORM_STREET_SHORT));
}

/* Finds the places in text, without hits on the excluded streets. */
static void scan(const route_places *self, const char *text, const route_exclude *ex, hit_list *h)
{
    h->self = self;
    h->text = text;
    h->n = 0;
    if (!text)
        return;
    h->len = strlen(text);
    route_ac_scan(self->ac, text, h->len, on_hit, h);
    unsigned char drop[MAX_HITS] = {0};
    for (size_t i = 0; i < h->n; i++) {
        drop[i] = ex && ex->district && strncmp(self->places[h->hits[i].street].code, ex->district, 6) != 0;
        for (size_t k = 0; ex && k < ex->n && !drop[i]; k++)
            drop[i] = strcmp(self->places[h->hits[i].street].code, ex->street_codes[k]) == 0;
        for (size_t j = 0; j < h->n && !drop[i]; j++)
            drop[i] = j != i && dominates(&h->hits[j], &h->hits[i]);
    }
    size_t keep = 0;
    for (size_t i = 0; i < h->n; i++)
        if (!drop[i])
            h->hits[keep++] = h->hits[i];
    h->n = keep;
}

/* 1 if the words end like a road's name (泰州路 is a road and a community of 市南区). */
static int road_like(const char *text, size_t start, size_t end)
{
    static const char *const SUFFIX[] = {"路", "街", "道", "巷", "线", NULL};
    for (const char *const *x = SUFFIX; *x; x++) {
        size_t k = strlen(*x);
        if (end - start >= k && memcmp(text + end - k, *x, k) == 0)
            return 1;
    }
    return 0;
}

/* 1 if hit x is a road's name alone: a gazetteer road without a house number
 * its rows cover (or with one in an approximate range), or a community's
 * bare name that is a road's name too. */
static int road_alone(const hit_list *h, const hit *x)
{
    int level = h->self->places[x->place].level;
    if (!road_like(h->text, x->start, x->end))
        return 0;
    return (level == LEVEL_GAZETTEER && (!x->covered || x->approximate)) ||
           (level == LEVEL_COMMUNITY && x->form == FORM_COMMUNITY_SHORT);
}

/* 1 if hit a is better evidence than hit b: stronger form, then earlier. */
static int stronger(const hit *a, const hit *b)
{
    return a->form != b->form ? a->form > b->form : a->start < b->start;
}

static void count_streets(const hit_list *h, tally_set *ts)
{
    ts->n = 0;
    for (size_t i = 0; i < h->n; i++) {
        const hit *x = &h->hits[i];
        size_t k = 0;
        while (k < ts->n && ts->t[k].street != x->street)
            k++;
        tally *t = &ts->t[k];
        if (k == ts->n) {
            *t = (tally){.street = x->street, .mentions = 0, .best = i, .community = -1, .beyond = 0};
            ts->n++;
        }
        t->mentions++;
        t->beyond += h->self->places[x->place].level != LEVEL_COMMUNITY;
        if (stronger(x, &h->hits[t->best]))
            t->best = i;
        if (x->community && (t->community < 0 || stronger(x, &h->hits[t->community])))
            t->community = (int32_t)i;
    }
}

/* The street with the most mentions, then the strongest hit, then the earliest. */
static const tally *winner(const hit_list *h, const tally_set *ts)
{
    const tally *w = &ts->t[0];
    for (size_t k = 1; k < ts->n; k++) {
        const tally *t = &ts->t[k];
        if (t->mentions != w->mentions ? t->mentions > w->mentions
                                       : stronger(&h->hits[t->best], &h->hits[w->best]))
            w = t;
    }
    return w;
}

/* "沙子口街道（沙子口）": a street and the words that named it. */
static void say_street(const route_places *self, const hit_list *h, const tally *t,
                       route_place_result *out, size_t *len)
{
    const hit *b = &h->hits[t->best];
    say(out, len, "%s（%.*s）", self->places[t->street].name, (int)(b->end - b->start), h->text + b->start);
}

/* "门牌库 海尔路 178号（号段 100-999）" */
static void say_gazetteer(const route_places *self, const hit *b, route_place_result *out, size_t *len)
{
    const gaz_range *g = &self->ranges[b->range];
    say(out, len, "门牌库 %s", self->places[b->place].name);
    if (b->number >= 0)
        say(out, len, " %ld号", b->number);
    if (g->from >= 0)
        say(out, len, "（号段 %ld-%ld）", g->from, g->to);
}

/* "地址中匹配到社区 张村社区（写作“张村”）→ 中韩街道" */
static void say_match(const route_places *self, const hit_list *h, const tally *t,
                      const char *where, route_place_result *out, size_t *len)
{
    const hit *b = &h->hits[t->community >= 0 ? (size_t)t->community : t->best];
    const place *p = &self->places[b->place];
    int mlen = (int)(b->end - b->start);
    say(out, len, "%s中匹配到", where);
    if (p->level == LEVEL_GAZETTEER) {
        say_gazetteer(self, b, out, len);
    } else {
        say(out, len, "%s %s", p->level == LEVEL_COMMUNITY ? "社区" : "街道", p->name);
        if (strlen(p->name) != (size_t)mlen || memcmp(p->name, h->text + b->start, (size_t)mlen) != 0)
            say(out, len, "（写作“%.*s”）", mlen, h->text + b->start);
    }
    if (p->level != LEVEL_STREET)
        say(out, len, " → %s", self->places[t->street].name);
}

static void say_ambiguous(const route_places *self, const hit_list *h, const tally_set *ts,
                          const tally *w, const char *where, route_place_result *out, size_t *len)
{
    say(out, len, "%s提到 %zu 个街道：", where, ts->n);
    for (size_t k = 0; k < ts->n && k < LIST_STREETS; k++) {
        say(out, len, "%s", k ? "、" : "");
        say_street(self, h, &ts->t[k], out, len);
    }
    say(out, len, "%s；建议 %s", ts->n > LIST_STREETS ? "、…" : "",
        self->places[w->street].name);
}

void route_places_match(const route_places *self, const char *address, const char *content,
                        route_place_result *out)
{
    route_places_match_excluding(self, address, content, NULL, out);
}

void route_places_match_excluding(const route_places *self, const char *address, const char *content,
                                  const route_exclude *ex, route_place_result *out)
{
    hit_list ha, hc;
    tally_set ta, tc;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    out->street_name = "";
    scan(self, address, ex, &ha);
    scan(self, content, ex, &hc);
    count_streets(&ha, &ta);
    count_streets(&hc, &tc);
    if (ta.n == 0 && tc.n == 0) {
        out->rule = "none";
        say(out, &len, "地址和诉求内容中都没有街道或社区名称");
        if (ex && ex->n)
            say(out, &len, "（已退回过此单的 %zu 个街道除外）", ex->n);
        return;
    }
    int in_address = ta.n > 0;
    const hit_list *h = in_address ? &ha : &hc;
    const tally_set *ts = in_address ? &ta : &tc;
    const char *where = in_address ? "地址" : "诉求内容";
    const tally *w = winner(h, ts);
    const place *street = &self->places[w->street];
    snprintf(out->street_code, sizeof out->street_code, "%s", street->code);
    out->street_name = street->name;
    if (w->community >= 0)
        snprintf(out->community_code, sizeof out->community_code, "%s", h->hits[w->community].community);
    out->score = FORM_SCORE[h->hits[w->best].form] * (in_address ? 1.0 : CONTENT_FACTOR);
    out->in_address = in_address;
    int villages_only = !in_address && !w->beyond, road = road_alone(h, &h->hits[w->best]);
    if (villages_only)
        out->score *= VILLAGE_FACTOR;
    if (road)
        out->score *= ROAD_FACTOR;
    if (ts->n > 1) {
        out->rule = "ambiguous";
        out->score *= AMBIGUOUS_FACTOR;
        say_ambiguous(self, h, ts, w, where, out, &len);
        return;
    }
    const hit *b = &h->hits[w->community >= 0 ? (size_t)w->community : w->best];
    out->rule = self->places[b->place].level == LEVEL_GAZETTEER ? "gazetteer"
                : w->community >= 0                             ? "community"
                                                                : "street";
    say_match(self, h, w, where, out, &len);
    if (villages_only)
        say(out, &len, "；只在诉求内容中提到社区或村名，没有地址或街道");
    if (road)
        say(out, &len, h->hits[w->best].approximate ? "；门牌号落在随系统提供的门牌库的近似号段内"
                                                    : "；只有路名，没有门牌库收录的门牌号");
    for (size_t k = 0; in_address && k < tc.n; k++)
        if (tc.t[k].street != w->street) {
            out->score *= DISAGREE_FACTOR;
            say(out, &len, "；诉求内容提到 ");
            say_street(self, &hc, &tc.t[k], out, &len);
            break;
        }
}
