# test_intake_profiles.sh — exports of other hotline systems, as a clerk
# imports them (`as_role clerk jiesu import`): the real NYC 311 export of
# ../shared/data/foreign (public data, see its README) with --profile nyc311
# and with its profile picked by the header, every row stored once, the
# times right in UTC (New York is UTC-4 in May), no value lost; the API's
# snake_case layout (every value quoted, ISO times, quoted line breaks, the
# computed regions) and the website's older 52-column layout without a
# warning, no value of either lost, routing deciding every request of the
# three, and the API download cut off inside a cell of two lines; local
# times summer time skips or repeats, told after the summary; a call of
# New York shown in the city's time and its own (jiesu manual, show); and
# every message a clerk acts on: all missing columns at once with the closest headers, the
# unused columns, unmapped hotline categories (and routing's reason), a dry
# run that stores nothing, a damaged file losing only its damaged rows; a
# profile that does not parse set aside, the others used, until it is fixed,
# jiesu status and intake's log at start warning of it, as of a profiles
# directory that is missing or no directory.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_intake_profiles
profiles=$HARNESS_DIR/intake-profiles      # the shipped ones, and one broken at the end
rm -rf "$profiles"; mkdir -p "$profiles"; cp "$REPO"/data/profiles/*.conf "$profiles"
harness_services_start "intake.profiles_dir = $profiles"
jiesu() { as_role clerk "$JIESU_BIN/jiesu" "$@"; }
dir=$HARNESS_DIR/intake_profiles
rm -rf "$dir"; mkdir -p "$dir"
last_import() { sql "SELECT $1 FROM imports ORDER BY id DESC LIMIT 1"; }
nyc=$REPO/../shared/data/foreign/nyc311_2022-05.csv

# --- the messages a clerk acts on ------------------------------------------
printf 'Key,Opened,Closed,Agency,Problem,Problem Detail,Incident Address\n1,05/01/2022 12:00:03 AM,,NYPD,Noise,Loud,1 MAIN ST\n' >"$dir/renamed.csv"
jiesu import "$dir/renamed.csv" >"$dir/renamed.out" 2>&1
check "a file no profile fits is refused" test $? -ne 0
check "the refusal names the closest profile" grep -q "renamed.csv：没有哪个导入模板对得上表头（现有模板：12345、nyc311、open311、wenzheng）；导入模板 nyc311（最接近的）" "$dir/renamed.out"
check_eq "every missing field at once, each with its closest headers" 3 \
    "$(grep -c -e '^  工单编号（ticket_no）：模板认的列 Unique Key；文件里最像的列：Key$' \
               -e '^  来电时间（called_at）：模板认的列 Created Date；文件里最像的列：Opened$' \
               -e '^  诉求内容（content）：模板认的列 Complaint Type + Descriptor + Location Type；文件里最像的列：Problem Detail、Problem$' "$dir/renamed.out")"
check "the refusal says how to map them" grep -q -- "--profile 模板文件.conf" "$dir/renamed.out"
sed -e 's/^ticket_no = .*/ticket_no = Key/' -e 's/^called_at = .*/called_at = Opened/' \
    -e 's/^content = .*/content = Problem + Problem Detail/' "$REPO/data/profiles/nyc311.conf" >"$dir/mine.conf"
