# test_import_failed.sh — an import that stops part way tells the clerk what
# it stored and what to do, at the terminal and on the workbench: a file read
# as GBK that turns to UTF-8 after its first two batches (intake.batch_rows
# 10 here) stops there, the two batches stored. `jiesu import` names the
# import's number, the rows stored and that the same file stores nothing
# twice, and fetches the rejects of the stored part beside the file as after
# a whole import; the import is recorded failed with the stored part's
# counts, and `jiesu import --rejects N` fetches its rejects. Sent again as it
# is, the file stops at the same place and stores nothing twice; on the page
# the same, with the download link, and the recent imports link the failed
# import's rejects; mended, the file stores the rest, each ticket once.
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
web_stack jiesu_import_failed "intake.batch_rows = 10"
web_user web-clerk clerk
jar=$WEB_DIR/clerk.jar
dir=$WEB_DIR
mkdir -p "$dir/clerk" "$dir/fetch" "$dir/mended"
server_copy() { echo "$HARNESS_DIR/rejects/import-$1-rejects.csv"; }
last_import() { sql "SELECT $1 FROM imports ORDER BY id DESC LIMIT 1"; }
tickets() { sql "SELECT count(*) || ' ' || count(DISTINCT ticket_no) FROM complaints WHERE ticket_no LIKE 'FI%'"; }

# Rows 1–24 in GBK: row 3's call time and row 15's content are refused, row
# 5 repeats row 1's ticket, row 22's call time is refused too (after the
# stored part). Rows 25–30, pasted from elsewhere, are UTF-8.
row() { printf 'FI%02d,%s,沙子口,%s,王芳,13800138000\r\n' "$1" "${2:-2021-05-30 10:57}" "${3-路灯不亮}"; }
{
    printf '工单编号,来电时间,诉求地址,诉求内容,来电人,联系电话\r\n'
    for i in $(seq 24); do
        case $i in 3|22) row "$i" 昨天 ;; 5) row 1 ;; 15) row "$i" "" "" ;; *) row "$i" ;; esac
    done
} >"$dir/head.csv"
for i in $(seq 25 30); do row "$i"; done >"$dir/tail.csv"
iconv -f UTF-8 -t GB18030 "$dir/head.csv" >"$dir/clerk/calls.csv"
cat "$dir/tail.csv" >>"$dir/clerk/calls.csv"

# --- at the terminal ---------------------------------------------------------
as_role clerk "$JIESU_BIN/jiesu" import "$dir/clerk/calls.csv" >"$dir/import.out" 2>&1
check "the import stops part way: jiesu import fails" test $? -ne 0
id=$(last_import id)
check "… naming the import's number and why it stopped" \
    grep -q "^$dir/clerk/calls.csv：第 $id 号导入没有做完：文件按 GB18030（GBK）编码读，第 26 行起却有 UTF-8 编码的中文" "$dir/import.out"
check "… the rows stored, that the file is to be mended, and that nothing is stored twice" \
    grep -q "表头之后的前 20 条记录已存（新存 17 件），其余没有存：请按上面说的改好文件后再导入，照原样再导入会停在同一处（已存的行算作重复，不会重复立案）" \
    "$dir/import.out"
local_file=$dir/clerk/calls.拒收明细.csv
check "… the stored part's summary, its rejects fetched beside the file" \
    grep -q "^$dir/clerk/calls.csv：停下前导入的部分：共 20 行，新存 17 件，重复 1 行（工单号已入库 0 行，文件里同一工单号又出现 1 行，只存了第一行），拒收 2 行（拒收和重复明细：$local_file）" \
    "$dir/import.out"
check_eq "recorded failed, with the stored part's counts" "failed 20 17 1 2 test-clerk" \
    "$(sql "SELECT status || ' ' || rows_total || ' ' || inserted || ' ' || duplicates || ' ' || rejected || ' ' || imported_by
              FROM imports WHERE id = $id")"
check_eq "the two batches are stored" "17 17" "$(tickets)"
check "the rejects file is intake's bytes" cmp "$local_file" "$(server_copy "$id")"
check "… the stored part's refused and repeated rows" \
    sh -c "grep -q '^4,4,来电时间,.*,昨天\$' '$local_file' && grep -q '^6,6,工单编号,工单编号重复：第 2 条记录也是这个编号' '$local_file' &&
           grep -q '^16,16,诉求内容,这一行的诉求内容是空的' '$local_file'"
