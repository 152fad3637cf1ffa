# test_intake_open311.sh — single complaints over HTTP (Open311 GeoReport v2)
# against the real intake service, checked with curl: the services list, a
# complaint filed, stored once with its event and routed, sent again with its
# Idempotency-Key and not filed twice, and every kind of bad request answered
# 400 (404 for a service_code no service has, 409 for a reused key) with
# Open311 error JSON naming the field; 50 POSTs at once from 10 connections
# each filed once with its own ticket, 30 at once with one Idempotency-Key
# filed once. Every POST carries a clerk's
# api_key (test_web_auth.sh tests the key itself).
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_open311
http_port=$(free_port)
harness_services_start "intake.http_addr = 127.0.0.1:$http_port" "intake.open311_threads = 6"
api=http://127.0.0.1:$http_port

# Every handler thread's PostgreSQL connection is open before the first
# request: none connects inside a request (intake's own connection besides).
pg_port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$JIESU_PG_CONNINFO")
check "intake holds a PostgreSQL connection for each of its 6 Open311 threads before any request" \
    test "$(ss -Htnp state established "( dport = :$pg_port )" | grep -c "pid=$(cat "$HARNESS_DIR/intake.pid"),")" -ge 7
o311=$HARNESS_DIR/open311
rm -rf "$o311"; mkdir -p "$o311"
"$JIESU_BIN/jiesu" user add open311-clerk --role clerk --display open311-clerk --token --no-key >"$o311/clerk.out"
api_key=$(sed -n 's/^令牌：//p' "$o311/clerk.out")

# post NAME FIELD=VALUE|-HHEADER...: POSTs the form to /requests.$ext (json
# unless ext=xml), keeps the body in NAME.$ext and the headers in NAME.head,
# prints the status.
post() {
    local name=$1 ext=${ext:-json}; shift
    local args=(--data-urlencode "api_key=$api_key") f
    for f in "$@"; do
        case $f in -H*) args+=(-H "${f#-H}") ;; *) args+=(--data-urlencode "$f") ;; esac
    done
    curl -s -D "$o311/$name.head" -o "$o311/$name.$ext" -w '%{http_code}' "${args[@]}" "$api/requests.$ext"
}
# xml_type NAME: NAME.head says text/xml in UTF-8, as GeoReport v2 writes it.
xml_type() { grep -qi '^content-type: text/xml; charset=utf-8' "$o311/$1.head"; }

curl -s -o "$o311/services.json" "$api/services.json"
check_eq "GET /services.json lists every category" "$(sql "SELECT count(*) FROM categories")" \
    "$(jq length "$o311/services.json")"
check_eq "a service has code, name and group (its official class)" "垃圾清运 城乡建设" \
    "$(jq -r '.[] | select(.service_code == "env.garbage") | .service_name + " " + .group' "$o311/services.json")"

# GeoReport v2's required format, the only one FixMyStreet's client asks
# for: every path also ends .xml, its answer the .json one's, field by field,
# read with an XML parser.
check_eq "GET /services.xml: 200" 200 \
    "$(curl -s -D "$o311/services.head" -o "$o311/services.xml" -w '%{http_code}' "$api/services.xml")"
check "… text/xml; charset=utf-8" xml_type services
check "… <services> of <service>, the same as /services.json's" \
    georeport_same services service "$o311/services.xml" "$o311/services.json"
marked='<b>垃圾桶 & "清运"</b> 没人管'
check_eq "POST /requests.xml, a description with < & \": 200" 200 "$(ext=xml post xmlok service_code=env.garbage \
    "description=$marked" "address_string=崂山区沙子口街道" "-HIdempotency-Key: xml-1")"
check "… text/xml; charset=utf-8" xml_type xmlok
check_eq "… the same complaint sent as .json with its Idempotency-Key: 200" 200 "$(post xmlok service_code=env.garbage \
    "description=$marked" "address_string=崂山区沙子口街道" "-HIdempotency-Key: xml-1")"
