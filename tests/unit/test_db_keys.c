/* test_db_keys.c — the keys of assignments and deadlines (migration 025),
 * alerts and deliveries (026), checked once per statement, against a real migrated PostgreSQL
 * (JIESU_TEST_PG): a row naming a complaint, unit or place that does not
 * exist is refused with the whole statement that wrote it, on insert and on
 * a change of the key; NULL keys pass; a complaint, unit or place still
 * named by a row cannot be deleted or renumbered, and can once nothing names it;
 * and no row is left naming nothing when both happen at once (032: the
 * delete locks the children's tables, the checks lock nothing at READ
 * COMMITTED): a unit deleted while a transaction inserts a row naming it
 * waits for that transaction and is then refused, and an insert naming a unit
 * whose deletion is under way waits for it and is then refused; a check at
 * REPEATABLE READ locks the row it found, as a foreign key does; and the
 * services' database role cannot change which keys are checked.
 *
 * Each test but the last works in one transaction it rolls back, every
 * refused statement inside a savepoint of its own, so the database keeps
 * nothing of it; the last commits its rows and deletes them at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MISSING "(SELECT max(id) + 1000 FROM complaints)"

/* res (of what) must be a key violation whose message holds want; cleared. */
static void expect_refused(PGresult *res, const char *what, const char *want)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    char got[512];
    snprintf(got, sizeof got, "%s %s", state ? state : "no error", PQresultErrorMessage(res));
    int ok = PQresultStatus(res) == PGRES_FATAL_ERROR && state && strcmp(state, "23503") == 0 &&
             strstr(PQresultErrorMessage(res), want);
    PQclear(res);
    if (!ok)
        fail_msg("%s: want a key violation naming '%s', got %s", what, want, got);
}

/* sql, run in a savepoint, must be refused as a key violation naming want. */
static void refused(PGconn *pg, const char *sql, const char *want)
{
    test_sql(pg, "SAVEPOINT k");
    expect_refused(PQexec(pg, sql), sql, want);
    test_sql(pg, "ROLLBACK TO SAVEPOINT k");
}

/* A district, a street and a unit of its own, and complaint KEYS-1 owned by
 * it with a deadline, an alert on it and the alert's delivery, all inside the
 * test's transaction. */
static int setup(void **state)
{
    PGconn *pg = test_pg();
    test_sql(pg, "BEGIN");
    test_sql(pg, "INSERT INTO regions (code, name, short_name, level) VALUES ('990000', '测试区', '测试', 'district')");
    test_sql(pg, "INSERT INTO regions (code, name, short_name, level, parent_code)"
               " VALUES ('990000001', '测试街道', '测试', 'street', '990000')");
    test_sql(pg, "INSERT INTO units (code, name, kind, region_code) VALUES ('990000001', '测试街道', 'street', '990000001')");
    test_sql(pg, "INSERT INTO complaints (ticket_no, called_at, address, content, status)"
               " VALUES ('KEYS-1', now(), '测试社区', '路灯不亮', 'dispatched')");
    test_sql(pg, "INSERT INTO assignments (complaint_id, unit_id, street_code, rule, reasons)"
               " SELECT c.id, u.id, '990000001', 'test', 'test' FROM complaints c, units u"
               " WHERE c.ticket_no = 'KEYS-1' AND u.code = '990000001'");
    test_sql(pg, "INSERT INTO deadlines (complaint_id, kind, due_at, unit_id)"
               " SELECT c.id, 'resolve', now() + interval '1 day', u.id FROM complaints c, units u"
               " WHERE c.ticket_no = 'KEYS-1' AND u.code = '990000001'");
    test_sql(pg, "INSERT INTO alerts (complaint_id, deadline_id, rung, unit_id, target, target_unit_id, reason)"
               " SELECT c.id, d.id, 'remind', u.id, 'unit', u.id, 'test' FROM complaints c"
               " JOIN deadlines d ON d.complaint_id = c.id, units u WHERE c.ticket_no = 'KEYS-1' AND u.code = '990000001'");
    test_sql(pg, "INSERT INTO deliveries (alert_id, url) SELECT a.id, 'http://127.0.0.1:1/' FROM alerts a"
               " JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'KEYS-1'");
    *state = pg;
    return 0;
}

static int teardown(void **state)
{
    PGconn *pg = *state;
    test_sql(pg, "ROLLBACK");
    PQfinish(pg);
    return 0;
}

