# test_security_seen.sh — who may read an order, asked for many orders at
# once (principal_seen, migration 022, what the wall board uses) and for one
# (principal_sees, every page): for every role — discipline inspection of a
# district and the office kept for orders of no known district, a handler of
# a street office and of a department, a campaign office, the dispatcher, the
# callback agent, the clerk, the administrator, a service and a disabled
# principal — over orders including conduct complaints (by category and held
# by discipline inspection), a co-handled order, a reassigned one (its first
# assignment inactive), one of no known district, a manual and an unrouted
# one, both forms give exactly what the rule of migration 010 gave, and what
# each reader sees is spelled out; then the cases where migration 029's one
# rule of a conduct complaint keeps more for discipline inspection (an order
# it once held, a conduct part, a repeat merged into one of its orders). In
# PostgreSQL only (no services).
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_security_seen
seen_sql() { psql "$JIESU_PG_OWNER_CONNINFO" -XqAt -v ON_ERROR_STOP=1 "$@"; }

seen_sql >"$HARNESS_DIR/seen-fixture.out" 2>&1 <<'SQL'
INSERT INTO regions (code, name, short_name, level, parent_code) VALUES
    ('990100', '甲区', '甲', 'district', NULL), ('990200', '乙区', '乙', 'district', NULL),
    ('990100001', '甲一街道', '甲一', 'street', '990100'), ('990100002', '甲二街道', '甲二', 'street', '990100'),
    ('990200001', '乙一街道', '乙一', 'street', '990200');
INSERT INTO units (code, name, kind, region_code) VALUES
    ('990100001', '甲一街道办事处', 'street', '990100001'), ('990100002', '甲二街道办事处', 'street', '990100002'),
    ('990200001', '乙一街道办事处', 'street', '990200001'), ('990100-D', '甲区城管局', 'dept', '990100'),
    ('990000-D', '不明区域部门', 'dept', NULL), ('990100.campaign', '甲区创城办', 'campaign', '990100'),
    ('990100.discipline', '甲区纪委监委', 'discipline', '990100'),
    ('990000.discipline', '区域不明纪委监委', 'discipline', NULL);
INSERT INTO principals (name, display_name, role, unit_id, disabled_at, created_by)
SELECT n, n, r, (SELECT id FROM units WHERE code = u), d, 'test' FROM (VALUES
    ('s-jiayi', 'handler', '990100001', NULL::timestamptz), ('s-dept', 'handler', '990100-D', NULL),
    ('s-yiyi', 'handler', '990200001', NULL), ('s-campaign', 'campaign', '990100.campaign', NULL),
    ('s-jiwei', 'discipline', '990100.discipline', NULL), ('s-jiwei0', 'discipline', '990000.discipline', NULL),
    ('s-dispatcher', 'dispatcher', NULL, NULL), ('s-callback', 'callback', NULL, NULL),
    ('s-clerk', 'clerk', NULL, NULL), ('s-admin', 'admin', NULL, NULL), ('s-service', 'service', NULL, NULL),
    ('s-gone', 'dispatcher', NULL, now()), ('s-gone-jiayi', 'handler', '990100001', now())) v(n, r, u, d);
-- S1 plain, S2 co-handled by the department, S3 reassigned from 甲二 to 乙一, S4 conduct (category),
-- S5 held by discipline inspection (conduct by its holder), S6 a department of no district, S7 manual,
-- S8 unrouted, S9 an unrouted conduct complaint, S10 closed (every assignment inactive).
INSERT INTO complaints (ticket_no, called_at, content, status, category)
SELECT 'S' || g, now(), '测试工单', s, k FROM (VALUES
    (1, 'dispatched', 'garbage'), (2, 'accepted', 'road'), (3, 'dispatched', 'noise'), (4, 'dispatched', 'conduct'),
    (5, 'accepted', 'noise'), (6, 'dispatched', 'water'), (7, 'manual', NULL), (8, 'new', NULL),
    (9, 'new', 'conduct'), (10, 'closed', 'garbage')) v(g, s, k);
