#!/usr/bin/env bash
# bench_import.sh — import speed, as a ratio against a reference measured in
# the same run on the same machine.
#
#  jiesu import of a generated 1M-row export (through the routing
#            stream being filled) vs plain `psql \copy` of the same file into a
#            table of text columns.
#
#   tests/bench/bench_import.sh BUILD_DIR [ROWS]
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:?usage: tests/bench/bench_import.sh BUILD_DIR [ROWS]}" && pwd)
ROWS=${2:-${BENCH_ROWS:-1000000}}
DIR=$REPO/var/bench/import
BIN=$BUILD/bin

cleanup() {
    [ -n "${intake_pid:-}" ] && kill "$intake_pid" 2>/dev/null && wait "$intake_pid" 2>/dev/null
    "$REPO/scripts/stack.sh" stop "$DIR/stack" >/dev/null 2>&1 || true
}
trap cleanup EXIT
rm -rf "$DIR"; mkdir -p "$DIR"
"$REPO/scripts/stack.sh" start "$DIR/stack" 26379 25432 >/dev/null
export JIESU_REDIS_ADDR=127.0.0.1:26379
export JIESU_PG_CONNINFO="host=127.0.0.1 port=25432 dbname=jiesu user=jiesu"
export JIESU_INTAKE_ROUTER=ipc://$DIR/intake.router JIESU_INTAKE_PUB=ipc://$DIR/intake.pub
export JIESU_INTAKE_REJECTS_DIR=$DIR/rejects JIESU_DATA_DIR=$REPO/data JIESU_DB_MIGRATIONS_DIR=$REPO/db/migrations
"$BIN/jiesu" migrate >/dev/null

now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "== import: $ROWS generated rows"
csv=$DIR/complaints.csv
"$BUILD/tools/gen_complaints" "$ROWS" 1 >"$csv"
echo "   file: $(du -h "$csv" | cut -f1)"

psql "$JIESU_PG_CONNINFO" -Xq -c "CREATE TABLE bench_copy (ticket_no text, called_at text, caller_name text,
    caller_phone text, address text, content text, category text, urgency text)"
t0=$(now)
psql "$JIESU_PG_CONNINFO" -Xq -c "\\copy bench_copy FROM '$csv' WITH (FORMAT csv, HEADER true)"
t1=$(now)
copy_s=$(secs "$t0" "$t1")

"$BIN/jiesu-intake" >"$DIR/intake.log" 2>&1 &
intake_pid=$!
for _ in $(seq 100); do grep -q ready "$DIR/intake.log" && break; sleep 0.1; done
t0=$(now)
"$BIN/jiesu" import "$csv" >"$DIR/import.out"
t1=$(now)
import_s=$(secs "$t0" "$t1")
queued=$(redis-cli -p 26379 XLEN jiesu:route)

printf "   psql \\\\copy (reference): %8.2f s  %9.0f rows/s\n" "$copy_s" "$(awk -v n="$ROWS" -v s="$copy_s" 'BEGIN{print n/s}')"
printf "   jiesu import:            %8.2f s  %9.0f rows/s  (%s ids on the routing stream)\n" \
    "$import_s" "$(awk -v n="$ROWS" -v s="$import_s" 'BEGIN{print n/s}')" "$queued"
echo "   import / COPY = $(ratio "$import_s" "$copy_s")   (target <= 2.00)"
