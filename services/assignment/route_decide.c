/* route_decide.c — one complaint's routing decision (see route_decide.h). */
#include "route_decide.h"

#include <stdio.h>
#include <string.h>

#include "route_say.h"
#include "text.h"

#define DISCIPLINE_UNIT "discipline"     /* for a district not known: unit <district>.discipline otherwise */
#define REST_MAX        8192             /* bytes of a letter's problem part looked at */
#define REST_MIN        6                /* fewer bytes left beside the accusing clauses: no problem part */
#define OUTSIDE_MAX     64
#define HISTORY_SCORE   0.85             /* an address's unanimous history places an order by itself */
#define HISTORY_CONFLICT 0.7             /* history names another street, or several */

#define say(out, len, ...) route_say((out)->reasons, sizeof (out)->reasons, (len), __VA_ARGS__)
#define say_cat(cat, len, ...) route_say((cat)->reason, sizeof (cat)->reason, (len), __VA_ARGS__)

/* ---- category ---- */

/* "城乡建设 0.87、环境保护 0.06" — the model's likeliest categories. */
static void say_top(const route_decider *d, const route_model_result *mr, route_cat_result *cat, size_t *len)
{
    for (int k = 0; k < mr->ntop; k++) {
        const route_category *c = route_cat_get(d->cats, d->model_cat[mr->top[k]]);
        say_cat(cat, len, "%s%s %.2f", k ? "、" : "", c ? c->name : route_model_class(d->model, (size_t)mr->top[k]),
                mr->prob[k]);
    }
}

/* "（主要依据字串：物业、楼道漏水）" — what weighed most for the best class. */
static void say_evidence(const route_model_result *mr, const char *text, route_cat_result *cat, size_t *len)
{
    for (int e = 0; e < mr->nevidence; e++)
        say_cat(cat, len, "%s%.*s", e ? "、" : "（主要依据字串：", (int)mr->evidence[e].len,
                text + mr->evidence[e].start);
    if (mr->nevidence)
        say_cat(cat, len, "）");
}

/* The model's likeliest class that is a category of the tree and not conduct (which only the clause
 * rule decides): its index, probability in *p. -1 when none. */
static int model_pick(const route_decider *d, const route_model_result *mr, double *p)
{
    for (int k = 0; k < mr->ntop; k++) {
        int c = d->model_cat[mr->top[k]];
        if (c >= 0 && !route_cat_within(d->cats, c, d->conduct)) {
            *p = mr->prob[k];
            return c;
        }
    }
    return -1;
}

/* Combines the model with the dictionary's result already in out->cat.
 * Returns 1 when the category is too unsure to dispatch by. */
static int combine(const route_decider *d, const char *text, route_cat_result *cat)
{
    route_model_result mr;
    route_cat_result terms = *cat;
    double pm = 0;
    size_t len = 0;
    route_model_classify(d->model, text, &mr);
    int mc = model_pick(d, &mr, &pm), dc = terms.category;
    if (mc < 0)
        return 0;                                   /* the model knows none of the tree's categories */
    if (dc >= 0 && route_cat_within(d->cats, dc, mc)) {
        cat->category = dc;
        cat->score = 1 - (1 - pm) * (1 - terms.score);
        cat->rule = "model+terms";
    } else if (dc >= 0 && pm < d->min_prob && terms.score > pm) {
        cat->rule = "terms";                        /* the dictionary is surer than an unsure model */
    } else {
        cat->category = mc;
        cat->score = pm;
        cat->rule = "model";
    }
    say_cat(cat, &len, "模型 v%d：", d->model_version);
    say_top(d, &mr, cat, &len);
    say_evidence(&mr, text, cat, &len);
    if (strcmp(cat->rule, "model") != 0 && dc >= 0)
        say_cat(cat, &len, "；%s%s", terms.reason, cat->category == dc && cat->rule[0] == 'm' ? "（在模型所选分类之内）" : "");
    int unsure = strcmp(cat->rule, "model") == 0 && pm < d->min_prob;
    if (unsure)
        say_cat(cat, &len, "；模型概率 %.2f，低于自动派单所需的 %.2f：由派单员选择分类", pm, d->min_prob);
    return unsure;
}

/* The category of a text: the hotline's column in out->cat already, else
 * dictionary and model — saying so first when the hotline named a category
 * category_aliases does not know (raw), so the clerk sees what to add.
 * Returns 1 when it is too unsure to dispatch by. */
