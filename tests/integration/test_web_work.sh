# test_web_work.sh — the workbench over HTTP against the real services, with
# curl: a street office sees only its orders and acts on them through the
# assignment service as the person signed in (the events name them, `jiesu
# show` agrees), resolves with two photos stored with their SHA-256 and shown
# to the callback agent; another street office cannot open the order by URL
# nor act on it; discipline inspection alone sees the conduct complaint; the
# dispatcher dispatches from the manual queue and reassigns, with a reason
# only, and a second dispatcher's 派单 from a page opened before the first's
# dispatch is refused, not made a 改派; an alert is acknowledged on
# the unit's page (a refused acknowledgement keeps the note typed; the history names the alert
# acknowledged); an order a dispatcher gives to discipline inspection takes
# its alerts from the street office (`jiesu alerts`, acknowledging one on the
# workbench or with `jiesu ack`), and one merged into a
# conduct complaint leaves the office's list; what is not a JPEG or PNG, or
# too large, is refused, saying the size and the limit; a resolve sent over
# the bus with more photos than one may carry is refused by the assignment
# service itself, nothing recorded; a refused action's
# form comes back as it was sent (the note, the callback result); a
# person's session sent "on behalf" from any key but the web tier's is
# refused by the assignment service itself; the lists, read in the second after
# a hold or a resume (escalation held still), say the clock stopped or running
# as the order page does (lists of more than a page, and a return taken
# twice: test_web_pages.sh).
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_web_work "escalation.reconcile_seconds = 2" "web.photo_max_bytes = 4096"
clerk=$(web_token work-clerk clerk)
file() { web_file "$clerk" "$@"; }
routed() { sql_eq "SELECT count(*) FROM complaints WHERE ticket_no = '$1' AND status <> 'new'" 1; }
status_of() { sql "SELECT status FROM complaints WHERE ticket_no = '$1'"; }

a=$(file "崂山区中韩街道海尔路178号" "海尔路178号门口垃圾桶满了三天没人清运")
b=$(file "崂山区沙子口街道南姜社区" "南姜社区路边垃圾堆积")
alarm=$(file "崂山区中韩街道海尔路178号" "海尔路178号楼下垃圾箱破损")
conduct=$(file "崂山区中韩街道" "中韩街道办工作人员态度恶劣，吃拿卡要，推诿不办" conduct)
lost=$(file "某处" "有人乱扔垃圾")
phoned=$(file "某处" "有人在小区门口乱扔垃圾已经好几天了没人管，请尽快派人清理，回电13812345678")
for t in "$a" "$b" "$alarm" "$conduct" "$lost" "$phoned"; do wait_for "$t routed" 30 routed "$t"; done
check_eq "the orders: 中韩's, 沙子口's, 中韩's, discipline's, the manual queue's" "dispatched dispatched dispatched dispatched manual" \
    "$(for t in "$a" "$b" "$alarm" "$conduct" "$lost"; do status_of "$t"; done | xargs)"

web_user zhong handler 370212001 钟晓梅
web_user sha handler 370212002
web_user jiwei discipline 370212.discipline
web_user paidan dispatcher
web_user huifang callback
web_user chuangcheng campaign 370212.campaign
web_user huawu clerk
zj=$WEB_DIR/zhong.jar sj=$WEB_DIR/sha.jar jj=$WEB_DIR/jiwei.jar dj=$WEB_DIR/paidan.jar cj=$WEB_DIR/huifang.jar
for u in zhong sha jiwei paidan huifang chuangcheng huawu; do web_signin "$WEB_DIR/$u.jar" "$u" >/dev/null; done

# ---- my orders ----
check_eq "中韩街道's workbench" 200 "$(web_get "$zj" /work)"
check "… lists its orders" sh -c "grep -q '$a' '$WEB_DIR/body' && grep -q '$alarm' '$WEB_DIR/body'"
check "… and not 沙子口's, nor the conduct complaint about it" sh -c "! grep -q '$b\|$conduct' '$WEB_DIR/body'"
check "… with the category in Chinese and the working time left" \
    sh -c "grep -q '垃圾清运' '$WEB_DIR/body' && grep -q '剩余 \|已逾期 ' '$WEB_DIR/body'"
check "… each under its header: what is due, the time left, the alerts raised (告警次数: acknowledged or not, not 告警 beside 待确认告警)" \
    eval "web_column_has 期限 '签收\|办结' && web_column_has 剩余时间 '\(剩余\|已逾期\) .*' &&
          web_column_has 告警次数 '[0-9][0-9]*'"
check "… and what each is about, the start of the complaint (only the dispatcher's queue showed it)" \
    web_column_has 诉求内容 '海尔路178号门口垃圾桶满了三天没人清运'
