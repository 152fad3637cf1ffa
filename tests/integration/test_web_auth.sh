# test_web_auth.sh — every HTTP door checks who is knocking, against the real
# services with curl:
#   Open311 POST (intake): no api_key, an unknown one, a disabled user's
#   and a dispatcher's 403 with Open311 error JSON naming the problem (no
#   api_key was 401: GeoReport v2 answers a missing or invalid one 403); a
#   clerk's key (form field or Bearer) files, and the 'imported' event names
#   the clerk; the flood that once filed 1,000 complaints in 6.4 s with any
#   key: all 1,000 refused with a made-up key, and with a real one only its
#   rate goes through, the rest 429 with Retry-After.
#   Dashboard and JSON (reporting): no session → 303 to /signin (401 for
#   /api/); a session cookie (HttpOnly, SameSite=Strict) works; each role
#   reads its scope (a street office its street, discipline inspection the
#   conduct complaints it holds); a wrong password keeps the user name typed;
#   five wrong passwords lock the account, even
#   against the right one; sign-out ends the session (and needs its CSRF
#   token); a bearer token works; a disabled user's session stops at once;
#   sign-ins and failures recorded in auth_events. Open311 GETs stay public.
#   Password spraying: one address trying one password against account
#   after account is held back (429, Retry-After) after its limit of failed
#   sign-ins, the right password refused too, whatever the name, while
#   another address signs in; no account locked by it. No proxy is trusted
#   here: each attempt claiming another address in X-Forwarded-For changes
#   nothing (test_web_proxy.sh: behind a trusted one).
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
# 10 failed sign-ins from one address hold it back: 127.0.0.1 makes 8 below (the lockout's
# included), and the spraying comes from 127.0.0.2.
web_stack jiesu_web_auth "intake.open311_rate_per_minute = 60" "web.signin_address_failures = 10"
api=$OPEN311

# ---- Open311 POST: the api_key ----
form=(--data-urlencode service_code=env.garbage --data-urlencode "description=小区门口垃圾桶满了"
      --data-urlencode "address_string=崂山区中韩街道")
until_sql() {   # until_sql COLUMN: the SQL of until when it holds, as the page says it (clock_local_until):
    local t="date_trunc('minute', $1 + interval '59.999999 seconds')"   # the minute it ends, rounded up
    echo "CASE WHEN ($t AT TIME ZONE 'Asia/Shanghai')::date = (now() AT TIME ZONE 'Asia/Shanghai')::date
                THEN to_char($t AT TIME ZONE 'Asia/Shanghai', 'HH24:MI')
                ELSE to_char($t AT TIME ZONE 'Asia/Shanghai', 'FMMM月FMDD日 HH24:MI') END"
}
post() {    # post NAME CURL-ARGS...: the status; the body in $WEB_DIR/NAME.json
    local name=$1; shift
    curl -s -o "$WEB_DIR/$name.json" -D "$WEB_DIR/$name.headers" -w '%{http_code}' "$@" "$api"
}
clerk=$(web_token clerk-a clerk)
check "an admin made a clerk's API token" test -n "$clerk"
dispatcher=$(web_token disp-a dispatcher)
gone=$(web_token clerk-gone clerk)
"$JIESU_BIN/jiesu" user disable clerk-gone >/dev/null
before=$(sql "SELECT count(*) FROM complaints")

check_eq "POST without api_key: 403, as GeoReport v2 answers a missing key" 403 "$(post nokey "${form[@]}")"
check "… Open311 error JSON naming api_key" jq -e '.[0].code == 403 and (.[0].description | startswith("api_key：必填"))' "$WEB_DIR/nokey.json"
check "… and a WWW-Authenticate header" grep -qi '^WWW-Authenticate: Bearer' "$WEB_DIR/nokey.headers"
check_eq "an unknown api_key: 403" 403 "$(post unknown "${form[@]}" --data-urlencode api_key=jsk_made_up)"
check "… 'not a registered key'" jq -e '.[0].description | contains("不是登记过的令牌")' "$WEB_DIR/unknown.json"
check_eq "a disabled clerk's api_key: 403" 403 "$(post disabled "${form[@]}" --data-urlencode "api_key=$gone")"
check "… naming the disabled user" jq -e '.[0].description | contains("clerk-gone") and contains("已停用")' "$WEB_DIR/disabled.json"
check_eq "a dispatcher's api_key: 403" 403 "$(post wrongrole "${form[@]}" --data-urlencode "api_key=$dispatcher")"
check "… only a clerk (话务员) may file" jq -e '.[0].description | contains("disp-a") and contains("只有话务员的令牌可以提交诉求")' "$WEB_DIR/wrongrole.json"
check_eq "the refused POSTs stored nothing" "$before" "$(sql "SELECT count(*) FROM complaints")"