check "… <service_requests><request> of the same fields as .json's, its ticket" \
    georeport_same service_requests request "$o311/xmlok.xml" "$o311/xmlok.json"
check_eq "… the description stored as sent" "$marked" \
    "$(sql "SELECT content FROM complaints WHERE ticket_no = '$(jq -r '.[0].service_request_id' "$o311/xmlok.json")'")"
# xml_bad STATUS NAME "what" FIELD=VALUE|-HHEADER...: refused with STATUS as
# .xml and as .json, the XML <errors> the JSON's.
xml_bad() {
    local want=$1 name=$2 what=$3; shift 3
    check_eq "$what, as .xml: $want" "$want" "$(ext=xml post "$name" "$@")"
    check "… text/xml; charset=utf-8" xml_type "$name"
    check_eq "… as .json: $want" "$want" "$(post "$name" "$@")"
    check "… <errors><error> with the code and Chinese description of .json's" \
        georeport_same errors error "$o311/$name.xml" "$o311/$name.json"
}
xml_bad 404 xmlcode "a service_code of markup, quoted" 'service_code=<a&b"c>' "description=x" "address_string=a"
check "… quoted whole" grep -q '“&lt;a&amp;b&quot;c&gt;”' "$o311/xmlcode.xml"
xml_bad 400 xmlnodesc "no description" service_code=env "address_string=a"
api_key= xml_bad 403 xmlnokey "no api_key" service_code=env "description=x" "address_string=a"
api_key=not-a-key xml_bad 403 xmlbadkey "an unknown api_key" service_code=env "description=x" "address_string=a"
for refused in "/requests 405" "/nothing 404"; do
    read -r path code <<<"$refused"
    check_eq "GET $path.xml: $code as <errors>, the .json one's" "$code $code true" \
        "$(curl -s -o "$o311/refused.xml" -w '%{http_code}' "$api$path.xml") \
$(curl -s -o "$o311/refused.json" -w '%{http_code}' "$api$path.json") \
$(georeport_same errors error "$o311/refused.xml" "$o311/refused.json" && echo true)"
done

status=$(post ok service_code=env.garbage "description=小区门口垃圾桶满了，　三天没人清运" \
    "address_string=崂山区沙子口街道南姜社区" first_name=先生 last_name=王 phone=13912345678 email=w@example.com)
check_eq "a valid POST /requests.json answers 200" 200 "$status"
ticket=$(jq -r '.[0].service_request_id' "$o311/ok.json")
check "it returns a W ticket number as service_request_id" grep -Eq '^W[0-9]{15}$' <<<"$ticket"
check_eq "the complaint is stored once, normalised, with its category" \
    "1|小区门口垃圾桶满了, 三天没人清运|环境卫生-垃圾清运|王先生|w@example.com" \
    "$(sql "SELECT count(*) || '|' || min(content) || '|' || min(category_raw) || '|' || min(caller_name) || '|' || min(extra->>'email') FROM complaints WHERE ticket_no = '$ticket'")"
check_eq "with its 'imported' event" 1 "$(sql "SELECT count(*) FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$ticket' AND e.event = 'imported' AND e.detail->>'source' = 'open311'")"
wait_for "the web complaint routed" 30 sql_eq "SELECT status <> 'new' FROM complaints WHERE ticket_no = '$ticket'" t
check_eq "and routed like any other, under the category filed" "true env.garbage" \
    "$(sql "SELECT (status <> 'new') || ' ' || coalesce(category, '') FROM complaints WHERE ticket_no = '$ticket'")"
status=$(post geo service_code=order "description=占道经营" lat=36.1 long=120.6)
check_eq "coordinates alone are a location" "200 36.1 120.6" \
    "$status $(sql "SELECT lat || ' ' || lon FROM complaints WHERE ticket_no = '$(jq -r '.[0].service_request_id' "$o311/geo.json")'")"