INSERT INTO assignments (complaint_id, unit_id, role, street_code, active, rule, reasons)
SELECT (SELECT id FROM complaints WHERE ticket_no = t), (SELECT id FROM units WHERE code = u), r, sc, act, 'test', '测试'
  FROM (VALUES ('S1', '990100001', 'owner', '990100001', true), ('S2', '990100001', 'owner', '990100001', true),
               ('S2', '990100-D', 'co', NULL, true), ('S3', '990100002', 'owner', '990100002', false),
               ('S4', '990100.discipline', 'discipline', NULL, true), ('S5', '990100.discipline', 'discipline', NULL, true),
               ('S6', '990000-D', 'owner', NULL, true), ('S7', NULL, 'manual', NULL, true),
               ('S10', '990100001', 'owner', '990100001', false)) v(t, u, r, sc, act);
INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons)
SELECT id, (SELECT id FROM units WHERE code = '990200001'), 'owner', '990200001', 'test', '改派'
  FROM complaints WHERE ticket_no = 'S3';
SQL
check "the orders, units and principals of every case are in" test $? -eq 0

# The rule as migration 010 wrote it, kept for comparison in this session only.
seen_rule_010() {
    sed -n '/^CREATE FUNCTION principal_sees(/,/^\$\$;/p' "$REPO/db/migrations/010_identity.sql" |
        sed 's/^CREATE FUNCTION principal_sees(/CREATE FUNCTION pg_temp.sees_010(/'
}
# Per principal: the orders each form lets it read (ticket numbers), '|' between the forms.
seen_sql >"$HARNESS_DIR/seen-matrix.out" 2>&1 <<SQL
$(seen_rule_010)
SELECT p.name,
       coalesce((SELECT string_agg(c.ticket_no, ' ' ORDER BY c.id) FROM complaints c
                  WHERE c.id IN (SELECT principal_seen(p.id, (SELECT array_agg(id) FROM complaints)))), '-')
       || '|' || coalesce((SELECT string_agg(c.ticket_no, ' ' ORDER BY c.id) FROM complaints c
                            WHERE principal_sees(p.id, c.id)), '-')
       || '|' || coalesce((SELECT string_agg(c.ticket_no, ' ' ORDER BY c.id) FROM complaints c
                            WHERE pg_temp.sees_010(p.id, c.id)), '-')
  FROM principals p WHERE p.name LIKE 's-%' ORDER BY p.name;
SQL
check "every principal's orders read in one statement" test $? -eq 0
seen_of() { grep "^$1|" "$HARNESS_DIR/seen-matrix.out" | cut -d'|' -f2-; }
seen_expect() {     # seen_expect NAME "TICKETS": the three forms agree, on exactly those
    check_eq "$1 reads $2 (set form | one order | migration 010's rule)" "$2|$2|$2" "$(seen_of "$1")"
}
seen_expect s-jiwei "S1 S2 S4 S5"
seen_expect s-jiwei0 "S6 S7 S8 S9 S10"
seen_expect s-jiayi "S1 S2"
seen_expect s-dept "S2"
seen_expect s-yiyi "S3"
seen_expect s-campaign "S1 S2"
for r in dispatcher callback clerk; do seen_expect "s-$r" "S1 S2 S3 S6 S7 S8 S10"; done
for r in admin service gone gone-jiayi; do seen_expect "s-$r" "-"; done
check_eq "nobody but discipline inspection reads a conduct complaint" "s-jiwei s-jiwei s-jiwei0" \
    "$(seen_sql -c "SELECT string_agg(p.name, ' ' ORDER BY p.name) FROM principals p, complaints c
                    WHERE c.ticket_no IN ('S4', 'S5', 'S9') AND c.id IN (SELECT principal_seen(p.id, ARRAY[c.id]))")"