check_eq "a clerk's api_key files: 200" 200 "$(post good "${form[@]}" --data-urlencode "api_key=$clerk")"
ticket=$(jq -r '.[0].service_request_id' "$WEB_DIR/good.json")
check_eq "… its 'imported' event names the clerk" "clerk-a" \
    "$(sql "SELECT e.actor FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$ticket' AND e.event = 'imported'")"
check_eq "an Authorization: Bearer header works too" 200 "$(post bearer "${form[@]}" -H "Authorization: Bearer $clerk")"

# The flood: 1,000 POSTs on one connection, as the attacker sent them.
flood() {   # flood NAME [CURL-ARGS...]: prints "seconds codes" (codes counted: "940 429, 60 200")
    local name=$1 cfg=$WEB_DIR/$1.curl start; shift
    : >"$cfg"
    for _ in $(seq 1000); do printf 'url = "%s"\noutput = "/dev/null"\n' "$api" >>"$cfg"; done
    start=$(date +%s%N)
    curl -s -w '%{http_code}\n' "${form[@]}" "$@" -K "$cfg" >"$WEB_DIR/$name.codes"
    printf '%d ms: %s\n' "$((($(date +%s%N) - start) / 1000000))" \
        "$(sort "$WEB_DIR/$name.codes" | uniq -c | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}')" \
        | tee "$WEB_DIR/$name.summary"
}
before=$(sql "SELECT count(*) FROM complaints")
flood any --data-urlencode api_key=jsk_any_key_at_all >/dev/null
check_eq "1,000 POSTs with a made-up key: all refused" "1000 403" "$(sort "$WEB_DIR/any.codes" | uniq -c | awk '{print $1, $2}')"
check_eq "… nothing filed" "$before" "$(sql "SELECT count(*) FROM complaints")"
flooder=$(web_token clerk-flood clerk)
flood real --data-urlencode "api_key=$flooder" >/dev/null
# 60 at once (a full bucket), then one a second while the flood lasts.
filed=$(grep -c '^200$' "$WEB_DIR/real.codes")
ms=$(sed 's/ ms.*//' "$WEB_DIR/real.summary")
check "1,000 POSTs with a real clerk's key: its rate filed ($filed in $ms ms: 60, then one a second)" \
    test "$filed" -ge 60 -a "$filed" -le $((60 + ms / 1000 + 1))
check_eq "… every other one refused 429" $((1000 - filed)) "$(grep -c '^429$' "$WEB_DIR/real.codes")"
check_eq "… those filed stored, by that clerk" "$filed" "$(sql "SELECT count(*) FROM complaint_events WHERE actor = 'clerk-flood' AND event = 'imported'")"
echo "  (flood: made-up key $(cat "$WEB_DIR/any.summary"); real key $(cat "$WEB_DIR/real.summary"))"
# A key of its own rate (one a minute): the second POST waits a minute.
slow=$(web_token clerk-slow clerk "" 1)
post slow1 "${form[@]}" --data-urlencode "api_key=$slow" >/dev/null
check_eq "a key with its own rate of 1 a minute: the second POST 429" 429 \
    "$(post limited "${form[@]}" --data-urlencode "api_key=$slow")"
check "… with Retry-After in seconds (about 60)" grep -qiE '^Retry-After: (59|60)' "$WEB_DIR/limited.headers"
check "… saying when to send again" jq -e '.[0].description | contains("每分钟可提交 1 件，额度已用完")' "$WEB_DIR/limited.json"
check_eq "another clerk is not held back by it" 200 "$(post other "${form[@]}" --data-urlencode "api_key=$clerk")"

