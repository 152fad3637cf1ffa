# test_report_days.sh — the metrics' per-day counts kept by reporting
# (report_days, migration 020; the overdue and escalated orders,
# report_overdue_days, 023) stay exact: orders imported over several past
# days, routed, given a history on those days; then imports into past days,
# accepts, resolves, a return (re-routed), an unsatisfied callback (reopened,
# new cycle, then given to another street: the callback stays the first's), a dispatch by hand and repeats merged by escalation's sweep, each
# through the real services. After each step every stored row equals a full
# recount of its day (report_day_facts over every stored day, and the simple
# counts recounted here in plain SQL). An acceptance or a resolve deadline whose
# time runs out, which writes nothing, makes its stored day stale all the same. A change made without an event (which
# no service makes) is caught by the same comparison, and the next event on
# that order repairs it. The weekly bulletin read while days are stale
# equals the one read from a full rebuild.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_report_days
harness_services_start "escalation.patterns_seconds = 1" "assignment.reload_seconds = 1"
jiesu() { "$JIESU_BIN/jiesu" "$@"; }
TZ_REPORT=Asia/Shanghai
day_ago() { TZ=$TZ_REPORT date -d "$1 days ago" +%Y/%-m/%-d; }

# stored_equals_recount: every stored row (metrics, daily sheet, hot spots,
# overdue and escalated orders) equals its function over every stored day
# (both ways), and dispatched, the resolve deadlines decided (assigned up to a
# day), callbacks and called per day and unit, and the overdue resolve
# deadlines per day, equal a plain recount.
# table_equals_recount TABLE FUNCTION: every row of TABLE equals FUNCTION over every stored day, both ways.
table_equals_recount() {
    [ "$(sql "WITH d AS (SELECT ARRAY(SELECT generate_series(least((SELECT min(day) FROM $1), through), through,
                                                         interval '1 day')::date) AS days FROM report_days_state),
                   r AS (SELECT f.* FROM d, $2(d.days, '$TZ_REPORT') f),
                   k AS (SELECT * FROM $1)
              SELECT (SELECT count(*) FROM (TABLE r EXCEPT ALL TABLE k) x)
                   + (SELECT count(*) FROM (TABLE k EXCEPT ALL TABLE r) y)")" = 0 ]
}
stored_equals_recount() {
    table_equals_recount report_days report_day_facts && table_equals_recount report_sheet_days report_sheet_facts &&
    table_equals_recount report_hot_days report_hot_facts &&
    table_equals_recount report_overdue_days report_overdue_facts &&
    [ "$(sql "WITH k AS (SELECT DISTINCT day, complaint_id, due_at FROM report_overdue_days WHERE alerts = 0),
                   o AS (SELECT timezone('$TZ_REPORT', d.due_at)::date AS day, d.complaint_id, d.due_at FROM deadlines d
                         WHERE d.kind = 'resolve' AND (d.met_at IS NULL OR d.met_at > d.due_at)
                           AND (d.paused_at IS NULL OR d.paused_at >= d.due_at)
                           AND timezone('$TZ_REPORT', d.due_at)::date <= (SELECT through FROM report_days_state)
                           AND (d.unit_id IS NOT NULL OR EXISTS (SELECT 1 FROM assignments a WHERE a.complaint_id = d.complaint_id
                                                                   AND a.active AND a.role IN ('owner', 'co'))))
              SELECT (SELECT count(*) FROM (TABLE k EXCEPT TABLE o) x) + (SELECT count(*) FROM (TABLE o EXCEPT TABLE k) y)")" = 0 ] &&
    [ "$(sql "WITH k AS (SELECT day, unit_id, sum(dispatched) AS n, sum(callbacks) AS cb, sum(called) AS called,
                                sum(assigned) FILTER (WHERE until_day < 'infinity') AS rs
                         FROM report_days GROUP BY 1, 2),
                   dd AS (SELECT timezone('$TZ_REPORT', d.started_at)::date AS day,
                                 coalesce(d.unit_id, (SELECT a.unit_id FROM assignments a WHERE a.complaint_id = d.complaint_id
                                                        AND a.active AND a.role = 'owner')) AS unit_id, count(*) AS n
                          FROM deadlines d WHERE d.kind = 'accept'
                           AND (d.met_at IS NOT NULL OR (d.due_at < now() AND (d.paused_at IS NULL OR d.paused_at >= d.due_at)))
                          GROUP BY 1, 2),
                   rs AS (SELECT timezone('$TZ_REPORT', d.started_at)::date AS day,
                                 coalesce(d.unit_id, (SELECT a.unit_id FROM assignments a WHERE a.complaint_id = d.complaint_id
                                                        AND a.active AND a.role = 'owner')) AS unit_id, count(*) AS rs
                          FROM deadlines d WHERE d.kind = 'resolve'
                           AND (d.met_at IS NOT NULL OR (d.due_at < now() AND (d.paused_at IS NULL OR d.paused_at >= d.due_at)))
                          GROUP BY 1, 2),
                   cb AS (SELECT timezone('$TZ_REPORT', e.at)::date AS day,
                                 coalesce((SELECT id FROM units WHERE code = e.detail->>'unit'),
                                          (SELECT a.unit_id FROM assignments a WHERE a.complaint_id = e.complaint_id
                                             AND a.role = 'owner' AND a.created_at <= e.at
                                           ORDER BY a.created_at DESC, a.id DESC LIMIT 1)) AS unit_id, count(*) AS cb
                          FROM complaint_events e WHERE e.event = 'callback' GROUP BY 1, 2),
                   ca AS (SELECT timezone('$TZ_REPORT', c.called_at)::date AS day, a.unit_id, count(*) AS called
                          FROM complaints c JOIN assignments a ON a.complaint_id = coalesce(c.parent_id, c.id)
                                                              AND a.active AND a.role = 'owner' GROUP BY 1, 2),
                   all_ AS (SELECT day, unit_id FROM dd UNION SELECT day, unit_id FROM rs UNION SELECT day, unit_id FROM cb
                            UNION SELECT day, unit_id FROM ca)
              SELECT count(*) FROM all_ x
              LEFT JOIN k USING (day, unit_id) LEFT JOIN dd USING (day, unit_id) LEFT JOIN rs USING (day, unit_id)
              LEFT JOIN cb USING (day, unit_id) LEFT JOIN ca USING (day, unit_id)
              WHERE x.unit_id IS NOT NULL AND x.day <= (SELECT through FROM report_days_state)
                AND (coalesce(k.n, 0) <> coalesce(dd.n, 0) OR coalesce(k.rs, 0) <> coalesce(rs.rs, 0)
                     OR coalesce(k.cb, 0) <> coalesce(cb.cb, 0) OR coalesce(k.called, 0) <> coalesce(ca.called, 0))")" = 0 ]
}
# caught_up: a refresh round ran after every event so far (the watermark passed them).
caught_up() { sql_eq "SELECT (SELECT watermark FROM report_days_state) >= (SELECT max(id) FROM complaint_events)" t; }
# round_after T: a refresh round finished after time T.
round_after() { sql_eq "SELECT built_at > '$1' FROM report_days_state" t; }

