# test_intake_other311.sh — the exports of other cities' 311 services and NYC
# 311's other download forms, as a clerk imports them (`as_role clerk jiesu
# import`), each made here in its portal's real layout (headers, value and
# time formats, encoding, separator) with plausible values: NYC Open Data's
# "CSV for Excel (Europe)" (a byte order mark, CRLF, semicolons); each file
# either imports with nothing lost and its times right, or is refused saying
# what, where and what to do next.
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

harness_services_stop