# ---- the dashboard and JSON reports: signing in ----
jar=$WEB_DIR/nobody.jar
check_eq "GET / without a session: 303" 303 "$(web_get "$jar" /)"
check "… to /signin?next=/" grep -qi '^Location: /signin?next=/' "$WEB_DIR/headers"
check_eq "GET /api/bulletin without a session: 401" 401 "$(web_get "$jar" /api/bulletin)"
check "… saying how to sign in, in Chinese" jq -e '.error | startswith("请先登录：带上在 /signin 登录得到的会话 Cookie")' "$WEB_DIR/body"
check_eq "GET /bulletin.html without a session: 303" 303 "$(web_get "$jar" /bulletin.html)"
# A link to an order (or a page of an order open when the session ended, reloaded): signing in
# comes back to it, its query kept; it was next=/work/order, and signing in led to 要看哪件工单？
check_eq "GET an order's page without a session: 303" 303 "$(web_get "$jar" '/work/order?t=T1&done=accept')"
check "… to sign in with next that order's page, its ticket kept" \
    grep -qi '^Location: /signin?next=/work/order%3Ft%3DT1%26done%3Daccept' "$WEB_DIR/headers"
web_get "$jar" "$(sed -n 's/^[Ll]ocation: //p' "$WEB_DIR/headers" | tr -d '\r')" >/dev/null
check "… whose form sends the person back there" grep -q 'name="next" value="/work/order?t=T1&amp;done=accept"' "$WEB_DIR/body"
check_eq "the public Open311 GET needs no session" 200 "$(web_get "$jar" /requests.json)"

web_user zhong handler 370212001
web_user shazikou handler 370212002
web_user disp dispatcher
web_user jiwei discipline 370212.discipline
web_user chuangcheng campaign 370212.campaign
hj=$WEB_DIR/zhong.jar
check_eq "a street office's handler signs in: 303" 303 "$(web_signin "$hj" zhong)"
check "… a session cookie, HttpOnly and SameSite=Strict" \
    grep -qiE '^Set-Cookie: jiesu_session=jsk_[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict' "$WEB_DIR/signin.headers"
check_eq "… the session stored hashed, never the token" 0 \
    "$(sql "SELECT count(*) FROM sessions WHERE token_hash LIKE 'jsk_%'")"
# Where signing in goes next: a page of this server only. A tab in it, which a browser drops from a
# Location before reading it, once made "/<TAB>/evil.example" the address of another site.
web_user nexter dispatcher
next_after() { web_signin "$WEB_DIR/next.jar" nexter pw-nexter-pass "$1" >/dev/null
               sed -n 's/^[Ll]ocation: //p' "$WEB_DIR/signin.headers" | tr -d '\r'; }
check_eq "signing in with next a page of this server: there" "/work/order?t=1" "$(next_after "/work/order?t=1")"
for away in '//evil.example' '/\evil.example' 'https://evil.example' $'/\t/evil.example' $'/\n/evil.example'; do
    check_eq "… with next $(printf %q "$away"), another site's address: home instead" /work "$(next_after "$away")"
done
check_eq "with the session GET / works" 200 "$(web_get "$hj" /)"
check "… it shows the handler's street (中韩街道)" grep -q '中韩街道' "$WEB_DIR/body"
check "… and no other street" sh -c "! grep -q '沙子口街道\|王哥庄街道' '$WEB_DIR/body'"
check "… with a sign-out form carrying the CSRF token" grep -q 'action="/signout"><input type="hidden" name="csrf" value="[0-9a-f]\{64\}"' "$WEB_DIR/body"
check_eq "its JSON: one street" "370212001" "$(web_get "$hj" '/api/streets' >/dev/null; jq -r '[.streets[].code] | join(",")' "$WEB_DIR/body")"
dj=$WEB_DIR/disp.jar
web_signin "$dj" disp >/dev/null
web_get "$dj" / >/dev/null
check "a dispatcher's dashboard shows every street" sh -c "grep -q '沙子口街道' '$WEB_DIR/body' && grep -q '王哥庄街道' '$WEB_DIR/body'"
check_eq "a handler may not read the citywide live counters" 403 "$(web_get "$hj" /api/live)"
check_eq "a dispatcher may" 200 "$(web_get "$dj" /api/live)"
cj=$WEB_DIR/chuangcheng.jar
web_signin "$cj" chuangcheng >/dev/null
check_eq "nor may a campaign office, though its district is the only one configured (the city's counts have conduct complaints in them)" \
    403 "$(web_get "$cj" /api/live)"
