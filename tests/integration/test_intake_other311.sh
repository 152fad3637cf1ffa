# test_intake_other311.sh — the exports of other cities' 311 services and NYC
# 311's other download forms, as a clerk imports them (`as_role clerk jiesu
# import`), each made here in its portal's real layout (headers, value and
# time formats, encoding, separator) with plausible values: NYC Open Data's
# "CSV for Excel (Europe)" (a byte order mark, CRLF, semicolons), "CSV for
# Excel" and "TSV for Excel" (UTF-16), a row Excel saved as Windows-1252
# (refused under nyc311's utf-8, read under encoding = auto; a GBK header
# over such rows, refused as either),
# an Open311 (GeoReport v2) CSV, Chicago's website export (US times of Chicago's clock; no profile fits it,
# and the refusal's first profile, mended, reads it), time zones a clerk
# writes wrong (CST, UTC+8), Unix times and two-digit years, Toronto's (no ticket number), NYC's JSON and
# XML downloads and a web page saved in a failed download's stead. Each
# file either imports with nothing lost and its times right, or is refused
# saying what, where and what to do next.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_intake_other311
harness_services_start
jiesu() { as_role clerk "$JIESU_BIN/jiesu" "$@"; }
dir=$HARNESS_DIR/intake_other311
rm -rf "$dir"; mkdir -p "$dir"
last_import() { sql "SELECT $1 FROM imports ORDER BY id DESC LIMIT 1"; }
# stored TICKET: its content, address, category and call time in UTC.
stored() {
    sql "SELECT concat_ws('|', content, address, category_raw, to_char(called_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))
         FROM complaints WHERE ticket_no = '$1'"
}

# --- NYC 311, "CSV for Excel (Europe)": separated by semicolons -------------
# Before, its header was one column: no profile fitted, the whole header was
# named as the closest column, and the clerk was sent to write a profile,
# which could not have helped.
nyc_head='Unique Key;Created Date;Closed Date;Agency;Agency Name;Complaint Type;Descriptor;Location Type;Incident Zip;Incident Address;Street Name;City;Status;Resolution Description;Borough;Latitude;Longitude;Location'
{
    printf '\xef\xbb\xbf%s\r\n' "$nyc_head"
    printf '%s\r\n' '64049402;05/01/2022 12:00:03 AM;;NYPD;New York City Police Department;Noise - Residential;Loud Music/Party;Residential Building/House;10452;1006 GERARD AVENUE;GERARD AVENUE;BRONX;In Progress;;BRONX;40.83065331987539;-73.92308231033165;"(40.83065331987539, -73.92308231033165)"' \
        '64046813;05/01/2022 12:00:09 AM;05/01/2022 12:07:46 AM;NYPD;New York City Police Department;Noise - Street/Sidewalk;Loud Music/Party;Street/Sidewalk;10027;364 WEST  127 STREET;WEST  127 STREET;NEW YORK;Closed;"The Police Department responded; no action was necessary.";MANHATTAN;40.81237834836466;-73.95240115039357;"(40.81237834836466, -73.95240115039357)"'
} >"$dir/nyc_europe.csv"
jiesu import "$dir/nyc_europe.csv" >"$dir/nyc_europe.out" 2>&1
check "NYC's CSV for Excel (Europe) picks nyc311 by itself and stores every row" \
    grep -q "nyc_europe.csv：共 2 行，新存 2 件，重复 0 行（工单号已入库），拒收 0 行，.*编码 UTF-8 BOM，导入模板 nyc311（按表头选定）" "$dir/nyc_europe.out"
check_eq "… each field from its column, 12:00:03 AM New York's (EDT) stored as 04:00:03 UTC" \
    "Noise - Residential / Loud Music/Party / Residential Building/House|1006 GERARD AVENUE, BRONX, 10452|Noise - Residential|2022-05-01 04:00:03" \
    "$(stored 64049402)"
check_eq "… a semicolon inside quotes is text, the other columns kept in extra" \
    "The Police Department responded; no action was necessary.|05/01/2022 12:07:46 AM|(40.81237834836466, -73.95240115039357)" \
    "$(sql "SELECT concat_ws('|', extra->>'Resolution Description', extra->>'Closed Date', extra->>'Location') FROM complaints WHERE ticket_no = '64046813'")"