check_eq "a search by ticket finds one" "1" "$(web_get "$zj" "/work?t=$a" >/dev/null; sed -n 's/.*class="total">\([0-9]*\)<.*/\1/p' "$WEB_DIR/body")"
wide=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(" " + "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in sys.argv[1]) + "\u3000"))' "$a")
check_eq "… typed in full-width characters between spaces (a Chinese input method) too" "1" \
    "$(web_get "$zj" "/work?t=$wide" >/dev/null; sed -n 's/.*class="total">\([0-9]*\)<.*/\1/p' "$WEB_DIR/body")"
check_eq "… and its page opens so" 200 "$(web_get "$zj" "/work/order?t=$wide")"
check_eq "a ticket typed in GBK (a hand-made request): 400, not a failure of ours" 400 "$(web_get "$zj" '/work?t=%D6%D0')"
check "… the page names the parameter, in UTF-8" \
    sh -c "grep -q '参数 t 不是 UTF-8 文字' '$WEB_DIR/body' && iconv -f UTF-8 -t UTF-8 '$WEB_DIR/body' >/dev/null"
check_eq "the same for the board's JSON: 400" 400 "$(web_get "$zj" '/api/daily?date=%D6%D0')"
check "… saying so in its error" jq -e '.error | startswith("参数 date 不是 UTF-8 文字")' "$WEB_DIR/body"
check_eq "a parameter given twice (a hand-made URL): 400, not the first read and the second dropped" 400 \
    "$(web_get "$zj" "/work?t=$a&t=x")"
check "… the page names it and says to give it once" grep -q '参数 t 提交了不止一次' "$WEB_DIR/body"
check_eq "a filter by a status it has none of finds none" "0" \
    "$(web_get "$zj" "/work?status=closed" >/dev/null; sed -n 's/.*class="total">\([0-9]*\)<.*/\1/p' "$WEB_DIR/body")"
check "… saying so and what to do, not an empty table" \
    sh -c "grep -q '没有符合所选状态和分类的工单：换一个状态或分类再点“筛选”' '$WEB_DIR/body' && ! grep -q 'class=\"orders\"' '$WEB_DIR/body'"
web_get "$WEB_DIR/huawu.jar" /work >/dev/null
check "a clerk's 查询工单 lists nothing until asked, and says how to ask" \
    grep -q '“查询工单”不预先列出工单：请输入工单号，或选择一个状态（可再选分类）后点“筛选”' "$WEB_DIR/body"
check "… without a count of 0 orders (it looked for none)" sh -c "! grep -q 'class=\"total\"' '$WEB_DIR/body'"
check_eq "… and finds an order by its ticket" 1 \
    "$(web_get "$WEB_DIR/huawu.jar" "/work?t=$a" >/dev/null; sed -n 's/.*class="total">\([0-9]*\)<.*/\1/p' "$WEB_DIR/body")"
web_user guanli admin
web_signin "$WEB_DIR/guanli.jar" guanli >/dev/null
check_eq "the administrator's workbench (it reads no orders)" 200 "$(web_get "$WEB_DIR/guanli.jar" /work)"
check "… says so, who does, and where the administrator's own work is, not a search that finds nothing" \
    sh -c "grep -q '系统管理员的账号不查看工单，这里没有您可办理的工单（查看工单的是话务员、派单员、承办人员、创城办、纪委监委、回访员）。用户、密钥和节假日安排请用 jiesu 命令管理' '$WEB_DIR/body' &&
           ! grep -q '请输入工单号\|name=\"t\"' '$WEB_DIR/body'"
web_get "$zj" "/work?t=X$a" >/dev/null
check "a ticket that finds nothing says to check it" grep -q "没有您可以查看的工单“X$a”：请核对工单号是否完整" "$WEB_DIR/body"
check_eq "a status its list does not offer (a hand-made URL): 400, not an empty list" 400 \
    "$(web_get "$zj" "/work?status=manual")"
check "… naming the statuses it may filter by, in Chinese" \
    sh -c "grep -q '没有这个状态可筛选，可选：待签收、办理中' '$WEB_DIR/body' && ! grep -q 'dispatched' '$WEB_DIR/body'"
check_eq "a category that is none (a hand-made URL) lists none" 0 \
    "$(web_get "$zj" "/work?category=no.such" >/dev/null; sed -n 's/.*class="total">\([0-9]*\)<.*/\1/p' "$WEB_DIR/body")"
check "… and says it is no category" grep -q '没有代码为“no.such”的分类' "$WEB_DIR/body"
web_get "$zj" "/work?category=env.garbage" >/dev/null
check "a real one is chosen in the form, without that note" \
    sh -c "grep -q 'value=\"env.garbage\" selected' '$WEB_DIR/body' && ! grep -q '没有代码为' '$WEB_DIR/body'"
check "… the filter offering only its orders' categories, under their first level, with how many each" \
    sh -c "grep -q '<optgroup label=\"城乡建设\"><option value=\"env.garbage\" selected>垃圾清运（[0-9]* 件）</option></optgroup>' '$WEB_DIR/body' &&
           ! grep -q 'value=\"noise\"\|value=\"conduct' '$WEB_DIR/body'"
web_get "$zj" "/work?category=noise" >/dev/null
check "a category none of its orders has is kept chosen, with none, and the list says so" \
    sh -c "grep -q 'value=\"noise\" selected>噪声扰民（0 件）' '$WEB_DIR/body' && grep -q '没有符合所选状态和分类的工单' '$WEB_DIR/body'"

check_eq "the campaign office's workbench" 200 "$(web_get "$WEB_DIR/chuangcheng.jar" /work)"
check "… lists its district's orders, of both streets" sh -c "grep -q '$a' '$WEB_DIR/body' && grep -q '$b' '$WEB_DIR/body'"
check "… but never the conduct complaint" sh -c "! grep -q '$conduct' '$WEB_DIR/body'"
check_eq "… which it cannot open either" 404 "$(web_get "$WEB_DIR/chuangcheng.jar" "/work/order?t=$conduct")"
# A role that never acts on an order is told so and where its part is, not that the order's status
# allows nothing (当前状态（待签收）下您无可办理的操作, as if another status would).
web_get "$WEB_DIR/chuangcheng.jar" "/work/order?t=$a" >/dev/null
check "… a street's order it opens says it reads orders and acknowledges its alerts on the workbench, not 当前状态" \
    sh -c "grep -q '创城办的账号只查看工单，不办理：工单由承办单位办理；发给本单位的告警在工作台确认' '$WEB_DIR/body' &&
           ! grep -q '当前状态（' '$WEB_DIR/body'"
web_get "$WEB_DIR/huawu.jar" "/work/order?t=$a" >/dev/null
check "the clerk's likewise" sh -c "grep -q '话务员的账号只查看工单，不办理：工单由承办单位办理。' '$WEB_DIR/body' &&
                                     ! grep -q '当前状态（' '$WEB_DIR/body'"

# ---- one order, and the same by another street office's URL ----
check_eq "中韩 opens its order" 200 "$(web_get "$zj" "/work/order?t=$a")"
check "… the routing decision with its reasons" sh -c "grep -q '派单决定与理由' '$WEB_DIR/body' && grep -q '中韩街道' '$WEB_DIR/body'"
check "… and the actions: accept" grep -q 'name="action" value="accept"' "$WEB_DIR/body"
check "… its deadlines in working time, its status, role and events named in Chinese, no code shown" \
    sh -c "grep -q '<h2>办理时限</h2>' '$WEB_DIR/body' && grep -q '剩余 ' '$WEB_DIR/body' && grep -q '\">主办</td>' '$WEB_DIR/body' &&
           grep -q '\">受理</td>' '$WEB_DIR/body' && grep -q '\">派单</td>' '$WEB_DIR/body' &&
           ! grep -qE '<t[dh][^>]*>(dispatched|owner|routed|imported|accept|resolve|street)</t[dh]>' '$WEB_DIR/body'"
check "… a field the order has nothing in (联系电话, filed without one) said as —, none left blank" \
    sh -c "grep -q '<dt>联系电话</dt><dd>—</dd>' '$WEB_DIR/body' && ! grep -q '<dd></dd>\|<td[^>]*></td>' '$WEB_DIR/body'"
check_eq "沙子口 cannot open it by URL: 404" 404 "$(web_get "$sj" "/work/order?t=$a")"
check "… nothing of it shown" sh -c "! grep -q '海尔路178号' '$WEB_DIR/body'"
check "… the page says what to check, and that an order not its own reads the same" \
    grep -q "请核对工单号是否完整；不归您查看的工单（如已转交其他单位的）也这样回答" "$WEB_DIR/body"
csrf=$(web_csrf "$sj" /work)
check_eq "沙子口 posting an accept of it: refused" 409 \
    "$(curl -s -b "$sj" -o "$WEB_DIR/forged.html" -w '%{http_code}' -F "csrf=$csrf" -F "t=$a" -F action=accept "$WEB_BASE/work/act")"
check_eq "… and nothing moved" dispatched "$(status_of "$a")"
csrf=$(web_csrf "$zj" /work)
check_eq "an action without what to do: 400" 400 \
    "$(curl -s -b "$zj" -o "$WEB_DIR/incomplete.html" -w '%{http_code}' -F "csrf=$csrf" -F "t=$a" "$WEB_BASE/work/act")"
check "… a page saying what is missing and where to go" \
    sh -c "grep -q '<title>无法显示' '$WEB_DIR/incomplete.html' && grep -q '缺少工单号或操作' '$WEB_DIR/incomplete.html'"
check_eq "an action without the CSRF token: 403" 403 \
    "$(curl -s -b "$zj" -o /dev/null -w '%{http_code}' -F "t=$a" -F action=accept "$WEB_BASE/work/act")"
check_eq "a note sent from a page opened before signing in again (its token stale): 403" 403 \
    "$(curl -s -b "$zj" -o "$WEB_DIR/stale.html" -w '%{http_code}' -F csrf=0123456789abcdef -F "t=$a" \
        -F action=progress -F reason=已联系物业上门查看 "$WEB_BASE/work/act")"
check "… the order page again, saying nothing was done, the note put back in its form to send once more" \
    sh -c "grep -q '这张表单是在您上次登录之前打开的，已经失效，这次没有办理' '$WEB_DIR/stale.html' &&
           grep 'value=\"progress\"' '$WEB_DIR/stale.html' | grep -q 'name=\"reason\" required value=\"已联系物业上门查看\"' &&
           grep 'value=\"progress\"' '$WEB_DIR/stale.html' | grep -q 'name=\"csrf\" value=\"$csrf\"'"
check_eq "… and nothing recorded" 0 \
    "$(sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
            WHERE c.ticket_no = '$a' AND e.event = 'progress'")"

# ---- accept, resolve with photos ----
# A repeat of $a at its place, merged into it (as escalation's sweep does), 中韩's too: it is
# accepted and resolved with $a (合并办理), and the page says so.
rep=$(file "崂山区中韩街道海尔路178号" "海尔路178号门口垃圾桶又满了")
wait_for "$rep routed" 30 routed "$rep"
sql "UPDATE complaints SET parent_id = (SELECT id FROM complaints WHERE ticket_no = '$a') WHERE ticket_no = '$rep'" >/dev/null
check_eq "中韩 accepts: 303 back to the order" 303 "$(web_act "$zj" "$a" accept)"
check_eq "… accepted" accepted "$(status_of "$a")"
web_landed "$zj"
check "… the page saying the repeat merged into it was accepted with it" \
    grep -q "已签收。与之合并的重复工单 $rep 随之签收。" "$WEB_DIR/landed.html"
check_eq "… which it was, as the person" "accepted zhong" \
    "$(sql "SELECT c.status || ' ' || e.actor FROM complaints c JOIN complaint_events e ON e.complaint_id = c.id
            WHERE c.ticket_no = '$rep' AND e.event = 'accepted'")"
check_eq "… recorded as the person, through the assignment service" "zhong" \
    "$(sql "SELECT e.actor FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$a' AND e.event = 'accepted'")"
# A repeat escalation's sweep merged after the order was signed for is 待签收 still.
merge_into() { sql "UPDATE complaints SET parent_id = (SELECT id FROM complaints WHERE ticket_no = '$1') WHERE ticket_no = '$2'" >/dev/null; }
late=$(file "崂山区中韩街道海尔路178号" "海尔路178号的垃圾桶还是满的")
wait_for "$late routed" 30 routed "$late"
merge_into "$a" "$late"
# Escalation stops an order's clocks when it is put on hold, and restarts them when it is resumed, in
# its sweep a second later: held still (esc_held, tests/web_lib.sh) between two of its transactions,
# the pages are read in that second, as a person reads them. esc_go lets it on.
list_left() {   # list_left JAR [QUERY]: ticket and 剩余时间 of each row of the jar's workbench list
    web_get "$1" "/work${2:+?$2}" >/dev/null
    sed -n 's/.*<td class="ticket"><a [^>]*>\([^<]*\)<.*<td class="n left[^"]*">\([^<]*\)<.*/\1 \2/p' "$WEB_DIR/body"
}
# Put on hold (暂缓办理), the order's clock stops and so do its repeat's: before, the repeat stayed
# 办理中, its deadline running to 催办, 督办 and 问责 while the unit waited, with a reason, on the one problem.
wait_for "escalation held still between its transactions" 10 esc_held
check_eq "中韩 puts it on hold with a reason: 303" 303 "$(web_act "$zj" "$a" wait -F reason=等待环卫公司调配车辆)"
web_landed "$zj"
# Its list, and a dispatcher's search, read at once: they said its clock ran (剩余 …) until escalation
# stopped it, reading deadlines.paused_at alone, while the order's page said 暂停计时.
check_eq "… 中韩's list saying its clock stopped at once, as the order page does" "$a 已暂停计时" \
    "$(list_left "$zj" | grep "^$a ")"
check_eq "… and so a dispatcher's search for it" "$a 已暂停计时" "$(list_left "$dj" "t=$a")"
check_eq "… (read before escalation stopped its clock)" 0 \
    "$(sql "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
            WHERE c.ticket_no = '$a' AND d.paused_at IS NOT NULL")"
check "… the page saying the repeats merged into it wait with it" \
    grep -q "已暂缓办理。与之合并的重复工单 $rep、$late 随之暂缓办理。" "$WEB_DIR/landed.html"
# The page it lands on shows the order's clock stopped, not running until escalation stops it (about a
# second later): the page reads that from the order's status.
check "… its 办结时限 paused from the hold on, at once" grep -q '<td[^>]*>[0-9-]* [0-9:]* 起暂停计时，剩余 [^<]*</td>' "$WEB_DIR/landed.html"
# Before, the one merged late stayed 待签收, its clocks running on to 催办 and 督办 while the unit waited.
events_of() { sql "SELECT string_agg(e.actor || ':' || e.event, ' ' ORDER BY e.id) FROM complaint_events e
                   JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$1' AND e.event IN ('accepted', 'waiting')"; }
check_eq "… the one merged after the order was signed for signed for first, then on hold, both as the person" \
    "waiting zhong:accepted zhong:waiting" "$(status_of "$late") $(events_of "$late")"
check_eq "… its signing saying why" "与工单 $a 合并办理，随之签收" \
    "$(sql "SELECT e.detail->>'reason' FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
            WHERE c.ticket_no = '$late' AND e.event = 'accepted'")"
check_eq "… which it does, as the person, saying why" "waiting zhong 与工单 $a 合并办理，随之暂缓办理：等待环卫公司调配车辆" \
    "$(sql "SELECT c.status || ' ' || e.actor || ' ' || (e.detail->>'reason') FROM complaints c
            JOIN complaint_events e ON e.complaint_id = c.id WHERE c.ticket_no = '$rep' AND e.event = 'waiting'")"
esc_go
check "… its resolve deadline paused, and the order's" wait_for "the resolve deadlines paused" 10 \
    sql_eq "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
            WHERE c.ticket_no IN ('$rep', '$a') AND d.kind = 'resolve' AND d.paused_at IS NOT NULL" 2
held=$(file "崂山区中韩街道海尔路178号" "海尔路178号垃圾桶满了好几天")
wait_for "$held routed" 30 routed "$held"
merge_into "$a" "$held"
wait_for "escalation held still between its transactions" 10 esc_held
check_eq "中韩 resumes it: 303" 303 "$(web_act "$zj" "$a" resume)"
web_landed "$zj"
# Read before escalation restarts the clock (paused_at still set), the list said 已暂停计时 a second on.
left=$(list_left "$zj" | grep "^$a ")
check_eq "… (read before escalation restarted its clock)" 1 \
    "$(sql "SELECT count(*) FROM deadlines d JOIN complaints c ON c.id = d.complaint_id
            WHERE c.ticket_no = '$a' AND d.kind = 'resolve' AND d.paused_at IS NOT NULL")"
esc_go
check "… its list saying its clock runs again at once, as the order page does: $left" \
    eval '[ "${left#"$a 剩余 "}" != "$left" ]'
check "… the repeats with it, one merged while it waited too" \
    grep -q "已恢复办理。与之合并的重复工单 $rep、$late、$held 随之恢复办理。" "$WEB_DIR/landed.html"
check "… its 办结时限 running again at once, not paused until escalation resumes it" \
    sh -c "grep -q '<td[^>]*>剩余 [^<]*</td>' '$WEB_DIR/landed.html' && ! grep -q '起暂停计时' '$WEB_DIR/landed.html'"
check_eq "… all 办理中 again, the one merged while it waited signed for by the person" \
    "accepted accepted accepted accepted zhong:accepted" \
    "$(status_of "$a") $(status_of "$rep") $(status_of "$late") $(status_of "$held") $(events_of "$held")"
python3 "$REPO/tests/tools/make_png.py" "$WEB_DIR/before.png" 160 60 40
python3 "$REPO/tests/tools/make_png.py" "$WEB_DIR/after.png" 40 160 60
printf 'not an image at all' >"$WEB_DIR/fake.jpg"
check_eq "a 'photo' that is not an image: 400" 400 \
    "$(web_act "$zj" "$a" resolve -F reason=已清运 -F "photo_before=@$WEB_DIR/fake.jpg;type=image/jpeg")"
check "… saying so" grep -q '不是 JPEG 或 PNG 图片' "$WEB_DIR/act.html"
check_eq "… and the order is not resolved" accepted "$(status_of "$a")"
{ printf '\211PNG\r\n\032\n'; head -c 5000 /dev/urandom; } >"$WEB_DIR/huge.png"
check_eq "a photo over web.photo_max_bytes: 400" 400 \
    "$(web_act "$zj" "$a" resolve -F reason=已清运 -F "photo_after=@$WEB_DIR/huge.png")"
check "… saying how large it is, the limit, and to make it smaller" \
    grep -q '整改后照片“huge.png”有 5 KB，超过每张 4 KB 的上限：请压缩后重新选择照片再办结（办结说明已保留）' "$WEB_DIR/act.html"
check "… the note typed kept in the resolve form, and only there" \
    sh -c "grep 'value=\"resolve\"' '$WEB_DIR/act.html' | grep -q 'name=\"reason\" value=\"已清运\"' &&
           [ \$(grep -c 'value=\"已清运\"' '$WEB_DIR/act.html') = 1 ]"
# More photos than one resolve may carry (assignment.photo_max_count, 9), sent over the bus as any
# client may: the assignment service itself refuses the resolve, saying the limit and what to do.
"$JIESU_BIN/../tools/bus_call" "$(user_key u-370212001 handler 370212001)" assignment action.request \
    "ticket_no=$a" action=resolve reason=已清运 photos=10 >"$WEB_DIR/ten-photos.out" 2>&1
check "a resolve with 10 photos over the bus is refused by the assignment service, saying the limit and what to do" \
    grep -q '^error: 一次办结最多附 9 张照片，这次附了 10 张，没有办结：请只留下最能说明整改前后情况的 9 张（去掉 1 张）再办结' \
    "$WEB_DIR/ten-photos.out"
check_eq "… the order unchanged, no photo and no event kept" "accepted 0 0" \
    "$(status_of "$a") $(sql "SELECT (SELECT count(*) FROM photos WHERE complaint_id = c.id),
                                     (SELECT count(*) FROM complaint_events WHERE complaint_id = c.id AND event = 'resolved')
                              FROM complaints c WHERE c.ticket_no = '$a'" | tr '|' ' ')"
check_eq "中韩 resolves with photos before and after: 303" 303 \
    "$(web_act "$zj" "$a" resolve -F "reason=垃圾已清运，垃圾桶已更换" -F "photo_before=@$WEB_DIR/before.png" \
        -F "photo_after=@$WEB_DIR/after.png")"
check_eq "… resolved" resolved "$(status_of "$a")"
check_eq "… and the repeats merged into it with it" "resolved resolved resolved" \
    "$(status_of "$rep") $(status_of "$late") $(status_of "$held")"
check_eq "… both photos stored with their SHA-256, by the person" \
    "after $(sha256sum "$WEB_DIR/after.png" | cut -c1-64) zhong|before $(sha256sum "$WEB_DIR/before.png" | cut -c1-64) zhong" \
    "$(sql "SELECT string_agg(p.kind || ' ' || p.sha256 || ' ' || p.uploaded_by, '|' ORDER BY p.kind) FROM photos p JOIN complaints c ON c.id = p.complaint_id WHERE c.ticket_no = '$a'")"
as_role dispatcher "$JIESU_BIN/jiesu" show "$a" >"$WEB_DIR/show.txt" 2>&1
check "jiesu show agrees: resolved, by 钟晓梅 (zhong's name), with the note" \
    sh -c "grep -q '已办结待回访' '$WEB_DIR/show.txt' && grep -q '钟晓梅' '$WEB_DIR/show.txt' && grep -q '垃圾已清运' '$WEB_DIR/show.txt'"
check "… and that it came through Open311" grep -q '来源 *Open311 接口' "$WEB_DIR/show.txt"
# It listed no photo: whoever reads the order there could not tell it had any.
check "… and its photos, as the page captions them, with their file names and sizes, and where to see them" \
    sh -c "grep -q '^整改前后照片（照片本身请在工作台打开这个工单查看）' '$WEB_DIR/show.txt' &&
           grep -qE '^整改后 +1 +after\.png +[0-9]+ KB +$(sha256sum "$WEB_DIR/after.png" | cut -c1-12)… +钟晓梅 +20[0-9-]+ [0-9:]+ *$' '$WEB_DIR/show.txt' &&
           grep -qE '^整改前 +1 +before\.png +[0-9]+ KB +$(sha256sum "$WEB_DIR/before.png" | cut -c1-12)… +钟晓梅 ' '$WEB_DIR/show.txt'"

# ---- the callback agent sees the photos and records the callback ----
as_unit 370212002 "$JIESU_BIN/jiesu" resolve "$b" 已清理 >/dev/null 2>&1     # called before $a's repeats, resolved after them
check_eq "the callback agent's list holds the resolved order" 200 "$(web_get "$cj" /work)"
check "… $a in it" grep -q "$a" "$WEB_DIR/body"
# Longest waiting for its callback first: it was in call order, $b (called before $a's repeats, resolved after
# them) before them, as if it had waited longer.
check_eq "… the orders longest waiting since they were resolved first, not in call order" \
    "$a $rep $late $held $b" "$(web_column 工单号 | xargs)"
check "… saying so: a resolved order has no deadline left to be overdue or count down" \
    grep -q '按办结后等待回访的时间排列，等得最久的在前' "$WEB_DIR/body"
check "… with who resolved it and when, how long it has waited for its callback, not a deadline that reads — in every row" \
    eval "web_column_has 办结单位 中韩街道 &&
          web_column_has 办结时间 '20[0-9-]* [0-9:]*（已等 [^）]*）' && ! web_column 期限 >/dev/null 2>&1"
web_get "$cj" "/work/order?t=$a" >/dev/null
photo=$(sed -n 's/.*src="\/work\/photo?id=\([0-9]*\)" alt="整改后".*/\1/p' "$WEB_DIR/body" | head -1)
check "… the order shows both photos" test "$(grep -o 'src="/work/photo?id=[0-9]*"' "$WEB_DIR/body" | wc -l)" -eq 2
check "… as images only, not the list \`jiesu show\` gives as well" sh -c "! grep -q '照片本身请在工作台' '$WEB_DIR/body'"
check "… each by the name of who took it (钟晓梅), not the sign-in name" \
    test "$(grep -o '<figcaption>[^<]*钟晓梅 · ' "$WEB_DIR/body" | wc -l)" -eq 2
check "… each with its check code in words people read (校验码), not SHA-256" \
    sh -c "grep -q '<figcaption>整改后 · [^<]* · 校验码 $(sha256sum "$WEB_DIR/after.png" | cut -c1-12)…</figcaption>' '$WEB_DIR/body' &&
           ! grep -q 'SHA-256' '$WEB_DIR/body'"
# A display name that names its unit already anywhere in it (中韩街道 钟晓梅, as make run names
# its handlers 中韩街道 承办员) reads once in the history: it read 中韩街道 钟晓梅（中韩街道）.
sql "UPDATE principals SET display_name = '中韩街道 钟晓梅' WHERE name = 'zhong'" >/dev/null
web_get "$cj" "/work/order?t=$a" >/dev/null
check "… a display name that names the unit already (中韩街道 钟晓梅) is not followed by it again in the history" \
    sh -c "grep -q '>中韩街道 钟晓梅<' '$WEB_DIR/body' && ! grep -q '中韩街道 钟晓梅（中韩街道）' '$WEB_DIR/body'"
sql "UPDATE principals SET display_name = '钟晓梅' WHERE name = 'zhong'" >/dev/null
curl -s -b "$cj" -o "$WEB_DIR/got.png" -D "$WEB_DIR/photo.headers" "$WEB_BASE/work/photo?id=$photo"
check "… served as the same bytes, as image/png" \
    sh -c "cmp -s '$WEB_DIR/got.png' '$WEB_DIR/after.png' && grep -qi '^Content-Type: image/png' '$WEB_DIR/photo.headers'"
check_eq "沙子口 cannot fetch the photo" 404 "$(curl -s -b "$sj" -o "$WEB_DIR/nophoto.html" -w '%{http_code}' "$WEB_BASE/work/photo?id=$photo")"
check "… a page in Chinese with the way back, not a bare line" \
    sh -c "grep -q '<html lang=\"zh-CN\">' '$WEB_DIR/nophoto.html' && grep -q '没有您可以查看的这张照片' '$WEB_DIR/nophoto.html' &&
           grep -q '回到工作台' '$WEB_DIR/nophoto.html'"
check_eq "a photo number past bigint is no photo (404), not a failure of ours" 404 \
    "$(curl -s -b "$cj" -o /dev/null -w '%{http_code}' "$WEB_BASE/work/photo?id=99999999999999999999999")"
check_eq "a made-up link to an order the person does not read, with a done= of an action: 404" 404 \
    "$(web_get "$cj" "/work/order?t=NO-SUCH-1&done=accept")"
check "… no word of the action done above 没有这个工单" \
    sh -c "grep -q '没有您可以查看的工单 NO-SUCH-1' '$WEB_DIR/body' && ! grep -q '已签收\|msg ok' '$WEB_DIR/body'"
check_eq "the order page without a ticket: 400, saying how to find one" 400 "$(web_get "$cj" /work/order)"
check "… not “no order ”" sh -c "grep -q '要看哪件工单' '$WEB_DIR/body' && ! grep -q '没有您可以查看的工单' '$WEB_DIR/body'"
long=$(printf '居民不满意%.0s' $(seq 101))
check_eq "a callback refused (a note over 500 characters): 409" 409 \
    "$(web_act "$cj" "$a" callback -F result=unsatisfied -F "reason=$long")"
check "… saying how long the 回访记录 is, the limit, and to shorten it" \
    grep -q "未能办理：回访记录有 505 个字，最多 500 个：请删减到 500 个字以内" "$WEB_DIR/act.html"
check "… the page keeps 不满意 chosen, not the default 满意, and the note as typed" \
    sh -c "grep 'value=\"callback\"' '$WEB_DIR/act.html' | grep -q 'value=\"unsatisfied\" selected' &&
           grep -q 'name=\"reason\" value=\"$long\"' '$WEB_DIR/act.html'"
check_eq "… and the order is still waiting for its callback" resolved "$(status_of "$a")"
# A caller not reached (未接通): before, the agent could record only 满意, 基本满意 or 不满意, so an order
# whose caller did not answer was either judged unheard or left with nothing to show it was tried.
check_eq "the callback agent records a caller not reached (未接通): 303" 303 \
    "$(web_act "$cj" "$a" callback -F result=unreached -F reason=无人接听)"
web_landed "$cj"
check "… the page says so, and that the order waits to be called again" \
    grep -q '未接通已记录，工单仍在待回访工单里，请稍后再打。' "$WEB_DIR/landed.html"
as_role callback "$JIESU_BIN/jiesu" callback "$a" 未接通 关机 >"$WEB_DIR/unreached.out" 2>&1
check "… and again at the terminal (jiesu callback T 未接通)" \
    grep -q "^callback $a：已办结待回访（未接通已记录，工单仍在待回访工单里，请稍后再打）" "$WEB_DIR/unreached.out"
check_eq "… still awaiting its callback, each attempt recorded as its person's and its unit's, judging nothing" \
    "resolved huifang:无人接听:370212001: test-callback:关机:370212001:" \
    "$(status_of "$a") $(sql "SELECT string_agg(e.actor || ':' || (e.detail->>'reason') || ':' || (e.detail->>'unit') || ':'
                                              || coalesce(e.detail->>'satisfied', ''), ' ' ORDER BY e.id)
                             FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
                            WHERE c.ticket_no = '$a' AND e.event IN ('callback', 'callback_unreached')")"
web_get "$cj" /work >/dev/null
check "… the list keeps it, saying how often and when the caller was last tried" \
    eval "web_column 状态 | grep -q '^已办结待回访（未接通 2 次，最近一次 20[0-9-]* [0-9:]*）$'"
web_get "$cj" "/work/order?t=$a" >/dev/null
check "… its history names each attempt in words, with what the agent wrote" \
    sh -c "[ \$(grep -o '\"事件\">回访未接通<' '$WEB_DIR/body' | wc -l) = 2 ] && grep -q '\"说明\">无人接听<' '$WEB_DIR/body' &&
           ! grep -q 'callback_unreached' '$WEB_DIR/body'"
check "… the form offering 未接通 beside the verdicts" grep -q '<option value="unreached">未接通（稍后再打）</option>' "$WEB_DIR/body"
# 满意 was chosen in the form before anything was heard: a slip closed the order as satisfied, counted for the unit.
check "… no result chosen before the agent chooses one (请选择, which the browser will not send)" \
    sh -c "grep -q '<select name=\"result\" required><option value=\"\" selected>请选择</option>' '$WEB_DIR/body' &&
           ! grep 'name=\"result\"' '$WEB_DIR/body' | grep -q 'value=\"[a-z][a-z]*\" selected'"
check_eq "a callback sent without a result (a hand-made form): 409" 409 "$(web_act "$cj" "$a" callback -F reason=居民满意)"
check "… saying to choose one, in words, no code" \
    sh -c "grep -q '没有选择回访结果：请选 满意、基本满意、不满意 或 未接通 再提交' '$WEB_DIR/act.html' &&
           ! grep -q 'satisfied（' '$WEB_DIR/act.html'"
check_eq "… nothing recorded" resolved "$(status_of "$a")"
check_eq "the callback agent records 满意: 303" 303 "$(web_act "$cj" "$a" callback -F result=satisfied -F reason=居民满意)"
check_eq "… the order is closed" closed "$(status_of "$a")"
check_eq "the callback agent records 不满意 on 沙子口's resolved order: 303" 303 \
    "$(web_act "$cj" "$b" callback -F result=unsatisfied -F reason=垃圾又堆起来了)"
web_landed "$cj"
check "… the page says the order goes back to be handled, not only 回访已记录" \
    grep -q '不满意已记录，工单重新办理、重新派单。' "$WEB_DIR/landed.html"
wait_for "$b routed again" 30 sql_eq "SELECT status || cycle FROM complaints WHERE ticket_no = '$b'" dispatched2

# ---- conduct complaints: discipline inspection alone ----
check_eq "discipline inspection opens the conduct complaint" 200 "$(web_get "$jj" "/work/order?t=$conduct")"
web_get "$jj" /work >/dev/null
check "… it is on its list" grep -q "$conduct" "$WEB_DIR/body"
check_eq "the street office it accuses cannot: 404" 404 "$(web_get "$zj" "/work/order?t=$conduct")"
check_eq "nor the dispatcher" 404 "$(web_get "$dj" "/work/order?t=$conduct")"
check_eq "discipline inspection accepts it and resolves it: 303, 303" "303 303" \
    "$(web_act "$jj" "$conduct" accept) $(web_act "$jj" "$conduct" resolve -F reason=已查实，已批评教育)"
check_eq "… which no callback agent may read: 404" 404 "$(web_get "$cj" "/work/order?t=$conduct")"
web_get "$jj" /work >/dev/null
check "… so discipline inspection's list keeps it, awaiting its callback (it left the list once resolved)" \
    sh -c "grep -q '$conduct' '$WEB_DIR/body' && grep -q '已办结待回访' '$WEB_DIR/body'"
web_get "$jj" "/work/order?t=$conduct" >/dev/null
check "… so its page offers discipline inspection the callback, where it said nothing could be done" \
    sh -c "grep -q 'value=\"callback\"' '$WEB_DIR/body' && ! grep -q '无可办理的操作' '$WEB_DIR/body'"
check_eq "discipline inspection records 满意: 303" 303 "$(web_act "$jj" "$conduct" callback -F result=satisfied -F reason=举报人满意)"
check_eq "… the conduct complaint is closed, the callback recorded as the inspector's for its unit" \
    "closed jiwei 370212.discipline" \
    "$(status_of "$conduct") $(sql "SELECT e.actor || ' ' || (e.detail->>'unit') FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
                                   WHERE c.ticket_no = '$conduct' AND e.event = 'callback'")"
check_eq "discipline inspection opens a street office's order of its district" 200 "$(web_get "$jj" "/work/order?t=$b")"
check "… told it does not handle it and where its alerts are acknowledged, not that it co-handles it" \
    sh -c "grep -q '此单不由本单位承办：可查看，由承办单位办理；发给本单位的告警在工作台确认（' '$WEB_DIR/body' &&
           grep -q 'href=\"/work?t=$b\">本单位关于这个工单的告警</a>）。' '$WEB_DIR/body' && ! grep -q '本单位协办此单' '$WEB_DIR/body'"
total_of() { web_get "$1" "/work?t=$2" >/dev/null; sed -n 's/.*class="total">\([0-9]*\)<.*/\1/p' "$WEB_DIR/body"; }
check_eq "… and finds it by its ticket on the workbench, where it was told there was no order it may read" 1 \
    "$(total_of "$jj" "$b")"
check_eq "a campaign office's search finds no conduct complaint still" 0 "$(total_of "$WEB_DIR/chuangcheng.jar" "$conduct")"
check_eq "… nor a street office's the order of another street" 0 "$(total_of "$zj" "$b")"

# ---- the dispatcher's manual queue ----
check_eq "the dispatcher's queue" 200 "$(web_get "$dj" /work)"
check "… holds the order routing could not place, with routing's reasons" grep -q "$lost" "$WEB_DIR/body"
check "… routing's reasons under their own header, no deadline said as —" \
    eval "web_column_has 派单建议与原因 '.*没有找到地点.*' && web_column_has 期限 — && web_column_has 剩余时间 —"
check "… and what the caller said, to dispatch by" web_column_has 诉求内容 '有人乱扔垃圾'
check "… no cell of the queue left blank" sh -c "! grep -q '<td[^>]*></td>' '$WEB_DIR/body'"
check "… its first 40 characters, a phone number across the cut masked whole" \
    eval "web_column_has 诉求内容 '有人在小区.*回电138\*\*\*\*56…' && ! grep -q 1381234 '$WEB_DIR/body'"
queued=$(sql "SELECT count(*) FROM complaints WHERE status = 'manual'")
as_role dispatcher "$JIESU_BIN/jiesu" manual --limit 1 >"$WEB_DIR/manual.out" 2>&1
check "jiesu manual listing fewer than the $queued waiting says how many wait and how to list them all" \
    grep -q "^待人工派单  共 $queued 件，上面只列出排在最前的 1 件：jiesu manual --limit $queued 列出全部$" "$WEB_DIR/manual.out"
as_role dispatcher "$JIESU_BIN/jiesu" manual >"$WEB_DIR/manual.out" 2>&1
check "… and nothing of the kind when it lists them all" sh -c "grep -q '$lost' '$WEB_DIR/manual.out' && ! grep -q '只列出' '$WEB_DIR/manual.out'"

urgent=$(file "某处" "路口的井盖丢了，有人掉进去")
wait_for "$urgent routed" 30 routed "$urgent"
sql "UPDATE complaints SET urgency = '特急' WHERE ticket_no = '$urgent'" >/dev/null     # as an import of the hotline's stores it
web_get "$dj" /work >/dev/null
check_eq "the 特急 order called last heads the queue, its urgency beside its status" "$urgent 待人工派单（特急）" \
    "$(web_column 工单号 | head -1) $(web_column 状态 | head -1)"
check "… the 一般 ones unmarked" sh -c "! grep -q '（一般）' '$WEB_DIR/body'"
as_role dispatcher "$JIESU_BIN/jiesu" manual --limit 1 >"$WEB_DIR/manual.out" 2>&1
check "jiesu manual lists it first too, saying 特急" grep -q "^$urgent  .* 特急 " "$WEB_DIR/manual.out"
# routing read a lost manhole cover as 垃圾清运 (the hotline's service code): the dispatcher corrects it
web_get "$dj" "/work/order?t=$urgent" >/dev/null
check "its page offers to correct routing's category, saying which it is" \
    grep -q '分类（派单建议的分类不对时改正）<input name="category" list="categories" placeholder="不改：垃圾清运"' "$WEB_DIR/body"
as_role dispatcher "$JIESU_BIN/jiesu" dispatch "$urgent" 370212003 --category 井盖丢失 >"$WEB_DIR/recat.out" 2>&1
check "jiesu dispatch --category naming no category: refused, saying what to write" \
    grep -q '没有名称或代码为“井盖丢失”的分类：请写分类的名称' "$WEB_DIR/recat.out"
check_eq "… nothing done" manual "$(status_of "$urgent")"
as_role dispatcher "$JIESU_BIN/jiesu" dispatch "$urgent" 370212003 --category >"$WEB_DIR/recat.out" 2>&1
check "jiesu dispatch --category with no category after it: refused saying so, not that dispatch takes no option" \
    grep -q '^jiesu: dispatch：--category 后面要写它的值' "$WEB_DIR/recat.out"
as_role dispatcher "$JIESU_BIN/jiesu" dispatch "$urgent" 370212003 --categroy 市政设施 >"$WEB_DIR/recat.out" 2>&1
check "… an option misspelt: refused naming dispatch's option" \
    grep -q '^jiesu: dispatch 没有 --categroy 选项；它的选项：--category' "$WEB_DIR/recat.out"
as_role dispatcher "$JIESU_BIN/jiesu" dispatch "$urgent" 370212003 --category 市政设施 --category 垃圾清运 \
    >"$WEB_DIR/recat.out" 2>&1
check "… two categories: refused, the first not silently dropped" \
    grep -q '^jiesu: dispatch：--category 写了两次（“市政设施”和“垃圾清运”）' "$WEB_DIR/recat.out"
check_eq "… nothing done" manual "$(status_of "$urgent")"
check_eq "the page's dispatch with 分类 市政设施" 303 \
    "$(web_act "$dj" "$urgent" dispatch -F unit=370212003 -F holder=none -F category=市政设施)"
check_eq "… puts the order in it, its co-handler the category's department (not 环卫's)" "utility 370212.chengguan" \
    "$(sql "SELECT c.category || ' ' || u.code FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role = 'co' JOIN units u ON u.id = a.unit_id WHERE c.ticket_no = '$urgent'")"
web_landed "$dj"
check "… and its history says so, as the dispatcher's" \
    grep -q '>派给王哥庄街道，协办单位 崂山区城市管理局，分类由垃圾清运改为市政设施<' "$WEB_DIR/landed.html"
# What a dispatch did is said alike on the page and by jiesu dispatch (names_dispatch_said): the page
# said 已派单至王哥庄街道。 alone, the category changed and the co-handler unsaid.
check "… the page it lands on saying where it went, the co-handler, the category changed and that its deadlines start now" \
    grep -q '>已派单至王哥庄街道，协办单位 崂山区城市管理局，分类由垃圾清运改为市政设施，签收和办结时限按市政设施从现在起算。<' \
    "$WEB_DIR/landed.html"
web_user chengguan handler 370212.chengguan
web_signin "$WEB_DIR/chengguan.jar" chengguan >/dev/null
web_get "$WEB_DIR/chengguan.jar" "/work?t=$urgent" >/dev/null
check "the co-handler's list says the 签收 it cannot do is the lead unit's, not its own" \
    eval "web_column_has 状态 '待签收（协办）' && web_column_has 期限 '主办单位签收'"
# 市政设施 was wrong after all: the dispatcher corrects it, the order staying with 王哥庄街道
as_role dispatcher "$JIESU_BIN/jiesu" dispatch "$urgent" 370212003 --category 垃圾清运 >"$WEB_DIR/recat1.out" 2>&1
check "a recategorisation without a reason is refused, its clocks starting again being no silent matter" \
    grep -q "改为“垃圾清运”会让它的时限从现在重新起算，需要写明改分类原因" "$WEB_DIR/recat1.out"
as_role dispatcher "$JIESU_BIN/jiesu" dispatch "$urgent" 370212003 核实为垃圾清运 --category 垃圾清运 \
    >"$WEB_DIR/recat2.out" 2>&1
# It answered 已派单至王哥庄街道，…，分类改为垃圾清运, as if the order had been sent there anew.
check "a dispatch to the unit holding it with a category: recategorised, not 未作改动, said so, the co-handler following" \
    grep -q "^dispatch $urgent：待签收（分类由市政设施改为垃圾清运，仍由王哥庄街道承办，须重新签收，协办单位 [^，]*，崂山区城市管理局不再协办，签收和办结时限按垃圾清运从现在重新起算）$" \
    "$WEB_DIR/recat2.out"
check_eq "… the order in 垃圾清运 at 王哥庄街道, 城管 no longer co-handling it, its deadlines from the dispatch" "env.garbage 370212003 false 2" \
    "$(sql "SELECT c.category || ' ' || (SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id
                                          WHERE a.complaint_id = c.id AND a.active AND a.role = 'owner') || ' ' ||
                   EXISTS (SELECT 1 FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.complaint_id = c.id
                            AND a.active AND u.code = '370212.chengguan') || ' ' ||
                   (SELECT count(*) FROM deadlines d WHERE d.complaint_id = c.id AND d.started_at =
                     (SELECT max(e.at) FROM complaint_events e WHERE e.complaint_id = c.id AND e.actor <> 'assignment'))
              FROM complaints c WHERE c.ticket_no = '$urgent'")"
as_role dispatcher "$JIESU_BIN/jiesu" show "$urgent" >"$WEB_DIR/recat2-show.out" 2>&1
# Its own event, 调整分类, with the categories and the reason: it was recorded as a 改派 (reassigned), from no
# unit to the one that held it, its history reading 派给王哥庄街道 as if the order had been dispatched again.
check "… recorded as the dispatcher's 调整分类: its history says the category changed, the co-handler following, and why" \
    grep -qE "调整分类 +分类由市政设施改为垃圾清运，协办单位 [^，]*，崂山区城市管理局不再协办 核实为垃圾清运" \
    "$WEB_DIR/recat2-show.out"
check_eq "… its event saying the categories from and to and the reason, no 派单 (routed) nor 改派 (reassigned)" \
    "recategorised utility env.garbage 核实为垃圾清运" \
    "$(sql "SELECT string_agg(e.event || ' ' || (e.detail->>'category_from') || ' ' || (e.detail->>'category') || ' '
                              || (e.detail->>'reason'), '|')
              FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
             WHERE c.ticket_no = '$urgent' AND e.detail->>'category' = 'env.garbage'")"
as_role dispatcher "$JIESU_BIN/jiesu" dispatch "$urgent" 370212003 --category 垃圾清运 >"$WEB_DIR/recat3.out" 2>&1
check "… the same sent again: nothing done, said so" grep -q "已在王哥庄街道，未作改动" "$WEB_DIR/recat3.out"
check_eq "the page's recategorisation, back to 市政设施, with its reason" 303 \
    "$(web_act "$dj" "$urgent" dispatch -F unit=370212003 -F holder=370212003 -F category=市政设施 -F reason=确是井盖)"
web_landed "$dj"
check "… says what jiesu dispatch says: the category changed, the unit the same, its deadlines from now again (not 已派单至)" \
    grep -q '>分类由垃圾清运改为市政设施，仍由王哥庄街道承办，须重新签收，协办单位 崂山区城市管理局，[^<]*不再协办，签收和办结时限按市政设施从现在重新起算。<' \
    "$WEB_DIR/landed.html"
check_eq "the dispatcher gives it to 王哥庄街道" 303 "$(web_act "$dj" "$lost" dispatch -F unit=370212003 -F reason=核实地址后派发)"
check_eq "… dispatched, by the dispatcher" "dispatched paidan" \
    "$(status_of "$lost") $(sql "SELECT e.actor FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$lost' AND e.event = 'routed' ORDER BY e.id DESC LIMIT 1")"
web_landed "$dj"
check "… the page it is sent back to says where it went, the co-handler, and that its deadlines start now" \
    grep -q '>已派单至王哥庄街道，协办单位 [^，<]*，签收和办结时限从现在起算。<' "$WEB_DIR/landed.html"
check_eq "the dispatcher opens it, now with 王哥庄街道" 200 "$(web_get "$dj" "/work/order?t=$lost")"
check "… the discipline inspection of no district told from the district's own in the list of units" \
    sh -c "grep -q '>区纪委监委（区县不明的工单）</option>' '$WEB_DIR/body' && grep -q '>崂山区纪委监委</option>' '$WEB_DIR/body'"
check "… and is offered to reassign it (改派), the unit holding it marked, a reason required" \
    sh -c "grep -q '（现承办）' '$WEB_DIR/body' && grep -q '改派原因<input name=\"reason\" required>' '$WEB_DIR/body'"
web_act "$dj" "$lost" dispatch -F unit=370212004 >/dev/null
check "a reassignment without a reason is refused, naming the field as the form does" \
    grep -q "未能办理：工单 $lost 在王哥庄街道（待签收）：改派给北宅街道需要写明改派原因" "$WEB_DIR/act.html"
check_eq "… and the order stays" "370212003" \
    "$(sql "SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = '$lost' AND a.active AND a.role = 'owner'")"
check_eq "with a reason it is reassigned to 北宅街道" 303 "$(web_act "$dj" "$lost" dispatch -F unit=370212004 -F reason=实为北宅辖区)"
web_landed "$dj"
check "… the page it is sent back to says it was reassigned, and to whom (not just 已派单)" \
    grep -q '>已从王哥庄街道改派给北宅街道，协办单位 [^，<]*，签收和办结时限从现在重新起算。<' "$WEB_DIR/landed.html"
check "… its history says where each dispatch sent it, not 派单 — and 改派 with the co-handler it keeps and the reason" \
    sh -c "grep -q '>派给王哥庄街道，协办单位 [^<]* 核实地址后派发<' '$WEB_DIR/landed.html' &&
           grep -q '>从王哥庄街道改派给北宅街道，协办单位 [^<，]* 实为北宅辖区<' '$WEB_DIR/landed.html'"
check "… and where routing sent an order, with its co-handler" \
    eval "web_get '$dj' '/work/order?t=$a' >/dev/null && grep -q '>派给中韩街道，协办单位 [^<]*<' '$WEB_DIR/body'"
check_eq "… recorded as the dispatcher's, with the reason" "370212004 paidan 实为北宅辖区" \
    "$(sql "SELECT (SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.complaint_id = c.id AND a.active AND a.role = 'owner') || ' ' || e.actor || ' ' || (e.detail->>'reason') FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$lost' AND e.event = 'reassigned'")"
check_eq "a handler cannot dispatch: refused 403" 403 "$(web_act "$zj" "$alarm" dispatch -F unit=370212002)"

# ---- two dispatchers at once: the second's 派单 from a page opened before the first's is no 改派 ----
web_user paidan2 dispatcher "" 派单员小周
d2=$WEB_DIR/paidan2.jar
web_signin "$d2" paidan2 >/dev/null
both=$(file "某处" "路边有人乱倒建筑垃圾")
wait_for "$both routed" 30 routed "$both"
web_get "$d2" "/work/order?t=$both" >/dev/null
shown=$(sed -n 's/.*name="holder" value="\([^"]*\)".*/\1/p' "$WEB_DIR/body")
check_eq "the second dispatcher's page, opened while the order waits, shows no unit holding it" none "$shown"
check_eq "the first dispatcher gives it to 王哥庄街道" 303 "$(web_act "$dj" "$both" dispatch -F unit=370212003 -F reason=来电人说在王哥庄)"
check_eq "the second, from that page, sends it to 北宅街道 with a 派单说明: refused" 409 \
    "$(web_act "$d2" "$both" dispatch -F unit=370212004 -F holder="$shown" -F reason=应是北宅)"
check "… saying who holds it now and what to do" \
    grep -q "工单 $both 在您打开页面之后已由别人派给王哥庄街道（待签收），这次没有派单：请刷新工单页面看清现在的情况；仍要改派给北宅街道，请在“改派”里写明改派原因再提交" "$WEB_DIR/act.html"
check_eq "… the first's dispatch stands, no 改派 recorded" "370212003 0" \
    "$(sql "SELECT (SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.complaint_id = c.id AND a.active AND a.role = 'owner') || ' ' || (SELECT count(*) FROM complaint_events e WHERE e.complaint_id = c.id AND e.event = 'reassigned') FROM complaints c WHERE c.ticket_no = '$both'")"
web_act "$dj" "$both" dispatch -F unit=370212003 -F holder=none -F reason=来电人说在王哥庄 >/dev/null
check "the first's form sent twice: nothing done, said so" grep -qi '^location: .*done=kept' "$WEB_DIR/act.headers"
check_eq "the second, the page seen again, reassigns it with a reason" 303 \
    "$(web_act "$d2" "$both" dispatch -F unit=370212004 -F holder=370212003 -F reason=应是北宅)"

# A dispatch that takes the order out of the dispatcher's sight lands on the workbench saying where it
# went, as jiesu dispatch says it: it said 已派单 alone.
conduct2=$(file "某处" "办事窗口的工作人员刁难群众，要求送礼才办")
wait_for "$conduct2 routed" 30 routed "$conduct2"
check_eq "the dispatcher gives an order of the queue to discipline inspection: 303" 303 \
    "$(web_act "$dj" "$conduct2" dispatch -F unit=370212.discipline -F holder=none -F reason=反映的是工作人员作风问题)"
web_landed "$dj"
check "… the workbench it lands on says where it went and that its deadlines start now, then why it is not listed" \
    grep -q "工单 $conduct2：已派单至崂山区纪委监委，签收和办结时限从现在起算。它已不归您查看，所以不在下面的列表里了。" \
    "$WEB_DIR/landed.html"

# ---- "on behalf" from any key but the web tier's: refused ----
token=$(awk '$6 == "jiesu_session" {print $7}' "$zj")
sha_key=$(user_key u-370212002 handler 370212002)
JIESU_CLI_ON_BEHALF=$token JIESU_CLI_KEY_FILE=$sha_key "$JIESU_BIN/jiesu" progress "$alarm" 冒充 >"$WEB_DIR/forged1.out" 2>&1
check_eq "沙子口's own key sending 中韩's session to act for them: refused" 1 \
    "$(grep -c 'u-370212002 不能代别人操作' "$WEB_DIR/forged1.out")"
JIESU_CLI_ON_BEHALF=$token JIESU_CLI_KEY_FILE=$JIESU_KEYS_DIR/intake.key "$JIESU_BIN/jiesu" progress "$alarm" 冒充 \
    >"$WEB_DIR/forged2.out" 2>&1
check_eq "… another service's key (intake, not in auth.delegates): refused" 1 \
    "$(grep -c 'intake 不能代别人操作' "$WEB_DIR/forged2.out")"
JIESU_CLI_ON_BEHALF=jsk_made_up JIESU_CLI_KEY_FILE=$JIESU_KEYS_DIR/reporting.key "$JIESU_BIN/jiesu" progress "$alarm" 冒充 \
    >"$WEB_DIR/forged3.out" 2>&1
check_eq "… the web tier's key with a made-up session: refused" 1 "$(grep -c '登录已失效' "$WEB_DIR/forged3.out")"
check_eq "… none of them recorded a thing" 0 \
    "$(sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$alarm' AND e.event = 'progress'")"
JIESU_CLI_ON_BEHALF=$token JIESU_CLI_KEY_FILE=$JIESU_KEYS_DIR/reporting.key "$JIESU_BIN/jiesu" progress "$alarm" 已派人核实 \
    >"$WEB_DIR/delegated.out" 2>&1
check_eq "the web tier's key with 中韩's live session: done, recorded as zhong" zhong \
    "$(sql "SELECT e.actor FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$alarm' AND e.event = 'progress'")"

# ---- an alert on the unit's page, acknowledged there ----
sql "UPDATE esc_clock SET offset_seconds = (SELECT extract(epoch FROM d.due_at - now())::int - 30 FROM deadlines d
     JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = '$alarm' AND d.kind = 'accept')" >/dev/null
