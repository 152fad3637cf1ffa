# harness.sh — shared test harness: real Redis, PostgreSQL and service processes.
#
# Sourced by tests/run.sh and every tests/integration/test_*.sh. A test calls
#   harness_services_start [extra config lines...]   start the four services
#   harness_services_stop                            stop them
#   svc_kill9 NAME / svc_start NAME                  crash and restart one
#   check "what" COMMAND... / check_eq "what" EXPECTED ACTUAL
#   check "what" fails COMMAND...                    COMMAND must fail
#   sql "SELECT ..."                                 one value from PostgreSQL
#   wait_for "what" SECONDS COMMAND...               poll until COMMAND succeeds
#   as_role ROLE COMMAND... / as_unit CODE COMMAND...  run a command with the key of a
#                                                    user of that role (of that unit's)
# The stack (Redis + PostgreSQL, scripts/stack.sh in JIESU_STACK_DIR) is
# started once by tests/run.sh and shared; each integration test gets its own
# database schema state via `jiesu migrate` on a database of its own. The
# services connect as the stack's service role (JIESU_PG_CONNINFO), migrate
# and `sql` as the owner (JIESU_PG_OWNER_CONNINFO).

: "${JIESU_BIN:?JIESU_BIN must name the directory of the built binaries}"
: "${HARNESS_DIR:?HARNESS_DIR must name the test run directory}"

# shellcheck source=scripts/proc.sh
. "$REPO/scripts/proc.sh"

HARNESS_PASSED=${HARNESS_PASSED:-0}
HARNESS_FAILED=${HARNESS_FAILED:-0}
SERVICES="intake assignment escalation reporting"

check() {
    local what=$1; shift
    if "$@" >/dev/null 2>&1; then
        HARNESS_PASSED=$((HARNESS_PASSED + 1)); echo "  ok   $what"
    else
        HARNESS_FAILED=$((HARNESS_FAILED + 1)); echo "  FAIL $what"
    fi
}

check_eq() {
    local what=$1 want=$2 got=$3
    if [ "$want" = "$got" ]; then
        HARNESS_PASSED=$((HARNESS_PASSED + 1)); echo "  ok   $what ($got)"
    else
        HARNESS_FAILED=$((HARNESS_FAILED + 1)); echo "  FAIL $what: expected '$want', got '$got'"
    fi
}

fails() { ! "$@"; }

sql() {
    psql "$JIESU_PG_OWNER_CONNINFO" -XtAq -v ON_ERROR_STOP=1 -c "$1"
}

wait_for() {
    local what=$1 secs=$2; shift 2
    local deadline=$((SECONDS + secs))
    while [ $SECONDS -lt $deadline ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "  (timed out after ${secs}s waiting for: $what)"
    return 1
}

# Conditions for wait_for: the query is re-run on every try.
sql_eq() { [ "$(sql "$1")" = "$2" ]; }
sql_gt() { [ "$(sql "$1")" -gt "$2" ]; }

# georeport_same LIST ITEM X.xml Y.json: the Open311 answer in X.xml, read
# with a real XML parser, is <LIST> of <ITEM>s holding the fields of Y.json's
# array, in its order, with its values (null is an empty element; numbers
# and true/false as written; what XML 1.0 cannot hold, a control character
# but tab, LF and CR, U+FFFD). What differs goes to stderr.
georeport_same() {
    python3 - "$@" <<'PY'
import json, re, sys
import xml.etree.ElementTree as ET
lst, item, xml_file, json_file = sys.argv[1:5]
root = ET.parse(xml_file).getroot()
def text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", str(v))
got = [(e.tag, [(f.tag, f.text or "") for f in e]) for e in root]
with open(json_file, encoding="utf-8") as f:
    rows = json.load(f, parse_float=str, parse_int=str)
want = [(item, [(k, text(v)) for k, v in r.items()]) for r in rows]
if root.tag != lst or got != want:
    print(f"XML <{root.tag}> {got}\nJSON <{lst}> {want}", file=sys.stderr)
    sys.exit(1)
PY
}

# The key file of user NAME (ROLE, UNIT), added through the running
# services on first use in the current database.
user_key() {
    local name=$1 role=$2 unit=${3:-} file=$HARNESS_DIR/users/$1.key
    mkdir -p "$HARNESS_DIR/users"
    if [ "$(sql "SELECT count(*) FROM principals WHERE name = '$name' AND disabled_at IS NULL")" != 1 ]; then
        rm -f "$file"
        "$JIESU_BIN/jiesu" -k "$JIESU_KEYS_DIR/admin.key" user add "$name" --role "$role" ${unit:+--unit "$unit"} \
            --display "$name" --key-out "$file" >"$HARNESS_DIR/users/$name.out" 2>&1 || { cat "$HARNESS_DIR/users/$name.out" >&2; return 1; }
    fi
    echo "$file"
}

# The key file of a new user NAME of ROLE, added straight into the database:
# for tests that run reporting without assignment, through which users are added.
sql_user_key() {
    local file=$HARNESS_DIR/users/$1.key
    mkdir -p "$HARNESS_DIR/users"
    "$JIESU_BIN/jiesu" keys new "$file" >"$HARNESS_DIR/users/$1.pub" 2>/dev/null || return 1
    sql "INSERT INTO principals (name, display_name, role, curve_key, created_by)
         VALUES ('$1', '$1', '$2', '$(head -1 "$HARNESS_DIR/users/$1.pub")', 'test')" >/dev/null || return 1
    echo "$file"
}

# as_role clerk jiesu import F: the command acts as a user with that role.
as_role() {
    local role=$1 key; shift
    key=$(user_key "test-$role" "$role") || return 1
    JIESU_CLI_KEY_FILE=$key "$@"
}

# as_unit 370212001 jiesu accept T: the command acts as a user of that unit
# (a handler; for 370212.campaign / 370212.discipline a campaign office or
# discipline inspector).
as_unit() {
    local unit=$1 role=handler key; shift
    case $unit in *.campaign|campaign) role=campaign ;; *.discipline|discipline) role=discipline ;; esac
    key=$(user_key "u-$unit" "$role" "$unit") || return 1
    JIESU_CLI_KEY_FILE=$key "$@"
}

