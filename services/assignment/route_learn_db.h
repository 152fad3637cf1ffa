/* route_learn_db.h — what training reads from and writes to PostgreSQL.
 *
 * Training texts come from a historical export (route_learn_file.h) or from
 * the settled orders: orders resolved or closed under the category routing,
 * a dispatcher or a re-routing after returns gave them last (conduct parts
 * and conduct complaints left out: the clause rule decides those), newest
 * first, at most ROUTE_LEARN_DB_MAX. Labels are turned into category codes
 * of the tree (route_cat_resolve: hotline names, Chinese names, codes).
 *
 * A trained model is stored as a new version in table models (migration
 * 011) with its source, sizes, held-back macro-F1 and accuracy; every
 * assignment process loads the newest on its next rules reload.
 */
#ifndef JIESU_ROUTE_LEARN_DB_H
#define JIESU_ROUTE_LEARN_DB_H

#include <libpq-fe.h>
#include <stddef.h>

#include "route_category.h"
#include "route_learn.h"

#define ROUTE_LEARN_DB_MAX 200000

/* What to do about labels that name no category, as the operator reads it. */
#define ROUTE_LEARN_LABELS_HOW "把标注改成分类表里的类别名称（如 城乡建设），或把这些名称加进类别对照表 " \
                               "data/routing/category_aliases.csv 后运行 jiesu migrate，再训练一次"

/* Labels that name no category: counted, a few of them (each once) kept for
 * the operator. */
typedef struct {
    long skipped;
    int  shown;             /* labels in examples */
    char examples[256];
} route_learn_unknown;

/* Adds text under label (resolved through cats) to set. 0, or -1 out of memory. */
int route_learn_add_labelled(route_learn_set *set, const route_cat *cats, const char *text, const char *label,
                             route_learn_unknown *unknown);

/* Adds the settled orders' texts to set. Returns how many, or -1 with err. */
long route_learn_db_settled(PGconn *pg, const route_cat *cats, route_learn_set *set, route_learn_unknown *unknown,
                            char *err, size_t errlen);

/* Stores model as a new version, trained by actor (a principal's name),
 * recorded in admin_events. Returns the version, or -1 with err. */
int route_learn_db_store(PGconn *pg, const route_model *model, const route_learn_stats *st, const char *source,
                         const char *actor, char *err, size_t errlen);

#endif