# Its requests are New York's: their coordinates lie in no loaded district
# and no place here is named, so each waits in the manual queue as 不在本辖区,
# for the dispatcher to hand back to the hotline (退回热线), where the reason
# said 没有找到地点, as of a local call that merely lacked an address.
nyc_routed="SELECT count(*) FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active
    WHERE c.ticket_no IN ('64049402', '64046813')"
wait_for "the two requests routed" 60 sql_eq "$nyc_routed" 2
check_eq "… each waits in the manual queue as outside the jurisdiction, its coordinates saying why" \
    "manual 不在本辖区：转人工派单 在已加载的区界之外|manual 不在本辖区：转人工派单 在已加载的区界之外" \
    "$(sql "SELECT string_agg(a.role || ' ' || coalesce(substring(a.reasons from '不在本辖区：转人工派单'), '') || ' ' ||
                coalesce(substring(a.reasons from '在已加载的区界之外'), ''), '|' ORDER BY c.ticket_no)
            FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active
            WHERE c.ticket_no IN ('64049402', '64046813')")"

# Its "CSV for Excel" (a byte order mark, CRLF, commas) and "TSV for Excel"
# (UTF-16 little-endian after FF FE, tabs): both read as they are.
sed -e 's/;\("[^"]*"\)\?/,\1/g' "$dir/nyc_europe.csv" | sed '2,$s/^64/74/' >"$dir/nyc_excel.csv"
tr ',' '\t' <"$dir/nyc_excel.csv" | sed '2,$s/^74/84/' | tail -c +4 | iconv -f UTF-8 -t UTF-16LE |
    { printf '\xff\xfe'; cat; } >"$dir/nyc_excel.tsv"
for f in nyc_excel.csv nyc_excel.tsv; do jiesu import "$dir/$f" >"$dir/$f.out" 2>&1; done
check "NYC's CSV for Excel and TSV for Excel pick nyc311 and store every row" sh -c \
    "grep -q 'nyc_excel.csv：共 2 行，新存 2 件，.*编码 UTF-8 BOM，导入模板 nyc311（按表头选定）' '$dir/nyc_excel.csv.out' &&
     grep -q 'nyc_excel.tsv：共 2 行，新存 2 件，.*编码 UTF-16（小端），导入模板 nyc311（按表头选定）' '$dir/nyc_excel.tsv.out'"
check_eq "… the same values as the Europe form's" "$(stored 64049402)|$(stored 64049402)" "$(stored 74049402)|$(stored 84049402)"

# The same export opened in Excel on a Western Windows and saved as its CSV
# (Windows-1252: Ñ is one byte that is no UTF-8): the row is refused saying
# what to do, where it only said the text was neither UTF-8 nor GB18030.
printf '%s\r\n' "$(printf '%s' "$nyc_head" | tr ';' ',')" \
    '64051838,05/01/2022 12:00:21 AM,,NYPD,New York City Police Department,Blocked Driveway,Partial Access,Street/Sidewalk,11214,8106 CALLE NI?O,CALLE NI?O,BROOKLYN,Closed,,BROOKLYN,40.611331690801165,-74.00202773560115,' |
    sed 's/?/\xd1/g' >"$dir/nyc_cp1252.csv"
jiesu import --dry-run "$dir/nyc_cp1252.csv" >"$dir/nyc_cp1252.out" 2>&1
check "a row of a Windows-1252 CSV is refused with what to do" grep -q \
    "^第 2 行（Incident Address）：本字段第 14 个字符起不是 UTF-8 文本（这一行未导入，文件其余部分照常读取）：请在原系统重新导出这一行；这样的行多，多半是文件用别的编码另存过（如西文 Windows 的 Excel 存的 CSV），请另存为“CSV UTF-8（逗号分隔）”后再导入" \
    "$dir/nyc_cp1252.out"

