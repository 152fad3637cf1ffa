/* esc_api.c — answers the escalation service's requests (see esc_api.h). */
#include "esc_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "esc_engine.h"
#include "log.h"
#include "text.h"

#define WARNING_BYTES 1024

/* The request's days: the file's, then those typed in; *year the year the
 * file is the notice of (0: none). 0, or -1 with err. */
static int gather_days(const Jiesu__HolidaysRequest *rq, holidays_day **days, size_t *n, int *year, char *err,
                       size_t errlen)
{
    *days = NULL;
    *n = 0;
    *year = 0;
    if (*rq->json && holidays_parse(rq->json, *rq->source ? rq->source : "文件", days, n, err, errlen) < 0)
        return -1;
    if (*rq->json)
        *year = holidays_notice_year(rq->json, *days, *n);
    if (rq->n_days == 0)
        return 0;
    holidays_day *all = realloc(*days, (*n + rq->n_days) * sizeof *all);
    if (!all) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *days = all;
    for (size_t i = 0; i < rq->n_days; i++) {
        const Jiesu__HolidayDay *d = rq->days[i];
        if (!holidays_valid_date(d->date)) {
            snprintf(err, errlen, "第 %zu 天“%s”不是日期：请写 YYYY-MM-DD，如 2026-10-01", i + 1, d->date);
            text_utf8_cut(err);     /* a long one cut by the snprintf */
            return -1;
        }
        if (text_check(d->name, HOLIDAYS_NAME_CHARS, "节假日名称", err, errlen) < 0)
            return -1;      /* a name held whole: cut inside a character, PostgreSQL would refuse it */
        holidays_day *h = &all[(*n)++];
        memset(h, 0, sizeof *h);
        memcpy(h->date, d->date, sizeof h->date);
        snprintf(h->name, sizeof h->name, "%s", d->name);
        h->off = d->off;
    }
    return 0;
}

/* Fills the reply's years and warning. 0 or -1 with err. */
static int describe(esc_engine *e, Jiesu__HolidaysReply *reply, holidays_year **years, Jiesu__HolidayYear **items,
                    Jiesu__HolidayYear ***ptrs, char *warning, char *err, size_t errlen)
{
    size_t n;
    if (holidays_years(e->ctx.pg, years, &n, err, errlen) < 0 ||
        holidays_warning(e->ctx.pg, (int64_t)time(NULL), e->calendar.utc_offset_min, warning, WARNING_BYTES, err,
                         errlen) < 0)
        return -1;
    *items = calloc(n ? n : 1, sizeof **items);
    *ptrs = calloc(n ? n : 1, sizeof **ptrs);
    if (!*items || !*ptrs) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        jiesu__holiday_year__init(&(*items)[i]);
        (*items)[i].year = (*years)[i].year;
        (*items)[i].days_off = (*years)[i].days_off;
        (*items)[i].working_days = (*years)[i].working_days;
        (*items)[i].complete = (*years)[i].complete;
        (*ptrs)[i] = &(*items)[i];
    }
    reply->n_years = n;
    reply->years = *ptrs;
    reply->warning = warning;
    return 0;
}

/* Refuses to record a year as whole that holds no day off: its notice was
 * neither loaded nor typed in. 0, or -1 with err (*code 400 for a refusal). */
