# test_admin_users.sh — a district's administrator looks after its people:
# adds them with a role and the unit it needs, refused in words when the two
# do not fit or a password is too short; moves a person to another unit or
# role, which takes effect at their next request and is recorded as the
# administrator's, a display name carrying the old unit's name taking the
# new one's; an operation jiesu user does not have is refused in words;
# lists the addresses held back from signing in and lets one in sooner;
# reads each refused sign-in to the pages by why it was refused; adds a
# place of the gazetteer in a street's community, named as people name it.
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_admin_users

jiesu() { "$JIESU_BIN/jiesu" "$@"; }
adm=$HARNESS_DIR/admin_users
rm -rf "$adm"; mkdir -p "$adm"

# 1. A person's unit is of the kind their role works for: a handler in a
# street office or a department, a campaign office's person in a campaign
# office, an inspector in discipline inspection. Before, the database's
# English came back (a handler cannot belong to a unit of kind discipline).
jiesu user add adm-kind --display 张三 --role handler --unit 370212.discipline --token --no-key >"$adm/kind.out" 2>&1
check_eq "a handler of discipline inspection's office is refused" 1 $?
check "… saying what the unit is, what a handler belongs to and where units are listed" \
    grep -q "崂山区纪委监委是纪委监委；承办人员属于街道办事处或职能部门：用 --unit 写明这样的单位（\`jiesu units\`）" \
    "$adm/kind.out"
check "… in Chinese, not the database's words" bash -c "! grep -q 'cannot belong' '$adm/kind.out'"
jiesu user add adm-kind --display 张三 --role discipline --unit 中韩街道 --token --no-key >"$adm/kind2.out" 2>&1
check "an inspector of a street office likewise" \
    grep -q "中韩街道是街道办事处；纪委监委属于纪委监委：用 --unit 写明这样的单位" "$adm/kind2.out"
check_eq "… and nobody is added" 0 "$(sql "SELECT count(*) FROM principals WHERE name = 'adm-kind'")"
jiesu user add adm-kind --display 张三 --role handler --unit 中韩 --token --no-key >"$adm/kind3.out" 2>&1
check "a unit named by part of its name: where to find the whole (jiesu units 中韩 lists 中韩街道)" \
    grep -q "没有代码或名称为“中韩”的单位（\`jiesu units 中韩\` 列出代码或名称含这几个字的单位" "$adm/kind3.out"

# 2. A password is at least 8 characters whenever it is set: a reset refused
# a short one, and adding a user took one of 3.
printf 'abc\n' | jiesu user add adm-short --display 张三 --role clerk --no-key --password-stdin >"$adm/short.out" 2>&1
check_eq "a new user's password of 3 characters is refused" 1 $?
check "… saying so, as a reset does" grep -q "密码至少要 8 个字符" "$adm/short.out"
check_eq "… and nobody is added" 0 "$(sql "SELECT count(*) FROM principals WHERE name = 'adm-short'")"
printf '我的密码\n' | jiesu user add adm-short --display 张三 --role clerk --no-key --password-stdin >"$adm/short.out" 2>&1
check_eq "characters are counted, not bytes: 4 Chinese characters (12 bytes) are refused" 1 $?
check "… saying so" grep -q "密码至少要 8 个字符" "$adm/short.out"
printf '' | jiesu user add adm-nopass --display 张三 --role clerk --key-out "$adm/nopass.key" --password-stdin \
    >"$adm/nopass.out" 2>&1
check_eq "a new user whose password the standard input does not hold is refused" 1 $?
check "… saying so" grep -q "标准输入里没有密码" "$adm/nopass.out"
check "… and the key made for it is not left behind, registered to nobody" test ! -e "$adm/nopass.key"
printf 'abcdefgh\n' | jiesu user add adm-short --display 张三 --role clerk --no-key --password-stdin >/dev/null 2>&1
check_eq "one of 8 is taken" 1 "$(sql "SELECT count(*) FROM principals WHERE name = 'adm-short' AND password_hash IS NOT NULL")"
jiesu user add adm-none --display 张三 --role clerk --no-key >"$adm/none.out" 2>&1
check "a user with no key, password or token is refused saying which option gives one" \
    grep -q "用户至少要有密钥、密码或令牌中的一样才能操作：去掉 --no-key（生成密钥），或加上 --password-stdin（网页登录的密码）或 --token（程序用的令牌）" "$adm/none.out"
jiesu user add adm-none --display 张三 --role clerk --public-key abc >"$adm/badkey.out" 2>&1
check "a --public-key that is no key: where the key comes from, not its encoding's name" \
    sh -c "grep -q -- '--public-key 不是公钥：要写那个人用 jiesu keys new 文件 生成密钥时打印的那一行' '$adm/badkey.out' && ! grep -q Z85 '$adm/badkey.out'"

# 3. A person changes units, or roles, keeping their sign-in name and key:
# there was no way (`jiesu user move` was an unknown request, in English),
# short of disabling them and adding someone of another name.
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "ADM-1,2026/10/1 9:00,王先生,13800000001,崂山区张村社区3号楼,张村社区门口流动摊贩占道经营,,一般" >"$adm/in.csv"
as_role clerk jiesu import "$adm/in.csv" >/dev/null 2>&1
wait_for "ADM-1 routed to 中韩街道" 30 sql_eq "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id
    JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'ADM-1' AND u.code = '370212001'" 1
as_unit 370212001 jiesu show ADM-1 >/dev/null 2>&1
check_eq "中韩街道's handler reads its order" 0 $?
as_unit 370212001 jiesu accept ADM-1 >/dev/null 2>&1
check_eq "… and accepts it" 0 $?
jiesu user move u-370212001 --role handler --unit 沙子口街道 >"$adm/move.out" 2>&1
check_eq "the administrator moves the handler to 沙子口街道" 0 $?
check "… and is told what they now are" grep -q "用户 u-370212001 现在是沙子口街道的承办人员" "$adm/move.out"
check "… and that their display name, which names no unit, is as it was, and how to change it (user display)" \
    grep -q "显示名“u-370212001”未改（要改：jiesu user display u-370212001 姓名）" "$adm/move.out"
JIESU_CLI_KEY_FILE=$HARNESS_DIR/users/u-370212001.key jiesu show ADM-1 >"$adm/moved-show.out" 2>&1
check "… whose next request, with the same key, no longer reads 中韩街道's order" \
    grep -q "没有您可以查看的工单 ADM-1" "$adm/moved-show.out"