static int categorize(const route_decider *d, const char *text, const char *raw, route_cat_result *cat)
{
    char reason[sizeof cat->reason];
    size_t len = 0;
    if (strcmp(cat->rule, "hotline-category") == 0)
        return 0;
    route_cat_classify_without(d->cats, text, d->conduct, cat);
    int unsure = d->model && text && *text ? combine(d, text, cat) : 0;
    if (raw && *raw) {
        snprintf(reason, sizeof reason, "%s", cat->reason);
        say_cat(cat, &len, "热线分类“%s”未对应本系统的分类；%s", raw, reason);
    }
    return unsure;
}

/* ---- conduct ---- */

/* The letter without its accusing clauses, into buf. */
static const char *problem_text(const char *text, const route_conduct_result *cr, char *buf, size_t cap)
{
    size_t at = 0, n = 0, len = strlen(text);
    for (size_t from = 0; from < len && n + 1 < cap;) {
        size_t to = len;
        for (int k = 0; k < cr->n; k++)
            if (cr->hit[k].clause_start >= from && cr->hit[k].clause_start < to)
                to = cr->hit[k].clause_start;
        size_t take = to - from < cap - 1 - n ? to - from : cap - 1 - n;
        memcpy(buf + n, text + from, take);
        n += take;
        for (int k = 0; k < cr->n; k++)
            if (cr->hit[k].clause_start == to)
                at = cr->hit[k].clause_end;
        from = to == len ? len : at > to ? at : to + 1;
    }
    buf[n] = '\0';
    text_utf8_cut(buf);                             /* a character cut at the end of buf */
    return buf;
}

/* The district of the decision: its street's, else the coordinates'. NULL when neither. */
static const char *district_of(const route_decision *out, const char *coords_district, char *buf)
{
    if (*out->place.street_code) {
        snprintf(buf, ROUTE_DISTRICT_DIGITS + 1, "%s", out->place.street_code);
        return buf;
    }
    return coords_district;
}

/* Records unit code as accused, named as, once. */
static void accuse(route_decision *out, const char *code, const char *as)
{
    for (int j = 0; j < out->naccused; j++)
        if (strcmp(out->accused[j], code) == 0)
            return;
    if (out->naccused < ROUTE_CONDUCT_MAX) {
        out->accused_as[out->naccused] = as;
        snprintf(out->accused[out->naccused++], ROUTE_UNIT_CODE_MAX, "%s", code);
    }
}

/* Records the unit each accusing clause names, when it can be told (the street office of the place,
 * a department of its district). A place whose name several districts have, untold, accuses the unit
 * of each: the one accused is among them, and none of them is given the order. */
static void fill_accused(const route_conduct_result *cr, const char *district, route_decision *out)
{
    char code[ROUTE_UNIT_CODE_MAX];
    const route_place_result *p = &out->place;
    for (int k = 0; k < cr->n; k++) {
        const char *kind = cr->hit[k].accused_kind, *as = cr->hit[k].office;
        if (strcmp(kind, "street") == 0 && *p->street_code) {
            accuse(out, p->street_code, p->street_name);
        } else if (*kind && strcmp(kind, "street") != 0 && district) {
            snprintf(code, sizeof code, "%s.%s", district, kind);
            accuse(out, code, as);
        } else {
            for (int s = 0; s < p->nsame && *kind; s++) {
                snprintf(code, sizeof code, "%.*s.%s", ROUTE_DISTRICT_DIGITS, p->same[s], kind);
                accuse(out, strcmp(kind, "street") == 0 ? p->same[s] : code,
                       strcmp(kind, "street") == 0 ? p->same_said[s] : as);
            }
        }
    }
}

static void say_accusation(const route_conduct_result *cr, route_decision *out, size_t *len)
{
    for (int k = 0; k < cr->n; k++)
        say(out, len, "%s“%s”指向%s", k ? "、" : "作风用语", cr->hit[k].term, cr->hit[k].office);
    say(out, len, cr->n ? "，在同一分句" : "热线分类");
}

/* "；被投诉单位，不交其办理：沙子口街道、城管" — streets by their names, a department by the letter's word
 * for it; the units' codes are in out->accused for the write, not in what people read. Only the
 * dispatcher and discipline inspection read the names (reasons_read, migration 082). */
static void say_accused(route_decision *out, size_t *len)
{
    for (int k = 0; k < out->naccused; k++)
        say(out, len, "%s%s", k ? "、" : "；被投诉单位，不交其办理：", out->accused_as[k]);
}

