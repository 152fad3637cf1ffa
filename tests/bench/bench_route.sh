#!/usr/bin/env bash
# bench_route.sh — routing speed, as ratios against references measured in the
# same run on the same machine.
#
#  1. in memory, one core: route_decide (category + place + units) over a
#     generated export, in CPU seconds, vs a strstr scan of the same texts
#     (tests/tools/bench_route.c); target >= 200,000 complaints/s;
#  2. end to end per batch: a release assignment service routes the same
#     export from the Redis stream into PostgreSQL (read, decide, one
#     set-based write, timers, events, ack); its mean batch time vs one
#     PostgreSQL statement that only updates the same number of rows;
#  3. the database's share of a batch (floor): the rows a batch of 500
#     routed orders stored, written again by plain SQL for 500 fresh copies
#     of those orders, with the schema's indexes, checks and triggers and a
#     commit, no service: the complaints' UPDATE (status, category) alone,
#     then the assignments, deadlines and events alone. What no routing
#     code can beat while it stores these rows on this machine.
#
#   tests/bench/bench_route.sh BUILD_DIR [ROWS]
set -euo pipefail

. "$(dirname "$0")/bench_lib.sh"
ROWS=${2:-${BENCH_ROWS:-100000}}
BATCH=500
bench_stack route 26380 25433
export JIESU_REGIONS_DISTRICTS=370212,370202 JIESU_ASSIGNMENT_BATCH=$BATCH
"$BIN/jiesu" migrate >/dev/null     # again, for the second district

csv=$DIR/complaints.csv
"$BUILD/tools/gen_complaints" "$ROWS" 5 >"$csv"

echo "== route in memory: $ROWS generated complaints, cycled to 1,000,000 decisions"
"$BUILD/tools/bench_route" "$BENCH_PG" "$csv" 1000000

echo "== route end to end: $ROWS complaints from the stream, batches of $BATCH"
"$BIN/jiesu-intake" >"$DIR/intake.log" 2>&1 & bench_track $!
for _ in $(seq 100); do grep -q ready "$DIR/intake.log" && break; sleep 0.1; done
"$BIN/jiesu" -k "$(bench_user clerk clerk)" import "$csv" >"$DIR/import.out"      # no assignment running yet: the stream fills
t0=$(date +%s.%N)
"$BIN/jiesu-assignment" >"$DIR/assignment.log" 2>&1 & bench_track $!
while [ "$(sql "SELECT count(*) FROM complaints WHERE status = 'new'")" != 0 ]; do sleep 0.2; done
t1=$(date +%s.%N)
routed=$(sql "SELECT count(*) FROM complaints")
stats=$(grep -o 'entries=[0-9]* .* ms=[0-9]*' "$DIR/assignment.log" | awk '{split($1,e,"="); split($NF,m,"="); n++; s+=m[2]; r+=e[2]} END {printf "%d %.1f %d", n, s/n, r}')
read -r batches batch_ms batch_rows <<<"$stats"

ids=$(sql "SELECT string_agg(id::text, ',') FROM (SELECT id FROM complaints ORDER BY id LIMIT $BATCH) x")
ref_ms=$(psql "$BENCH_PG" -XtAq -c '\timing on' \
    -c "BEGIN" -c "UPDATE complaints SET updated_at = updated_at WHERE id = ANY('{$ids}'::bigint[])" -c "ROLLBACK" \
    | grep -o 'Time: [0-9.]*' | sed -n 2p | awk '{print $2}')

total_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
printf "   %d orders routed in %s s: %.0f orders/s end to end (%s batches, %s rows)\n" \
    "$routed" "$total_s" "$(awk -v n="$routed" -v s="$total_s" 'BEGIN {print n / s}')" "$batches" "$batch_rows"
printf "   mean batch of %d: %s ms  (read + decide + write + timers + events + ack)\n" "$BATCH" "$batch_ms"
printf "   one UPDATE of %d rows by id (reference): %s ms\n" "$BATCH" "$ref_ms"
echo "   batch / bare UPDATE = $(awk -v a="$batch_ms" -v b="$ref_ms" 'BEGIN {printf "%.2f", a / b}')"

