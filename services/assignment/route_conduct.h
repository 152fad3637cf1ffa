/* route_conduct.h — does a complaint accuse officials, and whom.
 *
 * A complaint is about officials' conduct when a conduct term (不作为,
 * 吃拿卡要, 态度恶劣, 推诿 ... — the terms of the conduct category) and a word
 * naming an office or an official (街道办, 居委会, 城管, 网格员, 民警 ...) stand
 * in the same clause: the text between two of 。！？；， (or their ASCII
 * forms) or line ends. Anywhere in a long letter is not enough: "政府" in the
 * first paragraph and "不作为" in the fifth accuse nobody. Conduct words about
 * shop owners, neighbours or 物业 never count (those are not office words),
 * nor does a term that does not tell of conduct: one a plea forbids (不要推诿),
 * a demand of what is owed to the one demanding (向乡政府索要拖欠的工资: the
 * citizen asks; 索要好处费 still accuses).
 *
 * Each office word says which unit it accuses: the street office of the
 * place (街道办, 居委会, 村委会, 网格员: communities belong to their street),
 * a department kind of the place's district (城管 → zhifa, 民警 → gongan), or
 * no unit in particular (政府, 干部, 窗口).
 *
 * A split letter's problem part is read by the office that must fix the
 * problem, which may be the one accused: route_conduct_redact gives its
 * text without the sentences that accuse (a sentence holding an accusing
 * clause goes whole, its problem clauses too, rather than leave a word of
 * the accusation), each run of them replaced by a note.
 *
 * Build once (route_conduct_add_term for every conduct term, then
 * route_conduct_build); finding is read-only, allocates nothing. Strings in
 * results are owned by the detector.
 */
#ifndef JIESU_ROUTE_CONDUCT_H
#define JIESU_ROUTE_CONDUCT_H

#include <stddef.h>

#define ROUTE_CONDUCT_MAX 4     /* accusing clauses reported */

typedef struct {
    const char *term;           /* the conduct term */
    const char *office;         /* the office word in the same clause */
    const char *accused_kind;   /* "street", a department kind ("zhifa"), or "" (no unit in particular) */
    size_t      clause_start, clause_end;   /* bytes of the clause */
} route_conduct_hit;

typedef struct {
    int               n;                       /* accusing clauses found (at most ROUTE_CONDUCT_MAX) */
    route_conduct_hit hit[ROUTE_CONDUCT_MAX];
    size_t            clause_bytes;            /* bytes of the text in accusing clauses */
} route_conduct_result;

typedef struct route_conduct route_conduct;

route_conduct *route_conduct_new(void);

/* Adds a conduct term. 0 or -1 (empty, after build, out of memory). */
int route_conduct_add_term(route_conduct *self, const char *term);

/* Freezes the automaton. 0 or -1. */
int route_conduct_build(route_conduct *self);

/* Finds the accusing clauses of text (may be NULL). */
void route_conduct_find(const route_conduct *self, const char *text, route_conduct_result *out);

/* What a reader of a split letter's problem part reads in place of its accusing sentences. */
#define ROUTE_CONDUCT_NOTE "（反映工作人员作风的内容已转纪委监委办理）"

/* text (not NULL) with every sentence (up to 。！？, their ASCII forms or a line end; up to a space
 * too in a text with no 。！？ at all) that holds a conduct term telling of conduct (accusing an office
 * the rule names or not: the letter accuses) replaced by note, one note for sentences taken out one
 * after another.
 * A new string the caller frees, or NULL when out of memory. */
char *route_conduct_redact(const route_conduct *self, const char *text, const char *note);

void route_conduct_destroy(route_conduct **self);

#endif
