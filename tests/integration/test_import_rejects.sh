# test_import_rejects.sh — the rows an import refused or found repeated
# reach the clerk who imported, on the clerk's own machine: `jiesu import`
# fetches the rejects file over the bus into a new file beside the imported
# one (0600, never over a file already there), the same bytes as intake's
# copy, which stays; a rejects file of several MiB comes in chunks; `jiesu
# import --rejects N` fetches it again, for that clerk or an administrator,
# and refuses another clerk and a dispatcher in words, each fetch and
# refusal logged with who asked; a dry run writes no rejects file.
# Sourced by tests/run.sh (uses tests/harness.sh).

harness_fresh_db jiesu_import_rejects
harness_services_start
jiesu() { "$JIESU_BIN/jiesu" "$@"; }
dir=$HARNESS_DIR/import_rejects
rm -rf "$dir"; mkdir -p "$dir/clerk" "$dir/other" "$dir/again" "$dir/admin" "$dir/dry" "$dir/big"
last_import() { sql "SELECT $1 FROM imports ORDER BY id DESC LIMIT 1"; }
server_copy() { echo "$HARNESS_DIR/rejects/import-$1-rejects.csv"; }

# --- an import with bad rows, as a clerk ------------------------------------
{
    printf '\xef\xbb\xbf工单编号,来电时间,诉求地址,诉求内容,来电人,联系电话\r\n'
    printf 'R1,2021-05-30 10:57,沙子口,路灯不亮,王芳,13800138000\r\n'
    printf 'R2,昨天,沙子口,时间不对,李强,13900139000\r\n'
    printf 'R3,2021-05-30 11:00,沙子口,,赵敏,13700137000\r\n'
    printf 'R1,2021-05-31 09:00,沙子口,又打来了,王芳,13800138000\r\n'
    printf 'R4,2021-05-30 12:00,中韩,井盖松动,孙丽,13600136000\r\n'
} >"$dir/clerk/calls.csv"
local_file=$dir/clerk/calls.拒收明细.csv
(cd "$dir/other" && as_role clerk jiesu import "$dir/clerk/calls.csv") >"$dir/import.out" 2>&1
check "an import with bad rows succeeds" test $? -eq 0
id=$(last_import id)
check_eq "rows, inserted, duplicates, rejected" "5 2 1 2" \
    "$(last_import "rows_total || ' ' || inserted || ' ' || duplicates || ' ' || rejected")"
check "the rejects file is on the clerk's machine, beside the imported file" test -f "$local_file"
check "the summary names the local file, in Chinese" grep -q "（拒收和重复明细：$local_file）" "$dir/import.out"
check "the summary no longer names intake's path" fails grep -q "$HARNESS_DIR/rejects" "$dir/import.out"
check_eq "the local file is the clerk's only (it holds callers' names and phones)" 600 "$(stat -c %a "$local_file")"
check "intake keeps its copy" test -f "$(server_copy "$id")"
check "the local file has intake's bytes" cmp "$local_file" "$(server_copy "$id")"
check_eq "UTF-8 with a BOM and the columns of a rejects file" "$(printf '\xef\xbb\xbf记录,文件行号,列,原因,原值')" \
    "$(head -n 1 "$local_file")"
check "the row whose call time is not one" grep -q '^3,3,来电时间,.*,昨天$' "$local_file"
check "the row without content" grep -q '^4,4,诉求内容,这一行的诉求内容是空的：请在原系统补上诉求内容后再导入这一行' "$local_file"
check "the repeated row, naming the one stored" grep -q '^5,5,工单编号,工单编号重复：第 2 条记录也是这个编号' "$local_file"
check_eq "only those rows" 4 "$(grep -c '' "$local_file")"
check "intake logs the fetch with who asked" grep -q "rejects of import $id (calls.csv, [0-9]* bytes) sent to test-clerk$" \
    "$HARNESS_DIR/intake.log"

# --- never over a file already there ----------------------------------------
echo "我的批注" >>"$local_file"
as_role clerk jiesu import "$dir/clerk/calls.csv" >"$dir/again.out" 2>&1
check "importing the file again succeeds" test $? -eq 0
check "the clerk's own file is left as it was" sh -c "tail -n 1 '$local_file' | grep -qx 我的批注"
check "the new rejects go to the next free name, which the summary gives" \
    grep -q "（拒收和重复明细：$dir/clerk/calls.拒收明细-2.csv）" "$dir/again.out"
check "… with the rows still refused" grep -q '^4,4,诉求内容,这一行的诉求内容是空的：请在原系统补上诉求内容后再导入这一行' "$dir/clerk/calls.拒收明细-2.csv"
check "… and R1 called at another time still listed as repeating row 2, the R1 stored (its call time is not R1's)" \
    grep -q '^5,5,工单编号,工单编号重复：第 2 条记录也是这个编号' "$dir/clerk/calls.拒收明细-2.csv"

