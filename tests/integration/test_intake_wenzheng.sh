# test_intake_wenzheng.sh — the messages of a city's 问政 platform (the
# wenzheng profile) in every form the 8th Teddy Cup's 智慧政务 data came in,
# imported as a clerk imports them and routed: a tab-separated export of our
# own words always; and, made at run time from the real messages of
# ../shared/data/complaints (not in the repository; skipped, saying so, when
# absent) by tests/tools/wenzheng_files.py, the labelled messages as a
# workbook (numbers and Excel serial times) and as CSV UTF-8 with a BOM and
# CRLF, the hot-issue messages (点赞数, 反对数, no label) tab-separated in
# UTF-8 and in GB18030, the answered ones (答复意见, 答复时间) in GB18030
# and as a workbook whose times are date cells (kept as the times they show):
# each picks the profile by its header, every row is stored or refused with
# its row and what to do, no value is lost, the times are Shanghai's, and
# routing decides every message.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_intake_wenzheng
harness_services_start
jiesu() { as_role clerk "$JIESU_BIN/jiesu" "$@"; }
dir=$HARNESS_DIR/intake_wenzheng
rm -rf "$dir"; mkdir -p "$dir"
src=$REPO/../shared/data/complaints/teddycup2020_train.csv
tool=$REPO/tests/tools/wenzheng_files.py
# Every stored message as wenzheng_files.py check reads them: a letter
# routing split keeps its accusing sentences in its conduct part (ticket -J),
# which has the whole text.
stored() {
    psql "$JIESU_PG_CONNINFO" -XAtq -F $'\t' -c "SELECT ticket_no,
        coalesce((SELECT j.content FROM complaints j WHERE j.link_id = c.id), content), coalesce(category_raw, ''),
        coalesce(caller_name, ''), to_char(called_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), extra::text
        FROM complaints c WHERE link_id IS NULL"
}
undecided="SELECT count(*) FROM complaints c WHERE c.status NOT IN ('dispatched', 'manual')
    OR NOT EXISTS (SELECT 1 FROM assignments a WHERE a.complaint_id = c.id AND a.active
                   AND a.role IN ('owner', 'manual') AND a.reasons <> '')"

# --- tab-separated, our own words --------------------------------------------
# Before, the header was read as one column and no profile fitted the file.
printf '留言编号\t留言用户\t留言主题\t留言时间\t留言详情\r\nT-1\tU1\t楼道灯坏了\t2020-01-06 12:09:38\t"\n\t\t三单元楼道灯坏了,\n\t\t晚上看不见"\r\nT-2\tU2\t"噪音, 扰民"\t2019/4/25 9:32:09\t夜里施工\r\n' >"$dir/own.tsv"
jiesu import "$dir/own.tsv" >"$dir/own.out" 2>&1
check "a tab-separated export picks the wenzheng profile by its header" \
    grep -q "own.tsv：共 2 行，新存 2 件，重复 0 行（工单号已入库），拒收 0 行，.*导入模板 wenzheng（按表头选定）" "$dir/own.out"
check_eq "… split at its tabs: a comma is text, a quoted body keeps its lines and tabs as one field" \
    "楼道灯坏了：三单元楼道灯坏了, 晚上看不见 2020-01-06 04:09:38|噪音, 扰民：夜里施工 2019-04-25 01:32:09" \
    "$(sql "SELECT string_agg(content || ' ' || to_char(called_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), '|' ORDER BY ticket_no) FROM complaints WHERE ticket_no LIKE 'T-%'")"

# A message numbered T-1 from another series (the platform numbers each
# export's messages its own way) is another message, not T-1 again: it is
# refused and listed with what to do, in the file's words, where it was
# counted as a duplicate and listed nowhere; T-2 at its time is T-2 again,
# counted only. A row refused names the columns as the file does (留言时间,
# where it said 来电时间) and says what to do (an empty message was
# 必填项为空（诉求内容）).
own=$(sql "SELECT max(id) FROM imports")
printf '留言编号\t留言用户\t留言主题\t留言时间\t留言详情\nT-1\tU9\t路灯不亮\t2020-02-01 08:00:00\t小区路灯不亮\nT-3\tU3\t噪音\t2020/2/30 9:00:00\t夜里施工\nT-4\tU4\t\t2020-02-03 10:00:00\t \nT-2\tU2\t噪音, 扰民\t2019/4/25 9:32:09\t夜里施工\n' >"$dir/more.tsv"
jiesu import "$dir/more.tsv" >"$dir/more.out" 2>&1
check "another message under a stored number is refused and counted apart" \
    grep -q "more.tsv：共 4 行，新存 0 件，重复 1 行（工单号已入库），拒收 3 行，其中工单号已被另一件诉求占用的 1 行（拒收明细：$dir/more.拒收明细.csv）" "$dir/more.out"
