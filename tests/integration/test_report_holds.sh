# test_report_holds.sh — the weekly bulletin's 暂缓与延期: per unit, the
# orders it put on hold in the week, the working time its orders stood on
# hold within the week, and its requests for more time asked, approved and
# rejected in it; through the real services (`jiesu bulletin` --json, its
# files, its printed summary) over a history written for 2026-W47
# (2026-11-16 to 2026-11-22, no holiday): a hold begun the week before
# counts its part in the week, one still going counts to the week's end, a
# merged repeat put on hold with its order and a hold wholly before the week
# count nothing; the longest time on hold first; a handler reads its unit's
# row alone. `jiesu report` shows the same per street within the dates given.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_report_holds
harness_services_start
wait_for "reporting ready" 20 svc_ready reporting
out=$HARNESS_DIR/holds
mkdir -p "$out"
jiesu() { "$JIESU_BIN/jiesu" "$@"; }
# order TICKET UNIT [PARENT]: an order UNIT owns, status waiting when it is on hold at the end.
order() {
    sql "WITH c AS (INSERT INTO complaints (ticket_no, called_at, address, content, status, parent_id)
                    VALUES ('$1', '2026-11-02 09:00+08', '张村社区', '垃圾未清运', 'accepted',
                            (SELECT id FROM complaints WHERE ticket_no = nullif('${3:-}', ''))) RETURNING id)
         INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons)
         SELECT c.id, u.id, 'owner', u.code, 'test', 'test' FROM c, units u WHERE u.code = '$2'" >/dev/null
}
# event TICKET EVENT AT FROM TO UNIT: an event of the order's history at AT (the city's time).
event() {
    sql "INSERT INTO complaint_events (complaint_id, at, actor, event, detail)
         SELECT id, '$3+08', 'u-$6', '$2', jsonb_build_object('from', '$4', 'to', '$5', 'unit', '$6', 'reason', '等待')
         FROM complaints WHERE ticket_no = '$1'" >/dev/null
}
# request TICKET UNIT ASKED STATE DECIDED: a request for more time of UNIT, asked and decided then.
request() {
    sql "INSERT INTO extension_requests (complaint_id, cycle, unit_id, requested_by, requested_at, due_from, due_to,
                                         reason, state, decided_by, decided_at, note)
         SELECT c.id, 1, u.id, 'u-$2', '$3+08', '2026-11-20 17:30+08', '2026-11-27 17:30+08', '需协调', '$4',
                'test-dispatcher', '$5+08', '不同意'
         FROM complaints c, units u WHERE c.ticket_no = '$1' AND u.code = '$2'" >/dev/null
}

# 中韩街道: H1 on hold Mon 09:30 to Tue 09:30 (8 + 1 working hours); H2 from
# the Friday before 16:30 to Mon 10:30 (2 in the week, not put on hold in it);
# H3 from Wed 17:00, still on hold (0.5 + 9 + 9), its repeat H3R with it
# (the same transaction: nothing of its own); H0 wholly the week before.
# 沙子口街道 (370212002): H4 on hold Thu 09:00 to 11:00, resolved (2 hours).
for t in H0 H1 H2 H3; do order $t 370212001; done
order H3R 370212001 H3
order H4 370212002
event H0 waiting '2026-11-09 09:00' accepted waiting 370212001
event H0 resumed '2026-11-10 09:00' waiting accepted 370212001
event H1 waiting '2026-11-16 09:30' accepted waiting 370212001
event H1 resumed '2026-11-17 09:30' waiting accepted 370212001
event H2 waiting '2026-11-13 16:30' accepted waiting 370212001
event H2 resumed '2026-11-16 10:30' waiting accepted 370212001
event H3 waiting '2026-11-18 17:00' accepted waiting 370212001
event H3R waiting '2026-11-18 17:00' accepted waiting 370212001
event H4 waiting '2026-11-19 09:00' accepted waiting 370212002
event H4 resolved '2026-11-19 11:00' waiting resolved 370212002
sql "UPDATE complaints SET status = 'waiting' WHERE ticket_no IN ('H3', 'H3R');
     UPDATE complaints SET status = 'resolved' WHERE ticket_no = 'H4'" >/dev/null
# 中韩街道's requests: two asked in the week (one approved, one rejected in
# it), one asked the week before and approved in it; 沙子口街道's asked after the week.
request H1 370212001 '2026-11-17 10:00' approved '2026-11-17 15:00'
request H2 370212001 '2026-11-18 10:00' rejected '2026-11-18 11:00'
request H0 370212001 '2026-11-12 10:00' approved '2026-11-16 09:00'
request H4 370212002 '2026-11-24 10:00' approved '2026-11-24 11:00'

