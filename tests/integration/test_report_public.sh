# test_report_public.sh — what an anonymous caller and the bulletin see of
# the fixture fortnight (tests/fixtures/report_week.sql) with complaints about
# officials' conduct added: the public Open311 view never shows one (not by
# list, service_code or id; 404 by id like an unknown ticket), never the
# caller, masks the description, coarsens the address and coordinates,
# says each status in a citizen's words and caps the page; the bulletin and dashboard never name one. Sourced by
# tests/run.sh (tests/harness.sh).

harness_fresh_db jiesu_public
psql "$JIESU_PG_CONNINFO" -XqA -1 -v ON_ERROR_STOP=1 -f "$REPO/tests/fixtures/report_week.sql" >/dev/null
# Conduct complaints, each one way of being for discipline inspection only:
#   C1 routed as conduct to discipline inspection; C2 the hotline's category is
#   a conduct one, waiting for manual dispatch; C3 first given to 东街道 (its
#   resolve deadline there overdue in W47), then by hand to discipline
#   inspection, its category left as routing first had it; C4 a repeat merged
#   into C1. N1 not routed yet. P1 and P2 public.
psql "$JIESU_PG_CONNINFO" -XqA -1 -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
INSERT INTO units (code, name, kind, region_code) VALUES ('880100.discipline', '样例区纪委监委', 'discipline', '880100');
INSERT INTO complaints (ticket_no, called_at, caller_name, caller_phone, address, content, status, category, category_raw, lat, lon) VALUES
 ('FX-C1', '2026-11-18 09:00+08', '李四光', '13900001111', '样例路9号', '网格员吃拿卡要 样例指控一', 'dispatched', 'conduct', NULL, NULL, NULL),
 ('FX-C2', '2026-11-18 10:00+08', '李四光', '13900001111', '样例路10号', '街道办推诿 样例指控二', 'manual', NULL, '纪检监察-工作作风', NULL, NULL),
 ('FX-C3', '2026-11-17 09:00+08', '李四光', '13900001111', '样例路11号', '城管态度恶劣 样例指控三', 'dispatched', 'garbage', NULL, NULL, NULL),
 ('FX-C4', '2026-11-19 09:00+08', '李四光', '13900001111', '样例路9号', '网格员吃拿卡要 样例指控四', 'closed', 'garbage', NULL, NULL, NULL),
 ('FX-N1', '2026-11-20 09:00+08', '王五', '13900002222', '样例路12号', '社区主任不作为 样例指控五', 'new', NULL, NULL, NULL, NULL),
 ('FX-P1', '2026-11-18 11:00+08', '赵六', '13800003333', '样例区海尔路178号3单元502室',
  '海尔路178号3单元502室门口堆放垃圾，联系电话138-1234-5678，身份证370212199001011234', 'dispatched', 'garbage', NULL,
  36.1234567, 120.4567891),
 ('FX-P2', '2026-11-18 12:00+08', '赵六', '13800003333', '12号楼', '赵六来电反映楼道堆物', 'dispatched', 'garbage', NULL, NULL, NULL);
UPDATE complaints SET parent_id = (SELECT id FROM complaints WHERE ticket_no = 'FX-C1') WHERE ticket_no = 'FX-C4';
INSERT INTO assignments (complaint_id, unit_id, role, street_code, community_code, rule, reasons, active, cycle)
SELECT c.id, u.id, 'owner', a.street, a.community, 'fixture', 'fixture', a.active, a.cycle
  FROM (VALUES ('FX-C1', '880100.discipline', NULL, NULL, true, 1),
               ('FX-C3', '880100001', '880100001', NULL, false, 1),
               ('FX-C3', '880100.discipline', NULL, NULL, true, 2),
               ('FX-P1', '880100001', '880100001', '880100001001', true, 1),
               ('FX-P2', '880100001', '880100001', '880100001001', true, 1)) AS a(t, unit, street, community, active, cycle)
  JOIN complaints c ON c.ticket_no = a.t JOIN units u ON u.code = a.unit;
INSERT INTO deadlines (complaint_id, kind, cycle, started_at, due_at, unit_id)
SELECT c.id, 'resolve', 1, '2026-11-17 09:10+08', '2026-11-20 09:10+08', u.id
  FROM complaints c, units u WHERE c.ticket_no = 'FX-C3' AND u.code = '880100001';
