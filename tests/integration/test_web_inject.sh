# test_web_inject.sh — what a citizen writes, shown on every page as text and
# never read as markup, and what the pages' answers let a browser do with it:
# complaints filed over Open311 and imported on the import page whose content,
# address and caller's name carry HTML and script (a tag, an attribute
# closed, a quote), a person whose display name does, and a file whose name
# does; every page that shows them (the workbench's lists, the order page and
# its history, the dashboard, the bulletin, the import page and its recent
# imports, the sign-in page's next=) shows them escaped; the rejects download
# gives Excel no formula (the bulletin's CSV: test_report_http); and every page forbids being
# framed and running any script but the dashboard's own; in chromium, those
# pages open no dialog and grow no element of the citizen's, and the
# dashboard's script still draws the board (tests/browser/inject.test.mjs).
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_web_inject
clerk=$(web_token inject-clerk clerk)
tag='<script>alert(1)</script>' attr='"><img src=x onerror=alert(2)>' quote="'><svg onload=alert(3)>"
web_user zhong handler 370212001 "王<b>某</b>\"'"
web_user paidan dispatcher
web_user huawu clerk
for u in zhong paidan huawu; do web_signin "$WEB_DIR/$u.jar" "$u" >/dev/null; done
# Markup read as markup: a tag the page did not write, or an attribute a quote closed.
page_clean() {     # page_clean WHAT JAR PATH [STATUS]: the page opens (200, else STATUS) and carries no markup of the citizen's
    local status
    status=$(web_get "$2" "$3"); cp "$WEB_DIR/body" "$WEB_DIR/page.html"
    check "$1: opens (HTTP $status)" test "$status" = "${4:-200}"
    check "$1: what the citizen wrote stays text" sh -c "! grep -E -q '<script>alert|<img src=x|<svg onload|<b>某' '$WEB_DIR/body'"
}

a=$(curl -s --data-urlencode "api_key=$clerk" --data-urlencode "service_code=env.garbage" \
    --data-urlencode "description=海尔路178号门口垃圾桶满了三天没人清运$tag$attr" \
    --data-urlencode "address_string=崂山区中韩街道海尔路178号$quote" \
    --data-urlencode "first_name=$attr" --data-urlencode "phone=13800138000" "$OPEN311" | jq -r '.[0].service_request_id')
m=$(curl -s --data-urlencode "api_key=$clerk" --data-urlencode "service_code=env.garbage" \
    --data-urlencode "description=$tag有人乱扔$attr" --data-urlencode "address_string=$quote" "$OPEN311" |
    jq -r '.[0].service_request_id')
wait_for "both routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE status = 'new'" 0
check_eq "the first went to 中韩街道, the second to the dispatcher" "dispatched manual" \
    "$(sql "SELECT string_agg(status, ' ' ORDER BY id) FROM complaints WHERE ticket_no IN ('$a', '$m')")"
act() {     # act ACTION [NOTE]: the handler's action on the first order, from its page
    local csrf
    csrf=$(web_csrf "$WEB_DIR/zhong.jar" "/work/order?t=$a")
    curl -s -b "$WEB_DIR/zhong.jar" -o /dev/null -F "csrf=$csrf" -F "t=$a" -F "action=$1" -F "reason=${2:-}" \
        "$WEB_BASE/work/act"
}
act accept; act progress "进展$attr"
check "the handler's note is in the history" \
    sql_eq "SELECT count(*) FROM complaint_events WHERE detail::text LIKE '%进展%'" 1

page_clean "the handler's list" "$WEB_DIR/zhong.jar" /work
page_clean "the order page" "$WEB_DIR/zhong.jar" "/work/order?t=$a"
check "… its content escaped" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x' "$WEB_DIR/body"
check "… the handler's note in its history escaped" grep -q '进展&quot;&gt;&lt;img src=x' "$WEB_DIR/body"
check "… its address escaped" grep -q "海尔路178号&#39;&gt;&lt;svg onload=alert(3)&gt;" "$WEB_DIR/body"
check "… the person's name in the bar escaped" grep -q '王&lt;b&gt;某&lt;/b&gt;&quot;&#39;' "$WEB_DIR/body"
page_clean "the dispatcher's manual queue" "$WEB_DIR/paidan.jar" /work
check "… which shows what the caller said, escaped" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;有人乱扔' "$WEB_DIR/body"
page_clean "the dispatcher's order page" "$WEB_DIR/paidan.jar" "/work/order?t=$m"
page_clean "the dashboard" "$WEB_DIR/paidan.jar" /
page_clean "the bulletin" "$WEB_DIR/paidan.jar" "/bulletin.html?week=本周"
page_clean "a ticket searched for" "$WEB_DIR/paidan.jar" "/work?t=%3Cscript%3Ealert(1)%3C/script%3E"
check "the wall board's JSON is JSON" sh -c "curl -s -b '$WEB_DIR/paidan.jar' '$WEB_BASE/api/board' | jq -e . >/dev/null"
page_clean "a page of no such path" "$WEB_DIR/paidan.jar" "/%3Cscript%3Ealert(1)%3C/script%3E" 404
page_clean "the sign-in page's next=" "" "/signin?next=%2Fwork%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"
check "… which signs in to the workbench instead" grep -q 'name="next" value="/work"' "$WEB_DIR/body"

