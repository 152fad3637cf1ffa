# test_web_board.sh — the wall board (the dashboard's top, /api/board)
# against the real services: orders filed over Open311 and routed, made
# overdue on escalation's clock (esc_clock, as test_web_work.sh does), which
# raises their alerts; one alert acknowledged. Over HTTP (curl): each role's
# scope — a street office only its own row, discipline inspection the
# conduct complaint the campaign office never sees, the dispatcher the manual
# queue's count; no personal data; the administrator, who reads no orders,
# told so instead of a board of zeros. In Chromium (tests/browser/board.test.mjs):
# the figures on the campaign office's screen equal PostgreSQL's counts, a new
# overdue order shows up without reloading, nothing scrolls sideways on a
# phone, the ranking tables each row on one line at 390 and 1280 px,
# screenshots at 1920×1080 and 390×844 in var/test/screenshots.
# Working time on the official calendar: the board, the list and the order
# page count an overdue deadline across 端午节 alike, and a day off stored
# by `jiesu holidays add` counts on their next request. An order put on hold
# (暂缓办理), or resumed, read in the second before escalation stops or
# restarts its clock (escalation held still): no overdue order, or overdue
# again, at once, as its page and the workbench's list say it.
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_web_board "escalation.reconcile_seconds = 1"
clerk=$(web_token board-clerk clerk)
file() { web_file "$clerk" "$@"; }
# Escalation's clock moved 30 s past the latest unmet accept deadline: every order filed so far is overdue.
past_accept() {
    sql "UPDATE esc_clock SET offset_seconds = (SELECT extract(epoch FROM max(due_at) - now())::int + 30
         FROM deadlines WHERE kind = 'accept' AND met_at IS NULL)" >/dev/null
}
supervised() {      # every dispatched order has its supervise alert
    sql_eq "SELECT count(*) FROM complaints c WHERE c.status = 'dispatched' AND NOT EXISTS
            (SELECT 1 FROM alerts a WHERE a.complaint_id = c.id AND a.rung = 'supervise')" 0
}

a1=$(file "崂山区中韩街道海尔路178号" "海尔路178号门口垃圾桶满了三天没人清运，联系电话13812345678")
a2=$(file "崂山区中韩街道海尔路180号" "海尔路180号垃圾箱破损")
b1=$(file "崂山区沙子口街道南姜社区" "南姜社区路边垃圾堆积")
conduct=$(file "崂山区中韩街道" "中韩街道办工作人员态度恶劣，吃拿卡要，推诿不办" conduct)
lost=$(file "某处" "有人乱扔垃圾")
wait_for "the five orders routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE status <> 'new'" 5
past_accept
wait_for "the supervise alerts" 30 supervised
check "escalation raised them" supervised
sql "UPDATE alerts SET acked_at = now(), acked_by = 'test' WHERE id = (SELECT a.id FROM alerts a
     JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = '$b1' AND a.rung = 'remind')" >/dev/null

# An alert about a unit, not an order (单位超期率过高), sent to discipline inspection.
sql "INSERT INTO alerts (rung, cycle, unit_id, target, target_unit_id, reason, subject)
     SELECT 'unit_overdue', 1, u.id, 'discipline', t.id, '单位超期率过高：中韩街道（测试）', 'test-week'
       FROM units u, units t WHERE u.code = '370212001' AND t.code = '370212.discipline'" >/dev/null

web_user zhong handler 370212001
web_user jiwei discipline 370212.discipline
web_user paidan dispatcher
web_user chuangcheng campaign 370212.campaign
for u in zhong jiwei paidan chuangcheng; do web_signin "$WEB_DIR/$u.jar" "$u" >/dev/null; done
board() { web_get "$WEB_DIR/$1.jar" /api/board >/dev/null; cp "$WEB_DIR/body" "$WEB_DIR/board-$1.json"; }
for u in zhong jiwei paidan chuangcheng; do board "$u"; done

check_eq "without signing in: 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' "$WEB_BASE/api/board")"
check_eq "a street office sees only its own row" "370212001" "$(jq -r '[.units[].code] | join(",")' "$WEB_DIR/board-zhong.json")"
check_eq "… its two overdue orders, listed" "$(printf '%s\n' "$a1" "$a2" | sort | xargs)" \
    "$(jq -r '.overdue[].ticket' "$WEB_DIR/board-zhong.json" | sort | xargs)"