static void test_insert_naming_nothing_is_refused(void **state)
{
    PGconn *pg = *state;
    refused(pg, "INSERT INTO assignments (complaint_id, rule, reasons) SELECT " MISSING ", 'test', 'test'",
            "complaint_id");
    refused(pg, "INSERT INTO assignments (complaint_id, unit_id, rule, reasons, role)"
                " SELECT id, -1, 'test', 'test', 'co' FROM complaints WHERE ticket_no = 'KEYS-1'", "unit_id=-1");
    refused(pg, "INSERT INTO assignments (complaint_id, street_code, rule, reasons, role)"
                " SELECT id, '990000999', 'test', 'test', 'co' FROM complaints WHERE ticket_no = 'KEYS-1'",
            "street_code=990000999 is not present in table \"regions\"");
    refused(pg, "INSERT INTO assignments (complaint_id, community_code, rule, reasons, role)"
                " SELECT id, '990000001999', 'test', 'test', 'co' FROM complaints WHERE ticket_no = 'KEYS-1'",
            "community_code");
    refused(pg, "INSERT INTO deadlines (complaint_id, kind, due_at) SELECT " MISSING ", 'accept', now()",
            "is not present in table \"complaints\"");
    refused(pg, "INSERT INTO deadlines (complaint_id, kind, cycle, due_at, unit_id)"
                " SELECT id, 'accept', 1, now(), -1 FROM complaints WHERE ticket_no = 'KEYS-1'", "unit_id=-1");
    refused(pg, "INSERT INTO alerts (complaint_id, deadline_id, rung, target, reason)"
                " SELECT id, (SELECT max(id) + 1000 FROM deadlines), 'supervise', 'campaign', 'test'"
                " FROM complaints WHERE ticket_no = 'KEYS-1'", "is not present in table \"deadlines\"");
    refused(pg, "INSERT INTO alerts (complaint_id, rung, target, target_unit_id, reason)"
                " SELECT id, 'repeat', 'campaign', -1, 'test' FROM complaints WHERE ticket_no = 'KEYS-1'",
            "target_unit_id=-1");
    refused(pg, "INSERT INTO alerts (complaint_id, rung, target, reason) SELECT " MISSING ", 'repeat', 'campaign', 'x'",
            "complaint_id");
    refused(pg, "INSERT INTO deliveries (alert_id, url) SELECT max(id) + 1000, 'http://127.0.0.1:1/' FROM alerts",
            "is not present in table \"alerts\"");
}

static void test_one_bad_row_refuses_the_statement(void **state)
{
    PGconn *pg = *state;
    long before = test_sql_num(pg, "SELECT count(*) FROM deadlines");
    refused(pg, "INSERT INTO deadlines (complaint_id, kind, cycle, due_at)"
                " SELECT c.id, 'accept', g, now() FROM complaints c, generate_series(2, 400) g"
                " WHERE c.ticket_no = 'KEYS-1'"
                " UNION ALL SELECT " MISSING ", 'accept', 1, now()",
            "complaint_id");
    assert_int_equal(before, test_sql_num(pg, "SELECT count(*) FROM deadlines"));
    test_sql(pg, "INSERT INTO deadlines (complaint_id, kind, cycle, due_at, unit_id)"
               " SELECT c.id, 'accept', g, now(), NULL FROM complaints c, generate_series(2, 400) g"
               " WHERE c.ticket_no = 'KEYS-1'");
    assert_int_equal(before + 399, test_sql_num(pg, "SELECT count(*) FROM deadlines"));
}

static void test_changing_a_key_to_nothing_is_refused(void **state)
{
    PGconn *pg = *state;
    refused(pg, "UPDATE deadlines d SET unit_id = -1 FROM complaints c WHERE c.id = d.complaint_id"
                " AND c.ticket_no = 'KEYS-1'", "unit_id=-1");
    refused(pg, "UPDATE assignments a SET street_code = '990000999' FROM complaints c"
                " WHERE c.id = a.complaint_id AND c.ticket_no = 'KEYS-1'", "street_code");
    refused(pg, "UPDATE assignments a SET complaint_id = " MISSING " FROM complaints c"
                " WHERE c.id = a.complaint_id AND c.ticket_no = 'KEYS-1'", "complaint_id");
    refused(pg, "UPDATE alerts a SET target_unit_id = -1 FROM complaints c"
                " WHERE c.id = a.complaint_id AND c.ticket_no = 'KEYS-1'", "target_unit_id=-1");
    test_sql(pg, "UPDATE alerts a SET acked_at = now(), acked_by = 'test' FROM complaints c"
               " WHERE c.id = a.complaint_id AND c.ticket_no = 'KEYS-1'");
    test_sql(pg, "UPDATE deadlines d SET unit_id = NULL, due_at = due_at + interval '1 hour' FROM complaints c"
               " WHERE c.id = d.complaint_id AND c.ticket_no = 'KEYS-1'");
    test_sql(pg, "UPDATE assignments a SET active = false FROM complaints c"
               " WHERE c.id = a.complaint_id AND c.ticket_no = 'KEYS-1'");
}