check_eq "a form declared charset=\"UTF-8\" (as GeoReport v2 writes it): filed" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' --data "api_key=$api_key" \
        -H 'Content-Type: application/x-www-form-urlencoded; charset="UTF-8"' \
        --data-urlencode service_code=env.garbage --data-urlencode address_string=崂山区 \
        --data-urlencode description=声明了字符集的表单 "$api/requests.json")"

# A phone typed with a Chinese input method is in full-width digits, which every other field reads
# half-width (so does an import): it was refused as "only digits, spaces and + - ( )".
status=$(post wide service_code=env.garbage "description=全角数字的电话" "address_string=崂山区中韩街道" "phone= １３９－１２３４－５６７８ ")
check_eq "a phone in full-width digits: filed, stored half-width and trimmed" "200 139-1234-5678" \
    "$status $(sql "SELECT caller_phone FROM complaints WHERE ticket_no = '$(jq -r '.[0].service_request_id' "$o311/wide.json")'")"

# A client that lost the answer sends the same request again with the same
# Idempotency-Key: the first ticket back, nothing filed twice; the key reused
# for something else is refused.
key=-H"Idempotency-Key: 6f1c2a9e-5b7d-4e21-9a0f-3c8d2e1b7a64"
post key1 "$key" service_code=order "description=夜市占道经营到凌晨" "address_string=崂山区中韩街道" >/dev/null
post key2 "$key" service_code=order "description=夜市占道经营到凌晨" "address_string=崂山区中韩街道" >"$o311/key2.status"
keyed=$(jq -r '.[0].service_request_id' "$o311/key1.json")
check_eq "a request sent again with its Idempotency-Key: 200 and the first ticket" "200 $keyed" \
    "$(cat "$o311/key2.status") $(jq -r '.[0].service_request_id' "$o311/key2.json")"
check_eq "… stored once, with one 'imported' event" "1 1" \
    "$(sql "SELECT count(DISTINCT c.id) || ' ' || count(e.id) FROM complaints c JOIN complaint_events e ON e.complaint_id = c.id AND e.event = 'imported' WHERE c.content = '夜市占道经营到凌晨'")"
check_eq "the key reused for another complaint: 409" 409 \
    "$(post key3 "$key" service_code=order "description=另一件事" "address_string=崂山区中韩街道")"
check "… Open311 error JSON naming the key and the first ticket" \
    jq -e --arg t "$keyed" '.[0].code == 409 and (.[0].description | contains("Idempotency-Key") and contains($t))' "$o311/key3.json"
# A key is its client's: another clerk (another gateway) whose key happens to be the same files its
# own complaint. Keys were one namespace for every clerk: the second gateway's complaint of the same
# words was taken for the first's, answered with its ticket and never filed (recorded as the first
# clerk's), and one of other words was refused naming the first gateway's ticket.
"$JIESU_BIN/jiesu" user add open311-other --role clerk --display open311-other --token --no-key >"$o311/other.out"
other_key=$(sed -n 's/^令牌：//p' "$o311/other.out")
status=$(api_key=$other_key post key4 "$key" service_code=order "description=夜市占道经营到凌晨" "address_string=崂山区中韩街道")
other_ticket=$(jq -r '.[0].service_request_id' "$o311/key4.json")
check "another clerk's request under the same key is filed: its own ticket" \
    test "$status" = 200 -a "$other_ticket" != "$keyed" -a "$other_ticket" != null
check_eq "… recorded as that clerk's" open311-other \
    "$(sql "SELECT e.actor FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.ticket_no = '$other_ticket' AND e.event = 'imported'")"
check_eq "… and sent again, the same ticket back" "$other_ticket" \
    "$(api_key=$other_key post key5 "$key" service_code=order "description=夜市占道经营到凌晨" "address_string=崂山区中韩街道" >/dev/null
       jq -r '.[0].service_request_id' "$o311/key5.json")"