check "… told who may and where its own figures are" grep -q '只给派单员、回访员、话务员和系统管理员看；本单位可看的数字在看板和工作台上' "$WEB_DIR/body"
web_get "$cj" / >/dev/null
check "… and its dashboard does not offer it them among its data, as the dispatcher's does" \
    sh -c "grep -q '今日派单</a>' '$WEB_DIR/body' && ! grep -q 'href=\"/api/live\"' '$WEB_DIR/body' &&
           curl -s -b '$dj' '$WEB_BASE/' | grep -q 'href=\"/api/live\"'"

# A conduct complaint: discipline inspection counts it; no other dashboard does.
post conduct --data-urlencode "api_key=$clerk" --data-urlencode service_code=conduct \
    --data-urlencode "description=中韩街道办工作人员态度恶劣，吃拿卡要，推诿不办" \
    --data-urlencode "address_string=崂山区中韩街道" >/dev/null
conduct=$(jq -r '.[0].service_request_id' "$WEB_DIR/conduct.json")
wait_for "the conduct complaint routed to discipline inspection" 30 \
    sql_eq "SELECT count(*) FROM assignments a JOIN complaints c ON c.id = a.complaint_id JOIN units u ON u.id = a.unit_id WHERE c.ticket_no = '$conduct' AND a.active AND u.code = '370212.discipline'" 1 ||
    sql "SELECT c.status, a.rule, a.reasons FROM complaints c LEFT JOIN assignments a ON a.complaint_id = c.id WHERE c.ticket_no = '$conduct'"
jj=$WEB_DIR/jiwei.jar
web_signin "$jj" jiwei >/dev/null
web_get "$jj" / >/dev/null
check "discipline inspection's dashboard counts the conduct complaints it holds" \
    grep -q '干部作风投诉：共 <b>1</b> 件，未办结 <b>1</b> 件' "$WEB_DIR/body"
web_get "$dj" / >/dev/null
check "a dispatcher's does not" sh -c "! grep -q '干部作风投诉' '$WEB_DIR/body'"
check "no dashboard names the conduct complaint" sh -c "! grep -q '$conduct' '$WEB_DIR/body'"
check_eq "discipline inspection of the only district configured may not read the city's live counters either" 403 \
    "$(web_get "$jj" /api/live)"

# A name no one can have (not UTF-8: a hand-made request) is a wrong name,
# not a database failure; the attempt is recorded.
check_eq "a sign-in name that is not UTF-8: 401, as any unknown name" 401 \
    "$(web_signin "$WEB_DIR/bytes.jar" "$(printf 'zh\xffong')")"
check "… told so" grep -q '用户名或密码不对' "$WEB_DIR/signin-answer.html"
check_eq "… and recorded" 1 "$(sql "SELECT count(*) FROM auth_events WHERE name = '?' AND detail->>'why' = 'a name that is not UTF-8'")"

# ---- lockout ----
lj=$WEB_DIR/lock.jar
for i in 1 2 3 4; do web_signin "$lj" shazikou wrong-$i >/dev/null; done
check "four wrong passwords: told so, not locked" grep -q '用户名或密码不对' "$WEB_DIR/signin-answer.html"
check "… the user name kept in its field, only the password to type again" \
    sh -c "grep -q 'name=\"name\"[^>]* value=\"shazikou\"' '$WEB_DIR/signin-answer.html' &&
           grep -q 'name=\"password\"[^>]* autofocus' '$WEB_DIR/signin-answer.html' &&
           ! grep -q 'wrong-4' '$WEB_DIR/signin-answer.html'"
check_eq "the fifth: 403, locked" 403 "$(web_signin "$lj" shazikou wrong-5)"
lock_end=$(sql "SELECT $(until_sql locked_until) FROM principals WHERE name = 'shazikou'")
check "… saying until when, in the city's time ($lock_end), not the database's zone" \
    grep -q "账号已锁定，请于 $lock_end 后再试" "$WEB_DIR/signin-answer.html"
check_eq "then the right password is refused too" 403 "$(web_signin "$lj" shazikou)"
check_eq "… no session made" 0 "$(sql "SELECT count(*) FROM sessions s JOIN principals p ON p.id = s.principal_id WHERE p.name = 'shazikou'")"
check_eq "every attempt recorded: 4 failures, the lock, the refusal while locked" "locked:1 signin_failed:5" \
    "$(sql "SELECT string_agg(event || ':' || n, ' ' ORDER BY event) FROM (SELECT event, count(*) n FROM auth_events WHERE name = 'shazikou' GROUP BY event) e")"
