/* route_conduct.c — conduct terms and office words in the same clause (see route_conduct.h).
 *
 * One Aho–Corasick pass finds every conduct term and office word; for each
 * conduct term the clause around it is found by walking to the nearest
 * separators, and the office words inside it are the ones it is about.
 * Redacting takes out every sentence of a split letter that holds a
 * conduct term, however many a letter has.
 */
#include "route_conduct.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route_ac.h"
#include "route_mem.h"

#define MAX_HITS    64
#define OFFICE_BASE 100000      /* automaton values: terms below, office words from here */
#define PRIVATE_BASE 200000     /* … and words of employers that are not the state's from here */

/* Words that name an office or an official, and whom they accuse: the street office of the place, a
 * department of the district by its kind (data/routing/dept_kinds.csv), or nobody in particular (""). The
 * departments by the names letters give them: of the 1,842 real labelled messages, 44 accused a 局, a
 * 部门 or a 领导 (环保局不作为, 交通局……敷衍我们, 各部门联合踢皮球) and were given whole to the
 * office they accuse while only street words, 城管 and the police were known. */
static const struct {
    const char *word;
    const char *kind;
} OFFICES[] = {
    {"街道办", "street"}, {"办事处", "street"}, {"街道工作人员", "street"}, {"社区工作人员", "street"},
    {"居委会", "street"}, {"村委会", "street"}, {"社区书记", "street"}, {"社区主任", "street"},
    {"村支书", "street"}, {"村主任", "street"}, {"网格员", "street"},
    {"城管", "zhifa"}, {"执法人员", "zhifa"}, {"执法队员", "zhifa"}, {"执法局", "zhifa"},
    {"民警", "gongan"}, {"派出所", "gongan"}, {"公安局", "gongan"}, {"公安分局", "gongan"}, {"交警", "jiaojing"},
    {"环卫所", "huanwei"}, {"环卫处", "huanwei"},
    {"市场监管", "shichang"}, {"市监局", "shichang"}, {"工商局", "shichang"}, {"工商所", "shichang"},
    {"住建局", "zhujian"}, {"住建委", "zhujian"}, {"住建部门", "zhujian"}, {"建设局", "zhujian"},
    {"房管局", "zhujian"}, {"房产局", "zhujian"},
    {"教育局", "jiaoyu"}, {"教体局", "jiaoyu"}, {"教育部门", "jiaoyu"}, {"教育主管部门", "jiaoyu"},
    {"环保局", "huanbao"}, {"环保部门", "huanbao"}, {"环保分局", "huanbao"}, {"生态环境局", "huanbao"},
    {"生态环境分局", "huanbao"}, {"环境保护局", "huanbao"},
    {"林业局", "yuanlin"}, {"园林局", "yuanlin"}, {"工信局", "gongxin"}, {"经信局", "gongxin"},
    {"交通局", "jiaotong"}, {"交通运输局", "jiaotong"}, {"交通部门", "jiaotong"}, {"运管所", "jiaotong"},
    {"民政局", "minzheng"}, {"农业局", "nongye"}, {"农业农村局", "nongye"}, {"农委", "nongye"},
    {"人社局", "renshe"}, {"劳动局", "renshe"}, {"社保局", "renshe"}, {"人社部门", "renshe"},
    {"劳动监察", "renshe"}, {"商务局", "shangwu"}, {"水务局", "shuiwu"}, {"水利局", "shuiwu"},
    {"司法局", "sifa"}, {"司法所", "sifa"},
    {"卫生局", "weijian"}, {"卫健局", "weijian"}, {"卫健委", "weijian"}, {"卫生部门", "weijian"},
    {"卫计局", "weijian"}, {"文旅局", "wenlv"}, {"旅游局", "wenlv"}, {"文化局", "wenlv"}, {"文广新局", "wenlv"},
    {"应急局", "yingji"}, {"应急管理局", "yingji"}, {"安监局", "yingji"},
    {"自然资源局", "ziran"}, {"国土局", "ziran"}, {"规划局", "ziran"}, {"国土部门", "ziran"},
    {"公务员", ""}, {"干部", ""}, {"窗口", ""}, {"政府", ""}, {"部门", ""}, {"领导", ""}, {"工作人员", ""},
    {"局长", ""}, {"科长", ""}, {"处长", ""}, {"所长", ""},
};
#define NOFFICES (sizeof OFFICES / sizeof OFFICES[0])