SQL
check "the fixture with conduct complaints loads" test "$(sql "SELECT count(*) FROM complaints WHERE ticket_no LIKE 'FX-%'")" = 22
check_eq "the hotline category 纪检监察-工作作风 means conduct" conduct \
    "$(sql "SELECT category_code FROM category_aliases WHERE hotline_name = '纪检监察-工作作风'")"

http_port=$(free_port)
harness_config "regions.districts = 880100" "report.http_addr = 127.0.0.1:$http_port"
rm -f "$HARNESS_DIR/reporting.log"
svc_start reporting
wait_for "reporting ready" 20 svc_ready reporting || cat "$HARNESS_DIR/reporting.log"
base=http://127.0.0.1:$http_port
body=$HARNESS_DIR/public.body
get() { curl -s -o "$body" -w '%{http_code}' "$base$1"; }
. "$REPO/tests/web_lib.sh"
reader=$(web_sql_token public-reader dispatcher)
get_signed() { curl -s -o "$body" -w '%{http_code}' -H "Authorization: Bearer $reader" "$base$1"; }
conduct_words='样例指控\|吃拿卡要\|推诿\|态度恶劣\|不作为\|李四光\|13900001111\|FX-C\|FX-N1'

# ---- lists: every page, every filter ----
all=$HARNESS_DIR/public.all
: >"$all"
for page in 1 2 3; do
    check_eq "GET /requests.json?limit=10&page=$page" 200 "$(get "/requests.json?limit=10&page=$page")"
    jq -c '.[]' "$body" >>"$all"
done
check_eq "the pages hold every published request once" \
    "$(sql "SELECT count(*) FROM complaints WHERE ticket_no LIKE 'FX-%' AND ticket_no NOT IN ('FX-C1','FX-C2','FX-C3','FX-C4','FX-N1')")" \
    "$(jq -r .service_request_id "$all" | sort -u | wc -l)"
check_eq "no conduct complaint, its text, caller or an unrouted one in any page" 0 "$(grep -c "$conduct_words" "$all")"
check_eq "no caller in any page" 0 "$(grep -c '张三丰\|赵六\|13812345678\|13800003333' "$all")"
check_eq "GET /requests.json?service_code=conduct" 200 "$(get '/requests.json?service_code=conduct')"
check_eq "… lists nothing" "[]" "$(jq -c . "$body")"
check_eq "GET /requests.json?start_date=2026-11-17T00:00:00+08:00&end_date=2026-11-20T00:00:00+08:00&limit=200" 200 \
    "$(get '/requests.json?start_date=2026-11-17T00:00:00%2B08:00&end_date=2026-11-20T00:00:00%2B08:00&limit=200')"
check_eq "… no conduct complaint in the days they were called" 0 "$(grep -c "$conduct_words" "$body")"

# ---- by id: a conduct complaint is a ticket that does not exist ----
get /requests/FX-ZZ.json >/dev/null
unknown=$(sed 's/FX-ZZ/ID/' "$body")
for t in FX-C1 FX-C2 FX-C3 FX-C4 FX-N1; do
    check_eq "GET /requests/$t.json is 404" 404 "$(get "/requests/$t.json")"
    check_eq "… worded like an unknown ticket's" "$unknown" "$(sed "s/$t/ID/" "$body")"
done

# ---- one published request: masked and coarsened ----
check_eq "GET /requests/FX-P1.json" 200 "$(get /requests/FX-P1.json)"
check_eq "the description has no phone, ID or house number" \
    "海尔路*号*单元*室门口堆放垃圾，联系电话138-****-5678，身份证370**************4" "$(jq -r '.[0].description' "$body")"
check_eq "the address is the road, without house, unit and room" "样例区海尔路" "$(jq -r '.[0].address' "$body")"
check_eq "lat and long rounded to 3 decimals (~100 m)" "36.123 120.457" "$(jq -r '.[0] | "\(.lat) \(.long)"' "$body")"
check_eq "the GeoReport v2 fields are there" \
    "address,agency_responsible,description,lat,long,requested_datetime,service_code,service_name,service_request_id,status,status_notes,updated_datetime" \
    "$(jq -r '.[0] | keys | join(",")' "$body")"
