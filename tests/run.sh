#!/usr/bin/env bash
# run.sh — the test suite: starts a private Redis + PostgreSQL, runs every unit
# test binary against them, then every integration test in lanes side by side
# (each lane on servers of its own), builds the fuzz targets and runs their
# seeds, validates compose.yaml, and ends with one line "N passed, N failed".
#
#   tests/run.sh BUILD_DIR      (make test calls it with build/san)
#   JIESU_TESTS=REGEX tests/run.sh BUILD_DIR   only the tests whose name matches
#   JIESU_TEST_LANES=N tests/run.sh BUILD_DIR  N lanes of integration tests (default: the cores)
#
# The suite runs on its own servers whatever the caller exported (for make
# run, say): every JIESU_* variable but JIESU_TESTS is dropped, and so are
# libpq's PG* variables and REDISCLI_AUTH.
set -uo pipefail
umask 077
while read -r v; do
    [ "$v" = JIESU_TESTS ] || unset "$v"
done < <(compgen -e | grep -E '^(JIESU_|PG|REDISCLI_AUTH$)')

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:?usage: tests/run.sh BUILD_DIR}" && pwd)
HARNESS_ROOT=$REPO/var/test
export REPO JIESU_BIN=$BUILD/bin HARNESS_ROOT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export JIESU_DATA_DIR=$REPO/data JIESU_DB_MIGRATIONS_DIR=$REPO/db/migrations

# free_port: a port nobody listens on, below the kernel's ephemeral range
# (ip_local_port_range), so that no outgoing connection (to Redis, say) can
# take it while a test restarts the service that listens there.
free_port() {
    local p low=32768
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
    for _ in $(seq 100); do
        p=$((10000 + RANDOM % (low - 10000)))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
    echo "tests: no free port found" >&2; exit 1
}

# The integration tests run in lanes, as many as there are cores (or
# JIESU_TEST_LANES), each lane one test after another on a Redis +
# PostgreSQL of its own in var/test/laneK: its stack, secrets, keys and the
# tests' logs. A run that passed deletes the servers' data (as root a cluster
# outside var/, one per lane's path); a failed one only stops them, for a look.
stacks() { ls -d "$HARNESS_ROOT"/lane*/stack 2>/dev/null; }
cleanup() {
    local how=stop d
    [ "$1" = 0 ] && how=clean
    for d in $(stacks); do "$REPO/scripts/stack.sh" "$how" "$d" >/dev/null 2>&1; done
}
for d in $(stacks); do "$REPO/scripts/stack.sh" clean "$d"; done      # the last run's
trap 'cleanup $?' EXIT
rm -rf "$HARNESS_ROOT"; mkdir -p "$HARNESS_ROOT/results"; chmod 700 "$REPO/var"

# lane_up DIR: a stack in DIR/stack, the environment pointed at it, and the
# services' keys and the first administrator's in DIR/keys, registered by
# every `jiesu migrate`; commands run as that administrator unless a test
# says otherwise (as_role, as_unit in tests/harness.sh).
lane_up() {
    local redis_port pg_port stack_env
    export HARNESS_DIR=$1 JIESU_STACK_DIR=$1/stack
    mkdir -p "$HARNESS_DIR"
    redis_port=$(free_port); pg_port=$(free_port)
    stack_env=$(STACK_FAST=1 "$REPO/scripts/stack.sh" start "$JIESU_STACK_DIR" "$redis_port" "$pg_port") || return 1
    eval "$stack_env"
    REDISCLI_AUTH=$(cat "$JIESU_REDIS_PASSWORD_FILE")
    export REDISCLI_AUTH JIESU_STACK_REDIS_PORT=$redis_port
    export JIESU_KEYS_DIR=$HARNESS_DIR/keys JIESU_CLI_KEY_FILE=$HARNESS_DIR/keys/admin.key
    "$BUILD/bin/jiesu" keys >/dev/null || { echo "tests: jiesu keys failed in $HARNESS_DIR"; return 1; }
}
lane_up "$HARNESS_ROOT/lane1" || exit 1

# shellcheck source=tests/harness.sh
. "$REPO/tests/harness.sh"

echo "== unit tests (real Redis on :$JIESU_STACK_REDIS_PORT)"
harness_fresh_db jiesu_unit || { echo "migrate failed:"; cat "$HARNESS_DIR/migrate-jiesu_unit.log"; exit 1; }
JIESU_TEST_PG=$("$REPO/scripts/stack.sh" conninfo "$JIESU_STACK_DIR" admin jiesu_unit)
export JIESU_TEST_PG
selected() { [[ $1 =~ ${JIESU_TESTS:-.} ]]; }