check_eq "… and no manual queue or unrouted count (district-wide)" null "$(jq -c .queue "$WEB_DIR/board-zhong.json")"
check "the campaign office sees every street of its district, 0 or not" \
    jq -e '[.units[] | select(.code == "370212001" or .code == "370212002" or .code == "370212003")] | length == 3' \
    "$WEB_DIR/board-chuangcheng.json"
check "… but not the conduct complaint" sh -c "! grep -q '$conduct' '$WEB_DIR/board-chuangcheng.json'"
check "discipline inspection sees it, overdue, on its own row" \
    jq -e --arg t "$conduct" '[.overdue[] | select(.ticket == $t and (.unit | test("纪委监委")))] | length == 1' \
    "$WEB_DIR/board-jiwei.json"
check_eq "an alert about a unit (单位超期率过高) is no alert on its orders: on no row, in no list, as in 告警次数" \
    "0 0" "$(jq -r '"\([.alerts[] | select(.ticket == "")] | length) \(.alerts_total - (.alerts | length))"' \
            "$WEB_DIR/board-jiwei.json")"
check_eq "the dispatcher sees the manual queue's order counted beside the units" 1 \
    "$(jq -r .queue.manual "$WEB_DIR/board-paidan.json")"
check "the acknowledged alert is not open any more" \
    jq -e --arg t "$b1" '[.alerts[] | select(.ticket == $t and .rung == "remind")] | length == 0' \
    "$WEB_DIR/board-chuangcheng.json"
check "rungs and deadlines in Chinese, overdue in working time" \
    jq -e '(.alerts | map(.rung_name) | all(test("^[催督问]"))) and (.overdue | all(.deadline == "签收"
           and (.overdue_for | test("分钟|小时|工作日"))))' "$WEB_DIR/board-chuangcheng.json"
check "no personal data: neither the caller's phone nor the text" \
    sh -c "! grep -q '13812345678\|138\*\|垃圾桶满了' '$WEB_DIR'/board-*.json"
check_eq "the dashboard carries the board and its script" 200 "$(web_get "$WEB_DIR/chuangcheng.jar" "/?refresh=2")"
check "… with data-refresh=2 and /api/board in it" \
    sh -c "grep -q 'data-refresh=\"2\"' '$WEB_DIR/body' && grep -q \"fetch('/api/board'\" '$WEB_DIR/body'"
check "… and, for a browser that runs no script, what to do, not the address of its JSON" \
    sh -c "grep -q '请在浏览器设置里允许本站运行脚本，再刷新本页' '$WEB_DIR/body' && ! grep -q '数据见 /api/board' '$WEB_DIR/body'"
check "… naming open alerts 未确认告警, as jiesu alerts and the workbench name alerts, not 预警" \
    sh -c "grep -q '未确认告警' '$WEB_DIR/body' && ! grep -q '未确认预警' '$WEB_DIR/body'"
# ---- from a unit's row to its orders: the name links to the workbench's list of them ----
listed() {      # listed JAR URL: the tickets of the workbench list at URL (not its alerts), sorted, on one line
    web_get "$WEB_DIR/$1.jar" "$2" >/dev/null
    web_column 工单号 2>/dev/null | sort | xargs
}
check_eq "the campaign office's board gives 中韩街道's row the list of its overdue orders" \
    "/work?unit=370212001&overdue=1" \
    "$(jq -r '.units[] | select(.code == "370212001") | .orders' "$WEB_DIR/board-chuangcheng.json")"
check_eq "… which lists those its 超期工单 counts, and no other street's" \
    "$(jq -r '.overdue[] | select(.unit == "中韩街道") | .ticket' "$WEB_DIR/board-chuangcheng.json" | sort | xargs)" \
    "$(listed chuangcheng '/work?unit=370212001&overdue=1')"
check_eq "… as many as the row says" "$(jq -r '.units[] | select(.code == "370212001") | .overdue' \
    "$WEB_DIR/board-chuangcheng.json")" "$(grep -o 'class="total">[0-9]*' "$WEB_DIR/body" | sed 's/.*>//')"
check "… saying whose they are and what it lists, with the way back to the whole list" \
    sh -c "grep -q '只列出<b>中韩街道</b>承办的<b>超期</b>工单' '$WEB_DIR/body' && grep -q '<a href=\"/work\">看全部工单</a>' '$WEB_DIR/body'"
