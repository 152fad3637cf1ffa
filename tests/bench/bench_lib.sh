# bench_lib.sh — what every benchmark script shares, sourced after
# `set -euo pipefail`:
#
#   bench_stack NAME REDIS_PORT PG_PORT [STACK_ENV...]
#       a private Redis + PostgreSQL under var/bench/NAME (DIR), the
#       environment every jiesu process of the run reads (servers, data,
#       migrations, every service's endpoints as ipc sockets under DIR),
#       migrated; stopped again when the script exits. With BENCH_KEEP=1 a
#       stack left by an earlier run of NAME is started again with its data
#       (the script decides what to reuse) instead of set up anew. The services connect
#       as the stack's service role; BENCH_PG is the superuser's conninfo, for
#       the benchmark's own statements (reference tables, CHECKPOINT).
#   bench_track PID      a process to stop when the script exits
#   bench_service NAME   starts service NAME, waits until it is ready
#   bench_user NAME ROLE [UNIT]   a user registered in the benchmark's
#                        database (no assignment service needed); prints its key file
#   sql "SELECT ..."     one value from the benchmark's database (as BENCH_PG)
#   bench_cpu FILE       the CPU ticks spent so far by the stack's servers, into FILE
#   bench_cpu_ms BEFORE AFTER N   the CPU between two bench_cpu files, in ms of one
#                        core per one of N requests, as "TOTAL WHERE" (see below)
#
# REPO, BUILD (from the script's first argument) and BIN are set on sourcing.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$(cd "${1:?usage: $(basename "$0") BUILD_DIR [N]}" && pwd)
BIN=$BUILD/bin
BENCH_PIDS=()

bench_cleanup() {
    local p
    for p in "${BENCH_PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    [ -n "${DIR:-}" ] && "$REPO/scripts/stack.sh" stop "$DIR/stack" >/dev/null 2>&1
    return 0
}
trap bench_cleanup EXIT

bench_track() { BENCH_PIDS+=("$1"); }

bench_stack() {
    local name=$1 redis_port=$2 pg_port=$3 s started; shift 3
    DIR=$REPO/var/bench/$name
    if [ "${BENCH_KEEP:-}" != 1 ] || [ ! -d "$DIR/stack" ]; then
        "$REPO/scripts/stack.sh" clean "$DIR/stack" >/dev/null 2>&1
        rm -rf "$DIR"
    fi
    mkdir -p "$DIR"
    started=$(env "$@" "$REPO/scripts/stack.sh" start "$DIR/stack" "$redis_port" "$pg_port") ||
        { echo "bench $name: 基准测试的 Redis 和 PostgreSQL 没能启动（原因见上；端口 $redis_port、$pg_port 被占用时，先停掉占用的那个）" >&2; exit 1; }
    eval "$started"
    REDISCLI_AUTH=$(cat "$JIESU_REDIS_PASSWORD_FILE")
    BENCH_PG=$("$REPO/scripts/stack.sh" conninfo "$DIR/stack" admin)
    export REDISCLI_AUTH BENCH_PG
    export JIESU_DATA_DIR=$REPO/data JIESU_DB_MIGRATIONS_DIR=$REPO/db/migrations
    export JIESU_INTAKE_REJECTS_DIR=$DIR/rejects JIESU_INTAKE_HTTP_ADDR=off JIESU_REPORT_HTTP_ADDR=off
    for s in intake assignment escalation reporting; do
        export "JIESU_${s^^}_ROUTER=ipc://$DIR/$s.router" "JIESU_${s^^}_PUB=ipc://$DIR/$s.pub"
    done
    export JIESU_KEYS_DIR=$DIR/keys JIESU_INTAKE_SPOOL_DIR=$DIR/spool JIESU_CLI_KEY_FILE=$DIR/keys/admin.key
    "$BIN/jiesu" keys >/dev/null
    "$BIN/jiesu" migrate >/dev/null
}

bench_service() {
    "$BIN/jiesu-$1" >"$DIR/$1.log" 2>&1 &
    bench_track $!
    for _ in $(seq 200); do grep -q ready "$DIR/$1.log" && return 0; sleep 0.1; done
    echo "bench: $1 did not start (see $DIR/$1.log)" >&2
    return 1
}

bench_user() {
    local key=$DIR/users/$1.key pub
    mkdir -p "$DIR/users"
    [ -f "$key" ] || pub=$("$BIN/jiesu" keys new "$key" 2>/dev/null)
    [ -n "${pub:-}" ] && sql "INSERT INTO principals (name, display_name, role, unit_id, curve_key, created_by)
        SELECT '$1', '$1', '$2', (SELECT id FROM units WHERE code = nullif('${3:-}', '')), '$pub', 'bench'" >/dev/null
    echo "$key"
}

sql() { psql "$BENCH_PG" -XtAq -v ON_ERROR_STOP=1 -c "$1"; }

# The stack's server processes with their CPU ticks (user + system) so far, a
# line each: GROUP PID TICKS. PostgreSQL's client sessions are grouped by
# their application_name (jiesu-intake …: each service names its sessions),
# its own processes (checkpointer, WAL writer, autovacuum) as pg-own; the
# postmaster's line counts the children it has reaped too (sessions that
# ended, as pgbench's do), so a total over two files loses none of them.
bench_cpu() {
    local pm p app
    pm=$(head -1 "$(cat "$DIR/stack/pg.home")/pg/postmaster.pid")
    {
        awk '{ print "pg-reaped", $1, $14 + $15 + $16 + $17 }' "/proc/$pm/stat"
        declare -A apps=()
        while IFS='|' read -r p app; do apps[$p]=${app:-pg-other}; done < <(
            psql "$BENCH_PG" -XAt -c "SELECT pid, application_name FROM pg_stat_activity
                                      WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
        for p in $(pgrep -P "$pm"); do
            [ -r "/proc/$p/stat" ] && awk -v g="${apps[$p]:+pg:${apps[$p]}}" '{ print g ? g : "pg-own", $1, $14 + $15 }' "/proc/$p/stat"
        done
        for p in "${BENCH_PIDS[@]}" $(cat "$DIR/stack/redis.pid"); do
            [ -r "/proc/$p/stat" ] && awk -v g="$(tr '\0' ' ' <"/proc/$p/cmdline" | awk '{ n = split($1, a, "/"); print a[n] }')" '{ print g, $1, $14 + $15 }' "/proc/$p/stat"
        done
    } >"$1" 2>/dev/null || true
}

# The CPU between bench_cpu files $1 and $2 per one of $3 requests, in ms of
# one core, as one line: the total, a tab, then each group's share, largest
# first ("pg:jiesu-assignment 0.55, pg:jiesu-intake 0.45, ...").
bench_cpu_ms() {
    awk -v n="$3" -v hz="$(getconf CLK_TCK)" '
        FNR == NR { before[$2] = $3; group[$2] = $1; next }
        { d[$1] += $3 - before[$2]; seen[$2] = 1 }
        END {
            for (p in before) if (!(p in seen)) d[group[p]] -= before[p]
            for (g in d) printf "%.3f %s\n", d[g] * 1000 / hz / n, g
        }' "$1" "$2" | sort -rn |
        awk '{ t += $1; if ($1 >= 0.005) w = w (w == "" ? "" : ", ") sprintf("%s %.2f", $2, $1) }
             END { printf "%.2f\t%s\n", t, w }'
}
