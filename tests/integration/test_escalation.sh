# test_escalation.sh — the escalation service as it runs, with the clock moved
# instead of slept: rungs fire within a second of due; everything overdue
# fires at start-up; kill -9 before and after an alert commit, a Redis
# FLUSHALL, and two escalation processes at once each end with every due
# alert exactly once; webhooks that fail twice get every alert on the third
# try and a dead one ends as failed; `jiesu alerts` and `jiesu ack`.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_escalation
esc_dir=$HARNESS_DIR/escalation
mkdir -p "$esc_dir"
python3 "$REPO/tests/tools/webhook_receiver.py" "$esc_dir" 2 &
hook_pid=$!
wait_for "webhook receiver up" 10 test -s "$esc_dir/port"
hook=http://127.0.0.1:$(cat "$esc_dir/port")/alerts
harness_config "escalation.reconcile_seconds = 2" "escalation.patterns_seconds = 3600" \
    "escalation.webhook_backoff_ms = 100" "escalation.webhook_max_attempts = 3"

jiesu() { "$JIESU_BIN/jiesu" "$@"; }
esc_pid() { cat "$HARNESS_DIR/escalation.pid"; }
esc_dead() { ! kill -0 "$(esc_pid)" 2>/dev/null; }
alerts() { sql "SELECT count(*) FROM alerts WHERE deadline_id IS NOT NULL ${1:-}"; }   # ladder alerts
set_clock() { sql "UPDATE esc_clock SET offset_seconds = $1"; }

# Every street office, the campaign office and discipline inspection post to
# the receiver; one street office's webhook is dead.
sql "UPDATE units SET webhook_url = '$hook'" >/dev/null
sql "UPDATE units SET webhook_url = 'http://127.0.0.1:1/dead' WHERE code = '370212002'" >/dev/null

# N orders owned by UNIT (中韩街道 by default): resolve deadline started
# `started` ago, due `due` from now.
orders() {
    local n=$1 tag=$2 started=$3 due=$4 unit=${5:-370212001}
    sql "WITH c AS (
           INSERT INTO complaints (ticket_no, called_at, address, content, status, caller_name, caller_phone)
           SELECT '$tag-' || i, now(), '张村社区', '垃圾未清运', 'dispatched', '李四', '13900001111'
           FROM generate_series(1, $n) i RETURNING id),
         a AS (INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons)
           SELECT c.id, u.id, 'owner', u.code, 'test', 'test' FROM c, units u WHERE u.code = '$unit')
         INSERT INTO deadlines (complaint_id, kind, unit_id, started_at, due_at)
         SELECT c.id, 'resolve', u.id, now() - interval '$started', now() + interval '$due'
         FROM c, units u WHERE u.code = '$unit'" >/dev/null
}

# 1. While running: the deadline fires within a second of due.
svc_start escalation
wait_for "escalation ready" 20 svc_ready escalation
orders 5 ON 14days 3seconds
wait_for "supervise fires at the deadline" 20 sql_eq "SELECT count(*) FROM alerts WHERE rung = 'supervise'" 5
check_eq "remind and supervise, once each, for orders due in 3 s" 10 "$(alerts)"
check_eq "every supervise within 1 s of its deadline, none early" 5 \
    "$(sql "SELECT count(*) FROM alerts a JOIN deadlines d ON d.id = a.deadline_id WHERE a.rung = 'supervise'
            AND a.created_at >= d.due_at AND a.created_at < d.due_at + interval '1 second'")"

# 2. Down while 20 orders fall overdue; kill -9 before the first alert commit
# (the batch of reminds is lost with the transaction) ...
svc_kill9 escalation
orders 20 DOWN 14days -1hour
JIESU_ESC_FAILPOINT=before_commit:1 svc_start escalation
wait_for "killed before the commit" 20 esc_dead
check_eq "killed before a commit: nothing of its batch stored" 10 "$(alerts)"
# ... and kill -9 right after it (committed, not yet re-armed or published).
svc_kill9 escalation
JIESU_ESC_FAILPOINT=after_commit:1 svc_start escalation
wait_for "killed after the commit" 20 esc_dead
check "killed after a commit: its alerts stored" test "$(alerts)" -gt 10
svc_kill9 escalation
svc_start escalation
wait_for "everything overdue fires at start-up" 30 sql_eq "SELECT count(*) FROM alerts WHERE deadline_id IS NOT NULL" 50
check_eq "after both crashes: remind + supervise once per order" 50 "$(alerts)"

# 3. Redis wiped while 10 planned orders wait: the reconciler re-arms them.
orders 10 WIPE 14days 1hour
wait_for "new deadlines planned and reminded" 20 sql_eq "SELECT count(*) FROM alerts WHERE rung = 'remind'" 35
redis-cli -p "$JIESU_STACK_REDIS_PORT" FLUSHALL >/dev/null
set_clock 7200 >/dev/null
wait_for "due alerts fire after FLUSHALL" 30 sql_eq "SELECT count(*) FROM alerts WHERE rung = 'supervise'" 35
check_eq "after FLUSHALL: each supervise once" 35 "$(alerts "AND rung = 'supervise'")"