check "… the filters keep the unit, and offer 只看超期, ticked" \
    sh -c "grep -q 'name=\"unit\" value=\"370212001\"' '$WEB_DIR/body' && grep -q 'name=\"overdue\" value=\"1\" checked' '$WEB_DIR/body'"
check_eq "沙子口街道's row: its one overdue order" "$b1" "$(listed chuangcheng \
    "$(jq -r '.units[] | select(.code == "370212002") | .orders' "$WEB_DIR/board-chuangcheng.json")")"
check_eq "the dispatcher's board links there too, and its list (the manual queue by default) lists them" \
    "$(printf '%s\n' "$a1" "$a2" | sort | xargs)" "$(listed paidan \
    "$(jq -r '.units[] | select(.code == "370212001") | .orders' "$WEB_DIR/board-paidan.json")")"
check_eq "a code no unit has: nothing listed" "" "$(listed chuangcheng '/work?unit=999&overdue=1')"
check "… and said so" grep -q '没有代码为“999”的单位' "$WEB_DIR/body"
check_eq "the campaign office's list says whose each order is (承办单位), in the rows' order" \
    "$(web_get "$WEB_DIR/chuangcheng.jar" /work >/dev/null
       sql "SELECT string_agg(u.name, ' ' ORDER BY x.n) FROM unnest(string_to_array('$(web_column 工单号 | xargs)', ' '))
                   WITH ORDINALITY AS x(t, n) JOIN complaints c ON c.ticket_no = x.t
              JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'owner' JOIN units u ON u.id = a.unit_id")" \
    "$(web_column 承办单位 | xargs)"
check "… each unit linking to its orders" grep -q '<td class="k unit"><a href="/work?unit=370212001">中韩街道</a></td>' "$WEB_DIR/body"
check_eq "… which lists 中韩街道's" "$(printf '%s\n' "$a1" "$a2" | sort | xargs)" "$(listed chuangcheng '/work?unit=370212001')"
check "… and says so" grep -q '只列出<b>中韩街道</b>承办的工单。' "$WEB_DIR/body"
web_get "$WEB_DIR/chuangcheng.jar" "/?refresh=2" >/dev/null
check "the board's page links each unit's name to that list and each ticket to its order's page" \
    sh -c "grep -q \"\\[u.name,'t',u.orders\\]\" '$WEB_DIR/body' && grep -q \"'/work/order?t='\" '$WEB_DIR/body'"
web_user guanli admin
web_signin "$WEB_DIR/guanli.jar" guanli >/dev/null
check_eq "the administrator's dashboard (it reads no orders)" 200 "$(web_get "$WEB_DIR/guanli.jar" /)"
check "… says the board is not shown to it and who reads it, not a board of zeros as if none were overdue" \
    sh -c "grep -q '系统管理员的账号不查看工单，这里不列出超期工单和告警（查看它们的是话务员、' '$WEB_DIR/body' &&
           ! grep -q \"fetch('/api/board'\" '$WEB_DIR/body' && grep -q '街道排名' '$WEB_DIR/body'"

if browser_ready "the wall board"; then
    browser_run board.test.mjs PG_CONNINFO="$JIESU_PG_OWNER_CONNINFO" OPEN311="$OPEN311" CLERK_KEY="$clerk"
    for s in board-desktop board-phone ranking-phone; do
        check "screenshot $s.png saved under var/" test -s "$HARNESS_ROOT/screenshots/$s.png"
    done
fi
# ---- an order put on hold, then resumed, read before escalation stops or restarts its clock ----
# a2, signed for, its resolve deadline 10 minutes past on escalation's clock, is put on hold: the board
# read its clock from deadlines.paused_at alone, which escalation sets about a second later, and
# listed it overdue meanwhile, where its page and 中韩's list said 暂停计时; resumed, it was missing
# from the board for that second, though overdue again, by what it was when put on hold.
paused_of() {       # paused_of TICKET: how many of its resolve deadlines have their clock stopped
    sql "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
         WHERE c.ticket_no = '$1' AND d.kind = 'resolve' AND d.paused_at IS NOT NULL"
}
paused_is() { [ "$(paused_of "$1")" = "$2" ]; }
overdue_on_board() {    # overdue_on_board TICKET: 中韩's board lists it overdue to be resolved
    board zhong
    jq -e --arg t "$1" '[.overdue[] | select(.ticket == $t and .deadline == "办结")] | length == 1' \
        "$WEB_DIR/board-zhong.json" >/dev/null
}
as_unit 370212001 "$JIESU_BIN/jiesu" accept "$a2" >"$WEB_DIR/accept.out" 2>&1
sql "UPDATE deadlines SET due_at = esc_now() - interval '10 minutes'
      WHERE kind = 'resolve' AND complaint_id = (SELECT id FROM complaints WHERE ticket_no = '$a2')" >/dev/null