"$JIESU_BIN/jiesu" user add open311-third --role clerk --display open311-third --token --no-key >"$o311/third.out"
third_key=$(sed -n 's/^令牌：//p' "$o311/third.out")
check_eq "a third clerk's complaint of other words under that key: filed" 200 \
    "$(api_key=$third_key post key6 "$key" service_code=order "description=另一件事" "address_string=崂山区中韩街道")"
check "… no word of the first clerk's ticket" sh -c "! grep -q '$keyed' '$o311/key6.json'"

before=$(sql "SELECT count(*) FROM complaints")
# bad_as STATUS NAME "what" EXPECTED-IN-DESCRIPTION FIELD=VALUE...: refused with STATUS.
bad_as() {
    local want_status=$1 name=$2 what=$3 want=$4; shift 4
    local status
    status=$(post "$name" "$@")
    check_eq "$what: $want_status" "$want_status" "$status"
    check "$what: Open311 error JSON naming '$want'" \
        jq -e --arg w "$want" --argjson s "$want_status" '.[0].code == $s and (.[0].description | contains($w))' "$o311/$name.json"
}
bad() { bad_as 400 "$@"; }
bad nocode "no service_code" "service_code：必填（可用的代码见 GET /services.json）" "description=x" "address_string=a"
bad_as 404 unknown "unknown service_code (GeoReport v2: not found)" "service_code：“nope”不是本系统的服务代码" \
    service_code=nope "description=x" "address_string=a"
bad nodesc "no description" "description：必填" service_code=env "address_string=a"
bad blank "a description of blanks" "description：必填" service_code=env "description=　 " "address_string=a"
bad noloc "no location" "address_string 或 lat + long：必须给出地点" service_code=env "description=x"
bad badlat "lat not a number" "lat：“north”不是 -90 到 90 之间的数" service_code=env "description=x" lat=north long=120
bad farlat "lat out of range" "lat：“91”" service_code=env "description=x" lat=91 long=120
bad onlylat "lat without long" "两个要么都填，要么都不填" service_code=env "description=x" lat=36
bad latwords "lat in words, quoted cut at a character (40 bytes)" "lat：“一二三四五六七八九十一二三”不是" \
    service_code=env "description=x" lat=一二三四五六七八九十一二三四 long=120
check "… the answer is UTF-8" iconv -f UTF-8 -t UTF-8 "$o311/latwords.json"
bad phone "a phone that is not one" "phone：只能有数字" service_code=env "description=x" "address_string=a" "phone=call me"
bad long "a description over 4000 characters" "超过 4000 个字符" service_code=env \
    "description=$(head -c 4001 /dev/zero | tr '\0' x)" "address_string=a"
bad badkey "an Idempotency-Key with spaces" "Idempotency-Key：应是 1 到 200 个可见 ASCII 字符" "-HIdempotency-Key: two words" \
    service_code=env "description=x" "address_string=a"
