# test_outages.sh — PostgreSQL, then Redis, stopped under the four running
# services and started again.
# PostgreSQL away: every service stays up; Open311 answers 503 with
# Retry-After (the client keeps the complaint and sends it again), the pages
# and the board 503 saying in Chinese that the database cannot be reached,
# and `jiesu` (`jiesu status` too) says within seconds that the service
# cannot check keys now — not that the key is unknown, nor that nobody is
# there. Once it is back: the
# complaint sent again is filed once, an import goes through, everything
# filed is routed; and after a restart nobody saw (connections left idle
# across it), the first request of each kind is answered, not failed on a
# connection the server had closed, and the pages' times stay the city's
# local time (a reset connection starts in the server's zone, UTC here).
# Stopped in the middle of an import: the
# clerk is told the import's number and which rows are stored, the import is
# recorded failed once the database is back; importing the file again
# stores the rest, nothing twice.
# Redis away (and back empty, the worst case): complaints are still filed
# and imported (PostgreSQL is the record), every service answers `jiesu
# status` at once, running, with Redis down (assignment also when started
# while Redis is away), and once it is back they are
# routed and every pending deadline is armed again within seconds — not a
# reconciler period later (both periods are set to 10 minutes here; an order
# is old enough for the reconciler after 1 s instead of 10).
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_outages "assignment.reconcile_seconds = 600" "assignment.reconcile_min_age_seconds = 1" \
    "escalation.reconcile_seconds = 600" "intake.batch_rows = 10000"
stack=$REPO/scripts/stack.sh
dir=$WEB_DIR
clerk=$(web_token outage-clerk clerk)
# Keys made while the database is there: as_role looks users up in it.
clerk_key=$(user_key test-clerk clerk)
handler_key=$(user_key u-370212001 handler 370212001)
jiesu_as() { local key=$1; shift; JIESU_CLI_KEY_FILE=$key "$JIESU_BIN/jiesu" "$@"; }
# post NAME ADDRESS TEXT: files over Open311 with Idempotency-Key NAME; the
# status printed, the body in $dir/NAME.json, the headers in $dir/NAME.headers.
post() {
    curl -s -o "$dir/$1.json" -D "$dir/$1.headers" -w '%{http_code}' -H "Idempotency-Key: outage-$1" \
        --data-urlencode "api_key=$clerk" --data-urlencode "service_code=env.garbage" \
        --data-urlencode "description=$3" --data-urlencode "address_string=$2" "$OPEN311"
}
stack_start() {
    STACK_FAST=1 "$stack" start "$JIESU_STACK_DIR" "$JIESU_STACK_REDIS_PORT" "$(cat "$JIESU_STACK_DIR/pg.port")" >/dev/null
}
# gone: the services no longer running, each with its exit status ("reporting exit 134; ").
gone() {
    local s
    for s in $SERVICES; do
        kill -0 "$(cat "$HARNESS_DIR/$s.pid")" 2>/dev/null ||
            printf '%s exit %s; ' "$s" "$(cat "$HARNESS_DIR/$s.rc" 2>/dev/null || echo unknown)"
    done
}
# still_running WHAT: every service still runs; else the check names which
# ended and how, and the end of its log follows.
still_running() {
    local g s
    g=$(gone)
    check_eq "$1" "" "$g"
    for s in $SERVICES; do
        [[ $g == *"$s exit"* ]] && tail -n 20 "$HARNESS_DIR/$s.log" | sed "s/^/    $s: /"
    done
    return 0
}

check_eq "before: a complaint filed" 200 "$(post first "崂山区中韩街道海尔路178号" "海尔路178号门口垃圾桶满了三天没人清运")"
t1=$(jq -r '.[0].service_request_id' "$dir/first.json")
wait_for "it is routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
web_user chuangcheng campaign 370212.campaign
web_signin "$dir/c.jar" chuangcheng >/dev/null
"$JIESU_BIN/../tools/gen_complaints" 40 3 >"$dir/import.csv"

# --- PostgreSQL away ---------------------------------------------------------
"$stack" stop-pg "$JIESU_STACK_DIR"
check_eq "away: Open311 answers 503" 503 "$(post away "崂山区中韩街道海尔路1号" "停库时打来的投诉：路灯不亮")"
check "… with Retry-After, saying the database is out of reach" \
    sh -c "grep -qi '^Retry-After: 5' '$dir/away.headers' && grep -q '数据库暂时连不上，请过几秒钟再发送一次' '$dir/away.json'"
check_eq "away: the dashboard answers 503" 503 "$(web_get "$dir/c.jar" /)"; cp "$dir/body" "$dir/away.html"
check "… a page saying in Chinese that the database cannot be reached" \
    sh -c "grep -q '<h1>暂时无法显示</h1>' '$dir/away.html' && grep -q '暂时连不上数据库' '$dir/away.html'"
