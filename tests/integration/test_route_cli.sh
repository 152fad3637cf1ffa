# test_route_cli.sh — routing as an operator sees it, with the real services:
# a conduct complaint goes to discipline inspection, `jiesu show` prints the
# decision's reasons, `jiesu manual` lists what routing could not place and
# `jiesu dispatch` gives it to a unit; a unit accepts, returns (the order is
# re-routed without it), and an unsatisfied callback reopens the order in a
# new cycle with new deadlines; a road an operator adds to the gazetteer is
# used for the next orders without a restart; `jiesu learn` trains the text
# model from a labelled export written here and routing uses it at once (a
# 12345 export too, read through its import profile beside a broken one); the
# rules are loaded again beside routing, so a reload held up by a lock holds
# up no order.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_route_cli
# Statistics for every table from the start: the ladder's one row and the
# units would otherwise never have any (README.md, The two commands).
check "jiesu migrate analyzes the tables never analyzed, and says so" \
    grep -q "统计信息：分析了 [0-9]* 张从未分析过的表" "$HARNESS_DIR/migrate-jiesu_route_cli.log"
check_eq "… none is left without statistics" 0 \
    "$(sql "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' AND reltuples < 0")"
check_eq "… so the planner expects the ladder's rows, not ten pages of them" \
    "$(sql "SELECT count(*) FROM esc_ladder")" \
    "$(sql "EXPLAIN SELECT * FROM esc_ladder" | grep -o 'rows=[0-9]*' | head -1 | cut -d= -f2)"
