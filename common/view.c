/* view.c — answering "view.request" from a service's table of views (see view.h).
 *
 * The reply is built from malloc'd parts only, so protobuf-c's
 * free_unpacked frees it whole, as it would a received one.
 */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "mask.h"
#include "names.h"
#include "svc.h"
#include "text.h"

#define ERR_NOT_FOUND 404
#define CELL_MAX 65536

const view_def *view_find(const view_def *defs, const char *name)
{
    for (const view_def *d = defs; d->name; d++)
        if (strcmp(d->name, name) == 0)
            return d;
    return NULL;
}

const char *view_value(const char *s)
{
    return s && *s ? s : "—";
}

/* The name of a code, for a column whose letter says it holds codes; NULL
 * for any other letter. */
static const char *cell_name(char letter, const char *v)
{
    switch (letter) {
    case 's': return names_status(v);
    case 'o': return names_role(v);
    case 'l': return names_rule(v);
    case 'e': return names_event(v);
    case 'r': return names_rung(v);
    case 'k': return names_deadline(v);
    case 'u': return names_unit_kind(v);
    default: return NULL;
    }
}

/* A copy of a cell's value, masked or named as the section says for column c. */
static char *cell_value(const view_section *sec, int c, const char *v)
{
    char letter = sec->cells && (size_t)c < strlen(sec->cells) ? sec->cells[c] : '-';
    const char *name = cell_name(letter, v);
    if (name)
        return strdup(name);
    if (letter == '-' || !*v)
        return strdup(v);
    size_t cap = strlen(v) * 2 + 64 < CELL_MAX ? strlen(v) * 2 + 64 : CELL_MAX;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    if (letter == 'n')
        text_mask_name(out, cap, v);
    else if (letter == 'p')
        text_mask_phone(out, cap, v);
    else if (letter == 'x')
        mask_excerpt(out, cap, v, VIEW_EXCERPT_CHARS);
    else if (mask_text(out, cap, v) < 0)
        snprintf(out, cap, "(masked)");
    return out;
}

Jiesu__Table *view_table_new(const char *title, const char *align, const char *const *columns, size_t ncols)
{
    Jiesu__Table *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    jiesu__table__init(t);
    t->title = strdup(title);
    t->align = strdup(align);
    t->columns = calloc(ncols + 1, sizeof *t->columns);
    int ok = t->title && t->align && t->columns;
    for (size_t c = 0; ok && c < ncols; c++)
        ok = (t->columns[t->n_columns++] = strdup(columns[c])) != NULL;
    if (!ok) {
        jiesu__table__free_unpacked(t, NULL);
        return NULL;
    }
    return t;
}

int view_table_take_row(Jiesu__Table *t, char **cells)
{
    Jiesu__Row **rows = realloc(t->rows, (t->n_rows + 1) * sizeof *rows);
    Jiesu__Row *row = rows ? malloc(sizeof *row) : NULL;
    int ok = row != NULL;
    if (rows)
        t->rows = rows;
    for (size_t c = 0; c < t->n_columns; c++)
        ok = ok && cells[c];
    if (!ok) {
        for (size_t c = 0; c < t->n_columns; c++)
            free(cells[c]);
        free(row);
        return -1;
    }
    jiesu__row__init(row);
    row->cells = cells;
    row->n_cells = t->n_columns;
    t->rows[t->n_rows++] = row;
    return 0;
}

int view_table_add(Jiesu__Table *t, const char *const *cells)
{
    char **copy = calloc(t->n_columns + 1, sizeof *copy);
    if (!copy)
        return -1;
    for (size_t c = 0; c < t->n_columns; c++)
        copy[c] = strdup(cells[c] ? cells[c] : "");
    if (view_table_take_row(t, copy) == 0)
        return 0;
    free(copy);
    return -1;
}

Jiesu__Table *view_table_row(Jiesu__Table *t, const char *const *cells)
{
    if (t && view_table_add(t, cells) < 0) {
        jiesu__table__free_unpacked(t, NULL);
        t = NULL;
    }
    return t;
}

/* The section's rows as a Table, masked; NULL when out of memory. */
static Jiesu__Table *table_from(PGresult *res, const view_section *sec)
{
    int cols = PQnfields(res), rows = PQntuples(res);
    const char *names[64];
    if (cols > 64)
        return NULL;
    for (int c = 0; c < cols; c++)
        names[c] = PQfname(res, c);
    Jiesu__Table *t = view_table_new(sec->title, sec->align, names, (size_t)cols);
    if (!t)
        return NULL;
    t->fields = sec->fields;
    for (int r = 0; r < rows; r++) {
        char **cells = calloc((size_t)cols + 1, sizeof *cells);
        for (int c = 0; cells && c < cols; c++)
            cells[c] = cell_value(sec, c, PQgetvalue(res, r, c));
        if (!cells || view_table_take_row(t, cells) < 0) {
            free(cells);
            jiesu__table__free_unpacked(t, NULL);
            return NULL;
        }
    }
    return t;
}

