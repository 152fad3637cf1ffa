/* report_documents.c — the daily sheet and the bulletin sent as documents
 * (see report_documents.h), narrowed to what the asker may read as the
 * dashboard narrows them (web_scope.h). The bulletin's files are written by
 * report_files.c into a private temporary directory (0700) and read back
 * into the reply; nothing is left behind. */
#include "report_documents.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "holidays.h"
#include "log.h"
#include "names.h"
#include "report_bulletin.h"
#include "report_daily.h"
#include "report_files.h"
#include "report_json.h"
#include "view.h"
#include "web_scope.h"

#define DOC_MAX_BYTES (12L << 20)    /* under the bus's 16 MiB message limit */

typedef struct {
    service                     *s;
    const Jiesu__DocumentRequest *rq;
    Jiesu__DocumentReply        *reply;
    const char                  *tz;
    web_scope                    sc;    /* what the asker may read */
    char                         err[1024];
} doc_call;

/* Adds a file of len bytes (taken over) to the reply. 0 or -1. */
static int add_file(doc_call *c, const char *name, uint8_t *data, size_t len)
{
    Jiesu__DocFile **files = realloc(c->reply->files, (c->reply->n_files + 1) * sizeof *files);
    Jiesu__DocFile *f = files ? malloc(sizeof *f) : NULL;
    if (files)
        c->reply->files = files;
    if (f)
        jiesu__doc_file__init(f);
    if (!f || !(f->name = strdup(name))) {
        free(f);
        free(data);
        snprintf(c->err, sizeof c->err, "out of memory");
        return -1;
    }
    f->content.data = data;
    f->content.len = len;
    c->reply->files[c->reply->n_files++] = f;
    return 0;
}

/* What write() writes to a memory stream, as a file of the reply. 0 or -1. */
static int add_written(doc_call *c, const char *name, void (*write)(FILE *, const void *), const void *doc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        snprintf(c->err, sizeof c->err, "out of memory");
        return -1;
    }
    write(f, doc);
    fclose(f);
    return add_file(c, name, (uint8_t *)buf, len);
}

static void write_daily(FILE *f, const void *d)
{
    report_json_daily(f, d);
}

static void write_bulletin(FILE *f, const void *b)
{
    report_json_bulletin(f, b);
}

static int add_table(doc_call *c, Jiesu__Table *t)
{
    Jiesu__Table **tables = t ? realloc(c->reply->tables, (c->reply->n_tables + 1) * sizeof *tables) : NULL;
    if (!tables) {
        if (t)
            jiesu__table__free_unpacked(t, NULL);
        snprintf(c->err, sizeof c->err, "out of memory");
        return -1;
    }
    c->reply->tables = tables;
    tables[c->reply->n_tables++] = t;
    return 0;
}

/* ---- the daily sheet ---- */

#define NCOUNTS 6

static int daily_row(Jiesu__Table *t, const char *name, const long v[NCOUNTS])
{
    char n[NCOUNTS][24];
    for (int i = 0; i < NCOUNTS; i++)
        snprintf(n[i], sizeof n[i], "%ld", v[i]);
    const char *cells[] = {name, n[0], n[1], n[2], n[3], n[4], n[5]};
    return view_table_add(t, cells);
}

static Jiesu__Table *daily_table(const report_daily *d)
{
    /* of day D, which need not be today; every alert raised that day on the street's orders, acknowledged or not */
    static const char *const HEAD[] = {"街道", "新派单", "在办", "当日到期", "超期", "销号", NAMES_ALERT "次数"};
    long sum[NCOUNTS] = {0};
    Jiesu__Table *t = view_table_new("一天一调度", "lrrrrrr", HEAD, 7);
    for (size_t i = 0; t && i < d->n; i++) {
        const report_daily_row *r = &d->rows[i];
        const long v[NCOUNTS] = {r->new_orders, r->in_progress, r->due_today, r->overdue, r->closed, r->escalated};
        for (int k = 0; k < NCOUNTS; k++)
            sum[k] += v[k];
        if (daily_row(t, r->name, v) < 0) {
            jiesu__table__free_unpacked(t, NULL);
            return NULL;
        }
    }
    if (t && daily_row(t, "合计", sum) < 0) {
        jiesu__table__free_unpacked(t, NULL);
        return NULL;
    }
    return t;
}

