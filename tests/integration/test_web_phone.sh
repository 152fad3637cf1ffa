# test_web_phone.sh — the caller's full phone number, shown on purpose to
# whoever is to call the citizen and recorded, against the real services:
# on the order page (显示完整号码, a POST with the page's CSRF token) and with
# `jiesu phone`. The handler of the unit holding an open order (owner and
# co-handler), the callback agent on a resolved one, discipline inspection
# on the conduct complaint it holds each get the number, the event recorded
# as theirs in the order's history; the dispatcher, the clerk, the campaign
# office, the administrator, another street office, the office a conduct
# complaint accuses, a callback agent before the order is resolved and a
# handler after are refused, saying why and who may, nothing recorded; the
# page before the reveal, and after it, shows the number masked, and so do
# `jiesu show` and the services' logs.
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_web_phone
clerk=$(web_token phone-clerk clerk)
routed() { sql_eq "SELECT count(*) FROM complaints WHERE ticket_no = '$1' AND status <> 'new'" 1; }
status_of() { sql "SELECT status FROM complaints WHERE ticket_no = '$1'"; }
shown() { sql "SELECT count(*) FROM complaint_events WHERE event = 'phone_shown'"; }
last_shown() {     # who the last reveal was recorded as, their unit, on which order
    sql "SELECT e.actor || ' ' || coalesce(e.detail->>'unit', '-') || ' ' || c.ticket_no
           FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
          WHERE e.event = 'phone_shown' ORDER BY e.id DESC LIMIT 1"
}
reveal() {     # reveal JAR TICKET: presses 显示完整号码 on the order's page; prints the status
    local csrf
    csrf=$(web_csrf "$1" "/work/order?t=$2")
    curl -s -b "$1" -o "$WEB_DIR/phone.html" -D "$WEB_DIR/phone.headers" -w '%{http_code}' \
        --data-urlencode "csrf=$csrf" --data-urlencode "t=$2" "$WEB_BASE/work/phone"
}
number=13812345678 masked='138\*\*\*\*5678' inspected=13987654321