int view_build(const config *cfg, PGconn *pg, const view_def *def, const char *const *params, int nparams,
               Jiesu__ViewReply *reply, char *err, size_t errlen)
{
    size_t n = 0;
    while (def->sections[n].title)
        n++;
    reply->tables = calloc(n + 1, sizeof *reply->tables);
    if (!reply->tables) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        PGresult *res = db_query(pg, def->sections[i].title, def->sections[i].sql, nparams, params, err, errlen);
        if (!res)
            return -1;
        const view_section *sec = &def->sections[i];
        int left_out = sec->if_rows && PQntuples(res) == 0;
        int none = i == 0 && def->not_found && !sec->if_rows && PQntuples(res) == 0;
        Jiesu__Table *t = none || left_out ? NULL
                          : sec->table     ? sec->table(cfg, pg, sec, res, err, errlen) : table_from(res, sec);
        PQclear(res);
        if (none)
            return 0;
        if (left_out)
            continue;
        if (!t) {
            if (!sec->table)
                snprintf(err, errlen, "out of memory");
            return -1;
        }
        reply->tables[reply->n_tables++] = t;
    }
    return def->not_found && reply->n_tables == 0 ? 0 : 1;
}

/* Sets this connection's time zone to `timezone`. 0 or -1 with err. */
static int use_timezone(service *s, char *err, size_t errlen)
{
    const char *tz[] = {config_str(s->cfg, "timezone")};
    PGresult *res = db_query(s->pg, "view timezone", "SELECT set_config('TimeZone', $1, false)", 1, tz, err, errlen);
    if (!res) {
        text_prefix(err, errlen, "time zone '%s' (timezone): ", tz[0]);
        return -1;
    }
    PQclear(res);
    return 0;
}

/* The 1-based number of the first argument that is not UTF-8 (PostgreSQL
 * takes nothing else), or 0. */
static int arg_not_text(const Jiesu__ViewRequest *rq)
{
    for (size_t i = 0; i < rq->n_args; i++)
        if (!text_utf8_valid(rq->args[i], strlen(rq->args[i]), NULL))
            return (int)i + 1;
    return 0;
}

/* Checks the view may be asked for, by who, with these arguments. 0, or -1 after answering. */
static int check_call(service *s, const bus_request *req, const auth_principal *who, const view_def *def,
                      const Jiesu__ViewRequest *rq)
{
    char roles[256];
    int bad;
    if (!def) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "%s没有“%s”这个视图", svc_title_of(s->name), rq->name);
    } else if (!(who->role & def->roles)) {
        auth_roles_say(def->roles, roles, sizeof roles);
        bus_server_reply_error(s->server, req, SVC_ERR_FORBIDDEN, "%s 的角色是%s；只有%s可以查看",
                               who->name, auth_role_title(who->role), roles);
    } else if ((int)rq->n_args < def->min_args || (int)rq->n_args > def->max_args) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "用法：jiesu %s", def->usage);
    } else if ((bad = arg_not_text(rq)) != 0) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST,
                               "第 %d 个参数不是 UTF-8 文字：请在 UTF-8 终端里输入（用法：jiesu %s）", bad, def->usage);
    } else {
        return 0;
    }
    return -1;
}

/* Whether reply lists anything: a view's note says what to do with what
 * it lists, and under "（无）" it would offer to act on nothing. */
static int lists_something(const Jiesu__ViewReply *reply)
{
    for (size_t i = 0; i < reply->n_tables; i++)
        if (reply->tables[i]->n_rows)
            return 1;
    return 0;
}

void view_answer(service *s, const bus_request *req, const auth_principal *who, const view_def *defs)
{
    char err[512] = "", id[16];
    const char *params[1 + VIEW_MAX_ARGS];
    Jiesu__ViewReply *reply = calloc(1, sizeof *reply);
    Jiesu__ViewRequest *rq = BUS_UNPACK(view_request, req->env);
    if (!rq || !reply) {
        bus_server_reply_error(s->server, req, SVC_ERR_BAD_REQUEST, "view.request: malformed payload");
        goto cleanup;
    }
    jiesu__view_reply__init(reply);
    const view_def *def = view_find(defs, rq->name);
    if (check_call(s, req, who, def, rq) < 0)
        goto cleanup;
    snprintf(id, sizeof id, "%d", who->id);
    params[0] = id;
    for (size_t i = 0; i < rq->n_args && i < VIEW_MAX_ARGS; i++)
        params[1 + i] = *rq->args[i] ? rq->args[i] : NULL;
    for (int i = (int)rq->n_args; i < def->max_args; i++)
        params[1 + i] = NULL;
    int rc = svc_ensure_pg(s, err, sizeof err) == 0 && use_timezone(s, err, sizeof err) == 0
                 ? view_build(s->cfg, s->pg, def, params, 1 + def->max_args, reply, err, sizeof err) : -1;
    if (rc == 1) {
        reply->note = def->note && lists_something(reply) ? strdup(def->note) : NULL;
        bus_server_reply(s->server, req, "view.reply", &reply->base);
    } else if (rc == 0) {
        bus_server_reply_error(s->server, req, ERR_NOT_FOUND, def->not_found, rq->n_args ? rq->args[0] : "");
    } else {
        text_prefix(err, sizeof err, "%s for %s: ", rq->name, who->name);
        svc_reply_failed(s, req, SVC_ERR_INTERNAL, err);
    }
cleanup:
    if (reply)
        jiesu__view_reply__free_unpacked(reply, NULL);
    if (rq)
        jiesu__view_request__free_unpacked(rq, NULL);
}