static int run_daily(doc_call *c)
{
    report_period p;
    char name[64];
    if (report_daily_day(&p, c->rq->period, (long long)time(NULL), c->err, sizeof c->err) < 0)
        return -1;
    report_daily *d = report_daily_run(c->s->pg, c->sc.districts, c->tz, &p, c->err, sizeof c->err);
    if (!d)
        return -1;
    web_scope_daily(&c->sc, d);
    snprintf(name, sizeof name, "daily-%s.json", p.label);
    c->reply->title = malloc(96);
    if (c->reply->title)
        snprintf(c->reply->title, 96, "一天一调度 %s", d->day.from);
    int rc = strcmp(c->rq->format, "json") == 0 ? add_written(c, name, write_daily, d) : add_table(c, daily_table(d));
    report_daily_free(&d);
    return rc;
}

/* ---- the bulletin ---- */

static int ranking_row(Jiesu__Table *t, const report_bulletin *b, const report_unit *u)
{
    char rank[32], prev[32], score[32] = "", change[32] = "";   /* none: "—" as every empty cell (view_value) */
    double d = report_bulletin_change(b, u);
    report_rank_text(rank, sizeof rank, u);
    report_rank_text(prev, sizeof prev, report_bulletin_prev(b, u));
    if (!isnan(u->composite))
        snprintf(score, sizeof score, "%.2f", u->composite);
    if (!isnan(d))
        snprintf(change, sizeof change, "%+.2f", d);
    const char *kind = strcmp(u->kind, "dept") == 0 ? "部门" : "街道";
    const char *cells[] = {kind, rank, u->name, score, change, prev, names_flag(u->flag)};
    return view_table_add(t, cells);
}

/* Streets and departments are ranked apart, each from 1: every row says which it is. */
static Jiesu__Table *ranking_table(const report_bulletin *b)
{
    static const char *const HEAD[] = {"类别", "排名", "单位", "综合得分", REPORT_CHANGE_POINTS, "上周排名", "标记"};
    Jiesu__Table *t = view_table_new("排名", "lrlrrrl", HEAD, 7);
    for (size_t i = 0; t && i < b->cur->n; i++)
        if (ranking_row(t, b, &b->cur->units[i]) < 0) {
            jiesu__table__free_unpacked(t, NULL);
            return NULL;
        }
    return t;
}

/* The units' holds and requests for more time (暂缓与延期), titled: the second table of the summary. */
static Jiesu__Table *holds_table(const report_bulletin *b)
{
    static const char *const HEAD[] = {"单位", "暂缓件数", "暂缓工作小时", "申请延期", "批准延期", "驳回延期"};
    Jiesu__Table *t = view_table_new("暂缓与延期（按单位，暂缓时间长的在前；各列的统计口径见周通报页面）", "lrrrrr", HEAD, 6);
    if (t)
        t->titled = 1;
    for (size_t i = 0; t && i < b->n_holds; i++) {
        const report_holds *h = &b->holds[i];
        char v[5][24];
        snprintf(v[0], sizeof v[0], "%ld", h->holds);
        snprintf(v[1], sizeof v[1], "%.1f", h->hold_hours);
        snprintf(v[2], sizeof v[2], "%ld", h->asked);
        snprintf(v[3], sizeof v[3], "%ld", h->approved);
        snprintf(v[4], sizeof v[4], "%ld", h->rejected);
        const char *cells[] = {h->name, v[0], v[1], v[2], v[3], v[4]};
        if (view_table_add(t, cells) < 0) {
            jiesu__table__free_unpacked(t, NULL);
            return NULL;
        }
    }
    return t;
}

/* Reads one regular file of dir into the reply and removes it. 0 or -1. */
static int take_file(doc_call *c, const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    long len = -1;
    uint8_t *buf = NULL;
    if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && len < DOC_MAX_BYTES && fseek(f, 0, SEEK_SET) == 0)
        buf = malloc((size_t)len + 1);
    int ok = buf && fread(buf, 1, (size_t)len, f) == (size_t)len;
    if (f)
        fclose(f);
    unlink(path);
    if (!ok) {
        free(buf);
        snprintf(c->err, sizeof c->err, "%s: %s", name, len >= DOC_MAX_BYTES ? "too big to send" : "cannot read it back");
        return -1;
    }
    return add_file(c, name, buf, (size_t)len);
}

