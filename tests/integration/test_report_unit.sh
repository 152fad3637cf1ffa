# test_report_unit.sh — `jiesu report 单位`: one street office named as
# `jiesu dispatch` names one (its name or code), its row of the per-street
# summary and the orders behind its figures, at the terminal and in --json:
# its overdue orders (the deadline past, when it fell due, how long ago in
# working hours) and those on hold (since when and why); a street office
# reads only its own; a department, a name no unit has, two units named are
# refused in words. Before, `jiesu report 中韩街道` was refused: only the
# literal 街道 was taken. Over the fixture fortnight (tests/fixtures/report_week.sql)
# and an order of 西街道 put on hold. Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_report_unit
psql "$JIESU_PG_CONNINFO" -XqA -1 -v ON_ERROR_STOP=1 -f "$REPO/tests/fixtures/report_week.sql" >/dev/null
harness_services_start "regions.districts = 880100"
out=$HARNESS_DIR/report-unit
mkdir -p "$out"
jiesu() { "$JIESU_BIN/jiesu" "$@"; }
# W5: 西街道's, on hold since 11-21 10:00, waiting for the resident.
sql "WITH c AS (INSERT INTO complaints (ticket_no, called_at, address, content, status, category)
                VALUES ('FX-W5', '2026-11-21 09:00+08', '西路', '漏水', 'waiting', 'noise') RETURNING id),
          a AS (INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons)
                SELECT c.id, u.id, 'owner', u.code, 'test', 'test' FROM c, units u WHERE u.code = '880100002')
     INSERT INTO complaint_events (complaint_id, at, actor, event, detail)
     SELECT c.id, '2026-11-21 10:00+08', 'test', 'waiting',
            jsonb_build_object('from', 'accepted', 'to', 'waiting', 'unit', '880100002', 'reason', '等住户在家') FROM c" >/dev/null

as_role dispatcher jiesu report 西街道 >"$out/west.out" 2>&1
check_eq "jiesu report 西街道 answers (it was refused: only 街道 was taken)" 0 $?
check "… its row alone, no total of one row" \
    sh -c "grep -qE '^西街道 +[0-9]' '$out/west.out' && ! grep -q '^东街道\|^合计\|待人工派单' '$out/west.out'"
check "… its overdue order W4: the 办结 deadline past, when, and how long in working hours" \
    grep -qE '^FX-W4 .* 办结 +2026-11-22 10:10 +[0-9]+\.[0-9]$' "$out/west.out"
check "… its order on hold, W5, since when and why" grep -qE '^FX-W5 .* 2026-11-21 10:00 +等住户在家$' "$out/west.out"
check "… and no other street's order (E4 is 东街道's)" sh -c "! grep -q 'FX-E4' '$out/west.out'"
as_role dispatcher jiesu report 880100002 >"$out/code.out" 2>&1
check_eq "… named by its code, the same" "$(cat "$out/west.out")" "$(cat "$out/code.out")"
as_role dispatcher jiesu report 西街道 --json >"$out/west.json" 2>&1
check_eq "--json: the row and the same orders" "880100002 FX-W4 resolve 2026-11-22 10:10 FX-W5 2026-11-21 10:00 等住户在家" \
    "$(jq -r '[(.streets[].code), (.overdue_orders[] | .ticket, .deadline, .due_at),
               (.held_orders[] | .ticket, .since, .reason)] | join(" ")' "$out/west.json")"

as_unit 880100002 jiesu report 西街道 >"$out/own.out" 2>&1
check "a street office reads its own" sh -c "grep -q '^FX-W4 ' '$out/own.out' && grep -q '^FX-W5 ' '$out/own.out'"
as_unit 880100002 jiesu report 东街道 >"$out/other.out" 2>&1
check_eq "… and not another's" 1 $?
check "… saying so" grep -q '东街道不在您可以查看的范围' "$out/other.out"
check "… with nothing of it" sh -c "! grep -q 'FX-E' '$out/other.out'"

as_role dispatcher jiesu report 样例区城管局 >"$out/dept.out" 2>&1
check "a department: refused, saying where its orders are" \
    sh -c "test $? -ne 0 && grep -q '样例区城管局不是街道办事处.*jiesu bulletin' '$out/dept.out'"
as_role dispatcher jiesu report 西大街 >"$out/none.out" 2>&1
check "a name no unit has: said so, with how to look names up" grep -q '没有叫“西大街”的单位：`jiesu units 西大街`' "$out/none.out"
sql "INSERT INTO units (code, name, kind, region_code) VALUES ('880100-XJ', '西街道', 'dept', '880100')" >/dev/null
as_role dispatcher jiesu report 西街道 >"$out/shared.out" 2>&1
check "a name two units share: refused naming both" grep -q '有 2 个单位叫“西街道”：西街道、西街道' "$out/shared.out"
as_role dispatcher jiesu report 西街道 东街道 >"$out/two.out" 2>&1
check_eq "two units: a usage error" 2 $?
check "… whose usage names a unit, not the literal 街道" grep -q '^用法：jiesu report \[单位名称或代码\]' "$out/two.out"
jiesu help report >"$out/help.out" 2>&1
check "jiesu help report says a unit is named, as in jiesu report 中韩街道" \
    sh -c "grep -q 'report \[单位名称或代码\]' '$out/help.out' && grep -q 'jiesu report 中韩街道' '$out/help.out'"
harness_services_stop
