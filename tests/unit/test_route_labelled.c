/* test_route_labelled.c — routing accuracy on the labelled set
 * tests/data/routing_labelled.csv: 359 addresses and texts of 崂山区 (370212)
 * and 市南区 (370202) written by hand, each with the street (or "manual",
 * or "discipline") and the category a careful dispatcher would choose. Hard
 * cases are tagged in the first column: community names only, short forms,
 * roads crossing streets (with and without a house number), landmarks, no
 * place, two places, community names that are everyday words, a community
 * named only in the content (manual: such names recur in other cities), a
 * road's name alone or a community's bare name that is also a road's
 * (寿张路: manual; with a house number the gazetteer covers, or with 社区, the
 * street), a house number in a shipped range of a road crossing streets
 * (海尔路178号: manual, the shipped ranges are approximate), the
 * hotline's own category column, conduct complaints, letters that report a
 * problem and accuse officials (conduct-split: "discipline" is right when
 * the conduct part goes there and the problem, labelled by its category,
 * never to an accused office), conduct words about people who are not
 * officials, and conduct words and offices in different clauses
 * (conduct-apart: no conduct complaint), and places outside the loaded
 * districts (黄岛区, 德州市, A市, K8县: manual; named only in the content of
 * an address that is inside: no matter).
 *
 * The real path: a database of its own is migrated, both districts' regions
 * and the routing data are loaded as `jiesu migrate` loads them, and the
 * rules are read back with route_rules_load(). Prints the accuracy per case
 * and overall, lists every miss, and asserts the bars README justifies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cli_routing.h"
#include "cli_seed.h"
#include "config.h"
#include "route_rules.h"
#include "test_servers.h"

#define LABELLED "tests/data/routing_labelled.csv"
#define DB_NAME "jiesu_labelled"
#define MAX_CASES 32

/* The bars (README, "Routing accuracy"). */
#define STREET_BAR   0.95
#define CATEGORY_BAR 0.90

typedef struct {
    char name[48];
    int  rows, street_ok, cat_ok;
} case_tally;

typedef struct {
    case_tally cases[MAX_CASES];
    int        ncases, rows, street_ok, cat_rows, cat_ok, conduct_rows, conduct_ok, office_rows, office_ok;
} tally;

static PGconn *labelled_db(void)
{
    char err[1024], conninfo[1024];
    int applied;
    cli_seed_stats seed;
    cli_routing_stats rt;
    PGconn *admin = test_pg();
    PGresult *r = PQexec(admin, "DROP DATABASE IF EXISTS " DB_NAME);
    PQclear(r);
    r = PQexec(admin, "CREATE DATABASE " DB_NAME);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("CREATE DATABASE " DB_NAME ": %s", PQerrorMessage(admin));
    PQclear(r);
    PQfinish(admin);
    snprintf(conninfo, sizeof conninfo, "%s dbname=" DB_NAME, getenv("JIESU_TEST_PG"));
    PGconn *pg = db_connect(conninfo, 5000, err, sizeof err);
    if (!pg)
        fail_msg("%s", err);
    if (db_migrate(pg, "db/migrations", &applied, err, sizeof err) != 0)
        fail_msg("migrations failed: %s", err);
    if (cli_seed_regions(pg, "data/regions", "370212,370202", &seed, err, sizeof err) != 0 ||
        cli_routing_load(pg, "data/routing", &rt, err, sizeof err) != 0)
        fail_msg("%s", err);
    return pg;
}

static case_tally *case_of(tally *t, const char *name)
{
    for (int i = 0; i < t->ncases; i++)
        if (strcmp(t->cases[i].name, name) == 0)
            return &t->cases[i];
    assert_true(t->ncases < MAX_CASES);
    case_tally *c = &t->cases[t->ncases++];
    snprintf(c->name, sizeof c->name, "%s", name);
    return c;
}

/* What the decision says, in the labels' words: a street code, manual or
 * discipline (also for a split letter whose conduct part, part, goes there). */
static const char *decided(const route_decision *d, const route_decision *part)
{
    if (d->split)
        return part->owner == ROUTE_TO_DISCIPLINE ? "discipline" : "split, conduct part not to discipline";
    return d->owner == ROUTE_TO_MANUAL ? "manual" : d->owner == ROUTE_TO_DISCIPLINE ? "discipline" : d->owner_code;
}

