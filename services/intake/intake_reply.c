/* intake_reply.c — intake's answers to the clerk as bus messages (see intake_reply.h). */
#include "intake_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_client.h"
#include "intake_dates.h"
#include "view.h"

/* ---- tables (common/view.h builds them) ---- */

/* A table; fields: one record, printed as "column  value" lines. NULL when out of memory. */
static Jiesu__Table *table_new(const char *title, const char *align, const char *const *columns, size_t ncols,
                               int fields)
{
    Jiesu__Table *t = view_table_new(title, align, columns, ncols);
    if (t)
        t->fields = fields;
    return t;
}

/* ---- an import ---- */

/* Copies count texts of bytes each (warnings, notes) into a repeated string. */
static int put_texts(char ***out, size_t *n, const char *texts, int count, size_t bytes)
{
    *out = calloc((size_t)count + 1, sizeof **out);
    if (!*out)
        return -1;
    for (int i = 0; i < count; i++)
        if (!((*out)[(*n)++] = strdup(texts + (size_t)i * bytes)))
            return -1;
    return 0;
}

static int put_warnings(char ***out, size_t *n, const intake_result *res)
{
    return put_texts(out, n, res->warnings[0], res->nwarnings, sizeof res->warnings[0]);
}

/* The fields and the columns that give them, each field as door's clerk
 * knows it (intake_columns_field_said). */
static Jiesu__Table *mapping_table(const intake_result *res, intake_door door)
{
    static const char *const cols[] = {"字段", "文件里的列"};
    char title[sizeof res->profile + sizeof res->profile_how + sizeof res->timezone + 64];
    char field[INTAKE_FIELD_SAID_BYTES];
    snprintf(title, sizeof title, "导入模板 %s（%s），文件里不带时差的时间按 %s 时区读", res->profile, res->profile_how,
             res->timezone);
    Jiesu__Table *t = table_new(title, "ll", cols, 2, 0);
    for (int f = 0; t && f < COL_COUNT; f++) {
        const char *cells[] = {intake_columns_field_said((intake_field)f, door, field),
                               res->mapping[f]};     /* none: "—", as every empty cell */
        t = view_table_row(t, cells);
    }
    return t;
}

/* One record: the fields as columns, printed as "field  value" lines. */
static Jiesu__Table *row_table(const intake_result *res, const intake_preview_row *p)
{
    const char *cols[COL_COUNT + 1], *cells[COL_COUNT + 1];
    char title[120], when[sizeof p->value[0] + sizeof res->timezone + sizeof p->called_utc + 8];
    snprintf(title, sizeof title, "第 %llu 行存入后的样子", (unsigned long long)p->row);
    for (int f = 0; f < COL_COUNT; f++) {
        cols[f] = intake_columns_field_title((intake_field)f);
        cells[f] = p->value[f];
    }
    if (p->called_offset)      /* read at its own offset, not in the profile's zone */
        snprintf(when, sizeof when, "%s = %s", p->value[COL_CALLED_AT], p->called_utc);
    else
        snprintf(when, sizeof when, "%s (%s) = %s", p->value[COL_CALLED_AT], res->timezone, p->called_utc);
    cells[COL_CALLED_AT] = when;
    cols[COL_COUNT] = "附加信息";
    cells[COL_COUNT] = strcmp(p->extra, "{}") == 0 ? "" : p->extra;     /* none reads —, not JSON's {} */
    Jiesu__Table *t = table_new(title, "ll", cols, COL_COUNT + 1, 1);
    return view_table_row(t, cells);
}

static Jiesu__Table *rejects_table(const intake_result *res)
{
    static const char *const cols[] = {"拒收的行"};
    Jiesu__Table *t = table_new("最先拒收的几行", "l", cols, 1, 0);
    for (int i = 0; t && i < res->nrejects_shown; i++) {
        const char *cells[] = {res->rejects_shown[i]};
        t = view_table_row(t, cells);
    }
    return t;
}

static int put_preview(Jiesu__ImportReply *r, const intake_result *res, intake_door door)
{
    r->preview = calloc((size_t)res->npreview + 3, sizeof *r->preview);
    if (!r->preview || !(r->preview[r->n_preview++] = mapping_table(res, door)))
        return -1;
    for (int i = 0; i < res->npreview; i++)
        if (!(r->preview[r->n_preview++] = row_table(res, &res->preview[i])))
            return -1;
    if (res->nrejects_shown && !(r->preview[r->n_preview++] = rejects_table(res)))
        return -1;
    return 0;
}

static int put_unmapped(Jiesu__ImportReply *r, const intake_result *res)
{
    r->unmapped_rows = res->unmapped_rows;
    r->unmapped_distinct = (int64_t)res->unmapped_distinct;
    r->unmapped = calloc(res->nunmapped + 1, sizeof *r->unmapped);
    if (!r->unmapped)
        return -1;
    for (size_t i = 0; i < res->nunmapped; i++) {
        Jiesu__CategoryCount *c = malloc(sizeof *c);
        if (!c)
            return -1;
        jiesu__category_count__init(c);
        r->unmapped[r->n_unmapped++] = c;
        c->rows = res->unmapped[i].rows;
        if (!(c->name = strdup(res->unmapped[i].name)))
            return -1;
    }
    return 0;
}

/* strdup that takes "" as the protobuf default, which free_unpacked leaves alone. */
static char *text(const char *s)
{
    return *s ? strdup(s) : (char *)protobuf_c_empty_string;
}