wait_for "the remind alert of $alarm" 30 sql_eq "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = '$alarm' AND a.rung = 'remind'" 1
web_get "$zj" /work >/dev/null
check "中韩's page shows the alert (催办) with an ack button" \
    sh -c "grep -q '<b>催办</b>' '$WEB_DIR/body' && grep -q 'action=\"/work/ack\"' '$WEB_DIR/body'"
check "… its note field labelled, not named only by a placeholder that goes once typed in" \
    grep -q '<label>处理说明（可选）<input name="note"></label>' "$WEB_DIR/body"
alert=$(sql "SELECT a.id FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = '$alarm' AND a.rung = 'remind'")
csrf=$(web_csrf "$zj" /work)
long_note=$(printf '已通知物业%.0s' $(seq 101))
check_eq "an acknowledgement refused (a note over 500 characters): 409" 409 \
    "$(curl -s -b "$zj" -o "$WEB_DIR/ack.html" -w '%{http_code}' --data "csrf=$csrf&id=$alert&note=$long_note" "$WEB_BASE/work/ack")"
check "… the workbench again, saying why, the note as typed in that alert's form, and only there" \
    sh -c "grep -q '未能确认告警：处理说明有 505 个字，最多 500 个：请删减到 500 个字以内' '$WEB_DIR/ack.html' &&
           grep -q 'name=\"id\" value=\"$alert\"><label>处理说明（可选）<input name=\"note\" value=\"$long_note\">' '$WEB_DIR/ack.html' &&
           [ \$(grep -c '$long_note' '$WEB_DIR/ack.html') = 1 ]"
