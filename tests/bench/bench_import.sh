#!/usr/bin/env bash
# bench_import.sh — import speed, as a ratio against a reference measured in
# the same run on the same machine.
#
# jiesu import of a generated 1M-row export (through the routing stream being
# filled) vs plain `psql \copy` of the same file into a table identical to
# complaints (LIKE complaints INCLUDING ALL: same types, defaults, checks and
# indexes). A second reference, \copy into a table of text columns without
# indexes, shows the cost of the table itself. The intake process's resident
# memory is sampled during the import: it must not grow with the file.
#
#   tests/bench/bench_import.sh BUILD_DIR [ROWS]   (BENCH_ROWS, BENCH_ROUNDS=3 from the environment)
set -euo pipefail

. "$(dirname "$0")/bench_lib.sh"
ROWS=${2:-${BENCH_ROWS:-1000000}}
ROUNDS=${BENCH_ROUNDS:-3}
bench_stack import 26379 25432
clerk=$(bench_user clerk clerk)

now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "== import: $ROWS generated rows"
csv=$DIR/complaints.csv
"$BUILD/tools/gen_complaints" "$ROWS" 1 >"$csv"
echo "   file: $(du -h "$csv" | cut -f1)"

copy_into() {
    local t0 t1
    t0=$(now)
    psql "$BENCH_PG" -Xq -c "\\copy $1 FROM '$csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (address))"
    t1=$(now)
    secs "$t0" "$t1"
}
# Fresh, empty tables for every round, so each measure starts alike.
fresh_tables() {
    psql "$BENCH_PG" -Xq -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS bench_text, bench_same" \
        -c "CREATE TABLE bench_text (ticket_no text, called_at text, caller_name text, caller_phone text,
            address text, content text, category text, urgency text)" \
        -c "CREATE TABLE bench_same (LIKE complaints INCLUDING ALL)" \
        -c "TRUNCATE complaints, imports CASCADE" -c "CHECKPOINT"
    redis-cli -p 26379 XTRIM jiesu:route MAXLEN 0 >/dev/null
}
# Each timed run starts after a checkpoint, so none pays for the WAL of the one before.
checkpoint() { psql "$BENCH_PG" -Xq -c "CHECKPOINT"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$intake_pid/status"; }
import_file() {
    local t0 t1 pid
    t0=$(now)
    "$BIN/jiesu" -k "$clerk" import "$csv" >"$DIR/import.out" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do rss_kb >>"$DIR/rss.kb"; sleep 0.2; done
    wait "$pid"
    t1=$(now)
    secs "$t0" "$t1"
}
min() { tr ' ' '\n' | sort -n | head -n 1; }

"$BIN/jiesu-intake" >"$DIR/intake.log" 2>&1 &
intake_pid=$!
bench_track "$intake_pid"
for _ in $(seq 100); do grep -q ready "$DIR/intake.log" && break; sleep 0.1; done
rss_start=$(rss_kb)

# The machine is shared: the three runs alternate, ROUNDS times, and the
# fastest of each counts (the one least disturbed by other work).
texts=() sames=() imports=()
for round in $(seq "$ROUNDS"); do
    fresh_tables
    texts+=("$(copy_into bench_text)")
    checkpoint
    sames+=("$(copy_into "bench_same (ticket_no, called_at, caller_name, caller_phone, address, content, category_raw, urgency)")")
    checkpoint
    : >"$DIR/rss.kb"
    imports+=("$(import_file)")
    echo "   round $round: COPY like complaints ${sames[-1]} s, COPY text ${texts[-1]} s, import ${imports[-1]} s" \
         "(import / COPY like complaints = $(ratio "${imports[-1]}" "${sames[-1]}"))"
done
text_s=$(echo "${texts[*]}" | min)
copy_s=$(echo "${sames[*]}" | min)
import_s=$(echo "${imports[*]}" | min)
queued=$(redis-cli -p 26379 XLEN jiesu:route)
rss_half=$(awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }' "$DIR/rss.kb")
rss_peak=$(sort -n "$DIR/rss.kb" | tail -n 1)
intake_cpu=$(awk -v r="$ROUNDS" '{ printf "%.2f", ($14 + $15) / 100 / r }' "/proc/$intake_pid/stat")

rate() { awk -v n="$ROWS" -v s="$1" 'BEGIN { print n / s }'; }
printf "   psql \\\\copy, table like complaints (reference): %8.2f s  %9.0f rows/s\n" "$copy_s" "$(rate "$copy_s")"
printf "   psql \\\\copy, text columns, no index:             %8.2f s  %9.0f rows/s\n" "$text_s" "$(rate "$text_s")"
printf "   jiesu import:                                 %8.2f s  %9.0f rows/s  (%s ids on the routing stream)\n" \
    "$import_s" "$(rate "$import_s")" "$queued"
echo "   import / COPY like complaints = $(ratio "$import_s" "$copy_s")   (fastest runs; target <= 2.00)"
echo "   import / COPY text columns    = $(ratio "$import_s" "$text_s")"
echo "   intake CPU time per import: ${intake_cpu} s (user + system)"
echo "   intake RSS in the last round: $((rss_start / 1024)) MB idle, $((rss_half / 1024)) MB half-way," \
     "$((rss_peak / 1024)) MB peak (file $(($(stat -c %s "$csv") / 1048576)) MB)"
