/* cli_migrate.c — `jiesu migrate`: applies the numbered SQL migrations not yet
 * recorded, then the grants of the services' role (db/grants.sql), then loads
 * the configured districts' regions and units (cli_seed.c), the routing data
 * (cli_routing.c), the bundled official holidays (calendar.dir, default
 * <data.dir>/holidays, into table holidays: days stored by an operator are
 * kept; the year a file is the notice of is on record whole), registers the
 * installation's keys (cli_keys.c) and analyzes the tables PostgreSQL has
 * never analyzed. Every step is safe to repeat (the order and why:
 * README.md). It says loudly when the calendar runs out (common/holidays.h).
 *
 * It connects as the schema's owner (pg.owner_conninfo; pg.conninfo when that
 * is not set), not as the services' role (pg.conninfo), which may only read
 * and write rows. The grants go to pg.service_role, by default the user that
 * pg.conninfo names; none when that is the owner itself.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_args.h"
#include "cli_routing.h"
#include "cli_seed.h"
#include "db.h"
#include "holidays.h"

/* How long a server that does not answer is tried again (one restarting):
 * make run and compose start migrate once PostgreSQL answers. */
#define CONNECT_WAIT_MS 2000

/* Stores the bundled holiday files, records the years they are the notice
 * of as whole, and says what the calendar holds. 0 or -1 (printed). */
static int load_holidays(const cli_ctx *ctx, PGconn *pg)
{
    char dir[1024], err[1024] = "", warning[1024];
    holidays_day *days;
    int files, *years;
    size_t n, nyears;
    snprintf(dir, sizeof dir, "%s/holidays", config_str(ctx->cfg, "data.dir"));
    const char *from = *config_str(ctx->cfg, "calendar.dir") ? config_str(ctx->cfg, "calendar.dir") : dir;
    if (holidays_read_dir(from, &days, &n, &files, &years, &nyears, err, sizeof err) < 0) {
        cli_error("migrate：载入节假日：%s", err);
        return -1;
    }
    long changed = holidays_store(pg, days, n, HOLIDAYS_BUNDLED_SOURCE, 0, err, sizeof err);
    int rc = changed < 0 ? -1 : 0;
    for (size_t i = 0; i < nyears && rc == 0; i++)
        rc = holidays_complete(pg, years[i], HOLIDAYS_BUNDLED_SOURCE, err, sizeof err) < 0 ? -1 : 0;
    free(days);
    free(years);
    if (rc < 0 || holidays_warning(pg, (int64_t)time(NULL), config_utc_offset_min(ctx->cfg), warning,
                                   sizeof warning, err, sizeof err) < 0) {
        cli_error("migrate：载入节假日：%s", err);
        return -1;
    }
    printf("节假日：%s 的 %d 个文件共 %zu 天，其中 %zu 个是整年的通知（新增或改动 %ld 行）\n", from, files, n, nyears,
           changed);
    if (*warning)
        printf("提醒：%s\n", warning);
    return 0;
}

/* The role the services connect as into role (cap bytes): pg.service_role,
 * else the user named in pg.conninfo; "" when neither names one. */
static void service_role(const config *cfg, char *role, size_t cap)
{
    snprintf(role, cap, "%s", config_str(cfg, "pg.service_role"));
    if (*role)
        return;
    PQconninfoOption *opts = PQconninfoParse(config_str(cfg, "pg.conninfo"), NULL);
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, "user") == 0 && o->val)
            snprintf(role, cap, "%s", o->val);
    PQconninfoFree(opts);
}

/* Applies db/grants.sql (db.grants_file) for the services' role unless they
 * connect as the owner. 0 or -1 after printing why. */