/* 1 if the decision gives the order to a unit its conduct part accuses. */
static int gives_accused(const route_decision *d)
{
    for (int k = 0; k < d->naccused; k++)
        if (strcmp(d->owner_code, d->accused[k]) == 0 || strcmp(d->co_code, d->accused[k]) == 0)
            return 1;
    return 0;
}

/* Discipline inspection of the district of the office complained about, when its street was found. */
static int discipline_of_district(const route_decision *d)
{
    char want[ROUTE_UNIT_CODE_MAX];
    snprintf(want, sizeof want, "%.6s.discipline", d->place.street_code);
    return !*d->place.street_code || strcmp(d->owner_code, want) == 0;
}

static void score_row(tally *t, const route_rules *rules, char **f)
{
    route_decision d, part;
    route_input in = {.address = f[1], .content = f[2], .category_raw = f[3]};
    route_decide(&rules->decider, &in, &d);
    in.conduct_part = 1;
    route_decide(&rules->decider, &in, &part);
    const route_decision *conduct = d.split ? &part : &d;
    case_tally *c = case_of(t, f[0]);
    const char *cat = d.category_code ? d.category_code : "-";
    int street_ok = strcmp(decided(&d, &part), f[4]) == 0, cat_ok = strcmp(cat, f[5]) == 0;
    c->rows++;
    t->rows++;
    c->street_ok += street_ok;
    t->street_ok += street_ok;
    c->cat_ok += cat_ok;
    t->cat_rows++;
    t->cat_ok += cat_ok;
    if (strcmp(f[4], "discipline") == 0) {
        t->conduct_rows++;
        t->conduct_ok += street_ok;
        /* never the office complained about: discipline owns it, no co-handler */
        t->office_rows++;
        t->office_ok += conduct->owner == ROUTE_TO_DISCIPLINE && !*conduct->co_code &&
                        discipline_of_district(conduct) && !gives_accused(&d);
    }
    if (!street_ok || !cat_ok)
        printf("  miss [%s] %s | %s → %s %s (want %s %s): %s\n", f[0], f[1], f[2], decided(&d, &part), cat, f[4],
               f[5], d.reasons);
}

static void test_labelled_set(void **state)
{
    (void)state;
    char line[2048], err[512];
    tally t;
    memset(&t, 0, sizeof t);
    PGconn *pg = labelled_db();
    config *cfg = config_new();
    route_rules *rules = route_rules_load(pg, cfg, err, sizeof err);
    if (!rules)
        fail_msg("%s", err);
    FILE *fp = fopen(LABELLED, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof line, fp));       /* header */
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *f[6], *p = line;
        for (int i = 0; i < 6; i++)
            f[i] = strsep(&p, ",");
        assert_non_null(f[5]);
        score_row(&t, rules, f);
    }
    fclose(fp);
    printf("  %-22s %5s %8s %9s\n", "case", "rows", "street", "category");
    for (int i = 0; i < t.ncases; i++)
        printf("  %-22s %5d %7.1f%% %8.1f%%\n", t.cases[i].name, t.cases[i].rows,
               100.0 * t.cases[i].street_ok / t.cases[i].rows, 100.0 * t.cases[i].cat_ok / t.cases[i].rows);
    double street = (double)t.street_ok / t.rows, cat = (double)t.cat_ok / t.cat_rows;
    printf("  street accuracy   %d/%d = %.1f%% (bar %.0f%%)\n", t.street_ok, t.rows, 100 * street, 100 * STREET_BAR);
    printf("  category accuracy %d/%d = %.1f%% (bar %.0f%%)\n", t.cat_ok, t.cat_rows, 100 * cat, 100 * CATEGORY_BAR);
    printf("  conduct routing   %d/%d to discipline inspection, %d/%d never to the office complained about\n",
           t.conduct_ok, t.conduct_rows, t.office_ok, t.office_rows);
    assert_true(t.rows >= 300);
    assert_true(street >= STREET_BAR);
    assert_true(cat >= CATEGORY_BAR);
    assert_int_equal(t.conduct_ok, t.conduct_rows);
    assert_int_equal(t.office_ok, t.office_rows);
    route_rules_destroy(&rules);
    config_destroy(&cfg);
    PQfinish(pg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labelled_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