# --- another complaint under a stored number ---------------------------------
# R4 called at another time is another complaint numbered apart (another
# system's series): refused, listed with the stored one's time and what to
# do, and counted apart; R1 at its time is R1 exported again, counted only.
# Before, both were counted as duplicates and nothing was listed.
mkdir -p "$dir/clash"
printf '工单编号,来电时间,诉求地址,诉求内容\nR4,2021-06-01 08:00,中韩,楼上漏水\nR1,2021/5/30 10:57,沙子口,路灯不亮\n' >"$dir/clash/calls.csv"
as_role clerk jiesu import "$dir/clash/calls.csv" >"$dir/clash.out" 2>&1
check "an import with another complaint under a stored number succeeds" test $? -eq 0
check "… its summary counts it apart among the rejected" \
    grep -q "calls.csv：共 2 行，新存 0 件，重复 1 行（工单号已入库），拒收 1 行，其中工单号已被另一件诉求占用的 1 行（拒收明细：$dir/clash/calls.拒收明细.csv）" "$dir/clash.out"
check "… and lists it, saying what and what to do" \
    grep -qx "2,2,工单编号,工单编号 R4 已由第 $id 号导入存为另一件诉求（来电时间 2021-05-30 12:00:00，与这一行的 2021-06-01 08:00:00 不同）：不是同一件诉求时，请在原系统核对工单编号，改正后再导入这一行,R4" \
    "$dir/clash/calls.拒收明细.csv"
check_eq "… only it" 2 "$(grep -c '' "$dir/clash/calls.拒收明细.csv")"
check_eq "… stored nothing: R4 is still the complaint stored" "1 井盖松动" \
    "$(sql "SELECT count(*) || ' ' || min(content) FROM complaints WHERE ticket_no = 'R4'")"
check_eq "… recorded: one duplicate, one rejected" "0 1 1" \
    "$(last_import "inserted || ' ' || duplicates || ' ' || rejected")"

# --- fetched again: the clerk and an administrator, no one else --------------
(cd "$dir/again" && as_role clerk jiesu import --rejects "$id") >"$dir/fetch.out" 2>&1
check "the clerk fetches the rejects again, into the current directory" \
    sh -c "test $? -eq 0 && grep -qx '第 $id 号导入的拒收明细：calls.拒收明细.csv' '$dir/fetch.out'"
check "… the same bytes" cmp "$dir/again/calls.拒收明细.csv" "$(server_copy "$id")"
other_key=$(user_key test-clerk-2 clerk)
(cd "$dir/other" && JIESU_CLI_KEY_FILE=$other_key jiesu import --rejects "$id") >"$dir/other.out" 2>&1
check "another clerk is refused" test $? -ne 0
check "… in Chinese, saying who may" grep -q "第 $id 号导入不是 test-clerk-2 做的：拒收明细里有来电人的姓名和电话，只有做这次导入的话务员本人和系统管理员可以取回" \
    "$dir/other.out"
check_eq "… and gets no file" "" "$(ls "$dir/other")"
check "… the refusal logged with who asked" grep -q "rejects of import $id refused to test-clerk-2: " "$HARNESS_DIR/intake.log"
(cd "$dir/other" && as_role dispatcher jiesu import --rejects "$id") >"$dir/dispatcher.out" 2>&1
check "a dispatcher is refused" sh -c "test $? -ne 0 && grep -q '话务员、系统管理员' '$dir/dispatcher.out'"
(cd "$dir/admin" && jiesu -k "$JIESU_KEYS_DIR/admin.key" import --rejects "$id") >"$dir/admin.out" 2>&1
check "an administrator may fetch it" cmp "$dir/admin/calls.拒收明细.csv" "$(server_copy "$id")"
(cd "$dir/other" && as_role clerk jiesu import --rejects 999999) >"$dir/unknown.out" 2>&1
check "an import that is not there, said so" sh -c "test $? -ne 0 && grep -q '没有编号为 999999 的导入' '$dir/unknown.out'"

# --- a dry run writes no rejects file ----------------------------------------
cp "$dir/clerk/calls.csv" "$dir/dry/calls.csv"
as_role clerk jiesu import --dry-run "$dir/dry/calls.csv" >"$dir/dry.out" 2>&1
check "a dry run succeeds" test $? -eq 0
check_eq "… and leaves no rejects file" "calls.csv" "$(ls "$dir/dry")"

# --- rejects of several MiB, in chunks ---------------------------------------
when=$(printf '昨%.0s' $(seq 300))
{
    printf '工单编号,来电时间,诉求地址,诉求内容\n'
    for i in $(seq 3000); do printf 'BIG%d,%s,沙子口,时间不对\n' "$i" "$when"; done
} >"$dir/big/big.csv"
as_role clerk jiesu import "$dir/big/big.csv" >"$dir/big.out" 2>&1
big=$(last_import id)
check "a file whose rejects are over 1 MiB imports" test $? -eq 0 -a "$(stat -c %s "$(server_copy "$big")")" -gt 1048576
check "… and its rejects arrive whole, in chunks" cmp "$dir/big/big.拒收明细.csv" "$(server_copy "$big")"
check_eq "… every row" 3001 "$(grep -c '' "$dir/big/big.拒收明细.csv")"
harness_services_stop
