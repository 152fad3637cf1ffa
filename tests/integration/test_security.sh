# test_security.sh — the attacks that once worked, replayed against real
# services, each refused: a key nobody registered, a user acting outside its
# role or unit (whatever its request says), a disabled user, a request that
# names a server path to read, a conduct complaint given back and then
# dispatched to the office it accuses, an order discipline inspection held
# routed back to a street, a reader who may not see an order.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_security
harness_services_start "assignment.max_returns = 2" "escalation.patterns_seconds = 1"

jiesu() { "$JIESU_BIN/jiesu" "$@"; }
sec=$HARNESS_DIR/security
mkdir -p "$sec"
bus_call() { "$JIESU_BIN/../tools/bus_call" "$@"; }

printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "SEC-1,2026/10/1 9:00,王先生,13800000001,崂山区张村社区3号楼,张村社区门口流动摊贩占道经营,,一般" \
    "SEC-2,2026/10/1 9:05,李女士,13800000002,沙子口街道,沙子口街道办工作人员态度恶劣，办事推诿,,一般" >"$sec/in.csv"
as_role clerk jiesu import "$sec/in.csv" >"$sec/import.out" 2>&1
check "the clerk's import" test $? -eq 0
wait_for "both routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
check_eq "the rows are recorded as imported by the clerk who sent them" "test-clerk test-clerk" \
    "$(sql "SELECT (SELECT imported_by FROM imports ORDER BY id DESC LIMIT 1) || ' ' || min(actor) FROM complaint_events WHERE event = 'imported'")"

# 1. A key nobody registered is refused at the handshake, by every service.
(JIESU_KEYS_DIR=$sec/stranger "$JIESU_BIN/jiesu" keys >/dev/null)
jiesu -k "$sec/stranger/admin.key" status >"$sec/stranger.out" 2>&1
check "an unregistered key: status fails" test $? -ne 0
check_eq "… every service refused the key" 4 "$(grep -c '拒绝了这把密钥' "$sec/stranger.out")"
bus_call "$sec/stranger/admin.key" assignment action.request ticket_no=SEC-1 action=accept >"$sec/stranger-call.out" 2>&1
check "… and a hand-written request with it gets nothing done" grep -q "拒绝了这把密钥" "$sec/stranger-call.out"

# 2. Who acts is the key's user, not a field of the request.
as_unit 370212005 true                                  # the user exists
key5=$(user_key u-370212005 handler 370212005)
bus_call "$key5" assignment action.request ticket_no=SEC-1 action=accept unit_code=370212001 >"$sec/forged.out" 2>&1
check "a unit naming another unit in its request is refused" grep -q "没有可由本单位办理的工单 SEC-1" "$sec/forged.out"
as_role clerk jiesu accept SEC-1 >"$sec/clerk-accept.out" 2>&1
check "a clerk cannot act as a unit" grep -q "test-clerk 的角色是话务员；只有承办人员、纪委监委可以这样做" "$sec/clerk-accept.out"
as_role clerk jiesu callback SEC-1 satisfied >"$sec/clerk-callback.out" 2>&1
check "… nor record a callback" grep -q "test-clerk 的角色是话务员；只有纪委监委、回访员可以这样做" "$sec/clerk-callback.out"
as_unit 370212001 jiesu dispatch SEC-1 370212005 >"$sec/handler-dispatch.out" 2>&1
check "a handler cannot dispatch" grep -q "只有派单员可以这样做" "$sec/handler-dispatch.out"
as_unit 370212001 jiesu user add mallory --role admin --display 马洛里 --key-out "$sec/mallory.key" >"$sec/escalate.out" 2>&1
check "nor make itself an administrator" grep -q "只有系统管理员可以这样做" "$sec/escalate.out"
check "… and no key file is left behind" test ! -e "$sec/mallory.key"
as_unit 370212001 jiesu accept SEC-1 >/dev/null 2>&1
check_eq "the owner's accept is recorded as its user" "u-370212001" \
    "$(sql "SELECT actor FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = 'SEC-1' AND event = 'accepted'")"