/* Employers that are not the state's: with one in its clause, the office words that name staff of
 * anyone (GENERAL) are about them, not officials (物业工作人员态度恶劣, 开发商公司领导推诿), as a
 * clause of 物业 or a shop's owner alone is; an office word that names the state (政府, 干部, 街道 …)
 * beside them still accuses (政府部门和开发商互相推诿). */
static const char *const PRIVATE[] = {
    "物业", "公司", "开发商", "银行", "医院", "学校", "培训机构", "幼儿园", "超市", "商场", "商家",
    "饭店", "酒店", "门店", "中介", "快递", "驾校", "房东", "老板",
};
#define NPRIVATE (sizeof PRIVATE / sizeof PRIVATE[0])
static const char *const GENERAL[] = {"工作人员", "领导", "部门", "窗口"};

/* Whether office word i names staff of any employer (GENERAL), not the state's alone. */
static int general(size_t i)
{
    for (size_t g = 0; g < sizeof GENERAL / sizeof GENERAL[0]; g++)
        if (strcmp(OFFICES[i].word, GENERAL[g]) == 0)
            return 1;
    return 0;
}

/* Words before a conduct term that forbid it rather than report it: a letter asking 各部门 "不要推诿"
 * among its requests (one of the real labelled messages, asking when a second child's permit would be issued)
 * accuses nobody; "不要再推诿" says they did, and still does. */
static const char *const PLEAS[] = {"不要", "请勿", "切勿", "不得", "严禁", "杜绝"};
#define NPLEAS (sizeof PLEAS / sizeof PLEAS[0])

/* Conduct terms that demand something: an official's demand when what is demanded is not owed to the
 * one demanding. What a citizen asks back (OWED) makes the demand his: of the real labelled messages,
 * "多次找过……雨母乡政府索要拖欠的工资" asked a township for wages and was split as an accusation of it.
 * What an official extorts (BRIBES) named first keeps it an accusation (索要好处费才退还押金), as a
 * demand of neither does (村委会主任索要钱). */
static const char *const DEMANDS[] = {"索要", "索取"};
#define NDEMANDS (sizeof DEMANDS / sizeof DEMANDS[0])
static const char *const OWED[] = {
    "工资", "工钱", "薪", "血汗钱", "报酬", "欠款", "拖欠", "工程款", "货款", "赔偿", "补偿",
    "押金", "保证金", "违约金", "退款", "退费", "发票", "说法",
};
#define NOWED (sizeof OWED / sizeof OWED[0])
static const char *const BRIBES[] = {"好处", "红包", "钱财", "钱物", "财物", "礼", "回扣", "贿赂", "感谢费", "辛苦费"};
#define NBRIBES (sizeof BRIBES / sizeof BRIBES[0])

/* Clause separators: 。！？；， and their ASCII forms (intake folds full-width ones), line ends, and a
 * space, which letters typed without punctuation put between clauses (a real one of the labelled
 * messages: "……工商局得以介入此事协调 仁和培训机构老师相互推诿 ……", 500 characters of one clause,
 * accused the office it asked for help of the school's 推诿). */
static const char *const SEPARATORS[] = {"。", "！", "？", "；", "，", "!", "?", ";", ",", "\n", "\r", " ", "\u3000", NULL};

/* What ends a sentence, besides a line end: 。！？ and their ASCII forms. A semicolon or a comma does
 * not, so the sentence a redaction takes out is never shorter than the one a reader would name. */
static const char *const SENTENCE_ENDS[] = {"。", "！", "？", "!", "?", NULL};

struct route_conduct {
    route_ac *ac;
    char    **terms;
    size_t    nterms, cap;
};

typedef struct {
    int32_t value;
    size_t  start, end;
} hit;

typedef struct {
    hit    h[MAX_HITS];
    size_t n;
} hit_list;

route_conduct *route_conduct_new(void)
{
    route_conduct *self = calloc(1, sizeof *self);
    if (!self || !(self->ac = route_ac_new())) {
        free(self);
        return NULL;
    }
    int rc = 0;
    for (size_t i = 0; i < NOFFICES; i++)
        rc |= route_ac_add(self->ac, OFFICES[i].word, strlen(OFFICES[i].word), (int32_t)(OFFICE_BASE + i));
    for (size_t i = 0; i < NPRIVATE; i++)
        rc |= route_ac_add(self->ac, PRIVATE[i], strlen(PRIVATE[i]), (int32_t)(PRIVATE_BASE + i));
    if (rc != 0)
        route_conduct_destroy(&self);
    return self;
}