static void test_a_named_row_cannot_go(void **state)
{
    PGconn *pg = *state;
    const char *complaint = "DELETE FROM complaints WHERE ticket_no = 'KEYS-1'";
    const char *unit = "DELETE FROM units WHERE code = '990000001'";
    refused(pg, complaint, "DELETE on table \"complaints\" refused: alerts.complaint_id still names its row");
    refused(pg, "UPDATE complaints SET id = " MISSING " WHERE ticket_no = 'KEYS-1'", "alerts.complaint_id");
    refused(pg, unit, "alerts.target_unit_id");
    refused(pg, "DELETE FROM regions WHERE code = '990000001'", "assignments.street_code");
    refused(pg, "DELETE FROM deadlines d USING complaints c WHERE c.id = d.complaint_id AND c.ticket_no = 'KEYS-1'",
            "alerts.deadline_id");
    refused(pg, "DELETE FROM alerts a USING complaints c WHERE c.id = a.complaint_id AND c.ticket_no = 'KEYS-1'",
            "deliveries.alert_id");
    test_sql(pg, "DELETE FROM deliveries x USING alerts a, complaints c"
                 " WHERE a.id = x.alert_id AND c.id = a.complaint_id AND c.ticket_no = 'KEYS-1'");
    test_sql(pg, "DELETE FROM alerts a USING complaints c WHERE c.id = a.complaint_id AND c.ticket_no = 'KEYS-1'");
    refused(pg, complaint, "assignments.complaint_id");
    refused(pg, unit, "assignments.unit_id");
    test_sql(pg, "DELETE FROM assignments a USING complaints c WHERE c.id = a.complaint_id AND c.ticket_no = 'KEYS-1'");
    refused(pg, complaint, "deadlines.complaint_id");
    refused(pg, unit, "deadlines.unit_id");
    test_sql(pg, "DELETE FROM deadlines d USING complaints c WHERE c.id = d.complaint_id AND c.ticket_no = 'KEYS-1'");
    test_sql(pg, complaint);
    test_sql(pg, unit);
    test_sql(pg, "DELETE FROM regions WHERE code = '990000001'");
    assert_int_equal(0, test_sql_num(pg, "SELECT count(*) FROM regions WHERE code = '990000001'"));
}

static void test_services_cannot_change_the_keys(void **state)
{
    PGconn *pg = *state;
    PGresult *res = PQexec(pg, "SELECT grantee FROM information_schema.role_table_grants"
                               " WHERE table_name = 'complaints' AND privilege_type = 'INSERT'"
                               "   AND grantee <> (SELECT tableowner FROM pg_tables WHERE tablename = 'complaints')");
    assert_int_equal(PGRES_TUPLES_OK, PQresultStatus(res));
    assert_int_equal(1, PQntuples(res));       /* the services' role */
    char *role = PQescapeIdentifier(pg, PQgetvalue(res, 0, 0), strlen(PQgetvalue(res, 0, 0)));
    char sql[256];
    snprintf(sql, sizeof sql, "SET LOCAL ROLE %s", role);
    PQfreemem(role);
    PQclear(res);
    test_sql(pg, sql);
    assert_int_equal(11, test_sql_num(pg, "SELECT count(*) FROM checked_keys"));
    res = PQexec(pg, "DELETE FROM checked_keys WHERE tab = 'assignments'");
    const char *why = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    assert_string_equal("42501", why ? why : "no error");   /* insufficient_privilege */
    PQclear(res);
}

/* ---- two transactions at once ---- */

/* Waits (up to 20 s) until the backend pid waits for a lock. */
static void wait_blocked(PGconn *watch, int pid)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE pid = %d AND wait_event_type = 'Lock'", pid);
    struct timespec tick = {0, 10 * 1000000L};
    for (int i = 0; i < 2000; i++) {
        if (test_sql_num(watch, sql) == 1)
            return;
        nanosleep(&tick, NULL);
    }
    fail_msg("backend %d never waited for a lock", pid);
}

/* The statement sent on pg must be refused as a key violation naming want. */
static void result_refused(PGconn *pg, const char *want)
{
    PGresult *res = PQgetResult(pg), *more;
    while ((more = PQgetResult(pg)))
        PQclear(more);
    expect_refused(res, "the statement sent", want);
}

#define ASSIGN_TO(code) \
    "INSERT INTO assignments (complaint_id, unit_id, rule, reasons, role) SELECT c.id, u.id, 'test', 'test', 'co'" \
    " FROM complaints c, units u WHERE c.ticket_no = 'KEYS-2' AND u.code = '" code "'"

