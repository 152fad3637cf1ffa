# test_web_proxy.sh — behind a trusted reverse proxy (http.trusted_proxies,
# here 127.0.0.1 standing for the nginx that gives the pages HTTPS) the
# client is the address the proxy wrote in X-Forwarded-For, against the real
# services with curl: failed sign-ins counted per forwarded address (one held
# back, another through the same proxy still signing in), auth_events and
# the log naming the forwarded address, trusted hops skipped and what the
# client wrote to their left not believed, an entry that is not an address
# leaving the proxy's; from an address not trusted (127.0.0.2) the header
# changes nothing. (test_web_auth.sh: without the setting, the same.)
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_web_proxy "http.trusted_proxies = 127.0.0.1" "web.signin_address_failures = 3"
for i in 1 2 3 4; do web_user px-$i dispatcher; done
codes() { sort "$1" | uniq -c | awk '{print $1, $2}'; }

# ---- through the proxy: each forwarded address counted apart ----
for i in 1 2 3; do WEB_XFF=203.0.113.7 web_signin "$WEB_DIR/a.jar" px-$i guess; echo; done >"$WEB_DIR/a.codes"
check_eq "three wrong passwords forwarded for 203.0.113.7: three times 401" "3 401" "$(codes "$WEB_DIR/a.codes")"
check_eq "… which holds 203.0.113.7 back, the right password too: 429" 429 \
    "$(WEB_XFF=203.0.113.7 web_signin "$WEB_DIR/a.jar" px-4)"
check "… the page names the forwarded address" \
    grep -q '从这个网络地址（203.0.113.7）登录失败的次数太多（15 分钟内 3 次）' "$WEB_DIR/signin-answer.html"
check_eq "another person through the same proxy (198.51.100.2) signs in meanwhile" 303 \
    "$(WEB_XFF=198.51.100.2 web_signin "$WEB_DIR/b.jar" px-4)"
check_eq "the failures are the forwarded address's, none the proxy's" "203.0.113.7 3" \
    "$(sql "SELECT string_agg(address || ' ' || failures, ',') FROM signin_addresses")"
check_eq "auth_events record the forwarded addresses" \
    "address_blocked 203.0.113.7 1,signin 198.51.100.2 1,signin_failed 203.0.113.7 3" \
    "$(sql "SELECT string_agg(event || ' ' || address || ' ' || n, ',' ORDER BY event) FROM
            (SELECT event, address, count(*) AS n FROM auth_events GROUP BY event, address) e")"
check "… and so does reporting's log" \
    grep -q 'sign-in of px-4 from 203.0.113.7 refused: 3 failed sign-ins from that address' "$HARNESS_DIR/reporting.log"

# ---- the walk: trusted hops skipped, the client's own words not believed ----
check_eq "a chain through two proxies: 303" 303 \
    "$(WEB_XFF='192.0.2.66, 198.51.100.9, 127.0.0.1' web_signin "$WEB_DIR/c.jar" px-3)"
check_eq "… recorded as the first address no trusted proxy is at, not what the client claimed left of it" \
    198.51.100.9 "$(sql "SELECT address FROM auth_events WHERE name = 'px-3' AND event = 'signin'")"
check_eq "an entry that is not an address: 303" 303 \
    "$(WEB_XFF='198.51.100.9, unknown' web_signin "$WEB_DIR/d.jar" px-2)"
check_eq "… recorded as the proxy's address" 127.0.0.1 \
    "$(sql "SELECT address FROM auth_events WHERE name = 'px-2' AND event = 'signin'")"

# ---- from an address not trusted: the header changes nothing ----
for i in 1 2 3; do WEB_FROM=127.0.0.2 WEB_XFF=198.51.100.2$i web_signin "$WEB_DIR/e.jar" px-$i guess; echo; done \
    >"$WEB_DIR/e.codes"
check_eq "three wrong passwords from 127.0.0.2, each claiming another X-Forwarded-For: 401" "3 401" \
    "$(codes "$WEB_DIR/e.codes")"
check_eq "… 127.0.0.2 is held back all the same, whatever it claims" 429 \
    "$(WEB_FROM=127.0.0.2 WEB_XFF=198.51.100.2 web_signin "$WEB_DIR/e.jar" px-4)"
check_eq "… counted as 127.0.0.2's, none as what it claimed" "127.0.0.2 3" \
    "$(sql "SELECT string_agg(address || ' ' || failures, ',') FROM signin_addresses WHERE address <> '203.0.113.7'")"
check_eq "… and recorded as 127.0.0.2's" "127.0.0.2 3" \
    "$(sql "SELECT address || ' ' || count(*) FROM auth_events WHERE event = 'signin_failed' AND address <> '203.0.113.7'
            GROUP BY address")"
harness_services_stop
