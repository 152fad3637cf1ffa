# test_web_split.sh — a letter that reports a problem and accuses officials,
# split by routing, read by each of its readers against the real services:
# its problem part, as the street office holding it, the dispatcher, the
# campaign office and anyone else read it (the order page, `jiesu show`, the
# workbench's lists, `jiesu manual`), holds no word of the accusing sentences
# but a note that they went to discipline inspection, nor, but for the
# dispatcher, the name of the office accused in its reasons; its conduct part,
# which only discipline inspection reads, holds the whole letter. The public
# view publishes neither; a client sending the letter again with its
# Idempotency-Key after the split still hears its first ticket. A letter
# split before all this is redacted when the assignment service starts.
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_web_split
clerk=$(web_token split-clerk clerk)
routed() { sql_eq "SELECT count(*) FROM complaints WHERE ticket_no IN ('$1', '$1-J') AND status <> 'new'" 2; }
note='（反映工作人员作风的内容已转纪委监委办理）'
accusing='态度恶劣\|推诿\|不作为\|干部\|居委会'
# holds_none FILE: no word of it, the dispatch form's list of categories (纪检监察/干部作风 …) aside
holds_none() { ! sed 's|<datalist id="categories">.*</datalist>||' "$1" | grep -q "$accusing"; }
holds_problem() { grep -q "$2" "$1" && grep -q "$note" "$1"; }  # holds_problem FILE WORDS: the problem, the note
shows() { grep -q "$2" "$1" && holds_none "$1"; }             # shows FILE WORDS: the problem, no accusation

# (Intake folds full-width commas: the stored letters have ASCII ones.)
# a: the street's own staff accused by a word that names no unit (干部), so
# 中韩 holds the road; b: the street office itself (居委会), so the problem
# waits for the dispatcher (the accused office is never given it).
letter_a='海尔路178号门口路面塌陷出现大坑，车辆经过很危险。找过中韩街道的干部，干部态度恶劣，互相推诿。请尽快修复。'
letter_b='海尔路180号小区门口有人私搭乱建彩钢房。社区居委会不作为，说不归他们管！'
key=-H"Idempotency-Key: 0b7e4c1a-split-letter-a"
curl -s "$key" --data-urlencode "api_key=$clerk" --data-urlencode "service_code=utility.road" \
    --data-urlencode "description=$letter_a" --data-urlencode "address_string=崂山区中韩街道海尔路178号" \
    -o "$WEB_DIR/a.json" "$OPEN311"
a=$(jq -r '.[0].service_request_id' "$WEB_DIR/a.json")
b=$(web_file "$clerk" "崂山区中韩街道海尔路180号" "$letter_b" urban.03.02)
for t in "$a" "$b"; do wait_for "$t split and routed" 30 routed "$t"; done
check_eq "both letters split: the problem to 中韩 and to the dispatcher, the conduct parts to discipline inspection" \
    "370212001 370212.discipline manual 370212.discipline" \
    "$(sql "SELECT string_agg(coalesce(u.code, a.role), ' ' ORDER BY c.ticket_no) FROM complaints c
              JOIN assignments a ON a.complaint_id = c.id AND a.active AND a.role IN ('owner', 'manual')
              LEFT JOIN units u ON u.id = a.unit_id WHERE c.ticket_no IN ('$a', '$b', '$a-J', '$b-J')")"

web_user zhong handler 370212001
web_user paidan dispatcher
web_user chuangcheng campaign 370212.campaign
web_user jiwei discipline 370212.discipline
for u in zhong paidan chuangcheng jiwei; do web_signin "$WEB_DIR/$u.jar" "$u" >/dev/null; done

# ---- the problem part, as everyone but discipline inspection reads it ----
page() {     # page USER TICKET NAME: the order page into $WEB_DIR/NAME.html; prints the status
    local s; s=$(web_get "$WEB_DIR/$1.jar" "/work/order?t=$2"); cp "$WEB_DIR/body" "$WEB_DIR/$3.html"; echo "$s"
}
check_eq "中韩 opens the road's page" 200 "$(page zhong "$a" zhong-a)"
check "… the road, the note and the sentence after it" holds_problem "$WEB_DIR/zhong-a.html" "路面塌陷出现大坑.*$note请尽快修复"
check "… no word of the accusing sentence (nor in the reasons, nor the history)" holds_none "$WEB_DIR/zhong-a.html"
as_unit 370212001 "$JIESU_BIN/jiesu" show "$a" >"$WEB_DIR/zhong-a.show" 2>&1
check "… jiesu show the same" holds_problem "$WEB_DIR/zhong-a.show" 路面塌陷出现大坑
check "… without the accusation" holds_none "$WEB_DIR/zhong-a.show"
web_get "$WEB_DIR/zhong.jar" /work >/dev/null; cp "$WEB_DIR/body" "$WEB_DIR/zhong-list.html"
check "中韩's list holds no word of it" shows "$WEB_DIR/zhong-list.html" 道路破损
check_eq "the campaign office opens the road's page" 200 "$(page chuangcheng "$a" chuangcheng-a)"
check "… without the accusation" holds_none "$WEB_DIR/chuangcheng-a.html"
check_eq "the dispatcher opens the page of the letter waiting for them" 200 "$(page paidan "$b" paidan-b)"
check "… the building and the note" holds_problem "$WEB_DIR/paidan-b.html" "私搭乱建彩钢房。$note"
check "… without the accusation" holds_none "$WEB_DIR/paidan-b.html"
web_get "$WEB_DIR/paidan.jar" /work >/dev/null; cp "$WEB_DIR/body" "$WEB_DIR/paidan-list.html"
check "… the manual queue's excerpt too" shows "$WEB_DIR/paidan-list.html" 私搭乱建彩钢房
as_role dispatcher "$JIESU_BIN/jiesu" manual >"$WEB_DIR/manual.out" 2>&1
check "… and jiesu manual's" shows "$WEB_DIR/manual.out" "$b"
as_role dispatcher "$JIESU_BIN/jiesu" show "$a" >"$WEB_DIR/paidan-a.show" 2>&1
check "… and jiesu show of the road" shows "$WEB_DIR/paidan-a.show" 路面塌陷出现大坑

