#!/usr/bin/env bash
# bench_report.sh — the reports over a year of generated orders (10M by
# default), quiet and with a load generator running beside them, as ratios
# against references measured in the same run on the same data:
#   ref A  SELECT status, count(*) FROM complaints GROUP BY status  (one pass over the table)
#   ref B  the week's orders counted per owner unit (the least any weekly report must read)
# Timed, each the best of 3 runs with warm caches:
#   bulletin   `jiesu bulletin --week W --out DIR` end to end (process start, the
#              week's and the week before's metrics, hot spots, overdue orders,
#              writing CSV, XLSX and HTML); target < 1 s
#   daily      `jiesu daily --date D` for a day of that week; target < 1 s
#   dashboard  GET /?week=W from reporting's HTTP service with a bearer token
#              (the week's bulletin and the trend of report.trend_weeks weeks); target < 300 ms
#   board      the wall board (/api/board) as the dispatcher reads it: every
#              one of the generated year's open orders is overdue
# The metrics' per-day counts (report_days, migration 020) are built by
# reporting after the data is generated (the time is printed) and kept by it
# while the load runs. The load: pgbench inserting complaints with their
# `imported` event as fast as 2 clients can (what an import writes, row by
# row), from before the loaded measurements until after them; the
# references are measured under the same load.
#
#   tests/bench/bench_report.sh BUILD_DIR [ORDERS]      (default 10000000, or $BENCH_ORDERS)
set -euo pipefail

. "$(dirname "$0")/bench_lib.sh"
N=${2:-${BENCH_ORDERS:-10000000}}
WEEK=2026-W47
export JIESU_REGIONS_DISTRICTS=370212
bench_stack report 26382 25435 STACK_FAST=1
export JIESU_REGIONS_DISTRICTS=880200

now() { date +%s.%N; }
psqlq() { psql "$BENCH_PG" -XqAt -v ON_ERROR_STOP=1 "$@"; }

echo "== report: generating $N orders over 52 weeks (2025-11-24 .. 2026-11-22), 20 streets, 5 departments"
t0=$(now)
psqlq -v n="$N" <<'SQL'
SET synchronous_commit = off;
SET session_replication_role = replica;     -- generated rows are consistent: skip the per-row FK checks
INSERT INTO regions (code, name, short_name, level) VALUES ('880200', '基准区', '基准', 'district');
INSERT INTO regions (code, name, short_name, level, parent_code)
SELECT '880200' || lpad(g::text, 3, '0'), '基准' || g || '街道', '基准' || g, 'street', '880200' FROM generate_series(1, 20) g;
INSERT INTO units (code, name, kind, region_code)
SELECT code, name, 'street', code FROM regions WHERE parent_code = '880200' ORDER BY code;
INSERT INTO units (code, name, kind, region_code)
SELECT '880200-D' || g, '基准区部门' || g, 'dept', '880200' FROM generate_series(1, 5) g;
CREATE TEMP TABLE st AS SELECT array_agg(id ORDER BY code) AS s FROM units WHERE kind = 'street' AND code LIKE '880200%';
CREATE TEMP TABLE dp AS SELECT array_agg(id ORDER BY code) AS d FROM units WHERE kind = 'dept' AND code LIKE '880200%';

-- One order every 364 days / n; 70% closed, 20% accepted, 10% dispatched; every 50th a merged repeat.
INSERT INTO complaints (ticket_no, called_at, caller_name, caller_phone, address, content, status, category, parent_id)
SELECT 'B' || g, timestamptz '2025-11-24 00:00+08' + (g - 1) * (interval '364 days' / :n),
       '王五', '13900000000', '基准路' || (g % 997) || '号', '基准工单',
       CASE WHEN g % 10 < 7 THEN 'closed' WHEN g % 10 < 9 THEN 'accepted' ELSE 'dispatched' END,
       (ARRAY['garbage', 'noise', 'road', 'market', 'water', 'parking', 'light', 'tree'])[1 + (g * 7) % 8],
       CASE WHEN g % 50 = 0 THEN g - 1 END