csv=$HARNESS_DIR/days.csv
{
    printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度"
    for i in 1 2 3 4 5 6 7 8; do
        printf '%s\r\n' "RD-$i,$(day_ago $((i % 4 + 2))) 10:0$i,王先生,1380000000$i,崂山区张村社区${i}号楼,张村社区门口流动摊贩占道经营，垃圾遍地 $i,,一般"
    done
    printf '%s\r\n' "RD-9,$(day_ago 3) 11:00,张先生,13800000009,来电人未提供,楼下饭店油烟太大,,紧急"
} >"$csv"
as_role clerk jiesu import "$csv" >"$HARNESS_DIR/days-import.out" 2>&1
check "import of nine orders over four past days" test $? -eq 0
wait_for "all routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0

# A history on the days they were called: stored, dispatched and timed then,
# callbacks and alerts (without a unit: the owner's) then; written behind reporting's back, so it counts everything
# again from nothing (no state: a rebuild).
sql "UPDATE complaints SET created_at = called_at;
     UPDATE assignments a SET created_at = c.called_at + interval '10 min' FROM complaints c WHERE c.id = a.complaint_id;
     UPDATE deadlines d SET started_at = c.called_at + interval '10 min',
                            due_at = c.called_at + CASE d.kind WHEN 'accept' THEN interval '2 hours' ELSE interval '1 day' END,
                            met_at = CASE WHEN c.ticket_no IN ('RD-1', 'RD-2', 'RD-5') THEN c.called_at + interval '1 hour' END
     FROM complaints c WHERE c.id = d.complaint_id;
     INSERT INTO complaint_events (complaint_id, at, actor, event, detail)
     SELECT id, called_at + interval '20 hours', 'test', 'callback', jsonb_build_object('satisfied', ticket_no <> 'RD-5')
     FROM complaints WHERE ticket_no IN ('RD-1', 'RD-5');
     INSERT INTO alerts (complaint_id, rung, cycle, target, reason, subject, created_at)
     SELECT id, rung, 1, 'test', 'test', 'history', called_at + interval '1 day 1 hour'
     FROM complaints, unnest(ARRAY['remind', 'supervise']) rung WHERE ticket_no IN ('RD-3', 'RD-4')" >/dev/null