check_eq "an acknowledgement from a page opened before signing in again (its token stale): 403" 403 \
    "$(curl -s -b "$zj" -o "$WEB_DIR/ack.html" -w '%{http_code}' --data "csrf=0123456789abcdef&id=$alert&note=已安排人员" "$WEB_BASE/work/ack")"
check "… saying nothing was done, the note put back in its form" \
    sh -c "grep -q '这张表单是在您上次登录之前打开的，已经失效' '$WEB_DIR/ack.html' &&
           grep -q 'name=\"id\" value=\"$alert\"><label>处理说明（可选）<input name=\"note\" value=\"已安排人员\">' '$WEB_DIR/ack.html'"
check_eq "… neither acknowledged it" "" "$(sql "SELECT acked_by FROM alerts WHERE id = $alert")"
check_eq "中韩 acknowledges it: 303" 303 \
    "$(curl -s -b "$zj" -o /dev/null -w '%{http_code}' --data "csrf=$csrf&id=$alert&note=已安排" "$WEB_BASE/work/ack")"
check_eq "… acked by the person, through escalation" zhong "$(sql "SELECT acked_by FROM alerts WHERE id = $alert")"
web_get "$zj" "/work/order?t=$alarm" >/dev/null
check "… the order's alerts say who acknowledged it by name (钟晓梅 … 已确认)" grep -q '钟晓梅 [0-9-]* [0-9:]* 已确认' "$WEB_DIR/body"
check "… its history says which alert was acknowledged (催办 of the 签收 deadline, round 1) beside the note" \
    grep -q '催办（签收时限，第 1 轮）：已安排' "$WEB_DIR/body"