/* The bulletin's files, written into a private directory and read back. 0 or -1. */
static int add_bulletin_files(doc_call *c, const report_bulletin *b)
{
    char dir[] = "/tmp/jiesu-bulletin-XXXXXX";
    int written = 0, rc = 0;
    if (!mkdtemp(dir)) {
        snprintf(c->err, sizeof c->err, "no temporary directory for the files");
        return -1;
    }
    if (report_files_write(b, dir, &written, c->err, sizeof c->err) < 0)
        rc = -1;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (e->d_name[0] != '.' && take_file(c, dir, e->d_name) < 0)
            rc = -1;
    if (d)
        closedir(d);
    rmdir(dir);
    return rc;
}

/* "; so far 1 of its 7 days" for a week not over yet, else "". */
static const char *so_far(const report_bulletin *b, char *buf, size_t cap)
{
    if (b->days_begun >= 7)
        return "";
    snprintf(buf, cap, "，截至目前 %d 天", b->days_begun);
    return buf;
}

static int run_bulletin(doc_call *c)
{
    report_period p;
    report_settings st;
    char name[64], days[40];
    if (report_period_week_asked(&p, c->rq->period, (long long)time(NULL), c->err, sizeof c->err) < 0)
        return -1;
    report_settings_load(&st, c->s->cfg);
    calendar *cal = holidays_calendar(c->s->pg, c->s->cfg, NULL, c->err, sizeof c->err);
    report_bulletin *b = cal ? report_bulletin_build(c->s->pg, c->sc.districts, c->sc.reader_unit, c->tz, &p, &st,
                                                     cal, c->err, sizeof c->err)
                             : NULL;
    calendar_destroy(&cal);
    if (!b)
        return -1;
    web_scope_bulletin(&c->sc, b);
    /* 2026年第47周: the title is read, the ISO code is typed (file names); the
     * orders listed by the page's heading, 超期及告警工单: an order with only a
     * 催办 is one (超期或被督办 left it out in words) */
    char cur[32], prev[32], why[512], held[520] = "";
    if (*report_bulletin_orders_withheld(b, why, sizeof why))
        snprintf(held, sizeof held, "（%s）", why);
    c->reply->title = malloc(800);
    if (c->reply->title)
        snprintf(c->reply->title, 800, "周通报 %s（%s 至 %s%s），与 %s 比较；超期及" NAMES_ALERT "工单 %zu 件%s",
                 report_period_name(&b->cur->period, cur, sizeof cur), b->cur->period.from, b->cur->period.last,
                 so_far(b, days, sizeof days), report_period_name(&b->prev->period, prev, sizeof prev),
                 b->orders_withheld_from ? b->orders_withheld : report_bulletin_orders_listed(b), held);
    snprintf(name, sizeof name, "bulletin-%s.json", p.label);
    int rc = strcmp(c->rq->format, "json") == 0 ? add_written(c, name, write_bulletin, b)
             : add_table(c, ranking_table(b)) < 0 || add_table(c, holds_table(b)) < 0 ? -1
             : strcmp(c->rq->format, "files") == 0 ? add_bulletin_files(c, b) : 0;
    report_bulletin_free(&b);
    return rc;
}

void report_documents_request(service *s, const bus_request *req, const auth_principal *who)
{
    Jiesu__DocumentReply *reply = calloc(1, sizeof *reply);
    Jiesu__DocumentRequest *rq = BUS_UNPACK(document_request, req->env);
    doc_call c = {.s = s, .rq = rq, .reply = reply, .tz = config_str(s->cfg, "timezone")};
    if (!rq || !reply) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "document.request: malformed payload");
        goto cleanup;
    }
    jiesu__document_reply__init(reply);
    int daily = strcmp(rq->kind, "daily") == 0;
    if (web_scope_for(who, config_str(s->cfg, "regions.districts"), &c.sc) < 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_FORBIDDEN, WEB_SCOPE_NONE);
    } else if (!daily && strcmp(rq->kind, "bulletin") != 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "no document '%s' (daily, bulletin)", rq->kind);
    } else if (svc_ensure_pg(s, c.err, sizeof c.err) < 0) {
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, c.err);
    } else if ((daily ? run_daily(&c) : run_bulletin(&c)) < 0) {
        log_error("%s %s for %s: %s", rq->kind, rq->period, who->name, c.err);
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "%s", c.err);
    } else {
        bus_server_reply(s->server, req, "document.reply", &reply->base);
    }
cleanup:
    if (reply)
        jiesu__document_reply__free_unpacked(reply, NULL);
    if (rq)
        jiesu__document_request__free_unpacked(rq, NULL);
}