# The import profiles a labelled export is read through (jiesu learn FILE):
# the shipped ones, a broken one put beside them below.
profiles=$HARNESS_DIR/route-cli-profiles
rm -rf "$profiles"; mkdir -p "$profiles"; cp "$REPO"/data/profiles/*.conf "$profiles"
harness_services_start "assignment.max_returns = 2" "assignment.reload_seconds = 1" "intake.profiles_dir = $profiles"

jiesu() { "$JIESU_BIN/jiesu" "$@"; }
jiesu --help >"$HARNESS_DIR/help.out" 2>&1
check "jiesu --help prints the usage" test $? -eq 0
check "… with the bulletin's weeks and the alerts' rungs" \
    bash -c "grep -q 'bulletin \[--week 上周|本周|YYYY-Www\]' '$HARNESS_DIR/help.out' && grep -q '级别：催办、督办、问责预警' '$HARNESS_DIR/help.out'"
csv=$HARNESS_DIR/route-cli.csv
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "RC-1,2026/10/1 9:00,王先生,13800000001,崂山区张村社区3号楼,张村社区门口流动摊贩占道经营，垃圾遍地,,一般" \
    "RC-2,2026/10/1 9:05,李女士,13800000002,沙子口街道,沙子口街道办工作人员态度恶劣，办事推诿,,一般" \
    "RC-3,2026/10/1 9:10,张先生,13800000003,来电人未提供,楼下饭店油烟太大，排风扇对着我家窗户吹，请回电13912345678,,紧急" \
    "RC-4,2026/10/1 9:15,赵女士,13800000004,张村社区,垃圾堆在张村社区和金家岭街道交界处,环境卫生-垃圾清运,一般" >"$csv"
as_role clerk jiesu import "$csv" >"$HARNESS_DIR/route-cli-import.out" 2>&1
check "import of four complaints" test $? -eq 0
wait_for "all four routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
as_role clerk jiesu import --dry-run "$csv" >"$HARNESS_DIR/route-cli-dry.out" 2>&1
check "a dry run shows an empty field and a column the file lacks as \"—\", as \`jiesu show\` and the pages do" \
    sh -c "grep -q '^经度（lon）  *—$' '$HARNESS_DIR/route-cli-dry.out' && grep -q '^诉求类别  *—$' '$HARNESS_DIR/route-cli-dry.out' &&
           ! grep -q '  -$' '$HARNESS_DIR/route-cli-dry.out'"
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "RC-9,2026/10/1 9:20,钱先生,13800000009,崂山区张村社区5号,,,一般" >"$HARNESS_DIR/route-cli-bad.csv"
as_role clerk jiesu import --dry-run "$HARNESS_DIR/route-cli-bad.csv" >"$HARNESS_DIR/route-cli-dry-bad.out" 2>&1
check "a dry run names a row it would refuse in Chinese, by its row as the preview does, not 'row 2 (诉求内容)'" \
    grep -q '^第 2 行（诉求内容）：这一行的诉求内容是空的：请在原系统补上诉求内容后再导入这一行$' "$HARNESS_DIR/route-cli-dry-bad.out"
# An option after the files is the import's: before, `jiesu import FILE
# --dry-run` imported FILE for real, then failed on a file named --dry-run.
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "RC-8,2026/10/1 9:25,孙先生,13800000008,崂山区张村社区6号,楼道灯坏了没人修,,一般" >"$HARNESS_DIR/route-cli-late.csv"
as_role clerk jiesu import "$HARNESS_DIR/route-cli-late.csv" --dry-run >"$HARNESS_DIR/route-cli-late.out" 2>&1
check_eq "--dry-run after the file: a dry run" 0 $?
check_eq "… storing nothing" 0 "$(sql "SELECT count(*) FROM complaints WHERE ticket_no = 'RC-8'")"
as_role clerk jiesu import "$HARNESS_DIR/route-cli-late.csv" --dry-rn >"$HARNESS_DIR/route-cli-late.out" 2>&1
check_eq "an option import does not have: a usage error, no file sent" "2 0" "$? $(sql "SELECT count(*) FROM complaints WHERE ticket_no = 'RC-8'")"
check "… naming it and those it has" \
    grep -q "^jiesu: import 没有 --dry-rn 选项；它的选项：--profile --dry-run --rejects$" "$HARNESS_DIR/route-cli-late.out"

check_eq "RC-1: owned by 中韩街道" "370212001" \
    "$(sql "SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-1' AND a.active AND a.role = 'owner'")"
check_eq "RC-1: co-handled by the district's enforcement bureau" "370212.zhifa" \
    "$(sql "SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-1' AND a.active AND a.role = 'co'")"
check_eq "RC-2: conduct complaint owned by the district's discipline inspection" "370212.discipline 崂山区纪委监委" \
    "$(sql "SELECT u.code || ' ' || u.name FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-2' AND a.active AND a.role = 'owner'")"
check_eq "RC-2: never given to the office complained about" 0 \
    "$(sql "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-2' AND u.code = '370212002'")"
check_eq "RC-3: no place, manual queue" "manual" "$(sql "SELECT status FROM complaints WHERE ticket_no = 'RC-3'")"

as_role dispatcher jiesu show RC-1 >"$HARNESS_DIR/show-rc1.out" 2>&1
check "jiesu show prints the matched community and street" grep -q "地址中匹配到社区 张村社区 → 中韩街道" "$HARNESS_DIR/show-rc1.out"
check "jiesu show prints the matched terms and category" grep -q "关键词 .*占道经营.* → 占道经营" "$HARNESS_DIR/show-rc1.out"
check "jiesu show prints the co-handler" grep -q "崂山区综合行政执法局" "$HARNESS_DIR/show-rc1.out"
check "… and its history says routing sent it, not that anyone changed its category (it read 分类改为占道经营)" \
    sh -c "grep -q '自动派单服务 *派单 *派给中韩街道，协办单位 崂山区综合行政执法局' '$HARNESS_DIR/show-rc1.out' &&
           ! grep -q '分类改为' '$HARNESS_DIR/show-rc1.out'"
as_role dispatcher jiesu show "ＲＣ－１　" >"$HARNESS_DIR/show-rc1-wide.out" 2>&1
check "… the same typed in full-width characters with a space after (a Chinese input method)" \
    test "$(cat "$HARNESS_DIR/show-rc1-wide.out")" = "$(cat "$HARNESS_DIR/show-rc1.out")"
check_eq "the owner's reasons name the co-handler by its name, not its code" 1 \
    "$(sql "SELECT count(*) FROM assignments a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-1'
            AND a.role = 'owner' AND a.reasons LIKE '%；协办单位 崂山区综合行政执法局%' AND a.reasons NOT LIKE '%370212.%'")"
as_unit 370212.discipline jiesu show RC-2 >"$HARNESS_DIR/show-rc2.out" 2>&1
check "jiesu show explains the conduct rule" grep -q "被投诉单位，不交其办理" "$HARNESS_DIR/show-rc2.out"
check "… naming the office accused as people know it, with no unit code (沙子口街道, not 沙子口街道（370212002）)" \
    sh -c "grep -q '被投诉单位，不交其办理：沙子口街道' '$HARNESS_DIR/show-rc2.out' && ! grep -q '（370212' '$HARNESS_DIR/show-rc2.out'"

as_unit 370212001 jiesu show RC-2 >"$HARNESS_DIR/show-rc2-street.out" 2>&1
check "the street office a conduct complaint names cannot read it" grep -q "没有您可以查看的工单 RC-2" "$HARNESS_DIR/show-rc2-street.out"
as_role dispatcher jiesu show RC-2 >"$HARNESS_DIR/show-rc2-dispatcher.out" 2>&1
check "… nor can a dispatcher" grep -q "没有您可以查看的工单 RC-2" "$HARNESS_DIR/show-rc2-dispatcher.out"
svc_role=$(psql "$JIESU_PG_CONNINFO" -XtAc "SELECT current_user")
sql "REVOKE SELECT ON alerts FROM $svc_role" >/dev/null
as_role dispatcher jiesu show RC-1 >"$HARNESS_DIR/show-failed.out" 2>&1
check "a read the database refuses: jiesu show fails" test $? -ne 0
check "… saying what to do in Chinese, not PostgreSQL's words" sh -c "grep -q '暂时无法完成这件事（原因已记入它的日志）；请稍后再试' \
    '$HARNESS_DIR/show-failed.out' && ! grep -qi 'permission\|alerts' '$HARNESS_DIR/show-failed.out'"
check "… which the reporting service's log keeps" grep -q "permission denied for table alerts" "$HARNESS_DIR/reporting.log"
sql "GRANT SELECT ON alerts TO $svc_role" >/dev/null
as_role dispatcher jiesu manual >"$HARNESS_DIR/manual.out" 2>&1
check "jiesu manual lists the order routing could not place" grep -q "RC-3" "$HARNESS_DIR/manual.out"
check "jiesu manual says why" grep -q "没有街道或社区名称" "$HARNESS_DIR/manual.out"
check "… with the complaint's first 30 characters, a phone number across the cut masked whole" \
    sh -c "grep -q '楼下饭店油烟太大,排风扇对着我家窗户吹,请回电139\*\*\*\*…' '$HARNESS_DIR/manual.out' &&
           ! grep -q 1391234 '$HARNESS_DIR/manual.out'"
as_unit 370212001 jiesu report >"$HARNESS_DIR/report-unit.out" 2>&1
check "a street office's jiesu report: its street, and no manual queue counted 0 (the queue is not its to count)" \
    sh -c "grep -q '^中韩街道 ' '$HARNESS_DIR/report-unit.out' && ! grep -q '待人工派单' '$HARNESS_DIR/report-unit.out'"
check "… named as people know it, its count beside its name: no column 代码 of 370212001" \
    sh -c "grep -qE '^街道 +工单 ' '$HARNESS_DIR/report-unit.out' && grep -qE '^中韩街道 +[0-9]+ ' '$HARNESS_DIR/report-unit.out' &&
           ! grep -q '代码\|370212001' '$HARNESS_DIR/report-unit.out'"
as_role dispatcher jiesu report --from 2026-10-01 >"$HARNESS_DIR/report-from.out" 2>&1
check "a dispatcher's counts the queue" grep -q '^待人工派单：[1-9]' "$HARNESS_DIR/report-from.out"
check "… over calls from a day on, said so (not 至 nothing)" grep -q '^来电时间 2026-10-01 起的工单$' "$HARNESS_DIR/report-from.out"
as_role dispatcher jiesu report weekly >"$HARNESS_DIR/report-kind.out" 2>&1
check_eq "jiesu report of a unit there is none of: refused" 1 $?
check "… saying how to look units up, in Chinese" grep -q '没有叫“weekly”的单位：`jiesu units weekly`' "$HARNESS_DIR/report-kind.out"
# The summary is named as people say it, 街道; streets stays its synonym.
as_role dispatcher jiesu report 街道 --from 2026-10-01 >"$HARNESS_DIR/report-streets.out" 2>&1
check_eq "jiesu report 街道: the per-street summary" "0 $(cat "$HARNESS_DIR/report-from.out")" "$? $(cat "$HARNESS_DIR/report-streets.out")"
as_role dispatcher jiesu report streets --from 2026-10-01 >"$HARNESS_DIR/report-streets.out" 2>&1
check_eq "… jiesu report streets the same" "0 $(cat "$HARNESS_DIR/report-from.out")" "$? $(cat "$HARNESS_DIR/report-streets.out")"
as_role dispatcher jiesu dispatch RC-3 no-such-unit >"$HARNESS_DIR/dispatch-bad.out" 2>&1
check "dispatch to an unknown unit is refused" test $? -ne 0
check "… saying which unit" grep -q "no-such-unit" "$HARNESS_DIR/dispatch-bad.out"
sql "UPDATE principals SET display_name = '派单员 小赵' WHERE name = 'test-dispatcher'" >/dev/null
as_role dispatcher jiesu dispatch RC-3 370212004 "来电人补充：在北宅" >"$HARNESS_DIR/dispatch.out" 2>&1
check "jiesu dispatch gives the manual order to 北宅街道, and its category's department the co-handler's part, as routing would" \
    grep -q "dispatch RC-3：待签收（已派单至北宅街道，协办单位 崂山区生态环境分局，签收和办结时限从现在起算）" "$HARNESS_DIR/dispatch.out"
check_eq "… which co-handles it" "370212.huanbao" \
    "$(sql "SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-3' AND a.active AND a.role = 'co'")"
check_eq "… its reason names the dispatcher as people read them, with the reason given" "人工派单（派单员 小赵）：来电人补充：在北宅" \
    "$(sql "SELECT a.reasons FROM assignments a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-3' AND a.active AND a.role = 'owner'")"
check_eq "RC-3 has its two deadlines" 2 "$(sql "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = 'RC-3'")"
as_role dispatcher jiesu dispatch RC-3 中韩街道 >"$HARNESS_DIR/reassign-noreason.out" 2>&1
check "dispatching an order a unit holds to another unit, without a reason, is refused" test $? -eq 1
check "… saying who has it and that a reason is needed" \
    grep -q "^jiesu: dispatch RC-3: 工单 RC-3 在北宅街道（待签收）：改派给中韩街道需要写明改派原因（会记入工单），请填写后再提交" \
    "$HARNESS_DIR/reassign-noreason.out"
check "… naming the command once" bash -c "! grep -q 'dispatch RC-3: dispatch RC-3' '$HARNESS_DIR/reassign-noreason.out'"
as_role dispatcher jiesu dispatch RC-3 中韩街道 "地址核实在中韩" >"$HARNESS_DIR/reassign.out" 2>&1
check "with a reason it is reassigned, the unit given by name, the district's co-handler kept" \
    grep -q "dispatch RC-3：待签收（已从北宅街道改派给中韩街道，协办单位 崂山区生态环境分局，签收和办结时限从现在重新起算）" "$HARNESS_DIR/reassign.out"
check_eq "… the reason recorded as the dispatcher's" "test-dispatcher reassigned 地址核实在中韩 370212004" \
    "$(sql "SELECT e.actor || ' ' || e.event || ' ' || (e.detail->>'reason') || ' ' || (e.detail->>'from_unit') FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = 'RC-3' ORDER BY e.id DESC LIMIT 1")"
as_role dispatcher jiesu dispatch RC-3 370212001 >"$HARNESS_DIR/reassign-same.out" 2>&1
check "dispatching it to the unit that has it says nothing changed" \
    grep -q "dispatch RC-3：待签收（已在中韩街道，未作改动）" "$HARNESS_DIR/reassign-same.out"
# Reassigned to a street office of another district, the order's co-handler
# is that district's department: before, 崂山区生态环境分局 kept co-handling
# (reading, seeing on its list) an order 黄岛区 now had.
sql "INSERT INTO regions (code, name, short_name, level) VALUES ('370211', '黄岛区', '黄岛', 'district');
     INSERT INTO regions (code, name, short_name, level, parent_code) VALUES ('370211002', '辛安街道', '辛安', 'street', '370211');
     INSERT INTO units (code, name, kind, region_code) VALUES ('370211002', '辛安街道', 'street', '370211002'),
       ('370211.huanbao', '黄岛区生态环境分局', 'dept', '370211')" >/dev/null
as_unit 370212.huanbao jiesu show RC-3 >/dev/null 2>&1
check_eq "崂山区生态环境分局, its co-handler, reads RC-3" 0 $?
as_unit 370212.huanbao jiesu accept RC-3 >"$HARNESS_DIR/co-accept.out" 2>&1
check "… but takes no action on it, the owner's to take: its accept is refused as the README's role table says" \
    grep -q "工单 RC-3 由中韩街道主办，本单位协办：.*协办单位不能签收" "$HARNESS_DIR/co-accept.out"
as_role dispatcher jiesu dispatch RC-3 辛安街道 "实为黄岛区辛安街道辖区" >"$HARNESS_DIR/reassign-district.out" 2>&1
check "reassigned to 黄岛区's 辛安街道, the dispatcher is told its department co-handles it and the old one no longer" \
    grep -q "dispatch RC-3：待签收（已从中韩街道改派给辛安街道，协办单位 黄岛区生态环境分局，崂山区生态环境分局不再协办，签收和办结时限从现在重新起算）" \
    "$HARNESS_DIR/reassign-district.out"
check_eq "… which is so" "370211.huanbao" \
    "$(sql "SELECT string_agg(u.code, ' ') FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-3' AND a.active AND a.role = 'co'")"
as_unit 370212.huanbao jiesu show RC-3 >"$HARNESS_DIR/reassign-old-co.out" 2>&1
check "… and 崂山区生态环境分局 no longer reads it" grep -q "没有您可以查看的工单 RC-3" "$HARNESS_DIR/reassign-old-co.out"
as_role dispatcher jiesu show RC-3 >"$HARNESS_DIR/show-rc3.out" 2>&1
check "the order's history says so, by the dispatcher, with the reason" \
    grep -qE "派单员 小赵 +改派 +从中韩街道改派给辛安街道，协办单位 黄岛区生态环境分局，崂山区生态环境分局不再协办 实为黄岛区辛安街道辖区" \
    "$HARNESS_DIR/show-rc3.out"
check "… and why routing gave it to a dispatcher, where its 转人工派单 said nothing" \
    grep -qE "自动派单服务 +转人工派单 +地址和诉求内容中都没有街道或社区名称；没有找到地点：转人工派单" "$HARNESS_DIR/show-rc3.out"
# A dispatch's deadlines are the category's the order has under the dispatch's lock on it. Here its
# category changes (垃圾清运, 2 working days to resolve, to 违法建设, 10) in a session standing in for
# another dispatcher, which holds the order's row until the dispatch waits for it: before, the dispatch
# read the category just outside its lock, and gave the order 垃圾清运's time limits in 违法建设.
resolve_span() {
    sql "SELECT extract(epoch FROM d.due_at - d.started_at)::bigint FROM deadlines d JOIN complaints c
          ON c.id = d.complaint_id AND d.cycle = c.cycle WHERE c.ticket_no = 'RC-3' AND d.kind = 'resolve'"
}
sql "UPDATE complaints SET category = 'env.garbage' WHERE ticket_no = 'RC-3'" >/dev/null
fifo=$HARNESS_DIR/recategorise.fifo
rm -f "$fifo"; mkfifo "$fifo"
PGAPPNAME=test_recategorise psql "$JIESU_PG_OWNER_CONNINFO" -XqAt <"$fifo" >/dev/null 2>&1 &
other=$!
exec 7>"$fifo"
echo "BEGIN; UPDATE complaints SET category = 'building' WHERE ticket_no = 'RC-3';" >&7
wait_for "the other session holding RC-3" 20 sql_eq "SELECT count(*) FROM pg_stat_activity
    WHERE application_name = 'test_recategorise' AND state = 'idle in transaction'" 1
as_role dispatcher jiesu dispatch RC-3 370212004 "核实后仍归北宅" >"$HARNESS_DIR/dispatch-locked.out" 2>&1 &
dispatching=$!
wait_for "the dispatch waiting for RC-3" 20 sql_eq "SELECT count(*) > 0 FROM pg_locks WHERE NOT granted" t
echo "COMMIT;" >&7
exec 7>&-
wait "$dispatching"; wait "$other"
check "a dispatch that waited for the order while its category changed is done" \
    grep -q "dispatch RC-3：待签收（已从辛安街道改派给北宅街道" "$HARNESS_DIR/dispatch-locked.out"
locked=$(resolve_span)
as_role dispatcher jiesu dispatch RC-3 370212001 "核实后归中韩" >/dev/null 2>&1
again=$(resolve_span)
check "… its resolve deadline the new category's, as a dispatch after the change gives ($locked s against $again s from the dispatch)" \
    test "$(( locked > again ? locked - again : again - locked ))" -lt 86400

as_unit 370212005 jiesu accept RC-1 >"$HARNESS_DIR/accept-wrong.out" 2>&1
check "a unit that does not own the order cannot accept it" test $? -ne 0
check "… and is told only that it is not its own: not who holds it" \
    bash -c "grep -q '没有可由本单位办理的工单 RC-1' '$HARNESS_DIR/accept-wrong.out' && ! grep -q '370212001\|中韩' '$HARNESS_DIR/accept-wrong.out'"
as_unit 370212002 jiesu accept RC-2 >"$HARNESS_DIR/accept-conduct.out" 2>&1
check "the office a conduct complaint accuses, acting on its ticket, hears the same as for no such ticket" \
    bash -c "grep -q '没有可由本单位办理的工单 RC-2' '$HARNESS_DIR/accept-conduct.out' && ! grep -q '纪委' '$HARNESS_DIR/accept-conduct.out'"
as_unit 370212002 jiesu accept RC-404 >"$HARNESS_DIR/accept-none.out" 2>&1
check "… word for word" test "$(sed 's/RC-404/RC-2/g' "$HARNESS_DIR/accept-none.out")" = "$(cat "$HARNESS_DIR/accept-conduct.out")"
# Nor does a dispatcher or callback agent, who may not read a conduct
# complaint, learn of it by acting on it: each hears what it hears of no such
# ticket, word for word (not its status, not who holds it), and nothing of the
# order changes or is recorded.
rc2_state() { sql "SELECT c.status || ' ' || c.cycle || ' ' || (SELECT count(*) FROM complaint_events e WHERE e.complaint_id = c.id)
    || ' ' || (SELECT string_agg(a.id || u.code, ',' ORDER BY a.id) FROM assignments a JOIN units u ON u.id = a.unit_id
               WHERE a.complaint_id = c.id AND a.active) FROM complaints c WHERE c.ticket_no = 'RC-2'"; }
# blind LABEL ROLE ACTION ARGS...: ROLE's ACTION on RC-2, then on RC-404 (no such ticket).
blind() {
    local label=$1 role=$2 action=$3; shift 3
    as_role "$role" jiesu "$action" RC-2 "$@" >"$HARNESS_DIR/blind-$label.out" 2>&1
    as_role "$role" jiesu "$action" RC-404 "$@" >"$HARNESS_DIR/blind-$label-none.out" 2>&1
}
blind_same() {  # LABEL: the two answers, word for word, and the one a refusal naming no such ticket
    grep -q "没有工单号为 RC-2 的工单" "$HARNESS_DIR/blind-$1.out" &&
        test "$(sed 's/RC-404/RC-2/g' "$HARNESS_DIR/blind-$1-none.out")" = "$(cat "$HARNESS_DIR/blind-$1.out")"
}
rc2_before=$(rc2_state)
blind callback-open callback callback 满意
check "a callback agent's callback on a conduct complaint in progress: as for no such ticket, word for word" \
    blind_same callback-open
blind dispatch-noreason dispatcher dispatch 中韩街道
check "a dispatcher's dispatch of a conduct complaint without a reason: the same (not who holds it)" \
    blind_same dispatch-noreason
blind dispatch-reason dispatcher dispatch 区纪委监委 "改由区纪委监委办理"
check "… with a reason, to another discipline inspection: the same" blind_same dispatch-reason
blind dispatch-street dispatcher dispatch 370212001 "派给街道"
check "… to a street office: the same (not that it is a conduct complaint)" blind_same dispatch-street
check_eq "… and none of them changed or recorded anything" "$rc2_before" "$(rc2_state)"
as_unit 370212.discipline jiesu resolve RC-2 "已核实处理" >"$HARNESS_DIR/resolve-rc2.out" 2>&1
check "discipline inspection resolves the conduct complaint it holds" grep -q "resolve RC-2：已办结待回访" "$HARNESS_DIR/resolve-rc2.out"
rc2_before=$(rc2_state)
blind callback-done callback callback 满意
check "a callback agent's callback on the resolved conduct complaint: as for no such ticket, word for word" \
    blind_same callback-done
blind callback-reopen callback callback 不满意 "没解决"
check "… an unsatisfied one too" blind_same callback-reopen
check_eq "… neither closed nor reopened it, nor recorded anything" "$rc2_before" "$(rc2_state)"
as_unit 370212001 jiesu return " ＲＣ－４" "垃圾在金家岭一侧" >"$HARNESS_DIR/return.out" 2>&1
check "jiesu return by the owner (the number typed full-width, as imports store it)" grep -q "return RC-4：已退回" "$HARNESS_DIR/return.out"
check "… saying what it did and what comes next once, not 已办理 (which reads as handled) nor 已退回（已退回，…）" \
    grep -qx "return RC-4：已退回，重新派单" "$HARNESS_DIR/return.out"
wait_for "RC-4 re-routed" 20 sql_eq "SELECT status FROM complaints WHERE ticket_no = 'RC-4'" dispatched
check_eq "RC-4 re-routed without the returning unit: 金家岭街道" "370212005" \
    "$(sql "SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-4' AND a.active AND a.role = 'owner'")"
# The same return sent again (its answer lost, or a double tap on the page):
# before, 没有可由本单位办理的工单 RC-4, exit 1, as if the return had failed.
rc4_events=$(sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = 'RC-4'")
as_unit 370212001 jiesu return RC-4 "垃圾在金家岭一侧" >"$HARNESS_DIR/return-again.out" 2>&1
check_eq "the return sent again is answered done before, not refused" 0 $?
check "… saying it was returned and nothing was done now" \
    grep -qx "return RC-4：已退回（此前已办理，未作改动）" "$HARNESS_DIR/return-again.out"
check_eq "… recording nothing, nor taking the order back" \
    "$rc4_events 370212005" "$(sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = 'RC-4'") $(sql "SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-4' AND a.active AND a.role = 'owner'")"
as_unit 370212002 jiesu return RC-4 "不是我们的" >"$HARNESS_DIR/return-other.out" 2>&1
check "another unit's return of it is still as of no order of theirs" \
    grep -q "没有可由本单位办理的工单 RC-4（" "$HARNESS_DIR/return-other.out"
# RC-1's co-handler reads it (its unit's list, its page: 本单位协办此单) but
# acts on nothing: before, it heard 没有可由本单位办理的工单 RC-1（工作台列出本单位的工单）
# of an order its list has.
as_unit 370212.zhifa jiesu accept RC-1 >"$HARNESS_DIR/accept-co.out" 2>&1
check "the co-handler's accept is refused naming the unit that acts and what the co-handler does" grep -q \
    "工单 RC-1 由中韩街道主办，本单位协办：签收、退回、暂缓、办结和填写进展都由主办单位办理，协办单位不能签收；本单位协办的情况请告知中韩街道，由它记入进展" \
    "$HARNESS_DIR/accept-co.out"
check_eq "… changing nothing" dispatched "$(sql "SELECT status FROM complaints WHERE ticket_no = 'RC-1'")"
as_unit 370212005 jiesu return RC-4 "不是我们的" >/dev/null 2>&1
wait_for "RC-4 to arbitration" 20 sql_eq "SELECT status FROM complaints WHERE ticket_no = 'RC-4'" manual
check_eq "after assignment.max_returns returns: manual arbitration" "arbitration" \
    "$(sql "SELECT a.rule FROM assignments a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-4' AND a.active")"
as_role dispatcher jiesu manual >"$HARNESS_DIR/manual-rc4.out" 2>&1
check "… which jiesu manual says as a dispatcher reads it, not by the setting's key" \
    sh -c "grep -q '本轮退回已达 2 次（上限 2 次）：转人工派单，由派单员裁定' '$HARNESS_DIR/manual-rc4.out' &&
           ! grep -q 'max_returns' '$HARNESS_DIR/manual-rc4.out'"

sql "REVOKE INSERT ON complaint_events FROM $svc_role" >/dev/null
as_unit 370212001 jiesu accept RC-1 >"$HARNESS_DIR/accept-failed.out" 2>&1
check "an action the database fails is not done" test $? -ne 0
check "… the handler told what to do in Chinese, not PostgreSQL's words" sh -c "grep -q \
    '自动派单服务暂时无法完成这件事（原因已记入它的日志）' '$HARNESS_DIR/accept-failed.out' && \
    ! grep -qi 'permission\|complaint_events' '$HARNESS_DIR/accept-failed.out'"
check_eq "… nothing stored" dispatched "$(sql "SELECT status FROM complaints WHERE ticket_no = 'RC-1'")"
check "… the reason in the assignment service's log" \
    grep -q "accept RC-1: nothing stored: .*permission denied for table complaint_events" "$HARNESS_DIR/assignment.log"
sql "GRANT INSERT ON complaint_events TO $svc_role" >/dev/null
as_unit 370212001 jiesu accept RC-1 >/dev/null 2>&1
check_eq "RC-1 accepted" accepted "$(sql "SELECT status FROM complaints WHERE ticket_no = 'RC-1'")"
# An action's free text is kept whole in its event, so it has a limit, said
# when crossed; and it is UTF-8 (a GBK terminal's bytes are refused, not
# handed to PostgreSQL).
as_unit 370212001 jiesu progress RC-1 "$(printf '国%.0s' $(seq 501))" >"$HARNESS_DIR/long-note.out" 2>&1
check "a note of 501 characters is refused, named as the workbench names it, saying the limit and to shorten it" \
    grep -q "进展说明有 501 个字，最多 500 个：请删减到 500 个字以内" "$HARNESS_DIR/long-note.out"
as_unit 370212001 jiesu progress RC-1 "$(printf '\xd5\xc5\xc8\xfd')" >"$HARNESS_DIR/gbk-note.out" 2>&1
check "… and one that is not UTF-8" grep -q "进展说明不是 UTF-8 文字" "$HARNESS_DIR/gbk-note.out"
as_unit 370212001 jiesu progress RC-1 "$(printf '国%.0s' $(seq 500))" >/dev/null 2>&1
check_eq "… one of 500 is stored whole" 500 "$(sql "SELECT char_length(e.detail->>'reason') FROM complaint_events e
    JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = 'RC-1' AND e.event = 'progress'")"
as_unit 370212001 jiesu progress RC-1 "已联系执法中队" >/dev/null 2>&1
as_unit 370212001 jiesu resolve RC-1 "摊贩已劝离" >/dev/null 2>&1
check_eq "RC-1 resolved" resolved "$(sql "SELECT status FROM complaints WHERE ticket_no = 'RC-1'")"
as_role dispatcher jiesu dispatch RC-1 370212005 "改派" >"$HARNESS_DIR/reassign-resolved.out" 2>&1
check "a resolved order is not reassigned" test $? -eq 1
check "… saying why" grep -q "工单 RC-1 状态为已办结待回访，不能改派" "$HARNESS_DIR/reassign-resolved.out"
as_role dispatcher jiesu dispatch RC-1 "$(printf '\xd6\xd0\xba\xab')" "改派" >"$HARNESS_DIR/dispatch-gbk.out" 2>&1
check "a unit typed in GBK (中韩) is refused, saying so" grep -q "单位不是 UTF-8 文字" "$HARNESS_DIR/dispatch-gbk.out"
as_unit 370212001 jiesu accept "RC-$(printf '\xd6\xd0')" >"$HARNESS_DIR/accept-gbk.out" 2>&1
check "a ticket number typed in GBK is refused, saying so" grep -q "工单号不是 UTF-8 文字" "$HARNESS_DIR/accept-gbk.out"
as_role dispatcher jiesu units "$(printf '\xd6\xd0\xba\xab')" >"$HARNESS_DIR/units-gbk.out" 2>&1
check "a view's argument typed in GBK is refused as such, not as the database's failure" \
    grep -q "第 1 个参数不是 UTF-8 文字：请在 UTF-8 终端里输入（用法：jiesu units \[文字\]）" "$HARNESS_DIR/units-gbk.out"
as_role dispatcher jiesu units 中韩 >"$HARNESS_DIR/units.out" 2>&1
check "jiesu units 中韩: the street office of that name, by its code" grep -q '^370212001 *中韩街道 *街道办事处' "$HARNESS_DIR/units.out"
# One street office found, its street's communities and villages follow
# (regions under its street): before, no command listed them.
zhonghan=$(sql "SELECT count(*) FROM regions WHERE parent_code = '370212001' AND level = 'community'")
check "… and, one street office found, its street's communities, counted as what they are" \
    grep -qx "中韩街道下辖的社区，共 $zhonghan 个：" "$HARNESS_DIR/units.out"
check "… each by code, name and 社区 or 村" grep -qE '^370212001019 +张村社区居民委员会 +社区$' "$HARNESS_DIR/units.out"
check_eq "… as many as the count says" "$zhonghan" "$(grep -cE '^370212001[0-9]{3} ' "$HARNESS_DIR/units.out")"
as_role clerk jiesu units 街道 >"$HARNESS_DIR/units-streets.out" 2>&1
check "several street offices found: the units alone (a clerk may ask: every role may)" \
    sh -c "grep -q '^370212005 *金家岭街道' '$HARNESS_DIR/units-streets.out' && ! grep -q '下辖' '$HARNESS_DIR/units-streets.out'"
as_unit 370212004 jiesu units 辛安 >"$HARNESS_DIR/units-empty.out" 2>&1
check "a street the regions hold no community of: said why, not an empty list" \
    grep -q '^辛安街道下辖的社区和村：区划数据里没有（载入的是国家统计局 2021 年的社区名录，其中没有街道代码 370211002 下的社区和村' \
    "$HARNESS_DIR/units-empty.out"
sql "INSERT INTO regions (code, name, short_name, level, parent_code)
     VALUES ('370211002014', '前湾港西路社区居民委员会', '前湾港西路', 'community', '370211002'),
            ('370211002901', '丁家大村村委会', '丁家大村', 'community', '370211002')" >/dev/null
as_role callback jiesu units 辛安 >"$HARNESS_DIR/units-both.out" 2>&1
check "a street of both: counted apart" grep -qx '辛安街道下辖的社区和村，共 2 个（社区 1 个，村 1 个）：' "$HARNESS_DIR/units-both.out"
check "… a 村委会 named 村" grep -qE '^370211002901 +丁家大村村委会 +村$' "$HARNESS_DIR/units-both.out"
as_role dispatcher jiesu units 火星 >"$HARNESS_DIR/units-none.out" 2>&1
check_eq "… a text no unit holds: exit 1" 1 $?
check "… saying so, and how to find one, not an empty table" \
    grep -q '没有代码或名称含“火星”的单位：换几个字再找，或不带文字列出全部单位' "$HARNESS_DIR/units-none.out"
# A text no unit holds but a community's or village's name does: those of
# that name, each with the street office that handles it and its district.
# Before, 张村 was "not found", and a dispatcher who knew only the community
# could not learn its street office.
as_role dispatcher jiesu units 张村 >"$HARNESS_DIR/units-named.out" 2>&1
check_eq "jiesu units 张村 (no unit, two communities): exit 0" 0 $?
check "… under a title that counts them" \
    grep -qx '没有代码或名称含“张村”的单位；名称含这几个字的社区，共 2 个，各由所属街道办事处受理：' "$HARNESS_DIR/units-named.out"
check "… each with its street office and district" \
    sh -c "grep -qE '^张村社区居民委员会 +社区 +中韩街道 +崂山区$' '$HARNESS_DIR/units-named.out' &&
           grep -qE '^张村河南社区居民委员会 +社区 +中韩街道 +崂山区$' '$HARNESS_DIR/units-named.out'"
as_role clerk jiesu units 丁家 >"$HARNESS_DIR/units-village.out" 2>&1
check "… a village, for a clerk too (the door of jiesu units), of another district" \
    sh -c "grep -qx '没有代码或名称含“丁家”的单位；名称含这几个字的村，共 1 个，各由所属街道办事处受理：' '$HARNESS_DIR/units-village.out' &&
           grep -qE '^丁家大村村委会 +村 +辛安街道 +黄岛区$' '$HARNESS_DIR/units-village.out'"
sql "UPDATE principals SET display_name = '钟晓梅' WHERE name = 'u-370212001'" >/dev/null
as_role dispatcher jiesu show RC-1 >"$HARNESS_DIR/show-rc1-resolved.out" 2>&1
check "jiesu show: both deadlines of the resolved order met on time, in working time" \
    test "$(grep -cE '^(签收|办结) +1 .* 按时完成，提前 [0-9]' "$HARNESS_DIR/show-rc1-resolved.out")" -eq 2
check "… none of them still counting down or overdue" \
    bash -c "! grep -qE '剩余 |已逾期 ' '$HARNESS_DIR/show-rc1-resolved.out'"
check "… its status, roles and events by their Chinese names, no code" \
    sh -c "grep -qE '^状态 +已办结待回访' '$HARNESS_DIR/show-rc1-resolved.out' && grep -qE '^主办 +中韩街道' '$HARNESS_DIR/show-rc1-resolved.out' &&
           grep -qE ' 办结 ' '$HARNESS_DIR/show-rc1-resolved.out' && ! grep -qwE 'resolved|owner|routed|imported' '$HARNESS_DIR/show-rc1-resolved.out'"
# The rows of an order's 处理记录 as jiesu show prints them (under its title and column names).
order_history() { sed -n '/^处理记录/,/^$/p' "$1" | tail -n +3 | sed '/^$/d'; }
order_history "$HARNESS_DIR/show-rc1-resolved.out" >"$HARNESS_DIR/history-rc1.out"
check_eq "… its six events each at the city's time to the minute, as every other time on the order (2026-12-07 09:00, no seconds)" "6 0" \
    "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}  ' "$HARNESS_DIR/history-rc1.out") $(grep -cE '^[0-9-]+ [0-9]{2}:[0-9]{2}:[0-9]{2}' "$HARNESS_DIR/history-rc1.out")"
check_eq "… who did each: the handler by name and unit, as a street office tells its people apart, where the history gave the name alone" \
    "test-clerk 自动派单服务 钟晓梅（中韩街道） 钟晓梅（中韩街道） 钟晓梅（中韩街道） 钟晓梅（中韩街道）" \
    "$(awk '{print $3}' "$HARNESS_DIR/history-rc1.out" | tr '\n' ' ' | sed 's/ $//')"
sql "UPDATE principals SET display_name = '钟晓梅（中韩街道）' WHERE name = 'u-370212001'" >/dev/null
as_role dispatcher jiesu show RC-1 >"$HARNESS_DIR/show-rc1-named.out" 2>&1
check_eq "… a display name that says the unit already, not twice" 4 \
    "$(order_history "$HARNESS_DIR/show-rc1-named.out" | grep -c '^[0-9: -]* 钟晓梅（中韩街道） ')"
as_role callback jiesu callback RC-1 不满意 "第二天又来了" >"$HARNESS_DIR/callback.out" 2>&1
check "an unsatisfied callback reopens" grep -q "RC-1：待派单" "$HARNESS_DIR/callback.out"
check "… and says the callback was recorded and the order goes back to be handled, not only 回访已记录" \
    grep -q "callback RC-1：待派单（不满意已记录，工单重新办理、重新派单）" "$HARNESS_DIR/callback.out"
wait_for "RC-1 routed again" 20 sql_eq "SELECT status FROM complaints WHERE ticket_no = 'RC-1'" dispatched
check_eq "RC-1 is in cycle 2" 2 "$(sql "SELECT cycle FROM complaints WHERE ticket_no = 'RC-1'")"
check_eq "RC-1 has new deadlines for cycle 2" 2 \
    "$(sql "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = 'RC-1' AND d.cycle = 2")"
check_eq "RC-1's events tell its life" "imported routed accepted progress progress resolved callback reopened routed" \
    "$(sql "SELECT string_agg(event, ' ' ORDER BY e.id) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = 'RC-1'")"
as_role dispatcher jiesu show RC-1 >"$HARNESS_DIR/show-rc1-reopened.out" 2>&1
check "… its history: the callback's result, then what the agent wrote, where it read 第二天又来了 不满意" \
    sh -c "grep -qE ' 回访 +不满意：第二天又来了' '$HARNESS_DIR/show-rc1-reopened.out' &&
           grep -qE ' 重新办理 +不满意：第二天又来了' '$HARNESS_DIR/show-rc1-reopened.out'"
as_role callback jiesu callback RC-1 不满意 "第二天又来了" >"$HARNESS_DIR/callback-again.out" 2>&1
check_eq "the same callback sent again once RC-1 was routed again (a double submit): done, nothing recorded twice" \
    "0 1" "$? $(sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = 'RC-1' AND e.event = 'callback'")"
check "… and said so, where it was refused as if never recorded (状态为待签收，不能回访)" \
    grep -q "^callback RC-1：待签收（此前已办理，未作改动）$" "$HARNESS_DIR/callback-again.out"
"$JIESU_BIN/jiesu" -k "$(user_key test-callback2 callback)" callback RC-1 满意 >"$HARNESS_DIR/callback-other.out" 2>&1
check "another callback agent's: refused, saying who called back, with what, and where to look" \
    grep -q "工单 RC-1 已由test-callback回访（不满意），工单已重新办理：这次回访没有记录；办理情况见工单的处理记录" \
    "$HARNESS_DIR/callback-other.out"
as_role callback jiesu callback RC-1 maybe >"$HARNESS_DIR/callback-bad.out" 2>&1
check_eq "a callback result other than 满意/基本满意/不满意 (or their codes) is a usage error" 2 "$?"
check "… which names them" grep -q "callback 工单号 满意|基本满意|不满意" "$HARNESS_DIR/callback-bad.out"

jiesu gazetteer add 樱桃大道 370212004 --numbers 1-500 >"$HARNESS_DIR/gazetteer.out" 2>&1
check "jiesu gazetteer add" test $? -eq 0
jiesu gazetteer add 樱桃大道 999999999 --numbers 800-900 >"$HARNESS_DIR/gazetteer-bad.out" 2>&1
check "a gazetteer entry for an unknown street is refused" test $? -ne 0
check "… saying so" grep -q "“999999999”不是已载入的街道办事处" "$HARNESS_DIR/gazetteer-bad.out"
jiesu gazetteer add "$(printf '路%.0s' $(seq 51))" 中韩街道 >"$HARNESS_DIR/gazetteer-long.out" 2>&1
check "a place name of 51 characters is refused, saying the limit" grep -q "地名有 51 个字，最多 50 个" "$HARNESS_DIR/gazetteer-long.out"
jiesu gazetteer add 樱桃大道 中韩街道 --numbers 450-700 >"$HARNESS_DIR/gazetteer-overlap.out" 2>&1
check "an entry overlapping another street's numbers is refused" test $? -ne 0
check "… naming the entry it overlaps, its street by name (not 北宅街道 (370212004))" \
    grep -q "：北宅街道 1-500 号。" "$HARNESS_DIR/gazetteer-overlap.out"
jiesu gazetteer add 樱桃大道 中韩街道 --numbers 700-501 >"$HARNESS_DIR/gazetteer-backwards.out" 2>&1
check_eq "numbers from the larger to the smaller: a usage error" 2 $?
check "… saying how the range is written" grep -q -- "起-止：门牌号的范围，如 --numbers 1-99（起不大于止" "$HARNESS_DIR/gazetteer-backwards.out"
jiesu gazetteer add 樱桃大道 中韩街道 --numbers 501-700 >/dev/null 2>&1
check "the street by its name, numbers not overlapping: added" test $? -eq 0
jiesu gazetteer remove 樱桃大道 --numbers 600-650 >"$HARNESS_DIR/gazetteer-remove.out" 2>&1
check "remove takes the entry covering those numbers" grep -q "已删去 樱桃大道 的 1 个条目" "$HARNESS_DIR/gazetteer-remove.out"
jiesu gazetteer remove 樱桃大道 --numbers 600-650 >"$HARNESS_DIR/gazetteer-remove-again.out" 2>&1
check "removed again: nothing there, and where to see what is" \
    grep -q "在这段门牌号上没有地名条目 樱桃大道（\`jiesu gazetteer list 樱桃大道\` 列出它的条目）" "$HARNESS_DIR/gazetteer-remove-again.out"
check_eq "… and records who did it" "admin gazetteer.remove" \
    "$(sql "SELECT actor || ' ' || action FROM admin_events WHERE subject = '樱桃大道' ORDER BY id DESC LIMIT 1")"
# An option of add given to remove is refused: before, --landmark was
# ignored and the road's entries removed.
removes() { sql "SELECT count(*) FROM admin_events WHERE subject = '樱桃大道' AND action = 'gazetteer.remove'"; }
removed=$(removes)
jiesu gazetteer remove 樱桃大道 --landmark >"$HARNESS_DIR/gazetteer-remove-opt.out" 2>&1
check_eq "remove --landmark: a usage error" 2 $?
check "… saying remove's only option" grep -q "jiesu: gazetteer remove 没有 --landmark 选项；它的选项：--numbers" "$HARNESS_DIR/gazetteer-remove-opt.out"
check_eq "… and nothing removed" "$removed" "$(removes)"
as_unit 370212001 jiesu gazetteer add 樱桃大道 370212001 --numbers 900-999 >"$HARNESS_DIR/gazetteer-handler.out" 2>&1
check "a street office's handler may not edit the gazetteer" grep -q "只有系统管理员可以这样做" "$HARNESS_DIR/gazetteer-handler.out"
check "jiesu gazetteer list shows the operator's entry" sh -c "'$JIESU_BIN/jiesu' gazetteer list 樱桃大道 | grep -q 人工添加"
# assignment.reload_seconds = 1: wait for a reload begun after the entry was added.
loads=$(grep -c "routing rules:" "$HARNESS_DIR/assignment.log")
reloaded() { [ "$(grep -c "routing rules:" "$HARNESS_DIR/assignment.log")" -ge $((loads + 2)) ]; }
wait_for "the rules reloaded" 20 reloaded
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "RC-5,2026/10/2 9:00,钱先生,13800000005,樱桃大道88号,路边有人摆摊卖樱桃占道,,一般" >"$HARNESS_DIR/route-cli-2.csv"
as_role clerk jiesu import "$HARNESS_DIR/route-cli-2.csv" >/dev/null 2>&1
wait_for "RC-5 routed" 20 sql_eq "SELECT count(*) FROM complaints WHERE ticket_no = 'RC-5' AND status <> 'new'" 1
check_eq "RC-5 routed by the new gazetteer entry to 北宅街道" "370212004 gazetteer" \
    "$(sql "SELECT u.code || ' ' || a.rule FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'RC-5' AND a.active AND a.role = 'owner'")"

# A shipped entry replaced stays out when migrate loads the shipped list again,
# until restored. 九水东路: shipped 1-99 中韩街道, 100-999 北宅街道.
g=$HARNESS_DIR/gazetteer-shipped
jiesu gazetteer add 九水东路 北宅街道 --numbers 1-99 >"$g-add.out" 2>&1
check "an entry over a shipped one's numbers is refused without --replace" test $? -eq 1
check "… naming the shipped entry" grep -q "：中韩街道 1-99 号，内置。" "$g-add.out"
jiesu gazetteer add 九水东路 北宅街道 --numbers 1-99 --replace >"$g-replace.out" 2>&1
check "with --replace it is added, saying what it replaces and that it stays out" \
    grep -q "，替换了 中韩街道 1-99 号，内置（其中 1 个是内置的：.jiesu migrate. 不再载入" "$g-replace.out"
jiesu migrate >"$g-migrate.out" 2>&1
check "jiesu migrate again" test $? -eq 0
check "… naming the districts it loaded as people know them (区划（崂山区）), not by their code (区划 370212)" \
    sh -c "grep -q '^区划（崂山区）：1 个区、5 个街道' '$g-migrate.out' && ! grep -q 370212 '$g-migrate.out'"
check "… says a shipped entry is left out" grep -q "1 个内置地名条目没有载入" "$g-migrate.out"
check_eq "… and does not load it again (no overlap comes back)" "370212004 operator 1-99|370212004 shipped 100-999" \
    "$(sql "SELECT string_agg(street_code || ' ' || source || ' ' || num_from || '-' || num_to, '|' ORDER BY num_from) FROM gazetteer WHERE name = '九水东路'")"
# What jiesu migrate says when it fails, in Chinese, the system's own words
# only PostgreSQL's and after a sentence saying what failed.
m=$HARNESS_DIR/migrate-errors
mkdir -p "$m/bad"
JIESU_DB_MIGRATIONS_DIR=$m/none jiesu migrate >"$m/none.out" 2>&1
check "jiesu migrate without its migrations directory fails" test $? -eq 1
check "… saying so in Chinese, not the system's English" \
    sh -c "grep -q '迁移目录 .*/none：没有这个文件或目录（核对路径）' '$m/none.out' && ! grep -q 'No such file' '$m/none.out'"