void route_conduct_destroy(route_conduct **self)
{
    if (!self || !*self)
        return;
    for (size_t i = 0; i < (*self)->nterms; i++)
        free((*self)->terms[i]);
    free((*self)->terms);
    route_ac_destroy(&(*self)->ac);
    free(*self);
    *self = NULL;
}

int route_conduct_add_term(route_conduct *self, const char *term)
{
    if (!*term || route_grow((void **)&self->terms, &self->cap, self->nterms + 1, sizeof *self->terms) != 0)
        return -1;
    char *copy = strdup(term);
    if (!copy || route_ac_add(self->ac, term, strlen(term), (int32_t)self->nterms) != 0) {
        free(copy);
        return -1;
    }
    self->terms[self->nterms++] = copy;
    return 0;
}

int route_conduct_build(route_conduct *self)
{
    return route_ac_build(self->ac);
}

static int on_hit(void *ctx, int32_t value, size_t start, size_t end)
{
    hit_list *l = ctx;
    if (l->n < MAX_HITS)
        l->h[l->n++] = (hit){value, start, end};
    return 0;
}

/* The length of the separator at text[i], or 0. */
static size_t separator_at(const char *text, size_t i)
{
    for (const char *const *s = SEPARATORS; *s; s++) {
        size_t k = strlen(*s);
        if (strncmp(text + i, *s, k) == 0)
            return k;
    }
    return 0;
}

/* The clause around text[start, end): [*from, *to). */
static void clause_of(const char *text, size_t len, size_t start, size_t end, size_t *from, size_t *to)
{
    size_t a = 0, b = end, k;
    for (size_t p = start; p-- > 0;)
        if (((unsigned char)text[p] & 0xC0) != 0x80 && (k = separator_at(text, p)) != 0) {
            a = p + k;
            break;
        }
    while (b < len && !separator_at(text, b))
        b++;
    *from = a;
    *to = b;
}

/* Whether word is one of list[0, n). */
static int listed(const char *word, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(word, list[i]) == 0)
            return 1;
    return 0;
}

/* Where the first of words[0, n) starts in s[0, len), or len. */
static size_t first_of(const char *s, size_t len, const char *const *words, size_t n)
{
    size_t best = len;
    for (size_t i = 0; i < n; i++) {
        const char *p = memmem(s, len, words[i], strlen(words[i]));
        if (p && (size_t)(p - s) < best)
            best = (size_t)(p - s);
    }
    return best;
}

/* Whether conduct term t of text[0, len) tells of conduct: not right after a word that forbids it
 * (PLEAS), and a demand not of what is owed to the one demanding, the first such word after it in
 * its clause (OWED) coming before any of an official's (BRIBES). */
static int reports(const route_conduct *self, const char *text, size_t len, const hit *t)
{
    for (size_t i = 0; i < NPLEAS; i++) {
        size_t k = strlen(PLEAS[i]);
        if (t->start >= k && memcmp(text + t->start - k, PLEAS[i], k) == 0)
            return 0;
    }
    if (!listed(self->terms[t->value], DEMANDS, NDEMANDS))
        return 1;
    size_t from, to;
    clause_of(text, len, t->start, t->end, &from, &to);
    size_t rest = to - t->end, owed = first_of(text + t->end, rest, OWED, NOWED);
    return owed == rest || first_of(text + t->end, rest, BRIBES, NBRIBES) < owed;
}

/* Records the clause [from, to) of conduct term t if an office word lies inside it: the first that
 * names whom it accuses, else the first (街道工作人员 over the 工作人员 inside it, 环保局 over 领导);
 * not when its office words name staff of anyone beside an employer not the state's (物业工作人员). */
static void judge(const route_conduct *self, const hit_list *l, const hit *t, size_t from, size_t to,
                  route_conduct_result *out)
{
    size_t best = 0;
    int found = 0, private = 0, state = 0;
    for (int k = 0; k < out->n; k++)
        if (out->hit[k].clause_start == from)
            return;                               /* this clause is already counted */
    for (size_t j = 0; j < l->n && out->n < ROUTE_CONDUCT_MAX; j++) {
        const hit *o = &l->h[j];
        if (o->value < OFFICE_BASE || o->start < from || o->end > to)
            continue;
        if (o->value >= PRIVATE_BASE) {
            private = 1;
            continue;
        }
        size_t i = (size_t)(o->value - OFFICE_BASE);
        if (!found || (!*OFFICES[best].kind && *OFFICES[i].kind))
            best = i;
        found = 1;
        state |= !general(i);
    }
    if (!found || (private && !state) || out->n >= ROUTE_CONDUCT_MAX)
        return;
    out->hit[out->n++] = (route_conduct_hit){.term = self->terms[t->value], .office = OFFICES[best].word,
                                             .accused_kind = OFFICES[best].kind, .clause_start = from,
                                             .clause_end = to};
    out->clause_bytes += to - from;
}