jiesu import --profile "$dir/mine.conf" "$dir/renamed.csv" >"$dir/mine.out" 2>&1
check "with a profile of the clerk's own the same file imports" grep -q "renamed.csv：共 1 行，新存 1 件，.*导入模板 mine（随文件附上）" "$dir/mine.out"
check_eq "... read as its profile says" "Noise / Loud|2022-05-01 04:00:03" \
    "$(sql "SELECT content || '|' || to_char(called_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM complaints WHERE ticket_no = '1'")"

# A GBK export: 诉求类别 is the category now; 承办意见 no field uses (warned
# before the rows, kept in extra); 市场监管-价格 is not in category_aliases.
printf '工单编号,来电时间,诉求内容,诉求类别,承办意见\nP1,2024-04-15 22:51,停车场乱收费，每小时收二十元,市场监管-价格,\nP2,2024年4月15日 22时52分,门口占道经营,城市管理-占道经营,已处理\nP3,2024/4/15 22:53,停车场收费太贵,市场监管-价格,\n' |
    iconv -f UTF-8 -t GB18030 >"$dir/gbk.csv"
jiesu import "$dir/gbk.csv" >"$dir/gbk.out" 2>&1
check "a GBK export imports" grep -q "gbk.csv：共 3 行，新存 3 件，重复 0 行（工单号已入库），拒收 0 行，.*编码 GB18030，导入模板 12345（按表头选定）" "$dir/gbk.out"
check "the unused column is warned of first, with how to map it" grep -q "^.*gbk.csv：提醒：有 1 列导入模板 12345 没有用上，只存进附加信息（extra）：承办意见" "$dir/gbk.out"
check "the warning comes before the summary" sh -c "head -n 1 '$dir/gbk.out' | grep -q '：提醒：'"
printf '留言编号,留言用户,留言主题,留言时间,留言详情,一级标签,答复意见\nWZ-1,U0001,小区门口路灯不亮,2020/1/6 12:09:38,晚上小区门口的路灯坏了一个多月,城乡建设,已转交相关部门\n' |
    iconv -f UTF-8 -t GB18030 >"$dir/wz.csv"
jiesu import "$dir/wz.csv" >"$dir/wz.out" 2>&1
check "a 问政 platform's messages (GBK) pick the wenzheng profile by themselves" \
    grep -q "wz.csv：共 1 行，新存 1 件，.*编码 GB18030，导入模板 wenzheng（按表头选定）" "$dir/wz.out"
check_eq "… subject and body make the content, the label the category, the reply column kept aside" \
    "小区门口路灯不亮：晚上小区门口的路灯坏了一个多月|城乡建设|2020-01-06 04:09:38|{\"答复意见\": \"已转交相关部门\"}" \
    "$(sql "SELECT content || '|' || category_raw || '|' || to_char(called_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '|' || extra FROM complaints WHERE ticket_no = 'WZ-1'")"
printf '工单编号,来电时间,诉求内容,诉求类别\nP7,2024-04-15 22:54,楼道灯坏了,城乡建设\nP8,2024-04-15 22:55,楼道灯又坏了,urban.01\n' >"$dir/named.csv"
jiesu import "$dir/named.csv" >"$dir/named.out" 2>&1
check "a hotline category that is one of ours by name or code is not said to be unmapped (routing takes it)" \
    sh -c "grep -q 'named.csv：共 2 行，新存 2 件' '$dir/named.out' && ! grep -q '热线类别' '$dir/named.out'"
check_eq "诉求类别 is the category" "市场监管-价格" "$(sql "SELECT category_raw FROM complaints WHERE ticket_no = 'P1'")"
check_eq "the unused column is kept in extra" '{"承办意见": "已处理"}' "$(sql "SELECT extra FROM complaints WHERE ticket_no = 'P2'")"
check "the unmapped hotline category is counted and named" grep -q "gbk.csv：2 行的热线类别（1 种）既不在类别对照表 category_aliases 里，也不是本系统的类别名称.*：市场监管-价格（2 行）" "$dir/gbk.out"
wait_for "P1 routed" 20 sql_eq "SELECT count(*) FROM assignments a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'P1'" 1
check "routing says the hotline category was not mapped" \
    sql_eq "SELECT count(*) FROM assignments a JOIN complaints c ON c.id = a.complaint_id WHERE c.ticket_no = 'P1' AND a.reasons LIKE '%热线分类“市场监管-价格”未对应本系统的分类%'" 1

# A small UTF-8 file whose last character was cut: the good rows stay, the
# last one is rejected with why; bad bytes in a middle row lose that row.
printf '工单编号,来电时间,诉求内容\nD1,2024-04-15 22:51,路灯不亮\nD2,2024-04-15 22:52,bad \xff\xfe bytes\nD3,2024-04-15 22:53,噪音扰民\nD4,2024/4/15 22:54,夜间施工噪音' | head -c -2 >"$dir/cut.csv"
jiesu import "$dir/cut.csv" >"$dir/cut.out" 2>&1
check "a cut-off file still imports" test $? -eq 0
check_eq "its whole rows are stored, the damaged ones rejected" "4 2 2" "$(last_import "rows_total || ' ' || inserted || ' ' || rejected")"
rej=$(ls -t "$HARNESS_DIR"/rejects/*.csv | head -n 1)
check "rejects: bad bytes, with where they start and what to do" grep -q '^3,3,诉求内容,"\?本字段第 5 个字符起不是 UTF-8 文本（这一行未导入，文件其余部分照常读取）：请在原系统重新导出这一行' "$rej"
check "rejects: the cut-off last row, said to be cut off" grep -q '^5,5,诉求内容,文件在本字段第 6 个字符处、一个字的中间结束：文件被截断了？' "$rej"
printf '工单编号,来电时间,诉求内容,诉求地址\nE1,2024-04-15 22:51,路灯不亮,沙子口\nE2,2024-04-15 22:52' >"$dir/short.csv"
jiesu import "$dir/short.csv" >"$dir/short.out" 2>&1
check_eq "a file cut inside its last row keeps the rows before" "2 1 1" "$(last_import "rows_total || ' ' || inserted || ' ' || rejected")"
rej=$(ls -t "$HARNESS_DIR"/rejects/*.csv | head -n 1)
check "rejects: the row the file ends inside of" grep -q '^3,3,来电时间,文件在这一行中间结束，只有 2 个字段（应有 4 个）：文件被截断了？' "$rej"

# --- the NYC 311 export (real, public; read from ../shared when present) ------
# nothing_lost FILE: "ROWS STORED LOST" of the last import of a file of
# FILE's name, a layout of NYC 311 (its ticket first): every cell of the file
# is stored, as a field or in extra (by its header), each time as New York's
# clock read it (the website's 05/01/2022 12:00:03 AM, the API's ISO).
nothing_lost() {
    local name; name=$(basename "$1")
    psql "$JIESU_PG_CONNINFO" -XAtq -F $'\t' -c "SELECT ticket_no, content, coalesce(category_raw, ''), address,
        coalesce(lat::text, ''), coalesce(lon::text, ''),
        to_char(called_at AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI:SS'), extra::text
        FROM complaints WHERE import_id = (SELECT max(id) FROM imports WHERE file_name = '$name')" >"$dir/$name.stored"
    python3 - "$1" "$dir/$name.stored" >"$dir/$name.lost" 2>&1 <<'PY'
import csv, datetime, json, sys
stored = {}
for line in open(sys.argv[2], encoding='utf-8'):
    t, content, cat, addr, lat, lon, when, extra = line.rstrip('\n').split('\t')
    stored[t] = (content, cat, addr, lat, lon, when, json.loads(extra))
def local(v):
    for f in ('%m/%d/%Y %I:%M:%S %p', '%Y-%m-%dT%H:%M:%S.%f'):
        try:
            return datetime.datetime.strptime(v, f).strftime('%Y-%m-%d %H:%M:%S')
        except ValueError:
            pass
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8', newline='')))
head, rows = rows[0], rows[1:]
lost = 0
for r in rows:
    if r[0] not in stored:
        lost += 1
        print('not stored', r[0])
        continue
    content, cat, addr, lat, lon, when, extra = stored[r[0]]
    fields = ' '.join([content, cat, addr])
    for k, v in zip(head[1:], r[1:]):
        v, key = ' '.join(v.split()), k.lower().replace(' ', '_')
        if not v:
            continue
        if key == 'created_date':
            ok = local(v) == when
        elif key in ('latitude', 'longitude'):
            ok = float(v) == float(lat if key == 'latitude' else lon)
        else:
            ok = ' '.join(extra.get(k, '').split()) == v or v in fields
        if not ok:
            lost += 1
            print('lost', r[0], k, repr(v))
print(len(rows), len(stored), lost)
PY
    tail -n 1 "$dir/$name.lost"
}
# Requests of the three layouts that routing has not decided.
undecided="SELECT count(*) FROM complaints c JOIN imports i ON i.id = c.import_id WHERE i.profile = 'nyc311'
    AND (c.status NOT IN ('dispatched', 'manual')
         OR NOT EXISTS (SELECT 1 FROM assignments a WHERE a.complaint_id = c.id AND a.active
                        AND a.role IN ('owner', 'manual') AND a.reasons <> ''))"

if [ ! -f "$nyc" ]; then
    echo "  skip NYC 311 checks: $nyc is not there (../shared/data/foreign)"
else
    before=$(sql "SELECT count(*) FROM imports")
    jiesu import --dry-run "$nyc" >"$dir/dry.out" 2>&1
    check "a dry run succeeds" test $? -eq 0
    check "the dry run names the profile it picked" grep -q "nyc311_2022-05.csv：试导入，什么也没有存：共 924 行，格式无误 924 行（工单号是否已入库、在文件里是否重复，正式导入时才核对）.*导入模板 nyc311（按表头选定）" "$dir/dry.out"
    check "the dry run shows the mapping, each field by its name with its key" grep -q "^诉求内容（content）  *Complaint Type + Descriptor + Location Type$" "$dir/dry.out"
    check "the dry run shows the first row as stored, its time in UTC" \
        grep -q "^来电时间  *2022-05-01 00:00:03 (America/New_York) = 2022-05-01 04:00:03 UTC$" "$dir/dry.out"
    check_eq "the dry run stores nothing" "$before 0" "$(sql "SELECT count(*) FROM imports") $(sql "SELECT count(*) FROM complaints WHERE ticket_no = '54049402'")"

    jiesu import --profile nyc311 "$nyc" >"$dir/nyc.out" 2>&1
    check "--profile nyc311 imports the NYC export" grep -q "nyc311_2022-05.csv：共 924 行，新存 924 件，重复 0 行（工单号已入库），拒收 0 行，.*导入模板 nyc311（按 --profile 指定）" "$dir/nyc.out"
    check_eq "... recorded with its profile" "nyc311 done" "$(last_import "profile || ' ' || status")"
    check "its hotline categories are reported as not mapped" grep -q "924 行的热线类别（37 种）既不在类别对照表 category_aliases 里.*Noise - Residential（379 行）" "$dir/nyc.out"
    # Times checked by hand against the file: New York is on EDT (UTC-4) in
    # May, so 05/01/2022 12:00:03 AM (row 2) is 04:00:03 UTC, 12:00:09 AM
    # (row 3) 04:00:09 and 02:06:26 AM (the last row) 06:06:26.
    check_eq "times right in UTC" "54049402 04:00:03|54048300 06:06:26|54046813 04:00:09" \
        "$(sql "SELECT string_agg(ticket_no || ' ' || to_char(called_at AT TIME ZONE 'UTC', 'HH24:MI:SS'), '|' ORDER BY ticket_no DESC) FROM complaints WHERE ticket_no IN ('54049402', '54046813', '54048300') AND called_at::date = '2022-05-01'")"
    check_eq "the file's first and last call, in UTC" "2022-05-01 04:00:03 2022-05-01 06:06:26" \
        "$(sql "SELECT to_char(min(called_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' ' || to_char(max(called_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM complaints c JOIN imports i ON i.id = c.import_id WHERE i.profile = 'nyc311' AND c.ticket_no ~ '^[0-9]{8}$'")"
    check_eq "every row stored once, no value lost" "924 924 0" "$(nothing_lost "$nyc")"

    jiesu import "$nyc" >"$dir/nyc2.out" 2>&1
    check "the same file picks its profile by itself and adds nothing" grep -q "共 924 行，新存 0 件，重复 924 行（工单号已入库），拒收 0 行，.*导入模板 nyc311（按表头选定）" "$dir/nyc2.out"
    check_eq "no ticket twice" 0 "$(sql "SELECT count(*) FROM (SELECT ticket_no FROM complaints GROUP BY 1 HAVING count(*) > 1) d")"

    # The Socrata API's layout of the same data: snake_case headers, every
    # value quoted, ISO times without a zone (New York's), the location as
    # the API writes it, the portal's computed regions at the end, line
    # breaks (LF, CRLF) and quotes inside quoted fields.
    python3 - "$nyc" "$dir/api.csv" <<'PY'
import csv, datetime, json, re, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8')))
head = [re.sub(r'[^a-z0-9]+', '_', h.lower()).strip('_') for h in rows[0]]
regions = [':@computed_region_' + r for r in ('efsh_h5xi', 'f5dn_yrer', 'yeji_bk3q', '92fq_4b7q', 'sbqj_enih', '7mpf_4k6g')]
out = csv.writer(open(sys.argv[2], 'w', encoding='utf-8', newline=''), quoting=csv.QUOTE_ALL)
out.writerow(head + regions)
for i, r in enumerate(rows[1:21]):
    r = dict(zip(head, r))
    r['unique_key'] = '9' + r['unique_key']     # other tickets than the website file's
    for c in ('created_date', 'closed_date', 'due_date', 'resolution_action_updated_date'):
        if r[c]:
            r[c] = datetime.datetime.strptime(r[c], '%m/%d/%Y %I:%M:%S %p').strftime('%Y-%m-%dT%H:%M:%S.000')
    if r['location']:
        r['location'] = json.dumps({'latitude': r['latitude'], 'longitude': r['longitude'], 'human_address':
                                    json.dumps({'address': '', 'city': '', 'state': '', 'zip': ''})})
    if i == 3:
        r['resolution_description'] = 'The Police Department responded.\nNo action was necessary.'
    if i == 7:
        r['resolution_description'] = 'The Police Department issued a summons\r\nfor "excessive noise".'
        r['descriptor'] += '\nUnder the bridge'
    out.writerow([r[h] for h in head] + [str(10930 + i), '4', '' if i % 5 else '2', str(i), '11', '17616'])
PY
    jiesu import "$dir/api.csv" >"$dir/api.out" 2>&1
    check "the API layout picks nyc311 by itself" grep -q "api.csv：共 20 行，新存 20 件，重复 0 行（工单号已入库），拒收 0 行，.*导入模板 nyc311（按表头选定）" "$dir/api.out"
    check "… with no warning of unused columns: the computed regions are kept by their name's beginning" \
        sh -c "! grep -q '没有用上' '$dir/api.out'"
    check_eq "… every row stored once, no value lost, the computed regions in extra" "20 20 0" "$(nothing_lost "$dir/api.csv")"
    check_eq "… each row's computed regions (an empty one not stored), a CRLF and quotes inside a field" "10937|The Police Department issued a summons for \"excessive noise\".|4" \
        "$(sql "SELECT concat_ws('|', extra->>':@computed_region_efsh_h5xi', regexp_replace(extra->>'resolution_description', '\s+', ' ', 'g'), (SELECT count(*) FROM complaints WHERE extra ? ':@computed_region_yeji_bk3q')) FROM complaints WHERE extra->>':@computed_region_92fq_4b7q' = '7'")"
    check_eq "its ISO times are New York's, stored right in UTC" "2022-05-01 04:00:03" \
        "$(sql "SELECT to_char(called_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM complaints WHERE ticket_no = '954049402'")"
    check_eq "the quoted line break stays inside its row" 1 \
        "$(sql "SELECT count(*) FROM complaints WHERE extra->>'resolution_description' LIKE 'The Police Department responded.%No action was necessary.'")"
    # The same download broken off inside that resolution text of two lines:
    # its row lost alone, said to be cut off; its second line is no row.
    python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); open(sys.argv[2], "wb").write(d[:d.index(b"No action was") + 9])' \
        "$dir/api.csv" "$dir/api_cut.csv"
    jiesu import "$dir/api_cut.csv" >"$dir/api_cut.out" 2>&1
    check "an API download cut inside a cell of two lines loses that row alone" \
        grep -q "api_cut.csv：共 4 行，新存 0 件，重复 3 行（工单号已入库），拒收 1 行" "$dir/api_cut.out"
    check "… said to be cut off, to export the whole file again" grep -q \
        "^5,5,resolution_description,文件在第 5 行起的引号里、这个字段的中间结束：文件被截断了？.*请重新导出完整的文件再导入" \
        "$(ls -t "$HARNESS_DIR"/rejects/*.csv | head -n 1)"

    # The website's older 52-column layout: school, garage and ferry columns,
    # no BBL, no Open Data Channel Type, no Resolution Description.
    python3 - "$nyc" "$dir/old.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8')))
old = ('Unique Key,Created Date,Closed Date,Agency,Agency Name,Complaint Type,Descriptor,Location Type,'
       'Incident Zip,Incident Address,Street Name,Cross Street 1,Cross Street 2,Intersection Street 1,'
       'Intersection Street 2,Address Type,City,Landmark,Facility Type,Status,Due Date,'
       'Resolution Action Updated Date,Community Board,Borough,X Coordinate (State Plane),'
       'Y Coordinate (State Plane),Park Facility Name,Park Borough,School Name,School Number,School Region,'
       'School Code,School Phone Number,School Address,School City,School State,School Zip,School Not Found,'
       'School or Citywide Complaint,Vehicle Type,Taxi Company Borough,Taxi Pick Up Location,'
       'Bridge Highway Name,Bridge Highway Direction,Road Ramp,Bridge Highway Segment,Garage Lot Name,'
       'Ferry Direction,Ferry Terminal Name,Latitude,Longitude,Location').split(',')
assert len(old) == 52
out = csv.writer(open(sys.argv[2], 'w', encoding='utf-8', newline=''))
out.writerow(old)
for r in rows[100:120]:
    r['Unique Key'] = '8' + r['Unique Key']
    out.writerow([r.get(c, 'Unspecified' if c.startswith('School') else '') for c in old])
PY
    jiesu import "$dir/old.csv" >"$dir/old.out" 2>&1
    check "the older 52-column layout picks nyc311 by itself" \
        grep -q "old.csv：共 20 行，新存 20 件，重复 0 行（工单号已入库），拒收 0 行，.*导入模板 nyc311（按表头选定）" "$dir/old.out"
    check "… with no warning of unused columns: the profile keeps them in extra" \
        sh -c "! grep -q '没有用上' '$dir/old.out'"
    check_eq "… the school columns kept" 20 \
        "$(sql "SELECT count(*) FROM complaints WHERE ticket_no LIKE '8%' AND extra->>'School Not Found' IS NOT NULL")"
    check_eq "… every row stored once, no value lost" "20 20 0" "$(nothing_lost "$dir/old.csv")"
    wait_for "every NYC request routed" 120 sql_eq "$undecided" 0
    check_eq "routing decides every request of the three layouts (a unit, or the manual queue with why)" 0 "$(sql "$undecided")"
fi
# After the NYC export (whose checks read the first nyc311 import): New
# York's clocks jump forward on 2022-03-13 (02:30 does not exist) and
# fall back on 2022-11-06 (01:30 happens twice): stored one way each, and the
# clerk is told which rows and how they were read, after the summary.
printf 'Unique Key,Created Date,Complaint Type,Descriptor,Location Type\nZ1,03/13/2022 02:30:00 AM,Noise,Loud,Street\nZ2,03/13/2022 03:00:00 AM,Noise,Loud,Street\nZ3,11/06/2022 01:30:00 AM,Noise,Loud,Street\n' >"$dir/summer.csv"
jiesu import "$dir/summer.csv" >"$dir/summer.out" 2>&1
check "a local time summer time skips is told, with how it was read" grep -q \
    "^.*summer.csv：提醒：1 行的来电时间在时区 America/New_York 里不存在：2022-03-13 当地时钟从 02:00 拨快到 03:00，第 2 行的 2022-03-13 02:30:00 就在其间；这样的时间按拨快前的钟点读，存为 03:30:00（UTC-04:00，即 2022-03-13 07:30:00 UTC）" "$dir/summer.out"
check "a local time summer time repeats is told, with which of the two was stored" grep -q \
    "^.*summer.csv：提醒：1 行的来电时间在时区 America/New_York 里出现两次：.*第 4 行的 2022-11-06 01:30:00 就在其间；分不清是哪一遍，按后一遍（UTC-05:00）存，即 2022-11-06 06:30:00 UTC，若是前一遍则实际早 1 小时" "$dir/summer.out"
check_eq "… stored as told" "Z1 07:30|Z2 07:00|Z3 06:30" \
    "$(sql "SELECT string_agg(ticket_no || ' ' || to_char(called_at AT TIME ZONE 'UTC', 'HH24:MI'), '|' ORDER BY ticket_no) FROM complaints WHERE ticket_no IN ('Z1', 'Z2', 'Z3')")"
# People read times in the city's zone (Asia/Shanghai here); a call from a
# file of another zone also says its own local time, with the zone named,
# so a dispatcher is not misled (before, Z2 read 15:00 with nothing more).
check_eq "the import keeps the zone its times were read in" "America/New_York" "$(last_import timezone)"
wait_for "Z2 in the manual queue" 20 sql_eq "SELECT status FROM complaints WHERE ticket_no = 'Z2'" manual
as_role dispatcher "$JIESU_BIN/jiesu" manual --limit 10000 >"$dir/manual.out" 2>&1
check "jiesu manual: Z2's call in the city's time, then New York's local time with the zone named" \
    grep -q '^Z2  *2022-03-13 15:00（当地时间 2022-03-13 03:00 America/New_York）' "$dir/manual.out"
as_role dispatcher "$JIESU_BIN/jiesu" show Z2 >"$dir/show-z2.out" 2>&1
check "… jiesu show and the order page the same" \
    grep -q '来电时间  *2022-03-13 15:00（当地时间 2022-03-13 03:00 America/New_York）' "$dir/show-z2.out"
as_role dispatcher "$JIESU_BIN/jiesu" show D1 >"$dir/show-d1.out" 2>&1
check "… a call of the city's own zone said as before, its zone kept too" \
    eval "grep -q '来电时间  *2024-04-15 22:51\$' '$dir/show-d1.out' &&
          sql_eq \"SELECT i.timezone FROM imports i JOIN complaints c ON c.import_id = i.id WHERE c.ticket_no = 'D1'\" Asia/Shanghai"

# A ticket twice in the file is not one "already stored": the summary tells
# the two apart and names the file that lists the repeats, though no row
# was rejected. (Z2 is the complaint stored above, at its call time: the
# same ticket at another time would be another complaint, refused.)
printf 'Unique Key,Created Date,Complaint Type,Descriptor,Location Type\nZ2,03/13/2022 03:00:00 AM,Noise,Loud,Street\nR1,05/01/2022 12:00:04 AM,Noise,Loud,Street\nR1,05/01/2022 12:00:05 AM,Noise,Party,Street\n' >"$dir/repeat.csv"
jiesu import "$dir/repeat.csv" >"$dir/repeat.out" 2>&1
check "rows repeating a ticket of the file are told apart from tickets stored before, with the file that lists them" grep -q \
    "repeat.csv：共 3 行，新存 1 件，重复 2 行（工单号已入库 1 行，文件里同一工单号又出现 1 行，只存了第一行），拒收 0 行（重复明细：$dir/repeat.拒收明细.csv）" "$dir/repeat.out"

as_role clerk "$JIESU_BIN/jiesu" profiles >"$dir/profiles.out" 2>&1
check "intake still answers after all of it" test $? -eq 0
check "… jiesu profiles describes each profile in Chinese, as a clerk reads it" \
    sh -c "grep -q '12345 热线工单导出（CSV 或 XLSX，UTF-8 或 GBK 编码）' '$dir/profiles.out' &&
           grep -q '纽约市 311 服务请求' '$dir/profiles.out' && ! grep -q ' or \\|service requests' '$dir/profiles.out'"
check "… and their date formats by example, not the profile's keys" \
    sh -c "grep -q '2022-05-01、2022年5月1日、Excel 日期数值' '$dir/profiles.out' && ! grep -q 'ymd' '$dir/profiles.out'"
as_role clerk "$JIESU_BIN/jiesu" profiles 12345 >"$dir/profile-12345.out" 2>&1
check "jiesu profiles 12345 prints a copy to save: a comment saying what to do, then the file as written" \
    sh -c "head -n 1 '$dir/profile-12345.out' | grep -q '^# 12345.conf：复制一份，改好后用 jiesu import --profile 模板文件.conf 导入' &&
           tail -n +2 '$dir/profile-12345.out' | cmp -s - '$REPO/data/profiles/12345.conf'"
for shipped in 12345 nyc311 wenzheng; do as_role clerk "$JIESU_BIN/jiesu" profiles "$shipped"; done >"$dir/copies.out" 2>&1
check "… the copies' comments, which the clerk reads to write one, are Chinese (they were English)" python3 -c '
import re, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.startswith("#")]
sys.exit(not lines or any(not re.search("[\u4e00-\u9fff]", l) for l in lines))' "$dir/copies.out"
"$JIESU_BIN/../tools/bus_call" "$(user_key test-clerk clerk)" intake view.request >"$dir/view.out" 2>&1
check "a view intake has not is refused in Chinese, saying which it has" \
    grep -q '^error: 工单受理服务只给导入模板的视图（profiles \[模板名\]）：请用 jiesu profiles \[模板名\] 查看$' "$dir/view.out"

# --- a profile that does not parse (an administrator's typo) ----------------
# Set aside with its file, line and problem, the others used: before, every
# import stopped on it, whatever the file's layout, and jiesu profiles too.
printf 'timezone = America/New_York\ndates = mdy\nencoding = latin1\nticket_no = Key\ncalled_at = Opened\ncontent = Problem + Problem Detail\n' \
    >"$profiles/typo.conf"
typo="导入模板 typo 有问题，暂不能用：文件 $profiles/typo.conf：第 3 行：编码“latin1”不认识：可写 auto、utf-8、gb18030 或 windows-1252（西文，Latin-1 也按它读）。改好这个文件即可，不必重启工单受理服务"
printf '工单编号,来电时间,诉求内容\nT1,2024-04-16 08:00,井盖缺失\n' >"$dir/beside.csv"
jiesu import "$dir/beside.csv" >"$dir/beside.out" 2>&1
check "a file another profile fits imports beside a broken profile" \
    grep -q "beside.csv：共 1 行，新存 1 件，.*导入模板 12345（按表头选定）" "$dir/beside.out"
jiesu import --profile typo "$dir/renamed.csv" >"$dir/typo-named.out" 2>&1
check "the broken profile named is refused" test $? -ne 0
check "… with its file, line and what to write" grep -qF "$typo" "$dir/typo-named.out"
jiesu import "$dir/renamed.csv" >"$dir/typo-none.out" 2>&1
check "a file no usable profile fits is refused, the closest named" \
    grep -q "renamed.csv：没有哪个导入模板对得上表头（现有模板：12345、nyc311、open311、wenzheng）；导入模板 nyc311（最接近的）" "$dir/typo-none.out"
check "… and the profile set aside, which it may have been exported for" sh -c \
    "grep -q '^另有 1 个导入模板有问题、暂不能用，这个文件也许正该用它导入：$' '$dir/typo-none.out' && grep -qF '$typo' '$dir/typo-none.out'"
jiesu profiles >"$dir/typo-profiles.out" 2>&1
check "jiesu profiles lists the others and the broken one, unusable with its problem" sh -c \
    "grep -q '^12345  *可用' '$dir/typo-profiles.out' &&
     grep -q '^typo  *有问题，暂不能用 .*第 3 行：编码“latin1”不认识：可写 auto、utf-8、gb18030 或 windows-1252（西文，Latin-1 也按它读）$' '$dir/typo-profiles.out' &&
     grep -qF '$typo' '$dir/typo-profiles.out'"
jiesu profiles typo >"$dir/typo-profile.out" 2>&1
check "jiesu profiles typo is refused" test $? -ne 0
check "… saying its problem" grep -qF "$typo" "$dir/typo-profile.out"
"$JIESU_BIN/jiesu" status >"$dir/status.out" 2>&1
check "jiesu status warns of it, before any import needs it" grep -qF "提醒（工单受理服务）：$typo" "$dir/status.out"
svc_kill9 intake; svc_start intake
wait_for "intake back" 20 svc_ready intake
check "intake started again logs it, as jiesu status says it" grep -qF "$typo" "$HARNESS_DIR/intake.log"
sed -i 's/^encoding = latin1$/encoding = auto/' "$profiles/typo.conf"
jiesu profiles >"$dir/fixed-profiles.out" 2>&1
check "fixed, it is listed usable without restarting intake" sh -c \
    "grep -q '^typo  *可用  *America/New_York' '$dir/fixed-profiles.out' && ! grep -q '有问题' '$dir/fixed-profiles.out'"
jiesu import --profile typo "$dir/renamed.csv" >"$dir/fixed.out" 2>&1
check "… and used" grep -q "renamed.csv：共 1 行，新存 0 件，重复 1 行（工单号已入库）.*导入模板 typo（按 --profile 指定）" "$dir/fixed.out"
"$JIESU_BIN/jiesu" status >"$dir/fixed-status.out" 2>&1
check "… and jiesu status no longer warns" sh -c "! grep -q '导入模板' '$dir/fixed-status.out'"
# A template file intake cannot open says why in Chinese (it said the
# system's English: Too many levels of symbolic links).
ln -s loop.conf "$profiles/loop.conf"
jiesu profiles >"$dir/loop-profiles.out" 2>&1
check "a template that cannot be opened is set aside, why in Chinese" \
    grep -q '^loop  *有问题，暂不能用 .*路径中的符号链接太多或成环$' "$dir/loop-profiles.out"
rm -f "$profiles/loop.conf"

# --- the directory itself unreadable: no import can be made -----------------
# jiesu status said nothing of it, nor did intake's log at start.
unread="导入模板目录 $profiles %s：请管理员建好这个目录、放入导入模板（模板名.conf），或改正配置项 intake.profiles_dir"
mv "$profiles" "$profiles.away"
"$JIESU_BIN/jiesu" status >"$dir/gone-status.out" 2>&1
check "jiesu status warns of a profiles directory that is not there" \
    grep -qF "提醒（工单受理服务）：$(printf "$unread" 不存在)" "$dir/gone-status.out"
svc_kill9 intake; svc_start intake
wait_for "intake back" 20 svc_ready intake
check "… and intake logs it when it starts" grep -qF "$(printf "$unread" 不存在)" "$HARNESS_DIR/intake.log"
touch "$profiles"
"$JIESU_BIN/jiesu" status >"$dir/file-status.out" 2>&1
check "… and of one that is a file, not a directory" \
    grep -qF "提醒（工单受理服务）：$(printf "$unread" 不是目录)" "$dir/file-status.out"
rm -f "$profiles"; mv "$profiles.away" "$profiles"
"$JIESU_BIN/jiesu" status >"$dir/back-status.out" 2>&1
check "… and no more once it is back" sh -c "! grep -q '导入模板' '$dir/back-status.out'"
harness_services_stop