# With encoding = auto (a copy of nyc311 saying so) the same file is read as
# Windows-1252, its Ñ stored as written: it was read as GB18030, where "ÑO"
# is a valid pair, and stored as mojibake without a word.
jiesu profiles nyc311 | sed 's/^encoding = .*/encoding = auto/' >"$dir/nyc_auto.conf"
jiesu import --profile "$dir/nyc_auto.conf" "$dir/nyc_cp1252.csv" >"$dir/nyc_auto.out" 2>&1
check "encoding = auto reads a Windows-1252 CSV as Windows-1252"     grep -q "nyc_cp1252.csv：共 1 行，新存 1 件，.*编码 Windows-1252，导入模板 nyc_auto（随文件附上）" "$dir/nyc_auto.out"
check_eq "… its Spanish street name stored as written" "8106 CALLE NIÑO, BROOKLYN, 11214" \
    "$(sql "SELECT address FROM complaints WHERE ticket_no = '64051838'")"
# A GBK header over rows of Spanish street names in Windows-1252 reads both
# ways: refused, both readings shown and the line to write, not guessed.
{
    printf '工单编号,来电时间,诉求地址,诉求内容\r\n' | iconv -f UTF-8 -t GBK
    printf '%s\r\n' 'ES1,2022-05-01 08:00,8106 CALLE NIÑO,Ruido nocturno' 'ES2,2022-05-01 08:05,Calle Núñez de Balboa 12,Farola apagada' \
        'ES3,2022-05-01 08:09,Travesía Peñalosa 3,Basura en la acera' | iconv -f UTF-8 -t WINDOWS-1252
} >"$dir/both.csv"
jiesu import "$dir/both.csv" >"$dir/both.out" 2>&1
check "a file that reads as GB18030 and as Windows-1252 is refused" test $? -ne 0
check "… showing both readings and the encoding line to write for each" sh -c \
    "grep -q '看不准文件的编码.*按 Windows-1252 读是“8106 CALLE NIÑO”，按 GB18030 读是“8106 CALLE NI.*encoding = gb18030.*encoding = windows-1252' '$dir/both.out'"
check_eq "… storing nothing" 0 "$(sql "SELECT count(*) FROM complaints WHERE ticket_no LIKE 'ES%'")"
# The line written as told, the file reads in that encoding, though the doubt
# was in the header, read before any profile is chosen.
jiesu profiles 12345 | sed 's/^encoding = .*/encoding = gb18030/' >"$dir/gbk.conf"
jiesu import --dry-run --profile "$dir/gbk.conf" "$dir/both.csv" >"$dir/both-gbk.out" 2>&1
check "… and with encoding = gb18030 written, read as GB18030" \
    grep -q "both.csv：试导入，什么也没有存：共 3 行，格式无误 3 行.*编码 GB18030，导入模板 gbk（随文件附上）" "$dir/both-gbk.out"

# --- Open311 (GeoReport v2): a city's requests in the standard's own fields ---
# service_request_id, requested_datetime with its offset, service_code ...:
# the 12345 profile took it by its service_request_id and requested_datetime
# aliases, read under Asia/Shanghai; the open311 profile takes it, each time
# read at its own offset (-04:00, Z).
printf '%s\r\n' 'service_request_id,status,status_notes,service_name,service_code,description,agency_responsible,service_notice,requested_datetime,updated_datetime,expected_datetime,address,address_id,zipcode,lat,long,media_url' \
    '638344,closed,Completed,Pothole Repair,4fd3b167e750846744000005,Large pothole in the right lane,Public Works,,2022-05-01T00:03:45-04:00,2022-05-03T09:12:10-04:00,,1200 W 81ST ST,,60620,41.7468576,-87.6536401,' \
    '638345,open,,Street Light Out,4fd3b656e750846744000008,,Public Works,,2022-05-01T05:15:02Z,2022-05-01T05:15:02Z,,3400 N CLARK ST,,60657,41.9431124,-87.6515503,' \
    >"$dir/georeport.csv"
jiesu import "$dir/georeport.csv" >"$dir/georeport.out" 2>&1
check "an Open311 (GeoReport v2) CSV picks the open311 profile by itself" \
    grep -q "georeport.csv：共 2 行，新存 2 件，重复 0 行（工单号已入库），拒收 0 行，.*导入模板 open311（按表头选定）" "$dir/georeport.out"
