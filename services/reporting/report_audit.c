/* report_audit.c — the administrators' record as people read it (`jiesu
 * audit`): what administrators changed (admin_events: users, keys, tokens,
 * passwords, the gazetteer, the holiday calendar, the routing model, the
 * sign-in holds of addresses lifted, the rejects files of others' imports
 * fetched: what callers wrote) and the sign-ins to the pages
 * (auth_events), newest first, for administrators only; looked up by a
 * name that is no one's sign-in name, it says so and which name to use. Both tables are written in codes (user.move, signin_failed, a
 * sign-in name, a unit's number); this says who did what to whom in names
 * and words: 系统管理员（admin） 调整角色或单位 钟晓梅（zhong）
 * 承办人员（中韩街道）→承办人员（沙子口街道）.
 */
#include "report_audit.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "clock.h"
#include "names.h"

/* A person by display name, with the sign-in name when it differs. */
#define AUDIT_PERSON(x) "person_name(" x ") || CASE WHEN person_name(" x ") <> " x " THEN '（' || " x " || '）' ELSE '' END"

/* The unit of a user.add (its id) or user.move (its name) detail field. */
#define AUDIT_UNIT(f) \
    "coalesce(CASE e.action WHEN 'user.add' THEN (SELECT name FROM units WHERE id::text = e.detail->>'" f "')" \
    " ELSE e.detail->>'" f "' END, '')"

/* $2 a sign-in name (what they did or had done to them) or NULL, $3 limit. */
static const char SQL_CHANGES[] =
    "SELECT to_char(e.at, 'YYYY-MM-DD HH24:MI:SS'),"
    "       e.actor, " AUDIT_PERSON("e.actor") ","
    "       e.action,"
    "       CASE WHEN e.action LIKE 'user.%' OR e.action IN ('key.register', 'rejects.fetch') THEN "
    "              coalesce(nullif(" AUDIT_PERSON("e.subject") ", ''), '—')"
    "            WHEN e.subject = 'typed in' THEN '逐日录入' ELSE e.subject END,"
    "       coalesce(e.detail->>'role', ''), " AUDIT_UNIT("unit") ","
    "       coalesce(e.detail->>'was_role', ''), " AUDIT_UNIT("was_unit") ","
    "       coalesce(e.detail->>'was_display', ''), coalesce(e.detail->>'display', ''),"
    "       concat_ws('、', CASE WHEN (e.detail->>'key')::boolean THEN '密钥' END,"
    "                 CASE WHEN (e.detail->>'password')::boolean THEN '密码' END,"
    "                 CASE WHEN (e.detail->>'token')::boolean THEN '令牌' END),"
    "       concat_ws('，', (SELECT '交' || r.name || coalesce('（' || c.name || '）', '') FROM regions r"
    "                        LEFT JOIN regions c ON c.code = e.detail->>'community' WHERE r.code = e.detail->>'street'),"
    "         CASE WHEN e.action = 'gazetteer.add' AND e.detail->>'kind' = 'landmark' THEN '地标' END,"
    "         (SELECT string_agg((d->>'day') || ' ' || (d->>'name')"
    "                            || CASE WHEN (d->>'off')::boolean THEN '放假' ELSE '调休上班' END, '、')"
    "            FROM jsonb_array_elements(e.detail->'days') d WHERE e.action IN ('holidays.add', 'holidays.remove')),"
    "         '门牌 ' || (e.detail->>'from') || '-' || (e.detail->>'to'),"
    "         '替换 ' || nullif(e.detail->>'replaced', '0') || ' 条', '删去 ' || (e.detail->>'removed') || ' 条'"
    "           || coalesce('：' || (SELECT string_agg(coalesce(u.name, x->>'street') || ' '"
    "                                  || coalesce((x->>'from') || '-' || (x->>'to') || ' 号', '全部门牌')"
    "                                  || coalesce('（' || c.name || '）', '')"
    "                                  || CASE x->>'kind' WHEN 'landmark' THEN '，地标' ELSE '' END, '、')"
    "                                FROM jsonb_array_elements(e.detail->'entries') x"
    "                                LEFT JOIN units u ON u.code = x->>'street' LEFT JOIN regions c ON c.code = x->>'community'),"
    "                               ''),"
    "         '恢复 ' || (e.detail->>'restored') || ' 条', 'Open311 每分钟最多提交 ' || (e.detail->>'rate') || ' 件',"
    "         '第 ' || (e.detail->>'import') || ' 号导入（' || (e.detail->>'file') || '）的拒收明细',"
    "         coalesce((SELECT string_agg(y, '、' ORDER BY y) || ' 年：' FROM jsonb_array_elements_text(e.detail->'years') y), '')"
    "           || '新增或改动 ' || (e.detail->>'stored') || ' 天（给出 ' || (e.detail->>'given') || ' 天）',"
    "         (e.detail->>'completed') || ' 年由此全年完整',"
    "         '用 ' || (e.detail->>'source') || ' 的 ' || (e.detail->>'texts') || ' 条文本，宏平均 F1 '"
    "           || to_char((e.detail->>'macro_f1')::float8, 'FM0.00'),"
    "         '登录失败 ' || (e.detail->>'failures') || ' 次后暂停到 '"
    "           || to_char(" CLOCK_SQL_MINUTE_UP("(e.detail->>'until')::timestamptz") ", 'MM-DD HH24:MI') || '，其间拒绝 '"
    "           || (e.detail->>'refused') || ' 次')"
    "  FROM admin_events e"
    " WHERE $1::int IS NOT NULL AND ($2::text IS NULL OR e.actor = $2 OR e.subject = $2)"
    " ORDER BY e.id DESC LIMIT coalesce($3::int, 50)";
