/* web_extensions.c — the workbench's panel of requests for more time (see
 * web_work.h): the reporting service's extensions view (report_extensions.c,
 * the one `jiesu extensions` prints) run for the person, each ticket a link
 * to its order page, where a request is made and decided.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report_views.h"
#include "text.h"
#include "view.h"
#include "web_html.h"
#include "web_work.h"

#define PANEL_ROWS "20"     /* the newest so many; `jiesu extensions --limit N` lists more */

/* The 工单号 cell as a link to the order's page. */
static int ticket_link(FILE *f, const void *ctx, const Jiesu__Table *t, size_t row, size_t col)
{
    char url[3 * TEXT_TICKET_MAX + 1];
    (void)ctx;
    if (strcmp(t->columns[col], "工单号") != 0)
        return 0;
    text_url_encode(url, sizeof url, t->rows[row]->cells[col]);
    fprintf(f, "<a href=\"/work/order?t=%s\">", url);
    text_html_escape(f, t->rows[row]->cells[col]);
    fputs("</a>", f);
    return 1;
}

void web_extensions_panel(FILE *f, const web_work *w, PGconn *pg, const web_user *u)
{
    char id[16], err[512];
    int deciders = u->who.role & (AUTH_DISPATCHER | AUTH_DISCIPLINE);
    if (!(u->who.role & (AUTH_DISPATCHER | AUTH_DISCIPLINE | AUTH_HANDLER)))
        return;
    Jiesu__ViewReply reply = JIESU__VIEW_REPLY__INIT;
    snprintf(id, sizeof id, "%d", u->who.id);
    const char *params[] = {id, PANEL_ROWS};
    if (view_build(w->cfg, pg, view_find(REPORT_VIEWS, "extensions"), params, 2, &reply, err, sizeof err) < 0) {
        log_error("workbench: the requests for more time of %s left out: %s", u->who.name, err);
        return;
    }
    const Jiesu__Table *t = reply.n_tables ? reply.tables[0] : NULL;
    if (t && (t->n_rows || deciders)) {
        Jiesu__Table shown = *t;
        shown.title = u->who.role & AUTH_DISPATCHER ? "待审核的延期申请"
                    : deciders                      ? "本单位的延期申请（由申请人以外的纪委监委审核）"
                                                    : "本单位的延期申请";
        web_html_table(f, &shown, ticket_link, NULL);
        fprintf(f, "<p class=\"note\">%s最新的 " PANEL_ROWS " 条，全部见 jiesu extensions。</p>\n",
                deciders ? "在工单页面批准或驳回（驳回须写原因）：批准后办结时限即改为申请的时间。"
                         : "在工单页面申请延期（工单办理中时）；审核结果见这里和工单页面。");
    }
    for (size_t i = 0; i < reply.n_tables; i++)
        jiesu__table__free_unpacked(reply.tables[i], NULL);
    free(reply.tables);
}