web_get "$sj" /work >/dev/null
check "沙子口's page never shows 中韩's order or its alert" sh -c "! grep -q '$alarm' '$WEB_DIR/body'"
# Past the deadline: the supervise alert goes to the district's campaign office, acknowledged on its page.
sql "UPDATE esc_clock SET offset_seconds = (SELECT extract(epoch FROM d.due_at - now())::int + 30 FROM deadlines d
     JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = '$alarm' AND d.kind = 'accept')" >/dev/null
wait_for "the supervise alert of $alarm" 30 sql_eq "SELECT count(*) FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = '$alarm' AND a.rung = 'supervise'" 1
alert=$(sql "SELECT a.id FROM alerts a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = '$alarm' AND a.rung = 'supervise'")
web_get "$WEB_DIR/chuangcheng.jar" /work >/dev/null
check "the campaign office's page shows it (督办)" sh -c "grep -q '<b>督办</b>' '$WEB_DIR/body' && grep -q 'name=\"id\" value=\"$alert\"' '$WEB_DIR/body'"
csrf=$(web_csrf "$zj" /work)
check_eq "中韩 cannot acknowledge the campaign office's alert: refused" 409 \
    "$(curl -s -b "$zj" -o "$WEB_DIR/ack.html" -w '%{http_code}' --data "csrf=$csrf&id=$alert" "$WEB_BASE/work/ack")"