check_eq "… each time at its own offset (00:03:45-04:00 is 04:03:45 UTC), no description its service's name" \
    "Large pothole in the right lane|1200 W 81ST ST|Pothole Repair|2022-05-01 04:03:45 Street Light Out|3400 N CLARK ST|Street Light Out|2022-05-01 05:15:02" \
    "$(stored 638344) $(stored 638345)"
check_eq "… its coordinates from lat and long, the other fields kept in extra" "41.7468576 -87.6536401 closed 2022-05-03T09:12:10-04:00" \
    "$(sql "SELECT concat_ws(' ', lat, lon, extra->>'status', extra->>'updated_datetime') FROM complaints WHERE ticket_no = '638344'")"
# The profile's zone, UTC, read none of its times: a time at -04:00 was not
# on UTC's clock. The import recorded UTC, and the order page showed the
# call made at 00:03 New York time as 04:03 当地时间 UTC; it records no zone
# now, says why, and the call's time is the city's alone (a session of the
# city's zone, as the pages and jiesu show have).
check "… the clerk told the times were on another clock than the profile's zone, recorded none" grep -q \
    "1 行的来电时间带的时差不是时区 UTC 当时的时差（第 2 行的 2022-05-01 00:03:45 是 UTC-04:00，UTC 当时是 UTC+00:00）：.*这次导入因此不记时区" \
    "$dir/georeport.out"
check_eq "… no zone recorded for the import, so no 当地时间 in UTC" "none|2022-05-01 12:03" \
    "$(sql "SET TimeZone = 'Asia/Shanghai'; SELECT coalesce(i.timezone, 'none') || '|' || call_time(c, 'YYYY-MM-DD HH24:MI')
              FROM complaints c JOIN imports i ON i.id = c.import_id WHERE c.ticket_no = '638344'")"
jiesu import --dry-run "$dir/georeport.csv" >"$dir/georeport-dry.out" 2>&1
check "… its dry run shows a time at its own offset without the profile's zone beside it, which read none" sh -c \
    "grep -q '^来电时间  *2022-05-01 00:03:45-04:00 = 2022-05-01 04:03:45 UTC$' '$dir/georeport-dry.out' &&
     grep -q '文件里不带时差的时间按 UTC 时区读' '$dir/georeport-dry.out'"
# A copy naming the city whose clock the file's times are on keeps it, and
# the order page shows the call on that clock too.
jiesu profiles open311 | sed 's/^timezone = .*/timezone = America\/New_York/' >"$dir/open311_ny.conf"
printf '%s\r\n' 'service_request_id,service_name,description,requested_datetime,address' \
    '738344,Pothole Repair,Pothole on Broadway,2022-05-01T00:03:45-04:00,Broadway' \
    '738345,Street Light Out,Dark corner,2022-01-15T18:20:00-05:00,5th Ave' >"$dir/georeport-ny.csv"
jiesu import --profile "$dir/open311_ny.conf" "$dir/georeport-ny.csv" >"$dir/georeport-ny.out" 2>&1
check_eq "a copy whose zone had each time's offset (summer and winter) records it, the call shown on its clock" \
    "America/New_York|2022-05-01 12:03（当地时间 2022-05-01 00:03 America/New_York）" \
    "$(sql "SET TimeZone = 'Asia/Shanghai'; SELECT coalesce(i.timezone, 'none') || '|' || call_time(c, 'YYYY-MM-DD HH24:MI')
              FROM complaints c JOIN imports i ON i.id = c.import_id WHERE c.ticket_no = '738344'")"
check "… and says nothing of another clock" fails grep -q '带的时差不是时区' "$dir/georeport-ny.out"

