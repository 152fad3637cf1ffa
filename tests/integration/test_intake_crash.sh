# test_intake_crash.sh — the intake service killed (SIGKILL, by a failpoint) in
# the middle of a big file, between a batch's commit and its enqueue for
# routing. Not restarted: `jiesu import` says intake went away, in seconds.
# Killed again and restarted while the command waits: the same command sends
# the import again and finishes the file. Every row ends up exactly once (one
# complaint, one 'imported' event, one routing decision each), the killed
# imports are recorded as interrupted, the command on a terminal draws the
# progress bar (rows/s, ETA), and importing the file once more changes nothing.
# Two intake processes importing one file at once store each row once. The
# file a killed import left in the spool is removed when intake starts again.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_intake_crash
batch=5000
harness_services_start "intake.batch_rows = $batch" \
    "assignment.reconcile_seconds = 2" "assignment.reconcile_min_age_seconds = 1"
crash=$HARNESS_DIR/intake_crash
rm -rf "$crash"; mkdir -p "$crash"
rows=60000
"$JIESU_BIN/../tools/gen_complaints" "$rows" 11 --days 60 >"$crash/big.csv"

# Intake again, to die after its third batch's commit, before those ids reach
# the routing stream (the assignment reconciler has to find them).
svc_kill9 intake
JIESU_FAILPOINT=import_before_enqueue:3 svc_start intake
wait_for "intake ready" 20 svc_ready intake
started=$SECONDS
as_role clerk "$JIESU_BIN/jiesu" import "$crash/big.csv" >"$crash/first.out" 2>&1
check "the import fails when intake dies under it" test $? -ne 0
check "… saying intake went away and is not back" \
    grep -q "工单受理服务（[^）]*intake.router） *在答复时断开了，.* 毫秒后还没回来" "$crash/first.out"
check "… within seconds, not after the import timeout" test $((SECONDS - started)) -lt 60
check "intake was killed by its failpoint" grep -q "failpoint import_before_enqueue reached 3" "$HARNESS_DIR/intake.log"
committed=$(sql "SELECT inserted FROM imports ORDER BY id DESC LIMIT 1")
check_eq "killed mid-file, after three batches" $((3 * batch)) "$committed"
check_eq "what was committed before the kill is all there" "$committed" "$(sql "SELECT count(*) FROM complaints")"
svc_kill9 intake
spooled() { find "$HARNESS_DIR/spool" -name 'upload-*' | wc -l; }
left=$(spooled)
check "the killed import left the clerk's file in the spool (callers' names and numbers)" test "$left" -ge 1

# Killed after its fifth batch this time (two of them new rows), and restarted
# while the command waits: the command's second try finishes the file.
JIESU_FAILPOINT=import_before_enqueue:5 svc_start intake
wait_for "intake ready again" 20 svc_ready intake
check_eq "… which intake removed at start: no process held it" 0 "$(spooled)"
check "… and said how many" grep -q "spool directory .*: removed $left file(s) ([0-9]* bytes) of uploads whose import was cut off" \
    "$HARNESS_DIR/intake.log"
script -qc "'$JIESU_BIN/jiesu' -k '$(user_key test-clerk clerk)' import '$crash/big.csv'" /dev/null >"$crash/second.out" 2>&1 &
cli_pid=$!
intake_dead() { ! kill -0 "$(cat "$HARNESS_DIR/intake.pid")" 2>/dev/null; }
wait_for "intake killed again" 60 intake_dead
check "killed again, after two batches of new rows" test "$(sql "SELECT count(*) FROM complaints")" -eq $((5 * batch))
svc_kill9 intake
svc_start intake
rc=0; wait "$cli_pid" || rc=$?
check_eq "restarted in time, the same import command finishes the file" 0 "$rc"
check "… having said it sent the file again" grep -q "工单受理服务丢了已传的部分（重启过？），重新发送文件" "$crash/second.out"
check "… and printed the file's summary" grep -q "big.csv：共 $rows 行，新存 $((rows - 5 * batch)) 件，重复 $((5 * batch)) 行" "$crash/second.out"
check "on a terminal it shows a progress bar with rows/s and an ETA" grep -q '行/秒  还需' "$crash/second.out"
check_eq "every row exactly once" "$rows $rows" "$(sql "SELECT count(*) || ' ' || count(DISTINCT ticket_no) FROM complaints")"
check_eq "one 'imported' event per complaint" "$rows" \
    "$(sql "SELECT count(DISTINCT complaint_id) FROM complaint_events WHERE event = 'imported' HAVING count(*) = count(DISTINCT complaint_id)")"