# 3. Disabling a user takes effect at once.
jiesu user disable u-370212001 >/dev/null 2>&1
check "the administrator disables a user" test $? -eq 0
jiesu user disable u-370212001 >"$sec/disable-again.out" 2>&1
check_eq "… again: done already, exit 0" 0 $?
check "… saying so" grep -q "用户 u-370212001 已经停用，不必再停用" "$sec/disable-again.out"
jiesu user disable nobody-here >"$sec/disable-nobody.out" 2>&1
check_eq "disabling a user there is none of fails (as enabling one does), not 0 with 已经停用，或者没有" 1 $?
check "… saying there is none and where they are listed" grep -q "没有名为 nobody-here 的用户（\`jiesu user list\`" "$sec/disable-nobody.out"
jiesu -k "$(echo "$HARNESS_DIR/users/u-370212001.key")" progress SEC-1 "还在处理" >"$sec/disabled.out" 2>&1
check "the disabled user's next command is refused" grep -q "拒绝了这把密钥" "$sec/disabled.out"
jiesu user disable admin >"$sec/self.out" 2>&1
check "an administrator cannot disable themselves" grep -q "不能停用自己" "$sec/self.out"
# Nor become a service: `jiesu user key escalation` gave the administrator escalation's
# principal (events of every service to subscribe to, as only services may), and disable stopped one.
service_keys() { sql "SELECT string_agg(name || '=' || curve_key || coalesce(token_hash, '') || coalesce(password_hash, '') ||
                      (disabled_at IS NULL), ',' ORDER BY name) FROM principals WHERE role = 'service'"; }
services_before=$(service_keys)
jiesu user key escalation --key-out "$sec/escalation-taken.key" >"$sec/take-key.out" 2>&1
check "an administrator cannot give a service a key of their own" \
    grep -q "escalation 是系统服务，不是用 jiesu user 管理的用户" "$sec/take-key.out"
check "… and no key file is left behind" test ! -e "$sec/escalation-taken.key"
printf 'a-service-password\n' | jiesu user password reporting --password-stdin >"$sec/take-password.out" 2>&1
check "… nor a password (to sign in as it)" grep -q "reporting 是系统服务" "$sec/take-password.out"
jiesu user token intake >"$sec/take-token.out" 2>&1
check "… nor a token" grep -q "intake 是系统服务" "$sec/take-token.out"
jiesu user disable assignment >"$sec/take-disable.out" 2>&1
check "… nor disable one" grep -q "assignment 是系统服务" "$sec/take-disable.out"
check_eq "… the services' principals unchanged" "$services_before" "$(service_keys)"
check_eq "… and nothing recorded as changed" 0 \
    "$(sql "SELECT count(*) FROM admin_events WHERE subject IN (SELECT name FROM principals WHERE role = 'service')")"
# A display name is what every page and record shows of a person: whole, so
# of 40 characters at most, and UTF-8.
jiesu user add sec-long --role clerk --token --no-key --display "$(printf '国%.0s' $(seq 41))" >"$sec/long.out" 2>&1
check "a display name of 41 characters is refused, saying the limit" grep -q "显示名有 41 个字，最多 40 个" "$sec/long.out"
jiesu user add sec-gbk --role clerk --token --no-key --display "$(printf '\xd5\xc5\xc8\xfd')" >"$sec/gbk.out" 2>&1
check "… and one that is not UTF-8 (张三 in GBK)" grep -q "显示名不是 UTF-8 文字" "$sec/gbk.out"
check_eq "… neither user is added" 0 "$(sql "SELECT count(*) FROM principals WHERE name IN ('sec-long', 'sec-gbk')")"
jiesu user add 张三 --role clerk --display 张三 --token --no-key >"$sec/cjk-name.out" 2>&1
check "a sign-in name in Chinese is refused, saying what a sign-in name may be" \
    grep -q "用户名“张三”不行：只可用小写字母、数字、.、_ 和 -，以字母或数字开头，最多 63 个（姓名用 --display）" "$sec/cjk-name.out"
