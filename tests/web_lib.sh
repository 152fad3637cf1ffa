# web_lib.sh — helpers of the tests of the people's web doors (sourced after
# tests/harness.sh): users with passwords and tokens, signing in with curl.
#
#   web_user NAME ROLE [UNIT]        a user with password "pw-NAME" (and no key)
#   web_token NAME ROLE [UNIT] [N]   a user with an API token (rate N a minute); prints the token
#   web_sql_token NAME ROLE          the same made straight in PostgreSQL, for tests that run only
#                                    the reporting service (no assignment to ask)
#   web_signin JAR NAME [PASSWORD]   signs in through /signin with a cookie jar; prints the status
#   web_csrf JAR PATH                the CSRF token of the form on the page PATH
#   web_get JAR PATH                 GET with the jar; the body in $WEB_DIR/body, prints the status
# $WEB_BASE is the reporting service's address, $WEB_DIR a scratch directory.

web_user() {
    local name=$1 role=$2 unit=${3:-}
    printf 'pw-%s\n' "$name" | "$JIESU_BIN/jiesu" user add "$name" --role "$role" ${unit:+--unit "$unit"} \
        --password-stdin --no-key >"$WEB_DIR/user-$name.out" 2>&1
}

web_token() {
    local name=$1 role=$2 unit=${3:-} rate=${4:-}
    "$JIESU_BIN/jiesu" user add "$name" --role "$role" ${unit:+--unit "$unit"} --token --no-key \
        ${rate:+--rate "$rate"} >"$WEB_DIR/user-$name.out" 2>&1
    sed -n 's/^token: //p' "$WEB_DIR/user-$name.out"
}

web_sql_token() {
    local token hash
    token=jsk_$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
    hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
    sql "INSERT INTO principals (name, display_name, role, token_hash, created_by)
         VALUES ('$1', '$1', '$2', '$hash', 'test')" >/dev/null
    echo "$token"
}

web_signin() {
    local jar=$1 name=$2 password=${3:-pw-$2} csrf
    curl -s -c "$jar" -b "$jar" -o "$WEB_DIR/signin.html" "$WEB_BASE/signin"
    csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WEB_DIR/signin.html" | head -1)
    curl -s -c "$jar" -b "$jar" -o "$WEB_DIR/signin-answer.html" -D "$WEB_DIR/signin.headers" -w '%{http_code}' \
        --data-urlencode "name=$name" --data-urlencode "password=$password" --data-urlencode "csrf=$csrf" \
        --data-urlencode "next=/" "$WEB_BASE/signin"
}

web_get() {
    curl -s -b "$1" -o "$WEB_DIR/body" -D "$WEB_DIR/headers" -w '%{http_code}' "$WEB_BASE$2"
}

web_csrf() {
    web_get "$1" "$2" >/dev/null
    sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WEB_DIR/body" | head -1
}
