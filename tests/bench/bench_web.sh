#!/usr/bin/env bash
# bench_web.sh — the workbench's "my orders" page for a street office holding
# 5,000 open orders (among 20,000 of four streets), as served to one client
# over one kept-alive connection, against a reference measured in the same
# run on the same data:
#   ref  pgbench, one connection: the bare SELECT of the rows that page shows
#        (the unit's open orders with their earliest unmet deadline, ordered by
#        it, first 50 rows) — the least any such page must ask PostgreSQL
# Timed: GET /work with the handler's bearer token (sign-in check, the list
# query with its count, the categories of the filter, the unit's open
# alerts, working time left from the calendar for each row, the HTML).
# Printed: pages per second, p50 and p99 latency, each as a ratio to the
# reference's.
#
#   tests/bench/bench_web.sh BUILD_DIR [REQUESTS]      (default 500, or $BENCH_REQUESTS)
set -euo pipefail

. "$(dirname "$0")/bench_lib.sh"
N=${2:-${BENCH_REQUESTS:-500}}
export JIESU_KEYS_DIR=$REPO/var/bench/web.keys JIESU_CLI_KEY_FILE=$REPO/var/bench/web.keys/admin.key
rm -rf "$JIESU_KEYS_DIR"; mkdir -p "$JIESU_KEYS_DIR"
"$BIN/jiesu" keys >/dev/null
bench_stack web 26383 25436 STACK_FAST=1
PORT=27133

echo "== web: 4 streets x 5,000 open orders; 中韩街道 (370212001) the one measured"
psql "$JIESU_PG_CONNINFO" -XqAt -v ON_ERROR_STOP=1 <<'SQL'
SET synchronous_commit = off;
WITH c AS (
  INSERT INTO complaints (ticket_no, called_at, address, content, status, category)
  SELECT 'BW' || lpad(g::text, 6, '0'), now() - (g % 500) * interval '1 hour', '崂山区某路' || g || '号',
         '垃圾未清运 ' || g, CASE WHEN g % 3 = 0 THEN 'dispatched' ELSE 'accepted' END, 'env.garbage'
  FROM generate_series(1, 20000) g RETURNING id, ticket_no),
a AS (
  INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons, score)
  SELECT c.id, u.id, 'owner', u.code, 'street', 'bench', 1
  FROM c JOIN units u ON u.code = '37021200' || (1 + substr(c.ticket_no, 3)::int % 4))
INSERT INTO deadlines (complaint_id, kind, cycle, started_at, due_at, unit_id)
SELECT c.id, k, 1, now() - interval '1 day',
       now() + ((substr(c.ticket_no, 3)::int % 997) - 200) * interval '7 minutes', NULL
FROM c CROSS JOIN (VALUES ('resolve')) AS v(k);
INSERT INTO principals (name, display_name, role, unit_id, token_hash, created_by)
SELECT 'bench-zhong', '中韩街道 基准', 'handler', id, encode(sha256('jsk_bench_token'::bytea), 'hex'), 'bench'
FROM units WHERE code = '370212001';
SQL
psql "$BENCH_PG" -XqAt -c "ANALYZE complaints, assignments, deadlines, principals"     # as admin: the service role may not
echo "   open orders of 中韩街道: $(sql "SELECT count(*) FROM assignments a JOIN complaints c ON c.id = a.complaint_id JOIN units u ON u.id = a.unit_id WHERE u.code = '370212001' AND a.active")"

JIESU_REPORT_HTTP_ADDR=127.0.0.1:$PORT "$BIN/jiesu-reporting" >"$DIR/reporting.log" 2>&1 &
bench_track $!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/requests.json?limit=1" && break; sleep 0.2; done

# Latencies in ms, one a line, of N GETs of /work on one connection.
pages() {
    local cfg=$DIR/pages.curl
    : >"$cfg"
    for _ in $(seq "$1"); do printf 'url = "http://127.0.0.1:%s/work"\noutput = "/dev/null"\n' "$PORT" >>"$cfg"; done
    curl -s -H 'Authorization: Bearer jsk_bench_token' -w '%{http_code} %{time_total}\n' -K "$cfg" >"$DIR/pages.out"
    awk '$1 != 200 { bad++ } END { if (bad) { print bad " pages were not 200" > "/dev/stderr"; exit 1 } }' "$DIR/pages.out"
    awk '{ print $2 * 1000 }' "$DIR/pages.out"
}
# Latencies in ms of N runs of the bare SELECT (pgbench, one connection).
selects() {
    cat >"$DIR/ref.sql" <<'REF'
SELECT c.ticket_no, c.status, c.category, a.street_code, d.due_at
  FROM assignments a JOIN complaints c ON c.id = a.complaint_id
  LEFT JOIN LATERAL (SELECT dl.due_at FROM deadlines dl WHERE dl.complaint_id = c.id AND dl.cycle = c.cycle
                      AND dl.met_at IS NULL ORDER BY dl.due_at LIMIT 1) d ON true
 WHERE a.unit_id = (SELECT id FROM units WHERE code = '370212001') AND a.active
   AND c.status IN ('dispatched', 'accepted', 'waiting')
 ORDER BY d.due_at NULLS LAST, c.id LIMIT 50;
REF
    rm -f "$DIR"/pgb.*
    (cd "$DIR" && pgbench "$JIESU_PG_CONNINFO" -n -c 1 -t "$1" -f ref.sql -l --log-prefix=pgb >/dev/null 2>&1)
    awk '{ print $3 / 1000 }' "$DIR"/pgb.*
}
pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; printf "%.2f", v[i] }'; }
rate() { awk '{ s += $1 } END { printf "%.0f", NR / (s / 1000) }'; }

pages 20 >/dev/null                 # warm caches and the connection pool
pages "$N" >"$DIR/pages.ms"
selects "$N" >"$DIR/selects.ms"
p50=$(pct 50 <"$DIR/pages.ms"); p99=$(pct 99 <"$DIR/pages.ms")
r50=$(pct 50 <"$DIR/selects.ms"); r99=$(pct 99 <"$DIR/selects.ms")
pps=$(rate <"$DIR/pages.ms"); rps=$(rate <"$DIR/selects.ms")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
printf '   %-44s %8s/s  p50 %7s ms  p99 %7s ms\n' "GET /work (page of 50, $N requests)" "$pps" "$p50" "$p99"
printf '   %-44s %8s/s  p50 %7s ms  p99 %7s ms\n' "ref: bare SELECT of those rows (pgbench)" "$rps" "$r50" "$r99"
echo "   ratio: pages/s $(ratio "$pps" "$rps") of the SELECTs/s; p50 $(ratio "$p50" "$r50")x, p99 $(ratio "$p99" "$r99")x the SELECT's"
