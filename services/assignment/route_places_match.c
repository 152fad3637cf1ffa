/* route_places_match.c — finding a complaint's street in its address and content
 * (see route_places.h for the rules, route_places.c for the written forms).
 *
 * One Aho–Corasick pass per text collects the hits; hits inside longer hits
 * (or weaker forms of the same words meaning the same street) are dropped;
 * the rest are tallied per street and the street with the most mentions wins.
 * A name places of several districts have (市中街道 of 乐陵市 and of 禹城市)
 * keeps only the place of the district the rest of the complaint tells —
 * by the district's name, or by a place only one district has; else by its
 * city's name —, else it decides nothing: no street is proposed and the
 * reason names them all.
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
#define MAX_NAMED        8      /* district names kept per text */
#define MAX_TOLD         8      /* districts a complaint tells */
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
    int         told;         /* a name several districts have, settled by told district k of … */
    const struct told_set *told_by;   /* … this set; NULL */
} hit;

typedef struct {
    int32_t place;            /* a district, or a district's city */
    size_t  start, end;
} named;

typedef struct {
    const route_places *self;
    const char         *text;
    const char         *where;    /* 地址, 诉求内容 */
    size_t              len;
    hit                 hits[MAX_HITS];
    size_t              n;
    named               districts[MAX_NAMED];   /* district names in the text */
    size_t              ndistricts;
    named               cities[MAX_NAMED];      /* city names in the text: one per loaded district of the city */
    size_t              ncities;
} hit_list;

/* The districts a complaint tells, each by the first words that told it. */
typedef struct told_set {
    const char     *code[MAX_TOLD];     /* a place's code: its first six digits are the district's */
    const hit_list *by[MAX_TOLD];
    size_t          start[MAX_TOLD], end[MAX_TOLD];
    size_t          n;
} told_set;

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
    if (pl->level == LEVEL_DISTRICT || pl->level == LEVEL_CITY) {
        named *list = pl->level == LEVEL_CITY ? h->cities : h->districts;
        size_t *n = pl->level == LEVEL_CITY ? &h->ncities : &h->ndistricts;
        if (*n < MAX_NAMED)
            list[(*n)++] = (named){p->place, start, end};
        return 0;
    }
    if (pl->street == -1)
        return 0;                       /* a community or road whose street is not loaded */
    hit x = {.place = p->place, .form = p->form, .start = start, .end = end, .street = pl->street,
             .community = pl->level == LEVEL_COMMUNITY ? pl->code : NULL, .range = -1, .number = -1,
             .told = -1, .told_by = NULL};
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

/* Keeps the hits not dropped. */
static void keep_hits(hit_list *h, const unsigned char *drop)
{
    size_t keep = 0;
    for (size_t i = 0; i < h->n; i++)
        if (!drop[i])
            h->hits[keep++] = h->hits[i];
    h->n = keep;
}

/* Finds the places in text, without hits on the excluded streets. */
static void scan(const route_places *self, const char *text, const char *where, const route_exclude *ex,
                 hit_list *h)
{
    h->self = self;
    h->text = text;
    h->where = where;
    h->n = h->ndistricts = h->ncities = 0;
    if (!text)
        return;
    h->len = strlen(text);
    route_ac_scan(self->ac, text, h->len, on_hit, h);
    unsigned char drop[MAX_HITS] = {0};
    for (size_t i = 0; i < h->n; i++) {
        drop[i] = ex && ex->district
                  && strncmp(self->places[h->hits[i].street].code, ex->district, ROUTE_DISTRICT_DIGITS) != 0;
        for (size_t k = 0; ex && k < ex->n && !drop[i]; k++)
            drop[i] = strcmp(self->places[h->hits[i].street].code, ex->street_codes[k]) == 0;
        for (size_t j = 0; j < h->n && !drop[i]; j++)
            drop[i] = j != i && dominates(&h->hits[j], &h->hits[i]);
    }
    keep_hits(h, drop);
}

/* ---- names several districts have ---- */

static const char *code_of(const hit_list *h, const hit *x)
{
    return h->self->places[x->street].code;
}

static int same_district(const char *a, const char *b)
{
    return strncmp(a, b, ROUTE_DISTRICT_DIGITS) == 0;
}

static int same_words(const hit *a, const hit *b)
{
    return a->start == b->start && a->end == b->end;
}

/* 1 if the words of hit i name another place too, in another district (市中街道 of 乐陵市 and of 禹城市;
 * not a road crossing a district line, which is one place). */
static int shared(const hit_list *h, size_t i)
{
    const hit *x = &h->hits[i];
    for (size_t j = 0; j < h->n; j++)
        if (same_words(&h->hits[j], x) && h->hits[j].place != x->place &&
            !same_district(code_of(h, &h->hits[j]), code_of(h, x)))
            return 1;
    return 0;
}

static void tell(told_set *t, const char *code, const hit_list *h, size_t start, size_t end)
{
    for (size_t k = 0; k < t->n; k++)
        if (same_district(t->code[k], code))
            return;
    if (t->n < MAX_TOLD) {
        t->code[t->n] = code;
        t->by[t->n] = h;
        t->start[t->n] = start;
        t->end[t->n++] = end;
    }
}