# 4. Two escalation processes, 40 days later: accountability for the 35, and
# all three rungs for 300 new orders, once each: 335 orders x 3 rungs.
cp "$HARNESS_DIR/escalation.pid" "$esc_dir/first.pid"
JIESU_ESCALATION_ROUTER=ipc://$esc_dir/second.router JIESU_ESCALATION_PUB=ipc://$esc_dir/second.pub \
    "$JIESU_BIN/jiesu-escalation" >>"$esc_dir/second.log" 2>&1 &
second=$!
wait_for "second escalation ready" 20 grep -q ready "$esc_dir/second.log"
orders 300 TWO 14days 2hours
set_clock 3456000 >/dev/null
wait_for "every rung of every order fired" 60 sql_eq "SELECT count(*) FROM alerts WHERE deadline_id IS NOT NULL" 1005
check_eq "two processes: remind + supervise + accountability once per order (335 orders)" 1005 "$(alerts)"
check_eq "no order, rung and cycle alerted twice" 0 \
    "$(sql "SELECT count(*) FROM (SELECT complaint_id, rung, cycle, subject FROM alerts GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d")"
check_eq "one alert event per ladder alert" 1005 "$(sql "SELECT count(*) FROM complaint_events WHERE event = 'alert'")"
check_eq "中韩街道 missed most of its deadlines this week: one unit_overdue alert" 1 \
    "$(sql "SELECT count(*) FROM alerts a JOIN units u ON u.id = a.unit_id WHERE a.rung = 'unit_overdue' AND u.code = '370212001'")"
total=$(sql "SELECT count(*) FROM alerts")
check_eq "accountability goes to discipline inspection" 335 \
    "$(sql "SELECT count(*) FROM alerts a JOIN units u ON u.id = a.target_unit_id WHERE a.rung = 'accountability' AND u.kind = 'discipline'")"
check_eq "never early by the escalation clock" 0 "$(alerts "AND clock_at < due_at")"
check "both processes fired alerts" test "$(grep -c 'alert [0-9]* ' "$esc_dir/second.log")" -gt 0
kill -TERM "$second"; wait "$second"
check_eq "second escalation stopped cleanly" 0 "$?"

# 5. Webhooks: each alert delivered once after two failures; the dead one failed.
wait_for "deliveries settle" 60 sql_eq "SELECT count(*) FROM deliveries WHERE state = 'pending'" 0
check_eq "every alert has one delivery" "$total" "$(sql "SELECT count(*) FROM deliveries")"
# (a process killed mid-POST posts again: attempts in the table can be one short of the receiver's count)
check_eq "every delivery delivered" "$total" "$(sql "SELECT count(*) FROM deliveries WHERE state = 'delivered' AND attempts >= 2")"
check_eq "each alert answered 500 twice before its 200" "$total" \
    "$(grep ' 500$' "$esc_dir/requests" | cut -d' ' -f1 | sort | uniq -c | awk '$1 == 2' | wc -l)"
check_eq "the receiver accepted each alert once" "$total" "$(cut -d' ' -f1 <(grep ' 200$' "$esc_dir/requests") | sort -u | wc -l)"
check "no caller's phone or name in clear" bash -c "! grep -q -e 13900001111 -e 李四 '$esc_dir/delivered.jsonl'"
check "the caller masked in the payload" grep -qE '"caller": "李\*+ 139\*{4}1111"' "$esc_dir/delivered.jsonl"
orders 1 DEAD 14days -1hour 370212002
wait_for "the dead webhook gives up" 30 sql_eq "SELECT count(*) FROM deliveries WHERE state = 'failed'" 1
check_eq "a delivery that keeps failing stays, as failed" 1 \
    "$(sql "SELECT count(*) FROM deliveries WHERE state = 'failed' AND attempts = 3 AND url LIKE '%/dead'")"

# 6. The CLI.
jiesu alerts --all --rung accountability --limit 1000 >"$esc_dir/alerts.out" 2>&1
check_eq "jiesu alerts lists the accountability alerts (335 + the dead one's)" 336 "$(grep -c ' accountability ' "$esc_dir/alerts.out")"
first=$(sql "SELECT min(id) FROM alerts")
jiesu ack "$first" --by 督查专班 >/dev/null 2>&1
check "jiesu ack acknowledges" test "$(sql "SELECT acked_by FROM alerts WHERE id = $first")" = 督查专班
jiesu ack "$first" >/dev/null 2>&1
check "a second ack is refused" test $? -eq 1
check "acknowledged alerts leave the open list" bash -c "! '$JIESU_BIN/jiesu' alerts --limit 2000 | grep -q '^ *$first '"

harness_services_stop
kill "$hook_pid" 2>/dev/null; wait "$hook_pid" 2>/dev/null