Jiesu__ImportReply *intake_reply_import(const intake_result *res, int dry_run, intake_door door, const char *failed)
{
    Jiesu__ImportReply *r = malloc(sizeof *r);
    if (!r)
        return NULL;
    jiesu__import_reply__init(r);
    r->import_id = res->import_id;
    r->rows_total = res->rows_total;
    r->inserted = res->inserted;
    r->duplicates = res->duplicates;
    r->repeated = res->repeated;
    r->rejected = res->rejected;
    r->clashed = res->clashed;
    r->elapsed_ms = res->elapsed_ms;
    r->dry_run = dry_run;
    r->rejects_path = text(res->rejects_path);
    r->sha256 = text(res->sha256);
    r->encoding = text(res->encoding);
    r->profile = text(res->profile);
    r->profile_how = text(res->profile_how);
    r->failed = text(failed ? failed : "");
    int ok = r->failed && r->rejects_path && r->sha256 && r->encoding && r->profile && r->profile_how
             && put_warnings(&r->warnings, &r->n_warnings, res) == 0 && put_unmapped(r, res) == 0
             && put_texts(&r->notes, &r->n_notes, res->notes[0], res->nnotes, sizeof res->notes[0]) == 0
             && (!dry_run || put_preview(r, res, door) == 0);
    if (!ok)
        jiesu__import_reply__free_unpacked(r, NULL);
    return ok ? r : NULL;
}

Jiesu__ImportProgress *intake_reply_started(const intake_result *res)
{
    Jiesu__ImportProgress *p = malloc(sizeof *p);
    if (!p)
        return NULL;
    jiesu__import_progress__init(p);
    p->profile = text(res->profile);
    p->profile_how = text(res->profile_how);
    int ok = p->profile && p->profile_how && put_warnings(&p->warnings, &p->n_warnings, res) == 0;
    if (!ok)
        jiesu__import_progress__free_unpacked(p, NULL);
    return ok ? p : NULL;
}

/* ---- the profiles view ---- */

/* The profiles of set, those set aside after the others, each with its problem. */
static Jiesu__Table *profiles_table(const intake_profiles *set)
{
    static const char *const cols[IMPORT_PROFILE_COLUMNS] = {
        "模板", "能否使用", "时区", "日期格式", "工单编号", "来电时间", "诉求内容", "说明"};
    Jiesu__Table *t = table_new("导入模板", "llllllll", cols, IMPORT_PROFILE_COLUMNS, 0);
    for (size_t i = 0; t && i < intake_profiles_count(set); i++) {
        const intake_profile *p = intake_profiles_at(set, i);
        char dates[160], tk[300], ca[300], co[300];
        intake_date_formats_text(p->dates, DATES_AS_TITLES, dates, sizeof dates);
        const char *cells[] = {p->name, IMPORT_PROFILE_USABLE, p->timezone, dates,
                               intake_profile_alts_text(p, COL_TICKET_NO, tk, sizeof tk),
                               intake_profile_alts_text(p, COL_CALLED_AT, ca, sizeof ca),
                               intake_profile_alts_text(p, COL_CONTENT, co, sizeof co),
                               p->description ? p->description : ""};
        t = view_table_row(t, cells);
    }
    for (size_t i = 0; t && i < intake_profiles_set_aside(set); i++) {
        const intake_profile_fault *f = intake_profiles_fault_at(set, i);
        const char *cells[] = {f->name, "有问题，暂不能用", "", "", "", "", "", f->problem};
        t = view_table_row(t, cells);
    }
    return t;
}

/* The note under the profiles: how one is chosen, then each profile set
 * aside with its file and what to fix. NULL when out of memory. */
static char *profiles_note(const intake_profiles *set)
{
    char aside[4000];
    char *note = NULL;
    intake_profiles_faults_text(set, INTAKE_AT_TERMINAL, aside, sizeof aside);
    if (asprintf(&note, "表头只对得上一个模板的文件就按那个模板读；否则用 jiesu import --profile 模板名 文件%s%s",
                 *aside ? "\n" : "", aside) < 0)
        return NULL;
    return note;
}

/* One profile's text to copy, as a reply's note: a comment line saying what
 * to do with it, then the text as written. (As a table it read 行 above the
 * text and — for each blank line, neither of which a copy may hold.) */
static char *profile_text_note(const intake_profile *p)
{
    size_t len = strlen(p->text);
    while (len > 0 && p->text[len - 1] == '\n')
        len--;
    char *note = NULL;
    if (asprintf(&note, "# %s.conf：复制一份，改好后用 jiesu import --profile 模板文件.conf 导入\n%.*s", p->name,
                 (int)len, p->text) < 0)
        return NULL;
    return note;
}

Jiesu__ViewReply *intake_reply_profiles(const intake_profiles *set, const char *name, char *why, size_t whylen)
{
    const intake_profile *p = name ? intake_profiles_find(set, name) : NULL;
    const intake_profile_fault *fault = name && !p ? intake_profiles_fault_of(set, name) : NULL;
    if (fault)
        intake_profile_fault_text(fault, INTAKE_AT_TERMINAL, why, whylen);
    else if (name && !p)
        snprintf(why, whylen, "没有名为 %s 的导入模板（jiesu profiles 列出全部模板）", name);
    if (name && !p)
        return NULL;
    Jiesu__ViewReply *r = malloc(sizeof *r);
    if (!r || !(jiesu__view_reply__init(r), r->tables = calloc(2, sizeof *r->tables))
        || (p ? !(r->note = profile_text_note(p))
              : !(r->tables[r->n_tables++] = profiles_table(set))
                    || !(r->note = profiles_note(set)))) {
        snprintf(why, whylen, "内存不足");
        if (r)
            jiesu__view_reply__free_unpacked(r, NULL);
        return NULL;
    }
    return r;
}