sql "DELETE FROM report_days_state" >/dev/null
wait_for "a refresh round stored the past days" 30 caught_up
check_eq "the past four days are stored" 4 "$(sql "SELECT count(DISTINCT day) FROM report_days WHERE called > 0")"
check "stored rows equal a full recount after the import" stored_equals_recount
check_eq "the two orders' alerts stored, the highest rung of each" "2 supervise" \
    "$(sql "SELECT sum(alerts), max(rung) FROM report_overdue_days WHERE alerts > 0 GROUP BY complaint_id, unit_id" | sort -u | tr '|' ' ')"
check "the overdue resolve deadlines stored" sql_eq "SELECT count(*) > 0 FROM report_overdue_days WHERE alerts = 0" t

# ---- what changes past days: imports into them, actions, a return, a reopening, a dispatch by hand, merges ----
{
    printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度"
    for i in 1 2 3; do
        printf '%s\r\n' "RR-$i,$(day_ago $((i + 1))) 15:00,李女士,1390000000$i,崂山区张村社区9号楼,9号楼门口流动摊贩占道经营,,一般"
    done
} >"$HARNESS_DIR/repeats.csv"
as_role clerk jiesu import "$HARNESS_DIR/repeats.csv" >"$HARNESS_DIR/repeats-import.out" 2>&1
check "import of three repeats into past days" test $? -eq 0
wait_for "the repeats merged by escalation's sweep" 30 \
    sql_eq "SELECT count(*) FROM complaints WHERE ticket_no LIKE 'RR-%' AND parent_id IS NOT NULL" 2