static int apply_grants(const cli_ctx *ctx, PGconn *pg, const char *migrations_dir)
{
    char role[256], path[2048];
    service_role(ctx->cfg, role, sizeof role);
    if (!*role || strcmp(role, PQuser(pg)) == 0) {
        printf("授权：无（各服务以所有者 %s 的身份连接）\n", PQuser(pg));
        return 0;
    }
    snprintf(path, sizeof path, "%s/../grants.sql", migrations_dir);
    const char *file = *config_str(ctx->cfg, "db.grants_file") ? config_str(ctx->cfg, "db.grants_file") : path;
    char why[512] = "";
    if (db_grant(pg, file, role, why, sizeof why) < 0) {
        cli_error("migrate：为服务角色 %s 执行 %s 失败%s%s（这个角色存在吗？它由 pg.service_role 指定）",
                  role, file, *why ? "：" : "", why);
        return -1;
    }
    printf("授权：已为服务角色 %s 执行 %s\n", role, file);
    return 0;
}

/* The connection migrations run on: pg.owner_conninfo, else pg.conninfo.
 * Tried for CONNECT_WAIT_MS only: a server out of reach is said at once.
 * NULL after printing why: the server tried (never a password), whether
 * it answered, and what to do. */
static PGconn *owner_connect(const cli_ctx *ctx)
{
    char server[300] = "", why[512] = "";
    const char *key = *config_str(ctx->cfg, "pg.owner_conninfo") ? "pg.owner_conninfo" : "pg.conninfo";
    const char *conninfo = config_str(ctx->cfg, key);
    PGconn *pg = db_connect_to(conninfo, CONNECT_WAIT_MS, server, sizeof server, why, sizeof why);
    if (pg)
        return pg;
    const char *unset = strcmp(key, "pg.conninfo") == 0 ? "：没有设数据库所有者的 pg.owner_conninfo" : "";
    if (PQping(conninfo) == PQPING_NO_RESPONSE)
        cli_error("migrate：连不上 PostgreSQL %s（地址取自 %s%s）：那里没有 PostgreSQL 在运行，或地址写错了。"
                  "先启动它（本机的 PostgreSQL 由 make run 启动），或核对 %s 的 host 和 port；libpq 的原话：%s",
                  server, key, unset, key, why);
    else
        cli_error("migrate：PostgreSQL %s（地址取自 %s%s）拒绝了连接：核对 %s 的用户、密码和数据库名；"
                  "libpq 的原话：%s", server, key, unset, key, why);
    return NULL;
}

/* Loads the regions and units of the configured districts and the routing
 * tables. 0 or -1 after printing why. */
static int load_data(const cli_ctx *ctx, PGconn *pg)
{
    char err[1024] = "", regions_dir[1024], routing_dir[1024];
    cli_seed_stats st;
    cli_routing_stats rt;

    const char *districts = config_str(ctx->cfg, "regions.districts");
    snprintf(regions_dir, sizeof regions_dir, "%s/regions", config_str(ctx->cfg, "data.dir"));
    if (cli_seed_regions(pg, regions_dir, districts, &st, err, sizeof err) < 0) {
        cli_error("migrate：载入区划：%s", err);
        return -1;
    }
    printf("区划（%s）：%ld 个区、%ld 个街道、%ld 个社区（新增或改动 %ld 行）\n", st.district_names, st.districts,
           st.streets, st.communities, st.regions_changed);
    if (st.skipped > 0)
        printf("  跳过 %ld 个社区：它们的街道代码不在 %s/streets.csv 里（国家统计局重新编过码）\n",
               st.skipped, regions_dir);
    printf("单位：%ld 个街道办事处、创城办、纪委监委（新增或改动 %ld 个）\n", st.streets, st.units_changed);
    snprintf(routing_dir, sizeof routing_dir, "%s/routing", config_str(ctx->cfg, "data.dir"));
    if (cli_routing_load(pg, routing_dir, &rt, err, sizeof err) < 0) {
        cli_error("migrate：载入派单数据：%s", err);
        return -1;
    }
    printf("派单数据：%ld 个类别、%ld 个热线类别名称、%ld 个职能部门、%ld 个地名条目（新增或改动 %ld 行）\n",
           rt.categories, rt.aliases, rt.dept_units, rt.gazetteer, rt.changed);
    if (rt.withdrawn)
        printf("派单数据：%ld 个内置地名条目没有载入，已被管理员删去或替换"
               "（`jiesu gazetteer list` 列出它们，`jiesu gazetteer restore 名称` 恢复其中一个）\n", rt.withdrawn);
    const char *keys_dir = config_str(ctx->cfg, "keys.dir");
    int keys = 0;
    char replaced[512];
    if (cli_keys_register(pg, keys_dir, &keys, replaced, sizeof replaced, err, sizeof err) < 0) {
        cli_error("migrate：登记公钥：%s", err);
        return 1;
    }
    printf("密钥：从 %s 登记了 %d 把公钥%s\n", keys_dir, keys, keys ? "" : "（那里没有：`jiesu keys` 生成它们）");
    if (*replaced)      /* a running service still holds the key replaced, now refused by the others */
        printf("提醒：%s换了新密钥：已经在运行的要重启才用上新密钥（在那之前，别的服务拒绝它，"
               "jiesu 和别的服务连它也握手失败）\n", replaced);
    return load_holidays(ctx, pg) < 0 ? 1 : 0;
}

