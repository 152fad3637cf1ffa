/* view.h — read-only views of the record for people, over the bus.
 *
 * A service lists its views in a table, each a name, the roles that may ask
 * for it, its arguments and its sections (one SQL statement each, giving one
 * table of the reply). view_answer() answers a "view.request" from that
 * table: the role is checked, every statement gets the asking principal's
 * id as $1 (its arguments follow as $2, $3 ...) and keeps only the rows that
 * principal may see — the SQL says how, with principal_sees() for orders —,
 * and personal data is masked here, in the service, before anything leaves;
 * codes become the names people read (common/names.h).
 *
 *   static const view_section ORDER[] = {{"complaint", "ll", "-t", 1, SQL_ORDER}, {NULL}};
 *   static const view_def VIEWS[] = {{"order", AUTH_CLERK | AUTH_HANDLER, 1, 1, "show 工单号", ORDER,
 *                                     "no order %s that you may see"}, {NULL}};
 *   ... {"view.request", on_view, AUTH_PEOPLE} where on_view calls view_answer(s, req, who, VIEWS).
 *
 * The command line prints the reply's tables (cli_view() in the jiesu tool).
 */
#ifndef JIESU_VIEW_H
#define JIESU_VIEW_H

#include "auth.h"
#include "svc.h"

#define VIEW_MAX_ARGS 4
#define VIEW_LIMIT_MAX 10000      /* the most rows a list view's --limit asks for */

typedef struct view_section view_section;

/* Makes a section's table from its statement's rows itself, for what SQL
 * cannot say (a deadline's state in working time), with the reader's
 * configuration and connection. NULL with err. */
typedef Jiesu__Table *(*view_table_fn)(const config *cfg, PGconn *pg, const view_section *sec, PGresult *res,
                                       char *err, size_t errlen);

#define VIEW_EXCERPT_CHARS 30     /* of a cell 'x' */
#define VIEW_EXCERPT_READ 200     /* characters an excerpt is masked from (SQL's left()): a
                                   * number across its cut is masked whole */

/* Of alerts a, those principal p may read of, and so act on: about an order
 * p may see, or about none (a pattern alert). `jiesu alerts`, the
 * workbench's alerts and acknowledging one (escalation's alert.ack) ask it,
 * so an order that became a conduct complaint takes its alerts away from the
 * office that held it, as its page. */
#define VIEW_ALERT_SEEN(p) "(a.complaint_id IS NULL OR principal_sees(" p "::int, a.complaint_id))"

/* Of the alerts a about an order its reader sees, those shown to the reader
 * of unit id u: the ladder's first rungs (remind, supervise), which everyone
 * on the order follows, and whatever is addressed to u. Accountability and
 * pattern alerts, their reasons and their acknowledgements' notes are their
 * target's (discipline inspection's, mostly): never the accused office's.
 * The wall board, an order's page and history, and the weekly bulletin's
 * list of overdue and escalated orders (of its stored rows, which keep each
 * alert's rung and target) ask it. */
#define VIEW_ALERT_SHOWN(a, u) "(" a ".rung IN ('remind', 'supervise') OR " a ".target_unit_id = " u ")"
/* The unit of principal p (a parameter such as "$1"), for VIEW_ALERT_SHOWN. */
#define VIEW_UNIT_OF(p) "(SELECT unit_id FROM principals WHERE id = " p "::int)"

struct view_section {
    const char *title;
    const char *align;      /* one 'l' or 'r' per column */
    const char *cells;      /* NULL, or one letter per column: '-' as is; masked: 'n' a person's
                             * name, 'p' a phone number, 't' free text (numbers inside it), 'x'
                             * free text shown as an excerpt (masked, then cut to
                             * VIEW_EXCERPT_CHARS: a number across the cut masked whole);
                             * a code named (common/names.h): 's' status, 'o' role, 'l' rule,
                             * 'e' event, 'r' rung, 'k' deadline kind, 'u' unit kind */
    int         fields;     /* one record, printed as "column  value" lines */
    const char *sql;        /* $1 the principal's id, then the arguments ("" sent as NULL) */
    view_table_fn table;    /* NULL: the statement's columns, shown as cells says */
    int         if_rows;    /* left out of the reply when its statement finds no row (a part
                             * that answers only some calls: a street's communities); a
                             * first section so marked makes the view not found only when
                             * every section is left out (the units, or else the
                             * communities of that name) */
};

typedef struct {
    const char         *name;
    auth_role           roles;
    int                 min_args, max_args;
    const char         *usage;      /* for the refusal of a wrong call: "show 工单号" */
    const view_section *sections;   /* ends with {NULL} */
    const char         *not_found;  /* when the first section has no row (one marked if_rows: when
                                     * no section has any): printf format taking the first
                                     * argument ("no order %s that you may see"); NULL: an empty
                                     * table is an answer */
    const char         *note;       /* printed after the tables when they list something (what
                                     * to do with it: 确认告警：jiesu ack …), or NULL */
} view_def;

/* A cell's value as a person reads it: s, or "—" when s is NULL or empty (a
 * blank says neither "none" nor "not recorded"). The pages (web_html_value)
 * and the terminal (cli_table_print_reply) print every cell a service sends
 * through it, so an empty 来电人 reads the same in both. */
const char *view_value(const char *s);

/* The view of defs (ending with {NULL}) called name, or NULL. */
const view_def *view_find(const view_def *defs, const char *name);

/* A table to send: title, align and ncols column names copied. NULL when
 * out of memory. Free with jiesu__table__free_unpacked(t, NULL). */
Jiesu__Table *view_table_new(const char *title, const char *align, const char *const *columns, size_t ncols);

/* Appends a row of as many malloc'd cells as the table has columns. On
 * success the array and its strings belong to the table; on failure (out of
 * memory, or a NULL cell) the strings are freed and the array stays the
 * caller's. 0 or -1. */
int view_table_take_row(Jiesu__Table *t, char **cells);

/* view_table_take_row() with copies of cells. 0 or -1. */
int view_table_add(Jiesu__Table *t, const char *const *cells);

/* t with a row of copies of cells added, for building a table row by row;
 * NULL, t freed, when memory ran out (t NULL: NULL). */
Jiesu__Table *view_table_row(Jiesu__Table *t, const char *const *cells);

/* Runs def's sections on pg with params ($1 the principal's id, then the
 * arguments) into reply (initialised by the caller, freed with
 * jiesu__view_reply__free_unpacked), masked as each section says. 1 done, 0
 * when def->not_found is set and the view found nothing (as it says), -1 with
 * err. For readers that are not the bus (the web pages). cfg is what
 * sections with a table function read (NULL when the view has none). */
int view_build(const config *cfg, PGconn *pg, const view_def *def, const char *const *params, int nparams,
               Jiesu__ViewReply *reply, char *err, size_t errlen);

/* Answers req (a ViewRequest) from defs (ending with {NULL}) for who. Times
 * in the statements are in the configured `timezone`. */
void view_answer(service *s, const bus_request *req, const auth_principal *who, const view_def *defs);

#endif
