#!/usr/bin/env bash
# bench_escalation.sh — escalation throughput and lag, as ratios against
# references measured in the same run on the same machine.
#
#   fire: N open orders whose resolve deadlines are all overdue when
#         jiesu-escalation starts, BENCH_PROCS processes of it (default 2,
#         sharing the work as a deployment of two would; one rung each: the
#         ladder's remind is off);
#         time from the start until the last supervise alert is stored (its
#         created_at, on the database clock), against the same work as
#         set-based statements in one transaction: INSERT the N alerts ...
#         SELECT with each one's audit event (complaint_events, as escalation
#         writes it), UPDATE the N deadlines.
#   lag while firing: once the mass firing is under way, 1,000 new deadlines
#         falling due 5 s later, armed as assignment arms them: alert time -
#         due time, against the 1 s the service promises.
#   lag:  1,000 deadlines falling due 5 s after they are created while the
#         service runs its walk re-arming all N pending deadlines: the same.
#   claim: claiming N due timers from the Redis sorted set (what escalation
#         uses) against a FOR UPDATE SKIP LOCKED poll of a table (the
#         alternative), tests/tools/bench_claim.
#
#   tests/bench/bench_escalation.sh BUILD_DIR [N]      (N default 1,000,000; BENCH_ROWS too)
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
N=${2:-${BENCH_ROWS:-1000000}}
PROCS=${BENCH_PROCS:-2}

bench_stack escalation 26381 25434
export JIESU_LOG_LEVEL=${JIESU_LOG_LEVEL:-warn} JIESU_ESCALATION_PATTERNS_SECONDS=86400

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
wait_sql() {   # wait_sql QUERY VALUE: until the query returns VALUE
    while [ "$(sql "$1")" != "$2" ]; do sleep 0.2; done
}
# wait_alerts N: until N ladder alerts are stored. The sequence first (free),
# then the count (a scan of alerts), so waiting costs the service little.
wait_alerts() {
    while [ "$(sql "SELECT last_value - $seq0 >= $1 FROM alerts_id_seq")" != t ]; do sleep 0.5; done
    wait_sql "SELECT count(*) >= $1 FROM alerts WHERE deadline_id IS NOT NULL" t
}
# lag TICKET_PREFIX: "avg p99 max" ms from due to alert of those orders' alerts
lag() {
    sql "SELECT round(avg(ms)), round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)), round(max(ms))
         FROM (SELECT extract(epoch FROM a.created_at - a.due_at) * 1000 AS ms FROM alerts a
               JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no LIKE '$1%') l" | tr '|' ' '
}
# arm TICKET_PREFIX: puts those orders' deadlines in the timers zset as
# assignment does, a planning request due at the deadline
arm() {
    sql "SELECT d.id || ' ' || ceil(extract(epoch FROM d.due_at) * 1000)::bigint FROM deadlines d
         JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no LIKE '$1%'" |
        awk '{ printf "ZADD jiesu:timers %s %s\n", $2, $1 }' | redis-cli -p 26381 >/dev/null
}

# N open orders owned by 中韩街道 (an active owner assignment each, as
# routing leaves them), resolve deadline started 14 days ago, due `due` from
# now (remind off: one alert per order).
orders() {
    local n=$1 tag=$2 due=$3
    sql "WITH c AS (
           INSERT INTO complaints (ticket_no, called_at, address, content, status)
           SELECT '$tag' || i, now(), '张村社区', '垃圾未清运', 'dispatched' FROM generate_series(1, $n) i RETURNING id
         ), u AS (SELECT id, code FROM units WHERE code = '370212001'
         ), owner AS (
           INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons, score)
           SELECT c.id, u.id, 'owner', u.code, 'community', 'benchmark', 1 FROM c, u)
         INSERT INTO deadlines (complaint_id, kind, unit_id, started_at, due_at)
         SELECT c.id, 'resolve', u.id, now() - interval '14 days', now() + interval '$due'
         FROM c, u" >/dev/null
}
sql "UPDATE esc_ladder SET remind_share = 0" >/dev/null

echo "== escalation: $N overdue orders"
orders "$N" B -1minute
sql "VACUUM ANALYZE" >/dev/null

t0=$(now)
sql "BEGIN;
     WITH a AS (
       INSERT INTO alerts (complaint_id, deadline_id, rung, cycle, subject, unit_id, target, target_unit_id, orders,
                           due_at, clock_at, reason)
       SELECT d.complaint_id, d.id, 'supervise', d.cycle, d.kind, d.unit_id, 'campaign',
              (SELECT id FROM units WHERE kind = 'campaign' LIMIT 1), ARRAY[d.complaint_id], d.due_at, esc_now(),
              '督办：' || CASE d.kind WHEN 'accept' THEN '签收' ELSE '办结' END || '时限 ' || d.due_at || ' 已到期：工单 ' || c.ticket_no
       FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
       RETURNING id, complaint_id, rung, cycle, subject, target, orders, reason)
     INSERT INTO complaint_events (complaint_id, actor, event, detail)
     SELECT complaint_id, 'escalation', 'alert',
            jsonb_build_object('alert_id', id, 'rung', rung, 'cycle', cycle, 'subject', subject, 'target', target,
                               'orders', orders, 'reason', reason)
     FROM a;
     UPDATE deadlines SET rung_next = 'accountability', rung_at = due_at + interval '2 days';
     ROLLBACK" >/dev/null