status=$(curl -s -o "$o311/utf8.json" -w '%{http_code}' --data "api_key=$api_key" --data $'service_code=env&address_string=a&description=bad\xff' "$api/requests.json")
check_eq "invalid UTF-8: 400" 400 "$status"
check "invalid UTF-8: the error says so" jq -e '.[0].description | contains("不是 UTF-8 文字") and contains("GBK 等编码的文字请先转成 UTF-8 再发送")' "$o311/utf8.json"
# A platform whose text is GBK (a Chinese system's default): its body sent as it is, or declared so.
gbk=$(printf '小区垃圾没人清运' | iconv -f UTF-8 -t GBK | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g')
status=$(curl -s -o "$o311/gbk.json" -w '%{http_code}' --data "api_key=$api_key" \
    --data "service_code=env&address_string=a&description=$gbk" "$api/requests.json")
check_eq "a description in GBK: 400, saying to send UTF-8" "400 true" \
    "$status $(jq '.[0].description | contains("GBK 等编码的文字请先转成 UTF-8 再发送")' "$o311/gbk.json")"
status=$(curl -s -o "$o311/gbk-declared.json" -w '%{http_code}' --data "api_key=$api_key" \
    -H 'Content-Type: application/x-www-form-urlencoded; charset=GBK' \
    --data "service_code=env&address_string=a&description=$gbk" "$api/requests.json")
check_eq "a form declared charset=GBK: 415 naming it and what to send" "415 true" \
    "$status $(jq '.[0].description | startswith("表单声明的字符集是 GBK：Open311（GeoReport v2）只收 UTF-8")' "$o311/gbk-declared.json")"
status=$(curl -s -o "$o311/utf8-code.json" -w '%{http_code}' --data "api_key=$api_key" --data $'service_code=env\xff&address_string=a&description=x' "$api/requests.json")
check_eq "a service_code that is not UTF-8: 400, not a failure of ours" 400 "$status"
check "… the error says so" jq -e '.[0].description == "service_code：不是 UTF-8 文字（可用的代码见 GET /services.json）"' "$o311/utf8-code.json"
status=$(curl -s -o "$o311/nul.json" -w '%{http_code}' --data "api_key=$api_key" \
    --data 'service_code=env&address_string=a&description=ab%00cd' "$api/requests.json")
check_eq "a NUL byte (%00) in the description: 400, not the text cut short at it" 400 "$status"
check "… the error names the field and the byte" \
    jq -e '.[0].description | startswith("description：不是 UTF-8 文字，或含有 NUL 字节（%00）")' "$o311/nul.json"
status=$(curl -s -o "$o311/twice.json" -w '%{http_code}' --data "api_key=$api_key" \
    --data 'service_code=env&address_string=a&description=first&description=second' "$api/requests.json")
check_eq "a field given twice: 400, not its two values run together" 400 "$status"
check "… the error names it" \
    jq -e '.[0].description == "description：出现了不止一次，每个字段只能发送一次"' "$o311/twice.json"
bad_as 404 longcode "an unknown service_code past 64 bytes, quoted cut at a character" \
    "service_code：“$(printf 'x%.0s' $(seq 63))”不是本系统的服务代码" service_code="$(printf 'x%.0s' $(seq 63))国国" "description=x" "address_string=a"
status=$(curl -s -o "$o311/json.json" -w '%{http_code}' -H "Authorization: Bearer $api_key" -H 'Content-Type: application/json' \
    --data '{"service_code": "env", "description": "x", "address_string": "a"}' "$api/requests.json")
check_eq "a JSON body: 415" 415 "$status"
status=$(curl -s -o "$o311/gbk-type.json" -w '%{http_code}' -H "Authorization: Bearer $api_key" \
    -H $'Content-Type: text/\xd6\xd0' --data 'x' "$api/requests.json")
check_eq "a Content-Type in GBK: 415" 415 "$status"
check "… quoted as UTF-8, '?' for what is not" jq -e '.[0].description | startswith("请求体是 text/??：")' \
    "$o311/gbk-type.json"
check "… saying a form is wanted, not that service_code is missing" \
    jq -e '.[0].description | contains("application/json：Open311（GeoReport v2）的字段要以表单发送")' "$o311/json.json"
check_eq "GET /requests.json: 405" 405 "$(curl -s -o /dev/null -w '%{http_code}' "$api/requests.json")"
check_eq "refused requests store nothing" "$before" "$(sql "SELECT count(*) FROM complaints")"
check "intake still answers after them" "$JIESU_BIN/jiesu" status

# Many clients at once (tests/tools/open311_load, each connection from an
# address of its own): the POSTs are answered on several threads, each with
# a database connection of its own, and every one lands exactly once, its
# answer naming its own complaint.
load=$JIESU_BIN/../tools/open311_load
"$JIESU_BIN/jiesu" user add open311-typo --role clerk --display open311-typo --token --no-key --rate 1k >"$o311/typo.out" 2>&1
check_eq "a --rate that is not a whole number is a usage error, nobody added" "2 0" \
    "$? $(sql "SELECT count(*) FROM principals WHERE name = 'open311-typo'")"
"$JIESU_BIN/jiesu" user add open311-busy --role clerk --display open311-busy --token --no-key --rate 1000 >"$o311/busy.out"
busy_key=$(sed -n 's/^令牌：//p' "$o311/busy.out")
"$load" "127.0.0.1:$http_port" 0 50 "$busy_key" --conns 10 --tag 并发 >"$o311/many.out" || true
check_eq "50 POSTs at once over 10 connections: all answered 200" 50 "$(awk '$1 == 200' "$o311/many.out" | wc -l)"
check_eq "… with 50 different tickets" 50 "$(awk '{ print $2 }' "$o311/many.out" | sort -u | grep -c '^W')"
awk '{ print $2 "|" NR }' "$o311/many.out" | sort >"$o311/many.answered"
sql "SELECT ticket_no || '|' || substring(content FROM '第([0-9]+)件') FROM complaints WHERE content LIKE '并发 第%'" \
    | sort >"$o311/many.stored"
check "… each the ticket of the complaint that request filed (its number in the description)" \
    cmp -s "$o311/many.answered" "$o311/many.stored"
check_eq "… each stored once with one 'imported' event naming the clerk" "50 50" \
    "$(sql "SELECT count(DISTINCT c.id) || ' ' || count(e.id) FROM complaints c JOIN complaint_events e ON e.complaint_id = c.id AND e.event = 'imported' AND e.actor = 'open311-busy' WHERE c.content LIKE '并发 第%'")"
"$load" "127.0.0.1:$http_port" 0 30 "$busy_key" --conns 10 --tag 同键 \
    --idempotency-key 1b4e28ba-2fa1-11d2-883f-0016d3cca427 >"$o311/same.out" || true
check_eq "30 POSTs at once with one Idempotency-Key: all 200 with one ticket" "30 1" \
    "$(awk '$1 == 200' "$o311/same.out" | wc -l) $(awk '{ print $2 }' "$o311/same.out" | sort -u | wc -l)"
check_eq "… one complaint, with one 'imported' event, that ticket's" "1 1 $(awk 'NR == 1 { print $2 }' "$o311/same.out")" \
    "$(sql "SELECT count(DISTINCT c.id) || ' ' || count(e.id) || ' ' || min(c.ticket_no) FROM complaints c JOIN complaint_events e ON e.complaint_id = c.id AND e.event = 'imported' WHERE c.content LIKE '同键 %'")"
wait_for "every one of them routed" 30 sql_eq "SELECT count(*) FROM complaints WHERE (content LIKE '并发 第%' OR content LIKE '同键 %') AND status = 'new'" 0

# A failure of ours is logged, not shown: PostgreSQL's words name tables and roles.
svc_role=$(psql "$JIESU_PG_CONNINFO" -XtAc "SELECT current_user")
sql "REVOKE SELECT ON categories FROM $svc_role" >/dev/null
check_eq "GET /services.json while the categories cannot be read: 500" 500 \
    "$(curl -s -o "$o311/failed.json" -w '%{http_code}' "$api/services.json")"
check_eq "… saying only that and what to do" "暂时读不出服务列表，请稍后再试" \
    "$(jq -r '.[0].description' "$o311/failed.json")"
check_eq "… and so does /services.xml, as <errors>" "500 true" \
    "$(curl -s -o "$o311/failed.xml" -w '%{http_code}' "$api/services.xml") \
$(georeport_same errors error "$o311/failed.xml" "$o311/failed.json" && echo true)"
check "… the log says why" grep -q "permission denied for table categories" "$HARNESS_DIR/intake.log"
sql "GRANT SELECT ON categories TO $svc_role" >/dev/null
check_eq "readable again: 200" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$api/services.json")"
harness_services_stop
