# test_unit_names.sh — units as people name them, in an installation of two
# districts that each have a street called 市中街道 (乐陵市 and 禹城市):
# both street offices are named with their district (市中街道（乐陵市）)
# wherever the system names them, and a command given the bare name
# (`jiesu dispatch`, `jiesu user add/move --unit`, `jiesu gazetteer add`)
# refuses it, naming both and how to name one, where before it picked one
# silently. Then what an alert list and an order's page say of an alert
# sent to no unit in particular (发给 创城办, not campaign) and of an
# accused unit the system does not have (被投诉单位), named in words when
# its code can be read. Then routing: 市中街道 alone is neither street
# (to the dispatcher, naming both with their districts), with its
# district's name it is that district's, and the decision's 地点 says which.
# Sourced by tests/run.sh (uses tests/harness.sh).

export JIESU_REGIONS_DISTRICTS=371481,371482
harness_fresh_db jiesu_unit_names
harness_services_start
jiesu() { "$JIESU_BIN/jiesu" "$@"; }
un=$HARNESS_DIR/unit-names
rm -rf "$un"; mkdir -p "$un"
unit_of() { sql "SELECT coalesce(u.code, '') FROM principals p LEFT JOIN units u ON u.id = p.unit_id WHERE p.name = '$1'"; }

check_eq "the two street offices of one name are named with their districts" \
    "371481001 市中街道（乐陵市）|371482001 市中街道（禹城市）" \
    "$(sql "SELECT string_agg(code || ' ' || name, '|' ORDER BY code) FROM units WHERE code IN ('371481001', '371482001')")"
check_eq "… a street office whose name no other has keeps its name alone" "胡家街道" \
    "$(sql "SELECT name FROM units WHERE code = '371481002'")"

# ---- jiesu user add / move --unit ----
jiesu user add un-h --role handler --unit 市中街道 --display 张三 --token --no-key >"$un/add-shared.out" 2>&1
check_eq "user add --unit 市中街道 is refused" 1 $?
check "… naming the two with their districts, and how to name one" \
    grep -q "有 2 个单位叫“市中街道”：市中街道（乐陵市）、市中街道（禹城市）。写明是哪一个：写它的全称（如 市中街道（乐陵市）），或写它的代码（\`jiesu units 市中街道\` 列出）" \
    "$un/add-shared.out"
check_eq "… and nobody is added" 0 "$(sql "SELECT count(*) FROM principals WHERE name = 'un-h'")"
jiesu user add un-h --role handler --unit "市中街道（乐陵市）" --display 张三 --token --no-key >"$un/add.out" 2>&1
check_eq "user add --unit 市中街道（乐陵市）: a handler of 乐陵市's" "0 371481001" "$? $(unit_of un-h)"
jiesu user move un-h --role handler --unit 市中街道 >"$un/move-shared.out" 2>&1
check_eq "user move --unit 市中街道 is refused, the unit unchanged" "1 371481001" "$? $(unit_of un-h)"
check "… naming the two" grep -q "市中街道（乐陵市）、市中街道（禹城市）" "$un/move-shared.out"
jiesu user move un-h --role handler --unit "市中街道(禹城市)" >"$un/move.out" 2>&1
check_eq "user move --unit 市中街道(禹城市), parentheses typed half-width: moved to 禹城市's" "0 371482001" \
    "$? $(unit_of un-h)"
jiesu user move un-h --role handler --unit 371481001 >"$un/move-code.out" 2>&1
check_eq "… and by its code back to 乐陵市's" "0 371481001" "$? $(unit_of un-h)"
jiesu user add un-h2 --role handler --unit 胡家街道 --display 李四 --token --no-key >"$un/add-own.out" 2>&1
check_eq "a name no other unit has is taken as it was" "0 371481002" "$? $(unit_of un-h2)"

# ---- jiesu gazetteer add ----
jiesu gazetteer add 测试大道 市中街道 --numbers 1-99 >"$un/gaz-shared.out" 2>&1
check "gazetteer add 测试大道 市中街道 is refused" test $? -ne 0
check "… naming the two" grep -q "有 2 个单位叫“市中街道”：市中街道（乐陵市）、市中街道（禹城市）" "$un/gaz-shared.out"
check_eq "… and nothing is added" 0 "$(sql "SELECT count(*) FROM gazetteer WHERE name = '测试大道'")"
jiesu gazetteer add 测试大道 "市中街道（禹城市）" --numbers 1-99 >"$un/gaz.out" 2>&1
check_eq "gazetteer add 测试大道 市中街道（禹城市）: 禹城市's street" "0 371482001" \
    "$? $(sql "SELECT street_code FROM gazetteer WHERE name = '测试大道'")"
check "… saying so by its name" grep -q "已添加道路 测试大道 → 市中街道（禹城市）" "$un/gaz.out"
jiesu gazetteer list 测试大道 >"$un/gaz-list.out" 2>&1
check "… and gazetteer list names it so, as add takes it" grep -q "^测试大道  *道路  *市中街道（禹城市）  " "$un/gaz-list.out"
jiesu gazetteer add 测试大道 "市中街道（乐陵市）" --numbers 50-150 >"$un/gaz-overlap.out" 2>&1
check "… as does the refusal of an entry overlapping it" grep -q "覆盖了同样的门牌号：市中街道（禹城市） 1-99 号" "$un/gaz-overlap.out"
jiesu gazetteer add 测试二路 胡家街道 >"$un/gaz-own.out" 2>&1
check "… a street of its own name by that name" grep -q "已添加道路 测试二路 → 胡家街道" "$un/gaz-own.out"