t1=$(now)
ref_s=$(secs "$t0" "$t1")
seq0=$(sql "SELECT last_value FROM alerts_id_seq")       # the reference's alerts are rolled back, not their ids

start=$(sql "SELECT extract(epoch FROM clock_timestamp())")
"$BIN/jiesu-escalation" >"$DIR/escalation.log" 2>&1 &
esc_pids=($!)
for k in $(seq 2 "$PROCS"); do      # the others on endpoints of their own
    JIESU_ESCALATION_ROUTER=ipc://$DIR/escalation-$k.router JIESU_ESCALATION_PUB=ipc://$DIR/escalation-$k.pub \
        "$BIN/jiesu-escalation" >"$DIR/escalation-$k.log" 2>&1 &
    esc_pids+=($!)
done
for p in "${esc_pids[@]}"; do bench_track "$p"; done
wait_sql "SELECT EXISTS (SELECT 1 FROM alerts)" t
orders 1000 M 5seconds
arm M
due=$(sql "SELECT extract(epoch FROM min(due_at)) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
           WHERE c.ticket_no LIKE 'M%'")
wait_alerts "$((N + 1000))"
last=$(sql "SELECT extract(epoch FROM max(a.created_at)) FROM alerts a JOIN complaints c ON c.id = a.complaint_id
            WHERE c.ticket_no LIKE 'B%'")
all_s=$(secs "$start" "$last")

printf "   set-based alerts + events + UPDATE (reference): %8.2f s  %9s alerts/s\n" "$ref_s" "$(rate "$N" "$ref_s")"
printf "   escalation, start to last alert:                %8.2f s  %9s alerts/s  (planning included; jiesu-escalation processes: %d)\n" \
    "$all_s" "$(rate "$N" "$all_s")" "$PROCS"
echo "   alerted twice: $(sql "SELECT count(*) FROM (SELECT deadline_id FROM alerts WHERE deadline_id IS NOT NULL
                                GROUP BY deadline_id, rung, cycle HAVING count(*) > 1) d") (must be 0)"
echo "   escalation / set-based = $(ratio "$all_s" "$ref_s")"
read -r avg p99 max <<<"$(lag M)"
echo "== lag while firing: 1000 deadlines due $(secs "$start" "$due") s after the start, $(secs "$due" "$last") s before the last of the $N"
echo "   lag avg ${avg} ms, p99 ${p99} ms, max ${max} ms"
echo "   max lag / 1 s bound = $(ratio "$max" 1000)   (target < 1.00)"

# The lag is measured in the worst case for it: the service restarted to
# re-arm every pending deadline every second, so the walk over all N of them
# (awaiting accountability) is always under way while the 1000 fall due.
kill "${esc_pids[@]}"; wait "${esc_pids[@]}" 2>/dev/null || true
JIESU_ESCALATION_RECONCILE_SECONDS=1 "$BIN/jiesu-escalation" >>"$DIR/escalation.log" 2>&1 &
esc_pid=$!
bench_track "$esc_pid"
sleep 2
echo "== lag: 1000 deadlines due 5 s after creation, service running and re-arming $N pending deadlines all along"
orders 1000 L 5seconds
wait_alerts "$((N + 2000))"
read -r avg p99 max <<<"$(lag L)"
early=$(sql "SELECT count(*) FROM alerts WHERE created_at < due_at")
echo "   lag avg ${avg} ms, p99 ${p99} ms, max ${max} ms; fired early: ${early}"
echo "   max lag / 1 s bound = $(ratio "$max" 1000)   (target < 1.00)"

kill "$esc_pid"; wait "$esc_pid" 2>/dev/null || true

echo "== claim: $N due timers, 100 per claim"
"$BUILD/tools/bench_claim" "$JIESU_REDIS_ADDR" "$BENCH_PG" "$N" >"$DIR/claim.out"
r_s=$(awk '/redis_zset/ {print $2}' "$DIR/claim.out"); p_s=$(awk '/skip_locked/ {print $2}' "$DIR/claim.out")
printf "   FOR UPDATE SKIP LOCKED poll (reference): %8.2f s  %9s claims/s\n" "$p_s" "$(rate "$N" "$p_s")"
printf "   Redis sorted set (escalation):           %8.2f s  %9s claims/s\n" "$r_s" "$(rate "$N" "$r_s")"
echo "   zset / SKIP LOCKED time = $(ratio "$r_s" "$p_s")"