check "… listed with the stored message's time and what to do, in the file's words" \
    grep -qx "2,2,留言编号,留言编号 T-1 已由第 $own 号导入存为另一件诉求（留言时间 2020-01-06 12:09:38，与这一行的 2020-02-01 08:00:00 不同）：不是同一件诉求时，请在原系统核对留言编号，改正后再导入这一行,T-1" "$dir/more.拒收明细.csv"
check_eq "… T-1 is still the message stored" "1 楼道灯坏了" \
    "$(sql "SELECT count(*) || ' ' || min(split_part(content, '：', 1)) FROM complaints WHERE ticket_no = 'T-1'")"
check "a date that is no date names 留言时间" \
    grep -q "^3,3,留言时间,格式对，却不是真实的日期时间.*请向原系统核对这一行的留言时间,2020/2/30 9:00:00$" "$dir/more.拒收明细.csv"
check "an empty message names its two columns and says what to do" \
    grep -q "^4,4,留言主题、留言详情,这一行的留言主题、留言详情都是空的：请在原系统补上诉求内容后再导入这一行,$" "$dir/more.拒收明细.csv"
check_eq "… and no other row (T-2 again is counted only)" 4 "$(grep -c '' "$dir/more.拒收明细.csv")"

# A letter accusing the officials of a place outside the district (as 53 of
# the 1,842 real messages do: 作风用语“不作为”指向环保局 of A市) is not this
# district's to judge: it waits in the manual queue saying so, where it was
# dispatched to the district's discipline inspection as if its own officials
# were accused; so does one that reports a factory there in the same breath.
printf '留言编号\t留言用户\t留言主题\t留言时间\t留言详情\nT-5\tU5\t环保局不作为\t2020-02-04 10:00:00\tA市A3区环保局工作人员不作为，对投诉踢皮球。\nT-6\tU6\t工厂排污\t2020-02-05 10:00:00\tA市A3区一家工厂夜里向河里排污，河水发黑发臭。环保局工作人员不作为，对投诉踢皮球。\n' >"$dir/conduct.tsv"
jiesu import "$dir/conduct.tsv" >"$dir/conduct.out" 2>&1
conduct_decided="SELECT count(*) FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active
    WHERE c.ticket_no LIKE 'T-5%' OR c.ticket_no LIKE 'T-6%'"
wait_for "the letters from outside routed" 60 sql_eq "$conduct_decided" 2
check_eq "a letter accusing officials outside the district waits for a dispatcher, none dispatched" \
    "T-5 manual 不在本辖区|T-6 manual 不在本辖区" \
    "$(sql "SELECT string_agg(c.ticket_no || ' ' || a.role || ' ' || coalesce(substring(a.reasons from '不在本辖区'), ''), '|' ORDER BY c.ticket_no)
            FROM complaints c JOIN assignments a ON a.complaint_id = c.id AND a.active
            WHERE c.ticket_no LIKE 'T-5%' OR c.ticket_no LIKE 'T-6%'")"

# --- the Teddy Cup's files, made from the real messages -----------------------
if [ ! -f "$src" ]; then
    echo "  skip the Teddy Cup layouts: $src is not there (../shared/data/complaints)"