enum { C_AT, C_ACTOR_CODE, C_ACTOR, C_ACTION, C_SUBJECT, C_ROLE, C_UNIT, C_WAS_ROLE, C_WAS_UNIT, C_WAS_DISPLAY,
       C_DISPLAY, C_SECRETS, C_REST };

/* A refused sign-in is said by why it was refused (web_session.c records
 * it): the right password of a disabled or locked account is no wrong one,
 * and a name no account has no guess at anyone's password. A refusal
 * recorded without why (older rows) was a wrong password. */
static const char SQL_SIGNINS[] =
    "SELECT to_char(e.at, 'YYYY-MM-DD HH24:MI:SS') AS 时间, " AUDIT_PERSON("e.name") " AS 用户,"
    "       CASE e.event WHEN 'signin' THEN '登录'"
    "                    WHEN 'signin_failed' THEN CASE coalesce(e.detail->>'why', 'wrong password')"
    "                         WHEN 'wrong password' THEN '密码错误'"
    "                         WHEN 'user disabled' THEN '拒绝（账号已停用；密码是对的）'"
    "                         WHEN 'locked' THEN '拒绝（账号锁定中，没有核对密码）'"
    "                         WHEN 'no such user' THEN '没有这个账号'"
    "                         WHEN 'no password set' THEN '拒绝（账号没有设网页登录密码）'"
    "                         WHEN 'a name that is not UTF-8' THEN '没有这个账号（用户名不是 UTF-8 文字）'"
    "                         ELSE '登录失败' END"
    "                    WHEN 'locked' THEN '锁定（连续输错密码）' WHEN 'signout' THEN '退出'"
    "                    WHEN 'address_blocked' THEN '拒绝（同一地址登录失败过多）' END AS 事件,"
    "       coalesce(nullif(e.address, ''), '—') AS 来自"
    "  FROM auth_events e"
    " WHERE $1::int IS NOT NULL AND ($2::text IS NULL OR e.name = $2 OR e.address = $2)"
    " ORDER BY e.id DESC LIMIT coalesce($3::int, 50)";

/* $2, $3 as SQL_CHANGES. The record is kept by sign-in name: when $2 is none, a
 * note naming the sign-in names of the people whose display name it is, or,
 * when nothing in the record has it either, saying so and what is looked up.
 * No row otherwise (a place, a day, an address found in the record). */
static const char SQL_NOTE[] =
    "SELECT CASE WHEN d.names IS NOT NULL"
    "            THEN '“' || $2 || '”不是登录名，是 ' || d.names || ' 的姓名：按登录名查，如 jiesu audit ' || d.first"
    "            ELSE '“' || $2 || '”不是哪个用户的登录名，记录里也没有它：jiesu audit 按登录名查人'"
    "                 || '（jiesu user list 列出登录名），也按地名、日期、年份或地址查' END AS 提示"
    "  FROM (SELECT string_agg(name, '、' ORDER BY name) AS names, min(name) AS first"
    "          FROM principals WHERE display_name = $2) AS d"
    " WHERE $1::int IS NOT NULL AND $2::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM principals WHERE name = $2)"
    "   AND (d.names IS NOT NULL OR NOT EXISTS (SELECT 1 FROM admin_events WHERE actor = $2 OR subject = $2)"
    "                               AND NOT EXISTS (SELECT 1 FROM auth_events WHERE name = $2 OR address = $2))"
    " LIMIT coalesce($3::int, 50)";

