/* test_route_actions.c — accept and resolve against a real PostgreSQL: the
 * owner moves its order, a repeat changes nothing, another unit and a wrong
 * state are refused with a reason, and every move leaves one event row.
 *
 * Needs JIESU_TEST_PG (a migrated database); ticket numbers are per run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture_laoshan.h"
#include "route_actions.h"

typedef struct {
    PGconn *pg;
    char    tag[64];
    char    ticket[96];     /* an order dispatched to 中韩街道 */
    long long id;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->pg = fixture_pg();
    fixture_seed_laoshan(f->pg);
    fixture_tag(f->tag, sizeof f->tag, "RA");
    snprintf(f->ticket, sizeof f->ticket, "%s-1", f->tag);
    f->id = fixture_num(f->pg, "INSERT INTO complaints (ticket_no, called_at, content, status)"
                               " VALUES ('%s', now(), '垃圾', 'dispatched') RETURNING id", f->ticket);
    fixture_exec(f->pg, "INSERT INTO assignments (complaint_id, unit_id, role, rule, reasons)"
                        " SELECT %lld, id, 'owner', 'street', 'test' FROM units WHERE code = '370212001'", f->id);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    PQfinish(f->pg);
    free(f);
    return 0;
}

static int act(fixture *f, const char *ticket, const char *action, const char *unit, route_action_result *res,
               char *err, size_t errlen)
{
    route_action_req req = {.ticket_no = ticket, .action = action, .unit_code = unit, .actor = "",
                            .reason = "现场已处理"};
    return route_action(f->pg, &req, res, err, errlen);
}

static long long events(fixture *f, const char *event)
{
    return fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld AND event = '%s'",
                       f->id, event);
}

static void test_other_unit_is_refused(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", want[256];
    assert_int_equal(act(f, f->ticket, "accept", "370212002", &res, err, sizeof err), -1);
    snprintf(want, sizeof want, "order %s is owned by 370212001, not 370212002", f->ticket);
    assert_string_equal(err, want);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaints WHERE id = %lld AND status = 'dispatched'",
                                 f->id), 1);
    assert_int_equal(events(f, "accepted"), 0);
}

static void test_accept_then_resolve(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", want[256];
    assert_int_equal(act(f, f->ticket, "accept", "370212001", &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 1);
    assert_int_equal(res.complaint_id, f->id);
    assert_string_equal(res.from, "dispatched");
    assert_string_equal(res.to, "accepted");
    assert_true(res.at_ms > 0);
    /* again: nothing changes, no second event */
    assert_int_equal(act(f, f->ticket, "accept", "370212001", &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 0);
    assert_int_equal(events(f, "accepted"), 1);
    assert_int_equal(fixture_num(f->pg, "SELECT count(*) FROM complaint_events WHERE complaint_id = %lld"
                                        " AND event = 'accepted' AND actor = '370212001'"
                                        " AND detail->>'from' = 'dispatched' AND detail->>'reason' = '现场已处理'",
                                 f->id), 1);
    /* a dispatcher (no unit) resolves for the owner */
    assert_int_equal(act(f, f->ticket, "resolve", "", &res, err, sizeof err), 0);
    assert_int_equal(res.changed, 1);
    assert_string_equal(res.from, "accepted");
    assert_int_equal(events(f, "resolved"), 1);
    /* a resolved order cannot be accepted */
    assert_int_equal(act(f, f->ticket, "accept", "370212001", &res, err, sizeof err), -1);
    snprintf(want, sizeof want, "order %s is resolved: cannot accept it", f->ticket);
    assert_string_equal(err, want);
}

static void test_bad_requests(void **state)
{
    fixture *f = *state;
    route_action_result res;
    char err[256] = "", ticket[128];
    assert_int_equal(act(f, f->ticket, "approve", "", &res, err, sizeof err), -1);
    assert_string_equal(err, "unknown action 'approve' (accept, resolve)");
    assert_int_equal(act(f, "", "accept", "", &res, err, sizeof err), -1);
    assert_string_equal(err, "accept: no ticket number given");
    snprintf(ticket, sizeof ticket, "%s-none", f->tag);
    assert_int_equal(act(f, ticket, "accept", "", &res, err, sizeof err), -1);
    assert_non_null(strstr(err, "no order with ticket"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_other_unit_is_refused),
        cmocka_unit_test(test_accept_then_resolve),
        cmocka_unit_test(test_bad_requests),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