# --- Chicago 311 Service Requests (data.cityofchicago.org, v6vf-nfxy) -------
# The website's export: upper-case snake names, US times of Chicago's clock.
# The clerk's profile, copied from 12345's, keeps its dates = ymd cn excel:
# every row was refused "请向原系统核对这一行的CREATED_DATE", sending the clerk
# to the exporting system row by row; now each says the format the file
# writes and the line that reads it.
chi_head='SR_NUMBER,SR_TYPE,SR_SHORT_CODE,CREATED_DEPARTMENT,OWNER_DEPARTMENT,STATUS,ORIGIN,CREATED_DATE,LAST_MODIFIED_DATE,CLOSED_DATE,STREET_ADDRESS,CITY,STATE,ZIP_CODE,STREET_NUMBER,STREET_DIRECTION,STREET_NAME,STREET_TYPE,DUPLICATE,LEGACY_RECORD,LEGACY_SR_NUMBER,PARENT_SR_NUMBER,COMMUNITY_AREA,WARD,ELECTRICAL_DISTRICT,ELECTRICITY_GRID,POLICE_SECTOR,POLICE_DISTRICT,POLICE_BEAT,PRECINCT,SANITATION_DIVISION_DAYS,CREATED_HOUR,CREATED_DAY_OF_WEEK,CREATED_MONTH,X_COORDINATE,Y_COORDINATE,LATITUDE,LONGITUDE,LOCATION'
printf '%s\n' "$chi_head" \
    'SR22-01234567,Pothole in Street Complaint,PHF,,CDOT - Department of Transportation,Completed,Phone Call,05/01/2022 12:03:45 AM,05/03/2022 09:12:10 AM,05/03/2022 09:12:10 AM,1200 W 81ST ST,CHICAGO,IL,60620,1200,W,81ST,ST,false,false,,,71,21,,,,6,0622,,,0,1,5,1169584.23,1851122.01,41.74685764200721,-87.6536401592609,"(41.74685764200721, -87.6536401592609)"' \
    'SR22-01234568,Street Light Out Complaint,SFD,,CDOT - Department of Transportation,Open,Internet,05/13/2022 01:15:02 PM,05/13/2022 01:15:02 PM,,3400 N CLARK ST,CHICAGO,IL,60657,3400,N,CLARK,ST,false,false,,,6,44,,,,19,1924,,,13,6,5,1169980.5,1923077.7,41.94311245,-87.65155033,"(41.94311245, -87.65155033)"' \
    >"$dir/chicago.csv"
# No profile fits it: the refusal offers a first profile written from its
# header (before: copy the closest shipped profile and rewrite it, its
# New York time zone easily left as it was); saved, its time zone and dates
# mended, it reads the file.
jiesu import "$dir/chicago.csv" >"$dir/chicago-none.out" 2>&1
check "a file no profile fits is refused" test $? -ne 0
check "… offering a profile written from its header, the lines to mend marked" sh -c \
    "grep -q '^或者从这份照文件的表头写的模板改起：存成 模板名.conf，改好标了“改”的行' '$dir/chicago-none.out' &&
     grep -q '^timezone = America/New_York  # 改：文件里的时间是哪里的钟点' '$dir/chicago-none.out' &&
     grep -q '^ticket_no = SR_NUMBER  # 最像工单编号的列；不对就改$' '$dir/chicago-none.out' &&
     grep -q '^content = SR_TYPE  # 最像诉求内容的列；不对就改$' '$dir/chicago-none.out'"
sed -n '/^或者从这份/,$p' "$dir/chicago-none.out" | tail -n +2 | sed \
    -e 's/^timezone = .*/timezone = America\/Chicago/' -e 's/^dates = .*/dates = mdy/' >"$dir/draft.conf"
jiesu import --dry-run --profile "$dir/draft.conf" "$dir/chicago.csv" >"$dir/draft.out" 2>&1
check "… which, its time zone and dates mended, reads every row" \
    grep -q "chicago.csv：试导入，什么也没有存：共 2 行，格式无误 2 行.*导入模板 draft（随文件附上）" "$dir/draft.out"
check "… its times Chicago's" grep -q "^来电时间  *2022-05-01 00:03:45 (America/Chicago) = 2022-05-01 05:03:45 UTC$" "$dir/draft.out"
printf '%s\n' 'description = 芝加哥 311 服务请求' 'timezone = America/Chicago' 'dates = ymd cn excel' \
    'ticket_no = SR_NUMBER' 'called_at = CREATED_DATE' 'content = SR_TYPE' 'category = SR_TYPE' \
    'address = STREET_ADDRESS + CITY + ZIP_CODE' 'address.join = ", "' 'lat = LATITUDE' 'lon = LONGITUDE' >"$dir/chicago.conf"