/* One ANALYZE of the tables of the schema PostgreSQL has never analyzed
 * (NULL when there is none), and their number. */
static const char SQL_NEVER_ANALYZED[] =
    "SELECT 'ANALYZE ' || string_agg(format('%I.%I', n.nspname, c.relname), ', '), count(*)"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.reltuples < 0";

/* Analyzes every table PostgreSQL has never analyzed. autovacuum analyzes a
 * table once 50 of its rows have changed; the small ones migrate fills (the
 * escalation ladder's one row, the units) never get there, and for a table
 * without statistics the planner guesses ten pages of rows: routing's
 * reading of the ladder was costed at 900,000 and compiled (JIT) at every
 * rules reload, 130-190 ms of CPU for a query of 0.13 ms. 0 or -1 after
 * printing why. */
static int analyze_new_tables(PGconn *pg)
{
    char err[512] = "";
    PGresult *res = db_query(pg, "tables never analyzed", SQL_NEVER_ANALYZED, 0, NULL, err, sizeof err);
    int rc = res ? 0 : -1;
    if (res && !PQgetisnull(res, 0, 0) && (rc = db_exec(pg, PQgetvalue(res, 0, 0), err, sizeof err)) == 0)
        printf("统计信息：分析了 %s 张从未分析过的表（规划器据此估算行数）\n", PQgetvalue(res, 0, 1));
    if (rc != 0)
        cli_error("migrate：分析新表的统计信息：%s", err);
    PQclear(res);
    return rc;
}

int cli_migrate_main(cli_ctx *ctx, int argc, char **argv)
{
    int applied = 0, rc = 1;

    if (cli_args_words("migrate", argc, argv, 0, 0, "") < 0) {
        fprintf(stderr, "用法：jiesu migrate\n");
        return 2;
    }
    PGconn *pg = owner_connect(ctx);
    if (!pg)
        return 1;
    const char *dir = config_str(ctx->cfg, "db.migrations_dir");
    char why[512] = "";
    if (db_migrate(pg, dir, &applied, why, sizeof why) < 0) {
        cli_error("migrate：执行 %s 里的数据库迁移失败%s%s；出错的那个迁移没有留下任何改动，改正后再运行 jiesu migrate",
                  dir, *why ? "：" : "", why);
        goto done;
    }
    printf("数据库迁移：从 %s 执行了 %d 个\n", dir, applied);
    if (apply_grants(ctx, pg, dir) == 0 && load_data(ctx, pg) == 0 && analyze_new_tables(pg) == 0)
        rc = 0;
done:
    PQfinish(pg);
    return rc;
}