JIESU_DATA_DIR=$m/none jiesu migrate >"$m/data.out" 2>&1
check "… nor without its data: the file it lacks, in Chinese" \
    sh -c "grep -q '载入区划：.*/none/regions/.*：没有这个文件或目录' '$m/data.out' && ! grep -q 'No such file' '$m/data.out'"
printf 'SELEC 1;\n' >"$m/bad/999_bad.sql"
JIESU_DB_MIGRATIONS_DIR=$m/bad jiesu migrate >"$m/bad.out" 2>&1
check "a migration PostgreSQL refuses: which file, PostgreSQL's words after, and what to do" \
    sh -c "grep -q 'PostgreSQL 执行 .*/999_bad.sql 时出错（它的原话：syntax error' '$m/bad.out' &&
           grep -q '改正后再运行 jiesu migrate' '$m/bad.out' && ! grep -q 'sql failed' '$m/bad.out'"
check_eq "… and nothing of it recorded" 0 "$(sql "SELECT count(*) FROM schema_migrations WHERE version = 999")"
jiesu gazetteer list 九水 >"$g-list.out" 2>&1
check "list matches part of a name and shows the entry removed, by whom" grep -q "内置，已被 admin 删去" "$g-list.out"
check "… each entry's street by its name, no code beside it (中韩街道, not 中韩街道 (370212001))" \
    sh -c "grep -qE '^九水东路 +道路 +中韩街道 +— +1-99 +内置，已被' '$g-list.out' && ! grep -q '3702' '$g-list.out'"
