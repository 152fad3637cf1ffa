# test_escalation.sh — the escalation service as it runs, with the clock moved
# instead of slept: rungs fire within a second of due; everything overdue
# fires at start-up; waiting stops the clock, and so does the manual queue
# for an order a unit returned (no alert, no deadline on its page); kill -9
# before and after an alert commit (also in the middle of 2,000 deadlines
# fired in batches), a Redis
# FLUSHALL, and two escalation processes at once each end with every due
# alert exactly once; webhooks that fail twice get every alert on the third
# try and a dead one ends as failed; `jiesu alerts` and `jiesu ack`; the
# official calendar: a year without holidays is warned about (log, `jiesu
# status`), `jiesu holidays add` / `load` store days through the service and
# re-time the deadlines they change, and a year is whole (no longer warned
# about) from its notice or `jiesu holidays complete`, not from one day of it;
# each change, a year made whole too, is in `jiesu audit`, and a load that
# changes nothing says 没有变化 and records nothing;
# a webhook that hangs holds up no other
# unit's alerts, and two processes post to one address one at a time; the
# reconciler's page and the paused deadlines read by index on statistics that
# do not know their rows.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_escalation
esc_dir=$HARNESS_DIR/escalation
mkdir -p "$esc_dir"
python3 "$REPO/tests/tools/webhook_receiver.py" "$esc_dir" 2 &
hook_pid=$!
wait_for "webhook receiver up" 10 test -s "$esc_dir/port"
hook=http://127.0.0.1:$(cat "$esc_dir/port")/alerts
# Five attempts for a receiver that fails twice: a process stopped in the
# middle of a POST (section 4 stops one) can time out on the answer the
# receiver gave meanwhile, and that attempt counts as failed; with three, such
# a delivery ended failed on a busy machine.
harness_config "escalation.reconcile_seconds = 2" "escalation.patterns_seconds = 3600" \
    "escalation.webhook_backoff_ms = 100" "escalation.webhook_max_attempts = 5"

jiesu() { "$JIESU_BIN/jiesu" "$@"; }
esc_pid() { cat "$HARNESS_DIR/escalation.pid"; }
esc_dead() { ! kill -0 "$(esc_pid)" 2>/dev/null; }
alerts() { sql "SELECT count(*) FROM alerts WHERE deadline_id IS NOT NULL ${1:-}"; }   # ladder alerts
set_clock() { sql "UPDATE esc_clock SET offset_seconds = $1"; }

# Every street office, the campaign office and discipline inspection post to
# the receiver; one street office's webhook is dead.
sql "UPDATE units SET webhook_url = '$hook'" >/dev/null
sql "UPDATE units SET webhook_url = 'http://127.0.0.1:1/dead' WHERE code = '370212002'" >/dev/null

# N orders owned by UNIT (中韩街道 by default): resolve deadline started
# `started` ago, due `due` from now.
orders() {
    local n=$1 tag=$2 started=$3 due=$4 unit=${5:-370212001} status=${6:-dispatched}
    sql "WITH c AS (
           INSERT INTO complaints (ticket_no, called_at, address, content, status, caller_name, caller_phone)
           SELECT '$tag-' || i, now(), '张村社区', '垃圾未清运', '$status', '李四', '13900001111'
           FROM generate_series(1, $n) i RETURNING id),
         a AS (INSERT INTO assignments (complaint_id, unit_id, role, street_code, rule, reasons)
           SELECT c.id, u.id, 'owner', u.code, 'test', 'test' FROM c, units u WHERE u.code = '$unit')
         INSERT INTO deadlines (complaint_id, kind, unit_id, started_at, due_at)
         SELECT c.id, 'resolve', u.id, now() - interval '$started', now() + interval '$due'
         FROM c, units u WHERE u.code = '$unit'" >/dev/null
}

# 1. While running: the deadline fires within a second of due.
svc_start escalation
wait_for "escalation ready" 20 svc_ready escalation
orders 5 ON 14days 3seconds
wait_for "supervise fires at the deadline" 20 sql_eq "SELECT count(*) FROM alerts WHERE rung = 'supervise'" 5
check_eq "remind and supervise, once each, for orders due in 3 s" 10 "$(alerts)"
check_eq "every supervise within 1 s of its deadline, none early" 5 \
    "$(sql "SELECT count(*) FROM alerts a JOIN deadlines d ON d.id = a.deadline_id WHERE a.rung = 'supervise'
            AND a.created_at >= d.due_at AND a.created_at < d.due_at + interval '1 second'")"

# 1b. Waiting for the citizen stops the clock: nothing fires past the deadline
# until the order is back at work, then the ladder goes on.
# A sentinel at work, due a second after it, tells when it would have fired.
orders 1 WAIT 14days 2seconds 370212001 waiting
wait_for "the waiting order's clock stopped" 10 sql_eq "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = 'WAIT-1' AND d.paused_at IS NOT NULL" 1
orders 1 SENTINEL 14days 3seconds
wait_for "the sentinel, due after it, supervised" 20 sql_eq "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'SENTINEL-1' AND a.rung = 'supervise'" 1
check_eq "no supervise alert while waiting, past the deadline" 0 \
    "$(sql "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'WAIT-1' AND a.rung = 'supervise'")"
resumed_at=$(sql "UPDATE complaints SET status = 'accepted' WHERE ticket_no = 'WAIT-1' RETURNING now()")
wait_for "back at work: the ladder goes on" 20 sql_eq "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'WAIT-1' AND a.rung = 'supervise'" 1
check_eq "the deadline moved by the stopped time and fired after the resume, once" 1 \
    "$(sql "SELECT count(*) FROM alerts a JOIN deadlines d ON d.id = a.deadline_id JOIN complaints c ON c.id = a.complaint_id
            WHERE c.ticket_no = 'WAIT-1' AND a.rung = 'supervise' AND a.created_at > '$resumed_at' AND d.paused_at IS NULL")"