FROM generate_series(1, :n) g;

INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons, created_at)
SELECT c.id, st.s[1 + c.id % 20], 'owner', '880200' || lpad((1 + c.id % 20)::text, 3, '0'), 'bench', 'bench',
       c.called_at + interval '10 min'
FROM complaints c, st WHERE c.parent_id IS NULL;
INSERT INTO assignments (complaint_id, unit_id, role, rule, reasons, created_at)
SELECT c.id, dp.d[1 + c.id % 5], 'co', 'bench', 'bench', c.called_at + interval '10 min'
FROM complaints c, dp WHERE c.id % 10 = 3;

-- Accept within 2 h (80% on time, 15% late, 5% never); resolve within 3 days (85% on time).
INSERT INTO deadlines (complaint_id, kind, cycle, started_at, due_at, met_at, unit_id)
SELECT c.id, 'accept', 1, c.called_at + interval '10 min', c.called_at + interval '130 min',
       CASE WHEN c.id % 20 < 16 THEN c.called_at + interval '40 min'
            WHEN c.id % 20 < 19 THEN c.called_at + interval '4 hours' END,
       st.s[1 + c.id % 20]
FROM complaints c, st WHERE c.parent_id IS NULL;
INSERT INTO deadlines (complaint_id, kind, cycle, started_at, due_at, met_at, unit_id)
SELECT c.id, 'resolve', 1, c.called_at + interval '10 min', c.called_at + interval '3 days 10 min',
       CASE WHEN c.status = 'closed' AND c.id % 20 < 17 THEN c.called_at + interval '2 days'
            WHEN c.status = 'closed' THEN c.called_at + interval '4 days' END,
       st.s[1 + c.id % 20]
FROM complaints c, st WHERE c.parent_id IS NULL;

INSERT INTO complaint_events (complaint_id, at, actor, event, detail)
SELECT id, called_at + interval '2 days 2 hours', 'bench', 'callback',
       jsonb_build_object('satisfied', id % 7 <> 0)
FROM complaints WHERE status = 'closed' AND parent_id IS NULL;
INSERT INTO complaint_events (complaint_id, at, actor, event, detail)
SELECT id, called_at + interval '1 hour', 'bench', 'returned', '{}'
FROM complaints WHERE id % 40 = 7;
INSERT INTO alerts (complaint_id, rung, cycle, target, reason, created_at)
SELECT id, 'remind', 1, 'bench', 'bench', called_at + interval '3 days 1 hour'
FROM complaints WHERE id % 20 = 19 AND parent_id IS NULL;
VACUUM ANALYZE;
SQL
t1=$(now)
gen_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
echo "   generated in ${gen_s} s: $(psqlq -c "SELECT count(*) FROM complaints") orders," \
     "$(psqlq -c "SELECT count(*) FROM deadlines") deadlines, $(psqlq -c "SELECT count(*) FROM complaint_events") events"