/* Every accusing clause of text[0, len) into out; the words found into l. */
static void find(const route_conduct *self, const char *text, size_t len, hit_list *l, route_conduct_result *out)
{
    l->n = 0;
    memset(out, 0, sizeof *out);
    route_ac_scan(self->ac, text, len, on_hit, l);
    for (size_t i = 0; i < l->n && out->n < ROUTE_CONDUCT_MAX; i++) {
        if (l->h[i].value >= OFFICE_BASE || !reports(self, text, len, &l->h[i]))
            continue;
        size_t from, to;
        clause_of(text, len, l->h[i].start, l->h[i].end, &from, &to);
        judge(self, l, &l->h[i], from, to, out);
    }
}

void route_conduct_find(const route_conduct *self, const char *text, route_conduct_result *out)
{
    hit_list l;
    if (!text) {
        memset(out, 0, sizeof *out);
        return;
    }
    find(self, text, strlen(text), &l, out);
}

/* ---- redacting ---- */

/* Whether the sentence text[0, len) of a letter that accuses is taken out: it holds a conduct term,
 * whether or not an office word the routing rule knows is in its clause, or more words than one scan
 * keeps (the rest unread); not for a term that does not tell of conduct (reports: 不要推诿, a wage
 * 索要 of the one owed it), which the problem's holder reads. Routing splits a letter on an accusing clause; once it has, a sentence of
 * the letter with 推诿 or 不作为 in it is about officials too, named as the office words do not
 * (of the 18 real letters split among the labelled messages, 11 sentences kept by the clause rule
 * said 交通局一直在敷衍我们, 经区市环保局多次推诿后, 相关部门踢皮球 …, to the office accused). */
static int accuses(const route_conduct *self, const char *text, size_t len)
{
    hit_list l = {.n = 0};
    route_ac_scan(self->ac, text, len, on_hit, &l);
    for (size_t i = 0; i < l.n; i++)
        if (l.h[i].value < OFFICE_BASE && reports(self, text, len, &l.h[i]))
            return 1;
    return l.n == MAX_HITS;
}

/* Whether text has a sentence end (。！？ or an ASCII form) anywhere. */
static int has_sentence_ends(const char *text)
{
    for (const char *const *s = SENTENCE_ENDS; *s; s++)
        if (strstr(text, *s))
            return 1;
    return 0;
}

/* Where the sentence starting at text[at] ends: after its 。！？ (or ASCII form), or at its line end
 * (which stays out of it), or at len; after a space too when spaces end sentences (a letter typed
 * with no sentence end at all, spaces between its phrases, was one sentence: a conduct term took
 * the whole letter away from the problem's holder). */
static size_t sentence_end(const char *text, size_t len, size_t at, int spaces_end)
{
    for (size_t i = at; i < len; i++) {
        if (text[i] == '\n' || text[i] == '\r')
            return i;
        if (spaces_end && text[i] == ' ')
            return i + 1;
        for (const char *const *s = SENTENCE_ENDS; *s; s++)
            if (strncmp(text + i, *s, strlen(*s)) == 0)
                return i + strlen(*s);
    }
    return len;
}

char *route_conduct_redact(const route_conduct *self, const char *text, const char *note)
{
    char *out = NULL;
    size_t outlen = 0, len = strlen(text);
    FILE *f = open_memstream(&out, &outlen);
    if (!f)
        return NULL;
    int noted = 0, spaces_end = !has_sentence_ends(text);
    for (size_t at = 0, end; at < len; at = end) {
        end = text[at] == '\n' || text[at] == '\r' ? at + 1 : sentence_end(text, len, at, spaces_end);
        if (accuses(self, text + at, end - at)) {
            if (!noted)
                fputs(note, f);
            noted = 1;
        } else {
            fwrite(text + at, 1, end - at, f);
            noted = 0;
        }
    }
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}