static void tell_named(told_set *t, const hit_list *h, const named *list, size_t n)
{
    for (size_t k = 0; k < n; k++)
        tell(t, h->self->places[list[k].place].code, h, list[k].start, list[k].end);
}

/* The districts a text tells: those it names, and those of its places no other district has a namesake of;
 * apart, those of the cities it names. */
static void gather(const hit_list *h, told_set *t, told_set *by_city)
{
    tell_named(t, h, h->districts, h->ndistricts);
    tell_named(by_city, h, h->cities, h->ncities);
    for (size_t i = 0; i < h->n; i++)
        if (!shared(h, i))
            tell(t, code_of(h, &h->hits[i]), h, h->hits[i].start, h->hits[i].end);
}

#define TOLD_NONE    (-1)
#define TOLD_SEVERAL (-2)

/* The one told district among those the words of hit i name: its index in t, else TOLD_NONE or TOLD_SEVERAL. */
static int told_among(const hit_list *h, size_t i, const told_set *t)
{
    int pick = TOLD_NONE;
    for (size_t j = 0; j < h->n; j++)
        for (size_t k = 0; k < t->n && same_words(&h->hits[j], &h->hits[i]); k++)
            if (same_district(t->code[k], code_of(h, &h->hits[j]))) {
                if (pick >= 0 && pick != (int)k)
                    return TOLD_SEVERAL;
                pick = (int)k;
            }
    return pick;
}

/* Of each name several districts have, keeps the places of the one district the complaint tells (by a
 * city's name when nothing else tells one, and never against what else tells one). */
static void settle(hit_list *h, const told_set *t, const told_set *by_city)
{
    unsigned char drop[MAX_HITS] = {0};
    for (size_t i = 0; i < h->n; i++) {
        const told_set *by = t;
        int k = shared(h, i) ? told_among(h, i, t) : TOLD_SEVERAL, kc = TOLD_NONE;
        if (k != TOLD_SEVERAL)
            kc = told_among(h, i, by_city);
        if (k == TOLD_NONE) {
            k = kc;
            by = by_city;
        } else if (k >= 0 && kc >= 0 && !same_district(t->code[k], by_city->code[kc])) {
            k = TOLD_SEVERAL;
        }
        if (k >= 0 && same_district(by->code[k], code_of(h, &h->hits[i]))) {
            h->hits[i].told = k;
            h->hits[i].told_by = by;
        } else if (k >= 0) {
            drop[i] = 1;
        }
    }
    keep_hits(h, drop);
}

/* The first hit whose words name places of several districts, or h->n. */
static size_t first_shared(const hit_list *h)
{
    size_t i = 0;
    while (i < h->n && !shared(h, i))
        i++;
    return i;
}

/* The hits on the words of hit i, one per street, by street code: their indices into pick. Returns how many. */
static size_t namesakes(const hit_list *h, size_t i, size_t *pick)
{
    size_t n = 0;
    for (size_t j = 0; j < h->n; j++) {
        const hit *y = &h->hits[j];
        size_t k = 0;
        while (k < n && h->hits[pick[k]].street != y->street)
            k++;
        if (!same_words(y, &h->hits[i]) || k < n)
            continue;
        for (k = n++; k > 0 && strcmp(code_of(h, &h->hits[pick[k - 1]]), code_of(h, y)) > 0; k--)
            pick[k] = pick[k - 1];
        pick[k] = j;
    }
    return n;
}

/* "地址中的“市中街道”在乐陵市、禹城市各有一个": a name nothing tells the district of, its places' streets
 * in out->same. A community or road is named with its street (乐陵市胡家街道). */
static void say_same_name(const hit_list *h, size_t i, route_place_result *out, size_t *len)
{
    const route_places *self = h->self;
    const hit *x = &h->hits[i];
    size_t pick[MAX_HITS], n = namesakes(h, i, pick);
    say(out, len, "%s中的“%.*s”在", h->where, (int)(x->end - x->start), h->text + x->start);
    for (size_t k = 0; k < n && k < ROUTE_SAME_MAX; k++) {
        const place *st = &self->places[h->hits[pick[k]].street];
        say(out, len, "%s", k ? "、" : "");
        if (st->district >= 0)
            say(out, len, "%s", self->places[st->district].name);
        if (st->district < 0 || self->places[h->hits[pick[k]].place].level != LEVEL_STREET)
            say(out, len, "%s", st->name);
        snprintf(out->same[k], sizeof out->same[k], "%s", st->code);
        out->same_said[k] = PLACE_SAID(st);
    }
    out->nsame = n < ROUTE_SAME_MAX ? (int)n : ROUTE_SAME_MAX;
    say(out, len, "%s各有一个", n > ROUTE_SAME_MAX ? "、…" : "");
}