jiesu gazetteer restore 九水东路 >"$g-restore-refused.out" 2>&1
check "restore is refused while an entry in use overlaps" test $? -eq 1
check "… naming it" grep -q "：北宅街道 1-99 号。" "$g-restore-refused.out"
jiesu gazetteer remove 九水东路 --numbers 1-50 >/dev/null 2>&1
jiesu gazetteer restore 九水东路 >"$g-restore.out" 2>&1
check "after the operator's entry is removed, restore puts the shipped one back" \
    grep -q "已恢复 九水东路 的 1 个内置条目" "$g-restore.out"
check_eq "… as it was shipped" "370212001 shipped 1-99|370212004 shipped 100-999" \
    "$(sql "SELECT string_agg(street_code || ' ' || source || ' ' || num_from || '-' || num_to, '|' ORDER BY num_from) FROM gazetteer WHERE name = '九水东路'")"
check_eq "… and forgets it was removed" 0 "$(sql "SELECT count(*) FROM gazetteer_withdrawn")"

learn=$HARNESS_DIR/learn.csv
{
    echo "诉求内容,诉求类型"
    for place in 小区门口 楼下 路口 公园里 广场上 河边 学校附近 菜市场旁; do
        for what in 晚上噪音扰民 广场舞音响太吵 装修噪声很大; do echo "$place$what,环境保护"; done
        for what in 垃圾堆积没人清运 垃圾桶满溢发臭 生活垃圾散落; do echo "$place$what,城乡建设"; done
        # a label with stray spaces and tabs, as a file made by hand has it: still its category
        for what in 孩子上学难 学校乱收费 老师体罚学生; do printf '%s, 教育文体\t\n' "$place$what"; done
    done
    echo "没有分类的一行,不存在的分类"
} >"$learn"
jiesu learn "$learn" >"$HARNESS_DIR/learn.out" 2>&1
check "jiesu learn FILE trains and stores model v1, naming who trained it" grep -q "^模型 v1，来自 learn.csv（admin 训练）：72 条文本，3 个类别" "$HARNESS_DIR/learn.out"
check "… and prints its macro-F1 on the held-back fifth" grep -q "留出的五分之一上：宏平均 F1 [01]\.[0-9]*" "$HARNESS_DIR/learn.out"
check "… and the rows whose label names no category" grep -q "跳过 1 行.*不存在的分类" "$HARNESS_DIR/learn.out"
check "… and what to do about them" grep -q "跳过 1 行.*不存在的分类；把标注改成分类表里的类别名称.*category_aliases.csv 后运行 jiesu migrate" "$HARNESS_DIR/learn.out"
check_eq "the model is stored with its figures" "1 72 3" \
    "$(sql "SELECT version || ' ' || texts || ' ' || cardinality(classes) FROM models")"
