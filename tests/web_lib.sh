# web_lib.sh — helpers of the tests of the people's web doors (sourced after
# tests/harness.sh): the services with both HTTP doors open, users with
# passwords and tokens, complaints filed over Open311, signing in with curl.
#
#   web_stack NAME [CONFIG...]       a fresh database NAME, the four services with intake's and
#                                    reporting's HTTP on free ports; sets WEB_BASE, WEB_DIR
#                                    (emptied: $HARNESS_DIR/NAME) and OPEN311 (the POST URL)
#   web_file KEY ADDRESS TEXT [CODE [PHONE]]  files a complaint with clerk's api_key KEY (the
#                                    caller's PHONE, if given); prints its ticket
#   web_user NAME ROLE [UNIT]        a user with password "pw-NAME-pass" (and no key)
#   web_token NAME ROLE [UNIT] [N]   a user with an API token (rate N a minute); prints the token
#   web_sql_token NAME ROLE          the same made straight in PostgreSQL, for tests that run only
#                                    the reporting service (no assignment to ask)
#   web_signin JAR NAME [PASSWORD]   signs in through /signin with a cookie jar; prints the status
#                                    (from the local address $WEB_FROM when set: 127.0.0.2, say;
#                                    with the header X-Forwarded-For: $WEB_XFF when set)
#   web_csrf JAR PATH                the CSRF token of the form on the page PATH
#   web_get JAR PATH                 GET with the jar; the body in $WEB_DIR/body, prints the status
#   browser_ready WHAT               0 when Debian's chromium and tests/browser's playwright-core are
#                                    there (`npm ci` when missing; sets CHROMIUM), else says WHAT
#                                    was NOT tested and why: never a silent pass
#   browser_run SCRIPT [VAR=VALUE...] runs tests/browser/SCRIPT with WEB_BASE, CHROMIUM and SHOTS
#                                    ($HARNESS_ROOT/screenshots), counting its ok / FAIL lines
#   esc_held                         escalation held still (SIGSTOP) between two of its transactions
#                                    (none open, so nothing it locked stands in an action's way;
#                                    fails, letting it on, when one is): the pages read in the second
#                                    after a hold or a resume, before its sweep stops or restarts the
#                                    clocks, as a person reads them
#   esc_go                           lets it on
# $WEB_BASE is the reporting service's address, $WEB_DIR a scratch directory.

web_stack() {
    local name=$1 intake_port web_port; shift
    harness_fresh_db "$name"
    intake_port=$(free_port); web_port=$(free_port)
    harness_services_start "intake.http_addr = 127.0.0.1:$intake_port" "report.http_addr = 127.0.0.1:$web_port" "$@"
    WEB_BASE=http://127.0.0.1:$web_port WEB_DIR=$HARNESS_DIR/$name
    OPEN311=http://127.0.0.1:$intake_port/requests.json
    rm -rf "$WEB_DIR"; mkdir -p "$WEB_DIR"
}

web_file() {
    curl -s --data-urlencode "api_key=$1" --data-urlencode "service_code=${4:-env.garbage}" \
        --data-urlencode "description=$3" --data-urlencode "address_string=$2" ${5:+--data-urlencode "phone=$5"} \
        "$OPEN311" |
        jq -r '.[0].service_request_id'
}

web_act() {     # web_act JAR TICKET ACTION [CURL-ARGS...]: POSTs the action from the order's page with the jar's CSRF token; prints the status
    local jar=$1 t=$2 a=$3 csrf; shift 3
    csrf=$(web_csrf "$jar" "/work/order?t=$t")
    curl -s -b "$jar" -o "$WEB_DIR/act.html" -D "$WEB_DIR/act.headers" -w '%{http_code}' \
        -F "csrf=$csrf" -F "t=$t" -F "action=$a" "$@" "$WEB_BASE/work/act"
}

web_landed() {  # web_landed JAR: the page the last web_act's 303 sent the browser to, into landed.html
    curl -s -b "$1" -o "$WEB_DIR/landed.html" \
        "$WEB_BASE$(sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' "$WEB_DIR/act.headers")"
}

web_user() {     # web_user NAME ROLE [UNIT [DISPLAY-NAME]]
    local name=$1 role=$2 unit=${3:-} display=${4:-$1}
    printf 'pw-%s-pass\n' "$name" | "$JIESU_BIN/jiesu" user add "$name" --role "$role" ${unit:+--unit "$unit"} \
        --display "$display" --password-stdin --no-key >"$WEB_DIR/user-$name.out" 2>&1
}

web_token() {
    local name=$1 role=$2 unit=${3:-} rate=${4:-}
    "$JIESU_BIN/jiesu" user add "$name" --role "$role" ${unit:+--unit "$unit"} --display "$name" \
        --token --no-key ${rate:+--rate "$rate"} >"$WEB_DIR/user-$name.out" 2>&1
    sed -n 's/^令牌：//p' "$WEB_DIR/user-$name.out"
}