/* "；“市中街道”不止一个区县有，按地址中的“乐陵市”判断": why a name several districts have means this place. */
static void say_told(const hit_list *h, const hit *x, route_place_result *out, size_t *len)
{
    if (!x->told_by)
        return;
    const told_set *t = x->told_by;
    const hit_list *by = t->by[x->told];
    say(out, len, "；“%.*s”不止一个区县有，按%s中的“%.*s”判断", (int)(x->end - x->start), h->text + x->start,
        by->where, (int)(t->end[x->told] - t->start[x->told]), by->text + t->start[x->told]);
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
    say(out, len, "%s（%.*s）", PLACE_SAID(&self->places[t->street]), (int)(b->end - b->start), h->text + b->start);
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
        say(out, len, "%s %s", p->level == LEVEL_COMMUNITY ? "社区" : "街道", PLACE_SAID(p));
        if (strlen(p->name) != (size_t)mlen || memcmp(p->name, h->text + b->start, (size_t)mlen) != 0)
            say(out, len, "（写作“%.*s”）", mlen, h->text + b->start);
    }
    if (p->level != LEVEL_STREET)
        say(out, len, " → %s", PLACE_SAID(&self->places[t->street]));
}

static void say_ambiguous(const route_places *self, const hit_list *h, const tally_set *ts,
                          const tally *w, const char *where, route_place_result *out, size_t *len)
{
    say(out, len, "%s提到 %zu 个街道：", where, ts->n);
    for (size_t k = 0; k < ts->n && k < LIST_STREETS; k++) {
        say(out, len, "%s", k ? "、" : "");
        say_street(self, h, &ts->t[k], out, len);
    }
    say(out, len, "%s；建议 %s", ts->n > LIST_STREETS ? "、…" : "", PLACE_SAID(&self->places[w->street]));
}

/* The text names several streets: the one most mentioned is proposed, or none when a name several
 * districts have is among them and nothing tells which (the first of them would be a guess). */
static void say_several(const route_places *self, const hit_list *h, const tally_set *ts, const tally *w,
                        const char *where, route_place_result *out, size_t *len)
{
    size_t sh = first_shared(h);
    out->rule = "ambiguous";
    out->score *= AMBIGUOUS_FACTOR;
    if (sh == h->n) {
        say_ambiguous(self, h, ts, w, where, out, len);
        return;
    }
    out->street_code[0] = out->community_code[0] = '\0';
    out->street_name = "";
    say_same_name(h, sh, out, len);
}

/* "；诉求内容提到 王哥庄街道（王哥庄）": the content names a street other than the address's w. */
static void say_content_disagrees(const route_places *self, const hit_list *hc, const tally_set *tc, const tally *w,
                                  route_place_result *out, size_t *len)
{
    for (size_t k = 0; k < tc->n; k++)
        if (tc->t[k].street != w->street) {
            out->score *= DISAGREE_FACTOR;
            say(out, len, "；诉求内容提到 ");
            say_street(self, hc, &tc->t[k], out, len);
            return;
        }
}

/* Neither text names a place (but for the streets excluded). */
static void say_none(const route_exclude *ex, route_place_result *out, size_t *len)
{
    out->rule = "none";
    say(out, len, "地址和诉求内容中都没有街道或社区名称");
    if (ex && ex->n)
        say(out, len, "（已退回过此单的 %zu 个街道除外）", ex->n);
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
    told_set told = {.n = 0}, by_city = {.n = 0};
    size_t len = 0;
    memset(out, 0, sizeof *out);
    out->street_name = "";
    scan(self, address, "地址", ex, &ha);
    scan(self, content, "诉求内容", ex, &hc);
    gather(&ha, &told, &by_city);
    gather(&hc, &told, &by_city);
    settle(&ha, &told, &by_city);
    settle(&hc, &told, &by_city);
    count_streets(&ha, &ta);
    count_streets(&hc, &tc);
    if (ta.n == 0 && tc.n == 0) {
        say_none(ex, out, &len);
        return;
    }
    int in_address = ta.n > 0;
    const hit_list *h = in_address ? &ha : &hc;
    const tally_set *ts = in_address ? &ta : &tc;
    const char *where = in_address ? "地址" : "诉求内容";
    const tally *w = winner(h, ts);
    const place *street = &self->places[w->street];
    snprintf(out->street_code, sizeof out->street_code, "%s", street->code);
    out->street_name = PLACE_SAID(street);
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
        say_several(self, h, ts, w, where, out, &len);
        return;
    }
    const hit *b = &h->hits[w->community >= 0 ? (size_t)w->community : w->best];
    out->rule = self->places[b->place].level == LEVEL_GAZETTEER ? "gazetteer"
                : w->community >= 0                             ? "community"
                                                                : "street";
    say_match(self, h, w, where, out, &len);
    say_told(h, b, out, &len);
    if (villages_only)
        say(out, &len, "；只在诉求内容中提到社区或村名，没有地址或街道");
    if (road)
        say(out, &len, h->hits[w->best].approximate ? "；门牌号落在随系统提供的门牌库的近似号段内"
                                                    : "；只有路名，没有门牌库收录的门牌号");
    if (in_address)
        say_content_disagrees(self, &hc, &tc, w, out, &len);
}
