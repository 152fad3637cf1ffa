# test_live_counters.sh — /api/live counts everything with several processes
# of a service, each publishing on its own endpoint: two assignment processes
# route every imported order and the live `routed` and `imported` equal what
# PostgreSQL holds; an Open311 complaint counts as imported; two escalation
# processes raise a ladder of alerts and the live `alerts` equals them all.
# Sourced by tests/run.sh (uses tests/harness.sh and tests/web_lib.sh).

N=1500
harness_fresh_db jiesu_live
http_port=$(free_port); o311_port=$(free_port)
harness_services_start "intake.http_addr = 127.0.0.1:$o311_port" "report.http_addr = 127.0.0.1:$http_port" \
    "assignment.batch = 20" "escalation.patterns_seconds = 3600"
. "$REPO/tests/web_lib.sh"
reader=$(web_sql_token live-reader dispatcher)
live_dir=$HARNESS_DIR/live
rm -rf "$live_dir"; mkdir -p "$live_dir"

# live FIELD: the field of /api/live, as the dispatcher reads it.
live() {
    curl -sf -H "Authorization: Bearer $reader" "http://127.0.0.1:$http_port/api/live" | jq -r ".$1"
}
# live_is FIELD SQL: the live field equals the count PostgreSQL gives.
live_is() { [ "$(live "$1")" = "$(sql "$2")" ]; }

# A second process of each, on endpoints of its own (reporting subscribes to the configured ones only).
JIESU_ASSIGNMENT_ROUTER=ipc://$live_dir/assignment-2.router JIESU_ASSIGNMENT_PUB=ipc://$live_dir/assignment-2.pub \
    "$JIESU_BIN/jiesu-assignment" >>"$live_dir/assignment-2.log" 2>&1 &
assignment2=$!
JIESU_ESCALATION_ROUTER=ipc://$live_dir/escalation-2.router JIESU_ESCALATION_PUB=ipc://$live_dir/escalation-2.pub \
    "$JIESU_BIN/jiesu-escalation" >>"$live_dir/escalation-2.log" 2>&1 &
escalation2=$!
wait_for "second assignment ready" 20 grep -q ready "$live_dir/assignment-2.log"
wait_for "second escalation ready" 20 grep -q ready "$live_dir/escalation-2.log"

# ---- two assignment processes route N imported orders ----
"$JIESU_BIN/../tools/gen_complaints" $N 13 >"$live_dir/rows.csv"
as_role clerk "$JIESU_BIN/jiesu" import "$live_dir/rows.csv" >"$live_dir/import.out" 2>&1
check "import of $N generated rows succeeds" test $? -eq 0
check_eq "$N orders stored" $N "$(sql "SELECT count(*) FROM complaints")"
wait_for "every order routed" 120 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
check "the first assignment process routed some" grep -q "batch entries=[1-9]" "$HARNESS_DIR/assignment.log"
check "… and the second one too" grep -q "batch entries=[1-9]" "$live_dir/assignment-2.log"
check_eq "one routing event per order" $N "$(sql "SELECT count(*) FROM complaint_events WHERE event IN ('routed', 'manual')")"
wait_for "live routed reaches $N" 10 live_is routed "SELECT $N"
check_eq "live routed: every order, whichever process routed it" $N "$(live routed)"
check_eq "live imported: every imported order" $N "$(live imported)"

# ---- an Open311 complaint counts as imported (and routed) ----
"$JIESU_BIN/jiesu" user add live-clerk --role clerk --display live-clerk --token --no-key >"$live_dir/clerk.out"
api_key=$(sed -n 's/^令牌：//p' "$live_dir/clerk.out")
status=$(curl -s -o "$live_dir/open311.json" -w '%{http_code}' --data-urlencode "api_key=$api_key" \
    --data-urlencode service_code=env.garbage --data-urlencode "description=小区门口垃圾桶满了" \
    --data-urlencode "address_string=崂山区沙子口街道南姜社区" "http://127.0.0.1:$o311_port/requests.json")
check_eq "an Open311 POST answers 200" 200 "$status"
wait_for "live imported counts the Open311 complaint" 10 live_is imported "SELECT $((N + 1))"
check_eq "live imported: the file's orders and the Open311 one" $((N + 1)) "$(live imported)"
wait_for "the Open311 complaint routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
wait_for "live routed counts it too" 10 live_is routed "SELECT $((N + 1))"
check_eq "live routed: $((N + 1))" $((N + 1)) "$(live routed)"

# ---- two escalation processes raise every rung for 500 overdue orders ----
sql "WITH c AS (
       INSERT INTO complaints (ticket_no, called_at, address, content, status)
       SELECT 'LATE-' || i, now(), '张村社区', '垃圾未清运', 'dispatched' FROM generate_series(1, 500) i RETURNING id),
     a AS (INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons)
       SELECT c.id, u.id, 'owner', u.code, 'test', 'test' FROM c, units u WHERE u.code = '370212001')
     INSERT INTO deadlines (complaint_id, kind, unit_id, started_at, due_at)
     SELECT c.id, 'resolve', u.id, now() - interval '14 days', now() + interval '2 hours'
     FROM c, units u WHERE u.code = '370212001'" >/dev/null
sql "UPDATE esc_clock SET offset_seconds = 3456000" >/dev/null
ladder="SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no LIKE 'LATE-%' AND a.deadline_id IS NOT NULL"
wait_for "every rung of the 500 late orders fired" 120 sql_eq "$ladder" 1500
check_eq "remind, supervise and accountability once per late order" 1500 "$(sql "$ladder")"
wait_for "live alerts equal every alert raised today" 10 live_is alerts "SELECT count(*) FROM alerts"
check_eq "live alerts: every alert of both escalation processes" "$(sql "SELECT count(*) FROM alerts")" "$(live alerts)"
check "at least the ladder's 1500" test "$(live alerts)" -ge 1500

kill -TERM "$assignment2" "$escalation2"
rc=0; wait "$assignment2" || rc=$?
check_eq "second assignment stopped cleanly" 0 "$rc"
rc=0; wait "$escalation2" || rc=$?
check_eq "second escalation stopped cleanly" 0 "$rc"
harness_services_stop
