#!/usr/bin/env bash
# bench_open311.sh — Open311 POST /requests.json under open-loop load (the
# rate held whatever the answers do, tests/tools/open311_load), as a caller's
# app experiences it, against a reference measured in the same run at the
# same rate:
#   ref  pgbench -R RATE: a bare INSERT of a comparable row (the same columns
#        and indexes: a table LIKE complaints INCLUDING ALL), 8 connections;
#        latency from the moment each insert was due (pgbench's schedule)
# Timed, at each rate for BENCH_SECONDS (60) each:
#   round trip        from the moment the POST was due to the whole answer:
#                     the clerk's api_key checked (as by default: a clerk's
#                     API token, each POST), the form validated, the complaint
#                     and its event stored, the routing stream told
#   POST → dispatched from the moment the POST was due to the commit of the
#                     routing transaction that dispatched it: the commit
#                     timestamp (track_commit_timestamp) of its 'routed' event
# Beside it the whole time: jiesu-assignment routing, and jiesu-escalation
# with its pattern sweeps every 5 s (escalation.patterns_seconds); before each
# timed part 3,000 fresh groups of 3 repeat orders (plus 60,000 others within
# the week the repeat query reads) for the repeat sweep to merge while it
# runs, and one POST in 10 at one of 20 shared addresses.
# Printed: p50, p99 and max of each, and each p50/p99 as a ratio to the
# reference's; then the CPU the servers spent per request (ms of one core,
# the bare INSERT's against the POST's, with where the POST's went: each
# service and its PostgreSQL sessions, Redis) and how busy the POSTs kept the
# machine's cores — what the tails at a rate are made of.
#
#   tests/bench/bench_open311.sh BUILD_DIR [SECONDS]   (default 60, or $BENCH_SECONDS;
#                                                      rates $BENCH_RATES, default "200 1000")
set -euo pipefail

. "$(dirname "$0")/bench_lib.sh"
SECS=${2:-${BENCH_SECONDS:-60}}
RATES=${BENCH_RATES:-200 1000}
PORT=27147
TOKEN=jsk_bench_open311_clerk
bench_stack open311 26397 25451 STACK_PG_OPTS="-c track_commit_timestamp=on"
export JIESU_ESCALATION_PATTERNS_SECONDS=5 JIESU_INTAKE_HTTP_ADDR=127.0.0.1:$PORT

pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; printf "%.1f", v[i] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# 60,000 orders of the past week at addresses of their own and 3,000 groups
# of 3 unmerged repeat orders, tagged $1, each with the 'routed' event
# routing would have written (the repeat sweep looks for those).
background() {
    sql "WITH c AS (
           INSERT INTO complaints (ticket_no, called_at, address, content, status, category)
           SELECT '$1' || g, now() - (g % 600) * interval '15 minutes',
                  CASE WHEN g <= 9000 THEN '崂山区中韩街道$1重复' || (g % 3000) || '号' ELSE '崂山区某路$1' || g || '号' END,
                  '垃圾未清运', 'dispatched', 'env.garbage'
           FROM generate_series(1, 69000) g RETURNING id)
         INSERT INTO complaint_events (complaint_id, actor, event) SELECT id, 'assignment', 'routed' FROM c" >/dev/null
    sql "ANALYZE complaints" >/dev/null
}

sql "INSERT INTO principals (name, display_name, role, token_hash, rate_per_minute, created_by)
     VALUES ('bench-clerk', '压测话务员', 'clerk', encode(sha256('$TOKEN'::bytea), 'hex'), 1000000, 'bench')" >/dev/null
sql "CREATE TABLE ref_complaints (LIKE complaints INCLUDING ALL)" >/dev/null
bench_service intake
bench_service assignment
bench_service escalation
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/services.json" && break; sleep 0.1; done
echo "== open311: POST /requests.json, open loop, ${SECS} s per rate, clerk's api_key, pattern sweeps every 5 s"
"$BUILD/tools/open311_load" "127.0.0.1:$PORT" 100 200 "$TOKEN" --tag 预热 >/dev/null   # warm the connections

# Latencies in ms, one a line, of bare INSERTs at $1 per second for SECS s.
inserts() {
    cat >"$DIR/ref.sql" <<'REF'
INSERT INTO ref_complaints (ticket_no, called_at, caller_name, address, content, category_raw, extra)
VALUES ('R' || lpad(nextval('intake_web_ticket_seq')::text, 9, '0'), now(), '王先生',
        '崂山区中韩街道参照路' || (random() * 1e9)::bigint || '号', '小区门口垃圾桶满了三天没人清运',
        '环境卫生-垃圾清运', '{"source":"open311","service_code":"env.garbage"}');
REF
    rm -f "$DIR"/pgb.*
    (cd "$DIR" && pgbench "$BENCH_PG" -n -c 8 -j 2 -R "$1" -T "$SECS" -f ref.sql -l --log-prefix=pgb >/dev/null 2>&1)
    awk '{ print $3 / 1000 }' "$DIR"/pgb.*
}