static int check_complete(esc_engine *e, int year, int *code, char *err, size_t errlen)
{
    holidays_year *years;
    size_t n;
    int off = 0;
    if (holidays_years(e->ctx.pg, &years, &n, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        off |= years[i].year == year && years[i].days_off > 0;
    free(years);
    if (off)
        return 0;
    *code = SVC_ERR_BAD_REQUEST;
    snprintf(err, errlen, "%d 年还没有存入任何放假的日子，不能确认全年已录完：请载入国务院的放假通知"
             "（jiesu holidays load %d.json），或先逐日录入（jiesu holidays add 日期 名称 --off|--work）", year, year);
    return -1;
}

/* Stores the days (and the year their file is the notice of), takes out the
 * day the request names, records the year the request says is complete or
 * takes back the one it says is not.
 * 0, or -1 with err (code: 400 or 500). */
static int change(esc_engine *e, const Jiesu__HolidaysRequest *rq, const holidays_day *days, size_t n, int year,
                  const esc_calendar_by *by, esc_calendar_stats *st, int *code, char *err, size_t errlen)
{
    *code = SVC_ERR_INTERNAL;
    if (rq->incomplete_year) {
        memset(st, 0, sizeof *st);
        int rc = esc_calendar_incomplete(&e->calendar, &e->ctx, rq->incomplete_year, by, err, errlen);
        *code = rc > 0 ? SVC_ERR_BAD_REQUEST : *code;
        return rc == 0 ? 0 : -1;
    }
    if (*rq->remove_date) {
        int rc = esc_calendar_remove(&e->calendar, &e->ctx, rq->remove_date, by, st, err, errlen);
        *code = rc > 0 ? SVC_ERR_BAD_REQUEST : *code;
        return rc == 0 ? 0 : -1;
    }
    if (!rq->complete_year)
        return esc_calendar_store(&e->calendar, &e->ctx, days, n, year, by, st, err, errlen);
    if (check_complete(e, rq->complete_year, code, err, errlen) < 0)
        return -1;
    return esc_calendar_complete(&e->calendar, &e->ctx, rq->complete_year, by, st, err, errlen);
}

/* Who changes the calendar, how, and from where (into from, cap bytes). */
static esc_calendar_by changed_by(const Jiesu__HolidaysRequest *rq, const auth_principal *who, char *from, size_t cap)
{
    if (rq->complete_year || rq->incomplete_year) {
        snprintf(from, cap, "%d 年", rq->complete_year ? rq->complete_year : rq->incomplete_year);
        return (esc_calendar_by){who->name, rq->complete_year ? "holidays.complete" : "holidays.incomplete", from};
    }
    if (*rq->remove_date) {
        snprintf(from, cap, "%s", rq->remove_date);
        return (esc_calendar_by){who->name, "holidays.remove", from};
    }
    text_file_name(from, cap, *rq->source ? rq->source : "typed in");    /* a file's name, maybe GBK */
    return (esc_calendar_by){who->name, *rq->json ? "holidays.load" : "holidays.add", from};
}

/* Stores what the request gives and answers. 0, or -1 with err (code: 400 or 500). */
static int serve(service *s, const Jiesu__HolidaysRequest *rq, const bus_request *req, const auth_principal *who,
                 int *code, char *err, size_t errlen)
{
    esc_engine *e = s->user;
    char from[160], warning[WARNING_BYTES];
    holidays_day *days = NULL;
    holidays_year *years = NULL;
    Jiesu__HolidayYear *items = NULL, **ptrs = NULL;
    Jiesu__HolidaysReply reply = JIESU__HOLIDAYS_REPLY__INIT;
    esc_calendar_stats st;
    size_t n;
    int rc = -1, year;
    *code = SVC_ERR_BAD_REQUEST;
    esc_calendar_by by = changed_by(rq, who, from, sizeof from);
    if (gather_days(rq, &days, &n, &year, err, errlen) < 0)
        goto cleanup;
    if (*rq->remove_date && !holidays_valid_date(rq->remove_date)) {
        snprintf(err, errlen, "“%s”不是日期：请写 YYYY-MM-DD，如 2027-01-05", rq->remove_date);
        text_utf8_cut(err);
        goto cleanup;
    }
    if ((n > 0 || rq->complete_year || rq->incomplete_year || *rq->remove_date) && who->role != AUTH_ADMIN) {
        *code = SVC_ERR_FORBIDDEN;
        snprintf(err, errlen, "%s 的角色是%s；只有%s可以修改法定节假日日历", who->name,
                 auth_role_title(who->role), auth_role_title(AUTH_ADMIN));
        goto cleanup;
    }
    e->ctx.pg = s->pg;
    if (change(e, rq, days, n, year, &by, &st, code, err, errlen) < 0 ||
        describe(e, &reply, &years, &items, &ptrs, warning, err, errlen) < 0)
        goto cleanup;
    reply.stored = (int32_t)st.stored;
    reply.unchanged = (int32_t)st.unchanged;
    reply.retimed = st.retimed;
    reply.completed_year = st.completed ? (rq->complete_year ? rq->complete_year : year) : 0;
    bus_server_reply(s->server, req, "holidays.reply", &reply.base);
    rc = 0;
cleanup:
    free(days);
    free(years);
    free(items);
    free(ptrs);
    return rc;
}

void esc_api_holidays(service *s, const bus_request *req, const auth_principal *who)
{
    char err[512] = "";
    int code;
    Jiesu__HolidaysRequest *rq = BUS_UNPACK(holidays_request, req->env);
    if (!rq) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "holidays.request: malformed payload");
        return;
    }
    if (svc_ensure_pg(s, err, sizeof err) < 0) {
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
    } else if (serve(s, rq, req, who, &code, err, sizeof err) < 0) {
        log_warn("holidays.request refused: %s", err);
        bus_server_reply_error(s->server, req, code, "%s", err);
    }
    jiesu__holidays_request__free_unpacked(rq, NULL);
}