jiesu import --dry-run --profile "$dir/chicago.conf" "$dir/chicago.csv" >"$dir/chicago-dry.out" 2>&1
check "times in a format the clerk's profile does not name: the format, and the line that reads it" grep -q \
    "^第 3 行（CREATED_DATE）：是“05/01/2022（月/日/年）”这种写法，导入模板 chicago 的 dates = ymd cn excel 里没有：文件里的时间都这样写的话，在模板的副本里写 dates = ymd cn excel mdy，用 --profile 模板文件.conf 再导入$" \
    "$dir/chicago-dry.out"
check "… a time both mdy and dmy read: ask the system which it writes" grep -q \
    "^第 2 行（CREATED_DATE）：是“05/01/2022（月/日/年）”或“01/05/2022（日/月/年）”这种写法，.*问清原系统先写月还是先写日，在模板的副本里写 dates = ymd cn excel mdy 或 dates = ymd cn excel dmy" \
    "$dir/chicago-dry.out"
sed -i 's/^dates = .*/dates = ymd cn excel mdy/' "$dir/chicago.conf"
jiesu import --profile "$dir/chicago.conf" "$dir/chicago.csv" >"$dir/chicago.out" 2>&1
check "with the line written the file imports" \
    grep -q "chicago.csv：共 2 行，新存 2 件，重复 0 行（工单号已入库），拒收 0 行，.*导入模板 chicago（随文件附上）" "$dir/chicago.out"
