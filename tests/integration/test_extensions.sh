# test_extensions.sh — a unit's request for more time (申请延期) on the real
# services: the owner unit asks (`jiesu extend`), a dispatcher approves and
# the order's 办结 deadline moves in the same transaction, escalation's
# ladder then following the new time (nothing at the old, its 督办 at the
# new: the escalation clock moved, never slept); approved after the old
# deadline passed, the order overdue until the approval and counting down
# after it (jiesu show, the order page, the unit's list), the history saying
# it was overdue, its 督办 and 问责预警 raised again for the new deadline,
# named as after the extension, never early nor twice; a rejection changes nothing
# but the record; each refusal (unreadable time, a second request, not later,
# too late, overdue, status, a co-handler, another unit, one's own request,
# nothing to decide, a lapsed request) and each role refused; the same request
# or decision sent again done before; discipline inspection deciding the
# conduct complaints' requests, which no dispatcher reads, and no street office's
# (neither listed to it, nor offered on the page, nor taken); the history, the
# order's 延期申请 and `jiesu extensions` naming who did what.
# On the workbench: the owner's form 申请延期 on the order page (an
# unreadable time refused, what was typed kept), the dispatcher's list
# 待审核的延期申请 and the approve and reject forms, the unit's list with the
# decision. Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_extensions "escalation.reconcile_seconds = 2" "escalation.patterns_seconds = 3600"
ext_dir=$HARNESS_DIR/extensions
mkdir -p "$ext_dir"
jiesu() { "$JIESU_BIN/jiesu" "$@"; }
set_clock() { sql "UPDATE esc_clock SET offset_seconds = $1" >/dev/null; }
said() { grep -qF -- "$1" "$ext_dir/out"; }     # said TEXT: the last command's output has it
# order TICKET STATUS DUE [UNIT] [CATEGORY]: an order UNIT (中韩街道) owns,
# 综合行政执法局 co-handling it, its 办结 deadline started 14 days ago and due
# DUE from now.
order() {
    local unit=${4:-370212001} category=${5:-}
    sql "WITH c AS (
           INSERT INTO complaints (ticket_no, called_at, address, content, status, category)
           VALUES ('$1', now(), '张村社区', '垃圾未清运', '$2', nullif('$category', '')) RETURNING id),
         a AS (INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons)
           SELECT c.id, u.id, r.role, '370212001', 'test', 'test' FROM c, units u
             JOIN (VALUES ('$unit', 'owner'), ('370212.zhifa', 'co')) r(code, role) ON r.code = u.code
            WHERE '$category' = '' OR r.role = 'owner')
         INSERT INTO deadlines (complaint_id, kind, unit_id, started_at, due_at)
         SELECT c.id, 'resolve', u.id, now() - interval '14 days', now() + interval '$3'
           FROM c, units u WHERE u.code = '$unit'" >/dev/null
}
due() { sql "SELECT to_char(timezone('Asia/Shanghai', d.due_at ${2:-}), 'YYYY-MM-DD HH24:MI') FROM deadlines d
             JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = '$1' AND d.kind = 'resolve'"; }
supervised() { sql "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id
                    WHERE c.ticket_no = '$1' AND a.rung = 'supervise'"; }
events() { sql "SELECT string_agg(e.event || ' ' || e.actor, ', ' ORDER BY e.id) FROM complaint_events e
                JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$1' AND e.event LIKE 'extension%'"; }

order EXT-1 accepted '1 day'
order SENTINEL accepted '1 day 30 minutes'
wait_for "escalation planned both deadlines" 20 sql_eq "SELECT count(*) FROM deadlines WHERE rung_next IN ('supervise', 'accountability')" 2
old=$(due EXT-1) new=$(due EXT-1 "+ interval '2 days'")

# 1. The owner asks; the same request again is done before; a second one waits.
as_unit 370212001 jiesu extend EXT-1 "$new" "需协调燃气公司施工，预计两天" >"$ext_dir/out" 2>&1
check_eq "the owner's request is taken" 0 $?
check "… saying from when to when and who decides" said "extend EXT-1：办理中（已申请把办结时限从 $old 延至 $new，等待派单员审核）"
check_eq "… the deadline unchanged while it waits" "$old" "$(due EXT-1)"
as_unit 370212001 jiesu extend EXT-1 "$new" "需协调燃气公司施工，预计两天" >"$ext_dir/out" 2>&1
check "the same request again: done before, nothing recorded" said "extend EXT-1：办理中（此前已办理，未作改动）"
as_unit 370212001 jiesu extend EXT-1 "$(due EXT-1 "+ interval '3 days'")" "再多一天" >"$ext_dir/out" 2>&1
check "another request while one waits is refused, naming it and who decides" \
    said "工单 EXT-1 已有一份待审核的延期申请（u-370212001 "
check "… and what to do" said "同一时间只能有一份，请等派单员审核后再申请"
check_eq "one request, one event" "1 extension_requested u-370212001" \
    "$(sql "SELECT count(*) FROM extension_requests")$(echo " $(events EXT-1)")"

# 2. Who may not decide, and who may not ask.
as_unit 370212001 jiesu extension approve EXT-1 >"$ext_dir/out" 2>&1
check "a handler's approval is refused, saying who may" said "u-370212001 的角色是承办人员；只有派单员、纪委监委可以这样做"
as_role callback jiesu extension reject EXT-1 "不行" >"$ext_dir/out" 2>&1
check "… a callback agent's rejection too" said "的角色是回访员；只有派单员、纪委监委可以这样做"
as_role clerk jiesu extend EXT-1 "$new" "帮单位申请" >"$ext_dir/out" 2>&1
check "a clerk's request is refused, saying who may" said "test-clerk 的角色是话务员；只有承办人员、纪委监委可以这样做"
as_role dispatcher jiesu extend EXT-1 "$new" "派单员申请" >"$ext_dir/out" 2>&1
check "… a dispatcher's too" said "只有承办人员、纪委监委可以这样做"
as_unit 370212.zhifa jiesu extend EXT-1 "$new" "协办也要时间" >"$ext_dir/out" 2>&1
check "the co-handler is told the lead unit asks" \
    said "工单 EXT-1 由中韩街道主办，本单位协办：延期由主办单位申请，协办单位不能申请延期；需要更多时间的，请告知中韩街道，由它申请"
as_unit 370212002 jiesu extend EXT-1 "$new" "别的街道" >"$ext_dir/out" 2>&1
check "another unit hears of no order of theirs" said "没有可由本单位办理的工单 EXT-1"
as_unit 370212.campaign jiesu extensions >"$ext_dir/out" 2>&1
check "a campaign office's list of requests is refused, saying who reads it" said "的角色是创城办；只有"
jiesu extension accept EXT-1 >"$ext_dir/out" 2>&1
check_eq "jiesu extension with neither approve nor reject: a usage error" 2 $?
check "… saying what to write" said "extension：要写 approve（批准）或 reject（驳回），不是“accept”"
check_eq "none of them recorded anything" 1 "$(sql "SELECT count(*) FROM complaint_events WHERE event LIKE 'extension%'")"

# 3. The dispatcher approves: the deadline moves now, and the ladder with it;
# a repeat merged into the order (合并办理: resolved with it) moves with it.
order EXT-1R accepted '1 day'
sql "UPDATE complaints SET parent_id = (SELECT id FROM complaints WHERE ticket_no = 'EXT-1') WHERE ticket_no = 'EXT-1R'" >/dev/null
as_role dispatcher jiesu extensions >"$ext_dir/out" 2>&1
check "the dispatcher's list has the waiting request" said "EXT-1"
check "… with its reason and what to do" said "需协调燃气公司施工，预计两天"
as_role dispatcher jiesu extension approve EXT-1 "同意，请按期办结" >"$ext_dir/out" 2>&1
check_eq "the dispatcher approves" 0 $?
check "… told the deadline moved, and the merged repeat's with it" \
    said "extension approve EXT-1：办理中（已批准延期：办结时限由 $old 延至 $new；与之合并的重复工单 1 件随之延期）"
check_eq "… the 办结 deadline is the new one" "$new" "$(due EXT-1)"
check_eq "… the repeat's too, its event the dispatcher's saying with which order" \
    "$new extension_approved test-dispatcher 与工单 EXT-1 合并办理，随之延期" \
    "$(due EXT-1R) $(sql "SELECT e.event || ' ' || e.actor || ' ' || (e.detail->>'note') FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = 'EXT-1R' AND e.event LIKE 'extension%'")"
as_role dispatcher jiesu extension approve EXT-1 "同意，请按期办结" >"$ext_dir/out" 2>&1
check "the same approval again: done before" said "extension approve EXT-1：办理中（此前已办理，未作改动）"
user_key dispatcher2 dispatcher >/dev/null
JIESU_CLI_KEY_FILE=$HARNESS_DIR/users/dispatcher2.key jiesu extension reject EXT-1 "不同意" >"$ext_dir/out" 2>&1
check "another dispatcher after it: nothing to decide, saying who approved" said "已由test-dispatcher于 "
check_eq "two events, each the person's" "extension_requested u-370212001, extension_approved test-dispatcher" "$(events EXT-1)"
# The old deadline passes (the sentinel, due half an hour after it, fires its 督办 by then): EXT-1 none.
set_clock $((86400 + 3600))
wait_for "the sentinel's 督办, due after EXT-1's old deadline" 30 sql_eq "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'SENTINEL' AND a.rung = 'supervise'" 1
check_eq "no 督办 at the old deadline, nor for the repeat" "0 0" "$(supervised EXT-1) $(supervised EXT-1R)"
set_clock $((3 * 86400 + 3600))
check "its 督办 at the new deadline" wait_for "EXT-1 supervised" 30 sql_eq "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'EXT-1' AND a.rung = 'supervise'" 1
check "… its reason naming the new deadline" \
    test "$(sql "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'EXT-1' AND a.rung = 'supervise' AND a.reason LIKE '%$new%'")" = 1
set_clock 0

# 4. Rejected: nothing changes but the record; a date alone is that day's end of work.
order EXT-2 accepted '2 days'
old2=$(due EXT-2) day=$(sql "SELECT to_char(timezone('Asia/Shanghai', now() + interval '5 days'), 'YYYY-MM-DD')")
as_unit 370212001 jiesu extend EXT-2 "$day" "等待业主回复" >"$ext_dir/out" 2>&1
check "a date alone: that day at the end of its working day" said "延至 $day 17:30，等待派单员审核"
as_role dispatcher jiesu extension reject EXT-2 >"$ext_dir/out" 2>&1
check_eq "a rejection without its reason: a usage error" 2 $?
as_role dispatcher jiesu extension reject EXT-2 "两天足够，请抓紧" >"$ext_dir/out" 2>&1
check "rejected, the deadline as it was" said "extension reject EXT-2：办理中（已驳回延期申请（申请延至 $day 17:30）：办结时限仍为 $old2）"
check_eq "… unchanged" "$old2" "$(due EXT-2)"
as_unit 370212001 jiesu extensions >"$ext_dir/out" 2>&1
check "the unit's list has its requests and their decisions" \
    bash -c "grep -q 'EXT-2.*已驳回（test-dispatcher ' '$ext_dir/out' && grep -q 'EXT-1.*已批准（test-dispatcher ' '$ext_dir/out'"
as_unit 370212001 jiesu show EXT-2 >"$ext_dir/out" 2>&1
check "jiesu show: the order's 延期申请 with its decision" said "两天足够，请抓紧"
check "… the history's 申请延期, by the person" said "u-370212001（中韩街道）"
check "… and 驳回延期 with the deadlines" said "不同意延至 $day 17:30，办结时限仍为 $old2"
check "… in Chinese words, no event code" bash -c "grep -q '驳回延期' '$ext_dir/out' && ! grep -q extension_ '$ext_dir/out'"

# 5. The refusals of a request, each saying why and what to do.
refused() {     # refused TICKET DUE SAID: the owner's request refused so, nothing recorded
    local before; before=$(sql "SELECT count(*) FROM extension_requests")
    as_unit 370212001 jiesu extend "$1" "$2" "理由" >"$ext_dir/out" 2>&1
    [ $? -eq 1 ] && said "$3" && [ "$(sql "SELECT count(*) FROM extension_requests")" = "$before" ]
}
check "an unreadable time: the forms to write" refused EXT-2 "下周五" \
    "看不懂新的办结时限“下周五”：请写日期，如 2026-12-20（当天下班时到期），或日期和时间，如 2026-12-20 12:00"
check "a date that does not exist" refused EXT-2 "2026-02-30" "看不懂新的办结时限“2026-02-30”"
check "not later than the deadline" refused EXT-2 "$(due EXT-2 "- interval '1 hour'")" "不晚于工单 EXT-2 现在的办结时限 $old2：请写比它晚的时间"
check "more than 30 days after it: the latest it may be" refused EXT-2 "$(due EXT-2 "+ interval '31 days'")" \
    "最多延至 $(due EXT-2 "+ interval '30 days'")（现在的办结时限 $old2 之后 30 天）"
order EXT-3 accepted '-1 hour'
check "overdue: refused, saying to resolve" refused EXT-3 "$(due EXT-3 "+ interval '2 days'")" "的办结时限 $(due EXT-3) 已过（已逾期）：逾期后不能再申请延期，请尽快办结"
order EXT-4 dispatched '2 days'
check "not signed for: sign first" refused EXT-4 "$(due EXT-4 "+ interval '2 days'")" "工单 EXT-4 状态为待签收，不能申请延期：请先签收，再申请延期"
order EXT-5 waiting '2 days'
check "on hold: resume first" refused EXT-5 "$(due EXT-5 "+ interval '2 days'")" "工单 EXT-5 状态为暂缓办理，不能申请延期：请先恢复办理"
as_unit 370212001 jiesu extend EXT-2 "2026-12-20" >"$ext_dir/out" 2>&1
check_eq "no reason: a usage error" 2 $?
as_role dispatcher jiesu extension approve EXT-4 >"$ext_dir/out" 2>&1
check "nothing to decide" said "工单 EXT-4 没有待审核的延期申请"

# 6. A request lapses when the order leaves the unit's hands undecided.
order EXT-6 accepted '2 days'
as_unit 370212001 jiesu extend EXT-6 "$(due EXT-6 "+ interval '1 day'")" "再等一天" >/dev/null 2>&1
as_unit 370212001 jiesu resolve EXT-6 "已清运" >/dev/null 2>&1
as_role dispatcher jiesu extension approve EXT-6 >"$ext_dir/out" 2>&1
check "resolved before a decision: the request has lapsed" said "的延期申请（u-370212001 申请延至"
check "… saying so" said "已失效，不用审核：审核之前工单已是已办结待回访"

# 7. A conduct complaint's request: discipline inspection decides, never the asker; no dispatcher reads it.
order EXT-7 accepted '2 days' 370212.discipline conduct
as_unit 370212.discipline jiesu extend EXT-7 "$(due EXT-7 "+ interval '1 day'")" "需调取监控" >"$ext_dir/out" 2>&1
check "discipline inspection asks for the conduct complaint it holds" said "等待纪委监委（申请人以外的人）审核"
as_role dispatcher jiesu extension approve EXT-7 >"$ext_dir/out" 2>&1
check "a dispatcher hears of no such order" said "没有工单号为 EXT-7 的工单"
as_role dispatcher jiesu extensions >"$ext_dir/out" 2>&1
check "… nor lists it" fails said "EXT-7"
as_unit 370212.discipline jiesu extension approve EXT-7 >"$ext_dir/out" 2>&1
check "the inspector who asked may not decide" said "工单 EXT-7 的延期申请是您本人提出的，不能自己审核：请由另一位纪委监委（申请人以外的人）审核"
user_key inspector2 discipline 370212.discipline >/dev/null
JIESU_CLI_KEY_FILE=$HARNESS_DIR/users/inspector2.key jiesu extension approve EXT-7 "同意" >"$ext_dir/out" 2>&1
check "another inspector approves it" said "extension approve EXT-7：办理中（已批准延期：办结时限由 "
check_eq "… by that person" "extension_requested u-370212.discipline, extension_approved inspector2" "$(events EXT-7)"

# 7b. A street office's request is a dispatcher's to decide: discipline inspection, which reads the
# district's orders, neither lists it nor decides it (an inspector's rejection was taken).
order EXT-11 accepted '2 days'
as_unit 370212001 jiesu extend EXT-11 "$(due EXT-11 "+ interval '1 day'")" "等材料" >/dev/null 2>&1
as_unit 370212.discipline jiesu extensions >"$ext_dir/out" 2>&1
check "discipline inspection's list of requests leaves a street office's out" fails said "EXT-11"
as_unit 370212.discipline jiesu extension reject EXT-11 "不同意" >"$ext_dir/out" 2>&1
check "… and its rejection is refused, saying who decides" \
    said "工单 EXT-11 由中韩街道办理，它的延期申请由派单员审核：纪委监委只审核本单位办理的干部作风投诉的延期申请"
check_eq "… nothing decided, nothing recorded" "pending: extension_requested u-370212001" \
    "$(sql "SELECT r.state FROM extension_requests r JOIN complaints c ON c.id = r.complaint_id
            WHERE c.ticket_no = 'EXT-11'"): $(events EXT-11)"

# 8. The workbench: the same doors, the same checks.
body_has() { grep -qF -- "$1" "$WEB_DIR/body"; }
web_user zhong handler 370212001 钟晓梅
web_user paidan dispatcher "" 派单员小李
for u in zhong paidan; do web_signin "$WEB_DIR/$u.jar" "$u" >/dev/null; done
order EXT-8 accepted '2 days'
old8=$(due EXT-8) new8=$(due EXT-8 "+ interval '1 day'")
check_eq "the owner's order page" 200 "$(web_get "$WEB_DIR/zhong.jar" "/work/order?t=EXT-8")"
check "… offers 申请延期: the new deadline and a required reason" \
    sh -c "grep -q '<label>新的办结时限<input name=\"due\" required' '$WEB_DIR/body' &&
           grep -q '<label>延期理由<input name=\"reason\" required' '$WEB_DIR/body' && grep -q '申请延期</button>' '$WEB_DIR/body'"
web_get "$WEB_DIR/paidan.jar" "/work/order?t=EXT-8" >/dev/null
check "… the dispatcher's page of it offers no decision, nothing waits" fails body_has 'value="extension_approve"'
check_eq "an unreadable time from the page is refused" 409 "$(web_act "$WEB_DIR/zhong.jar" EXT-8 extend -F "due=下礼拜" -F "reason=等材料")"
check "… saying the forms to write, what was typed kept" \
    sh -c "grep -q '看不懂新的办结时限“下礼拜”' '$WEB_DIR/act.html' && grep -q 'value=\"下礼拜\"' '$WEB_DIR/act.html' &&
           grep -q 'value=\"等材料\"' '$WEB_DIR/act.html'"
check_eq "the request from the page" 303 "$(web_act "$WEB_DIR/zhong.jar" EXT-8 extend -F "due=$new8" -F "reason=等材料")"
check_eq "… recorded as the person's" "extension_requested zhong" "$(events EXT-8)"
web_get "$WEB_DIR/zhong.jar" "/work/order?t=EXT-8&done=extend" >/dev/null
check "… the page says it waits, and offers no second request" \
    sh -c "grep -q '延期申请已提交，等待审核' '$WEB_DIR/body' && grep -q '延期申请待审核：申请把办结时限延至 $new8' '$WEB_DIR/body' &&
           ! grep -q 'value=\"extend\"' '$WEB_DIR/body'"
web_get "$WEB_DIR/paidan.jar" /work >/dev/null
check "the dispatcher's workbench lists 待审核的延期申请, the ticket a link to its page" \
    sh -c "grep -q '<h2>待审核的延期申请</h2>' '$WEB_DIR/body' && grep -q 'href=\"/work/order?t=EXT-8\">EXT-8</a>' '$WEB_DIR/body'"
web_get "$WEB_DIR/paidan.jar" "/work/order?t=EXT-8" >/dev/null
check "… its page offers approval and rejection, the rejection's reason required" \
    sh -c "grep -q '批准延期</button>' '$WEB_DIR/body' && grep -q '<label>驳回原因<input name=\"reason\" required' '$WEB_DIR/body'"
check_eq "a rejection without its reason is refused" 409 "$(web_act "$WEB_DIR/paidan.jar" EXT-8 extension_reject -F "reason=")"
check "… saying what to write" grep -q '驳回延期申请需要写明驳回原因，请填写后再提交' "$WEB_DIR/act.html"
check_eq "the approval from the page" 303 "$(web_act "$WEB_DIR/paidan.jar" EXT-8 extension_approve -F "reason=同意")"
check_eq "… the deadline moved" "$new8" "$(due EXT-8)"
check_eq "… each event the person's" "extension_requested zhong, extension_approved paidan" "$(events EXT-8)"
web_get "$WEB_DIR/zhong.jar" /work >/dev/null
check "the unit's workbench: its request approved, by whom" \
    sh -c "grep -q '<h2>本单位的延期申请</h2>' '$WEB_DIR/body' && grep -q '已批准（派单员小李 ' '$WEB_DIR/body'"
web_get "$WEB_DIR/zhong.jar" "/work/order?t=EXT-8" >/dev/null
check "… its page: the history in words, by name, the deadlines" \
    sh -c "grep -q '批准延期' '$WEB_DIR/body' && grep -q '派单员小李' '$WEB_DIR/body' && grep -q '办结时限由 $old8 延至 $new8' '$WEB_DIR/body'"
web_user jiwei discipline 370212.discipline
web_signin "$WEB_DIR/jiwei.jar" jiwei >/dev/null
web_get "$WEB_DIR/jiwei.jar" "/work/order?t=EXT-9" >/dev/null
check "discipline inspection's page of a street office's order offers no decision on its request" \
    fails body_has 'value="extension_approve"'
web_get "$WEB_DIR/jiwei.jar" /work >/dev/null
check "… nor does its workbench list the request" fails body_has 'EXT-9'
order EXT-10 accepted '2 days' 370212.discipline conduct
web_act "$WEB_DIR/jiwei.jar" EXT-10 extend -F "due=$(due EXT-10 "+ interval '1 day'")" -F "reason=需调取监控" >/dev/null
web_get "$WEB_DIR/jiwei.jar" "/work/order?t=EXT-10" >/dev/null
check "an inspector's own request on its page: another inspector decides (it read 由派单员审核)" \
    sh -c "grep -q '由另一位纪委监委（申请人以外的人）审核；审核之前时限照常计算' '$WEB_DIR/body' &&
           ! grep -q '由派单员审核' '$WEB_DIR/body'"
web_get "$WEB_DIR/jiwei.jar" /work >/dev/null
check "… its workbench lists it under its unit's requests, saying who decides (it read 待审核的和本单位的)" \
    sh -c "grep -q '<h2>本单位的延期申请（由申请人以外的纪委监委审核）</h2>' '$WEB_DIR/body' &&
           grep -q 'href=\"/work/order?t=EXT-10\">EXT-10</a>' '$WEB_DIR/body'"

# 9. Approved after the old deadline passed: between the two the order is overdue (its 督办 raised at
# the old time); once approved the new deadline lies ahead and nothing says overdue but the history;
# at the new deadline, still not resolved, its 督办 is raised again, named as after the extension,
# never before it nor twice (planned again: the alerts' key keeps it single), its 问责预警 the same.
order EXT-9 accepted '1 day'
order SENTINEL-9 accepted '71 hours'
wait_for "escalation planned both" 20 sql_eq "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
    WHERE c.ticket_no IN ('EXT-9', 'SENTINEL-9') AND d.rung_next IN ('supervise', 'accountability')" 2
old9=$(due EXT-9) new9=$(due EXT-9 "+ interval '2 days'")
rung_of() { sql "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id
                 WHERE c.ticket_no = '$1' AND a.rung = '$2' ${3:+AND a.reason LIKE '$3'}"; }
rung_is() { [ "$(rung_of "$1" "$2" "${4:-}")" = "$3" ]; }     # rung_is TICKET RUNG COUNT [REASON-LIKE]
as_unit 370212001 jiesu extend EXT-9 "$new9" "等燃气公司施工" >/dev/null 2>&1
set_clock $((86400 + 3600))
check "not decided by the old deadline: its 督办 at the old time" wait_for "EXT-9 supervised" 30 rung_is EXT-9 supervise 1
as_unit 370212001 jiesu show EXT-9 >"$ext_dir/out" 2>&1
check "… jiesu show: the 办结 deadline overdue" said "已逾期 "
web_get "$WEB_DIR/zhong.jar" /work >/dev/null
check "… the unit's list: overdue" grep -q '<tr class="overdue"><td class="ticket"><a href="/work/order?t=EXT-9">' "$WEB_DIR/body"
as_role dispatcher jiesu extension approve EXT-9 "同意" >"$ext_dir/out" 2>&1
check "approved late: the dispatcher told the old deadline had passed" \
    said "extension approve EXT-9：办理中（已批准延期：办结时限由 $old9 延至 $new9（批准时原办结时限已过））"
as_unit 370212001 jiesu show EXT-9 >"$ext_dir/out" 2>&1
check "… jiesu show: time left, no longer overdue" bash -c "grep -q '剩余 ' '$ext_dir/out' && ! grep -q '已逾期 ' '$ext_dir/out'"
check "… its history keeps that it was overdue" said "办结时限由 $old9 延至 $new9（批准时原办结时限已过）"
web_get "$WEB_DIR/zhong.jar" "/work/order?t=EXT-9" >/dev/null
check "… the order page the same" sh -c "grep -q '剩余 ' '$WEB_DIR/body' && ! grep -q '已逾期 ' '$WEB_DIR/body' &&
    grep -q '（批准时原办结时限已过）' '$WEB_DIR/body'"
web_get "$WEB_DIR/zhong.jar" /work >/dev/null
check "… the unit's list: not overdue" sh -c "grep -q '<a href=\"/work/order?t=EXT-9\">' '$WEB_DIR/body' &&
    ! grep -q '<tr class=\"overdue\"><td class=\"ticket\"><a href=\"/work/order?t=EXT-9\">' '$WEB_DIR/body'"
set_clock $((3 * 86400 - 1800))
wait_for "the sentinel's 督办, half an hour before EXT-9's new deadline" 30 rung_is SENTINEL-9 supervise 1
check_eq "no second 督办 before the new deadline, no 催办 again since the approval" "1 1" "$(rung_of EXT-9 supervise) $(rung_of EXT-9 remind)"
set_clock $((3 * 86400 + 3600))
check "still not resolved at the new deadline: its 督办 again" wait_for "EXT-9 supervised again" 30 rung_is EXT-9 supervise 2
check_eq "… its reason saying the deadline was extended, from when to when" 1 \
    "$(rung_of EXT-9 supervise "%办结时限 $new9 已到期%（经批准延期，由 $old9 延至 $new9）%")"
sql "UPDATE deadlines d SET rung_next = NULL, rung_at = NULL FROM complaints c
      WHERE c.id = d.complaint_id AND c.ticket_no = 'EXT-9'" >/dev/null
wait_for "EXT-9 planned again" 30 sql_eq "SELECT d.rung_next FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
    WHERE c.ticket_no = 'EXT-9'" accountability
check_eq "… planned again, not raised twice" "2 1" "$(rung_of EXT-9 supervise) $(rung_of EXT-9 remind)"
set_clock $((12 * 86400))
check "its 问责预警 at its time after the new deadline, named so too" wait_for "EXT-9 accountability" 30 \
    rung_is EXT-9 accountability 1 "%（经批准延期，由 $old9 延至 $new9）%"
set_clock 0

harness_services_stop