check_eq "… and recorded in admin_events as the change of whoever trained it" "admin model.learn v1 learn.csv（admin 训练） 72" \
    "$(sql "SELECT actor || ' ' || action || ' ' || subject || ' ' || (detail->>'source') || ' ' || (detail->>'texts')
            FROM admin_events WHERE action = 'model.learn'")"
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "RC-6,2026/10/2 9:10,孙女士,13800000006,樱桃大道88号,楼下广场舞音响太吵,,一般" >"$HARNESS_DIR/route-cli-3.csv"
as_role clerk jiesu import "$HARNESS_DIR/route-cli-3.csv" >/dev/null 2>&1
wait_for "RC-6 routed" 20 sql_eq "SELECT count(*) FROM complaints WHERE ticket_no = 'RC-6' AND status <> 'new'" 1
as_role dispatcher jiesu show RC-6 >"$HARNESS_DIR/show-rc6.out" 2>&1
check "routing used the new model at once, with probabilities and n-grams" \
    grep -q "模型 v1：环境保护 [01]\.[0-9]*、.*（主要依据字串：" "$HARNESS_DIR/show-rc6.out"
gbk_learn=$HARNESS_DIR/$(printf '历史工单.csv' | iconv -f UTF-8 -t GB18030)
cp "$learn" "$gbk_learn"
jiesu learn "$gbk_learn" >"$HARNESS_DIR/learn-gbk.out" 2>&1
check "a file named in GBK trains model v2, its name read as GB18030" \
    grep -q "^模型 v2，来自 历史工单.csv（admin 训练）" "$HARNESS_DIR/learn-gbk.out"