# The floor: fresh copies of a routed batch and the rows to write for them
# (committed, not timed), then routing's writes for the copies as two
# statements and a commit (timed); three rounds in one session (the first
# compiles the checks' functions): the best round.
floor_round() {
    cat <<SQL
\\timing off
BEGIN;
CREATE TEMP TABLE pair AS
WITH src AS (SELECT id FROM complaints ORDER BY id LIMIT $BATCH OFFSET $(($1 * BATCH))),
     made AS (INSERT INTO complaints (ticket_no, called_at, caller_name, caller_phone, address, content,
                                      category_raw, urgency, lon, lat, extra)
              SELECT c.ticket_no || '-F', c.called_at, c.caller_name, c.caller_phone, c.address, c.content,
                     c.category_raw, c.urgency, c.lon, c.lat, c.extra
                FROM complaints c JOIN src USING (id) RETURNING id, ticket_no)
SELECT s.id AS src, m.id AS copy FROM made m JOIN complaints s ON s.ticket_no || '-F' = m.ticket_no;
CREATE TEMP TABLE moved AS
SELECT p.copy, s.status, s.category, s.accused_units FROM pair p JOIN complaints s ON s.id = p.src;
CREATE TEMP TABLE owned AS
SELECT p.copy, a.unit_id, a.role, a.street_code, a.community_code, a.category, a.rule, a.reasons, a.score, a.cycle
  FROM pair p JOIN assignments a ON a.complaint_id = p.src;
CREATE TEMP TABLE due AS
SELECT p.copy, d.kind, d.cycle, d.due_at, d.unit_id, d.rung_next, d.rung_at
  FROM pair p JOIN deadlines d ON d.complaint_id = p.src;
CREATE TEMP TABLE logged AS
SELECT p.copy, e.actor, e.event, e.detail FROM pair p JOIN complaint_events e ON e.complaint_id = p.src
 WHERE e.event IN ('routed', 'manual');
ANALYZE moved; ANALYZE owned; ANALYZE due; ANALYZE logged;
COMMIT;
BEGIN;
\\timing on
UPDATE complaints c SET status = m.status, category = m.category, accused_units = m.accused_units, updated_at = now()
  FROM moved m WHERE c.id = m.copy;
WITH a AS (INSERT INTO assignments (complaint_id, unit_id, role, street_code, community_code, category, rule,
                                    reasons, score, cycle)
           SELECT * FROM owned),
     d AS (INSERT INTO deadlines (complaint_id, kind, cycle, due_at, started_at, unit_id, rung_next, rung_at)
           SELECT copy, kind, cycle, due_at, now(), unit_id, rung_next, rung_at FROM due)
INSERT INTO complaint_events (complaint_id, actor, event, detail) SELECT * FROM logged;
COMMIT;
\\timing off
DROP TABLE pair, moved, owned, due, logged;
SQL
}
floor=$(for r in 0 1 2; do floor_round $r; done | psql "$BENCH_PG" -XtAq -v ON_ERROR_STOP=1 \
    | grep -o 'Time: [0-9.]*' | awk '{t[NR] = $2} END {for (i = 1; i <= NR; i += 3) print t[i], t[i + 1], t[i + 2]}' \
    | awk '{print $1 + $2 + $3, $0}' | sort -n | head -n 1 | cut -d' ' -f2-)
read -r floor_update floor_insert floor_commit <<<"$floor"
floor_ms=$(awk -v a="$floor_update" -v b="$floor_insert" -v c="$floor_commit" 'BEGIN {printf "%.1f", a + b + c}')
rows=$(sql "SELECT (SELECT count(*) FROM assignments a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no LIKE '%-F') / 3
               || ' assignments, ' || (SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
                                        WHERE c.ticket_no LIKE '%-F') / 3 || ' deadlines'")
per_s() { awk -v n="$BATCH" -v ms="$1" 'BEGIN {printf "%.0f", n * 1000 / ms}'; }
printf "   floor: the same batch's rows by plain SQL (%d orders, %s, %d events): %s ms = %s orders/s\n" \
    "$BATCH" "$rows" "$BATCH" "$floor_ms" "$(per_s "$floor_ms")"
printf "     the complaints' UPDATE %s ms; assignments + deadlines + events %s ms; commit %s ms\n" \
    "$floor_update" "$floor_insert" "$floor_commit"
printf "     the same without the complaints' UPDATE: %s orders/s\n" \
    "$(per_s "$(awk -v b="$floor_insert" -v c="$floor_commit" 'BEGIN {print b + c}')")"
echo "   batch / floor = $(awk -v a="$batch_ms" -v b="$floor_ms" 'BEGIN {printf "%.2f", a / b}')"
