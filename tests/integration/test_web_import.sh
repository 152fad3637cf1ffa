# test_web_import.sh — the clerk's import page on the workbench (导入文件),
# against the real services: a clerk signed in uploads a CSV with good and
# bad rows (multipart, the page's CSRF token), the good rows are stored with
# the clerk as the importer and the actor of their events, the page shows
# the summary as `jiesu import` prints it and links the rejects file, which
# downloads as a CSV attachment with the rejected rows (intake's bytes, not
# kept by the browser); the page lists the clerk's recent imports; a file
# of several MiB travels in chunks both ways; a dry run stores nothing;
# another clerk is refused the rejects, a dispatcher the page, a form
# without the token is refused, and so are a file over web.import_max_bytes
# (saying the limit and that jiesu import takes it), a file of another
# kind (a tab-separated .txt is taken) and a file intake cannot read (in intake's words, teaching what the
# page offers rather than jiesu import's options), nothing stored by any of
# them; a profile that does not parse is listed as not to be chosen with its
# problem, the others used, until it is fixed.
# Sourced by tests/run.sh (uses tests/harness.sh, tests/web_lib.sh).

. "$REPO/tests/web_lib.sh"
profiles=$HARNESS_DIR/web-import-profiles      # the shipped ones, and some broken below
rm -rf "$profiles"; mkdir -p "$profiles"; cp "$REPO"/data/profiles/*.conf "$profiles"
web_stack jiesu_web_import "web.import_max_bytes = 4194304" "intake.profiles_dir = $profiles"
web_user web-clerk clerk
web_user web-clerk-2 clerk
web_user web-disp dispatcher
jar=$WEB_DIR/clerk.jar jar2=$WEB_DIR/clerk2.jar jard=$WEB_DIR/disp.jar
imports() { sql "SELECT count(*) FROM imports"; }
server_copy() { echo "$HARNESS_DIR/rejects/import-$1-rejects.csv"; }
upload() {     # upload JAR FILE [FIELD=VALUE...]: the import form sent (with the page's token, the
               # profile $PROFILE chosen, none unless set); prints the status
    local jar=$1 file=$2 csrf; shift 2
    csrf=$(web_csrf "$jar" /work/import)
    curl -s -b "$jar" -o "$WEB_DIR/answer.html" -D "$WEB_DIR/answer.headers" -w '%{http_code}' \
        -F "csrf=$csrf" -F "profile=${PROFILE:-}" "${@/#/-F}" -F "file=@$file" "$WEB_BASE/work/import"
}
said() { grep -q -- "$1" "$WEB_DIR/answer.html"; }

check_eq "the clerk signs in" 303 "$(web_signin "$jar" web-clerk)"
check_eq "the workbench opens" 200 "$(web_get "$jar" /work)"
check "the clerk's navigation links the import page" grep -q '<a href="/work/import">导入文件</a>' "$WEB_DIR/body"
check_eq "the import page opens for the clerk" 200 "$(web_get "$jar" /work/import)"
check "… a multipart form with the session's token, before the file" \
    grep -q 'enctype="multipart/form-data"><input type="hidden" name="csrf"' "$WEB_DIR/body"
check "… the profiles intake knows, the header deciding unless one is chosen" \
    sh -c "grep -q '<option value=\"\">按文件的表头自动选择（默认）</option>' '$WEB_DIR/body' &&
           grep -q '<option value=\"12345\"' '$WEB_DIR/body' && grep -q '<option value=\"nyc311\"' '$WEB_DIR/body'"
check "… the dry run and the file's kinds" \
    sh -c "grep -q 'name=\"dry_run\"' '$WEB_DIR/body' && grep -q 'accept=\".csv,.tsv,.txt,.xlsx,.zip\"' '$WEB_DIR/body'"
check "… and says the clerk has imported nothing yet" grep -q '您还没有导入过文件' "$WEB_DIR/body"

# --- a file with good and bad rows ------------------------------------------
{
    printf '\xef\xbb\xbf工单编号,来电时间,诉求地址,诉求内容,来电人,联系电话\r\n'
    printf 'WI1,2021-05-30 10:57,沙子口,路灯不亮,王芳,13800138000\r\n'
    printf 'WI2,昨天,沙子口,时间不对,李强,13900139000\r\n'
    printf 'WI3,2021-05-30 11:00,沙子口,,赵敏,13700137000\r\n'
    printf 'WI1,2021-05-31 09:00,沙子口,又打来了,王芳,13800138000\r\n'
    printf 'WI4,2021-05-30 12:00,中韩,井盖松动,孙丽,13600136000\r\n'
} >"$WEB_DIR/calls.csv"
check_eq "the clerk's upload is imported" 200 "$(upload "$jar" "$WEB_DIR/calls.csv")"
id=$(sql "SELECT max(id) FROM imports")
check_eq "rows, stored, repeated, rejected" "5 2 1 2" \
    "$(sql "SELECT rows_total || ' ' || inserted || ' ' || duplicates || ' ' || rejected FROM imports WHERE id = $id")"
check_eq "the clerk is the importer, not the reporting service" web-clerk \
    "$(sql "SELECT imported_by FROM imports WHERE id = $id")"
check_eq "… and the actor of the stored orders' events" "web-clerk 2" \
    "$(sql "SELECT string_agg(DISTINCT e.actor, ',') || ' ' || count(*) FROM complaint_events e
              JOIN complaints c ON c.id = e.complaint_id WHERE c.import_id = $id AND e.event = 'imported'")"
check "the page says it as jiesu import does" \
    said 'calls.csv：共 5 行，新存 2 件，重复 1 行（工单号已入库 0 行，文件里同一工单号又出现 1 行，只存了第一行），拒收 2 行'
check "… the profile and the encoding" said '导入模板 12345（'
check "… and links the rejects" said "<a href=\"/work/import/rejects?id=$id\">下载拒收和重复明细</a>"
check "reporting logs who sent which file" grep -q "web: web-clerk sends calls.csv to intake" "$HARNESS_DIR/reporting.log"

status=$(curl -s -b "$jar" -o "$WEB_DIR/rejects.csv" -D "$WEB_DIR/rejects.headers" -w '%{http_code}' \
    "$WEB_BASE/work/import/rejects?id=$id")
check_eq "the rejects link downloads" 200 "$status"
check "… as a CSV attachment named after the file" \
    sh -c "grep -qi '^content-type: text/csv' '$WEB_DIR/rejects.headers' &&
           grep -qi '^content-disposition: attachment;.*filename\*=UTF-8.*calls\..*csv' '$WEB_DIR/rejects.headers'"
check "… that the browser does not keep" grep -qi '^cache-control: no-store' "$WEB_DIR/rejects.headers"
check "… intake's bytes" cmp "$WEB_DIR/rejects.csv" "$(server_copy "$id")"
check "… the rejected rows and the repeated one" \
    sh -c "grep -q '^3,3,来电时间,.*,昨天\$' '$WEB_DIR/rejects.csv' && grep -q '^4,4,诉求内容,这一行的诉求内容是空的' '$WEB_DIR/rejects.csv' &&
           grep -q '^5,5,工单编号,工单编号重复' '$WEB_DIR/rejects.csv'"

check_eq "the import page again" 200 "$(web_get "$jar" /work/import)"
check "… lists the import: the file, its time, stored and rejected, the rejects link" \
    python3 - "$WEB_DIR/body" "$id" "$(sql "SELECT to_char(started_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') FROM imports WHERE id = $id")" <<'PY'
import re, sys
page, id, when = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2], sys.argv[3]
row = re.search(r'<tr><td data-label="编号">' + id + r'</td>(.*?)</tr>', page)
cells = dict(re.findall(r'<td data-label="([^"]*)">(.*?)</td>', row.group(1))) if row else {}
ok = (cells.get("文件") == "calls.csv" and cells.get("导入时间") == when and cells.get("状态") == "已导入"
      and cells.get("新存") == "2" and cells.get("拒收", "").startswith("2 ")
      and f'/work/import/rejects?id={id}"' in cells.get("拒收", ""))
sys.exit(0 if ok else f"row of import {id}: {cells}")
PY

sed -n '1p;2p;6p' "$WEB_DIR/calls.csv" >"$WEB_DIR/again.csv"     # its header, WI1 and WI4: stored before
check_eq "a file of orders stored before is imported" 200 "$(upload "$jar" "$WEB_DIR/again.csv")"
again=$(sql "SELECT max(id) FROM imports")
check_eq "… every row repeated, none of the file's own, none rejected" "2 2 0 0" \
    "$(sql "SELECT rows_total || ' ' || duplicates || ' ' || repeated || ' ' || rejected FROM imports WHERE id = $again")"
check "… and its page links no rejects file for it" sh -c "! grep -q 'rejects?id=$again' '$WEB_DIR/answer.html'"
check_eq "the import page again" 200 "$(web_get "$jar" /work/import)"
check "… lists it without a rejects link, the first import with its own" \
    python3 - "$WEB_DIR/body" "$again" "$id" <<'PY'
import re, sys
page, again, first = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2], sys.argv[3]
def row(i):
    m = re.search(r'<tr><td data-label="编号">' + i + r'</td>(.*?)</tr>', page)
    return dict(re.findall(r'<td data-label="([^"]*)">(.*?)</td>', m.group(1))) if m else {}
a, f = row(again), row(first)
ok = (a.get("重复") == "2" and a.get("其中文件里重复") == "0" and a.get("拒收") == "0"
      and f.get("其中文件里重复") == "1" and f'rejects?id={first}"' in f.get("拒收", ""))
sys.exit(0 if ok else f"imports {again} and {first}: {a} {f}")
PY

# WI4 called at another time: another complaint under a stored number,
# refused and counted apart in the page's summary, with its rejects linked.
printf '工单编号,来电时间,诉求地址,诉求内容\nWI4,2021-06-01 08:00,中韩,楼上漏水\n' >"$WEB_DIR/clash.csv"
check_eq "a file with another complaint under a stored number is imported" 200 "$(upload "$jar" "$WEB_DIR/clash.csv")"
clash=$(sql "SELECT max(id) FROM imports")
check "… the page counts it apart, as jiesu import does" \
    said 'clash.csv：共 1 行，新存 0 件，重复 0 行（工单号已入库），拒收 1 行，其中工单号已被另一件诉求占用的 1 行'
check "… and links the rejects" said "<a href=\"/work/import/rejects?id=$clash\">下载拒收明细</a>"

# --- another clerk, a dispatcher, a form without its token --------------------
check_eq "another clerk signs in" 303 "$(web_signin "$jar2" web-clerk-2)"
check_eq "… and is refused the first clerk's rejects" 403 "$(web_get "$jar2" "/work/import/rejects?id=$id")"
check "… saying whose they are and who may" \
    grep -q "第 $id 号导入不是 web-clerk-2 做的：拒收明细里有来电人的姓名和电话" "$WEB_DIR/body"
check_eq "… whose recent imports are their own" 200 "$(web_get "$jar2" /work/import)"
check "… none" grep -q '您还没有导入过文件' "$WEB_DIR/body"
check_eq "the rejects of an import that is not there are refused" 404 "$(web_get "$jar" "/work/import/rejects?id=999999")"
check "… saying where the page links them" \
    grep -q '没有编号为 999999 的导入：请点导入页面“最近的导入”里的拒收明细链接取回' "$WEB_DIR/body"
check_eq "a dispatcher signs in" 303 "$(web_signin "$jard" web-disp)"
check_eq "… and is refused the page" 403 "$(web_get "$jard" /work/import)"
check "… saying who may" grep -q 'web-disp 的角色是派单员，不能在工作台导入文件：只有话务员可以' "$WEB_DIR/body"
check "… whose navigation has no import page" \
    sh -c "test \"\$(curl -s -b '$jard' '$WEB_BASE/work' | grep -c '/work/import')\" = 0"
before=$(imports)
check_eq "… and whose upload is refused" 403 "$(upload "$jard" "$WEB_DIR/calls.csv")"
check_eq "… the rejects too" 403 "$(web_get "$jard" "/work/import/rejects?id=$id")"
check_eq "a form without its token is refused" 403 "$(curl -s -b "$jar" -o "$WEB_DIR/answer.html" -w '%{http_code}' \
    -F "profile=" -F "file=@$WEB_DIR/calls.csv" "$WEB_BASE/work/import")"
check "… saying the form is stale" said '表单已失效'
csrf=$(web_csrf "$jar" /work/import)
check_eq "a form whose token comes after its file is refused" 400 "$(curl -s -b "$jar" -o "$WEB_DIR/answer.html" \
    -w '%{http_code}' -F "file=@$WEB_DIR/calls.csv" -F "csrf=$csrf" "$WEB_BASE/work/import")"
check "… saying to use the page, the file not imported" said '这份表单不是导入页面发来的（它的令牌不在文件之前），文件没有导入'
check_eq "nothing was imported by any of them" "$before" "$(imports)"

# --- a file over the limit, a file of another kind ---------------------------
head -c 5000000 /dev/zero | tr '\0' 'x' >"$WEB_DIR/huge.csv"
check_eq "a file over web.import_max_bytes is refused" 413 "$(upload "$jar" "$WEB_DIR/huge.csv")"
check "… saying the limit and that jiesu import takes it" \
    said '文件“huge.csv”超过了工作台导入的上限 4 MB（web.import_max_bytes），没有导入：更大的文件请用命令 jiesu import 导入'
cp "$WEB_DIR/calls.csv" "$WEB_DIR/calls.pdf"
check_eq "a file of another kind is refused" 400 "$(upload "$jar" "$WEB_DIR/calls.pdf")"
check "… saying which files are" said '“calls.pdf”不是可以导入的文件：请选择热线导出的 .csv、.xlsx 文件或制表符分隔的 .tsv、.txt 文件'
printf '编号,内容\r\n1,路灯不亮\r\n' >"$WEB_DIR/other.csv"
check_eq "a file no profile reads is refused" 409 "$(upload "$jar" "$WEB_DIR/other.csv")"
check "… in intake's words, as jiesu import says them" said '文件“other.csv”没有导入：.*导入模板'
check "… teaching what the page offers (the 导入模板 list, 试导入), not jiesu import's options" \
    sh -c "grep -q '请在“导入模板”里换一个列名对得上的模板（可以先勾“试导入”看它怎样读这个文件）' '$WEB_DIR/answer.html' &&
           ! grep -q -- '--profile\|jiesu profiles' '$WEB_DIR/answer.html'"
check_eq "the import page again" 200 "$(web_get "$jar" /work/import)"
check "… lists it as failed with the start of why, the whole (a line a missing column, what to do) under 看全文" \
    python3 - "$WEB_DIR/body" "$(sql "SELECT max(id) FROM imports WHERE file_name = 'other.csv'")" <<'PY'
import html, re, sys
page, id = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
row = re.search(r'<tr><td data-label="编号">' + id + r'</td>(.*?)</tr>', page, re.S)
cells = dict(re.findall(r'<td data-label="([^"]*)">(.*?)</td>', row.group(1), re.S)) if row else {}
why = re.fullmatch(r'([^<]*)<details class="whole"><summary>看全文</summary><div>(.*)</div></details>',
                   cells.get("失败原因", ""), re.S)
ok = (cells.get("状态") == "导入失败" and why and why.group(1).startswith("没有哪个导入模板对得上表头")
      and why.group(1).endswith("…") and len(why.group(1)) == 41
      and "\n  来电时间" in html.unescape(why.group(2)) and "请系统管理员照这个文件的表头添加一个导入模板" in why.group(2)
      and "--profile" not in why.group(2))
sys.exit(0 if ok else f"row of import {id}: {cells}")
PY
check_eq "… none of them stored anything" 2 "$(sql "SELECT count(*) FROM complaints")"

# --- a profile only an administrator can fix ---------------------------------
# Its problem said, and to ask an administrator to fix it, never how to edit
# the file (the page cannot) nor where it lies: before, the page said what
# jiesu import says, the profile's path and what to write in it.
broken() {     # broken NAME: the page's answer names profile NAME's problem and asks an administrator
    said "导入模板 $1 有问题：.*。模板只有系统管理员能改，导入页面上改不了：请系统管理员修好导入模板 $1，再导入这个文件" &&
        ! said "$profiles\|应是 IANA\|encoding = \|改为 auto\|另存为"
}
sed 's|^timezone = .*|timezone = Mars/Olympus|' "$profiles/12345.conf" >"$profiles/mars.conf"
check_eq "a profile whose time zone is none" 409 "$(PROFILE=mars upload "$jar" "$WEB_DIR/calls.csv")"
check "… is said to be wrong there, for an administrator to fix" said '导入模板 mars 有问题：它写的时区“Mars/Olympus”不是有效的时区名'
check "… in those words alone" broken mars
rm "$profiles/mars.conf"
sed 's|^encoding = .*|encoding = utf-8|' "$profiles/12345.conf" >"$profiles/utf8.conf"
printf '工单编号,来电时间,诉求内容\r\nWG1,2021-05-30 10:57,路灯不亮\r\n' | iconv -f UTF-8 -t GB18030 >"$WEB_DIR/gbk.csv"
check_eq "a header not in the encoding its profile says" 409 "$(PROFILE=utf8 upload "$jar" "$WEB_DIR/gbk.csv")"
check "… is the profile's to fix there" \
    said '导入模板 utf8 有问题：它规定文件按 UTF-8 编码读，这个文件的表头行第 1 列第 1 个字符起却不是 UTF-8 文本'
check "… in those words alone" broken utf8
rm "$profiles/utf8.conf"
# A profile that does not parse is set aside, the others used: before, every
# upload stopped on it and the page could not list the profiles at all.
printf 'timezone = Asia/Shanghai\ndates = ymd\nencoding = latin1\nticket_no = 编号\ncalled_at = 受理日期\ncontent = 事项\n' \
    >"$profiles/broken.conf"
printf '编号,受理日期,事项\r\nSX1,2021-05-30 10:58,井盖缺失\r\n' >"$WEB_DIR/other.csv"
check_eq "beside a profile that does not parse, the import page opens" 200 "$(web_get "$jar" /work/import)"
check "… listing the profiles, the broken one not to be chosen" sh -c \
    "grep -q '<option value=\"12345\"' '$WEB_DIR/body' &&
     grep -q '<option value=\"broken\" disabled>broken（有问题，暂不能用）</option>' '$WEB_DIR/body'"
check "… its problem in a sentence, for an administrator to fix" grep -q \
    '导入模板 broken 有问题，暂不能用：第 3 行：编码“latin1”不认识：可写 auto、utf-8、gb18030 或 windows-1252（西文，Latin-1 也按它读）。模板只有系统管理员能改，导入页面上改不了：请系统管理员修好导入模板 broken' \
    "$WEB_DIR/body"
check "… never its file" fails grep -q "$profiles" "$WEB_DIR/body"
check_eq "a file another profile fits is read with it" 200 "$(upload "$jar" "$WEB_DIR/calls.csv" dry_run=1)"
check "… the profile its header chose" said '导入模板 12345（按表头选定）'
check_eq "the broken profile chosen" 409 "$(PROFILE=broken upload "$jar" "$WEB_DIR/calls.csv")"
check "… is named with its line's problem" said '导入模板 broken 有问题：第 3 行：编码“latin1”不认识'
check "… in those words alone" broken broken
check_eq "a file no usable profile fits" 409 "$(upload "$jar" "$WEB_DIR/other.csv")"
check "… names the broken one, which it may have been exported for" sh -c \
    "grep -q '没有哪个导入模板对得上表头' '$WEB_DIR/answer.html' &&
     grep -q '另有 1 个导入模板有问题、暂不能用，这个文件也许正该用它导入' '$WEB_DIR/answer.html'"
check "… in those words alone" broken broken
sed -i 's/^encoding = latin1$/encoding = auto/' "$profiles/broken.conf"
check_eq "fixed, without restarting intake" 200 "$(web_get "$jar" /work/import)"
check "… it may be chosen" sh -c "grep -q '<option value=\"broken\">' '$WEB_DIR/body' && ! grep -q 'disabled\|（有问题，暂不能用）' '$WEB_DIR/body'"
check_eq "… and reads its file" 200 "$(upload "$jar" "$WEB_DIR/other.csv" dry_run=1)"
check "… by its header" said '导入模板 broken（按表头选定）'
rm "$profiles/broken.conf"
check_eq "… none of them stored anything either" 2 "$(sql "SELECT count(*) FROM complaints")"
# A tab-separated export (.tsv, or .txt as Excel names it) is taken as
# jiesu import takes it; the page refused it as a file of another kind.
printf '工单编号\t来电时间\t诉求内容\r\nWT1\t2021-05-30 10:58\t路灯不亮, 整条街都黑\r\n' >"$WEB_DIR/calls.txt"
check_eq "a tab-separated .txt is taken" 200 "$(upload "$jar" "$WEB_DIR/calls.txt")"
check "… and imported" said 'calls.txt：共 1 行，新存 1 件'
check_eq "… split at its tabs" "路灯不亮, 整条街都黑" "$(sql "SELECT content FROM complaints WHERE ticket_no = 'WT1'")"

# --- a dry run; a file of several MiB, both ways in chunks --------------------
before=$(imports)
check_eq "a dry run" 200 "$(upload "$jar" "$WEB_DIR/calls.csv" dry_run=1)"
check "… says nothing was stored" said 'calls.csv：试导入，什么也没有存：共 5 行'
check "… a row with no column beyond the profile's shows 附加信息 —, not JSON's {}" said '<dt>附加信息</dt><dd>—</dd>'
check_eq "… and stores nothing" "$before" "$(imports)"
printf '工单编号,来电时间,诉求内容,反映类别\r\n9001,2024-04-15 22:51,路灯不亮,城乡建设\r\n' >"$WEB_DIR/unused.csv"
check_eq "a dry run of a file with a column the profile does not use" 200 "$(upload "$jar" "$WEB_DIR/unused.csv" dry_run=1)"
check "… warns of it, the field named as people know it, the profile the administrator's to change" \
    sh -c "grep -q '有 1 列导入模板 12345 没有用上，只存进附加信息：反映类别（像是诉求类别）。要用上其中一列，请系统管理员在导入模板 12345 里把它对应到字段（如把“反映类别”对应到诉求类别）' '$WEB_DIR/answer.html' &&
           ! grep -q -- '--profile\|jiesu profiles' '$WEB_DIR/answer.html'"
check "… its mapping names each field as people know it, no profile key, nor does the reason of the file refused above" \
    sh -c "grep -q '<td data-label=\"字段\">工单编号</td><td data-label=\"文件里的列\">工单编号</td>' '$WEB_DIR/answer.html' &&
           ! grep -q '模板里的键\|>ticket_no<\|（ticket_no）\|category' '$WEB_DIR/answer.html'"
python3 - "$WEB_DIR/late.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8", newline="") as f:
    f.write("\ufeff工单编号,来电时间,诉求地址,诉求内容,来电人,联系电话\r\n")
    for i in range(12000):
        f.write(f"WL{i},来电人说是上周三下午三点多打过一次电话但是记不清楚了{i:05d}" + "再核对" * 20
                + ",沙子口,路灯不亮,王芳,13800138000\r\n")
PY
check_eq "a file of $(stat -c %s "$WEB_DIR/late.csv") bytes is imported" 200 "$(upload "$jar" "$WEB_DIR/late.csv")"
big=$(sql "SELECT max(id) FROM imports")
check_eq "… every row read, every one rejected" "12000 0 12000 web-clerk" \
    "$(sql "SELECT rows_total || ' ' || inserted || ' ' || rejected || ' ' || imported_by FROM imports WHERE id = $big")"
check "… intake's copy of the rejects is over a chunk" test "$(stat -c %s "$(server_copy "$big")")" -gt 1048576
check_eq "… whose download" 200 "$(curl -s -b "$jar" -o "$WEB_DIR/late-rejects.csv" -w '%{http_code}' \
    "$WEB_BASE/work/import/rejects?id=$big")"
check "… is intake's bytes" cmp "$WEB_DIR/late-rejects.csv" "$(server_copy "$big")"

# A file whose encoding cannot be told, and rows whose call times the
# profile does not read: the page's answer, the first rows refused and the
# rejects file teach what the page offers (save the file as CSV UTF-8, ask
# an administrator); before, they said the profile's lines to write in a
# copy sent with --profile, beside the page's own instructions. (Last: the
# recent imports on every page after it show its reasons.)
terminal_words() {    # terminal_words FILE TEXT: the lines of FILE with TEXT (a message) say the terminal's words
    grep -- "$2" "$1" | grep -q -- '--profile\|副本\|encoding =\|dates ='
}
{
    printf '工单编号,来电时间,诉求地址,诉求内容\r\n' | iconv -f UTF-8 -t GBK
    printf '%s\r\n' 'ES1,2022-05-01 08:00,8106 CALLE NIÑO,Ruido nocturno' 'ES2,2022-05-01 08:05,Calle Núñez 12,Farola' \
        'ES3,2022-05-01 08:09,Travesía Peñalosa 3,Basura en la acera' | iconv -f UTF-8 -t WINDOWS-1252
} >"$WEB_DIR/both.csv"
check_eq "a file that reads as GB18030 and as Windows-1252 is refused" 409 "$(upload "$jar" "$WEB_DIR/both.csv")"
check "… saying to save it as CSV UTF-8 or ask an administrator, as the page can" sh -c \
    "grep -q '看不准文件的编码.*所以没有导入。请在 Excel 里打开它，另存为“CSV UTF-8（逗号分隔）”后再导入；或请系统管理员' '$WEB_DIR/answer.html'"
check "… nothing to write in a profile nor an option" fails terminal_words "$WEB_DIR/answer.html" 看不准文件的编码
printf '工单编号,来电时间,诉求内容\r\nWU1,05/13/2022 01:15:33 PM,路灯不亮\r\nWU2,1651363203,井盖松动\r\n' >"$WEB_DIR/us.csv"
check_eq "a dry run of call times the profile does not read" 200 "$(upload "$jar" "$WEB_DIR/us.csv" dry_run=1)"
check "… shows their rows refused, the profile the administrator's to change" sh -c \
    "grep -q '是“05/01/2022（月/日/年）”这种写法，导入模板 12345 不认：文件里的时间都这样写的话，模板只有系统管理员能改，导入页面上改不了：请系统管理员让导入模板 12345 也读这种写法，再导入这个文件' '$WEB_DIR/answer.html' &&
           grep -q '请系统管理员让导入模板 12345 也读 Unix 时间戳' '$WEB_DIR/answer.html'"
check "… in those words alone" fails terminal_words "$WEB_DIR/answer.html" '导入模板 12345 不认'
check_eq "imported, every row refused" 200 "$(upload "$jar" "$WEB_DIR/us.csv")"
check_eq "… whose rejects download" 200 "$(curl -s -b "$jar" -o "$WEB_DIR/us-rejects.csv" -w '%{http_code}' \
    "$WEB_BASE/work/import/rejects?id=$(sql "SELECT max(id) FROM imports")")"
check "… in the page's words too" sh -c "grep -q '请系统管理员让导入模板 12345 也读这种写法' '$WEB_DIR/us-rejects.csv' &&
                                         ! grep -q -- '--profile\|dates =' '$WEB_DIR/us-rejects.csv'"


harness_services_stop