as_unit 370212001 jiesu learn >"$HARNESS_DIR/learn-handler.out" 2>&1
check "a street office's handler may not train the model" grep -q "只有派单员、系统管理员可以这样做" "$HARNESS_DIR/learn-handler.out"
jiesu learn >"$HARNESS_DIR/learn-settled.out" 2>&1
check "jiesu learn from too few settled orders fails" test $? -ne 0
check "… saying why, and what to do with orders one cannot add to: wait, or give a file" \
    sh -c "grep -q '至少要两个类别\|只有 1 条文本' '$HARNESS_DIR/learn-settled.out' &&
           grep -q '这些是已办结的工单：等它们多了再训练，或用已标注的导出文件训练（jiesu learn 文件）' '$HARNESS_DIR/learn-settled.out'"
# Settled orders of two categories, one of them alone: the refusal says what a person can do with
# orders nobody adds or drops; it offered to drop the category (去掉这一类).
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "RC-L1,2026/10/2 9:00,周先生,13800000011,崂山区张村社区8号楼,8号楼门口垃圾三天没人清运,环境卫生-垃圾清运,一般" \
    "RC-L2,2026/10/2 9:05,吴女士,13800000012,崂山区张村社区12号楼,12号楼后面垃圾堆积发臭,环境卫生-垃圾清运,一般" \
    "RC-L3,2026/10/2 9:10,郑先生,13800000013,崂山区张村社区20号楼,20号楼门口流动摊贩占道经营,,一般" \
    >"$HARNESS_DIR/settled.csv"
as_role clerk jiesu import "$HARNESS_DIR/settled.csv" >"$HARNESS_DIR/settled-import.out" 2>&1
wait_for "RC-L1 to RC-L3 routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE ticket_no LIKE 'RC-L_' AND status = 'dispatched'" 3
for t in RC-L1 RC-L2 RC-L3; do
    as_unit "$(sql "SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id
                    WHERE c.ticket_no = '$t' AND a.active AND a.role = 'owner'")" jiesu resolve "$t" 已处理 >/dev/null 2>&1
done
check_eq "three orders settled: two of one category, one of another" "2 1" \
    "$(sql "SELECT string_agg(n::text, ' ' ORDER BY n DESC) FROM (SELECT count(*) AS n FROM complaints
            WHERE ticket_no LIKE 'RC-L_' AND status = 'resolved' GROUP BY category) g")"