for t in "$BUILD"/tests/test_*; do
    name=$(basename "$t")
    selected "$name" || continue
    out=$HARNESS_DIR/$name.out
    suite_t0=$SECONDS
    (cd "$REPO" && "$t") >"$out" 2>&1
    rc=$?
    took="$((SECONDS - suite_t0)) s"
    passed=$(grep -o '\[  PASSED  \] [0-9]*' "$out" | awk '{s+=$NF} END {print s+0}')
    failed=$(grep -o '\[  FAILED  \] [0-9]*' "$out" | awk '{s+=$NF} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    HARNESS_PASSED=$((HARNESS_PASSED + passed)); HARNESS_FAILED=$((HARNESS_FAILED + failed))
    if [ "$rc" -eq 0 ]; then echo "  ok   $name: $passed passed ($took)"
    else echo "  FAIL $name (exit $rc): $passed passed, $failed failed ($took)"; tail -n 40 "$out" | sed 's/^/       /'
    fi
done

integration=()
for t in "$REPO"/tests/integration/test_*.sh; do
    selected "$(basename "$t" .sh)" && integration+=("$t")
done
results=$HARNESS_ROOT/results

# lane_run K: the integration tests no other lane has taken yet (a test is
# taken by creating results/NAME), one after another, each in a subshell
# whose output goes to results/NAME/out and whose counts, "passed failed
# seconds", to results/NAME/done (a test that exits early counts one failure).
lane_run() {
    local t name t0 counts
    [ "$1" = 1 ] || lane_up "$HARNESS_ROOT/lane$1" || return 1
    for t in "${integration[@]}"; do
        name=$(basename "$t" .sh)
        mkdir "$results/$name" 2>/dev/null || continue
        t0=$SECONDS
        # shellcheck disable=SC1090
        ( HARNESS_PASSED=0 HARNESS_FAILED=0 suite_test=$name     # a test may use $t and the like as its own
          . "$t"
          echo "$HARNESS_PASSED $HARNESS_FAILED" >"$results/$name/counts" ) >"$results/$name/out" 2>&1
        counts=$(cat "$results/$name/counts" 2>/dev/null || echo "0 1")
        echo "$counts $((SECONDS - t0))" >"$results/$name/done.new" && mv "$results/$name/done.new" "$results/$name/done"
    done
}

lane_pids=()
lanes=${JIESU_TEST_LANES:-$(nproc)}
[ "$lanes" -le "${#integration[@]}" ] || lanes=${#integration[@]}
for k in $(seq "$lanes"); do
    lane_run "$k" >"$HARNESS_ROOT/lane$k.log" 2>&1 &
    lane_pids+=($!)
done
lanes_running() { kill -0 "${lane_pids[@]}" 2>/dev/null; }

# Each test's output in order, as soon as it is done.
for t in "${integration[@]}"; do
    name=$(basename "$t" .sh)
    echo "== integration: $name"
    while [ ! -f "$results/$name/done" ] && lanes_running; do sleep 1; done
    if read -r passed failed took 2>/dev/null <"$results/$name/done"; then
        cat "$results/$name/out"
        echo "   ($name: $took s)"
    else
        passed=0 failed=1
        echo "  FAIL $name did not run: every lane stopped"; cat "$HARNESS_ROOT"/lane*.log
    fi
    HARNESS_PASSED=$((HARNESS_PASSED + passed)); HARNESS_FAILED=$((HARNESS_FAILED + failed))
done
wait

echo "== fuzz targets"
if selected fuzz; then
    check "the fuzz targets build (clang, libFuzzer) and run their committed seeds clean (make fuzz-seeds)" \
        sh -c "make -s -j$(nproc) -C '$REPO' fuzz-seeds >'$HARNESS_DIR/fuzz-seeds.out' 2>&1"
fi

echo "== containers"
if selected compose; then
    compose_vars="JIESU_PG_PASSWORD JIESU_PG_OWNER_PASSWORD JIESU_PG_SERVICE_PASSWORD JIESU_REDIS_PASSWORD"
    compose_env="$HARNESS_DIR/compose.env"      # not the checkout's .env, if it has one
    "$REPO/docker/env.sh" "$compose_env" >/dev/null
    # compose_config [-u VAR]: docker-compose config with the generated passwords (less VAR)
    : >"$HARNESS_DIR/compose.none"      # and no .env of compose's own
    compose_config() { (set -a; . "$compose_env"; set +a; env "$@" docker-compose --env-file "$HARNESS_DIR/compose.none" \
        -f "$REPO/compose.yaml" config); }
    check "compose.yaml is valid with docker/env.sh's passwords (docker-compose config)" compose_config
    for var in $compose_vars; do
        compose_config -u "$var" >"$HARNESS_DIR/compose.out" 2>&1
        check "… refused without $var, saying to generate it with docker/env.sh" \
            grep -q "set $var to a generated password.*docker/env.sh" "$HARNESS_DIR/compose.out"
    done
    compose_config >"$HARNESS_DIR/compose.yaml" 2>&1
    check "… keys, passwords, private directories and start order as every container needs them (tests/tools/compose_check.py)" \
        env $(cat "$compose_env") "$REPO/tests/tools/compose_check.py" "$REPO/docker/jiesu.conf" <"$HARNESS_DIR/compose.yaml"
fi

echo
echo "$HARNESS_PASSED passed, $HARNESS_FAILED failed"
[ "$HARNESS_FAILED" -eq 0 ]