sql "UPDATE principals SET locked_until = now() - interval '1 second' WHERE name = 'shazikou'" >/dev/null
check_eq "once the lock ends the right password works" 303 "$(web_signin "$lj" shazikou)"
check_eq "a user name that names nobody: the same answer" 401 "$(web_signin "$WEB_DIR/x.jar" nobody-here pw)"
head -c 100000 /dev/zero | tr '\0' x >"$WEB_DIR/big.form"
check_eq "a 100 KB sign-in form: 413 (only the workbench's photo form may be large)" 413 \
    "$(curl -s -o "$WEB_DIR/body" -w '%{http_code}' --data-binary "@$WEB_DIR/big.form" "$WEB_BASE/signin")"
check "… a page saying so in Chinese, with what to do" grep -q '提交的内容超过 .* KB，没有收下' "$WEB_DIR/body"
check_eq "a path that is no page, typed by hand: 404" 404 "$(curl -s -o "$WEB_DIR/body" -w '%{http_code}' "$WEB_BASE/wrok")"
check "… a page naming it, with the way back (not Open311's English JSON)" \
    sh -c "grep -q '没有这个页面（/wrok）：请从看板或工作台的链接进入' '$WEB_DIR/body' && grep -q 'href=\"/work\"' '$WEB_DIR/body'"
check_eq "… the same under /api/: JSON, for a program" "没有这个接口（/api/nope）：请从看板或工作台的链接进入。" \
    "$(curl -s "$WEB_BASE/api/nope" | jq -r .error)"
check "… a path to show as it is escaped, one that is not UTF-8 left out" sh -c "
    curl -s '$WEB_BASE/%3Cb%3Ex' | grep -q '没有这个页面（/&lt;b&gt;x）：' &&
    curl -s '$WEB_BASE/%FFx' | iconv -f UTF-8 -t UTF-8 | grep -q '没有这个页面：请从'"
check_eq "a page's address with a method it does not take: 405" 405 \
    "$(curl -s -o "$WEB_DIR/body" -w '%{http_code}' "$WEB_BASE/work/act")"
check "… said in Chinese" grep -q '这个地址（/work/act）不接受 GET 请求' "$WEB_DIR/body"
check_eq "Open311's paths keep Open311's errors" 405 \
    "$(curl -s -o "$WEB_DIR/body" -w '%{http_code}' -d x=1 "$WEB_BASE/requests.json")"
check "… in its JSON" jq -e '.[0].description == "这个地址不接受 POST 请求"' "$WEB_DIR/body"
check_eq "a sign-in without the form's CSRF token: 403" 403 \
    "$(curl -s -o /dev/null -w '%{http_code}' --data 'name=zhong&password=pw-zhong-pass' "$WEB_BASE/signin")"

# ---- password spraying: one address, account after account ----
# Each account saw one wrong password, far from its lock, and the address was never slowed.
# Each attempt claims another address in X-Forwarded-For, believed from no one here.
for i in $(seq 11); do web_user spray-$i dispatcher; done
for i in $(seq 10); do
    WEB_FROM=127.0.0.2 WEB_XFF=198.51.100.$i web_signin "$WEB_DIR/spray.jar" "spray-$i" guess-1; echo
done >"$WEB_DIR/spray.codes"
check_eq "ten accounts, one wrong password each, from one address: ten times 401" "10 401" \
    "$(sort "$WEB_DIR/spray.codes" | uniq -c | awk '{print $1, $2}')"
check_eq "the next attempt from there, an account's right password: 429" 429 \
    "$(WEB_FROM=127.0.0.2 WEB_XFF=198.51.100.11 web_signin "$WEB_DIR/spray.jar" spray-11)"
check_eq "… what X-Forwarded-For claimed counted nowhere" 0 \
    "$(sql "SELECT (SELECT count(*) FROM signin_addresses WHERE address LIKE '198.51.100.%')
                 + (SELECT count(*) FROM auth_events WHERE address LIKE '198.51.100.%')")"
