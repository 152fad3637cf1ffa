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
#     PostgreSQL statement that only updates the same number of rows.
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