# --- the import page: a file's name and values ------------------------------
{
    printf '\xef\xbb\xbf工单编号,来电时间,诉求地址,诉求内容,来电人,联系电话\r\n'
    printf 'INJ1,2021-05-30 10:57,沙子口%s,路灯不亮%s,王芳,13800138000\r\n' "$quote" "$tag"
    printf 'INJ2,=HYPERLINK("http://evil.example"),沙子口,时间不对,李强,13900139000\r\n'
    printf 'INJ3,@SUM(1+1),沙子口,时间不对,李强,13900139000\r\n'
} >"$WEB_DIR/calls.csv"
csrf=$(web_csrf "$WEB_DIR/huawu.jar" /work/import)
check_eq "a file named with markup is imported from the page" 200 \
    "$(curl -s -b "$WEB_DIR/huawu.jar" -o "$WEB_DIR/answer.html" -w '%{http_code}' -F "csrf=$csrf" \
        -F "file=@$WEB_DIR/calls.csv;filename=<img src=x onerror=alert(4)>.csv" "$WEB_BASE/work/import")"
check "… its answer shows the name as text" sh -c "grep -q '&lt;img src=x onerror=alert(4)&gt;.csv' '$WEB_DIR/answer.html' &&
    ! grep -E -q '<script>alert|<img src=x|<svg onload' '$WEB_DIR/answer.html'"
page_clean "the import page's recent imports" "$WEB_DIR/huawu.jar" /work/import
id=$(sql "SELECT max(id) FROM imports")
check_eq "its rejects download" 200 "$(web_get "$WEB_DIR/huawu.jar" "/work/import/rejects?id=$id")"
check "… holds the two rows refused" sh -c "grep -c 'HYPERLINK\|SUM(1' '$WEB_DIR/body' | grep -qx 2"
check "… no value of which Excel reads as a formula" sh -c "! grep -E -q '(^|,)\"?[=+@-]' '$WEB_DIR/body'"
check "… named without the markup's quotes or line breaks" \
    sh -c "grep -i '^content-disposition' '$WEB_DIR/headers' | grep -q 'attachment; filename=\"import-$id-rejects.csv\"; filename\*=UTF-8'"

# --- what the answers let a browser do -------------------------------------
heads() {     # heads WHAT JAR PATH: the answer's headers forbid framing, a script of another's, the referrer
    web_get "$2" "$3" >/dev/null
    local h=$WEB_DIR/headers
    check "$1: no script but the page's own, nothing from elsewhere" \
        sh -c "grep -i '^content-security-policy:' '$h' | grep -q \"default-src 'none'.*frame-ancestors 'none'\""
    check "$1: not to be framed (older browsers)" grep -q -i '^x-frame-options: DENY' "$h"
    check "$1: the address (a ticket) not sent on" grep -q -i '^referrer-policy: same-origin' "$h"
    check "$1: not kept by a cache" grep -q -i '^cache-control: no-store' "$h"
}
heads "the sign-in page" "" /signin
heads "the workbench" "$WEB_DIR/zhong.jar" /work
heads "the order page" "$WEB_DIR/zhong.jar" "/work/order?t=$a"
heads "the dashboard" "$WEB_DIR/paidan.jar" /
check "… whose script is the one the policy names" sh -c "
    curl -s -b '$WEB_DIR/paidan.jar' -D '$WEB_DIR/dash.headers' -o '$WEB_DIR/dash.html' '$WEB_BASE/'
    want=\$(sed -n 's:.*<script>\(.*\)</script>.*:\1:p' '$WEB_DIR/dash.html' | tr -d '\n' | openssl dgst -sha256 -binary | base64)
    grep -i '^content-security-policy:' '$WEB_DIR/dash.headers' | grep -q \"script-src 'sha256-\$want'\""
curl -s -o /dev/null -D "$WEB_DIR/open311.headers" "${OPEN311%/requests.json}/services.json"
check "Open311's door (intake), a server of JSON, allows a browser nothing" sh -c "
    grep -i '^content-security-policy:' '$WEB_DIR/open311.headers' | grep -q \"default-src 'none'; frame-ancestors 'none'\" &&
    grep -q -i '^x-frame-options: DENY' '$WEB_DIR/open311.headers'"

if browser_ready "what the citizen wrote, in a browser"; then
    browser_run inject.test.mjs TICKET="$a" MANUAL="$m"
fi

harness_services_stop