check "a2, signed for, is overdue to be resolved on 中韩's board" overdue_on_board "$a2"
wait_for "escalation held still between its transactions" 10 esc_held
as_unit 370212001 "$JIESU_BIN/jiesu" wait "$a2" 等待环卫公司调配车辆 >"$WEB_DIR/wait.out" 2>&1
check "put on hold, it is no overdue order on the board at once, its clock stopped" fails overdue_on_board "$a2"
check_eq "… (read before escalation stopped its clock)" "waiting 0" "$(sql "SELECT status FROM complaints
    WHERE ticket_no = '$a2'") $(paused_of "$a2")"
esc_go
check "… which it does" wait_for "a2's clock stopped" 10 paused_is "$a2" 1
wait_for "escalation held still between its transactions" 10 esc_held
as_unit 370212001 "$JIESU_BIN/jiesu" resume "$a2" >"$WEB_DIR/resume.out" 2>&1
check "resumed, it is overdue again on the board at once (put on hold overdue, it is overdue still)" \
    overdue_on_board "$a2"
check_eq "… (read before escalation restarted its clock)" "accepted 1" "$(sql "SELECT status FROM complaints
    WHERE ticket_no = '$a2'") $(paused_of "$a2")"
esc_go
check "… as it is once escalation has restarted it" wait_for "a2's clock restarted, overdue" 10 \
    sql_eq "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
            WHERE c.ticket_no = '$a2' AND d.kind = 'resolve' AND d.paused_at IS NULL AND d.due_at < esc_now()" 1
check "… and on the board" overdue_on_board "$a2"
# ---- working time on the official calendar, and a day stored while the pages run ----
# a1's accept deadline fell due on Thursday 2026-06-18 12:00; escalation's clock stands on Monday
# 2026-06-22 12:00. Friday 06-19 is 端午节 (bundled 2026 notice): overdue by one working day
# (Thursday 12:00–17:30 and Monday 08:30–12:00), not two.
sql "UPDATE deadlines SET due_at = '2026-06-18 12:00+08' WHERE kind = 'accept' AND complaint_id =
     (SELECT id FROM complaints WHERE ticket_no = '$a1')" >/dev/null
sql "UPDATE esc_clock SET offset_seconds = extract(epoch FROM '2026-06-22 12:00+08'::timestamptz - now())::int" >/dev/null
overdue_for() {     # overdue_for SPAN: 中韩's board, list and order page all say a1 is overdue by SPAN
    board zhong
    jq -e --arg t "$a1" --arg s "$1" '[.overdue[] | select(.ticket == $t and .overdue_for == $s)] | length == 1' \
        "$WEB_DIR/board-zhong.json" >/dev/null &&
        web_get "$WEB_DIR/zhong.jar" "/work?t=$a1" >/dev/null && grep -q "已逾期 $1<" "$WEB_DIR/body" &&
        web_get "$WEB_DIR/zhong.jar" "/work/order?t=$a1" >/dev/null && grep -q "已逾期 $1<" "$WEB_DIR/body"
}
check "端午节 is no working day: the board, the list and the order page say 已逾期 1个工作日" overdue_for 1个工作日
"$JIESU_BIN/jiesu" -k "$JIESU_KEYS_DIR/admin.key" holidays add 2026-06-22 调休测试 --off >"$WEB_DIR/holiday.out" 2>&1
check "a day off stored for Monday 06-22 by the administrator (no deadline re-timed: a1's fell due before it)" \
    grep -q "已存：新增或改动 1 天，未变 0 天；0 个未到期的时限重新计算" "$WEB_DIR/holiday.out"