# ---- jiesu dispatch ----
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "UN-1,2026/10/1 9:10,张先生,13800000003,来电人未提供,楼下饭店油烟太大，排风扇对着我家窗户吹,,一般" >"$un/orders.csv"
as_role clerk jiesu import "$un/orders.csv" >"$un/import.out" 2>&1
wait_for "UN-1 in the manual queue" 30 sql_eq "SELECT status FROM complaints WHERE ticket_no = 'UN-1'" manual
as_role dispatcher jiesu dispatch UN-1 市中街道 >"$un/dispatch-shared.out" 2>&1
check_eq "dispatch UN-1 市中街道 is refused, the order still waiting" "1 manual" \
    "$? $(sql "SELECT status FROM complaints WHERE ticket_no = 'UN-1'")"
check "… naming the two and how to name one" \
    grep -q "有 2 个单位叫“市中街道”：市中街道（乐陵市）、市中街道（禹城市）。写明是哪一个" "$un/dispatch-shared.out"
as_role dispatcher jiesu dispatch UN-1 "市中街道（乐陵市）" >"$un/dispatch.out" 2>&1
check "dispatch UN-1 市中街道（乐陵市）: given to it, and said so by the name that tells it apart" \
    grep -q "dispatch UN-1：待签收（已派单至市中街道（乐陵市）" "$un/dispatch.out"
check_eq "… which holds it" "371481001" \
    "$(sql "SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'UN-1' AND a.active AND a.role = 'owner'")"
as_role dispatcher jiesu show UN-1 >"$un/show-dispatched.out" 2>&1
check "… and its history names it so" grep -q "派给市中街道（乐陵市），协办单位 乐陵市生态环境分局" "$un/show-dispatched.out"

# ---- 发给 and 被投诉单位 in words ----
# An alert for a campaign office that found none to go to (no
# target_unit_id, as in a district without one), one for the unit that
# will handle an order no unit holds yet, and an accused unit the units
# table does not have.
sql "INSERT INTO alerts (complaint_id, rung, cycle, unit_id, target, reason)
     SELECT c.id, r.rung, 1, CASE WHEN r.target = 'campaign' THEN u.id END, r.target, '测试'
       FROM complaints c, units u, (VALUES ('supervise', 'campaign'), ('remind', 'unit')) r(rung, target)
      WHERE c.ticket_no = 'UN-1' AND u.code = '371481001'" >/dev/null
sql "UPDATE complaints SET accused_units = '{371481001,370212001,370212.gongan,371482.discipline,999999999}'
     WHERE ticket_no = 'UN-1'" >/dev/null
as_unit 371481001 jiesu alerts >"$un/alerts.out" 2>&1
check "jiesu alerts: an alert for a campaign office, none to send it to, says 发给 创城办" \
    grep -q " 督办 .* 创城办 " "$un/alerts.out"
check "… not the target's code" bash -c "! grep -q 'campaign' '$un/alerts.out'"
as_role dispatcher jiesu show UN-1 >"$un/show.out" 2>&1
check "jiesu show: the alerts say 发给 创城办 and 承办单位, not campaign and unit" \
    bash -c "grep -q ' 督办 .* 创城办 ' '$un/show.out' && grep -q ' 催办 .* 承办单位 ' '$un/show.out' &&
             ! grep -q 'campaign\| unit ' '$un/show.out'"
as_unit 371481.discipline jiesu show UN-1 >"$un/show-discipline.out" 2>&1
check "jiesu show to discipline inspection: an accused unit the system does not have is named in words, said to be no unit" \
    grep -q "被投诉单位  *市中街道（乐陵市）、中韩街道（崂山区）（没有登记为单位）、崂山区公安分局（没有登记为单位）、" "$un/show-discipline.out"
check "… a district's office by the district's name, one the system has by its own" \
    grep -q "、崂山区公安分局（没有登记为单位）、禹城市纪委监委、999999999（没有登记为单位）（不交其办理）" "$un/show-discipline.out"

# ---- routing a name both districts have ----
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "UN-2,2026/10/1 9:20,张先生,13800000004,市中街道菜市场门口,楼下饭店油烟太大，排风扇对着我家窗户吹,,一般" \
    "UN-3,2026/10/1 9:30,李女士,13800000005,乐陵市市中街道菜市场门口,楼下饭店油烟太大，排风扇对着我家窗户吹,,一般" \
    >"$un/same-name.csv"
as_role clerk jiesu import "$un/same-name.csv" >"$un/import-same-name.csv.out" 2>&1
wait_for "UN-2 and UN-3 routed" 30 sql_eq \
    "SELECT count(*) FROM complaints WHERE ticket_no IN ('UN-2', 'UN-3') AND status IN ('manual', 'dispatched')" 2
check_eq "市中街道 alone: to the dispatcher, no street proposed" "manual " \
    "$(sql "SELECT c.status || ' ' || coalesce(a.street_code, '') FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active WHERE c.ticket_no = 'UN-2'")"
as_role dispatcher jiesu show UN-2 >"$un/show-same-name.out" 2>&1
check "… saying why, both named with their districts" \
    grep -q "地址中的“市中街道”在乐陵市、禹城市各有一个，无法判断是哪一个：转人工派单" "$un/show-same-name.out"
check_eq "乐陵市市中街道: given to 乐陵市's" "dispatched 371481001" \
    "$(sql "SELECT c.status || ' ' || u.code FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'owner' JOIN units u ON u.id = a.unit_id WHERE c.ticket_no = 'UN-3'")"
as_role dispatcher jiesu show UN-3 >"$un/show-told.out" 2>&1
check "… its 地点 and reasons name it with its district" \
    grep -q "主办  *市中街道（乐陵市）  *市中街道（乐陵市）  *街道名称 .*地址中匹配到街道 市中街道（乐陵市）；“市中街道”不止一个区县有，按地址中的“乐陵市”判断" \
    "$un/show-told.out"

harness_services_stop
