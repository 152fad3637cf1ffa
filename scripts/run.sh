#!/usr/bin/env bash
# run.sh — the main job on this machine (`make run`): start Redis and PostgreSQL
# under var/, migrate, start the four services, import the bundled sample and
# print the per-street summary. `scripts/run.sh stop` (make stop) stops it all.
#
# Ports (change with the environment): JIESU_RUN_REDIS_PORT (16379),
# JIESU_RUN_PG_PORT (15432); services listen on ipc:// sockets under var/run/.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
VAR=$REPO/var
BIN=$REPO/build/release/bin
SERVICES="intake assignment escalation reporting"
redis_port=${JIESU_RUN_REDIS_PORT:-16379}
pg_port=${JIESU_RUN_PG_PORT:-15432}

stop_services() {
    local s pid
    for s in $SERVICES; do
        [ -f "$VAR/run/$s.pid" ] || continue
        pid=$(cat "$VAR/run/$s.pid")
        kill -TERM "$pid" 2>/dev/null && timeout 15 tail --pid="$pid" -f /dev/null || true
        rm -f "$VAR/run/$s.pid"
    done
}

if [ "${1:-}" = stop ]; then
    stop_services
    "$REPO/scripts/stack.sh" stop "$VAR/stack"
    echo "jiesu stopped"
    exit 0
fi

mkdir -p "$VAR/run" "$VAR/log" "$VAR/rejects"
"$REPO/scripts/stack.sh" start "$VAR/stack" "$redis_port" "$pg_port" >/dev/null

conf=$VAR/jiesu.conf
cat >"$conf" <<CONF
# Written by scripts/run.sh for the local stack under var/.
[redis]
addr = 127.0.0.1:$redis_port
[pg]
conninfo = host=127.0.0.1 port=$pg_port dbname=jiesu user=jiesu
[intake]
router = ipc://$VAR/run/intake.router
pub = ipc://$VAR/run/intake.pub
rejects_dir = $VAR/rejects
spool_dir = $VAR/spool
http_addr = 127.0.0.1:7103
[assignment]
router = ipc://$VAR/run/assignment.router
pub = ipc://$VAR/run/assignment.pub
[escalation]
router = ipc://$VAR/run/escalation.router
pub = ipc://$VAR/run/escalation.pub
[reporting]
router = ipc://$VAR/run/reporting.router
pub = ipc://$VAR/run/reporting.pub
[data]
dir = $REPO/data
[db]
migrations_dir = $REPO/db/migrations
[keys]
dir = $VAR/keys
[cli]
key_file = $VAR/keys/admin.key
CONF
export JIESU_CONFIG=$conf

"$BIN/jiesu" keys
"$BIN/jiesu" migrate

stop_services
for s in $SERVICES; do
    "$BIN/jiesu-$s" >>"$VAR/log/$s.log" 2>&1 &
    echo $! >"$VAR/run/$s.pid"
done
"$BIN/jiesu" status --wait 20 >/dev/null || { "$BIN/jiesu" status; exit 1; }

# The people of the demo, each with a key of their own (var/keys/users/):
# a hotline clerk, a dispatcher, a callback agent, the district's campaign
# office and discipline inspector, and one handler per street office.
USERS=$VAR/keys/users
mkdir -p "$USERS"
user() {   # user NAME ROLE [UNIT] [DISPLAY]: added once, by the administrator
    [ -f "$USERS/$1.key" ] && return 0
    "$BIN/jiesu" user add "$1" --role "$2" ${3:+--unit "$3"} ${4:+--display "$4"} --key-out "$USERS/$1.key" >/dev/null
}
user clerk clerk "" "话务员 小王"
user dispatcher dispatcher "" "派单员 小李"
user callback callback "" "回访员 小赵"
user campaign campaign 370212.campaign "崂山区创城办 督查专班"
user discipline discipline 370212.discipline "崂山区纪委监委 监督室"
streets=$(psql "host=127.0.0.1 port=$pg_port dbname=jiesu user=jiesu" -XtA -c "SELECT code FROM units WHERE kind = 'street' ORDER BY code")
for code in $streets; do user "h$code" handler "$code"; done
act_as() { local name=$1; shift; "$BIN/jiesu" -k "$USERS/$name.key" "$@"; }

act_as clerk import "$REPO/data/sample/complaints.csv"
for _ in $(seq 100); do
    [ "$("$BIN/jiesu" report --json | jq '.unrouted')" = 0 ] && break
    sleep 0.2
done

# A morning of the street offices' work on the sample, through the same
# commands a unit uses, so the dashboard and the bulletin have something to
# rank: each street accepts, resolves and gets callbacks at its own pace.
# Only on the first run (a re-run finds nothing dispatched to act on).
demo_tickets() {   # demo_tickets STATUS "n1 n2 n3 n4 n5": the first n of each street, by street code
    psql "host=127.0.0.1 port=$pg_port dbname=jiesu user=jiesu" -XtA -v ON_ERROR_STOP=1 -c "
        SELECT ticket_no, street_code FROM (
            SELECT c.ticket_no, a.street_code, row_number() OVER (PARTITION BY a.street_code ORDER BY c.id) AS n
            FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'owner'
            WHERE c.status = '$1' AND a.street_code IS NOT NULL) t
        JOIN (SELECT code, ord FROM unnest(string_to_array('$2', ' ')::int[]) WITH ORDINALITY AS q(quota, ord)
              JOIN LATERAL (SELECT code FROM regions WHERE level = 'street' ORDER BY code OFFSET ord - 1 LIMIT 1) r ON true
              ) s ON s.code = t.street_code
        WHERE t.n <= (string_to_array('$2', ' ')::int[])[s.ord]" | tr '|' ' '
}
demo_act() {       # demo_act ACTION STATUS QUOTAS [ARGS...]: each order by its own street's handler
    local action=$1 status=$2 quotas=$3 ticket street; shift 3
    demo_tickets "$status" "$quotas" | while read -r ticket street; do
        who=h$street; [ "$action" = callback ] && who=callback
        act_as "$who" "$action" "$ticket" "$@" </dev/null >/dev/null || true
    done
}
if [ -n "$(demo_tickets dispatched "1 1 1 1 1")" ] && [ -z "$(demo_tickets accepted "1 1 1 1 1")" ]; then
    echo "simulating a morning of the street offices' work (jiesu accept, resolve, callback) ..."
    demo_act accept dispatched "30 22 14 8 4"
    demo_act resolve accepted "16 9 5 2 1" "已处理"
    demo_act callback resolved "1 1 0 0 0" unsatisfied "仍未解决"
    demo_act callback resolved "12 6 3 1 0" satisfied
fi
echo
"$BIN/jiesu" report
echo
act_as dispatcher manual --limit 5
cat <<TXT

The services keep running (logs in var/log/).
  dashboard:        http://127.0.0.1:7133/        Open311: http://127.0.0.1:7103/services.json
Try:
  export JIESU_CONFIG=$conf
  $BIN/jiesu status                     # as the administrator (cli.key_file: var/keys/admin.key)
  $BIN/jiesu -k var/keys/users/dispatcher.key show <ticket number>   # the routing decision and its reasons
  $BIN/jiesu -k var/keys/users/h370212001.key alerts                # a street office's alerts
  $BIN/jiesu user list                  # who may act (keys of the demo's people: var/keys/users/)
  $BIN/jiesu daily                      # today's dispatch sheet per street
  $BIN/jiesu bulletin --out var/bulletin   # last week's bulletin: CSV, XLSX, HTML
  make stop
TXT