# ---- who was accused, in the reasons: the dispatcher and discipline inspection alone ----
named='被投诉单位，不交其办理：中韩街道'
# unnamed FILE: the reasons say an accused office is not given it, not which
unnamed() { grep -q '被投诉单位不交其办理（名称仅派单员和纪委监委可见）' "$1" && ! grep -q '不交其办理：' "$1"; }
check "the dispatcher's page of the letter names the office accused in its reasons" grep -q "$named" "$WEB_DIR/paidan-b.html"
as_role dispatcher "$JIESU_BIN/jiesu" show "$b" >"$WEB_DIR/paidan-b.show" 2>&1
check "… and jiesu show" grep -q "$named" "$WEB_DIR/paidan-b.show"
check_eq "the campaign office opens the page of the letter waiting for the dispatcher" 200 "$(page chuangcheng "$b" chuangcheng-b)"
check "… its reasons and history say an accused office is not given it, not which" unnamed "$WEB_DIR/chuangcheng-b.html"
as_role callback "$JIESU_BIN/jiesu" show "$b" >"$WEB_DIR/callback-b.show" 2>&1
check "… and the callback agent's jiesu show" unnamed "$WEB_DIR/callback-b.show"
check_eq "an accused co-handler is not named to the campaign office either" \
    "协办单位被投诉（名称仅派单员和纪委监委可见）：由派单员决定" \
    "$(sql "SELECT reasons_read(p.id, '协办单位（城管）被投诉：由派单员决定') FROM principals p WHERE p.name = 'chuangcheng'")"

# ---- the conduct part: discipline inspection reads the whole letter ----
check_eq "discipline inspection opens the conduct part's page" 200 "$(page jiwei "$a-J" jiwei-a)"
check "… the whole letter, the accusation word for word" grep -q "干部,干部态度恶劣,互相推诿" "$WEB_DIR/jiwei-a.html"
as_unit 370212.discipline "$JIESU_BIN/jiesu" show "$b-J" >"$WEB_DIR/jiwei-b.show" 2>&1
check "… and jiesu show the same" grep -q "社区居委会不作为,说不归他们管" "$WEB_DIR/jiwei-b.show"
check_eq "the stored letters: the problem parts without, the conduct parts with the accusing sentences" \
    "0 2" "$(sql "SELECT count(*) FILTER (WHERE link_id IS NULL AND content ~ '态度恶劣|不作为') || ' ' ||
                         count(*) FILTER (WHERE link_id IS NOT NULL AND content ~ '态度恶劣|不作为')
                    FROM complaints WHERE ticket_no IN ('$a', '$b', '$a-J', '$b-J')")"

# ---- the public view; the client's retry ----
curl -s -o "$WEB_DIR/public.json" "$WEB_BASE/requests.json"
check "the public list names neither letter, and no accusation" \
    sh -c "jq -e 'type == \"array\"' '$WEB_DIR/public.json' && ! grep -q '$a\|$b\|$accusing' '$WEB_DIR/public.json'"
check_eq "… by id, the road's problem part is not there either" 404 \
    "$(curl -s -o /dev/null -w '%{http_code}' "$WEB_BASE/requests/$a.json")"
status=$(curl -s "$key" --data-urlencode "api_key=$clerk" --data-urlencode "service_code=utility.road" \
    --data-urlencode "description=$letter_a" --data-urlencode "address_string=崂山区中韩街道海尔路178号" \
    -o "$WEB_DIR/a-again.json" -w '%{http_code}' "$OPEN311")
check_eq "the letter sent again with its Idempotency-Key after the split: 200 and its ticket, as before it" \
    "200 $a" "$status $(jq -r '.[0].service_request_id' "$WEB_DIR/a-again.json")"

# ---- a letter split before the problem part was redacted ----
# Its problem part kept the whole letter, as its conduct part does: the
# assignment service, started again, stores it as routing now would.
harness_services_stop
sql "UPDATE complaints c SET content = j.content FROM complaints j WHERE j.link_id = c.id AND c.ticket_no = '$a'" >/dev/null
harness_services_start
redacted() { sql_eq "SELECT count(*) FROM complaints WHERE ticket_no = '$a' AND content LIKE '%$note%'" 1; }
wait_for "the old letter redacted" 20 redacted
as_unit 370212001 "$JIESU_BIN/jiesu" show "$a" >"$WEB_DIR/zhong-old.show" 2>&1
check "a letter split before: 中韩 reads the road and the note once the service has started again" \
    holds_problem "$WEB_DIR/zhong-old.show" "路面塌陷出现大坑.*$note请尽快修复"
check "… without the accusation" holds_none "$WEB_DIR/zhong-old.show"
check "… its conduct part still the whole letter" \
    sql_eq "SELECT count(*) FROM complaints WHERE ticket_no = '$a-J' AND content LIKE '%干部态度恶劣%'" 1
check "… the service's log says how many it redacted" grep -q "split letters: 1 problem parts kept the whole letter" \
    "$HARNESS_DIR/assignment.log"

harness_services_stop