/* To the discipline inspection of the district (else the one for a district not known). */
static void to_discipline(const route_decider *d, const route_conduct_result *cr, const char *district,
                          route_decision *out, size_t *len)
{
    out->owner = ROUTE_TO_DISCIPLINE;
    out->rule = "conduct";
    out->cat.category = d->conduct;
    out->score = out->cat.score > 0.6 ? out->cat.score : 0.6;
    if (district)
        snprintf(out->owner_code, sizeof out->owner_code, "%s.%s", district, DISCIPLINE_UNIT);
    else
        snprintf(out->owner_code, sizeof out->owner_code, "%s", DISCIPLINE_UNIT);
    say(out, len, "作风问题投诉（");
    say_accusation(cr, out, len);
    say(out, len, "）→ 纪委监委");
    say_accused(out, len);
}

/* ---- units ---- */

/* The words the letter named the accused unit of code by, or NULL when it does not accuse that unit. */
static const char *accused_as(const route_decision *out, const char *code)
{
    for (int k = 0; k < out->naccused; k++)
        if (strcmp(out->accused[k], code) == 0)
            return out->accused_as[k];
    return NULL;
}

/* Sends the order to manual dispatch (once) with why (NULL: the reasons said so last). */
static void to_manual(route_decision *out, size_t *len, const char *why)
{
    if (out->owner != ROUTE_TO_MANUAL)
        say(out, len, "%s%s：转人工派单", why ? "；" : "", why ? why : "");
    out->owner = ROUTE_TO_MANUAL;
    out->owner_code[0] = out->co_code[0] = '\0';
}

/* The co-handler: the category's department kind in the street's district (the write names its unit in
 * the reasons, route_worker.c). */
static void co_handler(const route_category *c, route_decision *out, size_t *len)
{
    if (out->owner != ROUTE_TO_STREET || !c || !*c->dept_kind)
        return;
    snprintf(out->co_code, sizeof out->co_code, "%.*s.%s", ROUTE_DISTRICT_DIGITS, out->place.street_code, c->dept_kind);
    const char *as = accused_as(out, out->co_code);
    if (as) {
        say(out, len, "；协办单位（%s）被投诉：由派单员决定", as);
        out->co_code[0] = '\0';
    }
}

static void to_street(const route_decider *d, int unsure, int outside, route_decision *out, size_t *len)
{
    const route_category *c = route_cat_get(d->cats, out->cat.category);
    out->rule = out->place.rule;
    out->score = out->place.score;
    out->owner = ROUTE_TO_STREET;
    snprintf(out->owner_code, sizeof out->owner_code, "%s", out->place.street_code);
    say(out, len, "%s", out->place.reason);
    if (outside) {
        to_manual(out, len, "不在本辖区");
    } else if (!*out->place.street_code && out->place.nsame) {
        say(out, len, "，无法判断是哪一个");
        to_manual(out, len, NULL);
    } else if (!*out->place.street_code) {
        to_manual(out, len, "没有找到地点");
    } else if (out->place.score < d->min_score) {
        say(out, len, "；地点得分 %.2f，低于自动派单所需的 %.2f", out->place.score, d->min_score);
        to_manual(out, len, "地点依据不足");
    }
    say(out, len, "；%s", out->cat.reason);
    if (unsure)
        to_manual(out, len, "分类不确定");
    else if (c && !*c->dept_kind && out->cat.category != d->conduct)
        to_manual(out, len, "本区没有主管该分类的部门");
    else if (out->owner == ROUTE_TO_STREET && accused_as(out, out->owner_code))
        to_manual(out, len, "承办单位正是被投诉的单位");
    co_handler(c, out, len);
}

/* ---- the decision ---- */

/* The place, within the district of the coordinates when they fall in one. Returns that district or NULL. */
static const char *locate(const route_decider *d, const route_input *in, route_decision *out)
{
    route_exclude ex = in->exclude ? *in->exclude : (route_exclude){0};
    ex.district = in->has_coords ? route_geo_district(d->geo, in->lon, in->lat) : NULL;
    route_places_match_excluding(d->places, in->address, in->content, &ex, &out->place);
    return ex.district;
}

/* 1 if the street returned the order in this cycle. */
static int excluded(const route_input *in, const char *street)
{
    for (size_t k = 0; in->exclude && k < in->exclude->n; k++)
        if (strcmp(in->exclude->street_codes[k], street) == 0)
            return 1;
    return 0;
}

/* The address's history as evidence for the place: it places an order
 * nothing else placed (or lifts a weak place it agrees with) when it is
 * unanimous and long enough; naming another street, or several, lowers the score. */