/* What each action of admin_events is called. */
static const struct {
    const char *code, *name;
} ACTIONS[] = {
    {"user.add", "添加用户"},        {"user.disable", "停用用户"},       {"user.enable", "启用用户"},
    {"user.key", "换密钥"},          {"user.token", "换令牌"},           {"user.password", "重设密码"},
    {"user.move", "调整角色或单位"}, {"user.display", "填写或更改姓名"},
    {"gazetteer.add", "地名表添加"},    {"gazetteer.remove", "地名表删去"},
    {"gazetteer.restore", "地名表恢复"}, {"holidays.load", "载入节假日通知"}, {"holidays.add", "录入节假日"},
    {"holidays.complete", "确认节假日全年完整"},
    {"holidays.incomplete", "撤回节假日全年完整"}, {"holidays.remove", "删去节假日"}, {"model.learn", "训练派单模型"}, {"key.register", "登记 keys.dir 的新密钥"},
    {"address.release", "解除地址的登录暂停"}, {"rejects.fetch", "取回别人导入的拒收明细"},
};

static const char *action_name(const char *code)
{
    for (size_t i = 0; i < sizeof ACTIONS / sizeof ACTIONS[0]; i++)
        if (strcmp(ACTIONS[i].code, code) == 0)
            return ACTIONS[i].name;
    return code;
}

/* "承办人员（中韩街道）" for role code and unit name, "" for no role. */
static void say_role(char *out, size_t cap, const char *role, const char *unit)
{
    auth_role r;
    out[0] = '\0';
    if (*role && auth_role_parse(role, &r) == 0)
        snprintf(out, cap, "%s%s%s%s", auth_role_title(r), *unit ? "（" : "", unit, *unit ? "）" : "");
}

/* 说明 of row r: the role change of a move (and of the display name, when
 * it changed), a display name changed alone, the role given at an add, and whatever else the detail says. */
static void say_detail(char *out, size_t cap, PGresult *res, int r)
{
    char now[256], was[256];
    const char *was_display = PQgetvalue(res, r, C_WAS_DISPLAY), *display = PQgetvalue(res, r, C_DISPLAY);
    const char *rest = PQgetvalue(res, r, C_REST), *secrets = PQgetvalue(res, r, C_SECRETS);
    say_role(now, sizeof now, PQgetvalue(res, r, C_ROLE), PQgetvalue(res, r, C_UNIT));
    say_role(was, sizeof was, PQgetvalue(res, r, C_WAS_ROLE), PQgetvalue(res, r, C_WAS_UNIT));
    if (*secrets)                                       /* an add: the role, what it was given, its rate */
        snprintf(out, cap, "%s，有%s%s%s", now, secrets, *rest ? "，" : "", rest);
    else if (*was)
        snprintf(out, cap, "%s→%s%s%s%s%s", was, now, *display ? "，显示名 " : "", was_display, *display ? "→" : "",
                 display);
    else if (*display)                                  /* a display name given alone */
        snprintf(out, cap, "显示名 %s→%s", was_display, display);
    else
        snprintf(out, cap, "%s", *rest ? rest : "—");
}

/* Who did row r: a person by name (AUDIT_PERSON), what no person did as
 * names_actor() names it (系统安装（jiesu migrate）). */
static const char *actor_said(PGresult *res, int r)
{
    const char *code = PQgetvalue(res, r, C_ACTOR_CODE), *named = names_actor(code);
    return named != code ? named : PQgetvalue(res, r, C_ACTOR);
}

static Jiesu__Table *changes_table(const config *cfg, PGconn *pg, const view_section *sec, PGresult *res, char *err,
                                   size_t errlen)
{
    static const char *const HEAD[] = {"时间", "操作人", "操作", "对象", "说明"};
    (void)cfg, (void)pg;
    Jiesu__Table *t = view_table_new(sec->title, sec->align, HEAD, 5);
    for (int r = 0; t && r < PQntuples(res); r++) {
        char detail[1024];
        say_detail(detail, sizeof detail, res, r);
        const char *cells[] = {PQgetvalue(res, r, C_AT), actor_said(res, r),
                               action_name(PQgetvalue(res, r, C_ACTION)), PQgetvalue(res, r, C_SUBJECT), detail};
        t = view_table_row(t, cells);
    }
    if (!t)
        snprintf(err, errlen, "out of memory");
    return t;
}

const view_section REPORT_AUDIT[] = {
    {"管理操作（新的在前）", "lllll", NULL, 0, SQL_CHANGES, changes_table},
    {"网页登录（新的在前）", "llll", "----", 0, SQL_SIGNINS},
    {"查的名字", "l", "-", 1, SQL_NOTE, NULL, 1},
    {NULL},
};
