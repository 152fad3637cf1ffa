# test_route_workers.sh — two assignment workers on one routing stream, one
# killed (SIGKILL, by the route_before_ack failpoint) in the middle of its
# batches, after a batch's decisions were committed and before its stream
# entries were acknowledged: the other claims what it left pending, and every
# order is routed exactly once (one owner or manual assignment, one routing
# event, deadlines only once per dispatched order).
# Sourced by tests/run.sh (uses tests/harness.sh).

BATCH=100
harness_fresh_db jiesu_route_workers
harness_services_start "assignment.claim_idle_ms = 3000" "assignment.batch = $BATCH" \
    "deadline.accept_seconds = 3600" "deadline.resolve_seconds = 7200"
# The first worker again, to die at its 5th batch.
svc_kill9 assignment
JIESU_FAILPOINT=route_before_ack:5 svc_start assignment
wait_for "first worker ready" 20 svc_ready assignment

# The first worker's endpoints are taken: a second copy started on them refuses, saying so.
check "a second copy on the first one's endpoints refuses to start" bash -c \
    '! "$JIESU_BIN/jiesu-assignment" >"$HARNESS_DIR/assignment-same.log" 2>&1'
check "… naming the endpoint in use" grep -q "another process is serving there" "$HARNESS_DIR/assignment-same.log"
check "… and the first still answers" svc_ready assignment
JIESU_ASSIGNMENT_ROUTER=ipc://$HARNESS_DIR/assignment-2.router JIESU_ASSIGNMENT_PUB=ipc://$HARNESS_DIR/assignment-2.pub \
    "$JIESU_BIN/jiesu-assignment" >>"$HARNESS_DIR/assignment-2.log" 2>&1 &
second=$!
wait_for "second worker ready" 20 grep -q ready "$HARNESS_DIR/assignment-2.log"
check "two assignment workers run on one stream" kill -0 "$second"

rows=$HARNESS_DIR/route-workers.csv
"$JIESU_BIN/../tools/gen_complaints" 20000 11 >"$rows"
as_role clerk "$JIESU_BIN/jiesu" import "$rows" >"$HARNESS_DIR/route-workers-import.out" 2>&1
check "import of 20,000 generated rows succeeds" test $? -eq 0
all=$(sql "SELECT count(*) FROM complaints")

# Entries a consumer has read and not yet acknowledged (XINFO CONSUMERS): > 0 inside a batch.
pending_of() {
    redis-cli -h 127.0.0.1 -p "$JIESU_STACK_REDIS_PORT" XINFO CONSUMERS jiesu:route assignment |
        awk -v c="$1" '$0 == c {getline; getline; print; exit}'
}
first=assignment-$(cat "$HARNESS_DIR/assignment.pid")
first_dead() { ! kill -0 "$(cat "$HARNESS_DIR/assignment.pid")" 2>/dev/null; }
wait_for "the first worker killed at its failpoint" 60 first_dead
left=$(pending_of "$first")
first_log=$HARNESS_DIR/assignment.log
check "the failpoint killed it after a commit, before the acknowledgement" \
    grep -q "failpoint route_before_ack reached 5 times" "$first_log"
check "the killed worker had routed batches" grep -q "batch entries" "$first_log"
check_eq "killed mid-batch: a batch's entries read and not acknowledged" "$BATCH" "$left"
svc_kill9 assignment
check "killed while orders were still waiting" test "$(sql "SELECT count(*) FROM complaints WHERE status = 'new'")" -gt 0

wait_for "every order routed by the survivor" 120 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
# The dead worker's batch was committed: its orders are routed, but its
# entries wait for the survivor to claim them (and skip them as routed).
nothing_pending() { [ "$(pending_of "$first")" = 0 ]; }
wait_for "the dead worker's entries claimed" 30 nothing_pending
check "the surviving worker took over entries the dead one left pending" \
    grep -q "claimed=[1-9]" "$HARNESS_DIR/assignment-2.log"
check "… and skipped them as already routed" grep -q "claimed=[1-9][0-9]* .*skipped=[1-9]" "$HARNESS_DIR/assignment-2.log"
check_eq "every order routed" 0 "$(sql "SELECT count(*) FROM complaints WHERE status = 'new'")"
check_eq "one active owner or manual assignment per order" "$all" \
    "$(sql "SELECT count(*) FROM assignments WHERE active AND role IN ('owner', 'manual')")"
check_eq "no order routed twice (assignments)" 0 \
    "$(sql "SELECT count(*) FROM (SELECT complaint_id FROM assignments WHERE role IN ('owner', 'manual') GROUP BY 1 HAVING count(*) > 1) d")"
check_eq "one routing event per order" "$all" "$(sql "SELECT count(*) FROM complaint_events WHERE event IN ('routed', 'manual')")"
check_eq "at most one co-handler per order" 0 \
    "$(sql "SELECT count(*) FROM (SELECT complaint_id FROM assignments WHERE role = 'co' GROUP BY 1 HAVING count(*) > 1) d")"
check_eq "two deadlines per dispatched order, none for manual ones" \
    "$((2 * $(sql "SELECT count(*) FROM complaints WHERE status = 'dispatched'")))" "$(sql "SELECT count(*) FROM deadlines")"

kill -TERM "$second"
rc=0; wait "$second" || rc=$?
check_eq "second worker stopped cleanly on SIGTERM" 0 "$rc"
svc_start assignment
wait_for "assignment back" 20 svc_ready assignment
harness_services_stop