# Orders migration 010's rule (and 022's) let others read, that the one rule
# of migration 029 (conduct_among) keeps for discipline inspection: S11, a
# street's problem a dispatcher gave discipline inspection by hand, returned
# by it (no unit holds it now); S12, the conduct part a split letter made
# (link_id), not routed yet; S13, a repeat merged into S5, which discipline
# inspection holds.
seen_sql >"$HARNESS_DIR/seen-029.out" 2>&1 <<'SQL'
INSERT INTO complaints (ticket_no, called_at, content, status, category, link_id, parent_id)
SELECT t, now(), '测试工单', s, k, (SELECT id FROM complaints WHERE ticket_no = l), (SELECT id FROM complaints WHERE ticket_no = p)
  FROM (VALUES ('S11', 'returned', 'garbage', NULL, NULL), ('S12', 'new', NULL, 'S1', NULL),
               ('S13', 'closed', 'noise', NULL, 'S5')) v(t, s, k, l, p);
INSERT INTO assignments (complaint_id, unit_id, role, street_code, active, rule, reasons)
SELECT (SELECT id FROM complaints WHERE ticket_no = t), (SELECT id FROM units WHERE code = u), 'owner', sc, false, 'test', '测试'
  FROM (VALUES ('S11', '990100001', '990100001'), ('S11', '990100.discipline', NULL),
               ('S13', '990100001', '990100001')) v(t, u, sc);
SQL
check "the orders of migration 029's cases are in" test $? -eq 0
seen_sql -c "INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons)
             SELECT id, (SELECT id FROM units WHERE code = '990100001'), 'owner', '990100001', 'test', '派回街道'
               FROM complaints WHERE ticket_no = 'S11'" >"$HARNESS_DIR/seen-guard.out" 2>&1
check "S11 may not be given to a street office again (the assignment guard asks the same rule)" \
    grep -q "工单 S11 是干部作风问题投诉，只能由纪委监委办理" "$HARNESS_DIR/seen-guard.out"
check_eq "the one rule names the conduct complaints: category, conduct part, ever held, merged into one" \
    "S4 S5 S9 S11 S12 S13" \
    "$(seen_sql -c "SELECT string_agg(ticket_no, ' ' ORDER BY id) FROM complaints
                    WHERE id IN (SELECT conduct_among((SELECT array_agg(id) FROM complaints)))")"
check_eq "… and nobody but discipline inspection reads one of them, in either form" "s-jiwei0 s-jiwei0 s-jiwei0" \
    "$(seen_sql -c "SELECT string_agg(p.name, ' ' ORDER BY p.name) FROM principals p, complaints c
                    WHERE c.ticket_no IN ('S11', 'S12', 'S13')
                      AND (c.id IN (SELECT principal_seen(p.id, (SELECT array_agg(id) FROM complaints)))
                           OR principal_sees(p.id, c.id))")"
check_eq "complaints.discipline_held, kept by the guard, says which orders discipline inspection has held" \
    "S4 S5 S11" "$(seen_sql -c "SELECT string_agg(ticket_no, ' ' ORDER BY id) FROM complaints WHERE discipline_held")"
check_eq "… as the assignments do" 0 \
    "$(seen_sql -c "SELECT count(*) FROM complaints c WHERE c.discipline_held IS DISTINCT FROM EXISTS (SELECT 1
                    FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.complaint_id = c.id AND u.kind = 'discipline')")"
check_eq "what the public and the bulletin leave out holds every one of them" 0 \
    "$(seen_sql -c "SELECT count(*) FROM conduct_among((SELECT array_agg(id) FROM complaints)) k(id)
                    WHERE k.id NOT IN (SELECT complaints_for_discipline((SELECT array_agg(id) FROM complaints)))")"
check_eq "an order that does not exist is read by nobody" "f|0" \
    "$(seen_sql -c "SELECT bool_or(principal_sees(id, -1)), (SELECT count(*) FROM principals p,
                    principal_seen(p.id, ARRAY[-1::bigint])) FROM principals")"