check "the next request of each page counts it, no restart: 已逾期 5小时30分 (Thursday's afternoon only)" overdue_for 5小时30分
svc_role=$(psql "$JIESU_PG_CONNINFO" -XtAc "SELECT current_user")
sql "REVOKE SELECT ON holidays FROM $svc_role" >/dev/null
check_eq "table holidays unreadable: the list answers 503, not a time left counted without holidays" 503 \
    "$(web_get "$WEB_DIR/zhong.jar" /work)"
check "… saying so in Chinese and what to do" grep -q "暂时无法读取节假日安排，工作时间无法计算，请稍后刷新" "$WEB_DIR/body"
check_eq "… the board too (JSON)" 503 "$(web_get "$WEB_DIR/zhong.jar" /api/board)"
sql "GRANT SELECT ON holidays TO $svc_role" >/dev/null
check_eq "readable again: the list is back" 200 "$(web_get "$WEB_DIR/zhong.jar" /work)"
sql "REVOKE SELECT ON alerts FROM $svc_role" >/dev/null
check_eq "the list's own query refused: 503" 503 "$(web_get "$WEB_DIR/zhong.jar" /work)"
check "… saying what to do in Chinese, not PostgreSQL's words" \
    sh -c "grep -q '暂时无法读取工单，请稍后刷新' '$WEB_DIR/body' && ! grep -qi 'permission\|alerts' '$WEB_DIR/body'"
said() {        # the last answer says $1 and nothing of PostgreSQL's
    grep -q "$1" "$WEB_DIR/body" && ! grep -qi 'permission\|alerts' "$WEB_DIR/body" && ! grep -q 'ERROR:' "$WEB_DIR/body"
}
check_eq "the board's read refused: 503" 503 "$(web_get "$WEB_DIR/chuangcheng.jar" /api/board)"
check "… its JSON says what to do in Chinese, the board shows it" said '"error": "暂时无法读取看板，请稍后刷新'
check_eq "the dashboard's bulletin read refused: 503" 503 "$(web_get "$WEB_DIR/chuangcheng.jar" /)"
check "… a page (not JSON) saying what to do in Chinese" \
    sh -c "grep -qi 'content-type: text/html' '$WEB_DIR/headers' && grep -q '<h1>暂时无法显示</h1>' '$WEB_DIR/body'"
check "… and nothing of PostgreSQL's words" said '暂时无法读取周通报的数据，请稍后刷新'
check_eq "the weekly bulletin's page: 503 too" 503 "$(web_get "$WEB_DIR/chuangcheng.jar" /bulletin.html)"
check "… the same page" said '暂时无法读取周通报的数据，请稍后刷新'
check "the reason is in the reporting service's log" grep -q "GET /bulletin.html: .*permission denied" "$HARNESS_DIR/reporting.log"
sql "GRANT SELECT ON alerts TO $svc_role" >/dev/null
sql "UPDATE esc_clock SET offset_seconds = 0" >/dev/null
# ---- from the bulletin's 超期数 to the orders behind it ----
# b1's resolve deadline fell due earlier today, unmet: 沙子口街道's 超期数 this week is 1.
sql "UPDATE deadlines SET due_at = now() - (now() - date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai')
                                                     AT TIME ZONE 'Asia/Shanghai') / 2
      WHERE kind = 'resolve' AND complaint_id = (SELECT id FROM complaints WHERE ticket_no = '$b1')" >/dev/null
check_eq "this week's bulletin on the web" 200 "$(web_get "$WEB_DIR/chuangcheng.jar" '/bulletin.html?week=this')"
check "沙子口街道's 超期数 links to its rows of the list of overdue and escalated orders" \
    grep -q '<a href="#orders-370212002" title="看这些工单">1</a>' "$WEB_DIR/body"
check "… which are headed there by the unit's name" grep -q '<tr class="unit" id="orders-370212002"><th colspan="10">沙子口街道' \
    "$WEB_DIR/body"
check "… each ticket linking to its order's page" grep -q "<td class=\"t\"><a href=\"/work/order?t=$b1\">$b1</a></td>" \
    "$WEB_DIR/body"
as_unit 370212.campaign "$JIESU_BIN/jiesu" bulletin --week 本周 --out "$WEB_DIR/files" >/dev/null 2>&1
check "the bulletin's file, read away from the workbench, has no link into it" \
    sh -c "ls '$WEB_DIR'/files/bulletin-*.html >/dev/null && ! grep -q '/work/order\|href=\"#orders-' '$WEB_DIR'/files/bulletin-*.html"
harness_services_stop