check_eq "… and no row after it (read again with the rest)" 4 "$(grep -c '' "$local_file")"
(cd "$dir/fetch" && as_role clerk "$JIESU_BIN/jiesu" import --rejects "$id") >"$dir/fetch.out" 2>&1
check "jiesu import --rejects fetches the failed import's rejects" \
    sh -c "test $? -eq 0 && cmp '$dir/fetch/calls.拒收明细.csv' '$(server_copy "$id")'"

as_role clerk "$JIESU_BIN/jiesu" import "$dir/clerk/calls.csv" >"$dir/again.out" 2>&1
check "sent again as it is: it stops at the same place" \
    grep -q "第 $((id + 1)) 号导入没有做完：文件按 GB18030（GBK）编码读，第 26 行起" "$dir/again.out"
check "… storing nothing twice" \
    grep -q "表头之后的前 20 条记录已存（新存 0 件）.*停下前导入的部分：共 20 行，新存 0 件，重复 18 行" \
    <(tr -d '\n' <"$dir/again.out")
check_eq "… each ticket once" "17 17" "$(tickets)"

# --- on the workbench --------------------------------------------------------
check_eq "the clerk signs in" 303 "$(web_signin "$jar" web-clerk)"
csrf=$(web_csrf "$jar" /work/import)
status=$(curl -s -b "$jar" -o "$dir/answer.html" -w '%{http_code}' -F "csrf=$csrf" -F "profile=" \
    -F "file=@$dir/clerk/calls.csv" "$WEB_BASE/work/import")
web_id=$(last_import id)
check_eq "on the page the import stops part way too" 409 "$status"
check "… the page says the number, the rows stored, that nothing is stored twice" \
    grep -q "文件“calls.csv”的第 $web_id 号导入没有做完：文件按 GB18030.*表头之后的前 20 条记录已存（新存 0 件）.*（已存的行算作重复，不会重复立案）" \
    "$dir/answer.html"
check "… the stored part's summary and the link to its rejects" \
    grep -q "calls.csv：停下前导入的部分：共 20 行，新存 0 件，重复 18 行.*拒收 2 行。<a href=\"/work/import/rejects?id=$web_id\">下载拒收明细</a>" \
    "$dir/answer.html"
check_eq "the link downloads" 200 "$(curl -s -b "$jar" -o "$dir/web-rejects.csv" -w '%{http_code}' \
    "$WEB_BASE/work/import/rejects?id=$web_id")"
check "… intake's bytes, the stored part's refused rows" \
    sh -c "cmp '$dir/web-rejects.csv' '$(server_copy "$web_id")' && test \"\$(grep -c '' '$dir/web-rejects.csv')\" = 3"
check_eq "the import page again" 200 "$(web_get "$jar" /work/import)"
check "… lists the import as failed, the start of why, the whole under 看全文, the link to its rejects" \
    grep -q "<td data-label=\"编号\">$web_id</td>.*<td data-label=\"状态\">导入失败</td><td data-label=\"失败原因\">文件按 GB18030（GBK）编码读，第 26 行起[^<]*…<details class=\"whole\"><summary>看全文</summary><div>文件按 GB18030.*（已存的行算作重复，不会重复立案）</div></details></td>.*/work/import/rejects?id=$web_id\"" \
    <(tr -d '\n' <"$WEB_DIR/body")
check_eq "… each ticket still once" "17 17" "$(tickets)"

# --- mended ------------------------------------------------------------------
{ cat "$dir/head.csv"; cat "$dir/tail.csv"; } >"$dir/mended/calls.csv"
as_role clerk "$JIESU_BIN/jiesu" import "$dir/mended/calls.csv" >"$dir/mended.out" 2>&1
check "mended, the file imports" test $? -eq 0
check "… storing the rest, the stored rows counted as repeated" \
    grep -q "^$dir/mended/calls.csv：共 30 行，新存 9 件，重复 18 行（工单号已入库）" "$dir/mended.out"
check_eq "every ticket of the file stored once" "26 26" "$(tickets)"
harness_services_stop