check_eq "… 12:03:45 AM and 01:15:02 PM of Chicago's clock (CDT, UTC-5) stored right" \
    "Pothole in Street Complaint|1200 W 81ST ST, CHICAGO, 60620|Pothole in Street Complaint|2022-05-01 05:03:45 2022-05-13 18:15:02" \
    "$(stored SR22-01234567) $(sql "SELECT to_char(called_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM complaints WHERE ticket_no = 'SR22-01234568'")"

# Unix times, as some systems' APIs write them, and two-digit years, as Excel
# saves a sheet in its short date format: both got the refusal of a value in
# no known format, to be checked with the system row by row. A Unix time is
# named as one, with its instant and the line that reads it (dates = epoch,
# read as UTC whatever the zone); a two-digit year, never read, says so and
# to ask for four digits.
printf '%s\n' 'SR22-0900001,Pothole in Street Complaint,1651363203,1200 W 81ST ST,CHICAGO,60620' \
    'SR22-0900002,Street Light Out Complaint,1651363203123,3400 N CLARK ST,CHICAGO,60657' \
    'SR22-0900003,Graffiti Removal Request,5/1/22 0:03,3400 N CLARK ST,CHICAGO,60657' |
    { echo 'SR_NUMBER,SR_TYPE,CREATED_DATE,STREET_ADDRESS,CITY,ZIP_CODE'; cat; } >"$dir/epoch.csv"
jiesu import --dry-run --profile "$dir/chicago.conf" "$dir/epoch.csv" >"$dir/epoch-dry.out" 2>&1
check "a Unix time is refused as one, with its instant and the dates line that reads it" grep -q \
    "^第 2 行（CREATED_DATE）：是 Unix 时间戳（1970-01-01 UTC 起的秒数，“1651363203”即 2022-05-01 00:00:03 UTC），导入模板 chicago 的 dates = ymd cn mdy excel 里没有这种写法：.*dates = ymd cn mdy excel epoch" \
    "$dir/epoch-dry.out"
check "… a two-digit year as one, asking for four digits" grep -q \
    "^第 4 行（CREATED_DATE）：年份只写了两位（“5/1/22 0:03”这样的写法）.*请让原系统导出四位数年份的时间" "$dir/epoch-dry.out"
sed 's/^dates = .*/dates = mdy epoch/' "$dir/chicago.conf" >"$dir/chicago_epoch.conf"
jiesu import --profile "$dir/chicago_epoch.conf" "$dir/epoch.csv" >"$dir/epoch.out" 2>&1
check "with dates = epoch the Unix times import, the two-digit year refused" \
    grep -q "epoch.csv：共 3 行，新存 2 件，重复 0 行（工单号已入库），拒收 1 行（" "$dir/epoch.out"
check_eq "… seconds and milliseconds the same UTC instant, whatever the profile's zone" \
    "2022-05-01 00:00:03 2022-05-01 00:00:03" \
    "$(sql "SELECT string_agg(to_char(called_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), ' ' ORDER BY ticket_no) FROM complaints WHERE ticket_no LIKE 'SR22-09%'")"

# Time zones a clerk writes that PostgreSQL reads otherwise: CST (China's
# standard time, or America's central?) passed the profile's check and the
# import then failed in PostgreSQL's English (invalid value for parameter
# "TimeZone"), its dry run showing "= ?" for every time; UTC+8 was read as
# UTC-08:00 (POSIX), every time 16 hours off, without a word.
sed 's/^timezone = .*/timezone = CST/' "$dir/chicago.conf" >"$dir/cst.conf"
jiesu import --dry-run --profile "$dir/cst.conf" "$dir/chicago.csv" >"$dir/cst.out" 2>&1
check "timezone = CST is refused before any row, in Chinese, with the names to write" sh -c \
    "grep -q '导入模板 cst：时区“CST”不是时区名（CST、PST 这样的缩写有歧义，也不管夏令时：CST 既是中国标准时间，也是美国中部时间）：请写地区的时区名，如北京时间 Asia/Shanghai、芝加哥 America/Chicago' '$dir/cst.out' &&
     ! grep -q 'TimeZone\|invalid\|= ?' '$dir/cst.out'"
printf '%s\n' 'timezone = UTC+8' 'dates = ymd' 'ticket_no = 工单编号' 'called_at = 来电时间' 'content = 诉求内容' >"$dir/utc8.conf"
printf '工单编号,来电时间,诉求内容\nU8-1,2024-04-15 22:51,路灯不亮\n' >"$dir/utc8.csv"
jiesu import --profile "$dir/utc8.conf" "$dir/utc8.csv" >"$dir/utc8.out" 2>&1
check "timezone = UTC+8 is refused saying how PostgreSQL would read it" grep -q \
    "导入模板 utc8（随文件附上）：第 1 行：时区“UTC+8”会被读成 UTC-08:00（POSIX 的写法，东西颠倒），文件里的时间会差 16 小时：请写地区的时区名，如北京时间 Asia/Shanghai" \
    "$dir/utc8.out"
check_eq "… nothing stored 16 hours off" 0 "$(sql "SELECT count(*) FROM complaints WHERE ticket_no = 'U8-1'")"

# --- Toronto 311 Service Requests (open.toronto.ca): no ticket number -------
# Nine columns, the first the creation time with seven decimals of a second,
# none a number of the request. The clerk's profile cannot name one: it is
# refused saying the line to add, and that a file without one cannot be
# imported, and why (before: 必填字段 ticket_no 没有写对应的列, no more).
printf '%s\n' 'Creation Date,Status,First 3 Chars of Postal Code,Intersection Street 1,Intersection Street 2,Ward,Service Request Type,Division,Section' \
    '2025-01-01 00:01:05.0000000,Completed,M8Y,Lakeshore Blvd W,,Etobicoke-Lakeshore (03),Road Pothole / Road Damage,Transportation Services,Road Operations' \
    >"$dir/toronto.csv"
printf '%s\n' 'timezone = America/Toronto' 'dates = ymd' 'called_at = Creation Date' \
    'content = Service Request Type + Division + Section' 'address = Intersection Street 1 + Intersection Street 2' >"$dir/toronto.conf"
jiesu import --profile "$dir/toronto.conf" "$dir/toronto.csv" >"$dir/toronto.out" 2>&1
check "a profile naming no ticket number column is refused" test $? -ne 0
check "… with the line to add, and why a file without one cannot be imported" grep -qF \
    "导入模板 toronto（随文件附上）：必填字段 工单编号（ticket_no）没有写对应的列：加一行 \`ticket_no = 列名\`（文件里放工单编号的列；几列合成的用 + 连起来）；文件里根本没有工单编号（如多伦多 311 的公开数据）就导入不了：每件工单凭工单编号只存一次，同一个文件再导入也不会重复存" \
    "$dir/toronto.out"

# --- NYC 311 downloaded as JSON or XML: data, but no table ------------------
# The portal's "Export → JSON" (rows.json: meta, then the rows as arrays),
# the API's JSON (an object a row), a GeoJSON of a map export, the portal's
# XML. Before, each was read as a CSV and refused as a header no profile
# fitted, its closest "columns" pieces of JSON ({"unique_key": "54046813").
printf '{"meta" : {"view" : {"id" : "erm2-nwe9", "name" : "311 Service Requests from 2010 to Present", "columns" : [{"id" : -1, "name" : "sid", "fieldName" : ":sid"}, {"id" : 1, "name" : "Unique Key", "fieldName" : "unique_key"}]}},\n"data" : [ [ "row-x7k2", "54049402" ] ] }\n' >"$dir/nyc_rows.json"
printf '[{"unique_key":"54049402","created_date":"2022-05-01T00:00:03.000","agency":"NYPD","complaint_type":"Noise - Residential"}\n,{"unique_key":"54046813","created_date":"2022-05-01T00:00:09.000","agency":"NYPD","complaint_type":"Noise - Street/Sidewalk"}]\n' >"$dir/nyc_api.json"
printf '\xef\xbb\xbf{\n  "type": "FeatureCollection",\n  "features": []\n}\n' >"$dir/nyc.geojson"
printf '<?xml version="1.0" encoding="UTF-8"?><response><row><row _id="row-x7k2"><unique_key>54049402</unique_key></row></row></response>\n' >"$dir/nyc_rows.xml"
for f in nyc_rows.json nyc_api.json nyc.geojson nyc_rows.xml; do
    jiesu import "$dir/$f" >"$dir/$f.out" 2>&1
    echo "rc=$?" >>"$dir/$f.out"
done
check "a JSON download is refused as one, not as a header, with where to get a table" sh -c \
    "grep -q '^jiesu: 导入 $dir/nyc_rows.json：这是 JSON 文件（开放数据网站导出或接口下载的数据），不是表格，读不了：请在原网站改选 CSV 格式下载（导出里的 CSV），再导入；这个文件一行也没有存$' '$dir/nyc_rows.json.out' && grep -q '^rc=1$' '$dir/nyc_rows.json.out'"
check "… the API's JSON and a GeoJSON (with a byte order mark) the same" sh -c \
    "grep -q '：这是 JSON 文件' '$dir/nyc_api.json.out' && grep -q '：这是 JSON 文件' '$dir/nyc.geojson.out' && ! grep -q '对不上表头' '$dir/nyc_api.json.out'"
check "… and an XML download as XML" grep -q "nyc_rows.xml：这是 XML 文件（开放数据网站导出或接口下载的数据），不是表格，读不了：请在原网站改选 CSV 格式下载" "$dir/nyc_rows.xml.out"
printf '<!DOCTYPE html>\n<html lang="en"><head><title>311 Service Requests | NYC Open Data</title></head><body></body></html>\n' >"$dir/nyc_page.csv"
jiesu import "$dir/nyc_page.csv" >"$dir/nyc_page.out" 2>&1
check "… and a web page saved as the download, which failed, as a web page" grep -q \
    "nyc_page.csv：这是网页（HTML），不是表格，读不了：下载多半没有成功，存下的是网站的页面；请在原网站重新下载 CSV 格式的文件，再导入" \
    "$dir/nyc_page.out"
check_eq "… each recorded failed, with why" "4 failed 这是 JSON 文件 这是 XML 文件" \
    "$(sql "SELECT count(*) || ' ' || string_agg(DISTINCT status, ',') || ' ' || string_agg(DISTINCT split_part(error, '（', 1), ' ') FROM imports WHERE file_name ~ '^nyc(_rows|_api|)\.(json|geojson|xml)$'")"

harness_services_stop