sql "UPDATE complaints SET status = 'resolved' WHERE ticket_no = 'WAIT-1'" >/dev/null

# 1c. An order a street office returned that waits in the manual queue is
# nobody's until a dispatcher gives it to a unit, whose deadlines start again
# then: its clock stands still, so no 催办 goes to no unit and no 督办 to the
# campaign office (section 4 moves the clock 40 days on). It ran on before.
orders 1 QUEUE 1hour 14days 370212001 manual
sql "UPDATE deadlines SET unit_id = NULL WHERE complaint_id = (SELECT id FROM complaints WHERE ticket_no = 'QUEUE-1');
     UPDATE assignments SET role = 'manual', unit_id = NULL, rule = 'arbitration'
      WHERE complaint_id = (SELECT id FROM complaints WHERE ticket_no = 'QUEUE-1')" >/dev/null
check "the manual queue's order: its clock stops" wait_for "its clock stopped" 10 sql_eq "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = 'QUEUE-1' AND d.paused_at IS NOT NULL" 1

# 2. Down while 20 orders fall overdue; kill -9 before the first alert commit
# (the batch of reminds is lost with the transaction) ...
svc_kill9 escalation
orders 20 DOWN 14days -1hour
JIESU_FAILPOINT=before_commit:1 svc_start escalation
wait_for "killed before the commit" 20 esc_dead
check_eq "killed before a commit: nothing of its batch stored" 14 "$(alerts)"
# ... and kill -9 right after it (committed, not yet re-armed or published).
svc_kill9 escalation
JIESU_FAILPOINT=after_commit:1 svc_start escalation
wait_for "killed after the commit" 20 esc_dead
check "killed after a commit: its alerts stored" test "$(alerts)" -gt 14
svc_kill9 escalation
svc_start escalation
wait_for "everything overdue fires at start-up" 30 sql_eq "SELECT count(*) FROM alerts WHERE deadline_id IS NOT NULL" 54
check_eq "after both crashes: remind + supervise once per order (27 orders)" 54 "$(alerts)"

# 3. Redis wiped while 10 planned orders wait: the reconciler re-arms them.
orders 10 WIPE 14days 1hour
wait_for "new deadlines planned and reminded" 20 sql_eq "SELECT count(*) FROM alerts WHERE rung = 'remind'" 37
redis-cli -p "$JIESU_STACK_REDIS_PORT" FLUSHALL >/dev/null
set_clock 7200 >/dev/null
wait_for "due alerts fire after FLUSHALL" 30 sql_eq "SELECT count(*) FROM alerts WHERE rung = 'supervise'" 37
check_eq "after FLUSHALL: each supervise once" 37 "$(alerts "AND rung = 'supervise'")"

# 4. Two escalation processes, 40 days later: accountability for the 36, and
# all three rungs for 150 new orders, once each. The first is stopped until
# the second has fired (one process can do all of this alone in a second), then
# both share what is left.
JIESU_ESCALATION_ROUTER=ipc://$esc_dir/second.router JIESU_ESCALATION_PUB=ipc://$esc_dir/second.pub \
    "$JIESU_BIN/jiesu-escalation" >>"$esc_dir/second.log" 2>&1 &
second=$!
wait_for "second escalation ready" 20 grep -q ready "$esc_dir/second.log"
first=$(cat "$HARNESS_DIR/escalation.pid")
posted_before=$(cat "$esc_dir/in_flight" 2>/dev/null | wc -l)
kill -STOP "$first"
orders 150 TWO 14days 2hours
ladder=$((3 * (36 + 150) + 2)) orders_all=$((36 + 150))   # + the resolved waiting order's 2
set_clock 3456000 >/dev/null
check "the second escalation fires while the first is stopped" \
    wait_for "an alert from the second" 30 grep -q 'alert [0-9]* ' "$esc_dir/second.log"