wait_s=$(sed -n 's/^[Rr]etry-[Aa]fter: \([0-9]*\).*/\1/p' "$WEB_DIR/signin.headers")
check "… with Retry-After in seconds ($wait_s: about 15 minutes)" test "${wait_s:-0}" -gt 800 -a "${wait_s:-0}" -le 900
hold_end=$(sql "SELECT $(until_sql blocked_until) FROM signin_addresses WHERE address = '127.0.0.2'")
check "… saying what happened and when to try again ($hold_end, the city's time), in Chinese" grep -q \
    "从这个网络地址（127.0.0.2）登录失败的次数太多（15 分钟内 10 次）。.*这里的登录暂停到 $hold_end，这之前密码对也登录不了" \
    "$WEB_DIR/signin-answer.html"
check "… not whether the name or the password was right" sh -c "! grep -q '用户名或密码不对\|锁定' '$WEB_DIR/signin-answer.html'"
sed 's/value="[0-9a-f]\{32\}"//; s/value="spray-11"//' "$WEB_DIR/signin-answer.html" >"$WEB_DIR/spray-right.html"
check_eq "a wrong password for a name nobody has: the same 429" 429 \
    "$(WEB_FROM=127.0.0.2 web_signin "$WEB_DIR/spray.jar" nobody-sprayed guess-2)"
check "… the same page" cmp -s "$WEB_DIR/spray-right.html" \
    <(sed 's/value="[0-9a-f]\{32\}"//; s/value="nobody-sprayed"//' "$WEB_DIR/signin-answer.html")
check_eq "… no session made" 0 \
    "$(sql "SELECT count(*) FROM sessions s JOIN principals p ON p.id = s.principal_id WHERE p.name = 'spray-11'")"
check_eq "no account locked by it: one failure each" "10 0" \
    "$(sql "SELECT count(*) FILTER (WHERE failed_logins = 1) || ' ' || count(*) FILTER (WHERE locked_until IS NOT NULL)
            FROM principals WHERE name LIKE 'spray-%'")"
check_eq "another address signs in meanwhile" 303 "$(web_signin "$WEB_DIR/spray-here.jar" spray-11)"
check_eq "… which does not clear the first one's count" 429 \
    "$(WEB_FROM=127.0.0.2 web_signin "$WEB_DIR/spray.jar" spray-11)"
check_eq "each refusal recorded with the address, as the address's" "3 nobody-sprayed,spray-11" \
    "$(sql "SELECT count(*) || ' ' || string_agg(DISTINCT name, ',') FROM auth_events
            WHERE event = 'address_blocked' AND address = '127.0.0.2'")"
check "… logged for the administrator with the address and its count" \
    grep -q 'sign-in of nobody-sprayed from 127.0.0.2 refused: 10 failed sign-ins from that address within 15 minutes; refused so far: 2;' \
    "$HARNESS_DIR/reporting.log"
check "… and named in words by jiesu audit" sh -c \
    "'$JIESU_BIN/jiesu' audit spray-11 | grep -q '拒绝（同一地址登录失败过多）.*127.0.0.2'"
sql "UPDATE signin_addresses SET blocked_until = now() - interval '1 second' WHERE address = '127.0.0.2'" >/dev/null
check_eq "once the time is up the right password works from there again" 303 \
    "$(WEB_FROM=127.0.0.2 web_signin "$WEB_DIR/spray.jar" spray-11)"
check_eq "… its count started afresh" 0 "$(sql "SELECT count(*) FROM signin_addresses WHERE address = '127.0.0.2'")"
sql "INSERT INTO signin_addresses (address, failures, first_at, blocked_until)
     VALUES ('127.0.0.3', 10, now(), now() + interval '15 minutes')" >/dev/null
check_eq "an address held back: 429" 429 "$(WEB_FROM=127.0.0.3 web_signin "$WEB_DIR/released.jar" spray-11)"
check "… whose hold an administrator lifts (jiesu user release; before, only by deleting its row by hand)" \
    "$JIESU_BIN/jiesu" user release 127.0.0.3
check_eq "… and the right password works from there at once" 303 \
    "$(WEB_FROM=127.0.0.3 web_signin "$WEB_DIR/released.jar" spray-11)"
"$JIESU_BIN/jiesu" audit 127.0.0.3 >"$WEB_DIR/audit-address.out" 2>&1
check "jiesu audit ADDRESS shows the lift, by whom, and the sign-ins from there" sh -c "
    grep -qE '系统管理员（admin） +解除地址的登录暂停 +127\.0\.0\.3 ' '$WEB_DIR/audit-address.out' &&
    grep -qE 'spray-11 +拒绝（同一地址登录失败过多） +127\.0\.0\.3' '$WEB_DIR/audit-address.out' &&
    grep -qE 'spray-11 +登录 +127\.0\.0\.3' '$WEB_DIR/audit-address.out'"

