/* view.h — read-only views of the record for people, over the bus.
 *
 * A service lists its views in a table, each a name, the roles that may ask
 * for it, its arguments and its sections (one SQL statement each, giving one
 * table of the reply). view_answer() answers a "view.request" from that
 * table: the role is checked, every statement gets the asking principal's
 * id as $1 (its arguments follow as $2, $3 ...) and keeps only the rows that
 * principal may see — the SQL says how, with principal_sees() for orders —,
 * and personal data is masked here, in the service, before anything leaves.
 *
 *   static const view_section ORDER[] = {{"complaint", "ll", "-t", 1, SQL_ORDER}, {NULL}};
 *   static const view_def VIEWS[] = {{"order", AUTH_CLERK | AUTH_HANDLER, 1, 1, "show TICKET", ORDER,
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

typedef struct {
    const char *title;
    const char *align;      /* one 'l' or 'r' per column */
    const char *mask;       /* NULL, or one letter per column: '-' as is, 'n' a person's name,
                             * 'p' a phone number, 't' free text (numbers inside it masked) */
    int         fields;     /* one record, printed as "column  value" lines */
    const char *sql;        /* $1 the principal's id, then the arguments ("" sent as NULL) */
} view_section;

typedef struct {
    const char         *name;
    auth_role           roles;
    int                 min_args, max_args;
    const char         *usage;      /* for the refusal of a wrong call: "show TICKET" */
    const view_section *sections;   /* ends with {NULL} */
    const char         *not_found;  /* when the first section has no row: printf format taking the
                                     * first argument ("no order %s that you may see"); NULL: an
                                     * empty table is an answer */
    const char         *note;       /* printed after the tables, or NULL */
} view_def;

/* Runs def's sections on pg with params ($1 the principal's id, then the
 * arguments) into reply (initialised by the caller, freed with
 * jiesu__view_reply__free_unpacked), masked as each section says. 1 done, 0
 * when the first section found nothing and def->not_found is set, -1 with
 * err. For readers that are not the bus (the web pages). */
int view_build(PGconn *pg, const view_def *def, const char *const *params, int nparams, Jiesu__ViewReply *reply,
               char *err, size_t errlen);

/* Answers req (a ViewRequest) from defs (ending with {NULL}) for who. Times
 * in the statements are in the service's report.timezone. */
void view_answer(service *s, const bus_request *req, const auth_principal *who, const view_def *defs);

#endif
