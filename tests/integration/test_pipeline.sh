# test_pipeline.sh — the whole path with real processes: import the bundled
# sample, every complaint routed (its conduct complaints to discipline
# inspection, never to the office accused), overdue alerts raised exactly once, the
# report agrees with the database, re-import changes nothing, and a kill -9 of
# an assignment worker mid-stream loses and duplicates nothing.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_pipeline
harness_services_start "deadline.accept_seconds = 3" "deadline.resolve_seconds = 600" \
    "escalation.reconcile_seconds = 2" "assignment.claim_idle_ms = 2000"

jiesu() { "$JIESU_BIN/jiesu" "$@"; }
sample=$HARNESS_DIR/complaints.csv     # a copy, as on a clerk's machine: its rejects are fetched beside it
cp "$REPO/data/sample/complaints.csv" "$sample"

as_role clerk jiesu import "$sample" >"$HARNESS_DIR/import1.out" 2>&1
check "jiesu import of the bundled sample succeeds" test $? -eq 0
read -r total inserted dups rejected <<<"$(sql "SELECT rows_total, inserted, duplicates, rejected FROM imports ORDER BY id LIMIT 1" | tr '|' ' ')"
check_eq "import reads all 300 rows of the sample" 300 "$total"
check_eq "inserted + duplicates + rejected = rows" "$total" "$((inserted + dups + rejected))"
check_eq "complaints in the database = inserted" "$inserted" "$(sql "SELECT count(*) FROM complaints")"
check "the sample's bad rows were rejected" test "$rejected" -ge 3
rejects=$(ls "$HARNESS_DIR"/rejects/*.csv 2>/dev/null | head -n 1)
check_eq "rejects file lists each rejected row and the repeated ticket (row 241)" "$((rejected + dups))" \
    "$(($(grep -c '' "$rejects") - 1))"
check "… saying which row has it first" grep -q "^241,[0-9]*,工单编号,工单编号重复：第 240 条记录也是这个编号" "$rejects"

wait_for "every complaint routed" 60 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
check_eq "no complaint left unrouted" 0 "$(sql "SELECT count(*) FROM complaints WHERE status = 'new'")"
dispatched=$(sql "SELECT count(*) FROM complaints WHERE status = 'dispatched'")
owned_by() {       # owned_by KIND: dispatched orders whose owner is a unit of that kind
    sql "SELECT count(*) FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'owner'
         JOIN units u ON u.id = a.unit_id WHERE c.status = 'dispatched' AND u.kind = '$1'"
}
to_streets=$(owned_by street)
# Three sample rows complain of officials' conduct at a street office (every
# 100th, gen_complaints --conduct 100): discipline inspection's, never the
# accused office's.
check_eq "the sample's 3 conduct complaints go to discipline inspection" 3 "$(owned_by discipline)"
check_eq "... none of them to the street office whose address they give" 0 \
    "$(sql "SELECT count(*) FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active
            JOIN units u ON u.id = a.unit_id WHERE c.category LIKE 'conduct%' AND u.kind <> 'discipline'")"
check_eq "every dispatched order is a street office's or discipline inspection's" "$dispatched" "$((to_streets + 3))"
# About one sample row in ten names no place at all (data/sample/README.md); the
# rest name a street, community, road or landmark routing knows. Those placed
# only by a community in the content, a road's name alone or a house number in
# a shipped (approximate) range wait for a dispatcher too (about one in ten
# more): at least 70% go out.
check "most complaints dispatched to a street office" test "$to_streets" -ge $((inserted * 70 / 100))
check "complaints with no place wait for manual dispatch" test "$(sql "SELECT count(*) FROM complaints WHERE status = 'manual'")" -ge 1
check_eq "one active assignment per complaint" "$inserted" \
    "$(sql "SELECT count(DISTINCT complaint_id) FROM assignments WHERE active")"
check_eq "no complaint assigned twice" 0 \
    "$(sql "SELECT count(*) FROM (SELECT complaint_id FROM assignments WHERE active AND role IN ('owner', 'manual') GROUP BY 1 HAVING count(*) > 1) d")"
check_eq "every order dispatched to a street office is that street's" "$to_streets" \
    "$(sql "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.active AND u.kind = 'street' AND u.code = a.street_code")"
check_eq "an 'imported' event per complaint" "$inserted" "$(sql "SELECT count(*) FROM complaint_events WHERE event = 'imported'")"
check_eq "a routing event per complaint" "$inserted" "$(sql "SELECT count(*) FROM complaint_events WHERE event IN ('routed', 'manual')")"
check "the decision keeps its reasons" test "$(sql "SELECT count(*) FROM assignments WHERE reasons = ''")" = 0

wait_for "accept deadlines fire" 60 sql_eq "SELECT count(*) FROM alerts WHERE rung = 'supervise' AND subject = 'accept'" "$dispatched"
check_eq "an accept supervise alert for every dispatched order" "$dispatched" \
    "$(sql "SELECT count(*) FROM alerts WHERE rung = 'supervise' AND subject = 'accept'")"
check_eq "no alert fired early" 0 "$(sql "SELECT count(*) FROM alerts a JOIN deadlines d ON d.id = a.deadline_id WHERE a.created_at < a.due_at OR (a.rung = 'supervise' AND a.created_at < d.due_at)")"
check_eq "no resolve alert before its deadline" 0 "$(sql "SELECT count(*) FROM alerts WHERE subject = 'resolve'")"

jiesu report --json >"$HARNESS_DIR/report.json" 2>"$HARNESS_DIR/report.err"
check "jiesu report answers" test -s "$HARNESS_DIR/report.json"
check_eq "report total = orders owned by streets" "$to_streets" "$(jq '[.streets[].total] | add' "$HARNESS_DIR/report.json")"
check_eq "report manual = manual queue" "$(sql "SELECT count(*) FROM complaints WHERE status = 'manual'")" "$(jq '.manual' "$HARNESS_DIR/report.json")"
street_owner="assignments s JOIN units u ON u.id = s.unit_id AND u.kind = 'street'"   # not discipline inspection's
check_eq "report alerts = alerts on street orders" \
    "$(sql "SELECT count(*) FROM alerts a JOIN $street_owner ON s.complaint_id = a.complaint_id AND s.active AND s.role = 'owner'")" \
    "$(jq '[.streets[].alerts] | add' "$HARNESS_DIR/report.json")"
for code in $(sql "SELECT code FROM units WHERE kind = 'street'"); do
    check_eq "report count for street $code" \
        "$(sql "SELECT count(*) FROM $street_owner WHERE s.active AND s.role = 'owner' AND s.street_code = '$code'")" \
        "$(jq --arg c "$code" '[.streets[] | select(.code == $c) | .total] | add // 0' "$HARNESS_DIR/report.json")"
done

as_role clerk jiesu import "$sample" >"$HARNESS_DIR/import2.out" 2>&1
check "re-import of the same file succeeds" test $? -eq 0
check_eq "re-import inserts nothing" 0 "$(sql "SELECT inserted FROM imports ORDER BY id DESC LIMIT 1")"
check_eq "re-import leaves the complaint count alone" "$inserted" "$(sql "SELECT count(*) FROM complaints")"

# A worker killed mid-batch: its entries are claimed by the next, nothing twice.
big=$HARNESS_DIR/big.csv
"$JIESU_BIN/../tools/gen_complaints" 50000 7 >"$big"
svc_kill9 assignment
as_role clerk jiesu import "$big" >"$HARNESS_DIR/import3.out" 2>&1
check "import of 50,000 generated rows succeeds" test $? -eq 0
before=$(sql "SELECT count(*) FROM complaints WHERE status <> 'new'")
svc_start assignment
wait_for "routing under way" 60 sql_gt "SELECT count(*) FROM complaints WHERE status <> 'new'" "$before"
svc_kill9 assignment
check "killed while orders were still waiting" test "$(sql "SELECT count(*) FROM complaints WHERE status = 'new'")" -gt 0
svc_start assignment
wait_for "assignment back" 20 svc_ready assignment
all=$(sql "SELECT count(*) FROM complaints")
wait_for "every complaint routed after the crash" 120 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
check_eq "after kill -9: every complaint routed" 0 "$(sql "SELECT count(*) FROM complaints WHERE status = 'new'")"
check_eq "after kill -9: exactly one active owner or manual assignment each" "$all" \
    "$(sql "SELECT count(*) FROM assignments WHERE active AND role IN ('owner', 'manual')")"
check_eq "after kill -9: one routing event each" "$all" "$(sql "SELECT count(*) FROM complaint_events WHERE event IN ('routed', 'manual')")"

harness_services_stop