check_eq "away: the board answers 503" 503 "$(web_get "$dir/c.jar" /api/board)"
check "… in JSON, in Chinese" jq -e '.error | test("暂时连不上数据库")' "$dir/body"
start=$SECONDS
jiesu_as "$clerk_key" import "$dir/import.csv" >"$dir/import-away.out" 2>&1
check "away: jiesu import fails" test $? -ne 0
check "… within seconds" test $((SECONDS - start)) -le 8
check "… saying intake cannot check keys now, not that the key is unknown" \
    sh -c "grep -q '现在核对不了密钥' '$dir/import-away.out' && ! grep -q '没有登记' '$dir/import-away.out'"
jiesu_as "$handler_key" show "$t1" >"$dir/show-away.out" 2>&1
check "away: jiesu show fails, saying the same of reporting" \
    sh -c "grep -q 'reporting.*现在核对不了密钥' '$dir/show-away.out'"
still_running "away: all four services still run"
"$JIESU_BIN/jiesu" status >"$dir/status-away.out" 2>&1
check "away: jiesu status fails" test $? -ne 0
check "… each service running but unable to check keys without its database, none 'is it running?'" \
    sh -c "[ \$(grep -c '在运行，但谁也不放进来：连不上数据库就核对不了密钥' '$dir/status-away.out') = 4 ] &&
           ! grep -q 'is it running' '$dir/status-away.out'"
check "… PostgreSQL down, as the services found it" grep -q '^PostgreSQL *不通 .*工单受理服务：连不上（它核对不了密钥）' "$dir/status-away.out"
check "… and Redis not called down when nobody could say" grep -q '^Redis *不清楚 .*没有服务应答' "$dir/status-away.out"
check "… and their logs say why" grep -q "Connection refused" "$HARNESS_DIR/reporting.log"

# --- back --------------------------------------------------------------------
stack_start
said() { grep -c "$1" "$HARNESS_DIR/$2.log"; }
check "the loops said so once, not every second they retried (assignment, escalation, reporting)" \
    test "$(said 'out of reach for' assignment) $(said 'out of reach for' escalation) $(said 'out of reach for' reporting)" = "1 1 1"
# (its "working again" may follow once a round has worked since the restart)
check "… and escalation's deliveries once" test "$(said 'webhook delivery: .*retried every second' escalation)" -le 1
check_eq "back: the complaint sent again is filed" 200 "$(post away "崂山区中韩街道海尔路1号" "停库时打来的投诉：路灯不亮")"
check_eq "… once" 1 "$(sql "SELECT count(*) FROM complaints WHERE content LIKE '停库时打来的投诉%'")"
jiesu_as "$clerk_key" import "$dir/import.csv" >"$dir/import-back.out" 2>&1
check "back: the import goes through" test $? -eq 0
check_eq "… every row of it stored" 40 "$(sql "SELECT inserted FROM imports ORDER BY id DESC LIMIT 1")"
wait_for "everything filed is routed" 60 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
check_eq "everything filed is routed, nothing twice" "0 42" \
    "$(sql "SELECT count(*) FILTER (WHERE status = 'new') || ' ' || count(*) FROM complaints")"
check_eq "back: the board answers" 200 "$(web_get "$dir/c.jar" /api/board)"
# Each loop finds PostgreSQL back at its next try (escalation's a second
# apart, while the server may still be starting): waited for, not read at once.
check "… and the loops said they are back" wait_for "both loops' 'reachable again'" 30 \
    sh -c "grep -q 'PostgreSQL reachable again after' '$HARNESS_DIR/assignment.log' &&
           grep -q 'PostgreSQL reachable again after' '$HARNESS_DIR/escalation.log'"