else
    python3 "$tool" make "$src" "$dir"
    "$JIESU_BIN/../tools/csv2xlsx" --numbers "$dir/附件2表.csv" "$dir/附件2.xlsx"
    "$JIESU_BIN/../tools/csv2xlsx" --numbers "$dir/附件4表.csv" "$dir/附件4.xlsx"
    for f in 附件2.xlsx 附件2.csv 附件3.tsv 附件3.txt 附件4.csv 附件4.xlsx; do
        jiesu import "$dir/$f" >"$dir/$f.out" 2>&1
        check "$f is imported" test $? -eq 0
    done
    check "the workbook: every message stored, read with the wenzheng profile" \
        grep -q "附件2.xlsx：共 30 行，新存 30 件，重复 0 行（工单号已入库），拒收 0 行，.*编码 XLSX，导入模板 wenzheng（按表头选定）" "$dir/附件2.xlsx.out"
    check "CSV UTF-8 with a BOM and CRLF: every message stored but the two that cannot be" \
        grep -q "附件2.csv：共 32 行，新存 30 件，重复 0 行（工单号已入库），拒收 2 行（拒收明细：$dir/附件2.拒收明细.csv），.*编码 UTF-8 BOM，导入模板 wenzheng（按表头选定）" "$dir/附件2.csv.out"
    check "… the date that is no date refused by its row, to check its 留言时间 with the platform" \
        grep -q "^32,[0-9]*,留言时间,格式对，却不是真实的日期时间.*请向原系统核对这一行的留言时间,2019/2/30 9:32:09" "$dir/附件2.拒收明细.csv"
    check "… the message with neither subject nor body refused by its row, saying which columns are empty and what to do" \
        grep -q "^33,[0-9]*,留言主题、留言详情,这一行的留言主题、留言详情都是空的：请在原系统补上诉求内容后再导入这一行," "$dir/附件2.拒收明细.csv"
    check "the hot-issue messages, tab-separated in UTF-8 with a BOM" \
        grep -q "附件3.tsv：共 30 行，新存 30 件，重复 0 行（工单号已入库），拒收 0 行，.*编码 UTF-8 BOM，导入模板 wenzheng（按表头选定）" "$dir/附件3.tsv.out"
    check "… and in GB18030" \
        grep -q "附件3.txt：共 30 行，新存 30 件，重复 0 行（工单号已入库），拒收 0 行，.*编码 GB18030，导入模板 wenzheng（按表头选定）" "$dir/附件3.txt.out"
    check "the answered messages in GB18030" \
        grep -q "附件4.csv：共 30 行，新存 30 件，重复 0 行（工单号已入库），拒收 0 行，.*编码 GB18030，导入模板 wenzheng（按表头选定）" "$dir/附件4.csv.out"
    check "the answered messages as a workbook, their times date cells" \
        grep -q "附件4.xlsx：共 30 行，新存 30 件，重复 0 行（工单号已入库），拒收 0 行，.*编码 XLSX，导入模板 wenzheng（按表头选定）" "$dir/附件4.xlsx.out"
    check "no column is said to be unused: the votes and replies are the profile's extra" \
        sh -c "! grep -q '没有用上' '$dir'/*.out"
    # Each value in a field or in extra, each time as Shanghai's in UTC
    # (2019/1/2 0:05:07 local is 2019-01-01 16:05:07 UTC).
    wait_for "every message routed" 120 sql_eq "$undecided" 0
    stored >"$dir/stored.tsv"
    python3 "$tool" check "$dir" "$dir/stored.tsv" >"$dir/lost.out" 2>&1
    check_eq "every message stored once, no value lost, every time right" "180 180 0" "$(tail -n 1 "$dir/lost.out")"
    # A date cell in extra is the date and time it shows, not its serial
    # (43524.262234…), which nobody reads as a time.
    check_eq "… a reply's time, a date cell of the workbook, kept as the time it shows" "2019-02-28 06:17:37" \
        "$(sql "SELECT extra->>'答复时间' FROM complaints WHERE ticket_no = '3549'")"
    check_eq "… the first message's time, in UTC" "2019-01-01 16:05:07" \
        "$(sql "SELECT to_char(called_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM complaints WHERE ticket_no = '100000'")"
    check_eq "the import keeps the zone its times were read in" "Asia/Shanghai" \
        "$(sql "SELECT string_agg(DISTINCT timezone, ' ') FROM imports")"
fi
wait_for "every message routed" 120 sql_eq "$undecided" 0
check_eq "routing decides every message (a unit, or the manual queue with why)" 0 "$(sql "$undecided")"
harness_services_stop