check_eq "both killed imports are recorded as interrupted" 2 \
    "$(sql "SELECT count(*) FROM imports WHERE status = 'failed' AND error LIKE '导入中断%'")"
as_role clerk "$JIESU_BIN/jiesu" import "$crash/big.csv" >"$crash/third.out" 2>&1
check "importing the file once more inserts nothing" grep -q "big.csv：共 $rows 行，新存 0 件，重复 $rows 行" "$crash/third.out"
check_eq "the spool holds no file once the imports are done" 0 "$(spooled)"
wait_for "every complaint routed" 120 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
check_eq "each routed exactly once" "$rows" \
    "$(sql "SELECT count(DISTINCT complaint_id) FROM assignments WHERE active AND role IN ('owner', 'manual') HAVING count(*) = count(DISTINCT complaint_id)")"

# Two intake processes import the same new file at once: the import batch
# lock lets only one of them store each ticket.
both=$crash/both.csv
"$JIESU_BIN/../tools/gen_complaints" 20000 12 >"$both"
before=$(sql "SELECT count(*) FROM complaints")
other="ipc://$HARNESS_DIR/run/intake-2.router"
JIESU_INTAKE_ROUTER=$other JIESU_INTAKE_PUB=ipc://$HARNESS_DIR/run/intake-2.pub JIESU_INTAKE_HTTP_ADDR=off \
    "$JIESU_BIN/jiesu-intake" >"$HARNESS_DIR/intake-2.log" 2>&1 &
second=$!
wait_for "second intake ready" 20 grep -q ready "$HARNESS_DIR/intake-2.log"
user_key test-clerk clerk >/dev/null     # made once, before the two imports race for it
as_role clerk "$JIESU_BIN/jiesu" import "$both" >"$crash/both-1.out" 2>&1 &
one=$!
JIESU_INTAKE_ROUTER=$other as_role clerk "$JIESU_BIN/jiesu" import "$both" >"$crash/both-2.out" 2>&1
rc2=$?
rc1=0; wait "$one" || rc1=$?
check_eq "two intakes import one file at once, both succeed" "0 0" "$rc1 $rc2"
check_eq "… no ticket stored twice" 0 "$(sql "SELECT count(*) - count(DISTINCT ticket_no) FROM complaints")"
awk -F, '/^[0-9]+,/ { print $1 }' "$both" | sort -u >"$crash/both.tickets"
check_eq "… every ticket of the file stored" 0 \
    "$(psql "$JIESU_PG_CONNINFO" -XtAq -v ON_ERROR_STOP=1 -c "CREATE TEMP TABLE f (t text)" \
        -c "\\copy f FROM '$crash/both.tickets'" -c "SELECT count(*) FROM f WHERE t NOT IN (SELECT ticket_no FROM complaints)")"
check_eq "… the two imports inserted what was new between them, the rest counted as duplicates or refused" \
    "$(($(sql "SELECT count(*) FROM complaints") - before)) 40000" \
    "$(sql "SELECT sum(inserted) || ' ' || sum(inserted + duplicates + rejected) FROM (SELECT * FROM imports ORDER BY id DESC LIMIT 2) i")"
check_eq "… each refusing the same rows" 1 "$(sql "SELECT count(DISTINCT rejected) FROM (SELECT * FROM imports ORDER BY id DESC LIMIT 2) i")"
kill -TERM "$second"; wait "$second"
harness_services_stop