jiesu learn >"$HARNESS_DIR/learn-few.out" 2>&1
check "jiesu learn of them: refused, saying the category has one settled order, and to wait or give a file, not to drop it" \
    sh -c "grep -q '只有 1 件已办结的工单，每一类至少要两件；这些是已办结的工单：等它们多了再训练，或用已标注的导出文件训练' \
               '$HARNESS_DIR/learn-few.out' && ! grep -q '去掉' '$HARNESS_DIR/learn-few.out'"
# A 问政 export is learned as it is imported (its profile fits): rows the
# import would refuse are not learned from, and counted with the first named.
printf '%s\r\n' "留言编号,留言用户,留言主题,留言时间,留言详情,一级标签" "1,A1,小区噪音,去年冬天,请处理,环境保护" \
    "2,A2,井盖破损,前天,请处理,城乡建设" >"$HARNESS_DIR/wenzheng-learn.csv"
jiesu learn "$HARNESS_DIR/wenzheng-learn.csv" >"$HARNESS_DIR/learn-refused.out" 2>&1
check "jiesu learn of an export whose every row an import would refuse fails" test $? -ne 0
check "… counting those rows and naming the first (row, column, why)" \
    grep -q "另有 2 行导入时会被拒收，没有用上：如第 2 行的留言时间：" "$HARNESS_DIR/learn-refused.out"
check_eq "… and stores no model" 2 "$(sql "SELECT count(*) FROM models")"
# An import profile that does not parse (an administrator's typo) is passed
# over, the others used: a 12345 export is learned from as it is imported
# (a row the import would refuse is skipped), where every file was refused
# with the typo's problem. jiesu learn takes no profile's name (no option),
# so the broken one cannot be asked for.
printf 'timezone = Asia/Shanghai\ndates = ymd\nencoding = latin1\nticket_no = 工单编号\ncalled_at = 来电时间\ncontent = 诉求内容\n' \
    >"$profiles/typo.conf"
{
    echo "工单编号,来电时间,诉求内容,诉求类型"
    awk 'NR > 1 && NR <= 73 { print "LB-" NR - 1 ",2026/10/1 9:00," $0 }' "$learn"
    echo "LB-73,昨天,井盖破损,城乡建设"
} >"$HARNESS_DIR/learn-beside.csv"
jiesu learn "$HARNESS_DIR/learn-beside.csv" >"$HARNESS_DIR/learn-beside.out" 2>&1
check "beside a broken profile, a file a good one fits trains model v3" \
    grep -q "^模型 v3，来自 learn-beside.csv（admin 训练）：72 条文本，3 个类别" "$HARNESS_DIR/learn-beside.out"
check "… read through that profile: the row its import would refuse skipped, named" \
    grep -q "^跳过 1 行：导入这个文件时它们会被拒收，没有用来训练（如第 74 行的来电时间：" "$HARNESS_DIR/learn-beside.out"
# A file no usable profile fits is refused naming the broken one, as jiesu
# import of it does (the file may have been exported for it); before, learn
# said only which column its header lacked.
printf '%s\n' "工单编号,诉求内容" "NB-1,井盖破损" >"$HARNESS_DIR/learn-nofit.csv"
jiesu learn "$HARNESS_DIR/learn-nofit.csv" >"$HARNESS_DIR/learn-nofit.out" 2>&1
check "beside a broken profile, a file no usable profile fits is refused" test $? -ne 0
check "… naming the profile set aside and its problem, in jiesu import's words" \
    sh -c "grep -q '第一行（表头）里没有类别列' '$HARNESS_DIR/learn-nofit.out' &&
           grep -q '^另有 1 个导入模板有问题、暂不能用，这个文件也许正该用它导入：$' '$HARNESS_DIR/learn-nofit.out' &&
           grep -qF '导入模板 typo 有问题，暂不能用：文件 $profiles/typo.conf：第 3 行：编码“latin1”不认识' '$HARNESS_DIR/learn-nofit.out'"
as_role clerk jiesu import "$HARNESS_DIR/learn-nofit.csv" >"$HARNESS_DIR/import-nofit.out" 2>&1
check "… the same two lines jiesu import of the file says" \
    bash -c "n=0; while IFS= read -r l; do grep -qF \"\$l\" '$HARNESS_DIR/import-nofit.out' && n=\$((n + 1)); done \
             < <(grep -A1 '^另有' '$HARNESS_DIR/learn-nofit.out'); test \$n = 2"
rm "$profiles/typo.conf"

# A letter that reports a problem and accuses officials is split; the conduct
# part's history says how it came to be in Chinese.
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "RC-7,2026/10/2 9:20,周先生,13800000007,崂山区中韩街道海尔路178号,楼下私搭乱建违章建筑，社区居委会不作为,,一般" \
    >"$HARNESS_DIR/route-cli-4.csv"
as_role clerk jiesu import "$HARNESS_DIR/route-cli-4.csv" >/dev/null 2>&1
wait_for "RC-7 split" 20 sql_eq "SELECT count(*) FROM complaints WHERE ticket_no = 'RC-7-J' AND status <> 'new'" 1
as_unit 370212.discipline jiesu show RC-7-J >"$HARNESS_DIR/show-rc7j.out" 2>&1
check "the conduct part's history reads 拆分立单 from RC-7, not its code" \
    bash -c "grep -q '拆分立单 *由工单 RC-7 拆出的作风问题部分' '$HARNESS_DIR/show-rc7j.out' && ! grep -qw 'created' '$HARNESS_DIR/show-rc7j.out'"
check "… its 说明 starting with its first word, no blank before it (the column's two and no more)" \
    grep -q '拆分立单  由工单 RC-7 拆出的作风问题部分' "$HARNESS_DIR/show-rc7j.out"
check "… its field 拆分立单 names the letter it came from, not under 作风问题, which read — on a conduct complaint never split" \
    bash -c "grep -q '^拆分立单 *工单 RC-7 的作风问题部分$' '$HARNESS_DIR/show-rc7j.out' && ! grep -q '^作风问题 ' '$HARNESS_DIR/show-rc7j.out'"

# The rules are loaded again beside routing (assignment.reload_seconds = 1):
# a load held up — here by a lock on the models it reads — holds up no batch.
held() {
    sql_eq "SELECT count(*) > 0 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
            WHERE c.relname = 'models' AND NOT l.granted" t
}
PGAPPNAME=test_lock_models psql "$JIESU_PG_OWNER_CONNINFO" -XqAt -c "BEGIN" \
    -c "LOCK TABLE models IN ACCESS EXCLUSIVE MODE" -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
locker=$!
wait_for "a reload waiting for the lock on models" 20 held
loads=$(grep -c "routing rules:" "$HARNESS_DIR/assignment.log")
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "RC-8,2026/10/2 9:30,吴先生,13800000008,崂山区张村社区3号楼,张村社区门口垃圾没人清运,,一般" >"$HARNESS_DIR/route-cli-5.csv"
as_role clerk jiesu import "$HARNESS_DIR/route-cli-5.csv" >/dev/null 2>&1
wait_for "RC-8 routed" 20 sql_eq "SELECT count(*) FROM complaints WHERE ticket_no = 'RC-8' AND status <> 'new'" 1
routed=$(sql "SELECT count(*) FROM complaints WHERE ticket_no = 'RC-8' AND status <> 'new'")
held && still=waiting || still=gone     # waiting now: waiting all along (nothing else ends the lock)
check_eq "an order is routed while a reload of the rules waits for a lock" "1 waiting" "$routed $still"
sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'test_lock_models'" >/dev/null
wait "$locker" 2>/dev/null
wait_for "the rules reloaded once the lock is gone" 20 reloaded
check "… and once it is gone the rules are loaded again" reloaded

harness_services_stop
JIESU_CLI_TIMEOUT_SECONDS=1 as_role dispatcher jiesu manual >"$HARNESS_DIR/manual-down.out" 2>&1
check_eq "jiesu manual with the reporting service stopped fails" 1 $?
check "… saying so in Chinese, without the tool's English log of each retry" \
    sh -c "grep -q '^jiesu: manual: 报表服务（.*没有应答' '$HARNESS_DIR/manual-down.out' && ! grep -q 'WARN\|retrying' '$HARNESS_DIR/manual-down.out'"
"$JIESU_BIN/jiesu" -k "$HARNESS_DIR/no-such.key" manual >"$HARNESS_DIR/key-missing.out" 2>&1
check "a key file that is not there: said in Chinese, not the system's English (No such file or directory)" \
    sh -c "grep -q '你的密钥：.*no-such.key：没有这个文件或目录' '$HARNESS_DIR/key-missing.out' && ! grep -q 'No such' '$HARNESS_DIR/key-missing.out'"
install -m 0644 "$(user_key test-dispatcher dispatcher)" "$HARNESS_DIR/open.key"
"$JIESU_BIN/jiesu" -k "$HARNESS_DIR/open.key" manual >"$HARNESS_DIR/key-open.out" 2>&1
check "… one others may read: said so, with what to do" grep -q "open.key 存的是私钥，别人却也能读（权限 644）：请 chmod 600" "$HARNESS_DIR/key-open.out"

# ---- help ----
helped="" commands=$(sed -n 's/^    {"\([a-z]*\)", cli_[a-z_]*},$/\1/p' "$REPO/services/cli/main.c")
check "the CLI's commands read from its table ($(wc -w <<<"$commands"))" test "$(wc -w <<<"$commands")" -ge 20
for c in $commands; do
    "$JIESU_BIN/jiesu" "$c" --help >"$HARNESS_DIR/help.out" 2>&1 &&
        grep -qE "^  ([^ ].*[ |,])?$c([ |,]|$)" "$HARNESS_DIR/help.out" || helped="$helped $c"