# best_of3 CMD...: the shortest wall time of three runs, in seconds.
best_of3() {
    local best="" t0 t1 s
    for _ in 1 2 3; do
        t0=$(now); "$@" >/dev/null; t1=$(now)
        s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        best=$(awk -v a="$best" -v b="$s" 'BEGIN { print (a == "" || b < a) ? b : a }')
    done
    echo "$best"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export JIESU_REPORT_HTTP_ADDR=127.0.0.1:$port
token=jsk_bench_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
psqlq -c "INSERT INTO principals (name, display_name, role, token_hash, created_by)
          VALUES ('bench-dispatcher', '调度 基准', 'dispatcher', encode(sha256('$token'), 'hex'), 'bench')" >/dev/null
t0=$(now)
bench_service reporting
for _ in $(seq 3600); do
    [ "$(psqlq -c "SELECT count(*) FROM report_days_state")" = 1 ] && break
    sleep 1
done
t1=$(now)
echo "   reporting stored the per-day counts of $(psqlq -c "SELECT count(DISTINCT day) FROM report_days") days" \
     "($(psqlq -c "SELECT count(*) FROM report_days") rows) in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') s"
dashboard() { curl -sf -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/?week=$WEEK"; }
board() { curl -s -o "$DIR/board.json" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/board"; }
ref_a_sql="SELECT status, count(*) FROM complaints GROUP BY status"
ref_b_sql="SELECT a.unit_id, count(*) FROM complaints c
    JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'owner'
    WHERE c.called_at >= timestamptz '2026-11-16 00:00+08' AND c.called_at < timestamptz '2026-11-23 00:00+08'
    GROUP BY 1"
week_orders=$(psqlq -c "SELECT count(*) FROM complaints WHERE called_at >= timestamptz '2026-11-16 00:00+08'
    AND called_at < timestamptz '2026-11-23 00:00+08'")

# measure LABEL: every figure once, with its ratios.
measure() {
    local a b bulletin daily dash board_s
    a=$(best_of3 psqlq -c "$ref_a_sql")
    b=$(best_of3 psqlq -c "$ref_b_sql")
    bulletin=$(best_of3 "$BIN/jiesu" bulletin --week "$WEEK" --out "$DIR/out")
    daily=$(best_of3 "$BIN/jiesu" daily --date 2026-11-20)
    dash=$(best_of3 dashboard)
    board_s=$(best_of3 board)
    echo "   -- $1 (load average $(cut -d' ' -f1 /proc/loadavg))"
    printf "   ref A  GROUP BY status over all %s orders:      %7.3f s\n" "$N" "$a"
    printf "   ref B  the week's %s orders per owner unit:     %7.3f s\n" "$week_orders" "$b"
    printf "   bulletin  jiesu bulletin --week %s:          %7.3f s   / ref A = %s   / ref B = %s   (target < 1 s)\n" \
        "$WEEK" "$bulletin" "$(ratio "$bulletin" "$a")" "$(ratio "$bulletin" "$b")"
    printf "   daily     jiesu daily --date 2026-11-20:           %7.3f s   / ref A = %s   / ref B = %s   (target < 1 s)\n" \
        "$daily" "$(ratio "$daily" "$a")" "$(ratio "$daily" "$b")"
    printf "   dashboard GET /?week=%s (bearer token):       %7.3f s   / ref A = %s   / ref B = %s   (target < 0.3 s)\n" \
        "$WEEK" "$dash" "$(ratio "$dash" "$a")" "$(ratio "$dash" "$b")"
    printf "   board     /api/board (%s):  %7.3f s   / ref A = %s\n" \
        "$(jq -r 'if .error then .error else "\(.overdue_total) overdue orders" end' "$DIR/board.json")" "$board_s" \
        "$(ratio "$board_s" "$a")"
}

measure quiet
cat >"$DIR/load.sql" <<'SQL'
INSERT INTO complaints (ticket_no, called_at, caller_name, caller_phone, address, content, category)
VALUES ('L' || gen_random_uuid(), now(), '赵六', '13700000000', '负载路1号', '负载工单', 'noise') RETURNING id AS cid \gset
INSERT INTO complaint_events (complaint_id, actor, event) VALUES (:cid, 'bench', 'imported');
SQL
pgbench -n -c 2 -T 3600 -f "$DIR/load.sql" "$BENCH_PG" >"$DIR/load.log" 2>&1 &
load_pid=$!
bench_track "$load_pid"
l0=$(psqlq -c "SELECT count(*) FROM complaints WHERE ticket_no LIKE 'L%'"); t0=$(now)
measure "under load"
l1=$(psqlq -c "SELECT count(*) FROM complaints WHERE ticket_no LIKE 'L%'"); t1=$(now)
kill "$load_pid" 2>/dev/null || true
echo "   the load wrote $(awk -v a="$l0" -v b="$l1" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.0f", (b - a) / (e - s) }') complaints/s meanwhile"
check=$(head -3 "$DIR/out/bulletin-$WEEK-ranking.csv" | tail -2 | cut -d, -f1-6 | tr '\n' ' ')
echo "   first rows of the ranking: $check"