jiesu user move u-370212001 --role campaign --unit 沙子口街道 >"$adm/move-kind.out" 2>&1
check "a move to a unit that does not fit the role is refused as an add is" \
    grep -q "沙子口街道是街道办事处；创城办属于创城办" "$adm/move-kind.out"
jiesu user move u-370212001 --role dispatcher --unit 沙子口街道 >"$adm/move-unit.out" 2>&1
check "… and a role of no unit named with one" grep -q "派单员不属于任何单位：去掉 --unit" "$adm/move-unit.out"
jiesu user move u-370212001 --role dispatcher >/dev/null 2>&1
check_eq "… which without the unit is done" "dispatcher " \
    "$(sql "SELECT role || ' ' || coalesce(unit_id::text, '') FROM principals WHERE name = 'u-370212001'")"
# A move to what the person already is changes nothing: it answered 现在是…
# and recorded a move from 派单员 to 派单员.
jiesu user move u-370212001 --role dispatcher >"$adm/move-same.out" 2>&1
check_eq "a move to the role the person already has is done already, exit 0" 0 $?
check "… saying there was nothing to change" grep -q "用户 u-370212001 已经是派单员，不必调整" "$adm/move-same.out"
check_eq "… and recording nothing" 2 "$(sql "SELECT count(*) FROM admin_events WHERE action = 'user.move' AND subject = 'u-370212001'")"
check_eq "the two moves are recorded as the administrator's, saying from what to what, units by name" \
    "admin handler 沙子口街道 handler 中韩街道|admin dispatcher  handler 沙子口街道" \
    "$(sql "SELECT string_agg(actor || ' ' || (detail->>'role') || ' ' || coalesce(detail->>'unit', '') || ' '
            || (detail->>'was_role') || ' ' || (detail->>'was_unit'), '|' ORDER BY id)
            FROM admin_events WHERE action = 'user.move' AND subject = 'u-370212001'")"
# The order's history names who accepted it by the unit they accepted it
# for: it named everyone by the unit they are in now, so 中韩街道's order
# read as accepted by someone of no unit (a dispatcher now), or of 沙子口街道.
as_role dispatcher jiesu show ADM-1 >"$adm/moved-history.out" 2>&1
check "the order's history names the moved handler by the unit they accepted it for" \
    grep -qE "u-370212001（中韩街道） +签收" "$adm/moved-history.out"
# A display name that carries the unit (张三（中韩街道）, as people are told
# apart) carries the new one after a move: it kept the old, so every page
# and alert said 中韩街道 of someone who now worked for 北宅街道.
jiesu user add adm-zhang --role handler --unit 370212001 --display 张三（中韩街道） --token --no-key >"$adm/add.out" 2>&1
check "an add says who was added, by name, and what they are, their unit by name (given by its code)" \
    grep -q "^已添加用户 adm-zhang：张三（中韩街道），中韩街道的承办人员$" "$adm/add.out"
jiesu user move adm-zhang --role handler --unit 北宅街道 >"$adm/move-display.out" 2>&1
check "a display name ending in the old unit's name in （） takes the new one's, and the administrator is told" \
    grep -q "用户 adm-zhang 现在是北宅街道的承办人员：从下一个操作起按新的角色和单位办理；显示名由“张三（中韩街道）”改为“张三（北宅街道）”" \
    "$adm/move-display.out"
check_eq "… which is what people read now" "张三（北宅街道）" "$(sql "SELECT display_name FROM principals WHERE name = 'adm-zhang'")"
jiesu user move adm-zhang --role dispatcher >/dev/null 2>&1
check_eq "… and a role of no unit none" "张三" "$(sql "SELECT display_name FROM principals WHERE name = 'adm-zhang'")"
jiesu user move adm-zhang --role handler --unit 沙子口街道 --display "张三（沙子口街道）" >"$adm/move-display-given.out" 2>&1
check "a display name given with the move is taken" grep -q "显示名由“张三”改为“张三（沙子口街道）”" "$adm/move-display-given.out"
jiesu audit adm-zhang >"$adm/audit-display.out" 2>&1
check "… each change recorded, the display name's beside the unit's" \
    grep -q "承办人员（中韩街道）→承办人员（北宅街道），显示名 张三（中韩街道）→张三（北宅街道）" "$adm/audit-display.out"
jiesu user move admin --role clerk >"$adm/move-self.out" 2>&1
check "an administrator cannot move themselves" grep -q "不能改自己的角色或单位" "$adm/move-self.out"
jiesu user move escalation --role admin >"$adm/move-service.out" 2>&1
check "… nor a service" grep -q "escalation 是系统服务" "$adm/move-service.out"
# What a person whose name carries their unit (钱七（中韩街道）) did before a
# move stays named with the unit they did it for: the order's request for
# more time read 钱七（北宅街道）（中韩街道） after it, its history 钱七（北宅街道）.
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "ADM-2,2026/10/1 9:10,钱女士,13800000003,崂山区张村社区5号楼,张村社区5号楼门前路灯不亮,,一般" >"$adm/in2.csv"
as_role clerk jiesu import "$adm/in2.csv" >/dev/null 2>&1
wait_for "ADM-2 routed to 中韩街道" 30 sql_eq "SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id
    JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'ADM-2' AND u.code = '370212001' AND a.active" 1