as_role dispatcher jiesu bulletin --week 2026-W47 --json >"$out/b.json" 2>"$out/b.err"
check_eq "jiesu bulletin --json answers" 0 $?
check_eq "中韩街道: 2 put on hold, 29.5 working hours on hold, 2 asked, 2 approved, 1 rejected" "370212001 2 29.5 2 2 1" \
    "$(jq -r '.holds[0] | "\(.unit_code) \(.holds) \(.hold_hours) \(.extensions_asked) \(.extensions_approved) \(.extensions_rejected)"' "$out/b.json")"
check_eq "沙子口街道 after it (the longest on hold first): 1, 2.0 hours, none asked in the week" "370212002 1 2 0 0 0" \
    "$(jq -r '.holds[1] | "\(.unit_code) \(.holds) \(.hold_hours) \(.extensions_asked) \(.extensions_approved) \(.extensions_rejected)"' "$out/b.json")"
check_eq "no other unit listed" 2 "$(jq '.holds | length' "$out/b.json")"

as_role dispatcher jiesu bulletin --week 2026-W47 --out "$out/files" >"$out/b.out" 2>&1
check "the printed summary has the table 暂缓与延期 with its headings" \
    sh -c "grep -q '^暂缓与延期（按单位' '$out/b.out' && grep -qE '^单位 +暂缓件数 +暂缓工作小时 +申请延期 +批准延期 +驳回延期$' '$out/b.out'"
check "… 中韩街道's row" grep -qE '^中韩街道 +2 +29.5 +2 +2 +1$' "$out/b.out"
check "the CSV bulletin-2026-W47-holds.csv, headed in Chinese" \
    sh -c "head -1 '$out/files/bulletin-2026-W47-holds.csv' | grep -q '单位编码.*暂缓件数.*暂缓工作小时.*申请延期.*批准延期.*驳回延期'"
check "… its rows" grep -q '"370212001",.*,2,29.5,2,2,1' "$out/files/bulletin-2026-W47-holds.csv"
check "the page has the section and says what each column counts" \
    sh -c "grep -q '<h2>暂缓与延期（按单位）</h2>' '$out/files/bulletin-2026-W47.html' &&
           grep -q '暂缓工作小时：本单位暂缓的工单在本期内停止计时的工作时间' '$out/files/bulletin-2026-W47.html'"

as_unit 370212002 jiesu bulletin --week 2026-W47 --json >"$out/u.json" 2>"$out/u.err"
check_eq "a handler of 沙子口街道 reads its own row alone" "370212002" "$(jq -r '[.holds[].unit_code] | join(" ")' "$out/u.json")"

# jiesu report: the same figures per street within the dates given, beside the street summary.
as_role dispatcher jiesu report --from 2026-11-16 --to 2026-11-22 >"$out/r.out" 2>&1
check_eq "jiesu report --from --to answers" 0 $?
check "… with the table 暂缓与延期, saying what its dates count" \
    sh -c "grep -q '^暂缓与延期（本期：所给日期内发生的' '$out/r.out' &&
           grep -qE '^街道 +暂缓件数 +暂缓工作小时 +申请延期 +批准延期 +驳回延期$' '$out/r.out'"
check "… 中韩街道's row, 沙子口街道's, a street with none, the total" \
    sh -c "grep -qE '^中韩街道 +2 +29.5 +2 +2 +1$' '$out/r.out' && grep -qE '^沙子口街道 +1 +2.0 +0 +0 +0$' '$out/r.out' &&
           grep -qE '^北宅街道 +0 +0.0 +0 +0 +0$' '$out/r.out' && grep -qE '^合计 +3 +31.5 +2 +2 +1$' '$out/r.out'"
check "… and what each column counts" grep -q '暂缓工作小时：本单位暂缓的工单在本期内停止计时的工作时间' "$out/r.out"
as_role dispatcher jiesu report --json --from 2026-11-16 --to 2026-11-22 >"$out/r.json" 2>&1
check_eq "jiesu report --json: each street's and the total's" "2 29.5 2 2 1 / 3 31.5 2 2 1" \
    "$(jq -r '(.streets[] | select(.code == "370212001")), .total
              | "\(.holds) \(.hold_hours) \(.extensions_asked) \(.extensions_approved) \(.extensions_rejected)"' "$out/r.json" |
       paste -sd/ | sed 's|/| / |')"
as_role dispatcher jiesu report --from 2026-11-23 >"$out/r2.out" 2>&1
check "dates after the week: only what went on after it (沙子口街道's request, H3 on hold since)" \
    sh -c "grep -qE '^沙子口街道 +0 +0.0 +1 +1 +0$' '$out/r2.out' && grep -qE '^中韩街道 +0 +[1-9][0-9.]* +0 +0 +0$' '$out/r2.out'"

harness_services_stop
