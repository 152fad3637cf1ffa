# test_web_handback.sh — an order not this district's business handed back
# to the city hotline (退回热线), against the real services: an order whose
# address is in 黄岛区 lands in the manual queue; the handler, the callback
# agent, the clerk and the campaign office are refused, on the page and at
# the terminal, saying who may, nothing recorded; the dispatcher's page
# offers the form, a refusal (no reason, a stale form) keeps the reason
# typed; the dispatcher hands it back from the page with a reason, recorded
# as theirs with it in the order's history (the page, `jiesu show`); a
# second attempt (`jiesu handback`) is answered done and records nothing; the
# order has left the manual queue (`jiesu manual`, the workbench, the wall
# board, `jiesu report`) and no unit is charged with it (the per-street
# summary, the daily sheet, the board); the bulletin's hot spots count it
# in a row of its own, 已退回热线; Open311 publishes it closed.
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_web_handback
clerk=$(web_token handback-clerk clerk)
routed() { sql_eq "SELECT count(*) FROM complaints WHERE ticket_no = '$1' AND status <> 'new'" 1; }
status_of() { sql "SELECT status FROM complaints WHERE ticket_no = '$1'"; }
handed() { sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
                 WHERE c.ticket_no = '$1' AND e.event = 'handed_back'"; }

a=$(web_file "$clerk" "崂山区中韩街道海尔路178号" "海尔路178号门口垃圾桶满了三天没人清运")
out=$(web_file "$clerk" "青岛市黄岛区长江中路1号" "长江中路路边垃圾堆积没人清运")
for t in "$a" "$out"; do wait_for "$t routed" 30 routed "$t"; done
check_eq "中韩's order dispatched; the 黄岛区 one in the manual queue" "dispatched manual" \
    "$(status_of "$a") $(status_of "$out")"
check "… its reason: outside the jurisdiction" sql_eq "SELECT count(*) FROM assignments a JOIN complaints c
    ON c.id = a.complaint_id WHERE c.ticket_no = '$out' AND a.active AND a.role = 'manual' AND a.reasons LIKE '%不在本辖区%'" 1

web_user paidan dispatcher "" 派单员小李
web_user zhong handler 370212001
web_user huifang callback
web_user huawu clerk
web_user chuangcheng campaign 370212.campaign
for u in paidan zhong huifang huawu chuangcheng; do web_signin "$WEB_DIR/$u.jar" "$u" >/dev/null; done
dj=$WEB_DIR/paidan.jar
report_json() { "$JIESU_BIN/jiesu" report --json >"$WEB_DIR/report.json" 2>"$WEB_DIR/report.err"; }
board() { web_get "$dj" /api/board >/dev/null; cp "$WEB_DIR/body" "$WEB_DIR/board.json"; }

# ---- before: waiting in the queue ----
report_json
check_eq "jiesu report: one order waiting for a dispatcher" 1 "$(jq .manual "$WEB_DIR/report.json")"
streets_before=$(jq -c '[.streets[] | [.code, .total, .open, .resolved, .overdue]]' "$WEB_DIR/report.json")
board
check_eq "the wall board counts it in the queue" 1 "$(jq -r .queue.manual "$WEB_DIR/board.json")"
units_before=$(jq -c '[.units[] | [.code, .overdue, .alerts]]' "$WEB_DIR/board.json")
check_eq "the dispatcher's page of it" 200 "$(web_get "$dj" "/work/order?t=$out")"
check "… offers 退回热线 with a required reason beside 派单" \
    sh -c "grep -q 'name=\"action\" value=\"handback\"><label>退回热线的理由<input name=\"reason\" required' '$WEB_DIR/body' &&
           grep -q '退回热线（非本区事项）</button>' '$WEB_DIR/body' && grep -q 'value=\"dispatch\"' '$WEB_DIR/body'"
web_get "$dj" "/work/order?t=$a" >/dev/null
check "… not on an order a unit holds (改派 only)" sh -c "! grep -q 'value=\"handback\"' '$WEB_DIR/body'"

# ---- refused to every other role, nothing recorded ----
who='只有派单员可以这样做'
for u in zhong huifang huawu chuangcheng; do
    check_eq "$u's 退回热线 on the page: refused" 403 "$(web_act "$WEB_DIR/$u.jar" "$out" handback -F reason=不是本区的事)"
    check "… saying who may" grep -q "$u 的角色是.*；$who" "$WEB_DIR/act.html"
done
as_unit 370212001 "$JIESU_BIN/jiesu" handback "$out" 不是本区的事 >"$WEB_DIR/h-unit.out" 2>&1
check_eq "jiesu handback by a handler: exit 1" 1 "$?"
check "… saying: 承办人员；$who" grep -q "u-370212001 的角色是承办人员；$who" "$WEB_DIR/h-unit.out"
for role in callback clerk; do
    as_role "$role" "$JIESU_BIN/jiesu" handback "$out" 不是本区的事 >"$WEB_DIR/h-$role.out" 2>&1
    check_eq "jiesu handback by the $role role: exit 1" 1 "$?"
    check "… saying who may" grep -q "test-$role 的角色是.*；$who" "$WEB_DIR/h-$role.out"
done
check_eq "… nothing recorded, the order still waiting" "0 manual" "$(handed "$out") $(status_of "$out")"

# ---- the dispatcher: a refusal keeps the reason typed ----
check_eq "the dispatcher's 退回热线 without a reason: refused" 409 "$(web_act "$dj" "$out" handback -F reason=)"
check "… saying the 退回热线的理由 the form asks for is needed" grep -q '未能办理：退回热线需要写明退回热线的理由，请填写后再提交' "$WEB_DIR/act.html"
check_eq "a stale form: refused" 403 "$(curl -s -b "$dj" -o "$WEB_DIR/act.html" -w '%{http_code}' -F csrf=0000 \
    -F "t=$out" -F action=handback -F reason=地址在黄岛区长江中路 "$WEB_BASE/work/act")"
check "… the page again, the reason as typed in the form" \
    grep -q 'value="handback"><label>退回热线的理由<input name="reason" required value="地址在黄岛区长江中路"' "$WEB_DIR/act.html"
check_eq "… nothing recorded" "0 manual" "$(handed "$out") $(status_of "$out")"

# ---- handed back from the page ----
check_eq "the dispatcher hands it back with a reason: 303 to the order" 303 \
    "$(web_act "$dj" "$out" handback -F reason=地址在黄岛区长江中路，非本区事项)"
check "… to the order's page saying so" grep -qi "^location: /work/order?t=$out&done=handback" "$WEB_DIR/act.headers"
web_get "$dj" "/work/order?t=$out&done=handback" >/dev/null
check "… 已退回热线，工单不再在人工派单队列中。" grep -q '已退回热线，工单不再在人工派单队列中。' "$WEB_DIR/body"
check_eq "… its status: handed_back" handed_back "$(status_of "$out")"
check "… the page: 已退回热线, no form left" \
    sh -c "grep -q '已退回热线' '$WEB_DIR/body' && ! grep -q 'value=\"handback\"\|value=\"dispatch\"' '$WEB_DIR/body'"
check "… its history: the dispatcher 退回热线 with the reason" \
    grep -q '<td data-label="操作人">派单员小李</td><td data-label="事件">退回热线</td>.*地址在黄岛区长江中路，非本区事项' "$WEB_DIR/body"
check_eq "… recorded once, as the dispatcher's, with the reason" "1 paidan 地址在黄岛区长江中路，非本区事项" \
    "$(sql "SELECT count(*) || ' ' || min(e.actor) || ' ' || min(e.detail->>'reason') FROM complaint_events e
             JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$out' AND e.event = 'handed_back'")"
check_eq "… no unit holds it" 0 "$(sql "SELECT count(*) FROM assignments a JOIN complaints c ON c.id = a.complaint_id
                                        WHERE c.ticket_no = '$out' AND a.active AND a.unit_id IS NOT NULL")"
huawu_search=$(web_get "$WEB_DIR/huawu.jar" "/work?t=$out")
check "the clerk's search by its number finds it, 已退回热线 (got $huawu_search)" \
    sh -c "grep -q '$out' '$WEB_DIR/body' && grep -q '已退回热线' '$WEB_DIR/body'"

# ---- again: done, nothing recorded twice ----
as_role dispatcher "$JIESU_BIN/jiesu" handback "$out" 再退一次 >"$WEB_DIR/h-again.out" 2>&1
check_eq "jiesu handback again: exit 0" 0 "$?"
check "… answered done, nothing changed" grep -qx "handback $out：已退回热线（此前已办理，未作改动）" "$WEB_DIR/h-again.out"
check_eq "… still one 退回热线 in its history" 1 "$(handed "$out")"
check_eq "the page's form sent again: 303, nothing recorded" "303 1" \
    "$(web_act "$dj" "$out" handback -F reason=又一次) $(handed "$out")"
as_role dispatcher "$JIESU_BIN/jiesu" dispatch "$out" 370212001 >"$WEB_DIR/d-after.out" 2>&1
check_eq "a dispatch after it: exit 1" 1 "$?"
check "… saying why" grep -q "工单 $out 状态为已退回热线，不能派单" "$WEB_DIR/d-after.out"
check_eq "… still handed back, no unit holds it" "handed_back 0" "$(status_of "$out") $(sql "SELECT count(*)
    FROM assignments a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = '$out' AND a.active
    AND a.unit_id IS NOT NULL")"
as_role dispatcher "$JIESU_BIN/jiesu" show "$out" >"$WEB_DIR/show.txt" 2>&1
check "jiesu show: 已退回热线, and who handed it back why" \
    sh -c "grep -q '已退回热线' '$WEB_DIR/show.txt' && grep -q '退回热线.*地址在黄岛区长江中路，非本区事项' '$WEB_DIR/show.txt'"

# ---- out of every queue; nobody charged ----
as_role dispatcher "$JIESU_BIN/jiesu" manual >"$WEB_DIR/manual.txt" 2>&1
check "jiesu manual no longer lists it" sh -c "! grep -q '$out' '$WEB_DIR/manual.txt'"
web_get "$dj" /work >/dev/null
check "the dispatcher's workbench no longer lists it" sh -c "! grep -q '$out' '$WEB_DIR/body'"
check_eq "… its status filter 已退回热线" 200 "$(web_get "$dj" "/work?status=handed_back")"
check "… finds it" \
    sh -c "grep -q '$out' '$WEB_DIR/body' && grep -q '<option value=\"handed_back\" selected>已退回热线</option>' '$WEB_DIR/body'"
report_json
check_eq "jiesu report: none waiting, none unrouted" "0 0" "$(jq -r '"\(.manual) \(.unrouted)"' "$WEB_DIR/report.json")"
check_eq "… every street's figures as before" "$streets_before" \
    "$(jq -c '[.streets[] | [.code, .total, .open, .resolved, .overdue]]' "$WEB_DIR/report.json")"
board
check_eq "the wall board: nothing in the queue, nothing unrouted" "0 0" \
    "$(jq -r '"\(.queue.manual) \(.queue.unrouted)"' "$WEB_DIR/board.json")"
check_eq "… every unit's row as before" "$units_before" "$(jq -c '[.units[] | [.code, .overdue, .alerts]]' "$WEB_DIR/board.json")"
"$JIESU_BIN/jiesu" daily --json >"$WEB_DIR/daily.json" 2>&1
check_eq "the daily sheet: one new order (中韩's), none closed" "1 0" \
    "$(jq -r '[.streets[].new] | add' "$WEB_DIR/daily.json") $(jq -r '[.streets[].closed] | add' "$WEB_DIR/daily.json")"
"$JIESU_BIN/jiesu" bulletin --week this --json >"$WEB_DIR/bulletin.json" 2>&1
check_eq "the bulletin's hot spots: in a row of its own, 已退回热线, not 尚未派单" "1 0 2" \
    "$(jq -r '[.hotspots.places[] | select(.kind == "handed_back") | .count] + [[.hotspots.places[] | select(.kind ==
        "unrouted" or .kind == "manual") | .count] | add // 0] + [.hotspots.places[] | select(.kind == "total") | .count]
        | map(tostring) | join(" ")' "$WEB_DIR/bulletin.json")"
check_eq "Open311 publishes it closed" 200 "$(curl -s -o "$WEB_DIR/open311.json" -w '%{http_code}' "$WEB_BASE/requests/$out.json")"
check_eq "… status closed, no agency" "closed null" "$(jq -r '.[0] | "\(.status) \(.agency_responsible)"' "$WEB_DIR/open311.json")"

harness_services_stop