static void test_checks_lock_like_keys(void **state)
{
    (void)state;
    PGconn *a = test_pg(), *b = test_pg(), *watch = test_pg();
    test_sql(a, "INSERT INTO regions (code, name, short_name, level) VALUES ('990001', '测试区', '测试', 'district')");
    test_sql(a, "INSERT INTO units (code, name, kind, region_code) VALUES"
              " ('990001001', '甲街道', 'street', '990001'), ('990001002', '乙街道', 'street', '990001')");
    test_sql(a, "INSERT INTO complaints (ticket_no, called_at, address, content, status)"
              " VALUES ('KEYS-2', now(), '测试社区', '路灯不亮', 'dispatched')");

    /* a inserts a row naming 甲; b deletes 甲 meanwhile: it waits, then is refused */
    test_sql(a, "BEGIN");
    test_sql(a, ASSIGN_TO("990001001"));
    assert_int_equal(1, PQsendQuery(b, "DELETE FROM units WHERE code = '990001001'"));
    wait_blocked(watch, PQbackendPID(b));
    test_sql(a, "COMMIT");
    result_refused(b, "assignments.unit_id still names its row");
    assert_int_equal(1, test_sql_num(watch, "SELECT count(*) FROM units WHERE code = '990001001'"));

    /* b deletes 乙 (nothing names it); a names 乙 by its id meanwhile: it waits, then is refused */
    char name_yi[256];
    snprintf(name_yi, sizeof name_yi,
             "INSERT INTO assignments (complaint_id, unit_id, rule, reasons, role)"
             " SELECT c.id, %ld, 'test', 'test', 'co' FROM complaints c WHERE c.ticket_no = 'KEYS-2'",
             test_sql_num(a, "SELECT id FROM units WHERE code = '990001002'"));
    test_sql(b, "BEGIN");
    test_sql(b, "DELETE FROM units WHERE code = '990001002'");
    assert_int_equal(1, PQsendQuery(a, name_yi));
    wait_blocked(watch, PQbackendPID(a));
    test_sql(b, "COMMIT");
    result_refused(a, "is not present in table \"units\"");
    assert_int_equal(0, test_sql_num(watch, "SELECT count(*) FROM assignments a JOIN complaints c ON c.id = a.complaint_id"
                                       " WHERE c.ticket_no = 'KEYS-2'"
                                       "   AND NOT EXISTS (SELECT 1 FROM units u WHERE u.id = a.unit_id)"));
    assert_int_equal(1, test_sql_num(watch, "SELECT count(*) FROM assignments a JOIN complaints c ON c.id = a.complaint_id"
                                       " WHERE c.ticket_no = 'KEYS-2'"));

    /* at READ COMMITTED the check leaves 甲 unlocked; at REPEATABLE READ it holds it as a foreign key would */
    const char *take = "SELECT 1 FROM units WHERE code = '990001001' FOR UPDATE NOWAIT";
    test_sql(a, "BEGIN");
    test_sql(a, ASSIGN_TO("990001001"));
    test_sql(b, "BEGIN");
    test_sql(b, take);
    test_sql(b, "ROLLBACK");
    test_sql(a, "ROLLBACK");
    test_sql(a, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    test_sql(a, ASSIGN_TO("990001001"));
    PGresult *res = PQexec(b, take);
    const char *why = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    assert_string_equal("55P03", why ? why : "no error");      /* lock_not_available */
    PQclear(res);
    test_sql(a, "ROLLBACK");

    /* a row named by a key is deleted only at READ COMMITTED */
    test_sql(b, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    expect_refused(PQexec(b, "DELETE FROM units WHERE code = '990001001'"), "a delete at REPEATABLE READ",
                   "only at READ COMMITTED");
    test_sql(b, "ROLLBACK");

    test_sql(watch, "DELETE FROM assignments a USING complaints c WHERE c.id = a.complaint_id AND c.ticket_no = 'KEYS-2'");
    test_sql(watch, "DELETE FROM complaints WHERE ticket_no = 'KEYS-2'");
    test_sql(watch, "DELETE FROM units WHERE code LIKE '990001%'");
    test_sql(watch, "DELETE FROM regions WHERE code = '990001'");
    PQfinish(a);
    PQfinish(b);
    PQfinish(watch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_naming_nothing_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_bad_row_refuses_the_statement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changing_a_key_to_nothing_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_named_row_cannot_go, setup, teardown),
        cmocka_unit_test_setup_teardown(test_services_cannot_change_the_keys, setup, teardown),
        cmocka_unit_test(test_checks_lock_like_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