jiesu user add "$(printf '\xd5\xc5\xc8\xfd')" --role clerk --display 张三 --token --no-key >"$sec/gbk-name.out" 2>&1
check "… and one typed in GBK, saying so" grep -q "用户名不是 UTF-8 文字" "$sec/gbk-name.out"
jiesu user disable "$(printf '\xd5\xc5\xc8\xfd')" >"$sec/gbk-disable.out" 2>&1
check "… as is a user to disable named in GBK, not as the database's failure" grep -q "用户名不是 UTF-8 文字" "$sec/gbk-disable.out"
jiesu user add sec-unit --role handler --display 张三 --unit "$(printf '\xd6\xd0\xba\xab')" --token --no-key >"$sec/gbk-unit.out" 2>&1
check "… and a unit typed in GBK (中韩)" grep -q "单位不是 UTF-8 文字" "$sec/gbk-unit.out"
jiesu user add sec-norole --display 张三 --token --no-key >"$sec/norole.out" 2>&1
check "a user without --role is refused, saying to give one and which there are" \
    grep -q "请用 --role 写明角色：可用 clerk（话务员）" "$sec/norole.out"
jiesu user add sec-forty --role clerk --token --no-key --display "$(printf '国%.0s' $(seq 40))" >/dev/null 2>&1
check_eq "… one of 40 is added, whole" 40 "$(sql "SELECT char_length(display_name) FROM principals WHERE name = 'sec-forty'")"

# 4. No request reads a path on the server.
bus_call "$(user_key test-clerk clerk)" intake import.request >"$sec/path.out" 2>&1
check "the old import.request that opened any server path is gone" grep -q "unknown request type 'import.request'" "$sec/path.out"
as_unit 370212002 jiesu import "$sec/in.csv" >"$sec/handler-import.out" 2>&1
check "only a clerk imports" grep -q "只有话务员可以这样做" "$sec/handler-import.out"
check "… in words, not naming the request's internal type (import.upload)" \
    bash -c "grep -q '的角色是承办人员；只有话务员可以这样做$' '$sec/handler-import.out' && ! grep -q 'import\.' '$sec/handler-import.out'"

# 5. A conduct complaint never reaches the office it accuses: given back by
# discipline inspection until it lands in arbitration, then dispatched by hand.
# The dispatcher may not read it: given to a street office it is no order to
# them; given to discipline inspection while no unit holds it (arbitration),
# it goes (README.md, Who may do what).
as_unit 370212.discipline jiesu return SEC-2 "请核实" >/dev/null 2>&1
wait_for "SEC-2 routed again to discipline inspection" 20 \
    sql_eq "SELECT status FROM complaints WHERE ticket_no = 'SEC-2'" dispatched
as_unit 370212.discipline jiesu return SEC-2 "请再核实" >/dev/null 2>&1
wait_for "SEC-2 in arbitration" 20 sql_eq "SELECT status FROM complaints WHERE ticket_no = 'SEC-2'" manual
as_role dispatcher jiesu dispatch SEC-2 沙子口街道 "派给街道" >"$sec/conduct-dispatch.out" 2>&1
check "dispatching it to the street office it accuses is refused, as for no such ticket" \
    grep -q "没有工单号为 SEC-2 的工单" "$sec/conduct-dispatch.out"
as_role dispatcher jiesu dispatch SEC-2 370212001 >"$sec/conduct-other.out" 2>&1
check "… so is any other street office" grep -q "没有工单号为 SEC-2 的工单" "$sec/conduct-other.out"
check_eq "… and it was never assigned to a street" 0 \
    "$(sql "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'SEC-2' AND u.kind <> 'discipline'")"
as_role dispatcher jiesu dispatch SEC-2 370212.discipline "回纪委" >/dev/null 2>&1
check_eq "discipline inspection may have it back" dispatched "$(sql "SELECT status FROM complaints WHERE ticket_no = 'SEC-2'")"