a=$(web_file "$clerk" "崂山区中韩街道海尔路178号" "海尔路178号门口垃圾桶满了三天没人清运" env.garbage "$number")
conduct=$(web_file "$clerk" "崂山区中韩街道" "中韩街道办工作人员态度恶劣，推诿不办" conduct "$inspected")
for t in "$a" "$conduct"; do wait_for "$t routed" 30 routed "$t"; done
check_eq "the orders: 中韩's, discipline inspection's" "dispatched dispatched" "$(status_of "$a") $(status_of "$conduct")"
co=$(sql "SELECT u.code FROM assignments a JOIN units u ON u.id = a.unit_id JOIN complaints c ON c.id = a.complaint_id
           WHERE c.ticket_no = '$a' AND a.active AND a.role = 'co'")
check "中韩's order has a co-handler (routing's, by its category)" test -n "$co"

web_user zhong handler 370212001 "王某（中韩街道）"
web_user xie handler "$co"
web_user sha handler 370212002
web_user jiwei discipline 370212.discipline
web_user paidan dispatcher
web_user huifang callback
web_user chuangcheng campaign 370212.campaign
web_user huawu clerk
web_user guanli admin
for u in zhong xie sha jiwei paidan huifang chuangcheng huawu guanli; do web_signin "$WEB_DIR/$u.jar" "$u" >/dev/null; done
jar() { echo "$WEB_DIR/$1.jar"; }

# ---- before the reveal: masked, the button only for whoever may ----
check_eq "中韩 opens its order" 200 "$(web_get "$(jar zhong)" "/work/order?t=$a")"
check "… the number masked, nowhere whole" sh -c "grep -q '<dt>联系电话</dt><dd>$masked' '$WEB_DIR/body' && ! grep -q '$number' '$WEB_DIR/body'"
check "… beside it the button 显示完整号码, a POST with the page's CSRF token" \
    sh -c "grep -q '<form class=\"inline\" method=\"post\" action=\"/work/phone\"><input type=\"hidden\" name=\"csrf\" value=\"[0-9a-f]*\">' '$WEB_DIR/body' &&
           grep -q '显示完整号码</button>' '$WEB_DIR/body'"
for u in paidan huawu chuangcheng huifang; do
    web_get "$(jar $u)" "/work/order?t=$a" >/dev/null
    check "$u's page of it: masked, no button" sh -c "grep -q '$masked' '$WEB_DIR/body' && ! grep -q '$number\|/work/phone' '$WEB_DIR/body'"
done

# ---- refused: saying why and who may, nothing recorded, no number ----
refused() {    # refused WHO STATUS TICKET WORDS: u's reveal answered STATUS, saying WORDS, nothing shown or recorded
    local before
    before=$(shown)
    check_eq "$1 asks for $3's number: refused" "$2" "$(reveal "$(jar "$1")" "$3")"
    check "… saying: $4" grep -q "$4" "$WEB_DIR/phone.html"
    check "… no number on the page" sh -c "! grep -q '$number\|$inspected' '$WEB_DIR/phone.html'"
    check_eq "… nothing recorded" "$before" "$(shown)"
}
who_may='只有回访员（工单已办结待回访时）、承办此单的单位的承办人员（主办或协办，工单办理中时）和纪委监委（本单位承办的干部作风投诉）可以查看来电人完整号码'
refused paidan 403 "$a" "paidan 的角色是派单员，不能查看来电人完整号码：$who_may"
refused huawu 403 "$a" "huawu 的角色是话务员，不能查看来电人完整号码"
refused chuangcheng 403 "$a" "chuangcheng 的角色是创城办，不能查看来电人完整号码"
refused guanli 403 "$a" "guanli 的角色是系统管理员，不能查看来电人完整号码"
refused sha 404 "$a" "没有您可以查看的工单 $a"
refused huifang 409 "$a" "工单 $a 状态为待签收：$who_may"
refused zhong 404 "$conduct" "没有您可以查看的工单 $conduct"
refused jiwei 409 "$a" "工单 $a 不由本单位承办"
check "a refusal on the page is logged as the bus's are, naming who asked (an administrator sees who tries)" \
    sh -c "grep -q \"caller's phone of order $a refused to paidan\" '$HARNESS_DIR/reporting.log' &&
           grep -q \"caller's phone of order $conduct refused to zhong\" '$HARNESS_DIR/reporting.log'"
before=$(shown)
check_eq "a POST without the page's CSRF token: refused" 403 \
    "$(curl -s -b "$(jar zhong)" -o "$WEB_DIR/forged.html" -w '%{http_code}' --data-urlencode "t=$a" "$WEB_BASE/work/phone")"
check "… no number on the page" sh -c "! grep -q '$number' '$WEB_DIR/forged.html'"
check_eq "… nothing recorded" "$before" "$(shown)"

# ---- allowed: the number, once, recorded as theirs ----
check_eq "中韩's handler asks for its open order's number: the page again" 200 "$(reveal "$(jar zhong)" "$a")"
check "… the full number in it, to dial" grep -q "<a class=\"phone\" href=\"tel:$number\"><strong>$number</strong></a>" "$WEB_DIR/phone.html"
check "… the answer kept by no cache" grep -qi '^Cache-Control: no-store' "$WEB_DIR/phone.headers"
check_eq "… recorded as the handler's, for its unit, on that order" "zhong 370212001 $a" "$(last_shown)"
check_eq "the page opened again: masked again" 200 "$(web_get "$(jar zhong)" "/work/order?t=$a")"
check "… the number nowhere whole" sh -c "! grep -q '$number' '$WEB_DIR/body'"
check "… its history: 王某（中韩街道） 查看来电人完整号码" \
    grep -q '<td data-label="操作人">王某（中韩街道）</td><td data-label="事件">查看来电人完整号码</td>' "$WEB_DIR/body"
check_eq "the co-handler's handler gets it too" 200 "$(reveal "$(jar xie)" "$a")"
check_eq "… recorded as theirs" "xie $co $a" "$(last_shown)"
check "… the page shows the number" grep -q "$number" "$WEB_DIR/phone.html"

# ---- at the terminal ----
as_unit 370212001 "$JIESU_BIN/jiesu" phone "$a" >"$WEB_DIR/phone.out" 2>&1
check "jiesu phone: the handler gets the number, told it is recorded" \
    grep -qx "工单 $a 来电人完整号码：$number（此次查看已记入工单的处理记录）" "$WEB_DIR/phone.out"
check_eq "… recorded as the key's user" "u-370212001 370212001 $a" "$(last_shown)"
before=$(shown)
as_role dispatcher "$JIESU_BIN/jiesu" phone "$a" >"$WEB_DIR/phone-refused.out" 2>&1
check_eq "jiesu phone by the dispatcher: refused" 1 "$?"
check "… saying why and who may, no number" \
    sh -c "grep -q '的角色是派单员，不能查看来电人完整号码：只有回访员' '$WEB_DIR/phone-refused.out' &&
           ! grep -q '$number' '$WEB_DIR/phone-refused.out'"
check_eq "… nothing recorded" "$before" "$(shown)"
as_role dispatcher "$JIESU_BIN/jiesu" show "$a" >"$WEB_DIR/show.txt" 2>&1
check "jiesu show keeps it masked, and lists the reveals in the history" \
    sh -c "grep -q '$masked' '$WEB_DIR/show.txt' && ! grep -q '$number' '$WEB_DIR/show.txt' &&
           [ \$(grep -c '查看来电人完整号码' '$WEB_DIR/show.txt') = 3 ]"

# ---- resolved: the callback agent's to call, no longer the unit's ----
as_unit 370212001 "$JIESU_BIN/jiesu" accept "$a" >/dev/null 2>&1
as_unit 370212001 "$JIESU_BIN/jiesu" resolve "$a" 已清运 >/dev/null 2>&1
check_eq "中韩 resolved it" resolved "$(status_of "$a")"
refused zhong 409 "$a" "工单 $a 状态为已办结待回访：$who_may"
web_get "$(jar huifang)" "/work/order?t=$a" >/dev/null
check "the callback agent's page of it now offers the button" grep -q 'action="/work/phone"' "$WEB_DIR/body"
check_eq "the callback agent asks: the page with the number" 200 "$(reveal "$(jar huifang)" "$a")"
check "… the full number in it" grep -q "tel:$number" "$WEB_DIR/phone.html"
check_eq "… recorded as the callback agent's (no unit)" "huifang - $a" "$(last_shown)"

# ---- a conduct complaint: discipline inspection, which holds it ----
check_eq "discipline inspection asks for the conduct complaint's number: the page with it" 200 "$(reveal "$(jar jiwei)" "$conduct")"
check "… the full number in it" grep -q "tel:$inspected" "$WEB_DIR/phone.html"
check_eq "… recorded as the inspector's, for its unit" "jiwei 370212.discipline $conduct" "$(last_shown)"
refused chuangcheng 403 "$conduct" "不能查看来电人完整号码"
refused huifang 404 "$conduct" "没有您可以查看的工单 $conduct"

# ---- nothing else shows it ----
check "no service's log holds either number whole" \
    sh -c "! grep -q '$number\|$inspected' '$HARNESS_DIR'/intake.log '$HARNESS_DIR'/assignment.log '$HARNESS_DIR'/escalation.log '$HARNESS_DIR'/reporting.log"
check_eq "every reveal recorded, each once" 5 "$(shown)"

harness_services_stop