owner_of() { sql "SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id
                  WHERE c.ticket_no = '$1' AND a.active AND a.role = 'owner'"; }
as_unit "$(owner_of RD-3)" jiesu accept RD-3 >/dev/null 2>&1
check_eq "RD-3 accepted" accepted "$(sql "SELECT status FROM complaints WHERE ticket_no = 'RD-3'")"
as_unit "$(owner_of RD-3)" jiesu resolve RD-3 "已处理" >/dev/null 2>&1
as_unit "$(owner_of RD-4)" jiesu return RD-4 "不属于本辖区" >"$HARNESS_DIR/return.out" 2>&1
check "RD-4 returned" grep -q "RD-4：已退回" "$HARNESS_DIR/return.out"
wait_for "RD-4 routed again (to another unit or the manual queue)" 60 \
    sql_eq "SELECT status IN ('dispatched', 'manual') FROM complaints WHERE ticket_no = 'RD-4'" t
as_unit "$(owner_of RD-1)" jiesu accept RD-1 >/dev/null 2>&1
as_unit "$(owner_of RD-1)" jiesu resolve RD-1 "已劝离" >/dev/null 2>&1
check_eq "RD-1 resolved" resolved "$(sql "SELECT status FROM complaints WHERE ticket_no = 'RD-1'")"
rd1_unit=$(owner_of RD-1)
as_role callback jiesu callback RD-1 unsatisfied "又来了" >"$HARNESS_DIR/reopen.out" 2>&1
check "RD-1 reopened by an unsatisfied callback" grep -q "RD-1：待派单" "$HARNESS_DIR/reopen.out"
wait_for "RD-1 routed again in cycle 2" 20 sql_eq "SELECT status || cycle FROM complaints WHERE ticket_no = 'RD-1'" dispatched2
other=370212002; [ "$rd1_unit" != "$other" ] || other=370212003
as_role dispatcher jiesu dispatch RD-1 "$other" "改由其他街道办理" >/dev/null 2>&1
check_eq "RD-1 reassigned in cycle 2 to another street" "$other" "$(owner_of RD-1)"
# callbacks_today UNIT: today's callbacks counted for UNIT and how many of them satisfied.
callbacks_today() {
    sql "SELECT coalesce(sum(f.callbacks), 0) || ' ' || coalesce(sum(f.satisfied), 0)
         FROM report_day_facts(ARRAY[timezone('$TZ_REPORT', now())::date], '$TZ_REPORT') f JOIN units u ON u.id = f.unit_id
         WHERE u.code = '$1'"
}
check_eq "the unsatisfied callback counts for the street whose work it judged ($rd1_unit), not the order's owner now" \
    "1 0" "$(callbacks_today "$rd1_unit")"
check_eq "… and not for the street that has the order now ($other)" "0 0" "$(callbacks_today "$other")"
as_role dispatcher jiesu dispatch RD-9 370212001 "核实在中韩" >"$HARNESS_DIR/dispatch.out" 2>&1
check "RD-9 dispatched by hand" grep -q "RD-9：待签收" "$HARNESS_DIR/dispatch.out"
wait_for "a refresh round after every change" 30 caught_up
check "stored rows equal a full recount after imports, actions, a return, a reopening, a merge" stored_equals_recount

# ---- an acceptance whose time runs out makes its stored day stale: nothing else writes then ----
# RD-7's accept deadline, not met, made due in 20 s (a round runs every 2 s: time for one before), its ladder
# ended (escalation leaves it be, so no alert's event marks the order changed): undecided, its day counts one
# dispatch fewer; decided, it counts again.
rd7_day=$(sql "SELECT timezone('$TZ_REPORT', d.started_at)::date FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
               WHERE c.ticket_no = 'RD-7' AND d.kind = 'accept'")
dispatched_rd7_day() { sql "SELECT sum(dispatched) FROM report_days WHERE day = '$rd7_day'"; }
n=$(dispatched_rd7_day)
sql "UPDATE deadlines d SET due_at = now() + interval '20 seconds', met_at = NULL, fired_at = now()
     FROM complaints c WHERE c.id = d.complaint_id AND c.ticket_no = 'RD-7' AND d.kind = 'accept';
     INSERT INTO complaint_events (complaint_id, actor, event) SELECT id, 'test', 'progress' FROM complaints
     WHERE ticket_no = 'RD-7'" >/dev/null
wait_for "a refresh round after RD-7's deadline moved" 30 caught_up
check_eq "RD-7's acceptance, its time not run out, is not counted in its day's response rate" "$((n - 1))" "$(dispatched_rd7_day)"
wait_for "RD-7's accept deadline fallen due" 60 sql_eq "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
    WHERE c.ticket_no = 'RD-7' AND d.kind = 'accept' AND d.due_at < now()" 1
wait_for "the stored day counts it again" 30 sql_eq "SELECT sum(dispatched) FROM report_days WHERE day = '$rd7_day'" "$n"
check_eq "… once fallen due unaccepted (its day found stale without any event)" "$n" "$(dispatched_rd7_day)"
check "stored rows equal a full recount then" stored_equals_recount

# ---- so does a resolve deadline whose time runs out unmet: 解决率 counts it once decided ----
# RD-8's resolve deadline, not met, made due in 20 s, its ladder ended: undecided, its day counts one
# resolve deadline fewer in 解决率 (not yet resolved, not yet late); fallen due unmet, it counts again,
# as not resolved, with nothing written. Its day's 解决率 as the metrics read it: assigned up to that day.
rd8_day=$(sql "SELECT timezone('$TZ_REPORT', d.started_at)::date FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
               WHERE c.ticket_no = 'RD-8' AND d.kind = 'resolve'")
check "RD-8 has a resolve deadline, started on a stored day" test -n "$rd8_day"
decided_rd8_day() { sql "SELECT sum(assigned) FILTER (WHERE until_day < 'infinity') FROM report_days WHERE day = '$rd8_day'"; }
n=$(decided_rd8_day)
sql "UPDATE deadlines d SET due_at = now() + interval '20 seconds', met_at = NULL, fired_at = now()
     FROM complaints c WHERE c.id = d.complaint_id AND c.ticket_no = 'RD-8' AND d.kind = 'resolve';
     INSERT INTO complaint_events (complaint_id, actor, event) SELECT id, 'test', 'progress' FROM complaints
     WHERE ticket_no = 'RD-8'" >/dev/null
wait_for "a refresh round after RD-8's deadline moved" 30 caught_up
check_eq "RD-8's resolve deadline, its time not run out, is not counted in its day's resolution rate" "$((n - 1))" \
    "$(decided_rd8_day)"
wait_for "RD-8's resolve deadline fallen due" 60 sql_eq "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
    WHERE c.ticket_no = 'RD-8' AND d.kind = 'resolve' AND d.due_at < now()" 1
wait_for "the stored day counts it again" 30 sql_eq "SELECT sum(assigned) FILTER (WHERE until_day < 'infinity')
    FROM report_days WHERE day = '$rd8_day'" "$n"
check_eq "… once fallen due unmet (its day found stale without any event)" "$n" "$(decided_rd8_day)"
check "stored rows equal a full recount then" stored_equals_recount

# ---- a change without an event is caught, and the order's next event repairs it ----
t=$(sql "SELECT now()")
sql "UPDATE deadlines d SET met_at = c.called_at + interval '3 days' FROM complaints c
     WHERE c.id = d.complaint_id AND c.ticket_no = 'RD-2' AND d.kind = 'resolve'" >/dev/null
wait_for "a refresh round after the silent change" 30 round_after "$t"
check "the recount differs from the stored rows: nothing told reporting" fails stored_equals_recount
sql "INSERT INTO complaint_events (complaint_id, actor, event) SELECT id, 'test', 'progress' FROM complaints
     WHERE ticket_no = 'RD-2'" >/dev/null
wait_for "a refresh round after the event" 30 caught_up
check "an event on the order makes its days counted again" stored_equals_recount

# ---- a report reads stored and stale days together, exactly ----
week=$(TZ=$TZ_REPORT date -d "3 days ago" +%G-W%V)
sql "INSERT INTO complaint_events (complaint_id, actor, event) SELECT id, 'test', 'progress' FROM complaints
     WHERE ticket_no = 'RD-6'" >/dev/null
as_role dispatcher jiesu bulletin --week "$week" --out "$HARNESS_DIR/b1" >/dev/null 2>&1
check "a bulletin of the week while a day may be stale" test -s "$HARNESS_DIR/b1/bulletin-$week-ranking.csv"
sql "DELETE FROM report_days; DELETE FROM report_days_state" >/dev/null
as_role dispatcher jiesu bulletin --week "$week" --out "$HARNESS_DIR/b2" >/dev/null 2>&1
check "… equals the bulletin counted all live" \
    cmp -s "$HARNESS_DIR/b1/bulletin-$week-ranking.csv" "$HARNESS_DIR/b2/bulletin-$week-ranking.csv"
check "… and so does its list of overdue and escalated orders" \
    cmp -s "$HARNESS_DIR/b1/bulletin-$week-orders.csv" "$HARNESS_DIR/b2/bulletin-$week-orders.csv"
wait_for "rebuilt from nothing" 30 caught_up
check "the rebuilt rows equal a full recount" stored_equals_recount

# ---- a migration's recount of some days (report_days_recount, 059) ----
# The stored list and sheet of the days RD-2 was called and fell due on,
# taken away behind reporting's back (no event), are what a recount of
# those moments puts back; the other days stay as they are.
moments="ARRAY(SELECT c.called_at FROM complaints c WHERE c.ticket_no = 'RD-2'
               UNION ALL SELECT d.due_at FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
               WHERE c.ticket_no = 'RD-2')"
sql "DELETE FROM report_overdue_days WHERE day IN (SELECT timezone('$TZ_REPORT', unnest($moments))::date);
     DELETE FROM report_sheet_days WHERE day IN (SELECT timezone('$TZ_REPORT', unnest($moments))::date)" >/dev/null
check "the stored list and sheet of RD-2's days taken away differ from a recount" fails stored_equals_recount
sql "SELECT report_days_recount('report_overdue_days', 'report_overdue_facts', $moments);
     SELECT report_days_recount('report_sheet_days', 'report_sheet_facts', $moments)" >/dev/null
check "… and are put back by report_days_recount of those moments" stored_equals_recount

# ---- a writer holding events open: the watermark is busy, said without an error ----
# (an import's batch; an ERROR in PostgreSQL's log at every such round would
# bury real faults: test_run_clone reads that log)
PGAPPNAME=test_hold_events psql "$JIESU_PG_OWNER_CONNINFO" -XqAt -c "BEGIN" \
    -c "INSERT INTO complaint_events (complaint_id, actor, event) SELECT id, 'test', 'progress' FROM complaints
        WHERE ticket_no = 'RD-7'" -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
holder=$!
wait_for "a transaction holding an event open" 20 sql_eq "SELECT count(*) FROM pg_stat_activity
    WHERE application_name = 'test_hold_events' AND query LIKE '%pg_sleep%'" 1
check_eq "the watermark asked meanwhile answers busy (NULL) after its lock_timeout, no error" t \
    "$(psql "$JIESU_PG_OWNER_CONNINFO" -XtAq -v ON_ERROR_STOP=1 -c "BEGIN" -c "SET LOCAL lock_timeout = 100" \
        -c "SELECT report_events_watermark() IS NULL" -c "COMMIT" 2>&1)"
sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'test_hold_events'" >/dev/null
wait "$holder" 2>/dev/null
t=$(sql "SELECT now()")
wait_for "a refresh round once the writer is gone" 30 round_after "$t"
check "… and the rounds go on once it is gone, none logged as failing" \
    fails grep -q "count those days live meanwhile" "$HARNESS_DIR/reporting.log"

harness_services_stop