# POSTs at $1 per second for SECS s (tag $2): round trips in $DIR/rtt.ms, POST → dispatched in $DIR/disp.ms.
posts() {
    local rate=$1 tag=$2 n=$(($1 * SECS)) bad
    "$BUILD/tools/open311_load" "127.0.0.1:$PORT" "$rate" "$n" "$TOKEN" --tag "$tag" --repeat-every 10 \
        >"$DIR/load.out" || true
    bad=$(awk '$1 != 200' "$DIR/load.out" | wc -l)
    [ "$bad" = 0 ] || { echo "   $bad of $n POSTs not answered 200 (first: $(awk '$1 != 200' "$DIR/load.out" | head -1))"; exit 1; }
    awk '{ print $4 / 1000 }' "$DIR/load.out" >"$DIR/rtt.ms"
    for _ in $(seq 600); do
        [ "$(sql "SELECT count(*) FROM complaints WHERE ticket_no LIKE 'W%' AND status = 'new'")" = 0 ] && break
        sleep 0.5
    done
    awk '{ print $2 "\t" $3 }' "$DIR/load.out" >"$DIR/due.tsv"
    psql "$BENCH_PG" -XqAt -v ON_ERROR_STOP=1 >"$DIR/disp.ms" <<SQL
CREATE TEMP TABLE due (ticket text PRIMARY KEY, due_us float8);
\copy due FROM '$DIR/due.tsv'
SELECT (extract(epoch FROM pg_xact_commit_timestamp(e.xmin)) * 1e6 - d.due_us) / 1000
  FROM due d JOIN complaints c ON c.ticket_no = d.ticket
  JOIN complaint_events e ON e.complaint_id = c.id AND e.event = 'routed' AND e.actor = 'assignment';
SQL
}

line() { printf '   %-34s p50 %7s ms  p99 %7s ms  max %7s ms\n' "$1" "$(pct 50 <"$2")" "$(pct 99 <"$2")" "$(pct 100 <"$2")"; }
# The CPU the servers spent per request, in ms of one core: the bare INSERTs'
# (PostgreSQL's sessions of pgbench, reaped when it ends, and its own
# processes) against the POSTs' (every server process, from the first POST
# until the last order is dispatched), and how busy the POSTs kept the cores.
cpu_lines() {
    local ref post n=$(($1 * SECS))
    ref=$(bench_cpu_ms "$DIR/cpu.0" "$DIR/cpu.1" "$n" | awk -F'\t' '{ print $2 }' | tr ',' '\n' |
          awk '$1 == "pg-reaped" || $1 == "pg-own" { t += $2 } END { printf "%.2f", t }')
    post=$(bench_cpu_ms "$DIR/cpu.2" "$DIR/cpu.3" "$n")
    printf '   CPU per request, ms of one core: bare INSERT %s, POST %s (%sx): %s\n' \
        "$ref" "${post%%$'\t'*}" "$(ratio "${post%%$'\t'*}" "$ref")" "${post#*$'\t'}"
    echo "   the servers kept $(awk -v ms="${post%%$'\t'*}" -v r="$1" -v c="$(nproc)" \
        'BEGIN { printf "%.0f%% of %d cores", ms * r / 10 / c, c }') busy while the POSTs ran"
}

for rate in $RATES; do
    background "B${rate}r"
    bench_cpu "$DIR/cpu.0"
    inserts "$rate" >"$DIR/ref.ms"
    bench_cpu "$DIR/cpu.1"
    background "B${rate}p"
    bench_cpu "$DIR/cpu.2"
    posts "$rate" "R$rate"
    bench_cpu "$DIR/cpu.3"
    r50=$(pct 50 <"$DIR/ref.ms"); r99=$(pct 99 <"$DIR/ref.ms")
    echo "-- $rate/s: $(wc -l <"$DIR/load.out") POSTs, $(wc -l <"$DIR/disp.ms") dispatched, $(sql "SELECT count(*) FROM complaint_events WHERE event = 'merged'") orders merged so far"
    line "ref: bare INSERT (pgbench -R)" "$DIR/ref.ms"
    line "HTTP round trip" "$DIR/rtt.ms"
    line "POST → dispatched" "$DIR/disp.ms"
    for what in "round trip:rtt" "POST → dispatched:disp"; do
        f=$DIR/${what#*:}.ms
        echo "   ${what%:*} / INSERT: p50 $(ratio "$(pct 50 <"$f")" "$r50")x, p99 $(ratio "$(pct 99 <"$f")" "$r99")x"
    done
    cpu_lines "$rate"
done