jiesu user add adm-qian --role handler --unit 中韩街道 --display 钱七（中韩街道） --key-out "$adm/qian.key" >/dev/null 2>&1
JIESU_CLI_KEY_FILE=$adm/qian.key jiesu accept ADM-2 >/dev/null 2>&1
later=$(sql "SELECT to_char(timezone('Asia/Shanghai', d.due_at + interval '2 days'), 'YYYY-MM-DD HH24:MI')
             FROM deadlines d JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = 'ADM-2' AND d.kind = 'resolve'")
JIESU_CLI_KEY_FILE=$adm/qian.key jiesu extend ADM-2 "$later" "路灯电缆要等供电公司" >"$adm/qian-extend.out" 2>&1
check_eq "a handler whose name carries their unit accepts an order and asks for more time" 0 $?
jiesu user move adm-qian --role handler --unit 北宅街道 >/dev/null 2>&1
as_role dispatcher jiesu show ADM-2 >"$adm/qian-show.out" 2>&1
check "… moved, they are named in the order's history as of 中韩街道" grep -qE "钱七（中韩街道） +签收" "$adm/qian-show.out"
check "… and in its request for more time, not with both units" \
    sh -c "grep -qE '钱七（中韩街道） +20[0-9]{2}-' '$adm/qian-show.out' && ! grep -q 北宅街道 '$adm/qian-show.out'"

# 3b. Every change is recorded as a person's, by their display name: a user
# added without one read as their sign-in name (u-370212001（中韩街道）) in
# histories and alerts. A name is required; a user added before it was is
# marked in the list, and an administrator gives them one.
jiesu user add adm-noname --role handler --unit 中韩街道 --token --no-key >"$adm/noname.out" 2>&1
check_eq "a user added without --display is refused" 1 $?
check "… saying what to add, with an example" grep -q \
    "要写明这个人的姓名：加上 --display 姓名（例：jiesu user add zhangsan --role handler --unit 中韩街道 --display 张三）" \
    "$adm/noname.out"
check_eq "… and nobody is added" 0 "$(sql "SELECT count(*) FROM principals WHERE name = 'adm-noname'")"
sql "UPDATE principals SET display_name = name WHERE name = 'adm-zhang'" >/dev/null      # as added before
jiesu user list >"$adm/list-noname.out" 2>&1
check "jiesu user list marks a user whose name is their sign-in name, and says how to give one" \
    sh -c "grep -qE '^adm-zhang +（未填姓名） ' '$adm/list-noname.out' &&
           grep -q '用户（未填姓名）：处理记录和告警里显示的是账号；填上姓名：jiesu user display 账号 姓名' '$adm/list-noname.out'"
jiesu user display adm-zhang 张三 >"$adm/display.out" 2>&1
check_eq "jiesu user display gives them one" "0 张三" "$? $(sql "SELECT display_name FROM principals WHERE name = 'adm-zhang'")"
check "… saying so" grep -q "用户 adm-zhang 的姓名已改好" "$adm/display.out"
check_eq "… recorded as the administrator's, with the name before" "admin adm-zhang adm-zhang 张三" \
    "$(sql "SELECT actor || ' ' || subject || ' ' || (detail->>'was_display') || ' ' || (detail->>'display')
            FROM admin_events WHERE action = 'user.display'")"
jiesu audit adm-zhang >"$adm/audit-name.out" 2>&1
check "… which jiesu audit says in words" grep -qE "填写或更改姓名 +张三（adm-zhang） +显示名 adm-zhang→张三" "$adm/audit-name.out"
jiesu user list >"$adm/list-named.out" 2>&1
check "… and the list shows it" grep -qE "^adm-zhang +张三 " "$adm/list-named.out"
# A user's unit is listed by its name as people know it: before, beside its
# code (沙子口街道 370212002, 崂山区纪委监委 370212.discipline).
check "… and their unit by its name alone, no unit's code beside it" \
    sh -c "grep -qE '^adm-zhang +张三 +承办人员 +沙子口街道 +' '$adm/list-named.out' &&
           ! grep -qE '(街道|纪委监委) +370212' '$adm/list-named.out'"
shazikou=$(sql "SELECT code FROM units WHERE name = '沙子口街道'")
sql "UPDATE units SET name = '' WHERE code = '$shazikou'" >/dev/null
jiesu user list >"$adm/list-unit-unnamed.out" 2>&1
check "a unit without a name is said so in words, not shown by its code" \
    sh -c "grep -qE '^adm-zhang +张三 +承办人员 +（单位未登记名称） ' '$adm/list-unit-unnamed.out' &&
           ! grep -qE '^adm-zhang .*$shazikou' '$adm/list-unit-unnamed.out'"
sql "UPDATE units SET name = '沙子口街道' WHERE code = '$shazikou'" >/dev/null
jiesu user display adm-zhang >"$adm/display-none.out" 2>&1
check_eq "jiesu user display without a name is a usage error" 2 $?
check "… saying what to write" grep -q "user display：要写姓名，如 jiesu user display adm-zhang 张三" "$adm/display-none.out"
as_role dispatcher jiesu user display adm-zhang 李四 >"$adm/display-dispatcher.out" 2>&1
check "… and only an administrator may" grep -q "只有系统管理员可以这样做" "$adm/display-dispatcher.out"
check_eq "… the name kept" 张三 "$(sql "SELECT display_name FROM principals WHERE name = 'adm-zhang'")"

# 4. An operation jiesu user does not have is refused at the terminal in
# words, with the operations there are; before, the service's English came
# back (user: unknown op 'delete'), exit 1 as for a failure.
jiesu user delete adm-short >"$adm/delete.out" 2>&1
check_eq "jiesu user delete is a usage error" 2 $?
check "… saying there is no such operation, which there are, and that a person who left is disabled" \
    grep -q "jiesu: user：没有“delete”这个操作；有 add、list、disable、enable、key、token、password、move、display、holds、release（有人离开：disable 停用）" \
    "$adm/delete.out"
check "… not in the service's English" bash -c "! grep -q 'unknown op' '$adm/delete.out'"

# An option the operation does not use is refused, not ignored: before,
# `jiesu user disable NAME --role admin` disabled the user and said nothing
# of the role, and `--key-out` beside `--public-key` dropped the file named.
jiesu user disable adm-short --role admin >"$adm/opt-disable.out" 2>&1
check_eq "an option to an operation that takes none is a usage error" 2 $?
check "… naming it" grep -q "jiesu: user disable 不带选项（给了 --role）" "$adm/opt-disable.out"
check_eq "… and the user is not disabled" 0 "$(sql "SELECT count(*) FROM principals WHERE name = 'adm-short' AND disabled_at IS NOT NULL")"
jiesu user token adm-short --all >"$adm/opt-token.out" 2>&1
check_eq "an option of another operation is a usage error" 2 $?
check "… saying which options the operation has" grep -q "jiesu: user token 没有 --all 选项；它的选项：--rate" "$adm/opt-token.out"
jiesu user key adm-short --key-out "$adm/x.key" --public-key abc >"$adm/opt-key.out" 2>&1
check_eq "--key-out with --public-key is a usage error" 2 $?
check "… saying only one may be given" grep -q "只能用一个" "$adm/opt-key.out"
jiesu user enable adm-short extra >"$adm/opt-extra.out" 2>&1
check "a second name is refused, not ignored" grep -q "多余的参数“extra”" "$adm/opt-extra.out"
jiesu user token adm-short --rate 0 >"$adm/opt-rate.out" 2>&1
check "a rate that is no whole number from 1 says what it must be" grep -q -- "--rate 要写 1 到 1000000 的整数" "$adm/opt-rate.out"
# A token's rate of Open311 POSTs is recorded with it: it changed and
# admin_events said nothing of it, at an add as at a new token.
jiesu user token adm-short --rate 30 >/dev/null 2>&1
jiesu audit adm-short --limit 1 >"$adm/audit-rate.out" 2>&1
check "a new token's rate is in jiesu audit" grep -qE "换令牌 +张三（adm-short） +Open311 每分钟最多提交 30 件$" "$adm/audit-rate.out"
# jiesu audit looks a person up by sign-in name: by their display name, or a
# name no one has, it answered （无） as if nothing had been done, without
# saying so nor which name to use.
jiesu audit 张三 >"$adm/audit-by-display.out" 2>&1
check "jiesu audit of a display name names the sign-in names to use" \
    grep -q "“张三”不是登录名，是 adm-short、adm-zhang 的姓名：按登录名查，如 jiesu audit adm-short" \
    "$adm/audit-by-display.out"
jiesu audit adm-nobody >"$adm/audit-unknown.out" 2>&1
check "… and of a name no one has and nothing in the record, says so" \
    grep -q "“adm-nobody”不是哪个用户的登录名，记录里也没有它：jiesu audit 按登录名查人（jiesu user list 列出登录名），也按地名、日期、年份或地址查" \
    "$adm/audit-unknown.out"
jiesu audit adm-short --limit 1 >"$adm/audit-signin-name.out" 2>&1
check "… while a sign-in name gets no such note" bash -c "! grep -q '不是' '$adm/audit-signin-name.out'"
# A token need not stand on the screen, in its scrollback or a log:
# --token-out writes it to a file of the administrator's alone, the way a
# key is; before, it could only be printed.
jiesu user token adm-short --token-out "$adm/short.token" >"$adm/token-out.out" 2>&1
check_eq "jiesu user token --token-out writes the new token to a file" 0 $?
check "… of mode 0600, holding the token registered" \
    sh -c "[ \"\$(stat -c %a '$adm/short.token')\" = 600 ] &&
           [ \"\$(tr -d '\n' <'$adm/short.token' | sha256sum | cut -c1-64)\" = \
             '$(sql "SELECT token_hash FROM principals WHERE name = 'adm-short'")' ]"
check "… printed nowhere, the answer saying where it is" \
    sh -c "! grep -q jsk_ '$adm/token-out.out' && grep -q '^令牌：写在 $adm/short.token（权限 0600；只此一份' '$adm/token-out.out'"
jiesu user token adm-short --token-out "$adm/short.token" >"$adm/token-out-again.out" 2>&1
check_eq "… never over a file there" 1 $?
check "… saying so and what to do" grep -q "short.token 已存在；用 --token-out 文件 写到别处" "$adm/token-out-again.out"
jiesu user add adm-portal --display 区政务服务平台 --role clerk --no-key --token --rate 120 >"$adm/add-portal.out" 2>&1
check "… a role of no unit likewise" grep -q "^已添加用户 adm-portal：区政务服务平台，话务员$" "$adm/add-portal.out"
jiesu audit adm-portal >"$adm/audit-portal.out" 2>&1
check "… and an Open311 client's, added with one" \
    grep -qE "添加用户 +区政务服务平台（adm-portal） +话务员，有令牌，Open311 每分钟最多提交 120 件$" "$adm/audit-portal.out"
# A key and a token at one add: the key is the person's once the user is
# added, whatever comes of the token; before, a token not written removed
# the key registered, and a token's file found taken left a key registered
# nowhere that looked usable.
jiesu user add adm-keytok --role clerk --display 李四 --key-out "$adm/keytok.key" --token \
    --token-out "$adm/short.token" >"$adm/keytok-taken.out" 2>&1
check "a token's file already there: refused saying so" grep -q "short.token 已存在" "$adm/keytok-taken.out"
check_eq "… nobody added, and no key left behind that looks usable" "0 none" \
    "$(sql "SELECT count(*) FROM principals WHERE name = 'adm-keytok'") $([ -e "$adm/keytok.key" ] && echo left || echo none)"
jiesu user add adm-keytok --role clerk --display 李四 --key-out "$adm/keytok.key" --token \
    --token-out "$adm/no-such-dir/keytok.token" >"$adm/keytok-lost.out" 2>&1
check_eq "a token that could not be written: said (exit 1)" 1 $?
check "… saying the token is lost and to make another" grep -q "令牌没能写到 $adm/no-such-dir/keytok.token" "$adm/keytok-lost.out"
check "… the user added keeps the key it was registered with" \
    grep -qxF "public = $(sql "SELECT curve_key FROM principals WHERE name = 'adm-keytok'")" "$adm/keytok.key"
jiesu user move adm-short --role handler --role admin >"$adm/opt-twice.out" 2>&1
check_eq "an option given twice is a usage error, not the last one taken" 2 $?
check "… saying both values" grep -q "jiesu: user move：--role 写了两次（“handler”和“admin”）；只能写一个" "$adm/opt-twice.out"
check_eq "… and the user's role is not changed" 0 "$(sql "SELECT count(*) FROM principals WHERE name = 'adm-short' AND role = 'admin'")"

# A disabled user is left out of jiesu user list, which said nothing of it:
# an administrator looking for someone to enable again did not find them.
jiesu user add adm-gone --display 离职者 --role clerk --no-key --token >/dev/null 2>&1
jiesu user disable adm-gone >/dev/null 2>&1
jiesu user list >"$adm/list-disabled.out" 2>&1
check "jiesu user list leaves a disabled user out, saying how many it left out and how to list them" \
    sh -c "! grep -q '^adm-gone ' '$adm/list-disabled.out' &&
           grep -q '^另有 1 个已停用的用户没有列出：jiesu user list --all 列出全部（重新启用：jiesu user enable 账号）$' '$adm/list-disabled.out'"
jiesu user list --all >"$adm/list-all.out" 2>&1
check "… which --all lists, as disabled, saying nothing left out" \
    sh -c "grep -qE '^adm-gone .* 已停用 ' '$adm/list-all.out' && ! grep -q 没有列出 '$adm/list-all.out'"

# 4b. Enabling a user who is neither disabled nor locked changes nothing and
# records nothing; before, it answered 已启用用户 and wrote user.enable.
jiesu user enable adm-short >"$adm/enable-enabled.out" 2>&1
check_eq "enabling a user in use is done already, exit 0" 0 $?
check "… saying there was nothing to do" grep -q "用户 adm-short 没有停用，也没有锁定，不必启用" "$adm/enable-enabled.out"
check_eq "… and records nothing" 0 "$(sql "SELECT count(*) FROM admin_events WHERE action = 'user.enable'")"
sql "UPDATE principals SET failed_logins = 5, locked_until = now() + interval '15 minutes' WHERE name = 'adm-short'" >/dev/null
jiesu user list >"$adm/list-locked.out" 2>&1
check "jiesu user list shows a user locked by wrong passwords as locked, until when and how to unlock" \
    grep -qE "adm-short .*锁定至 [0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}（jiesu user enable 解锁）" "$adm/list-locked.out"
sql "UPDATE principals SET created_at = '2026-12-06 17:30:00+00' WHERE name = 'adm-short'" >/dev/null
TZ=UTC jiesu user list >"$adm/list-day.out" 2>&1
check "its 添加日期 is the city's day (01:30 on the 7th in Asia/Shanghai), not the terminal's (UTC: the 6th)" \
    grep -qE "adm-short .* 2026-12-07 " "$adm/list-day.out"
check "jiesu user list names who added the first administrator and the services as people know it, not by a code" \
    sh -c "grep -qE '^admin .* 系统安装（jiesu migrate）$' '$adm/list-day.out' &&
           grep -qE '^escalation .* 系统安装（jiesu migrate）$' '$adm/list-day.out' && ! grep -qE ' migrate$' '$adm/list-day.out'"
check "… and the administrator who added a user by their sign-in name" grep -qE "^adm-short .* admin$" "$adm/list-day.out"
jiesu user enable adm-short >"$adm/enable-locked.out" 2>&1
check "a locked one is unlocked, and told so" grep -q "已启用用户 adm-short" "$adm/enable-locked.out"
check_eq "… recorded" 1 "$(sql "SELECT count(*) FROM admin_events WHERE action = 'user.enable' AND subject = 'adm-short'")"
jiesu user enable nobody-here >"$adm/enable-nobody.out" 2>&1
check "one there is none of is refused" grep -q "没有名为 nobody-here 的用户" "$adm/enable-nobody.out"

# 5. The administrators' record reads at the terminal: who did what to whom,
# when, in names and words (admin_events and auth_events had no reader but
# SQL: actions user.move, subjects by sign-in name, units by number).
sql "INSERT INTO auth_events (name, event, address) VALUES ('u-370212001', 'signin_failed', '127.0.0.1'),
     ('u-370212001', 'locked', '127.0.0.1')" >/dev/null
jiesu audit u-370212001 >"$adm/audit.out" 2>&1
check_eq "jiesu audit NAME answers the administrator" 0 $?
check "… the move, by whom, to whom, from what to what" \
    grep -qE "系统管理员（admin） +调整角色或单位 +u-370212001 +承办人员（中韩街道）→承办人员（沙子口街道）" "$adm/audit.out"
check "… the add, with the role and unit given" \
    grep -qE "admin） +添加用户 +u-370212001 +承办人员（中韩街道），有密钥" "$adm/audit.out"
check "… the sign-ins refused and the lock, from where" grep -qE "密码错误 +127\.0\.0\.1" "$adm/audit.out"
check "… in words, no code" bash -c "! grep -qE 'user\.|signin|locked' '$adm/audit.out'"
jiesu audit --limit 1 >"$adm/audit-last.out" 2>&1
check "jiesu audit lists the newest first" grep -q "启用用户" "$adm/audit-last.out"
as_unit 370212002 jiesu audit >"$adm/audit-handler.out" 2>&1
check "a handler may not read it" grep -q "只有系统管理员可以查看" "$adm/audit-handler.out"

# 5a. A refused sign-in reads as why it was refused: every one read 密码错误,
# so a person disabled who signed in with their right password looked like
# someone guessing it, and a name no account has like a wrong password.
web_user adm-left clerk "" 离职者甲
jiesu user disable adm-left >/dev/null 2>&1
web_signin "$WEB_DIR/left.jar" adm-left >/dev/null
web_signin "$WEB_DIR/left.jar" adm-nobody >/dev/null
jiesu audit adm-left >"$adm/audit-left.out" 2>&1
check "jiesu audit says a disabled user's sign-in with the right password was refused as disabled" \
    grep -qE "离职者甲（adm-left） +拒绝（账号已停用；密码是对的） +127\.0\.0\.1" "$adm/audit-left.out"
check "… not as a wrong password" bash -c "! grep -q 密码错误 '$adm/audit-left.out'"
jiesu audit adm-nobody >"$adm/audit-nobody.out" 2>&1
check "… and a name no account has as such" grep -qE "adm-nobody +没有这个账号 +127\.0\.0\.1" "$adm/audit-nobody.out"
# A program's token of a user disabled was answered 401 请先登录, telling
# its keeper to have a token made: the pages now say whose it is, as Open311
# does, that the user is disabled and who may enable them again.
left_token=$(web_token adm-left-app clerk)
jiesu user disable adm-left-app >/dev/null 2>&1
check_eq "the JSON of a disabled user's token is refused 403" 403 \
    "$(curl -s -o "$adm/left-token.json" -w '%{http_code}' -H "Authorization: Bearer $left_token" "$WEB_BASE/api/streets")"
check "… saying whose token it is, that they are disabled, and how they are enabled again" \
    jq -e '.error | startswith("这个 API 令牌是 adm-left-app 的，这个用户已停用：要再用，请系统管理员重新启用（jiesu user enable adm-left-app）")' \
    "$adm/left-token.json"

# 5b. An administrator may fetch the rejects file of any import, and with it
# what callers wrote in the rows refused: that was in intake's log alone,
# where every look at a caller's number is recorded. Now jiesu audit has it,
# under the clerk's name too, once a fetch; the clerk's own is their work.
printf '%s\r\n' "工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度" \
    "ADM-R1,2026/13/45 25:61,赵先生,13800000009,崂山区张村社区,路灯不亮,,一般" >"$adm/rejects.csv"
as_role clerk jiesu import "$adm/rejects.csv" >"$adm/rejects-import.out" 2>&1
rid=$(sql "SELECT max(id) FROM imports")
(cd "$adm" && as_role clerk jiesu import --rejects "$rid") >/dev/null 2>&1
mkdir -p "$adm/admin-rejects"
(cd "$adm/admin-rejects" && jiesu import --rejects "$rid") >"$adm/admin-rejects.out" 2>&1
check_eq "an administrator fetches a clerk's rejects file" "0 1" "$? $(grep -c 2026/13/45 "$adm"/admin-rejects/*.csv)"
jiesu audit test-clerk >"$adm/audit-rejects.out" 2>&1
check "… which jiesu audit records as theirs, of whose import, saying what it holds" \
    grep -qE "系统管理员（admin） +取回别人导入的拒收明细 +test-clerk +第 $rid 号导入（[^）]*rejects\.csv）的拒收明细$" \
    "$adm/audit-rejects.out"
check_eq "… once a fetch, the clerk's own fetch not" 1 "$(sql "SELECT count(*) FROM admin_events WHERE action = 'rejects.fetch'")"

# 5b. The addresses held back from signing in to the pages (too many failed
# sign-ins: web.signin_address_failures) are listed for an administrator,
# who lets one in sooner; before, there was no command for either, and a
# hold was lifted by deleting its row of signin_addresses by hand.
sql "INSERT INTO signin_addresses (address, failures, first_at, blocked_until, refused) VALUES
     ('203.0.113.9', 20, now(), now() + interval '15 minutes', 3),
     ('2001:db8::7', 25, now(), now() + interval '2 days', 0),
     ('203.0.113.10', 4, now(), NULL, 0),
     ('203.0.113.11', 20, now() - interval '20 minutes', now() - interval '5 minutes', 1)" >/dev/null
until_9=$(sql "SELECT to_char(date_trunc('minute', blocked_until + interval '59.999999 seconds') AT TIME ZONE 'Asia/Shanghai',
                       'MM-DD HH24:MI')
               FROM signin_addresses WHERE address = '203.0.113.9'")
TZ=UTC jiesu user holds >"$adm/holds.out" 2>&1
check_eq "jiesu user holds answers the administrator" 0 $?
check "… each address held back, its failures, the attempts refused, until when in the city's time, the minute it ends rounded up ($until_9)" \
    grep -qE "^203\.0\.113\.9 +20 +3 +$until_9$" "$adm/holds.out"
check "… an IPv6 one held for days with its date" grep -qE "^2001:db8::7 +25 +0 +[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$" \
    "$adm/holds.out"
check "… not one counting failures but not held, nor one whose hold has ended" \
    bash -c "! grep -qE '203\.0\.113\.1[01]' '$adm/holds.out'"
check "… and how to lift a hold" grep -q "现在就解除一个地址的暂停：jiesu user release 地址" "$adm/holds.out"
as_unit 370212002 jiesu user holds >"$adm/holds-handler.out" 2>&1
check "a handler may not list them, and is told who may" \
    grep -q "u-370212002 的角色是承办人员；只有系统管理员可以这样做" "$adm/holds-handler.out"
as_role dispatcher jiesu user release 203.0.113.9 >"$adm/release-dispatcher.out" 2>&1
check "a dispatcher may not lift a hold, and is told who may" \
    grep -q "test-dispatcher 的角色是派单员；只有系统管理员可以这样做" "$adm/release-dispatcher.out"
check_eq "… which stays" 1 "$(sql "SELECT count(*) FROM signin_addresses WHERE address = '203.0.113.9'")"
jiesu user release 203.0.113.9 >"$adm/release.out" 2>&1
check_eq "the administrator lifts the hold of 203.0.113.9" 0 $?
check "… told so, until when it would have lasted, and that the address may sign in now" \
    grep -q "已解除地址 203.0.113.9 的登录暂停（原定到 $until_9）：从这个地址现在就可以登录，登录失败从零重新计数" \
    "$adm/release.out"
check_eq "… its row gone: its count starts afresh" 0 "$(sql "SELECT count(*) FROM signin_addresses WHERE address = '203.0.113.9'")"
check_eq "… recorded as the administrator's, with the failures and the refusals" "admin 203.0.113.9 20 3" \
    "$(sql "SELECT actor || ' ' || subject || ' ' || (detail->>'failures') || ' ' || (detail->>'refused')
            FROM admin_events WHERE action = 'address.release'")"
jiesu audit 203.0.113.9 >"$adm/audit-release.out" 2>&1
check "… which jiesu audit says in words" \
    grep -qE "系统管理员（admin） +解除地址的登录暂停 +203\.0\.113\.9 +登录失败 20 次后暂停到 $until_9，其间拒绝 3 次" \
    "$adm/audit-release.out"
jiesu user release 2001:DB8:0::7 >"$adm/release-v6.out" 2>&1
check "an IPv6 address is found however it is written" grep -q "已解除地址 2001:db8::7 的登录暂停" "$adm/release-v6.out"
for a in 203.0.113.9 203.0.113.10 203.0.113.11; do
    jiesu user release $a >"$adm/release-$a.out" 2>&1
    check_eq "an address not held now ($a) is refused" 1 $?
    check "… saying so and where the held ones are" \
        grep -q "地址 $a 现在没有暂停登录，没有可解除的（暂停登录的地址：jiesu user holds）" "$adm/release-$a.out"
done
jiesu user release 203.0.113.999 >"$adm/release-bad.out" 2>&1
check_eq "what is not an address is refused" 1 $?
check "… saying so and how one is written" \
    grep -q "“203.0.113.999”不是网络地址：写 IPv4 或 IPv6 地址，如 203.0.113.7" "$adm/release-bad.out"
check_eq "a release is recorded only when a hold was lifted" 2 \
    "$(sql "SELECT count(*) FROM admin_events WHERE action = 'address.release'")"
jiesu user holds >"$adm/holds-none.out" 2>&1
check "with none held, jiesu user holds says so" grep -q "现在没有暂停登录的地址" "$adm/holds-none.out"

# 5c. A place of the gazetteer in one of a street's communities, the
# community named as people name it: --community took a code alone, and
# 中韩社区 or 中韩社区居民委员会, of 中韩街道, was refused as not of 中韩街道.
jiesu gazetteer add 新苑小区 中韩街道 --landmark --community 中韩社区 >"$adm/gaz-community.out" 2>&1
check_eq "a landmark in 中韩街道's community named 中韩社区 is added" 0 $?
check_eq "… in that community" 370212001001 "$(sql "SELECT community_code FROM gazetteer WHERE name = '新苑小区'")"
jiesu audit 新苑小区 >"$adm/audit-gaz-add.out" 2>&1
check "… recorded with its community and that it is a landmark, which jiesu audit says" \
    grep -qE "地名表添加 +新苑小区 +交中韩街道（中韩社区居民委员会），地标$" "$adm/audit-gaz-add.out"
jiesu gazetteer add 新苑二区 中韩街道 --community 中韩社区居民委员会 >/dev/null 2>&1
check_eq "… and one named by the community's whole name" 370212001001 \
    "$(sql "SELECT community_code FROM gazetteer WHERE name = '新苑二区'")"
jiesu gazetteer add 新苑三区 中韩街道 --community 370212002001 >"$adm/gaz-other.out" 2>&1
check_eq "a community of another street is refused" 1 $?
check "… saying whose it is" grep -q "370212002001 流清河社区居民委员会 属于沙子口街道，不属于中韩街道" "$adm/gaz-other.out"
jiesu gazetteer add 新苑三区 中韩街道 --community 流清河社区 >"$adm/gaz-none.out" 2>&1
check "a name none of the street's communities has is refused, saying so and where they are listed" \
    grep -q "中韩街道下辖的社区和村中没有代码或名称为“流清河社区”的（\`jiesu units 中韩街道\` 列出它们的代码和名称）" \
    "$adm/gaz-none.out"
check_eq "… and neither is added" 0 "$(sql "SELECT count(*) FROM gazetteer WHERE name = '新苑三区'")"
# An entry removed by mistake is added again as it was: the answer and the
# record said 删去 1 条, not what, and an entry added by hand, unlike a
# shipped one, has nothing to restore it from.
jiesu gazetteer remove 新苑小区 >"$adm/gaz-remove.out" 2>&1
check "a removal says which entries it took out, and how one added by hand comes back" \
    grep -q "^地名表：已删去 新苑小区 的 1 个条目：中韩街道 全部门牌（人工添加的条目删去后要再用，照原样 jiesu gazetteer add；jiesu audit 记着删去的每一条）$" \
    "$adm/gaz-remove.out"
jiesu audit 新苑小区 --limit 1 >"$adm/audit-gaz-remove.out" 2>&1
check "… and jiesu audit each as it was: street, numbers, community, kind" \
    grep -qE "地名表删去 +新苑小区 +删去 1 条：中韩街道 全部门牌（中韩社区居民委员会），地标$" "$adm/audit-gaz-remove.out"

# 5d. A day of the official calendar typed in is named in jiesu audit: it
# said 新增或改动 1 天 of which day none, and a day typed wrong could not
# be found there.
jiesu holidays add 2041-01-07 元旦 --off >/dev/null 2>&1
jiesu audit --limit 1 >"$adm/audit-holiday.out" 2>&1
check "jiesu audit names the day typed in, its name and that it is a day off" \
    grep -qE "录入节假日 +逐日录入 +2041-01-07 元旦放假，2041 年：新增或改动 1 天（给出 1 天）$" "$adm/audit-holiday.out"

# 5e. A day typed wrong is taken out, which makes it an ordinary day again:
# there was no way, and a notice loaded after it left it stored (a load
# adds and changes days, never takes one out).
# A deadline of one working day from Friday 2041-01-04 17:30 falls due on
# Tuesday while Monday the 7th is off, on Monday once it is not.
held=$(sql "SELECT d.id FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
            WHERE c.ticket_no = 'ADM-1' AND d.met_at IS NULL ORDER BY d.id LIMIT 1")
sql "UPDATE deadlines SET started_at = '2041-01-04 17:30+08', due_at = '2041-01-08 17:30+08' WHERE id = $held" >/dev/null
jiesu holidays remove 2041-01-07 >"$adm/holiday-remove.out" 2>&1
check_eq "jiesu holidays remove takes out a day typed in" "0 0" \
    "$? $(sql "SELECT count(*) FROM holidays WHERE day = '2041-01-07'")"
check "… saying what the day is now and how many deadlines moved" \
    grep -q "^已删去 2041-01-07 的安排：这一天又按平常的日子算（周一至周五上班，周六、周日休息）；1 个未到期的时限重新计算$" \
    "$adm/holiday-remove.out"
check_eq "… the deadline across it falling due a working day sooner, on Monday" "2041-01-07 17:30" \
    "$(sql "SELECT to_char(due_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') FROM deadlines WHERE id = $held")"
jiesu audit --limit 1 >"$adm/audit-holiday-remove.out" 2>&1
check "… recorded as the administrator's, which jiesu audit says with the day as it was" \
    grep -qE "系统管理员（admin） +删去节假日 +2041-01-07 +2041-01-07 元旦放假$" "$adm/audit-holiday-remove.out"
jiesu holidays remove 2041-01-07 >"$adm/holiday-remove-again.out" 2>&1
check_eq "a day not stored is refused" 1 $?
check "… saying so and where the days are" \
    grep -q "2041-01-07 没有存着放假或调休上班的安排，没有可删去的（每年存着的天数：jiesu holidays）" "$adm/holiday-remove-again.out"
jiesu holidays remove 2026-10-01 >"$adm/holiday-remove-bundled.out" 2>&1
check "a day of a bundled notice, which jiesu migrate stores again, is refused, saying how to correct it" \
    grep -q "2026-10-01 是随附的国务院通知（data/holidays）里的日子，jiesu migrate 每次都会再存入它，不能删去；它的放假或调休上班弄错了：jiesu holidays add 2026-10-01 名称 --off 或 --work 改过来" \
    "$adm/holiday-remove-bundled.out"
check_eq "… and it stays" 1 "$(sql "SELECT count(*) FROM holidays WHERE day = '2026-10-01'")"
jiesu holidays add 2041-01-07 元旦 --off >/dev/null 2>&1
as_role dispatcher jiesu holidays remove 2041-01-07 >"$adm/holiday-remove-dispatcher.out" 2>&1
check "only an administrator takes a day out" grep -q "只有系统管理员可以修改法定节假日日历" "$adm/holiday-remove-dispatcher.out"
check_eq "… the day kept" 1 "$(sql "SELECT count(*) FROM holidays WHERE day = '2041-01-07'")"
jiesu holidays remove 2041-02-30 >"$adm/holiday-remove-bad.out" 2>&1
check "what is no date is refused saying how to write one" grep -q "“2041-02-30”不是日期：请写 YYYY-MM-DD" "$adm/holiday-remove-bad.out"

# 5f. A year confirmed whole by mistake is taken back: jiesu holidays
# complete could not be undone, and the warning that the year's calendar is
# missing stayed silent for good.
jiesu holidays complete 2041 >/dev/null 2>&1
jiesu holidays incomplete 2041 >"$adm/holiday-incomplete.out" 2>&1
check_eq "jiesu holidays incomplete takes back a year confirmed whole" "0 0" \
    "$? $(sql "SELECT count(*) FROM holiday_years WHERE year = 2041")"
check "… saying what that changes" \
    grep -q "^已撤回：2041 年不再算全年完整，存着的日子不变；它没有存着的工作日又按平常的日子算，日历用到这一年时又会提醒（录完后再 jiesu holidays complete 2041）$" \
    "$adm/holiday-incomplete.out"
check "… and the year is listed 不完整" grep -qE "^2041 +1 +0 +不完整$" "$adm/holiday-incomplete.out"
jiesu audit --limit 1 >"$adm/audit-incomplete.out" 2>&1
check "… recorded as the administrator's, which jiesu audit says" \
    grep -qE "系统管理员（admin） +撤回节假日全年完整 +2041 年 +—$" "$adm/audit-incomplete.out"
jiesu holidays incomplete 2041 >"$adm/holiday-incomplete-again.out" 2>&1
check_eq "a year not on record whole is refused" 1 $?
check "… saying so" grep -q "2041 年并没有确认全年完整，没有可撤回的（每年是否完整：jiesu holidays）" \
    "$adm/holiday-incomplete-again.out"
jiesu holidays incomplete 2026 >"$adm/holiday-incomplete-bundled.out" 2>&1
check "a year of a bundled notice, which jiesu migrate makes whole again, is refused, saying how to correct a day" \
    grep -q "2026 年的节假日是随附的国务院通知（data/holidays/2026.json），jiesu migrate 每次都会再确认它全年完整，不能撤回；哪一天弄错了：jiesu holidays add 日期 名称 --off 或 --work 改过来" \
    "$adm/holiday-incomplete-bundled.out"
check_eq "… and it stays whole" 1 "$(sql "SELECT count(*) FROM holiday_years WHERE year = 2026")"
jiesu help >"$adm/help.out" 2>&1
check "jiesu help lists it with the other operations of jiesu holidays" \
    grep -q "删去误存的一天（remove），撤回误下的全年完整（incomplete）" "$adm/help.out"
as_role dispatcher jiesu holidays incomplete 2041 >"$adm/holiday-incomplete-dispatcher.out" 2>&1
check "only an administrator takes a year back" grep -q "只有系统管理员可以修改法定节假日日历" \
    "$adm/holiday-incomplete-dispatcher.out"

# 6. The first administrator's key, replaced with `jiesu user key admin`,
# stays replaced: `jiesu migrate` (every `make run` runs it) registered
# keys.dir's admin.pub again whenever it differed, so the replaced key —
# one that leaked, say — worked again after the next start, recorded nowhere.
old_admin=$JIESU_KEYS_DIR/admin.key
jiesu user key admin --key-out "$adm/admin-new.key" >"$adm/admin-key.out" 2>&1
check_eq "the administrator gives themselves a new key" 0 $?
# … and is told that the key they used is void, and how to use the new one:
# the next command was refused, naming jiesu user list, which their key no
# longer ran either.
check "… told it is their own, that the key they used is void and where the new one goes" \
    grep -q "这是您自己的：您这次用的密钥已作废，以后的命令要用新密钥——把新密钥文件移到配置 cli.key_file 所指的文件" \
    "$adm/admin-key.out"
"$JIESU_BIN/jiesu" migrate >"$adm/migrate.out" 2>&1
check_eq "jiesu migrate runs again" 0 $?
jiesu -k "$old_admin" user list >"$adm/old-admin.out" 2>&1
check "… and the replaced key is still refused" grep -q "拒绝了这把密钥" "$adm/old-admin.out"
check "… the refusal saying a key replaced is refused and to use the new one" \
    grep -q "或它已换成新密钥（jiesu user key）：用新密钥文件（-k，或配置 cli.key_file）" "$adm/old-admin.out"
jiesu -k "$adm/admin-new.key" user list >/dev/null 2>&1
check_eq "… the new one works" 0 $?

# 7. A service's key replaced (new pairs in keys.dir, then `jiesu migrate`)
# is recorded, as every other key given: it changed principals and wrote no
# admin_events row. Last here: the running services' keys are no longer
# the registered ones.
(JIESU_KEYS_DIR=$adm/keys2 "$JIESU_BIN/jiesu" keys >/dev/null 2>&1)
JIESU_KEYS_DIR=$adm/keys2 "$JIESU_BIN/jiesu" migrate >"$adm/migrate2.out" 2>&1
check_eq "jiesu migrate registers the services' new keys" 0 $?
check_eq "… each recorded as jiesu migrate's, the first administrator's untouched" \
    "assignment escalation intake reporting" \
    "$(sql "SELECT string_agg(subject, ' ' ORDER BY subject) FROM admin_events
            WHERE action = 'key.register' AND actor = 'migrate'")"
jiesu -k "$adm/admin-new.key" audit escalation >"$adm/audit-keys.out" 2>&1
check "… which jiesu audit names, its actor by the name jiesu user list gives it" \
    grep -qE "^[0-9: -]+ +系统安装（jiesu migrate） +登记 keys\.dir 的新密钥 +督办预警服务（escalation）" "$adm/audit-keys.out"
# The services running hold the keys replaced, now refused by one another:
# migrate said only 登记了 5 把公钥, and jiesu status of a service whose key
# it no longer knows to check its .pub file, where restarting it is the cure.
check "… saying which services' keys were replaced and that a running one is to be restarted" \
    grep -q "^提醒：工单受理服务（intake）、自动派单服务（assignment）、督办预警服务（escalation）、报表服务（reporting）换了新密钥：已经在运行的要重启才用上新密钥" \
    "$adm/migrate2.out"
check "… which the first migrate, and one that replaced no service's key, do not say" \
    bash -c "! grep -q 换了新密钥 '$HARNESS_DIR/migrate-jiesu_admin_users.log' '$adm/migrate.out'"
JIESU_KEYS_DIR=$adm/keys2 jiesu -k "$adm/admin-new.key" status >"$adm/status-keys.out" 2>&1
check "jiesu status of a service still running with its replaced key says to restart it" \
    grep -q "报表服务.*握手失败.*而它还没有重启，就重启它" "$adm/status-keys.out"

harness_services_stop