check_eq "no caller field or value" 0 "$(grep -c '赵六\|13800003333\|caller\|phone' "$body")"
check_eq "status_notes says the order's state as a citizen reads it, not its code or staff's word (dispatched, 待签收)" \
    "已交承办单位，等待接收办理" "$(jq -r '.[0].status_notes' "$body")"
check_eq "an address that starts with its number gives the community" "东一社区居民委员会" \
    "$(get /requests/FX-P2.json >/dev/null; jq -r '.[0].address' "$body")"
check_eq "… and a description that names the caller, written down as 赵六来电反映, masks the name as the field is masked" \
    "赵*来电反映楼道堆物" "$(jq -r '.[0].description' "$body")"

# ---- every published status as a citizen reads it: an order a unit gave back
# (退回, returned) is being given to another, not refused; status stays
# GeoReport's open or closed ----
for row in "manual|已受理，正在安排承办单位|open" "dispatched|已交承办单位，等待接收办理|open" \
           "accepted|承办单位正在办理|open" "waiting|暂缓办理，条件具备后继续办理|open" \
           "returned|正在重新安排承办单位|open" "resolved|已办结，等待回访|closed" "closed|已办结，已回访|closed" \
           "handed_back|不属于本区办理的事项，已交回12345热线另行转办|closed"; do
    IFS='|' read -r st notes open <<<"$row"
    sql "UPDATE complaints SET status = '$st' WHERE ticket_no = 'FX-P2'" >/dev/null
    get /requests/FX-P2.json >/dev/null
    check_eq "an order $st reads to the public: $notes, $open" "$notes $open" \
        "$(jq -r '.[0] | "\(.status_notes) \(.status)"' "$body")"
done
sql "UPDATE complaints SET status = 'dispatched' WHERE ticket_no = 'FX-P2'" >/dev/null

# ---- GeoReport v2's required format, the only one FixMyStreet's client asks
# for: every read also ends .xml, its answer the .json one's — the same
# requests, fields, masking, statuses and Chinese errors — read with an XML
# parser; a description of markup, quotes and a control character stays text ----
xml_body=$HARNESS_DIR/public.xml
get_xml() { curl -s -D "$xml_body.head" -o "$xml_body" -w '%{http_code}' "$base$1"; }
sql "CREATE TABLE xml_saved AS SELECT id, content FROM complaints WHERE ticket_no = 'FX-P2'" >/dev/null
sql "UPDATE complaints SET content = '<b>门口</b> 垃圾 & \"臭\" '' ]]>' || chr(1) || chr(13) || '赵六来电，电话13800003333'
     WHERE ticket_no = 'FX-P2'" >/dev/null
for q in "/requests.json?limit=200" "/requests.json?service_request_id=FX-P1,FX-P2,FX-C1" "/requests/FX-P2.json" \
         "/requests.json?service_code=conduct"; do
    check_eq "GET ${q/.json/.xml}: 200 as .json" "200 200" "$(get "$q") $(get_xml "${q/.json/.xml}")"
    check "… text/xml; charset=utf-8" grep -qi '^content-type: text/xml; charset=utf-8' "$xml_body.head"
    check "… <service_requests> of <request>s, field by field the .json one's" \
        georeport_same service_requests request "$xml_body" "$body"
done
get_xml /requests/FX-P2.xml >/dev/null
check "the markup of a description is escaped text" grep -qF '&lt;b&gt;门口&lt;/b&gt; 垃圾 &amp; &quot;臭&quot; &apos; ]]&gt;' "$xml_body"
check "… its control character U+FFFD, its CR kept, the caller masked" python3 -c '
import sys, xml.etree.ElementTree as E
sys.exit("\ufffd\r赵*来电" not in E.parse(sys.argv[1]).find("request/description").text)' "$xml_body"
check_eq "… no caller's name or phone in the XML" 0 "$(grep -c '赵六\|13800003333' "$xml_body")"
sql "UPDATE complaints c SET content = s.content FROM xml_saved s WHERE c.id = s.id; DROP TABLE xml_saved" >/dev/null
for q in "/requests/FX-C1.json 404" "/requests/FX-ZZ.json 404" "/requests.json?limit=1000 400" \
         "/requests.json?status=shut 400" "/requests.json?start_date=2026-13-01 400"; do
    read -r path code <<<"$q"
    check_eq "GET ${path/.json/.xml}: $code as .json" "$code $code" "$(get "$path") $(get_xml "${path/.json/.xml}")"
    check "… text/xml; charset=utf-8" grep -qi '^content-type: text/xml; charset=utf-8' "$xml_body.head"
    check "… <errors><error>, the code and Chinese description of .json's" georeport_same errors error "$xml_body" "$body"