# Creates a fresh database for one test and points the environment at it;
# the configuration of an earlier test (JIESU_CONFIG) is dropped.
harness_fresh_db() {
    local db=$1 stack="$REPO/scripts/stack.sh"
    unset JIESU_CONFIG
    "$stack" createdb "${JIESU_STACK_DIR:?}" "$db" || return 1
    JIESU_PG_CONNINFO=$("$stack" conninfo "$JIESU_STACK_DIR" service "$db")
    JIESU_PG_OWNER_CONNINFO=$("$stack" conninfo "$JIESU_STACK_DIR" owner "$db")
    export JIESU_PG_CONNINFO JIESU_PG_OWNER_CONNINFO
    redis-cli -h 127.0.0.1 -p "${JIESU_STACK_REDIS_PORT:?}" FLUSHALL >/dev/null
    "$JIESU_BIN/jiesu" migrate >"$HARNESS_DIR/migrate-$db.log" 2>&1
}

# Writes the services' config: ipc endpoints private to this run, short
# deadlines for tests, and any extra "key = value" lines given.
harness_config() {
    local conf=$HARNESS_DIR/jiesu.conf run=$HARNESS_DIR/run
    mkdir -p "$run" "$HARNESS_DIR/rejects"
    {
        echo "log.level = info"
        for s in $SERVICES; do
            echo "$s.router = ipc://$run/$s.router"
            echo "$s.pub = ipc://$run/$s.pub"
        done
        echo "intake.rejects_dir = $HARNESS_DIR/rejects"
        echo "intake.spool_dir = $HARNESS_DIR/spool"
        # HTTP on a port the system picks, unless the test gives one below.
        echo "intake.http_addr = 127.0.0.1:0"
        echo "report.http_addr = 127.0.0.1:0"
        echo "data.dir = $REPO/data"
        echo "db.migrations_dir = $REPO/db/migrations"
        for line in "$@"; do echo "$line"; done
    } >"$conf"
    export JIESU_CONFIG=$conf
}

# svc_start S: jiesu-S in the background, its pid in S.pid. A keeper
# subshell (its pid in S.keeper) starts it and waits for it, writing its exit
# status to S.rc: a service killed on purpose (svc_kill9, a failpoint) is
# reaped there quietly, so bash prints no "Killed" line that reads like a
# failure in the tests' output.
svc_start() {
    local s=$1 pidfile=$HARNESS_DIR/$1.pid
    rm -f "$pidfile" "$HARNESS_DIR/$s.rc"
    ( "$JIESU_BIN/jiesu-$s" >>"$HARNESS_DIR/$s.log" 2>&1 &
      echo $! >"$pidfile.new" && mv "$pidfile.new" "$pidfile"
      { wait $!; echo $? >"$HARNESS_DIR/$s.rc"; } 2>/dev/null ) &
    echo $! >"$HARNESS_DIR/$s.keeper"
    while [ ! -s "$pidfile" ] && kill -0 "$(cat "$HARNESS_DIR/$s.keeper")" 2>/dev/null; do sleep 0.01; done
}

# svc_ready S: S has said it is ready and its process runs (the reporting
# service's HTTP is not part of it: a test that needs it waits for it).
svc_ready() {
    local s=$1
    grep -q "ready" "$HARNESS_DIR/$s.log" 2>/dev/null && kill -0 "$(cat "$HARNESS_DIR/$s.pid")" 2>/dev/null
}

svc_kill9() {
    local s=$1
    kill -9 "$(cat "$HARNESS_DIR/$s.pid")" 2>/dev/null || true
    wait "$(cat "$HARNESS_DIR/$s.keeper")" 2>/dev/null || true
    mv "$HARNESS_DIR/$s.log" "$HARNESS_DIR/$s.log.killed.$(date +%s%N)"
}

harness_services_start() {
    harness_config "$@"
    local s
    for s in $SERVICES; do
        rm -f "$HARNESS_DIR/$s.log"
        svc_start "$s"
    done
    for s in $SERVICES; do
        wait_for "$s ready" 20 svc_ready "$s" || { echo "--- $s.log"; cat "$HARNESS_DIR/$s.log"; return 1; }
    done
}

# Stops the services with SIGTERM; a service that does not exit in 10 s, or
# exits non-zero (a sanitizer report, say), fails the test.
harness_services_stop() {
    local s pid rc
    for s in $SERVICES; do
        [ -f "$HARNESS_DIR/$s.pid" ] || continue
        pid=$(cat "$HARNESS_DIR/$s.pid")
        kill -TERM "$pid" 2>/dev/null || continue
        rc=0
        proc_wait_gone "$pid" 10 || rc=124
        if [ "$rc" = 0 ]; then
            wait "$(cat "$HARNESS_DIR/$s.keeper")" 2>/dev/null
            rc=$(cat "$HARNESS_DIR/$s.rc" 2>/dev/null || echo "unknown")
        fi
        check_eq "$s stopped cleanly on SIGTERM" 0 "$rc"
        [ "$rc" = 0 ] || tail -n 30 "$HARNESS_DIR/$s.log"
        rm -f "$HARNESS_DIR/$s.pid"
    done
}