# --- a restart while nobody asked: connections idle across it ----------------
called() {  # the call time the order page of $t1 shows
    web_get "$dir/c.jar" "/work/order?t=$t1" >/dev/null
    sed -n 's/.*<dt>来电时间<\/dt><dd>\([^<]*\)<.*/\1/p' "$dir/body"
}
local_called=$(sql "SELECT to_char(called_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') FROM complaints
                    WHERE ticket_no = '$t1'")
check_eq "before: the order page shows the call in the city's local time" "$local_called" "$(called)"
"$stack" stop-pg "$JIESU_STACK_DIR"
stack_start
check_eq "after a quiet restart the first Open311 POST is filed" 200 \
    "$(post quiet "崂山区中韩街道海尔路3号" "重启后的第一件投诉")"
check_eq "… the first page is shown" 200 "$(web_get "$dir/c.jar" /api/board)"
check_eq "… and the order page still in local time, not the server's zone (UTC)" "$local_called" "$(called)"
jiesu_as "$handler_key" show "$t1" >"$dir/show-quiet.out" 2>&1
check "… and the first jiesu show answers" test $? -eq 0
wait_for "it is routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
check "… and routed" sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0

# --- Redis away, and back empty ---------------------------------------------
rungs() { redis-cli -p "$JIESU_STACK_REDIS_PORT" ZRANGE jiesu:timers 0 -1 | grep -c '^r'; }
armed() {   # every pending deadline planned, and its next rung in the timers zset ("r<id>")
    sql_eq "SELECT count(*) FROM deadlines WHERE fired_at IS NULL AND paused_at IS NULL AND rung_next IS NULL" 0 &&
    [ "$(rungs)" = "$(sql "SELECT count(*) FROM deadlines WHERE fired_at IS NULL AND paused_at IS NULL
                           AND rung_next IN ('remind', 'supervise', 'accountability')")" ]
}
# (A deadline being planned is stored a moment before its rung is armed, so
# the checks take wait_for's answer rather than look a second time.)
wait_for "the deadlines armed" 30 armed
check "before: every pending deadline's rung armed, some 60" test $? -eq 0 -a "$(rungs)" -gt 40
redis-cli -p "$JIESU_STACK_REDIS_PORT" FLUSHALL >/dev/null
"$stack" stop-redis "$JIESU_STACK_DIR"
check_eq "Redis away: Open311 still files" 200 "$(post noredis "崂山区中韩街道海尔路5号" "Redis停机时打来的投诉")"
"$JIESU_BIN/../tools/gen_complaints" 30 4 >"$dir/import2.csv"
jiesu_as "$clerk_key" import "$dir/import2.csv" >"$dir/import-noredis.out" 2>&1
check "… and jiesu import too" test $? -eq 0
check_eq "… every row stored (or there already)" 30 "$(sql "SELECT inserted + duplicates FROM imports ORDER BY id DESC LIMIT 1")"
still_running "… all four services still run"
status_says() { "$JIESU_BIN/jiesu" status >"$dir/status-noredis.out" 2>&1; grep -q "$1" "$dir/status-noredis.out"; }
wait_for "jiesu status: Redis down" 20 status_says '^Redis  *不通 '
check "… jiesu status calls Redis down, as the services that use it see it, in Chinese (not 不清楚, nor hiredis's words)" \
    sh -c "grep -q '^Redis  *不通 .*工单受理服务：连不上（原因见它的日志）' '$dir/status-noredis.out' &&
           ! grep -qi 'refused\|closed\|cannot' '$dir/status-noredis.out'"
# Each service that uses Redis keeps answering while it retries: a try is
# refused at once, never a wait of 30 s for Redis that held up the loop and
# its pings (jiesu status then asked of assignment and escalation 它在运行吗？).
redis_users_say_down() {
    status_says '^Redis  *不通 ' && for s in 工单受理服务 自动派单服务 督办预警服务; do
        grep -q "^Redis .*$s：连不上（原因见它的日志）" "$dir/status-noredis.out" || return 1; done
}
all_running() { for s in 工单受理服务 自动派单服务 督办预警服务 报表服务; do grep -q "^$s  *正常 " "$1" || return 1; done; }
wait_for "the three services that use Redis say it is down" 20 redis_users_say_down
for round in 1 2 3; do
    start=$SECONDS
    "$JIESU_BIN/jiesu" status >"$dir/status-noredis-$round.out" 2>&1
    took=$((SECONDS - start))
    check "Redis away, jiesu status $round: answered within seconds ($took s), all four services running" \
        eval "[ $took -le 8 ] && all_running '$dir/status-noredis-$round.out'"
    check "… Redis down as assignment and escalation see it, none 'is it running?'" \
        sh -c "grep -q '^Redis .*自动派单服务：连不上.*督办预警服务：连不上' '$dir/status-noredis-$round.out' &&
               ! grep -q '它在运行吗' '$dir/status-noredis-$round.out'"
done
said_once() { local n; n=$(grep -c "$1" "$HARNESS_DIR/$2.log"); [ "$n" -ge 1 ] && [ "$n" -le 2 ]; }  # (2: a minute passed)
check "… and their logs said so when it began, not at every try" \
    eval "said_once 'Redis: .*out of reach for' assignment && said_once 'Redis: .*out of reach for' escalation"
# A service (re)started while Redis is away starts all the same: assignment
# exited, its routing queue not made, and so routed nothing until started by
# hand once Redis was back.
svc_kill9 assignment
svc_start assignment
wait_for "assignment started again while Redis is away" 20 svc_ready assignment
check "Redis away: assignment, started again, runs and answers as running" \
    eval '"$JIESU_BIN/jiesu" status >"$dir/status-restarted.out" 2>&1; all_running "$dir/status-restarted.out"'
check "… and calls Redis down, though it never reached it" \
    grep -q '^Redis .*自动派单服务：连不上（原因见它的日志）' "$dir/status-restarted.out"
stack_start
wait_for "everything routed after Redis is back" 40 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
check_eq "back: all of it routed within seconds" 0 "$(sql "SELECT count(*) FROM complaints WHERE status = 'new'")"
wait_for "the deadlines armed again" 30 armed
check "… and every pending deadline armed again" test $? -eq 0 -a "$(rungs)" -gt 40
check "… and the loops said Redis is back" \
    sh -c "grep -q 'Redis reachable again after' '$HARNESS_DIR/assignment.log' &&
           grep -q 'Redis reachable again after' '$HARNESS_DIR/escalation.log'"

# --- PostgreSQL stopped in the middle of an import -------------------------
# Its first batch or batches (intake.batch_rows, 10,000 here) committed, the
# rest cut off: the clerk is told how many records are stored (as many as the
# import's record says) and to import the file again, which stores the rest
# and files nothing twice.
"$JIESU_BIN/../tools/gen_complaints" 100000 11 >"$dir/big.csv"
last=$(sql "SELECT coalesce(max(id), 0) FROM imports")
jiesu_as "$clerk_key" import "$dir/big.csv" >"$dir/import-cut.out" 2>&1 &
importer=$!
wait_for "the import's first batch committed" 60 sql_gt "SELECT coalesce(max(rows_total), 0) FROM imports WHERE id > $last" 0
"$stack" stop-pg "$JIESU_STACK_DIR"
wait "$importer"
check "cut off: jiesu import fails" test $? -ne 0
cut_n=$(sed -n 's/.*表头之后的前 \([0-9]*\) 条记录已存.*/\1/p' "$dir/import-cut.out")
check "… saying the database went away, how many records are stored and to import the file again once it is back" \
    grep -q "导入中途数据库断开了（数据库的原话记在工单受理服务的日志里）；表头之后的前 [0-9]* 条记录已存（新存 [0-9]* 件），其余没有存：请等数据库恢复后再导入同一个文件" "$dir/import-cut.out"
check "… PostgreSQL's words in intake's log only" \
    sh -c "! grep -q 'COPY\|terminating\|server closed' '$dir/import-cut.out' && grep -q 'the database went away: ' '$HARNESS_DIR/intake.log'"
check "… naming the import's number and the stored part's rows" \
    sh -c "grep -q '^$dir/big.csv：第 $((last + 1)) 号导入没有做完：导入中途数据库断开了' '$dir/import-cut.out' &&
           grep -q '^$dir/big.csv：停下前导入的部分：共 ${cut_n:-?} 行，新存 [0-9]* 件' '$dir/import-cut.out'"
stack_start
# Its end could not be recorded with the database away: intake records it
# failed once the database is back, not at the next import.
wait_for "the cut import recorded failed" 30 sql_eq "SELECT status FROM imports WHERE id = $last + 1" failed
check_eq "back: the cut import is recorded failed, with its stored rows, before any other import" "failed ${cut_n:-?}" \
    "$(sql "SELECT status || ' ' || rows_total FROM imports WHERE id = $last + 1")"
jiesu_as "$clerk_key" import "$dir/big.csv" >"$dir/import-again.out" 2>&1
check "imported again: all 100,000 rows read, none rejected" grep -q "big.csv：共 100000 行，.*拒收 0 行" "$dir/import-again.out"
check_eq "… the cut one's record: failed after whole batches, before the file's end, as many as it said" \
    "failed ${cut_n:-?} yes" "$(sql "SELECT status || ' ' || rows_total || ' ' ||
        CASE WHEN rows_total % 10000 = 0 AND rows_total < 100000 THEN 'yes' ELSE 'no' END FROM imports WHERE id = $last + 1")"
tail -n +2 "$dir/big.csv" | cut -d, -f1 >"$dir/big.tickets"
sql "CREATE TABLE outage_file (ticket_no text)" >/dev/null
psql "$JIESU_PG_OWNER_CONNINFO" -Xq -c "\\copy outage_file FROM '$dir/big.tickets'"
check_eq "… every ticket of the file stored, each once" "100000 100000" \
    "$(sql "SELECT count(DISTINCT f.ticket_no) || ' ' || count(c.id) FROM outage_file f JOIN complaints c USING (ticket_no)")"
still_running "all four services ran throughout"
harness_services_stop