done

# ---- the page is capped ----
check_eq "limit=1000 is refused" 400 "$(get '/requests.json?limit=1000')"
check "… saying the range" grep -q 'limit 应是 1 到 200 之间的整数' "$body"
check_eq "limit=200 is the most" 200 "$(get '/requests.json?limit=200')"
check_eq "page 11 of 200 (past 2,000 rows) is refused" 400 "$(get '/requests.json?limit=200&page=11')"
check "… pointing to start_date and end_date" grep -q '更早的诉求请用 start_date 和 end_date 按日期查询' "$body"
check_eq "page 10 of 200 is the deepest" 200 "$(get '/requests.json?limit=200&page=10')"
check_eq "page=0 is refused" 400 "$(get '/requests.json?page=0')"
check_eq "a start_date that is no date: 400, saying in Chinese how to write one, then PostgreSQL's words" "400 true" \
    "$(get '/requests.json?start_date=2026-13-01') $(jq '.[0].description | startswith("参数不对（日期写成 ISO 8601，如 2026-11-17T00:00:00+08:00）：")' "$body")"
check_eq "without limit a page holds at most 50" 200 "$(get '/requests.json')"
check "… and here all 17" test "$(jq length "$body")" -eq 17
check_eq "… none of whose status_notes is a status code (manual, accepted, resolved, closed …)" 0 \
    "$(jq -r '.[].status_notes' "$body" | grep -c '[a-z]')"

# ---- GeoReport's lists: service_request_id (a client asking after its own requests) overrides
# every other argument; it, status and service_code are comma-delimited. Before, service_request_id
# was ignored and the newest page of others' requests answered; status=open,closed was refused and
# service_code=a,b listed nothing ----
check_eq "GET /requests.json?service_request_id=FX-P1, FX-P2,FX-C1,FX-ZZ&limit=1&status=closed" 200 \
    "$(get '/requests.json?service_request_id=FX-P1,%20FX-P2,FX-C1,FX-ZZ&limit=1&status=closed')"
check_eq "… those requests whatever limit and status say; not the conduct complaint, nor a ticket that does not exist" \
    "FX-P1 FX-P2" "$(jq -r '[.[].service_request_id] | sort | join(" ")' "$body")"
check_eq "… 201 ids are too many: 400" 400 \
    "$(get "/requests.json?service_request_id=$(seq -s, 1 201)")"
get '/requests.json?limit=200' >/dev/null
published=$(jq length "$body")
two_codes=$(jq -r '[.[].service_code] | unique | .[0:2] | join(",")' "$body")
of_two=$(jq --arg c "$two_codes" '[.[] | select(.service_code as $s | $c | split(",") | index($s))] | length' "$body")
check_eq "status=open,closed lists both: all $published" "200 $published" \
    "$(get '/requests.json?limit=200&status=open,closed') $(jq length "$body")"
check_eq "status=open,shut: 400 naming what status takes" "400 true" \
    "$(get '/requests.json?status=open,shut') $(jq '.[0].description | contains("open,closed")' "$body")"
check_eq "service_code=$two_codes lists the requests of both ($of_two)" "200 $of_two" \
    "$(get "/requests.json?limit=200&service_code=$two_codes") $(jq length "$body")"

# ---- a failure of ours is logged, not shown: no table, column or role reaches the public ----
svc_role=$(psql "$JIESU_PG_CONNINFO" -XtAc "SELECT current_user")
sql "REVOKE SELECT ON regions FROM $svc_role" >/dev/null
check_eq "the public view's query refused by PostgreSQL: 500" 500 "$(get '/requests.json')"
check "… saying only that it failed and to try again" grep -q '"数据库出错，请稍后再试"' "$body"
check "… nothing of PostgreSQL's message" sh -c "! grep -qi 'permission\|regions\|$svc_role' '$body'"
check "… which the log keeps" grep -q "open311 GET: ERROR:  permission denied for table regions" "$HARNESS_DIR/reporting.log"
sql "GRANT SELECT ON regions TO $svc_role" >/dev/null
check_eq "granted again: 200" 200 "$(get '/requests.json')"

