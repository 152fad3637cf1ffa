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
    local name=$1 redis_port=$2 pg_port=$3 s; shift 3
    DIR=$REPO/var/bench/$name
    if [ "${BENCH_KEEP:-}" != 1 ] || [ ! -d "$DIR/stack" ]; then
        "$REPO/scripts/stack.sh" clean "$DIR/stack" >/dev/null 2>&1
        rm -rf "$DIR"
    fi
    mkdir -p "$DIR"
    eval "$(env "$@" "$REPO/scripts/stack.sh" start "$DIR/stack" "$redis_port" "$pg_port")"
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