# ---- sign-out, bearer tokens, disabling ----
check_eq "sign-out without the CSRF token: 403" 403 \
    "$(curl -s -b "$hj" -o "$WEB_DIR/body" -w '%{http_code}' --data 'x=1' "$WEB_BASE/signout")"
check "… a page in Chinese saying the form is stale and what to do, no 'CSRF'" \
    sh -c "grep -q '<html lang=\"zh-CN\">' '$WEB_DIR/body' && grep -q '表单已失效.*请回到工作台刷新页面后重新操作' '$WEB_DIR/body' &&
           ! grep -q CSRF '$WEB_DIR/body'"
check_eq "… the session still works" 200 "$(web_get "$hj" /)"
csrf=$(web_csrf "$hj" /)
check_eq "sign-out with it: 303 to /signin" 303 \
    "$(curl -s -b "$hj" -c "$hj" -o /dev/null -w '%{http_code}' --data "csrf=$csrf" "$WEB_BASE/signout")"
cp "$WEB_DIR/zhong.jar" "$WEB_DIR/zhong-old.jar"
check_eq "the old cookie no longer signs anyone in" 303 "$(curl -s -o /dev/null -w '%{http_code}' \
    -H "Cookie: jiesu_session=$(awk '$6 == "jiesu_session" {print $7}' "$WEB_DIR/zhong.jar")" "$WEB_BASE/")"
check_eq "… its row is gone" 0 "$(sql "SELECT count(*) FROM sessions s JOIN principals p ON p.id = s.principal_id WHERE p.name = 'zhong'")"
# Signing in in a browser that holds a session (another person at a shared desk) ends that
# session: it lived on until it expired, its cookie replaced but its token as good as before.
web_user desk-a handler 370212001
web_user desk-b handler 370212002
sj=$WEB_DIR/desk.jar
web_signin "$sj" desk-a >/dev/null
first=$(awk '$6 == "jiesu_session" {print $7}' "$sj")
check_eq "another person signs in in the same browser" 303 "$(web_signin "$sj" desk-b)"
check_eq "… the first person's session ends with it" 303 \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: jiesu_session=$first" "$WEB_BASE/work")"
check_eq "… its row gone, the new one there" "0 1" \
    "$(sql "SELECT string_agg((SELECT count(*) FROM sessions s WHERE s.principal_id = p.id)::text, ' ' ORDER BY p.name)
            FROM principals p WHERE p.name IN ('desk-a', 'desk-b')")"
check_eq "… recorded as the first person's sign-out" "signed in again in the same browser" \
    "$(sql "SELECT detail->>'why' FROM auth_events WHERE name = 'desk-a' AND event = 'signout'")"
check_eq "the new person's session works" 200 "$(web_get "$sj" /work)"
web_signin "$WEB_DIR/desk-other.jar" desk-b >/dev/null
check_eq "… and a sign-in in another browser leaves it alone" 200 "$(web_get "$sj" /work)"
prog=$(web_token prog-a dispatcher)
check_eq "a program with a bearer token reads the JSON" 200 \
    "$(curl -s -o "$WEB_DIR/bearer.json" -w '%{http_code}' -H "Authorization: Bearer $prog" "$WEB_BASE/api/streets")"
check "… every street" test "$(jq '.streets | length' "$WEB_DIR/bearer.json")" -gt 3
check_eq "a made-up bearer token: 401" 401 \
    "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer jsk_nope' "$WEB_BASE/api/streets")"
check_eq "the dispatcher's session works" 200 "$(web_get "$dj" /)"
"$JIESU_BIN/jiesu" user disable disp >/dev/null
check_eq "… and stops at once when the user is disabled" 303 "$(web_get "$dj" /)"
check_eq "sign-ins recorded with the client's address" "127.0.0.1" \
    "$(sql "SELECT DISTINCT address FROM auth_events WHERE name = 'zhong' AND event = 'signin'")"
check_eq "… and the sign-out" 1 "$(sql "SELECT count(*) FROM auth_events WHERE name = 'zhong' AND event = 'signout'")"
harness_services_stop