# ---- the bulletin and the dashboard never name a conduct complaint ----
out=$HARNESS_DIR/public-bulletin
mkdir -p "$out"; : >"$out/bulletin-2026-W47-orders.csv"; chmod 644 "$out/bulletin-2026-W47-orders.csv"
echo untouched >"$HARNESS_DIR/planted-target"
ln -s "$HARNESS_DIR/planted-target" "$out/bulletin-2026-W47.html"    # a link someone planted at its name
"$JIESU_BIN/jiesu" -k "$(sql_user_key public-dispatcher dispatcher)" bulletin --week 2026-W47 --out "$out" >/dev/null 2>&1
check "jiesu bulletin --week 2026-W47 succeeds (a dispatcher's: the administrator's lists no order)" \
    sh -c "test -s '$out/bulletin-2026-W47-orders.csv' && grep -q 'FX-W2' '$out/bulletin-2026-W47-orders.csv'"
check_eq "… each file 0600, also one it wrote over that was open to others" "600 600 600 600 600 600" \
    "$(stat -c %a "$out"/bulletin-2026-W47* | tr '\n' ' ' | sed 's/ $//')"
check "… a link planted at the page's name replaced by the page, not written through" \
    sh -c "test -f '$out/bulletin-2026-W47.html' && ! test -L '$out/bulletin-2026-W47.html'"
check_eq "… the file the link pointed to untouched" untouched "$(cat "$HARNESS_DIR/planted-target")"
check_eq "the orders list names no conduct complaint (C3 was overdue at 东街道)" 0 \
    "$(cat "$out"/*.csv "$out"/*.html | grep -c "$conduct_words\|李\*\*")"
check_eq "GET /api/bulletin?week=2026-W47 (a dispatcher's bearer token)" 200 "$(get_signed '/api/bulletin?week=2026-W47')"
check_eq "… no conduct complaint in the JSON" 0 "$(grep -c "$conduct_words\|李\*\*" "$body")"
check_eq "… its orders still those of the fixture (E0, W2, W4)" "FX-E0 FX-W2 FX-W4" \
    "$(jq -r '[.orders[].ticket] | sort | join(" ")' "$body")"
check_eq "GET /?week=2026-W47 (dashboard)" 200 "$(get_signed '/?week=2026-W47')"
check_eq "… no conduct complaint on the dashboard" 0 "$(grep -c "$conduct_words\|李\*\*" "$body")"

# ---- a letter split in two: its problem part keeps the whole letter, accusation included ----
# Routing gives the accusing clause to discipline inspection as FX-L1-J (link_id) and the problem
# to a street; the public read the problem part's description, the words of the conduct complaint
# with it, as the office it accuses may.
psql "$JIESU_PG_CONNINFO" -XqA -1 -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
INSERT INTO complaints (ticket_no, called_at, caller_name, caller_phone, address, content, status, category, accused_units)
VALUES ('FX-L1', '2026-11-19 10:00+08', '钱七', '13900004444', '样例路13号',
        '样例路13号垃圾没人清理，东街道办工作人员态度恶劣 样例指控六', 'dispatched', 'garbage', '{880100001}');
INSERT INTO complaints (ticket_no, called_at, caller_name, caller_phone, address, content, status, category, link_id)
SELECT 'FX-L1-J', called_at, caller_name, caller_phone, address, content, 'dispatched', 'conduct', id
  FROM complaints WHERE ticket_no = 'FX-L1';
SQL
check_eq "a letter's problem part, its conduct part split off: GET /requests/FX-L1.json is 404" 404 \
    "$(get /requests/FX-L1.json)"
check_eq "… worded like an unknown ticket's" "$unknown" "$(sed "s/FX-L1/ID/" "$body")"
check_eq "… its conduct part too" 404 "$(get /requests/FX-L1-J.json)"
get '/requests.json?limit=200' >/dev/null
check_eq "… and no list has the letter" 0 "$(grep -c '样例指控六\|FX-L1' "$body")"
harness_services_stop