static void use_history(const route_decider *d, const route_input *in, route_place_result *p)
{
    route_history_hit h;
    if (!d->history || !route_history_find(d->history, in->address, &h))
        return;
    size_t len = strlen(p->reason);
    int unanimous = h.streets == 1 && h.orders >= ROUTE_HISTORY_MIN && !excluded(in, h.street_code);
    const char *name = route_places_street_name(d->places, h.street_code);
    route_say(p->reason, sizeof p->reason, &len, "；历史：该地址已办结 %ld 单，其中 %ld 单由 %s 办理",
              h.total, h.orders, name);
    if (!*p->street_code && unanimous) {
        snprintf(p->street_code, sizeof p->street_code, "%s", h.street_code);
        p->street_name = name;
        p->score = HISTORY_SCORE;
        p->rule = "history";
        p->in_address = 1;
    } else if (*p->street_code && (strcmp(p->street_code, h.street_code) != 0 || h.streets > 1)) {
        p->score *= HISTORY_CONFLICT;
        route_say(p->reason, sizeof p->reason, &len, "，与文字所指不同：得分 × %.1f", HISTORY_CONFLICT);
    } else if (*p->street_code && unanimous && p->score < HISTORY_SCORE) {
        p->score = HISTORY_SCORE;
        route_say(p->reason, sizeof p->reason, &len, "，与文字所指相同：得分 %.2f", HISTORY_SCORE);
    }
}

/* A place outside the jurisdiction named in the address, or in the content when the address names no
 * loaded place: into buf, else NULL. */
static const char *outside_named(const route_decider *d, const route_input *in, const route_decision *out,
                                 char *buf, size_t cap)
{
    if (!d->juris)
        return NULL;
    if (route_juris_find(d->juris, in->address, buf, cap) ||
        (!out->place.in_address && route_juris_find(d->juris, in->content, buf, cap)))
        return buf;
    return NULL;
}

/* 1 when the coordinates fall in no loaded district's boundary and nothing names a loaded place: a
 * request of another city (NYC 311's export carries them), not one that merely lacks an address. */
static int coords_outside(const route_decider *d, const route_input *in, const char *coords,
                          const route_place_result *p)
{
    return in->has_coords && !coords && d->geo && route_geo_count(d->geo) > 0 && !*p->street_code && !p->nsame;
}

void route_decide(const route_decider *d, const route_input *in, route_decision *out)
{
    char rest[REST_MAX], district_buf[ROUTE_DISTRICT_DIGITS + 1], outside_buf[OUTSIDE_MAX];
    size_t len = 0;
    route_conduct_result cr;
    memset(out, 0, sizeof *out);
    const char *coords = locate(d, in, out), *text = in->content ? in->content : "";
    use_history(d, in, &out->place);
    const char *district = district_of(out, coords, district_buf);
    const char *outside = outside_named(d, in, out, outside_buf, sizeof outside_buf);
    int away = outside || coords_outside(d, in, coords, &out->place);
    route_cat_classify(d->cats, in->category_raw, NULL, &out->cat);
    if (d->conduct_words)
        route_conduct_find(d->conduct_words, text, &cr);
    else
        memset(&cr, 0, sizeof cr);
    fill_accused(&cr, district, out);
    int hotline_conduct = strcmp(out->cat.rule, "hotline-category") == 0 && d->conduct >= 0 &&
                          route_cat_within(d->cats, out->cat.category, d->conduct);
    int conduct = in->conduct_part || hotline_conduct, unsure = 0;
    if (!conduct && cr.n) {
        const char *problem = problem_text(text, &cr, rest, sizeof rest);
        unsure = strlen(problem) >= REST_MIN ? categorize(d, problem, in->category_raw, &out->cat) : 0;
        conduct = out->cat.category < 0 || unsure;        /* nothing else reported: all of it is conduct */
        out->split = !conduct;
    } else if (!conduct) {
        unsure = categorize(d, text, in->category_raw, &out->cat);
    }
    if (conduct) {
        to_discipline(d, &cr, district, out, &len);
        if (away)                         /* the officials of another place: not this district's to judge */
            to_manual(out, &len, "不在本辖区");
    } else {
        to_street(d, unsure, away, out, &len);
    }
    if (outside)
        say(out, &len, "；提到 %s，不在已加载的辖区内", outside);
    if (out->split) {
        say(out, &len, "；反映工作人员作风的内容另立关联工单交纪委监委");  /* its holder reads this: no words of it */
        say_accused(out, &len);
    }
    if (in->has_coords)
        say(out, &len, "；坐标 %.5f,%.5f %s", in->lon, in->lat,
            coords ? route_geo_name(d->geo, coords) : "在已加载的区界之外");
    const route_category *c = route_cat_get(d->cats, out->cat.category);
    out->category_code = c ? c->code : NULL;
    if (!route_cat_limits(d->cats, out->cat.category, in->urgency, d->default_accept_minutes,
                          d->default_resolve_days, &out->accept_minutes, &out->resolve_days))
        say(out, &len, "；紧急程度“%s”不认识，按“一般”的时限", in->urgency);
}