# 5b. An order a dispatcher gave discipline inspection by hand stays theirs:
# returned by them, routing reads the text again (a street's problem) but
# gives it back to discipline inspection, no street may read it, and no
# dispatch gives it to one (migration 029; before, the street got it).
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "SEC-3,2026/10/1 9:10,赵先生,13800000003,崂山区张村社区5号楼,张村社区门口垃圾堆放多日没人清运,,一般" >"$sec/in3.csv"
as_role clerk jiesu import "$sec/in3.csv" >/dev/null 2>&1
wait_for "SEC-3 routed to 中韩街道" 20 sql_eq "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id
    JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'SEC-3' AND a.active AND u.code = '370212001'" 1
sec3_holders() { sql "SELECT string_agg(u.kind, ' ' ORDER BY u.code) FROM assignments a JOIN units u ON u.id = a.unit_id
    JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'SEC-3' AND a.active"; }
as_role dispatcher jiesu dispatch SEC-3 370212.discipline "来电人补充：反映街道工作人员推诿" >"$sec/sec3-jiwei.out" 2>&1
check_eq "the dispatcher gives SEC-3 to discipline inspection by hand, its co-handler's part ending too" discipline "$(sec3_holders)"
as_unit 370212.discipline jiesu return SEC-3 "请核实" >/dev/null 2>&1
wait_for "SEC-3 routed again" 20 sql_eq "SELECT status FROM complaints WHERE ticket_no = 'SEC-3'" dispatched
check_eq "… back to discipline inspection, not to the street its text names" discipline "$(sec3_holders)"
JIESU_CLI_KEY_FILE=$(user_key sec3-zhong handler 370212001) jiesu show SEC-3 >"$sec/sec3-street.out" 2>&1
check "the street office cannot read it" grep -q "没有您可以查看的工单 SEC-3" "$sec/sec3-street.out"
JIESU_CLI_KEY_FILE=$(user_key sec3-huanwei handler 370212.huanwei) jiesu show SEC-3 >"$sec/sec3-co.out" 2>&1
check "… nor the department that was its co-handler" grep -q "没有您可以查看的工单 SEC-3" "$sec/sec3-co.out"
as_unit 370212.campaign jiesu show SEC-3 >"$sec/sec3-campaign.out" 2>&1
check "… nor the campaign office" grep -q "没有您可以查看的工单 SEC-3" "$sec/sec3-campaign.out"
as_role dispatcher jiesu dispatch SEC-3 370212001 "派回街道" >"$sec/sec3-back.out" 2>&1
check "a dispatcher dispatching it to a street office is refused, as for no such ticket (it is no longer theirs to read)" \
    grep -q "没有工单号为 SEC-3 的工单" "$sec/sec3-back.out"
check_eq "… and it stays with discipline inspection" discipline "$(sec3_holders)"

# 5c. Repeats at one place are merged by escalation's sweep, but a conduct
# complaint (given to discipline inspection by hand: its category stays the
# street's) is no repeat of the street's orders there. At place X it was
# called first: the street's three later orders were merged into it, became
# conduct complaints by its rule and left the street that held them unable
# to read or handle them while their deadlines ran against it. At place Y it
# was called after the street's: it was merged into the street's order, and
# the campaign office's repeat alert counted it (4 单) beside those it reads.
sec_csv() {     # sec_csv FILE (TICKET MINUTES_AGO PLACE)...: rows called that long ago, today
    local out=$1 t m p; shift
    printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" >"$out"
    while [ $# -gt 0 ]; do
        t=$1 m=$2 p=$3; shift 3
        printf '%s\r\n' "$t,$(TZ=Asia/Shanghai date -d "$m minutes ago" '+%Y/%-m/%-d %H:%M'),钱先生,13800000009,崂山区张村社区${p}号楼,张村社区${p}号楼门口垃圾堆放多日没人清运,,一般" >>"$out"
    done
}
sec_routed() { wait_for "$1 routed" 20 sql_eq "SELECT count(*) FROM complaints WHERE ticket_no LIKE 'SEC-R%' AND status IN ('new', 'manual')" 0; }
sec_csv "$sec/r1.csv" SEC-RX1 50 8 SEC-RY1 50 9 SEC-RY2 45 9
as_role clerk jiesu import "$sec/r1.csv" >/dev/null 2>&1
sec_routed "SEC-RX1, SEC-RY1, SEC-RY2"
as_role dispatcher jiesu dispatch SEC-RX1 370212.discipline "来电人补充：社区工作人员收了好处才肯清运" >/dev/null 2>&1
as_role dispatcher jiesu dispatch SEC-RY2 370212.discipline "来电人补充：社区工作人员收了好处才肯清运" >/dev/null 2>&1
check_eq "the dispatcher gives SEC-RX1 and SEC-RY2 to discipline inspection by hand" "discipline discipline" \
    "$(sql "SELECT string_agg(u.kind, ' ') FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id
            WHERE c.ticket_no IN ('SEC-RX1', 'SEC-RY2') AND a.active AND a.role = 'owner'")"
sec_csv "$sec/r2.csv" SEC-RX2 40 8 SEC-RX3 35 8 SEC-RX4 30 8 SEC-RY3 40 9 SEC-RY4 35 9
as_role clerk jiesu import "$sec/r2.csv" >/dev/null 2>&1
sec_routed "the later orders at X and Y"
wait_for "a repeat alert at each place" 30 sql_eq "SELECT count(DISTINCT c.address) FROM alerts a
    JOIN complaints c ON c.id = a.complaint_id WHERE a.rung = 'repeat' AND c.ticket_no LIKE 'SEC-R%'" 2
check_eq "neither conduct complaint is merged, nor anything merged into one" 0 \
    "$(sql "SELECT count(*) FROM complaints c JOIN complaints k ON k.ticket_no IN ('SEC-RX1', 'SEC-RY2')
            WHERE c.ticket_no LIKE 'SEC-R%' AND (c.parent_id = k.id OR c.id = k.id AND c.parent_id IS NOT NULL)")"
zhong=$(user_key sec3-zhong handler 370212001)
JIESU_CLI_KEY_FILE=$zhong jiesu show SEC-RX3 >"$sec/repeat-street.out" 2>&1
check "the street office still reads its order at X" grep -q "^工单号 *SEC-RX3" "$sec/repeat-street.out"
JIESU_CLI_KEY_FILE=$zhong jiesu accept SEC-RX3 >"$sec/repeat-accept.out" 2>&1
check "… and accepts it" grep -q "accept SEC-RX3：办理中" "$sec/repeat-accept.out"
as_unit 370212.campaign jiesu alerts >"$sec/repeat-campaign.out" 2>&1
check "the campaign office's repeat alert at Y counts the street's 3 orders, not the conduct complaint" \
    grep -q "崂山区张村社区9号楼 有 3 单" "$sec/repeat-campaign.out"
# Nor is an order at X a rebound of the conduct complaint closed there: the
# campaign office's rebound alert named it (工单 SEC-RX1 于 … 销号), where the
# street's own order closed there before it is the one to name.
JIESU_CLI_KEY_FILE=$zhong jiesu resolve SEC-RX3 "已清运" >/dev/null 2>&1
as_role callback jiesu callback SEC-RX3 满意 >/dev/null 2>&1
for a in "accept SEC-RX1" "resolve SEC-RX1 已查实，责令退还" "callback SEC-RX1 满意"; do
    as_unit 370212.discipline jiesu $a >>"$sec/rebound-discipline.out" 2>&1
done
check_eq "the street's order and then the conduct complaint at X closed" "closed closed" \
    "$(sql "SELECT string_agg(status, ' ' ORDER BY ticket_no DESC) FROM complaints WHERE ticket_no IN ('SEC-RX1', 'SEC-RX3')")"
wait_for "a call time to the second later than both closings" 5 sql_eq "SELECT date_trunc('second', clock_timestamp()) > max(e.at)
    FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no IN ('SEC-RX1', 'SEC-RX3') AND e.event = 'closed'" t
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "SEC-RX5,$(TZ=Asia/Shanghai date '+%Y/%-m/%-d %H:%M:%S'),钱先生,13800000009,崂山区张村社区8号楼,张村社区8号楼门口垃圾堆放多日没人清运,,一般" >"$sec/r3.csv"
as_role clerk jiesu import "$sec/r3.csv" >/dev/null 2>&1
wait_for "SEC-RX5's rebound alert" 30 sql_eq "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id
    WHERE a.rung = 'rebound' AND c.ticket_no = 'SEC-RX5'" 1
check "… it names the street's order closed there, not the conduct complaint" \
    sql_eq "SELECT a.reason LIKE '%在工单 SEC-RX3 于%' FROM alerts a JOIN complaints c ON c.id = a.complaint_id
            WHERE a.rung = 'rebound' AND c.ticket_no = 'SEC-RX5'" t
# At place Z the street's three orders were merged first; then the dispatcher
# gives the one they were merged into to discipline inspection (its caller
# called again to accuse). The other two stay the street's: before, they were
# conduct complaints by their parent, held by the street and unreadable to it.
sec_csv "$sec/r4.csv" SEC-RZ1 50 7 SEC-RZ2 45 7 SEC-RZ3 40 7
as_role clerk jiesu import "$sec/r4.csv" >/dev/null 2>&1
wait_for "SEC-RZ2 and SEC-RZ3 merged into SEC-RZ1" 30 sql_eq "SELECT count(*) FROM complaints c JOIN complaints p
    ON p.id = c.parent_id WHERE p.ticket_no = 'SEC-RZ1'" 2
as_role dispatcher jiesu dispatch SEC-RZ1 370212.discipline "来电人再次来电：社区工作人员收了好处才肯清运" >/dev/null 2>&1
check_eq "given SEC-RZ1 by hand, discipline inspection holds it" discipline \
    "$(sql "SELECT u.kind FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id
            WHERE c.ticket_no = 'SEC-RZ1' AND a.active AND a.role = 'owner'")"
JIESU_CLI_KEY_FILE=$zhong jiesu show SEC-RZ2 >"$sec/unmerged-street.out" 2>&1
check "the street office still reads SEC-RZ2" grep -q "^工单号 *SEC-RZ2" "$sec/unmerged-street.out"
check "… whose history says, by the dispatcher, it is merged into SEC-RZ1 no longer" \
    grep -qE "test-dispatcher +取消合并 +不再并入工单 SEC-RZ1" "$sec/unmerged-street.out"
JIESU_CLI_KEY_FILE=$zhong jiesu accept SEC-RZ3 >"$sec/unmerged-accept.out" 2>&1
check "… and accepts SEC-RZ3" grep -q "accept SEC-RZ3：办理中" "$sec/unmerged-accept.out"

# 6. Reading: only whom the rule lets see an order.
as_unit 370212002 jiesu show SEC-2 >"$sec/accused-show.out" 2>&1
check "the accused office cannot read the complaint about it" grep -q "没有您可以查看的工单 SEC-2" "$sec/accused-show.out"
as_unit 370212.campaign jiesu show SEC-2 >"$sec/campaign-show.out" 2>&1
check "nor can the campaign office" grep -q "没有您可以查看的工单 SEC-2" "$sec/campaign-show.out"
as_unit 370212.discipline jiesu show SEC-2 >"$sec/discipline-show.out" 2>&1
check "discipline inspection can" grep -q "态度恶劣" "$sec/discipline-show.out"
check "… with the caller's phone masked" grep -q "138\*\*\*\*0002" "$sec/discipline-show.out"
check "… and the caller's name" sh -c "grep -qE '^来电人 +李\*' '$sec/discipline-show.out' && ! grep -q '李女士' '$sec/discipline-show.out'"
check "… the office accused named, as never given the order" grep -qE "^被投诉单位 +沙子口街道（不交其办理）" "$sec/discipline-show.out"
as_unit 370212005 jiesu show SEC-1 >"$sec/other-show.out" 2>&1
check "another street office cannot read a street's order" grep -q "没有您可以查看的工单 SEC-1" "$sec/other-show.out"
check "… told what to check, and that an order not its own reads the same" \
    grep -q "没有您可以查看的工单 SEC-1：请核对工单号是否完整；不归您查看的工单" "$sec/other-show.out"
check "the administrator reads no orders" sh -c "'$JIESU_BIN/jiesu' show SEC-1 2>&1 | grep -q '的角色是系统管理员；只有.*可以查看'"

harness_services_stop
