#!/usr/bin/env bash
# bench_pipeline.sh — the whole pipeline as a user sees it, as a ratio against
# a reference measured in the same run on the same machine.
#
# From the start of `jiesu import` of a generated export until every order of
# it is routed: dispatched or manual, its deadlines stored, planned (their
# first rung stored) and in the timers zset (armed), its routing event
# written, every stream entry acknowledged. The assignment processes and
# escalation (which plans what routing leaves unplanned, and runs its sweeps)
# run from the start, so routing overlaps the import and the escalation's
# work overlaps both, as in service. Measured with one and with two assignment processes
# on the stream, against `psql \copy` of the same file into a table identical
# to complaints (LIKE complaints INCLUDING ALL). Every round starts from empty
# tables, stream and timers, after a checkpoint; the rounds alternate the
# three runs and the fastest of each counts (the machine is shared).
#
#   tests/bench/bench_pipeline.sh BUILD_DIR [ROWS]
#       from the environment: BENCH_ROWS, BENCH_ROUNDS (2), BENCH_WORKERS (the
#       numbers of assignment processes to measure, "1 2"), and any service
#       setting (JIESU_ASSIGNMENT_BATCH=2000 …)
set -euo pipefail

. "$(dirname "$0")/bench_lib.sh"
ROWS=${2:-${BENCH_ROWS:-1000000}}
ROUNDS=${BENCH_ROUNDS:-2}
WORKERS=${BENCH_WORKERS:-1 2}
bench_stack pipeline 26384 25437
clerk=$(bench_user clerk clerk)
STREAM=jiesu:route TIMERS=jiesu:timers

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { awk -v n="$ROWS" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
min() { tr ' ' '\n' | grep . | sort -n | head -n 1; }
rcli() { redis-cli -p 26384 "$@"; }

echo "== pipeline: $ROWS generated rows, import until every order is routed"
csv=$DIR/complaints.csv
"$BUILD/tools/gen_complaints" "$ROWS" 1 >"$csv"
echo "   file: $(du -h "$csv" | cut -f1)"

bench_service intake
bench_service escalation
ASSIGNMENT_PIDS=()
start_assignments() {
    local k
    rm -f "$DIR"/assignment-*.log
    for k in $(seq "$1"); do
        # each copy binds endpoints of its own
        JIESU_ASSIGNMENT_ROUTER=ipc://$DIR/assignment-$k.router JIESU_ASSIGNMENT_PUB=ipc://$DIR/assignment-$k.pub \
            "$BIN/jiesu-assignment" >"$DIR/assignment-$k.log" 2>&1 &
        ASSIGNMENT_PIDS+=($!)
        bench_track $!
    done
    for k in $(seq "$1"); do
        for _ in $(seq 200); do grep -q ready "$DIR/assignment-$k.log" && break; sleep 0.1; done
        grep -q ready "$DIR/assignment-$k.log" || { echo "bench: assignment $k did not start" >&2; return 1; }
    done
}
stop_assignments() {
    local p
    for p in "${ASSIGNMENT_PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
    ASSIGNMENT_PIDS=()
}
# Empty tables, stream and timers; the tables of the last round are gone.
# Escalation runs on between rounds, and a sweep of its can deadlock with the
# TRUNCATE (PostgreSQL then cancels one of the two): it is tried again, and
# PostgreSQL's words are shown only when the last try fails too.
fresh() {
    local try why="$DIR/fresh.err"
    stop_assignments
    for try in 1 2 3 4 5; do
        psql "$BENCH_PG" -Xq -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
            -c "DROP TABLE IF EXISTS bench_same" -c "CREATE TABLE bench_same (LIKE complaints INCLUDING ALL)" \
            -c "TRUNCATE complaints, imports, assignments, deadlines, complaint_events CASCADE" -c "CHECKPOINT" \
            2>"$why" && break
        [ "$try" = 5 ] && { cat "$why" >&2; echo "bench: tables not emptied" >&2; return 1; }
    done
    rcli DEL "$STREAM" "$TIMERS" >/dev/null
}
copy_file() {
    local t0 t1
    t0=$(now)
    psql "$BENCH_PG" -Xq -c "\\copy bench_same (ticket_no, called_at, caller_name, caller_phone, address, content,
        category_raw, urgency) FROM '$csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (address))"
    t1=$(now)
    secs "$t0" "$t1"
}
# One field of XINFO STREAM / XINFO GROUPS (the first group).
stream_field() { rcli XINFO STREAM "$STREAM" | awk -v f="$1" '$0 == f { getline; print; exit }'; }
group_field() { rcli XINFO GROUPS "$STREAM" | awk -v f="$1" '$0 == f { getline; print; exit }'; }
# Every entry put on the stream (by the import, and by routing for conduct
# parts) delivered and acknowledged: acked only after the commit, the timers
# and the events.
stream_done() {
    [ "$(group_field pending)" = 0 ] && [ "$(group_field last-delivered-id)" = "$(stream_field last-generated-id)" ]
}
routed() {
    [ "$(sql "SELECT count(*) FROM complaints WHERE status IN ('new', 'returned')")" = 0 ] &&
        [ "$(sql "SELECT count(*) FROM deadlines WHERE rung_next IS NULL")" = 0 ]
}
# Seconds from the import's start until every order is routed, with the
# assignment processes already running (started outside, in this shell).
pipeline() {
    local t0 t1 pid
    psql "$BENCH_PG" -Xq -c "CHECKPOINT"
    t0=$(now)
    "$BIN/jiesu" -k "$clerk" import "$csv" >"$DIR/import.out" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    wait "$pid" || { echo "bench: import failed (see $DIR/import.out)" >&2; return 1; }
    until stream_done && routed; do sleep 0.1; done
    t1=$(now)
    check_routed || return 1
    secs "$t0" "$t1"
}
# What "routed" promises, checked after every timed run (outside the time).
check_routed() {
    local all dispatched deadlines timers events
    all=$(sql "SELECT count(*) FROM complaints")
    dispatched=$(sql "SELECT count(*) FROM complaints WHERE status = 'dispatched'")
    deadlines=$(sql "SELECT count(*) FROM deadlines")
    events=$(sql "SELECT count(*) FROM complaint_events WHERE event IN ('routed', 'manual')")
    timers=$(rcli ZCARD "$TIMERS")
    if [ "$all" -lt "$ROWS" ] || [ "$events" != "$all" ] || [ "$deadlines" != $((2 * dispatched)) ] ||
       [ "$timers" != "$deadlines" ]; then
        echo "bench: not everything routed: $all orders, $events routing events, $dispatched dispatched," \
             "$deadlines deadlines, $timers timers" >&2
        return 1
    fi
}
# Where the assignment processes' batches spent their time (from their logs).
batch_profile() {
    cat "$DIR"/assignment-*.log | grep -o 'entries=.*' | awk '
        { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] += kv[2] } n++ }
        END { if (n) printf "%d batches, mean %.0f entries: read %.1f, load %.1f, decide %.1f, write %.1f, after %.1f ms\n",
              n, v["entries"] / n, v["read_us"] / n / 1000, v["load_us"] / n / 1000, v["decide_us"] / n / 1000,
              v["write_us"] / n / 1000, v["after_us"] / n / 1000 }'
}

declare -A times=()
copies=()
for round in $(seq "$ROUNDS"); do
    fresh || exit 1
    copies+=("$(copy_file)")
    line="   round $round: COPY ${copies[-1]} s"
    for w in $WORKERS; do
        fresh || exit 1
        start_assignments "$w"
        t=$(pipeline) || exit 1
        times[$w]+="$t "
        echo "   $w assignment process(es): $(batch_profile)"
        line+=", pipeline with $w assignment process(es) $t s"
    done
    echo "$line"
done
stop_assignments
copy_s=$(echo "${copies[*]}" | min)
printf "   psql \\\\copy, table like complaints (reference): %8.2f s  %9s rows/s\n" "$copy_s" "$(rate "$copy_s")"
best_s=
for w in $WORKERS; do
    s=$(echo "${times[$w]}" | min)
    printf "   import → routed, %d assignment process(es):      %8.2f s  %9s orders/s  (%s × COPY)\n" \
        "$w" "$s" "$(rate "$s")" "$(ratio "$s" "$copy_s")"
    best_s=$(printf '%s\n%s\n' "$s" "${best_s:-$s}" | sort -n | head -n 1)
done
echo "pipeline / COPY = $(ratio "$best_s" "$copy_s")"