check "… saying why in Chinese" grep -q "未能确认告警：没有发给中韩街道的第 $alert 号告警" "$WEB_DIR/ack.html"
check_eq "… still open" "" "$(sql "SELECT acked_by FROM alerts WHERE id = $alert")"
csrf=$(web_csrf "$WEB_DIR/chuangcheng.jar" /work)
curl -s -b "$WEB_DIR/chuangcheng.jar" -o /dev/null --data "csrf=$csrf&id=$alert" "$WEB_BASE/work/ack"
check_eq "… and it acknowledges it there" chuangcheng "$(sql "SELECT acked_by FROM alerts WHERE id = $alert")"
as_unit 370212001 "$JIESU_BIN/jiesu" show "$alarm" >"$WEB_DIR/show-acked.txt" 2>&1
check "… \`jiesu show\` says which, as the page does (督办, no note written)" \
    sh -c "grep -q '确认告警 *督办（签收时限，第 1 轮） *\$' '$WEB_DIR/show-acked.txt' &&
           grep -q '确认告警 *催办（签收时限，第 1 轮）：已安排' '$WEB_DIR/show-acked.txt'"
sql "UPDATE esc_clock SET offset_seconds = 0" >/dev/null
# More open alerts than the page lists (a week of unit overdue rates, say): the heading counts them all.
# One about an order, older than them, is acknowledged from the order: its page links to the
# workbench searched by its ticket, which lists that order's alerts (only the newest 50 were, and
# an older one could be acknowledged on the web only after every newer one).
older=$(sql "INSERT INTO alerts (complaint_id, rung, cycle, target, target_unit_id, reason, subject)
             SELECT c.id, 'supervise', 9, 'campaign', t.id, '督办：测试（较早的一条）', 'older'
               FROM complaints c, units t WHERE c.ticket_no = '$alarm' AND t.code = '370212.campaign' RETURNING id")
open_before=$(sql "SELECT count(*) FROM alerts WHERE acked_at IS NULL AND target_unit_id = (SELECT id FROM units WHERE code = '370212.campaign')")
sql "INSERT INTO alerts (rung, cycle, unit_id, target, target_unit_id, reason, subject)
     SELECT 'repeat', 1, NULL, 'campaign', t.id, '重复诉求：测试', 'many-' || i
       FROM units t, generate_series(1, 60) i WHERE t.code = '370212.campaign'" >/dev/null
web_get "$WEB_DIR/chuangcheng.jar" /work >/dev/null
check "the campaign office's page counts its $((open_before + 60)) open alerts, lists the newest 50 and says where the rest are" \
    sh -c "grep -q '本单位待确认告警（$((open_before + 60))）' '$WEB_DIR/body' &&
           grep -q '这里列出最新的 50 条；全部见 jiesu alerts --limit $((open_before + 60))' '$WEB_DIR/body'"
check "… not the older alert about $alarm among them" fails grep -q "name=\"id\" value=\"$older\"" "$WEB_DIR/body"
web_get "$WEB_DIR/chuangcheng.jar" "/work/order?t=$alarm" >/dev/null
check "… whose page links to the workbench searched by its ticket" \
    grep -q "发给本单位的告警在工作台确认（<a href=\"/work?t=$alarm\">本单位关于这个工单的告警</a>）" "$WEB_DIR/body"
web_get "$WEB_DIR/chuangcheng.jar" "/work?t=$alarm" >/dev/null
check "… which lists that order's open alerts, the older one with its form (it listed the newest 50 of all)" \
    sh -c "grep -q '本单位关于工单 $alarm 的待确认告警（1）' '$WEB_DIR/body' && grep -q 'name=\"id\" value=\"$older\"' '$WEB_DIR/body'"
csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WEB_DIR/body" | head -1)
curl -s -b "$WEB_DIR/chuangcheng.jar" -o /dev/null -D "$WEB_DIR/ack.headers" \
    --data-urlencode "csrf=$csrf" --data-urlencode "id=$older" --data-urlencode "t=$alarm" "$WEB_BASE/work/ack"
check_eq "… acknowledged there, by the person" chuangcheng "$(sql "SELECT acked_by FROM alerts WHERE id = $older")"
check "… landing back on that order's alerts" grep -qi "^location: /work?t=$alarm&done=ack" "$WEB_DIR/ack.headers"
sql "UPDATE alerts SET acked_at = now(), acked_by = 'test' WHERE subject LIKE 'many-%'" >/dev/null

# ---- a ticket number as an export may write one: characters a URL must encode ----
odd='崂山-A&B+1#2/3?4%5'
printf '工单编号,来电时间,来电人,联系电话,诉求地址,诉求内容,诉求类型,紧急程度\n"%s",2026/12/1 9:00,王先生,13800000000,崂山区中韩街道海尔路178号,海尔路178号门口垃圾桶满了没人清运,环境卫生-垃圾清运,一般\n' \
    "$odd" >"$WEB_DIR/odd.csv"
as_role clerk "$JIESU_BIN/jiesu" import "$WEB_DIR/odd.csv" >"$WEB_DIR/odd.out" 2>&1
wait_for "the order numbered $odd routed" 30 routed "$odd"
enc=$(jq -rn --arg t "$odd" '$t | @uri' | sed 's|%2F|/|g')   # / stays as it is in a query
web_get "$zj" /work >/dev/null
check "中韩's list links to it with its number encoded" grep -qF "href=\"/work/order?t=$enc\"" "$WEB_DIR/body"
check_eq "… the link opens it" 200 "$(web_get "$zj" "/work/order?t=$enc")"
check "… showing its number" grep -qF "崂山-A&amp;B+1#2/3?4%5" "$WEB_DIR/body"
csrf=$(web_csrf "$zj" "/work/order?t=$enc")
check_eq "中韩 accepts it on the page: 303" 303 "$(curl -s -b "$zj" -o "$WEB_DIR/act.html" -D "$WEB_DIR/act.headers" \
    -w '%{http_code}' -F "csrf=$csrf" -F "t=$odd" -F action=accept "$WEB_BASE/work/act")"
check_eq "… accepted" accepted "$(status_of "$odd")"
web_landed "$zj"
check "… and lands back on that order" grep -qF "崂山-A&amp;B+1#2/3?4%5" "$WEB_DIR/landed.html"

# ---- the assignment service away: the page says so in Chinese, naming no socket ----
svc_kill9 assignment
asked=$EPOCHREALTIME
check_eq "an action while the assignment service is down: 503" 503 "$(web_act "$zj" "$alarm" accept)"
waited=$(awk -v a="$asked" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
check "… after web.connect_seconds (3 s), not the 10 s an answer is waited for (${waited} s)" \
    awk -v w="$waited" 'BEGIN { exit !(w < 8) }'
check "… saying in Chinese that it was not done, to try again later, no socket or English reason shown" \
    sh -c "grep -q '连不上办理这件事的服务' '$WEB_DIR/act.html' && grep -q '这次办理没有生效' '$WEB_DIR/act.html' &&
           ! grep -q 'ipc://\|nothing answers\|reply' '$WEB_DIR/act.html'"
check_eq "… nothing moved" dispatched "$(status_of "$alarm")"
# ---- ... and dying after storing an action, before answering: the page
# cannot know whether it took effect, and says to look before trying again ----
JIESU_FAILPOINT=action_after_commit:1 svc_start assignment
wait_for "assignment back" 20 svc_ready assignment
check_eq "once it is back, the same action, the service dying before it answers: 503" 503 \
    "$(web_act "$zj" "$alarm" accept)"
check "… saying it got no answer and to look whether it took effect before trying again" \
    sh -c "grep -q '没有收到服务的应答' '$WEB_DIR/act.html' && grep -q '看这次办理是否已生效' '$WEB_DIR/act.html'"
check_eq "… and it had: the order is accepted, once" "accepted 1" \
    "$(status_of "$alarm") $(sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
                                  WHERE c.ticket_no = '$alarm' AND e.event = 'accepted'")"
svc_kill9 assignment
svc_start assignment
wait_for "assignment back" 20 svc_ready assignment
check_eq "back again, accepting once more (the person did not look): already so, 303" 303 "$(web_act "$zj" "$alarm" accept)"
check_eq "… stored once" 1 "$(sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
                                         WHERE c.ticket_no = '$alarm' AND e.event = 'accepted'")"
check_eq "… and the next action: 303" 303 "$(web_act "$zj" "$alarm" progress -F "reason=已派人到场")"

# ---- an order that becomes a conduct complaint leaves the street office's lists and alerts ----
# Its page is 404 to the office then (principal_sees); its alerts and its place on the list went
# with it: before, `jiesu alerts` showed them and the list kept it.
zhong_alerts() { as_unit 370212001 "$JIESU_BIN/jiesu" alerts --all >"$WEB_DIR/zhong-alerts.txt" 2>&1; }
zhong_alerts
check "中韩's jiesu alerts --all shows $alarm's remind and supervise alerts" \
    sh -c "grep '$alarm' '$WEB_DIR/zhong-alerts.txt' | grep -q 催办 && grep '$alarm' '$WEB_DIR/zhong-alerts.txt' | grep -q 督办"
# An alert still open when it goes: the remind of its resolve deadline, 中韩's to acknowledge until then.
sql "UPDATE esc_clock SET offset_seconds = (SELECT extract(epoch FROM d.due_at - now())::int - 30 FROM deadlines d
     JOIN complaints c ON c.id = d.complaint_id WHERE c.ticket_no = '$alarm' AND d.kind = 'resolve')" >/dev/null
open_remind="SELECT a.id FROM alerts a JOIN complaints c ON c.id = a.complaint_id
             WHERE c.ticket_no = '$alarm' AND a.rung = 'remind' AND a.acked_at IS NULL"
wait_for "the remind alert of $alarm's resolve deadline" 30 sql_eq "SELECT count(*) FROM ($open_remind) r" 1
sql "UPDATE esc_clock SET offset_seconds = 0" >/dev/null
remind=$(sql "$open_remind")
as_role dispatcher "$JIESU_BIN/jiesu" dispatch "$alarm" 370212.discipline 反映的是街道工作人员作风问题 \
    >"$WEB_DIR/to-discipline.out" 2>&1
check_eq "a dispatcher gives $alarm to discipline inspection" 1 \
    "$(sql "SELECT count(*) FROM assignments a JOIN complaints c ON c.id = a.complaint_id JOIN units u ON u.id = a.unit_id
            WHERE c.ticket_no = '$alarm' AND a.active AND u.code = '370212.discipline'")"
events_of() { sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$1'"; }
events=$(events_of "$alarm")
as_role dispatcher "$JIESU_BIN/jiesu" dispatch "$alarm" 370212.discipline 反映的是街道工作人员作风问题 \
    >"$WEB_DIR/to-discipline2.out" 2>&1
check "the same jiesu dispatch again (its answer lost): done before, not 没有工单号为 … 的工单, though it reads the order no more" \
    grep -q "^dispatch $alarm：待签收（此前已派单至崂山区纪委监委，未作改动）$" "$WEB_DIR/to-discipline2.out"
check_eq "… nothing recorded" "$events" "$(events_of "$alarm")"
web_act "$dj" "$alarm" dispatch -F unit=370212.discipline -F holder=none -F reason=作风问题 >/dev/null
check "another dispatcher's dispatch of it there: as for no such order still (it gave the order nowhere)" \
    grep -q "没有工单号为 $alarm 的工单" "$WEB_DIR/act.html"
check_eq "… nothing recorded" "$events" "$(events_of "$alarm")"
check_eq "中韩 can no longer open it: 404" 404 "$(web_get "$zj" "/work/order?t=$alarm")"
check "… nor read its alerts with jiesu alerts --all" eval "zhong_alerts && ! grep -q '$alarm' '$WEB_DIR/zhong-alerts.txt'"
as_unit 370212.campaign "$JIESU_BIN/jiesu" alerts --all >"$WEB_DIR/campaign-alerts.txt" 2>&1
check "… nor the campaign office, whose supervise alert it was" eval "test $? -eq 0 && ! grep -q '$alarm' '$WEB_DIR/campaign-alerts.txt'"
# Nor act on them: before, 中韩 acknowledged its open remind of the conduct complaint by number, an
# 'acked' of the accused office's in the complaint's history and one open alert fewer on the board.
csrf=$(web_csrf "$zj" /work)
check_eq "… nor acknowledge its open remind (id $remind) on the workbench: refused" 409 \
    "$(curl -s -b "$zj" -o "$WEB_DIR/ack.html" -w '%{http_code}' --data "csrf=$csrf&id=$remind" "$WEB_BASE/work/ack")"
check "… as for an alert that is not its unit's" grep -q "未能确认告警：没有发给中韩街道的第 $remind 号告警" "$WEB_DIR/ack.html"
as_unit 370212001 "$JIESU_BIN/jiesu" ack "$remind" 已安排 >"$WEB_DIR/zhong-ack.txt" 2>&1
check "… nor with jiesu ack, told the same" eval "test $? -ne 0 && grep -q '没有发给中韩街道的第 $remind 号告警' '$WEB_DIR/zhong-ack.txt'"
check_eq "… the alert still open, nothing recorded in the complaint's history" "1 0" \
    "$(sql "SELECT count(*) FROM alerts WHERE id = $remind AND acked_at IS NULL") $(sql "SELECT count(*) FROM complaint_events
        WHERE event = 'acked' AND (detail->>'alert_id')::bigint = $remind")"
# Escalation merges a repeat into an earlier order at the same place (esc_patterns.c); merged
# into a conduct complaint it is one too (conduct_of), though the street office still holds it.
sql "UPDATE complaints SET parent_id = (SELECT id FROM complaints WHERE ticket_no = '$conduct') WHERE ticket_no = '$odd'" >/dev/null
check_eq "the order numbered $odd, 中韩's, merged into the conduct complaint: its page 404 to 中韩" 404 \
    "$(web_get "$zj" "/work/order?t=$enc")"
web_get "$zj" /work >/dev/null
check "… and it is off 中韩's list" sh -c "grep -q 'class=\"total\"' '$WEB_DIR/body' && ! grep -qF '崂山-A&amp;B+1#2/3?4%5' '$WEB_DIR/body'"
check_eq "… which a search by its number does not find" 0 \
    "$(web_get "$zj" "/work?t=$enc" >/dev/null; sed -n 's/.*class="total">\([0-9]*\)<.*/\1/p' "$WEB_DIR/body")"

harness_services_stop
