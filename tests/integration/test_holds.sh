# test_holds.sh — an order on hold (暂缓办理) too long is noticed, on the
# real services with escalation's clock moved, never slept: a hold of
# escalation.hold_alert_days (5) working days raises one alert 暂缓过久 to
# the district's campaign office (a conduct complaint's to discipline
# inspection), naming the unit, its reason (masked) and how long, listed by
# `jiesu alerts` and on the wall board, acknowledged by `jiesu ack`; none
# before; once per hold (a hold after a resume is a new one); a merged
# repeat on hold with its order is listed in the order's alert, not alerted
# apart; kill -9 before and after the alerts' commit stores each alert once.
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_holds "escalation.reconcile_seconds = 2" "escalation.patterns_seconds = 3600"
hold_dir=$HARNESS_DIR/holds
mkdir -p "$hold_dir"
jiesu() { "$JIESU_BIN/jiesu" "$@"; }
set_clock() { sql "UPDATE esc_clock SET offset_seconds = $1" >/dev/null; }
esc_dead() { ! kill -0 "$(cat "$HARNESS_DIR/escalation.pid")" 2>/dev/null; }
# order TICKET [UNIT] [CATEGORY] [DUE]: an order 办理中 that UNIT (中韩街道) owns, its 办结 deadline DUE (3 days) on.
order() {
    local unit=${2:-370212001} due=${4:-3 days}
    sql "WITH c AS (
           INSERT INTO complaints (ticket_no, called_at, address, content, status, category)
           VALUES ('$1', now(), '张村社区', '垃圾未清运', 'accepted', nullif('${3:-}', '')) RETURNING id),
         a AS (INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons)
           SELECT c.id, u.id, 'owner', '370212001', 'test', 'test' FROM c, units u WHERE u.code = '$unit')
         INSERT INTO deadlines (complaint_id, kind, unit_id, started_at, due_at)
         SELECT c.id, 'resolve', u.id, now(), now() + interval '$due' FROM c, units u WHERE u.code = '$unit'" >/dev/null
}
long_waits() { sql "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id
                    WHERE a.rung = 'long_wait' ${1:+AND c.ticket_no = '$1'}"; }
# swept: two of escalation's sweeps ran since (an order put on hold behind
# this test's back, with no 暂缓 event and a deadline far off, has its clock
# stopped by each), so the alerts of the first are committed.
swept_n=0
swept() {
    local i
    for i in 1 2; do
        swept_n=$((swept_n + 1))
        order "SWEEP-$swept_n" 370212001 "" "400 days"
        sql "UPDATE complaints SET status = 'waiting' WHERE ticket_no = 'SWEEP-$swept_n'" >/dev/null
        wait_for "a sweep stopped the clock of SWEEP-$swept_n" 20 \
            sql_eq "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
                    WHERE c.ticket_no = 'SWEEP-$swept_n' AND d.paused_at IS NOT NULL" 1 || return 1
    done
}

# Three holds: two of 中韩街道 (HOLD-2 with a repeat merged into it, on hold
# with it), one of discipline inspection on a conduct complaint it holds.
order HOLD-1
order HOLD-2
order HOLD-2-R
order HOLD-3 370212.discipline conduct
sql "UPDATE complaints SET parent_id = (SELECT id FROM complaints WHERE ticket_no = 'HOLD-2') WHERE ticket_no = 'HOLD-2-R'" >/dev/null
as_unit 370212001 jiesu wait HOLD-1 "等燃气公司施工，联系人13900001111" >"$hold_dir/out" 2>&1
check_eq "中韩街道 puts HOLD-1 on hold" 0 $?
as_unit 370212001 jiesu wait HOLD-2 "等待业主回国" >"$hold_dir/out" 2>&1
check_eq "… and HOLD-2, its repeat with it" "waiting waiting" \
    "$(sql "SELECT string_agg(status, ' ' ORDER BY id) FROM complaints WHERE ticket_no IN ('HOLD-2', 'HOLD-2-R')")"
as_unit 370212.discipline jiesu wait HOLD-3 "等待当事人返岗" >"$hold_dir/out" 2>&1
check_eq "discipline inspection puts the conduct complaint it holds on hold" 0 $?

# 1. Three days on: no hold has lasted 5 working days.
set_clock $((3 * 86400))
check "escalation swept three days on" swept
check_eq "no alert before 5 working days on hold" 0 "$(long_waits)"

# 2. Twenty days on, escalation killed before the alerts' commit, then after it.
svc_kill9 escalation
set_clock $((20 * 86400))
JIESU_FAILPOINT=hold_before_commit:1 svc_start escalation
wait_for "killed before the commit" 30 esc_dead
check_eq "killed before the commit: no alert stored" 0 "$(long_waits)"
JIESU_FAILPOINT=hold_after_commit:1 svc_start escalation
wait_for "killed after the commit" 30 esc_dead
check_eq "killed after the commit: an alert per hold (the repeat in its order's)" 3 "$(long_waits)"
svc_start escalation
check "escalation swept after the restart" swept
check_eq "after both crashes: each hold alerted once" "1 1 0 1" \
    "$(for t in HOLD-1 HOLD-2 HOLD-2-R HOLD-3; do printf '%s ' "$(long_waits $t)"; done | sed 's/ $//')"
check_eq "… each with one event in its order's history" 3 \
    "$(sql "SELECT count(*) FROM complaint_events WHERE event = 'alert' AND detail->>'rung' = 'long_wait'")"
reason=$(sql "SELECT a.reason FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'HOLD-1' AND a.rung = 'long_wait'")
check "the alert names the unit, the order, how long and the reason (masked)" \
    grep -qE "^暂缓过久：中韩街道 于 [0-9-]+ [0-9:]+ 将工单 HOLD-1 暂缓办理，至今已满 1[0-9] 个工作日未恢复办理（暂缓满 5 个工作日即告警）；暂缓原因：“等燃气公司施工，联系人139\*\*\*\*1111”$" <<<"$reason"
check_eq "it goes to 崂山区创城办, about 中韩街道" "370212.campaign 370212001" \
    "$(sql "SELECT t.code || ' ' || u.code FROM alerts a JOIN units t ON t.id = a.target_unit_id JOIN units u ON u.id = a.unit_id
            JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'HOLD-1' AND a.rung = 'long_wait'")"
check_eq "the conduct complaint's goes to discipline inspection" "370212.discipline" \
    "$(sql "SELECT t.code FROM alerts a JOIN units t ON t.id = a.target_unit_id JOIN complaints c ON c.id = a.complaint_id
            WHERE c.ticket_no = 'HOLD-3' AND a.rung = 'long_wait'")"
check_eq "HOLD-2's alert lists its repeat" "2" \
    "$(sql "SELECT cardinality(a.orders) FROM alerts a JOIN complaints c ON c.id = a.complaint_id
            WHERE c.ticket_no = 'HOLD-2' AND a.rung = 'long_wait'")"

# 3. Where alerts are read: jiesu alerts of the campaign office, by its rung's name too; the wall board.
as_unit 370212.campaign jiesu alerts --rung 暂缓过久 >"$hold_dir/out" 2>&1
check "jiesu alerts lists it for the campaign office, named 暂缓过久" grep -q "暂缓过久：中韩街道 于 .* 将工单 HOLD-1" "$hold_dir/out"
check "… not the conduct complaint's" test "$(grep -c HOLD-3 "$hold_dir/out")" = 0
as_unit 370212.discipline jiesu alerts >"$hold_dir/out" 2>&1
check "discipline inspection's jiesu alerts lists the conduct complaint's" grep -q "将工单 HOLD-3 暂缓办理" "$hold_dir/out"
web_user chuangcheng campaign 370212.campaign
web_signin "$WEB_DIR/chuangcheng.jar" chuangcheng >/dev/null
web_get "$WEB_DIR/chuangcheng.jar" /api/board >/dev/null
check_eq "the wall board lists the campaign office's alert as 暂缓过久" "暂缓过久" \
    "$(jq -r '.alerts[] | select(.ticket == "HOLD-1") | .rung_name' "$WEB_DIR/body")"
lw=$(sql "SELECT a.id FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'HOLD-1' AND a.rung = 'long_wait'")
as_unit 370212.campaign jiesu ack "$lw" "已电话督促中韩街道" >"$hold_dir/out" 2>&1
check_eq "the campaign office acknowledges it (jiesu ack), the order's history saying so" "u-370212.campaign 1" \
    "$(sql "SELECT acked_by || ' ' || (SELECT count(*) FROM complaint_events WHERE event = 'acked' AND (detail->>'alert_id')::bigint = $lw)
            FROM alerts WHERE id = $lw")"

# 4. Once per hold: resumed and put on hold again (the clock back to the
# hold's time, as the events' own), HOLD-1 is alerted again only once the new
# hold is as long.
set_clock 0
as_unit 370212001 jiesu resume HOLD-1 >"$hold_dir/out" 2>&1
as_unit 370212001 jiesu wait HOLD-1 "再等燃气公司" >"$hold_dir/out" 2>&1
check_eq "HOLD-1 on hold again" waiting "$(sql "SELECT status FROM complaints WHERE ticket_no = 'HOLD-1'")"
check "escalation swept the new hold" swept
check_eq "a new hold of 0 days: no second alert" 1 "$(long_waits HOLD-1)"
set_clock $((20 * 86400))
check "the new hold, 20 days later, alerted" wait_for "a second alert" 20 sql_eq "$(echo "SELECT count(*) FROM alerts a
    JOIN complaints c ON c.id = a.complaint_id WHERE a.rung = 'long_wait' AND c.ticket_no = 'HOLD-1'")" 2
check "escalation swept again" swept
check_eq "… once: the other holds not again" "2 1 1" \
    "$(for t in HOLD-1 HOLD-2 HOLD-3; do printf '%s ' "$(long_waits $t)"; done | sed 's/ $//')"

harness_services_stop