web_sql_token() {
    local token hash
    token=jsk_$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
    hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
    sql "INSERT INTO principals (name, display_name, role, token_hash, created_by)
         VALUES ('$1', '$1', '$2', '$hash', 'test')" >/dev/null
    echo "$token"
}

web_signin() {     # web_signin JAR NAME [PASSWORD [NEXT]]: the sign-in form, filled and sent; prints the status
    local jar=$1 name=$2 password=${3:-pw-$2-pass} next=${4:-/} csrf from=(${WEB_FROM:+--interface "$WEB_FROM"})
    [ -z "${WEB_XFF:-}" ] || from+=(-H "X-Forwarded-For: $WEB_XFF")
    curl -s "${from[@]}" -c "$jar" -b "$jar" -o "$WEB_DIR/signin.html" "$WEB_BASE/signin"
    csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WEB_DIR/signin.html" | head -1)
    curl -s "${from[@]}" -c "$jar" -b "$jar" -o "$WEB_DIR/signin-answer.html" -D "$WEB_DIR/signin.headers" -w '%{http_code}' \
        --data-urlencode "name=$name" --data-urlencode "password=$password" --data-urlencode "csrf=$csrf" \
        --data-urlencode "next=$next" "$WEB_BASE/signin"
}

web_get() {
    curl -s -b "$1" -o "$WEB_DIR/body" -D "$WEB_DIR/headers" -w '%{http_code}' "$WEB_BASE$2"
}

# web_column HEADER: the cells under HEADER in the orders table of the last
# page fetched, one a line; fails when a row has not as many cells as the
# header has columns (a cell missing moves every one after it).
web_column() {
    python3 - "$WEB_DIR/body" "$1" <<'PY'
import html.parser, sys
class Table(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.rows, self.cell, self.on = [], None, False
    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("class", "orders") in attrs: self.on = True
        elif self.on and tag == "tr": self.rows.append([])
        elif self.on and tag in ("td", "th"): self.cell = ""
    def handle_endtag(self, tag):
        if tag == "table": self.on = False
        elif self.on and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip()); self.cell = None
    def handle_data(self, data):
        if self.cell is not None: self.cell += data
t = Table(); t.feed(open(sys.argv[1], encoding="utf-8").read())
head, rows = t.rows[0], t.rows[1:]
bad = [r for r in rows if len(r) != len(head)]
if bad: sys.exit(f"{len(head)} columns {head}, a row of {len(bad[0])}: {bad[0]}")
for r in rows: print(r[head.index(sys.argv[2])])
PY
}

# web_column_has HEADER REGEX: every row's column HEADER aligned, and one of them matches REGEX (grep -x).
web_column_has() {
    local cells
    cells=$(web_column "$1") && grep -qx "$2" <<<"$cells"
}

esc_held() {
    local pid
    pid=$(cat "$HARNESS_DIR/escalation.pid")
    kill -STOP "$pid"
    sql_eq "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
            WHERE s.application_name = 'jiesu-escalation' AND l.locktype = 'virtualxid'" 0 ||
        { kill -CONT "$pid"; return 1; }
}

esc_go() { kill -CONT "$(cat "$HARNESS_DIR/escalation.pid")"; }

web_csrf() {
    web_get "$1" "$2" >/dev/null
    sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WEB_DIR/body" | head -1
}

browser_ready() {
    local dir=$REPO/tests/browser
    CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
    if [ -z "$CHROMIUM" ]; then
        echo "  SKIP: no Chromium on this machine (scripts/deps.sh installs Debian's chromium) — $1 was NOT tested"
    elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        echo "  SKIP: no node/npm on this machine (Debian's nodejs and npm) — $1 was NOT tested"
    elif ! (cd "$dir" && flock "$HARNESS_ROOT/npm-ci.lock" \
            sh -c '[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund' >"$HARNESS_DIR/npm-ci.log" 2>&1); then
        echo "  SKIP: npm ci in tests/browser failed (see $HARNESS_DIR/npm-ci.log) — $1 was NOT tested"
    else
        mkdir -p "$HARNESS_ROOT/screenshots"
        return 0
    fi
    return 1
}

browser_run() {
    local script=$1 out rc; shift
    out=$WEB_DIR/${script%%.*}.out
    env WEB_BASE="$WEB_BASE" CHROMIUM="$CHROMIUM" SHOTS="$HARNESS_ROOT/screenshots" "$@" \
        timeout 180 node "$REPO/tests/browser/$script" >"$out" 2>&1
    rc=$?
    cat "$out"
    HARNESS_PASSED=$((HARNESS_PASSED + $(grep -c '^  ok ' "$out")))
    HARNESS_FAILED=$((HARNESS_FAILED + $(grep -c '^  FAIL ' "$out")))
    check_eq "the browser run of $script ended cleanly" 0 "$rc"
}