kill -CONT "$first"
wait_for "every rung of every order fired" 60 sql_eq "SELECT count(*) FROM alerts WHERE deadline_id IS NOT NULL" "$ladder"
check_eq "two processes: remind + supervise + accountability once per order" "$ladder" "$(alerts)"
check_eq "no order, rung and cycle alerted twice" 0 \
    "$(sql "SELECT count(*) FROM (SELECT complaint_id, rung, cycle, subject FROM alerts GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d")"
check_eq "one alert event per ladder alert" "$ladder" "$(sql "SELECT count(*) FROM complaint_events WHERE event = 'alert'")"
# (one a week: the clock moved 2 h above, which near midnight before a Monday
# is next week's, so an earlier look may have raised last week's too)
check_eq "中韩街道 missed most of its deadlines: a unit_overdue alert, one a week" "1 yes" \
    "$(sql "SELECT (count(*) = count(DISTINCT a.subject))::int || ' ' || CASE WHEN count(*) >= 1 THEN 'yes' ELSE 'no' END
            FROM alerts a JOIN units u ON u.id = a.unit_id WHERE a.rung = 'unit_overdue' AND u.code = '370212001'")"
total=$(sql "SELECT count(*) FROM alerts")
check_eq "accountability goes to discipline inspection" "$orders_all" \
    "$(sql "SELECT count(*) FROM alerts a JOIN units u ON u.id = a.target_unit_id WHERE a.rung = 'accountability' AND u.kind = 'discipline'")"
check_eq "never early by the escalation clock" 0 "$(alerts "AND clock_at < due_at")"
check_eq "no alert about the order waiting in the manual queue, 40 days on" 0 \
    "$(sql "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'QUEUE-1'")"
kill -TERM "$second"; wait "$second"
check_eq "second escalation stopped cleanly" 0 "$?"

# 5. Webhooks: each alert delivered after two failures; the dead one failed.
# (some 1,700 POSTs, two of three answered 500: on a loaded machine this takes a minute)
wait_for "deliveries settle" 300 sql_eq "SELECT count(*) FROM deliveries WHERE state = 'pending'" 0
check_eq "every alert has one delivery" "$total" "$(sql "SELECT count(*) FROM deliveries")"
check_eq "one POST at a time to the one address, from both processes" 1 \
    "$(tail -n +$((posted_before + 1)) "$esc_dir/in_flight" | sort -n | tail -n 1)"
# (a process killed mid-POST posts again: attempts in the table can be one short of the receiver's count)
check_eq "every delivery delivered" "$total" "$(sql "SELECT count(*) FROM deliveries WHERE state = 'delivered' AND attempts >= 2")"
check_eq "each alert answered 500 twice before its 200" "$total" \
    "$(grep ' 500$' "$esc_dir/requests" | cut -d' ' -f1 | sort | uniq -c | awk '$1 == 2' | wc -l)"
# (at least once: an answer lost to a stopped process is posted again)
check_eq "the receiver accepted every alert" "$total" "$(cut -d' ' -f1 <(grep ' 200$' "$esc_dir/requests") | sort -u | wc -l)"
check "no caller's phone or name in clear" bash -c "! grep -q -e 13900001111 -e 李四 '$esc_dir/delivered.jsonl'"
check "the caller masked in the payload" grep -qE '"caller": "李\*+ 139\*{4}1111"' "$esc_dir/delivered.jsonl"
orders 1 DEAD 14days -1hour 370212002
wait_for "the dead webhook gives up" 30 sql_eq "SELECT count(*) FROM deliveries WHERE state = 'failed'" 1
check_eq "a delivery that keeps failing stays, as failed" 1 \
    "$(sql "SELECT count(*) FROM deliveries WHERE state = 'failed' AND attempts = 5 AND url LIKE '%/dead'")"

# 6. The CLI: users are added through assignment, alerts read through reporting.
svc_start assignment
svc_start reporting
wait_for "assignment ready" 20 svc_ready assignment
wait_for "reporting ready" 20 svc_ready reporting
as_role dispatcher "$JIESU_BIN/jiesu" show QUEUE-1 >"$esc_dir/queue-show.out" 2>&1
check "jiesu show (the order page's sections): the manual queue's order has no deadline running, nor a next rung" \
    grep -qE "^ *办结 +1 +— +— +— +无单位承办，不计时：派单后重新起算 +—$" "$esc_dir/queue-show.out"
as_unit 370212.discipline jiesu alerts --all --rung accountability --limit 5000 >"$esc_dir/alerts.out" 2>&1
check_eq "jiesu alerts lists the accountability alerts (and the dead one's)" "$((orders_all + 1))" "$(grep -c ' 问责预警 ' "$esc_dir/alerts.out")"
check "… each reason saying its time as the city reads it, with no UTC+08:00 beside it" \
    sh -c "grep -qE '办结时限 [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} 已到期，' '$esc_dir/alerts.out' && ! grep -q 'UTC' '$esc_dir/alerts.out'"
# Migration 060 says the reasons stored before it so too (the alerts' own
# text; the order's history, append-only, keeps them as they were raised).
old_alert=$(sql "SELECT min(id) FROM alerts WHERE reason LIKE '%时限 ____-__-__ __:__ 已到期%'")
said=$(sql "SELECT reason FROM alerts WHERE id = $old_alert")
sql "UPDATE alerts SET reason = regexp_replace(reason, '(时限 [0-9-]+ [0-9:]+) ', '\\1 UTC+08:00 ') WHERE id = $old_alert" >/dev/null
check "(an alert raised before, its time with UTC+08:00)" \
    test "$(sql "SELECT count(*) FROM alerts WHERE id = $old_alert AND reason LIKE '%:__ UTC+08:00 已到期%'")" = 1
sql "$(cat "$REPO"/db/migrations/060_*.sql)" >/dev/null
check_eq "migration 060 rewrites it as the city reads it, nothing else of it changed" "$said" \
    "$(sql "SELECT reason FROM alerts WHERE id = $old_alert")"
check "… and says which of the alerts listed one may acknowledge (a unit's list holds the 督办 sent up about it too)" \
    grep -q "确认告警：jiesu ack 编号（只能确认“发给”一栏是本单位的告警；发给上级的督办列在这里供知晓）" "$esc_dir/alerts.out"
as_unit 370212.campaign jiesu alerts --all --rung accountability --limit 5000 >"$esc_dir/alerts-campaign.out" 2>&1
check_eq "… which the campaign office does not see" 0 "$(grep -c ' 问责预警 ' "$esc_dir/alerts-campaign.out")"
check "… its list empty, with no word of acknowledging what is not there" \
    sh -c "grep -q '（无）' '$esc_dir/alerts-campaign.out' && ! grep -q 'jiesu ack' '$esc_dir/alerts-campaign.out'"
as_unit 370212.discipline jiesu alerts --rung bogus >"$esc_dir/alerts-bogus.out" 2>&1
check_eq "jiesu alerts --rung with no such rung is a usage error" 2 "$?"
check "… listing the rungs there are by name" grep -q "没有“bogus”这一级告警；级别有：催办、督办、问责预警、重复诉求、" "$esc_dir/alerts-bogus.out"
as_unit 370212.discipline jiesu alerts --all --rung 问责预警 --limit 5000 >"$esc_dir/alerts-named.out" 2>&1
check_eq "a rung may be given by its name: the same alerts" "$((orders_all + 1))" "$(grep -c ' 问责预警 ' "$esc_dir/alerts-named.out")"
check "… a list its limit does not cut says nothing more" fails grep -q '上面只列出' "$esc_dir/alerts-named.out"
as_unit 370212.discipline jiesu alerts --all --rung 问责预警 --limit 2 >"$esc_dir/alerts-few.out" 2>&1
check "one its limit cuts says how many there are and how to list them all (it listed 2 as if they were all)" \
    grep -q "共 $((orders_all + 1)) 条，上面只列出最新的 2 条：jiesu alerts --all --rung 问责预警 --limit $((orders_all + 1)) 列出全部" \
    "$esc_dir/alerts-few.out"
as_unit 370212.discipline jiesu alerts --limit 5x >"$esc_dir/alerts-limit.out" 2>&1
check_eq "jiesu alerts --limit 5x is a usage error, not the database's" 2 "$?"
check "… saying what a limit may be" grep -q "\-\-limit 条数（1 到 10000）" "$esc_dir/alerts-limit.out"
first=$(sql "SELECT min(id) FROM alerts WHERE rung = 'accountability'")
as_unit 370212.campaign jiesu ack "$first" >"$esc_dir/ack-campaign.out" 2>&1
check "an alert addressed to another unit cannot be acknowledged" grep -q "没有发给崂山区创城办的第 $first 号告警" "$esc_dir/ack-campaign.out"
as_unit 370212.discipline jiesu ack "$first" "$(printf '谈%.0s' $(seq 501))" >"$esc_dir/ack-long.out" 2>&1
check "an acknowledgement's note of 501 characters is refused, named as the workbench names it, saying the limit and to shorten it" \
    grep -q "处理说明有 501 个字，最多 500 个：请删减到 500 个字以内" "$esc_dir/ack-long.out"
as_unit 370212.discipline jiesu ack "$first" "已约谈" >/dev/null 2>&1
check "jiesu ack acknowledges, as the user of the key" test "$(sql "SELECT acked_by FROM alerts WHERE id = $first")" = u-370212.discipline
check_eq "… and the order's history says who acknowledged which alert" "u-370212.discipline $first" \
    "$(sql "SELECT e.actor || ' ' || (e.detail->>'alert_id') FROM complaint_events e JOIN alerts a ON a.complaint_id = e.complaint_id WHERE a.id = $first AND e.event = 'acked'")"
acked_local=$(sql "SELECT to_char(acked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') FROM alerts WHERE id = $first")
as_unit 370212.discipline jiesu ack "$first" >"$esc_dir/ack-again.out" 2>&1
check "the same person's second ack (a retry whose answer was lost) is what was asked: exit 0" test $? -eq 0
check "… saying when they did it (Beijing time), in Chinese" \
    grep -q "第 $first 号告警您已于 $acked_local 确认过，不必再确认" "$esc_dir/ack-again.out"
check_eq "… recorded once" 1 "$(sql "SELECT count(*) FROM complaint_events e JOIN alerts a ON a.complaint_id = e.complaint_id
    WHERE a.id = $first AND e.event = 'acked' AND (e.detail->>'alert_id')::bigint = $first")"
# The accused office reads its order, not what was sent up about it: the accountability alert, its
# reason and the inspector's note stay discipline inspection's (the board's rule), its remind stays.
first_ticket=$(sql "SELECT c.ticket_no FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE a.id = $first")
first_owner=$(sql "SELECT u.code FROM alerts a JOIN assignments s ON s.complaint_id = a.complaint_id AND s.active
                   AND s.role = 'owner' JOIN units u ON u.id = s.unit_id WHERE a.id = $first")
as_unit "$first_owner" jiesu show "$first_ticket" >"$esc_dir/show-owner.out" 2>&1
check "the office holding the order reads it with its remind alert" \
    bash -c "grep -q '^处理记录' '$esc_dir/show-owner.out' && grep -q '催办' '$esc_dir/show-owner.out'"
check "… but neither the accountability alert nor the inspector's note (已约谈)" \
    bash -c "! grep -q '问责预警' '$esc_dir/show-owner.out' && ! grep -q '已约谈' '$esc_dir/show-owner.out'"
as_unit 370212.discipline jiesu show "$first_ticket" >"$esc_dir/show-discipline.out" 2>&1
check "… which discipline inspection reads on the same order" \
    bash -c "grep -q '问责预警' '$esc_dir/show-discipline.out' && grep -q '已约谈' '$esc_dir/show-discipline.out'"
JIESU_CLI_KEY_FILE=$(user_key u-370212.discipline-2 discipline 370212.discipline) \
    "$JIESU_BIN/jiesu" ack "$first" >"$esc_dir/ack-other.out" 2>&1
check "another inspector's ack of it is refused" test $? -eq 1
check "… saying by whom and when (Beijing time), in Chinese" \
    grep -q "第 $first 号告警已由u-370212.discipline于 $acked_local 确认" "$esc_dir/ack-other.out"
sql "UPDATE principals SET display_name = '纪委值班员' WHERE name = 'u-370212.discipline'" >/dev/null
as_unit 370212.discipline jiesu alerts --all --rung accountability --limit 5000 >"$esc_dir/alerts-acked.out" 2>&1
check "jiesu alerts says who acknowledged an alert by name (纪委值班员), not by sign-in name" \
    grep -q "^ *$first .*纪委值班员 [0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]" "$esc_dir/alerts-acked.out"
as_unit 370212.discipline jiesu alerts --limit 10000 >"$esc_dir/alerts-open.out" 2>&1
check "acknowledged alerts leave the open list" test $? -eq 0 -a -s "$esc_dir/alerts-open.out"
check "… (the acknowledged one is not in it)" bash -c "! grep -q '^ *$first ' '$esc_dir/alerts-open.out'"
# An alert about no order (a unit's overdue rate) has no history for its note: the alert keeps it.
rate=$(sql "INSERT INTO alerts (rung, cycle, unit_id, target, target_unit_id, reason, subject)
            SELECT 'unit_overdue', 1, u.id, 'discipline', t.id, '单位超期率过高：中韩街道（测试）', 'test-week'
              FROM units u, units t WHERE u.code = '370212001' AND t.code = '370212.discipline' RETURNING id")
as_unit 370212.discipline jiesu ack "$rate" "已约谈中韩街道主任" >/dev/null 2>&1
as_unit 370212.discipline jiesu alerts --all --rung unit_overdue >"$esc_dir/alerts-rate.out" 2>&1
check "an alert about no order keeps the note it was acknowledged with: jiesu alerts shows it beside who acknowledged" \
    grep -q "^ *$rate .*纪委值班员 [0-9-]* [0-9:]*：已约谈中韩街道主任" "$esc_dir/alerts-rate.out"
done_ticket=$(sql "SELECT c.ticket_no FROM complaints c JOIN deadlines d ON d.complaint_id = c.id
                   WHERE d.rung_next = 'done' AND d.met_at IS NULL ORDER BY c.id LIMIT 1")
as_role dispatcher jiesu show "$done_ticket" >"$esc_dir/show-done.out" 2>&1
check "jiesu show: a deadline past its last rung reads 已到最后一级, not its code" \
    bash -c "grep -q '已到最后一级' '$esc_dir/show-done.out' && ! grep -qw 'done' '$esc_dir/show-done.out'"

# 7. The official calendar. This year's days gone (as 2027's were missing on
# 2026-12-03): the service says so, and so does `jiesu status`. The clock is
# back at today, so the ladder of the deadline below is still to climb.
set_clock 0 >/dev/null
year=$(TZ=Asia/Shanghai date +%Y)
sql "DELETE FROM holidays WHERE day >= make_date($year, 1, 1); DELETE FROM holiday_years WHERE year >= $year" >/dev/null
wait_for "escalation warns about the missing year" 10 grep -q "CALENDAR: $year 年的国务院节假日安排还没有载入" "$HARNESS_DIR/escalation.log"
jiesu status >"$esc_dir/status.out" 2>&1
check "jiesu status warns about the missing year" grep -q "^提醒（督办预警服务）：$year 年的国务院节假日安排还没有载入" "$esc_dir/status.out"
# A deadline of 1 working day from 2031-12-31 17:00 falls due on 元旦 2032
# while 2032 is not known; typing 元旦 in moves it to the next working day.
orders 1 HOL 1day 1day
sql "UPDATE deadlines d SET started_at = '2031-12-31 17:00+08', due_at = '2032-01-01 17:00+08' FROM complaints c
     WHERE c.id = d.complaint_id AND c.ticket_no = 'HOL-1'" >/dev/null
jiesu holidays add 2032-01-01 元旦 >"$esc_dir/holidays-which.out" 2>&1
check_eq "a day added saying neither --off nor --work: a usage error" 2 $?
check "… saying what each means" grep -q -- "add 要写 --off 或 --work：--off 这一天放假，--work 这一天调休上班" "$esc_dir/holidays-which.out"
jiesu holidays add 2032-01-01 "$(printf '节%.0s' $(seq 16))" --off >"$esc_dir/holidays-long.out" 2>&1
check "a day's name of 16 characters is refused, saying the limit" grep -q "节假日名称有 16 个字，最多 15 个" "$esc_dir/holidays-long.out"
as_unit 370212001 jiesu holidays add 2032-01-01 元旦 --off >"$esc_dir/holidays-refused.out" 2>&1
check "only an administrator changes the calendar" grep -q "只有系统管理员可以修改法定节假日日历" "$esc_dir/holidays-refused.out"
jiesu holidays add 2032-01-01 元旦 --off >"$esc_dir/holidays-add.out" 2>&1
check "jiesu holidays add stores the day and re-times the deadline" grep -q "已存：新增或改动 1 天，未变 0 天；1 个未到期的时限重新计算" "$esc_dir/holidays-add.out"
check_eq "… to the next working day, 2032-01-02 17:00" 1 \
    "$(sql "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = 'HOL-1' AND d.due_at = '2032-01-02 17:00+08'")"
wait_for "the re-timed deadline is planned again" 10 sql_eq "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = 'HOL-1' AND d.rung_next IS NOT NULL" 1
check_eq "stored as typed in, by whom" 1 "$(sql "SELECT count(*) FROM holidays WHERE day = '2032-01-01' AND off AND source = 'typed in by admin'")"
hol_event() { sql "SELECT action || ' ' || subject || ' ' || (detail->>'stored') || ' ' || (detail->'days'->0->>'day')
    FROM admin_events WHERE actor = 'admin' AND action LIKE 'holidays.%' ORDER BY id DESC LIMIT 1"; }
check_eq "… and recorded as the administrator's in admin_events, with the day" "holidays.add typed in 1 2032-01-01" "$(hol_event)"
# whole_notice YEAR: a holiday-cn file of YEAR's whole notice, as the State
# Council's are: its paper named, a day off for every official holiday.
whole_notice() {
    local d sep=""
    printf '{"year": %d, "papers": ["https://www.gov.cn/zhengce/content/%d.htm"], "days": [' "$1" "$1"
    for d in 01-01/元旦 02-10/春节 04-04/清明节 05-01/劳动节 06-10/端午节 09-17/中秋节 10-01/国庆节; do
        printf '%s{"name": "%s", "date": "%d-%s", "isOffDay": true}' "$sep" "${d#*/}" "$1" "${d%/*}"
        sep=", "
    done
    printf ']}\n'
}
# This year's notice as a holiday-cn file: the year is whole, and the next
# one is what the calendar lacks.
whole_notice "$year" >"$esc_dir/notice.json"
jiesu holidays load "$esc_dir/notice.json" >"$esc_dir/holidays-load.out" 2>&1
check "jiesu holidays load stores the file" grep -q "已存：新增或改动 7 天" "$esc_dir/holidays-load.out"
check_eq "… recorded as the administrator's load of that file" "holidays.load 文件 notice.json 7 $year-01-01" "$(hol_event)"
check "… lists the years, the file's whole" grep -qE "^$year +7 +0 +完整$" "$esc_dir/holidays-load.out"
check "… and warns about the next year" grep -q "^提醒：$((year + 1)) 年的国务院节假日安排还没有载入：" "$esc_dir/holidays-load.out"
gbk_notice=$esc_dir/$(printf '放假通知.json' | iconv -f UTF-8 -t GB18030)
cp "$esc_dir/notice.json" "$gbk_notice"
jiesu holidays load "$gbk_notice" >"$esc_dir/holidays-gbk.out" 2>&1
check "a file named in GBK is read too; the same days again change nothing, and it says so" \
    grep -q "^没有变化：给出的 7 天都已照样存着，也没有哪一年由此全年完整$" "$esc_dir/holidays-gbk.out"
check_eq "… recording nothing: the records stay as they were" 2 \
    "$(sql "SELECT count(*) FROM admin_events WHERE actor = 'admin' AND action LIKE 'holidays.%'")"
# One day of next year typed in counts (the deadlines are re-timed by it),
# but the year is not whole: the warning stays, and says how to end it.
next=$((year + 1))
jiesu holidays add "$next-01-01" 元旦 --off >"$esc_dir/holidays-one.out" 2>&1
check "one day of $next typed in is stored" grep -q "^已存：新增或改动 1 天" "$esc_dir/holidays-one.out"
check "… and $next is still warned about, as not whole, saying what to do" \
    grep -q "^提醒：$next 年的国务院节假日安排还没有载入完整：只录入了 1 天.*全年录完后确认：jiesu holidays complete $next$" \
    "$esc_dir/holidays-one.out"
check "… listed as not whole" grep -qE "^$next +1 +0 +不完整$" "$esc_dir/holidays-one.out"
jiesu status >"$esc_dir/status-one.out" 2>&1
check "… and jiesu status says so too" grep -q "^提醒（督办预警服务）：$next 年的国务院节假日安排还没有载入完整" "$esc_dir/status-one.out"
jiesu holidays complete 2040 >"$esc_dir/holidays-complete-none.out" 2>&1
check "a year holding no day off is not taken as whole, saying what to do first" \
    grep -q "2040 年还没有存入任何放假的日子，不能确认全年已录完：请载入国务院的放假通知（jiesu holidays load 2040.json）" \
    "$esc_dir/holidays-complete-none.out"
jiesu holidays complete "$next" >"$esc_dir/holidays-complete.out" 2>&1
check "jiesu holidays complete: $next is whole" grep -qE "^$next +1 +0 +完整$" "$esc_dir/holidays-complete.out"
check "… the gap is two years on, and the deadline due after it is warned about" \
    grep -q "^提醒：.*有 1 个未到期的时限落在 $((year + 2)) 年或以后" "$esc_dir/holidays-complete.out"
check_eq "… recorded as the administrator's" "holidays.complete $next 年" \
    "$(sql "SELECT action || ' ' || subject FROM admin_events WHERE actor = 'admin' ORDER BY id DESC LIMIT 1")"
sql "UPDATE deadlines d SET met_at = now() FROM complaints c WHERE c.id = d.complaint_id AND c.ticket_no = 'HOL-1'" >/dev/null
jiesu status >"$esc_dir/status2.out" 2>&1
check "no warning once the calendar reaches far enough" bash -c "! grep -q 提醒 '$esc_dir/status2.out'"
# A day of a year typed in, then a file of that one day (an administrator
# trying the command): the day is stored, but a file that is not the year's
# whole notice by its own evidence does not make the year whole, which would
# make every other weekday of it a working day; it says so and how to confirm.
far=$((year + 2))
jiesu holidays add "$far-01-01" 元旦 --off >/dev/null 2>&1
printf '{"year": %d, "days": [{"name": "元旦", "date": "%d-01-01", "isOffDay": true}]}' "$far" "$far" >"$esc_dir/far-one.json"
jiesu holidays load "$esc_dir/far-one.json" >"$esc_dir/holidays-far-one.out" 2>&1
check "a file of one day does not make its year whole" grep -q "^没有变化：给出的 1 天都已照样存着，也没有哪一年由此全年完整$" \
    "$esc_dir/holidays-far-one.out"
check "… listed as not whole" grep -qE "^$far +1 +0 +不完整$" "$esc_dir/holidays-far-one.out"
check "… saying why, that the year stays not whole and how to confirm it" \
    grep -q "^这个文件不是 $far 年整年的放假通知（没有通知的出处（\"papers\"），没有春节、清明、劳动节、端午、中秋、国庆的放假日子），$far 年仍然不完整.*确认全年完整：jiesu holidays complete $far$" \
    "$esc_dir/holidays-far-one.out"
# Then its notice: the day typed in stays, the others are added, and the
# year becomes whole, and the administrators' record says who made it so.
whole_notice "$far" >"$esc_dir/far.json"
jiesu holidays load "$esc_dir/far.json" >"$esc_dir/holidays-far.out" 2>&1
check "a notice with a day stored already makes its year whole, and says so" \
    grep -q "^已存：新增或改动 6 天，未变 1 天；0 个未到期的时限重新计算；$far 年的节假日安排由此全年完整$" "$esc_dir/holidays-far.out"
check "… and says nothing of a year not whole" fails grep -q "不是 $far 年整年的放假通知" "$esc_dir/holidays-far.out"
check_eq "… recorded as the administrator's load, naming the year made whole" "holidays.load 文件 far.json 6 [$far] $far" \
    "$(sql "SELECT action || ' ' || subject || ' ' || (detail->>'stored') || ' ' || (detail->>'years') || ' ' || (detail->>'completed')
            FROM admin_events WHERE actor = 'admin' ORDER BY id DESC LIMIT 1")"
jiesu audit --limit 1 >"$esc_dir/audit-far.out" 2>&1
check "… which jiesu audit says in words" \
    grep -qE "系统管理员（admin） +载入节假日通知 +文件 far\.json +$far 年：新增或改动 6 天（给出 7 天），$far 年由此全年完整$" \
    "$esc_dir/audit-far.out"
recorded=$(sql "SELECT count(*) FROM admin_events")
jiesu holidays load "$esc_dir/far.json" >"$esc_dir/holidays-far2.out" 2>&1
check "loaded again, it changes nothing and says so" grep -q "^没有变化：" "$esc_dir/holidays-far2.out"
check_eq "… recording nothing" "$recorded" "$(sql "SELECT count(*) FROM admin_events")"
printf '{"days": [{"date": "%d-02-30", "isOffDay": true}]}' "$year" >"$esc_dir/bad.json"
jiesu holidays load "$esc_dir/bad.json" >"$esc_dir/holidays-bad.out" 2>&1
check "a bad file is refused, naming the line and the entry" grep -q "文件 bad.json 第 1 行，第 1 天：缺少 \"date\" 或不是日期" "$esc_dir/holidays-bad.out"
jiesu holidays add 2032-13-01 元旦 --off >"$esc_dir/holidays-bad2.out" 2>&1
check "a bad date is refused" grep -q "“2032-13-01”不是日期" "$esc_dir/holidays-bad2.out"

# 7b. A unit's webhook that hangs (its host gone quiet: every POST waits out
# the 5 s time limit) holds one of escalation's senders; the other units'
# alerts are posted meanwhile, not each after the hung POSTs before it.
hung_dir=$esc_dir/hung
mkdir -p "$hung_dir"
python3 "$REPO/tests/tools/silent_receiver.py" "$hung_dir" &
hung_pid=$!
wait_for "silent receiver up" 10 test -s "$hung_dir/port"
hung_url=http://127.0.0.1:$(cat "$hung_dir/port")/alerts
sql "UPDATE units SET webhook_url = '$hung_url' WHERE code = '370212003'" >/dev/null
orders 6 HUNG 14days -1hour 370212003
wait_for "a POST hangs on the quiet webhook" 30 test -s "$hung_dir/accepted"
hung_since=$EPOCHREALTIME
orders 1 AWAKE 14days -1hour
of_ticket() { echo "SELECT count(*) FROM deliveries d JOIN alerts a ON a.id = d.alert_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no LIKE '$1' $2"; }
check "another street office's remind and supervise are delivered meanwhile" \
    wait_for "AWAKE-1's alerts delivered" 60 sql_eq "$(of_ticket AWAKE-1 "AND d.state = 'delivered'")" 2
# However slow the machine, the quiet webhook's POSTs were taken one at a
# time, each waiting out its 5 s, and not all of them before AWAKE-1's.
hung_posts=$(wc -l <"$hung_dir/accepted")
hung_all=$(sql "$(of_ticket 'HUNG-%' "AND d.url = '$hung_url'")")
hung_slots=$(awk -v a="$hung_since" -v b="$EPOCHREALTIME" 'BEGIN { print 2 + int((b - a) / 5) }')
check "… while the quiet webhook's $hung_all wait their turn: $hung_posts POSTs taken, one at a time (at most $hung_slots)" \
    test "$hung_posts" -le "$hung_slots" -a "$hung_posts" -lt "$hung_all"
kill "$hung_pid"; wait "$hung_pid" 2>/dev/null
sql "UPDATE units SET webhook_url = NULL WHERE code = '370212003'" >/dev/null

# 8. 2,000 orders fall overdue at once while escalation is down: fired in
# batches, kill -9 in the middle of them (before the third commit with alerts,
# then right after the second), then a clean start: remind and supervise once
# per order, each at its own due time, nothing lost. No webhooks (not the point here).
sql "UPDATE units SET webhook_url = NULL" >/dev/null
mass() { sql "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no LIKE 'MASS-%' ${1:-}"; }
svc_kill9 escalation
orders 2000 MASS 14days -1hour
JIESU_FAILPOINT=before_commit:3 svc_start escalation
wait_for "killed before a commit, mid-batch" 60 esc_dead
fired=$(mass)
check "killed mid-batch: some batches stored, not all" test "$fired" -gt 0 -a "$fired" -lt 4000
JIESU_FAILPOINT=after_commit:2 svc_start escalation
wait_for "killed after a commit, mid-batch" 60 esc_dead
check "… and more after the restart" test "$(mass)" -gt "$fired"
svc_start escalation
wait_for "every rung of the 2,000 fired" 120 sql_eq "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no LIKE 'MASS-%'" 4000
check_eq "each order's remind once, before its deadline" 2000 \
    "$(mass "AND a.rung = 'remind' AND a.due_at < (SELECT d.due_at FROM deadlines d WHERE d.id = a.deadline_id)")"
check_eq "each order's supervise once, due at its deadline (to the ms)" 2000 \
    "$(mass "AND a.rung = 'supervise' AND abs(extract(epoch FROM a.due_at - (SELECT d.due_at FROM deadlines d WHERE d.id = a.deadline_id))) < 0.002")"
check_eq "every deadline on to accountability" 2000 \
    "$(sql "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no LIKE 'MASS-%' AND d.rung_next = 'accountability' AND d.fired_at IS NULL")"
check_eq "one alert event per alert" 4000 \
    "$(sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no LIKE 'MASS-%' AND e.event = 'alert'")"
check_eq "none early by the escalation clock" 0 "$(mass "AND a.clock_at < a.due_at")"

harness_services_stop

# Escalation's sweeps read by index whatever the statistics say. Each case
# runs in one transaction of the schema owner's, rolled back: statistics
# taken when the deadlines were in one state, 20,000 deadlines in another
# written since (a few to an order, as in service).
rolled_back() {
    local q args=()
    for q in "$@"; do args+=(-c "$q"); done
    psql "$JIESU_PG_OWNER_CONNINFO" -XtAq -v ON_ERROR_STOP=1 -c "BEGIN" "${args[@]}" -c "ROLLBACK"
}
more_deadlines="INSERT INTO deadlines (complaint_id, kind, cycle, due_at, started_at)
    SELECT c.id, 'resolve', 1000 + i, now() + interval '1 day', now()
      FROM complaints c, generate_series(1, 20000 / (SELECT count(*) FROM complaints) + 1) i LIMIT 20000"
read_rows="SELECT 'read ' || idx_tup_fetch + seq_tup_read FROM pg_stat_xact_user_tables WHERE relname = 'deadlines'"
# by_index FILE MAX STATS RESULT: the case's output in FILE says what the
# statistics claim ("stats …") and what the query found ("result …"); the
# query read at most MAX rows of deadlines (the "read" lines around it).
by_index() {
    local rows
    rows=$(grep '^read' "$1" | awk '{ d = $2 - prev; prev = $2 } NR == 2 { print d }')
    check_eq "the statistics say: $3" "stats $3" "$(grep '^stats' "$1")"
    check_eq "the query finds: $4" "result $4" "$(grep '^result' "$1")"
    check "… reading $rows rows of deadlines, not the 20,000 (at most $2)" test "$rows" -le "$2"
}

# The reconciler's page of pending deadlines (migration 033): statistics
# taken when 1 % was pending; a page of 1,000 reads 1,000 rows in id order,
# not all 20,000 into a sort (the plain query's plan on such statistics:
# 20,036 rows read).
rolled_back "UPDATE deadlines SET fired_at = CASE WHEN id % 100 = 0 THEN NULL ELSE now() END" "ANALYZE deadlines" \
    "$more_deadlines" \
    "SELECT 'stats ' || CASE WHEN null_frac < 0.02 THEN 'under 2 % pending' ELSE null_frac || ' pending' END
       FROM pg_stats WHERE tablename = 'deadlines' AND attname = 'fired_at'" \
    "$read_rows" "SELECT 'result ' || count(*) FROM deadlines_pending_after(0, 1000)" "$read_rows" >"$esc_dir/walk.out"
by_index "$esc_dir/walk.out" 1100 "under 2 % pending" 1000

# The resume sweep's paused deadlines (migration 034): statistics taken when
# every deadline was paused, none paused now; the ids come from the index of
# paused ones, not from every row (the plain query or the sweep's join on
# such statistics: 23,538 rows read).
rolled_back "UPDATE deadlines SET paused_at = now()" "ANALYZE deadlines" "UPDATE deadlines SET paused_at = NULL" \
    "$more_deadlines" \
    "SELECT 'stats ' || CASE WHEN null_frac = 0 THEN 'all paused' ELSE 1 - null_frac || ' paused' END
       FROM pg_stats WHERE tablename = 'deadlines' AND attname = 'paused_at'" \
    "$read_rows" "SELECT 'result ' || count(*) FROM deadlines_paused_ids()" "$read_rows" >"$esc_dir/resume.out"
by_index "$esc_dir/resume.out" 1000 "all paused" 0

JIESU_ESCALATION_UNIT_OVERDUE_RATE=7 timeout 20 "$JIESU_BIN/jiesu-escalation" >"$esc_dir/bad.log" 2>&1
check "a bad setting stops start-up, naming it" grep -q "JIESU_ESCALATION_UNIT_OVERDUE_RATE：escalation.unit_overdue_rate = '7'：应为 0 到 1 的数" "$esc_dir/bad.log"
{ cat "$JIESU_CONFIG"; printf '[escalation]\nrepeat_cuont = 3\n'; } >"$esc_dir/typo.conf"
timeout 20 "$JIESU_BIN/jiesu-escalation" -c "$esc_dir/typo.conf" >"$esc_dir/typo.log" 2>&1
check "a typo'd key stops start-up, naming the file, line and key" \
    grep -q "typo.conf:$(wc -l <"$esc_dir/typo.conf")：没有“escalation.repeat_cuont”这个配置键" "$esc_dir/typo.log"
JIESU_ESCALATION_UTC_OFFSET_MINUTES=480 timeout 20 "$JIESU_BIN/jiesu-escalation" >"$esc_dir/retired.log" 2>&1
check "a retired key stops start-up, naming its successor" grep -q "escalation.utc_offset_minutes 已不再读取，请改设 timezone" "$esc_dir/retired.log"
JIESU_CLI_TIMEOUT_SECONDS=5s "$JIESU_BIN/jiesu" status >"$esc_dir/cli-bad.out" 2>&1
check_eq "jiesu stops on a bad value too (exit 1)" 1 "$?"
check "… naming the variable, the value and what is allowed" grep -q \
    "JIESU_CLI_TIMEOUT_SECONDS：cli.timeout_seconds = '5s'：应为 1 到 86400 的整数" "$esc_dir/cli-bad.out"
"$JIESU_BIN/jiesu" config >"$esc_dir/config.md"
sed -n '/<!-- config-keys: begin/,/<!-- config-keys: end/p' "$REPO/README.md" | sed '1d;$d' >"$esc_dir/readme-config.md"
check "jiesu config prints the README's configuration table" cmp "$esc_dir/config.md" "$esc_dir/readme-config.md"
kill "$hook_pid" 2>/dev/null; wait "$hook_pid" 2>/dev/null
