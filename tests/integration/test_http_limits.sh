# test_http_limits.sh — one client cannot lock the others out of the
# reporting service's HTTP (common/http): 300 half-open connections from one
# address while another address still gets the dashboard within a bound; the
# held ones and a request trickling in a byte at a time are cut at
# http.request_timeout_seconds, long before the idle timeout. Real sockets:
# tests/tools/http_stall.c is the slow client, curl --interface the other
# one (127.0.0.2, another address on the loopback), reading with a
# dispatcher's bearer token. Sourced by tests/run.sh.

. "$REPO/tests/web_lib.sh"
harness_fresh_db jiesu_limits
bearer=(-H "Authorization: Bearer $(web_sql_token limits-reader dispatcher)")
http_port=$(free_port)
harness_config "report.http_addr = 127.0.0.1:$http_port" "http.threads = 2" "http.per_ip_connections = 8" \
    "http.request_timeout_seconds = 4" "http.idle_timeout_seconds = 30"
rm -f "$HARNESS_DIR/reporting.log"
svc_start reporting
wait_for "reporting ready" 20 svc_ready reporting || cat "$HARNESS_DIR/reporting.log"
base=http://127.0.0.1:$http_port
wait_for "the dashboard answers" 20 curl -sf -o /dev/null "${bearer[@]}" "$base/"
stall=$JIESU_BIN/../tools/http_stall
lim=$HARNESS_DIR/limits
mkdir -p "$lim"
field() { sed -n "s/.*\b$1=\([-0-9]*\).*/\1/p" "$2"; }

# ---- 300 stalled connections from 127.0.0.1 ----
"$stall" "127.0.0.1:$http_port" 300 --from 127.0.0.1 --wait 20 --ready "$lim/ready" >"$lim/stall.out" &
stall_pid=$!
wait_for "the slow client has opened its connections" 20 test -e "$lim/ready"
other=$(curl -s -o "$lim/dashboard.html" "${bearer[@]}" --interface 127.0.0.2 --max-time 10 -w '%{http_code} %{time_total}' "$base/")
check_eq "another client (127.0.0.2) gets the dashboard meanwhile" 200 "${other% *}"
check "… within 2 s (took ${other#* } s; the held connections are cut only at 4 s)" \
    awk -v t="${other#* }" 'BEGIN { exit !(t < 2) }'
check "… and it is the dashboard" grep -q '<html' "$lim/dashboard.html"
check_eq "the slow client's own address gets no more connections" 000 \
    "$(curl -s -o /dev/null "${bearer[@]}" --interface 127.0.0.1 --max-time 3 -w '%{http_code}' "$base/api/live")"
wait "$stall_pid"
check_eq "the slow client opened 300" 300 "$(field opened "$lim/stall.out")"
check_eq "all but 8 (http.per_ip_connections) were closed at once" 292 "$(field at_once "$lim/stall.out")"
check_eq "the 8 held ones were cut later" 8 "$(field later "$lim/stall.out")"
check "… not before the 4 s deadline ($(field later_min_ms "$lim/stall.out") ms)" \
    test "$(field later_min_ms "$lim/stall.out")" -ge 3900
check "… and within 1.5 s of it ($(field later_max_ms "$lim/stall.out") ms)" \
    test "$(field later_max_ms "$lim/stall.out")" -le 5500
check_eq "none left open" 0 "$(field still_open "$lim/stall.out")"
check_eq "the slow client's address is served again" 200 \
    "$(curl -s -o /dev/null "${bearer[@]}" --interface 127.0.0.1 --max-time 10 -w '%{http_code}' "$base/api/live")"

# ---- a request trickling in, a byte every 0.5 s: never idle, still cut ----
"$stall" "127.0.0.1:$http_port" 4 --drip 500 --wait 20 >"$lim/drip.out"
check_eq "4 trickling requests were all cut" 4 "$(field later "$lim/drip.out")"
check "… at the 4 s request deadline, not the 30 s idle timeout ($(field later_min_ms "$lim/drip.out")–$(field later_max_ms "$lim/drip.out") ms)" \
    sh -c "test $(field later_min_ms "$lim/drip.out") -ge 3900 && test $(field later_max_ms "$lim/drip.out") -le 5500"
check "the cut connections are logged, counted" grep -q 'closed [0-9]* connections that had not sent a whole request' \
    "$HARNESS_DIR/reporting.log"
harness_services_stop
