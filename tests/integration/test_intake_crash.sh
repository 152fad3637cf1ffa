# test_intake_crash.sh — kill -9 of the intake service in the middle of a big
# file, restart, import the file again: every row ends up exactly once (one
# complaint, one 'imported' event, one routing decision each), the killed
# import is recorded as interrupted, and the re-run, on a terminal, draws the
# progress bar (rows/s, ETA).
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_intake_crash
harness_services_start "intake.batch_rows = 5000"
crash=$HARNESS_DIR/intake_crash
rm -rf "$crash"; mkdir -p "$crash"
rows=60000
"$JIESU_BIN/../tools/gen_complaints" "$rows" 11 --days 60 >"$crash/big.csv"

"$JIESU_BIN/jiesu" import "$crash/big.csv" >"$crash/first.out" 2>&1 &
cli_pid=$!
wait_for "the first batches committed" 60 sql_gt "SELECT coalesce(max(inserted), 0) FROM imports" 0
committed=$(sql "SELECT inserted FROM imports ORDER BY id DESC LIMIT 1")
svc_kill9 intake
kill "$cli_pid" 2>/dev/null; wait "$cli_pid" 2>/dev/null
check "intake was killed mid-file" test "$committed" -gt 0 -a "$committed" -lt "$rows"
check_eq "what was committed before the kill is all there" 1 \
    "$(sql "SELECT (count(*) >= $committed)::int FROM complaints")"

svc_start intake
wait_for "intake ready again" 20 svc_ready intake
script -qc "'$JIESU_BIN/jiesu' import '$crash/big.csv'" /dev/null >"$crash/second.out" 2>&1
check "the re-run succeeds" grep -q "big.csv: $rows rows" "$crash/second.out"
check "on a terminal it shows a progress bar with rows/s and an ETA" grep -q 'rows/s  ETA' "$crash/second.out"
check_eq "every row exactly once" "$rows $rows" "$(sql "SELECT count(*) || ' ' || count(DISTINCT ticket_no) FROM complaints")"
check_eq "one 'imported' event per complaint" "$rows" \
    "$(sql "SELECT count(DISTINCT complaint_id) FROM complaint_events WHERE event = 'imported' HAVING count(*) = count(DISTINCT complaint_id)")"
check_eq "the killed import is recorded as interrupted" 1 \
    "$(sql "SELECT count(*) FROM imports WHERE status = 'failed' AND error LIKE 'interrupted%'")"
check_eq "the re-run counts the earlier rows as duplicates" "$rows" \
    "$(sql "SELECT inserted + duplicates FROM imports WHERE status = 'done'")"
wait_for "every complaint routed" 120 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
check_eq "each routed exactly once" "$rows" \
    "$(sql "SELECT count(DISTINCT complaint_id) FROM assignments WHERE active AND role IN ('owner', 'manual') HAVING count(*) = count(DISTINCT complaint_id)")"
harness_services_stop