done
check_eq "every command answers --help with its own entry of \`jiesu help\`, exit 0 (none without)" "" "$helped"
# Every command is in the README's list of them (The two commands), as a command or named beside
# one (accept|resume, "also progress …", \`ack ID\`): before, \`jiesu phone\` and \`jiesu config\` were not.
sed -n '/^export JIESU_CONFIG=/,/^```$/p' "$REPO/README.md" >"$HARNESS_DIR/readme-commands"
unlisted=""
for c in $commands; do
    grep -qE "^\\\$J (-k [^ ]+ )?([a-z]+\|)*$c([ |]|\$)|(also|,) $c |#   $c |\`$c " "$HARNESS_DIR/readme-commands" ||
        unlisted="$unlisted $c"
done
check_eq "… and is in the README's list of commands (none without)" "" "$unlisted"
# A word after --help is refused as one after \`help CMD\` is: before, \`jiesu
# import --help foo\` printed the help and ignored foo.
unrefused=""
for c in $commands; do
    "$JIESU_BIN/jiesu" "$c" --help foo >"$HARNESS_DIR/help.out" 2>"$HARNESS_DIR/help.err"
    [ $? -eq 2 ] && [ ! -s "$HARNESS_DIR/help.out" ] && [ "$(head -1 "$HARNESS_DIR/help.err")" = "jiesu: $c --help：多余的参数“foo”" ] &&
        grep -qE "^  ([^ ].*[ |,])?$c([ |,]|$)" "$HARNESS_DIR/help.err" || unrefused="$unrefused $c"
done
check_eq "… every command refuses a word after --help: exit 2, one line naming it, then its entry, nothing on stdout (none without)" \
    "" "$unrefused"
# --help or -h after another word is the command's help too, the word refused
# as one after it is: before, \`jiesu import foo --help\` was refused as an
# option import does not have.
unhelped=""
for c in $commands; do
    for h in --help -h; do
        "$JIESU_BIN/jiesu" "$c" foo "$h" >"$HARNESS_DIR/help.out" 2>"$HARNESS_DIR/help.err"
        [ $? -eq 2 ] && [ ! -s "$HARNESS_DIR/help.out" ] && [ "$(head -1 "$HARNESS_DIR/help.err")" = "jiesu: $c $h：多余的参数“foo”" ] &&
            grep -qE "^  ([^ ].*[ |,])?$c([ |,]|$)" "$HARNESS_DIR/help.err" || unhelped="$unhelped $c$h"
    done
done
check_eq "… every command takes --help and -h after a word as its help, the word refused as after it (none without)" \
    "" "$unhelped"
check "… \`jiesu help gazetteer\` the same: its three entries" \
    test "$("$JIESU_BIN/jiesu" help gazetteer | grep -c '^  gazetteer ')" -eq 3
check "… ack and alerts in the words of the alerts they list (确认 告警; 签收 is taking an order)" \
    sh -c "'$JIESU_BIN/jiesu' help ack | grep -q '确认发给本单位的告警' && '$JIESU_BIN/jiesu' help alerts | grep -q '尚未确认的告警' &&
           ! '$JIESU_BIN/jiesu' help | grep -q '预警编号\|签收发给\|签收的预警'"
check "… a unit's actions named as the order's page and its statuses name them (暂缓办理, not 申请等待; 已销号, not 已结案)" \
    sh -c "'$JIESU_BIN/jiesu' help wait | grep -q '暂缓办理（时限暂停计时）' && '$JIESU_BIN/jiesu' help dispatch | grep -q '已销号' &&
           ! '$JIESU_BIN/jiesu' help | grep -q '申请等待\|已结案'"
"$JIESU_BIN/jiesu" help nope >"$HARNESS_DIR/help.out" 2>&1
check_eq "… a command there is none of: exit 2" 2 $?
check "… saying so" grep -q '没有命令“nope”' "$HARNESS_DIR/help.out"

# ---- what a command does not take ----
# An option a command does not use, one given twice or without its value, a
# number that is none, a word too many or two options that exclude each
# other: exit 2, saying what was given and what the command takes, before
# anything is sent. Before, some were ignored (the later of two values, one
# of two options that exclude each other, a word after `help CMD`) and the
# rest refused with the usage alone.
refused() {     # refused SAID ARGS...: jiesu ARGS exits 2 and says SAID on its own line
    "$JIESU_BIN/jiesu" "${@:2}" >"$HARNESS_DIR/refused.out" 2>&1
    [ $? -eq 2 ] && grep -qxF -- "jiesu: $1" "$HARNESS_DIR/refused.out"
}
check "import: --rejects beside a file" refused "import：--rejects 只和导入编号一起写（它取回已做的导入的拒收明细，不导入文件）" \
    import --rejects 1 "$HARNESS_DIR/route-cli.csv"
check "import: --rejects that is no number" refused "import：--rejects 后面写导入编号（正整数，导入时汇总行里说的第几号），不是“上一次”" \
    import --rejects 上一次
check "report: --from twice" refused "report：--from 写了两次（“2026-10-01”和“2026-11-01”）；只能写一个" \
    report --from 2026-10-01 --from 2026-11-01
check "report: an option of daily's" refused "report 没有 --date 选项；它的选项：--json --from --to" report --date 2026-10-01
check "report: a second unit" refused "report：多余的参数“北宅街道”：只写一个单位（或不写，各街道汇总）" report 中韩街道 北宅街道
check "daily: a date without --date" refused "daily：多余的参数“2026-11-20”（日期写在 --date 后面）" daily 2026-11-20
check "bulletin: --out beside --json" refused "bulletin：--out 和 --json 只能用一个（--out 把文件写进目录，--json 把数据打印出来）" \
    bulletin --out "$HARNESS_DIR/never" --json
check "bulletin: --week without its week" refused "bulletin：--week 后面要写它的值" bulletin --json --week
check "show: a second order" refused "show：多余的参数“RC-2”" show RC-1 RC-2
check "phone: an option" refused "phone 不带选项（给了 --all）" phone RC-1 --all
check "status: --wait that is no number" refused "status：--wait 要写 0 到 86400 的整数（秒数），不是“1m”" status --wait 1m
check "manual: --all, which alerts has" refused "manual 没有 --all 选项；它的选项：--limit" manual --all
check "alerts: --rung twice" refused "alerts：--rung 写了两次（“督办”和“催办”）；只能写一个" alerts --rung 督办 --rung 催办
check "audit: --limit 0" refused "audit：--limit 要写 1 到 10000 的整数（条数），不是“0”" audit --limit 0
check "units: two words" refused "units：多余的参数“街道”" units 中韩 街道
check "profiles: an option" refused "profiles 不带选项（给了 --all）" profiles --all
check "ack: no number" refused "ack：告警编号是 \`jiesu alerts\` 列出的正整数，不是“第一条”" ack 第一条
check "accept: an option" refused "accept 不带选项（给了 --force）" accept RC-1 --force
check "return: no reason" refused "return：要写退回原因" return RC-1
# An action's text is named as the workbench's form names it (web_order.c):
# before, the usage lines called them 理由, 进展, 说明 and 备注.
misnamed=""
for pair in return:退回原因 progress:进展说明 wait:暂缓原因 resolve:办结说明 callback:回访记录 \
    dispatch:派单说明或改派原因 handback:退回热线的理由 ack:处理说明; do
    c=${pair%%:*} label=${pair#*:}
    "$JIESU_BIN/jiesu" "$c" >"$HARNESS_DIR/refused.out" 2>&1
    grep -q "^用法：jiesu $c .*$label" "$HARNESS_DIR/refused.out" &&
        "$JIESU_BIN/jiesu" help "$c" | grep -qE "(^  |, )$c [^,]*$label" || misnamed="$misnamed $c"
done
check_eq "… every action's usage and its entry of jiesu help name its text as the form does (none otherwise)" "" "$misnamed"
check "… and none of them says 理由, 进展, 说明 or 备注 alone" \
    sh -c "! '$JIESU_BIN/jiesu' help | grep -E '^  (return|progress|wait|resolve|callback|dispatch|handback|ack|accept)' |
           grep -qE '(工单号|单位|编号) \[?(理由|进展|说明|备注|文字)\]?([ ,]|$)'"
check "callback: a result there is none of" refused "callback：回访结果要写 满意、基本满意、不满意 或 未接通，不是“maybe”" callback RC-1 maybe
check "gazetteer list: an option" refused "gazetteer list 不带选项（给了 --landmark）" gazetteer list --landmark
check "gazetteer: an operation there is none of" refused "gazetteer：没有“delete”这个操作；有 add、remove、restore、list" gazetteer delete 樱桃大道
check "holidays add: --off beside --work" refused "holidays add：--off 和 --work 只能用一个（--off 这一天放假，--work 这一天调休上班）" \
    holidays add 2032-01-01 元旦 --off --work
check "holidays load: --off" refused "holidays load：--off 只用于 add（录入一天）" holidays load 2032.json --off
check "holidays complete: a year that is none" refused "holidays complete：“27”不是年份：请写四位数，如 jiesu holidays complete 2027" \
    holidays complete 27
check "keys new: two files" refused "keys new：多余的参数“b.key”" keys new a.key b.key
check "learn: an option" refused "learn 不带选项（给了 --all）" learn --all
check "config: a word" refused "config：多余的参数“web”" config web
check "migrate: an option" refused "migrate 不带选项（给了 --force）" migrate --force
check "help: a second command" refused "help：多余的参数“phone”" help show phone
check "… then help's usage" grep -q '^  help \[命令\] ' "$HARNESS_DIR/refused.out"
check "units -h: an option after it" refused "units -h 不带选项（给了 --all）" units -h --all
check "import --help between two words: the first named (its help after)" refused "import --help：多余的参数“a.csv”" \
    import a.csv --help b.csv
